//! `cargo run --release --example bench-queue [-- N]`: a whole onboarding day without a restart.
//! The real loop (`Driver` on ratatui's `TestBackend`, as the whole-app tests run it) against
//! the built-in emulator, with a fast clock (1 real millisecond is 100 ms of console time, and
//! a tick every 20 ms): N patients (default 100) are marked and the queue started; each patient
//! connects through the emulated Link page (its page, then the OAuth consent's Allow, as a
//! browser would) as soon as their link is shown, and the console moves on by itself. Reports
//! resident memory after 10 and after N patients, and the largest number of watcher requests in
//! flight at once (goal: 1), and whether one was ever in flight for a patient who had left
//! (goal: never).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::unbounded;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use vital_onboard::api::{Client, RetryPolicy};
use vital_onboard::app::requests::Task;
use vital_onboard::app::{App, Badge, ConsoleConfig, EnvInfo, Msg};
use vital_onboard::clipboard::{Clipboard, NativeCopy};
use vital_onboard::emulator::{EmulatorOptions, RunningEmulator, start_local};
use vital_onboard::runtime::{Clock, Driver};
use vital_onboard::setup::connection::ApiKey;
use vital_onboard::ui::Theme;

const KEY: &str = "sk_us_bench_queue_key";
/// Console time per real time.
const SPEED: i64 = 100;
/// The real time between ticks.
const TICK: Duration = Duration::from_millis(20);

struct NoClipboard;

impl Clipboard for NoClipboard {
    fn set(&mut self, _: &str) -> NativeCopy {
        NativeCopy::Absent
    }
    fn clear_if(&mut self, _: &str) {}
}

/// A clock running `SPEED` times faster than the wall clock, from now.
fn fast_clock() -> Clock {
    let (start, real) = (Utc::now(), Instant::now());
    Arc::new(move || -> DateTime<Utc> {
        let ms = real.elapsed().as_millis() as i64 * SPEED;
        start + chrono::Duration::milliseconds(ms)
    })
}

/// Resident memory of this process in KiB (Linux), 0 elsewhere.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// The link token of a `link_web_url`.
fn token_of(url: &str) -> String {
    url::Url::parse(url)
        .expect("a link URL")
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("a token")
}

#[derive(Default)]
struct Watch {
    most_in_flight: usize,
    /// Checks seen in flight while no link of the current patient was on screen.
    for_a_patient_who_left: usize,
}

impl Watch {
    fn sample(&mut self, app: &App) {
        let n = app.requests.count(Task::Watch);
        self.most_in_flight = self.most_in_flight.max(n);
        if n == 0 {
            return;
        }
        let current = app
            .queue
            .as_ref()
            .and_then(|q| q.current_entry())
            .map(|e| e.user_id);
        let shown = app.screen.shown().map(|s| s.link.user_id);
        if current.is_none() || shown != current {
            self.for_a_patient_who_left += 1;
        }
    }
}

/// The console against the emulator `emu`, started, with a tick every [`TICK`].
fn console(emu: &RunningEmulator) -> Driver<TestBackend> {
    let client = Client::new(
        emu.base_url(),
        Some(ApiKey::new(KEY)),
        "the bench emulator",
        Duration::from_secs(5),
    )
    .with_retry(RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(1),
    });
    let (w, h) = (120, 40);
    let env = EnvInfo {
        badge: Badge::Demo,
        host: emu.base_url().to_string(),
        key_prefix: None,
        read_only: false,
        profile: None,
    };
    let clock = fast_clock();
    let app = App::new(
        env,
        ConsoleConfig::default(),
        clock(),
        Rect::new(0, 0, w, h),
    );
    let mut driver = Driver::new(
        Terminal::new(TestBackend::new(w, h)).unwrap(),
        app,
        Theme::plain(),
        client,
        clock.clone(),
        Box::new(NoClipboard),
        Box::new(|_: &str| {}),
    );
    driver.start();
    let ticks = driver.sender();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(TICK).await;
            if ticks.send(Msg::Tick(clock())).is_err() {
                break;
            }
        }
    });
    driver
}

/// The patient opens the Link page at `url` and allows the provider.
async fn connect(browser: &reqwest::Client, base: &str, url: &str) {
    let page = browser.get(url).send().await.expect("the Link page");
    assert!(page.status().is_success() || page.status().is_redirection());
    let token: String = url::form_urlencoded::byte_serialize(token_of(url).as_bytes()).collect();
    let allow = format!("{base}/link/oauth/callback?token={token}&slug=oura&decision=allow");
    let done = browser.get(&allow).send().await.expect("the consent");
    assert!(done.status().is_success(), "{}", done.status());
}

/// What the day measured.
#[derive(Default)]
struct Day {
    keys: usize,
    rss_first: u64,
    rss_10: u64,
    rss_end: u64,
    watch: Watch,
    took: Duration,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let emu = start_local(EmulatorOptions {
        users: n,
        api_key: Some(KEY.into()),
    })
    .await
    .expect("the emulator starts");
    let mut driver = console(&emu);
    let day = run_day(&mut driver, &emu, n).await;
    let q = driver.app.queue.as_ref().expect("the summary");
    println!(
        "queue of {} patients, {} connected, in {:.1?} (console time x{SPEED})",
        q.entries.len(),
        q.with("connected").len(),
        day.took
    );
    println!("keys pressed: {} to mark and start, none after", day.keys);
    println!("RSS after the first patient: {} KiB", day.rss_first);
    if n >= 10 {
        println!("RSS after 10 patients:       {} KiB", day.rss_10);
    }
    println!("RSS after {n} patients:       {} KiB", day.rss_end);
    if n >= 10 && day.rss_10 > 0 {
        let growth = (day.rss_end as f64 - day.rss_10 as f64) / day.rss_10 as f64 * 100.0;
        println!("growth from 10 to {n}: {growth:+.1} % (goal: within 10 %)");
    }
    println!(
        "watcher requests in flight: at most {} at once (goal: 1); in flight for a patient who had left: {} (goal: 0)",
        day.watch.most_in_flight, day.watch.for_a_patient_who_left
    );
}

/// Marks the first `n` patients, starts the queue, and connects each patient as their link
/// shows, until the summary.
async fn run_day(driver: &mut Driver<TestBackend>, emu: &RunningEmulator, n: usize) -> Day {
    let base = emu.base_url().as_str().trim_end_matches('/').to_string();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (typing, mut events) = unbounded();
    while driver.app.patients.list.items().len() < n || driver.app.patients.load.is_loading() {
        driver.step(&mut events, Some(TICK)).await.unwrap();
    }
    // Mark the first N patients and start: the only keys of the day. Some of them are connected
    // already (demo patients, every seventh generated one): `i` in the start question includes
    // them, so the day is N patients.
    let mut day = Day::default();
    let keys: Vec<char> = (0..n)
        .flat_map(|_| [' ', 'j'])
        .chain(['O', 'i', 'y'])
        .collect();
    for k in keys {
        typing.unbounded_send(Ok(key(k))).unwrap();
        day.keys += 1;
    }
    while driver.app.queue.is_none() {
        driver.step(&mut events, Some(TICK)).await.unwrap();
    }
    let (mut connected, mut last_token) = (0usize, String::new());
    let start = Instant::now();
    while driver
        .app
        .queue
        .as_ref()
        .is_some_and(vital_onboard::app::queue::Queue::in_progress)
    {
        driver.step(&mut events, Some(TICK)).await.unwrap();
        day.watch.sample(&driver.app);
        let Some(url) = driver
            .app
            .screen
            .shown()
            .map(|s| s.link.token.link_web_url.clone())
        else {
            continue;
        };
        if token_of(&url) == last_token {
            continue;
        }
        last_token = token_of(&url);
        connect(&browser, &base, &url).await;
        connected += 1;
        match connected {
            1 => day.rss_first = rss_kib(),
            10 => day.rss_10 = rss_kib(),
            _ => {}
        }
    }
    day.took = start.elapsed();
    day.rss_end = rss_kib();
    drop(typing);
    day
}
