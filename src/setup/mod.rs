//! What is settled once before the first request: where requests go and with which key
//! ([`connection`]), the config file ([`config`]), the log file ([`logging`]), and the client (with
//! the embedded emulator in demo mode) built from them ([`session`]), profiles ([`profiles`]) and
//! stored keys ([`keychain`]).

pub mod config;
pub mod connection;
pub mod keychain;
pub mod logging;
pub mod profiles;
pub mod session;
