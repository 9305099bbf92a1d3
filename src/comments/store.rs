//! Comment rows and the queries that read and write them.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::accounts::email::normalize;
use crate::comments::text;
use crate::db::schema::{comments, posts};
use crate::db::{Backend, DbConn};

/// Where a comment stands; stored as its `as_str` text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Pending,
    Approved,
    Spam,
    Trash,
}

impl Status {
    /// In the order of the moderation queue's tabs.
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Approved,
        Status::Spam,
        Status::Trash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Spam => "spam",
            Status::Trash => "trash",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Approved => "Approved",
            Status::Spam => "Spam",
            Status::Trash => "Trash",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Spam and trash are out of the conversation: no replies to them.
    pub fn takes_replies(self) -> bool {
        matches!(self, Status::Pending | Status::Approved)
    }
}

/// A row with an unknown status is treated as held, never as published.
impl From<String> for Status {
    fn from(text: String) -> Status {
        Status::parse(&text).unwrap_or(Status::Pending)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub parent_id: Option<i32>,
    pub user_id: Option<i32>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub body: String,
    /// `body` rendered and sanitized when stored (`text::to_html`).
    pub body_html: String,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub created_at: PrimitiveDateTime,
    pub depth: i32,
}

pub struct NewComment<'a> {
    pub post_id: i32,
    pub parent_id: Option<i32>,
    pub user_id: Option<i32>,
    pub author_name: &'a str,
    pub author_email: &'a str,
    pub author_url: &'a str,
    pub body: &'a str,
    pub status: Status,
    pub depth: i32,
    pub ip_hash: &'a str,
    pub user_agent: &'a str,
}

/// Stores a comment with its HTML, rendered and sanitized here, once.
pub fn insert(conn: &mut DbConn, new: &NewComment, now: PrimitiveDateTime) -> QueryResult<i32> {
    insert_rendered(conn, new, &text::to_html(new.body), now)
}

/// Stores a comment with its HTML, made beforehand by `text::to_html(new.body)` (so that a
/// writer does not sanitize while others wait for it).
pub fn insert_rendered(
    conn: &mut DbConn,
    new: &NewComment,
    body_html: &str,
    now: PrimitiveDateTime,
) -> QueryResult<i32> {
    crate::on_backend!(conn, |c| diesel::insert_into(comments::table)
        .values((
            comments::post_id.eq(new.post_id),
            comments::parent_id.eq(new.parent_id),
            comments::user_id.eq(new.user_id),
            comments::author_name.eq(new.author_name),
            comments::author_email.eq(new.author_email),
            comments::author_url.eq(new.author_url),
            comments::body.eq(new.body),
            comments::body_html.eq(body_html),
            comments::body_digest.eq(body_digest(new.body)),
            comments::render_version.eq(text::RENDER_VERSION),
            comments::status.eq(new.status.as_str()),
            comments::created_at.eq(now),
            comments::depth.eq(new.depth),
            comments::ip_hash.eq(new.ip_hash),
            comments::user_agent.eq(new.user_agent),
        ))
        .returning(comments::id)
        .get_result(c))
}

/// The reads for what a viewer may see of a post's comments: the approved ones and, when
/// there are any, the viewer's own held ones. Two reads, each on `comments_post_status` (or
/// the ids), because one query with an `OR` of the two has SQLite walk every comment of the
/// post, held and spam included, and sort them.
fn visible_parts(post_id: i32, own_pending: &[i32]) -> Vec<comments::BoxedQuery<'_, Backend>> {
    let on_post = |status: Status| {
        comments::table
            .filter(comments::post_id.eq(post_id))
            .filter(comments::status.eq(status.as_str()))
            .order((comments::created_at.asc(), comments::id.asc()))
            .into_boxed()
    };
    let mut parts = vec![on_post(Status::Approved)];
    if !own_pending.is_empty() {
        parts.push(on_post(Status::Pending).filter(comments::id.eq_any(own_pending)));
    }
    parts
}

/// Every comment of a post the viewer may see, oldest first, whatever their number in at
/// most two queries.
pub fn visible_for_post(
    conn: &mut DbConn,
    post_id: i32,
    own_pending: &[i32],
) -> QueryResult<Vec<Comment>> {
    let mut rows = Vec::new();
    for part in visible_parts(post_id, own_pending) {
        rows.extend(part.select(Comment::as_select()).load(conn)?);
    }
    rows.sort_by_key(|c| (c.created_at, c.id));
    Ok(rows)
}

/// The (id, parent id) pairs of a post's approved comments, oldest first: all that finding a
/// comment's page needs, without the texts.
pub fn approved_pairs(conn: &mut DbConn, post_id: i32) -> QueryResult<Vec<(i32, Option<i32>)>> {
    crate::on_backend!(conn, |c| comments::table
        .filter(comments::post_id.eq(post_id))
        .filter(comments::status.eq(Status::Approved.as_str()))
        .order((comments::created_at.asc(), comments::id.asc()))
        .select((comments::id, comments::parent_id))
        .load(c))
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<Comment>> {
    crate::on_backend!(conn, |c| comments::table
        .find(id)
        .select(Comment::as_select())
        .first(c)
        .optional())
}

/// Whether a comment by this name and email address has been approved before (both, as
/// WordPress checks: an email alone is too easy to borrow).
pub fn approved_before(conn: &mut DbConn, name: &str, email: &str) -> QueryResult<bool> {
    if email.is_empty() {
        return Ok(false);
    }
    crate::on_backend!(conn, |c| diesel::select(diesel::dsl::exists(
        comments::table
            .filter(comments::author_email.eq(email))
            .filter(comments::author_name.eq(name))
            .filter(comments::status.eq(Status::Approved.as_str())),
    ))
    .get_result(c))
}

/// Whether this address or email commented since `since` (the flood limit). Emails are
/// compared normalised, so `Foo@X.example` and `foo@x.EXAMPLE` are one commenter.
pub fn commented_since(
    conn: &mut DbConn,
    ip_hash: &str,
    email: &str,
    since: PrimitiveDateTime,
) -> QueryResult<bool> {
    let recent = comments::table.filter(comments::created_at.gt(since));
    let by_address = crate::on_backend!(conn, |c| diesel::select(diesel::dsl::exists(
        recent.filter(comments::ip_hash.eq(ip_hash)),
    ))
    .get_result::<bool>(c))?;
    if by_address || email.is_empty() {
        return Ok(by_address);
    }
    // Compared here, not in SQL: SQLite's lower() folds only ASCII. The rows are the few
    // written in the last flood interval.
    let wanted = normalize(email);
    let recent_emails: Vec<String> = crate::on_backend!(conn, |c| recent
        .filter(comments::author_email.ne(""))
        .select(comments::author_email)
        .distinct()
        .load(c))?;
    Ok(recent_emails.iter().any(|other| normalize(other) == wanted))
}

/// Whether the same author already left the same text on this post. Found by the text's
/// digest (`comments_digest_post`), then compared in full.
pub fn is_duplicate(
    conn: &mut DbConn,
    post_id: i32,
    user_id: Option<i32>,
    email: &str,
    body: &str,
) -> QueryResult<bool> {
    let same_text = comments::table
        .filter(comments::body_digest.eq(body_digest(body)))
        .filter(comments::post_id.eq(post_id))
        .filter(comments::body.eq(body))
        .filter(comments::status.ne(Status::Trash.as_str()));
    match user_id {
        Some(id) => crate::on_backend!(conn, |c| diesel::select(diesel::dsl::exists(
            same_text.filter(comments::user_id.eq(id)),
        ))
        .get_result(c)),
        None => crate::on_backend!(conn, |c| diesel::select(diesel::dsl::exists(
            same_text.filter(comments::author_email.eq(email)),
        ))
        .get_result(c)),
    }
}

/// The stored digest of a comment's text: its SHA-256, cut to 64 bits; never 0, which marks
/// a row whose digest is not computed yet.
pub fn body_digest(body: &str) -> i64 {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(body.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash[..8]);
    match i64::from_be_bytes(first) {
        0 => 1,
        digest => digest,
    }
}

/// Computes the digests of comments stored before there were digests (0), in batches.
/// Returns how many.
pub fn fill_digests(conn: &mut DbConn) -> QueryResult<usize> {
    in_batches(
        conn,
        |conn, batch| {
            comments::table
                .filter(comments::body_digest.eq(0))
                .select((comments::id, comments::body))
                .limit(batch)
                .load(conn)
        },
        |conn, id, body| {
            diesel::update(comments::table.find(id))
                .set(comments::body_digest.eq(body_digest(body)))
                .execute(conn)
        },
    )
}

/// Renders again the comments whose HTML was made by older rules (`render_version` below
/// `text::RENDER_VERSION`; rows from before the column have 0 and no HTML). In batches, so a
/// large site does not hold every comment in memory. Returns how many were rendered.
pub fn rerender_outdated(conn: &mut DbConn) -> QueryResult<usize> {
    in_batches(
        conn,
        |conn, batch| {
            comments::table
                .filter(comments::render_version.lt(text::RENDER_VERSION))
                .order(comments::id)
                .select((comments::id, comments::body))
                .limit(batch)
                .load(conn)
        },
        |conn, id, body| {
            diesel::update(comments::table.find(id))
                .set((
                    comments::body_html.eq(text::to_html(body)),
                    comments::render_version.eq(text::RENDER_VERSION),
                ))
                .execute(conn)
        },
    )
}

/// Mends stored comments a batch at a time, so a large site does not hold every comment in
/// memory: `next` gives up to `batch` (id, text) rows still to mend, `mend` mends one (and
/// must take it out of what `next` finds). Returns how many were mended.
fn in_batches(
    conn: &mut DbConn,
    next: impl Fn(&mut DbConn, i64) -> QueryResult<Vec<(i32, String)>>,
    mend: impl Fn(&mut DbConn, i32, &str) -> QueryResult<usize>,
) -> QueryResult<usize> {
    const BATCH: i64 = 500;
    let mut done = 0;
    loop {
        let rows = next(conn, BATCH)?;
        if rows.is_empty() {
            return Ok(done);
        }
        for (id, body) in &rows {
            mend(conn, *id, body)?;
        }
        done += rows.len();
    }
}

pub fn set_status(conn: &mut DbConn, id: i32, status: Status) -> QueryResult<usize> {
    diesel::update(comments::table.find(id))
        .set(comments::status.eq(status.as_str()))
        .execute(conn)
}

/// Moves the comments of `ids` that exist to `status`, in one UPDATE. Returns how many.
pub fn set_status_of_many(conn: &mut DbConn, ids: &[i32], status: Status) -> QueryResult<usize> {
    diesel::update(comments::table.filter(comments::id.eq_any(ids)))
        .set(comments::status.eq(status.as_str()))
        .execute(conn)
}

/// Deletes for good the comments of `ids` that are spam or in the trash. Their replies are
/// kept, answering the nearest comment that stays (or the post). Returns how many.
pub fn delete_from_spam_and_trash(conn: &mut DbConn, ids: &[i32]) -> QueryResult<usize> {
    conn.write_transaction(|conn| {
        let doomed: Vec<(i32, Option<i32>)> = comments::table
            .filter(comments::id.eq_any(ids))
            .filter(comments::status.eq_any([Status::Spam.as_str(), Status::Trash.as_str()]))
            .select((comments::id, comments::parent_id))
            .load(conn)?;
        let parent_of: std::collections::HashMap<i32, Option<i32>> =
            doomed.iter().copied().collect();
        let doomed_ids: Vec<i32> = doomed.iter().map(|(id, _)| *id).collect();
        for (id, parent) in &doomed {
            // The nearest ancestor that is not deleted too.
            let mut heir = *parent;
            for _ in 0..parent_of.len() {
                match heir.and_then(|h| parent_of.get(&h).copied()) {
                    Some(up) => heir = up,
                    None => break,
                }
            }
            diesel::update(
                comments::table
                    .filter(comments::parent_id.eq(id))
                    .filter(comments::id.ne_all(&doomed_ids)),
            )
            .set(comments::parent_id.eq(heir))
            .execute(conn)?;
        }
        diesel::delete(comments::table.filter(comments::id.eq_any(&doomed_ids))).execute(conn)
    })
}

/// (status, count) for the moderation queue's tabs.
pub fn counts_by_status(conn: &mut DbConn) -> QueryResult<Vec<(Status, i64)>> {
    let rows: Vec<(String, i64)> = comments::table
        .group_by(comments::status)
        .select((comments::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(status, count)| (Status::from(status), count))
        .collect())
}

/// A comment with the slug and title of its post, for the queue and the feeds.
#[derive(Queryable, Debug)]
pub struct CommentOnPost {
    pub comment: Comment,
    pub post_slug: String,
    pub post_title: String,
}

/// For the feeds: approved comments on published posts that have no password, newest first.
pub fn latest_public(
    conn: &mut DbConn,
    post_id: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<CommentOnPost>> {
    let mut query = comments::table
        .inner_join(posts::table)
        .filter(comments::status.eq(Status::Approved.as_str()))
        .filter(posts::status.eq(crate::posts::queries::Status::Published.as_str()))
        .filter(posts::password.is_null())
        .select((Comment::as_select(), posts::slug, posts::title))
        .order((comments::created_at.desc(), comments::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(post_id) = post_id {
        query = query.filter(comments::post_id.eq(post_id));
    }
    query.load(conn)
}

/// For the moderation queue.
pub fn list_with_posts(
    conn: &mut DbConn,
    status: Option<Status>,
    post_id: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<CommentOnPost>> {
    let mut query = comments::table
        .inner_join(posts::table)
        .select((Comment::as_select(), posts::slug, posts::title))
        .order((comments::created_at.desc(), comments::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(comments::status.eq(status.as_str()));
    }
    if let Some(post_id) = post_id {
        query = query.filter(comments::post_id.eq(post_id));
    }
    query.load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_by_trimming_and_lower_casing_the_whole_address() {
        assert_eq!(normalize(" Foo@X.Example "), "foo@x.example");
        assert_eq!(normalize("ÉLISE@Exemple.FR"), normalize("élise@exemple.fr"));
        assert_ne!(normalize("foo@x.example"), normalize("fooo@x.example"));
    }

    #[test]
    fn a_texts_digest_is_stable_tells_texts_apart_and_is_never_the_not_yet_mark() {
        // SHA-256 of "hello" begins 2cf24dba5fb0a30e: the digest must not change between
        // builds, or the stored ones would no longer match.
        assert_eq!(body_digest("hello"), 0x2cf2_4dba_5fb0_a30e);
        assert_ne!(body_digest("hello"), body_digest("hello "));
        assert_ne!(body_digest(""), 0);
    }
}
