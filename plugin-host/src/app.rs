//! Wiring: the shared state, the router (one function per concern, merged here) and start-up.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use chat_to_video::api::Provider;
use tokio::net::TcpListener;

use crate::config::{Mode, Settings};
use crate::functions::token_cache::{self, TokenCache};
use crate::functions::worker_names::WorkerNames;
use crate::ratelimit::GuessLimiter;
use crate::sandbox::{self, Sandbox, SandboxServices};
use crate::tokens::TokenSigner;
use crate::twilio::{BaseUrls, RetryPolicy, TwilioClient};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    /// `full_url` and page links start with this (no trailing slash).
    pub public_url: Arc<str>,
    /// `public_url` with `ws`/`wss` (sandbox WebSocket URLs start with this).
    pub public_ws_url: Arc<str>,
    /// The one REST client (Twilio, or the sandbox stand-in over loopback HTTP).
    pub twilio: TwilioClient,
    /// Signs access tokens and feedback tickets with the API key secret.
    pub signer: Arc<TokenSigner>,
    pub sync_service_sid: Arc<str>,
    pub workspace_sid: Arc<str>,
    pub limiter: Arc<GuessLimiter>,
    /// Flex tokens IAM accepted a moment ago (`functions::token_cache`).
    pub token_cache: Arc<TokenCache>,
    /// Agents' names as their workers gave them a moment ago (`functions::worker_names`).
    pub worker_names: Arc<WorkerNames>,
    /// `Some` in sandbox mode, `None` against Twilio: the one place the mode is decided.
    pub sandbox: Option<SandboxServices>,
}

impl AppState {
    pub fn mode(&self) -> Mode {
        match self.sandbox {
            Some(_) => Mode::Sandbox,
            None => Mode::Twilio,
        }
    }

    /// Which backend the browser talks to for media and live documents.
    pub fn provider(&self) -> Provider {
        match self.mode() {
            Mode::Sandbox => Provider::Sandbox,
            Mode::Twilio => Provider::Twilio,
        }
    }

    /// Sandbox only: the room's signaling WebSocket.
    pub fn signaling_url(&self, room_sid: &str) -> Option<String> {
        (self.mode() == Mode::Sandbox)
            .then(|| format!("{}/sandbox/rooms/{room_sid}/signal", self.public_ws_url))
    }

    /// Sandbox only: the document's live-update WebSocket.
    pub fn sync_url(&self, document_sid: &str) -> Option<String> {
        (self.mode() == Mode::Sandbox).then(|| {
            format!(
                "{}/sandbox/documents/{document_sid}/live",
                self.public_ws_url
            )
        })
    }
}

/// The routes of both modes. Add a concern by merging its `fn router() -> Router<AppState>`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(crate::observe::ready::router())
        .merge(crate::observe::metrics_route())
        .merge(crate::functions::router())
        .route(BRAND_PATH, get(brand))
}

/// Where the customer page reads the company's branding (`BRAND_*`).
pub const BRAND_PATH: &str = "/features/chat-to-video/brand.json";

async fn brand(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<chat_to_video::brand::Brand> {
    axum::Json(state.settings.brand.clone())
}

/// The routes (and, in sandbox mode, the sandbox's) with static files as the fallback, bound to
/// a state, inside the request-level layers: the edge's timeouts and load shedding, observing
/// (request id, metrics, logs), and in sandbox mode the `Host`/`Origin` guard.
pub fn app(state: AppState) -> Router {
    let mut routes = routes();
    if let Some(sandbox) = &state.sandbox {
        routes = routes.merge(sandbox.router());
    }
    let exposure = state.sandbox.as_ref().map(|s| s.exposure.clone());
    let edge = state.settings.edge;
    let mut router = routes
        .fallback_service(crate::plugin_bundle::with_bundle_caching(
            crate::customer_module::for_mode(
                crate::assets::service(&state.settings.assets_dir),
                state.mode(),
            ),
            state.mode(),
        ))
        .with_state(state);
    if let Some(exposure) = exposure {
        router = router.layer(axum::middleware::from_fn_with_state(
            exposure,
            crate::sandbox::exposure::guard,
        ));
    }
    router = crate::observe::layer(crate::edge::timeouts(router, &edge));
    crate::edge::shed(router, &edge)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("sandbox: {0}")]
    Sandbox(#[from] sandbox::DbError),
    #[error("{0}")]
    Exposed(#[from] sandbox::exposure::RefusedListen),
    #[error("REST client: {0}")]
    Client(#[from] crate::twilio::TwilioError),
    /// The configuration names something Twilio says cannot be used (exit code 2).
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("{0}")]
    Other(String),
}

/// Loopback address for calling ourselves when bound to an unspecified address.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// Builds the state for a service bound at `bound`.
pub fn build_state(settings: Settings, bound: SocketAddr) -> Result<AppState, StartError> {
    let self_url = format!("http://{}", reachable(bound));
    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| self_url.clone());
    let public_ws_url = match public_url.split_once("://") {
        Some(("https", rest)) => format!("wss://{rest}"),
        Some((_, rest)) => format!("ws://{rest}"),
        None => format!("ws://{public_url}"),
    };
    let override_urls = match &settings.rest_base_url {
        Some(u) => Some(BaseUrls::all(
            &reqwest::Url::parse(u).map_err(|e| StartError::Other(e.to_string()))?,
        )),
        None => None,
    };
    let (twilio, signer, sync_sid, ws_sid, sandbox) = match &settings.account {
        Some(account) => {
            let urls =
                override_urls.unwrap_or_else(|| BaseUrls::twilio(settings.region.as_deref()));
            let client = TwilioClient::new(
                urls,
                &account.account_sid,
                &account.auth_token,
                RetryPolicy::default(),
            )?;
            let key = settings
                .api_key
                .as_ref()
                .ok_or_else(|| StartError::Other("TWILIO_API_KEY is required".into()))?;
            let signer = TokenSigner::new(&account.account_sid, &key.sid, &key.secret);
            let sync = settings.sync_service_sid.clone().unwrap_or_default();
            let ws = settings.workspace_sid.clone().unwrap_or_default();
            (client, signer, sync, ws, None)
        }
        None => {
            let exposure = sandbox::exposure::Exposure::new(
                settings.listen,
                settings.public_url.as_deref(),
                settings.allow_public_sandbox,
            )?;
            let sb = Sandbox::open(&settings, &self_url)?;
            let ids = sb.ids().clone();
            let urls = match override_urls {
                Some(u) => u,
                None => BaseUrls::all(
                    &reqwest::Url::parse(&self_url)
                        .map_err(|e| StartError::Other(e.to_string()))?,
                ),
            };
            let client = TwilioClient::new(
                urls,
                &ids.account_sid,
                &ids.auth_token,
                RetryPolicy::default(),
            )?;
            let signer = TokenSigner::new(&ids.account_sid, &ids.api_key.sid, &ids.api_key.secret);
            (
                client,
                signer,
                ids.sync_service_sid,
                ids.workspace_sid,
                Some(SandboxServices::new(Arc::new(sb), exposure)),
            )
        }
    };
    Ok(AppState {
        token_cache: Arc::new(TokenCache::new(
            (settings.session.token_cache_secs * 1000.0) as i64,
            token_cache::CAPACITY,
        )),
        worker_names: Arc::new(WorkerNames::new()),
        limiter: Arc::new(GuessLimiter::new(
            settings.guess_burst,
            settings.guess_refill_secs,
        )),
        settings: Arc::new(settings),
        public_url: public_url.trim_end_matches('/').into(),
        public_ws_url: public_ws_url.trim_end_matches('/').into(),
        twilio,
        signer: Arc::new(signer),
        sync_service_sid: sync_sid.into(),
        workspace_sid: ws_sid.into(),
        sandbox,
    })
}

/// Binds the listener and builds the state (with the sandbox's sweeper running).
pub async fn bind(settings: Settings) -> Result<(TcpListener, AppState), StartError> {
    let addr = settings.listen;
    if settings.mode() == Mode::Sandbox {
        // Refused before anything listens.
        sandbox::exposure::Exposure::new(
            addr,
            settings.public_url.as_deref(),
            settings.allow_public_sandbox,
        )?;
    }
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    let state = build_state(settings, bound)?;
    if let Some(sandbox) = &state.sandbox {
        sandbox.spawn_background();
    }
    check_sync_service(&state).await?;
    crate::functions::sweep::spawn(state.clone());
    Ok((listener, state))
}

/// The sessions' Sync service must have `acl_enabled`: without it Sync ignores Permissions and
/// every customer's Sync token reads and writes every document in it. Against Twilio a service
/// without it (or no such service) stops start-up; Twilio out of reach does not (`/readyz`
/// reports it). In the sandbox a warning.
async fn check_sync_service(state: &AppState) -> Result<(), StartError> {
    let sid = &*state.sync_service_sid;
    let fix = format!(
        "run `cargo xtask deploy` (it turns the ACL on), or POST AclEnabled=true to \
         /v1/Services/{sid}"
    );
    if let Some(sandbox) = &state.sandbox {
        // Read from the store: the service does not answer HTTP before it serves.
        let acl = sandbox
            .store
            .db()
            .call_now(|c| Ok(crate::sandbox::rest::sync_services::acl_enabled(c, sid)?));
        if !matches!(acl, Ok(Some(true))) {
            tracing::warn!(
                service = sid,
                "the sandbox's Sync service has acl_enabled off: every sync token reads and \
                 writes every session (as in Sync); `cargo xtask deploy --sandbox URL` turns it on"
            );
        }
        return Ok(());
    }
    match state.twilio.fetch_sync_service(sid).await {
        Ok(Some(s)) if s.acl_enabled => Ok(()),
        Ok(Some(_)) => Err(StartError::Config(format!(
            "VIDEO_SYNC_SERVICE_SID: the Sync service {sid} has acl_enabled false, so customers' \
             Sync tokens would read and write every session in it; {fix}"
        ))),
        Ok(None) => Err(StartError::Config(format!(
            "VIDEO_SYNC_SERVICE_SID: the account has no Sync service {sid}; run `cargo xtask \
             deploy`, which creates the dedicated service and writes its sid into .env"
        ))),
        Err(e) => {
            tracing::warn!(error = %e, service = sid, "could not check the Sync service's acl_enabled");
            Ok(())
        }
    }
}

/// Serves until `shutdown` resolves, through the HTTP edge (`crate::edge`), then drains: in-flight
/// requests finish, sockets close with 1001 and a reason.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let edge = crate::edge::Edge::new(state.settings.edge);
    crate::edge::serve(listener, app(state), edge, shutdown).await
}

/// Binds, prints the ready line, serves until Ctrl-C or SIGTERM.
pub async fn run(settings: Settings) -> Result<(), StartError> {
    let (listener, state) = bind(settings).await?;
    let bound = listener
        .local_addr()
        .map_err(|e| StartError::Other(e.to_string()))?;
    let mode = state.mode();
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "plugin-host listening on http://{bound} (mode: {})",
            mode.as_str()
        );
        let _ = out.flush();
    }
    tracing::info!(%bound, mode = mode.as_str(), "ready");
    if let Some(sandbox) = &state.sandbox {
        sandbox.exposure.warn();
    }
    serve(listener, state, shutdown())
        .await
        .map_err(|e| StartError::Other(e.to_string()))
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
