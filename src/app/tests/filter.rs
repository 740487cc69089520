//! Pure tests of the patient filter: fuzzy ranking, smart case, `'` exact, filters off the
//! loop superseded by newer ones, the server lookup when nothing loaded matches, and the
//! parallel paging guard.

use super::*;
use crate::app::matcher::{self, Query};

/// An app holding users with these `client_user_ids`.
fn with_ids(ids: &[&str]) -> App {
    let mut app = loaded(0, false);
    let users = ids
        .iter()
        .map(|id| {
            let mut u = user(1);
            u.client_user_id = (*id).to_string();
            u.user_id = crate::emulator::stable_uuid(id);
            u
        })
        .collect();
    app.patients.append(users);
    app.patients.set_filter("");
    app
}

pub(super) fn shown(app: &App) -> Vec<String> {
    app.patients
        .list
        .visible_items(0)
        .map(|(_, p)| p.client_user_id.to_string())
        .collect()
}

pub(super) fn filter(app: &mut App, text: &str) -> Vec<Effect> {
    let mut fx = send(app, [ch('/')]);
    fx.extend(send(app, typed(text)));
    fx
}

#[test]
fn fuzzy_matches_are_ranked_best_first() {
    let mut app = loaded(600, false);
    filter(&mut app, "pt42");
    let got = shown(&app);
    let at = |id: &str| got.iter().position(|g| g == id).unwrap();
    assert!(at("patient-00042") < 16, "{got:?}");
    let together = got.iter().take_while(|g| g.contains("42")).count();
    assert_eq!(together, 16, "42 together ranks above 4…2: {got:?}");
    assert!(at("patient-00402") >= together);
    // Nothing but subsequences of the query shows.
    for id in &got {
        let mut it = id.chars();
        assert!("pt42".chars().all(|c| it.any(|h| h == c)), "{id}");
    }
}

#[test]
fn smart_case_and_a_leading_quote_for_an_exact_substring() {
    let mut app = with_ids(&["Walk-In-7", "walkin-8", "clinic-WALK-9", "w-a-l-k"]);
    filter(&mut app, "walk");
    assert_eq!(
        shown(&app).len(),
        4,
        "lower case ignores case: {:?}",
        shown(&app)
    );
    send(&mut app, [key(KeyCode::Esc)]);
    filter(&mut app, "WALK");
    assert_eq!(
        shown(&app),
        ["clinic-WALK-9"],
        "an upper-case letter: case-sensitive"
    );
    send(&mut app, [key(KeyCode::Esc)]);
    filter(&mut app, "'walk");
    let mut exact = shown(&app);
    exact.sort();
    assert_eq!(
        exact,
        ["Walk-In-7", "clinic-WALK-9", "walkin-8"],
        "no gaps with '"
    );
}

#[test]
fn a_user_id_matches_from_its_start() {
    let mut app = loaded(30, false);
    let id = user(17).user_id.to_string();
    filter(&mut app, &id[..8]);
    assert_eq!(
        app.patients.highlighted().unwrap().client_user_id,
        "patient-00017"
    );
    let q = Query::new(&id[..8]);
    assert_eq!(matcher::id_highlight(&q, &user(17).user_id), 8);
}

#[test]
fn the_providers_filter_uses_the_same_matcher() {
    let mut app = loaded(2, false);
    send(&mut app, [key(KeyCode::Tab)]);
    filter(&mut app, "fbit");
    let slugs: Vec<&str> = app
        .providers
        .list
        .visible()
        .iter()
        .map(|&i| app.providers.list.items()[i].slug.as_str())
        .collect();
    assert!(slugs.contains(&"fitbit"), "{slugs:?}");
    send(&mut app, [key(KeyCode::Esc)]);
    filter(&mut app, "'fbit");
    assert!(app.providers.list.visible().is_empty());
}

#[test]
fn a_large_filter_runs_off_the_loop_and_older_answers_are_dropped() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 50;
    let fx = filter(&mut app, "00");
    let jobs: Vec<(RequestId, matcher::Job)> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::FilterPatients { id, job } => Some((*id, job.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(jobs.len(), 2, "one per key: {fx:?}");
    assert!(
        fx.contains(&Effect::Cancel { id: jobs[0].0 }),
        "the newer query supersedes the older"
    );
    // The prompt shows the keys at once; the list still shows everything, marked as matching.
    assert_eq!(app.overlays.prompt.as_ref().unwrap().input.value(), "00");
    assert!(app.matching());
    assert_eq!(app.patients.list.visible().len(), 300);
    // The older query's answer comes late: dropped.
    app.update(Msg::PatientsFiltered {
        id: jobs[0].0,
        found: jobs[0].1.run(1),
    });
    assert!(app.matching(), "still waiting for the newest");
    assert_eq!(app.patients.list.visible().len(), 300);
    // Pages arrive meanwhile: matched when the newest answers.
    app.patients.append((301..=310).map(user).collect());
    let found = jobs[1].1.run(2);
    assert_eq!(found.upto, 300);
    app.update(Msg::PatientsFiltered {
        id: jobs[1].0,
        found,
    });
    assert!(!app.matching());
    assert_eq!(app.patients.list.filter(), "00");
    let got = shown(&app);
    assert!(got.contains(&"patient-00310".to_string()), "caught up");
    assert_eq!(app.patients.list.matches().unwrap().upto, 310);
    // A query that grows reuses the previous matches as its only candidates.
    let fx = send(&mut app, [ch('9')]);
    let Some(Effect::FilterPatients { job, .. }) = fx.first() else {
        panic!("{fx:?}");
    };
    assert_eq!(job.size(), got.len(), "only the matches of 00");
}

#[test]
fn nothing_loaded_matches_so_the_server_is_asked_and_enter_selects_what_it_finds() {
    let mut app = loaded(5, false);
    let fx = filter(&mut app, "walk-in-42");
    let lookups: Vec<&Effect> = fx
        .iter()
        .filter(|e| matches!(e, Effect::LookupPatient { .. }))
        .collect();
    let Some(Effect::LookupPatient { id, text }) = lookups.last() else {
        panic!("{fx:?}");
    };
    assert_eq!(text, "walk-in-42");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Cancel { id: old } if old < id)),
        "the lookups for the shorter texts are superseded"
    );
    let id = *id;
    // Enter before the answer: it selects what the lookup finds.
    assert!(send(&mut app, [key(KeyCode::Enter)]).is_empty());
    assert!(app.toast.as_ref().unwrap().text.contains("on the server"));
    let mut u = user(999);
    u.client_user_id = "walk-in-42".into();
    let far = u.user_id;
    let fx = app.update(Msg::PatientLookedUp { id, result: Ok(u) });
    assert_eq!(app.patients.selected, Some(far));
    assert_eq!(connections_asked(&fx), [far]);
    assert_eq!(app.patients.list.filter(), "walk-in-42");
    assert_eq!(shown(&app), ["walk-in-42"]);
}

#[test]
fn a_lookup_that_finds_nothing_says_so_and_a_stale_one_is_dropped() {
    let mut app = loaded(5, false);
    let fx = filter(&mut app, "nobody");
    let ids: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::LookupPatient { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let newest = *ids.last().unwrap();
    let stale = app.update(Msg::PatientLookedUp {
        id: ids[0],
        result: Ok(user(77)),
    });
    assert!(stale.is_empty());
    assert!(app.patients.find(user(77).user_id).is_none(), "dropped");
    app.update(Msg::PatientLookedUp {
        id: newest,
        result: Err(ApiError::NotFound {
            what: "a user".into(),
            detail: String::new(),
        }),
    });
    send(&mut app, [key(KeyCode::Enter)]);
    assert!(
        app.toast
            .as_ref()
            .unwrap()
            .text
            .contains("loaded or on the server"),
        "{:?}",
        app.toast
    );
}

#[allow(clippy::unnecessary_wraps)] // it is the message's result
pub(super) fn page(from: usize, n: usize, total: u64) -> Result<UsersPage, ApiError> {
    Ok(UsersPage {
        users: (from..from + n).map(user).collect(),
        total,
        offset: from as u64 - 1,
        limit: 500,
    })
}

pub(super) fn asked(fx: &[Effect]) -> Vec<(u64, RequestId)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::LoadUsers { offset, request } => Some((*offset, *request)),
            _ => None,
        })
        .collect()
}

#[test]
fn pages_arrive_in_any_order_and_are_taken_in_list_order() {
    let mut app = App::new(
        env(false),
        ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, 80, 24),
    );
    let first = app.start()[0].clone();
    let Effect::LoadUsers { request, .. } = first else {
        panic!()
    };
    let fx = app.update(Msg::UsersLoaded {
        request,
        result: page(1, 500, 2300),
    });
    let out = asked(&fx);
    assert_eq!(
        out.iter().map(|a| a.0).collect::<Vec<_>>(),
        [500, 1000, 1500, 2000]
    );
    // The third page answers first: kept until the second arrives.
    let fx = app.update(Msg::UsersLoaded {
        request: out[1].1,
        result: page(1001, 500, 2300),
    });
    assert!(
        asked(&fx).is_empty(),
        "no more than 4 out or waiting: {fx:?}"
    );
    assert_eq!(app.patients.list.items().len(), 500);
    let fx = app.update(Msg::UsersLoaded {
        request: out[0].1,
        result: page(501, 500, 2300),
    });
    assert_eq!(app.patients.list.items().len(), 1500, "both, in order");
    assert!(asked(&fx).is_empty(), "2300 users need no page past 2000");
    let ids: Vec<String> = (0..1500)
        .map(|i| {
            app.patients
                .list
                .items()
                .get_ref(i)
                .client_user_id
                .to_string()
        })
        .collect();
    assert_eq!(ids[500], "patient-00501");
    assert_eq!(ids[1000], "patient-01001");
    app.update(Msg::UsersLoaded {
        request: out[3].1,
        result: page(2001, 300, 2300),
    });
    app.update(Msg::UsersLoaded {
        request: out[2].1,
        result: page(1501, 500, 2300),
    });
    assert_eq!(app.patients.list.items().len(), 2300);
    assert!(!app.patients.load.is_loading());
}

#[test]
fn parallel_pages_still_stop_on_short_pages_and_counts_past_the_total() {
    // A short page in the middle ends the list: the pages after it are cancelled.
    let mut app = starting();
    let fx = app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: page(1, 500, 100_000),
    });
    let out = asked(&fx);
    let fx = app.update(Msg::UsersLoaded {
        request: out[0].1,
        result: page(501, 20, 100_000),
    });
    assert_eq!(
        fx,
        out[1..]
            .iter()
            .map(|a| Effect::Cancel { id: a.1 })
            .collect::<Vec<_>>()
    );
    assert!(!app.patients.load.is_loading());
    assert_eq!(app.patients.list.items().len(), 520);
    // More users than the total promised is an unexpected answer.
    let mut app = starting();
    let fx = app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: page(1, 500, 700),
    });
    let out = asked(&fx);
    app.update(Msg::UsersLoaded {
        request: out[0].1,
        result: page(501, 500, 700),
    });
    let e = app.patients.load.error().expect("stopped").to_string();
    assert!(e.contains("more users"), "{e}");
    // An absurd total stops at the first page.
    let mut app = starting();
    let fx = app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: page(1, 500, crate::api::answers::MAX_TOTAL + 1),
    });
    assert!(asked(&fx).is_empty());
    assert!(app.patients.load.error().unwrap().contains("claims"));
}

#[test]
fn an_id_equal_to_the_query_ranks_first_then_ids_ending_with_it_then_holding_it() {
    let mut app = with_ids(&[
        "mrn-100231",
        "mrn-100232",
        "p1x2",
        "patient-00012",
        "walk-in-12",
        "12",
        "x-120",
    ]);
    filter(&mut app, "12");
    let got = shown(&app);
    assert_eq!(got[0], "12", "the id itself: {got:?}");
    let mut ending: Vec<&str> = got[1..3].iter().map(String::as_str).collect();
    ending.sort_unstable();
    assert_eq!(
        ending,
        ["patient-00012", "walk-in-12"],
        "then ids ending with it"
    );
    assert_eq!(got[3..], ["x-120"], "then ids holding it");
    // A number matches only where it stands whole: 1…2 spread out is no match.
    assert!(
        !got.iter().any(|g| g.starts_with("mrn-") || g == "p1x2"),
        "{got:?}"
    );
    send(&mut app, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    send(&mut app, typed("00012"));
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        app.patients.selected_user().unwrap().client_user_id,
        "patient-00012"
    );
}

#[test]
fn the_demo_query_12_selects_patient_00012() {
    // The demo's patients (the emulator's seed) hold mrn-100231 and mrn-100232 before
    // patient-00012: the patient whose id ends with the number is the one meant.
    let mut app = loaded(40, false);
    let mut extra = Vec::new();
    for id in ["mrn-100231", "mrn-100232"] {
        let mut u = user(1);
        u.client_user_id = id.to_string();
        u.user_id = crate::emulator::stable_uuid(id);
        extra.push(u);
    }
    app.patients.append(extra);
    filter(&mut app, "12");
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        app.patients.selected_user().unwrap().client_user_id,
        "patient-00012"
    );
}

#[test]
fn a_word_of_letters_still_matches_spread_out_after_the_ids_holding_it() {
    let mut app = with_ids(&["w-a-l-k", "clinic-walk-9", "walk", "sidewalk"]);
    filter(&mut app, "walk");
    assert_eq!(
        shown(&app),
        ["walk", "sidewalk", "clinic-walk-9", "w-a-l-k"]
    );
    // Smart case: an upper-case letter compares case and all.
    send(&mut app, [key(KeyCode::Esc)]);
    let mut app = with_ids(&["WALK-1", "walk-2"]);
    filter(&mut app, "WALK");
    assert_eq!(shown(&app), ["WALK-1"]);
}

#[test]
fn the_highlight_is_the_word_where_it_stands() {
    let q = Query::new("12");
    assert_eq!(matcher::highlight(&q, "patient-00012"), [11, 12]);
    assert_eq!(matcher::highlight(&q, "mrn-1123"), [5, 6]);
    // Beyond ASCII, positions are characters.
    assert_eq!(matcher::highlight(&Query::new("é12"), "josé12"), [3, 4, 5]);
}

#[test]
fn a_number_then_more_words_does_not_narrow_the_number_alone() {
    // "12" matches only whole; "12 x" matches each word spread out, so more than "12" did.
    assert!(!Query::new("12 x").narrows(&Query::new("12")));
    assert!(Query::new("123").narrows(&Query::new("12")));
    assert!(Query::new("walk x").narrows(&Query::new("walk")));
}
