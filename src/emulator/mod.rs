//! A local emulator of the Vital API (axum): the same wire contract as the real service, with
//! in-memory state, demo data and fault injection. It backs `--demo`, the tests, and
//! `vital-onboard emulator`. Served to the local network, its links use the LAN address
//! ([`lan`]). App codes for the Junction Connect app are in [`app_codes`], the simulated app's
//! page (`/app`) in `app_page`.

pub mod app_codes;
mod app_page;
pub mod lan;
mod link_page;
mod routes;
pub mod state;
mod validate;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use url::Url;

pub use state::{Fault, RecordedLink, TEAM_ID, Team, generated_client_id, stable_uuid};

/// Generated users when none are asked for.
pub const DEFAULT_USERS: usize = 50;

#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// Generated users `patient-00001`... on top of the demo patients.
    pub users: usize,
    /// Accept only this key; any non-empty key when `None`.
    pub api_key: Option<String>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            users: DEFAULT_USERS,
            api_key: None,
        }
    }
}

pub(crate) struct Shared {
    team: Mutex<Team>,
    api_key: Option<String>,
    addr: SocketAddr,
    /// `host:port` every `link_web_url` uses when set (served to the LAN), whatever `Host` says.
    public_authority: Mutex<Option<String>>,
}

impl Shared {
    /// The team, locked. Handlers never hold it across an await.
    fn team(&self) -> MutexGuard<'_, Team> {
        self.team
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running emulator. Dropping it stops the server.
pub struct RunningEmulator {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("http://{}", self.addr)).expect("socket address is a valid host")
    }

    /// From now on, every `link_web_url` (and [`Self::public_url`]) uses `ip` on this port: the
    /// machine's LAN address, for a phone on the same network.
    pub fn serve_as(&self, ip: IpAddr) {
        *self
            .shared
            .public_authority
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(lan::authority(ip, self.addr.port()));
    }

    /// The URL others reach the emulator at: the one [`Self::serve_as`] set, else [`Self::base_url`].
    pub fn public_url(&self) -> Url {
        let authority = self
            .shared
            .public_authority
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        match authority {
            Some(a) => Url::parse(&format!("http://{a}")).expect("socket address is a valid host"),
            None => self.base_url(),
        }
    }

    /// The simulated Junction Connect app's page (`/app`) at [`Self::public_url`]: where a demo
    /// patient types an app code.
    pub fn app_url(&self) -> Url {
        self.public_url()
            .join("app")
            .expect("a path joins a base URL")
    }

    /// Every link-token request accepted so far, oldest first.
    pub fn link_requests(&self) -> Vec<RecordedLink> {
        self.shared.team().link_requests.clone()
    }

    /// Makes the next `fault.times` requests under `fault.path_prefix` fail.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.team().faults.push_back(fault);
    }

    /// Moves the emulator's clock forward (to expire tokens).
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.shared.team().clock_offset += by;
    }

    /// Runs `f` on the team (tests use it to inspect or change state).
    pub fn with_team<R>(&self, f: impl FnOnce(&mut Team) -> R) -> R {
        f(&mut self.shared.team())
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `host:port` (port 0 = any free port) and serves in a background task. Returns once the
/// listener accepts connections.
pub async fn start(
    host: IpAddr,
    port: u16,
    options: EmulatorOptions,
) -> std::io::Result<RunningEmulator> {
    let listener = TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        team: Mutex::new(Team::seeded(options.users)),
        api_key: options.api_key,
        addr,
        public_authority: Mutex::new(None),
    });
    let app = routes::router(shared.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("emulator stopped: {e}");
        }
    });
    Ok(RunningEmulator {
        addr,
        shared,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// Starts on loopback with an ephemeral port (demo mode and tests).
pub async fn start_local(options: EmulatorOptions) -> std::io::Result<RunningEmulator> {
    start(IpAddr::from([127, 0, 0, 1]), 0, options).await
}
