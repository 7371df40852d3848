//! One recorded exchange against its operation in the specs: the path template it matches, its
//! path, query and form parameters, its authorization, and its status, headers and body.

use serde_json::{json, Value};

use super::schema::{check_value, resolve};
use super::{Specs, SERVERLESS};
use crate::common::proxy::Exchange;

/// A spec, one of its path templates, and the path parameters matched.
type Operation<'a> = (&'a Value, &'a str, Vec<(String, String)>);
type TypeCheck = fn(&Value) -> bool;

fn form_pairs(text: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(text).unwrap_or_default()
}

/// The path as Twilio's host sees it, and whether it went to Serverless (under the sandbox's
/// `/serverless` prefix) and to its upload host.
fn product_path(path: &str) -> (&str, bool, bool) {
    if let Some(rest) = path.strip_prefix("/serverless-upload/") {
        (&path[path.len() - rest.len() - 1..], true, true)
    } else if let Some(rest) = path.strip_prefix("/serverless/") {
        (&path[path.len() - rest.len() - 1..], true, false)
    } else {
        (path, false, false)
    }
}

impl Specs {
    /// The spec and path template an exchange belongs to.
    fn operation(&self, path: &str) -> Option<Operation<'_>> {
        let (path, serverless, _) = product_path(path);
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut best: Option<(Operation<'_>, usize)> = None;
        for (stem, doc) in &self.docs {
            if (*stem == SERVERLESS) != serverless {
                continue;
            }
            let Some(paths) = doc["paths"].as_object() else {
                continue;
            };
            for tpl in paths.keys() {
                let t: Vec<&str> = tpl.trim_start_matches('/').split('/').collect();
                if t.len() != segs.len() {
                    continue;
                }
                let mut params = Vec::new();
                let mut literal = 0;
                let ok = t.iter().zip(&segs).all(|(a, b)| {
                    if a.starts_with('{') && a.ends_with('}') {
                        let decoded = percent_decode(b);
                        params.push((a[1..a.len() - 1].to_owned(), decoded));
                        true
                    } else {
                        literal += 1;
                        a == b
                    }
                });
                if ok && best.as_ref().is_none_or(|b| literal > b.1) {
                    best = Some(((doc, tpl.as_str(), params), literal));
                }
            }
        }
        best.map(|(op, _)| op)
    }

    /// Every way the exchange departs from the spec (empty: it conforms).
    pub fn check(&self, ex: &Exchange) -> Vec<String> {
        let mut errors = Vec::new();
        let what = format!("{} {}", ex.method, ex.path);
        let Some((doc, tpl, path_params)) = self.operation(&ex.path) else {
            return vec![format!("{what}: no such path in Twilio's specs")];
        };
        if product_path(&ex.path).2 {
            self.check_upload(doc, tpl, ex, &mut errors);
            return errors.into_iter().map(|e| format!("{what}: {e}")).collect();
        }
        let op = &doc["paths"][tpl][ex.method.to_ascii_lowercase()];
        if op.is_null() {
            return vec![format!("{what}: method not in the spec for {tpl}")];
        }
        self.check_request(doc, op, ex, &path_params, &mut errors);
        self.check_response(doc, op, ex, &mut errors);
        errors.into_iter().map(|e| format!("{what}: {e}")).collect()
    }

    fn check_request(
        &self,
        doc: &Value,
        op: &Value,
        ex: &Exchange,
        path_params: &[(String, String)],
        errors: &mut Vec<String>,
    ) {
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let declared = |name: &str, place: &str| {
            params
                .iter()
                .find(|p| p["name"] == name && p["in"] == place)
                .copied()
        };
        for (name, value) in path_params {
            match declared(name, "path") {
                Some(p) => {
                    check_string_param(doc, &p["schema"], value, &format!("path {name}"), errors)
                }
                None => errors.push(format!("path parameter {name} not declared")),
            }
        }
        if let Some(q) = &ex.query {
            for (name, value) in form_pairs(q) {
                match declared(&name, "query") {
                    Some(p) => check_string_param(
                        doc,
                        &p["schema"],
                        &value,
                        &format!("query {name}"),
                        errors,
                    ),
                    None => errors.push(format!("unknown query parameter {name}")),
                }
            }
        }
        if ex.req_headers.contains_key("if-match") && declared("If-Match", "header").is_none() {
            errors.push("If-Match sent but the operation takes none".into());
        }
        match ex
            .req_headers
            .get("authorization")
            .and_then(|h| h.to_str().ok())
        {
            Some(h) if h.starts_with("Basic ") => {}
            _ => errors.push("request without Basic authorization".into()),
        }
        let json_schema = &op["requestBody"]["content"]["application/json"]["schema"];
        if !json_schema.is_null() {
            let ct = ex
                .req_headers
                .get("content-type")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            if !ct.starts_with("application/json") {
                errors.push(format!("request content type {ct:?}, expected JSON"));
            }
            let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&ex.req_body) else {
                return errors.push("request body is not a JSON object".into());
            };
            // Twilio's spec leaves this body's properties out (Flex's `POST /v1/Configuration`):
            // each key must then be a field of the resource the operation answers with.
            let declared = resolve(doc, json_schema)["properties"]
                .as_object()
                .filter(|p| !p.is_empty())
                .or_else(|| {
                    resolve(
                        doc,
                        &op["responses"]["200"]["content"]["application/json"]["schema"],
                    )["properties"]
                        .as_object()
                });
            for (k, v) in &body {
                match declared.and_then(|p| p.get(k)) {
                    Some(s) => check_value(doc, s, v, &format!("request.{k}"), errors),
                    None => errors.push(format!("request: unknown field {k}")),
                }
            }
            return;
        }
        let body_schema =
            &op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
        if body_schema.is_null() {
            if !ex.req_body.is_empty() {
                errors.push("request body sent but the operation takes none".into());
            }
            return;
        }
        let ct = ex
            .req_headers
            .get("content-type")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !ct.starts_with("application/x-www-form-urlencoded") {
            errors.push(format!(
                "request content type {ct:?}, expected form-encoded"
            ));
        }
        let schema = resolve(doc, body_schema);
        let props = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let pairs = form_pairs(&String::from_utf8_lossy(&ex.req_body));
        for (name, value) in &pairs {
            match props.get(name) {
                Some(s) => {
                    let s = resolve(doc, s);
                    let repeated = pairs.iter().filter(|(k, _)| k == name).count() > 1;
                    if repeated && s["type"] != "array" {
                        errors.push(format!("form field {name} repeated but not an array"));
                    }
                    let item = if s["type"] == "array" {
                        resolve(doc, &s["items"])
                    } else {
                        s
                    };
                    check_string_param(doc, item, value, &format!("form {name}"), errors);
                }
                None => errors.push(format!("unknown form field {name}")),
            }
        }
        for req in schema["required"].as_array().into_iter().flatten() {
            if let Some(r) = req.as_str() {
                if !pairs.iter().any(|(k, _)| k == r) {
                    errors.push(format!("required form field {r} missing"));
                }
            }
        }
    }

    fn check_response(&self, doc: &Value, op: &Value, ex: &Exchange, errors: &mut Vec<String>) {
        let declared = &op["responses"][ex.status.to_string()];
        if declared.is_null() {
            if ex.status >= 400 {
                check_error_body(&ex.resp_body, errors);
            } else {
                errors.push(format!("status {} not in the spec", ex.status));
            }
            return;
        }
        if declared["headers"].get("ETag").is_some() && !ex.resp_headers.contains_key("etag") {
            errors.push("ETag header missing".into());
        }
        let schema = &declared["content"]["application/json"]["schema"];
        if schema.is_null() {
            if !ex.resp_body.is_empty() {
                errors.push("response body where the spec has none".into());
            }
            return;
        }
        match serde_json::from_slice::<Value>(&ex.resp_body) {
            Ok(v) => check_value(doc, schema, &v, "body", errors),
            Err(e) => errors.push(format!("response is not JSON: {e}")),
        }
    }
}

impl Specs {
    /// `POST serverless-upload…/v1/Services/{ZS}/Assets/{ZH}/Versions`: `multipart/form-data`
    /// with `Path`, `Visibility` (the spec's visibility values) and the file as `Content`; the
    /// answer (201) is the Asset Version resource.
    fn check_upload(&self, doc: &Value, tpl: &str, ex: &Exchange, errors: &mut Vec<String>) {
        if ex.method != "POST" || tpl != "/v1/Services/{ServiceSid}/Assets/{AssetSid}/Versions" {
            return errors.push(format!("{tpl}: not the upload host's Asset Version create"));
        }
        let ct = ex
            .req_headers
            .get("content-type")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let Some(boundary) = ct
            .strip_prefix("multipart/form-data; boundary=")
            .filter(|b| !b.is_empty())
        else {
            return errors.push(format!(
                "upload content type {ct:?}, expected multipart/form-data"
            ));
        };
        let body = String::from_utf8_lossy(&ex.req_body);
        let mut names = Vec::new();
        for part in body.split(&format!("--{boundary}")).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let Some(name) = part
                .split("name=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
            else {
                errors.push("a multipart part without a name".into());
                continue;
            };
            if name == "Visibility" {
                let value = part.split("\r\n\r\n").nth(1).unwrap_or("").trim_end();
                let allowed =
                    &doc["components"]["schemas"]["asset_version_enum_visibility"]["enum"];
                if !allowed
                    .as_array()
                    .is_some_and(|a| a.iter().any(|v| v == value))
                {
                    errors.push(format!("Visibility {value:?} not one of {allowed}"));
                }
            }
            names.push(name.to_owned());
        }
        names.sort();
        if names != ["Content", "Path", "Visibility"] {
            errors.push(format!(
                "upload parts {names:?}, expected Content, Path and Visibility"
            ));
        }
        if ex.status != 201 {
            return check_error_body(&ex.resp_body, errors);
        }
        let schema =
            json!({ "$ref": "#/components/schemas/serverless.v1.service.asset.asset_version" });
        match serde_json::from_slice::<Value>(&ex.resp_body) {
            Ok(v) => check_value(doc, &schema, &v, "body", errors),
            Err(e) => errors.push(format!("response is not JSON: {e}")),
        }
    }
}

fn percent_decode(s: &str) -> String {
    form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A form, query or path value (always text on the wire) against its schema.
fn check_string_param(
    doc: &Value,
    schema: &Value,
    value: &str,
    at: &str,
    errors: &mut Vec<String>,
) {
    let s = resolve(doc, schema);
    let as_json = match s["type"].as_str() {
        Some("integer") => match value.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => return errors.push(format!("{at}: {value:?} is not an integer")),
        },
        Some("boolean") => match value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return errors.push(format!("{at}: {value:?} is not true/false")),
        },
        Some("object") => match serde_json::from_str::<Value>(value) {
            Ok(v @ Value::Object(_)) => v,
            _ => return errors.push(format!("{at}: not a JSON object")),
        },
        _ => Value::String(value.to_owned()),
    };
    check_value(doc, schema, &as_json, at, errors);
}

fn check_error_body(body: &[u8], errors: &mut Vec<String>) {
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) else {
        return errors.push("error response is not a JSON object".into());
    };
    for k in m.keys() {
        if !["code", "message", "more_info", "status", "details"].contains(&k.as_str()) {
            errors.push(format!("error response has unknown field {k}"));
        }
    }
    let checks: [(&str, TypeCheck); 4] = [
        ("code", Value::is_u64),
        ("message", Value::is_string),
        ("more_info", Value::is_string),
        ("status", Value::is_u64),
    ];
    for (k, ok) in checks {
        match m.get(k) {
            Some(v) if ok(v) => {}
            Some(v) => errors.push(format!("error field {k} has the wrong type: {v}")),
            None => errors.push(format!("error response misses {k}")),
        }
    }
}
