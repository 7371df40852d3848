//! What an operator sees: logs (text, or JSON lines with `LOG_FORMAT=json`), a request id on every
//! request (`x-request-id`, taken from the client or made here, in every log line of the request),
//! Prometheus metrics at `/metrics`, and `/healthz` (liveness) and `/readyz` (readiness).
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `c2v_http_requests_total` | counter | `endpoint` (the route, `static` for files, `unmatched`), `method`, `status` |
//! | `c2v_http_request_duration_seconds` | histogram | `endpoint`, `method` |
//! | `c2v_twilio_requests_total` | counter | `product` (`video`, `sync`, `taskrouter`, `iam`), `outcome` (`ok`, `client_error`, `throttled`, `server_error`, `network`) |
//! | `c2v_twilio_request_duration_seconds` | histogram | `product` |
//! | `c2v_live_sessions` | gauge | video rooms in progress (Twilio's or the sandbox's list, sampled by `/readyz`) |
//! | `c2v_open_connections` | gauge | HTTP connections, WebSockets included |
//! | `c2v_open_sockets` | gauge | `route` |
//! | `c2v_connections_refused_total` | counter | `reason` (`overloaded`, `address_limit`) |
//! | `c2v_sockets_refused_total`, `c2v_requests_shed_total`, `c2v_signaling_senders_disconnected_total` | counter | |
//! | `c2v_sandbox_task_reads_total` | counter | sandbox: task reads made for the desks' live sockets |

pub mod logs;
pub mod metrics;
pub mod ready;

pub use self::metrics::{layer, metrics_route};
