//! `/v1/Services/{IS}/Documents…` and document permissions.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::paging::Paging;
use super::{if_match, Authed, Form};
use crate::sandbox::documents::{self, DocRow};
use crate::sandbox::{Sandbox, SandboxError, SandboxEvent};

fn check_service(sb: &Sandbox, service: &str, path: &str) -> Result<(), SandboxError> {
    if service == sb.ids().sync_service_sid {
        Ok(())
    } else {
        Err(SandboxError::not_found(path))
    }
}

fn answer(sb: &Sandbox, status: StatusCode, doc: &DocRow) -> Result<Response, SandboxError> {
    let body = Json(doc.to_json(&sb.ids().account_sid, sb.base_url())?);
    Ok((status, [(header::ETAG, doc.etag())], body).into_response())
}

fn updated(sb: &Sandbox, doc: &DocRow) {
    if let Ok(data) = serde_json::from_str(&doc.data) {
        sb.events().emit(SandboxEvent::DocumentUpdated {
            sid: doc.sid.clone(),
            unique_name: doc.unique_name.clone(),
            revision: doc.revision as u64,
            data,
        });
    }
}

pub async fn create(
    Authed(sb): Authed,
    Path(service): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    check_service(&sb, &service, &format!("/v1/Services/{service}/Documents"))?;
    let form = Form::parse(&body)?;
    let data = documents::check_data(form.get("Data").unwrap_or("{}"))?;
    let ttl = form.int("Ttl")?;
    if let Some(t) = ttl {
        documents::check_ttl(t)?;
    }
    let name = form.get("UniqueName").map(str::to_owned);
    let at = sb.at();
    let (doc, replaced) = sb
        .db()
        .call(move |c| Ok(documents::create(c, &service, name, data, ttl, at)))
        .await??;
    if let Some(sid) = replaced {
        sb.events().emit(SandboxEvent::DocumentRemoved { sid });
    }
    updated(&sb, &doc);
    answer(&sb, StatusCode::CREATED, &doc)
}

/// `GET …/Documents`: the live documents, a page at a time.
pub async fn list(
    Authed(sb): Authed,
    Path(service): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Services/{service}/Documents");
    check_service(&sb, &service, &path)?;
    let paging = Paging::read(&Form::query(query.as_deref())?)?;
    let at = sb.at();
    let rows = sb
        .db()
        .call(move |c| {
            Ok(documents::list(
                c,
                &service,
                paging.page_size,
                paging.page,
                at,
            ))
        })
        .await??;
    let account = &sb.ids().account_sid;
    let docs = rows
        .iter()
        .map(|d| d.to_json(account, sb.base_url()))
        .collect::<Result<Vec<_>, _>>()?;
    let meta = paging.meta(
        "documents",
        &format!("{}{path}", sb.base_url()),
        &[],
        rows.len(),
    );
    Ok(Json(serde_json::json!({ "documents": docs, "meta": meta })).into_response())
}

pub async fn fetch(
    Authed(sb): Authed,
    Path((service, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Services/{service}/Documents/{sid}");
    check_service(&sb, &service, &path)?;
    let at = sb.at();
    let doc = sb
        .db()
        .call(move |c| Ok(documents::fetch(c, &service, &sid, at)))
        .await??;
    answer(
        &sb,
        StatusCode::OK,
        &doc.ok_or_else(|| SandboxError::not_found(&path))?,
    )
}

pub async fn update(
    Authed(sb): Authed,
    Path((service, sid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Services/{service}/Documents/{sid}");
    check_service(&sb, &service, &path)?;
    let form = Form::parse(&body)?;
    let data = form.get("Data").map(documents::check_data).transpose()?;
    let ttl = form.int("Ttl")?;
    if let Some(t) = ttl {
        documents::check_ttl(t)?;
    }
    if data.is_none() && ttl.is_none() {
        return Err(SandboxError::invalid("Data or Ttl is required"));
    }
    let tag = if_match(&headers);
    let at = sb.at();
    let doc = sb
        .db()
        .call(move |c| {
            Ok(documents::update(
                c,
                &service,
                &sid,
                data,
                ttl,
                tag.as_deref(),
                at,
            ))
        })
        .await??;
    let doc = doc.ok_or_else(|| SandboxError::not_found(&path))?;
    updated(&sb, &doc);
    answer(&sb, StatusCode::OK, &doc)
}

pub async fn delete(
    Authed(sb): Authed,
    Path((service, sid)): Path<(String, String)>,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Services/{service}/Documents/{sid}");
    check_service(&sb, &service, &path)?;
    let at = sb.at();
    let gone = sb
        .db()
        .call(move |c| Ok(documents::delete(c, &service, &sid, at)))
        .await??;
    let sid = gone.ok_or_else(|| SandboxError::not_found(&path))?;
    sb.events().emit(SandboxEvent::DocumentRemoved { sid });
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn set_permission(
    Authed(sb): Authed,
    Path((service, doc, identity)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let path = format!("/v1/Services/{service}/Documents/{doc}/Permissions/{identity}");
    check_service(&sb, &service, &path)?;
    let form = Form::parse(&body)?;
    let mut flags = [false; 3];
    for (flag, name) in flags.iter_mut().zip(["Read", "Write", "Manage"]) {
        *flag = form
            .bool(name)?
            .ok_or_else(|| SandboxError::missing(name))?;
    }
    if identity.is_empty() || identity.len() > 256 {
        return Err(SandboxError::invalid(
            "Identity must be 1 to 256 characters",
        ));
    }
    let at = sb.at();
    let perm = sb
        .db()
        .call(move |c| {
            Ok(documents::set_permission(
                c,
                &service,
                &doc,
                &identity,
                (flags[0], flags[1], flags[2]),
                at,
            ))
        })
        .await??;
    let perm = perm.ok_or_else(|| SandboxError::not_found(&path))?;
    let ids = sb.ids();
    let url = format!(
        "{}/v1/Services/{}/Documents/{}/Permissions/{}",
        sb.base_url(),
        ids.sync_service_sid,
        perm.document_sid,
        form_urlencoded::byte_serialize(perm.identity.as_bytes()).collect::<String>()
    );
    Ok(Json(serde_json::json!({
        "account_sid": ids.account_sid,
        "service_sid": ids.sync_service_sid,
        "document_sid": perm.document_sid,
        "identity": perm.identity,
        "read": perm.read,
        "write": perm.write,
        "manage": perm.manage,
        "url": url,
    }))
    .into_response())
}
