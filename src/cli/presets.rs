//! `vital-onboard presets [--json]` lists the config file's presets; `presets check` lints them
//! (each problem with its line; exit 2 when one is found) and sends nothing. `presets check
//! --live` also mints one link per preset the lint passes, for a QA user (never a patient), and
//! asks `GET /v2/link/providers` with each token what the Link page offers ([`check_live`]).
//! `--json` gives one object a line per preset, `--junit FILE` a `JUnit` XML report ([`junit`]).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use serde_json::json;

use super::commands::{CommandResult, Failure};
use crate::api::ApiError;
use crate::audit::{self, Source};
use crate::cli::{CheckArgs, PresetsAction};
use crate::link::offered::{self, PageOffer};
use crate::link::{LinkOptions, MintedLink};
use crate::setup::config::{Config, Preset};
use crate::setup::presets::{self, Problem};
use crate::setup::session::Session;
use crate::text::{sanitize, sanitize_json};

/// Reads the config file named (or the default one) with its text, for the line numbers.
fn read(explicit: Option<&Path>) -> Result<(Config, String), Failure> {
    let Some(path) = Config::path_for(explicit) else {
        return Err(Failure::input(
            "no config file: there is no config directory",
        ));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::input(format!(
            "cannot read the config file {}: {e} (`vital-onboard config init` writes a commented example)",
            path.display()
        ))
    })?;
    let config = Config::parse(&text, &path).map_err(|e| Failure::input(e.to_string()))?;
    Ok((config, text))
}

/// `presets` (the list) and `presets check` without `--live` (the lint alone).
pub fn presets(
    explicit: Option<&Path>,
    json: bool,
    action: Option<&PresetsAction>,
) -> CommandResult {
    let (config, text) = read(explicit)?;
    match action {
        Some(PresetsAction::Check(args)) => check_offline(&config, &text, args, json || args.json),
        None => list(&config, json),
    }
}

fn list(config: &Config, json: bool) -> CommandResult {
    let lines: Vec<String> = if json {
        config
            .preset
            .iter()
            .map(|p| p.to_json().to_string())
            .collect()
    } else {
        config
            .preset
            .iter()
            .map(|p| format!("{}\t{}", sanitize(&p.name), sanitize(&p.summary())))
            .collect()
    };
    if !json && config.preset.is_empty() {
        eprintln!(
            "no presets in the config file (add [[preset]] tables: `vital-onboard config init` writes a commented example)"
        );
    }
    print_lines(&lines)
}

fn print_lines(lines: &[String]) -> CommandResult {
    let mut stdout = std::io::stdout().lock();
    for l in lines {
        writeln!(stdout, "{l}").map_err(Failure::stdout)?;
    }
    stdout.flush().map_err(Failure::stdout)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The offline check: each problem on stderr as `FILE:line N: preset "NAME": …`; with `--json`
/// one object a line per preset on stdout; with `--junit` the report.
fn check_offline(config: &Config, text: &str, args: &CheckArgs, json: bool) -> CommandResult {
    if let Some(flag) = args
        .connection
        .given()
        .into_iter()
        .find(|f| *f != "--config")
    {
        return Err(Failure::input(format!(
            "{flag} goes with --live: the offline check sends nothing (presets check --live {flag} …)"
        )));
    }
    check_junit_folder(args)?;
    let problems = presets::lint(text, &config.preset);
    let path = config.path.as_deref().unwrap_or(Path::new("config.toml"));
    for p in &problems {
        eprintln!("{}:{}", path.display(), sanitize(&p.to_string()));
    }
    let verdicts: Vec<Verdict> = config
        .preset
        .iter()
        .enumerate()
        .map(|(i, p)| Verdict::offline(p, &problems, i))
        .collect();
    if json {
        print_lines(
            &verdicts
                .iter()
                .map(|v| v.to_json().to_string())
                .collect::<Vec<_>>(),
        )?;
    }
    write_junit(args, "presets check", &verdicts)?;
    if !problems.is_empty() {
        return Err(Failure::input(format!(
            "{} problem{} in {} preset{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            config.preset.len(),
            if config.preset.len() == 1 { "" } else { "s" },
        )));
    }
    if !json {
        print_lines(&[format!(
            "{} preset(s), no problem found",
            config.preset.len()
        )])?;
    }
    Ok(())
}

/// `--junit FILE`: its folder must exist, checked before anything is sent.
fn check_junit_folder(args: &CheckArgs) -> CommandResult {
    let Some(path) = &args.junit else {
        return Ok(());
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Failure::input(format!(
            "--junit {}: the folder {} does not exist",
            path.display(),
            dir.display()
        )))
    }
}

fn write_junit(args: &CheckArgs, suite: &str, verdicts: &[Verdict]) -> CommandResult {
    let Some(path) = &args.junit else {
        return Ok(());
    };
    let cases: Vec<junit::Case> = verdicts.iter().map(Verdict::junit_case).collect();
    std::fs::write(path, junit::report(suite, &cases, Utc::now())).map_err(|e| {
        Failure::internal(format!(
            "cannot write the JUnit report {}: {e}",
            path.display()
        ))
    })
}

/// What the live check learned of one preset.
#[derive(Debug, Clone, PartialEq)]
enum Live {
    /// Only the offline check was asked for.
    NotAsked,
    /// The offline check found a problem: no link was minted.
    NotMinted,
    /// Minted (known by its fingerprint); what its Link page offers.
    Offered {
        fingerprint: String,
        offer: PageOffer,
    },
    /// The mint was refused, or the Link page could not be asked (then `fingerprint` is set).
    Failed {
        fingerprint: Option<String>,
        reason: String,
    },
}

/// One preset's result: its offline problems and, with `--live`, what its Link page offers.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    name: String,
    problems: Vec<Problem>,
    live: Live,
    seconds: f64,
}

impl Verdict {
    /// The lint's result for the `index`-th preset.
    fn offline(preset: &Preset, problems: &[Problem], index: usize) -> Verdict {
        Verdict {
            name: preset.name.clone(),
            problems: problems
                .iter()
                .filter(|p| p.index == index)
                .cloned()
                .collect(),
            live: Live::NotAsked,
            seconds: 0.0,
        }
    }

    /// Whether a link was minted for it.
    fn minted(&self) -> bool {
        matches!(
            self.live,
            Live::Offered { .. }
                | Live::Failed {
                    fingerprint: Some(_),
                    ..
                }
        )
    }

    fn passed(&self) -> bool {
        self.failures().is_empty()
    }

    /// Why the preset fails, one reason a line; empty when it passes.
    fn failures(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .problems
            .iter()
            .map(|p| format!("line {}: {}", p.line, p.message))
            .collect();
        match &self.live {
            Live::NotAsked | Live::NotMinted => {}
            Live::Offered { offer, .. } => {
                out.extend(
                    offer
                        .missing
                        .iter()
                        .map(|m| format!("not shown: {} ({})", m.slug, m.reason)),
                );
                if offer.names.is_empty() && offer.missing.is_empty() {
                    out.push("the Link page offers no provider at all".into());
                }
            }
            Live::Failed { reason, .. } => out.push(reason.clone()),
        }
        out
    }

    /// What the patient will see, in words, when the page was asked.
    fn will_see(&self) -> Option<String> {
        match &self.live {
            Live::Offered { offer, .. } if offer.names.is_empty() => {
                Some("the patient will see no provider".into())
            }
            Live::Offered { offer, .. } => {
                Some(format!("the patient will see {}", offer.names.join(", ")))
            }
            _ => None,
        }
    }

    /// The text report: `PASS name: the patient will see …`, or `FAIL name: …` with each reason
    /// on an indented line.
    fn lines(&self) -> Vec<String> {
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        let head = match (&self.live, self.will_see()) {
            (_, Some(seen)) => seen,
            (Live::NotMinted, None) => format!(
                "not minted: the offline check found {}",
                plural(self.problems.len(), "problem")
            ),
            (Live::Failed { .. }, None) => "no answer from the Link page".into(),
            (_, None) => "no problem found".into(),
        };
        let mut out = vec![sanitize(&format!("{verdict} {}: {head}", self.name))];
        out.extend(self.failures().iter().map(|f| format!("  {}", sanitize(f))));
        out
    }

    /// The `--json` object.
    fn to_json(&self) -> serde_json::Value {
        let mut v = json!({
            "preset": self.name,
            "passed": self.passed(),
            "checked_live": !matches!(self.live, Live::NotAsked),
            "minted": self.minted(),
            "problems": self
                .problems
                .iter()
                .map(|p| json!({ "line": p.line, "message": p.message }))
                .collect::<Vec<_>>(),
        });
        match &self.live {
            Live::Offered { fingerprint, offer } => {
                v["token_fingerprint"] = json!(fingerprint);
                v["patient_will_see"] = json!(offer.names);
                v["not_offered"] = offer
                    .missing
                    .iter()
                    .map(|m| json!({ "slug": m.slug, "reason": m.reason }))
                    .collect();
            }
            Live::Failed {
                fingerprint,
                reason,
            } => {
                v["token_fingerprint"] = json!(fingerprint);
                v["error"] = json!(reason);
            }
            Live::NotAsked | Live::NotMinted => {}
        }
        sanitize_json(&mut v);
        v
    }

    fn junit_case(&self) -> junit::Case {
        let failures: Vec<String> = self.failures().iter().map(|f| sanitize(f)).collect();
        junit::Case {
            name: sanitize(&self.name),
            seconds: self.seconds,
            failure: failures
                .first()
                .map(|first| (first.clone(), failures.join("\n"))),
            output: self.will_see().map(|w| sanitize(&w)),
        }
    }
}

/// The user the links are minted for.
struct QaUser {
    user_id: uuid::Uuid,
    client_user_id: String,
}

/// `presets check --live`: the lint, then (after y/N in production) one link per preset that
/// passes it, for the QA user, and what each Link page offers. Exit 2 when a preset fails.
pub async fn check_live(
    session: &Session,
    config: &Config,
    args: &CheckArgs,
    json_before: bool,
) -> CommandResult {
    let json = json_before || args.json;
    let (config, text) = read(config.path.as_deref())?;
    check_junit_folder(args)?;
    let problems = presets::lint(&text, &config.preset);
    let mut verdicts: Vec<Verdict> = config
        .preset
        .iter()
        .enumerate()
        .map(|(i, p)| Verdict::offline(p, &problems, i))
        .collect();
    let to_mint = verdicts.iter().filter(|v| v.problems.is_empty()).count();
    if config.preset.is_empty() {
        eprintln!(
            "no presets in the config file: nothing to check (add [[preset]] tables: `vital-onboard config init` writes a commented example)"
        );
        return write_junit(args, "presets check --live", &verdicts);
    }
    let user_asked = args.user.as_deref().map(str::trim);
    if user_asked == Some("") {
        return Err(Failure::input(
            "--user is empty: give the user_id or client_user_id of a test user",
        ));
    }
    let place = session.connection.label();
    if to_mint > 0 {
        confirm_production(session, to_mint, user_asked, args.yes)?;
    }
    let user = if to_mint > 0 {
        Some(qa_user(session, user_asked).await?)
    } else {
        None
    };
    for (verdict, preset) in verdicts.iter_mut().zip(&config.preset) {
        verdict.live = Live::NotMinted;
        if let (true, Some(user)) = (verdict.problems.is_empty(), &user) {
            let started = Instant::now();
            verdict.live = check_one(session, user, preset).await?;
            verdict.seconds = started.elapsed().as_secs_f64();
        }
        let lines = if json {
            vec![verdict.to_json().to_string()]
        } else {
            verdict.lines()
        };
        print_lines(&lines)?;
    }
    write_junit(args, "presets check --live", &verdicts)?;
    summary(&verdicts, &place, user.as_ref())
}

/// The last word on stderr, and exit 2 when a preset failed.
fn summary(verdicts: &[Verdict], place: &str, user: Option<&QaUser>) -> CommandResult {
    let failed = verdicts.iter().filter(|v| !v.passed()).count();
    let links = verdicts.iter().filter(|v| v.minted()).count();
    let minted = match user {
        Some(u) if links > 0 => format!(
            "{} minted for {} on {place}",
            plural(links, "link"),
            sanitize(&u.client_user_id),
        ),
        _ => "no link minted".into(),
    };
    if failed == 0 {
        let verdict = if verdicts.len() == 1 {
            "it passes"
        } else {
            "all pass"
        };
        eprintln!(
            "{} checked live, {verdict} ({minted})",
            plural(verdicts.len(), "preset")
        );
        Ok(())
    } else {
        Err(Failure::input(format!(
            "{failed} of {} failed the live check ({minted})",
            plural(verdicts.len(), "preset")
        )))
    }
}

/// In production: a y/N question on a terminal, `--yes` without one. Nothing is sent before.
fn confirm_production(
    session: &Session,
    count: usize,
    user: Option<&str>,
    yes: bool,
) -> CommandResult {
    use std::io::IsTerminal;
    if !session.connection.is_production() || yes {
        return Ok(());
    }
    let links = plural(count, "PRODUCTION link");
    let who = sanitize(user.unwrap_or(audit::QA_CLIENT_USER_ID));
    if !std::io::stdin().is_terminal() {
        return Err(Failure::input(format!(
            "this is production: minting {links} to check the presets needs --yes where there is no terminal to ask; nothing was sent"
        )));
    }
    if super::login::confirm(&format!("Mint {links} for {who} to check the presets?")) {
        Ok(())
    } else {
        Err(Failure::input("not confirmed: nothing was sent"))
    }
}

/// `--user`, looked up; else the QA user `vital-onboard-qa`, created once when missing.
async fn qa_user(session: &Session, asked: Option<&str>) -> Result<QaUser, Failure> {
    if let Some(id) = asked {
        let u = session.client.find_user(id).await?;
        return Ok(QaUser {
            user_id: u.user_id,
            client_user_id: u.client_user_id,
        });
    }
    let name = audit::QA_CLIENT_USER_ID;
    match session.client.resolve_user(name).await {
        Ok(u) => {
            return Ok(QaUser {
                user_id: u.user_id,
                client_user_id: u.client_user_id,
            });
        }
        Err(ApiError::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let user_id = match session.client.create_user(name).await {
        Ok(created) => created.user_id,
        // Created meanwhile (another check running): that one is the QA user.
        Err(ApiError::DuplicateUser { user_id, .. }) => user_id,
        Err(e) => return Err(e.into()),
    };
    if session.is_demo() {
        eprintln!(
            "note: created the QA user {name} ({user_id}) in the demo emulator, which is gone when this command ends"
        );
    } else {
        eprintln!(
            "note: created the QA user {name} ({user_id}) for the checks; it is reused next time (it counts toward a sandbox team's 50 users)"
        );
    }
    Ok(QaUser {
        user_id,
        client_user_id: name.to_string(),
    })
}

/// Mints the preset's link, records it, and asks its Link page what it offers. A refused
/// mint fails this preset; a host that cannot be reached (or refuses the key) stops the check.
async fn check_one(session: &Session, user: &QaUser, preset: &Preset) -> Result<Live, Failure> {
    let options: LinkOptions = preset.link_options();
    for w in options.warnings() {
        eprintln!("warning: preset {:?}: {w}", sanitize(&preset.name));
    }
    let request = options.request(user.user_id);
    let token = match session.client.link_token(&request).await {
        Ok(t) => t,
        Err(e @ (ApiError::Validation { .. } | ApiError::Refused { .. })) => {
            return Ok(Live::Failed {
                fingerprint: None,
                reason: format!("the link was not minted: {e}"),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let minted = MintedLink {
        user_id: user.user_id,
        client_user_id: user.client_user_id.clone(),
        token,
        request,
        minted_at: Utc::now(),
    };
    let fingerprint = minted.fingerprint();
    tracing::info!(user_id = %minted.user_id, fingerprint = %fingerprint, "link minted to check a preset");
    super::commands::audit_mint(session, &minted, Some(&preset.name), Source::Check).await;
    Ok(
        match session
            .client
            .link_providers(&minted.token.link_token)
            .await
        {
            Ok(list) => Live::Offered {
                fingerprint,
                offer: offered::compare(&minted.request, &list),
            },
            Err(e) => Live::Failed {
                fingerprint: Some(fingerprint),
                reason: format!("could not ask what the Link page will offer: {e}"),
            },
        },
    )
}

/// A `JUnit` XML report, the format CI servers read: `testsuites` > `testsuite` > `testcase`, a
/// failing case holding a `failure` (its first reason as `message`, every reason as text), what
/// the patient will see as the case's `system-out`.
pub mod junit {
    use chrono::{DateTime, Utc};

    #[derive(Debug, Clone, PartialEq)]
    pub struct Case {
        pub name: String,
        pub seconds: f64,
        /// The message and the full text.
        pub failure: Option<(String, String)>,
        pub output: Option<String>,
    }

    /// The whole document for one suite.
    pub fn report(suite: &str, cases: &[Case], at: DateTime<Utc>) -> String {
        let failures = cases.iter().filter(|c| c.failure.is_some()).count();
        let seconds: f64 = cases.iter().map(|c| c.seconds).sum();
        let head = format!(
            "tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{seconds:.3}\"",
            cases.len()
        );
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!(
            "<testsuites name=\"vital-onboard\" {head}>\n  <testsuite name=\"{}\" {head} skipped=\"0\" timestamp=\"{}\">\n",
            escape(suite),
            at.format("%Y-%m-%dT%H:%M:%S")
        ));
        for c in cases {
            xml.push_str(&format!(
                "    <testcase classname=\"presets\" name=\"{}\" time=\"{:.3}\"",
                escape(&c.name),
                c.seconds
            ));
            if c.failure.is_none() && c.output.is_none() {
                xml.push_str("/>\n");
                continue;
            }
            xml.push_str(">\n");
            if let Some((message, text)) = &c.failure {
                xml.push_str(&format!(
                    "      <failure message=\"{}\" type=\"preset\">{}</failure>\n",
                    escape(message),
                    escape(text)
                ));
            }
            if let Some(out) = &c.output {
                xml.push_str(&format!("      <system-out>{}</system-out>\n", escape(out)));
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }

    /// Text for an attribute or an element: the five markup characters as entities, and the
    /// characters XML 1.0 cannot hold (controls other than tab, newline, return) left out.
    pub fn escape(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for ch in text.chars() {
            match ch {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                '\t' | '\n' | '\r' => out.push(ch),
                c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
                c => out.push(c),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::offered::Missing;

    fn verdict(live: Live) -> Verdict {
        Verdict {
            name: "wearables".into(),
            problems: vec![],
            live,
            seconds: 0.25,
        }
    }

    #[test]
    fn a_preset_fails_for_a_provider_not_shown_and_for_an_empty_page() {
        let offer = |names: &[&str], missing: &[&str]| Live::Offered {
            fingerprint: "sha256:000000000000".into(),
            offer: PageOffer {
                names: names.iter().map(ToString::to_string).collect(),
                missing: missing
                    .iter()
                    .map(|s| Missing {
                        slug: (*s).to_string(),
                        reason: "not enabled for the team",
                    })
                    .collect(),
            },
        };
        let pass = verdict(offer(&["Oura", "Fitbit"], &[]));
        assert!(pass.passed());
        assert_eq!(
            pass.lines(),
            ["PASS wearables: the patient will see Oura, Fitbit"]
        );
        let fail = verdict(offer(&["Oura"], &["fitbit"]));
        assert_eq!(
            fail.lines(),
            [
                "FAIL wearables: the patient will see Oura",
                "  not shown: fitbit (not enabled for the team)"
            ]
        );
        let empty = verdict(offer(&[], &[]));
        assert!(!empty.passed());
        assert_eq!(
            empty.lines(),
            [
                "FAIL wearables: the patient will see no provider",
                "  the Link page offers no provider at all"
            ]
        );
        let j = fail.to_json();
        assert_eq!(j["passed"], false);
        assert_eq!(j["minted"], true);
        assert_eq!(
            j["not_offered"],
            json!([{"slug": "fitbit", "reason": "not enabled for the team"}])
        );
    }

    #[test]
    fn a_preset_the_lint_refuses_is_failing_and_not_minted() {
        let mut v = verdict(Live::NotMinted);
        v.problems = vec![Problem {
            line: 3,
            index: 0,
            preset: "wearables".into(),
            message: "unknown provider \"fitbt\"".into(),
        }];
        assert_eq!(
            v.lines(),
            [
                "FAIL wearables: not minted: the offline check found 1 problem",
                "  line 3: unknown provider \"fitbt\""
            ]
        );
        let j = v.to_json();
        assert_eq!(
            (j["minted"].clone(), j["checked_live"].clone()),
            (json!(false), json!(true))
        );
    }

    #[test]
    fn rows_of_the_check_and_of_the_qa_user_are_not_a_patients() {
        use crate::audit::{LinkRecord, Outcome, Scope};
        let record = |who: &str, source: Source| {
            let request = crate::api::LinkTokenRequest::default();
            LinkRecord {
                minted: Scope::demo(source, "jdoe").event(
                    Outcome::Minted,
                    &request,
                    who,
                    Utc::now(),
                ),
                connected: vec![],
                last_outcome: Outcome::Minted,
            }
        };
        assert!(record("patient-00001", Source::Check).is_qa(), "--user");
        assert!(record(audit::QA_CLIENT_USER_ID, Source::Console).is_qa());
        assert!(!record("patient-00001", Source::Console).is_qa());
    }

    #[test]
    fn junit_has_one_case_per_preset_and_escapes_markup_and_controls() {
        let cases = [
            junit::Case {
                name: "a<b>&\"c\"".into(),
                seconds: 0.5,
                failure: None,
                output: None,
            },
            junit::Case {
                name: "cgm".into(),
                seconds: 0.25,
                failure: Some((
                    "not shown: x".into(),
                    "not shown: x\nline 2: y\u{1b}[31m".into(),
                )),
                output: Some("the patient will see Oura".into()),
            },
        ];
        let at = "2026-12-05T04:00:00Z".parse().unwrap();
        let xml = junit::report("presets check --live", &cases, at);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"vital-onboard\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"0.750\">\n  \
             <testsuite name=\"presets check --live\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"0.750\" skipped=\"0\" timestamp=\"2026-12-05T04:00:00\">\n    \
             <testcase classname=\"presets\" name=\"a&lt;b&gt;&amp;&quot;c&quot;\" time=\"0.500\"/>\n    \
             <testcase classname=\"presets\" name=\"cgm\" time=\"0.250\">\n      \
             <failure message=\"not shown: x\" type=\"preset\">not shown: x\nline 2: y[31m</failure>\n      \
             <system-out>the patient will see Oura</system-out>\n    \
             </testcase>\n  </testsuite>\n</testsuites>\n"
        );
    }
}
