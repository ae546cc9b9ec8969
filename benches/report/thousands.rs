//! Numbers as Python's `f"{n:,}"` writes them, for the tables the examples
//! write (`#[path = "../benches/report/thousands.rs"] mod thousands;`).

/// As Python's `f"{n:,}"`: 6000000 as "6,000,000".
pub fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
