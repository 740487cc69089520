//! `vital-onboard presets [--json]` lists the config file's presets; `presets check` lints them
//! (each problem with its line; exit 2 when one is found). Nothing here calls the API.

use std::io::Write;
use std::path::Path;

use super::commands::{Failure, Outcome};
use crate::setup::config::Config;
use crate::setup::presets;
use crate::text::sanitize;

/// Reads the config file named (or the default one) with its text, for the line numbers.
fn read(explicit: Option<&Path>) -> Result<(Config, String), Failure> {
    let Some(path) = Config::path_for(explicit) else {
        return Err(Failure::input(
            "no config file: there is no config directory",
        ));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::input(format!(
            "cannot read the config file {}: {e} (see assets/config.example.toml)",
            path.display()
        ))
    })?;
    let config = Config::parse(&text, &path).map_err(|e| Failure::input(e.to_string()))?;
    Ok((config, text))
}

pub fn presets(explicit: Option<&Path>, json: bool, check: bool) -> Outcome {
    let (config, text) = read(explicit)?;
    let mut lines = Vec::new();
    if check {
        let problems = presets::lint(&text, &config.preset);
        let path = config.path.as_deref().unwrap_or(Path::new("config.toml"));
        for p in &problems {
            eprintln!("{}:{}", path.display(), sanitize(&p.to_string()));
        }
        if !problems.is_empty() {
            return Err(Failure::input(format!(
                "{} problem{} in {} preset{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                config.preset.len(),
                if config.preset.len() == 1 { "" } else { "s" },
            )));
        }
        lines.push(format!(
            "{} preset(s), no problem found",
            config.preset.len()
        ));
    } else if json {
        lines.extend(config.preset.iter().map(|p| p.to_json().to_string()));
    } else if config.preset.is_empty() {
        eprintln!(
            "no presets in the config file (add [[preset]] tables: see assets/config.example.toml)"
        );
    } else {
        lines.extend(
            config
                .preset
                .iter()
                .map(|p| format!("{}\t{}", sanitize(&p.name), sanitize(&p.summary()))),
        );
    }
    let mut stdout = std::io::stdout().lock();
    for l in lines {
        writeln!(stdout, "{l}").map_err(Failure::stdout)?;
    }
    Ok(())
}
