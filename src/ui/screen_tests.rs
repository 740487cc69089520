//! Behaviour of the drawn screens that snapshots alone would not pin down: the code's size and
//! fallbacks, codes decoded from the screen, where the URL and the body preview stand, column
//! alignment, the key bar, paging inside the drawn list.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::tests::{key, minted, ready, render, sized, token};
use super::{Theme, draw};
use crate::app::requests::Pending;
use crate::app::tests::{ch, loaded, t0};
use crate::app::{App, Effect, Msg};

/// The columns of the widest run of QR glyphs on any row.
fn code_width(screen: &str) -> usize {
    screen
        .lines()
        .map(|l| {
            let cells: Vec<char> = l.chars().collect();
            let first = cells.iter().position(|c| "█▀▄".contains(*c));
            let last = cells.iter().rposition(|c| "█▀▄".contains(*c));
            match (first, last) {
                (Some(a), Some(b)) => b - a + 1,
                _ => 0,
            }
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn the_staff_view_code_grows_on_a_large_terminal() {
    let small = code_width(&render(&minted(160, 48), 160, 48));
    let large = code_width(&render(&minted(220, 64), 220, 64));
    assert!(small > 30 && small < 45, "scale 1 at 160x48: {small}");
    assert!(
        large >= 2 * small - 2,
        "scaled modules at 220x64: {large} vs {small}"
    );
}

#[test]
fn the_url_stands_on_rows_of_its_own() {
    // From the full layout's size up (below it the view is compact and `c` copies the URL).
    for (w, h) in [(100u16, 30u16), (160, 48)] {
        let screen = render(&minted(w, h), w, h);
        let lines: Vec<&str> = screen.lines().collect();
        let label = lines
            .iter()
            .position(|l| l.starts_with("Link URL"))
            .unwrap();
        let url: String = lines[label + 1..lines.len() - 2].concat();
        assert_eq!(
            url,
            token().link_web_url,
            "{w}x{h}: only the URL on those rows"
        );
    }
}

#[test]
fn full_blocks_that_do_not_fit_fall_back_to_half_blocks_and_say_so() {
    let mut app = minted(120, 40);
    app.update(ch('f'));
    let screen = render(&app, 120, 40);
    assert!(code_width(&screen) > 30, "a code is drawn:\n{screen}");
    assert!(
        screen.contains("Full blocks do not fit: half blocks shown") && screen.contains("125 x 46"),
        "{screen}"
    );
    // At the size it names, full blocks are drawn (in the compact layout, below the full
    // one's 144 x 51).
    app.update(Msg::Resize(125, 46));
    let screen = render(&app, 125, 46);
    assert!(code_width(&screen) > 60, "full blocks:\n{screen}");
    assert!(screen.contains("c copies the URL") && !screen.contains("Full blocks do not fit"));
    let mut app = minted(80, 24);
    app.update(ch('f'));
    app.update(ch('K'));
    let screen = render(&app, 80, 24);
    assert!(
        code_width(&screen) > 30,
        "the patient gets a code:\n{screen}"
    );
}

#[test]
fn below_the_full_size_the_code_is_drawn_compact() {
    // 120 x 26: three rows short of the full view, the compact one shows the code.
    let screen = render(&minted(120, 26), 120, 26);
    assert!(
        code_width(&screen) > 30 && !screen.contains("enlarge"),
        "{screen}"
    );
    assert!(screen.contains("c copies the URL"), "{screen}");
}

#[test]
fn at_the_claimed_size_the_code_is_drawn() {
    let screen = render(&minted(120, 29), 120, 29);
    assert!(
        code_width(&screen) > 30 && !screen.contains("enlarge"),
        "{screen}"
    );
}

#[test]
fn a_long_filter_shows_its_tail_where_the_cursor_is() {
    let mut app = sized(loaded(5, false), 80, 24);
    app.update(ch('/'));
    let text: String = "x".repeat(1096) + "0003";
    app.update(Msg::Paste(text));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("/…xxxx") && screen.contains("xxxx0003▏"),
        "{screen}"
    );
}

#[test]
fn connections_are_said_in_plain_words() {
    let mut app = sized(loaded(3, false), 160, 48);
    let id = app.patients.highlighted().unwrap().user_id;
    let conn = |slug: &str, status: &str, error: Option<&str>| {
        serde_json::from_value::<crate::api::ConnectedProvider>(serde_json::json!({
            "slug": slug,
            "status": status,
            "error_details": error.map(|e| serde_json::json!({"error_type": e})),
        }))
        .unwrap()
    };
    let answer = app.requests.start(Pending::Connections { user_id: id });
    app.update(Msg::ConnectionsLoaded {
        id: answer,
        result: Ok(vec![]),
    });
    assert!(render(&app, 160, 48).contains("Connections: none"));
    let answer = app.requests.start(Pending::Connections { user_id: id });
    app.update(Msg::ConnectionsLoaded {
        id: answer,
        result: Ok(vec![
            conn("oura", "connected", None),
            conn("fitbit", "error", Some("provider_credential_error")),
        ]),
    });
    let screen = render(&app, 160, 48);
    assert!(screen.contains("Connections: oura ✓"), "{screen}");
    assert!(screen.contains("fitbit ✗ (the username or"), "{screen}");
    assert!(
        screen.contains("password was wrong: connect again)"),
        "{screen}"
    );
}

#[test]
fn at_80_columns_the_key_bar_always_says_how_to_move_on() {
    let bar = |app: &App| render(app, 80, 24).lines().nth(22).unwrap().to_string();
    for focus_tabs in 0..3 {
        let mut app = ready(80, 24);
        for _ in 0..focus_tabs {
            app.update(key(KeyCode::Tab));
        }
        app.update(ch('/'));
        app.update(ch('0'));
        app.update(key(KeyCode::Enter));
        app.toast = None;
        let line = bar(&app);
        // "Tab pane" where the bar needs its tighter words.
        assert!(
            line.contains("Tab next pane") || line.contains("Tab pane"),
            "{focus_tabs} tabs: {line}"
        );
        assert!(line.contains("q quit") && line.contains("? help"), "{line}");
    }
    // The compact link view at 80 x 24: keys and status share the last row.
    let mut app = minted(80, 24);
    app.update(ch('r'));
    let line = render(&app, 80, 24).lines().nth(23).unwrap().to_string();
    assert!(
        line.contains("Minting a link") && line.contains("q quit") && line.contains("? help"),
        "busy link view: {line}"
    );
}

#[test]
fn the_body_preview_is_exact_or_visibly_cut() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let app = ready(w, h);
        let screen = render(&app, w, h);
        let pretty = app.preview();
        let pretty_lines: Vec<&str> = pretty.lines().collect();
        let start = screen.find("Body m will send:").expect("the preview");
        let col = screen[..start].rsplit('\n').next().unwrap().chars().count();
        let mut shown = Vec::new();
        for line in screen[start..].lines().skip(1) {
            let piece: String = line
                .chars()
                .skip(col)
                .take_while(|c| !"┃│".contains(*c))
                .collect();
            let piece = piece.trim_end().to_string();
            if piece.is_empty() || piece.starts_with(['━', '─']) {
                break;
            }
            shown.push(piece);
        }
        let cut = shown.last().is_some_and(|l| {
            l.starts_with('…') && (l.ends_with("more lines") || l == "… 1 more line")
        });
        let body = if cut {
            &shown[..shown.len() - 1]
        } else {
            &shown[..]
        };
        for (i, line) in body.iter().enumerate() {
            match line.strip_suffix('…') {
                Some(head) => assert!(pretty_lines[i].starts_with(head), "{w}x{h}: {line:?}"),
                None => assert_eq!(line.as_str(), pretty_lines[i], "{w}x{h}"),
            }
        }
        if cut {
            let more: usize = shown.last().unwrap()[4..]
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(
                body.len() + more,
                pretty_lines.len(),
                "{w}x{h}: the count is right"
            );
        } else {
            assert_eq!(body.len(), pretty_lines.len(), "{w}x{h}: all of it");
        }
    }
}

#[test]
fn wide_characters_keep_the_columns_aligned() {
    let mut app = App::new(
        loaded(0, false).env.clone(),
        crate::app::ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, 160, 48),
    );
    app.start();
    let users: Vec<crate::api::User> = ["患者-0001", "🩺-0002", "plain-0003"]
        .iter()
        .map(|id| crate::app::tests::user_named(id))
        .collect();
    app.update(Msg::UsersLoaded {
        request: app.page_request().unwrap(),
        result: Ok(crate::api::UsersPage {
            users,
            total: 3,
            offset: 0,
            limit: 500,
        }),
    });
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal.draw(|f| draw(f, &app, &Theme::plain())).unwrap();
    let buf = terminal.backend().buffer();
    let list = crate::app::layout::areas(Rect::new(0, 0, 160, 48))
        .patients
        .list;
    let date_columns: Vec<u16> = (list.y..list.y + 3)
        .map(|y| {
            (list.x..list.right())
                .find(|&x| {
                    (0..4).all(|i| buf[(x + i, y)].symbol() == &"2026"[i as usize..=i as usize])
                })
                .expect("a date on the row")
        })
        .collect();
    assert!(
        date_columns.windows(2).all(|w| w[0] == w[1]),
        "the dates start in one column: {date_columns:?}"
    );
}

#[test]
fn qr_on_the_result_screen_decodes_to_the_url() {
    let app = minted(160, 48);
    let screen = render(&app, 160, 48);
    let lines: Vec<String> = screen
        .lines()
        .map(|l| l.chars().skip(1).take(70).collect())
        .collect();
    let qr_lines: Vec<String> = lines[1..].iter().take(40).cloned().collect();
    let grid = crate::link::qr::modules_from_lines(&qr_lines);
    let decoded = decode(&grid).expect("decodes");
    assert_eq!(decoded, token().link_web_url);
}

/// At 80 x 24, the default size of most terminals, the link view is compact and its code (a
/// real, 95-character link: version 5, 45 x 23 cells with the quiet zone) scans.
#[test]
fn the_compact_view_at_80x24_shows_a_code_that_decodes_to_the_link() {
    for url in [crate::cli::doctor::sample_link(), token().link_web_url] {
        let mut app = minted(80, 24);
        let shown = app.screen.shown_mut().unwrap();
        shown.link.token.link_web_url.clone_from(&url);
        shown.codes = crate::link::qr::LinkCodes::encode(&url);
        let screen = render(&app, 80, 24);
        assert!(!screen.contains("enlarge"), "{screen}");
        // The code's columns only: the words beside it are not part of it.
        let lines: Vec<String> = screen
            .lines()
            .take(23)
            .map(|l| l.chars().take(45).collect())
            .collect();
        let grid = crate::link::qr::modules_from_lines(&lines);
        assert_eq!(decode(&grid).as_deref(), Ok(url.as_str()), "{screen}");
    }
}

fn decode(grid: &[Vec<bool>]) -> Result<String, String> {
    const S: usize = 4;
    let h = grid.len();
    let w = grid.iter().map(Vec::len).max().unwrap_or(0);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w * S, h * S, |x, y| {
        if grid
            .get(y / S)
            .and_then(|r| r.get(x / S))
            .copied()
            .unwrap_or(false)
        {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    let g = grids.first().ok_or("no code")?;
    g.decode().map(|(_, c)| c).map_err(|e| e.to_string())
}

#[test]
fn paging_keeps_the_highlight_inside_the_drawn_list_at_every_size() {
    use ratatui::style::Modifier;
    for (w, h) in [(80u16, 24u16), (100, 30), (120, 40), (160, 48), (200, 60)] {
        for keys in [
            vec![key(KeyCode::End)],
            vec![key(KeyCode::PageDown), key(KeyCode::PageDown)],
            vec![key(KeyCode::End), key(KeyCode::PageUp)],
        ] {
            for pane in [0, 1] {
                let mut app = sized(loaded(300, false), w, h);
                if pane == 1 {
                    app.update(key(KeyCode::Tab));
                }
                for k in &keys {
                    app.update(crate::app::tests::clone_msg(k));
                }
                let areas = crate::app::layout::areas(Rect::new(0, 0, w, h));
                let list = if pane == 0 {
                    areas.patients.list
                } else {
                    areas.providers.list
                };
                let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                terminal.draw(|f| draw(f, &app, &Theme::plain())).unwrap();
                let buf = terminal.backend().buffer();
                let highlighted = (list.y..list.bottom())
                    .any(|y| buf[(list.x, y)].modifier.contains(Modifier::REVERSED));
                assert!(highlighted, "{w}x{h} pane {pane} after {keys:?}");
            }
        }
    }
}

/// What the console says right after a mint, an app code or a copy tmux dropped reads whole at
/// 80x24, where the status shares the last row with the keys.
#[test]
fn the_status_after_a_mint_an_app_code_or_a_dropped_copy_reads_whole_at_80x24() {
    let mut link = ready(80, 24);
    let fx = link.update(ch('m'));
    let [Effect::Mint { id, .. }] = &fx[..] else {
        panic!("{fx:?}");
    };
    link.update(Msg::Minted {
        id: *id,
        at: t0(),
        result: Ok(token()),
    });
    let screen = render(&link, 80, 24);
    assert!(
        screen.contains(&link.toast.as_ref().unwrap().text),
        "{screen}"
    );
    assert!(
        screen.contains("Link minted: K shows it to the patient, c copies the URL"),
        "{screen}"
    );
    let mut copied = minted(80, 24);
    let fx = copied.update(ch('c'));
    let [Effect::Copy { url, expires_at }] = &fx[..] else {
        panic!("{fx:?}");
    };
    copied.update(Msg::Copied {
        url: url.clone(),
        expires_at: *expires_at,
        outcome: crate::clipboard::CopyOutcome::TmuxDrops,
    });
    let screen = render(&copied, 80, 24);
    assert!(
        screen.contains(&copied.toast.as_ref().unwrap().text),
        "{screen}"
    );
    assert!(
        screen.contains("Not copied: run tmux set -g set-clipboard on, then c again"),
        "{screen}"
    );
    let mut code = ready(80, 24);
    let fx = code.update(ch('A'));
    let [Effect::CreateAppCode { id, .. }] = &fx[..] else {
        panic!("{fx:?}");
    };
    code.update(Msg::AppCodeCreated {
        id: *id,
        at: t0(),
        result: Ok(crate::app::tests::app_code::app_code()),
    });
    let screen = render(&code, 80, 24);
    assert!(
        screen.contains(&code.toast.as_ref().unwrap().text),
        "{screen}"
    );
    assert!(
        screen.contains("App code made: read it to the patient, or K shows the steps"),
        "{screen}"
    );
}

/// `L` (the patient's language) has a place in the link view's key bar at 100 columns: the
/// display's tweaks drop first.
#[test]
fn the_link_view_key_bar_has_l_at_100_columns() {
    let app = minted(100, 30);
    let screen = render(&app, 100, 30);
    let bar: Vec<&str> = screen.lines().rev().take(2).collect();
    assert!(
        bar.iter().any(|l| l.contains("L language")),
        "{}",
        bar.join("\n")
    );
}

/// `?` at 80x24: each recent message reads whole, wrapped between words (an older one too),
/// while the status line shortens the newest with `…`.
#[test]
fn the_help_shows_long_messages_whole_at_80_columns() {
    use crate::app::Level;
    use crate::app::toast::PastMessage;
    let mut app = sized(loaded(5, false), 80, 24);
    let older = "Not sent: 3 of the 5 marked patients have a link out already (unused, never linked, sign-in failed ones are kept): Space unmarks one";
    let newest = "The queue did not start: the preset oura-and-fitbit asks for a provider the team has not enabled (fitbit), so nothing was sent to anyone";
    for text in [older, newest] {
        app.messages.push_back(PastMessage {
            at: t0(),
            level: Level::Warning,
            text: text.into(),
        });
    }
    app.toast = Some(crate::app::toast::Toast {
        text: newest.into(),
        level: Level::Warning,
        at: None,
        screen: None,
    });
    app.update(Msg::Tick(t0()));
    let screen = render(&app, 80, 24);
    let status = screen.lines().nth(23).unwrap();
    assert!(
        status.starts_with("The queue did not start") && status.ends_with('…'),
        "{status}"
    );
    app.update(ch('?'));
    let screen = render(&app, 80, 24);
    let box_text: String = screen
        .lines()
        .skip(1)
        .take_while(|l| !l.contains("╭ Keys"))
        .map(|l| l.trim_matches(|c: char| c == ' ' || "│╭╮╰╯".contains(c)))
        .collect::<Vec<_>>()
        .join(" ");
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for text in [older, newest] {
        assert!(
            words(&box_text).contains(text),
            "{text}\nnot whole in:\n{screen}"
        );
    }
    assert!(!box_text.contains('…'), "{screen}");
    insta::assert_snapshot!(screen);
}

/// A box over the screen blanks the whole rows it spans: beside the queue's stop question over
/// the link view, and beside the start question over the Patient pane, nothing of the screen
/// under it remains to read as a cut word or a stray letter (`…╮ :03)`, an `L` in column 0).
#[test]
fn a_box_over_the_screen_leaves_nothing_beside_it() {
    for (w, h) in [(80u16, 24u16), (100, 30), (160, 48)] {
        let mut app = sized(loaded(40, false), w, h);
        app.config.queue_patient_facing = false;
        for m in [ch(' '), ch('j'), ch(' '), ch('O')] {
            app.update(m);
        }
        let question = render(&app, w, h);
        app.update(ch('y'));
        let id = crate::app::tests::live(&app, crate::app::requests::Task::Mint);
        app.update(Msg::Minted {
            id,
            at: t0(),
            result: Ok(token()),
        });
        app.update(Msg::Tick(t0() + chrono::Duration::seconds(3)));
        app.update(ch('x'));
        let stop = render(&app, w, h);
        assert!(stop.contains("y/N"), "{stop}");
        for screen in [&question, &stop] {
            // Every row the box spans (its corners mark them): only the box, blanks beside it.
            let mut inside = false;
            for line in screen.lines() {
                if line.contains("╭ Confirm") {
                    inside = true;
                }
                if inside {
                    let (a, b) = (
                        line.find('╭').or(line.find('│')).or(line.find('╰')),
                        line.rfind(['╮', '│', '╯']),
                    );
                    let (Some(a), Some(b)) = (a, b) else {
                        panic!("{screen}");
                    };
                    assert!(line[..a].trim().is_empty(), "left of the box:\n{screen}");
                    assert!(
                        line[b..].chars().skip(1).all(|c| c == ' '),
                        "right:\n{screen}"
                    );
                }
                if inside && line.contains('╰') {
                    break;
                }
            }
            assert!(inside, "{screen}");
        }
    }
    let app = {
        let mut app = sized(loaded(40, false), 80, 24);
        app.config.queue_patient_facing = false;
        for m in [ch(' '), ch('j'), ch(' '), ch('O'), ch('y')] {
            app.update(m);
        }
        let id = crate::app::tests::live(&app, crate::app::requests::Task::Mint);
        app.update(Msg::Minted {
            id,
            at: t0(),
            result: Ok(token()),
        });
        app.update(Msg::Tick(t0() + chrono::Duration::seconds(3)));
        app.update(ch('x'));
        app
    };
    insta::assert_snapshot!("queue_stop_question_80x24", render(&app, 80, 24));
}

/// The Options pane's body reads whole at 100x30 when its rows hold it: a line wider than the
/// pane breaks after its key (`"user_id":`, the value on the next line, indented), never cut.
#[test]
fn the_options_body_breaks_a_long_line_after_its_key() {
    let mut app = sized(loaded(40, false), 100, 30);
    app.update(key(KeyCode::Enter));
    let user_id = app.patients.selected.unwrap().to_string();
    let screen = render(&app, 100, 30);
    assert!(screen.contains(&format!("\"{user_id}\"")), "{screen}");
    assert!(screen.contains("\"user_id\":"), "{screen}");
    // The Options pane's rows (right of the Patient pane's border), from its body on.
    let body: Vec<&str> = screen
        .lines()
        .filter_map(|l| l.split_once("┃│").map(|(_, r)| r))
        .skip_while(|r| !r.contains("Body m will send"))
        .collect();
    assert!(body.len() >= 5, "{screen}");
    assert!(!body.iter().any(|r| r.contains('…')), "{screen}");
}

/// The start question over the `--queue` preview at 80x24: the sentence it hides part of leaves
/// no orphan line beside it (the text rows just above and below the box are blank too).
#[test]
fn a_box_leaves_no_orphan_line_of_a_sentence_it_hides() {
    use crate::app::requests::Task;
    let mut app = crate::ui::tests::previewed(80, 24);
    app.update(key(KeyCode::Enter));
    app.update(ch('y'));
    for (n, name) in [(1u128, "new-1"), (2, "+1 555 010 9999")] {
        let id = crate::app::tests::live(&app, Task::CreateUser);
        app.update(Msg::UserCreated {
            id,
            at: t0(),
            result: Ok(crate::api::CreatedUser {
                user_id: uuid::Uuid::from_u128(n),
                client_user_id: name.into(),
            }),
        });
    }
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Start the queue of 3 patients"), "{screen}");
    // The warning's two lines show whole or not at all: the box never leaves half a sentence.
    assert_eq!(
        screen.contains("should hold no"),
        screen.contains("personal data"),
        "{screen}"
    );
    insta::assert_snapshot!("queue_start_question_over_the_preview_80x24", screen);
}
