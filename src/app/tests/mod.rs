//! Pure tests of `update`: keys and API answers in, state and effects out. No terminal. One file
//! per feature, as in `app/`; the helpers shared by them (and by the `ui` snapshots) are here.

pub(crate) mod app_code;
mod connections;
mod copy;
mod filter;
pub(crate) mod history;
mod kept_results;
mod keys;
mod link_view;
mod lists;
mod mint;
mod options;
mod overlay;
mod patient_language;
mod patient_view;
mod patients;
pub(crate) mod presets;
mod prompt;
mod properties;
mod providers;
mod registry;
pub(crate) mod status;
mod toast;

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use uuid::Uuid;

use super::options::OptionRow;
use super::overlay::Confirm;
use super::prompt::PromptKind;
use super::requests::{RequestId, Task};
use super::screen::Screen;
use super::toast::TOAST_SECS;
use super::*;
use crate::api::{
    ApiError, CreatedUser, FieldError, LinkToken, LinkTokenRequest, Provider, User, UsersPage,
};
use crate::clipboard::CopyOutcome;
use crate::link::LinkUrl;
use crate::link::catalog;
use crate::setup::connection::{Environment, Region};

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A copy of a key message (messages are not `Clone`: answers carry errors).
pub(crate) fn clone_msg(m: &Msg) -> Msg {
    match m {
        Msg::Key(k) => Msg::Key(*k),
        other => panic!("only keys are cloned: {other:?}"),
    }
}

pub(crate) fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub(crate) fn t0() -> DateTime<Utc> {
    "2026-11-24T10:00:00Z".parse().unwrap()
}

fn user(n: usize) -> User {
    let id = crate::emulator::generated_client_id(n);
    let mut u = user_named(&id);
    u.user_id = crate::emulator::stable_uuid(&id);
    u
}

/// A user with this `client_user_id`, created at [`t0`], with a random `user_id`.
pub(crate) fn user_named(client_user_id: &str) -> User {
    User {
        user_id: Uuid::new_v4(),
        team_id: None,
        client_user_id: client_user_id.to_string(),
        created_on: Some(t0()),
        connected_sources: vec![],
        fallback_time_zone: None,
        fallback_birth_date: None,
        ingestion_start: None,
        ingestion_end: None,
    }
}

/// A team of `p1`..`pN` (`user_id` N), the ones in `connected` listed with Oura connected.
pub(crate) fn team(n: usize, connected: &[usize]) -> Vec<User> {
    (1..=n)
        .map(|i| {
            let mut u = user_named(&format!("p{i}"));
            u.user_id = Uuid::from_u128(i as u128);
            if connected.contains(&i) {
                u.connected_sources = vec![crate::api::ConnectedSource {
                    provider: Some(crate::api::ProviderRef {
                        name: "Oura".into(),
                        slug: "oura".into(),
                        logo: None,
                    }),
                    source: None,
                    created_on: None,
                }];
            }
            u
        })
        .collect()
}

pub(crate) fn production_badge() -> Badge {
    Badge::Vital {
        env: Environment::Production,
        region: Region::Us,
    }
}

pub(crate) fn env(production: bool) -> EnvInfo {
    EnvInfo {
        badge: if production {
            production_badge()
        } else {
            Badge::Vital {
                env: Environment::Sandbox,
                region: Region::Us,
            }
        },
        host: "https://api.sandbox.us.junction.com".into(),
        key_prefix: Some("sk_us_"),
        read_only: false,
        profile: None,
    }
}

/// An app that has just asked for its first page and the providers.
pub(crate) fn starting() -> App {
    let mut app = App::new(
        env(false),
        ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, 80, 24),
    );
    app.start();
    app
}

/// A page of the generated users `range`, out of `total`, at `offset`.
pub(crate) fn page(range: std::ops::RangeInclusive<usize>, total: u64, offset: u64) -> UsersPage {
    UsersPage {
        users: range.map(user).collect(),
        total,
        offset,
        limit: 500,
    }
}

/// The `client_user_id` of the loaded patient at list position `i`.
pub(crate) fn client_id(app: &App, i: usize) -> String {
    app.patients
        .list
        .items()
        .get_ref(i)
        .client_user_id
        .to_string()
}

/// An app with `n` users and the catalog loaded.
pub(crate) fn loaded(n: usize, production: bool) -> App {
    let mut app = App::new(
        env(production),
        ConsoleConfig::default(),
        t0(),
        Rect::new(0, 0, 80, 24),
    );
    let fx = app.start();
    assert_eq!(fx.len(), 3);
    read_status(&mut app, &[]);
    app.update(Msg::UsersLoaded {
        request: RequestId(1),
        result: Ok(UsersPage {
            users: (1..=n).map(user).collect(),
            total: n as u64,
            offset: 0,
            limit: 500,
        }),
    });
    let all: Vec<Provider> = catalog::all()
        .iter()
        .map(super::super::link::catalog::CatalogEntry::to_provider)
        .collect();
    app.update(Msg::ProvidersLoaded {
        id: live(&app, Task::LoadProviders),
        result: Ok(all),
    });
    app
}

/// Answers the audit log read for the patients' statuses (started by `start` and `R`) with
/// these rows (none: a desk that never minted).
pub(crate) fn read_status(app: &mut App, events: &[crate::audit::Event]) -> Vec<Effect> {
    let ledger = crate::audit::onboarding::Ledger::from_events(events, &app.audit_scope());
    answer(app, requests::Pending::Status, |id| Msg::StatusLoaded {
        id,
        result: Ok(ledger),
    })
}

fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| app.update(m)).collect()
}

fn typed(s: &str) -> Vec<Msg> {
    s.chars().map(ch).collect()
}

/// The patients whose connections `effects` ask for; any other effect fails the test.
pub(crate) fn connections_asked(effects: &[Effect]) -> Vec<Uuid> {
    effects
        .iter()
        .map(|e| match e {
            Effect::LoadConnections { user_id, .. } => *user_id,
            other => panic!("only connection loads expected: {other:?}"),
        })
        .collect()
}

/// Answers the newest request of `pending`'s kind in flight (one is started for the test when
/// none is) with the message `answer` makes for its id.
pub(crate) fn answer(
    app: &mut App,
    pending: requests::Pending,
    answer: impl FnOnce(RequestId) -> Msg,
) -> Vec<Effect> {
    let id = app
        .requests
        .ids(pending.task())
        .last()
        .unwrap_or_else(|| app.requests.start(pending));
    app.update(answer(id))
}

/// The provider list answers that the key was refused (`target` names the API).
pub(crate) fn providers_refused(app: &mut App, target: &str) {
    answer(app, requests::Pending::Providers, |id| {
        Msg::ProvidersLoaded {
            id,
            result: Err(ApiError::Unauthorized {
                status: 401,
                target: target.into(),
            }),
        }
    });
}

/// The newest request of `task` in flight.
pub(crate) fn live(app: &App, task: Task) -> RequestId {
    app.requests.ids(task).last().expect("a request in flight")
}

pub(crate) fn mint_request(effects: &[Effect]) -> (RequestId, LinkTokenRequest) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Mint { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .expect("a mint effect")
}

fn token() -> LinkToken {
    LinkToken {
        link_token: "tok+/=".into(),
        link_web_url: "https://link.tryvital.io/?token=tok%2B%2F%3D&env=sandbox&region=us".into(),
    }
}

pub(crate) fn link_url() -> LinkUrl {
    LinkUrl(token().link_web_url)
}

/// The native clipboard took `url`, a link minted at [`t0`].
pub(crate) fn copied(url: LinkUrl) -> Msg {
    Msg::Copied {
        url,
        expires_at: t0() + chrono::Duration::minutes(60),
        outcome: CopyOutcome::System,
    }
}

/// Selects the highlighted patient, mints, and answers with [`token`] minted at [`t0`].
fn show_link(app: &mut App) {
    send(app, [key(KeyCode::Enter)]);
    let (id, _) = mint_request(&send(app, [ch('m')]));
    app.update(Msg::Minted {
        id,
        at: t0(),
        result: Ok(token()),
    });
    assert!(matches!(app.screen, Screen::Link(_)));
}

/// Reloads the patient list (`R`) and answers with `users` as the whole team.
pub(crate) fn reload_with(app: &mut App, users: Vec<User>) {
    let fx = send(app, [ch('R')]);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers { request, .. } => Some(*request),
            _ => None,
        })
        .expect("R asks for the first page");
    let total = users.len() as u64;
    app.update(Msg::UsersLoaded {
        request,
        result: Ok(UsersPage {
            users,
            total,
            offset: 0,
            limit: 500,
        }),
    });
}
