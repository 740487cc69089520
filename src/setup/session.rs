//! Turns resolved settings into a working client: in demo mode it first starts the embedded
//! emulator on loopback.

use crate::api::ApiKey;
use crate::api::Client;
use crate::emulator::{self, EmulatorOptions, RunningEmulator};
use crate::setup::connection::{Connection, Target};

/// A client and, in demo mode, the emulator behind it (kept alive as long as the session).
pub struct Session {
    pub client: Client,
    pub connection: Connection,
    pub emulator: Option<RunningEmulator>,
}

impl Session {
    pub async fn open(connection: Connection) -> std::io::Result<Session> {
        Session::open_with(connection, false).await
    }

    /// As [`Session::open`]; with `lan` (`--demo --lan`) the demo emulator listens on every
    /// interface and its links use the machine's LAN address.
    pub async fn open_with(connection: Connection, lan: bool) -> std::io::Result<Session> {
        match &connection.target {
            Target::Demo => {
                // The in-process emulator accepts only a random key of its own, so nothing else on
                // the machine can mint through it by guessing.
                let key = format!("demo_{}", uuid::Uuid::new_v4().simple());
                let options = EmulatorOptions {
                    api_key: Some(key.clone()),
                    ..Default::default()
                };
                let emu = if lan {
                    let any = std::net::IpAddr::from([0, 0, 0, 0]);
                    let emu = emulator::start(any, 0, options).await?;
                    emu.serve_as(emulator::lan::public_host(any));
                    emu
                } else {
                    emulator::start_local(options).await?
                };
                // The console itself always talks to it over loopback.
                let loopback = format!("http://127.0.0.1:{}", emu.addr.port());
                let mut client = Client::new(
                    url::Url::parse(&loopback).expect("a valid URL"),
                    Some(ApiKey::new(key)),
                    connection.label(),
                    connection.timeout,
                );
                if lan && let Some(host) = emu.public_url().host_str() {
                    client = client.with_lan_links(host);
                }
                Ok(Session {
                    client,
                    connection,
                    emulator: Some(emu),
                })
            }
            Target::Vital { .. } | Target::Custom { .. } => {
                let base = connection.base_url().expect("not demo");
                let client = Client::new(
                    base,
                    connection.key.clone(),
                    connection.label(),
                    connection.timeout,
                )
                .with_origin(connection.host_origin());
                Ok(Session {
                    client,
                    connection,
                    emulator: None,
                })
            }
        }
    }

    pub fn is_demo(&self) -> bool {
        self.emulator.is_some()
    }
}
