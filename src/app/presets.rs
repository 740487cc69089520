//! Presets in the console: `P` opens a small list of the config file's `[[preset]]` entries
//! (an overlay, in the order of `overlay`), Enter fills the panes with one; the panes then say
//! which preset is active, and "modified" once a choice differs from it. `S` asks for a name and
//! saves the current choices as a new preset (the runtime writes the file: [`Effect::SavePreset`]).

use super::header::Badge;
use super::list::{ListState, Motion};
use super::prompt::{Prompt, PromptKind};
use super::requests::Pending;
use super::{App, Effect, Level, layout};
use crate::setup::config::Preset;

/// The preset list overlay: its highlight and scroll over [`Presets::all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PresetPicker {
    pub list: ListState,
}

/// The console's presets: those of the config file and the active one (the open list is an
/// overlay: `Overlays::presets`).
#[derive(Debug, Default)]
pub struct Presets {
    pub all: Vec<Preset>,
    /// The name of the preset last applied (or saved).
    pub active: Option<String>,
}

impl App {
    /// `P`: opens the preset list (or says there is none and how to add one).
    pub(super) fn open_presets(&mut self) {
        if self.presets.all.is_empty() {
            self.toast(
                Level::Info,
                "No presets yet: S saves the current choices as one (or add [[preset]] to the config file)",
            );
            return;
        }
        let cursor = self
            .presets
            .active
            .as_ref()
            .and_then(|a| self.presets.all.iter().position(|p| &p.name == a))
            .unwrap_or(0);
        let mut list = ListState::on(cursor);
        let page = self.preset_page();
        list.scroll_to_show(cursor, cursor, page);
        self.overlays.presets = Some(PresetPicker { list });
    }

    /// How many presets the open list shows at once, on this screen.
    fn preset_page(&self) -> usize {
        layout::presets(self.size, self.presets.all.len())
            .list
            .height as usize
    }

    /// Scrolls the open list so its highlight shows (after a resize).
    pub(super) fn fit_preset_list(&mut self) {
        let page = self.preset_page();
        if let Some(p) = &mut self.overlays.presets {
            let cursor = p.list.cursor();
            p.list.scroll_to_show(cursor, cursor, page);
        }
    }

    pub(super) fn move_preset_cursor(&mut self, motion: Motion) {
        let (len, page) = (self.presets.all.len(), self.preset_page());
        if let Some(p) = &mut self.overlays.presets {
            p.list.move_in(motion, len, page);
        }
    }

    /// Enter in the list: the highlighted preset fills the panes.
    pub(super) fn apply_highlighted_preset(&mut self) {
        let Some(picker) = self.overlays.presets.take() else {
            return;
        };
        let Some(preset) = self.presets.all.get(picker.list.cursor()).cloned() else {
            return;
        };
        self.apply_preset(&preset);
    }

    /// Fills the Providers and Options panes from `preset`.
    pub fn apply_preset(&mut self, preset: &Preset) {
        let options = preset.link_options();
        self.providers.ticked = options
            .allowlist
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        self.providers.direct.clone_from(&options.provider);
        self.providers.error = None;
        self.options.redirect_url.clone_from(&options.redirect_url);
        self.options.on_error = options.on_error_redirect;
        self.options.on_close = options.on_close_redirect;
        self.options.redirect_error = None;
        self.presets.active = Some(preset.name.clone());
        let mut text = format!("Preset {}: {}", preset.name, preset.summary());
        // The demo counts as sandbox (a sandbox preset is at home there), and is named as itself.
        let (here, named) = match self.env.badge {
            _ if self.env.is_production() => ("production", "production"),
            Badge::Demo => ("sandbox", "the demo"),
            _ => ("sandbox", "sandbox"),
        };
        if let Some(env) = &preset.environment
            && !here.eq_ignore_ascii_case(env)
        {
            text = format!("{text} (meant for {env}; this is {named})");
            self.toast(Level::Warning, text);
        } else {
            self.toast(Level::Info, text);
        }
    }

    /// The profile's `default_preset`, applied when the console starts; a name that is not a
    /// preset of the config file is said, and nothing is ticked.
    pub(super) fn apply_start_preset(&mut self) {
        let Some(name) = self.config.start_preset.clone() else {
            return;
        };
        match self.presets.all.iter().find(|p| p.name == name).cloned() {
            Some(preset) => self.apply_preset(&preset),
            None => self.toast(
                Level::Warning,
                format!(
                    "The profile's default_preset {name:?} is not a [[preset]] of the config file: nothing is preset"
                ),
            ),
        }
    }

    /// What the panes show about the active preset: "Preset: wearables", "… (modified)".
    pub fn preset_label(&self) -> Option<String> {
        let name = self.presets.active.as_ref()?;
        let preset = self.presets.all.iter().find(|p| &p.name == name)?;
        // The console ticks nothing for "all", and keeps its ticks in slug order.
        let norm = |mut o: crate::link::LinkOptions| {
            o.allowlist = o.allowlist.filter(|l| !l.is_empty()).map(|mut l| {
                l.sort();
                l.dedup();
                l
            });
            o
        };
        let modified = norm(preset.link_options()) != norm(self.link_options());
        Some(if modified {
            format!("Preset: {name} (modified)")
        } else {
            format!("Preset: {name}")
        })
    }

    /// The preset the audit log records with an event: "wearables", "wearables (modified)".
    pub(super) fn preset_for_audit(&self) -> Option<String> {
        self.preset_label()
            .map(|l| l.trim_start_matches("Preset: ").to_string())
    }

    /// `S`: asks for the new preset's name, unless the choices could not mint (refused as `m`
    /// refuses them).
    pub(super) fn open_save_preset(&mut self) {
        let options = self.link_options();
        if self.refused_link_problems(&options) {
            return;
        }
        self.overlays.prompt = Some(Prompt::new(PromptKind::PresetName, ""));
    }

    /// Enter in the name prompt: the preset is saved by the runtime.
    pub(super) fn submit_preset_name(&mut self, name: &str) -> Result<Vec<Effect>, String> {
        if name.is_empty() {
            return Err("Type a name for the preset".into());
        }
        if self.presets.all.iter().any(|p| p.name == name) {
            return Err(format!(
                "A preset named {name} exists already: choose another name"
            ));
        }
        let Some(path) = self.config.config_path.clone() else {
            return Err("There is no config file to save to (no config directory)".into());
        };
        let preset = Preset::from_options(name, &self.link_options());
        let id = self.requests.start(Pending::SavePreset);
        Ok(vec![Effect::SavePreset { id, path, preset }])
    }

    /// The runtime's answer to [`Effect::SavePreset`].
    pub(super) fn on_preset_saved(&mut self, preset: Preset, result: Result<(), String>) {
        match result {
            Ok(()) => {
                let where_ = self
                    .config
                    .config_path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                self.toast(
                    Level::Success,
                    format!("Saved preset {} to {where_}", preset.name),
                );
                self.presets.active = Some(preset.name.clone());
                self.presets.all.push(preset);
            }
            Err(e) => self.toast(
                Level::Error,
                format!("Preset {} not saved: {e}", preset.name),
            ),
        }
    }

    /// Shown at start when the config file could not be used.
    pub fn config_notice(&mut self, text: String) {
        self.toast(Level::Warning, text);
    }
}
