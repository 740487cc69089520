//! Pure tests of the onboarding status: each audit outcome with and without a connection from
//! the API, expiry, the newest link, other hosts and the QA check, the summary.

use super::*;
use crate::audit::Kind;

fn t0() -> DateTime<Utc> {
    "2026-11-24T10:00:00Z".parse().unwrap()
}

fn here() -> Scope {
    Scope::api(
        "sandbox",
        "us",
        "https://api.sandbox.us.junction.com",
        Source::Console,
        "jdoe",
    )
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn event(outcome: Outcome, user: u128, fp: &str, minutes: i64) -> Event {
    Event {
        time: t0() + Duration::minutes(minutes),
        environment: "sandbox".into(),
        region: "us".into(),
        host: "https://api.sandbox.us.junction.com".into(),
        user_id: Some(id(user)),
        client_user_id: format!("patient-{user}"),
        provider: None,
        allowlist: Some(vec!["oura".into(), "fitbit".into()]),
        redirect_url: None,
        on_error: false,
        on_close: false,
        preset: None,
        token_fingerprint: Some(fp.into()),
        outcome,
        error: None,
        source: Source::Console,
        operator: "jdoe".into(),
        queue: None,
        kind: Kind::Link,
        language: None,
        expires_at: None,
    }
}

fn connected(user: u128, fp: &str, minutes: i64, provider: &str) -> Event {
    let mut e = event(Outcome::Connected, user, fp, minutes);
    e.provider = Some(provider.into());
    e
}

/// Each outcome the log can hold for the newest link, with the patient connected (from the
/// API) or not: the API's connection always wins.
#[test]
fn each_audit_outcome_with_and_without_a_connection_from_the_api() {
    let now = t0() + Duration::minutes(48);
    let tz = FixedOffset::east_opt(3600).unwrap();
    let expired_at = t0() + Duration::minutes(LIFETIME_MINUTES);
    let cases: Vec<(&str, Vec<Event>, Status, &str)> = vec![
        ("nothing", vec![], Status::NeverLinked, "never linked"),
        (
            "minted",
            vec![event(Outcome::Minted, 1, "f1", 0)],
            Status::LinkOut {
                expires_at: expired_at,
            },
            "link out · 12 min left",
        ),
        (
            "copied, shown",
            vec![
                event(Outcome::Minted, 1, "f1", 0),
                event(Outcome::Copied, 1, "f1", 1),
                event(Outcome::ShownToPatient, 1, "f1", 2),
            ],
            Status::LinkOut {
                expires_at: expired_at,
            },
            "link out · 12 min left",
        ),
        (
            "expired",
            vec![
                event(Outcome::Minted, 1, "f1", -70),
                event(Outcome::Expired, 1, "f1", -10),
            ],
            Status::Unused {
                expired_at: expired_at - Duration::minutes(70),
            },
            "unused (expired 10:50)",
        ),
        (
            "connection error",
            vec![
                event(Outcome::Minted, 1, "f1", 0),
                event(Outcome::ConnectionError, 1, "f1", 3),
            ],
            Status::SignInFailed,
            "sign-in failed",
        ),
        (
            "connected here",
            vec![
                event(Outcome::Minted, 1, "f1", 0),
                connected(1, "f1", 3, "oura"),
                connected(1, "f1", 4, "fitbit"),
            ],
            Status::Connected {
                ok: vec!["oura".into(), "fitbit".into()],
                broken: vec![],
            },
            "✓ oura, fitbit",
        ),
        (
            "mint failed (no link went out)",
            vec![event(Outcome::MintFailed, 1, "f1", 0)],
            Status::NeverLinked,
            "never linked",
        ),
    ];
    for (what, events, want, text) in cases {
        let ledger = Ledger::from_events(&events, &here());
        let got = ledger.status(id(1), "patient-1", &[], now);
        assert_eq!(got, want, "{what}");
        assert_eq!(got.text(now, tz), text, "{what}");
        assert_eq!(ledger.code(id(1), "patient-1", false, now), want.code());
        // Connected from the API (outside the console too) wins over every outcome.
        let api = ledger.status(id(1), "patient-1", &["garmin"], now);
        assert_eq!(
            api,
            Status::Connected {
                ok: vec!["garmin".into()],
                broken: vec![]
            },
            "{what}"
        );
        assert_eq!(api.text(now, tz), "✓ garmin");
        assert_eq!(ledger.code(id(1), "patient-1", true, now), Code::Connected);
    }
}

#[test]
fn a_link_out_turns_unused_when_its_hour_is_up() {
    let ledger = Ledger::from_events(&[event(Outcome::Minted, 1, "f1", 0)], &here());
    let expiry = t0() + Duration::minutes(LIFETIME_MINUTES);
    assert_eq!(ledger.next_expiry(t0()), Some(expiry));
    assert_eq!(ledger.code(id(1), "p", false, expiry), Code::Unused);
    assert_eq!(ledger.next_expiry(expiry), None);
    let tz = FixedOffset::east_opt(0).unwrap();
    let s = ledger.status(id(1), "p", &[], expiry - Duration::seconds(30));
    assert_eq!(s.text(expiry, tz), "link out · under 1 min left");
    assert_eq!(
        s.text(expiry - Duration::seconds(30), tz),
        "link out · under 1 min left",
        "rounded down, as the link view counts"
    );
    assert_eq!(
        s.text(expiry - Duration::seconds(90), tz),
        "link out · 1 min left"
    );
    let unused = ledger.status(id(1), "p", &[], expiry + Duration::days(1));
    assert_eq!(
        unused.text(expiry + Duration::days(1), tz),
        "unused (expired 11-24 11:00)",
        "another day names the day"
    );
    assert_eq!(unused.short(expiry, tz), "unused 11:00");
}

/// An app code minted for 30 minutes (`--expires-in 30m`): the ledger counts down from the
/// expiry its minted row records, not the link's hour.
#[test]
fn an_app_code_of_30_minutes_is_out_at_minute_25_and_unused_at_31() {
    let mut code = event(Outcome::Minted, 1, "code", 0);
    code.kind = Kind::AppCode;
    code.allowlist = None;
    code.expires_at = Some(t0() + Duration::minutes(30));
    let ledger = Ledger::from_events(&[code], &here());
    assert_eq!(
        ledger.last(id(1), "p").unwrap().allowed(),
        "app code",
        "the one wording of history and its CSV"
    );
    let tz = FixedOffset::east_opt(0).unwrap();
    let at = |m| t0() + Duration::minutes(m);
    let out = ledger.status(id(1), "p", &[], at(25));
    assert_eq!(out.text(at(25), tz), "link out · 5 min left");
    assert_eq!(ledger.next_expiry(at(25)), Some(at(30)));
    // 5:00 left reads 5 min; it reads 4 as soon as less than 5 minutes are left.
    assert_eq!(
        ledger.next_countdown(at(25)),
        Some(at(25) + Duration::milliseconds(1))
    );
    let later = at(25) + Duration::seconds(20);
    assert_eq!(
        ledger.next_countdown(later),
        Some(at(26) + Duration::milliseconds(1))
    );
    assert_eq!(out.text(later, tz), "link out · 4 min left");
    assert_eq!(ledger.code(id(1), "p", false, at(31)), Code::Unused);
    let unused = ledger.status(id(1), "p", &[], at(31));
    assert_eq!(unused.text(at(31), tz), "unused (expired 10:30)");
    // A row without an expiry (before schema 5) still lives the hour.
    let old = Ledger::from_events(&[event(Outcome::Minted, 1, "f1", 0)], &here());
    assert_eq!(old.code(id(1), "p", false, at(31)), Code::LinkOut);
}

#[test]
fn the_newest_link_decides_and_a_connection_through_an_older_one_counts() {
    let events = vec![
        event(Outcome::Minted, 1, "old", 0),
        event(Outcome::ConnectionError, 1, "old", 2),
        event(Outcome::Minted, 1, "new", 5),
    ];
    let ledger = Ledger::from_events(&events, &here());
    let now = t0() + Duration::minutes(10);
    assert_eq!(ledger.code(id(1), "p", false, now), Code::LinkOut);
    let mut more = events.clone();
    more.push(connected(1, "old", 8, "oura"));
    let ledger = Ledger::from_events(&more, &here());
    assert_eq!(
        ledger.status(id(1), "p", &[], now),
        Status::Connected {
            ok: vec!["oura".into()],
            broken: vec![]
        }
    );
}

#[test]
fn other_hosts_the_qa_check_and_rows_without_user_id() {
    let mut elsewhere = event(Outcome::Minted, 1, "f1", 0);
    elsewhere.host = "https://api.eu.junction.com".into();
    let mut check = event(Outcome::Minted, 2, "f2", 0);
    check.source = Source::Check;
    let mut qa = event(Outcome::Minted, 3, "f3", 0);
    qa.client_user_id = QA_CLIENT_USER_ID.into();
    let mut old = event(Outcome::Minted, 4, "f4", 0);
    old.user_id = None;
    let ledger = Ledger::from_events(&[elsewhere, check, qa, old], &here());
    assert_eq!(ledger.len(), 1);
    let now = t0();
    for user in 1..=3 {
        let name = format!("patient-{user}");
        assert_eq!(ledger.code(id(user), &name, false, now), Code::NeverLinked);
    }
    // A row older than user_id is found by client_user_id.
    assert_eq!(ledger.code(id(4), "patient-4", false, now), Code::LinkOut);
    assert_eq!(
        ledger.last(id(4), "patient-4").unwrap().allowed(),
        "oura,fitbit",
        "as history says it (Event::allowed)"
    );
}

#[test]
fn the_summary_names_each_count_and_follow_up_is_unused_never_and_failed() {
    let mut c = Counts::default();
    for (code, n) in [
        (Code::Connected, 34),
        (Code::LinkOut, 3),
        (Code::Unused, 9),
        (Code::NeverLinked, 4),
    ] {
        for _ in 0..n {
            c.add(code);
        }
    }
    assert_eq!(
        c.summary(false),
        "Connected 34 · link out 3 · unused 9 · never 4"
    );
    assert_eq!(c.summary(true), "✓ 34 · out 3 · unused 9 · never 4");
    c.add(Code::SignInFailed);
    assert!(c.summary(false).contains("failed 1"));
    let follow: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|c| c.needs_follow_up())
        .collect();
    assert_eq!(
        follow,
        [Code::Unused, Code::SignInFailed, Code::NeverLinked]
    );
    for c in Code::ALL {
        assert_eq!(Code::from_u8(c as u8), c);
    }
}

/// The one rule for a patient's connections: a provider in error is not counted as connected;
/// it is named beside the connected ones, and when every one is in error the patient should
/// connect again (counted with the failed sign-ins).
#[test]
fn a_connection_in_error_is_not_counted_as_connected() {
    use super::{Linked, Providers};
    let ledger = Ledger::from_events(&[event(Outcome::Minted, 1, "f1", 0)], &here());
    let now = t0() + Duration::minutes(5);
    let tz = FixedOffset::east_opt(0).unwrap();
    let both = Providers {
        ok: vec!["dexcom_v3"],
        broken: vec!["fitbit"],
    };
    let s = ledger.status_of(id(1), "p", &both, now);
    assert_eq!(s.code(), Code::Connected);
    assert_eq!(s.text(now, tz), "✓ dexcom_v3 · ✗ fitbit");
    assert_eq!(s.short(now, tz), "✓ dexcom_v3 +1✗");
    let two = Providers {
        ok: vec!["oura", "garmin"],
        broken: vec!["fitbit"],
    };
    let s = ledger.status_of(id(1), "p", &two, now);
    assert_eq!(s.short(now, tz), "✓ oura +1 +1✗");
    let none = Providers {
        ok: vec![],
        broken: vec!["fitbit"],
    };
    let s = ledger.status_of(id(1), "p", &none, now);
    assert_eq!(s, Status::ConnectAgain(vec!["fitbit".into()]));
    assert_eq!(s.code(), Code::SignInFailed);
    assert!(s.code().needs_follow_up());
    assert_eq!(s.text(now, tz), "✗ fitbit: connect again");
    assert_eq!(s.short(now, tz), "✗ connect again");
    assert_eq!(
        ledger.code_of(id(1), "p", Linked::Broken, now),
        Code::SignInFailed
    );
    assert_eq!(
        ledger.code_of(id(1), "p", Linked::Connected, now),
        Code::Connected
    );
    assert_eq!(ledger.code_of(id(1), "p", Linked::None, now), Code::LinkOut);
}
