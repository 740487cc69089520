//! `vital-onboard presets [--json]` lists the config file's presets; `presets check` lints them
//! (each problem with its line; exit 2 when one is found) and sends nothing. `presets check
//! --live` also mints one link per preset the lint passes, for a QA user (never a patient), and
//! asks `GET /v2/link/providers` with each token what the Link page offers ([`check_live`]).
//! `--json` gives one object a line per preset, `--junit FILE` a `JUnit` XML report ([`junit`]).

use std::io::Write;
use std::path::Path;

use chrono::Utc;
use serde_json::json;

pub mod junit;
mod live;

pub use live::check_live;

use super::commands::{CommandResult, Failure};
use crate::cli::{CheckArgs, PresetsAction};
use crate::link::offered::PageOffer;
use crate::setup::config::{Config, Preset};
use crate::setup::presets::{self, Problem};
use crate::text::{count, sanitize, sanitize_json};

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
                count(self.problems.len(), "problem", "problems")
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, Source};
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
