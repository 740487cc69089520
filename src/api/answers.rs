//! Checks on what the API answers, made before anything is shown or asked next: the link URL
//! ([`check_link_url`]) and paging that must advance ([`PageGuard`]). Both the command line and
//! the console use them.

use url::{Host, Url};
use uuid::Uuid;

use super::error::ApiError;
use super::types::UsersPage;

/// The largest `total` of a users page taken as real. A team with more users than this is not
/// one a desk console serves; a larger number is an answer that makes no sense.
pub const MAX_TOTAL: u64 = 10_000_000;

/// Whether a URL's host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Checks a `link_web_url` before it is printed, encoded, saved or copied: an absolute `https`
/// URL with a host, or `http` to a loopback host (emulators), with no control, bidi, zero-width
/// or white-space characters. The error says what is wrong, in words safe to show.
pub fn check_link_url(raw: &str) -> Result<Url, String> {
    if raw.is_empty() {
        return Err("it is empty".into());
    }
    if raw.chars().count() > 4096 {
        return Err(format!("it is {} characters long", raw.chars().count()));
    }
    if let Some(c) = raw
        .chars()
        .find(|c| crate::text::is_unsafe(*c) || c.is_whitespace())
    {
        return Err(format!("it holds the character U+{:04X}", c as u32));
    }
    let url = Url::parse(raw).map_err(|e| format!("it is not a URL: {e}"))?;
    match url.scheme() {
        "https" | "http" => {}
        other => {
            return Err(format!(
                "its scheme is {:?}, not https",
                crate::text::one_line(other, 20)
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err("it is plain http to a host that is not this machine".into());
    }
    Ok(url)
}

/// Walks `GET /v2/user` page by page and refuses to walk in circles.
///
/// Give each page to [`accept`](PageGuard::accept) before using it; it answers the offset to ask
/// for next, or `None` when the list is complete. Paging stops when a page is empty, when it is
/// shorter than the page size asked for, or when the users seen reach `total`. A page that
/// repeats the previous page's ids, a `total` over [`MAX_TOTAL`], or more users than `total`
/// promised are unexpected answers ([`ApiError::Unexpected`]); the page that shows it is not to
/// be used. (A negative `total` never reaches the guard: `Client::list_users` refuses it.)
///
/// ```
/// use vital_onboard::api::{PageGuard, UsersPage};
/// let mut guard = PageGuard::new("sandbox/us", 500);
/// let page = UsersPage { users: vec![], total: 0, offset: 0, limit: 500 };
/// assert_eq!(guard.next_offset(), 0);
/// assert_eq!(guard.accept(&page).unwrap(), None);
/// ```
#[derive(Debug, Clone)]
pub struct PageGuard {
    target: String,
    page_size: u64,
    next_offset: u64,
    seen: u64,
    previous_ids: Vec<Uuid>,
    done: bool,
}

impl PageGuard {
    /// `target` names the API in errors; `page_size` is the `limit` asked for with each page.
    pub fn new(target: impl Into<String>, page_size: u32) -> PageGuard {
        PageGuard {
            target: target.into(),
            page_size: u64::from(page_size.max(1)),
            next_offset: 0,
            seen: 0,
            previous_ids: Vec::new(),
            done: false,
        }
    }

    /// The offset to ask for next.
    pub fn next_offset(&self) -> u64 {
        self.next_offset
    }

    /// How many users the accepted pages held.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// Whether the list is complete.
    pub fn is_done(&self) -> bool {
        self.done
    }

    fn unexpected(&self, what: String) -> ApiError {
        ApiError::Unexpected {
            target: self.target.clone(),
            what,
        }
    }

    /// Takes the page answered for [`next_offset`](Self::next_offset): `Ok(Some(offset))` to ask
    /// for the next page, `Ok(None)` when this was the last, `Err` when the answer makes no sense
    /// (then do not use this page, and stop).
    pub fn accept(&mut self, page: &UsersPage) -> Result<Option<u64>, ApiError> {
        if self.done {
            return Err(self.unexpected("a page was asked for after the list was complete".into()));
        }
        if page.total > MAX_TOTAL {
            self.done = true;
            return Err(self.unexpected(format!(
                "the user list claims {} users (more than {MAX_TOTAL}): stopped",
                page.total
            )));
        }
        let ids: Vec<Uuid> = page.users.iter().map(|u| u.user_id).collect();
        if !ids.is_empty() && ids == self.previous_ids {
            self.done = true;
            return Err(self.unexpected(format!(
                "the user list answered the same {} users for offset {} as for the page before: paging stopped after {} users",
                ids.len(),
                self.next_offset,
                self.seen
            )));
        }
        let got = ids.len() as u64;
        if self.seen + got > page.total {
            self.done = true;
            return Err(self.unexpected(format!(
                "the user list holds more users ({}) than its total ({}): paging stopped",
                self.seen + got,
                page.total
            )));
        }
        self.seen += got;
        self.next_offset += got;
        self.previous_ids = ids;
        let asked = match page.limit {
            0 => self.page_size,
            l => l.min(self.page_size),
        };
        if got == 0 || got < asked || self.seen >= page.total {
            self.done = true;
            return Ok(None);
        }
        Ok(Some(self.next_offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::User;

    fn users(from: usize, n: usize) -> Vec<User> {
        (from..from + n)
            .map(|i| User {
                user_id: Uuid::from_u128(i as u128 + 1),
                team_id: None,
                client_user_id: format!("p{i}"),
                created_on: None,
                connected_sources: vec![],
                fallback_time_zone: None,
                fallback_birth_date: None,
                ingestion_start: None,
                ingestion_end: None,
            })
            .collect()
    }

    fn page(from: usize, n: usize, total: u64) -> UsersPage {
        UsersPage {
            users: users(from, n),
            total,
            offset: from as u64,
            limit: 2,
        }
    }

    #[test]
    fn pages_until_the_total_or_a_short_or_empty_page() {
        let mut g = PageGuard::new("t", 2);
        assert_eq!(g.accept(&page(0, 2, 5)).unwrap(), Some(2));
        assert_eq!(g.accept(&page(2, 2, 5)).unwrap(), Some(4));
        assert_eq!(g.accept(&page(4, 1, 5)).unwrap(), None);
        assert_eq!(g.seen(), 5);
        assert!(g.is_done());

        let mut g = PageGuard::new("t", 2);
        assert_eq!(g.accept(&page(0, 2, 100)).unwrap(), Some(2));
        assert_eq!(g.accept(&page(2, 0, 100)).unwrap(), None, "empty page");
        let mut g = PageGuard::new("t", 2);
        assert_eq!(g.accept(&page(0, 1, 100)).unwrap(), None, "short page");
        let mut g = PageGuard::new("t", 2);
        assert_eq!(g.accept(&page(0, 2, 4)).unwrap(), Some(2));
        assert_eq!(g.accept(&page(2, 2, 4)).unwrap(), None, "total reached");
    }

    #[test]
    fn a_repeated_page_is_an_unexpected_answer() {
        let mut g = PageGuard::new("the host", 2);
        assert_eq!(g.accept(&page(0, 2, 1000)).unwrap(), Some(2));
        let e = g.accept(&page(0, 2, 1000)).unwrap_err();
        assert!(matches!(e, ApiError::Unexpected { .. }), "{e:?}");
        assert!(e.to_string().contains("same 2 users"), "{e}");
        assert_eq!(e.exit_code(), 4);
        assert!(g.is_done());
        assert!(g.accept(&page(2, 2, 1000)).is_err(), "stays stopped");
    }

    #[test]
    fn an_absurd_total_or_more_users_than_it_is_refused() {
        let mut g = PageGuard::new("t", 2);
        let e = g.accept(&page(0, 2, MAX_TOTAL + 1)).unwrap_err();
        assert!(e.to_string().contains("claims"), "{e}");
        let mut g = PageGuard::new("t", 2);
        assert!(
            g.accept(&page(0, 2, 1)).is_err(),
            "2 users for a total of 1"
        );
    }

    #[test]
    fn link_urls_must_be_https_or_loopback_http() {
        assert!(check_link_url("https://link.tryvital.io/?token=abc&env=sandbox").is_ok());
        assert!(check_link_url("http://127.0.0.1:8080/link/?token=a").is_ok());
        assert!(check_link_url("http://localhost:8080/link/?token=a").is_ok());
        assert!(check_link_url("http://[::1]:8080/link/").is_ok());
        for bad in [
            "javascript:alert(1)",
            "http://evil.example/?token=a",
            "https://link.example/\x1b]52;c;eA==\x07",
            "https://link.example/\u{202E}gpj.exe",
            "https://link.example/ a",
            "/relative/path",
            "data:text/html,hi",
            "",
        ] {
            assert!(check_link_url(bad).is_err(), "{bad:?}");
        }
        let e = check_link_url("javascript:alert(1)").unwrap_err();
        assert!(e.contains("\"javascript\""), "{e}");
    }
}
