//! What a refused app-code mint means for the staff: the hint both the command line and the
//! console give when the team's plan lacks the Junction Connect app.

use super::error::ApiError;

/// The hint for a team whose plan lacks the app.
pub const PLAN_HINT: &str = "the Junction Connect app needs Vital's Grow or Scale plan: ask Vital to add it to the team's plan, or use a link";

/// The hint for an error of `POST /v2/link/code/create`, when it says the team may not create
/// codes: a 402 or 403 whose words are not about the API key (a refused key is a 401,
/// [`ApiError::Unauthorized`]).
pub fn app_code_hint(e: &ApiError) -> Option<&'static str> {
    match e {
        ApiError::Refused {
            status: 402 | 403,
            detail,
        } if !detail.to_ascii_lowercase().contains("api key") => Some(PLAN_HINT),
        _ => None,
    }
}

/// The error in words, with [`app_code_hint`]'s hint when it has one.
pub fn app_code_refusal(e: &ApiError) -> String {
    match app_code_hint(e) {
        Some(hint) => format!("{e} · {hint}"),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_refusal_gets_the_hint_and_a_key_refusal_does_not() {
        let plan = ApiError::Refused {
            status: 403,
            detail: "The Junction Connect app is not included in your team's plan.".into(),
        };
        assert_eq!(app_code_hint(&plan), Some(PLAN_HINT));
        let text = app_code_refusal(&plan);
        assert!(text.contains("not included in your team's plan"), "{text}");
        assert!(text.ends_with(PLAN_HINT), "{text}");
        assert!(PLAN_HINT.contains("Grow or Scale"));
        for other in [
            ApiError::Unauthorized {
                status: 401,
                target: "x".into(),
            },
            ApiError::Refused {
                status: 403,
                detail: "Invalid API key".into(),
            },
            ApiError::Refused {
                status: 400,
                detail: "plan".into(),
            },
            ApiError::Validation { fields: vec![] },
        ] {
            assert_eq!(app_code_hint(&other), None, "{other:?}");
            assert_eq!(app_code_refusal(&other), other.to_string());
        }
    }
}
