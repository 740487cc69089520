//! The profile picker the console starts with when the config file has several profiles and
//! none is chosen (`--profile`, `VITAL_ONBOARD_PROFILE`, `default_profile`): one line per
//! profile, then `demo`. It runs before the app, as the profile decides where the app's requests
//! go; its keys come from the one key table (`Ctx::ProfilePicker`).

use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::Rect;

use super::keymap::{self, Action, Ctx};
use super::layout;
use super::list::{ListState, Motion};
use crate::setup::profiles::Entry;

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
        }
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
            return None;
        }
        match action {
            Action::PickProfile => {
                return self.highlighted().map(|e| Picked::Profile(e.name.clone()));
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
    use crate::setup::profiles::{DEMO, Stored};
    use crossterm::event::{KeyCode, KeyModifiers};

    pub(crate) fn entry(name: &str, default: bool) -> Entry {
        Entry {
            name: name.into(),
            environment: "sandbox".into(),
            region: "us".into(),
            base_url: None,
            key: Stored::No,
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
