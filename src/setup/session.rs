//! Turns resolved settings into a working client: in demo mode it first starts the embedded
//! emulator on loopback.

use crate::api::Client;
use crate::emulator::{self, EmulatorOptions, RunningEmulator};
use crate::setup::connection::{ApiKey, Connection, Target};

/// A client and, in demo mode, the emulator behind it (kept alive as long as the session).
pub struct Session {
    pub client: Client,
    pub connection: Connection,
    pub emulator: Option<RunningEmulator>,
}

impl Session {
    pub async fn open(connection: Connection) -> std::io::Result<Session> {
        match &connection.target {
            Target::Demo => {
                // The in-process emulator accepts only a random key of its own, so nothing else on
                // the machine can mint through it by guessing.
                let key = format!("demo_{}", uuid::Uuid::new_v4().simple());
                let emu = emulator::start_local(EmulatorOptions {
                    api_key: Some(key.clone()),
                    ..Default::default()
                })
                .await?;
                let client = Client::new(
                    emu.base_url(),
                    Some(ApiKey::new(key)),
                    connection.label(),
                    connection.timeout,
                );
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
