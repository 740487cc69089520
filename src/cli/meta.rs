//! Conventions of the ecosystem: `completions SHELL` (`clap_complete`), `man [--dir DIR]`
//! (`clap_mangen`: the main page on stdout, or one roff page per command in DIR), and `config init`
//! / `config path`. None of these needs a key, a connection or a readable config file.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::commands::{CommandResult, Failure};
use crate::cli::{Cli, ConfigAction};
use crate::setup::config;

pub const BIN: &str = "vital-onboard";

pub fn completions(shell: clap_complete::Shell) -> CommandResult {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut buf);
    write_stdout(&buf)
}

fn write_stdout(bytes: &[u8]) -> CommandResult {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(Failure::stdout)
}

/// The file names `man --dir` writes: `vital-onboard.1`, `vital-onboard-link.1`, ... for every
/// visible command and subcommand.
pub fn man_pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    clap_mangen::generate_to(Cli::command(), dir)?;
    let mut written: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(BIN) && n.ends_with(".1"))
        })
        .collect();
    written.sort();
    Ok(written)
}

pub fn man(dir: Option<&Path>) -> CommandResult {
    match dir {
        None => {
            let mut buf = Vec::new();
            // Like the pages `--dir` writes: no `help` pseudo-command.
            clap_mangen::Man::new(Cli::command().disable_help_subcommand(true))
                .render(&mut buf)
                .map_err(|e| Failure::internal(e.to_string()))?;
            write_stdout(&buf)
        }
        Some(dir) => {
            if !dir.is_dir() {
                return Err(Failure::input(format!(
                    "--dir {}: no such folder",
                    dir.display()
                )));
            }
            let pages = man_pages(dir).map_err(|e| {
                Failure::internal(format!("cannot write to {}: {e}", dir.display()))
            })?;
            let list: String = pages
                .iter()
                .flat_map(|p| [p.display().to_string(), "\n".into()])
                .collect();
            write_stdout(list.as_bytes())
        }
    }
}

/// Where the config is read from: `--config` / `VITAL_ONBOARD_CONFIG`, else the platform path.
pub fn config_path(explicit: Option<&Path>) -> Result<PathBuf, Failure> {
    explicit
        .map(Path::to_path_buf)
        .or_else(config::default_path)
        .ok_or_else(|| Failure::internal("there is no platform config directory: give --config"))
}

pub fn config(action: &ConfigAction, explicit: Option<&Path>) -> CommandResult {
    let path = config_path(explicit)?;
    match action {
        ConfigAction::Path(_) => {
            if !path.exists() {
                eprintln!("(no file there yet: `vital-onboard config init` writes one)");
            }
            write_stdout(format!("{}\n", path.display()).as_bytes())
        }
        ConfigAction::Init(_) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Failure::internal(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            // create_new: never overwrite, even if a file appears between a check and the write.
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path);
            match file {
                Ok(mut f) => {
                    f.write_all(config::EXAMPLE.as_bytes()).map_err(|e| {
                        Failure::internal(format!("cannot write {}: {e}", path.display()))
                    })?;
                    write_stdout(format!("{}\n", path.display()).as_bytes())?;
                    eprintln!("Wrote the example config; every setting in it is commented out.");
                    Ok(())
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(Failure::input(format!(
                        "{} already exists: it was left as it is (edit it, or remove it first)",
                        path.display()
                    )))
                }
                Err(e) => Err(Failure::internal(format!(
                    "cannot write {}: {e}",
                    path.display()
                ))),
            }
        }
    }
}
