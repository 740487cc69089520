//! The key table itself: every key the console knows, in the order the help shows them. Each
//! row is a context, its keys, the action, the key bar's short word and the help's sentence.
//! One table in three files by where the keys work (the panes, the views that replace them,
//! what opens over them), joined in that order.

use std::sync::LazyLock;

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Action, Binding, Ctx, Key};

mod overlays;
mod panes;
mod views;

pub(super) const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

pub(super) const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

pub(super) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

pub(super) const fn b(
    ctx: Ctx,
    keys: &'static [Key],
    action: Action,
    short: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        ctx,
        keys,
        action,
        help,
        short,
        tight: None,
    }
}

impl Binding {
    /// The row with a tighter word for the bar at 80 columns ("new" for "new patient").
    pub(super) const fn tight(mut self, word: &'static str) -> Binding {
        self.tight = Some(word);
        self
    }
}

/// Every key the console knows, in the order the help shows them.
pub static BINDINGS: LazyLock<Vec<Binding>> =
    LazyLock::new(|| [panes::ROWS, views::ROWS, overlays::ROWS].concat());
