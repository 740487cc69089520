//! Drives the emulator's Link page like a browser without JavaScript: GETs and form posts
//! with reqwest, redirects not followed (so a test sees where the page sends the patient).

use super::KEY;

pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
}

/// A page as fetched: status, `Location` (for a redirect) and the HTML.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub html: String,
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Browser {
    pub fn new(emu: &vital_onboard::emulator::RunningEmulator) -> Browser {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: emu.base_url().as_str().trim_end_matches('/').to_string(),
        }
    }

    async fn page(resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        Page {
            status,
            location,
            html: resp.text().await.unwrap(),
        }
    }

    /// POSTs `body` (JSON) to `path` on the emulator with the API key.
    pub async fn api_post(&self, path: &str, body: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("x-vital-api-key", KEY)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
    }

    /// Mints a link token with the API key; answers (token, `link_web_url`).
    pub async fn mint(&self, body: serde_json::Value) -> (String, String) {
        let r = self.api_post("/v2/link/token", &body.to_string()).await;
        assert_eq!(r.status().as_u16(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        (
            v["link_token"].as_str().unwrap().to_string(),
            v["link_web_url"].as_str().unwrap().to_string(),
        )
    }

    /// GET of a full URL or of a path on the emulator.
    pub async fn get(&self, url: &str) -> Page {
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            format!("{}{url}", self.base)
        };
        Self::page(self.http.get(url).send().await.unwrap()).await
    }

    /// A form post to a path on the emulator.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.join("&"))
            .send()
            .await
            .unwrap();
        Self::page(r).await
    }

    /// The OAuth consent's "Allow" (what the consent form submits).
    pub async fn allow(&self, token: &str, slug: &str) -> Page {
        self.get(&format!(
            "/link/oauth/callback?token={}&slug={slug}&decision=allow",
            enc(token)
        ))
        .await
    }
}

/// The `data-slug` values of the provider list on a Link page.
pub fn listed_slugs(html: &str) -> Vec<String> {
    html.split("<li data-slug=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}
