//! The sandbox's SQLite database: one connection (WAL, `synchronous=NORMAL`, so every commit
//! survives a process restart) behind a mutex, migrations from `migrations/`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

/// Migrations in order; `PRAGMA user_version` records how many ran. (0004 is reserved.)
const MIGRATIONS: [&str; 4] = [
    include_str!("../../migrations/0001_sandbox.sql"),
    include_str!("../../migrations/0002_conversation_messages.sql"),
    include_str!("../../migrations/0003_reservations.sql"),
    include_str!("../../migrations/0005_flex_plugins_serverless.sql"),
];

/// `PRAGMA user_version` once every migration ran.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

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
        std::fs::create_dir_all(dir).map_err(|source| DbError::Dir {
            path: dir.display().to_string(),
            source,
        })?;
        let conn = Connection::open(dir.join("sandbox.sqlite3"))?;
        Self::init(conn)
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
}
