//! The emulator's HTTP surface: the same paths, JSON shapes, status codes and validation as the
//! Vital API, for the endpoints vital-onboard uses.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Shared;
use super::app_codes;
use super::app_page;
use super::link_page;
use super::state::{Fault, TokenState, UserExtras, connection_json, user_json};
use super::validate::{self, Errors};
use crate::api::{LinkTokenRequest, RedirectBehaviour};
use crate::link::catalog;

type Reply = (StatusCode, Json<Value>);

fn detail(status: StatusCode, text: impl Into<String>) -> Reply {
    (status, Json(json!({ "detail": text.into() })))
}

fn unprocessable(errors: Errors) -> Reply {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(errors.body()))
}

fn ok(v: Value) -> Reply {
    (StatusCode::OK, Json(v))
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/user", get(list_users).post(create_user))
        .route("/v2/user/{user_id}", get(get_user).delete(delete_user))
        .route("/v2/user/resolve/{client_user_id}", get(resolve_user))
        .route("/v2/user/providers/{user_id}", get(connected_providers))
        .route(
            "/v2/user/{user_id}/{provider}",
            axum::routing::delete(deregister),
        )
        .route("/v2/team/users/search", get(search_users))
        .route("/v2/providers", get(providers))
        .route("/v2/link/token", post(link_token))
        .route("/v2/link/providers", get(link_providers))
        .route("/v2/link/connect/demo", post(connect_demo))
        .route("/v2/link/code/create", post(app_codes::create))
        .route("/v2/link/code/exchange", post(app_codes::exchange))
        .route("/link", get(link_page::start))
        .route("/link/", get(link_page::start))
        .route("/link/provider", get(link_page::provider))
        .route("/link/oauth/callback", get(link_page::oauth_callback))
        .route("/link/connect", post(link_page::connect))
        .route("/link/close", post(link_page::close))
        .route("/app", get(app_page::start))
        .route("/app/code", post(app_page::code))
        .route("/app/allow", post(app_page::allow))
        .route("/app/signed-in", post(app_page::signed_in))
        .route("/_emulator/link-requests", get(recorded_links))
        .route("/_emulator/faults", post(add_fault))
        .route("/_emulator/app-codes", get(app_codes::list))
        .route(
            "/_emulator/team",
            get(app_codes::get_team).put(app_codes::put_team),
        )
        .route(
            "/_emulator/disabled-providers",
            get(disabled_providers).put(set_disabled_providers),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

/// Injected faults first, then the API key, for every API path. `GET /v2/link/providers`
/// authenticates by link token, the app's code exchange and the Link page by nothing, as on the
/// real service.
async fn guard(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let is_api = path.starts_with("/v2/") || path.starts_with("/_emulator/");
    if path.starts_with("/v2/") {
        let fault = shared.team().take_fault(&path);
        if let Some(f) = fault {
            if f.delay_ms > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(f.delay_ms)).await;
            }
            let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let body = f
                .body
                .unwrap_or_else(|| json!({ "detail": "Injected fault from the emulator" }));
            let mut resp = (status, Json(body)).into_response();
            if let Some(secs) = f.retry_after {
                resp.headers_mut().insert(
                    header::RETRY_AFTER,
                    secs.to_string().parse().expect("digits"),
                );
            }
            return resp;
        }
    }
    if is_api && path != "/v2/link/providers" && path != "/v2/link/code/exchange" {
        let given = req
            .headers()
            .get("x-vital-api-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let accepted = match &shared.api_key {
            Some(k) => given == k,
            None => !given.trim().is_empty(),
        };
        if !accepted {
            return detail(StatusCode::UNAUTHORIZED, "Invalid API key").into_response();
        }
    }
    next.run(req).await
}

/// `FastAPI` answers an unknown path with 404 `{"detail": "Not Found"}` and redirects a trailing
/// slash to the path without it.
async fn not_found(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.len() > 1 && path.ends_with('/') {
        let mut target = path.trim_end_matches('/').to_string();
        if let Some(q) = uri.query() {
            target.push('?');
            target.push_str(q);
        }
        return Redirect::temporary(&target).into_response();
    }
    detail(StatusCode::NOT_FOUND, "Not Found").into_response()
}

/// Parses a JSON object body the way `FastAPI` does, or answers its 422.
fn json_body(body: &Bytes) -> Result<serde_json::Map<String, Value>, Reply> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(validate::json_invalid(&e)),
        )
    })?;
    match v {
        Value::Object(map) => Ok(map),
        other => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(validate::not_an_object(&other)),
        )),
    }
}

fn path_uuid(raw: &str, name: &str) -> Result<Uuid, Reply> {
    let mut errors = Errors::default();
    match errors.uuid(json!(["path", name]), &json!(raw)) {
        Some(id) => Ok(id),
        None => Err(unprocessable(errors)),
    }
}

fn int_param(
    q: &HashMap<String, String>,
    name: &str,
    default: i64,
    errors: &mut Errors,
) -> Option<i64> {
    match q.get(name) {
        None => Some(default),
        Some(raw) => {
            if let Ok(n) = raw.trim().parse::<i64>() {
                Some(n)
            } else {
                errors.push(
                    "int_parsing",
                    json!(["query", name]),
                    "Input should be a valid integer, unable to parse string as an integer",
                    &json!(raw),
                );
                None
            }
        }
    }
}

async fn list_users(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let mut errors = Errors::default();
    let offset = int_param(&q, "offset", 0, &mut errors);
    let limit = int_param(&q, "limit", 100, &mut errors);
    if let Some(l) = limit.filter(|l| *l > 500) {
        errors.push_ctx(
            "less_than_equal",
            json!(["query", "limit"]),
            "Input should be less than or equal to 500",
            &json!(q.get("limit").cloned().unwrap_or_else(|| l.to_string())),
            json!({ "le": 500 }),
        );
    }
    if !errors.is_empty() {
        return unprocessable(errors);
    }
    let (offset, limit) = (offset.unwrap_or(0).max(0), limit.unwrap_or(100).max(0));
    let team = shared.team();
    let users: Vec<Value> = team
        .page(offset as usize, limit as usize)
        .iter()
        .map(user_json)
        .collect();
    ok(json!({ "users": users, "total": team.len(), "offset": offset, "limit": limit }))
}

async fn get_user(State(shared): State<Arc<Shared>>, Path(user_id): Path<String>) -> Reply {
    let id = match path_uuid(&user_id, "user_id") {
        Ok(id) => id,
        Err(r) => return r,
    };
    match shared.team().user(id) {
        Some(u) => ok(user_json(&u)),
        None => detail(StatusCode::NOT_FOUND, format!("User {id} not found")),
    }
}

async fn delete_user(State(shared): State<Arc<Shared>>, Path(user_id): Path<String>) -> Reply {
    let id = match path_uuid(&user_id, "user_id") {
        Ok(id) => id,
        Err(r) => return r,
    };
    if shared.team().delete(id) {
        ok(json!({ "success": true }))
    } else {
        detail(StatusCode::NOT_FOUND, format!("User {id} not found"))
    }
}

async fn resolve_user(
    State(shared): State<Arc<Shared>>,
    Path(client_user_id): Path<String>,
) -> Reply {
    match shared.team().by_client_id(&client_user_id) {
        Some(u) => ok(user_json(&u)),
        None => detail(
            StatusCode::NOT_FOUND,
            format!("User with client_user_id {client_user_id} not found"),
        ),
    }
}

async fn search_users(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let Some(query) = q.get("query_id") else {
        return ok(json!([]));
    };
    if query.chars().count() < 2 {
        let mut errors = Errors::default();
        errors.push_ctx(
            "string_too_short",
            json!(["query", "query_id"]),
            "String should have at least 2 characters",
            &json!(query),
            json!({ "min_length": 2 }),
        );
        return unprocessable(errors);
    }
    let team = shared.team();
    let found: Vec<Value> = team.search(query).iter().map(user_json).collect();
    ok(Value::Array(found))
}

async fn create_user(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply {
    let map = match json_body(&body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut errors = Errors::default();
    let client_user_id = errors.required(&map, "client_user_id", |e, loc, v| e.string(loc, v));
    let mut extra = UserExtras::default();
    match map.get("fallback_time_zone") {
        None | Some(Value::Null) => {}
        Some(v) => {
            extra.fallback_time_zone = errors
                .string(json!(["body", "fallback_time_zone"]), v)
                .map(str::to_string);
        }
    }
    for (name, slot) in [
        ("fallback_birth_date", &mut extra.fallback_birth_date),
        ("ingestion_start", &mut extra.ingestion_start),
        ("ingestion_end", &mut extra.ingestion_end),
    ] {
        match map.get(name) {
            None | Some(Value::Null) => {}
            Some(v) => *slot = errors.date(json!(["body", name]), v),
        }
    }
    let Some(client_user_id) = client_user_id.filter(|_| errors.is_empty()) else {
        return unprocessable(errors);
    };
    let mut team = shared.team();
    match team.create(client_user_id, extra) {
        Ok(u) => ok(user_json(&u)),
        Err(existing) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "detail": {
                "error_type": "INVALID_REQUEST",
                "error_message": "Client user id already exists.",
                "user_id": existing.user_id,
                "created_on": existing.created_on,
            }})),
        ),
    }
}

async fn connected_providers(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<String>,
) -> Reply {
    let id = match path_uuid(&user_id, "user_id") {
        Ok(id) => id,
        Err(r) => return r,
    };
    match shared.team().user(id) {
        Some(u) => ok(json!({
            "providers": u.connections.iter().map(connection_json).collect::<Vec<_>>()
        })),
        None => detail(StatusCode::NOT_FOUND, format!("User {id} not found")),
    }
}

fn all_slugs() -> Vec<&'static str> {
    catalog::all().iter().map(|e| e.slug.as_str()).collect()
}

async fn deregister(
    State(shared): State<Arc<Shared>>,
    Path((user_id, provider)): Path<(String, String)>,
) -> Reply {
    let mut errors = Errors::default();
    let id = errors.uuid(json!(["path", "user_id"]), &json!(user_id));
    let provider_v = json!(provider);
    let slug = errors.one_of(json!(["path", "provider"]), &provider_v, &all_slugs());
    let (Some(id), Some(slug)) = (id, slug) else {
        return unprocessable(errors);
    };
    match shared.team().deregister(id, slug) {
        None => detail(StatusCode::NOT_FOUND, format!("User {id} not found")),
        Some(false) => detail(
            StatusCode::NOT_FOUND,
            format!("User {id} has no {slug} connection"),
        ),
        Some(true) => ok(json!({ "success": true })),
    }
}

async fn providers() -> Reply {
    let list: Vec<Value> = catalog::all()
        .iter()
        .map(|e| {
            json!({
                "name": e.name,
                "slug": e.slug,
                "description": e.description,
                "logo": null,
                "auth_type": e.auth_type,
                "supported_resources": e.supported_resources,
            })
        })
        .collect();
    ok(Value::Array(list))
}

/// Validates a `LinkTokenExchange` body like pydantic: every complaint at once.
fn parse_link_request(map: &serde_json::Map<String, Value>) -> Result<LinkTokenRequest, Errors> {
    let slugs = all_slugs();
    let mut errors = Errors::default();
    let user_id = errors.required(map, "user_id", super::validate::Errors::uuid);
    let provider = match map.get("provider") {
        None | Some(Value::Null) => None,
        Some(v) => errors
            .one_of(json!(["body", "provider"]), v, &slugs)
            .map(str::to_string),
    };
    let redirect_url = match map.get("redirect_url") {
        None | Some(Value::Null) => None,
        Some(v) => errors
            .string(json!(["body", "redirect_url"]), v)
            .map(str::to_string),
    };
    let filter_on_providers = match map.get("filter_on_providers") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            if items.is_empty() {
                errors.push_ctx(
                    "too_short",
                    json!(["body", "filter_on_providers"]),
                    "List should have at least 1 item after validation, not 0",
                    &json!([]),
                    json!({ "field_type": "List", "min_length": 1, "actual_length": 0 }),
                );
            }
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if let Some(s) =
                    errors.one_of(json!(["body", "filter_on_providers", i]), item, &slugs)
                {
                    out.push(s.to_string());
                }
            }
            Some(out)
        }
        Some(v) => {
            errors.push(
                "list_type",
                json!(["body", "filter_on_providers"]),
                "Input should be a valid list",
                v,
            );
            None
        }
    };
    let mut behaviour = |name: &str| match map.get(name) {
        None | Some(Value::Null) => None,
        Some(v) => {
            if v.as_str() == Some("redirect") {
                Some(RedirectBehaviour::Redirect)
            } else {
                errors.push_ctx(
                    "literal_error",
                    json!(["body", name]),
                    "Input should be 'redirect'",
                    v,
                    json!({ "expected": "'redirect'" }),
                );
                None
            }
        }
    };
    let on_error = behaviour("on_error");
    let on_close = behaviour("on_close");
    match user_id {
        Some(user_id) if errors.is_empty() => Ok(LinkTokenRequest {
            user_id,
            provider,
            redirect_url,
            filter_on_providers,
            on_error,
            on_close,
        }),
        _ => Err(errors),
    }
}

/// The address the caller used to reach us, for building `link_web_url`.
fn public_base(shared: &Shared, headers: &HeaderMap) -> String {
    let served_as = shared
        .public_authority
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    if let Some(a) = served_as {
        return format!("http://{a}");
    }
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
        .map_or_else(
            || format!("http://{}", shared.addr),
            |h| format!("http://{h}"),
        )
}

async fn link_token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Reply {
    let map = match json_body(&body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let request = match parse_link_request(&map) {
        Ok(r) => r,
        Err(errors) => return unprocessable(errors),
    };
    let mut team = shared.team();
    if team.user(request.user_id).is_none() {
        return detail(
            StatusCode::NOT_FOUND,
            format!("User {} not found", request.user_id),
        );
    }
    let token = team.mint(request, Value::Object(map));
    let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    let link_web_url = format!(
        "{}/link/?token={encoded}&env=sandbox&region=us",
        public_base(&shared, &headers)
    );
    ok(json!({ "link_token": token, "link_web_url": link_web_url }))
}

#[allow(
    clippy::needless_pass_by_value,
    reason = "called with the state just looked up"
)]
fn token_refusal(state: Option<TokenState>) -> Reply {
    let (kind, msg) = match state {
        None => ("invalid_token", "The link token is not valid."),
        Some(TokenState::Expired) => ("token_expired", "The link token has expired."),
        Some(TokenState::Consumed) => ("token_consumed", "The link token was already used."),
        Some(TokenState::Valid) => unreachable!("valid tokens are not refused"),
    };
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "detail": { "error_type": kind, "error_message": msg } })),
    )
}

async fn link_providers(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let token = headers
        .get("x-vital-link-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let team = shared.team();
    let request = match team.token(token) {
        Some((rec, TokenState::Valid)) => rec.request.clone(),
        Some((_, state)) => return token_refusal(Some(state)),
        None => return token_refusal(None),
    };
    let list: Vec<Value> = catalog::all()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.can_link() && !team.disabled.contains(&e.slug))
        .filter(|(_, e)| {
            request
                .filter_on_providers
                .as_ref()
                .is_none_or(|allow| allow.contains(&e.slug))
        })
        .map(|(i, e)| {
            json!({
                "id": i + 1,
                "name": e.name,
                "slug": e.slug,
                "description": e.description,
                "logo": "",
                "oauth_url": null,
                "auth_type": e.auth_type,
                "form_components": {},
            })
        })
        .collect();
    ok(Value::Array(list))
}

async fn connect_demo(State(shared): State<Arc<Shared>>, body: Bytes) -> Reply {
    let map = match json_body(&body) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut errors = Errors::default();
    let user_id = errors.required(&map, "user_id", super::validate::Errors::uuid);
    let demo: Vec<&str> = catalog::all()
        .iter()
        .filter(|e| e.demo)
        .map(|e| e.slug.as_str())
        .collect();
    let provider = errors.required(&map, "provider", |e, loc, v| e.one_of(loc, v, &demo));
    let (Some(user_id), Some(provider)) = (user_id, provider) else {
        return unprocessable(errors);
    };
    if shared.team().connect(user_id, provider) {
        ok(json!({
            "success": true,
            "detail": format!("Connected user {user_id} to provider {provider}"),
        }))
    } else {
        detail(StatusCode::NOT_FOUND, format!("User {user_id} not found"))
    }
}

async fn recorded_links(State(shared): State<Arc<Shared>>) -> Reply {
    ok(json!(shared.team().link_requests))
}

async fn add_fault(State(shared): State<Arc<Shared>>, Json(fault): Json<Fault>) -> Reply {
    shared.team().faults.push_back(fault);
    ok(json!({ "success": true }))
}

/// The providers the team has not enabled, sorted: `/v2/link/providers` and the Link page leave
/// them out.
async fn disabled_providers(State(shared): State<Arc<Shared>>) -> Reply {
    let mut slugs: Vec<String> = shared.team().disabled.iter().cloned().collect();
    slugs.sort();
    ok(json!(slugs))
}

/// Replaces the providers the team has not enabled (a JSON array of slugs), so a separate
/// emulator process can show "not enabled for the team" as a tested process does with
/// `with_team`. An unknown slug is refused.
async fn set_disabled_providers(
    State(shared): State<Arc<Shared>>,
    Json(slugs): Json<Vec<String>>,
) -> Reply {
    if let Some(unknown) = slugs.iter().find(|s| !catalog::is_known(s)) {
        return detail(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("unknown provider {unknown:?}"),
        );
    }
    shared.team().disabled = slugs.into_iter().collect();
    ok(json!({ "success": true }))
}
