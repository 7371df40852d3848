//! The one Twilio REST client: Video Rooms, Sync Documents and Permissions, TaskRouter Tasks and the
//! IAM token check; and, for `cargo xtask deploy`, Sync Services, the Flex Configuration, the Flex
//! Plugins API and the Serverless subset that hosts assets. Form-encoded bodies, Basic auth, Twilio error JSON as typed errors, retry with
//! backoff on 429/503. Base URLs are configuration, so the same client talks to Twilio or to the
//! sandbox stand-in.

pub mod error;
pub mod flex_configuration;
pub mod flex_plugins;
pub mod iam;
pub mod serverless;
pub mod sync;
pub mod sync_services;
pub mod taskrouter;
pub mod video;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use rand::Rng as _;
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, IF_MATCH,
    RETRY_AFTER,
};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

pub use error::{codes, ApiError, TwilioError};

/// Where each product lives.
#[derive(Debug, Clone)]
pub struct BaseUrls {
    pub video: Url,
    pub sync: Url,
    pub taskrouter: Url,
    pub iam: Url,
    /// The Flex Configuration and the Flex Plugins API (`flex-api`).
    pub flex: Url,
    pub serverless: Url,
    /// Where Asset and Function Versions are uploaded (`serverless-upload`).
    pub serverless_upload: Url,
}

impl BaseUrls {
    /// Twilio's public hosts. With a region, `{product}.{region}.twilio.com`; IAM uses the realm
    /// (the region up to its first `-`) as the Flex token validator does.
    pub fn twilio(region: Option<&str>) -> BaseUrls {
        let host = |product: &str| -> Url {
            let s = match region {
                Some(r) => format!("https://{product}.{r}.twilio.com"),
                None => format!("https://{product}.twilio.com"),
            };
            Url::parse(&s).unwrap_or_else(|_| {
                Url::parse(&format!("https://{product}.twilio.com")).expect("static URL")
            })
        };
        let iam = match region
            .and_then(|r| r.split('-').next())
            .filter(|r| !r.is_empty())
        {
            Some(realm) => Url::parse(&format!("https://iam.{realm}.twilio.com"))
                .unwrap_or_else(|_| Url::parse("https://iam.twilio.com").expect("static URL")),
            None => Url::parse("https://iam.twilio.com").expect("static URL"),
        };
        BaseUrls {
            video: host("video"),
            sync: host("sync"),
            taskrouter: host("taskrouter"),
            iam,
            flex: host("flex-api"),
            serverless: host("serverless"),
            serverless_upload: host("serverless-upload"),
        }
    }

    /// Every product under one origin (the sandbox, or a proxy in front of it); Serverless's two
    /// hosts under `/serverless` and `/serverless-upload`, since its paths are Sync's too.
    pub fn all(base: &Url) -> BaseUrls {
        let under = |prefix: &str| {
            let mut url = base.clone();
            if let Ok(mut path) = url.path_segments_mut() {
                path.pop_if_empty().push(prefix);
            }
            url
        };
        BaseUrls {
            video: base.clone(),
            sync: base.clone(),
            taskrouter: base.clone(),
            iam: base.clone(),
            flex: base.clone(),
            serverless: under("serverless"),
            serverless_upload: under("serverless-upload"),
        }
    }
}

/// How often and how long to wait when Twilio answers 429 or 503.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Told the method and URL of every request before it is sent (`cargo xtask deploy --dry-run`
/// prints them).
pub type RequestObserver = Arc<dyn Fn(&Method, &Url) + Send + Sync>;

struct Inner {
    http: reqwest::Client,
    urls: BaseUrls,
    account_sid: String,
    auth: HeaderValue,
    retry: RetryPolicy,
    observer: Option<RequestObserver>,
}

/// Cheap to clone; one connection pool for all products.
#[derive(Clone)]
pub struct TwilioClient {
    inner: Arc<Inner>,
}

/// A successful answer: status, headers, body.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, TwilioError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| TwilioError::Decode(format!("{e} (HTTP {})", self.status)))
    }

    /// The `ETag` header exactly as it came (quoted or not), to be sent back as `If-Match`.
    pub fn etag(&self) -> Option<String> {
        let raw = self.headers.get(reqwest::header::ETAG)?.to_str().ok()?;
        Some(raw.trim().to_owned()).filter(|t| !t.is_empty())
    }
}

/// An entity tag's opaque value: surrounding quotes (and a weak prefix) removed.
pub fn unquote_etag(raw: &str) -> &str {
    let raw = raw.trim();
    let raw = raw.strip_prefix("W/").unwrap_or(raw);
    raw.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw)
}

/// One request, kept so it can be sent again on 429/503.
pub(crate) struct Call<'a> {
    method: Method,
    url: Url,
    form: Option<String>,
    json: Option<Vec<u8>>,
    /// Any other body, with its content type (multipart uploads).
    raw: Option<(String, Vec<u8>)>,
    if_match: Option<&'a str>,
}

impl<'a> Call<'a> {
    pub fn get(url: Url) -> Call<'a> {
        Call {
            method: Method::GET,
            url,
            form: None,
            json: None,
            raw: None,
            if_match: None,
        }
    }

    /// A `POST` with a form body from name/value pairs (Twilio's PascalCase names).
    pub fn post_form(url: Url, pairs: &[(&str, &str)]) -> Call<'a> {
        Call {
            method: Method::POST,
            form: Some(form(pairs)),
            ..Call::get(url)
        }
    }

    pub fn post_json(url: Url, body: Vec<u8>) -> Call<'a> {
        Call {
            method: Method::POST,
            json: Some(body),
            ..Call::get(url)
        }
    }

    /// A `POST` whose body is `body` of type `content_type`.
    pub fn post_raw(url: Url, content_type: String, body: Vec<u8>) -> Call<'a> {
        Call {
            method: Method::POST,
            raw: Some((content_type, body)),
            ..Call::get(url)
        }
    }

    /// Only if the resource is still at version `tag` (else 412).
    pub fn if_match(self, tag: Option<&'a str>) -> Call<'a> {
        Call {
            if_match: tag,
            ..self
        }
    }
}

impl TwilioClient {
    pub fn new(
        urls: BaseUrls,
        account_sid: &str,
        auth_token: &str,
        retry: RetryPolicy,
    ) -> Result<TwilioClient, TwilioError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("plugin-host/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(256)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()?;
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{account_sid}:{auth_token}"));
        let mut auth = HeaderValue::from_str(&format!("Basic {basic}"))
            .map_err(|_| TwilioError::Decode("credentials are not valid header text".into()))?;
        auth.set_sensitive(true);
        Ok(TwilioClient {
            inner: Arc::new(Inner {
                http,
                urls,
                account_sid: account_sid.to_owned(),
                auth,
                retry,
                observer: None,
            }),
        })
    }

    /// The same client, telling `observer` of every request it sends.
    pub fn observed(self, observer: RequestObserver) -> TwilioClient {
        let inner = &self.inner;
        TwilioClient {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                urls: inner.urls.clone(),
                account_sid: inner.account_sid.clone(),
                auth: inner.auth.clone(),
                retry: inner.retry,
                observer: Some(observer),
            }),
        }
    }

    pub fn account_sid(&self) -> &str {
        &self.inner.account_sid
    }

    pub fn urls(&self) -> &BaseUrls {
        &self.inner.urls
    }

    /// `base` + path segments, each percent-encoded.
    pub fn url(&self, base: &Url, segments: &[&str]) -> Url {
        let mut url = base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// The next page of a list: the path and query of the `next_page_url` Twilio answered with,
    /// on `base` (so credentials only ever go to the configured origin).
    pub(crate) fn next_page(&self, base: &Url, next: &str) -> Result<Url, TwilioError> {
        let next = Url::parse(next)
            .map_err(|e| TwilioError::Decode(format!("next_page_url is not a URL: {e}")))?;
        let mut url = base.clone();
        url.set_path(next.path());
        url.set_query(next.query());
        Ok(url)
    }

    /// Sends the call, retrying on 429/503 with jittered exponential backoff (or `Retry-After`);
    /// answers whatever status came last.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Answer, TwilioError> {
        let product = product(&call.url);
        let started = std::time::Instant::now();
        let result = self.send_retrying(call).await;
        let outcome = match &result {
            Ok(a) if a.status.is_success() => "ok",
            Ok(a) if a.status == StatusCode::TOO_MANY_REQUESTS => "throttled",
            Ok(a) if a.status.is_client_error() => "client_error",
            Ok(_) => "server_error",
            Err(_) => "network",
        };
        metrics::counter!("c2v_twilio_requests_total", "product" => product, "outcome" => outcome)
            .increment(1);
        metrics::histogram!("c2v_twilio_request_duration_seconds", "product" => product)
            .record(started.elapsed().as_secs_f64());
        result
    }

    async fn send_retrying(&self, call: Call<'_>) -> Result<Answer, TwilioError> {
        let policy = self.inner.retry;
        if let Some(observe) = &self.inner.observer {
            observe(&call.method, &call.url);
        }
        let mut attempt = 0;
        loop {
            let mut req = self
                .inner
                .http
                .request(call.method.clone(), call.url.clone())
                .header(AUTHORIZATION, self.inner.auth.clone())
                .header(ACCEPT, "application/json");
            if let Some(form) = &call.form {
                req = req
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.clone());
            } else if let Some(json) = &call.json {
                req = req
                    .header(CONTENT_TYPE, "application/json")
                    .header(CACHE_CONTROL, "no-cache")
                    .body(json.clone());
            } else if let Some((content_type, body)) = &call.raw {
                req = req.header(CONTENT_TYPE, content_type).body(body.clone());
            }
            if let Some(tag) = call.if_match {
                req = req.header(IF_MATCH, tag);
            }
            let resp = req.send().await?;
            let status = resp.status();
            if matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            ) && attempt < policy.max_retries
            {
                let delay = retry_after(resp.headers())
                    .unwrap_or_else(|| backoff(policy, attempt))
                    .min(policy.max_delay);
                tracing::debug!(%status, attempt, ?delay, "Twilio asked us to slow down; retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            let headers = resp.headers().clone();
            let body = resp.bytes().await?;
            return Ok(Answer {
                status,
                headers,
                body,
            });
        }
    }

    /// [`send`](Self::send), with any non-2xx answer turned into [`TwilioError::Api`].
    pub(crate) async fn execute(&self, call: Call<'_>) -> Result<Answer, TwilioError> {
        let answer = self.send(call).await?;
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(TwilioError::Api(api_error(answer.status, &answer.body)))
        }
    }
}

/// Which product a call goes to, from its path (one origin serves all four in the sandbox).
fn product(url: &Url) -> &'static str {
    let path = url.path();
    if path.starts_with("/v1/Rooms") {
        "video"
    } else if path.starts_with("/v1/Services") {
        "sync"
    } else if path.starts_with("/v1/Workspaces") {
        "taskrouter"
    } else if path.contains("/Tokens/validate") {
        "iam"
    } else {
        "other"
    }
}

fn backoff(policy: RetryPolicy, attempt: u32) -> Duration {
    let exp = policy.base_delay.saturating_mul(1u32 << attempt.min(16));
    let jitter = rand::thread_rng().gen_range(0.5..1.5);
    exp.mul_f64(jitter)
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: f64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// Twilio's error JSON, or a stand-in built from the status when the body is something else.
pub(crate) fn api_error(status: StatusCode, body: &[u8]) -> ApiError {
    match serde_json::from_slice::<ApiError>(body) {
        Ok(e) => e,
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text: String = text.chars().take(200).collect();
            ApiError {
                code: 0,
                message: format!("HTTP {status}: {text}"),
                more_info: None,
                status: status.as_u16(),
            }
        }
    }
}

/// Form body from name/value pairs (booleans as `true`/`false`).
fn form(pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::with_capacity(64));
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    ser.finish()
}

/// One page of a Twilio list: the items under `key` and the next page's URL.
#[derive(serde::Deserialize)]
struct PageMeta {
    #[serde(default)]
    next_page_url: Option<String>,
}

impl TwilioClient {
    /// Every item of the list at `url` (all pages, 100 at a time) under the answer's `key`.
    pub(crate) async fn list_all<T: DeserializeOwned>(
        &self,
        mut url: Url,
        key: &str,
    ) -> Result<Vec<T>, TwilioError> {
        url.query_pairs_mut().append_pair("PageSize", "100");
        let mut items = Vec::new();
        let mut next = Some(url);
        while let Some(page_url) = next.take() {
            let answer: serde_json::Value = self.execute(Call::get(page_url)).await?.json()?;
            let page: Vec<T> = serde_json::from_value(answer[key].clone())
                .map_err(|e| TwilioError::Decode(format!("{key}: {e}")))?;
            items.extend(page);
            let meta: PageMeta = serde_json::from_value(answer["meta"].clone())
                .map_err(|e| TwilioError::Decode(format!("meta: {e}")))?;
            next = meta.next_page_url.and_then(|u| Url::parse(&u).ok());
        }
        Ok(items)
    }

    /// [`execute`](Self::execute) for a `GET` that may find nothing: 404 is `None`.
    pub(crate) async fn fetch_optional<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Option<T>, TwilioError> {
        match self.execute(Call::get(url)).await {
            Ok(answer) => answer.json().map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
