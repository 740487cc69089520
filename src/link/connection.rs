//! A connection's `error_type` (`ClientFacingConnectionErrorDetails`, an open set) in plain
//! words: one table, one row a code, read in two places. The patient pane describes a connection
//! that stopped working ([`connection_problem`]: connect again); the link view's watcher describes
//! an attempt through the link on screen that just failed ([`attempt_advice`]: what to tell the
//! patient, `r` for a new link).

/// One `error_type` in words, for each place that shows it.
struct Words {
    /// The codes this row stands for.
    codes: &'static [&'static str],
    /// A connection in the patient pane that has this error.
    pane: &'static str,
    /// A connection attempt through the link on screen that just failed with it.
    attempt: &'static str,
}

/// What the watcher says when a failed attempt's code is not in the table.
const ATTEMPT_FALLBACK: &str =
    "the connection failed: press r to try again, or check the provider's status";

const TABLE: &[Words] = &[
    Words {
        codes: &["token_refresh_failed"],
        pane: "the provider stopped accepting the sign-in: connect again",
        attempt: "the provider stopped accepting the sign-in: mint a new link (r) and try again",
    },
    Words {
        codes: &["webhook_registration_failed"],
        pane: "the provider did not accept notifications: connect again, or ask Vital support",
        attempt: "the provider did not accept notifications: mint a new link (r) and try again, or ask Vital support",
    },
    Words {
        codes: &["user_not_found"],
        pane: "the provider no longer knows this account: connect again",
        attempt: "the provider does not know this account: ask the patient to check it and mint a new link (r)",
    },
    Words {
        codes: &["deregistered_per_provider"],
        pane: "the provider disconnected it: connect again",
        attempt: "the provider disconnected it: mint a new link (r) and try again",
    },
    Words {
        codes: &["required_scopes_not_granted"],
        pane: "some permissions were not granted: connect again and allow every item asked for",
        attempt: "the patient did not allow every permission: mint a new link (r) and ask them to allow all",
    },
    Words {
        codes: &["provider_credential_error"],
        pane: "the username or password was wrong: connect again",
        attempt: "the sign-in was refused: ask the patient to check their username and password and try again (r for a new link)",
    },
    Words {
        codes: &["provider_password_expired"],
        pane: "the provider password expired: change it with the provider, then connect again",
        attempt: "the patient's password has expired: they should reset it with the provider, then scan a new link",
    },
    Words {
        codes: &["incorrect_mfa_code"],
        pane: "the sign-in code was wrong: connect again",
        attempt: "the sign-in code was wrong: mint a new link (r) and try again",
    },
    Words {
        codes: &["unsupported_region"],
        pane: "the provider does not serve the patient's region: connect another provider",
        attempt: "the provider does not serve the patient's region: try another provider",
    },
    Words {
        codes: &["duplicate_connection"],
        pane: "this provider account is connected to another patient too: check who it belongs to",
        attempt: "this provider account is already connected to another patient: check who it belongs to",
    },
    Words {
        codes: &["provider_api_error"],
        pane: "the provider's service failed: wait a few minutes and connect again",
        attempt: "the provider's service failed: wait a few minutes and mint a new link (r)",
    },
    Words {
        codes: &["token_expired", "token_consumed", "invalid_token"],
        pane: "the link could no longer be used: connect again with a new link",
        attempt: "the link can no longer be used: press r for a new one",
    },
    Words {
        codes: &["user_cancelled"],
        pane: "the patient closed the page: connect again if they want to",
        attempt: "the patient closed the page: press r if they want to try again",
    },
    Words {
        codes: &["unknown"],
        pane: "the provider reported an unknown problem: connect again",
        attempt: ATTEMPT_FALLBACK,
    },
];

fn row(error_type: &str) -> Option<&'static Words> {
    TABLE.iter().find(|w| w.codes.contains(&error_type))
}

/// A connection's `error_type` in the patient pane, with what to do. Unknown codes are shown as
/// they came.
pub fn connection_problem(error_type: &str) -> String {
    row(error_type).map_or_else(
        || format!("error {error_type}: connect again"),
        |w| w.pane.to_string(),
    )
}

/// What to do about a connection with `error_type`, alone (the part of
/// [`connection_problem`] after what went wrong: `connect again`), for a narrow pane.
pub fn connection_advice(error_type: &str) -> String {
    let problem = connection_problem(error_type);
    match problem.split_once(": ") {
        Some((_, advice)) => advice.to_string(),
        None => problem,
    }
}

/// A connection attempt that just failed with `error_type`, for the staff watching the link: what
/// happened and what to do.
pub fn attempt_advice(error_type: &str) -> String {
    row(error_type)
        .map_or(ATTEMPT_FALLBACK, |w| w.attempt)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_has_one_row() {
        let mut codes: Vec<&str> = TABLE.iter().flat_map(|w| w.codes.iter().copied()).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n, "a code in two rows");
    }

    #[test]
    fn every_problem_has_advice_alone_for_a_narrow_pane() {
        assert_eq!(connection_advice("token_refresh_failed"), "connect again");
        assert_eq!(connection_advice("new_code"), "connect again");
        for w in TABLE {
            for code in w.codes {
                let advice = connection_advice(code);
                assert!(w.pane.ends_with(&advice), "{code}: {advice}");
                assert!(!advice.contains(": "), "{code}: {advice}");
            }
        }
    }

    #[test]
    fn the_pane_says_what_is_wrong_and_to_connect_again() {
        assert_eq!(
            connection_problem("provider_credential_error"),
            "the username or password was wrong: connect again"
        );
        assert_eq!(
            connection_problem("new_code"),
            "error new_code: connect again"
        );
        // Codes the link page reports are put in words in the pane too.
        assert_eq!(
            connection_problem("incorrect_mfa_code"),
            "the sign-in code was wrong: connect again"
        );
    }

    #[test]
    fn the_watcher_says_what_to_tell_the_patient() {
        assert_eq!(
            attempt_advice("provider_credential_error"),
            "the sign-in was refused: ask the patient to check their username and password and try again (r for a new link)"
        );
        assert_eq!(
            attempt_advice("invalid_token"),
            "the link can no longer be used: press r for a new one"
        );
        assert_eq!(attempt_advice("new_code"), ATTEMPT_FALLBACK);
        assert_eq!(attempt_advice("unknown"), ATTEMPT_FALLBACK);
        // Codes the pane knows are put in words by the watcher too.
        assert_eq!(
            attempt_advice("deregistered_per_provider"),
            "the provider disconnected it: mint a new link (r) and try again"
        );
    }
}
