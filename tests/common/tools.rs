//! System tools some tests need. `.ci/run` installs them, so under `CI` a missing one fails the
//! test; on a developer machine the test says on stderr that it did not run.

use std::process::{Command, Stdio};

/// Whether `program` is on PATH.
pub fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether every one of `programs` is on PATH. When one is missing: under `CI` this fails
/// (naming `packages`, which `.ci/run` installs); elsewhere it says that `what` did not run.
pub fn present(programs: &[&str], what: &str, packages: &str) -> bool {
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !on_path(p)).collect();
    assert!(
        missing.is_empty() || std::env::var_os("CI").is_none(),
        "CI must have {} ({packages}; .ci/run installs it): {what} cannot run",
        missing.join(", ")
    );
    if !missing.is_empty() {
        eprintln!(
            "{} missing: {what} did not run (apt-get install {packages})",
            missing.join(", ")
        );
    }
    missing.is_empty()
}
