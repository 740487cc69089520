//! `cargo bench`: the console's hot paths, one group each. Filtering per keystroke over 1k to
//! 1M patients for realistic queries; drawing the panes at 80x24 and 200x60; QR encode and
//! render for 80/200/400-character URLs; parsing a page of 500 users into the compact roster;
//! the onboarding statuses: every patient's code from the audit log's ledger, and filtering per
//! keystroke with `F`'s status filter on. First it prints the bytes the roster holds at each
//! size (`Roster::heap_bytes`; the status codes add one byte a patient).

use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use vital_onboard::api::{User, UsersPage};
use vital_onboard::app::list::{PatientList, Visible};
use vital_onboard::app::matcher::{self, Query};
use vital_onboard::app::roster::Roster;
use vital_onboard::app::status::StatusFilter;
use vital_onboard::app::{App, ConsoleConfig, EnvInfo, Msg};
use vital_onboard::audit::onboarding::{Code, Ledger};
use vital_onboard::link::qr::{QrMatrix, QrStyle};

fn main() {
    // What the roster holds at each size, before the timings (the README's memory figures).
    for n in SIZES {
        let bytes = roster(n).heap_bytes();
        println!(
            "the roster of {n} patients holds {bytes} bytes ({} a patient)",
            bytes / n
        );
    }
    divan::main();
}

fn roster(n: usize) -> Roster {
    let mut r = Roster::default();
    for i in 1..=n {
        let id = format!("patient-{i:05}");
        r.push(vital_onboard::emulator::stable_uuid(&id), &id, None, &[]);
    }
    r
}

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

fn cases() -> Vec<(usize, &'static str)> {
    SIZES
        .iter()
        .flat_map(|&n| ["p", "pt42", "00042", "'ent-9"].map(|q| (n, q)))
        .collect()
}

/// One keystroke's matching over every patient (no earlier result to narrow from), on the
/// threads the console's filter task uses.
#[divan::bench(args = cases(), sample_count = 10)]
fn filter_full(b: Bencher, (n, q): (usize, &str)) {
    let r = roster(n);
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    let q = Query::new(q);
    b.bench_local(|| matcher::filter(&q, &r, None, 0, threads).ranked.len());
}

/// The next keystroke of a growing query: only the previous matches are candidates.
#[divan::bench(args = SIZES, sample_count = 10)]
fn filter_narrowing(b: Bencher, n: usize) {
    let r = roster(n);
    let before = matcher::filter(&Query::new("pt4"), &r, None, 0, 2);
    let q = Query::new("pt42");
    b.bench_local(|| {
        matcher::filter(&q, &r, Some(&before.ranked), before.upto, 2)
            .ranked
            .len()
    });
}

fn users(from: usize, n: usize) -> Vec<User> {
    (from..from + n)
        .map(|i| {
            let id = format!("patient-{i:05}");
            serde_json::from_value(serde_json::json!({
                "user_id": vital_onboard::emulator::stable_uuid(&id),
                "client_user_id": id,
                "team_id": vital_onboard::emulator::TEAM_ID,
                "created_on": "2026-01-01T08:00:00+00:00",
                "connected_sources": [],
                "fallback_time_zone": null,
            }))
            .unwrap()
        })
        .collect()
}

/// A page of 500 users: JSON to the compact roster.
#[divan::bench(sample_count = 20)]
fn page_parse_500(b: Bencher) {
    let page = serde_json::to_string(&UsersPage {
        users: users(1, 500),
        total: 500,
        offset: 0,
        limit: 500,
    })
    .unwrap();
    b.bench_local(|| {
        let p: UsersPage = serde_json::from_str(&page).unwrap();
        let mut r = Roster::default();
        for u in &p.users {
            r.push_user(u);
        }
        r.len()
    });
}

fn app(w: u16, h: u16, n: usize) -> App {
    let env = EnvInfo {
        badge: vital_onboard::app::Badge::Demo,
        host: "http://127.0.0.1:1".into(),
        key_prefix: None,
        read_only: false,
        profile: None,
    };
    let mut app = App::new(
        env,
        ConsoleConfig::default(),
        chrono::Utc::now(),
        Rect::new(0, 0, w, h),
    );
    app.start();
    app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: Ok(UsersPage {
            users: users(1, n),
            total: n as u64,
            offset: 0,
            limit: 500,
        }),
    });
    app
}

/// One frame of the panes with a filter open.
#[divan::bench(args = [(80, 24), (200, 60)], sample_count = 20)]
fn draw_panes(b: Bencher, (w, h): (u16, u16)) {
    let mut app = app(w, h, 500);
    for c in "/pt1".chars() {
        app.update(Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char(c),
        )));
    }
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = vital_onboard::ui::Theme::default();
    b.bench_local(|| {
        term.draw(|f| vital_onboard::ui::draw(f, &app, &theme))
            .unwrap();
    });
}

/// Encoding a link and rendering it as half blocks.
#[divan::bench(args = [80, 200, 400], sample_count = 20)]
fn qr_encode_render(b: Bencher, len: usize) {
    let base = "https://link.tryvital.io/?token=";
    let url = format!("{base}{}", "a".repeat(len - base.len()));
    b.bench_local(|| {
        let m = QrMatrix::encode(&url, 'M').unwrap();
        m.lines(QrStyle::Half).len()
    });
}

/// A patient list of `n` with every fifth patient of each status.
fn status_list(n: usize) -> PatientList {
    let mut l = PatientList::default();
    for i in 1..=n {
        let id = format!("patient-{i:05}");
        l.roster_mut()
            .push(vital_onboard::emulator::stable_uuid(&id), &id, None, &[]);
        l.push_code(Some(Code::from_u8((i % 5) as u8)));
    }
    l
}

/// One keystroke's complete result with `F`'s status filter on (to follow up): the matching,
/// then the status filter over the matches, as the pane shows them.
#[divan::bench(args = cases(), sample_count = 10)]
fn filter_with_status(b: Bencher, (n, q): (usize, &str)) {
    let mut l = status_list(n);
    l.set_status_filter(StatusFilter::FollowUp);
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    let q = Query::new(q);
    b.bench_local(|| {
        let found = matcher::filter(&q, l.items(), None, 0, threads);
        l.show(q.text(), Visible::Ranked(found));
        l.visible().len()
    });
}

/// `F` over every patient, no text filter: the rows it keeps.
#[divan::bench(args = SIZES, sample_count = 10)]
fn status_filter_all(b: Bencher, n: usize) {
    let mut l = status_list(n);
    let mut f = StatusFilter::All;
    b.bench_local(|| {
        f = f.next();
        l.set_status_filter(f);
        l.visible().len()
    });
}

/// Every patient's status code from a ledger of 2,000 links (once per read of the audit log).
#[divan::bench(args = SIZES, sample_count = 10)]
fn status_codes(b: Bencher, n: usize) {
    let r = roster(n);
    let now = chrono::Utc::now();
    let here = vital_onboard::audit::Scope::demo(vital_onboard::audit::Source::Console, "bench");
    let events: Vec<_> = (1..=2000)
        .map(|i| {
            let id = format!("patient-{:05}", i * 37);
            let request = vital_onboard::api::LinkTokenRequest {
                user_id: vital_onboard::emulator::stable_uuid(&id),
                provider: None,
                redirect_url: None,
                filter_on_providers: None,
                on_error: None,
                on_close: None,
            };
            let mut e = here.event(
                vital_onboard::audit::Outcome::Minted,
                &request,
                &id,
                now - chrono::Duration::minutes(i64::from(i % 120)),
            );
            e.token_fingerprint = Some(format!("sha256:{i:012}"));
            e
        })
        .collect();
    let ledger = Ledger::from_events(&events, &here);
    b.bench_local(|| {
        r.iter()
            .map(|u| ledger.code(u.user_id, u.client_user_id, !u.connected.is_empty(), now) as u8)
            .collect::<Vec<u8>>()
            .len()
    });
}
