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

fn shown(app: &App) -> Vec<String> {
    app.patients
        .list
        .visible_items(0)
        .map(|(_, p)| p.client_user_id.to_string())
        .collect()
}

fn filter(app: &mut App, text: &str) -> Vec<Effect> {
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
fn page(from: usize, n: usize, total: u64) -> Result<UsersPage, ApiError> {
    Ok(UsersPage {
        users: (from..from + n).map(user).collect(),
        total,
        offset: from as u64 - 1,
        limit: 500,
    })
}

fn asked(fx: &[Effect]) -> Vec<(u64, RequestId)> {
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

fn backspaces(n: usize) -> Vec<Msg> {
    (0..n).map(|_| key(KeyCode::Backspace)).collect()
}

/// The filter jobs among `fx`.
fn jobs_of(fx: &[Effect]) -> Vec<(RequestId, matcher::Job)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::FilterPatients { id, job } => Some((*id, job.clone())),
            _ => None,
        })
        .collect()
}

/// Types `text` key by key into an open filter prompt, answering each job off the loop as the
/// runtime would.
fn type_answered(app: &mut App, keys: impl IntoIterator<Item = Msg>) -> usize {
    let mut ran = 0;
    for k in keys {
        for (id, job) in jobs_of(&send(app, [k])) {
            ran += 1;
            app.update(Msg::PatientsFiltered {
                id,
                found: job.run(1),
            });
        }
    }
    ran
}

#[test]
fn backspace_and_a_query_typed_again_show_the_kept_result_without_matching() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 10;
    send(&mut app, [ch('/')]);
    assert_eq!(type_answered(&mut app, typed("0042")), 4);
    let four = shown(&app);
    assert_eq!(type_answered(&mut app, [key(KeyCode::Backspace)]), 0);
    let three = shown(&app);
    assert_eq!(app.patients.list.filter(), "004");
    assert!(three.len() > four.len(), "{three:?}");
    // The same as matching "004" afresh.
    let fresh = matcher::filter(&Query::new("004"), app.patients.list.items(), None, 0, 1);
    assert_eq!(app.patients.list.matches().unwrap().ranked, fresh.ranked);
    assert_eq!(type_answered(&mut app, typed("2")), 0, "0042 again");
    assert_eq!(shown(&app), four);
    // Erased and typed again from the start: still nothing to match.
    assert_eq!(type_answered(&mut app, backspaces(4)), 0);
    assert_eq!(shown(&app).len(), 300);
    assert_eq!(type_answered(&mut app, typed("00")), 0);
}

#[test]
fn a_kept_result_takes_in_patients_loaded_since() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 10;
    send(&mut app, [ch('/')]);
    type_answered(&mut app, typed("31"));
    type_answered(&mut app, [key(KeyCode::Backspace)]);
    app.patients.append((301..=400).map(user).collect());
    // "31" is kept from before the new patients; shown again, it covers them too.
    let ran = type_answered(&mut app, typed("1"));
    assert_eq!(ran, 1, "only the new patients are matched");
    assert!(
        shown(&app).contains(&"patient-00331".to_string()),
        "{:?}",
        shown(&app)
    );
    assert_eq!(app.patients.list.matches().unwrap().upto, 400);
}

#[test]
fn a_query_narrows_from_the_longest_kept_query_it_grows_from() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 10;
    send(&mut app, [ch('/')]);
    type_answered(&mut app, typed("00"));
    let of_00 = app.patients.list.matches().unwrap().ranked.len();
    // Leave "00" for "1", then type "003": it grows from the kept "00", not from "" or "1".
    type_answered(&mut app, backspaces(2));
    type_answered(&mut app, typed("1"));
    type_answered(&mut app, [key(KeyCode::Backspace)]);
    let fx = send(&mut app, typed("00"));
    assert!(jobs_of(&fx).is_empty(), "00 is kept");
    let fx = send(&mut app, typed("3"));
    let jobs = jobs_of(&fx);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].1.size(), of_00, "only the matches of 00");
}

#[test]
fn a_reload_forgets_the_kept_results() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 10;
    send(&mut app, [ch('/')]);
    type_answered(&mut app, typed("42"));
    assert!(!app.patients.results.is_empty());
    app.patients.restart((1..=5).map(user).collect());
    assert!(app.patients.results.is_empty());
}

#[test]
fn the_kept_results_are_bounded_least_recently_used_first() {
    let mut cache = matcher::ResultCache::default();
    let big = matcher::Matches {
        ranked: vec![0; matcher::ResultCache::MAX_POSITIONS / 2],
        scores: vec![0; matcher::ResultCache::MAX_POSITIONS / 2],
        upto: 10,
    };
    cache.put("a", &big);
    cache.put("b", &big);
    assert!(cache.get("a").is_some(), "a is now the most recent");
    cache.put("c", &big);
    assert!(cache.get("b").is_none(), "b went first");
    assert!(cache.get("a").is_some() && cache.get("c").is_some());
    let small = matcher::Matches::default();
    for i in 0..100 {
        cache.put(&format!("q{i}"), &small);
    }
    assert_eq!(cache.len(), matcher::ResultCache::MAX_QUERIES);
    let too_big = matcher::Matches {
        ranked: vec![0; matcher::ResultCache::MAX_POSITIONS + 1],
        scores: vec![0; matcher::ResultCache::MAX_POSITIONS + 1],
        upto: 1,
    };
    cache.put("huge", &too_big);
    assert!(
        cache.get("huge").is_none(),
        "one result over the bound is not kept"
    );
}

#[test]
fn narrowing_from_most_of_the_list_ranks_as_matching_it_all() {
    // Candidates that cover most of the list take the bitmap path, few take the sort.
    let app = loaded(5000, false);
    let roster = app.patients.list.items();
    let q = Query::new("00");
    let all = matcher::filter(&q, roster, None, 0, 1);
    for keep in [5000usize, 4000, 10] {
        let mut candidates: Vec<u32> = (0..keep as u32).rev().collect();
        candidates.rotate_left(keep / 3);
        let from = keep;
        let narrowed = matcher::filter(&q, roster, Some(&candidates), from, 2);
        assert_eq!(narrowed.ranked, all.ranked, "{keep} candidates");
        assert_eq!(narrowed.scores, all.scores);
    }
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

#[test]
fn while_the_list_loads_a_filter_takes_new_pages_in_by_steps_and_all_at_the_end() {
    let mut app = App::new(
        env(false),
        ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, 80, 24),
    );
    let total = 20_000;
    let mut out = asked(&app.start());
    // The first page, then the filter, then every other page in order.
    let (_, first) = out.remove(0);
    out.extend(asked(&app.update(Msg::UsersLoaded {
        request: first,
        result: page(1, 500, total),
    })));
    filter(&mut app, "00");
    let mut behind = 0;
    while !out.is_empty() {
        out.sort_unstable();
        let (offset, request) = out.remove(0);
        let fx = app.update(Msg::UsersLoaded {
            request,
            result: page(offset as usize + 1, 500, total),
        });
        out.extend(asked(&fx));
        let m = app.patients.list.matches().unwrap();
        let len = app.patients.list.items().len();
        if m.upto < len {
            behind += 1;
            // Never more than an eighth behind (plus the page that just came).
            assert!(
                (len - m.upto) * 8 <= m.upto + 8 * 500,
                "{} of {len}",
                m.upto
            );
        }
    }
    assert!(behind > 10, "new pages wait while the list loads: {behind}");
    assert!(!app.patients.load.is_loading());
    let m = app.patients.list.matches().unwrap();
    assert_eq!(m.upto, 20_000, "all taken in at the end");
    let fresh = matcher::filter(&Query::new("00"), app.patients.list.items(), None, 0, 1);
    assert_eq!(m.ranked, fresh.ranked);
}

#[test]
fn stopping_the_load_takes_in_what_arrived() {
    let mut app = App::new(
        env(false),
        ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, 80, 24),
    );
    let mut out = asked(&app.start());
    let (_, first) = out.remove(0);
    out.extend(asked(&app.update(Msg::UsersLoaded {
        request: first,
        result: page(1, 500, 100_000),
    })));
    filter(&mut app, "00");
    send(&mut app, [key(KeyCode::Enter)]);
    // Pages until the matches wait for more.
    while app.patients.list.matches().unwrap().upto == app.patients.list.items().len() {
        out.sort_unstable();
        let (offset, request) = out.remove(0);
        out.extend(asked(&app.update(Msg::UsersLoaded {
            request,
            result: page(offset as usize + 1, 500, 100_000),
        })));
    }
    app.stop_loading_patients();
    assert!(!app.patients.load.is_loading(), "stopped");
    assert_eq!(
        app.patients.list.matches().unwrap().upto,
        app.patients.list.items().len()
    );
}
