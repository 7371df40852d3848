//! Configuration: flags and environment variables (also read from `.env`), validated once at
//! start-up. A bad value stops the service with a message naming the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use chat_to_video::api::{IceConfig, IceServer};
use chat_to_video::code::{self, CodeFormat};
use clap::Parser;

mod brand;
mod lifecycle;
mod rating_webhook;
mod room_type;
mod sandbox_lag;
pub mod serving;
mod sync_service;
mod values;
pub use lifecycle::{ClientAddressSettings, SessionSettings};
pub use rating_webhook::RatingWebhook;
pub use sandbox_lag::SandboxLag;
pub use serving::{EdgeSettings, LogFormat};
use values::{check_sid, parse_base_url, parse_bool, parse_int, parse_positive_f64};

/// Command line of `plugin-host`. Every flag can also come from the environment.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "plugin-host",
    version,
    about = "Chat-to-video escalation: functions API and sandbox"
)]
pub struct Cli {
    /// Address to listen on (`127.0.0.1:0` picks a free port); default `0.0.0.0:$PORT` when `PORT`
    /// is set, else `127.0.0.1:8080`.
    #[arg(long, env = "LISTEN")]
    pub listen: Option<String>,
    /// Lets the sandbox (which has no authentication) listen on a non-loopback address.
    #[arg(long, env = "ALLOW_PUBLIC_SANDBOX", num_args = 0..=1, default_missing_value = "true")]
    pub allow_public_sandbox: Option<String>,
    /// Where the sandbox keeps its SQLite database and generated keys.
    #[arg(long, env = "DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// What `full_url` and the sandbox WebSocket URLs start with (default `http://<bound address>`).
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Static files served for every path no route claims.
    #[arg(long = "assets", env = "ASSETS_DIR", default_value = "target/site")]
    pub assets_dir: PathBuf,
    /// JSON array of RTCIceServer-like objects handed to sandbox peers.
    #[arg(long, env = "ICE_SERVERS")]
    pub ice_servers: Option<String>,
    /// `true`: sandbox peers relay only 127.0.0.1 candidates.
    #[arg(long, env = "ICE_LOOPBACK_ONLY")]
    pub ice_loopback_only: Option<String>,
    /// Overrides the base URL of Video, Sync, TaskRouter and IAM (e.g. a recording proxy).
    #[arg(long, env = "TWILIO_REST_BASE_URL")]
    pub twilio_rest_base_url: Option<String>,
}

/// The variables read from the environment only (the seed's names); the flags' variables are
/// [`Cli`]'s.
pub const ENV_ONLY: [&str; 32] = [
    "ACCOUNT_SID",
    "AUTH_TOKEN",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
    "TWILIO_FLEX_SYNC_SID",
    "VIDEO_SYNC_SERVICE_SID",
    "TWILIO_FLEX_WORKSPACE_SID",
    "VIDEO_CODE_LENGTH",
    "VIDEO_CODE_TTL",
    "VIDEO_ROOM_TYPE",
    "VIDEO_LEGACY_ROOM_TYPES",
    "SANDBOX_LEGACY_ROOM_TYPES",
    "VIDEO_RECORD_BY_DEFAULT",
    "VIDEO_EMPTY_ROOM_TIMEOUT",
    "VIDEO_UNUSED_ROOM_TIMEOUT",
    "SANDBOX_MINUTE_SECS",
    "SANDBOX_SYNC_DELETE_DELAY_SECS",
    "SANDBOX_TASK_DELETE_DELAY_SECS",
    "CODE_GUESS_BURST",
    "CODE_GUESS_REFILL_SECS",
    "TWILIO_REGION",
    "PORT",
    "HTTP_HEADER_TIMEOUT",
    "HTTP_REQUEST_TIMEOUT",
    "MAX_CONNECTIONS",
    "MAX_CONNECTIONS_PER_ADDRESS",
    "MAX_PENDING_SOCKETS_PER_ADDRESS",
    "MAX_REQUESTS_IN_FLIGHT",
    "SHUTDOWN_GRACE",
    "LOG_FORMAT",
    "RATING_WEBHOOK_URL",
    "RATING_WEBHOOK_SECRET",
];

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid configuration: {var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

pub(super) fn invalid(var: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        reason: reason.into(),
    }
}

/// Twilio account credentials and the Flex resources (twilio mode).
#[derive(Debug, Clone)]
pub struct TwilioAccount {
    pub account_sid: String,
    pub auth_token: String,
}

/// The API key that signs access tokens.
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub sid: String,
    pub secret: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Sandbox,
    Twilio,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sandbox => "sandbox",
            Mode::Twilio => "twilio",
        }
    }
}

/// Room types Twilio's Video API accepts (`room_enum_room_type`).
pub const ROOM_TYPES: [&str; 4] = ["group", "go", "peer-to-peer", "group-small"];

/// The most participants a room of this type admits (Twilio's limits).
pub fn max_participants(room_type: &str) -> u32 {
    match room_type {
        "go" => 2,
        "group-small" => 4,
        "peer-to-peer" => 10,
        _ => 50,
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub public_url: Option<String>,
    pub assets_dir: PathBuf,
    pub ice: IceConfig,
    pub rest_base_url: Option<String>,
    /// `Some` in twilio mode.
    pub account: Option<TwilioAccount>,
    /// Configured signing key (required in twilio mode, optional in the sandbox).
    pub api_key: Option<ApiKey>,
    /// The video sessions' dedicated Sync service (`VIDEO_SYNC_SERVICE_SID`).
    pub sync_service_sid: Option<String>,
    pub workspace_sid: Option<String>,
    pub region: Option<String>,
    pub code_format: CodeFormat,
    pub code_ttl_secs: u64,
    pub room_type: String,
    /// The sandbox's account keeps Go, Peer-to-Peer and Small Group rooms (else 53126).
    pub sandbox_legacy_room_types: bool,
    pub record_by_default: bool,
    pub empty_room_timeout: u32,
    pub unused_room_timeout: u32,
    pub sandbox_minute_secs: f64,
    pub sandbox_lag: SandboxLag,
    /// Where ratings are pushed, if anywhere.
    pub rating_webhook: Option<RatingWebhook>,
    /// The company's name, logo and accent on the customer page.
    pub brand: chat_to_video::brand::Brand,
    pub guess_burst: u32,
    pub guess_refill_secs: f64,
    pub session: SessionSettings,
    pub client_address: ClientAddressSettings,
    /// The sandbox may listen beyond loopback (it then warns at start and in the desk).
    pub allow_public_sandbox: bool,
    pub edge: EdgeSettings,
    pub log_format: LogFormat,
}

impl Settings {
    pub fn mode(&self) -> Mode {
        if self.account.is_some() {
            Mode::Twilio
        } else {
            Mode::Sandbox
        }
    }

    /// Reads `.env` (if any), then flags and environment.
    pub fn load() -> Result<Settings, ConfigError> {
        // A missing .env is normal; a malformed one is worth knowing about.
        if let Err(e) = dotenvy::dotenv() {
            if !e.not_found() {
                return Err(invalid(".env", e.to_string()));
            }
        }
        let cli = Cli::parse();
        Settings::from_sources(cli, |name| std::env::var(name).ok())
    }

    /// Builds settings from parsed flags and an environment lookup (testable without a process).
    pub fn from_sources(
        cli: Cli,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let get = |name: &'static str| -> Option<String> {
            debug_assert!(
                ENV_ONLY.contains(&name)
                    || lifecycle::VARIABLES.contains(&name)
                    || sandbox_lag::VARIABLES.contains(&name)
                    || sync_service::VARIABLES.contains(&name)
                    || room_type::VARIABLES.contains(&name)
                    || rating_webhook::VARIABLES.contains(&name)
                    || brand::VARIABLES.contains(&name)
            );
            env(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let listen = serving::listen_address(cli.listen.as_deref(), get("PORT"))?;
        let allow_public_sandbox = match cli.allow_public_sandbox.as_deref() {
            Some(v) => parse_bool("--allow-public-sandbox", v)?,
            None => false,
        };
        let edge = serving::edge(get)?;
        let log_format = LogFormat::from_env(get("LOG_FORMAT").as_deref())?;
        let public_url = match cli.public_url.filter(|u| !u.trim().is_empty()) {
            Some(u) => Some(parse_base_url("--public-url", &u)?),
            None => None,
        };
        let rest_base_url = match cli.twilio_rest_base_url.filter(|u| !u.trim().is_empty()) {
            Some(u) => Some(parse_base_url("TWILIO_REST_BASE_URL", &u)?),
            None => None,
        };
        let ice = IceConfig {
            servers: match cli.ice_servers.filter(|s| !s.trim().is_empty()) {
                Some(json) => serde_json::from_str::<Vec<IceServer>>(&json).map_err(|e| {
                    invalid(
                        "ICE_SERVERS",
                        format!("not a JSON array of {{urls, username?, credential?}}: {e}"),
                    )
                })?,
                None => Vec::new(),
            },
            loopback_only: match cli.ice_loopback_only {
                Some(v) => parse_bool("ICE_LOOPBACK_ONLY", &v)?,
                None => false,
            },
        };

        let account = match (get("ACCOUNT_SID"), get("AUTH_TOKEN")) {
            (Some(sid), Some(token)) => {
                check_sid("ACCOUNT_SID", &sid, "AC")?;
                Some(TwilioAccount {
                    account_sid: sid,
                    auth_token: token,
                })
            }
            (Some(_), None) => {
                return Err(invalid("AUTH_TOKEN", "required when ACCOUNT_SID is set"))
            }
            (None, Some(_)) => {
                return Err(invalid("ACCOUNT_SID", "required when AUTH_TOKEN is set"))
            }
            (None, None) => None,
        };
        let api_key = match (get("TWILIO_API_KEY"), get("TWILIO_API_SECRET")) {
            (Some(sid), Some(secret)) => {
                check_sid("TWILIO_API_KEY", &sid, "SK")?;
                Some(ApiKey { sid, secret })
            }
            (Some(_), None) => {
                return Err(invalid(
                    "TWILIO_API_SECRET",
                    "required when TWILIO_API_KEY is set",
                ))
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "TWILIO_API_KEY",
                    "required when TWILIO_API_SECRET is set",
                ))
            }
            (None, None) => None,
        };
        let workspace_sid = get("TWILIO_FLEX_WORKSPACE_SID");
        if let Some(sid) = &workspace_sid {
            check_sid("TWILIO_FLEX_WORKSPACE_SID", sid, "WS")?;
        }
        if account.is_some() {
            if api_key.is_none() {
                return Err(invalid(
                    "TWILIO_API_KEY",
                    "required in twilio mode (ACCOUNT_SID is set)",
                ));
            }
            if workspace_sid.is_none() {
                return Err(invalid(
                    "TWILIO_FLEX_WORKSPACE_SID",
                    "required in twilio mode (ACCOUNT_SID is set)",
                ));
            }
        }

        let sync_service_sid = sync_service::read(get, account.is_some())?;
        let code_length = parse_int(
            "VIDEO_CODE_LENGTH",
            get("VIDEO_CODE_LENGTH"),
            code::DEFAULT_LEN as u64,
            0,
            u64::MAX,
        )?;
        let code_format = CodeFormat::new(usize::try_from(code_length).unwrap_or(usize::MAX))
            .map_err(|e| invalid("VIDEO_CODE_LENGTH", e.to_string()))?;
        let code_ttl_secs =
            parse_int("VIDEO_CODE_TTL", get("VIDEO_CODE_TTL"), 3600, 1, 31_536_000)?;
        let (room_type, sandbox_legacy_room_types) = room_type::read(get)?;
        let record_by_default = match get("VIDEO_RECORD_BY_DEFAULT") {
            Some(v) => parse_bool("VIDEO_RECORD_BY_DEFAULT", &v)?,
            None => false,
        };
        let empty_room_timeout = parse_int(
            "VIDEO_EMPTY_ROOM_TIMEOUT",
            get("VIDEO_EMPTY_ROOM_TIMEOUT"),
            5,
            1,
            60,
        )? as u32;
        let unused_room_timeout = parse_int(
            "VIDEO_UNUSED_ROOM_TIMEOUT",
            get("VIDEO_UNUSED_ROOM_TIMEOUT"),
            5,
            1,
            60,
        )? as u32;
        let sandbox_minute_secs =
            parse_positive_f64("SANDBOX_MINUTE_SECS", get("SANDBOX_MINUTE_SECS"), 60.0)?;
        let sandbox_lag = sandbox_lag::read(get)?;
        let rating_webhook = rating_webhook::read(get)?;
        let brand = brand::read(get)?;
        let guess_burst =
            parse_int("CODE_GUESS_BURST", get("CODE_GUESS_BURST"), 10, 1, 10_000)? as u32;
        let guess_refill_secs =
            parse_positive_f64("CODE_GUESS_REFILL_SECS", get("CODE_GUESS_REFILL_SECS"), 6.0)?;

        let (session, client_address) = lifecycle::read(get)?;
        // Every customer seat and the agent must fit in the room.
        if session.customer_seats + 1 > max_participants(&room_type) {
            return Err(invalid(
                "VIDEO_CUSTOMER_SEATS",
                format!(
                    "at most {} with VIDEO_ROOM_TYPE={room_type} (its rooms hold {}, the agent included)",
                    max_participants(&room_type) - 1,
                    max_participants(&room_type)
                ),
            ));
        }
        let region = get("TWILIO_REGION");
        if let Some(r) = &region {
            if !r
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(invalid(
                    "TWILIO_REGION",
                    format!("`{r}` is not a region like ie1 or us1"),
                ));
            }
        }

        Ok(Settings {
            listen,
            data_dir: cli.data_dir,
            public_url,
            assets_dir: cli.assets_dir,
            ice,
            rest_base_url,
            account,
            api_key,
            sync_service_sid,
            workspace_sid,
            region,
            code_format,
            code_ttl_secs,
            room_type,
            sandbox_legacy_room_types,
            record_by_default,
            empty_room_timeout,
            unused_room_timeout,
            sandbox_minute_secs,
            sandbox_lag,
            rating_webhook,
            brand,
            guess_burst,
            guess_refill_secs,
            session,
            client_address,
            allow_public_sandbox,
            edge,
            log_format,
        })
    }
}

#[cfg(test)]
mod tests;
