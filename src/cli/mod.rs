//! The non-interactive front end: the command line ([`args`], clap) and what each command does
//! ([`commands`]).

pub mod args;
pub mod commands;

pub use args::{
    Behaviour, Cli, Command, ConnectionArgs, EmulatorArgs, LinkArgs, UsersAction, UsersArgs,
};
