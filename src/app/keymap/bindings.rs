//! The key table itself: every key the console knows, in the order the help shows them. Each
//! row is a context, its keys, the action, the key bar's short word and the help's sentence.

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Action, Binding, Ctx, Key};

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn b(
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
    }
}

/// Every key the console knows, in the order the help shows them.
pub const BINDINGS: &[Binding] = &[
    b(
        Ctx::Always,
        &[ctrl('c')],
        Action::ForceQuit,
        "quit",
        "Quit at once, from anywhere",
    ),
    b(
        Ctx::Global,
        &[k('q')],
        Action::Quit,
        "quit",
        "Quit (not while typing in a prompt)",
    ),
    b(
        Ctx::Global,
        &[k('?')],
        Action::Help,
        "help",
        "Show or hide this help",
    ),
    b(
        Ctx::Panes,
        &[code(KeyCode::Tab)],
        Action::NextPane,
        "next pane",
        "Focus the next pane",
    ),
    b(
        Ctx::Panes,
        &[
            code(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                mods: KeyModifiers::SHIFT,
            },
        ],
        Action::PrevPane,
        "prev pane",
        "Focus the previous pane",
    ),
    b(
        Ctx::Panes,
        &[code(KeyCode::Up), k('k')],
        Action::Up,
        "move",
        "Move up",
    ),
    b(
        Ctx::Panes,
        &[code(KeyCode::Down), k('j')],
        Action::Down,
        "move",
        "Move down",
    ),
    b(
        Ctx::Lists,
        &[code(KeyCode::PageUp)],
        Action::PageUp,
        "page",
        "Move up a page",
    ),
    b(
        Ctx::Lists,
        &[code(KeyCode::PageDown)],
        Action::PageDown,
        "page",
        "Move down a page",
    ),
    b(
        Ctx::Lists,
        &[code(KeyCode::Home)],
        Action::Home,
        "first",
        "Go to the first row",
    ),
    b(
        Ctx::Lists,
        &[code(KeyCode::End)],
        Action::End,
        "last",
        "Go to the last row",
    ),
    b(
        Ctx::Lists,
        &[k('/')],
        Action::Filter,
        "filter",
        "Filter the list: type to narrow, Enter keeps, Esc clears",
    ),
    b(
        Ctx::Filtered,
        &[code(KeyCode::Esc)],
        Action::ClearFilter,
        "clear filter",
        "Clear the kept filter",
    ),
    b(
        Ctx::Loading,
        &[code(KeyCode::Esc)],
        Action::StopLoading,
        "stop loading",
        "Stop loading the patient list (R starts it again)",
    ),
    b(
        Ctx::Patients,
        &[code(KeyCode::Enter)],
        Action::Select,
        "select",
        "Select the highlighted patient",
    ),
    b(
        Ctx::Patients,
        &[k('n')],
        Action::NewUser,
        "new patient",
        "Create a patient (a Vital user) by client_user_id",
    ),
    b(
        Ctx::Patients,
        &[k('R')],
        Action::Reload,
        "reload",
        "Load the patient list again (after an error, or for new)",
    ),
    b(
        Ctx::Providers,
        &[k(' ')],
        Action::Toggle,
        "tick",
        "Tick or untick the provider",
    ),
    b(
        Ctx::Providers,
        &[k('a')],
        Action::TickAll,
        "all",
        "Tick every linkable provider (deprecated ones: by hand)",
    ),
    b(
        Ctx::Providers,
        &[k('x')],
        Action::ClearAll,
        "clear",
        "Clear all ticks and the direct mark",
    ),
    b(
        Ctx::Providers,
        &[k('p')],
        Action::DirectProvider,
        "direct",
        "Open this provider's sign-in directly (one at most)",
    ),
    b(
        Ctx::Options,
        &[code(KeyCode::Enter)],
        Action::EditRedirect,
        "edit",
        "Edit the redirect URL (on a checkbox row: toggle it)",
    ),
    b(
        Ctx::Options,
        &[k(' ')],
        Action::Toggle,
        "toggle",
        "Toggle the highlighted checkbox",
    ),
    b(
        Ctx::Panes,
        &[k('m')],
        Action::Mint,
        "mint",
        "Mint a link for the selected patient",
    ),
    b(
        Ctx::Panes,
        &[k('P')],
        Action::Presets,
        "presets",
        "Pick a preset: it fills Providers and Options",
    ),
    b(
        Ctx::Panes,
        &[k('S')],
        Action::SavePreset,
        "save preset",
        "Save the current providers and options as a new preset",
    ),
    b(
        Ctx::Panes,
        &[k('H')],
        Action::History,
        "history",
        "Show the history of links and who connected",
    ),
    b(
        Ctx::Busy,
        &[code(KeyCode::Esc)],
        Action::Cancel,
        "cancel",
        "Cancel the request in flight",
    ),
    b(
        Ctx::LinkView,
        &[k('c')],
        Action::Copy,
        "copy",
        "Copy the link URL to the clipboard",
    ),
    b(
        Ctx::LinkView,
        &[k('r')],
        Action::MintAgain,
        "mint again",
        "Mint a new link with the same settings",
    ),
    b(
        Ctx::LinkView,
        &[k('i')],
        Action::InvertQr,
        "invert",
        "Invert the QR colours (for terminals that need it)",
    ),
    b(
        Ctx::LinkView,
        &[k('f')],
        Action::SwitchQrStyle,
        "blocks",
        "Switch the QR between half and full blocks",
    ),
    b(
        Ctx::LinkView,
        &[k('s')],
        Action::SavePng,
        "save png",
        "Save the QR code as a PNG file",
    ),
    b(
        Ctx::LinkView,
        &[k('K')],
        Action::PatientView,
        "patient view",
        "Show the patient-facing view",
    ),
    b(
        Ctx::LinkView,
        &[code(KeyCode::Esc)],
        Action::Back,
        "back",
        "Back to the panes (selections are kept)",
    ),
    b(
        Ctx::PatientView,
        &[],
        Action::Back,
        "any key",
        "Any key returns to the staff view",
    ),
    b(
        Ctx::Filtering,
        &[code(KeyCode::Up), ctrl('p')],
        Action::Up,
        "move",
        "Move the highlight up among the matches",
    ),
    b(
        Ctx::Filtering,
        &[code(KeyCode::Down), ctrl('n')],
        Action::Down,
        "move",
        "Move the highlight down among the matches",
    ),
    b(
        Ctx::Prompt,
        &[code(KeyCode::Enter)],
        Action::PromptSubmit,
        "apply",
        "Apply (a filter is kept; patients: selects the match)",
    ),
    b(
        Ctx::Prompt,
        &[code(KeyCode::Esc)],
        Action::PromptCancel,
        "cancel",
        "Cancel (a filter: clear it)",
    ),
    b(
        Ctx::Confirm,
        &[k('y'), k('Y')],
        Action::ConfirmYes,
        "yes",
        "Confirm",
    ),
    b(
        Ctx::Confirm,
        &[k('n'), k('N'), code(KeyCode::Esc), code(KeyCode::Enter)],
        Action::ConfirmNo,
        "no",
        "Refuse (the default)",
    ),
    b(
        Ctx::Presets,
        &[code(KeyCode::Up), k('k')],
        Action::Up,
        "move",
        "Move up the preset list",
    ),
    b(
        Ctx::Presets,
        &[code(KeyCode::Down), k('j')],
        Action::Down,
        "move",
        "Move down the preset list",
    ),
    b(
        Ctx::Presets,
        &[code(KeyCode::Enter)],
        Action::ApplyPreset,
        "use",
        "Use the highlighted preset",
    ),
    b(
        Ctx::Presets,
        &[code(KeyCode::Esc), k('P')],
        Action::CloseOverlay,
        "close",
        "Close the preset list (nothing changes)",
    ),
    b(
        Ctx::History,
        &[code(KeyCode::Up), k('k')],
        Action::Up,
        "move",
        "Move up the history",
    ),
    b(
        Ctx::History,
        &[code(KeyCode::Down), k('j')],
        Action::Down,
        "move",
        "Move down the history",
    ),
    b(
        Ctx::History,
        &[k('/')],
        Action::HistoryFilter,
        "filter",
        "Filter the history (patient, preset, provider)",
    ),
    b(
        Ctx::History,
        &[code(KeyCode::Enter)],
        Action::HistoryMint,
        "mint again",
        "Mint again: that row's settings, the same patient",
    ),
    b(
        Ctx::History,
        &[code(KeyCode::Esc), k('H')],
        Action::CloseOverlay,
        "close",
        "Close the history",
    ),
    b(
        Ctx::Help,
        &[code(KeyCode::Up), k('k')],
        Action::Up,
        "scroll",
        "Scroll the help up",
    ),
    b(
        Ctx::Help,
        &[code(KeyCode::Down), k('j')],
        Action::Down,
        "scroll",
        "Scroll the help down",
    ),
    b(
        Ctx::Help,
        &[code(KeyCode::Esc), k('?'), k('q')],
        Action::CloseOverlay,
        "close",
        "Close the help",
    ),
    b(
        Ctx::Alert,
        &[code(KeyCode::Esc)],
        Action::CloseOverlay,
        "dismiss",
        "Hide the message (selections are kept)",
    ),
];
