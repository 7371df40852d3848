//! Everything that runs only in sandbox mode, started together: the store behind the REST
//! stand-in and the sandbox API, the rooms' signaling, the live documents, and the background
//! work that ties them to the store (timeouts, completed rooms, document changes).

use std::sync::Arc;

use axum::Router;

use super::exposure::Exposure;
use super::live_documents::{self, LiveDocuments};
use super::signaling::{self, Signaling, SignalingConfig, TokenVerifier};
use super::{api, conversations, flex_account, rest, sweeper, Sandbox};
use crate::app::AppState;

/// The sandbox's parts; cheap to clone.
#[derive(Clone)]
pub struct SandboxServices {
    pub store: Arc<Sandbox>,
    pub signaling: Signaling,
    pub live_documents: LiveDocuments,
    /// Who may reach the sandbox (`Host`, `Origin`, the listening address).
    pub exposure: Arc<Exposure>,
}

impl SandboxServices {
    /// The sockets over `store`, checking tokens with the key the sandbox signs with.
    pub fn new(store: Arc<Sandbox>, exposure: Exposure) -> SandboxServices {
        let key = &store.ids().api_key;
        let verifier = TokenVerifier::new(&key.secret, Some(key.sid.clone()));
        let signaling = Signaling::new(
            verifier.clone(),
            Arc::new(signaling::sandbox::SandboxRooms(store.clone())),
            SignalingConfig::default(),
        );
        let live_documents = LiveDocuments::new(
            verifier,
            Arc::new(live_documents::sandbox::SandboxDocuments(store.clone())),
            store.ids().sync_service_sid.clone(),
        );
        SandboxServices {
            store,
            signaling,
            live_documents,
            exposure: Arc::new(exposure),
        }
    }

    /// Starts the sweeper (document TTLs, room timeouts), the disconnects of completed rooms and
    /// the forwarding of document changes to live subscribers. Needs a Tokio runtime.
    pub fn spawn_background(&self) {
        sweeper::spawn(self.store.clone());
        signaling::sandbox::spawn_completions(&self.store, self.signaling.clone());
        live_documents::sandbox::spawn_forwarder(&self.store, self.live_documents.clone());
    }

    /// Every sandbox route: the REST stand-in, the sandbox API, the conversations and the two
    /// sockets (mounted only in sandbox mode).
    pub fn router(&self) -> Router<AppState> {
        Router::new()
            .merge(rest::router())
            .merge(api::router())
            .merge(conversations::router())
            .merge(flex_account::router())
            .merge(self.signaling.router())
            .merge(self.live_documents.router())
            .merge(self.exposure.router())
    }
}
