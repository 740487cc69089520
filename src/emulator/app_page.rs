//! The simulated Junction Connect app at `GET /app`: plain HTML with form posts, no JavaScript,
//! for offline demos and tests of the app-code path. The patient enters the code (the page
//! exchanges it, as the app does: it works once), sees the team's name, presses "Allow Apple
//! Health", and the emulator adds an `apple_health_kit` connection to that user, so `GET
//! /v2/user/providers/{id}` lists it and the console's watcher sees it. A wrong, used or
//! expired code each get their own page. The page is in the patient's language (`?lang=es`,
//! a language row on every page; English by default). On the Allow page (signed in, the code
//! already used) the language row is a form that keeps the sign-in (`POST /app/signed-in`), so
//! changing the language there never strands the patient. Everything echoed is HTML-escaped.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use super::app_codes::CodeRefusal;
use super::link_page::html_escape;
use crate::i18n::{Arg, Language, text};

type Params = HashMap<String, String>;

/// The provider the simulated app connects.
pub const APPLE_HEALTH: &str = "apple_health_kit";

fn language(q: &Params) -> Language {
    q.get("lang")
        .and_then(|l| Language::parse(l))
        .unwrap_or_default()
}

/// A message in `lang`, HTML-escaped (a team name inside it included).
fn t(lang: Language, id: &str) -> String {
    html_escape(&text(lang, id, &[]))
}

/// Each language in its own name, as `item` writes it (with `tag`, `name` and `current`, the
/// `aria-current` of `lang`'s own), one after another.
fn language_items(lang: Language, item: impl Fn(&str, &str, &str) -> String) -> String {
    let mut row = String::new();
    for l in Language::ALL {
        let current = if l == lang {
            " aria-current=\"true\""
        } else {
            ""
        };
        row.push_str(&item(l.tag(), &html_escape(l.name()), current));
    }
    row
}

/// The language row: each language in its own name, linking to the code form in it.
fn languages(lang: Language) -> String {
    let row = language_items(lang, |tag, name, current| {
        format!(
            " <a href=\"/app?lang={tag}\" hreflang=\"{tag}\" lang=\"{tag}\"{current}>{name}</a>"
        )
    });
    format!(
        "<p id=\"languages\"><small>{}:{row}</small></p>",
        t(lang, "app-page-language")
    )
}

/// The language row of the Allow page: one form that keeps the sign-in, a button per language
/// (links to `/app?lang=` would drop it, and the code is already used).
fn signed_in_languages(lang: Language, token: &str) -> String {
    let row = language_items(lang, |tag, name, current| {
        format!(
            " <button class=\"l\" name=\"lang\" value=\"{tag}\" lang=\"{tag}\"{current}>{name}</button>"
        )
    });
    format!(
        "<form method=\"post\" action=\"/app/signed-in\" id=\"languages\">\
         <input type=\"hidden\" name=\"sign_in_token\" value=\"{token}\">\
         <small>{label}:{row}</small></form>",
        token = html_escape(token),
        label = t(lang, "app-page-language"),
    )
}

/// A whole page in `lang`: inline style only, sized for a phone.
fn page(status: StatusCode, lang: Language, body: &str) -> Response {
    page_with_languages(status, lang, body, &languages(lang))
}

/// A whole page in `lang` with the given language row.
fn page_with_languages(
    status: StatusCode,
    lang: Language,
    body: &str,
    languages: &str,
) -> Response {
    let title = t(lang, "app-page-title");
    let html = format!(
        "<!doctype html><html lang=\"{tag}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1rem;\
         font-size:1.1rem;line-height:1.5}}\
         a.b,button,input{{display:block;width:100%;box-sizing:border-box;padding:.8rem;\
         margin:.4rem 0;font-size:1.1rem;border-radius:.5rem}}\
         a.b{{border:1px solid #888;text-decoration:none;color:inherit;text-align:center}}\
         input{{letter-spacing:.2rem;font-family:monospace}}\
         button{{background:#1a5;color:#fff;border:0}} .error{{color:#b00;font-weight:bold}}\
         button.l{{display:inline;width:auto;padding:0;margin:0 .2rem;background:none;\
         color:#06c;text-decoration:underline;font-size:inherit}}\
         small{{color:#666}}\
         </style></head><body><h1>{title}</h1>{body}{languages}\
         <p><small>{footer}</small></p></body></html>",
        tag = lang.tag(),
        footer = t(lang, "app-page-footer"),
    );
    (status, Html(html)).into_response()
}

fn code_form(lang: Language) -> String {
    format!(
        "<form method=\"post\" action=\"/app/code\" id=\"code\">\
         <input type=\"hidden\" name=\"lang\" value=\"{tag}\">\
         <label>{label}<input name=\"code\" autocomplete=\"one-time-code\" autocapitalize=\"none\" \
         spellcheck=\"false\"></label><button type=\"submit\">{go}</button></form>",
        tag = lang.tag(),
        label = t(lang, "app-page-code-label"),
        go = t(lang, "app-page-continue"),
    )
}

/// `GET /app[?lang=es]`: the code form.
pub async fn start(Query(q): Query<Params>) -> Response {
    let lang = language(&q);
    page(
        StatusCode::OK,
        lang,
        &format!(
            "<p>{}</p>{}",
            t(lang, "app-page-enter-code"),
            code_form(lang)
        ),
    )
}

/// A page that says why the code or sign-in cannot be used, with the way back.
fn refused(lang: Language, status: StatusCode, reason: &str, message_id: &str) -> Response {
    page(
        status,
        lang,
        &format!(
            "<p class=\"error\" id=\"error\" data-reason=\"{reason}\">{}</p>\
             <a class=\"b\" href=\"/app?lang={}\">{}</a>",
            t(lang, message_id),
            lang.tag(),
            t(lang, "app-page-try-again"),
        ),
    )
}

/// The code as the patient typed it: spaces (read aloud in groups) left out, any case.
fn typed_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `POST /app/code` (`code`, `lang`): exchanges the code as the app does, then asks for Health
/// access on behalf of the team.
pub async fn code(State(shared): State<Arc<Shared>>, Form(q): Form<Params>) -> Response {
    let lang = language(&q);
    let code = typed_code(q.get("code").map_or("", String::as_str));
    let mut team = shared.team();
    let now = team.now();
    let signed_in = match team.app_codes.exchange(&code, now) {
        Ok(x) => x,
        Err(CodeRefusal::Unknown) => {
            return refused(
                lang,
                StatusCode::NOT_FOUND,
                "unknown",
                "app-page-code-unknown",
            );
        }
        Err(CodeRefusal::Used) => {
            return refused(lang, StatusCode::GONE, "used", "app-page-code-used");
        }
        Err(CodeRefusal::Expired) => {
            return refused(lang, StatusCode::GONE, "expired", "app-page-code-expired");
        }
    };
    let team_name = team.app_codes.team_name.clone();
    drop(team);
    allow_page(lang, &team_name, &signed_in.sign_in_token)
}

/// The signed-in page: the team's invitation and "Allow Apple Health", its language row keeping
/// the sign-in.
fn allow_page(lang: Language, team_name: &str, token: &str) -> Response {
    let invited = html_escape(&text(
        lang,
        "app-page-invited",
        &[("team", Arg::Str(team_name))],
    ));
    page_with_languages(
        StatusCode::OK,
        lang,
        &format!(
            "<p id=\"team\">{invited}</p>\
             <form method=\"post\" action=\"/app/allow\" id=\"allow\">\
             <input type=\"hidden\" name=\"lang\" value=\"{tag}\">\
             <input type=\"hidden\" name=\"sign_in_token\" value=\"{token}\">\
             <button type=\"submit\">{allow}</button></form>",
            tag = lang.tag(),
            token = html_escape(token),
            allow = t(lang, "app-page-allow-apple-health"),
        ),
        &signed_in_languages(lang, token),
    )
}

/// `POST /app/signed-in` (`sign_in_token`, `lang`): the Allow page again, in another language,
/// still signed in.
pub async fn signed_in(State(shared): State<Arc<Shared>>, Form(q): Form<Params>) -> Response {
    let lang = language(&q);
    let token = q.get("sign_in_token").map_or("", String::as_str);
    let team = shared.team();
    if !team.app_codes.sign_ins.contains_key(token) {
        drop(team);
        return refused(
            lang,
            StatusCode::UNAUTHORIZED,
            "signed-out",
            "app-page-session-expired",
        );
    }
    let team_name = team.app_codes.team_name.clone();
    drop(team);
    allow_page(lang, &team_name, token)
}

/// `POST /app/allow` (`sign_in_token`, `lang`): Health access granted: the user's
/// `apple_health_kit` connection.
pub async fn allow(State(shared): State<Arc<Shared>>, Form(q): Form<Params>) -> Response {
    let lang = language(&q);
    let token = q.get("sign_in_token").map_or("", String::as_str);
    let mut team = shared.team();
    let user = team.app_codes.sign_ins.get(token).copied();
    let Some(user) = user.filter(|u| team.connect(*u, APPLE_HEALTH)) else {
        return refused(
            lang,
            StatusCode::UNAUTHORIZED,
            "signed-out",
            "app-page-session-expired",
        );
    };
    tracing::debug!(user_id = %user, "the simulated app connected Apple Health");
    page(
        StatusCode::OK,
        lang,
        &format!(
            "<p id=\"done\" data-slug=\"{APPLE_HEALTH}\">{}</p>",
            t(lang, "app-page-connected")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_read_aloud_in_groups_is_taken_as_one() {
        assert_eq!(typed_code(" skus 1a2b 3c4d "), "skus1a2b3c4d");
        assert_eq!(typed_code("SKUS-1A2B-3C4D"), "skus1a2b3c4d");
        assert_eq!(typed_code(&"a".repeat(500)).len(), 64);
    }
}
