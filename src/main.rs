use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use vital_onboard::cli::cohort;
use vital_onboard::cli::commands::{self, Failure};
use vital_onboard::cli::{
    Cli, Command, ConnectionArgs, CreateArgs, PresetsAction, PresetsArgs, UsersAction, UsersArgs,
    doctor, login, meta,
};
use vital_onboard::link::LinkOptions;
use vital_onboard::setup::config::Config;
use vital_onboard::setup::connection::{Connection, Target};
use vital_onboard::setup::profiles;
use vital_onboard::setup::session::Session;
use vital_onboard::setup::settings::{Origin, Sourced};
use vital_onboard::text::sanitize;

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
    match runtime.block_on(run_interruptible(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                // Messages can carry text from the network (an error's detail): one sanitizer.
                eprintln!("error: {}", sanitize(&f.message));
            }
            ExitCode::from(f.code)
        }
    }
}

/// Runs the command; Ctrl-C (SIGINT) ends `link`, `users` and `providers` with exit 130 and a
/// word on what may have happened. The console reads Ctrl-C as a key (and handles its own
/// signals); the emulator stops on it by itself.
async fn run_interruptible(cli: Cli) -> Result<(), Failure> {
    let interrupted = match &cli.command {
        None
        | Some(
            Command::Tui(_)
            | Command::Emulator(_)
            | Command::ServeClipboard { .. }
            // `login` reads a hidden prompt (Ctrl-C there must end it at once, as it does);
            // the others are quick and change nothing.
            | Command::Login(_)
            | Command::Logout(_)
            | Command::Status(_)
            | Command::Profiles(_)
            | Command::Doctor(_)
            | Command::Completions { .. }
            | Command::Man { .. }
            | Command::Config { .. },
        ) => {
            return run(cli).await;
        }
        Some(Command::Link(_)) => {
            "interrupted: no link was printed (one may have been minted all the same; it expires within the hour)"
        }
        Some(Command::Users(UsersArgs {
            action: Some(UsersAction::Create(_)),
            ..
        })) => {
            "interrupted: the user may have been created all the same; check with `vital-onboard users --search`"
        }
        Some(Command::Presets(args)) if is_live_check(args) => {
            "interrupted: links may have been minted for the check all the same (they expire within the hour)"
        }
        Some(
            Command::Users(_) | Command::Providers(_) | Command::Presets(_) | Command::History(_),
        ) => "interrupted",
    };
    tokio::select! {
        result = run(cli) => result,
        _ = tokio::signal::ctrl_c() => Err(Failure::interrupted(interrupted)),
    }
}

/// `presets check --live`, the one `presets` command that calls the API.
fn is_live_check(args: &PresetsArgs) -> bool {
    matches!(&args.action, Some(PresetsAction::Check(c)) if c.live)
}

/// The console (no command, or `tui`), as opposed to a one-shot command.
fn is_console(command: Option<&Command>) -> bool {
    matches!(command, None | Some(Command::Tui(_)))
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let connection_args = cli.connection().map_err(Failure::input)?;
    if let Some(done) = run_without_settings(&cli).await {
        return done;
    }
    let connection_args = connection_args.expect("every command but emulator has settings");
    let config_path = connection_args.config_path(|name| std::env::var(name).ok());
    if let Some(done) = run_without_config(&cli, &connection_args, config_path.as_deref()).await {
        return done;
    }
    let (config, config_notice) = load_config(cli.command.as_ref(), config_path.as_deref())?;
    let queue = read_queue(&cli, &config)?;
    match &cli.command {
        Some(Command::Login(args)) => return login::login(&connection_args, &config, args).await,
        Some(Command::Logout(_)) => return login::logout(&connection_args, &config),
        Some(Command::Status(_)) => return login::status(&connection_args, &config),
        Some(Command::Profiles(args)) => return login::list_profiles(&config, args.json),
        // The local log needs no key and no host; only `--pending` asks the API, and says so
        // when it cannot.
        Some(Command::History(args)) => {
            return vital_onboard::cli::history::run(args, &connection_args, &config).await;
        }
        _ => {}
    }
    let console = is_console(cli.command.as_ref());
    if console {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            return Err(Failure::input(
                "the console needs a terminal: in scripts use `link`, `users` or `providers` (see --help)",
            ));
        }
    }
    let Some(connection) = connect(&connection_args, &config, console).await? else {
        return Ok(());
    };
    let config = profiles::effective_config(&config, connection.profile.as_deref());
    // Input checks come before any emulator starts or request leaves.
    let link_options = guard(cli.command.as_ref(), &connection, &config)?;
    let (session, config_notice) =
        open_session(connection, connection_args.lan, config_notice, console).await?;
    dispatch(
        cli.command,
        &session,
        &config,
        config_notice,
        link_options,
        queue,
    )
    .await
}

/// `--queue FILE [--preset NAME]`: read and checked before anything starts (exit 2 on a
/// refused file, with its line number or size; on a preset the config file does not have; with
/// a command, as the queue is the console's).
fn read_queue(
    cli: &Cli,
    config: &Config,
) -> Result<Option<vital_onboard::runtime::QueueStart>, Failure> {
    let Some(path) = &cli.queue.file else {
        return Ok(None);
    };
    if !is_console(cli.command.as_ref()) {
        return Err(Failure::input(
            "--queue starts the console with a queue: give it without a command",
        ));
    }
    if let Some(name) = &cli.queue.preset
        && !config.preset.iter().any(|p| &p.name == name)
    {
        let names: Vec<&str> = config.preset.iter().map(|p| p.name.as_str()).collect();
        return Err(Failure::input(format!(
            "--preset {name:?} is not a [[preset]] of the config file (presets: {})",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )));
    }
    let file = vital_onboard::queue_file::read(path)
        .map_err(|e| Failure::input(format!("--queue {}: {e}", path.display())))?;
    Ok(Some(vital_onboard::runtime::QueueStart {
        file,
        preset: cli.queue.preset.clone(),
    }))
}

/// The commands that take no connection settings (`emulator`, the clipboard keeper) and the
/// flag combinations refused before any is read; `None` for the others.
async fn run_without_settings(cli: &Cli) -> Option<Result<(), Failure>> {
    match &cli.command {
        Some(Command::Emulator(args)) => Some(commands::emulator(args).await),
        Some(Command::ServeClipboard { seconds }) => Some(
            vital_onboard::clipboard::serve(*seconds).map_err(|e| Failure::internal(e.to_string())),
        ),
        Some(Command::Users(UsersArgs {
            action: Some(UsersAction::Create(_)),
            search: Some(_),
            ..
        })) => Some(Err(Failure::input(
            "--search does not go with `users create`: search with `users --search TEXT`",
        ))),
        _ => None,
    }
}

/// The commands that need no readable config file, key or connection (`presets` reads the file
/// itself); `None` for the others.
async fn run_without_config(
    cli: &Cli,
    connection_args: &ConnectionArgs,
    config_path: Option<&Path>,
) -> Option<Result<(), Failure>> {
    Some(match &cli.command {
        Some(Command::Completions { shell }) => meta::completions(*shell),
        Some(Command::Man { dir }) => meta::man(dir.as_deref()),
        Some(Command::Config { action }) => meta::config(action, config_path),
        Some(Command::Doctor(args)) => doctor::doctor(connection_args, args.json).await,
        Some(Command::Presets(args)) if !is_live_check(args) => {
            vital_onboard::cli::presets::presets(config_path, args.json, args.action.as_ref())
        }
        _ => return None,
    })
}

/// The config file: the console starts with the defaults and a notice when it cannot be read; a
/// command stops (exit 2).
fn load_config(
    command: Option<&Command>,
    config_path: Option<&Path>,
) -> Result<(Config, Option<String>), Failure> {
    if is_console(command) {
        return Ok(Config::load_or_notice(config_path));
    }
    let mut c = Config::load(config_path).map_err(|e| Failure::input(e.to_string()))?;
    if c.path.is_none() {
        c.path = Config::path_for(config_path);
    }
    Ok((c, None))
}

/// The connection: every setting merged once for the chosen profile (the console asks for one
/// when the config file has several and none is chosen; `None` when the staff leave the picker),
/// the key looked up. Warnings go to stderr.
async fn connect(
    connection_args: &ConnectionArgs,
    config: &Config,
    console: bool,
) -> Result<Option<Connection>, Failure> {
    // Key sources, first wins: VITAL_API_KEY, --api-key-file, the profile's keychain entry, demo.
    let mut profile = login::chosen(connection_args, config)?;
    if console && profiles::needs_picker(config, profile.as_ref().map(|p| p.value.as_str())) {
        let entries = profiles::list(config, &vital_onboard::setup::keychain::OsKeychain);
        // VITAL_API_KEY or --api-key-file serves any profile, stored key or not.
        let key_given = login::input_for(connection_args, config, None)?.has_explicit_key();
        match vital_onboard::runtime::pick_profile(entries, key_given).await {
            Ok(Some(name)) => profile = Some(Sourced::new(name, Origin::Picker)),
            Ok(None) => return Ok(None),
            Err(e) => return Err(Failure::internal(format!("terminal error: {e}"))),
        }
    }
    let connection = login::connection_for(connection_args, config, profile)?;
    for w in &connection.warnings {
        eprintln!("warning: {w}");
    }
    Ok(Some(connection))
}

/// Read-only mode's refusals and the link's choices, checked before anything starts or is
/// sent: the link options for `link`, else `None`.
fn guard(
    command: Option<&Command>,
    connection: &Connection,
    config: &Config,
) -> Result<Option<LinkOptions>, Failure> {
    match command {
        Some(Command::Link(args)) => {
            connection
                .refuse_if_read_only("mint a link")
                .map_err(Failure::input)?;
            // Every problem at once: the options' own, and the demo's refusal of a hand-out.
            let options = commands::link_options(args, config);
            if connection.target == Target::Demo
                && let Err(demo) = commands::refuse_handouts_in_demo(args)
            {
                if options.is_ok() {
                    return Err(demo);
                }
                eprintln!("error: {}", demo.message);
            }
            Ok(Some(options?))
        }
        Some(Command::Users(UsersArgs {
            action: Some(UsersAction::Create { .. }),
            ..
        })) => {
            connection
                .refuse_if_read_only("create a user")
                .map_err(Failure::input)?;
            Ok(None)
        }
        Some(Command::Presets(args)) if is_live_check(args) => {
            connection
                .refuse_if_read_only("mint links to check the presets")
                .map_err(Failure::input)?;
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// The session (the client, and the demo emulator in demo mode, served to the network with
/// `--lan`), and the notice the console shows. Commands print retry notices on stderr.
async fn open_session(
    connection: Connection,
    lan: bool,
    config_notice: Option<String>,
    console: bool,
) -> Result<(Session, Option<String>), Failure> {
    if lan && !matches!(connection.target, Target::Demo) {
        return Err(Failure::input(
            "--lan goes with demo mode (--demo, or no API key): it serves the demo emulator to the local network",
        ));
    }
    let mut session = Session::open_with(connection, lan)
        .await
        .map_err(|e| Failure::internal(format!("cannot start the demo emulator: {e}")))?;
    let mut config_notice = config_notice;
    if lan && let Some(emu) = &session.emulator {
        let url = emu.public_url();
        eprintln!("warning: {}", vital_onboard::emulator::lan::WARNING);
        eprintln!("note: demo links use {url}");
        let notice =
            format!("Demo served to the network at {url}: anyone on it can open the links");
        config_notice = Some(match config_notice {
            Some(n) => format!("{n}. {notice}"),
            None => notice,
        });
    }
    if !console {
        // The command line says on stderr why it waits; the console has its status line.
        session.client = session
            .client
            .clone()
            .with_retry_notice(std::sync::Arc::new(|n| {
                eprintln!("note: {}", sanitize(&n.to_string()));
            }));
    }
    Ok((session, config_notice))
}

/// Runs the console or the command that calls the API.
async fn dispatch(
    command: Option<Command>,
    session: &Session,
    config: &Config,
    config_notice: Option<String>,
    link_options: Option<LinkOptions>,
    queue: Option<vital_onboard::runtime::QueueStart>,
) -> Result<(), Failure> {
    match command {
        None | Some(Command::Tui(_)) => {
            vital_onboard::runtime::run_console(session, config, config_notice, queue)
                .await
                .map_err(|e| Failure::internal(format!("terminal error: {e}")))
        }
        Some(Command::Link(args)) => {
            let check = config.check_link_providers.unwrap_or(true);
            commands::link(session, &args, link_options.expect("checked above"), check).await
        }
        Some(Command::Users(args)) => match args.action {
            Some(UsersAction::Create(CreateArgs {
                client_user_id,
                json,
                ..
            })) => commands::create_user(session, &client_user_id, json || args.json).await,
            None if args.status => {
                let format = if args.csv {
                    cohort::Format::Csv
                } else if args.json {
                    cohort::Format::Json
                } else {
                    cohort::Format::Table
                };
                cohort::users_status(session, args.search.as_deref(), format).await
            }
            None => commands::users(session, args.search.as_deref(), args.json).await,
        },
        Some(Command::Providers(args)) => commands::providers(session, args.json).await,
        Some(Command::Presets(PresetsArgs {
            action: Some(PresetsAction::Check(check)),
            json,
            ..
        })) => vital_onboard::cli::presets::check_live(session, config, &check, json).await,
        Some(
            Command::Emulator(_)
            | Command::ServeClipboard { .. }
            | Command::Presets(_)
            | Command::Completions { .. }
            | Command::Man { .. }
            | Command::Config { .. }
            | Command::Doctor(_)
            | Command::Login(_)
            | Command::Logout(_)
            | Command::Status(_)
            | Command::Profiles(_)
            | Command::History(_),
        ) => {
            unreachable!("handled above")
        }
    }
}
