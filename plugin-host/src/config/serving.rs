//! How the host serves: where it listens (`--listen`, else `PORT` as container platforms set it),
//! whether a sandbox may listen beyond loopback, the HTTP edge's timeouts and connection caps, and
//! the log format.

use std::net::SocketAddr;
use std::time::Duration;

use super::values::{parse_int, parse_positive_f64};
use super::{invalid, ConfigError};

/// The HTTP edge's limits (`plugin-host/src/edge/`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeSettings {
    /// A request's headers must arrive within this; also how long a kept-alive connection may sit
    /// idle before the next request (`HTTP_HEADER_TIMEOUT`).
    pub header_timeout: Duration,
    /// A request's handler and body together (`HTTP_REQUEST_TIMEOUT`): 408 after it.
    pub request_timeout: Duration,
    /// Open connections, WebSockets included (`MAX_CONNECTIONS`); lowered at start to fit the
    /// process's descriptor limit.
    pub max_connections: usize,
    /// Open connections from one TCP peer address (`MAX_CONNECTIONS_PER_ADDRESS`, 0: no cap);
    /// never more than half of `max_connections`.
    pub max_connections_per_address: usize,
    /// WebSockets from one TCP peer address that have not authenticated yet
    /// (`MAX_PENDING_SOCKETS_PER_ADDRESS`).
    pub max_pending_sockets_per_address: usize,
    /// Requests handled at once before new ones get a fast 503 (`MAX_REQUESTS_IN_FLIGHT`).
    pub max_requests_in_flight: usize,
    /// On SIGTERM, how long in-flight requests and sockets get to finish (`SHUTDOWN_GRACE`).
    pub shutdown_grace: Duration,
}

impl Default for EdgeSettings {
    fn default() -> Self {
        EdgeSettings {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_connections_per_address: 256,
            max_pending_sockets_per_address: 16,
            max_requests_in_flight: 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// `LOG_FORMAT`: human-readable lines, or one JSON object per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl LogFormat {
    /// Read straight from the environment: logging starts before the rest of the configuration.
    pub fn from_env(value: Option<&str>) -> Result<LogFormat, ConfigError> {
        match value.map(str::trim).unwrap_or("") {
            "" | "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(invalid(
                "LOG_FORMAT",
                format!("`{other}` is not text or json"),
            )),
        }
    }
}

/// Where to listen: `--listen`/`LISTEN` when given, else `0.0.0.0:$PORT` when `PORT` is set (as
/// container platforms expect), else loopback port 8080.
pub fn listen_address(
    listen: Option<&str>,
    port: Option<String>,
) -> Result<SocketAddr, ConfigError> {
    if let Some(listen) = listen.map(str::trim).filter(|l| !l.is_empty()) {
        return listen.parse::<SocketAddr>().map_err(|_| {
            invalid(
                "--listen",
                format!("`{listen}` is not an address like 127.0.0.1:8080"),
            )
        });
    }
    match port {
        Some(p) => {
            let port = parse_int("PORT", Some(p), 0, 0, u64::from(u16::MAX))? as u16;
            Ok(SocketAddr::from(([0, 0, 0, 0], port)))
        }
        None => Ok(SocketAddr::from(([127, 0, 0, 1], 8080))),
    }
}

/// The edge's settings from their variables.
pub fn edge(get: impl Fn(&'static str) -> Option<String>) -> Result<EdgeSettings, ConfigError> {
    let d = EdgeSettings::default();
    let secs = |var: &'static str, default: Duration| -> Result<Duration, ConfigError> {
        Ok(Duration::from_secs_f64(parse_positive_f64(
            var,
            get(var),
            default.as_secs_f64(),
        )?))
    };
    let count = |var: &'static str, default: usize, min: u64| -> Result<usize, ConfigError> {
        Ok(parse_int(var, get(var), default as u64, min, 1_000_000)? as usize)
    };
    Ok(EdgeSettings {
        header_timeout: secs("HTTP_HEADER_TIMEOUT", d.header_timeout)?,
        request_timeout: secs("HTTP_REQUEST_TIMEOUT", d.request_timeout)?,
        max_connections: count("MAX_CONNECTIONS", d.max_connections, 1)?,
        max_connections_per_address: count(
            "MAX_CONNECTIONS_PER_ADDRESS",
            d.max_connections_per_address,
            0,
        )?,
        max_pending_sockets_per_address: count(
            "MAX_PENDING_SOCKETS_PER_ADDRESS",
            d.max_pending_sockets_per_address,
            1,
        )?,
        max_requests_in_flight: count("MAX_REQUESTS_IN_FLIGHT", d.max_requests_in_flight, 1)?,
        shutdown_grace: secs("SHUTDOWN_GRACE", d.shutdown_grace)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_prefers_the_flag_then_port() {
        assert_eq!(
            listen_address(Some("127.0.0.1:9000"), Some("7000".into())).unwrap(),
            "127.0.0.1:9000".parse().unwrap()
        );
        assert_eq!(
            listen_address(None, Some("7000".into())).unwrap(),
            "0.0.0.0:7000".parse().unwrap()
        );
        assert_eq!(
            listen_address(None, None).unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            listen_address(None, Some("http".into())).unwrap_err().var,
            "PORT"
        );
        assert_eq!(
            listen_address(None, Some("70000".into())).unwrap_err().var,
            "PORT"
        );
        assert_eq!(
            listen_address(Some("nowhere"), None).unwrap_err().var,
            "--listen"
        );
    }

    #[test]
    fn edge_settings_and_log_format() {
        assert_eq!(edge(|_| None).unwrap(), EdgeSettings::default());
        let e = edge(|v| (v == "HTTP_HEADER_TIMEOUT").then(|| "0.5".to_owned())).unwrap();
        assert_eq!(e.header_timeout, Duration::from_millis(500));
        let err = edge(|v| (v == "MAX_CONNECTIONS").then(|| "0".to_owned())).unwrap_err();
        assert_eq!(err.var, "MAX_CONNECTIONS");
        assert_eq!(LogFormat::from_env(Some("json")), Ok(LogFormat::Json));
        assert_eq!(LogFormat::from_env(None), Ok(LogFormat::Text));
        assert_eq!(
            LogFormat::from_env(Some("xml")).unwrap_err().var,
            "LOG_FORMAT"
        );
    }
}
