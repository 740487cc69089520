//! Whole-app tests of presets and the history overlay against the emulator: a preset fills the
//! panes and says so, `S` writes a new preset into the config file keeping its comments, a link
//! minted with a preset is in `H` with the preset's name, and Enter there mints it again.

mod common;

use common::harness::Console;
use common::*;
use crossterm::event::KeyCode;
use vital_onboard::setup::config::{Config, Preset};

const CONFIG: &str = "# the desk's settings\nclinic_name = \"Northside\"\n\n[[preset]]\nname = \"rings\"\nproviders = [\"oura\"]\n";

#[tokio::test(flavor = "multi_thread")]
async fn a_preset_fills_the_panes_s_saves_one_and_h_mints_again() {
    let emu = emulator(12).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let config = Config::load(Some(&cfg)).unwrap();
    let mut c = Console::new(&emu, Some(&db));
    c.driver.app.presets.all.clone_from(&config.preset);
    c.driver.app.config.config_path = Some(cfg.clone());

    c.wait_for("[ ] Fitbit").await;
    c.key(KeyCode::Char('P'));
    c.wait_for("Presets").await;
    c.key(KeyCode::Enter);
    let s = c.wait_for("Preset: rings").await;
    assert!(s.contains("[x] Oura"), "{s}");
    // A change marks it modified.
    c.key(KeyCode::Tab);
    c.key(KeyCode::Char('/'));
    c.keys("fitbit");
    c.key(KeyCode::Enter);
    c.key(KeyCode::Char(' '));
    c.wait_for("Preset: rings (modified)").await;
    // S saves the choices under a new name, keeping the file's comment and order.
    c.key(KeyCode::Char('S'));
    c.wait_for("Save as preset").await;
    c.keys("rings-and-fitbit");
    c.key(KeyCode::Enter);
    c.wait_for("Saved preset rings-and-fitbit").await;
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.starts_with(CONFIG), "{text}");
    let saved = Config::parse(&text, &cfg).unwrap();
    assert_eq!(
        saved.preset.last(),
        Some(&Preset {
            name: "rings-and-fitbit".into(),
            providers: Some(vec!["fitbit".into(), "oura".into()]),
            ..Preset::default()
        })
    );
    c.wait_for("Preset: rings-and-fitbit").await;

    // Mint for a patient; the history shows the link with its preset.
    c.key(KeyCode::BackTab);
    c.key(KeyCode::Char('/'));
    c.keys("patient-00004");
    c.key(KeyCode::Enter);
    c.wait_for("Selected patient-00004").await;
    c.key(KeyCode::Char('m'));
    c.wait_for("Link for the patient").await;
    let first = c.driver.app.screen.shown().unwrap().link.fingerprint();
    c.key(KeyCode::Esc);
    c.key(KeyCode::Char('H'));
    let s = c.wait_for("History of the demo: 1 of 1 link,").await;
    assert!(
        s.contains("patient-00004") && s.contains("rings-and-fitbit"),
        "{s}"
    );
    c.key(KeyCode::Enter);
    c.wait_for("Link minted").await;
    let again = c.driver.app.screen.shown().unwrap().link.clone();
    assert_ne!(again.fingerprint(), first);
    assert_eq!(again.client_user_id, "patient-00004");
    let sent = emu.link_requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].body, sent[1].body,
        "the same settings, the same patient"
    );
}
