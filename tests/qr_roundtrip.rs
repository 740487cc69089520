//! QR codes that scan: URLs of 40 to 400 characters, in both styles and both polarities, drawn by
//! the real views at the smallest terminal size the app claims fits, decode back to the URL with
//! rqrr. At any smaller size the app says what size it needs instead of drawing a clipped code.
//! PNG exports decode too.

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use vital_onboard::api::{LinkToken, LinkTokenRequest, User, UsersPage};
use vital_onboard::app::requests::RequestId;
use vital_onboard::app::screen::{QrLook, Screen, ShownLink};
use vital_onboard::app::{App, Badge, ConsoleConfig, EnvInfo, Msg};
use vital_onboard::link::MintedLink;
use vital_onboard::link::qr::QrStyle;
use vital_onboard::ui::{Theme, draw};

/// The two views that show a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Link,
    Patient,
}

fn url_of_len(n: usize) -> String {
    let head = "https://link.tryvital.io/?token=";
    let tail = if n >= 80 {
        "&env=sandbox&region=us"
    } else {
        ""
    };
    let filler: String = "aB3%2Fz9Qx"
        .chars()
        .cycle()
        .take(n - head.len() - tail.len())
        .collect();
    let url = format!("{head}{filler}{tail}");
    assert_eq!(url.len(), n);
    url
}

fn app_with_link(url: &str, style: QrStyle, invert: bool, view: View, w: u16, h: u16) -> App {
    let now = chrono::Utc::now();
    let mut app = App::new(
        EnvInfo {
            badge: Badge::Demo,
            host: "http://127.0.0.1:1".into(),
            key_prefix: None,
            read_only: false,
            profile: None,
        },
        ConsoleConfig::default(),
        now,
        Rect::new(0, 0, w, h),
    );
    let user = User {
        user_id: uuid::Uuid::nil(),
        team_id: None,
        client_user_id: "patient-00001".into(),
        created_on: None,
        connected_sources: vec![],
        fallback_time_zone: None,
        fallback_birth_date: None,
        ingestion_start: None,
        ingestion_end: None,
    };
    app.start();
    app.update(Msg::UsersLoaded {
        request: RequestId(1),
        result: Ok(UsersPage {
            users: vec![user],
            total: 1,
            offset: 0,
            limit: 500,
        }),
    });
    let shown = ShownLink::new(MintedLink {
        user_id: uuid::Uuid::nil(),
        client_user_id: "patient-00001".into(),
        token: LinkToken {
            link_token: "t".into(),
            link_web_url: url.into(),
        },
        request: LinkTokenRequest::default(),
        minted_at: now,
    });
    app.qr = QrLook { style, invert };
    app.screen = match view {
        View::Link => Screen::Link(shown),
        View::Patient => Screen::PatientView { shown, since: now },
    };
    app
}

fn render(app: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, app, &Theme::default())).unwrap();
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

/// Pixels as a camera sees them: each cell is two pixels tall; a pixel is dark when its colour is
/// the QR's black (index 16).
fn pixels(buf: &Buffer, invert_back: bool) -> Vec<Vec<bool>> {
    let dark = |c: Color| c == Color::Indexed(16);
    let mut grid = vec![vec![false; buf.area.width as usize]; 2 * buf.area.height as usize];
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let (fg, bg) = (dark(cell.fg), dark(cell.bg));
            let (top, bottom) = match cell.symbol() {
                "█" => (fg, fg),
                "▀" => (fg, bg),
                "▄" => (bg, fg),
                _ => (bg, bg),
            };
            let qr_cell = cell.bg == Color::Indexed(16) || cell.bg == Color::Indexed(231);
            let fix = |p: bool| if invert_back && qr_cell { !p } else { p };
            grid[2 * y as usize][x as usize] = fix(top);
            grid[2 * y as usize + 1][x as usize] = fix(bottom);
        }
    }
    grid
}

/// Reads "W x H" from the first "enlarge the terminal to W x H" on screen.
fn claimed_size(screen: &str) -> Option<(u16, u16)> {
    let lower = screen.to_lowercase();
    let i = lower.find("enlarge the terminal to ")? + "enlarge the terminal to ".len();
    let rest = &lower[i..];
    let mut nums = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
}

fn check(view: View) {
    for len in [40, 80, 120, 200, 300, 400] {
        let url = url_of_len(len);
        for style in [QrStyle::Half, QrStyle::Full] {
            for invert in [false, true] {
                let label = format!("{view:?} len {len} {style:?} invert {invert}");
                let small = render(&app_with_link(&url, style, invert, view, 80, 24), 80, 24);
                // (80, 24) when it fits at the minimum size already.
                let (w, h) = claimed_size(&text(&small)).unwrap_or((80, 24));
                let buf = render(&app_with_link(&url, style, invert, view, w, h), w, h);
                let screen = text(&buf);
                assert!(
                    claimed_size(&screen).is_none(),
                    "{label}: still too small at {w}x{h}"
                );
                let decoded = common::decode_grid(&pixels(&buf, invert));
                assert_eq!(decoded.as_deref(), Ok(url.as_str()), "{label} at {w}x{h}");
                // The smallest size is the compact link view's, which says `c` copies the URL;
                // the full one shows it as text.
                if view == View::Link {
                    assert!(
                        screen.replace('\n', "").contains(&url[..30])
                            || screen.contains("c copies the URL"),
                        "{label}: URL shown as text, or c copies it"
                    );
                }
                // One column or row less: the code is drawn whole and scans, or not at all.
                for (w2, h2) in [(w - 1, h), (w, h - 1)] {
                    if w2 < 80 || h2 < 24 {
                        continue;
                    }
                    let buf = render(&app_with_link(&url, style, invert, view, w2, h2), w2, h2);
                    let screen = text(&buf);
                    let drew = screen.contains('█') || screen.contains('▀') || screen.contains('▄');
                    if drew {
                        let decoded = common::decode_grid(&pixels(&buf, invert));
                        assert_eq!(decoded.as_deref(), Ok(url.as_str()), "{label} at {w2}x{h2}");
                    } else {
                        assert!(
                            claimed_size(&screen).is_some(),
                            "{label} at {w2}x{h2}: says the size"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn result_view_codes_scan_at_the_claimed_size() {
    check(View::Link);
}

#[test]
fn patient_view_codes_scan_at_the_claimed_size() {
    check(View::Patient);
}

#[test]
fn png_export_round_trips() {
    for len in [40, 400] {
        let url = url_of_len(len);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("code.png");
        vital_onboard::link::qr::save_png(&url, &path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the code holds a live token: owner only");
        }
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0u8; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(info.color_type, png::ColorType::Grayscale);
        let q = vital_onboard::link::qr::QrMatrix::encode(&url, 'M').unwrap();
        assert_eq!(
            info.width as usize,
            q.full_width() * vital_onboard::link::qr::PNG_MODULE_PX as usize
        );
        let (w, h) = (info.width as usize, info.height as usize);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids[0].decode().unwrap().1, url);
        // The quiet zone is white.
        assert!(
            pixels[..w * 4 * vital_onboard::link::qr::PNG_MODULE_PX as usize]
                .iter()
                .all(|p| *p == 255)
        );
    }
}

/// The screen as a camera sees it: each cell 8 x 16 pixels, glyph halves in the cell's colours,
/// default colours taken from a dark or a light terminal theme. Returns greyscale pixels.
fn photograph(buf: &Buffer, background: u8, foreground: u8) -> (usize, usize, Vec<u8>) {
    let grey = |c: Color, default: u8| match c {
        Color::Indexed(16) | Color::Black => 0,
        Color::Indexed(231) | Color::White => 255,
        Color::Reset => default,
        _ => 128,
    };
    let (cw, ch) = (8usize, 16usize);
    let (w, h) = (buf.area.width as usize * cw, buf.area.height as usize * ch);
    let mut px = vec![0u8; w * h];
    for cy in 0..buf.area.height as usize {
        for cx in 0..buf.area.width as usize {
            let cell = &buf[(cx as u16, cy as u16)];
            let (fg, bg) = (grey(cell.fg, foreground), grey(cell.bg, background));
            let (top, bottom) = match cell.symbol() {
                "█" => (fg, fg),
                "▀" => (fg, bg),
                "▄" => (bg, fg),
                _ => (bg, bg),
            };
            for y in 0..ch {
                for x in 0..cw {
                    px[(cy * ch + y) * w + cx * cw + x] = if y < ch / 2 { top } else { bottom };
                }
            }
        }
    }
    (w, h, px)
}

#[test]
fn the_result_screen_scans_on_dark_and_light_themes() {
    let url = url_of_len(95);
    for (name, bg, fg) in [("dark", 30u8, 220u8), ("light", 250, 20)] {
        for style in [QrStyle::Half, QrStyle::Full] {
            let (w, h) = (200, 60);
            let buf = render(&app_with_link(&url, style, false, View::Link, w, h), w, h);
            let (pw, ph, px) = photograph(&buf, bg, fg);
            let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("screen-{name}-{style:?}.png"));
            let mut enc =
                png::Encoder::new(std::fs::File::create(&out).unwrap(), pw as u32, ph as u32);
            enc.set_color(png::ColorType::Grayscale);
            enc.write_header().unwrap().write_image_data(&px).unwrap();
            let mut img =
                rqrr::PreparedImage::prepare_from_greyscale(pw, ph, |x, y| px[y * pw + x]);
            let grids = img.detect_grids();
            let decoded = grids.iter().find_map(|g| g.decode().ok()).map(|(_, c)| c);
            assert_eq!(
                decoded.as_deref(),
                Some(url.as_str()),
                "{name} theme, {style:?}: {}",
                out.display()
            );
        }
    }
}
