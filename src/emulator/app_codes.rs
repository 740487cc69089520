//! App codes for the Junction Connect app, as the emulator serves them: `POST
//! /v2/link/code/create` (API key), `POST /v2/link/code/exchange` (no key: the app calls it),
//! and for QA `GET /_emulator/app-codes` (every code issued, the code itself included: this is
//! the emulator's test tool) and `GET|PUT /_emulator/team` (the team's name and logo the app
//! shows, and whether its plan includes the app).
//!
//! The exchange is not in Vital's public spec: its shape (`{user_id, sign_in_token, team {name,
//! logo_url}}`) is read from Vital's iOS SDK; its refusals (404 unknown, 400 used or expired,
//! each with a `detail`) are this emulator's assumption.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Shared;
use super::state::Team;
use super::validate::Errors;

type Reply = (StatusCode, Json<Value>);

/// A code's default lifetime, as Vital's: one hour.
pub const DEFAULT_LIFETIME_MINUTES: i64 = 60;

/// The emulator is a sandbox in the US (its link URLs say `env=sandbox&region=us`): its codes
/// start `skus`.
pub const CODE_PREFIX: &str = "skus";

/// What the real service answers (403) when the team's plan lacks the Junction Connect app.
/// The real wording is not documented; this is the emulator's.
pub const PLAN_REFUSAL: &str =
    "The Junction Connect app is not included in your team's plan. Contact Vital to upgrade.";

/// One code the emulator issued.
#[derive(Debug, Clone, Serialize)]
pub struct AppCodeRecord {
    pub code: String,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When the app exchanged it (a code works once).
    pub used_at: Option<DateTime<Utc>>,
}

/// Why a code cannot be exchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    Unknown,
    Used,
    Expired,
}

impl CodeRefusal {
    /// The API's `detail` for it.
    pub fn detail(self) -> &'static str {
        match self {
            CodeRefusal::Unknown => "Code not found.",
            CodeRefusal::Used => "This code has already been used.",
            CodeRefusal::Expired => "This code has expired.",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            CodeRefusal::Unknown => StatusCode::NOT_FOUND,
            CodeRefusal::Used | CodeRefusal::Expired => StatusCode::BAD_REQUEST,
        }
    }
}

/// What an exchange gives the app.
#[derive(Debug, Clone)]
pub struct Exchanged {
    pub user_id: Uuid,
    pub sign_in_token: String,
}

/// The team's app codes and what the app shows of the team.
#[derive(Debug)]
pub struct AppCodes {
    /// Every code issued, oldest first.
    pub issued: Vec<AppCodeRecord>,
    /// Sign-in tokens the exchange gave out, to the user they sign in.
    pub sign_ins: HashMap<String, Uuid>,
    /// The team's name, as the app shows it after the exchange.
    pub team_name: String,
    pub logo_url: Option<String>,
    /// Whether the team's plan includes the Junction Connect app (Vital's Grow and Scale).
    pub plan_includes_app: bool,
}

impl Default for AppCodes {
    fn default() -> Self {
        AppCodes {
            issued: Vec::new(),
            sign_ins: HashMap::new(),
            team_name: "Demo Clinic".into(),
            logo_url: None,
            plan_includes_app: true,
        }
    }
}

impl AppCodes {
    /// Issues a fresh code for `user_id` (the caller checked the user) valid until `expires_at`.
    pub fn issue(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> AppCodeRecord {
        let code = loop {
            let n: u32 = rand::random();
            let code = format!("{CODE_PREFIX}{n:08x}");
            if !self.issued.iter().any(|r| r.code == code) {
                break code;
            }
        };
        let rec = AppCodeRecord {
            code,
            user_id,
            created_at: now,
            expires_at,
            used_at: None,
        };
        self.issued.push(rec.clone());
        rec
    }

    /// The code as it stands at `now`: its user, or why it cannot be used.
    pub fn check(&self, code: &str, now: DateTime<Utc>) -> Result<&AppCodeRecord, CodeRefusal> {
        let rec = self
            .issued
            .iter()
            .find(|r| r.code == code)
            .ok_or(CodeRefusal::Unknown)?;
        if rec.used_at.is_some() {
            Err(CodeRefusal::Used)
        } else if now >= rec.expires_at {
            Err(CodeRefusal::Expired)
        } else {
            Ok(rec)
        }
    }

    /// Exchanges a code for a sign-in token: it cannot be used again.
    pub fn exchange(&mut self, code: &str, now: DateTime<Utc>) -> Result<Exchanged, CodeRefusal> {
        let user_id = self.check(code, now)?.user_id;
        if let Some(rec) = self.issued.iter_mut().find(|r| r.code == code) {
            rec.used_at = Some(now);
        }
        let sign_in_token = {
            use base64::Engine;
            let bytes: [u8; 24] = rand::random();
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        };
        self.sign_ins.insert(sign_in_token.clone(), user_id);
        Ok(Exchanged {
            user_id,
            sign_in_token,
        })
    }

    /// The team as the exchange answers it.
    pub fn team_json(&self) -> Value {
        json!({ "name": self.team_name, "logo_url": self.logo_url })
    }
}

fn detail(status: StatusCode, text: impl Into<String>) -> Reply {
    (status, Json(json!({ "detail": text.into() })))
}

/// A query parameter `FastAPI` requires: pydantic's `missing` when absent.
fn required_query<'a>(
    q: &'a HashMap<String, String>,
    name: &str,
    errors: &mut Errors,
) -> Option<&'a str> {
    let v = q.get(name).map(String::as_str);
    if v.is_none() {
        errors.missing(json!(["query", name]), &Value::Null);
    }
    v
}

/// An ISO-8601 date-time as pydantic takes it: with an offset, or without (read as UTC).
fn parse_datetime(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.to_utc())
        .ok()
        .or_else(|| {
            [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(|t| t.and_utc())
        })
}

/// Checks `expires_at` (absent: one hour from now); a time not in the future is refused.
fn expires_at(
    q: &HashMap<String, String>,
    now: DateTime<Utc>,
    errors: &mut Errors,
) -> Option<DateTime<Utc>> {
    let Some(raw) = q.get("expires_at") else {
        return Some(now + Duration::minutes(DEFAULT_LIFETIME_MINUTES));
    };
    let Some(at) = parse_datetime(raw) else {
        errors.push_ctx(
            "datetime_from_date_parsing",
            json!(["query", "expires_at"]),
            "Input should be a valid datetime or date, invalid character in year",
            &json!(raw),
            json!({ "error": "invalid character in year" }),
        );
        return None;
    };
    if at <= now {
        errors.push_ctx(
            "value_error",
            json!(["query", "expires_at"]),
            "Value error, expires_at must be in the future",
            &json!(raw),
            json!({ "error": {} }),
        );
        return None;
    }
    Some(at)
}

/// Validates a create request against the team; the answer or the refusal.
fn create_in(team: &mut Team, q: &HashMap<String, String>) -> Reply {
    let now = team.now();
    let mut errors = Errors::default();
    let user_id = required_query(q, "user_id", &mut errors)
        .and_then(|raw| errors.uuid(json!(["query", "user_id"]), &json!(raw)));
    let expires = expires_at(q, now, &mut errors);
    let (Some(user_id), Some(expires)) = (user_id, expires) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(errors.body()));
    };
    if team.user(user_id).is_none() {
        return detail(StatusCode::NOT_FOUND, format!("User {user_id} not found"));
    }
    if !team.app_codes.plan_includes_app {
        return detail(StatusCode::FORBIDDEN, PLAN_REFUSAL);
    }
    let rec = team.app_codes.issue(user_id, now, expires);
    (
        StatusCode::OK,
        Json(json!({
            "code": rec.code,
            "exchange_url": format!("tryvital://tryvital?code={}", rec.code),
            "expires_at": rec.expires_at,
        })),
    )
}

/// `POST /v2/link/code/create?user_id=…[&expires_at=…]` (API key, no body).
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    create_in(&mut shared.team(), &q)
}

/// `POST /v2/link/code/exchange?code=…&grant_type=sign_in_token` (no API key).
pub(crate) async fn exchange(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let mut errors = Errors::default();
    let code = required_query(&q, "code", &mut errors);
    let grant = required_query(&q, "grant_type", &mut errors);
    if let Some(g) = grant.filter(|g| *g != "sign_in_token") {
        errors.push_ctx(
            "literal_error",
            json!(["query", "grant_type"]),
            "Input should be 'sign_in_token'",
            &json!(g),
            json!({ "expected": "'sign_in_token'" }),
        );
    }
    let Some(code) = code.filter(|_| errors.is_empty()) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(errors.body()));
    };
    let mut team = shared.team();
    let now = team.now();
    match team.app_codes.exchange(code, now) {
        Ok(x) => (
            StatusCode::OK,
            Json(json!({
                "user_id": x.user_id,
                "sign_in_token": x.sign_in_token,
                "team": team.app_codes.team_json(),
            })),
        ),
        Err(r) => detail(r.status(), r.detail()),
    }
}

/// `GET /_emulator/app-codes`: every code issued, oldest first, with its state at the
/// emulator's clock. The codes themselves are listed: this is the emulator's QA tool.
pub(crate) async fn list(State(shared): State<Arc<Shared>>) -> Reply {
    let team = shared.team();
    let now = team.now();
    let list: Vec<Value> = team
        .app_codes
        .issued
        .iter()
        .map(|r| {
            let state = match team.app_codes.check(&r.code, now) {
                Ok(_) => "valid",
                Err(CodeRefusal::Used) => "used",
                Err(_) => "expired",
            };
            let mut v = json!(r);
            v["state"] = json!(state);
            v["fingerprint"] = json!(crate::api::fingerprint(&r.code));
            v
        })
        .collect();
    (StatusCode::OK, Json(Value::Array(list)))
}

/// The team as the app shows it, and whether its plan includes the app.
#[derive(Debug, Deserialize)]
pub struct TeamSettings {
    pub name: Option<String>,
    pub logo_url: Option<String>,
    pub junction_connect_app: Option<bool>,
}

fn team_settings(team: &Team) -> Value {
    json!({
        "name": team.app_codes.team_name,
        "logo_url": team.app_codes.logo_url,
        "junction_connect_app": team.app_codes.plan_includes_app,
    })
}

/// `GET /_emulator/team`.
pub(crate) async fn get_team(State(shared): State<Arc<Shared>>) -> Reply {
    (StatusCode::OK, Json(team_settings(&shared.team())))
}

/// `PUT /_emulator/team` `{name?, logo_url?, junction_connect_app?}`: `junction_connect_app:
/// false` makes code creation answer 403 as for a plan without the app.
pub(crate) async fn put_team(
    State(shared): State<Arc<Shared>>,
    Json(s): Json<TeamSettings>,
) -> Reply {
    let mut team = shared.team();
    if let Some(name) = s.name {
        team.app_codes.team_name = name;
    }
    if let Some(logo) = s.logo_url {
        team.app_codes.logo_url = Some(logo).filter(|l| !l.is_empty());
    }
    if let Some(on) = s.junction_connect_app {
        team.app_codes.plan_includes_app = on;
    }
    (StatusCode::OK, Json(team_settings(&team)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_pattern_and_work_once_until_they_expire() {
        let mut codes = AppCodes::default();
        let now = Utc::now();
        let user = Uuid::new_v4();
        let a = codes.issue(user, now, now + Duration::minutes(60));
        assert!(crate::api::is_app_code(&a.code), "{}", a.code);
        assert_eq!(a.code.len(), 12);
        assert!(a.code.starts_with("skus"));
        let b = codes.issue(user, now, now + Duration::minutes(1));
        assert_ne!(a.code, b.code);
        assert_eq!(codes.exchange(&a.code, now).unwrap().user_id, user);
        assert_eq!(codes.exchange(&a.code, now).unwrap_err(), CodeRefusal::Used);
        assert_eq!(
            codes
                .exchange(&b.code, now + Duration::minutes(1))
                .unwrap_err(),
            CodeRefusal::Expired
        );
        assert_eq!(
            codes.exchange("skus00000000", now).unwrap_err(),
            CodeRefusal::Unknown
        );
    }

    #[test]
    fn expires_at_takes_iso_8601_with_or_without_an_offset() {
        let t = parse_datetime("2026-12-05T10:00:00+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-05T09:00:00+00:00");
        assert_eq!(
            parse_datetime("2026-12-05T10:00:00").unwrap().to_rfc3339(),
            "2026-12-05T10:00:00+00:00"
        );
        assert!(parse_datetime("tomorrow").is_none());
    }
}
