//! Validation errors shaped like the real API's (`FastAPI` + pydantic 2): HTTP 422 with
//! `{"detail": [{"type", "loc", "msg", "input", "ctx"?}]}`.

use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Errors(pub Vec<Value>);

impl Errors {
    #[allow(
        clippy::needless_pass_by_value,
        reason = "callers build `loc` in place with json!"
    )]
    pub fn push(&mut self, kind: &str, loc: Value, msg: impl Into<String>, input: &Value) {
        self.0.push(json!({
            "type": kind,
            "loc": loc,
            "msg": msg.into(),
            "input": input,
        }));
    }

    #[allow(
        clippy::needless_pass_by_value,
        reason = "callers build `loc` and `ctx` in place with json!"
    )]
    pub fn push_ctx(
        &mut self,
        kind: &str,
        loc: Value,
        msg: impl Into<String>,
        input: &Value,
        ctx: Value,
    ) {
        self.0.push(json!({
            "type": kind,
            "loc": loc,
            "msg": msg.into(),
            "input": input,
            "ctx": ctx,
        }));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn body(self) -> Value {
        json!({ "detail": self.0 })
    }

    pub fn missing(&mut self, loc: Value, input: &Value) {
        self.push("missing", loc, "Field required", input);
    }

    /// A required body field: pydantic's `missing` when absent (the whole body as its input),
    /// else `check` with the field's location and value.
    pub fn required<'a, T>(
        &mut self,
        body: &'a serde_json::Map<String, Value>,
        name: &str,
        check: impl FnOnce(&mut Self, Value, &'a Value) -> Option<T>,
    ) -> Option<T> {
        let loc = json!(["body", name]);
        if let Some(v) = body.get(name) {
            check(self, loc, v)
        } else {
            self.missing(loc, &Value::Object(body.clone()));
            None
        }
    }

    /// Checks a UUID given as a JSON value.
    pub fn uuid(&mut self, loc: Value, v: &Value) -> Option<Uuid> {
        if let Value::String(s) = v {
            match Uuid::parse_str(s) {
                Ok(u) => Some(u),
                Err(e) => {
                    self.push_ctx(
                        "uuid_parsing",
                        loc,
                        format!("Input should be a valid UUID, {e}"),
                        v,
                        json!({ "error": e.to_string() }),
                    );
                    None
                }
            }
        } else {
            self.push(
                "uuid_type",
                loc,
                "UUID input should be a string, bytes or UUID object",
                v,
            );
            None
        }
    }

    /// Checks a value against an enum of strings (pydantic's `enum` error).
    pub fn one_of<'a>(&mut self, loc: Value, v: &'a Value, allowed: &[&str]) -> Option<&'a str> {
        if let Some(s) = v.as_str().filter(|s| allowed.contains(s)) {
            return Some(s);
        }
        let expected = enum_expected(allowed);
        self.push_ctx(
            "enum",
            loc,
            format!("Input should be {expected}"),
            v,
            json!({ "expected": expected }),
        );
        None
    }

    /// A `YYYY-MM-DD` date (pydantic's `date_from_datetime_parsing` otherwise).
    pub fn date(&mut self, loc: Value, v: &Value) -> Option<String> {
        let parsed = v
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        if let Some(d) = parsed {
            Some(d.format("%Y-%m-%d").to_string())
        } else {
            self.push(
                "date_from_datetime_parsing",
                loc,
                "Input should be a valid date or datetime, invalid date separator",
                v,
            );
            None
        }
    }

    pub fn string<'a>(&mut self, loc: Value, v: &'a Value) -> Option<&'a str> {
        if let Some(s) = v.as_str() {
            Some(s)
        } else {
            self.push("string_type", loc, "Input should be a valid string", v);
            None
        }
    }
}

/// `'a', 'b' or 'c'`, as pydantic words it.
pub fn enum_expected(allowed: &[&str]) -> String {
    let quoted: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// A body that is not JSON: pydantic's `json_invalid`.
pub fn json_invalid(err: &serde_json::Error) -> Value {
    json!({ "detail": [{
        "type": "json_invalid",
        "loc": ["body", err.column()],
        "msg": "JSON decode error",
        "input": {},
        "ctx": { "error": err.to_string() },
    }]})
}

/// A body that is JSON but not an object: pydantic's `model_attributes_type`.
pub fn not_an_object(input: &Value) -> Value {
    json!({ "detail": [{
        "type": "model_attributes_type",
        "loc": ["body"],
        "msg": "Input should be a valid dictionary or object to extract fields from",
        "input": input,
    }]})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_wording_matches_pydantic() {
        assert_eq!(enum_expected(&["redirect"]), "'redirect'");
        assert_eq!(enum_expected(&["a", "b", "c"]), "'a', 'b' or 'c'");
    }
}
