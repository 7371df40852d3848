//! The `ui_attributes.custom_data` this feature needs in an account's Flex Configuration
//! (read by the plugin through `src/config.rs` of the root crate), and the merge that adds it
//! without touching any other key: `cargo xtask deploy` and the sandbox's default
//! configuration both build it here.

use reqwest::Url;
use serde_json::{json, Map, Value};

/// `custom_data` pointing the plugin at functions served from `functions`' origin, with the
/// feature enabled. The port is given only when the URL names one.
pub fn for_functions_url(functions: &Url) -> Value {
    let mut data = json!({
        "serverless_functions_domain": functions.host_str().unwrap_or_default(),
        "serverless_functions_protocol": functions.scheme(),
        "features": { "chat_to_video_escalation": { "enabled": true } },
    });
    if let Some(port) = functions.port() {
        data["serverless_functions_port"] = Value::String(port.to_string());
    }
    data
}

/// Merges `ours` into `ui_attributes.custom_data` object by object: every key `ours` does not
/// name stays as it was, at every depth; values `ours` names are replaced. A `ui_attributes`
/// that is not an object becomes one. A port `ours` does not name is removed, so functions
/// moved to a default port are not looked for on the old one.
pub fn merge_custom_data(ui_attributes: &mut Value, ours: &Value) {
    if !ui_attributes.is_object() {
        *ui_attributes = Value::Object(Map::new());
    }
    let custom = &mut ui_attributes["custom_data"];
    if ours.get(PORT).is_none() {
        if let Some(map) = custom.as_object_mut() {
            map.remove(PORT);
        }
    }
    merge(custom, ours);
}

const PORT: &str = "serverless_functions_port";

fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_port_only_when_the_url_does() {
        let https = for_functions_url(&Url::parse("https://video.example.com/").unwrap());
        assert_eq!(
            https,
            json!({
                "serverless_functions_domain": "video.example.com",
                "serverless_functions_protocol": "https",
                "features": { "chat_to_video_escalation": { "enabled": true } },
            })
        );
        let local = for_functions_url(&Url::parse("http://127.0.0.1:8080").unwrap());
        assert_eq!(local["serverless_functions_port"], "8080");
        assert_eq!(local["serverless_functions_protocol"], "http");
    }

    #[test]
    fn the_merge_keeps_every_other_key() {
        let mut ui = json!({
            "colorTheme": { "baseName": "Dark" },
            "custom_data": {
                "other_team": { "keep": true },
                "serverless_functions_domain": "old.example.com",
                "serverless_functions_port": "8443",
                "features": { "other_feature": { "enabled": true }, "chat_to_video_escalation": { "enabled": false, "note": "x" } },
            },
        });
        merge_custom_data(
            &mut ui,
            &for_functions_url(&Url::parse("https://new.example.com").unwrap()),
        );
        assert_eq!(ui["colorTheme"], json!({ "baseName": "Dark" }));
        assert_eq!(ui["custom_data"]["other_team"], json!({ "keep": true }));
        assert_eq!(
            ui["custom_data"]["features"]["other_feature"],
            json!({ "enabled": true })
        );
        assert_eq!(
            ui["custom_data"]["features"]["chat_to_video_escalation"],
            json!({ "enabled": true, "note": "x" })
        );
        assert_eq!(
            ui["custom_data"]["serverless_functions_domain"],
            "new.example.com"
        );
        assert!(
            ui["custom_data"].get(PORT).is_none(),
            "the old port is gone"
        );

        let mut empty = Value::Null;
        merge_custom_data(&mut empty, &json!({ "a": 1 }));
        assert_eq!(empty, json!({ "custom_data": { "a": 1 } }));
    }
}
