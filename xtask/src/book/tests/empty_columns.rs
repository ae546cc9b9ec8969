//! Table columns that hold nothing (`empty_columns.rs`).

use super::{messages, page};
use crate::book::empty_columns::check;

const HEAD: &str = "<div class=\"table-wrapper\">\n<table>\n<thead>\n<tr><th>implementation</th>\
    <th style=\"text-align: right\">median (ns)</th><th style=\"text-align: right\">vs std Mutex</th>\
    </tr>\n</thead>\n<tbody>\n";

#[test]
fn a_column_of_dashes_and_blanks_is_rejected() {
    let html = page(&format!(
        "{HEAD}<tr><td>syncbook Semaphore</td><td>12.1</td><td>–</td></tr>\n\
         <tr><td>std Mutex</td><td>12.6</td><td></td></tr>\n\
         <tr><td>parking_lot</td><td>12.9</td><td> - </td></tr>\n</tbody>\n</table>\n</div>"
    ));
    assert_eq!(
        messages(check(&html)),
        [
            "column `vs std Mutex` holds nothing in this table (every cell is empty or a dash): \
             drop the column, or fill it, in the file the table comes from"
        ]
    );
}

#[test]
fn a_column_with_one_figure_passes() {
    let html = page(&format!(
        "{HEAD}<tr><td>syncbook Semaphore</td><td>12.1</td><td>–</td></tr>\n\
         <tr><td>std Mutex</td><td>12.6</td><td>1.00x</td></tr>\n</tbody>\n</table>\n</div>"
    ));
    assert_eq!(check(&html), []);
}
