//! Pure tests of the patient filter's kept results (Backspace and a query typed again match
//! nothing again, a growing query narrows from the longest kept one, a reload forgets them) and
//! of a filter kept while the list loads (new pages taken in by steps, all at the end).

use super::filter::{asked, filter, page, shown};
use super::*;
use crate::app::matcher::{self, Query};

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
fn a_space_typed_before_the_next_word_matches_nothing_again() {
    let mut app = loaded(300, false);
    app.patients.inline_limit = 10;
    send(&mut app, [ch('/')]);
    assert_eq!(type_answered(&mut app, typed("p")), 1);
    let p = shown(&app);
    assert_eq!(type_answered(&mut app, typed(" ")), 0, "`p ` is `p`");
    assert_eq!(app.patients.list.filter(), "p ");
    assert_eq!(shown(&app), p);
    assert_eq!(type_answered(&mut app, typed("7")), 1, "`p 7` narrows");
    assert_eq!(type_answered(&mut app, backspaces(2)), 0, "back to `p`");
    assert_eq!(shown(&app), p);
    // An escaped space at the end is part of the word: not the same query.
    assert_eq!(Query::new("p\\ ").key(), "p\\ ");
    assert_eq!(Query::new("  p 7  ").key(), "p 7");
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
    let mut cache = crate::app::kept_results::ResultCache::default();
    let big = matcher::Matches {
        ranked: vec![0; crate::app::kept_results::ResultCache::MAX_POSITIONS / 2],
        scores: vec![0; crate::app::kept_results::ResultCache::MAX_POSITIONS / 2],
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
    assert_eq!(
        cache.len(),
        crate::app::kept_results::ResultCache::MAX_QUERIES
    );
    let too_big = matcher::Matches {
        ranked: vec![0; crate::app::kept_results::ResultCache::MAX_POSITIONS + 1],
        scores: vec![0; crate::app::kept_results::ResultCache::MAX_POSITIONS + 1],
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

fn full(n: u32, score: u32) -> matcher::Matches {
    matcher::Matches {
        ranked: (0..n).collect(),
        scores: vec![score; n as usize],
        upto: n as usize,
    }
}

#[test]
fn a_chain_of_queries_matching_the_whole_list_stays_kept() {
    // `p`, `pa` … `patient-` over 1,000,000 `patient-…` ids: each matches everyone at one
    // score. Uncompacted, four of them filled the bound; kept as runs, all eight stay.
    let mut cache = crate::app::kept_results::ResultCache::default();
    let words = [
        "p", "pa", "pat", "pati", "patie", "patien", "patient", "patient-",
    ];
    for (k, w) in words.iter().enumerate() {
        cache.put(w, &full(1_000_000, 100 + k as u32));
    }
    assert!(
        cache.weight() < crate::app::kept_results::ResultCache::MAX_POSITIONS / 8,
        "eight whole-list results weigh {} positions",
        cache.weight()
    );
    for (k, w) in words.iter().enumerate() {
        let got = cache.get(w).unwrap_or_else(|| panic!("{w} was dropped"));
        assert_eq!(got, full(1_000_000, 100 + k as u32), "{w} comes back whole");
    }
    let narrowed = Query::new("patient-9");
    let (candidates, upto) = cache.narrowed_by(&narrowed).expect("patient- is kept");
    assert_eq!(upto, 1_000_000);
    assert_eq!(candidates, (0..1_000_000).collect::<Vec<u32>>());
}

#[test]
fn kept_results_come_back_as_they_were_in_every_shape() {
    let mut cache = crate::app::kept_results::ResultCache::default();
    // Runs of several scores, dense and sparse, best first, each in list order.
    let mut mixed = matcher::Matches {
        upto: 10_000,
        ..matcher::Matches::default()
    };
    for (score, step) in [(40_012u32, 997u32), (30_000, 3), (10_000, 1)] {
        for i in (0..10_000).step_by(step as usize) {
            mixed.ranked.push(i);
            mixed.scores.push(score);
        }
    }
    // Ties out of list order (not a ranking's): kept as they are.
    let unordered = matcher::Matches {
        ranked: vec![5, 3, 9],
        scores: vec![7, 7, 7],
        upto: 10,
    };
    // More runs than compact: every match its own score.
    let scattered = matcher::Matches {
        ranked: (0..1000).collect(),
        scores: (0..1000).rev().collect(),
        upto: 1000,
    };
    let empty = matcher::Matches {
        upto: 50,
        ..matcher::Matches::default()
    };
    let cases = [
        ("mixed", mixed),
        ("unordered", unordered),
        ("scattered", scattered),
        ("empty", empty),
    ];
    for (name, m) in &cases {
        cache.put(name, m);
    }
    for (name, m) in &cases {
        assert_eq!(cache.get(name).as_ref(), Some(m), "{name}");
        assert!(cache.holds(name, m.upto, m.ranked.len()), "{name}");
        assert!(!cache.holds(name, m.upto + 1, m.ranked.len()), "{name}");
    }
}

#[test]
fn kept_results_narrow_a_real_filter_as_matching_again_does() {
    let app = loaded(5000, false);
    let roster = app.patients.list.items();
    let mut cache = crate::app::kept_results::ResultCache::default();
    for q in ["p", "pt", "00", "'ent-1"] {
        cache.put(q, &matcher::filter(&Query::new(q), roster, None, 0, 1));
    }
    for (q, from) in [
        ("pt4", "pt"),
        ("001", "00"),
        ("'ent-12", "'ent-1"),
        ("pat", "p"),
    ] {
        let (candidates, upto) = cache.narrowed_by(&Query::new(q)).expect(from);
        let kept = cache.get(from).expect(from);
        assert_eq!((&candidates, upto), (&kept.ranked, kept.upto), "{q}");
        let query = Query::new(q);
        let narrowed = matcher::filter(&query, roster, Some(&candidates), upto, 1);
        assert_eq!(narrowed, matcher::filter(&query, roster, None, 0, 1), "{q}");
    }
}
