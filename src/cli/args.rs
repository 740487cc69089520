//! Command-line definitions (clap). The API key is deliberately *not* a flag: it would leak into
//! shell history and `ps`. It comes from `VITAL_API_KEY` or `--api-key-file`.

// The doc comments here are the `--help` text: backticks would show in it.
#![allow(clippy::doc_markdown)]

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::help;
use crate::api::{Environment, RedirectBehaviour, Region};
use crate::setup::settings::Flags;

#[derive(Debug, Parser)]
#[command(
    name = "vital-onboard",
    version,
    about = "Connect a patient's wearables to Vital (Junction): pick the patient, allow providers, mint a link, show its QR code.",
    after_help = help::MAIN
)]
pub struct Cli {
    /// Connection options for the console, or for the command that follows (they may also come
    /// after it).
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub guard: GuardArgs,
    #[command(flatten)]
    pub queue: QueueArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--queue FILE [--preset NAME]`: the console starts with an onboarding-day queue.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Onboarding day")]
pub struct QueueArgs {
    /// Start the console with a queue of the ids in FILE (a CSV with a client_user_id column,
    /// or one id a line): a preview first, nothing sent before y.
    #[arg(long = "queue", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// With --queue: the preset of the config file its links use.
    #[arg(long, value_name = "NAME", requires = "file")]
    pub preset: Option<String>,
}

/// Where requests go and with which key: on the console and on every command that calls the API
/// (not on `emulator`). Accepted before the command, after it, or both (a setting given twice is
/// refused).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection")]
#[allow(clippy::struct_excessive_bools)] // clap flags: each is one switch on the command line
pub struct ConnectionArgs {
    /// Read the API key from the first line of this file (instead of VITAL_API_KEY).
    #[arg(long, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,
    /// Vital environment (env VITAL_ENV); default: from the key prefix (sk_ = sandbox, pk_ = production).
    #[arg(long = "env", value_enum)]
    pub environment: Option<Environment>,
    /// Vital region (env VITAL_REGION); default: from the key prefix (_us_, _eu_).
    #[arg(long, value_enum)]
    pub region: Option<Region>,
    /// Talk to this host instead of Vital's, an emulator or a proxy (env VITAL_BASE_URL).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Use the legacy tryvital.io hosts instead of junction.com.
    #[arg(long)]
    pub legacy_hosts: bool,
    /// Run on the built-in emulator (the default when no API key is configured).
    #[arg(long)]
    pub demo: bool,
    /// With demo mode: serve the demo emulator to the local network, so a phone on it can open
    /// the links (they then use this machine's LAN address).
    #[arg(long)]
    pub lan: bool,
    /// Per-request time limit in seconds, 1 to 600 (env VITAL_TIMEOUT_SECS) [default: 20].
    #[arg(long = "timeout", value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout_secs: Option<u64>,
    /// Allow plain http to a host that is not this machine (the API key then crosses the network
    /// unencrypted). Without it such a --base-url is refused.
    #[arg(long)]
    pub insecure_http: bool,
    /// Config file (TOML) (env VITAL_ONBOARD_CONFIG); default: the platform config directory.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use this profile ([profile.NAME] in the config file, or "demo") (env VITAL_ONBOARD_PROFILE).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// `--read-only` where the command takes it ([`GuardArgs`]), filled in by [`Cli::connection`].
    #[arg(skip)]
    pub read_only: bool,
}

/// `--read-only`: on the console and the commands that change something (`link`,
/// `users create`).
#[derive(Debug, Clone, Copy, Default, Args)]
#[command(next_help_heading = "Connection")]
pub struct GuardArgs {
    /// Read-only mode: no user is created and no link is minted (also `read_only = true` in the
    /// config file).
    #[arg(long)]
    pub read_only: bool,
}

impl ConnectionArgs {
    /// The flags set here, by name, for messages.
    pub fn given(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut note = |set: bool, name| {
            if set {
                out.push(name);
            }
        };
        note(self.api_key_file.is_some(), "--api-key-file");
        note(self.environment.is_some(), "--env");
        note(self.region.is_some(), "--region");
        note(self.base_url.is_some(), "--base-url");
        note(self.legacy_hosts, "--legacy-hosts");
        note(self.demo, "--demo");
        note(self.lan, "--lan");
        note(self.timeout_secs.is_some(), "--timeout");
        note(self.insecure_http, "--insecure-http");
        note(self.config.is_some(), "--config");
        note(self.profile.is_some(), "--profile");
        out
    }

    /// These settings with `later`'s (given after a subcommand) added. A setting given in both
    /// places is refused, as clap refuses a flag given twice.
    pub fn merged(&self, later: &ConnectionArgs) -> Result<ConnectionArgs, String> {
        let both: Vec<&str> = self
            .given()
            .into_iter()
            .filter(|f| later.given().contains(f))
            .collect();
        if let Some(flag) = both.first() {
            return Err(format!(
                "{flag} is given both before and after the command: give it once"
            ));
        }
        Ok(ConnectionArgs {
            api_key_file: later.api_key_file.clone().or(self.api_key_file.clone()),
            environment: later.environment.or(self.environment),
            region: later.region.or(self.region),
            base_url: later.base_url.clone().or(self.base_url.clone()),
            legacy_hosts: later.legacy_hosts || self.legacy_hosts,
            demo: later.demo || self.demo,
            lan: later.lan || self.lan,
            timeout_secs: later.timeout_secs.or(self.timeout_secs),
            insecure_http: later.insecure_http || self.insecure_http,
            config: later.config.clone().or(self.config.clone()),
            profile: later.profile.clone().or(self.profile.clone()),
            read_only: later.read_only || self.read_only,
        })
    }

    /// The config file: `--config`, else `VITAL_ONBOARD_CONFIG` (looked up with `env`; an empty
    /// variable counts as unset), else none (the platform default).
    pub fn config_path(&self, env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
        self.config.clone().or_else(|| {
            env("VITAL_ONBOARD_CONFIG")
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from)
        })
    }

    /// The flags, for [`crate::setup::settings::Settings::merge`] (which adds the variables,
    /// the profile and the config file).
    pub fn flags(&self) -> Flags {
        Flags {
            profile: self.profile.clone(),
            env: self.environment,
            region: self.region,
            base_url: self.base_url.clone(),
            timeout_secs: self.timeout_secs,
            legacy_hosts: self.legacy_hosts,
            demo: self.demo,
            insecure_http: self.insecure_http,
            read_only: self.read_only,
        }
    }
}

impl Cli {
    /// The connection settings for the command given: those before it and those after it (and,
    /// for `users create`, after `users` too), with `--read-only` wherever it was given. `None`
    /// for `emulator`, which takes none: any given before it are refused.
    pub fn connection(&self) -> Result<Option<ConnectionArgs>, String> {
        let top = &self.connection;
        let mut own = match &self.command {
            // The console; and commands that call no API, where no setting matters.
            None | Some(Command::Completions { .. } | Command::Man { .. }) => top.clone(),
            Some(Command::Tui(a)) => top.merged(&a.connection)?,
            Some(Command::Link(a)) => top.merged(&a.connection)?,
            Some(Command::Providers(a)) => top.merged(&a.connection)?,
            Some(Command::Presets(a)) => {
                let presets = top.merged(&a.connection)?;
                match &a.action {
                    Some(PresetsAction::Check(c)) => presets.merged(&c.connection)?,
                    None => presets,
                }
            }
            Some(Command::History(a)) => top.merged(&a.connection)?,
            Some(Command::Login(a)) => top.merged(&a.connection)?,
            Some(Command::Logout(c) | Command::Status(c)) => top.merged(c)?,
            Some(Command::Profiles(a) | Command::Doctor(a)) => top.merged(&a.connection)?,
            // Only --config (before `config` or after its action) matters here.
            Some(Command::Config { action }) => top.merged(&ConnectionArgs {
                config: action.file().config.clone(),
                ..ConnectionArgs::default()
            })?,
            Some(Command::Users(u)) => {
                let users = top.merged(&u.connection)?;
                match &u.action {
                    Some(UsersAction::Create(c)) => users.merged(&c.connection)?,
                    None => users,
                }
            }
            Some(Command::Emulator(_) | Command::ServeClipboard { .. }) => {
                if let Some(flag) = top.given().first() {
                    return Err(format!(
                        "{flag} does not apply to `emulator`: it serves on --host and --port (see `vital-onboard emulator --help`)"
                    ));
                }
                if self.guard.read_only {
                    return Err("--read-only does not apply to `emulator`".into());
                }
                return Ok(None);
            }
        };
        own.read_only = self.read_only();
        Ok(Some(own))
    }

    /// `--read-only`, wherever it was given.
    pub fn read_only(&self) -> bool {
        self.guard.read_only
            || match &self.command {
                Some(Command::Tui(a)) => a.guard.read_only,
                Some(Command::Link(a)) => a.guard.read_only,
                Some(Command::Users(UsersArgs {
                    action: Some(UsersAction::Create(c)),
                    ..
                })) => c.guard.read_only,
                Some(Command::Presets(PresetsArgs {
                    action: Some(PresetsAction::Check(c)),
                    ..
                })) => c.guard.read_only,
                _ => false,
            }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive console (the default).
    #[command(after_help = help::TUI)]
    Tui(TuiArgs),
    /// Mint a link for one patient and print its URL.
    #[command(after_help = help::LINK)]
    Link(LinkArgs),
    /// List or search users, or create one (`users create`).
    #[command(after_help = help::USERS)]
    Users(UsersArgs),
    /// List the providers the team can offer.
    #[command(after_help = help::PROVIDERS)]
    Providers(ProvidersArgs),
    /// List the config file's presets, or check them (`presets check`).
    #[command(after_help = help::PRESETS)]
    Presets(PresetsArgs),
    /// The audit log: the links handed out, newest first, and whether the patient connected.
    #[command(after_help = help::HISTORY)]
    History(HistoryArgs),
    /// Run the Vital API emulator until Ctrl-C (SIGINT) or SIGTERM.
    #[command(after_help = help::EMULATOR)]
    Emulator(EmulatorArgs),
    /// Check an API key against the API and store it in the OS keychain for the profile.
    Login(LoginArgs),
    /// Remove the profile's stored key (keychain entry and fallback file).
    Logout(ConnectionArgs),
    /// Show the profile, environment, region, host, key prefix and where the key comes from.
    Status(ConnectionArgs),
    /// List the profiles with their environment and whether a key is stored.
    Profiles(JsonArgs),
    /// Check the terminal, colours, clipboard, key, keychain, clock and config; say how to fix.
    Doctor(JsonArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell to write the script for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write one page per command into a folder.
    Man {
        /// Write vital-onboard.1 and one page per subcommand here.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Write the example config file, or print where it is read from.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Internal: keeps a copied link on the clipboard after `link --copy` returns.
    #[command(name = crate::clipboard::SERVE_COMMAND, hide = true)]
    ServeClipboard {
        /// How long to keep the link, in seconds.
        seconds: u64,
    },
}

#[derive(Debug, Clone, Args)]
pub struct TuiArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub guard: GuardArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ProvidersArgs {
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Args)]
pub struct PresetsArgs {
    #[command(subcommand)]
    pub action: Option<PresetsAction>,
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
    /// Only this patient (a user_id or client_user_id).
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Only links minted this recently: 30m, 12h, 7d, 2w.
    #[arg(long, value_name = "AGE")]
    pub since: Option<String>,
    /// Each patient who never connected, once, with the newest link (with a key: checked with the API).
    #[arg(long)]
    pub pending: bool,
    /// With --pending: CSV for a phone round (client_user_id, user_id, last link time, what it
    /// allowed, last outcome, host), with a header row.
    #[arg(long, requires = "pending", conflicts_with = "json")]
    pub csv: bool,
    /// Only the links of one onboarding-day queue (its id, as the summary names it).
    #[arg(long, value_name = "ID")]
    pub queue: Option<String>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum PresetsAction {
    /// Check every preset; exit 2 when something is wrong. With --live, also ask the API what
    /// the Link page offers each.
    #[command(after_help = help::PRESETS_CHECK)]
    Check(CheckArgs),
}

/// `presets check`: the offline lint, and with `--live` one link per preset against the host.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Also mint one link per preset against the configured host and ask what its Link page
    /// offers (GET /v2/link/providers).
    #[arg(long)]
    pub live: bool,
    /// With --live: mint for this test user (a user_id or client_user_id), never a patient
    /// [default: vital-onboard-qa, created when missing].
    #[arg(long, value_name = "USER", requires = "live")]
    pub user: Option<String>,
    /// With --live against production: go ahead without asking (needed without a terminal).
    #[arg(long, requires = "live")]
    pub yes: bool,
    /// One JSON object a line, one per preset.
    #[arg(long)]
    pub json: bool,
    /// Also write a JUnit XML report to FILE, one test case per preset (for a CI job).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub guard: GuardArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// Read the key from the first line of standard input instead of a hidden prompt.
    #[arg(long)]
    pub stdin: bool,
    /// Where no keychain answers, store the key in an owner-only (0600) file without asking.
    #[arg(long)]
    pub file: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `--json` and the connection options (`profiles`, `doctor`).
#[derive(Debug, Clone, Args)]
pub struct JsonArgs {
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ConfigAction {
    /// Write the commented example config (never over an existing file).
    Init(ConfigFileArgs),
    /// Print the path the config file is read from.
    Path(ConfigFileArgs),
}

impl ConfigAction {
    /// The `--config` given after the action.
    pub fn file(&self) -> &ConfigFileArgs {
        match self {
            ConfigAction::Init(f) | ConfigAction::Path(f) => f,
        }
    }
}

/// `--config` after `config init` and `config path` (it may also come before `config`).
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigFileArgs {
    /// Config file (TOML) (env VITAL_ONBOARD_CONFIG); default: the platform config directory.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// `--on-error` and `--on-close` take the wire's own value (`redirect`), so the command line
/// holds what the request body sends and [`crate::link::redirects`] reads it like every other
/// source. (No help text for the value: clap would switch the whole help to its long layout for
/// one possible value.)
impl ValueEnum for RedirectBehaviour {
    fn value_variants<'a>() -> &'a [Self] {
        &[RedirectBehaviour::Redirect]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        match self {
            RedirectBehaviour::Redirect => Some(clap::builder::PossibleValue::new("redirect")),
        }
    }
}

#[derive(Debug, Clone, Args)]
#[allow(clippy::struct_excessive_bools)] // clap flags: each is one switch on the command line
pub struct LinkArgs {
    /// The patient: a Vital `user_id` (UUID) or the team's `client_user_id`.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// Start from this preset of the config file (the flags given override its fields).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Open this provider's sign-in directly instead of the list (any case).
    #[arg(long, value_name = "SLUG")]
    pub provider: Option<String>,
    /// Allowlist of providers the patient may connect (comma-separated slugs, any case).
    #[arg(long, value_name = "a,b,c", value_delimiter = ',', num_args = 1)]
    pub providers: Option<Vec<String>>,
    /// Where the widget sends the patient's browser when done or failed.
    #[arg(long, value_name = "URL")]
    pub redirect_url: Option<String>,
    /// Password/email providers: redirect with the error instead of showing it.
    #[arg(long, value_enum)]
    pub on_error: Option<RedirectBehaviour>,
    /// The Close button redirects (error `user_cancelled`) instead of closing the tab.
    #[arg(long, value_enum)]
    pub on_close: Option<RedirectBehaviour>,
    /// Print one JSON object instead of the URL.
    #[arg(long)]
    pub json: bool,
    /// Also show the QR code, on stderr (stdout keeps the URL alone).
    #[arg(long)]
    pub qr: bool,
    /// Also save the QR code as a PNG file.
    #[arg(long, value_name = "FILE")]
    pub qr_png: Option<std::path::PathBuf>,
    /// Copy the URL to the clipboard (kept after the command returns; see docs/commands.md).
    #[arg(long)]
    pub copy: bool,
    /// Instead of a link: a one-time code for the Junction Connect app (Apple Health).
    #[arg(long)]
    pub app_code: bool,
    /// With --app-code: how long the code works, 5m to 24h (default 1h).
    #[arg(long, value_name = "DURATION", requires = "app_code")]
    pub expires_in: Option<String>,
    /// The patient's language in --json and --qr: en, es, fr, de, pt-BR (default: patient_language)
    #[arg(long, value_name = "TAG", value_parser = crate::link::patient_text::language_arg)]
    pub language: Option<crate::i18n::Language>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub guard: GuardArgs,
}

#[derive(Debug, Clone, Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub action: Option<UsersAction>,
    /// Search by `user_id` or `client_user_id` (at least 2 characters).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
    /// Each user's onboarding status: connected, link out, unused, sign-in failed, never linked
    /// (links from this machine's audit log).
    #[arg(long)]
    pub status: bool,
    /// With --status: CSV with a header row.
    #[arg(long, requires = "status", conflicts_with = "json")]
    pub csv: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UsersAction {
    /// Create a user with this client_user_id and print its user_id.
    #[command(after_help = help::USERS_CREATE)]
    Create(CreateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// The team's id for the patient (no personal data: not an email address or phone number).
    pub client_user_id: String,
    /// Print the created user as one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub guard: GuardArgs,
}

#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Generated users patient-00001... on top of the demo patients.
    #[arg(long, default_value_t = crate::emulator::DEFAULT_USERS)]
    pub users: usize,
    /// Accept only this API key (default: any non-empty key). This is the emulator's own test key,
    /// not a Vital key.
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
