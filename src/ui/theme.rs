//! Colours by role, with terminal defaults and REVERSED for selection, so text reads on light,
//! dark and `NO_COLOR` terminals. The QR code is the exception: it always uses explicit
//! black-on-white, because a scanner needs dark modules on a light ground.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, Default)]
pub struct Theme {
    pub no_color: bool,
    /// The terminal shows OSC 8 hyperlinks: the link view makes the URL's rows one.
    pub hyperlinks: bool,
}

/// Whether the terminal the environment describes (`var` reads a variable) shows OSC 8
/// hyperlinks. Only terminals known to do so: others may print the sequence. Not inside tmux or
/// screen, which pass it on only when configured to.
pub fn hyperlinks_supported(var: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    let term = set("TERM").unwrap_or_default();
    if set("TMUX").is_some() || term.starts_with("screen") || term.starts_with("tmux") {
        return false;
    }
    let program = set("TERM_PROGRAM").unwrap_or_default();
    let vte = set("VTE_VERSION").and_then(|v| v.parse::<u32>().ok());
    matches!(
        program.as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper" | "Tabby" | "rio"
    ) || vte.is_some_and(|v| v >= 5000)
        || set("KITTY_WINDOW_ID").is_some()
        || set("WT_SESSION").is_some()
        || set("KONSOLE_VERSION").is_some()
        || ["kitty", "foot", "ghostty", "wezterm", "alacritty"]
            .iter()
            .any(|t| term.contains(t))
}

impl Theme {
    /// No colours and no hyperlinks: text as a plain terminal shows it.
    pub fn plain() -> Theme {
        Theme {
            no_color: true,
            hyperlinks: false,
        }
    }

    /// The theme for the terminal the environment describes: `NO_COLOR`, and OSC 8 support.
    pub fn for_terminal(var: &dyn Fn(&str) -> Option<String>) -> Theme {
        Theme {
            no_color: var("NO_COLOR").is_some_and(|v| !v.is_empty()),
            hyperlinks: hyperlinks_supported(var),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn hyperlinks_only_where_the_terminal_is_known_to_show_them() {
        for yes in [
            &[("TERM_PROGRAM", "iTerm.app")][..],
            &[("VTE_VERSION", "7600"), ("TERM", "xterm-256color")],
            &[("TERM", "xterm-kitty")],
            &[("WT_SESSION", "abc")],
        ] {
            assert!(hyperlinks_supported(&vars(yes)), "{yes:?}");
        }
        for no in [
            &[("TERM", "xterm-256color")][..],
            &[("TERM", "linux")],
            &[("VTE_VERSION", "4200")],
            &[
                ("TERM_PROGRAM", "iTerm.app"),
                ("TMUX", "/tmp/tmux-1/default,1,0"),
            ],
            &[("TERM", "screen-256color"), ("VTE_VERSION", "7600")],
            &[],
        ] {
            assert!(!hyperlinks_supported(&vars(no)), "{no:?}");
        }
        let t = Theme::for_terminal(&vars(&[("NO_COLOR", "1"), ("TERM", "foot")]));
        assert!(t.no_color && t.hyperlinks);
    }
}
