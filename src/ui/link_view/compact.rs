//! The compact staff link view, below the full one's size: the code at full height on the left
//! (quiet zone kept), the badge, patient, expiry, fingerprint, the patient's language, the
//! watcher's lines, what the patient will see and "c copies the URL" beside it, the keys and the
//! status on the last row.

#[allow(
    clippy::wildcard_imports,
    reason = "the link view's own drawing pieces and imports"
)]
use super::*;

/// The compact layout over the whole terminal: the code at full height on the left (its quiet
/// zone kept), the words right of it, the keys and the status on the last row.
pub(super) fn draw(frame: &mut Frame, area: Rect, v: &View, views: &StaffViews, fit: &Fit) {
    let gap = match fit.arrangement {
        Arrangement::Beside { gap, .. } => gap,
        Arrangement::Stacked { .. } => 0,
    };
    let areas = layout::compact_link(area, fit.cells(), gap);
    paint_code(frame, areas.code, fit, v);
    let words = compact_words(v, views, fit, areas.words, (area.width, area.height));
    frame.render_widget(Paragraph::new(words), areas.words);
    crate::ui::key_bar::draw_shared(frame, areas.bar, v.app, v.theme);
}

/// The compact layout's words, one row each and cut to the column on purpose: the badge, the
/// patient, expiry and fingerprint on top, "c copies the URL" at the bottom, and between them in
/// the rows left the watcher's lines, then what the patient will see (the last row marked `…`
/// when some do not fit).
fn compact_words(
    v: &View,
    views: &StaffViews,
    fit: &Fit,
    area: Rect,
    size: (u16, u16),
) -> Vec<Line<'static>> {
    let (app, theme, link) = (v.app, v.theme, &v.shown.link);
    let width = usize::from(area.width);
    let patient = if link.client_user_id.is_empty() {
        link.user_id.to_string()
    } else {
        sanitize(&link.client_user_id)
    };
    let mut top = vec![
        Line::from(Span::styled(
            format!(" {} ", crate::ui::header::badge_text(app.env.badge)),
            theme.badge(app.env.is_production()),
        )),
        Line::default(),
        Line::styled("Link for the patient", bold()),
        Line::styled(patient, theme.primary()),
        Line::default(),
        if link.is_expired(app.now) {
            Line::styled("Expired — press r for a new link", theme.danger())
        } else {
            expiry_line(app, v.shown, 9, theme)
        },
        label_value("Token", &link.fingerprint(), 9, theme),
        label_value("Language", &language_words(v.shown), 9, theme),
    ];
    if fit.style != app.qr.style
        && let Some((w, h)) = views.compact.needed_for(&v.shown.codes, app.qr.style, size)
    {
        top.push(Line::styled(
            format!("Half blocks: full ones need {w} x {h}"),
            theme.warning(),
        ));
    }
    let bottom = if v.usable() {
        vec![
            Line::default(),
            Line::from(vec![
                Span::styled("c", theme.key()),
                Span::raw(" copies the URL"),
            ]),
        ]
    } else {
        vec![]
    };
    let mut middle = vec![Line::default()];
    let watcher = crate::ui::watcher::staff_lines(app, v.shown, theme);
    let offered = crate::ui::watcher::offered_lines(v.shown, theme);
    for line in watcher.into_iter().chain(offered) {
        let style = line.spans.first().map_or(line.style, |s| s.style);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        middle.extend(
            wrap_words(&text, width)
                .into_iter()
                .map(|l| Line::styled(l, style)),
        );
    }
    let room = usize::from(area.height).saturating_sub(top.len() + bottom.len());
    if middle.len() > room {
        middle.truncate(room);
        if let Some(mut last) = middle.pop() {
            last.push_span(Span::raw(" …"));
            middle.push(shorten_line(last, width));
        }
    }
    top.into_iter()
        .chain(middle)
        .chain(bottom)
        .map(|l| shorten_line(l, width))
        .collect()
}
