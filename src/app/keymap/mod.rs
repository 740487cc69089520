//! The one key table. The key handler, the bottom bar, the `?` overlay and the README's key list
//! all come from [`BINDINGS`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::list::Motion;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    NextPane,
    PrevPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Filter,
    ClearFilter,
    Select,
    NewUser,
    Reload,
    Toggle,
    TickAll,
    ClearAll,
    DirectProvider,
    EditRedirect,
    Mint,
    Cancel,
    StopLoading,
    Copy,
    MintAgain,
    Back,
    InvertQr,
    SwitchQrStyle,
    SavePng,
    PatientView,
    /// `L`: the next language for the patient-facing view.
    PatientLanguage,
    PromptSubmit,
    PromptCancel,
    ClearPrompt,
    ConfirmYes,
    ConfirmNo,
    CloseOverlay,
    Presets,
    ApplyPreset,
    SavePreset,
    History,
    HistoryFilter,
    HistoryMint,
    HistoryAllHosts,
    PickProfile,
    StatusFilter,
    // The onboarding-day queue.
    Mark,
    MarkAll,
    StartQueue,
    QueueHold,
    QueueSkip,
    QueueBack,
    QueuePause,
    QueueStop,
    CloseSummary,
    QueueGo,
    QueueInclude,
    /// `A`: an app code for the selected patient (Junction Connect).
    AppCode,
    /// Enter on a Providers row: how that provider connects from a phone.
    ProviderApp,
    AppCodeCopy,
    AppCodeNew,
    AppCodeSavePng,
    AppCodePatientView,
}

/// Where a binding applies. Several contexts are active at once (e.g. `Panes` + `Patients`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ctx {
    /// Everywhere, even in a text prompt.
    Always,
    /// Everywhere but a text prompt.
    Global,
    /// The three panes.
    Panes,
    /// The Patient and Providers lists.
    Lists,
    /// The focused list has a kept filter.
    Filtered,
    /// The patient list is loading (in the panes).
    Loading,
    Patients,
    Providers,
    Options,
    /// While a request is in flight.
    Busy,
    /// The staff link view.
    LinkView,
    /// The staff view of an app code.
    AppCodeView,
    /// The store code of the clinic's own app (`[mobile_app]`).
    ClinicAppView,
    PatientView,
    /// A list filter being typed (with `Prompt`).
    Filtering,
    Prompt,
    Confirm,
    Help,
    /// A full-width message (a refused key).
    Alert,
    /// The preset list (`P`).
    Presets,
    /// The history overlay (`H`).
    History,
    /// The profile picker the console starts with (several profiles, none chosen).
    ProfilePicker,
    /// The onboarding-day queue while it runs.
    Queue,
    /// The queue's countdown after a connection (`h` holds it).
    QueueCountdown,
    /// The queue while its current patient has not connected (`r` mints their link again: once
    /// they connected, a new link would throw the countdown away and wait for them again).
    QueueRetry,
    /// The queue from its second patient on (`b` goes back).
    QueueBack,
    /// The queue's summary.
    QueueSummary,
    /// The preview of `--queue FILE`.
    QueuePreview,
    /// The preview of `--queue FILE` with already connected patients (`i` includes them).
    QueuePreviewConnected,
    /// The queue's start question, when some of its patients are already connected.
    QueueQuestion,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Always | Ctx::Global => "Anywhere",
            Ctx::Panes => "Panes",
            Ctx::Lists => "Patient and Providers lists",
            Ctx::Filtered => "A list with a kept filter",
            Ctx::Loading => "While the patient list loads",
            Ctx::Patients => "Patient pane",
            Ctx::Providers => "Providers pane",
            Ctx::Options => "Options pane",
            Ctx::Busy => "While a request runs",
            Ctx::LinkView => "Link view",
            Ctx::AppCodeView => "App-code view",
            Ctx::ClinicAppView => "Clinic app view",
            Ctx::PatientView => "Patient-facing view",
            Ctx::Filtering => "While typing a filter",
            Ctx::Prompt => "Text prompts",
            Ctx::Confirm => "Confirmations",
            Ctx::Help => "Help overlay",
            Ctx::Alert => "Full-width messages",
            Ctx::Presets => "Preset list",
            Ctx::History => "History",
            Ctx::ProfilePicker => "Profile picker (at start)",
            Ctx::Queue | Ctx::QueueCountdown | Ctx::QueueRetry | Ctx::QueueBack => "Queue",
            Ctx::QueueSummary => "Queue summary",
            Ctx::QueuePreview | Ctx::QueuePreviewConnected => "Queue file preview (--queue)",
            Ctx::QueueQuestion => "The queue's start question",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

#[derive(Clone, Copy)]
pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [Key],
    pub action: Action,
    /// What it does, for the help overlay and README.
    pub help: &'static str,
    /// The bottom bar's short word for it.
    pub short: &'static str,
    /// A shorter word still, for a bar that cannot hold every needed key with the short ones
    /// (80 columns); `None`: the short word.
    pub tight: Option<&'static str>,
}

mod bindings;
pub use bindings::BINDINGS;

impl Action {
    /// The highlight movement this action is, if it is one.
    pub fn motion(self) -> Option<Motion> {
        match self {
            Action::Up => Some(Motion::Up),
            Action::Down => Some(Motion::Down),
            Action::PageUp => Some(Motion::PageUp),
            Action::PageDown => Some(Motion::PageDown),
            Action::Home => Some(Motion::Home),
            Action::End => Some(Motion::End),
            _ => None,
        }
    }
}

impl Key {
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mods = ev.modifiers - KeyModifiers::SHIFT;
        match (self.code, ev.code) {
            // Terminals report capitals and symbols with or without SHIFT: compare the character.
            (KeyCode::Char(a), KeyCode::Char(c)) => {
                a == c && mods == (self.mods - KeyModifiers::SHIFT)
            }
            (a, c) => a == c && ev.modifiers == self.mods,
        }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::PageUp => "PageUp".into(),
            KeyCode::PageDown => "PageDown".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

impl Binding {
    /// The bar's word: the tight one when `tight` and the row has one.
    pub fn word(&self, tight: bool) -> &'static str {
        match self.tight {
            Some(w) if tight => w,
            _ => self.short,
        }
    }

    /// The keys as shown: `Up/k`. Duplicate labels (`BackTab` with and without SHIFT) appear once.
    pub fn keys_label(&self) -> String {
        if self.keys.is_empty() {
            return "any key".into();
        }
        let mut labels: Vec<String> = Vec::new();
        for k in self.keys {
            let l = k.label();
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
        labels.join("/")
    }
}

/// The action for a key press, looking through the active contexts in order.
pub fn lookup(active: &[Ctx], ev: &KeyEvent) -> Option<Action> {
    active.iter().find_map(|ctx| {
        BINDINGS
            .iter()
            .filter(|b| b.ctx == *ctx)
            .find(|b| b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.action)
    })
}

/// The bindings of the given contexts, in table order.
pub fn bindings_for(active: &[Ctx]) -> impl Iterator<Item = &'static Binding> + '_ {
    BINDINGS.iter().filter(move |b| active.contains(&b.ctx))
}

/// The order contexts are listed in the help and README.
pub const HELP_ORDER: &[Ctx] = &[
    Ctx::Always,
    Ctx::ProfilePicker,
    Ctx::Global,
    Ctx::Panes,
    Ctx::Lists,
    Ctx::Filtered,
    Ctx::Loading,
    Ctx::Patients,
    Ctx::Providers,
    Ctx::Options,
    Ctx::Busy,
    Ctx::LinkView,
    Ctx::AppCodeView,
    Ctx::ClinicAppView,
    Ctx::PatientView,
    Ctx::QueuePreview,
    Ctx::QueuePreviewConnected,
    Ctx::QueueCountdown,
    Ctx::Queue,
    Ctx::QueueRetry,
    Ctx::QueueBack,
    Ctx::QueueSummary,
    Ctx::Filtering,
    Ctx::Prompt,
    Ctx::Confirm,
    Ctx::QueueQuestion,
    Ctx::Presets,
    Ctx::History,
    Ctx::Help,
    Ctx::Alert,
];

/// One section of the help and the README's key list: a title and its bindings.
pub struct HelpSection {
    pub title: &'static str,
    pub bindings: Vec<&'static Binding>,
}

impl HelpSection {
    /// Lines the section takes in the help overlay: the title, its keys, a blank line.
    pub fn lines(&self) -> usize {
        self.bindings.len() + 2
    }
}

/// The help's sections in order (contexts with one title share a section).
pub fn help_sections() -> Vec<HelpSection> {
    let mut out: Vec<HelpSection> = Vec::new();
    for ctx in HELP_ORDER {
        let title = ctx.title();
        if out.last().is_none_or(|s| s.title != title) {
            out.push(HelpSection {
                title,
                bindings: Vec::new(),
            });
        }
        let section = out.last_mut().expect("pushed above");
        section
            .bindings
            .extend(BINDINGS.iter().filter(|b| b.ctx == *ctx));
    }
    out
}

/// The help line on which the section of `ctx` starts.
pub fn help_line_of(ctx: Ctx) -> usize {
    help_sections()
        .iter()
        .take_while(|s| s.title != ctx.title())
        .map(HelpSection::lines)
        .sum()
}

/// Lines of the whole help (its last blank line left out).
pub fn help_len() -> usize {
    help_sections()
        .iter()
        .map(HelpSection::lines)
        .sum::<usize>()
        .saturating_sub(1)
}

/// The key list as Markdown, exactly as README.md carries it between its key-table markers.
pub fn markdown() -> String {
    let mut out = String::new();
    for section in help_sections() {
        out.push_str(&format!(
            "\n**{}**\n\n| key | action |\n|---|---|\n",
            section.title
        ));
        for bind in section.bindings {
            out.push_str(&format!("| `{}` | {} |\n", bind.keys_label(), bind.help));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new_with_kind(code, mods, KeyEventKind::Press)
    }

    #[test]
    fn lookup_is_table_driven() {
        let cases = [
            (
                vec![Ctx::Always, Ctx::Global, Ctx::Panes],
                ev(KeyCode::Char('q'), KeyModifiers::NONE),
                Some(Action::Quit),
            ),
            (
                vec![Ctx::Always, Ctx::Prompt],
                ev(KeyCode::Char('q'), KeyModifiers::NONE),
                None,
            ),
            (
                vec![Ctx::Always, Ctx::Prompt],
                ev(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Some(Action::ForceQuit),
            ),
            (
                vec![Ctx::Panes],
                ev(KeyCode::BackTab, KeyModifiers::SHIFT),
                Some(Action::PrevPane),
            ),
            (
                vec![Ctx::Panes],
                ev(KeyCode::Char('j'), KeyModifiers::NONE),
                Some(Action::Down),
            ),
            (
                vec![Ctx::Patients],
                ev(KeyCode::Enter, KeyModifiers::NONE),
                Some(Action::Select),
            ),
            (
                vec![Ctx::Options],
                ev(KeyCode::Enter, KeyModifiers::NONE),
                Some(Action::EditRedirect),
            ),
            (
                vec![Ctx::LinkView],
                ev(KeyCode::Char('K'), KeyModifiers::SHIFT),
                Some(Action::PatientView),
            ),
            (
                vec![Ctx::LinkView],
                ev(KeyCode::Char('K'), KeyModifiers::NONE),
                Some(Action::PatientView),
            ),
            (
                vec![Ctx::LinkView],
                ev(KeyCode::Char('k'), KeyModifiers::NONE),
                None,
            ),
            (
                vec![Ctx::Global],
                ev(KeyCode::Char('?'), KeyModifiers::SHIFT),
                Some(Action::Help),
            ),
            (
                vec![Ctx::Panes],
                ev(KeyCode::Char('m'), KeyModifiers::CONTROL),
                None,
            ),
        ];
        for (ctx, key, want) in cases {
            assert_eq!(lookup(&ctx, &key), want, "{ctx:?} {key:?}");
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for bnd in &BINDINGS[i + 1..] {
                if a.ctx == bnd.ctx {
                    for k in a.keys {
                        assert!(!bnd.keys.contains(k), "{:?} bound twice in {:?}", k, a.ctx);
                    }
                }
            }
        }
    }

    #[test]
    fn every_context_is_documented() {
        for b in BINDINGS.iter() {
            assert!(HELP_ORDER.contains(&b.ctx));
            assert!(!b.help.is_empty() && !b.short.is_empty());
        }
        for b in BINDINGS.iter() {
            // The help box is 96 wide with a 20-column key column: at 80 columns 56 remain.
            assert!(
                b.help.chars().count() <= 56,
                "too long for the help at 80 columns: {}",
                b.help
            );
        }
        let md = markdown();
        for b in BINDINGS.iter() {
            assert!(md.contains(b.help), "{}", b.help);
        }
    }
}
