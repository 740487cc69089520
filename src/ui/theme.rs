//! Colours by role, with terminal defaults and REVERSED for selection, so text reads on light,
//! dark and `NO_COLOR` terminals. The QR code is the exception: it always uses explicit
//! black-on-white, because a scanner needs dark modules on a light ground.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, Default)]
pub struct Theme {
    pub no_color: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.no_color {
            Style::new()
        } else {
            Style::new().fg(c)
        }
    }

    pub fn primary(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn muted(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn success(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warning(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn danger(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The characters a filter matched (underlined, so `NO_COLOR` shows them too).
    pub fn matched(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn focused_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The environment badge: production is red, always.
    pub fn badge(&self, production: bool) -> Style {
        match (production, self.no_color) {
            (true, false) => Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            (false, false) => Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            (_, true) => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    /// QR modules: black on white (or swapped when inverted), as explicit 256-colour indices
    /// 16 and 231, which themes do not remap.
    pub fn qr(&self, invert: bool) -> Style {
        let (dark, light) = (Color::Indexed(16), Color::Indexed(231));
        if invert {
            Style::new().fg(light).bg(dark)
        } else {
            Style::new().fg(dark).bg(light)
        }
    }
}
