//! How many SQL statements a page needs, counted with diesel's instrumentation on a real
//! connection: a page of threaded comments must be one query, whatever its length.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::Connection;
use diesel::connection::InstrumentationEvent;
use glowpress::comments::section::{self, ThreadRequest};
use glowpress::comments::store::{self, NewComment};
use glowpress::db::{DbConn, Target};
use glowpress::settings::Settings;
use glowpress::web::dates;

fn counted_connection() -> (DbConn, Arc<AtomicUsize>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("count.db");
    let mut conn = Target::Sqlite(path.to_string_lossy().into_owned())
        .connect()
        .unwrap();
    glowpress::db::run_migrations(&mut conn).unwrap();
    glowpress::demo::load_if_empty(&mut conn).unwrap();
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    (conn, queries, dir)
}

/// 50 approved comments on post 1: ten threads of five, each reply under the previous.
fn fifty_threaded_comments(conn: &mut DbConn) {
    let now = dates::now();
    for thread in 0..10 {
        let mut parent = None;
        for depth in 0..5 {
            let body = format!("Comment {thread}.{depth}");
            let id = store::insert(
                conn,
                &NewComment {
                    post_id: 1,
                    parent_id: parent,
                    user_id: None,
                    author_name: "Reader",
                    author_email: "reader@example.com",
                    author_url: "",
                    body: &body,
                    status: store::Status::Approved,
                    depth,
                    ip_hash: "",
                    user_agent: "",
                },
                now,
            )
            .unwrap();
            parent = Some(id);
        }
    }
}

#[test]
fn a_page_of_fifty_threaded_comments_is_one_query() {
    let (mut conn, queries, _dir) = counted_connection();
    fifty_threaded_comments(&mut conn);
    let settings = Settings::load(&mut conn).unwrap();
    queries.store(0, Ordering::SeqCst);
    let loaded = section::thread(
        &mut conn,
        &settings,
        ThreadRequest {
            post_id: 1,
            post_path: "/posts/x",
            open: true,
            own_pending: &[],
            page: None,
        },
    )
    .unwrap();
    assert_eq!(loaded.items.len(), 50);
    assert_eq!(loaded.items.iter().filter(|c| c.depth == 4).count(), 10);
    assert_eq!(
        queries.load(Ordering::SeqCst),
        1,
        "one query for the comments"
    );
}
