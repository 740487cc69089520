//! Wire fidelity: the official Python SDKs (`PyPI` `vital` 2.1.569 and `junction-api-sdk` 2.0.0),
//! pointed at the emulator, must parse every response and reject the same bad requests (app codes
//! included: `link.code_create` parses `POST /v2/link/code/create` and the code matches the spec).
//!
//! `.ci/run` installs the two SDKs into a virtualenv and sets `VITAL_SDK_PYTHON` to its python, so
//! this runs on every CI run. Locally: see docs/emulator.md ("Wire fidelity").

use std::process::Command;

use vital_onboard::emulator::{EmulatorOptions, start_local};

#[tokio::test(flavor = "multi_thread")]
async fn official_python_sdks_parse_every_emulator_response() {
    let Some(python) = std::env::var_os("VITAL_SDK_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set VITAL_SDK_PYTHON (.ci/run installs the SDKs)"
        );
        eprintln!(
            "VITAL_SDK_PYTHON is not set: the SDK check did not run (see docs/emulator.md, Wire fidelity)"
        );
        return;
    };
    let emu = start_local(EmulatorOptions {
        users: 20,
        api_key: Some("testkey".into()),
    })
    .await
    .unwrap();
    let url = emu.base_url().as_str().trim_end_matches('/').to_string();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk_fidelity/check.py");
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/junction-openapi.json"
    );
    let mut cmd = Command::new(python);
    cmd.arg(script).arg(&url).arg("testkey");
    if std::path::Path::new(spec).exists() {
        cmd.arg("--spec").arg(spec);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "SDK check failed:\n{}\n{stderr}",
        stdout
            .lines()
            .filter(|l| l.starts_with("FAIL"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" 0 failed"), "{last}");
}
