//! The profile picker the console starts with when the config file has several profiles and
//! none is chosen (`--profile`, `VITAL_ONBOARD_PROFILE`, `default_profile`): one line per
//! profile, then `demo`. It runs before the app, as the profile decides where the app's requests
//! go; its keys come from the one key table (`Ctx::ProfilePicker`).

use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::Rect;

use super::keymap::{self, Action, Ctx};
use super::layout;
use super::list::{ListState, Motion};
use crate::setup::profiles::{DEMO, Entry, Stored};

/// What a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// Start with this profile.
    Profile(String),
    /// Quit without starting.
    Quit,
}

#[derive(Debug, Clone)]
pub struct ProfilePicker {
    pub entries: Vec<Entry>,
    /// The highlight and scroll over `entries`.
    pub list: ListState,
    /// The terminal's size, for the rows the list shows ([`layout::profile_picker`]).
    size: Rect,
    /// `VITAL_API_KEY` or `--api-key-file` gives the key: a profile needs none stored.
    key_given: bool,
    /// Why the last choice was refused ("No key stored for …"), until the highlight moves.
    pub notice: Option<String>,
}

/// The contexts whose keys the picker answers.
pub const CONTEXTS: &[Ctx] = &[Ctx::Always, Ctx::ProfilePicker];

impl ProfilePicker {
    /// Starts on the default profile if one is marked, else on the first.
    pub fn new(entries: Vec<Entry>) -> ProfilePicker {
        let cursor = entries.iter().position(|e| e.default).unwrap_or(0);
        ProfilePicker {
            entries,
            list: ListState::on(cursor),
            size: Rect::default(),
            key_given: false,
            notice: None,
        }
    }

    /// A key is given by `VITAL_API_KEY` or `--api-key-file`: every profile can be chosen.
    #[must_use]
    pub fn with_key_given(mut self, given: bool) -> ProfilePicker {
        self.key_given = given;
        self
    }

    /// Whether choosing `entry` would start without a key: a profile (not the demo) with none
    /// stored, and none given. The picker marks it and keeps it from being chosen.
    pub fn lacks_key(&self, entry: &Entry) -> bool {
        !self.key_given && entry.key == Stored::No && entry.name != DEMO
    }

    pub fn highlighted(&self) -> Option<&Entry> {
        self.entries.get(self.list.cursor())
    }

    /// The terminal is `width` x `height` (at the start and on every resize).
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        let cursor = self.list.cursor();
        self.list.scroll_to_show(cursor, cursor, self.page());
    }

    /// How many profiles the picker shows at once.
    fn page(&self) -> usize {
        layout::profile_picker(self.size, self.entries.len())
            .list
            .height as usize
    }

    /// Moves the highlight, by pages of the rows the picker shows.
    pub fn move_highlight(&mut self, motion: Motion) {
        let page = self.page();
        self.list.move_in(motion, self.entries.len(), page);
    }

    /// Handles a key press; `Some` when the picker is done.
    pub fn key(&mut self, key: KeyEvent) -> Option<Picked> {
        if key.kind != KeyEventKind::Press {
            return None;
        }
        let action = keymap::lookup(CONTEXTS, &key)?;
        if let Some(motion) = action.motion() {
            self.move_highlight(motion);
            self.notice = None;
            return None;
        }
        match action {
            Action::PickProfile => {
                let entry = self.highlighted()?;
                if self.lacks_key(entry) {
                    self.notice = Some(format!(
                        "No key stored for {0}: run vital-onboard login --profile {0}",
                        entry.name
                    ));
                    return None;
                }
                return Some(Picked::Profile(entry.name.clone()));
            }
            Action::Quit | Action::ForceQuit => return Some(Picked::Quit),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    pub(crate) fn entry(name: &str, default: bool) -> Entry {
        Entry {
            name: name.into(),
            environment: "sandbox".into(),
            region: "us".into(),
            base_url: None,
            key: Stored::Keychain,
            default,
            read_only: false,
        }
    }

    fn press(p: &mut ProfilePicker, code: KeyCode) -> Option<Picked> {
        p.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn starts_on_the_default_moves_within_bounds_and_enter_picks() {
        let mut p = ProfilePicker::new(vec![
            entry("eu-prod", false),
            entry("us-sandbox", true),
            entry(DEMO, false),
        ]);
        assert_eq!(p.list.cursor(), 1);
        assert_eq!(press(&mut p, KeyCode::Down), None);
        assert_eq!(press(&mut p, KeyCode::Char('j')), None);
        assert_eq!(p.list.cursor(), 2, "stops at the last");
        press(&mut p, KeyCode::Up);
        press(&mut p, KeyCode::Char('k'));
        press(&mut p, KeyCode::Up);
        assert_eq!(p.list.cursor(), 0, "stops at the first");
        assert_eq!(
            press(&mut p, KeyCode::Enter),
            Some(Picked::Profile("eu-prod".into()))
        );
    }

    #[test]
    fn a_profile_without_a_key_keeps_the_picker_open_with_the_login_hint() {
        let mut none = entry("us-sandbox", true);
        none.key = Stored::No;
        let mut demo = entry(DEMO, false);
        demo.key = Stored::No;
        let entries = vec![entry("eu-prod", false), none, demo];
        let mut p = ProfilePicker::new(entries.clone());
        assert_eq!(p.list.cursor(), 1);
        assert_eq!(press(&mut p, KeyCode::Enter), None, "the picker stays open");
        assert_eq!(
            p.notice.as_deref(),
            Some("No key stored for us-sandbox: run vital-onboard login --profile us-sandbox")
        );
        assert_eq!(press(&mut p, KeyCode::Down), None);
        assert_eq!(p.notice, None, "moving on clears it");
        assert_eq!(
            press(&mut p, KeyCode::Enter),
            Some(Picked::Profile(DEMO.into())),
            "the demo is its own entry"
        );
        press(&mut p, KeyCode::Up);
        press(&mut p, KeyCode::Up);
        assert_eq!(
            press(&mut p, KeyCode::Enter),
            Some(Picked::Profile("eu-prod".into()))
        );
        // With VITAL_API_KEY or --api-key-file, a profile needs no stored key.
        let mut p = ProfilePicker::new(entries).with_key_given(true);
        assert_eq!(
            press(&mut p, KeyCode::Enter),
            Some(Picked::Profile("us-sandbox".into()))
        );
    }

    #[test]
    fn every_key_of_the_pickers_table_reaches_its_action() {
        for b in keymap::BINDINGS
            .iter()
            .filter(|b| b.ctx == Ctx::ProfilePicker)
        {
            for k in b.keys {
                let got = keymap::lookup(CONTEXTS, &KeyEvent::new(k.code, k.mods));
                assert_eq!(got, Some(b.action), "{k:?}");
            }
        }
    }

    #[test]
    fn q_esc_and_ctrl_c_quit_and_other_keys_do_nothing() {
        let mut p = ProfilePicker::new(vec![entry("a", false), entry(DEMO, false)]);
        assert_eq!(press(&mut p, KeyCode::Char('x')), None);
        assert_eq!(press(&mut p, KeyCode::Char('m')), None);
        assert_eq!(p.list.cursor(), 0);
        assert_eq!(press(&mut p, KeyCode::Char('q')), Some(Picked::Quit));
        assert_eq!(press(&mut p, KeyCode::Esc), Some(Picked::Quit));
        assert_eq!(
            p.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Picked::Quit)
        );
        let mut release = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(p.key(release), None, "key releases are ignored");
    }
}
