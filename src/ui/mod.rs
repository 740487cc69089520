//! Drawing. Every function here reads the state and paints a frame; none changes anything.
//! `ui/X.rs` draws what `app/X.rs` holds, into the rectangles `app::layout` computes.

mod app_code;
mod app_code_patient;
#[cfg(test)]
mod app_code_tests;
mod flow;
mod header;
mod history;
mod key_bar;
mod link_view;
mod options;
mod overlay;
mod patient_view;
mod patients;
mod presets;
pub mod profile_picker;
mod prompt;
mod providers;
mod queue;
#[cfg(test)]
mod screen_tests;
#[cfg(test)]
mod status_tests;
#[cfg(test)]
mod tests;
pub mod theme;
mod watcher;
mod widgets;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::app::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::app::screen::Screen;
pub use theme::Theme;
pub use widgets::wrap_words;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if layout::too_small(area) {
        if let Screen::PatientView { .. } | Screen::AppCodePatient { .. } = &app.screen {
            // The patient may be the one looking: no "q quits" for them.
            patient_view::draw_too_small(frame, area, app, theme);
        } else {
            draw_too_small(frame, area, theme);
        }
        return;
    }
    match (&app.screen, &app.queue) {
        (Screen::PatientView { shown, .. }, _) => {
            patient_view::draw(frame, area, app, shown, theme);
        }
        (Screen::Link(shown), q) => {
            link_view::draw(frame, area, app, shown, theme);
            if let Some(q) = q {
                queue::draw_strip(frame, area, q, theme);
            }
        }
        (Screen::Panes, Some(q)) => queue::draw(frame, area, app, q, theme),
        (Screen::Panes, None) if app.queue_preview.is_some() => {
            queue::draw_preview(frame, area, app, theme);
        }
        (Screen::AppCode(shown), _) => app_code::draw(frame, area, app, shown, theme),
        (Screen::AppCodePatient { shown, .. }, _) => {
            app_code_patient::draw(frame, area, app, shown, theme);
        }
        (Screen::ClinicApp(c), _) => app_code::draw_clinic_app(frame, area, app, c, theme),
        (Screen::Panes, None) => {
            let areas = layout::areas(area);
            header::draw(frame, areas.header, app, theme);
            patients::draw(frame, &areas.patients, app, theme);
            providers::draw(frame, &areas.providers, app, theme);
            options::draw(frame, areas.options, app, theme);
            key_bar::draw(frame, &areas, app, theme);
        }
    }
    overlay::draw(frame, area, app, theme);
}

fn draw_too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = Text::from(vec![
        Line::styled(
            "The terminal is too small for vital-onboard.",
            theme.warning(),
        ),
        Line::from(format!(
            "Enlarge it to at least {MIN_WIDTH} x {MIN_HEIGHT} (now {} x {}).",
            area.width, area.height
        )),
        Line::styled("q quits", theme.muted()),
    ]);
    let y = area.height.saturating_sub(3) / 2;
    let rect = Rect::new(area.x, area.y + y, area.width, area.height.min(3));
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}
