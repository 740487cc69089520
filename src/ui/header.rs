//! The header: the environment badge (formatted here from `app::header::Badge`), the host, at
//! most the key prefix, and where help is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::{App, Badge};

/// The badge's words: `DEMO`, `SANDBOX us`, `PRODUCTION eu · custom host`.
pub fn badge_text(badge: Badge) -> String {
    match badge {
        Badge::Demo => "DEMO".into(),
        Badge::Vital { env, region } => {
            format!("{} {}", env.as_str().to_uppercase(), region.as_str())
        }
        Badge::Custom { env, region } => format!(
            "{} {} · custom host",
            env.as_str().to_uppercase(),
            region.as_str()
        ),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let env = &app.env;
    let mut spans = vec![
        Span::styled(
            format!(" {} ", badge_text(env.badge)),
            theme.badge(env.is_production()),
        ),
        Span::raw(" "),
    ];
    // The demo's badge already says what `--profile demo` is.
    if let Some(profile) = env
        .profile
        .as_ref()
        .filter(|p| *p != crate::setup::profiles::DEMO)
    {
        spans.push(Span::styled(
            format!("profile {} ", crate::text::sanitize(profile)),
            super::widgets::bold(),
        ));
    }
    if env.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.badge(false)));
        spans.push(Span::raw(" "));
    }
    let host = match env.badge {
        Badge::Demo => format!("built-in emulator at {}", env.host),
        _ => env.host.clone(),
    };
    spans.push(Span::raw(host));
    if let Some(prefix) = env.key_prefix {
        spans.push(Span::styled(format!("  key {prefix}…"), theme.muted()));
    }
    let right = " ? help ";
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let w = right.len() as u16;
    if area.width > w {
        frame.render_widget(
            Paragraph::new(Span::styled(right, theme.muted())),
            Rect::new(area.right() - w, area.y, w, 1),
        );
    }
}
