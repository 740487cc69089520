//! The loaded patients, stored compactly for a million: ids as 16 bytes, `client_user_ids` in one
//! string arena per chunk, creation dates as day numbers, connected providers as one short
//! string. Chunks of [`CHUNK`] patients are shared (`Arc`), so a snapshot for a filter running
//! off the loop costs a few pointer copies, and appending copies at most the last chunk.
//!
//! A page of users is taken in and dropped at once ([`Roster::push`]); nothing of the JSON is kept.
//! [`Patient`] is one patient as the rest of the console reads it.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::api::User;

/// Patients per chunk.
pub const CHUNK: usize = 4096;

/// No creation date.
const NO_DATE: i32 = i32::MIN;

#[derive(Debug, Clone, Default)]
struct Chunk {
    ids: Vec<Uuid>,
    names: String,
    name_ends: Vec<u32>,
    days: Vec<i32>,
    /// Connected slugs, comma-separated, one entry per patient.
    conns: String,
    conn_ends: Vec<u32>,
}

impl Chunk {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn span(ends: &[u32], i: usize) -> (usize, usize) {
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        (start, ends[i] as usize)
    }
}

/// One patient, borrowed from the roster (for drawing and matching many).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatientRef<'a> {
    pub user_id: Uuid,
    pub client_user_id: &'a str,
    pub created_on: Option<NaiveDate>,
    /// Connected provider slugs, comma-separated.
    pub connected: &'a str,
}

impl PatientRef<'_> {
    pub fn connected_slugs(&self) -> Vec<&str> {
        if self.connected.is_empty() {
            Vec::new()
        } else {
            self.connected.split(',').collect()
        }
    }

    pub fn to_owned(self) -> Patient {
        Patient {
            user_id: self.user_id,
            client_user_id: self.client_user_id.to_string(),
            created_on: self.created_on,
            connected: self
                .connected_slugs()
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }
}

/// One patient, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub user_id: Uuid,
    pub client_user_id: String,
    pub created_on: Option<NaiveDate>,
    pub connected: Vec<String>,
}

impl Patient {
    pub fn connected_slugs(&self) -> Vec<&str> {
        self.connected.iter().map(String::as_str).collect()
    }
}

/// The patients in list order.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    chunks: Vec<Arc<Chunk>>,
    len: usize,
}

fn day_number(d: NaiveDate) -> i32 {
    d.signed_duration_since(NaiveDate::default()).num_days() as i32
}

impl Roster {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds one patient at the end (from a page of users, or a created one).
    pub fn push(
        &mut self,
        user_id: Uuid,
        client_user_id: &str,
        created: Option<DateTime<Utc>>,
        connected: &[&str],
    ) {
        if self.chunks.last().is_none_or(|c| c.len() >= CHUNK) {
            self.chunks.push(Arc::new(Chunk::default()));
        }
        let c = Arc::make_mut(self.chunks.last_mut().expect("a chunk"));
        c.ids.push(user_id);
        c.names.push_str(client_user_id);
        c.name_ends.push(c.names.len() as u32);
        c.days
            .push(created.map_or(NO_DATE, |d| day_number(d.date_naive())));
        for (k, slug) in connected.iter().enumerate() {
            if k > 0 {
                c.conns.push(',');
            }
            c.conns.push_str(&slug.replace(',', ""));
        }
        c.conn_ends.push(c.conns.len() as u32);
        self.len += 1;
    }

    /// Adds a user from the API.
    pub fn push_user(&mut self, u: &User) {
        self.push(
            u.user_id,
            &u.client_user_id,
            u.created_on,
            &u.connected_slugs(),
        );
    }

    /// The patient at `i` (`i < len`).
    pub fn get_ref(&self, i: usize) -> PatientRef<'_> {
        let chunk = &self.chunks[i / CHUNK];
        let at = i % CHUNK;
        let name = Chunk::span(&chunk.name_ends, at);
        let conns = Chunk::span(&chunk.conn_ends, at);
        let day = chunk.days[at];
        PatientRef {
            user_id: chunk.ids[at],
            client_user_id: &chunk.names[name.0..name.1],
            created_on: (day != NO_DATE)
                .then(|| NaiveDate::default() + chrono::Duration::days(i64::from(day))),
            connected: &chunk.conns[conns.0..conns.1],
        }
    }

    pub fn get(&self, i: usize) -> Option<PatientRef<'_>> {
        (i < self.len).then(|| self.get_ref(i))
    }

    /// The `client_user_id` at `i` (`i < len`), without touching the rest (the filter reads
    /// only it and the `user_id`, for every patient).
    pub fn name(&self, i: usize) -> &str {
        let chunk = &self.chunks[i / CHUNK];
        let (from, to) = Chunk::span(&chunk.name_ends, i % CHUNK);
        &chunk.names[from..to]
    }

    /// The `user_id` at `i` (`i < len`), without touching the rest.
    pub fn id(&self, i: usize) -> Uuid {
        self.chunks[i / CHUNK].ids[i % CHUNK]
    }

    pub fn iter(&self) -> impl Iterator<Item = PatientRef<'_>> {
        (0..self.len).map(|i| self.get_ref(i))
    }

    /// Bytes held (`cargo bench --bench console` prints them for the README's memory figures).
    pub fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| {
                c.ids.capacity() * 16
                    + c.names.capacity()
                    + c.name_ends.capacity() * 4
                    + c.days.capacity() * 4
                    + c.conns.capacity()
                    + c.conn_ends.capacity() * 4
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patients_round_trip_through_the_compact_form() {
        let mut r = Roster::default();
        let at: DateTime<Utc> = "2026-01-02T03:04:05Z".parse().unwrap();
        for i in 0..(CHUNK + 3) {
            let conns: &[&str] = if i % 2 == 0 { &["oura", "fitbit"] } else { &[] };
            r.push(
                Uuid::from_u128(i as u128),
                &format!("p-{i}"),
                Some(at),
                conns,
            );
        }
        r.push(Uuid::from_u128(9), "ünïcode 患者", None, &[]);
        assert_eq!(r.len(), CHUNK + 4);
        let p = r.get_ref(CHUNK + 2);
        assert_eq!(p.client_user_id, format!("p-{}", CHUNK + 2));
        assert_eq!(p.created_on, Some(at.date_naive()));
        assert_eq!(p.connected_slugs(), ["oura", "fitbit"]);
        assert!(r.get_ref(1).connected_slugs().is_empty());
        let last = r.get_ref(CHUNK + 3);
        assert_eq!(
            (last.client_user_id, last.created_on),
            ("ünïcode 患者", None)
        );
        // A snapshot stays as it was while the live roster grows.
        let snap = r.clone();
        r.push(Uuid::from_u128(10), "later", None, &[]);
        assert_eq!((snap.len(), r.len()), (CHUNK + 4, CHUNK + 5));
        assert_eq!(r.get_ref(CHUNK + 4).client_user_id, "later");
    }
}
