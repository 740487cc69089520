//! The text at the end of each command's `--help`: examples, then the exit codes that command
//! can return. Kept apart from the argument definitions so both stay short.

/// The end of `vital-onboard --help`.
pub const MAIN: &str = "\
With no API key configured, everything runs on a built-in emulator of the Vital API (demo mode).
The API key is read from VITAL_API_KEY or --api-key-file, never from a flag. Connection options
may come before or after the command.

Examples:
  vital-onboard                                   open the console (demo mode without a key)
  VITAL_API_KEY=sk_us_... vital-onboard           the console on Vital's sandbox (US)
  vital-onboard link --user patient-00012 --qr    mint a link, show its code
                                                  (with a key; a demo link dies with the command)
  vital-onboard emulator --port 8080              a standalone emulator

Exit codes: 0 done, 1 internal failure, 2 bad input or settings (nothing sent), 3 the API
refused, 4 the API could not be reached or did not answer like the Vital API, 130 interrupted
(Ctrl-C) in a command. The console quits with 0 on q, Ctrl-C or a signal.";

/// The end of `vital-onboard tui --help`.
pub const TUI: &str = "\
Examples:
  vital-onboard tui
  vital-onboard tui --read-only --env production

Exit codes: 0 quit (q, Ctrl-C in the console, or SIGINT/SIGTERM/SIGHUP), 1 terminal error,
2 bad settings or no terminal.";

/// The exit codes of the commands that call the API.
macro_rules! command_codes {
    () => {
        "Exit codes: 0 done, 1 internal failure, 2 bad input or settings (nothing sent), 3 the API
refused, 4 the API could not be reached or did not answer like the Vital API, 130 interrupted
(Ctrl-C)."
    };
}

/// The end of `vital-onboard link --help`.
pub const LINK: &str = concat!(
    "\
Examples:
  vital-onboard link --user patient-00012
  vital-onboard link --user patient-00012 --providers oura,fitbit --qr
  URL=$(vital-onboard link --user mrn-100231 --qr)     # the code on the terminal, the URL in $URL
  vital-onboard link --user patient-00012 --provider dexcom_v3 --json
  vital-onboard link --user patient-00012 --app-code --expires-in 30m --qr   # Apple Health

The URL alone goes to stdout; the QR code (--qr), the expiry and notes go to stderr. The code is
black on white when stderr is a terminal, plain half blocks (dark modules drawn) when it is not.
The examples with --qr need an API key: in demo mode the link dies with the command, so --qr,
--qr-png and --copy are refused; run `vital-onboard emulator` in another terminal and pass
--base-url for a link that lasts.

--app-code mints a one-time code for the Junction Connect app instead (Apple Health; Vital's Grow
and Scale plans): the code alone goes to stdout, --qr shows the App Store's code, --copy copies
the code; it works once, 5m to 24h (--expires-in, default 1h). It has no allowlist, so the link's
options are refused with it, and it is refused in demo mode as --qr is.

",
    command_codes!()
);

/// The end of `vital-onboard users --help`.
pub const USERS: &str = concat!(
    "\
Examples:
  vital-onboard users
  vital-onboard users --search mrn-10 --json
  vital-onboard users --status --csv > cohort.csv
  vital-onboard users create walk-in-42

",
    command_codes!()
);

/// The end of `vital-onboard users create --help`.
pub const USERS_CREATE: &str = concat!(
    "\
Examples:
  vital-onboard users create walk-in-42
  ID=$(vital-onboard users create walk-in-43)

A client_user_id already in use says which user has it (exit 3).

",
    command_codes!()
);

/// The end of `vital-onboard providers --help`.
pub const PROVIDERS: &str = concat!(
    "\
Examples:
  vital-onboard providers
  vital-onboard providers --json

",
    command_codes!()
);

/// The end of `vital-onboard emulator --help`.
pub const EMULATOR: &str = "\
Prints exactly one line, `listening on http://HOST:PORT`, then serves until stopped. Point the
other commands at it with --base-url (any non-empty key, or only --api-key when given).

--host 0.0.0.0 serves it to the local network (a phone on the same Wi-Fi can open demo links): the
printed URL and every link_web_url then use this machine's LAN address, with a warning.

Examples:
  vital-onboard emulator --port 8080
  vital-onboard emulator --users 2000 --api-key test-key
  vital-onboard emulator --host 0.0.0.0 --port 8080

Exit codes: 0 stopped by SIGTERM, 1 cannot listen, 2 bad input, 130 stopped by Ctrl-C (SIGINT).";

/// The end of `vital-onboard presets --help`.
pub const PRESETS: &str = "\
Examples:
  vital-onboard presets                 the presets of the config file, one a line
  vital-onboard presets --json          one JSON object a line
  vital-onboard presets check           check them: unknown, SDK-only or deprecated providers,
                                        redirect options without a URL, duplicate names
  vital-onboard presets check --live    also ask the API what each preset's Link page offers

Exit codes: 0 done (check: nothing wrong), 2 the config file is missing or broken, or (check)
a preset has a problem.";

/// The end of `vital-onboard presets check --help`.
pub const PRESETS_CHECK: &str = "\
Examples:
  vital-onboard presets check                      the offline check: nothing is sent
  vital-onboard presets check --live               one link per preset, for the QA user
  vital-onboard presets check --live --user qa-desk-2 --json --junit presets.xml
  vital-onboard presets check --live --env production --yes     in CI, against production

--live mints one link per preset that passes the offline check, for the QA user
vital-onboard-qa (created once when missing; it counts toward a sandbox team's 50 users) or
--user, never for a patient, and asks GET /v2/link/providers with each token what the patient
will see. A preset fails when an asked-for provider will not be shown (with the reason), when
its Link page offers nothing, or when the offline check finds a problem (then it is not minted).
Against production it asks y/N first (--yes without a terminal). Tokens and URLs are never
printed; each link is in the audit log, kept out of `history --pending` and H.

Exit codes: 0 every preset passes, 1 internal failure (the JUnit file cannot be written), 2 a
preset fails, or bad input or settings (nothing sent: also read-only mode), 3 the API refused,
4 the API could not be reached or did not answer like the Vital API, 130 interrupted (Ctrl-C).";

/// The end of `vital-onboard history --help`.
pub const HISTORY: &str = "\
Examples:
  vital-onboard history                          every link, newest first
  vital-onboard history --since 7d --user patient-00012
  vital-onboard history --pending --json         who to call back

Reading the log needs no key or host. --pending asks the API only with a key and a host; when
it cannot (a refused key, an unreachable host), a warning on stderr says so and the log's answer
is printed.

Exit codes: 0 done, 1 the audit log cannot be read, 2 bad input or no audit log yet.";
