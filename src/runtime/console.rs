//! The interactive console on the real terminal: set-up, signals, the loop, and what happens to
//! a copied link when the console quits.

use std::io::Write;

use chrono::Utc;

use super::{Driver, OscSink, system_clock, terminal};
use crate::app::{App, ConsoleConfig, EnvInfo, Msg};
use crate::setup::config::Config;
use crate::setup::session::Session;
use crate::ui::Theme;

/// `--queue FILE [--preset NAME]`: the file's ids, read and checked before the console starts.
pub struct QueueStart {
    pub file: crate::queue_file::QueueFile,
    pub preset: Option<String>,
}

/// Opens the interactive console on the real terminal and runs it until the user quits.
/// `config_notice` says why the config file could not be used (the console then runs on the
/// defaults and shows it).
pub async fn run_console(
    session: &Session,
    config: &Config,
    config_notice: Option<String>,
    queue: Option<QueueStart>,
) -> std::io::Result<()> {
    let env = EnvInfo::from_connection(&session.connection, session.client.base_url());
    let mut console = ConsoleConfig::new(config, *chrono::Local::now().offset())
        .for_profile(config, session.connection.profile.as_deref());
    let (queue_file, queue_preset) = queue.map_or((None, None), |q| (Some(q.file), q.preset));
    if queue_preset.is_some() {
        console.start_preset = queue_preset;
    }
    console
        .operator
        .clone_from(&session.connection.settings.operator.value);
    console.patient_language = session.connection.settings.patient_language.value;
    // The simulated phone app's page at the address links use (the LAN's with --lan).
    console.demo_app_page = session.emulator.as_ref().map(|e| e.app_url().to_string());
    let theme = Theme::for_terminal(&|name| std::env::var(name).ok());
    // The theme honours NO_COLOR itself; crossterm would also drop the QR code's explicit black
    // on white, and a scanner needs those whatever the terminal's theme.
    crossterm::style::force_color_output(true);
    let (guard, terminal) = terminal::TerminalGuard::enter()?;
    let size = terminal.size()?;
    let mut app = App::new(
        env,
        console,
        Utc::now(),
        ratatui::layout::Rect::new(0, 0, size.width, size.height),
    );
    if let Some(notice) = config_notice {
        app.config_notice(notice);
    }
    if let Some(file) = queue_file {
        app.open_queue_file(file);
    }
    let osc: OscSink = Box::new(|seq: &str| {
        let mut out = std::io::stdout();
        let _ = out.write_all(seq.as_bytes());
        let _ = out.flush();
    });
    let mut driver = Driver::new(
        terminal,
        app,
        theme,
        session.client.clone(),
        system_clock(),
        Box::new(crate::clipboard::Native::new()),
        osc,
    );
    if std::env::var_os("VITAL_ONBOARD_PANIC_TEST").is_some() {
        // Test hook (tests/e2e_pty.rs): proves the panic hook restores the terminal.
        driver.draw()?;
        panic!("panic test: VITAL_ONBOARD_PANIC_TEST is set");
    }
    driver.open_history(crate::audit::default_path().as_deref());
    quit_on_signals(driver.sender());
    #[cfg(unix)]
    {
        suspend_on_signal(driver.sender());
        driver.suspend = Some(Box::new(terminal::suspend));
    }
    let result = driver.run(crossterm::event::EventStream::new()).await;
    // A link URL the console copied would vanish from an X11/Wayland clipboard with this process:
    // hand it to the same helper `link --copy` uses, until it expires.
    if let Some(copied) = driver.app.clipboard.clone() {
        let left = (copied.expires_at - Utc::now())
            .to_std()
            .unwrap_or_default();
        if !left.is_zero() && cfg!(target_os = "linux") {
            crate::clipboard::copy_and_keep(copied.url.as_str(), left);
        }
    }
    let farewell = driver.app.queue_farewell();
    let unknown = driver.app.config.operator == crate::setup::settings::UNKNOWN_OPERATOR;
    drop(driver);
    drop(guard);
    // On the restored terminal: the queue's id, so its summary is found again.
    if let Some(line) = farewell {
        let width = crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
        for l in farewell_lines(&crate::text::sanitize(&line), unknown, width) {
            eprintln!("{l}");
        }
    }
    result
}

/// The exit line after a queue, as lines of at most `width` columns broken between words (the
/// terminal would cut a word): how it ended and its totals, then where its summary is, then,
/// when nobody named the operator, how to.
fn farewell_lines(line: &str, operator_unknown: bool, width: usize) -> Vec<String> {
    let mut parts: Vec<String> = line.split("; ").map(str::to_string).collect();
    if operator_unknown {
        parts.push(format!(
            "The summary says by {}: {}",
            crate::setup::settings::UNKNOWN_OPERATOR,
            crate::setup::settings::OPERATOR_HINT
        ));
    }
    parts
        .iter()
        .flat_map(|p| crate::ui::wrap_words(p, width.max(20)))
        .collect()
}

/// The profile picker on the real terminal (several profiles, none chosen): the chosen name,
/// or `None` when the staff quit (q, Esc, Ctrl-C, a signal, the terminal closing). The terminal
/// is restored before it returns; the console then takes it again with the chosen profile.
pub async fn pick_profile(
    entries: Vec<crate::setup::profiles::Entry>,
    key_given: bool,
) -> std::io::Result<Option<String>> {
    use crate::app::profile_picker::{Picked, ProfilePicker};
    use futures::StreamExt;
    let theme = Theme::for_terminal(&|name| std::env::var(name).ok());
    let (guard, mut terminal) = terminal::TerminalGuard::enter()?;
    let (tx, mut quit) = tokio::sync::mpsc::unbounded_channel();
    quit_on_signals(tx);
    let mut picker = ProfilePicker::new(entries).with_key_given(key_given);
    let size = terminal.size()?;
    picker.resize(size.width, size.height);
    let mut events = crossterm::event::EventStream::new();
    let choice = loop {
        terminal.draw(|f| crate::ui::profile_picker::draw(f, &picker, &theme))?;
        let event = tokio::select! {
            e = events.next() => e,
            _ = quit.recv() => break None,
        };
        match event {
            Some(Ok(crossterm::event::Event::Key(key))) => match picker.key(key) {
                Some(Picked::Profile(name)) => break Some(name),
                Some(Picked::Quit) => break None,
                None => {}
            },
            Some(Ok(crossterm::event::Event::Resize(w, h))) => picker.resize(w, h),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e),
            None => break None,
        }
    };
    drop(terminal);
    drop(guard);
    Ok(choice)
}

/// `kill`, a closed terminal and an interrupt from outside end the console cleanly, restoring the
/// terminal (in raw mode Ctrl-C arrives as a key, not as SIGINT).
#[cfg(unix)]
fn quit_on_signals(tx: tokio::sync::mpsc::UnboundedSender<Msg>) {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
        SignalKind::quit(),
    ];
    let mut streams = Vec::new();
    for kind in kinds {
        match signal(kind) {
            Ok(s) => streams.push(s),
            Err(e) => tracing::warn!("cannot watch a signal: {e}"),
        }
    }
    tokio::spawn(async move {
        let waits = streams.iter_mut().map(|s| Box::pin(s.recv()));
        futures::future::select_all(waits).await;
        let _ = tx.send(Msg::Quit);
        // When the terminal itself is gone (its window closed: SIGHUP), crossterm's event source
        // spins inside its poll and never hands the loop back (crossterm-rs/crossterm#793), so
        // the Quit above is never read. A console that has not ended a second later ends here,
        // instead of running on at full CPU with nobody to see it.
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        tracing::warn!("the console did not end within 1 s of a quitting signal: exiting");
        terminal::restore();
        std::process::exit(129);
    });
}

/// `kill -TSTP`: the loop gives the terminal back before stopping (see `terminal::suspend`).
#[cfg(unix)]
fn suspend_on_signal(tx: tokio::sync::mpsc::UnboundedSender<Msg>) {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::from_raw(signal_hook::consts::SIGTSTP)) {
        Ok(mut tstp) => {
            tokio::spawn(async move {
                while tstp.recv().await.is_some() {
                    if tx.send(Msg::Suspend).is_err() {
                        break;
                    }
                }
            });
        }
        Err(e) => tracing::warn!("cannot watch SIGTSTP: {e}"),
    }
}

#[cfg(not(unix))]
fn quit_on_signals(_tx: tokio::sync::mpsc::UnboundedSender<Msg>) {}

#[cfg(test)]
mod tests {
    use super::farewell_lines;

    /// At 80 columns the exit line after a queue breaks between words, and an unknown operator
    /// is followed once by how to name one.
    #[test]
    fn the_exit_line_breaks_between_words_and_names_the_operator_fix() {
        let line = "queue q-20261124-100000-3f9a: stopped early, 0 connected, 1 skipped, 1 not \
                    finished, 3 not reached; history --queue q-20261124-100000-3f9a prints its \
                    summary";
        let lines = farewell_lines(line, true, 80);
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{lines:#?}");
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let joined: Vec<String> = lines.iter().flat_map(|l| words(l)).collect();
        let mut want = words(&line.replace(';', ""));
        want.extend(words(&format!(
            "The summary says by unknown: {}",
            crate::setup::settings::OPERATOR_HINT
        )));
        assert_eq!(joined, want, "{lines:#?}");
        assert!(
            lines
                .iter()
                .any(|l| l == "history --queue q-20261124-100000-3f9a prints its summary"),
            "{lines:#?}"
        );
        assert_eq!(
            lines.iter().filter(|l| l.contains("operator")).count(),
            1,
            "{lines:#?}"
        );
        assert!(
            !farewell_lines(line, false, 80)
                .iter()
                .any(|l| l.contains("operator")),
        );
    }
}
