//! The database layer: one connection type over SQLite and PostgreSQL, the pool, the
//! embedded migrations, and `Db::run`, which keeps every query off the async workers.

pub mod backup;
pub mod content;
pub mod schema;
mod writer;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Busy timeout first: the pool opens connections in parallel and would otherwise see
/// "database is locked" while another connection switches the journal mode.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// How long a request waits for a pooled connection before it gets a 503.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

diesel::define_sql_function!(
    /// SQL `lower()`, the same on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// Runs a query on the connection inside `DbConn`: `on_backend!(conn, |c| query.load(c))`.
///
/// Through the `DbConn` enum (diesel's `MultiConnection`) every execution builds the query's
/// SQL text again, twice (to learn whether its statement may be kept, and to bind it), which
/// costs more than SQLite's own work for a small query. On the connection inside, a query of
/// fixed shape finds its prepared statement by its type. Used for the queries of the comment
/// POST, the hottest write; the body is compiled once for each backend.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Pg($c) => $body,
        }
    };
}

/// The backend type of `DbConn`, for boxed queries.
pub type Backend = <DbConn as Connection>::Backend;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    /// A transaction that writes. On SQLite it begins with `BEGIN IMMEDIATE`, taking the
    /// write lock up front, so it waits (busy timeout) for another connection's write: a
    /// deferred transaction that has read first fails at once with "database is locked" when
    /// another connection writes meanwhile. Nested, it is a savepoint as usual.
    pub fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        let DbConn::Sqlite(sqlite) = self else {
            return self.transaction(f);
        };
        let status = AnsiTransactionManager::transaction_manager_status_mut(sqlite);
        if status.transaction_depth()?.is_some() {
            return self.transaction(f);
        }
        AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(value) => match <DbConn as Connection>::TransactionManager::commit_transaction(self)
            {
                Ok(()) => Ok(value),
                Err(e) => {
                    let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(self);
                    Err(e.into())
                }
            },
            Err(e) => {
                <DbConn as Connection>::TransactionManager::rollback_transaction(self)?;
                Err(e)
            }
        }
    }
}

/// Which database a URL points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Postgres(String),
    /// A file path (or `:memory:`).
    Sqlite(String),
}

impl Target {
    pub fn from_url(url: &str) -> Target {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Target::Postgres(url.to_owned())
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Target::Sqlite(path.strip_prefix("sqlite:").unwrap_or(path).to_owned())
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Target::Postgres(_))
    }

    /// Opens one connection, with the per-connection SQLite settings applied.
    pub fn connect(&self) -> Result<DbConn, ConnectError> {
        match self {
            Target::Postgres(url) => Ok(DbConn::Pg(PgConnection::establish(url)?)),
            Target::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// An r2d2 manager that picks the backend from the URL instead of trying each in turn
/// (the derived `establish` would hide the real PostgreSQL error behind a SQLite one).
pub struct Manager {
    target: Target,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        self.target.connect()
    }

    /// Asked at every checkout. A PostgreSQL connection can be cut by the server or the
    /// network and is tried first; SQLite's is a file this process has open, nothing to try.
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        match conn {
            DbConn::Sqlite(_) => Ok(()),
            DbConn::Pg(_) => Ok(conn.batch_execute("SELECT 1")?),
        }
    }

    /// A connection handed back inside a transaction (a write that panicked) or with its
    /// transaction state lost is closed, not reused; closing rolls the transaction back.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        let status =
            <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn);
        !matches!(status.transaction_depth(), Ok(None))
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The handle every handler uses. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    target: Target,
    /// SQLite's one writer (group commit, see [`writer`]); None on PostgreSQL.
    writer: Option<writer::Writer>,
    content: content::Shared,
}

impl Db {
    /// Connects once (to report the real reason if that fails), applies pending migrations,
    /// then builds the pool.
    pub fn open(target: Target, max_connections: u32) -> anyhow::Result<Db> {
        let mut first = target
            .connect()
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        run_migrations(&mut first)?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(max_connections)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .build_unchecked(Manager {
                target: target.clone(),
            });
        let content = content::Shared::default();
        let writer = match target {
            Target::Sqlite(_) => Some(writer::Writer::spawn(pool.clone(), content.clone())?),
            Target::Postgres(_) => None,
        };
        Ok(Db {
            pool,
            target,
            writer,
            content,
        })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Runs `f`, which only reads, with a pooled connection on the blocking thread pool.
    /// A closure that writes goes through [`Db::write`] instead.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(AppError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// The one way to write: like `run`, but on SQLite every write of this process goes to
    /// one writer thread, which commits what has queued up together (see [`writer`]).
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(writer) = &self.writer {
            return writer.submit(false, f).await;
        }
        let known = self.content.clone();
        self.run(move |conn| {
            let outcome = f(conn);
            // Whatever `f` changed of accounts, logins or carts (the triggers moved the
            // people version), this node's next request knows, even if `f` then failed.
            if let Ok(versions) = content::read_both(conn) {
                known.observe_both(versions);
            }
            outcome
        })
        .await
    }

    /// Like `write`, for a change readers see: `f` and the content version's move are one
    /// transaction (one commit, and an `f` that fails leaves nothing behind), and this
    /// node's page caches know the new version before the answer goes out.
    pub async fn write_content<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(writer) = &self.writer {
            return writer.submit(true, f).await;
        }
        let (value, version) = self
            .write(move |conn| {
                conn.write_transaction(|conn| {
                    let value = f(conn)?;
                    Ok((value, content::bump(conn)?))
                })
            })
            .await?;
        self.content.observe(version);
        Ok(value)
    }

    /// Connections open and idle in the pool, for `/metrics`.
    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    /// The content version this node knows (see [`content`]).
    pub fn content(&self) -> &content::Shared {
        &self.content
    }

    /// A quick check for `/healthz`: a connection within `timeout` that answers `SELECT 1`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            pool.get_timeout(timeout)
                .map(|mut conn| conn.batch_execute("SELECT 1").is_ok())
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }

    /// A connection for start-up work and the CLI (not for request handlers).
    pub fn get_blocking(&self) -> Result<r2d2::PooledConnection<Manager>, AppError> {
        self.pool.get().map_err(AppError::from)
    }
}

/// Applies the migrations of the connection's backend. On PostgreSQL an advisory lock keeps
/// several nodes starting at once from racing each other.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<()> {
    let applied = match conn {
        DbConn::Pg(pg) => {
            pg.batch_execute("SELECT pg_advisory_lock(727274)")?;
            let result = pg
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            pg.batch_execute("SELECT pg_advisory_unlock(727274)")?;
            result
        }
        DbConn::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::RunQueryDsl;

    fn two_connections() -> (tempfile::TempDir, DbConn, DbConn) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let target = Target::Sqlite(dir.path().join("db.sqlite").display().to_string());
        let mut first = target.connect().expect("a connection");
        first
            .batch_execute("CREATE TABLE t (n INTEGER)")
            .expect("a table");
        let second = target.connect().expect("a second connection");
        (dir, first, second)
    }

    #[test]
    fn a_write_transaction_that_reads_first_waits_for_another_connections_write() {
        let (_dir, mut first, mut second) = two_connections();
        let (held, release) = std::sync::mpsc::channel();
        let other = std::thread::spawn(move || {
            second.batch_execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")?;
            held.send(()).expect("the test waits");
            std::thread::sleep(Duration::from_millis(200));
            second.batch_execute("COMMIT")
        });
        release.recv().expect("the other write began");
        let result: Result<(), diesel::result::Error> = first.write_transaction(|conn| {
            conn.batch_execute("SELECT count(*) FROM t")?;
            diesel::sql_query("INSERT INTO t VALUES (2)").execute(conn)?;
            Ok(())
        });
        result.expect("the write waited its turn instead of failing");
        other.join().expect("no panic").expect("the other write");
    }

    /// Set in .cargo/config.toml (LIBSQLITE3_FLAGS): without it every `LIMIT ?` query is
    /// compiled again on each execution.
    #[test]
    fn sqlite_is_built_with_the_planner_stability_guarantee() {
        let (_dir, mut conn, _) = two_connections();
        let used: i32 = diesel::dsl::sql::<diesel::sql_types::Integer>(
            "SELECT sqlite_compileoption_used('ENABLE_QPSG')",
        )
        .get_result(&mut conn)
        .expect("the compile options");
        assert_eq!(
            used, 1,
            "LIBSQLITE3_FLAGS=-DSQLITE_ENABLE_QPSG was not applied"
        );
    }

    #[test]
    fn a_nested_write_transaction_is_a_savepoint() {
        let (_dir, mut conn, _) = two_connections();
        let result: Result<(), diesel::result::Error> = conn.write_transaction(|conn| {
            diesel::sql_query("INSERT INTO t VALUES (1)").execute(conn)?;
            let inner: Result<(), diesel::result::Error> = conn.write_transaction(|conn| {
                diesel::sql_query("INSERT INTO t VALUES (2)").execute(conn)?;
                Err(diesel::result::Error::RollbackTransaction)
            });
            assert!(inner.is_err());
            Ok(())
        });
        result.expect("the outer transaction commits");
        let rows: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT count(*) FROM t")
            .get_result(&mut conn)
            .expect("a count");
        assert_eq!(rows, 1);
    }
}
