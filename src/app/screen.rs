//! What fills the screen: the three panes, the staff's view of a minted link, or the
//! patient-facing view of it (with the time it was turned to the patient, for the idle blank).
//! A link is shown only inside a screen that has one, so no view can lack its link.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::i18n::Language;
use crate::link::MintedLink;
use crate::link::qr::{LinkCodes, QrStyle};

/// A minted link on screen.
#[derive(Debug, Clone)]
pub struct ShownLink {
    pub link: MintedLink,
    /// The link's codes, encoded once here: drawing only reads them.
    pub codes: LinkCodes,
    /// Where `s` saved its code, once it did.
    pub saved_png: Option<PathBuf>,
    /// The connection watcher of this link (it stops when the link leaves the screen).
    pub watch: super::watcher::Watch,
    /// What the Link page will offer for it, once asked.
    pub offered: Option<super::offered::Offered>,
    /// The expiry was written to the audit log.
    pub expiry_logged: bool,
    /// The language the patient reads the patient-facing view in (`L` cycles it).
    pub language: Language,
}

impl ShownLink {
    /// `link` on screen, for a patient who reads English until [`ShownLink::in_language`].
    pub fn new(link: MintedLink) -> ShownLink {
        ShownLink {
            codes: LinkCodes::encode(&link.token.link_web_url),
            link,
            saved_png: None,
            watch: super::watcher::Watch::default(),
            offered: None,
            expiry_logged: false,
            language: Language::En,
        }
    }

    /// The same, for a patient who reads `language`.
    #[must_use]
    pub fn in_language(self, language: Language) -> ShownLink {
        ShownLink { language, ..self }
    }
}

#[derive(Debug, Clone)]
pub enum Screen {
    Panes,
    /// The staff link view: code, URL, details, countdown.
    Link(ShownLink),
    /// The patient-facing view, since `since` (the last key pressed in it).
    PatientView {
        shown: ShownLink,
        since: DateTime<Utc>,
    },
    /// The staff view of a Junction Connect app code (`A`): App Store code, the code, steps.
    AppCode(super::app_code::ShownAppCode),
    /// The patient-facing view of an app code (`K` there), since `since`.
    AppCodePatient {
        shown: super::app_code::ShownAppCode,
        since: DateTime<Utc>,
    },
    /// The clinic's own app (`[mobile_app]`) for a phone-only provider: its store's code.
    ClinicApp(super::app_code::ClinicApp),
}

impl Screen {
    /// The link on screen, in either view.
    pub fn shown(&self) -> Option<&ShownLink> {
        match self {
            Screen::Link(shown) | Screen::PatientView { shown, .. } => Some(shown),
            _ => None,
        }
    }

    pub fn shown_mut(&mut self) -> Option<&mut ShownLink> {
        match self {
            Screen::Link(shown) | Screen::PatientView { shown, .. } => Some(shown),
            _ => None,
        }
    }

    /// The app code on screen, in either view.
    pub fn app_code(&self) -> Option<&super::app_code::ShownAppCode> {
        match self {
            Screen::AppCode(shown) | Screen::AppCodePatient { shown, .. } => Some(shown),
            _ => None,
        }
    }

    pub fn app_code_mut(&mut self) -> Option<&mut super::app_code::ShownAppCode> {
        match self {
            Screen::AppCode(shown) | Screen::AppCodePatient { shown, .. } => Some(shown),
            _ => None,
        }
    }

    pub fn is_panes(&self) -> bool {
        matches!(self, Screen::Panes)
    }
}

/// How the code is drawn: kept across links, set by `f` and `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QrLook {
    pub style: QrStyle,
    pub invert: bool,
}
