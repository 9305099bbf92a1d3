//! Emails about new comments: to the post's author and to the moderators (editors and
//! administrators), never to the commenter themselves.

use diesel::prelude::*;

use crate::accounts::users::Role;
use crate::db::DbConn;
use crate::db::schema::{posts, users};
use crate::mail::{Email, Mailer};

pub struct Note {
    pub site_url: String,
    pub post_title: String,
    pub comment_id: i32,
    pub author: String,
    pub text: String,
    pub held: bool,
}

/// Email addresses to tell, without the commenter's own.
pub fn recipients(
    conn: &mut DbConn,
    post_id: i32,
    commenter: Option<i32>,
) -> QueryResult<Vec<String>> {
    let author: Vec<(i32, String)> = crate::on_backend!(conn, |c| posts::table
        .inner_join(users::table)
        .filter(posts::id.eq(post_id))
        .select((users::id, users::email))
        .load(c))?;
    // Two equalities, not `eq_any`: SQLite's `IN (?, ?)` is prepared again every time.
    let moderators: Vec<(i32, String)> = crate::on_backend!(conn, |c| users::table
        .filter(
            users::role
                .eq(Role::Admin.as_str())
                .or(users::role.eq(Role::Editor.as_str())),
        )
        .select((users::id, users::email))
        .load(c))?;
    let mut emails: Vec<String> = author
        .into_iter()
        .chain(moderators)
        .filter(|(id, _)| Some(*id) != commenter)
        .map(|(_, email)| email)
        .collect();
    emails.sort();
    emails.dedup();
    Ok(emails)
}

fn email_for(to: String, note: &Note) -> Email {
    let (subject, intro) = if note.held {
        (
            format!("Please moderate: \"{}\"", note.post_title),
            "A new comment is waiting for your approval",
        )
    } else {
        (
            format!("New comment on \"{}\"", note.post_title),
            "A new comment was published",
        )
    };
    Email {
        to,
        subject,
        text: format!(
            "{intro} on \"{title}\".\n\nAuthor: {author}\n\n{text}\n\nSee it: \
             {url}/comments/{id}\nModerate: {url}/admin/comments?status=pending\n",
            title = note.post_title,
            author = note.author,
            text = note.text,
            url = note.site_url,
            id = note.comment_id,
        ),
    }
}

/// Sends after the response: a slow mail server never delays the commenter.
pub fn send_in_background(mailer: Mailer, recipients: Vec<String>, note: Note) {
    if recipients.is_empty() {
        return;
    }
    actix_web::rt::spawn(async move {
        let sent = actix_web::web::block(move || {
            for to in recipients {
                if let Err(e) = mailer.send(&email_for(to, &note)) {
                    tracing::error!(error = %e, "comment notification failed");
                }
            }
        })
        .await;
        if let Err(e) = sent {
            tracing::error!(error = %e, "comment notification task failed");
        }
    });
}
