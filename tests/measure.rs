//! The unit tests of the code that writes the book's measured figures, run
//! by plain `cargo test`: the bench report's tables (`benches/report/`) and
//! the plan of `cargo xtask measure` (`xtask/src/measure/plan.rs`: which
//! step writes which file, the stamp, the versions read from Cargo.lock).

#[path = "../benches/report/mod.rs"]
mod report;

#[allow(dead_code)]
#[path = "../xtask/src/measure/plan.rs"]
mod plan;
