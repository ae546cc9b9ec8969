//! Reading rendered pages (`html.rs`).

use super::{h, page};
use crate::book::html::{elements, headings, main_range, strip_tags, text_of, unescape};

#[test]
fn main_is_what_sits_between_main_tags() {
    let html = page("<p>inside</p>");
    assert_eq!(html[main_range(&html)].trim(), "<p>inside</p>");
    assert_eq!(main_range("<p>no main</p>"), 0..14);
}

#[test]
fn elements_match_whole_tag_names() {
    let html = "<pre>a</pre><prefix>b</prefix><pre class=\"x\">c</pre>";
    let found: Vec<_> = elements(html, 0..html.len(), "pre")
        .into_iter()
        .map(|e| &html[e.inner])
        .collect();
    assert_eq!(found, ["a", "c"]);
}

#[test]
fn text_is_unescaped_with_tags_as_spaces() {
    assert_eq!(
        unescape("&lt;()&gt; &amp;&amp; &quot;x&quot; it&#39;s &#x27;y&#x27; &bogus; a&b"),
        "<()> && \"x\" it's 'y' &bogus; a&b"
    );
    assert_eq!(strip_tags("a<b>c</b>d <> e"), "a c d <> e");
    assert_eq!(
        text_of("<a href=\"#x\">The <code>Lock</code></a>"),
        "The Lock"
    );
}

#[test]
fn headings_in_page_order_inside_main_only() {
    let html = page(&(h(1, "Lock") + &h(3, "Three") + &h(2, "Two")));
    let got: Vec<_> = headings(&html)
        .into_iter()
        .map(|h| (h.level, h.text))
        .collect();
    assert_eq!(
        got,
        [
            (1, "Lock".to_string()),
            (3, "Three".to_string()),
            (2, "Two".to_string())
        ]
    );
}
