//! The non-interactive front end: the command line ([`args`], clap, with the end of each
//! command's help in [`help`]) and what each command does ([`commands`], [`presets`], [`history`]).

pub mod args;
pub mod commands;
pub mod help;
pub mod history;
pub mod presets;

pub use args::{
    Behaviour, Cli, Command, ConnectionArgs, CreateArgs, EmulatorArgs, GuardArgs, HistoryArgs,
    LinkArgs, PresetsAction, PresetsArgs, ProvidersArgs, TuiArgs, UsersAction, UsersArgs,
};
