//! The two bottom rows: the key bar (the keys that work now, from the key table) and the status
//! line (the request in flight, the latest message, or what to do next).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::widgets::{line_width, shorten_line, spinner};
use crate::app::keymap::{self, Action, Binding};
use crate::app::layout::Areas;
use crate::app::requests::Request;
use crate::app::screen::Screen;
use crate::app::{App, Level};
use crate::text::sanitize;

pub fn draw(frame: &mut Frame, areas: &Areas, app: &App, theme: &Theme) {
    draw_keys(frame, areas.keys, app, theme);
    draw_status(frame, areas.status, app, theme);
}

/// The key bar and the status on one row (the compact link view): what the status has to say
/// first, shortened so the most needed keys still fit after it; the keys alone when it has
/// nothing to say but the usual hint.
///
/// While a queue runs, its keys come first: a passing note (the strip over the view names the
/// queue's place; `?` keeps the note) gives way to them; the answer to a key (a copy), a
/// warning or a request does not.
pub fn draw_shared(frame: &mut Frame, row: Rect, app: &App, theme: &Theme) {
    let Some(status) = news(app, theme).filter(|_| !queue_keys_first(app)) else {
        draw_keys(frame, row, app, theme);
        return;
    };
    let width = usize::from(row.width);
    let status = shorten_line(status, width.saturating_sub(SHARED_KEYS_ROOM));
    let used = line_width(&status) as u16;
    frame.render_widget(
        Paragraph::new(status),
        Rect::new(row.x, row.y, used.min(row.width), 1),
    );
    let keys_x = row.x + used + 2;
    if keys_x < row.right() {
        let keys = Rect::new(keys_x, row.y, row.right() - keys_x, 1);
        draw_keys(frame, keys, app, theme);
    }
}

/// Whether the shared row shows the queue's keys alone: a queue runs and the news is only a
/// passing note.
fn queue_keys_first(app: &App) -> bool {
    app.queue_in_progress()
        && app.requests.change().is_none()
        && app.retry_wait().is_none()
        && app
            .toast
            .as_ref()
            .is_none_or(|t| t.level == crate::app::Level::Info)
}

/// Columns the shared row keeps for keys after the status: room for "q quit  ? help".
const SHARED_KEYS_ROOM: usize = 18;

/// The bindings active now, most specific context first, merged by their word (`Up/k` and
/// `Down/j` are one "move"), each with how much it is needed now (lower first; `None`: not in
/// the bar now, `?` still lists it). Paging keys and Ctrl-U are left to the help overlay.
/// `tight`: the key table's tighter words where it has them.
fn active_bindings(app: &App, tight: bool) -> Vec<(String, String, u8)> {
    let mut out: Vec<(String, String, u8)> = Vec::new();
    let mut taken: Vec<keymap::Key> = Vec::new();
    for b in app
        .contexts()
        .into_iter()
        .flat_map(|ctx| keymap::bindings_for(&[ctx]).collect::<Vec<_>>())
    {
        // A row whose keys a more specific context took does not work here.
        let shadowed = !b.keys.is_empty() && b.keys.iter().all(|k| taken.contains(k));
        taken.extend(b.keys.iter().copied());
        if shadowed {
            continue;
        }
        let Some(need) = need(app, b.action) else {
            continue;
        };
        let label = short_keys(b);
        // A queue key says what it does now ("h go on" while held, "O start queue (3)").
        let word = app
            .queue_short(b.action, tight)
            .unwrap_or_else(|| b.word(tight).to_string());
        match out.iter_mut().find(|(_, w, _)| *w == word) {
            Some((keys, _, n)) => {
                if !keys.split('/').any(|k| k == label) {
                    keys.push('/');
                    keys.push_str(&label);
                }
                *n = (*n).min(need);
            }
            None => out.push((label, word, need)),
        }
    }
    out
}

/// What the user needs next, lower first: how to answer or leave what is open, how to move on
/// (Tab, q, ?), the main step of the view, then the rest. The bar keeps the most needed keys
/// that fit and shows them in the key table's order. `None`: not in the bar now.
fn need(app: &App, a: Action) -> Option<u8> {
    use Action::{
        Back, Cancel, ClearFilter, ClearPrompt, CloseOverlay, CloseSummary, ConfirmNo, ConfirmYes,
        Copy, Down, EditRedirect, End, Filter, ForceQuit, Help, Home, Mark, MarkAll, Mint,
        MintAgain, NewUser, NextPane, PageDown, PageUp, PatientView, PromptCancel, PromptSubmit,
        QueueBack, QueueHold, QueuePause, QueueSkip, QueueStop, Quit, Select, StartQueue,
        StatusFilter, StopLoading, Toggle, Up,
    };
    let marked = !app.patients.marks.is_empty();
    Some(match a {
        // The queue: O once patients are marked (before, it only says to mark them); once
        // marked, Space and (a filter narrowing the list) `*` before the other steps too (at 80
        // columns Enter gives way to them); with a filter on and no marks, marking is the next
        // step; else `*` marks the whole team: `?` lists it, and the bar where there is room.
        StartQueue | Mark if marked => 1,
        MarkAll if marked && app.patients_narrowed() => 1,
        ForceQuit | PageUp | PageDown | Home | End | ClearPrompt | StartQueue => return None,
        ClearFilter | Cancel | StopLoading | PromptSubmit | PromptCancel | ConfirmYes
        | ConfirmNo | CloseOverlay => 0,
        NextPane | Quit | Help => 1,
        Mark | MarkAll if app.patients_narrowed() => 2,
        // Under `F`'s filter, F is its way on and out.
        StatusFilter if app.patients.list.status_filter().label().is_some() => 2,
        MarkAll => 6,
        Mint | Back | Copy | PatientView | Select | Toggle | EditRedirect | QueueSkip
        | QueueStop | CloseSummary | QueueHold => 2,
        // The patient's language comes before the display's tweaks (invert, blocks, save png);
        // every key of the queue before them too (a narrow bar takes the tighter words first).
        MintAgain
        | Filter
        | NewUser
        | Mark
        | StatusFilter
        | Action::PatientLanguage
        | QueueBack
        | QueuePause => 3,
        Up | Down => 5,
        _ => 4,
    })
}

fn short_keys(b: &Binding) -> String {
    b.keys.first().map_or_else(
        || "any key".into(),
        |k| match k.label().as_str() {
            "Up" => "↑".to_string(),
            "Down" => "↓".to_string(),
            "PageUp" => "PgUp".to_string(),
            "PageDown" => "PgDn".to_string(),
            other => other.to_string(),
        },
    )
}

/// The keys the bar shows in `width` columns: the most needed that fit, in the key table's
/// order. When the short words leave out a key of need 3 or less, the tighter words are used
/// (at 80 columns the Patient pane's `F`, Space and `O` fit that way).
fn bar(app: &App, width: usize) -> Vec<(String, String)> {
    let fit = |tight: bool| {
        let all = active_bindings(app, tight);
        let cost = |(keys, what, _): &(String, String, u8)| {
            keys.chars().count() + what.chars().count() + 3
        };
        let mut by_need: Vec<usize> = (0..all.len()).collect();
        by_need.sort_by_key(|&i| all[i].2);
        let mut chosen = vec![false; all.len()];
        let mut used = 0;
        // A key of need 4 or more does not take the room a needed one (3 or less) was refused
        // (`i` never stands where `L` did not fit): the bar keeps the needs' order.
        let mut refused: Option<u8> = None;
        for i in by_need {
            if refused.is_some_and(|n| all[i].2 > n) {
                break;
            }
            if used + cost(&all[i]) <= width {
                used += cost(&all[i]);
                chosen[i] = true;
            } else if all[i].2 <= 3 {
                refused = refused.or(Some(all[i].2));
            }
        }
        let left_out = all.iter().zip(&chosen).any(|((_, _, n), c)| *n <= 3 && !c);
        let shown = all
            .into_iter()
            .zip(chosen)
            .filter(|(_, c)| *c)
            .map(|((keys, what, _), _)| (keys, what))
            .collect::<Vec<_>>();
        (shown, left_out)
    };
    match fit(false) {
        (shown, false) => shown,
        _ => fit(true).0,
    }
}

fn draw_keys(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    for (keys, what) in bar(app, area.width as usize) {
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The status row: the news, or what to do next. A message longer than the row is shortened on
/// purpose (cut between words, marked `…`; `?` lists the recent messages), so the key bar above
/// it always shows.
fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = news(app, theme).unwrap_or_else(|| Line::styled(hint(app), theme.muted()));
    frame.render_widget(
        Paragraph::new(shorten_line(line, usize::from(area.width))),
        area,
    );
}

/// What the status has to say besides the usual hint: the request in flight, a wait between
/// retries, or the latest message.
fn news(app: &App, theme: &Theme) -> Option<Line<'static>> {
    let waiting = app
        .retry_wait()
        .map(|r| format!("{} ", sanitize(&r.describe(app.now))));
    if let Some((_, request)) = app.requests.change() {
        let what = match request {
            Request::Mint { .. } => "Minting a link".to_string(),
            Request::CreateUser { client_user_id } => {
                format!("Creating patient {}", sanitize(client_user_id))
            }
            Request::AppCode { .. } => "Making an app code".to_string(),
        };
        Some(Line::from(vec![
            Span::styled(format!("{} ", spinner(app)), theme.primary()),
            Span::raw(format!("{what}… ")),
            Span::styled(waiting.unwrap_or_default(), theme.warning()),
            // In a queue Esc stops the queue; `n` leaves this mint for the next patient.
            Span::styled(
                if app.queue_in_progress() {
                    "(n skips)"
                } else {
                    "(Esc cancels)"
                },
                theme.muted(),
            ),
        ]))
    } else if let Some(waiting) = waiting {
        Some(Line::from(vec![
            Span::styled(format!("{} ", spinner(app)), theme.primary()),
            Span::raw("Loading the patient list… "),
            Span::styled(waiting, theme.warning()),
            Span::styled("(Esc stops)", theme.muted()),
        ]))
    } else {
        app.toast.as_ref().map(|t| {
            let style = match t.level {
                Level::Info => Style::new(),
                Level::Success => theme.success(),
                Level::Warning => theme.warning(),
                Level::Error => theme.danger(),
            };
            Line::styled(sanitize(&t.text), style)
        })
    }
}

/// What to do next, when nothing else is said.
fn hint(app: &App) -> String {
    if app.queue.is_some() || app.queue_preview.is_some() {
        return super::queue::hint(app);
    }
    match app.screen {
        Screen::Link(_) | Screen::PatientView { .. } => {
            "Let the patient scan the code, or c to copy the link".into()
        }
        Screen::AppCode(_) | Screen::AppCodePatient { .. } => {
            "Read the code to the patient, or K to show them the steps".into()
        }
        Screen::ClinicApp(_) => "Let the patient scan the store code, then sign in there".into(),
        Screen::Panes => match app.patients.selected_user() {
            None => "Pick a patient: ↑↓ then Enter, / to filter, n for a new one".into(),
            Some(u) => {
                let allow = match app.providers.ticked.len() {
                    0 => "all linkable providers".to_string(),
                    1 => "1 provider allowed".to_string(),
                    n => format!("{n} providers allowed"),
                };
                format!(
                    "Patient {} · {allow} · m mints the link",
                    sanitize(&u.client_user_id)
                )
            }
        },
    }
}
