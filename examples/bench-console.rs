//! `cargo build --release && cargo run --release --example bench-console [-- N...]`: the console
//! measured from outside, as staff meet it. For each N (default 100000 and 1000000) it starts
//! `vital-onboard emulator --users N`, runs the real release binary against it in a
//! pseudo-terminal (120x40), and reports: emulator ready, first frame, first page on screen,
//! all loaded, then (all loaded) a query typed one key at a time, at least 200 keys, each
//! waiting for the screen to stay still for 150 ms: keystroke to echoed prompt and keystroke to
//! that key's complete result (the last change before 150 ms of quiet), p50/p95/p99; resident
//! memory; CPU while idle for 3 s. Then the same keys again with `F`'s status filter on (to
//! follow up: every generated patient, as none was linked from the run's empty audit log, so
//! the status filter keeps every match), in a console started afresh: the first console keeps
//! the results of the queries it was typed, and a second pass in it would show them at once.
//! Every step waits for its effect on the screen before the next key (Esc closed the prompt,
//! `F` named the filter in the title, `/` opened the prompt), and each typed key's screen must
//! still name the filter. With fzf installed, the same keys into fzf over the same ids.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "bench-console/term.rs"]
mod term;

use term::{Term, idle_cpu_percent, rss_mb};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const QUIET: Duration = Duration::from_millis(150);
const QUERIES: [&str; 6] = [
    "pt42",
    "patient-9999",
    "00042",
    "'ent-12",
    "p 7 3",
    "pt-999999",
];
/// The id-like query whose keys (typed, the first time) get a row of their own.
const ID_QUERY: &str = "pt-999999";

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p / 100.0).round() as usize;
    v.get(i).copied().unwrap_or(f64::NAN)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn thousands(n: usize) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One key of the mix.
struct Key {
    bytes: Vec<u8>,
    /// The prompt after it.
    text: String,
    /// The first time through the queries (nothing typed before).
    first_pass: bool,
    /// A key that types [`ID_QUERY`] (not one that erases it).
    types_id_query: bool,
}

/// The keys typed: each query, then Backspace to empty; at least `min` keys.
fn keys(min: usize) -> Vec<Key> {
    let mut out = Vec::new();
    let mut pass = 0;
    while out.len() < min {
        for q in QUERIES {
            let mut text = String::new();
            for c in q.chars() {
                text.push(c);
                out.push(Key {
                    bytes: c.to_string().into_bytes(),
                    text: text.clone(),
                    first_pass: pass == 0,
                    types_id_query: pass == 0 && q == ID_QUERY,
                });
            }
            while text.pop().is_some() {
                out.push(Key {
                    bytes: vec![0x7f],
                    text: text.clone(),
                    first_pass: pass == 0,
                    types_id_query: false,
                });
            }
        }
        pass += 1;
    }
    out
}

struct Typing {
    echo: Vec<f64>,
    complete: Vec<f64>,
    /// `complete` of the first pass only (no query typed before: nothing kept to reuse).
    first_pass: Vec<f64>,
    /// `complete` of the keys typing the id-like query the first time.
    id_query: Vec<f64>,
}

impl Typing {
    /// The latency rows of the table, each named after `label`.
    fn print(&mut self, label: &str) {
        let row = |what: &str, v: &mut Vec<f64>| {
            println!(
                "| {label}{what}, p50 / p95 / p99 ({} keys) | {:.1} / {:.1} / {:.1} ms |",
                v.len(),
                pct(v, 50.0),
                pct(v, 95.0),
                pct(v, 99.0)
            );
        };
        row("keystroke to echoed prompt", &mut self.echo);
        row("keystroke to complete result", &mut self.complete);
        row("  the first pass only", &mut self.first_pass);
        row(
            &format!("  typing {ID_QUERY} the first time"),
            &mut self.id_query,
        );
    }
}

/// Types every key, each after the screen settled; `echoed(text, screen)` says whether the
/// screen shows the prompt holding `text`. With `stays`, each settled screen must still show
/// that text (the status filter's title): a key whose screen lost it is reported.
fn type_keys(
    t: &mut Term,
    keys: &[Key],
    echoed: impl Fn(&str, &str) -> bool,
    stays: Option<&str>,
) -> Typing {
    let mut r = Typing {
        echo: Vec::new(),
        complete: Vec::new(),
        first_pass: Vec::new(),
        id_query: Vec::new(),
    };
    let mut without = 0;
    for k in keys {
        let sent = t.send(&k.bytes);
        match t.wait_for(sent, Duration::from_secs(10), |s| echoed(&k.text, s)) {
            Some(at) => r.echo.push(ms(at - sent)),
            None => eprintln!("no echo of {:?} within 10 s", k.text),
        }
        let last = t.settle(sent);
        if let Some(want) = stays
            && !t.screen().contains(want)
        {
            without += 1;
        }
        let took = ms(last.saturating_duration_since(sent));
        r.complete.push(took);
        if k.first_pass {
            r.first_pass.push(took);
        }
        if k.types_id_query {
            r.id_query.push(took);
        }
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            eprintln!("{:?}: settled after {:.0} ms", k.text, ms(sent.elapsed()));
        }
    }
    if let Some(want) = stays
        && without > 0
    {
        eprintln!(
            "{without} of {} keys left a screen without {want:?}",
            keys.len()
        );
    }
    r
}

/// The prompt on screen holding `text` (the cursor right after it).
fn prompt_shows(text: &str, screen: &str) -> bool {
    screen.contains(&format!("/{text}▏"))
}

/// Starts the console against `url` and waits until all `n` patients (and the emulator's six)
/// are loaded: the console, when it started, and when the first frame, the first page and the
/// whole list showed.
fn start_console(bin: &str, url: &str, env: &[(&str, &str)], n: usize) -> Started {
    let (term, started) = Term::spawn(bin, &["--base-url", url], env);
    let first_frame = term.wait_for(started, Duration::from_secs(20), |s| s.contains("Patient"));
    let first_page = term.wait_for(started, Duration::from_secs(20), |s| {
        s.contains("patient-00001")
    });
    let all = format!("of {} ", thousands(n + 6));
    // The title says "… · 500 of 1,000,006 loaded" while pages arrive (cut at the pane's edge,
    // so no space need follow "loaded").
    let loaded = term.wait_for(started, Duration::from_mins(2), |s| {
        s.contains(&all) && !s.contains(" loaded")
    });
    Started {
        term,
        spawned: started,
        first_frame,
        first_page,
        loaded,
    }
}

struct Started {
    term: Term,
    spawned: Instant,
    first_frame: Option<Instant>,
    first_page: Option<Instant>,
    loaded: Option<Instant>,
}

/// The same keys with `F`'s status filter on, in a console of its own (started afresh, so the
/// queries typed without `F` are not kept results it shows at once: both runs start cold). Each
/// step waits for its effect before the next key (so no two keys are read together: Esc then
/// F would read as Alt-F): `F` until the title names the filter, `/` until the prompt shows;
/// each typed key's screen must still name the filter. `None` when `F` did not land.
fn type_with_status_filter(
    bin: &str,
    url: &str,
    env: &[(&str, &str)],
    keys: &[Key],
    n: usize,
) -> Option<Typing> {
    let Started {
        mut term, loaded, ..
    } = start_console(bin, url, env, n);
    if loaded.is_none() {
        eprintln!("N = {n}: F on: the list did not load within 2 min");
    }
    term.settle(Instant::now());
    let sent = term.send(b"F");
    let on = term.wait_for(sent, Duration::from_secs(10), |s| {
        s.contains("To follow up")
    });
    let typing = if let Some(at) = on {
        eprintln!(
            "N = {n}: F turned the status filter on in {:.1} ms",
            ms(at - sent)
        );
        term.settle(sent);
        let sent = term.send(b"/");
        if term
            .wait_for(sent, Duration::from_secs(10), |s| prompt_shows("", s))
            .is_none()
        {
            eprintln!("N = {n}: F on: / did not open the prompt within 10 s");
        }
        term.settle(sent);
        Some(type_keys(
            &mut term,
            keys,
            prompt_shows,
            Some("To follow up"),
        ))
    } else {
        eprintln!(
            "N = {n}: F did not turn the status filter on within 10 s (screen: {:?})",
            term.screen().lines().take(3).collect::<Vec<_>>()
        );
        None
    };
    close(&mut term);
    typing
}

/// Esc (closing the prompt, waiting until it is closed), then q.
fn close(term: &mut Term) {
    let sent = term.send(b"\x1b");
    if term
        .wait_for(sent, Duration::from_secs(10), |s| !s.contains("▏"))
        .is_none()
    {
        eprintln!("Esc did not close the prompt within 10 s");
    }
    term.settle(sent);
    term.send(b"q");
    term.quit();
}

fn console_run(bin: &str, n: usize) {
    let mut emu = Command::new(bin)
        .args([
            "emulator",
            "--port",
            "0",
            "--api-key",
            "bench",
            "--users",
            &n.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the emulator starts");
    let t = Instant::now();
    let mut line = String::new();
    BufReader::new(emu.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = t.elapsed();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("its one line")
        .to_string();
    let emu_rss = rss_mb(emu.id());
    // A config and an audit log of the run's own: no profile picker, nothing written to the
    // machine's data folder.
    let scratch = std::env::temp_dir().join(format!("bench-console-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let config = scratch.join("config.toml");
    std::fs::write(&config, "").unwrap();
    let history = scratch.join("history.sqlite3");
    let (config, history) = (config.to_string_lossy(), history.to_string_lossy());
    let env = [
        ("VITAL_API_KEY", "bench"),
        ("VITAL_ONBOARD_CONFIG", config.as_ref()),
        ("VITAL_ONBOARD_HISTORY", history.as_ref()),
        ("VITAL_ONBOARD_PROFILE", ""),
    ];
    eprintln!(
        "N = {n}: emulator ready in {:.0} ms; waiting for the console",
        ms(ready)
    );
    let Started {
        mut term,
        spawned: started,
        first_frame,
        first_page,
        loaded,
    } = start_console(bin, &url, &env, n);
    let rss = rss_mb(term.pid());
    term.settle(Instant::now());
    let idle = idle_cpu_percent(term.pid());
    eprintln!(
        "N = {n}: loaded: {}; typing",
        if loaded.is_some() {
            "yes"
        } else {
            "NO (timed out)"
        }
    );
    let sent = term.send(b"/");
    term.wait_for(sent, Duration::from_secs(10), |s| prompt_shows("", s));
    term.settle(sent);
    let keys = keys(200);
    let mut r = type_keys(&mut term, &keys, prompt_shows, None);
    let rss_after = rss_mb(term.pid());
    close(&mut term);
    let with_status = type_with_status_filter(bin, &url, &env, &keys, n);

    let since = |x: Option<Instant>| x.map_or(f64::NAN, |x| ms(x - started));
    println!("\n## vital-onboard, {} patients\n", thousands(n));
    println!("| figure | measured |\n|---|---|");
    println!(
        "| emulator ready (`--users {n}`) | {:.0} ms, {:.0} MB resident |",
        ms(ready),
        emu_rss
    );
    println!("| first frame | {:.0} ms |", since(first_frame));
    println!("| first page on screen | {:.0} ms |", since(first_page));
    println!("| all loaded | {:.0} ms |", since(loaded));
    r.print("");
    match with_status {
        Some(mut t) => t.print("F on (a console of its own): "),
        None => println!("| F on | not measured: F did not turn the status filter on |"),
    }
    println!("| resident memory, all loaded / after typing | {rss:.0} / {rss_after:.0} MB |");
    println!("| CPU while idle (3 s) | {idle:.1} % |");
    requests_run(bin, &url, n, &env);
    let _ = emu.kill();
    let _ = emu.wait();
    let _ = std::fs::remove_dir_all(&scratch);
}

fn median(mut v: Vec<f64>) -> f64 {
    pct(&mut v, 50.0)
}

/// `curl`'s own `time_total` for one request, in ms.
fn curl_ms(args: &[&str]) -> f64 {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{time_total}"])
        .args(args)
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse::<f64>()
        .map_or(f64::NAN, |s| s * 1000.0)
}

/// The emulator's page time (a 500-user page deep in the team, by curl), and `link` end to end
/// (process start to exit) against `curl` (also process start to exit) doing the same
/// `POST /v2/link/token`; medians of 15 runs each.
fn requests_run(bin: &str, url: &str, n: usize, env: &[(&str, &str)]) {
    const RUNS: usize = 15;
    let key = ["-H", "x-vital-api-key: bench"];
    let page = format!("{url}/v2/user?offset={}&limit=500", n / 2);
    let pages: Vec<f64> = (0..RUNS)
        .map(|_| curl_ms(&[key[0], key[1], &page]))
        .collect();
    let users = Command::new(bin)
        .args([
            "users",
            "--search",
            "patient-00001",
            "--json",
            "--base-url",
            url,
        ])
        .envs(env.iter().copied())
        .output()
        .expect("users runs");
    let first = String::from_utf8_lossy(&users.stdout);
    let user_id = first
        .lines()
        .next()
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| v["user_id"].as_str().map(String::from))
        .expect("patient-00001 is found");
    let body = format!(r#"{{"user_id":"{user_id}","filter_on_providers":["oura"]}}"#);
    let token_url = format!("{url}/v2/link/token");
    let timed = |cmd: &mut Command| {
        let t = Instant::now();
        let ok = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "{cmd:?} failed");
        ms(t.elapsed())
    };
    let link: Vec<f64> = (0..RUNS)
        .map(|_| {
            timed(
                Command::new(bin)
                    .args([
                        "link",
                        "--user",
                        &user_id,
                        "--providers",
                        "oura",
                        "--base-url",
                        url,
                    ])
                    .envs(env.iter().copied()),
            )
        })
        .collect();
    let curl: Vec<f64> = (0..RUNS)
        .map(|_| {
            timed(Command::new("curl").args([
                "-s",
                "-f",
                "-X",
                "POST",
                "-H",
                key[1],
                "-H",
                "content-type: application/json",
                "-d",
                &body,
                &token_url,
            ]))
        })
        .collect();
    let (link, curl) = (median(link), median(curl));
    println!(
        "| emulator: a 500-user page at offset {} (curl `time_total`, median of {RUNS}) | {:.1} ms |",
        thousands(n / 2),
        median(pages)
    );
    println!(
        "| `link --user ID --providers oura` end to end / `curl` the same POST (medians of {RUNS}) | {link:.1} / {curl:.1} ms = {:.2}x |",
        link / curl
    );
}

fn fzf_run(n: usize) {
    if Command::new("fzf").arg("--version").output().is_err() {
        println!("\n(fzf is not installed: no reference row)");
        return;
    }
    let path = std::env::temp_dir().join(format!("bench-console-ids-{n}.txt"));
    let mut ids = String::with_capacity(n * 14);
    for i in 1..=n {
        ids.push_str(&format!("patient-{i:05}\n"));
    }
    std::fs::write(&path, ids).unwrap();
    let cmd = format!("cat {}", path.display());
    let (mut term, started) = Term::spawn("fzf", &[], &[("FZF_DEFAULT_COMMAND", &cmd)]);
    let total = format!("{n}/{n}");
    let loaded = term.wait_for(started, Duration::from_mins(1), |s| s.contains(&total));
    term.settle(Instant::now());
    let rss = rss_mb(term.pid());
    let keys = keys(200);
    let mut r = type_keys(
        &mut term,
        &keys,
        |text, s| {
            s.lines()
                .any(|l| l.trim_end() == format!("> {text}").trim_end())
        },
        None,
    );
    term.send(b"\x1b");
    term.quit();
    println!("\n## fzf, the same {} ids\n", thousands(n));
    println!("| figure | measured |\n|---|---|");
    println!(
        "| all read | {:.0} ms |",
        loaded.map_or(f64::NAN, |x| ms(x - started))
    );
    r.print("");
    println!("| resident memory | {rss:.0} MB |");
}

fn main() {
    let exe = std::env::current_exe().expect("own path");
    let bin = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|release| release.join("vital-onboard"))
        .expect("target/release");
    assert!(
        bin.exists(),
        "build the binary first: cargo build --release ({} is missing)",
        bin.display()
    );
    let bin = bin.to_string_lossy().to_string();
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| c
                .lines()
                .find(|l| l.starts_with("model name"))
                .map(String::from))
            .unwrap_or_default()
    );
    for n in sizes {
        console_run(&bin, n);
        fzf_run(n);
    }
}
