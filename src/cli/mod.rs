//! The non-interactive front end: the command line ([`args`], clap, with the end of each
//! command's help in [`help`]) and what each command does ([`commands`], [`link`] and its
//! [`app_code`], [`presets`], [`history`]); logging in and profiles ([`login`]), the doctor
//! ([`doctor`]), completions, man pages and `config` ([`meta`]).

pub mod app_code;
pub mod args;
pub mod cohort;
pub mod commands;
pub mod doctor;
pub mod help;
pub mod history;
pub mod history_queue;
pub mod link;
pub mod login;
pub mod meta;
pub mod presets;

pub use args::{
    CheckArgs, Cli, Command, ConfigAction, ConfigFileArgs, ConnectionArgs, CreateArgs,
    EmulatorArgs, GuardArgs, HistoryArgs, LinkArgs, LoginArgs, PresetsAction, PresetsArgs,
    ProvidersArgs, TuiArgs, UsersAction, UsersArgs,
};
