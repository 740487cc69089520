//! What is settled once before the first request: every connection setting merged once with
//! its origin ([`settings`]), where requests go and with which key ([`connection`]; the key,
//! its prefix and Vital's hosts are `crate::api`'s; the key file in [`key_file`]), the config
//! file ([`config`]), the log file ([`logging`]), the presets in it ([`presets`]), profiles
//! ([`profiles`]) and stored keys ([`keychain`]), and the client (with the embedded emulator in
//! demo mode) built from them ([`session`]).

pub mod config;
pub mod connection;
pub mod key_file;
pub mod keychain;
pub mod logging;
pub mod presets;
pub mod profiles;
pub mod session;
pub mod settings;
pub mod settings_error;
