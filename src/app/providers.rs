//! The Providers pane: a checklist grouped by how the patient signs in, the ticks (the
//! allowlist), the one "direct" provider, and the built-in catalog when the API list fails.

use std::collections::BTreeSet;

use super::list::{FilteredList, Motion};
use super::matcher::{self, Query};
use super::requests::Load;
use super::{App, Level, layout};
use crate::api::{ApiError, AuthType, Provider};
use crate::link::catalog;

/// Sign-in groups, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    OAuth,
    Password,
    Email,
    Other,
    MobileSdk,
}

impl Group {
    pub fn of(auth: Option<&AuthType>) -> Group {
        match auth {
            Some(AuthType::Oauth | AuthType::TeamOauth) => Group::OAuth,
            Some(AuthType::Password) => Group::Password,
            Some(AuthType::Email) => Group::Email,
            Some(a) if !a.linkable() => Group::MobileSdk,
            _ => Group::Other,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Group::OAuth => "Sign in with the provider (OAuth)",
            Group::Password => "Username and password",
            Group::Email => "Email",
            Group::Other => "Other",
            Group::MobileSdk => "Mobile app only (cannot be linked here)",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderItem {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub group: Group,
    /// [`Provider::can_link`], kept with the row.
    pub linkable: bool,
    pub deprecated: bool,
}

impl ProviderItem {
    pub fn from_provider(p: &Provider) -> ProviderItem {
        ProviderItem {
            slug: p.slug.clone(),
            name: if p.name.is_empty() {
                p.slug.clone()
            } else {
                p.name.clone()
            },
            description: p.description.clone(),
            group: Group::of(p.sign_in().as_ref()),
            linkable: p.can_link(),
            deprecated: catalog::is_deprecated(&p.slug),
        }
    }

    /// Whether the filter matches the slug or the name (the patient filter's matcher).
    fn matches(&self, query: &Query) -> bool {
        matcher::matches_text(query, &self.slug) || matcher::matches_text(query, &self.name)
    }
}

/// One drawn line of the list: a group heading or an item (its position among the visible ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListLine {
    Heading(Group),
    Item(usize),
}

#[derive(Debug)]
pub struct Providers {
    pub list: FilteredList<ProviderItem>,
    /// `Failed` means the API list failed and the embedded catalog is shown instead.
    pub load: Load<()>,
    /// Ticked slugs (the allowlist). Empty = every linkable provider.
    pub ticked: BTreeSet<String>,
    /// The `provider` field: open this provider's sign-in directly.
    pub direct: Option<String>,
    /// The API's complaint about the allowlist, after a refused mint.
    pub error: Option<String>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            list: FilteredList::default(),
            load: Load::Loading,
            ticked: BTreeSet::new(),
            direct: None,
            error: None,
        }
    }
}

impl Providers {
    pub fn set_items(&mut self, list: &[Provider]) {
        let mut items: Vec<ProviderItem> = list.iter().map(ProviderItem::from_provider).collect();
        items.sort_by(|a, b| {
            (a.group, a.name.to_lowercase()).cmp(&(b.group, b.name.to_lowercase()))
        });
        // Ticks survive a reload only for providers that still exist.
        let known: BTreeSet<&str> = items.iter().map(|i| i.slug.as_str()).collect();
        self.ticked.retain(|s| known.contains(s.as_str()));
        if self.direct.as_deref().is_some_and(|d| !known.contains(d)) {
            self.direct = None;
        }
        let query = Query::new(self.list.filter());
        self.list
            .replace(items, |p| p.matches(&query), |p| p.slug.clone());
    }

    pub fn set_filter(&mut self, filter: &str) {
        let query = Query::new(filter);
        self.list
            .set_filter(filter.to_string(), |p| p.matches(&query));
    }

    pub fn highlighted(&self) -> Option<&ProviderItem> {
        self.list.highlighted()
    }

    /// The allowlist to send: ticked slugs in display order, or `None` for "all linkable".
    pub fn allowlist(&self) -> Option<Vec<String>> {
        if self.ticked.is_empty() {
            return None;
        }
        Some(
            self.list
                .items()
                .iter()
                .filter(|i| self.ticked.contains(&i.slug))
                .map(|i| i.slug.clone())
                .collect(),
        )
    }

    /// How many ticked providers the kept filter hides.
    pub fn ticked_hidden(&self) -> usize {
        let shown: BTreeSet<&str> = self
            .list
            .visible_items()
            .map(|(_, p)| p.slug.as_str())
            .collect();
        self.ticked
            .iter()
            .filter(|s| !shown.contains(s.as_str()))
            .count()
    }

    /// The drawn lines: a heading before each group, then its items.
    pub fn lines(&self) -> Vec<ListLine> {
        let mut out = Vec::with_capacity(self.list.visible().len() + 5);
        let mut last = None;
        for (pos, item) in self.list.visible_items() {
            if last != Some(item.group) {
                out.push(ListLine::Heading(item.group));
                last = Some(item.group);
            }
            out.push(ListLine::Item(pos));
        }
        out
    }

    /// Scrolls so the highlighted line shows, with its group heading when that stands above it.
    pub fn scroll(&mut self, rows: usize) {
        let lines = self.lines();
        let line = lines
            .iter()
            .position(|l| *l == ListLine::Item(self.list.state().cursor()))
            .unwrap_or(0);
        let heading_above = line > 0 && matches!(lines[line - 1], ListLine::Heading(_));
        let top = if heading_above { line - 1 } else { line };
        self.list.scroll_to_show(top, line, rows);
    }
}

impl App {
    pub(super) fn on_providers(&mut self, result: Result<Vec<Provider>, ApiError>) {
        match result {
            Ok(list) => {
                self.providers.set_items(&list);
                self.providers.load = Load::Loaded(());
            }
            Err(e) => {
                self.alert_if_refused(&e);
                self.providers_failed(e.to_string());
            }
        }
        self.keep_cursors_visible();
    }

    /// The API list failed: the embedded catalog stands in, with the reason shown.
    pub(super) fn providers_failed(&mut self, reason: String) {
        let all: Vec<Provider> = catalog::all()
            .iter()
            .map(super::super::link::catalog::CatalogEntry::to_provider)
            .collect();
        self.providers.set_items(&all);
        self.providers.load = Load::Failed(reason);
    }

    pub(super) fn move_providers(&mut self, motion: Motion) {
        let page = layout::areas(self.size).providers.list.height as usize;
        self.providers.list.move_cursor(motion, page);
        self.keep_cursors_visible();
    }

    /// The highlighted provider, if Link can connect it; else says why not (`what` is what the
    /// staff tried: "offer", "open").
    fn linkable_highlight(&mut self, what: &str) -> Option<ProviderItem> {
        let item = self.providers.highlighted()?.clone();
        if item.linkable {
            return Some(item);
        }
        let text = match super::app_code::PhoneOnly::of(&item.slug) {
            Some(super::app_code::PhoneOnly::JunctionConnect) => format!(
                "{} connects through the Junction Connect app, not the Link page: press A for a code",
                item.name
            ),
            Some(super::app_code::PhoneOnly::ClinicApp { .. }) => {
                match self.config.mobile_app.as_ref() {
                    Some(app) => format!(
                        "{} connects only in {}: Enter shows its store code",
                        item.name,
                        crate::text::sanitize(&app.name)
                    ),
                    None => format!(
                        "{} connects only from the clinic's own mobile app (name it in [mobile_app]): Link cannot {what} it",
                        item.name
                    ),
                }
            }
            None => format!(
                "{} connects only from the mobile app (SDK): Link cannot {what} it",
                item.name
            ),
        };
        self.toast(Level::Warning, text);
        None
    }

    pub(super) fn toggle_provider(&mut self) {
        let Some(item) = self.linkable_highlight("offer") else {
            return;
        };
        if !self.providers.ticked.remove(&item.slug) {
            self.providers.ticked.insert(item.slug);
        }
        self.providers.error = None;
    }

    pub(super) fn toggle_direct(&mut self) {
        let Some(item) = self.linkable_highlight("open") else {
            return;
        };
        if self.providers.direct.as_deref() == Some(item.slug.as_str()) {
            self.providers.direct = None;
            self.toast(
                Level::Info,
                "No direct provider: the patient picks from the list",
            );
        } else {
            self.toast(
                Level::Info,
                format!(
                    "Direct to {}: the link opens its sign-in straight away",
                    item.name
                ),
            );
            self.providers.direct = Some(item.slug);
        }
        self.providers.error = None;
    }

    /// `a`: every provider Link can connect, except deprecated ones (those only by hand).
    pub(super) fn tick_all(&mut self) {
        let items = self.providers.list.items();
        let wanted: Vec<String> = items
            .iter()
            .filter(|p| p.linkable && !p.deprecated)
            .map(|p| p.slug.clone())
            .collect();
        let deprecated = items.iter().filter(|p| p.linkable && p.deprecated).count();
        let n = wanted.len();
        self.providers.ticked.extend(wanted);
        self.providers.error = None;
        let skipped = match deprecated {
            0 => String::new(),
            1 => " (not the deprecated one: Space ticks it by hand)".into(),
            d => format!(" (not the {d} deprecated ones: Space ticks them by hand)"),
        };
        self.toast(
            Level::Info,
            format!("Ticked all {n} providers Link can connect{skipped}"),
        );
    }

    pub(super) fn clear_ticks(&mut self) {
        self.providers.ticked.clear();
        self.providers.direct = None;
        self.providers.error = None;
        self.toast(
            Level::Info,
            "Cleared: with nothing ticked, the patient sees every linkable provider",
        );
    }
}
