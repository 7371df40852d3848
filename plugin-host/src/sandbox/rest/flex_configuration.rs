//! Flex's `GET/POST /v1/Configuration`: the account's one configuration. A write (a JSON body
//! naming the `account_sid`) replaces the top-level keys it names and keeps the others, as
//! Twilio's does; so `ui_attributes` is written whole, and the caller merges inside it. Until the
//! first write, `ui_attributes.custom_data` points the plugin at this host with the feature on.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use super::Authed;
use crate::app::AppState;
use crate::clock::{now_ms, rfc3339_secs};
use crate::sandbox::{DbError, Sandbox, SandboxError};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/Configuration", get(fetch).post(update))
}

/// Keys a write may set (the rest of `flex.v1.configuration` is the account's, read-only here).
const WRITABLE: [&str; 8] = [
    "attributes",
    "ui_attributes",
    "ui_dependencies",
    "ui_language",
    "ui_version",
    "plugin_service_attributes",
    "public_attributes",
    "serverless_service_sids",
];

/// The stored keys and when they were first and last written.
struct Stored {
    keys: Map<String, Value>,
    created: i64,
    updated: i64,
}

fn load(c: &Connection) -> Result<Option<Stored>, DbError> {
    let row: Option<(String, i64, i64)> = c
        .query_row(
            "SELECT attributes, date_created, date_updated FROM flex_configuration WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(
        |(text, created, updated)| match serde_json::from_str(&text) {
            Ok(Value::Object(keys)) => Ok(Stored {
                keys,
                created,
                updated,
            }),
            _ => Err(DbError::Corrupt("flex_configuration.attributes".into())),
        },
    )
    .transpose()
}

/// The account's `ui_attributes` as the desk reads them (the default until the first write).
pub fn ui_attributes(c: &Connection, functions_url: &str) -> Result<Value, DbError> {
    Ok(load(c)?
        .and_then(|s| s.keys.get("ui_attributes").cloned())
        .unwrap_or_else(|| default_ui_attributes(functions_url)))
}

fn default_ui_attributes(functions_url: &str) -> Value {
    let custom = reqwest::Url::parse(functions_url)
        .map(|u| crate::custom_data::for_functions_url(&u))
        .unwrap_or(Value::Null);
    json!({ "custom_data": custom })
}

fn to_json(sb: &Sandbox, stored: Option<Stored>, functions_url: &str) -> Value {
    let ids = sb.ids();
    let (keys, created, updated) = match stored {
        Some(s) => (s.keys, s.created, s.updated),
        None => (Map::new(), 0, 0),
    };
    let key = |k: &str| keys.get(k).cloned().unwrap_or(Value::Null);
    let ui = keys
        .get("ui_attributes")
        .cloned()
        .unwrap_or_else(|| default_ui_attributes(functions_url));
    let mut config = json!({
        "account_sid": ids.account_sid,
        "date_created": rfc3339_secs(created),
        "date_updated": rfc3339_secs(updated),
        "attributes": key("attributes"),
        "status": "ok",
        "taskrouter_workspace_sid": ids.workspace_sid,
        "taskrouter_target_workflow_sid": ids.workflow_sid,
        "taskrouter_target_taskqueue_sid": ids.queue_sid,
        "taskrouter_taskqueues": [{ "sid": ids.queue_sid, "targettable": true }],
        "taskrouter_skills": [],
        "ui_language": key("ui_language"),
        "ui_attributes": ui,
        "ui_dependencies": key("ui_dependencies"),
        "ui_version": keys.get("ui_version").cloned().unwrap_or(json!("~2.17.1")),
        "call_recording_enabled": false,
        "crm_enabled": false,
        "public_attributes": key("public_attributes"),
        "plugin_service_enabled": true,
        "plugin_service_attributes": key("plugin_service_attributes"),
        "integrations": [],
        "serverless_service_sids": keys.get("serverless_service_sids").cloned().unwrap_or(json!([])),
        "url": format!("{}/v1/Configuration", sb.base_url()),
        "channel_configs": [],
    });
    // The rest of Twilio's fields: nothing the sandbox has.
    for field in UNSET {
        config[field] = Value::Null;
    }
    config
}

const UNSET: [&str; 26] = [
    "taskrouter_worker_channels",
    "taskrouter_worker_attributes",
    "taskrouter_offline_activity_sid",
    "runtime_domain",
    "messaging_service_instance_sid",
    "chat_service_instance_sid",
    "flex_instance_sid",
    "flex_service_instance_sid",
    "service_version",
    "call_recording_webhook_url",
    "crm_type",
    "crm_callback_url",
    "crm_fallback_url",
    "crm_attributes",
    "outbound_call_flows",
    "queue_stats_configuration",
    "notifications",
    "markdown",
    "flex_insights_hr",
    "flex_insights_drilldown",
    "flex_url",
    "debugger_integration",
    "flex_ui_status_report",
    "agent_conv_end_methods",
    "citrix_voice_vdi",
    "offline_config",
];

async fn fetch(
    State(state): State<AppState>,
    Authed(sb): Authed,
) -> Result<Response, SandboxError> {
    let stored = sb.db().call(|c| load(c)).await?;
    Ok(Json(to_json(&sb, stored, &state.public_url)).into_response())
}

async fn update(
    State(state): State<AppState>,
    Authed(sb): Authed,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let Ok(Value::Object(given)) = serde_json::from_slice::<Value>(&body) else {
        return Err(SandboxError::invalid(
            "The request body must be a JSON object",
        ));
    };
    match given.get("account_sid").and_then(Value::as_str) {
        None => return Err(SandboxError::missing("account_sid")),
        Some(a) if a != sb.ids().account_sid => {
            return Err(SandboxError::invalid("account_sid is not this account's"))
        }
        Some(_) => {}
    }
    let mut writes = Map::new();
    for (k, v) in given {
        if k == "account_sid" {
            continue;
        }
        if !WRITABLE.contains(&k.as_str()) {
            return Err(SandboxError::invalid(format!(
                "{k} cannot be written to the Flex Configuration"
            )));
        }
        writes.insert(k, v);
    }
    let stored = sb
        .db()
        .call(move |c| {
            let tx = c.transaction()?;
            let now = now_ms();
            let (mut keys, created) = match load(&tx)? {
                Some(s) => (s.keys, s.created),
                None => (Map::new(), now),
            };
            keys.extend(writes);
            tx.execute(
                "INSERT INTO flex_configuration (id, attributes, date_created, date_updated)
                 VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET attributes = ?1, date_updated = ?3",
                params![Value::Object(keys).to_string(), created, now],
            )?;
            let stored = load(&tx)?;
            tx.commit()?;
            Ok(stored)
        })
        .await?;
    Ok(Json(to_json(&sb, stored, &state.public_url)).into_response())
}
