//! The provider catalog embedded from `assets/providers.json`: the 41 slugs of the `Providers`
//! enum with a name, a one-line description, how the patient signs in and what data they give.
//! The emulator serves it; the console falls back to it when `GET /v2/providers` fails; the command
//! line checks slugs against it before sending anything.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::api::{AuthType, Provider};

#[derive(Debug, Clone, Deserialize)]
pub struct CatalogEntry {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub auth_type: String,
    pub supported_resources: Vec<String>,
    /// Deprecated by the provider or by Vital; still connectable.
    #[serde(default)]
    pub deprecated: bool,
    /// Accepted by `POST /v2/link/connect/demo`.
    #[serde(default)]
    pub demo: bool,
}

impl CatalogEntry {
    pub fn auth(&self) -> AuthType {
        AuthType::from(self.auth_type.as_str())
    }

    /// Whether the Link web widget can connect it: [`Provider::can_link`].
    pub fn can_link(&self) -> bool {
        self.to_provider().can_link()
    }

    pub fn to_provider(&self) -> Provider {
        Provider {
            name: self.name.clone(),
            slug: self.slug.clone(),
            description: self.description.clone(),
            logo: None,
            auth_type: Some(self.auth()),
            supported_resources: self.supported_resources.clone(),
        }
    }
}

impl Provider {
    /// How the patient signs in: the API's answer, else the catalog's.
    pub fn sign_in(&self) -> Option<AuthType> {
        self.auth_type
            .clone()
            .or_else(|| get(&self.slug).map(CatalogEntry::auth))
    }

    /// The one rule for "Link can connect this provider": mobile-SDK and app providers connect
    /// only from the patient's phone; anything else (an unknown kind included) can be offered.
    pub fn can_link(&self) -> bool {
        self.sign_in().as_ref().is_none_or(AuthType::linkable)
    }
}

const RAW: &str = include_str!("../../assets/providers.json");

/// Every provider in the catalog, in the order of the spec's `Providers` enum.
pub fn all() -> &'static [CatalogEntry] {
    static CATALOG: OnceLock<Vec<CatalogEntry>> = OnceLock::new();
    CATALOG.get_or_init(|| serde_json::from_str(RAW).expect("assets/providers.json is valid"))
}

pub fn get(slug: &str) -> Option<&'static CatalogEntry> {
    all().iter().find(|e| e.slug == slug)
}

pub fn is_known(slug: &str) -> bool {
    get(slug).is_some()
}

/// Whether a slug is marked deprecated (`google_fit`, `my_fitness_pal`).
pub fn is_deprecated(slug: &str) -> bool {
    get(slug).is_some_and(|e| e.deprecated)
}

/// The known slug closest to `slug` (by edit distance, then by shared prefix), for "did you mean".
pub fn closest(slug: &str) -> Option<&'static str> {
    let wanted = slug.trim().to_lowercase();
    all()
        .iter()
        .map(|e| {
            let d = strsim::damerau_levenshtein(&wanted, &e.slug);
            let d_name = strsim::damerau_levenshtein(&wanted, &e.name.to_lowercase());
            (d.min(d_name), e.slug.as_str())
        })
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= wanted.chars().count().max(3))
        .map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_all_41_slugs_with_descriptions() {
        assert_eq!(all().len(), 41);
        for e in all() {
            assert!(
                !e.name.is_empty() && !e.description.is_empty(),
                "{}",
                e.slug
            );
            assert!(
                ["oauth", "password", "email", "sdk"].contains(&e.auth_type.as_str()),
                "{}",
                e.slug
            );
        }
        let mut slugs: Vec<_> = all().iter().map(|e| &e.slug).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 41, "slugs are unique");
    }

    #[test]
    fn sdk_only_providers_are_not_linkable() {
        for slug in [
            "apple_health_kit",
            "health_connect",
            "samsung_health",
            "manual",
            "omron_ble",
        ] {
            assert!(!get(slug).unwrap().can_link(), "{slug}");
        }
        for slug in ["oura", "fitbit", "dexcom", "freestyle_libre"] {
            assert!(get(slug).unwrap().can_link(), "{slug}");
        }
        assert!(is_deprecated("google_fit") && is_deprecated("my_fitness_pal"));
        assert!(!is_deprecated("oura"));
    }

    #[test]
    fn closest_suggests_a_slug() {
        assert_eq!(closest("fitbt"), Some("fitbit"));
        assert_eq!(closest("ouraa"), Some("oura"));
        assert_eq!(closest("Dexcom"), Some("dexcom"));
        assert_eq!(closest("whoopv2"), Some("whoop_v2"));
    }
}
