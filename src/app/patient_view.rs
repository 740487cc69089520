//! The patient-facing view of a link or an app code: any key returns to the staff view (Ctrl-C
//! still quits), and the code blanks after the configured idle time.

use crossterm::event::KeyEvent;

use super::App;
use super::keymap::{self, Action, Ctx};
use super::screen::Screen;

impl App {
    /// A key in the patient-facing view.
    pub(super) fn patient_view_key(&mut self, key: &KeyEvent) {
        if keymap::lookup(&[Ctx::Always], key) == Some(Action::ForceQuit) {
            self.quit = true;
            return;
        }
        let screen = std::mem::replace(&mut self.screen, Screen::Panes);
        self.screen = match screen {
            Screen::PatientView { shown, .. } => Screen::Link(shown),
            Screen::AppCodePatient { shown, .. } => Screen::AppCode(shown),
            other => other,
        };
    }

    /// Whether the patient-facing view has been idle long enough to blank the code.
    pub fn patient_view_blanked(&self) -> bool {
        match &self.screen {
            Screen::PatientView { since, .. } | Screen::AppCodePatient { since, .. } => {
                (self.now - *since).to_std().unwrap_or_default() >= self.config.patient_view_idle
            }
            _ => false,
        }
    }
}
