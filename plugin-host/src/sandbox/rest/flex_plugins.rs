//! The Flex Plugins API under `/v1/PluginService/…`: Plugins (by sid or unique name), their
//! Versions, Configurations (a set of plugin versions, each with a phase) with their Plugins,
//! and Releases (the newest is the active one, also at `Releases/Active`). Everything is
//! immutable once created except a plugin's names, as in Twilio's.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::paging::Paging;
use super::{Authed, Form};
use crate::app::AppState;
use crate::clock::{now_ms, rfc3339_secs};
use crate::sandbox::sid::new_sid;
use crate::sandbox::{DbError, Sandbox, SandboxError};

const BASE: &str = "/v1/PluginService";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/PluginService/Plugins",
            get(list_plugins).post(create_plugin),
        )
        .route(
            "/v1/PluginService/Plugins/{sid}",
            get(fetch_plugin).post(update_plugin),
        )
        .route(
            "/v1/PluginService/Plugins/{plugin}/Versions",
            get(list_versions).post(create_version),
        )
        .route(
            "/v1/PluginService/Plugins/{plugin}/Versions/{sid}",
            get(fetch_version),
        )
        .route(
            "/v1/PluginService/Configurations",
            get(list_configurations).post(create_configuration),
        )
        .route(
            "/v1/PluginService/Configurations/{sid}",
            get(fetch_configuration),
        )
        .route(
            "/v1/PluginService/Configurations/{sid}/Plugins",
            get(list_configured),
        )
        .route(
            "/v1/PluginService/Configurations/{sid}/Plugins/{plugin}",
            get(fetch_configured),
        )
        .route(
            "/v1/PluginService/Releases",
            get(list_releases).post(create_release),
        )
        .route("/v1/PluginService/Releases/{sid}", get(fetch_release))
}

/// Twilio's answer to a second resource where one must be unique.
pub fn conflict(message: impl Into<String>) -> SandboxError {
    SandboxError::api(409, 20409, message)
}

fn not_found(path: &str) -> SandboxError {
    SandboxError::not_found(path)
}

fn text(form: &Form, name: &str, max: usize) -> Result<Option<String>, SandboxError> {
    match form.get(name) {
        Some(v) if v.chars().count() > max => Err(SandboxError::invalid(format!(
            "{name} must be at most {max} characters"
        ))),
        other => Ok(other.map(str::to_owned)),
    }
}

fn required(form: &Form, name: &str, max: usize) -> Result<String, SandboxError> {
    match text(form, name, max)? {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(SandboxError::missing(name)),
    }
}

// --- plugins --------------------------------------------------------------------------

struct PluginRow {
    sid: String,
    unique_name: String,
    friendly_name: String,
    description: String,
    date_created: i64,
    date_updated: i64,
}

impl PluginRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        let url = format!("{}{BASE}/Plugins/{}", sb.base_url(), self.sid);
        json!({
            "sid": self.sid,
            "account_sid": sb.ids().account_sid,
            "unique_name": self.unique_name,
            "friendly_name": self.friendly_name,
            "description": self.description,
            "archived": false,
            "date_created": rfc3339_secs(self.date_created),
            "date_updated": rfc3339_secs(self.date_updated),
            "url": url,
            "links": { "plugin_versions": format!("{url}/Versions") },
        })
    }
}

const PLUGIN: &str =
    "SELECT sid, unique_name, friendly_name, description, date_created, date_updated FROM flex_plugins";

fn read_plugin(r: &rusqlite::Row<'_>) -> rusqlite::Result<PluginRow> {
    Ok(PluginRow {
        sid: r.get(0)?,
        unique_name: r.get(1)?,
        friendly_name: r.get(2)?,
        description: r.get(3)?,
        date_created: r.get(4)?,
        date_updated: r.get(5)?,
    })
}

/// By `FP…` sid or unique name.
fn plugin(c: &Connection, key: &str) -> rusqlite::Result<Option<PluginRow>> {
    c.query_row(
        &format!("{PLUGIN} WHERE sid = ?1 OR unique_name = ?1"),
        [key],
        read_plugin,
    )
    .optional()
}

async fn create_plugin(Authed(sb): Authed, body: Bytes) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let unique = required(&form, "UniqueName", 128)?;
    let friendly = text(&form, "FriendlyName", 128)?.unwrap_or_else(|| unique.clone());
    let description = text(&form, "Description", 500)?.unwrap_or_default();
    let row = sb
        .db()
        .call(move |c| {
            if plugin(c, &unique)?.is_some() {
                return Ok(Err(conflict(format!(
                    "A plugin with unique name {unique} already exists"
                ))));
            }
            let sid = new_sid("FP");
            let now = now_ms();
            c.execute(
                "INSERT INTO flex_plugins VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![sid, unique, friendly, description, now],
            )?;
            Ok(Ok(plugin(c, &sid)?))
        })
        .await??
        .ok_or_else(|| not_found(BASE))?;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn fetch_plugin(
    Authed(sb): Authed,
    Path(sid): Path<String>,
) -> Result<Response, SandboxError> {
    let key = sid.clone();
    let row = sb.db().call(move |c| Ok(plugin(c, &key)?)).await?;
    let row = row.ok_or_else(|| not_found(&format!("{BASE}/Plugins/{sid}")))?;
    Ok(Json(row.to_json(&sb)).into_response())
}

async fn update_plugin(
    Authed(sb): Authed,
    Path(sid): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let friendly = text(&form, "FriendlyName", 128)?;
    let description = text(&form, "Description", 500)?;
    let key = sid.clone();
    let row = sb
        .db()
        .call(move |c| {
            c.execute(
                "UPDATE flex_plugins SET friendly_name = COALESCE(?2, friendly_name),
                     description = COALESCE(?3, description), date_updated = ?4
                 WHERE sid = ?1 OR unique_name = ?1",
                params![key, friendly, description, now_ms()],
            )?;
            Ok(plugin(c, &key)?)
        })
        .await?;
    let row = row.ok_or_else(|| not_found(&format!("{BASE}/Plugins/{sid}")))?;
    Ok(Json(row.to_json(&sb)).into_response())
}

async fn list_plugins(
    Authed(sb): Authed,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let rows = sb
        .db()
        .call(move |c| {
            Ok(paging.rows(
                c,
                &format!("{PLUGIN} ORDER BY date_created DESC, sid LIMIT ?1 OFFSET ?2"),
                read_plugin,
            )?)
        })
        .await?;
    let url = format!("{}{BASE}/Plugins", sb.base_url());
    let meta = paging.meta("plugins", &url, &[], rows.len());
    let plugins: Vec<Value> = rows.iter().map(|r| r.to_json(&sb)).collect();
    Ok(Json(json!({ "plugins": plugins, "meta": meta })).into_response())
}

// --- versions -------------------------------------------------------------------------

struct VersionRow {
    sid: String,
    plugin_sid: String,
    version: String,
    plugin_url: String,
    changelog: String,
    private: bool,
    date_created: i64,
}

impl VersionRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        json!({
            "sid": self.sid,
            "plugin_sid": self.plugin_sid,
            "account_sid": sb.ids().account_sid,
            "version": self.version,
            "plugin_url": self.plugin_url,
            "changelog": self.changelog,
            "private": self.private,
            "archived": false,
            "validated": false,
            "date_created": rfc3339_secs(self.date_created),
            "url": format!("{}{BASE}/Plugins/{}/Versions/{}", sb.base_url(), self.plugin_sid, self.sid),
        })
    }
}

const VERSION: &str = "SELECT sid, plugin_sid, version, plugin_url, changelog, private, date_created FROM flex_plugin_versions";

fn read_version(r: &rusqlite::Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        sid: r.get(0)?,
        plugin_sid: r.get(1)?,
        version: r.get(2)?,
        plugin_url: r.get(3)?,
        changelog: r.get(4)?,
        private: r.get(5)?,
        date_created: r.get(6)?,
    })
}

fn version(c: &Connection, plugin_sid: &str, sid: &str) -> rusqlite::Result<Option<VersionRow>> {
    c.query_row(
        &format!("{VERSION} WHERE plugin_sid = ?1 AND sid = ?2"),
        [plugin_sid, sid],
        read_version,
    )
    .optional()
}

async fn create_version(
    Authed(sb): Authed,
    Path(key): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let number = required(&form, "Version", 64)?;
    let url = required(&form, "PluginUrl", 2048)?;
    if !matches!(
        reqwest::Url::parse(&url)
            .map(|u| u.scheme().to_owned())
            .as_deref(),
        Ok("https" | "http")
    ) {
        return Err(SandboxError::invalid("PluginUrl must be an http(s) URL"));
    }
    let changelog = text(&form, "Changelog", 1000)?.unwrap_or_default();
    let private = form.bool("Private")?.unwrap_or(true);
    let path = format!("{BASE}/Plugins/{key}/Versions");
    let row = sb
        .db()
        .call(move |c| {
            let Some(p) = plugin(c, &key)? else {
                return Ok(Err(not_found(&path)));
            };
            let taken: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM flex_plugin_versions WHERE plugin_sid = ?1 AND version = ?2)",
                [&p.sid, &number],
                |r| r.get(0),
            )?;
            if taken {
                return Ok(Err(conflict(format!(
                    "Version {number} of plugin {} already exists",
                    p.unique_name
                ))));
            }
            let sid = new_sid("FV");
            c.execute(
                "INSERT INTO flex_plugin_versions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![sid, p.sid, number, url, changelog, private, now_ms()],
            )?;
            Ok(version(c, &p.sid, &sid)?.ok_or_else(|| not_found(&path)))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn fetch_version(
    Authed(sb): Authed,
    Path((key, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("{BASE}/Plugins/{key}/Versions/{sid}");
    let row = sb
        .db()
        .call(move |c| match plugin(c, &key)? {
            Some(p) => Ok(version(c, &p.sid, &sid)?),
            None => Ok(None),
        })
        .await?;
    let row = row.ok_or_else(|| not_found(&path))?;
    Ok(Json(row.to_json(&sb)).into_response())
}

async fn list_versions(
    Authed(sb): Authed,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let path = format!("{BASE}/Plugins/{key}/Versions");
    let found = sb
        .db()
        .call(move |c| {
            let Some(p) = plugin(c, &key)? else {
                return Ok(None);
            };
            let mut stmt = c.prepare_cached(&format!(
                "{VERSION} WHERE plugin_sid = ?1 ORDER BY date_created DESC, rowid DESC LIMIT ?2 OFFSET ?3"
            ))?;
            let rows = stmt
                .query_map(
                    params![p.sid, paging.page_size, paging.page * paging.page_size],
                    read_version,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some((p.sid, rows)))
        })
        .await?;
    let (plugin_sid, rows) = found.ok_or_else(|| not_found(&path))?;
    let url = format!("{}{BASE}/Plugins/{plugin_sid}/Versions", sb.base_url());
    let meta = paging.meta("plugin_versions", &url, &[], rows.len());
    let versions: Vec<Value> = rows.iter().map(|r| r.to_json(&sb)).collect();
    Ok(Json(json!({ "plugin_versions": versions, "meta": meta })).into_response())
}

// --- configurations -------------------------------------------------------------------

struct ConfigurationRow {
    sid: String,
    name: String,
    description: String,
    date_created: i64,
}

impl ConfigurationRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        let url = format!("{}{BASE}/Configurations/{}", sb.base_url(), self.sid);
        json!({
            "sid": self.sid,
            "account_sid": sb.ids().account_sid,
            "name": self.name,
            "description": self.description,
            "archived": false,
            "date_created": rfc3339_secs(self.date_created),
            "url": url,
            "links": { "plugins": format!("{url}/Plugins") },
        })
    }
}

const CONFIGURATION: &str =
    "SELECT sid, name, description, date_created FROM flex_plugin_configurations";

fn read_configuration(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConfigurationRow> {
    Ok(ConfigurationRow {
        sid: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        date_created: r.get(3)?,
    })
}

fn configuration(c: &Connection, sid: &str) -> rusqlite::Result<Option<ConfigurationRow>> {
    c.query_row(
        &format!("{CONFIGURATION} WHERE sid = ?1"),
        [sid],
        read_configuration,
    )
    .optional()
}

/// One entry of `Plugins`: `{"plugin_version": "FV…", "phase": 3}` (phase optional).
fn configured_entry(text: &str) -> Result<(String, i64), SandboxError> {
    let bad = || {
        SandboxError::invalid(
            "Each Plugins entry must be a JSON object {\"plugin_version\": \"FV…\", \"phase\": n}",
        )
    };
    let v: Value = serde_json::from_str(text).map_err(|_| bad())?;
    let sid = v["plugin_version"].as_str().ok_or_else(bad)?.to_owned();
    let phase = match &v["phase"] {
        Value::Null => 3,
        p => p
            .as_i64()
            .filter(|p| (0..=100).contains(p))
            .ok_or_else(bad)?,
    };
    Ok((sid, phase))
}

async fn create_configuration(Authed(sb): Authed, body: Bytes) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let name = required(&form, "Name", 128)?;
    let description = text(&form, "Description", 500)?.unwrap_or_default();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| SandboxError::invalid("The request body is not form-encoded"))?;
    let entries = pairs
        .iter()
        .filter(|(k, _)| k == "Plugins")
        .map(|(_, v)| configured_entry(v))
        .collect::<Result<Vec<_>, _>>()?;
    let row = sb
        .db()
        .call(move |c| {
            let tx = c.transaction()?;
            let mut plugins_seen = Vec::new();
            for (version_sid, _) in &entries {
                let plugin_sid: Option<String> = tx
                    .query_row(
                        "SELECT plugin_sid FROM flex_plugin_versions WHERE sid = ?1",
                        [version_sid],
                        |r| r.get(0),
                    )
                    .optional()?;
                let Some(plugin_sid) = plugin_sid else {
                    return Ok(Err(SandboxError::invalid(format!(
                        "Plugin version {version_sid} does not exist"
                    ))));
                };
                if plugins_seen.contains(&plugin_sid) {
                    return Ok(Err(SandboxError::invalid(format!(
                        "Plugin {plugin_sid} appears more than once in the configuration"
                    ))));
                }
                plugins_seen.push(plugin_sid);
            }
            let sid = new_sid("FJ");
            tx.execute(
                "INSERT INTO flex_plugin_configurations VALUES (?1, ?2, ?3, ?4)",
                params![sid, name, description, now_ms()],
            )?;
            for (position, (version_sid, phase)) in entries.iter().enumerate() {
                tx.execute(
                    "INSERT INTO flex_configured_plugins VALUES (?1, ?2, ?3, ?4)",
                    params![sid, version_sid, phase, position as i64],
                )?;
            }
            let row = configuration(&tx, &sid)?;
            tx.commit()?;
            Ok(row.ok_or_else(|| not_found(BASE)))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn fetch_configuration(
    Authed(sb): Authed,
    Path(sid): Path<String>,
) -> Result<Response, SandboxError> {
    let key = sid.clone();
    let row = sb.db().call(move |c| Ok(configuration(c, &key)?)).await?;
    let row = row.ok_or_else(|| not_found(&format!("{BASE}/Configurations/{sid}")))?;
    Ok(Json(row.to_json(&sb)).into_response())
}

async fn list_configurations(
    Authed(sb): Authed,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let rows = sb
        .db()
        .call(move |c| {
            Ok(paging.rows(
                c,
                &format!(
                    "{CONFIGURATION} ORDER BY date_created DESC, rowid DESC LIMIT ?1 OFFSET ?2"
                ),
                read_configuration,
            )?)
        })
        .await?;
    let url = format!("{}{BASE}/Configurations", sb.base_url());
    let meta = paging.meta("configurations", &url, &[], rows.len());
    let list: Vec<Value> = rows.iter().map(|r| r.to_json(&sb)).collect();
    Ok(Json(json!({ "configurations": list, "meta": meta })).into_response())
}

/// A plugin version as a configuration holds it (`flex.v1.plugin_configuration.configured_plugin`).
#[derive(Debug, Clone)]
pub struct ConfiguredPlugin {
    pub configuration_sid: String,
    pub plugin_sid: String,
    pub plugin_version_sid: String,
    pub phase: i64,
    pub plugin_url: String,
    pub unique_name: String,
    pub friendly_name: String,
    pub description: String,
    pub version: String,
    pub changelog: String,
    pub private: bool,
    pub date_created: i64,
}

impl ConfiguredPlugin {
    fn to_json(&self, sb: &Sandbox) -> Value {
        json!({
            "account_sid": sb.ids().account_sid,
            "configuration_sid": self.configuration_sid,
            "plugin_sid": self.plugin_sid,
            "plugin_version_sid": self.plugin_version_sid,
            "phase": self.phase,
            "plugin_url": self.plugin_url,
            "unique_name": self.unique_name,
            "friendly_name": self.friendly_name,
            "description": self.description,
            "plugin_archived": false,
            "version": self.version,
            "changelog": self.changelog,
            "plugin_version_archived": false,
            "private": self.private,
            "date_created": rfc3339_secs(self.date_created),
            "url": format!(
                "{}{BASE}/Configurations/{}/Plugins/{}",
                sb.base_url(),
                self.configuration_sid,
                self.plugin_sid
            ),
        })
    }
}

/// The configuration's plugins in load order: by phase, then as listed.
pub fn configured_plugins(
    c: &Connection,
    configuration_sid: &str,
) -> Result<Vec<ConfiguredPlugin>, DbError> {
    let mut stmt = c.prepare_cached(
        "SELECT cp.configuration_sid, p.sid, v.sid, cp.phase, v.plugin_url, p.unique_name,
                p.friendly_name, p.description, v.version, v.changelog, v.private, v.date_created
         FROM flex_configured_plugins cp
         JOIN flex_plugin_versions v ON v.sid = cp.plugin_version_sid
         JOIN flex_plugins p ON p.sid = v.plugin_sid
         WHERE cp.configuration_sid = ?1
         ORDER BY cp.phase, cp.position",
    )?;
    let rows = stmt
        .query_map([configuration_sid], |r| {
            Ok(ConfiguredPlugin {
                configuration_sid: r.get(0)?,
                plugin_sid: r.get(1)?,
                plugin_version_sid: r.get(2)?,
                phase: r.get(3)?,
                plugin_url: r.get(4)?,
                unique_name: r.get(5)?,
                friendly_name: r.get(6)?,
                description: r.get(7)?,
                version: r.get(8)?,
                changelog: r.get(9)?,
                private: r.get(10)?,
                date_created: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

async fn list_configured(
    Authed(sb): Authed,
    Path(sid): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let key = sid.clone();
    let found = sb
        .db()
        .call(move |c| match configuration(c, &key)? {
            Some(_) => Ok(Some(configured_plugins(c, &key)?)),
            None => Ok(None),
        })
        .await?;
    let all = found.ok_or_else(|| not_found(&format!("{BASE}/Configurations/{sid}/Plugins")))?;
    let page: Vec<&ConfiguredPlugin> = all
        .iter()
        .skip((paging.page * paging.page_size) as usize)
        .take(paging.page_size as usize)
        .collect();
    let url = format!("{}{BASE}/Configurations/{sid}/Plugins", sb.base_url());
    let meta = paging.meta("plugins", &url, &[], page.len());
    let plugins: Vec<Value> = page.iter().map(|p| p.to_json(&sb)).collect();
    Ok(Json(json!({ "plugins": plugins, "meta": meta })).into_response())
}

async fn fetch_configured(
    Authed(sb): Authed,
    Path((sid, plugin_key)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("{BASE}/Configurations/{sid}/Plugins/{plugin_key}");
    let all = sb.db().call(move |c| configured_plugins(c, &sid)).await?;
    let found = all
        .iter()
        .find(|p| p.plugin_sid == plugin_key || p.unique_name == plugin_key)
        .ok_or_else(|| not_found(&path))?;
    Ok(Json(found.to_json(&sb)).into_response())
}

// --- releases -------------------------------------------------------------------------

struct ReleaseRow {
    sid: String,
    configuration_sid: String,
    date_created: i64,
}

impl ReleaseRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        json!({
            "sid": self.sid,
            "account_sid": sb.ids().account_sid,
            "configuration_sid": self.configuration_sid,
            "date_created": rfc3339_secs(self.date_created),
            "url": format!("{}{BASE}/Releases/{}", sb.base_url(), self.sid),
        })
    }
}

const RELEASE: &str = "SELECT sid, configuration_sid, date_created FROM flex_releases";

fn read_release(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReleaseRow> {
    Ok(ReleaseRow {
        sid: r.get(0)?,
        configuration_sid: r.get(1)?,
        date_created: r.get(2)?,
    })
}

/// By `FK…` sid, or `Active`: the newest release.
fn release(c: &Connection, key: &str) -> rusqlite::Result<Option<ReleaseRow>> {
    if key == "Active" {
        c.query_row(
            &format!("{RELEASE} ORDER BY seq DESC LIMIT 1"),
            [],
            read_release,
        )
        .optional()
    } else {
        c.query_row(&format!("{RELEASE} WHERE sid = ?1"), [key], read_release)
            .optional()
    }
}

/// The active release's sid and its plugins in load order; `None` while nothing is released.
pub fn active_release(c: &Connection) -> Result<Option<(String, Vec<ConfiguredPlugin>)>, DbError> {
    match release(c, "Active")? {
        Some(r) => Ok(Some((r.sid, configured_plugins(c, &r.configuration_sid)?))),
        None => Ok(None),
    }
}

async fn create_release(Authed(sb): Authed, body: Bytes) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let configuration_sid = required(&form, "ConfigurationId", 34)?;
    let row = sb
        .db()
        .call(move |c| {
            let tx = c.transaction()?;
            if configuration(&tx, &configuration_sid)?.is_none() {
                return Ok(Err(SandboxError::invalid(format!(
                    "Configuration {configuration_sid} does not exist"
                ))));
            }
            let sid = new_sid("FK");
            tx.execute(
                "INSERT INTO flex_releases (sid, configuration_sid, seq, date_created)
                 VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM flex_releases), ?3)",
                params![sid, configuration_sid, now_ms()],
            )?;
            let row = release(&tx, &sid)?;
            tx.commit()?;
            Ok(row.ok_or_else(|| not_found(BASE)))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn fetch_release(
    Authed(sb): Authed,
    Path(sid): Path<String>,
) -> Result<Response, SandboxError> {
    let key = sid.clone();
    let row = sb.db().call(move |c| Ok(release(c, &key)?)).await?;
    let row = row.ok_or_else(|| not_found(&format!("{BASE}/Releases/{sid}")))?;
    Ok(Json(row.to_json(&sb)).into_response())
}

async fn list_releases(
    Authed(sb): Authed,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let rows = sb
        .db()
        .call(move |c| {
            Ok(paging.rows(
                c,
                &format!("{RELEASE} ORDER BY seq DESC LIMIT ?1 OFFSET ?2"),
                read_release,
            )?)
        })
        .await?;
    let url = format!("{}{BASE}/Releases", sb.base_url());
    let meta = paging.meta("releases", &url, &[], rows.len());
    let list: Vec<Value> = rows.iter().map(|r| r.to_json(&sb)).collect();
    Ok(Json(json!({ "releases": list, "meta": meta })).into_response())
}
