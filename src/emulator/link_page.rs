//! The emulator's Link page: plain HTML that behaves like the hosted Link widget, for offline
//! demos and QA. No JavaScript, no external assets, readable on a phone. It lists exactly the
//! linkable providers the token allows (or goes straight to its `provider`); an OAuth provider
//! gets a consent page (its "Allow" is a GET, like a real OAuth callback), a password provider a
//! sign-in form (password `wrong` fails with `provider_credential_error`), the email provider an
//! email form. Success adds the connection to the user, consumes the token, and redirects to
//! `redirect_url?state=success` or shows a done page; errors follow `on_error`, Close follows
//! `on_close`. Everything echoed is HTML-escaped.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::Shared;
use super::state::{TokenRecord, TokenState};
use crate::api::AuthType;
use crate::link::catalog::{self, CatalogEntry};

type Params = HashMap<String, String>;

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A whole page: inline style only, sized for a phone.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = html_escape(title);
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1rem;\
         font-size:1.1rem;line-height:1.5}}\
         a.p,button,input{{display:block;width:100%;box-sizing:border-box;padding:.8rem;\
         margin:.4rem 0;font-size:1.1rem;border-radius:.5rem}}\
         a.p{{border:1px solid #888;text-decoration:none;color:inherit}}\
         button{{background:#1a5;color:#fff;border:0}} button.close{{background:#777}}\
         .error{{color:#b00;font-weight:bold}} small{{color:#666}}\
         </style></head><body><h1>{title}</h1>{body}\
         <p><small>vital-onboard emulator: a stand-in for the Vital Link page</small></p>\
         </body></html>"
    );
    (status, Html(html)).into_response()
}

/// The providers this token lets the patient connect, in catalog order.
pub fn offered(team: &super::state::Team, rec: &TokenRecord) -> Vec<&'static CatalogEntry> {
    catalog::all()
        .iter()
        .filter(|e| e.can_link() && !team.disabled.contains(&e.slug))
        .filter(|e| {
            rec.request
                .filter_on_providers
                .as_ref()
                .is_none_or(|allow| allow.contains(&e.slug))
        })
        .collect()
}

/// The page for a token that cannot be used, with its error type.
fn refused(state: Option<&TokenState>) -> Response {
    let (status, title, kind, text) = match state {
        None => (
            StatusCode::NOT_FOUND,
            "Link not valid",
            "invalid_token",
            "This link is not valid. Ask the clinic for a new one.",
        ),
        Some(TokenState::Expired) => (
            StatusCode::GONE,
            "Link expired",
            "token_expired",
            "This link has expired. Ask the clinic for a new one.",
        ),
        Some(TokenState::Consumed | TokenState::Valid) => (
            StatusCode::GONE,
            "Link already used",
            "token_consumed",
            "This link was already used to connect a device. Ask the clinic for a new one \
             to connect another.",
        ),
    };
    page(
        status,
        title,
        &format!(
            "<p class=\"error\" id=\"error_type\" data-error-type=\"{kind}\">{kind}</p><p>{text}</p>"
        ),
    )
}

/// `redirect_url` with `pairs` added to its query, if it parses as a URL.
fn redirect_with(redirect_url: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut url = url::Url::parse(redirect_url).ok()?;
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    Some(url.to_string())
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_string())],
        Html(format!(
            "<a href=\"{}\">Continue</a>",
            html_escape(location)
        )),
    )
        .into_response()
}

/// Looks up a valid token, or answers the refusal page.
fn valid<'a>(
    team: &'a super::state::Team,
    token: &str,
) -> Result<(&'a TokenRecord, String), Box<Response>> {
    match team.token(token) {
        Some((rec, TokenState::Valid)) => {
            let who = team
                .user(rec.request.user_id)
                .map(|u| u.client_user_id.clone())
                .unwrap_or_default();
            Ok((rec, who))
        }
        Some((_, state)) => Err(Box::new(refused(Some(&state)))),
        None => Err(Box::new(refused(None))),
    }
}

fn close_form(token: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/link/close\"><input type=\"hidden\" name=\"token\" \
         value=\"{}\"><button class=\"close\" type=\"submit\" id=\"close\">Close</button></form>",
        html_escape(token)
    )
}

/// `GET /link/?token=…`: the provider list, or the direct provider's page.
pub async fn start(State(shared): State<Arc<Shared>>, Query(q): Query<Params>) -> Response {
    let token = q.get("token").map_or("", String::as_str);
    let team = shared.team();
    let (rec, who) = match valid(&team, token) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if let Some(slug) = &rec.request.provider {
        return provider_page(&team, token, rec, slug, None);
    }
    let mut items = String::new();
    for e in offered(&team, rec) {
        use std::fmt::Write;
        let _ = write!(
            items,
            "<li data-slug=\"{slug}\"><a class=\"p\" href=\"/link/provider?token={t}&amp;slug={slug}\">{name}</a></li>",
            slug = html_escape(&e.slug),
            t = html_escape(&enc(token)),
            name = html_escape(&e.name),
        );
    }
    page(
        StatusCode::OK,
        "Connect your devices",
        &format!(
            "<p>Choose the device or app to connect.</p>\
             <ul id=\"providers\" style=\"list-style:none;padding:0\">{items}</ul>{close}\
             <p><small>For patient <span id=\"patient\">{who}</span>; valid until {until}; \
             redirect: <span id=\"redirect\">{redirect}</span></small></p>",
            close = close_form(token),
            who = html_escape(&who),
            until = rec.expires_at.format("%H:%M UTC"),
            redirect = html_escape(rec.request.redirect_url.as_deref().unwrap_or("none")),
        ),
    )
}

/// `GET /link/provider?token=…&slug=…`: one provider's sign-in.
pub async fn provider(State(shared): State<Arc<Shared>>, Query(q): Query<Params>) -> Response {
    let token = q.get("token").map_or("", String::as_str);
    let slug = q.get("slug").map_or("", String::as_str);
    let team = shared.team();
    match valid(&team, token) {
        Ok((rec, _)) => provider_page(&team, token, rec, slug, None),
        Err(r) => *r,
    }
}

/// The sign-in page of `slug` for this token (with an error from a failed attempt).
fn provider_page(
    team: &super::state::Team,
    token: &str,
    rec: &TokenRecord,
    slug: &str,
    error: Option<&str>,
) -> Response {
    let Some(entry) = allowed(team, rec, slug) else {
        return page(
            StatusCode::NOT_FOUND,
            "Provider not offered",
            &format!(
                "<p class=\"error\">{} is not offered by this link.</p>",
                html_escape(slug)
            ),
        );
    };
    let name = html_escape(&entry.name);
    let t = html_escape(token);
    let s = html_escape(&entry.slug);
    let hidden = format!(
        "<input type=\"hidden\" name=\"token\" value=\"{t}\"><input type=\"hidden\" name=\"slug\" value=\"{s}\">"
    );
    let error = error
        .map(|e| format!("<p class=\"error\" id=\"error\">{}</p>", html_escape(e)))
        .unwrap_or_default();
    let body = match entry.auth() {
        AuthType::Password => format!(
            "{error}<p>Sign in with your {name} account.</p>\
             <form method=\"post\" action=\"/link/connect\" id=\"signin\">{hidden}\
             <label>Username<input name=\"username\" autocomplete=\"username\"></label>\
             <label>Password<input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
             <button type=\"submit\">Sign in</button></form>"
        ),
        AuthType::Email => format!(
            "{error}<p>Enter the email address of your {name} account.</p>\
             <form method=\"post\" action=\"/link/connect\" id=\"email\">{hidden}\
             <label>Email<input name=\"email\" type=\"email\" autocomplete=\"email\"></label>\
             <button type=\"submit\">Connect</button></form>"
        ),
        _ => format!(
            "{error}<p>{name} asks: allow this clinic to read your {name} data ({})?</p>\
             <form id=\"consent\" method=\"get\" action=\"/link/oauth/callback\">{hidden}\
             <input type=\"hidden\" name=\"decision\" value=\"allow\">\
             <button type=\"submit\">Allow</button></form>",
            html_escape(&entry.supported_resources.join(", "))
        ),
    };
    page(
        StatusCode::OK,
        &format!("Connect {}", entry.name),
        &format!("{body}{}", close_form(token)),
    )
}

fn allowed(
    team: &super::state::Team,
    rec: &TokenRecord,
    slug: &str,
) -> Option<&'static CatalogEntry> {
    if rec.request.provider.as_deref() == Some(slug) {
        return catalog::get(slug).filter(|e| e.can_link());
    }
    offered(team, rec).into_iter().find(|e| e.slug == slug)
}

/// `GET /link/oauth/callback?token=…&slug=…&decision=allow`: the OAuth provider sent the
/// patient back.
pub async fn oauth_callback(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
) -> Response {
    finish(&shared, &q)
}

/// `POST /link/connect`: a password or email form.
pub async fn connect(State(shared): State<Arc<Shared>>, Form(q): Form<Params>) -> Response {
    finish(&shared, &q)
}

/// Completes (or fails) a connection attempt.
fn finish(shared: &Shared, q: &Params) -> Response {
    let token = q.get("token").map_or("", String::as_str);
    let slug = q.get("slug").map_or("", String::as_str);
    let mut team = shared.team();
    let rec = match valid(&team, token) {
        Ok((rec, _)) => rec.clone(),
        Err(r) => return *r,
    };
    let Some(entry) = allowed(&team, &rec, slug) else {
        return provider_page(&team, token, &rec, slug, None);
    };
    let failure = match entry.auth() {
        AuthType::Password if q.get("password").is_some_and(|p| p == "wrong") => Some((
            "provider_credential_error",
            "The username or password is not correct.",
        )),
        AuthType::Password if q.get("password").is_none_or(String::is_empty) => {
            Some(("provider_credential_error", "Enter your password."))
        }
        AuthType::Email if !q.get("email").is_some_and(|e| e.contains('@')) => {
            Some(("provider_credential_error", "Enter a valid email address."))
        }
        AuthType::Password | AuthType::Email => None,
        _ if q.get("decision").map(String::as_str) != Some("allow") => {
            Some(("required_scopes_not_granted", "Access was not granted."))
        }
        _ => None,
    };
    if let Some((kind, text)) = failure {
        // OAuth providers always redirect with the error; forms do when on_error says so.
        let redirects = rec.request.on_error.is_some()
            || !matches!(entry.auth(), AuthType::Password | AuthType::Email);
        if redirects
            && let Some(to) = rec.request.redirect_url.as_deref().and_then(|u| {
                redirect_with(
                    u,
                    &[("state", "error"), ("error_type", kind), ("error", text)],
                )
            })
        {
            return see_other(&to);
        }
        return provider_page(&team, token, &rec, slug, Some(&format!("{text} ({kind})")));
    }
    team.connect(rec.request.user_id, &entry.slug);
    team.consume(token);
    if let Some(to) = rec
        .request
        .redirect_url
        .as_deref()
        .and_then(|u| redirect_with(u, &[("state", "success")]))
    {
        return see_other(&to);
    }
    page(
        StatusCode::OK,
        "Connected",
        &format!(
            "<p id=\"done\" data-slug=\"{}\">{} is connected. You can close this page and hand \
             the device back.</p>",
            html_escape(&entry.slug),
            html_escape(&entry.name)
        ),
    )
}

/// `POST /link/close`: the Close button.
pub async fn close(State(shared): State<Arc<Shared>>, Form(q): Form<Params>) -> Response {
    let token = q.get("token").map_or("", String::as_str);
    let team = shared.team();
    let rec = match valid(&team, token) {
        Ok((rec, _)) => rec,
        Err(r) => return *r,
    };
    if rec.request.on_close.is_some()
        && let Some(to) = rec.request.redirect_url.as_deref().and_then(|u| {
            redirect_with(
                u,
                &[
                    ("state", "error"),
                    ("error_type", "user_cancelled"),
                    ("error", "The patient closed the page."),
                ],
            )
        })
    {
        return see_other(&to);
    }
    page(
        StatusCode::OK,
        "Closed",
        "<p id=\"closed\">Nothing was connected. You can close this tab.</p>",
    )
}
