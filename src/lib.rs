//! vital-onboard: a terminal console for connecting a patient's wearables to Vital (Junction).
//!
//! Layers: [`api`] knows HTTP and JSON; [`emulator`] serves the same wire contract locally;
//! [`link`] holds the rules shared by both front ends; [`setup`] resolves the connection and the
//! config file; [`cli`] is the command line; [`app`] is state and a pure `update`; [`ui`] only
//! draws; [`runtime`] runs the loop and carries out effects; [`audit`] is the audit log.

pub mod api;
pub mod app;
pub mod audit;
pub mod cli;
pub mod clipboard;
pub mod emulator;
pub mod i18n;
pub mod link;
pub mod queue_file;
pub mod runtime;
pub mod setup;
pub mod text;
pub mod ui;
