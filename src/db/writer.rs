//! SQLite's one writer, with group commit. SQLite lets one connection write at a time, and
//! each commit costs more than the statements of a typical write (a comment, a cart line).
//! So every write of this process is queued to one thread, which takes what has queued up,
//! runs it in one transaction and commits once: under load, dozens of writes share a commit
//! (and a content-version move), and none waits in SQLite's busy backoff.
//!
//! A write is answered only after the commit that made it durable. A write that moves the
//! content version runs in a savepoint of its own, so its failure takes back only its own
//! changes; a plain write keeps what it did before it failed, as it would without a
//! transaction around it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use diesel::Connection;

use crate::db::{DbConn, Pool, content};
use crate::error::AppError;

/// At most this many writes share one commit, so a long queue still answers in slices.
const MAX_BATCH: usize = 128;

/// One queued write: its closure, and where its answer goes.
trait Job: Send {
    fn moves_content(&self) -> bool;
    /// Runs the write in the batch's transaction; what it returns waits for the commit.
    fn run(self: Box<Self>, conn: &mut DbConn) -> Box<dyn Answer>;
    /// Answers without running: the batch could not start.
    fn refuse(self: Box<Self>, error: AppError);
}

/// A write's outcome, held until its batch's commit has succeeded or failed.
trait Answer: Send {
    fn send(self: Box<Self>, committed: Result<(), AppError>);
}

type Reply<T> = tokio::sync::oneshot::Sender<Result<T, AppError>>;

struct Work<F, T> {
    f: F,
    moves_content: bool,
    reply: Reply<T>,
}

impl<F, T> Job for Work<F, T>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send,
    T: Send + 'static,
{
    fn moves_content(&self) -> bool {
        self.moves_content
    }

    fn run(self: Box<Self>, conn: &mut DbConn) -> Box<dyn Answer> {
        let Work {
            f,
            moves_content,
            reply,
        } = *self;
        let outcome = if moves_content {
            conn.transaction(f)
        } else {
            f(conn)
        };
        Box::new(Outcome { outcome, reply })
    }

    fn refuse(self: Box<Self>, error: AppError) {
        let _ = self.reply.send(Err(error));
    }
}

struct Outcome<T> {
    outcome: Result<T, AppError>,
    reply: Reply<T>,
}

impl<T: Send> Answer for Outcome<T> {
    fn send(self: Box<Self>, committed: Result<(), AppError>) {
        // The asker may have gone (the client hung up); the write stands all the same.
        let _ = self.reply.send(committed.and(self.outcome));
    }
}

/// The queue's sending end; the writer thread stops when the last one is dropped.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread, which takes connections from `pool` and tells `known` of
    /// the versions its commits leave.
    pub fn spawn(pool: Pool, known: content::Shared) -> std::io::Result<Writer> {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = vec![first];
                    batch.extend(queue.try_iter().take(MAX_BATCH - 1));
                    // A panicking write answers its batch with errors (their replies are
                    // dropped) and its connection leaves the pool mid-transaction, so
                    // SQLite rolls it back; the next batch goes on.
                    if catch_unwind(AssertUnwindSafe(|| run_batch(&pool, &known, batch))).is_err() {
                        tracing::error!("a database write panicked; its batch was rolled back");
                    }
                }
            })?;
        Ok(Writer { jobs })
    }

    /// Queues `f` and waits for its answer, which comes after its commit.
    pub async fn submit<T, F>(&self, moves_content: bool, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(Work {
                f,
                moves_content,
                reply,
            }))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> AppError {
    AppError::Internal(anyhow::anyhow!("the database write did not complete"))
}

fn run_batch(pool: &Pool, known: &content::Shared, mut batch: Vec<Box<dyn Job>>) {
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(e) => {
            let message = e.to_string();
            for job in batch {
                job.refuse(AppError::Unavailable(message.clone()));
            }
            return;
        }
    };
    let moves_content = batch.iter().any(|job| job.moves_content());
    let mut answers: Vec<Box<dyn Answer>> = Vec::with_capacity(batch.len());
    let committed = conn.write_transaction(|conn| {
        answers.extend(batch.drain(..).map(|job| job.run(conn)));
        if moves_content {
            content::bump(conn).map(Some)
        } else {
            Ok(None)
        }
    });
    match committed {
        Ok(version) => {
            if let Some(version) = version {
                known.observe(version);
            }
            // What the batch changed of accounts, logins or carts (the triggers moved the
            // people version), this node's next request knows.
            if let Ok(versions) = content::read_both(&mut conn) {
                known.observe_both(versions);
            }
            for answer in answers {
                answer.send(Ok(()));
            }
        }
        Err(e) => {
            let failure = Failure::from(e);
            // The jobs left in `batch` never ran: the transaction could not begin.
            for job in batch {
                job.refuse(failure.error());
            }
            for answer in answers {
                answer.send(Err(failure.error()));
            }
        }
    }
}

/// Why a batch failed, given to each of its writes as an error of its own.
struct Failure {
    busy: bool,
    message: String,
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Failure {
        let message = e.to_string();
        let error = AppError::Db(e);
        Failure {
            busy: error.is_busy_database(),
            message,
        }
    }
}

impl Failure {
    fn error(&self) -> AppError {
        if self.busy {
            AppError::Unavailable(self.message.clone())
        } else {
            AppError::Internal(anyhow::anyhow!(
                "the write was not committed: {}",
                self.message
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use diesel::RunQueryDsl;
    use diesel::connection::SimpleConnection;

    use crate::db::{Db, DbConn, Target};
    use crate::error::AppError;

    fn open() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let target = Target::Sqlite(dir.path().join("db.sqlite").display().to_string());
        let db = Db::open(target, 4).expect("a database");
        db.get_blocking()
            .expect("a connection")
            .batch_execute("CREATE TABLE t (n INTEGER)")
            .expect("a table");
        (dir, db)
    }

    fn insert(conn: &mut DbConn, n: i32) -> Result<(), AppError> {
        diesel::sql_query(format!("INSERT INTO t VALUES ({n})")).execute(conn)?;
        Ok(())
    }

    fn rows(db: &Db) -> Vec<i32> {
        let mut conn = db.get_blocking().expect("a connection");
        diesel::dsl::sql::<diesel::sql_types::Integer>("SELECT n FROM t ORDER BY n")
            .load(&mut *conn)
            .expect("the rows")
    }

    /// Writes queued while one runs share its successor's commit; one of them failing
    /// takes back only its own change.
    #[actix_web::test]
    async fn queued_writes_share_a_commit_and_a_failed_one_takes_back_only_its_own() {
        let (_dir, db) = open();
        let before = db.content().current();
        let slow = db.write(|conn| {
            std::thread::sleep(Duration::from_millis(200));
            insert(conn, 1)
        });
        let second = db.write_content(|conn| insert(conn, 2));
        let failing = db.write_content(|conn| {
            insert(conn, 3)?;
            Err::<(), _>(AppError::BadRequest("refused".to_owned()))
        });
        let fourth = db.write_content(|conn| insert(conn, 4));
        let (slow, second, failing, fourth) = tokio::join!(slow, second, failing, fourth);
        slow.expect("the slow write");
        second.expect("the second write");
        assert!(
            matches!(failing, Err(AppError::BadRequest(_))),
            "{failing:?}"
        );
        fourth.expect("the fourth write");
        assert_eq!(rows(&db), [1, 2, 4]);
        assert_eq!(
            db.content().current(),
            before + 1,
            "the three content writes shared one batch and one version"
        );
    }

    #[actix_web::test]
    async fn a_write_that_panics_is_an_error_and_the_next_write_goes_through() {
        let (_dir, db) = open();
        let panicked = db
            .write_content(|conn| {
                insert(conn, 1)?;
                if rows_here(conn) > 0 {
                    panic!("a bug in a write");
                }
                Ok(())
            })
            .await;
        assert!(matches!(panicked, Err(AppError::Internal(_))));
        db.write(|conn| insert(conn, 2))
            .await
            .expect("the next write");
        assert_eq!(rows(&db), [2], "the panicking write was rolled back");
    }

    fn rows_here(conn: &mut DbConn) -> i64 {
        diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT count(*) FROM t")
            .get_result(conn)
            .expect("a count")
    }
}
