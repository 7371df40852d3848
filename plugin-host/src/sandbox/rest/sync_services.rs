//! Sync's `/v1/Services` and `/v1/Services/{IS}`: the account's Sync services, with
//! `acl_enabled` stored and reported (the sandbox's documents live in the service it was
//! configured with, which always exists).

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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/Services", get(list).post(create))
        .route("/v1/Services/{sid}", get(fetch).post(update))
}

struct Row {
    sid: String,
    friendly_name: Option<String>,
    acl_enabled: bool,
    date_created: i64,
    date_updated: i64,
}

impl Row {
    fn to_json(&self, sb: &Sandbox) -> Value {
        let url = format!("{}/v1/Services/{}", sb.base_url(), self.sid);
        json!({
            "sid": self.sid,
            "unique_name": null,
            "account_sid": sb.ids().account_sid,
            "friendly_name": self.friendly_name,
            "date_created": rfc3339_secs(self.date_created),
            "date_updated": rfc3339_secs(self.date_updated),
            "url": url,
            "webhook_url": null,
            "webhooks_from_rest_enabled": false,
            "reachability_webhooks_enabled": false,
            "acl_enabled": self.acl_enabled,
            "reachability_debouncing_enabled": false,
            "reachability_debouncing_window": 5000,
            "links": {
                "documents": format!("{url}/Documents"),
                "lists": format!("{url}/Lists"),
                "maps": format!("{url}/Maps"),
                "streams": format!("{url}/Streams"),
            },
        })
    }
}

const COLUMNS: &str = "sid, friendly_name, acl_enabled, date_created, date_updated";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        sid: r.get(0)?,
        friendly_name: r.get(1)?,
        acl_enabled: r.get(2)?,
        date_created: r.get(3)?,
        date_updated: r.get(4)?,
    })
}

fn get_row(c: &Connection, sid: &str) -> rusqlite::Result<Option<Row>> {
    c.query_row(
        &format!("SELECT {COLUMNS} FROM sync_services WHERE sid = ?1"),
        [sid],
        read,
    )
    .optional()
}

/// The service the sandbox keeps its documents in exists from the start (as Twilio creates
/// it: no ACL until someone turns it on).
pub fn ensure(c: &Connection, sid: &str, now: i64) -> Result<(), DbError> {
    c.execute(
        "INSERT OR IGNORE INTO sync_services (sid, friendly_name, acl_enabled, date_created, date_updated)
         VALUES (?1, 'Sandbox', 0, ?2, ?2)",
        params![sid, now],
    )?;
    Ok(())
}

/// Whether the service has `acl_enabled` (for the document reads that will honour it).
pub fn acl_enabled(c: &Connection, sid: &str) -> rusqlite::Result<Option<bool>> {
    Ok(get_row(c, sid)?.map(|r| r.acl_enabled))
}

fn not_found(sid: &str) -> SandboxError {
    SandboxError::not_found(&format!("/v1/Services/{sid}"))
}

fn friendly_name(form: &Form) -> Result<Option<String>, SandboxError> {
    match form.get("FriendlyName") {
        Some(n) if n.chars().count() > 64 => Err(SandboxError::invalid(
            "FriendlyName must be at most 64 characters",
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

async fn create(Authed(sb): Authed, body: Bytes) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let name = friendly_name(&form)?;
    let acl = form.bool("AclEnabled")?.unwrap_or(false);
    let sid = new_sid("IS");
    let key = sid.clone();
    let row = sb
        .db()
        .call(move |c| {
            let now = now_ms();
            c.execute(
                "INSERT INTO sync_services (sid, friendly_name, acl_enabled, date_created, date_updated)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![key, name, acl, now],
            )?;
            Ok(get_row(c, &key)?)
        })
        .await?
        .ok_or_else(|| not_found(&sid))?;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn fetch(Authed(sb): Authed, Path(sid): Path<String>) -> Result<Response, SandboxError> {
    let key = sid.clone();
    let row = sb.db().call(move |c| Ok(get_row(c, &key)?)).await?;
    let row = row.ok_or_else(|| not_found(&sid))?;
    Ok(Json(row.to_json(&sb)).into_response())
}

async fn update(
    Authed(sb): Authed,
    Path(sid): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let name = friendly_name(&form)?;
    let acl = form.bool("AclEnabled")?;
    let key = sid.clone();
    let row = sb
        .db()
        .call(move |c| {
            let now = now_ms();
            c.execute(
                "UPDATE sync_services SET friendly_name = COALESCE(?2, friendly_name),
                     acl_enabled = COALESCE(?3, acl_enabled), date_updated = ?4
                 WHERE sid = ?1",
                params![key, name, acl, now],
            )?;
            Ok(get_row(c, &key)?)
        })
        .await?;
    let row = row.ok_or_else(|| not_found(&sid))?;
    Ok(Json(row.to_json(&sb)).into_response())
}

async fn list(Authed(sb): Authed, RawQuery(query): RawQuery) -> Result<Response, SandboxError> {
    let q = Form::query(query.as_deref())?;
    let paging = Paging::read(&q)?;
    let rows = sb
        .db()
        .call(move |c| Ok(paging.rows(c, &format!("SELECT {COLUMNS} FROM sync_services ORDER BY date_created, sid LIMIT ?1 OFFSET ?2"), read)?))
        .await?;
    let meta = paging.meta(
        "services",
        &format!("{}/v1/Services", sb.base_url()),
        &[],
        rows.len(),
    );
    let services: Vec<Value> = rows.iter().map(|r| r.to_json(&sb)).collect();
    Ok(Json(json!({ "services": services, "meta": meta })).into_response())
}
