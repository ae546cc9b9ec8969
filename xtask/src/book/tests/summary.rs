//! SUMMARY.md parsing (`summary.rs`).

use crate::book::summary::summary_links;

#[test]
fn summary_links_with_lines_titles_and_drafts() {
    let summary = "\
# Summary

[Introduction](README.md)

- [Mutex](mutex/README.md)
    - [Poisoning](mutex/poison.md)
- [Draft chapter]()

---

[Appendix: `[T]` slices](appendix%20a.md \"title\")
";
    let links = summary_links(summary);
    let got: Vec<_> = links
        .iter()
        .map(|l| (l.line, l.title.as_str(), l.target.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (3, "Introduction", "README.md"),
            (5, "Mutex", "mutex/README.md"),
            (6, "Poisoning", "mutex/poison.md"),
            (7, "Draft chapter", ""),
            (11, "Appendix: `[T]` slices", "appendix a.md"),
        ]
    );
}

#[test]
fn summary_links_skip_html_comments() {
    let summary = "\
- [One](one.md)
<!-- - [Hidden](hidden.md)
- [Also hidden](hidden2.md) -->
- [Two](two.md) <!-- [x](x.md) -->
";
    let targets: Vec<_> = summary_links(summary)
        .into_iter()
        .map(|l| (l.line, l.target))
        .collect();
    assert_eq!(
        targets,
        [(1, "one.md".to_string()), (4, "two.md".to_string())]
    );
}

#[test]
fn summary_link_with_angle_brackets_and_parens() {
    let links = summary_links("- [A](<dir/a b.md>)\n- [B](b_(2).md)\n");
    assert_eq!(links[0].target, "dir/a b.md");
    assert_eq!(links[1].target, "b_(2).md");
}

#[test]
fn summary_links_know_their_part_and_nesting() {
    let summary = "\
# Summary

[How to use this book](how-to-use.md)

# Before the first race

- [Before the first race](primer.md)

# The primitives

- [Lock](lock.md)
  - [Lock: more tests](lock-appendix.md)
";
    let got: Vec<_> = summary_links(summary)
        .into_iter()
        .map(|l| (l.target, l.part, l.nested))
        .collect();
    let part = |p: &str| Some(p.to_string());
    assert_eq!(
        got,
        [
            ("how-to-use.md".to_string(), None, false),
            (
                "primer.md".to_string(),
                part("Before the first race"),
                false
            ),
            ("lock.md".to_string(), part("The primitives"), false),
            ("lock-appendix.md".to_string(), part("The primitives"), true),
        ]
    );
}
