//! The non-interactive front end: the command line ([`args`], clap) and what each command does
//! ([`commands`]); logging in and profiles ([`login`]), the doctor ([`doctor`]), completions, man
//! pages and `config` ([`meta`]).

pub mod args;
pub mod commands;
pub mod doctor;
pub mod login;
pub mod meta;

pub use args::{
    Behaviour, Cli, Command, ConfigAction, ConnectionArgs, EmulatorArgs, LinkArgs, LoginArgs,
    UsersAction, UsersArgs,
};
