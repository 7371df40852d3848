//! The sandbox's SQLite database: one connection (WAL, `synchronous=NORMAL`, so every commit
//! survives a process restart) behind a mutex, migrations from `migrations/`.
//!
//! The database holds the sandbox's Auth Token and signing secrets: the data directory is kept
//! 0700 and the database files 0600 (owner only), also when they already exist with looser modes.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

/// Migrations in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: [&str; 5] = [
    include_str!("../../migrations/0001_sandbox.sql"),
    include_str!("../../migrations/0002_conversation_messages.sql"),
    include_str!("../../migrations/0003_reservations.sql"),
    include_str!("../../migrations/0004_worker_attributes.sql"),
    include_str!("../../migrations/0005_flex_plugins_serverless.sql"),
];

/// `PRAGMA user_version` once every migration ran.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// The database's file name under the data directory.
pub const FILE: &str = "sandbox.sqlite3";

/// Owner-only modes for the data directory and the files holding secrets.
mod private {
    use std::path::Path;

    #[cfg(unix)]
    fn set(path: &Path, mode: u32) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }

    #[cfg(not(unix))]
    fn set(_: &Path, _: u32) -> std::io::Result<()> {
        Ok(())
    }

    /// 0700, whatever it was.
    pub fn dir(path: &Path) -> std::io::Result<()> {
        set(path, 0o700)
    }

    /// Creates the file 0600 if missing (so it is never readable by others, not even briefly),
    /// else tightens it to 0600.
    pub fn file(path: &Path) -> std::io::Result<()> {
        let mut open = std::fs::OpenOptions::new();
        open.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
        open.open(path)?;
        set(path, 0o600)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot create {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) `dir/sandbox.sqlite3` and runs pending migrations.
    pub fn open(dir: &Path) -> Result<Db, DbError> {
        let failed = |path: &Path| {
            let path = path.display().to_string();
            move |source| DbError::Dir { path, source }
        };
        std::fs::create_dir_all(dir).map_err(failed(dir))?;
        private::dir(dir).map_err(failed(dir))?;
        let file = dir.join(FILE);
        private::file(&file).map_err(failed(&file))?;
        let db = Self::init(Connection::open(&file)?)?;
        // SQLite gives its side files the database's mode; make sure of it.
        for side in ["-wal", "-shm", "-journal"] {
            let path = dir.join(format!("{FILE}{side}"));
            if path.exists() {
                private::file(&path).map_err(failed(&path))?;
            }
        }
        Ok(db)
    }

    /// A private in-memory database (unit tests).
    pub fn open_in_memory() -> Result<Db, DbError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Db, DbError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "busy_timeout", 5000)?;
        conn.set_prepared_statement_cache_capacity(64);
        let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection. Sandbox statements take microseconds (WAL, no fsync per
    /// commit), so they run on the calling task: handing each one to the blocking pool cost more in
    /// thread wake-ups than the statement itself (measured with the `generate_code` benchmark).
    pub async fn call<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut Connection) -> Result<T, DbError>,
    {
        self.call_now(f)
    }

    /// Runs `f` right here (start-up and tests).
    pub fn call_now<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once() {
        let dir = std::env::temp_dir().join(format!("c2v-db-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = Db::open(&dir).unwrap();
        db.call_now(|c| Ok(c.execute("INSERT INTO meta VALUES ('k', 'v')", [])?))
            .unwrap();
        drop(db);
        let db = Db::open(&dir).unwrap();
        let v: String = db
            .call_now(|c| {
                Ok(c.query_row("SELECT value FROM meta WHERE key = 'k'", [], |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(v, "v");
        let mode: String = db
            .call_now(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(mode, "wal");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn secrets_are_owner_only_even_when_they_were_not() {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let tmp = tempfile::tempdir().unwrap();
        // A fresh data directory.
        let fresh = tmp.path().join("fresh");
        drop(Db::open(&fresh).unwrap());
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(&fresh.join(FILE)), 0o600);
        // One left world-readable by an older version.
        let old = tmp.path().join("old");
        drop(Db::open(&old).unwrap());
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(old.join(FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
        let db = Db::open(&old).unwrap();
        assert_eq!(mode(&old), 0o700);
        for entry in std::fs::read_dir(&old).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
        drop(db);
    }
}
