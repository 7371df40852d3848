//! Where a deploy goes and with which credentials: a Twilio account (from the environment or
//! `.env`, as the host reads them) or a running sandbox host (its credentials asked for over
//! loopback).

use std::collections::HashMap;
use std::path::Path;

use plugin_host::twilio::{BaseUrls, RetryPolicy, TwilioClient};
use reqwest::Url;
use serde_json::Value;

use crate::cmd::{Error, Result};

/// The variable the host reads the video sessions' Sync service from.
pub const SYNC_SERVICE_VAR: &str = "VIDEO_SYNC_SERVICE_SID";

pub enum Kind {
    Twilio,
    /// The sandbox host at this origin.
    Sandbox(Url),
}

pub struct Target {
    pub kind: Kind,
    pub client: TwilioClient,
    /// Where the host serves the functions (and, by default, the bundle).
    pub functions_url: Url,
    /// The Sync service configured for video sessions, if any.
    pub sync_service: Option<String>,
}

impl Target {
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Twilio => format!("Twilio account {}", self.client.account_sid()),
            Kind::Sandbox(url) => format!(
                "the sandbox at {} (account {})",
                url.as_str().trim_end_matches('/'),
                self.client.account_sid()
            ),
        }
    }

    /// The public URL of an asset deployed at `domain`: `https://{domain}{path}` on Twilio; the
    /// sandbox serves its environments' domains itself.
    pub fn asset_url(&self, domain: &str, path: &str) -> String {
        match &self.kind {
            Kind::Twilio => format!("https://{domain}{path}"),
            Kind::Sandbox(url) => format!(
                "{}/sandbox/twil.io/{domain}{path}",
                url.as_str().trim_end_matches('/')
            ),
        }
    }
}

/// The environment, then `.env` in the working directory (the environment wins), as the host
/// reads its configuration.
pub struct Variables {
    dotenv: HashMap<String, String>,
}

impl Variables {
    pub fn load(dir: &Path) -> Variables {
        let dotenv = dotenvy::from_path_iter(dir.join(".env"))
            .map(|iter| iter.filter_map(std::result::Result::ok).collect())
            .unwrap_or_default();
        Variables { dotenv }
    }

    pub fn get(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| self.dotenv.get(name).cloned())
            .filter(|v| !v.trim().is_empty())
    }
}

fn client(urls: BaseUrls, account: &str, token: &str) -> Result<TwilioClient> {
    TwilioClient::new(urls, account, token, RetryPolicy::default())
        .map_err(|e| Error::new(format!("REST client: {e}")))
}

fn parse_url(what: &str, text: &str) -> Result<Url> {
    Url::parse(text).map_err(|e| Error::new(format!("{what} {text:?} is not a URL: {e}")))
}

/// A Twilio account: `ACCOUNT_SID`, `AUTH_TOKEN`, `PUBLIC_URL` (where the host is), optionally
/// `VIDEO_SYNC_SERVICE_SID`, `TWILIO_REGION` and `TWILIO_REST_BASE_URL`.
pub fn twilio(vars: &Variables, functions_url: Option<&str>) -> Result<Target> {
    let need = |name: &str| {
        vars.get(name).ok_or_else(|| {
            Error::new(format!(
                "{name} is not set: put the account's credentials in the environment or .env \
                 (or deploy into a sandbox with --sandbox URL)"
            ))
        })
    };
    let account = need("ACCOUNT_SID")?;
    let token = need("AUTH_TOKEN")?;
    let functions = match functions_url {
        Some(u) => u.to_owned(),
        None => vars.get("PUBLIC_URL").ok_or_else(|| {
            Error::new(
                "PUBLIC_URL is not set: it is where Flex reaches the host (https://video.example.com); \
                 set it as for the host, or pass --functions-url",
            )
        })?,
    };
    let urls = match vars.get("TWILIO_REST_BASE_URL") {
        Some(u) => BaseUrls::all(&parse_url("TWILIO_REST_BASE_URL", &u)?),
        None => BaseUrls::twilio(vars.get("TWILIO_REGION").as_deref()),
    };
    Ok(Target {
        kind: Kind::Twilio,
        client: client(urls, &account, &token)?,
        functions_url: parse_url("PUBLIC_URL", &functions)?,
        sync_service: vars.get(SYNC_SERVICE_VAR),
    })
}

/// The sandbox host at `origin`: `GET /sandbox/account` (answered to loopback callers only)
/// gives its credentials, its REST origin and its functions URL. `TWILIO_REST_BASE_URL`, when
/// set, sends the REST calls elsewhere (a recording proxy in tests).
pub async fn sandbox(
    vars: &Variables,
    origin: &str,
    functions_url: Option<&str>,
) -> Result<Target> {
    let origin = parse_url("--sandbox", origin)?;
    let url = origin
        .join("/sandbox/account")
        .map_err(|e| Error::new(e.to_string()))?;
    let answer = reqwest::get(url.clone())
        .await
        .map_err(|e| Error::new(format!("cannot reach the sandbox at {origin}: {e}")))?;
    if !answer.status().is_success() {
        return Err(Error::new(format!(
            "{url} answered {}: is a sandbox host (no ACCOUNT_SID) running there?",
            answer.status()
        )));
    }
    let account: Value = answer
        .json()
        .await
        .map_err(|e| Error::new(format!("{url}: {e}")))?;
    let field = |k: &str| {
        account[k]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::new(format!("{url} has no {k}")))
    };
    let rest = match vars.get("TWILIO_REST_BASE_URL") {
        Some(u) => parse_url("TWILIO_REST_BASE_URL", &u)?,
        None => parse_url("restBaseUrl", &field("restBaseUrl")?)?,
    };
    let functions = match functions_url {
        Some(u) => u.to_owned(),
        None => field("functionsUrl")?,
    };
    Ok(Target {
        client: client(
            BaseUrls::all(&rest),
            &field("accountSid")?,
            &field("authToken")?,
        )?,
        functions_url: parse_url("functionsUrl", &functions)?,
        sync_service: Some(field("syncServiceSid")?),
        kind: Kind::Sandbox(origin),
    })
}
