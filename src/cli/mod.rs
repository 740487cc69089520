//! The non-interactive front end: the command line ([`args`], clap, with the end of each
//! command's help in [`help`]) and what each command does ([`commands`]).

pub mod args;
pub mod commands;
pub mod help;

pub use args::{
    Behaviour, Cli, Command, ConnectionArgs, CreateArgs, EmulatorArgs, GuardArgs, LinkArgs,
    ProvidersArgs, TuiArgs, UsersAction, UsersArgs,
};
