//! How paths are shown in messages (`problem.rs`).

use crate::book::problem::{display_path, normalize};
use std::path::Path;

#[test]
fn display_paths() {
    let base = Path::new("/w/main");
    assert_eq!(
        display_path(Path::new("/w/main/chapters/../src/a.rs"), base),
        "src/a.rs"
    );
    assert_eq!(
        display_path(Path::new("/w/other/a.rs"), base),
        "/w/other/a.rs"
    );
    assert_eq!(normalize(Path::new("../a/./b/../c")), Path::new("../a/c"));
}
