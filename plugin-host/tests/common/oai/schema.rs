//! JSON values against an OpenAPI 3.0 schema: `$ref`s resolved, types, enums, bounds, patterns and
//! formats, and objects that carry every listed property and nothing else.

use serde_json::{Map, Value};

pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

/// JSON against an OpenAPI 3.0 schema. Response objects must carry every listed property
/// (Twilio's answers always do, `null` where empty) and nothing else.
pub fn check_value(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let s = resolve(doc, schema);
    if v.is_null() {
        if s["nullable"] != true
            && s.as_object()
                .is_some_and(|o| o.contains_key("type") || o.contains_key("$ref"))
        {
            errors.push(format!("{at}: null but not nullable"));
        }
        return;
    }
    if let Some(options) = s["enum"].as_array() {
        if !options.contains(v) {
            errors.push(format!("{at}: {v} not one of {options:?}"));
        }
    }
    match s["type"].as_str() {
        Some("object") => {
            let Some(obj) = v.as_object() else {
                return errors.push(format!("{at}: not an object"));
            };
            if let Some(props) = s["properties"].as_object() {
                check_object(doc, props, obj, at, errors);
            }
        }
        Some("array") => match v.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check_value(doc, &s["items"], item, &format!("{at}[{i}]"), errors);
                }
            }
            None => errors.push(format!("{at}: not an array")),
        },
        Some("string") => match v.as_str() {
            Some(text) => check_string(s, text, at, errors),
            None => errors.push(format!("{at}: {v} is not a string")),
        },
        Some("integer") => {
            if !(v.is_i64() || v.is_u64()) {
                errors.push(format!("{at}: {v} is not an integer"));
            } else if let (Some(min), Some(n)) = (s["minimum"].as_i64(), v.as_i64()) {
                if n < min {
                    errors.push(format!("{at}: {n} below minimum {min}"));
                }
            }
        }
        Some("number") if !v.is_number() => errors.push(format!("{at}: {v} is not a number")),
        Some("boolean") if !v.is_boolean() => errors.push(format!("{at}: {v} is not a boolean")),
        _ => {}
    }
}

fn check_object(
    doc: &Value,
    props: &Map<String, Value>,
    obj: &Map<String, Value>,
    at: &str,
    errors: &mut Vec<String>,
) {
    for (k, val) in obj {
        match props.get(k) {
            Some(ps) => check_value(doc, ps, val, &format!("{at}.{k}"), errors),
            None => errors.push(format!("{at}: unknown field {k}")),
        }
    }
    for k in props.keys() {
        if !obj.contains_key(k) {
            errors.push(format!("{at}: missing field {k}"));
        }
    }
}

fn check_string(s: &Value, text: &str, at: &str, errors: &mut Vec<String>) {
    let len = text.chars().count() as u64;
    if s["minLength"].as_u64().is_some_and(|m| len < m)
        || s["maxLength"].as_u64().is_some_and(|m| len > m)
    {
        errors.push(format!("{at}: length {len} out of bounds"));
    }
    if let Some(p) = s["pattern"].as_str() {
        match regex::Regex::new(p) {
            Ok(re) if !re.is_match(text) => {
                errors.push(format!("{at}: {text:?} does not match {p}"))
            }
            Ok(_) => {}
            Err(e) => errors.push(format!("{at}: bad pattern {p}: {e}")),
        }
    }
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    match s["format"].as_str() {
        Some("date-time") if time::OffsetDateTime::parse(text, rfc3339).is_err() => {
            errors.push(format!("{at}: {text:?} is not a date-time"));
        }
        Some("uri") if reqwest::Url::parse(text).is_err() => {
            errors.push(format!("{at}: {text:?} is not a URI"));
        }
        _ => {}
    }
}
