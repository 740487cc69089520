//! The Providers pane: a checklist grouped by how the patient signs in.

use std::collections::BTreeSet;

use crate::api::{AuthType, Provider};
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
    pub linkable: bool,
    pub deprecated: bool,
}

/// Where the list came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Loading,
    Api,
    /// The embedded catalog, because the API call failed (the reason).
    Catalog(String),
}

#[derive(Debug)]
pub struct Providers {
    pub items: Vec<ProviderItem>,
    pub source: Source,
    /// Ticked slugs (the allowlist). Empty = every linkable provider.
    pub ticked: BTreeSet<String>,
    /// The `provider` field: open this provider's sign-in directly.
    pub direct: Option<String>,
    pub filter: String,
    pub visible: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    /// The API's complaint about the allowlist, after a refused mint.
    pub error: Option<String>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            items: Vec::new(),
            source: Source::Loading,
            ticked: BTreeSet::new(),
            direct: None,
            filter: String::new(),
            visible: Vec::new(),
            cursor: 0,
            offset: 0,
            error: None,
        }
    }
}

impl ProviderItem {
    pub fn from_provider(p: &Provider) -> ProviderItem {
        let auth = p
            .auth_type
            .clone()
            .or_else(|| catalog::get(&p.slug).map(|e| e.auth()));
        ProviderItem {
            slug: p.slug.clone(),
            name: if p.name.is_empty() {
                p.slug.clone()
            } else {
                p.name.clone()
            },
            description: p.description.clone(),
            group: Group::of(auth.as_ref()),
            linkable: auth.as_ref().is_none_or(AuthType::linkable),
            deprecated: catalog::is_deprecated(&p.slug),
        }
    }
}

impl Providers {
    pub fn set_items(&mut self, list: &[Provider], source: Source) {
        let mut items: Vec<ProviderItem> = list.iter().map(ProviderItem::from_provider).collect();
        items.sort_by(|a, b| {
            (a.group, a.name.to_lowercase()).cmp(&(b.group, b.name.to_lowercase()))
        });
        self.items = items;
        self.source = source;
        // Ticks survive a reload only for providers that still exist.
        let known: BTreeSet<String> = self.items.iter().map(|i| i.slug.clone()).collect();
        self.ticked.retain(|s| known.contains(s));
        if self.direct.as_ref().is_some_and(|d| !known.contains(d)) {
            self.direct = None;
        }
        let filter = self.filter.clone();
        self.set_filter(&filter);
    }

    pub fn set_filter(&mut self, filter: &str) {
        self.filter = filter.to_string();
        let needle = filter.to_lowercase();
        super::patients::refilter(&self.items, &mut self.visible, &mut self.cursor, |p| {
            needle.is_empty()
                || p.slug.to_lowercase().contains(&needle)
                || p.name.to_lowercase().contains(&needle)
        });
        self.offset = 0;
    }

    pub fn highlighted(&self) -> Option<&ProviderItem> {
        self.visible.get(self.cursor).map(|&i| &self.items[i])
    }

    /// The allowlist to send: ticked slugs in display order, or `None` for "all linkable".
    pub fn allowlist(&self) -> Option<Vec<String>> {
        if self.ticked.is_empty() {
            return None;
        }
        Some(
            self.items
                .iter()
                .filter(|i| self.ticked.contains(&i.slug))
                .map(|i| i.slug.clone())
                .collect(),
        )
    }
}

/// One line of the drawn list: a group heading or an item (its position in `visible`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Header(Group),
    Item(usize),
}

impl Providers {
    /// The drawn lines: a heading before each group, then its items.
    pub fn rows(&self) -> Vec<Row> {
        let mut out = Vec::with_capacity(self.visible.len() + 5);
        let mut last = None;
        for (pos, &i) in self.visible.iter().enumerate() {
            let g = self.items[i].group;
            if last != Some(g) {
                out.push(Row::Header(g));
                last = Some(g);
            }
            out.push(Row::Item(pos));
        }
        out
    }

    /// The line the highlight is on, and whether a heading stands right above it.
    pub fn cursor_line(&self) -> (usize, bool) {
        let rows = self.rows();
        let line = rows
            .iter()
            .position(|r| *r == Row::Item(self.cursor))
            .unwrap_or(0);
        let header_above = line > 0 && matches!(rows[line - 1], Row::Header(_));
        (line, header_above)
    }
}
