//! The cap on open connections, overall and per TCP peer address. A connection is counted from
//! accept until its socket closes, WebSockets included (the upgraded socket keeps the permit).
//!
//! The per-address cap keys on the TCP peer: a connection limit runs before any HTTP header is
//! read, so it cannot see `X-Forwarded-For` and the like. Behind a reverse proxy every connection
//! comes from the proxy; set `MAX_CONNECTIONS_PER_ADDRESS=0` there and let the proxy limit clients.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `MAX_CONNECTIONS` are open.
    Overloaded,
    /// This address has `MAX_CONNECTIONS_PER_ADDRESS` open.
    AddressLimit,
}

impl Refused {
    pub fn as_str(self) -> &'static str {
        match self {
            Refused::Overloaded => "overloaded",
            Refused::AddressLimit => "address_limit",
        }
    }
}

#[derive(Default)]
struct Counts {
    open: usize,
    by_address: HashMap<IpAddr, usize>,
}

pub struct Connections {
    max: usize,
    per_address: usize,
    counts: Mutex<Counts>,
}

impl Connections {
    /// `per_address` 0: no per-address cap.
    pub fn new(max: usize, per_address: usize) -> Arc<Connections> {
        Arc::new(Connections {
            max,
            per_address,
            counts: Mutex::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a new connection from `ip`, or says why not.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<ConnectionPermit, Refused> {
        let mut counts = self.lock();
        if counts.open >= self.max {
            return Err(Refused::Overloaded);
        }
        let from = counts.by_address.entry(ip).or_insert(0);
        if self.per_address > 0 && *from >= self.per_address {
            return Err(Refused::AddressLimit);
        }
        *from += 1;
        counts.open += 1;
        metrics::gauge!("c2v_open_connections").set(counts.open as f64);
        Ok(ConnectionPermit {
            connections: self.clone(),
            ip,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.lock().open
    }
}

/// One admitted connection; dropping it (the socket closed) frees its place.
pub struct ConnectionPermit {
    connections: Arc<Connections>,
    ip: IpAddr,
}

impl ConnectionPermit {
    pub fn ip(&self) -> IpAddr {
        self.ip
    }
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        let mut counts = self.connections.lock();
        counts.open -= 1;
        if let Some(n) = counts.by_address.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.by_address.remove(&self.ip);
            }
        }
        metrics::gauge!("c2v_open_connections").set(counts.open as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_overall_and_per_address() {
        let c = Connections::new(3, 2);
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        let a1 = c.admit(a).unwrap();
        let _a2 = c.admit(a).unwrap();
        assert_eq!(c.admit(a).err(), Some(Refused::AddressLimit));
        let _b1 = c.admit(b).unwrap();
        assert_eq!(c.admit(b).err(), Some(Refused::Overloaded));
        drop(a1);
        assert_eq!(c.open(), 2);
        let _b2 = c.admit(b).unwrap();
        let unlimited = Connections::new(10, 0);
        let held: Vec<_> = (0..10).map(|_| unlimited.admit(a).unwrap()).collect();
        assert_eq!(held.len(), 10);
    }
}
