//! Wire types of the Vital (Junction) API, as serde structs.
//!
//! Every enum the API calls non-exhaustive is an *open* enum here: a value this build does not know
//! parses into `Unknown(String)` and is shown as it came. Optional fields default, so a response that
//! gains or drops an optional field still parses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// Declares an open string enum: known variants plus `Unknown(String)`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this build does not know yet.
            Unknown(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::from(s.as_str()))
            }
        }
    };
}

open_enum! {
    /// How a patient signs in to a provider (`SourceAuthType`).
    AuthType {
        Oauth => "oauth",
        TeamOauth => "team_oauth",
        Sdk => "sdk",
        Password => "password",
        Email => "email",
        App => "app",
        Empty => "",
    }
}

impl AuthType {
    /// Whether the Link web widget can connect a provider of this kind. Mobile-SDK and app
    /// providers connect only from the patient's phone app.
    pub fn linkable(&self) -> bool {
        !matches!(self, AuthType::Sdk | AuthType::App)
    }

    /// A short label for grouping.
    pub fn label(&self) -> &str {
        match self {
            AuthType::Oauth | AuthType::TeamOauth => "OAuth",
            AuthType::Password => "password",
            AuthType::Email => "email",
            AuthType::Sdk => "mobile SDK",
            AuthType::App => "app",
            AuthType::Empty => "unspecified",
            AuthType::Unknown(s) => s,
        }
    }
}

open_enum! {
    /// Status of a user's connection to a provider.
    ConnectionStatus {
        Connected => "connected",
        Error => "error",
        Paused => "paused",
    }
}

/// `ClientFacingProvider`: name, slug, logo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderRef {
    #[serde(default)]
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub logo: Option<String>,
}

/// One entry of a user's `connected_sources`. Older responses carry only `source`, newer ones
/// `provider` too; either may be missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectedSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ProviderRef>,
    #[serde(default)]
    pub created_on: Option<DateTime<Utc>>,
}

impl ConnectedSource {
    pub fn provider(&self) -> Option<&ProviderRef> {
        self.provider.as_ref().or(self.source.as_ref())
    }
}

/// `ClientFacingUser`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub user_id: Uuid,
    #[serde(default)]
    pub team_id: Option<Uuid>,
    pub client_user_id: String,
    #[serde(default)]
    pub created_on: Option<DateTime<Utc>>,
    #[serde(default)]
    pub connected_sources: Vec<ConnectedSource>,
    #[serde(default)]
    pub fallback_time_zone: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_birth_date: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingestion_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingestion_end: Option<String>,
}

impl User {
    /// Slugs of the connected providers, in the order the API gave them.
    pub fn connected_slugs(&self) -> Vec<&str> {
        self.connected_sources
            .iter()
            .filter_map(|c| c.provider().map(|p| p.slug.as_str()))
            .collect()
    }
}

/// `PaginatedUsersResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsersPage {
    pub users: Vec<User>,
    pub total: u64,
    pub offset: u64,
    pub limit: u64,
}

/// The create-user response: older APIs return `{user_id, client_user_id}`, newer ones the whole
/// user. Only those two fields are required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub user_id: Uuid,
    pub client_user_id: String,
}

impl CreatedUser {
    /// The user as the list knows it, created at `at` with no connection yet.
    pub fn to_user(&self, at: DateTime<Utc>) -> User {
        User {
            user_id: self.user_id,
            team_id: None,
            client_user_id: self.client_user_id.clone(),
            created_on: Some(at),
            connected_sources: vec![],
            fallback_time_zone: None,
            fallback_birth_date: None,
            ingestion_start: None,
            ingestion_end: None,
        }
    }
}

/// `ClientFacingProviderDetailed`, from `GET /v2/providers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub auth_type: Option<AuthType>,
    #[serde(default)]
    pub supported_resources: Vec<String>,
}

/// `ClientFacingConnectionErrorDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionErrorDetails {
    pub error_type: String,
    #[serde(default)]
    pub error_message: String,
    #[serde(default)]
    pub errored_at: Option<DateTime<Utc>>,
}

/// `ClientFacingProviderWithStatus`, from `GET /v2/user/providers/{user_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectedProvider {
    #[serde(default)]
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub created_on: Option<DateTime<Utc>>,
    pub status: ConnectionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_details: Option<ConnectionErrorDetails>,
    #[serde(default)]
    pub resource_availability: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectedProviders {
    pub providers: Vec<ConnectedProvider>,
}

/// The only value `on_error` and `on_close` take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectBehaviour {
    Redirect,
}

/// `LinkTokenExchange`: the body of `POST /v2/link/token`. Unset fields are omitted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LinkTokenRequest {
    pub user_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_on_providers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<RedirectBehaviour>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_close: Option<RedirectBehaviour>,
}

/// `LinkTokenExchangeResponse`. Both fields are credentials for about an hour: never log them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkToken {
    pub link_token: String,
    pub link_web_url: String,
}

impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkToken")
            .field("fingerprint", &crate::api::fingerprint(&self.link_token))
            .finish_non_exhaustive()
    }
}

/// `VitalTokenCreatedResponse` of `POST /v2/link/code/create`: a one-time code the patient
/// types into the Junction Connect app. A credential until used or expired: its `Debug` shows
/// only the fingerprint.
#[derive(Clone, Serialize, Deserialize)]
pub struct AppCode {
    /// `(sk|pk)(eu|us)` and 8 lower-case hex digits ([`is_app_code`]).
    pub code: String,
    /// `tryvital://tryvital?code=CODE`: opens the app with the code on a phone that has it.
    pub exchange_url: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for AppCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCode")
            .field("fingerprint", &crate::api::fingerprint(&self.code))
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Whether `code` starts as the spec's pattern `^(sk|pk)(eu|us)([\da-f]{8})` says (not anchored
/// at the end: a longer code from a newer API is accepted; anything else is not shown).
pub fn is_app_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() >= 12
        && matches!(&b[..2], b"sk" | b"pk")
        && matches!(&b[2..4], b"eu" | b"us")
        && b[4..12]
            .iter()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        && code.len() <= 64
        && code.bytes().all(|c| c.is_ascii_alphanumeric())
}

/// The Junction Connect app's page on the App Store (Vital's Grow and Scale plans).
/// App Store pages are `https://apps.apple.com/us/app/NAME/idNUMBER`.
pub const JUNCTION_CONNECT_APP_STORE: &str =
    "https://apps.apple.com/us/app/vital-connect/id6444167196";

/// `SourceLink`, from `GET /v2/link/providers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkProvider {
    pub id: i64,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub oauth_url: Option<String>,
    #[serde(default)]
    pub auth_type: Option<AuthType>,
    #[serde(default)]
    pub form_components: serde_json::Map<String, serde_json::Value>,
}

/// `{"success": bool}` from deletes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuccessResponse {
    pub success: bool,
}

/// `DemoConnectionStatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoConnectionStatus {
    pub success: bool,
    #[serde(default)]
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_codes_follow_the_spec_pattern_and_debug_hides_them() {
        for good in ["skus1a2b3c4d", "pkeu00000000", "skus1a2b3c4d5e"] {
            assert!(is_app_code(good), "{good}");
        }
        for bad in [
            "",
            "skus1a2b3c4",
            "SKUS1A2B3C4D",
            "xkus1a2b3c4d",
            "skxx1a2b3c4d",
            "skus1a2b3c4g",
            "skus1a2b3c4d e",
            "skus1a2b3c4d\u{1b}[2J",
        ] {
            assert!(!is_app_code(bad), "{bad:?}");
        }
        let code: AppCode = serde_json::from_str(
            r#"{"code":"skus1a2b3c4d","exchange_url":"tryvital://tryvital?code=skus1a2b3c4d","expires_at":"2026-12-05T10:00:00Z"}"#,
        )
        .unwrap();
        let debug = format!("{code:?}");
        assert!(!debug.contains("1a2b3c4d"), "{debug}");
        assert!(debug.contains("sha256:"), "{debug}");
    }

    #[test]
    fn the_app_store_url_has_the_id_before_the_number() {
        let (page, last) = JUNCTION_CONNECT_APP_STORE.rsplit_once('/').unwrap();
        assert_eq!(page, "https://apps.apple.com/us/app/vital-connect");
        let number = last
            .strip_prefix("id")
            .expect("App Store ids start with 'id'");
        assert!(
            !number.is_empty() && number.bytes().all(|c| c.is_ascii_digit()),
            "{last}"
        );
    }

    #[test]
    fn open_enums_keep_unknown_values() {
        let a: AuthType = serde_json::from_str("\"quantum\"").unwrap();
        assert_eq!(a, AuthType::Unknown("quantum".into()));
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"quantum\"");
        let e: AuthType = serde_json::from_str("\"\"").unwrap();
        assert_eq!(e, AuthType::Empty);
        let s: ConnectionStatus = serde_json::from_str("\"connected\"").unwrap();
        assert_eq!(s, ConnectionStatus::Connected);
    }

    #[test]
    fn connected_source_accepts_source_or_provider() {
        let old: ConnectedSource =
            serde_json::from_str(r#"{"source":{"name":"Oura","slug":"oura","logo":"x"},"created_on":"2026-07-23T14:27:46+00:00"}"#)
                .unwrap();
        assert_eq!(old.provider().unwrap().slug, "oura");
        let new: ConnectedSource =
            serde_json::from_str(r#"{"provider":{"name":"Fitbit","slug":"fitbit","logo":null}}"#)
                .unwrap();
        assert_eq!(new.provider().unwrap().slug, "fitbit");
    }

    #[test]
    fn link_request_omits_unset_fields() {
        let r = LinkTokenRequest {
            user_id: Uuid::nil(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"user_id":"00000000-0000-0000-0000-000000000000"}"#
        );
    }

    #[test]
    fn create_user_accepts_old_and_new_shapes() {
        let id = "1449752e-0d8a-40e0-9206-91ab099b2537";
        let old = format!(r#"{{"user_id":"{id}","client_user_id":"a"}}"#);
        let new = format!(
            r#"{{"user_id":"{id}","client_user_id":"a","team_id":"{id}","created_on":"2026-07-23T14:27:46+00:00","connected_sources":[],"fallback_time_zone":null}}"#
        );
        for body in [old, new] {
            let u: CreatedUser = serde_json::from_str(&body).unwrap();
            assert_eq!(u.client_user_id, "a");
        }
    }

    #[test]
    fn link_token_debug_hides_the_token() {
        let t = LinkToken {
            link_token: "secret-token".into(),
            link_web_url: "https://link.example/?token=secret-token".into(),
        };
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("secret-token"), "{dbg}");
    }
}

#[cfg(test)]
mod properties {
    //! Whatever JSON arrives, the wire parsers answer `Ok` or `Err`, never panic, and an open
    //! enum keeps any string it does not know.
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            "\\PC{0,12}".prop_map(Value::String),
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let keys = prop_oneof![
                Just("users".to_string()),
                Just("total".to_string()),
                Just("user_id".to_string()),
                Just("client_user_id".to_string()),
                Just("slug".to_string()),
                Just("name".to_string()),
                Just("status".to_string()),
                Just("auth_type".to_string()),
                Just("detail".to_string()),
                Just("providers".to_string()),
                Just("link_web_url".to_string()),
                Just("msg".to_string()),
                Just("loc".to_string()),
                "[a-z_]{1,8}",
            ];
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(keys, inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn wire_parsers_never_panic(v in any_json()) {
            let text = v.to_string();
            let _ = serde_json::from_str::<UsersPage>(&text);
            let _ = serde_json::from_str::<User>(&text);
            let _ = serde_json::from_str::<Vec<Provider>>(&text);
            let _ = serde_json::from_str::<Provider>(&text);
            let _ = serde_json::from_str::<ConnectedProviders>(&text);
            let _ = serde_json::from_str::<LinkToken>(&text);
            let _ = serde_json::from_str::<LinkProvider>(&text);
            let _ = serde_json::from_str::<CreatedUser>(&text);
            let _ = crate::api::error::detail_text(&text);
            let fields = crate::api::error::field_errors(&text);
            prop_assert!(!fields.is_empty());
            let shown = crate::api::error::detail_text(&text);
            prop_assert!(!shown.chars().any(crate::text::is_unsafe));
            prop_assert!(shown.chars().count() <= crate::api::error::DETAIL_MAX_CHARS);
        }

        #[test]
        fn error_parsers_never_panic_on_any_text(s in "\\PC{0,200}") {
            prop_assert!(!crate::api::error::field_errors(&s).is_empty());
            prop_assert!(!crate::api::error::detail_text(&s).chars().any(crate::text::is_unsafe));
        }

        #[test]
        fn open_enums_keep_every_unknown_value(s in "\\PC{0,30}") {
            let json = Value::String(s.clone()).to_string();
            let a: AuthType = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(a.as_str(), s.as_str());
            let c: ConnectionStatus = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(c.as_str(), s.as_str());
            let p: Provider = serde_json::from_value(serde_json::json!({
                "name": "n", "slug": "s", "auth_type": s,
            })).unwrap();
            let auth = p.auth_type.unwrap();
            prop_assert_eq!(auth.as_str(), s.as_str());
        }
    }
}
