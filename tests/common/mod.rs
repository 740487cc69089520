//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod audit;
pub mod bin;
pub mod clipboard;
pub mod env;
pub mod harness;
pub mod hostile;
pub mod link_web;
pub mod presets;
pub mod pty;
pub mod tmux;
pub mod tools;

#[allow(unused_imports)] // each test binary uses some of them
pub use bin::{BIN, clean_command, code, no_config_command, run, text};

use std::time::Duration;

use vital_onboard::api::{Client, RetryPolicy};
use vital_onboard::emulator::{EmulatorOptions, RunningEmulator, start_local};
use vital_onboard::setup::connection::ApiKey;

pub const KEY: &str = "sk_us_test_key_7f3a9c";

/// The JSON values of `--json` output, one a line.
pub fn json_lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Sends `sig` to the process `pid` (a child this test started).
pub fn signal(pid: u32, sig: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig)
        .expect("the child is there");
}

/// A loopback port that refuses connections for as long as the answered socket lives: it is
/// bound and never listens, so no other test (nor anything else) can take the port meanwhile,
/// as one could a port freed by dropping a listener, or a fixed one.
pub fn refused_port() -> (tokio::net::TcpSocket, u16) {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind(([127, 0, 0, 1], 0).into())
        .expect("a loopback port");
    let port = socket.local_addr().expect("its address").port();
    (socket, port)
}

/// An emulator on loopback that accepts only [`KEY`].
pub async fn emulator(users: usize) -> RunningEmulator {
    start_local(EmulatorOptions {
        users,
        api_key: Some(KEY.into()),
    })
    .await
    .expect("emulator starts")
}

/// A client for `emu` with quick retries.
pub fn client(emu: &RunningEmulator) -> Client {
    client_with_key(emu, Some(KEY))
}

pub fn client_with_key(emu: &RunningEmulator, key: Option<&str>) -> Client {
    Client::new(
        emu.base_url(),
        key.map(ApiKey::new),
        "the test emulator",
        Duration::from_secs(5),
    )
    .with_retry(fast_retry())
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(3),
    }
}

/// Decodes a QR code drawn in half blocks (as `QrMatrix::lines` makes them) with rqrr.
pub fn decode_half_blocks(lines: &[String]) -> Result<String, String> {
    let grid = vital_onboard::link::qr::modules_from_lines(lines);
    decode_grid(&grid)
}

/// Decodes a module grid (true = dark) with rqrr, scaling each module to 4x4 pixels.
pub fn decode_grid(grid: &[Vec<bool>]) -> Result<String, String> {
    const SCALE: usize = 4;
    let h = grid.len();
    let w = grid.iter().map(Vec::len).max().unwrap_or(0);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w * SCALE, h * SCALE, |x, y| {
        let dark = grid
            .get(y / SCALE)
            .and_then(|row| row.get(x / SCALE))
            .copied()
            .unwrap_or(false);
        if dark { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    let first = grids.first().ok_or("no QR code found")?;
    let (_, content) = first.decode().map_err(|e| e.to_string())?;
    Ok(content)
}

/// The link token inside a `link_web_url` (its `token` query value, percent-decoded).
pub fn token_of(url: &str) -> String {
    url::Url::parse(url)
        .expect("a link URL")
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("a token parameter")
}
