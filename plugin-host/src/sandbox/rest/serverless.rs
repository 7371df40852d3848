//! The Serverless subset a plugin bundle needs to be hosted as a Twilio Asset: Services,
//! Environments, Assets, Asset Versions (uploaded as `multipart/form-data` to the upload host),
//! Builds and Deployments, and the deployed assets themselves at their environment's domain.
//!
//! Serverless's paths (`/v1/Services…`) collide with Sync's, so in the sandbox its two hosts
//! live under their own prefixes: `serverless.twilio.com` at `/serverless`,
//! `serverless-upload.twilio.com` at `/serverless-upload` ([`crate::twilio::BaseUrls::all`]).
//! A deployed environment's `{domain_name}` (`…twil.io`) is served at `/sandbox/twil.io/{domain_name}/…`.

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng as _;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::paging::Paging;
use super::{Authed, Form};
use crate::app::AppState;
use crate::clock::{now_ms, rfc3339_secs};
use crate::sandbox::sid::new_sid;
use crate::sandbox::{DbError, Sandbox, SandboxError};

pub const PREFIX: &str = "/serverless";
pub const UPLOAD_PREFIX: &str = "/serverless-upload";
/// Where a deployed environment's domain is served.
pub const DOMAINS: &str = "/sandbox/twil.io";

const RUNTIMES: [&str; 9] = [
    "node8", "node10", "node12", "node14", "node16", "node18", "node20", "node22", "node24",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/serverless/v1/Services",
            get(list_services).post(create_service),
        )
        .route("/serverless/v1/Services/{svc}", get(fetch_service))
        .route(
            "/serverless/v1/Services/{svc}/Environments",
            get(list_environments).post(create_environment),
        )
        .route(
            "/serverless/v1/Services/{svc}/Environments/{sid}",
            get(fetch_environment),
        )
        .route(
            "/serverless/v1/Services/{svc}/Environments/{env}/Deployments",
            get(list_deployments).post(create_deployment),
        )
        .route(
            "/serverless/v1/Services/{svc}/Assets",
            get(list_assets).post(create_asset),
        )
        .route(
            "/serverless/v1/Services/{svc}/Assets/{asset}/Versions",
            get(list_asset_versions),
        )
        .route(
            "/serverless/v1/Services/{svc}/Assets/{asset}/Versions/{sid}",
            get(fetch_asset_version),
        )
        .route(
            "/serverless-upload/v1/Services/{svc}/Assets/{asset}/Versions",
            post(upload_asset_version),
        )
        .route(
            "/serverless/v1/Services/{svc}/Builds",
            get(list_builds).post(create_build),
        )
        .route(
            "/serverless/v1/Services/{svc}/Builds/{sid}",
            get(fetch_build),
        )
        .route(
            "/serverless/v1/Services/{svc}/Builds/{sid}/Status",
            get(fetch_build_status),
        )
        .route("/sandbox/twil.io/{domain}/{*path}", get(serve_deployed))
}

fn base(sb: &Sandbox) -> String {
    format!("{}{PREFIX}/v1/Services", sb.base_url())
}

fn missing_resource(path: &str) -> SandboxError {
    SandboxError::not_found(&format!("/v1/Services{path}"))
}

fn list_answer(key: &'static str, url: String, paging: &Paging, items: Vec<Value>) -> Response {
    let meta = paging.meta(key, &url, &[], items.len());
    let mut body = json!({ "meta": meta });
    body[key] = Value::Array(items);
    Json(body).into_response()
}

fn page_of<T>(rows: Vec<T>, paging: &Paging) -> Vec<T> {
    rows.into_iter()
        .skip((paging.page * paging.page_size) as usize)
        .take(paging.page_size as usize)
        .collect()
}

// --- services -------------------------------------------------------------------------

struct ServiceRow {
    sid: String,
    unique_name: String,
    friendly_name: String,
    include_credentials: bool,
    ui_editable: bool,
    domain_base: String,
    date_created: i64,
    date_updated: i64,
}

impl ServiceRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        let url = format!("{}/{}", base(sb), self.sid);
        json!({
            "sid": self.sid,
            "account_sid": sb.ids().account_sid,
            "friendly_name": self.friendly_name,
            "unique_name": self.unique_name,
            "include_credentials": self.include_credentials,
            "ui_editable": self.ui_editable,
            "domain_base": self.domain_base,
            "date_created": rfc3339_secs(self.date_created),
            "date_updated": rfc3339_secs(self.date_updated),
            "url": url,
            "links": {
                "environments": format!("{url}/Environments"),
                "functions": format!("{url}/Functions"),
                "assets": format!("{url}/Assets"),
                "builds": format!("{url}/Builds"),
            },
        })
    }
}

const SERVICE: &str = "SELECT sid, unique_name, friendly_name, include_credentials, ui_editable, domain_base, date_created, date_updated FROM serverless_services";

fn read_service(r: &rusqlite::Row<'_>) -> rusqlite::Result<ServiceRow> {
    Ok(ServiceRow {
        sid: r.get(0)?,
        unique_name: r.get(1)?,
        friendly_name: r.get(2)?,
        include_credentials: r.get(3)?,
        ui_editable: r.get(4)?,
        domain_base: r.get(5)?,
        date_created: r.get(6)?,
        date_updated: r.get(7)?,
    })
}

/// By `ZS…` sid or unique name.
fn service(c: &Connection, key: &str) -> rusqlite::Result<Option<ServiceRow>> {
    c.query_row(
        &format!("{SERVICE} WHERE sid = ?1 OR unique_name = ?1"),
        [key],
        read_service,
    )
    .optional()
}

/// The service's sid, or 404 for the path.
fn service_sid(
    c: &Connection,
    key: &str,
    path: &str,
) -> Result<Result<String, SandboxError>, DbError> {
    Ok(service(c, key)?
        .map(|s| s.sid)
        .ok_or_else(|| missing_resource(path)))
}

fn unique_name(form: &Form) -> Result<String, SandboxError> {
    let name = form
        .get("UniqueName")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| SandboxError::missing("UniqueName"))?;
    let ok = name.len() <= 50
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(name.to_owned())
    } else {
        Err(SandboxError::invalid(
            "UniqueName must be at most 50 letters, digits, '-' or '_'",
        ))
    }
}

async fn create_service(Authed(sb): Authed, body: Bytes) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let unique = unique_name(&form)?;
    let friendly = form
        .get("FriendlyName")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| SandboxError::missing("FriendlyName"))?
        .to_owned();
    let credentials = form.bool("IncludeCredentials")?.unwrap_or(true);
    let editable = form.bool("UiEditable")?.unwrap_or(false);
    let row = sb
        .db()
        .call(move |c| {
            if service(c, &unique)?.is_some() {
                return Ok(Err(super::flex_plugins::conflict(format!(
                    "Service with UniqueName {unique} already exists"
                ))));
            }
            let sid = new_sid("ZS");
            let domain_base = format!("{unique}-{}", rand::thread_rng().gen_range(1000..10000));
            c.execute(
                "INSERT INTO serverless_services VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    sid,
                    unique,
                    friendly,
                    credentials,
                    editable,
                    domain_base,
                    now_ms()
                ],
            )?;
            Ok(service(c, &sid)?.ok_or_else(|| missing_resource("")))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn fetch_service(
    Authed(sb): Authed,
    Path(key): Path<String>,
) -> Result<Response, SandboxError> {
    let path = format!("/{key}");
    let row = sb.db().call(move |c| Ok(service(c, &key)?)).await?;
    Ok(Json(row.ok_or_else(|| missing_resource(&path))?.to_json(&sb)).into_response())
}

async fn list_services(
    Authed(sb): Authed,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let rows = sb
        .db()
        .call(|c| {
            let mut stmt = c.prepare_cached(&format!("{SERVICE} ORDER BY date_created, rowid"))?;
            let rows = stmt
                .query_map([], read_service)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await?;
    let items = page_of(rows, &paging)
        .iter()
        .map(|r| r.to_json(&sb))
        .collect();
    Ok(list_answer("services", base(&sb), &paging, items))
}

// --- environments ---------------------------------------------------------------------

struct EnvironmentRow {
    sid: String,
    service_sid: String,
    unique_name: String,
    domain_suffix: Option<String>,
    domain_name: String,
    build_sid: Option<String>,
    date_created: i64,
    date_updated: i64,
}

impl EnvironmentRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        let url = format!(
            "{}/{}/Environments/{}",
            base(sb),
            self.service_sid,
            self.sid
        );
        json!({
            "sid": self.sid,
            "account_sid": sb.ids().account_sid,
            "service_sid": self.service_sid,
            "build_sid": self.build_sid,
            "unique_name": self.unique_name,
            "domain_suffix": self.domain_suffix,
            "domain_name": self.domain_name,
            "date_created": rfc3339_secs(self.date_created),
            "date_updated": rfc3339_secs(self.date_updated),
            "url": url,
            "links": {
                "variables": format!("{url}/Variables"),
                "deployments": format!("{url}/Deployments"),
                "logs": format!("{url}/Logs"),
            },
        })
    }
}

const ENVIRONMENT: &str = "SELECT sid, service_sid, unique_name, domain_suffix, domain_name, build_sid, date_created, date_updated FROM serverless_environments";

fn read_environment(r: &rusqlite::Row<'_>) -> rusqlite::Result<EnvironmentRow> {
    Ok(EnvironmentRow {
        sid: r.get(0)?,
        service_sid: r.get(1)?,
        unique_name: r.get(2)?,
        domain_suffix: r.get(3)?,
        domain_name: r.get(4)?,
        build_sid: r.get(5)?,
        date_created: r.get(6)?,
        date_updated: r.get(7)?,
    })
}

fn environment(
    c: &Connection,
    service: &str,
    key: &str,
) -> rusqlite::Result<Option<EnvironmentRow>> {
    c.query_row(
        &format!("{ENVIRONMENT} WHERE service_sid = ?1 AND (sid = ?2 OR unique_name = ?2)"),
        [service, key],
        read_environment,
    )
    .optional()
}

async fn create_environment(
    Authed(sb): Authed,
    Path(svc): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let unique = unique_name(&form)?;
    let suffix = form
        .get("DomainSuffix")
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if let Some(s) = &suffix {
        if s.len() > 16 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(SandboxError::invalid(
                "DomainSuffix must be at most 16 letters, digits or '-'",
            ));
        }
    }
    let path = format!("/{svc}/Environments");
    let row = sb
        .db()
        .call(move |c| {
            let Some(s) = service(c, &svc)? else {
                return Ok(Err(missing_resource(&path)));
            };
            if environment(c, &s.sid, &unique)?.is_some() {
                return Ok(Err(super::flex_plugins::conflict(format!(
                    "Environment with UniqueName {unique} already exists"
                ))));
            }
            let domain = match &suffix {
                Some(x) => format!("{}-{x}.twil.io", s.domain_base),
                None => format!("{}.twil.io", s.domain_base),
            };
            let sid = new_sid("ZE");
            c.execute(
                "INSERT INTO serverless_environments VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?6)",
                params![sid, s.sid, unique, suffix, domain, now_ms()],
            )?;
            Ok(environment(c, &s.sid, &sid)?.ok_or_else(|| missing_resource(&path)))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn fetch_environment(
    Authed(sb): Authed,
    Path((svc, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/{svc}/Environments/{sid}");
    let row = sb
        .db()
        .call(move |c| match service(c, &svc)? {
            Some(s) => Ok(environment(c, &s.sid, &sid)?),
            None => Ok(None),
        })
        .await?;
    Ok(Json(row.ok_or_else(|| missing_resource(&path))?.to_json(&sb)).into_response())
}

async fn list_environments(
    Authed(sb): Authed,
    Path(svc): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let path = format!("/{svc}/Environments");
    let (sid, rows) = sb
        .db()
        .call(move |c| {
            let sid = match service_sid(c, &svc, &path)? {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            let mut stmt = c.prepare_cached(&format!(
                "{ENVIRONMENT} WHERE service_sid = ?1 ORDER BY date_created, rowid"
            ))?;
            let rows = stmt
                .query_map([&sid], read_environment)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Ok((sid, rows)))
        })
        .await??;
    let items = page_of(rows, &paging)
        .iter()
        .map(|r| r.to_json(&sb))
        .collect();
    Ok(list_answer(
        "environments",
        format!("{}/{sid}/Environments", base(&sb)),
        &paging,
        items,
    ))
}

// --- assets and their versions --------------------------------------------------------

struct AssetRow {
    sid: String,
    service_sid: String,
    friendly_name: String,
    date_created: i64,
    date_updated: i64,
}

impl AssetRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        let url = format!("{}/{}/Assets/{}", base(sb), self.service_sid, self.sid);
        json!({
            "sid": self.sid,
            "account_sid": sb.ids().account_sid,
            "service_sid": self.service_sid,
            "friendly_name": self.friendly_name,
            "date_created": rfc3339_secs(self.date_created),
            "date_updated": rfc3339_secs(self.date_updated),
            "url": url,
            "links": { "asset_versions": format!("{url}/Versions") },
        })
    }
}

const ASSET: &str =
    "SELECT sid, service_sid, friendly_name, date_created, date_updated FROM serverless_assets";

fn read_asset(r: &rusqlite::Row<'_>) -> rusqlite::Result<AssetRow> {
    Ok(AssetRow {
        sid: r.get(0)?,
        service_sid: r.get(1)?,
        friendly_name: r.get(2)?,
        date_created: r.get(3)?,
        date_updated: r.get(4)?,
    })
}

fn asset(c: &Connection, service: &str, sid: &str) -> rusqlite::Result<Option<AssetRow>> {
    c.query_row(
        &format!("{ASSET} WHERE service_sid = ?1 AND sid = ?2"),
        [service, sid],
        read_asset,
    )
    .optional()
}

async fn create_asset(
    Authed(sb): Authed,
    Path(svc): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let name = form
        .get("FriendlyName")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| SandboxError::missing("FriendlyName"))?
        .to_owned();
    let path = format!("/{svc}/Assets");
    let row = sb
        .db()
        .call(move |c| {
            let sid = match service_sid(c, &svc, &path)? {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            let asset_sid = new_sid("ZH");
            c.execute(
                "INSERT INTO serverless_assets VALUES (?1, ?2, ?3, ?4, ?4)",
                params![asset_sid, sid, name, now_ms()],
            )?;
            Ok(asset(c, &sid, &asset_sid)?.ok_or_else(|| missing_resource(&path)))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

async fn list_assets(
    Authed(sb): Authed,
    Path(svc): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let path = format!("/{svc}/Assets");
    let (sid, rows) = sb
        .db()
        .call(move |c| {
            let sid = match service_sid(c, &svc, &path)? {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            let mut stmt = c.prepare_cached(&format!(
                "{ASSET} WHERE service_sid = ?1 ORDER BY date_created, rowid"
            ))?;
            let rows = stmt
                .query_map([&sid], read_asset)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Ok((sid, rows)))
        })
        .await??;
    let items = page_of(rows, &paging)
        .iter()
        .map(|r| r.to_json(&sb))
        .collect();
    Ok(list_answer(
        "assets",
        format!("{}/{sid}/Assets", base(&sb)),
        &paging,
        items,
    ))
}

struct VersionRow {
    sid: String,
    service_sid: String,
    asset_sid: String,
    path: String,
    visibility: String,
    date_created: i64,
}

impl VersionRow {
    fn to_json(&self, sb: &Sandbox) -> Value {
        json!({
            "sid": self.sid,
            "account_sid": sb.ids().account_sid,
            "service_sid": self.service_sid,
            "asset_sid": self.asset_sid,
            "path": self.path,
            "visibility": self.visibility,
            "date_created": rfc3339_secs(self.date_created),
            "url": format!("{}/{}/Assets/{}/Versions/{}", base(sb), self.service_sid, self.asset_sid, self.sid),
        })
    }
}

const VERSION: &str =
    "SELECT v.sid, a.service_sid, v.asset_sid, v.path, v.visibility, v.date_created
     FROM serverless_asset_versions v JOIN serverless_assets a ON a.sid = v.asset_sid";

fn read_version(r: &rusqlite::Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        sid: r.get(0)?,
        service_sid: r.get(1)?,
        asset_sid: r.get(2)?,
        path: r.get(3)?,
        visibility: r.get(4)?,
        date_created: r.get(5)?,
    })
}

fn asset_version(c: &Connection, service: &str, sid: &str) -> rusqlite::Result<Option<VersionRow>> {
    c.query_row(
        &format!("{VERSION} WHERE a.service_sid = ?1 AND v.sid = ?2"),
        [service, sid],
        read_version,
    )
    .optional()
}

async fn list_asset_versions(
    Authed(sb): Authed,
    Path((svc, asset_key)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let path = format!("/{svc}/Assets/{asset_key}/Versions");
    let asset_sid = asset_key.clone();
    let (sid, rows) = sb
        .db()
        .call(move |c| {
            let sid = match service_sid(c, &svc, &path)? {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            if asset(c, &sid, &asset_key)?.is_none() {
                return Ok(Err(missing_resource(&path)));
            }
            let mut stmt = c.prepare_cached(&format!(
                "{VERSION} WHERE v.asset_sid = ?1 ORDER BY v.date_created DESC, v.rowid DESC"
            ))?;
            let rows = stmt
                .query_map([&asset_key], read_version)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Ok((sid, rows)))
        })
        .await??;
    let items = page_of(rows, &paging)
        .iter()
        .map(|r| r.to_json(&sb))
        .collect();
    let url = format!("{}/{sid}/Assets/{asset_sid}/Versions", base(&sb));
    Ok(list_answer("asset_versions", url, &paging, items))
}

async fn fetch_asset_version(
    Authed(sb): Authed,
    Path((svc, asset_key, sid)): Path<(String, String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/{svc}/Assets/{asset_key}/Versions/{sid}");
    let row = sb
        .db()
        .call(move |c| match service(c, &svc)? {
            Some(s) => Ok(asset_version(c, &s.sid, &sid)?.filter(|v| v.asset_sid == asset_key)),
            None => Ok(None),
        })
        .await?;
    Ok(Json(row.ok_or_else(|| missing_resource(&path))?.to_json(&sb)).into_response())
}

/// One part of a `multipart/form-data` body: its name, its content type and its bytes.
struct Part {
    name: String,
    content_type: Option<String>,
    data: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits a `multipart/form-data` body (RFC 7578) into its parts.
fn multipart(headers: &HeaderMap, body: &[u8]) -> Result<Vec<Part>, SandboxError> {
    let bad = || SandboxError::invalid("The request body is not multipart/form-data");
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .ok_or_else(bad)?;
    if !content_type.starts_with("multipart/form-data") {
        return Err(bad());
    }
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or_else(bad)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest = &body[find(body, &delimiter).ok_or_else(bad)? + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or_else(bad)?;
        let head_end = find(rest, b"\r\n\r\n").ok_or_else(bad)?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| bad())?;
        let after = &rest[head_end + 4..];
        let mut end_marker = b"\r\n".to_vec();
        end_marker.extend_from_slice(&delimiter);
        let end = find(after, &end_marker).ok_or_else(bad)?;
        let (mut name, mut ctype) = (None, None);
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            if k.eq_ignore_ascii_case("content-disposition") {
                name = v
                    .split(';')
                    .filter_map(|p| p.trim().strip_prefix("name="))
                    .next()
                    .map(|n| n.trim_matches('"').to_owned());
            } else if k.eq_ignore_ascii_case("content-type") {
                ctype = Some(v.trim().to_owned());
            }
        }
        parts.push(Part {
            name: name.ok_or_else(bad)?,
            content_type: ctype,
            data: after[..end].to_vec(),
        });
        rest = &after[end + end_marker.len()..];
    }
}

/// The upload host's `POST /v1/Services/{ZS}/Assets/{ZH}/Versions`: `Path`, `Visibility` and the
/// file as `Content`.
async fn upload_asset_version(
    Authed(sb): Authed,
    Path((svc, asset_key)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let parts = multipart(&headers, &body)?;
    let field = |name: &str| parts.iter().find(|p| p.name == name);
    let text = |name: &str| -> Result<String, SandboxError> {
        let part = field(name).ok_or_else(|| SandboxError::missing(name))?;
        String::from_utf8(part.data.clone())
            .map_err(|_| SandboxError::invalid(format!("{name} must be text")))
    };
    let asset_path = text("Path")?;
    if !asset_path.starts_with('/') || asset_path.len() > 255 || asset_path.contains("..") {
        return Err(SandboxError::invalid(
            "Path must start with / and be at most 255 characters",
        ));
    }
    let visibility = text("Visibility")?;
    if !["public", "private", "protected"].contains(&visibility.as_str()) {
        return Err(SandboxError::invalid(
            "Visibility must be public, private or protected",
        ));
    }
    let content = field("Content").ok_or_else(|| SandboxError::missing("Content"))?;
    let content_type = content
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    let data = content.data.clone();
    let path = format!("/{svc}/Assets/{asset_key}/Versions");
    let row = sb
        .db()
        .call(move |c| {
            let sid = match service_sid(c, &svc, &path)? {
                Ok(s) => s,
                Err(e) => return Ok(Err(e)),
            };
            if asset(c, &sid, &asset_key)?.is_none() {
                return Ok(Err(missing_resource(&path)));
            }
            let version_sid = new_sid("ZN");
            c.execute(
                "INSERT INTO serverless_asset_versions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    version_sid,
                    asset_key,
                    asset_path,
                    visibility,
                    content_type,
                    data,
                    now_ms()
                ],
            )?;
            Ok(asset_version(c, &sid, &version_sid)?.ok_or_else(|| missing_resource(&path)))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(row.to_json(&sb))).into_response())
}

// --- builds and deployments -----------------------------------------------------------

struct BuildRow {
    sid: String,
    service_sid: String,
    asset_versions: Vec<String>,
    function_versions: Vec<String>,
    dependencies: Value,
    runtime: String,
    date_created: i64,
}

const BUILD: &str = "SELECT sid, service_sid, asset_versions, function_versions, dependencies, runtime, date_created FROM serverless_builds";

fn read_build(r: &rusqlite::Row<'_>) -> rusqlite::Result<BuildRow> {
    let list = |i: usize| -> rusqlite::Result<Vec<String>> {
        let text: String = r.get(i)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    };
    let deps: String = r.get(4)?;
    Ok(BuildRow {
        sid: r.get(0)?,
        service_sid: r.get(1)?,
        asset_versions: list(2)?,
        function_versions: list(3)?,
        dependencies: serde_json::from_str(&deps).unwrap_or(json!([])),
        runtime: r.get(5)?,
        date_created: r.get(6)?,
    })
}

fn build(c: &Connection, service: &str, sid: &str) -> rusqlite::Result<Option<BuildRow>> {
    c.query_row(
        &format!("{BUILD} WHERE service_sid = ?1 AND sid = ?2"),
        [service, sid],
        read_build,
    )
    .optional()
}

/// A build as Twilio shows it: its asset versions in full.
fn build_json(c: &Connection, sb: &Sandbox, b: &BuildRow) -> Result<Value, DbError> {
    let mut versions = Vec::new();
    for sid in &b.asset_versions {
        if let Some(v) = asset_version(c, &b.service_sid, sid)? {
            versions.push(json!({
                "sid": v.sid,
                "account_sid": sb.ids().account_sid,
                "service_sid": v.service_sid,
                "asset_sid": v.asset_sid,
                "date_created": rfc3339_secs(v.date_created),
                "path": v.path,
                "visibility": v.visibility,
            }));
        }
    }
    let url = format!("{}/{}/Builds/{}", base(sb), b.service_sid, b.sid);
    Ok(json!({
        "sid": b.sid,
        "account_sid": sb.ids().account_sid,
        "service_sid": b.service_sid,
        "status": "completed",
        "asset_versions": versions,
        "function_versions": b.function_versions.iter().map(|s| json!({ "sid": s })).collect::<Vec<_>>(),
        "dependencies": b.dependencies,
        "runtime": b.runtime,
        "date_created": rfc3339_secs(b.date_created),
        "date_updated": rfc3339_secs(b.date_created),
        "url": url,
        "links": { "build_status": format!("{url}/Status") },
    }))
}

/// Builds complete at once in the sandbox: nothing is compiled, assets are stored as given.
async fn create_build(
    Authed(sb): Authed,
    Path(svc): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| SandboxError::invalid("The request body is not form-encoded"))?;
    let all = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (assets, functions) = (all("AssetVersions"), all("FunctionVersions"));
    let dependencies = match form.get("Dependencies") {
        None => json!([]),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Array(_)) => v,
            _ => return Err(SandboxError::invalid("Dependencies must be a JSON array")),
        },
    };
    let runtime = form
        .one_of("Runtime", &RUNTIMES)?
        .unwrap_or("node18")
        .to_owned();
    let path = format!("/{svc}/Builds");
    let answer = sb
        .db()
        .call({
            let sb = sb.clone();
            move |c| {
                let sid = match service_sid(c, &svc, &path)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                for v in &assets {
                    if asset_version(c, &sid, v)?.is_none() {
                        return Ok(Err(SandboxError::invalid(format!(
                            "Asset Version {v} does not exist in this service"
                        ))));
                    }
                }
                if let Some(f) = functions.first() {
                    return Ok(Err(SandboxError::invalid(format!(
                        "Function Version {f} does not exist in this service"
                    ))));
                }
                let build_sid = new_sid("ZB");
                c.execute(
                    "INSERT INTO serverless_builds VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        build_sid,
                        sid,
                        json!(assets).to_string(),
                        json!(functions).to_string(),
                        dependencies.to_string(),
                        runtime,
                        now_ms()
                    ],
                )?;
                match build(c, &sid, &build_sid)? {
                    Some(b) => Ok(Ok(build_json(c, &sb, &b)?)),
                    None => Ok(Err(missing_resource(&path))),
                }
            }
        })
        .await??;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

async fn fetch_build(
    Authed(sb): Authed,
    Path((svc, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/{svc}/Builds/{sid}");
    let answer = sb
        .db()
        .call({
            let sb = sb.clone();
            move |c| {
                let found = match service(c, &svc)? {
                    Some(s) => build(c, &s.sid, &sid)?,
                    None => None,
                };
                found.map(|b| build_json(c, &sb, &b)).transpose()
            }
        })
        .await?;
    Ok(Json(answer.ok_or_else(|| missing_resource(&path))?).into_response())
}

async fn fetch_build_status(
    Authed(sb): Authed,
    Path((svc, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/{svc}/Builds/{sid}/Status");
    let row = sb
        .db()
        .call(move |c| match service(c, &svc)? {
            Some(s) => Ok(build(c, &s.sid, &sid)?),
            None => Ok(None),
        })
        .await?;
    let b = row.ok_or_else(|| missing_resource(&path))?;
    Ok(Json(json!({
        "sid": b.sid,
        "account_sid": sb.ids().account_sid,
        "service_sid": b.service_sid,
        "status": "completed",
        "url": format!("{}/{}/Builds/{}/Status", base(&sb), b.service_sid, b.sid),
    }))
    .into_response())
}

async fn list_builds(
    Authed(sb): Authed,
    Path(svc): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let path = format!("/{svc}/Builds");
    let (sid, items) = sb
        .db()
        .call({
            let sb = sb.clone();
            move |c| {
                let sid = match service_sid(c, &svc, &path)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let mut stmt = c.prepare_cached(&format!(
                    "{BUILD} WHERE service_sid = ?1 ORDER BY date_created DESC, rowid DESC"
                ))?;
                let rows = stmt
                    .query_map([&sid], read_build)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                drop(stmt);
                let items = page_of(rows, &paging)
                    .iter()
                    .map(|b| build_json(c, &sb, b))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Ok((sid, items)))
            }
        })
        .await??;
    Ok(list_answer(
        "builds",
        format!("{}/{sid}/Builds", base(&sb)),
        &paging,
        items,
    ))
}

fn deployment_json(sb: &Sandbox, r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let (sid, service, env, build, created): (String, String, String, String, i64) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    Ok(json!({
        "sid": sid,
        "account_sid": sb.ids().account_sid,
        "service_sid": service,
        "environment_sid": env,
        "build_sid": build,
        "date_created": rfc3339_secs(created),
        "date_updated": rfc3339_secs(created),
        "url": format!("{}/{service}/Environments/{env}/Deployments/{sid}", base(sb)),
    }))
}

const DEPLOYMENT: &str =
    "SELECT d.sid, e.service_sid, d.environment_sid, d.build_sid, d.date_created
     FROM serverless_deployments d JOIN serverless_environments e ON e.sid = d.environment_sid";

async fn create_deployment(
    Authed(sb): Authed,
    Path((svc, env)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let form = Form::parse(&body)?;
    let build_sid = form
        .get("BuildSid")
        .ok_or_else(|| SandboxError::missing("BuildSid"))?
        .to_owned();
    form.bool("IsPlugin")?;
    let path = format!("/{svc}/Environments/{env}/Deployments");
    let answer = sb
        .db()
        .call({
            let sb = sb.clone();
            move |c| {
                let Some(s) = service(c, &svc)? else {
                    return Ok(Err(missing_resource(&path)));
                };
                let Some(e) = environment(c, &s.sid, &env)? else {
                    return Ok(Err(missing_resource(&path)));
                };
                if build(c, &s.sid, &build_sid)?.is_none() {
                    return Ok(Err(SandboxError::invalid(format!(
                        "Build {build_sid} does not exist in this service"
                    ))));
                }
                let tx = c.transaction()?;
                let sid = new_sid("ZD");
                let now = now_ms();
                tx.execute(
                    "INSERT INTO serverless_deployments VALUES (?1, ?2, ?3, ?4)",
                    params![sid, e.sid, build_sid, now],
                )?;
                tx.execute(
                    "UPDATE serverless_environments SET build_sid = ?2, date_updated = ?3 WHERE sid = ?1",
                    params![e.sid, build_sid, now],
                )?;
                let answer = tx.query_row(&format!("{DEPLOYMENT} WHERE d.sid = ?1"), [&sid], |r| {
                    deployment_json(&sb, r)
                })?;
                tx.commit()?;
                Ok(Ok(answer))
            }
        })
        .await??;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

async fn list_deployments(
    Authed(sb): Authed,
    Path((svc, env)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let path = format!("/{svc}/Environments/{env}/Deployments");
    let (url, items) = sb
        .db()
        .call({
            let sb = sb.clone();
            move |c| {
                let found = match service(c, &svc)? {
                    Some(s) => environment(c, &s.sid, &env)?,
                    None => None,
                };
                let Some(e) = found else {
                    return Ok(Err(missing_resource(&path)));
                };
                let mut stmt = c.prepare_cached(&format!(
                    "{DEPLOYMENT} WHERE d.environment_sid = ?1 ORDER BY d.date_created DESC, d.rowid DESC"
                ))?;
                let items = stmt
                    .query_map([&e.sid], |r| deployment_json(&sb, r))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let url = format!("{}/{}/Environments/{}/Deployments", base(&sb), e.service_sid, e.sid);
                Ok(Ok((url, items)))
            }
        })
        .await??;
    Ok(list_answer(
        "deployments",
        url,
        &paging,
        page_of(items, &paging),
    ))
}

/// A public asset of the build deployed at `domain`, as `https://{domain}{path}` serves it.
async fn serve_deployed(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path((domain, path)): Path<(String, String)>,
) -> Response {
    let Some(sb) = state.sandbox.as_ref().map(|s| s.store.clone()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let asset_path = format!("/{path}");
    let found = sb
        .db()
        .call(move |c| {
            let build_row: Option<(String, String)> = c
                .query_row(
                    "SELECT service_sid, build_sid FROM serverless_environments
                     WHERE domain_name = ?1 AND build_sid IS NOT NULL",
                    [&domain],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((service_sid, build_sid)) = build_row else {
                return Ok(None);
            };
            let Some(b) = build(c, &service_sid, &build_sid)? else {
                return Ok(None);
            };
            for sid in &b.asset_versions {
                let hit: Option<(String, Vec<u8>)> = c
                    .query_row(
                        "SELECT content_type, content FROM serverless_asset_versions
                         WHERE sid = ?1 AND path = ?2 AND visibility = 'public'",
                        params![sid, asset_path],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                if hit.is_some() {
                    return Ok(hit);
                }
            }
            Ok(None)
        })
        .await;
    match found {
        Ok(Some((content_type, bytes))) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_owned()),
            ],
            Body::from(bytes),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => SandboxError::Db(e).into_response(),
    }
}
