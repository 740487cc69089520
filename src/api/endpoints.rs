//! The endpoints vital-onboard calls, one method each, on top of [`Client`]'s retries, caps and
//! error mapping.

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use uuid::Uuid;

use super::answers::{MAX_TOTAL, check_link_url};
use super::client::{Client, MAX_PAGE};
use super::error::{ApiError, detail_text};
use super::transport::{BODY_LIMIT, LIST_BODY_LIMIT};
use super::types::{
    AppCode, ConnectedProvider, ConnectedProviders, CreatedUser, DemoConnectionStatus,
    LinkProvider, LinkToken, LinkTokenRequest, Provider, SuccessResponse, User, UsersPage,
    is_app_code,
};

impl Client {
    /// `GET /v2/user?offset=&limit=` (limit at most 500).
    pub async fn list_users(&self, offset: u64, limit: u32) -> Result<UsersPage, ApiError> {
        /// The page as it comes, with numbers that may be negative or huge.
        #[derive(serde::Deserialize)]
        struct WirePage {
            users: Vec<User>,
            total: serde_json::Number,
            offset: serde_json::Number,
            limit: serde_json::Number,
        }
        let mut url = self.url(&["v2", "user"]);
        url.query_pairs_mut()
            .append_pair("offset", &offset.to_string())
            .append_pair("limit", &limit.min(MAX_PAGE).to_string());
        let wire: WirePage = self
            .call_capped(Method::GET, url, None, "the user list", LIST_BODY_LIMIT)
            .await?;
        let count = |name: &str, n: &serde_json::Number| {
            n.as_u64()
                .filter(|v| *v <= MAX_TOTAL.saturating_mul(10))
                .ok_or_else(|| ApiError::Unexpected {
                    target: self.target().to_string(),
                    what: format!("the user list gave {name} = {n}, not a count"),
                })
        };
        Ok(UsersPage {
            total: count("total", &wire.total)?,
            offset: count("offset", &wire.offset)?,
            limit: count("limit", &wire.limit)?,
            users: wire.users,
        })
    }

    /// `GET /v2/user/{user_id}`.
    pub async fn get_user(&self, user_id: Uuid) -> Result<User, ApiError> {
        let url = self.url(&["v2", "user", &user_id.to_string()]);
        self.call(Method::GET, url, None, &format!("user {user_id}"))
            .await
    }

    /// `GET /v2/user/resolve/{client_user_id}`, the id percent-encoded as one path segment.
    pub async fn resolve_user(&self, client_user_id: &str) -> Result<User, ApiError> {
        let url = self.url(&["v2", "user", "resolve", client_user_id]);
        self.call(
            Method::GET,
            url,
            None,
            &format!("a user with client_user_id {client_user_id:?}"),
        )
        .await
    }

    /// A user by Vital `user_id` (a UUID) or, failing that form, by `client_user_id`.
    pub async fn find_user(&self, id_or_client_id: &str) -> Result<User, ApiError> {
        match Uuid::parse_str(id_or_client_id.trim()) {
            Ok(id) => self.get_user(id).await,
            Err(_) => self.resolve_user(id_or_client_id).await,
        }
    }

    /// `GET /v2/team/users/search?query_id=` (at least 2 characters).
    pub async fn search_users(&self, query: &str) -> Result<Vec<User>, ApiError> {
        let mut url = self.url(&["v2", "team", "users", "search"]);
        url.query_pairs_mut().append_pair("query_id", query);
        self.call_capped(Method::GET, url, None, "the search", LIST_BODY_LIMIT)
            .await
    }

    /// `POST /v2/user`. A `client_user_id` already in use comes back as `DuplicateUser`.
    pub async fn create_user(&self, client_user_id: &str) -> Result<CreatedUser, ApiError> {
        let url = self.url(&["v2", "user"]);
        let body = serde_json::json!({ "client_user_id": client_user_id });
        let answer = self
            .exchange(Method::POST, url, Some(&body), None, BODY_LIMIT)
            .await?;
        let (status, text) = (answer.status, answer.text.as_str());
        if status.is_success() {
            return self.decode(&answer);
        }
        if status == StatusCode::BAD_REQUEST {
            #[derive(serde::Deserialize)]
            struct Conflict {
                detail: ConflictDetail,
            }
            #[derive(serde::Deserialize)]
            struct ConflictDetail {
                user_id: Uuid,
                #[serde(default)]
                error_message: String,
            }
            if let Ok(c) = serde_json::from_str::<Conflict>(text) {
                return Err(ApiError::DuplicateUser {
                    client_user_id: client_user_id.to_string(),
                    user_id: c.detail.user_id,
                    message: crate::text::one_line(
                        &c.detail.error_message,
                        super::error::DETAIL_MAX_CHARS,
                    ),
                });
            }
        }
        Err(self.refusal(&answer, "the user"))
    }

    /// `DELETE /v2/user/{user_id}` (soft delete).
    pub async fn delete_user(&self, user_id: Uuid) -> Result<SuccessResponse, ApiError> {
        let url = self.url(&["v2", "user", &user_id.to_string()]);
        self.call(Method::DELETE, url, None, &format!("user {user_id}"))
            .await
    }

    /// `GET /v2/user/providers/{user_id}`.
    pub async fn connected_providers(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<ConnectedProvider>, ApiError> {
        let url = self.url(&["v2", "user", "providers", &user_id.to_string()]);
        let r: ConnectedProviders = self
            .call(Method::GET, url, None, &format!("user {user_id}"))
            .await?;
        Ok(r.providers)
    }

    /// `DELETE /v2/user/{user_id}/{provider}`.
    pub async fn deregister(
        &self,
        user_id: Uuid,
        provider: &str,
    ) -> Result<SuccessResponse, ApiError> {
        let url = self.url(&["v2", "user", &user_id.to_string(), provider]);
        self.call(
            Method::DELETE,
            url,
            None,
            &format!("the {provider} connection of user {user_id}"),
        )
        .await
    }

    /// `GET /v2/providers`.
    pub async fn providers(&self) -> Result<Vec<Provider>, ApiError> {
        let url = self.url(&["v2", "providers"]);
        self.call(Method::GET, url, None, "the provider list").await
    }

    /// `POST /v2/link/token`. The `link_web_url` answered is checked
    /// ([`check_link_url`]): anything but an absolute https URL (or http
    /// to a loopback host) is [`ApiError::UnexpectedLink`], so it is never shown or copied.
    pub async fn link_token(&self, req: &LinkTokenRequest) -> Result<LinkToken, ApiError> {
        let url = self.url(&["v2", "link", "token"]);
        let token: LinkToken = self
            .call(
                Method::POST,
                url,
                Some(&Self::json(req)),
                &format!("user {}", req.user_id),
            )
            .await?;
        let lan_link = self.lan_link_host.as_deref().is_some_and(|host| {
            url::Url::parse(&token.link_web_url)
                .is_ok_and(|u| u.scheme() == "http" && u.host_str() == Some(host))
                && check_link_url(&token.link_web_url.replacen(host, "127.0.0.1", 1)).is_ok()
        });
        if !lan_link {
            check_link_url(&token.link_web_url).map_err(|reason| ApiError::UnexpectedLink {
                target: self.target().to_string(),
                reason,
            })?;
        }
        Ok(token)
    }

    /// `POST /v2/link/code/create?user_id=…[&expires_at=…]` (no body): a one-time code for the
    /// Junction Connect app. The code is checked ([`is_app_code`]) and `exchange_url` must be
    /// the app's `tryvital://` link carrying that code: anything else is
    /// [`ApiError::UnexpectedLink`], never shown or copied.
    pub async fn create_app_code(
        &self,
        user_id: Uuid,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<AppCode, ApiError> {
        let mut url = self.url(&["v2", "link", "code", "create"]);
        url.query_pairs_mut()
            .append_pair("user_id", &user_id.to_string());
        if let Some(at) = expires_at {
            url.query_pairs_mut().append_pair(
                "expires_at",
                &at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            );
        }
        let answer = self
            .exchange(Method::POST, url, None, None, BODY_LIMIT)
            .await?;
        let code: AppCode = if answer.status.is_success() {
            self.decode(&answer)?
        } else if answer.status == StatusCode::FORBIDDEN && self.not_vital_answer(&answer).is_none()
        {
            // A key Vital refuses is a 401; a 403 here says what the team may not do (a plan
            // without the Junction Connect app): its words are kept ([`super::app_code_hint`]).
            return Err(ApiError::Refused {
                status: 403,
                detail: detail_text(&answer.text),
            });
        } else {
            return Err(self.refusal(&answer, &format!("user {user_id}")));
        };
        let unexpected = |reason: &str| ApiError::UnexpectedLink {
            target: self.target().to_string(),
            reason: reason.to_string(),
        };
        if !is_app_code(&code.code) {
            return Err(unexpected("an app code not of the form Vital makes"));
        }
        if code.exchange_url != format!("tryvital://tryvital?code={}", code.code) {
            return Err(unexpected(
                "an app link that is not the Junction Connect app's",
            ));
        }
        Ok(code)
    }

    /// `GET /v2/link/providers` with `x-vital-link-token` (and no API key): what the widget offers.
    pub async fn link_providers(&self, link_token: &str) -> Result<Vec<LinkProvider>, ApiError> {
        let url = self.url(&["v2", "link", "providers"]);
        let answer = self
            .exchange(Method::GET, url, None, Some(link_token), BODY_LIMIT)
            .await?;
        let status = answer.status;
        if status.is_success() {
            self.decode(&answer)
        } else if let Some(e) = self.not_vital_answer(&answer) {
            Err(e)
        } else if matches!(status.as_u16(), 401 | 403) {
            // Here 401 is about the link token (invalid, expired, consumed), not the API key.
            Err(ApiError::Refused {
                status: status.as_u16(),
                detail: detail_text(&answer.text),
            })
        } else {
            Err(self.refusal(&answer, "the link token"))
        }
    }

    /// `POST /v2/link/connect/demo` (sandbox only).
    pub async fn connect_demo(
        &self,
        user_id: Uuid,
        provider: &str,
    ) -> Result<DemoConnectionStatus, ApiError> {
        let url = self.url(&["v2", "link", "connect", "demo"]);
        let body = serde_json::json!({ "user_id": user_id, "provider": provider });
        self.call(Method::POST, url, Some(&body), &format!("user {user_id}"))
            .await
    }
}
