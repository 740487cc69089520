//! What the connection watcher and the Link-page check show: in the staff view,
//! "Connected: Oura ✓" with its resources, failures in plain words with what to do, "The patient
//! will see: …" with the ticked providers that will not appear, and the "watching for the
//! connection… (last check 10:41:03)" line; in the patient-facing view, plain words only.

use ratatui::text::{Line, Span};

use super::Theme;
use crate::app::App;
use crate::app::offered::Offered;
use crate::app::screen::ShownLink;
use crate::link::offered::PageOffer;
use crate::link::patient_text;

/// Lines for the staff view about what the Link page will offer.
pub fn offered_lines(shown: &ShownLink, theme: &Theme) -> Vec<Line<'static>> {
    match &shown.offered {
        None => vec![],
        Some(Offered::Asking) => vec![Line::styled(
            "Asking what the patient will see…",
            theme.muted(),
        )],
        Some(Offered::Failed(e)) => vec![Line::styled(
            format!("Could not check what the patient will see: {e}"),
            theme.warning(),
        )],
        Some(Offered::Known(PageOffer { names, missing })) => {
            let seen = if names.is_empty() {
                "nothing (no provider can be connected)".to_string()
            } else if names.len() > 8 {
                format!("{} and {} more", names[..8].join(", "), names.len() - 8)
            } else {
                names.join(", ")
            };
            let mut out = vec![Line::from(vec![
                Span::styled("The patient will see: ", theme.muted()),
                Span::raw(seen),
            ])];
            out.extend(missing.iter().map(|m| {
                Line::styled(
                    format!("Not shown: {} ({})", m.slug, m.reason),
                    theme.warning(),
                )
            }));
            out
        }
    }
}

/// Lines for the staff view about the watcher.
pub fn staff_lines(app: &App, shown: &ShownLink, theme: &Theme) -> Vec<Line<'static>> {
    let w = &shown.watch;
    let mut out = Vec::new();
    for a in &w.arrived {
        out.push(Line::styled(
            format!("Connected: {} ✓", a.name),
            theme.success(),
        ));
        if !a.resources.is_empty() {
            out.push(Line::styled(
                format!("  resources: {}", a.resources.join(", ")),
                theme.muted(),
            ));
        }
    }
    for f in &w.failed {
        out.push(Line::styled(
            format!("{} failed ({}): {}", f.name, f.error_type, f.advice),
            theme.danger(),
        ));
    }
    if w.consumed() {
        out.push(Line::styled(
            "The link is used up (one connection per link): r mints another",
            theme.muted(),
        ));
        return out;
    }
    if shown.link.is_expired(app.now) {
        return out;
    }
    let last = w.last_check.map_or_else(
        || "first check…".to_string(),
        |t| {
            format!(
                "last check {}",
                t.with_timezone(&app.config.utc_offset).format("%H:%M:%S")
            )
        },
    );
    out.push(Line::styled(
        format!("Watching for the connection… ({last})"),
        theme.muted(),
    ));
    if let Some(e) = &w.last_error {
        out.push(Line::styled(
            format!(
                "Checks are failing ({} in a row, next in {} s): {e}",
                w.failures,
                w.delay().as_secs()
            ),
            theme.warning(),
        ));
    }
    out
}

/// The patient-facing sentence once something happened, if anything did, in the shown link's
/// language.
pub fn patient_sentence(shown: &ShownLink) -> Option<String> {
    let w = &shown.watch;
    let lang = shown.language;
    let names: Vec<&str> = w.arrived.iter().map(|a| a.name.as_str()).collect();
    patient_text::connected(lang, &names)
        .or_else(|| w.failed.last().map(|f| patient_text::failed(lang, &f.name)))
}
