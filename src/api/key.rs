//! The team API key and what its prefix says: the environment (`sk_` sandbox, `pk_` production)
//! and the region (`_us_`, `_eu_`). A key shows only its prefix, never itself.

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Sandbox,
    Production,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    Us,
    Eu,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }
}

impl Region {
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
        }
    }
}

/// A team API key. Its `Debug` and `Display` show only the recognised prefix, never the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself, for the request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Environment and region the key's prefix names (`sk_us_` = sandbox/us, `pk_eu_` =
    /// production/eu), if it has a known prefix.
    pub fn scope(&self) -> Option<(Environment, Region)> {
        let env = match self.0.get(..3)? {
            "sk_" => Environment::Sandbox,
            "pk_" => Environment::Production,
            _ => return None,
        };
        let region = match self.0.get(3..6)? {
            "us_" => Region::Us,
            "eu_" => Region::Eu,
            _ => return None,
        };
        Some((env, region))
    }

    /// The prefix (`sk_us_`), the only part of a key that may be shown.
    pub fn prefix(&self) -> &'static str {
        match self.scope() {
            Some((Environment::Sandbox, Region::Us)) => "sk_us_",
            Some((Environment::Sandbox, Region::Eu)) => "sk_eu_",
            Some((Environment::Production, Region::Us)) => "pk_us_",
            Some((Environment::Production, Region::Eu)) => "pk_eu_",
            None => "",
        }
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKey({}…)", self.prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_debug_shows_only_prefix() {
        let k = ApiKey::new("sk_us_supersecret");
        assert_eq!(format!("{k:?}"), "ApiKey(sk_us_…)");
    }
}
