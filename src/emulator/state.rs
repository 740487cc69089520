//! The emulator's in-memory team: users, their connections, link tokens, injected faults.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::api::LinkTokenRequest;
use crate::link::catalog;

/// The emulated team's id.
pub const TEAM_ID: Uuid = Uuid::from_u128(0x5bd8_1c96_2194_4000_a775_ae85_526e_ba18);

#[derive(Debug, Clone)]
pub struct EmConnection {
    pub slug: String,
    pub status: String,
    pub created_on: DateTime<Utc>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EmUser {
    pub user_id: Uuid,
    pub client_user_id: String,
    pub created_on: DateTime<Utc>,
    pub connections: Vec<EmConnection>,
    pub extra: UserExtras,
}

/// The optional fields of `UserCreateBody`, as the user was created with them.
#[derive(Debug, Clone, Default)]
pub struct UserExtras {
    pub fallback_time_zone: Option<String>,
    pub fallback_birth_date: Option<String>,
    pub ingestion_start: Option<String>,
    pub ingestion_end: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub request: LinkTokenRequest,
    pub minted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub consumed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    Valid,
    Expired,
    Consumed,
}

/// A fault to answer instead of the real handler: the next `times` requests whose path starts
/// with `path_prefix` get `status` (with `Retry-After` when set).
#[derive(Debug, Clone, Deserialize)]
pub struct Fault {
    pub path_prefix: String,
    pub status: u16,
    #[serde(default = "one")]
    pub times: u32,
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Hold the answer this long first (for timeout tests).
    #[serde(default)]
    pub delay_ms: u64,
    /// The JSON body to answer with; `{"detail": "Injected fault from the emulator"}` if unset.
    #[serde(default)]
    pub body: Option<Value>,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// The next `times` requests under `path_prefix` get `status`.
    pub fn new(path_prefix: &str, status: u16, times: u32) -> Fault {
        Fault {
            path_prefix: path_prefix.to_string(),
            status,
            times,
            retry_after: None,
            delay_ms: 0,
            body: None,
        }
    }
}

/// A link-token request the emulator accepted, for tests and QA (`/_emulator/link-requests`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordedLink {
    pub body: Value,
    pub token_fingerprint: String,
    pub minted_at: DateTime<Utc>,
}

/// Where a listed user is stored: `GENERATED | n` for the n-th generated user (from 0),
/// else an index into `Team::stored`.
const GENERATED: u32 = 1 << 31;

/// The team. Generated users (`--users N`) are not stored one by one: their `client_user_id`,
/// creation time and connections follow from their number, and only their ids (16 bytes each)
/// and a sorted id index (12 bytes each) are kept, so a million are ready in well under a
/// second and take about 30 MB. A generated user that is changed (a connection) becomes a
/// stored one; a deleted one leaves the list.
#[derive(Debug, Default)]
pub struct Team {
    /// Demo, created and changed users.
    stored: Vec<EmUser>,
    /// Every listed user, in list order.
    order: Vec<u32>,
    /// The ids of the generated users.
    generated_ids: Vec<Uuid>,
    /// (first 8 bytes of the id, generated number), sorted, for lookups by id.
    generated_index: Vec<(u64, u32)>,
    /// Generated users that were deleted or became stored ones.
    generated_gone: std::collections::HashSet<u32>,
    by_id: HashMap<Uuid, usize>,
    by_client_id: HashMap<String, usize>,
    /// Stored users deleted (their slot stays, unlisted).
    stored_gone: std::collections::HashSet<usize>,
    tokens: HashMap<String, TokenRecord>,
    pub faults: VecDeque<Fault>,
    pub link_requests: Vec<RecordedLink>,
    /// Providers the team has not enabled: the Link page and `/v2/link/providers` leave them out.
    pub disabled: std::collections::HashSet<String>,
    /// Added to the wall clock, so tests can expire tokens.
    pub clock_offset: ChronoDuration,
    /// Codes for the Junction Connect app, and the team as the app shows it.
    pub app_codes: super::app_codes::AppCodes,
}

#[derive(Deserialize)]
struct DemoPatient {
    client_user_id: String,
    created_on: DateTime<Utc>,
    connections: Vec<DemoConnection>,
}

#[derive(Deserialize)]
struct DemoConnection {
    slug: String,
    status: String,
    created_on: DateTime<Utc>,
    #[serde(default)]
    error_type: Option<String>,
    #[serde(default)]
    error_message: Option<String>,
}

/// A stable UUID (version 4 layout) derived from a name, so generated users keep their ids.
pub fn stable_uuid(name: &str) -> Uuid {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// `patient-00001`, the `client_user_id` of the n-th generated user (from 1).
pub fn generated_client_id(n: usize) -> String {
    format!("patient-{n:05}")
}

impl Team {
    /// The demo patients from `assets/demo_patients.json` plus `generated` users
    /// `patient-00001`, `patient-00002`, ...
    pub fn seeded(generated: usize) -> Team {
        let mut team = Team::default();
        let demo: Vec<DemoPatient> =
            serde_json::from_str(include_str!("../../assets/demo_patients.json"))
                .expect("assets/demo_patients.json is valid");
        for p in demo {
            team.insert(EmUser {
                user_id: stable_uuid(&p.client_user_id),
                client_user_id: p.client_user_id,
                created_on: p.created_on,
                connections: p
                    .connections
                    .into_iter()
                    .map(|c| EmConnection {
                        slug: c.slug,
                        status: c.status,
                        created_on: c.created_on,
                        error_type: c.error_type,
                        error_message: c.error_message,
                    })
                    .collect(),
                extra: UserExtras::default(),
            });
        }
        team.generate(generated);
        team
    }

    /// Adds `n` generated users: their ids are hashed on every core at once.
    fn generate(&mut self, n: usize) {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let step = n.div_ceil(threads.max(1)).max(1);
        let mut ids = vec![Uuid::nil(); n];
        std::thread::scope(|s| {
            for (k, part) in ids.chunks_mut(step).enumerate() {
                s.spawn(move || {
                    for (j, id) in part.iter_mut().enumerate() {
                        *id = stable_uuid(&generated_client_id(k * step + j + 1));
                    }
                });
            }
        });
        let mut index: Vec<(u64, u32)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_u64_pair().0, i as u32))
            .collect();
        index.sort_unstable();
        self.order.extend((0..n as u32).map(|i| GENERATED | i));
        self.generated_ids = ids;
        self.generated_index = index;
    }

    /// The n-th generated user (from 0), as the wire sees it.
    fn generated(&self, i: u32) -> EmUser {
        let n = i as usize + 1;
        let base: DateTime<Utc> =
            DateTime::from_timestamp(1_767_254_400, 0).expect("2026-01-01T08:00:00Z");
        // Every seventh generated patient already wears an Oura ring.
        let connections = if n.is_multiple_of(7) {
            vec![EmConnection {
                slug: "oura".into(),
                status: "connected".into(),
                created_on: base + ChronoDuration::minutes(n as i64 * 7 + 5),
                error_type: None,
                error_message: None,
            }]
        } else {
            Vec::new()
        };
        EmUser {
            user_id: self.generated_ids[i as usize],
            client_user_id: generated_client_id(n),
            created_on: base + ChronoDuration::minutes(n as i64 * 7),
            connections,
            extra: UserExtras::default(),
        }
    }

    fn slot_user(&self, slot: u32) -> EmUser {
        if slot & GENERATED != 0 {
            self.generated(slot & !GENERATED)
        } else {
            self.stored[slot as usize].clone()
        }
    }

    /// The generated number of a listed generated user with this id.
    fn generated_by_id(&self, id: Uuid) -> Option<u32> {
        let key = id.as_u64_pair().0;
        let start = self.generated_index.partition_point(|&(k, _)| k < key);
        self.generated_index[start..]
            .iter()
            .take_while(|&&(k, _)| k == key)
            .map(|&(_, i)| i)
            .find(|&i| self.generated_ids[i as usize] == id && !self.generated_gone.contains(&i))
    }

    /// The generated number of a listed generated user with this `client_user_id`.
    fn generated_by_client_id(&self, client_user_id: &str) -> Option<u32> {
        let digits = client_user_id.strip_prefix("patient-")?;
        let n: usize = digits.parse().ok()?;
        let i = u32::try_from(n.checked_sub(1)?).ok()?;
        (n <= self.generated_ids.len()
            && generated_client_id(n) == client_user_id
            && !self.generated_gone.contains(&i))
        .then_some(i)
    }

    /// A generated user that is about to change becomes a stored one, in the same place.
    fn materialize(&mut self, id: Uuid) -> Option<usize> {
        if let Some(&i) = self.by_id.get(&id) {
            return Some(i);
        }
        let g = self.generated_by_id(id)?;
        let user = self.generated(g);
        let idx = self.stored.len();
        self.by_id.insert(user.user_id, idx);
        self.by_client_id.insert(user.client_user_id.clone(), idx);
        self.stored.push(user);
        self.generated_gone.insert(g);
        if let Some(pos) = self.order.iter().position(|&s| s == GENERATED | g) {
            self.order[pos] = idx as u32;
        }
        Some(idx)
    }

    /// The emulator's clock, in whole seconds as the real API's timestamps are.
    pub fn now(&self) -> DateTime<Utc> {
        let t = Utc::now() + self.clock_offset;
        DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
    }

    fn insert(&mut self, user: EmUser) {
        let idx = self.stored.len();
        self.by_id.insert(user.user_id, idx);
        self.by_client_id.insert(user.client_user_id.clone(), idx);
        self.order.push(idx as u32);
        self.stored.push(user);
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn page(&self, offset: usize, limit: usize) -> Vec<EmUser> {
        let start = offset.min(self.order.len());
        let end = start.saturating_add(limit).min(self.order.len());
        self.order[start..end]
            .iter()
            .map(|&s| self.slot_user(s))
            .collect()
    }

    pub fn user(&self, id: Uuid) -> Option<EmUser> {
        match self.by_id.get(&id) {
            Some(&i) if !self.stored_gone.contains(&i) => Some(self.stored[i].clone()),
            Some(_) => None,
            None => self.generated_by_id(id).map(|g| self.generated(g)),
        }
    }

    fn user_mut(&mut self, id: Uuid) -> Option<&mut EmUser> {
        let i = self.materialize(id)?;
        (!self.stored_gone.contains(&i)).then(|| &mut self.stored[i])
    }

    pub fn by_client_id(&self, client_user_id: &str) -> Option<EmUser> {
        match self.by_client_id.get(client_user_id) {
            Some(&i) => Some(self.stored[i].clone()),
            None => self
                .generated_by_client_id(client_user_id)
                .map(|g| self.generated(g)),
        }
    }

    /// Users whose `user_id` starts with, or whose `client_user_id` contains, the query
    /// (case-insensitive); at most 100.
    pub fn search(&self, query: &str) -> Vec<EmUser> {
        let q = query.to_lowercase();
        self.order
            .iter()
            .map(|&s| self.slot_user(s))
            .filter(|u| {
                u.user_id.to_string().starts_with(&q)
                    || u.client_user_id.to_lowercase().contains(&q)
            })
            .take(100)
            .collect()
    }

    /// Creates a user, or returns the one that already has this `client_user_id`.
    #[allow(clippy::result_large_err)] // answered at once, never stored
    pub fn create(&mut self, client_user_id: &str, extra: UserExtras) -> Result<EmUser, EmUser> {
        if let Some(existing) = self.by_client_id(client_user_id) {
            return Err(existing);
        }
        let user = EmUser {
            user_id: Uuid::new_v4(),
            client_user_id: client_user_id.to_string(),
            created_on: self.now(),
            connections: Vec::new(),
            extra,
        };
        self.insert(user.clone());
        Ok(user)
    }

    /// Soft delete: the user disappears from every lookup.
    pub fn delete(&mut self, id: Uuid) -> bool {
        let Some(idx) = self.materialize(id) else {
            return false;
        };
        self.by_id.remove(&id);
        let name = self.stored[idx].client_user_id.clone();
        self.by_client_id.remove(&name);
        self.stored_gone.insert(idx);
        self.order.retain(|&s| s != idx as u32);
        true
    }

    /// Connects a user to a provider (demo connections, and Link in a later step).
    pub fn connect(&mut self, id: Uuid, slug: &str) -> bool {
        let now = self.now();
        let Some(user) = self.user_mut(id) else {
            return false;
        };
        user.connections.retain(|c| c.slug != slug);
        user.connections.push(EmConnection {
            slug: slug.to_string(),
            status: "connected".into(),
            created_on: now,
            error_type: None,
            error_message: None,
        });
        true
    }

    /// Removes one connection; `None` when the user does not exist, `Some(false)` when it was not
    /// connected.
    pub fn deregister(&mut self, id: Uuid, slug: &str) -> Option<bool> {
        let user = self.user_mut(id)?;
        let before = user.connections.len();
        user.connections.retain(|c| c.slug != slug);
        Some(user.connections.len() != before)
    }

    pub fn mint(&mut self, request: LinkTokenRequest, body: Value) -> String {
        use base64::Engine;
        let bytes: [u8; 24] = rand::random();
        // Standard base64 keeps '+', '/' and '=' in tokens, as the real ones have, so URL encoding
        // is exercised.
        let token = base64::engine::general_purpose::STANDARD.encode(bytes);
        let minted_at = self.now();
        self.tokens.insert(
            token.clone(),
            TokenRecord {
                request,
                minted_at,
                expires_at: minted_at + ChronoDuration::minutes(crate::link::LIFETIME_MINUTES),
                consumed: false,
            },
        );
        self.link_requests.push(RecordedLink {
            body,
            token_fingerprint: crate::api::fingerprint(&token),
            minted_at,
        });
        token
    }

    pub fn token(&self, token: &str) -> Option<(&TokenRecord, TokenState)> {
        let rec = self.tokens.get(token)?;
        let state = if rec.consumed {
            TokenState::Consumed
        } else if self.now() >= rec.expires_at {
            TokenState::Expired
        } else {
            TokenState::Valid
        };
        Some((rec, state))
    }

    /// Marks a token used (a connection made through it): it cannot be used again.
    pub fn consume(&mut self, token: &str) {
        if let Some(rec) = self.tokens.get_mut(token) {
            rec.consumed = true;
        }
    }

    /// Takes the next injected fault that matches `path`, if any.
    pub fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let i = self
            .faults
            .iter()
            .position(|f| path.starts_with(&f.path_prefix))?;
        let fault = self.faults[i].clone();
        if fault.times <= 1 {
            self.faults.remove(i);
        } else {
            self.faults[i].times -= 1;
        }
        Some(fault)
    }
}

/// The wire form of a user (`ClientFacingUser`).
pub fn user_json(u: &EmUser) -> Value {
    let sources: Vec<Value> = u
        .connections
        .iter()
        .map(|c| {
            let p = provider_ref(&c.slug);
            json!({ "provider": p, "source": p, "created_on": c.created_on })
        })
        .collect();
    let e = &u.extra;
    json!({
        "user_id": u.user_id,
        "team_id": TEAM_ID,
        "client_user_id": u.client_user_id,
        "created_on": u.created_on,
        "connected_sources": sources,
        "fallback_time_zone": e.fallback_time_zone.as_ref().map(|id| json!({
            "id": id, "source_slug": "manual", "updated_at": u.created_on,
        })),
        "fallback_birth_date": e.fallback_birth_date.as_ref().map(|value| json!({
            "value": value, "source_slug": "manual", "updated_at": u.created_on,
        })),
        "ingestion_start": e.ingestion_start,
        "ingestion_end": e.ingestion_end,
    })
}

fn provider_ref(slug: &str) -> Value {
    let name = catalog::get(slug).map_or(slug, |e| e.name.as_str());
    json!({ "name": name, "slug": slug, "logo": "" })
}

/// The wire form of a connection (`ClientFacingProviderWithStatus`).
pub fn connection_json(c: &EmConnection) -> Value {
    let name = catalog::get(&c.slug).map_or(c.slug.as_str(), |e| e.name.as_str());
    let resources: serde_json::Map<String, Value> = catalog::get(&c.slug)
        .map(|e| {
            e.supported_resources
                .iter()
                .map(|r| {
                    (
                        r.clone(),
                        json!({ "status": "available", "scope_requirements": null }),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let error_details = match (&c.error_type, &c.error_message) {
        (Some(t), m) => json!({
            "error_type": t,
            "error_message": m.clone().unwrap_or_default(),
            "errored_at": c.created_on,
        }),
        _ => Value::Null,
    };
    json!({
        "name": name,
        "slug": c.slug,
        "logo": "",
        "created_on": c.created_on,
        "status": c.status,
        "external_user_id": null,
        "error_details": error_details,
        "resource_availability": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_team_has_demo_and_generated_users() {
        let t = Team::seeded(20);
        assert_eq!(t.len(), 6 + 20);
        let p = t.by_client_id("patient-00001").unwrap();
        assert_eq!(p.user_id, stable_uuid("patient-00001"));
        assert_eq!(t.user(p.user_id).unwrap().client_user_id, "patient-00001");
        assert_eq!(
            t.by_client_id("patient-00007").unwrap().connections.len(),
            1
        );
    }

    #[test]
    fn delete_keeps_indexes_consistent() {
        let mut t = Team::seeded(5);
        let victim = t.by_client_id("patient-00002").unwrap().user_id;
        assert!(t.delete(victim));
        assert!(!t.delete(victim));
        assert!(t.user(victim).is_none());
        for n in [1, 3, 4, 5] {
            let id = generated_client_id(n);
            let u = t.by_client_id(&id).unwrap();
            assert_eq!(t.user(u.user_id).unwrap().client_user_id, id);
        }
    }

    #[test]
    fn tokens_expire_and_faults_count_down() {
        let mut t = Team::seeded(1);
        let tok = t.mint(LinkTokenRequest::default(), Value::Null);
        assert_eq!(t.token(&tok).unwrap().1, TokenState::Valid);
        t.clock_offset = ChronoDuration::minutes(crate::link::LIFETIME_MINUTES);
        assert_eq!(t.token(&tok).unwrap().1, TokenState::Expired);
        t.faults.push_back(Fault::new("/v2/user", 503, 2));
        assert!(t.take_fault("/v2/providers").is_none());
        assert!(t.take_fault("/v2/user/x").is_some());
        assert!(t.take_fault("/v2/user").is_some());
        assert!(t.take_fault("/v2/user").is_none());
    }
}
