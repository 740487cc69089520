//! End to end: the real binary in a pseudo-terminal (portable-pty + vt100), in demo mode. Drives
//! the whole flow with keys, decodes the QR code from the screen, checks it is the link the
//! embedded emulator issued for exactly that request, copies (OSC 52), quits, and checks the
//! terminal left the alternate screen.

mod common;

use std::time::Duration;

use base64::Engine;
use common::pty::{COLS, Pty, ROWS, wait_exit};

fn http_get(url: &str, header: Option<(&str, &str)>) -> (u16, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut req = reqwest::Client::new().get(url);
        if let Some((k, v)) = header {
            req = req.header(k, v);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    })
}

/// Steps 2-4 of the README's first run: filter to patient-00012 and select it, tick Oura and
/// Fitbit, set the redirect URL and turn on both redirect options.
fn choose_as_the_readme_says(pty: &mut Pty, redirect_url: &str) {
    pty.send("/");
    pty.send("00012");
    pty.send("\r");
    pty.wait_for("Selected patient-00012");
    pty.wait_for("[ ] Fitbit");
    pty.send("\t");
    for slug in ["oura", "fitbit"] {
        pty.send("/");
        pty.send(slug);
        pty.send("\r");
        pty.send(" ");
    }
    pty.wait_for("Providers (2 allowed)");
    pty.send("\t");
    pty.send("\r");
    pty.send(redirect_url);
    pty.send("\r");
    for k in ["j", " ", "j", " "] {
        pty.send(k);
    }
    pty.wait_for("[x] On close: redirect");
}

/// The text on the rows under the "Link URL" label, down to the first empty one.
fn url_under_label(lines: &[String]) -> String {
    let Some(label_row) = lines.iter().position(|l| l.contains("Link URL")) else {
        return String::new();
    };
    let col = lines[label_row]
        .chars()
        .collect::<Vec<_>>()
        .windows(8)
        .position(|w| w.iter().collect::<String>() == "Link URL")
        .unwrap();
    let mut shown = String::new();
    for line in &lines[label_row + 1..lines.len() - 2] {
        let piece: String = line
            .chars()
            .skip(col)
            .take_while(|c| *c != '┃' && *c != '│')
            .collect();
        let piece = piece.trim_end();
        if piece.is_empty() {
            break;
        }
        shown.push_str(piece);
    }
    shown
}

#[test]
fn demo_flow_in_a_real_terminal() {
    let mut pty = Pty::spawn(&[]);
    let first = pty.wait_for("patient-00012");
    assert!(first.contains(" DEMO "), "{first}");
    assert!(pty.parser.lock().unwrap().screen().alternate_screen());

    choose_as_the_readme_says(&mut pty, "https://clinic.example/done");
    pty.send("m");
    pty.wait_for("Link for the patient");
    // Decode the QR code from the cells on screen, once the whole frame is there.
    let (_, url) = pty.wait_for_code("Expires ");
    pty.wait_for("fitbit, oura");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/link/?token="),
        "{url}"
    );
    // The URL is also shown as text on rows of its own under "Link URL", down to the key bar
    // (those rows may come in a later write than the code).
    pty.wait_until("the URL under the code is the one in the code", |p| {
        url_under_label(&p.screen_lines()) == url
    });

    // It is the link the emulator issued for exactly that request.
    let token = common::token_of(&url);
    let base = url.split("/link/").next().unwrap();
    let (status, body) = http_get(
        &format!("{base}/v2/link/providers"),
        Some(("x-vital-link-token", &token)),
    );
    assert_eq!(status, 200, "{body}");
    let offered: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    let mut slugs: Vec<&str> = offered
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["fitbit", "oura"]);
    let (status, page) = http_get(&url, None);
    assert_eq!(status, 200);
    assert!(
        page.contains("<span id=\"patient\">patient-00012</span>"),
        "{page}"
    );
    assert!(page.contains("https://clinic.example/done"));
    assert!(page.contains("data-slug=\"oura\"") && page.contains("data-slug=\"fitbit\""));

    // Copy: with no display, the URL goes out as OSC 52.
    pty.send("c");
    pty.wait_for("OSC 52");
    let copies = pty.parser.lock().unwrap().callbacks().clipboard.clone();
    assert_eq!(copies.len(), 1);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&copies[0])
        .unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), url);

    // Quit and check the terminal is restored.
    pty.send("q");
    let status = wait_exit(&mut pty);
    assert!(status.success(), "{status:?}");
    assert!(
        !pty.parser.lock().unwrap().screen().alternate_screen(),
        "left the alternate screen"
    );
}

#[test]
fn too_small_terminal_says_so_and_ctrl_c_quits() {
    let mut pty = Pty::spawn_sized(&[], 20, 60, &[]);
    pty.wait_for("at least 80 x 24 (now 60 x 20)");
    pty.send("\x03");
    assert!(wait_exit(&mut pty).success());
    assert!(!pty.parser.lock().unwrap().screen().alternate_screen());
}

#[test]
fn a_panic_restores_the_terminal() {
    let mut pty = Pty::spawn_sized(&[], ROWS, COLS, &[("VITAL_ONBOARD_PANIC_TEST", "1")]);
    let status = wait_exit(&mut pty);
    assert!(!status.success());
    let p = pty.parser.lock().unwrap();
    assert!(!p.screen().alternate_screen(), "left the alternate screen");
    assert!(
        p.screen().contents().contains("panic test"),
        "{}",
        p.screen().contents()
    );
}

#[test]
fn no_color_keeps_the_code_black_on_white() {
    let mut pty = Pty::spawn_sized(&[], ROWS, COLS, &[("NO_COLOR", "1")]);
    pty.wait_for("patient-00012");
    pty.send("\r");
    pty.wait_for("Selected");
    pty.send("m");
    // The whole code is drawn before its cells are counted.
    pty.wait_for_code("Expires ");
    let p = pty.parser.lock().unwrap();
    let screen = p.screen();
    let (mut dark, mut others) = (0, 0);
    for row in 0..ROWS {
        for col in 0..COLS {
            let cell = screen.cell(row, col).unwrap();
            if ["▀", "▄", "█"].contains(&cell.contents()) {
                if (cell.fgcolor(), cell.bgcolor())
                    == (vt100::Color::Idx(16), vt100::Color::Idx(231))
                {
                    dark += 1;
                } else {
                    others += 1;
                }
            }
        }
    }
    assert!(
        dark > 200,
        "the code is drawn in explicit black on white ({dark} cells)"
    );
    assert_eq!(others, 0, "no module in the terminal's own colours");
    // Everything else follows NO_COLOR: the badge is reversed, not coloured.
    let badge = screen.cell(0, 1).unwrap();
    assert_eq!(badge.bgcolor(), vt100::Color::Default);
}

/// The README's "A first run", key for key, at 80 x 24: the staff view (compact at this size)
/// and the patient-facing view both show a code that scans to the link just minted.
#[test]
fn the_readme_first_run_at_80x24_shows_a_code() {
    let mut pty = Pty::spawn_sized(&[], 24, 80, &[]);
    pty.wait_for("patient-00001");
    choose_as_the_readme_says(&mut pty, "https://example.com/done");
    pty.send("m");
    let (lines, staff) = pty.wait_for_code("c copies the URL");
    let screen = lines.join("\n");
    assert!(!screen.contains("enlarge"), "{screen}");
    assert!(screen.contains(" DEMO "), "the badge stays: {screen}");
    assert!(staff.contains("/link/?token="), "{staff}");
    pty.send("K");
    // The staff view's text gone first: the code read is the patient-facing view's own.
    pty.wait_until("the staff view is gone", |p| {
        !p.screen_lines().join("\n").contains("c copies the URL")
    });
    let (_, url) = pty.wait_for_code("Scan with your phone camera");
    assert_eq!(url, staff, "one link in both views");
    pty.send("x");
    pty.wait_for("Link for the patient");
    pty.send("q");
    assert!(wait_exit(&mut pty).success());
}

/// Where the terminal shows hyperlinks (VTE here), the URL's row is an OSC 8 hyperlink to the
/// whole link; the text on screen is the URL, unchanged.
#[test]
fn the_url_is_a_hyperlink_where_the_terminal_shows_them() {
    let mut pty = Pty::spawn_sized(&[], ROWS, COLS, &[("VTE_VERSION", "7600")]);
    pty.wait_for("patient-00012");
    pty.send("\r");
    pty.wait_for("Selected");
    pty.send("m");
    let (_, url) = pty.wait_for_code("Link URL (c copies it):");
    // The URL's row may come in a later write than the code's.
    pty.wait_until("the URL alone on its row", |p| {
        p.screen_lines().iter().any(|l| l.trim_end() == url)
    });
    let raw = String::from_utf8_lossy(&pty.raw.lock().unwrap()).to_string();
    let open = format!("\x1b]8;id=vital-onboard-link;{url}\x1b\\");
    let at = raw.find(&open).expect("the URL's row opens a hyperlink");
    assert!(
        raw[at..].contains("\x1b]8;;\x1b\\"),
        "and closes it after the row"
    );
    pty.send("q");
    assert!(wait_exit(&mut pty).success());
}

/// With nothing ticking (no spinner, no countdown, no message), a key still wakes the loop at
/// once: the loop never polls the terminal with a waker that goes nowhere.
#[test]
fn an_idle_console_answers_keys() {
    let mut pty = Pty::spawn(&[]);
    pty.wait_for("Connections:");
    std::thread::sleep(Duration::from_millis(1500));
    for _ in 0..3 {
        pty.open_and_close_help();
    }
    pty.send("q");
    assert!(wait_exit(&mut pty).success());
}

/// `patient_language` in the config file reaches the console: a new link's patient-facing view
/// is in Spanish, the details say so, and `L` turns it to French.
#[test]
fn the_config_files_patient_language_reaches_the_patient_facing_view() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "patient_language = \"es\"\n").unwrap();
    let mut pty = Pty::spawn_sized(
        &[],
        24,
        80,
        &[("VITAL_ONBOARD_CONFIG", cfg.to_str().unwrap())],
    );
    pty.wait_for("patient-00001");
    pty.send("/");
    pty.send("00012");
    pty.send("\r");
    pty.wait_for("Selected patient-00012");
    pty.send("m");
    pty.wait_for("Language Español (es)");
    pty.send("K");
    pty.wait_for("Escanee con la cámara de su");
    pty.send("x");
    pty.wait_for("Link for the patient");
    pty.send("L");
    pty.wait_for("Language Français (fr)");
    pty.send("K");
    pty.wait_for("Scannez avec l’appareil photo de");
    pty.send("x");
    pty.wait_for("Link for the patient");
    pty.send("q");
    assert!(wait_exit(&mut pty).success());
}
