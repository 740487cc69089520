//! vital-onboard: a terminal console for connecting a patient's wearables to Vital (Junction).
//!
//! Layers: [`api`] knows HTTP and JSON; [`emulator`] serves the same wire contract locally;
//! [`app`] is state and a pure `update`; [`ui`] only draws; [`tui`] runs the loop and effects.

pub mod api;
pub mod app;
pub mod catalog;
pub mod cli;
pub mod clipboard;
pub mod commands;
pub mod config;
pub mod emulator;
pub mod link;
pub mod logging;
pub mod qr;
pub mod session;
pub mod settings;
pub mod text;
pub mod tui;
pub mod ui;
