use std::process::ExitCode;

use clap::Parser;

use vital_onboard::cli::commands::{self, Failure};
use vital_onboard::cli::{Cli, Command, UsersAction, doctor, login, meta};
use vital_onboard::setup::config::Config;
use vital_onboard::setup::profiles;
use vital_onboard::setup::session::Session;

fn main() -> ExitCode {
    let cli = Cli::parse();
    vital_onboard::setup::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("error: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Some(Command::Emulator(args)) => return commands::emulator(args).await,
        Some(Command::ServeClipboard { seconds }) => {
            return vital_onboard::clipboard::serve(*seconds)
                .map_err(|e| Failure::internal(e.to_string()));
        }
        // These need no readable config file, key or connection.
        Some(Command::Completions { shell }) => return meta::completions(*shell),
        Some(Command::Man { dir }) => return meta::man(dir.as_deref()),
        Some(Command::Config { action }) => {
            return meta::config(action, cli.connection.config.as_deref());
        }
        Some(Command::Doctor { json }) => return doctor::doctor(&cli.connection, *json).await,
        _ => {}
    }
    let config = Config::load(cli.connection.config.as_deref())
        .map_err(|e| Failure::input(e.to_string()))?;
    match &cli.command {
        Some(Command::Login(args)) => return login::login(&cli.connection, &config, args).await,
        Some(Command::Logout) => return login::logout(&cli.connection, &config),
        Some(Command::Status) => return login::status(&cli.connection, &config),
        Some(Command::Profiles { json }) => return login::list_profiles(&config, *json),
        _ => {}
    }
    // Key sources, first wins: VITAL_API_KEY, --api-key-file, the profile's keychain entry, demo.
    let connection = login::connection(&cli.connection, &config)?;
    let config = profiles::effective_config(&config, connection.profile.as_deref());
    login::refuse_if_read_only(&connection, cli.command.as_ref())?;
    // Input checks come before any emulator starts or request leaves.
    let link_options = match &cli.command {
        Some(Command::Link(args)) => Some(commands::link_options(args)?),
        _ => None,
    };
    let session = Session::open(connection)
        .await
        .map_err(|e| Failure::internal(format!("cannot start the demo emulator: {e}")))?;
    match cli.command {
        None | Some(Command::Tui) => {
            use std::io::IsTerminal;
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                return Err(Failure::input(
                    "the console needs a terminal: in scripts use `link`, `users` or `providers` (see --help)",
                ));
            }
            vital_onboard::runtime::run_console(&session, &config)
                .await
                .map_err(|e| Failure::internal(format!("terminal error: {e}")))
        }
        Some(Command::Link(args)) => {
            commands::link(&session, &args, link_options.expect("checked above")).await
        }
        Some(Command::Users(args)) => match args.action {
            Some(UsersAction::Create {
                client_user_id,
                json,
            }) => commands::create_user(&session, &client_user_id, json).await,
            None => commands::users(&session, args.search.as_deref(), args.json).await,
        },
        Some(Command::Providers { json }) => commands::providers(&session, json).await,
        Some(
            Command::Emulator(_)
            | Command::ServeClipboard { .. }
            | Command::Completions { .. }
            | Command::Man { .. }
            | Command::Config { .. }
            | Command::Doctor { .. }
            | Command::Login(_)
            | Command::Logout
            | Command::Status
            | Command::Profiles { .. },
        ) => {
            unreachable!("handled above")
        }
    }
}
