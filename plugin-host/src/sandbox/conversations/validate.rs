//! What callers may send, checked at the edge: message bodies and attributes, customer and
//! agent names, task status changes. Pure functions; the handlers turn [`Invalid`] into 400.

use serde_json::{Map, Value};

/// Longest message body, in characters.
pub const BODY_MAX_CHARS: usize = 1600;
/// Largest message attributes object, serialized.
pub const ATTRIBUTES_MAX_BYTES: usize = 16 * 1024;
/// Longest customer name or agent identity, in characters (as `POST /sandbox/chats` allows).
pub const NAME_MAX_CHARS: usize = 128;
/// Longest `Reason` for a status change, in characters.
pub const REASON_MAX_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid(message.into())
}

/// A message as accepted: the body verbatim and the attributes as compact JSON object text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub body: String,
    pub attributes: String,
}

/// `{"body": "...", "attributes": {...}?}`.
pub fn new_message(input: &Value) -> Result<NewMessage, Invalid> {
    let obj = input
        .as_object()
        .ok_or_else(|| invalid("The request body must be a JSON object"))?;
    let body = match obj.get("body") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(invalid("body must be a string")),
        None => return Err(invalid("Missing body")),
    };
    if body.trim().is_empty() {
        return Err(invalid("The message is empty"));
    }
    if body.chars().count() > BODY_MAX_CHARS {
        return Err(invalid(format!(
            "A message has at most {BODY_MAX_CHARS} characters"
        )));
    }
    if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(invalid("The message contains control characters"));
    }
    let attributes = match obj.get("attributes") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(invalid("attributes must be a JSON object")),
    };
    let attributes = Value::Object(attributes).to_string();
    if attributes.len() > ATTRIBUTES_MAX_BYTES {
        return Err(invalid(format!(
            "Message attributes are larger than {} KiB",
            ATTRIBUTES_MAX_BYTES / 1024
        )));
    }
    Ok(NewMessage {
        body: body.clone(),
        attributes,
    })
}

/// A customer name or agent identity: trimmed, 1 to 128 printable characters.
pub fn name(field: &str, value: Option<&Value>) -> Result<String, Invalid> {
    let text = match value {
        Some(Value::String(s)) => s.trim(),
        Some(Value::Null) | None => "",
        Some(_) => return Err(invalid(format!("{field} must be a string"))),
    };
    if text.is_empty() {
        return Err(invalid(format!("Missing {field}")));
    }
    if text.chars().count() > NAME_MAX_CHARS || text.chars().any(char::is_control) {
        return Err(invalid(format!(
            "{field} must be 1 to {NAME_MAX_CHARS} printable characters"
        )));
    }
    Ok(text.to_owned())
}

/// The statuses an agent moves their own task to from the desk.
pub const AGENT_STATUSES: [&str; 2] = ["wrapping", "completed"];

/// `{"assignmentStatus": "wrapping"|"completed", "reason"?: "..."}` → (status, reason).
pub fn status_change(input: &Value) -> Result<(String, Option<String>), Invalid> {
    let obj = input
        .as_object()
        .ok_or_else(|| invalid("The request body must be a JSON object"))?;
    let status = match obj.get("assignmentStatus") {
        Some(Value::String(s)) if AGENT_STATUSES.contains(&s.as_str()) => s.clone(),
        Some(Value::String(s)) => {
            return Err(invalid(format!(
                "assignmentStatus must be wrapping or completed, not {s:?}"
            )));
        }
        Some(_) => return Err(invalid("assignmentStatus must be a string")),
        None => return Err(invalid("Missing assignmentStatus")),
    };
    let reason = match obj.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s))
            if s.chars().count() > REASON_MAX_CHARS || s.chars().any(char::is_control) =>
        {
            return Err(invalid(format!(
                "reason must be at most {REASON_MAX_CHARS} printable characters"
            )));
        }
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(_) => return Err(invalid("reason must be a string")),
    };
    Ok((status, reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_message_keeps_its_body_and_compacts_attributes() {
        let m = new_message(&json!({"body": " hi\nthere ", "attributes": {"hasVideo": true, "videoUrl": "http://x/"}})).unwrap();
        assert_eq!(m.body, " hi\nthere ");
        assert_eq!(m.attributes, r#"{"hasVideo":true,"videoUrl":"http://x/"}"#);
        assert_eq!(new_message(&json!({"body": "x"})).unwrap().attributes, "{}");
        assert_eq!(
            new_message(&json!({"body": "x", "attributes": null}))
                .unwrap()
                .attributes,
            "{}"
        );
    }

    #[test]
    fn bad_messages_say_what_is_wrong() {
        let err = |v: Value| new_message(&v).unwrap_err().0;
        assert_eq!(err(json!([1])), "The request body must be a JSON object");
        assert_eq!(err(json!({})), "Missing body");
        assert_eq!(err(json!({"body": 5})), "body must be a string");
        assert_eq!(err(json!({"body": "  \n "})), "The message is empty");
        assert_eq!(
            err(json!({"body": "a\u{0}b"})),
            "The message contains control characters"
        );
        assert_eq!(
            err(json!({"body": "x", "attributes": "{}"})),
            "attributes must be a JSON object"
        );
        assert_eq!(
            err(json!({"body": "x", "attributes": [1]})),
            "attributes must be a JSON object"
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let at_limit = "é".repeat(BODY_MAX_CHARS);
        assert!(new_message(&json!({ "body": at_limit })).is_ok());
        let over = "é".repeat(BODY_MAX_CHARS + 1);
        assert!(new_message(&json!({ "body": over }))
            .unwrap_err()
            .0
            .contains("1600"));
        let big = "a".repeat(ATTRIBUTES_MAX_BYTES);
        assert!(new_message(&json!({"body": "x", "attributes": {"k": big}}))
            .unwrap_err()
            .0
            .contains("16 KiB"));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", Some(&json!("  Ada "))).unwrap(), "Ada");
        assert_eq!(
            name("name", Some(&json!(" "))).unwrap_err().0,
            "Missing name"
        );
        assert_eq!(name("agent", None).unwrap_err().0, "Missing agent");
        assert_eq!(
            name("agent", Some(&json!(3))).unwrap_err().0,
            "agent must be a string"
        );
        assert!(name("name", Some(&json!("a\u{7}"))).is_err());
        assert!(name("name", Some(&json!("x".repeat(NAME_MAX_CHARS)))).is_ok());
        assert!(name("name", Some(&json!("x".repeat(NAME_MAX_CHARS + 1)))).is_err());
    }

    #[test]
    fn status_changes_are_wrapping_or_completed() {
        assert_eq!(
            status_change(&json!({"assignmentStatus": "wrapping"})).unwrap(),
            ("wrapping".into(), None)
        );
        assert_eq!(
            status_change(&json!({"assignmentStatus": "completed", "reason": " done "})).unwrap(),
            ("completed".into(), Some("done".into()))
        );
        assert!(status_change(&json!({"assignmentStatus": "canceled"}))
            .unwrap_err()
            .0
            .contains("canceled"));
        assert_eq!(
            status_change(&json!({})).unwrap_err().0,
            "Missing assignmentStatus"
        );
        assert!(status_change(
            &json!({"assignmentStatus": "completed", "reason": "x".repeat(300)})
        )
        .is_err());
        // At most REASON_MAX_CHARS characters (not bytes), none of them a control character.
        let longest = "é".repeat(REASON_MAX_CHARS);
        assert_eq!(
            status_change(&json!({"assignmentStatus": "completed", "reason": longest})).unwrap(),
            ("completed".into(), Some(longest.clone()))
        );
        let over = format!("{longest}x");
        assert!(status_change(&json!({"assignmentStatus": "completed", "reason": over})).is_err());
        assert!(
            status_change(&json!({"assignmentStatus": "completed", "reason": "a\u{7}b"})).is_err()
        );
    }
}
