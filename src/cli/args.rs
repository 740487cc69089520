//! Command-line definitions (clap). The API key is deliberately *not* a flag: it would leak into
//! shell history and `ps`. It comes from `VITAL_API_KEY` or `--api-key-file`.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::setup::connection::{ConnectionInput, Environment, Region};

#[derive(Debug, Parser)]
#[command(
    name = "vital-onboard",
    version,
    about = "Connect a patient's wearables to Vital (Junction): pick the patient, allow providers, mint a link, show its QR code.",
    after_help = "With no API key configured, everything runs on a built-in emulator of the Vital API (demo mode).\n\
                  The API key is read from VITAL_API_KEY or --api-key-file, never from a flag."
)]
pub struct Cli {
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// Read the API key from the first line of this file (instead of VITAL_API_KEY).
    #[arg(long, global = true, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,
    /// Vital environment (env VITAL_ENV); default: from the key prefix (sk_ = sandbox, pk_ = production).
    #[arg(long = "env", global = true, value_enum)]
    pub environment: Option<Environment>,
    /// Vital region (env VITAL_REGION); default: from the key prefix (_us_, _eu_).
    #[arg(long, global = true, value_enum)]
    pub region: Option<Region>,
    /// Talk to this host instead of Vital's, an emulator or a proxy (env VITAL_BASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Use the legacy tryvital.io hosts instead of junction.com.
    #[arg(long, global = true)]
    pub legacy_hosts: bool,
    /// Run on the built-in emulator (the default when no API key is configured).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Per-request time limit in seconds, 1 to 600 (env VITAL_TIMEOUT_SECS) [default: 20].
    #[arg(long = "timeout", global = true, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout_secs: Option<u64>,
    /// Config file (TOML); default: $VITAL_ONBOARD_CONFIG or the platform config directory.
    #[arg(long, global = true, env = "VITAL_ONBOARD_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Use this profile ([profile.NAME] in the config file, or "demo"; env VITAL_ONBOARD_PROFILE).
    #[arg(
        long,
        global = true,
        env = "VITAL_ONBOARD_PROFILE",
        value_name = "NAME"
    )]
    pub profile: Option<String>,
}

impl ConnectionArgs {
    /// The unresolved settings. `env` looks up environment variables (`VITAL_API_KEY`,
    /// `VITAL_ENV`, `VITAL_REGION`, `VITAL_BASE_URL`, `VITAL_TIMEOUT_SECS`); a flag wins over its
    /// variable, and an empty variable counts as unset.
    pub fn input(
        &self,
        env: impl Fn(&str) -> Option<String>,
        legacy_from_config: bool,
    ) -> Result<ConnectionInput, String> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let environment = match (self.environment, var("VITAL_ENV")) {
            (Some(e), _) => Some(e),
            (None, Some(v)) => Some(
                Environment::from_str(v.trim(), true)
                    .map_err(|_| format!("VITAL_ENV={v:?} is not sandbox or production"))?,
            ),
            (None, None) => None,
        };
        let region = match (self.region, var("VITAL_REGION")) {
            (Some(r), _) => Some(r),
            (None, Some(v)) => Some(
                Region::from_str(v.trim(), true)
                    .map_err(|_| format!("VITAL_REGION={v:?} is not us or eu"))?,
            ),
            (None, None) => None,
        };
        let timeout_secs = match (self.timeout_secs, var("VITAL_TIMEOUT_SECS")) {
            (Some(t), _) => t,
            (None, Some(v)) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|t| (1..=600).contains(t))
                .ok_or_else(|| {
                    format!("VITAL_TIMEOUT_SECS={v:?} is not a number of seconds from 1 to 600")
                })?,
            (None, None) => 20,
        };
        Ok(ConnectionInput {
            api_key_env: var("VITAL_API_KEY"),
            api_key_file: self.api_key_file.clone(),
            env: environment,
            region,
            base_url: self.base_url.clone().or_else(|| var("VITAL_BASE_URL")),
            legacy_hosts: self.legacy_hosts || legacy_from_config,
            demo: self.demo,
            timeout_secs,
            ..Default::default()
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interactive console (the default).
    Tui,
    /// Mint a link for one patient and print its URL.
    Link(LinkArgs),
    /// List, search or create users.
    Users(UsersArgs),
    /// List the providers the team can offer.
    Providers {
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
    /// Run the Vital API emulator until SIGINT/SIGTERM.
    Emulator(EmulatorArgs),
    /// Check an API key against the API and store it in the OS keychain for the profile.
    Login(LoginArgs),
    /// Remove the profile's stored key (keychain entry and fallback file).
    Logout,
    /// Show the profile, environment, region, host, key prefix and where the key comes from.
    Status,
    /// List the profiles with their environment and whether a key is stored.
    Profiles {
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
    /// Check the terminal, colours, clipboard, key, keychain, clock and config; say how to fix.
    Doctor {
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
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
    #[command(name = "__serve-clipboard", hide = true)]
    ServeClipboard { seconds: u64 },
}

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// Read the key from the first line of standard input instead of a hidden prompt.
    #[arg(long)]
    pub stdin: bool,
    /// Where no keychain answers, store the key in an owner-only (0600) file without asking.
    #[arg(long)]
    pub file: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ConfigAction {
    /// Write the commented example config (never over an existing file).
    Init,
    /// Print the path the config file is read from.
    Path,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Behaviour {
    Redirect,
}

#[derive(Debug, Clone, Args)]
pub struct LinkArgs {
    /// The patient: a Vital user_id (UUID) or the team's client_user_id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// Open this provider's sign-in directly instead of the list.
    #[arg(long, value_name = "SLUG")]
    pub provider: Option<String>,
    /// Allowlist of providers the patient may connect (comma-separated slugs).
    #[arg(long, value_name = "a,b,c", value_delimiter = ',', num_args = 1)]
    pub providers: Option<Vec<String>>,
    /// Where the widget sends the patient's browser when done or failed.
    #[arg(long, value_name = "URL")]
    pub redirect_url: Option<String>,
    /// Password/email providers: redirect with the error instead of showing it.
    #[arg(long, value_enum)]
    pub on_error: Option<Behaviour>,
    /// The Close button redirects (error user_cancelled) instead of closing the tab.
    #[arg(long, value_enum)]
    pub on_close: Option<Behaviour>,
    /// Print one JSON object instead of the URL.
    #[arg(long)]
    pub json: bool,
    /// Also print the QR code.
    #[arg(long)]
    pub qr: bool,
    /// Also save the QR code as a PNG file.
    #[arg(long, value_name = "FILE")]
    pub qr_png: Option<std::path::PathBuf>,
    /// Copy the URL to the clipboard (kept after the command returns; see README).
    #[arg(long)]
    pub copy: bool,
}

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub action: Option<UsersAction>,
    /// Search by user_id or client_user_id (at least 2 characters).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// One JSON object a line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UsersAction {
    /// Create a user with this client_user_id.
    Create {
        client_user_id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// 0 picks a free port.
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
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn there_is_no_flag_that_takes_the_key() {
        let cmd = Cli::command();
        for arg in cmd.get_arguments() {
            assert_ne!(
                arg.get_long(),
                Some("api-key"),
                "the key must not be a flag"
            );
        }
        assert!(
            Cli::try_parse_from(["vital-onboard", "--api-key", "sk_us_x", "providers"]).is_err()
        );
    }

    #[test]
    fn environment_variables_fill_in_and_empty_ones_are_unset() {
        let cli = Cli::try_parse_from(["vital-onboard", "providers"]).unwrap();
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let i = cli
            .connection
            .input(
                vars(&[
                    ("VITAL_ENV", "Production"),
                    ("VITAL_REGION", "eu"),
                    ("VITAL_TIMEOUT_SECS", "7"),
                ]),
                false,
            )
            .unwrap();
        assert_eq!(
            (i.env, i.region, i.timeout_secs),
            (Some(Environment::Production), Some(Region::Eu), 7)
        );
        let i = cli
            .connection
            .input(
                vars(&[
                    ("VITAL_ENV", ""),
                    ("VITAL_BASE_URL", " "),
                    ("VITAL_API_KEY", ""),
                ]),
                false,
            )
            .unwrap();
        assert_eq!(
            (i.env, i.base_url, i.api_key_env, i.timeout_secs),
            (None, None, None, 20)
        );
        assert!(
            cli.connection
                .input(vars(&[("VITAL_ENV", "prod")]), false)
                .is_err()
        );
        assert!(
            cli.connection
                .input(vars(&[("VITAL_TIMEOUT_SECS", "0")]), false)
                .is_err()
        );
        let flags =
            Cli::try_parse_from(["vital-onboard", "--env", "sandbox", "providers"]).unwrap();
        let i = flags
            .connection
            .input(vars(&[("VITAL_ENV", "production")]), false)
            .unwrap();
        assert_eq!(i.env, Some(Environment::Sandbox), "the flag wins");
    }

    #[test]
    fn providers_list_splits_on_commas() {
        let cli = Cli::try_parse_from([
            "vital-onboard",
            "link",
            "--user",
            "u",
            "--providers",
            "oura,fitbit",
            "--on-error",
            "redirect",
        ])
        .unwrap();
        let Some(Command::Link(l)) = cli.command else {
            panic!()
        };
        assert_eq!(l.providers.unwrap(), ["oura", "fitbit"]);
        assert_eq!(l.on_error, Some(Behaviour::Redirect));
        assert!(
            Cli::try_parse_from([
                "vital-onboard",
                "link",
                "--user",
                "u",
                "--on-close",
                "close"
            ])
            .is_err()
        );
    }
}
