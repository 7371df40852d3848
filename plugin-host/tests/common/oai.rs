//! Checks recorded requests and responses against Twilio's OpenAPI specs: unknown fields, wrong
//! types and missing fields are errors. The specs (twilio-oai at [`COMMIT`], tag 2.6.7: Video,
//! Sync, TaskRouter, Flex and Serverless) come from `TWILIO_OAI_DIR`, else `shared/twilio-oai/`
//! beside the repository or a folder above it (each spec as YAML or JSON), else a download
//! checked by sha256: first the npm registry's `@twilio/cli-core` 9.0.0, which ships that commit's
//! JSON specs byte for byte, then GitHub's copy of the commit. Without any of them the caller
//! skips, loudly (and fails under `CI`).
//!
//! Serverless's paths are Sync's too, so an exchange is matched against Serverless's spec alone
//! when its path starts with the sandbox's `/serverless` or `/serverless-upload` prefix, and
//! against the others otherwise. The upload host's Asset Version create is not in the spec: its
//! multipart fields are checked as Twilio's upload API documents them, its answer against the
//! Asset Version the spec describes.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::proxy::Exchange;

pub const COMMIT: &str = "d50069b44ea8cd23141385bdb6db48f16ff75bb5";

/// One spec: its file stem and the sha256 of its JSON form at [`COMMIT`].
struct Spec {
    stem: &'static str,
    json_sha256: &'static str,
}

const SERVERLESS: &str = "twilio_serverless_v1";

const SPECS: [Spec; 5] = [
    Spec {
        stem: "twilio_video_v1",
        json_sha256: "162f62d432a227cb5aab8da45af7bbfceca5569feff4e26529504583946d1383",
    },
    Spec {
        stem: "twilio_sync_v1",
        json_sha256: "0360fe39df8da59ebecefefbeb312aaae2d6e23faf783020486e3a743f499e92",
    },
    Spec {
        stem: "twilio_taskrouter_v1",
        json_sha256: "f431d2bc66ba14373a452e0e6d3795cb1576cf6c2e15352b5330b22a4d34d0bf",
    },
    Spec {
        stem: "twilio_flex_v1",
        json_sha256: "ea1db919b6ccc106a1b40807965c867fbf13cd82771486de8c9e305d26bac177",
    },
    Spec {
        stem: SERVERLESS,
        json_sha256: "74f59534eb423d280a5fa93570b92ff1bb71cbb04441cd2c9036f5a8c248e455",
    },
];

/// The npm package that carries the specs, the tarball's sha256, and where they sit inside it.
const NPM_TARBALL: &str = "https://registry.npmjs.org/@twilio/cli-core/-/cli-core-9.0.0.tgz";
const NPM_TARBALL_SHA256: &str = "9fef3d7234dbce63ff3005a422f46fcf7e3486b369f852f61b3ede41097e5667";
const NPM_SPEC_DIR: &str = "package/src/services/twilio-api/";

/// A spec, one of its path templates, and the path parameters matched.
type Operation<'a> = (&'a Value, &'a str, Vec<(String, String)>);
type TypeCheck = fn(&Value) -> bool;

pub struct Specs {
    /// Each spec's stem and document.
    docs: Vec<(&'static str, Value)>,
    pub source: PathBuf,
}

/// Every spec's file in `dir` (its JSON form, else its YAML form), if all are there.
fn spec_files(dir: &Path) -> Option<Vec<PathBuf>> {
    SPECS
        .iter()
        .map(|s| {
            ["json", "yaml"]
                .into_iter()
                .map(|ext| dir.join(format!("{}.{ext}", s.stem)))
                .find(|f| f.is_file())
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_sum(what: &str, bytes: &[u8], expected: &str) -> Result<(), String> {
    let got = sha256_hex(bytes);
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: sha256 {got}, expected {expected}"))
    }
}

async fn fetch(http: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let resp = http
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    Ok(resp.bytes().await.map_err(|e| e.to_string())?.to_vec())
}

/// The JSON specs out of the npm tarball, each checked against [`COMMIT`]'s sum.
async fn download_from_npm(http: &reqwest::Client, dir: &Path) -> Result<(), String> {
    let tarball = fetch(http, NPM_TARBALL).await?;
    check_sum(NPM_TARBALL, &tarball, NPM_TARBALL_SHA256)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball.as_slice()));
    let mut found = 0;
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry
            .path()
            .map_err(|e| e.to_string())?
            .display()
            .to_string();
        let Some(spec) = SPECS
            .iter()
            .find(|s| path == format!("{NPM_SPEC_DIR}{}.json", s.stem))
        else {
            continue;
        };
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        check_sum(&path, &bytes, spec.json_sha256)?;
        std::fs::write(dir.join(format!("{}.json", spec.stem)), &bytes)
            .map_err(|e| e.to_string())?;
        found += 1;
    }
    if found == SPECS.len() {
        Ok(())
    } else {
        Err(format!(
            "{NPM_TARBALL}: {found} of {} specs found",
            SPECS.len()
        ))
    }
}

/// The JSON specs from GitHub's copy of [`COMMIT`].
async fn download_from_github(http: &reqwest::Client, dir: &Path) -> Result<(), String> {
    for spec in &SPECS {
        let file = format!("{}.json", spec.stem);
        let url = format!(
            "https://raw.githubusercontent.com/twilio/twilio-oai/{COMMIT}/spec/json/{file}"
        );
        let bytes = fetch(http, &url).await?;
        check_sum(&file, &bytes, spec.json_sha256)?;
        std::fs::write(dir.join(file), &bytes).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Downloads into a cache under the target directory, trying each source in turn.
async fn download(tried: &mut Vec<String>) -> Option<PathBuf> {
    let tmp = option_env!("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let cache = tmp.join(format!("twilio-oai-{COMMIT}"));
    if spec_files(&cache).is_some() {
        return Some(cache);
    }
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .ok()?;
    if let Err(e) = std::fs::create_dir_all(&cache) {
        tried.push(format!("{}: {e}", cache.display()));
        return None;
    }
    match download_from_npm(&http, &cache).await {
        Ok(()) => return Some(cache),
        Err(e) => tried.push(format!("npm @twilio/cli-core 9.0.0: {e}")),
    }
    match download_from_github(&http, &cache).await {
        Ok(()) => Some(cache),
        Err(e) => {
            tried.push(format!("GitHub twilio-oai@{COMMIT}: {e}"));
            None
        }
    }
}

/// The specs, or `None` after saying loudly why the caller should skip.
pub async fn load() -> Option<Specs> {
    let mut tried = Vec::new();
    let mut dir = None;
    if let Some(d) = std::env::var_os("TWILIO_OAI_DIR") {
        let d = PathBuf::from(d);
        tried.push(d.display().to_string());
        if spec_files(&d).is_some() {
            dir = Some(d);
        }
    }
    if dir.is_none() {
        // `shared/twilio-oai` beside the repository (or beside a folder above it, for worktrees).
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        tried.push(repo.join("../shared/twilio-oai").display().to_string());
        dir = repo
            .ancestors()
            .skip(1)
            .map(|a| a.join("shared/twilio-oai"))
            .find(|d| spec_files(d).is_some());
    }
    if dir.is_none() {
        dir = download(&mut tried).await;
    }
    let Some(files) = dir.as_deref().and_then(spec_files) else {
        let msg = format!(
            "Twilio OpenAPI specs unavailable; tried: {}",
            tried.join("; ")
        );
        if std::env::var_os("CI").is_some() {
            panic!("{msg}");
        }
        eprintln!("\n!!! SKIPPING OpenAPI validation: {msg}\n");
        return None;
    };
    let docs = files
        .iter()
        .zip(&SPECS)
        .map(|(f, spec)| {
            let text = std::fs::read_to_string(f).expect("read spec");
            // JSON is YAML too, but serde_json reads the JSON form much faster.
            let doc = if f.extension().is_some_and(|e| e == "json") {
                serde_json::from_str::<Value>(&text).expect("parse spec")
            } else {
                serde_yaml::from_str::<Value>(&text).expect("parse spec")
            };
            (spec.stem, doc)
        })
        .collect();
    Some(Specs {
        docs,
        source: dir.unwrap_or_default(),
    })
}

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

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
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
