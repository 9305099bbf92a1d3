//! The moderation queue's bulk actions, "In reply to", the confirmation of "Reply and
//! approve", and comment HTML rendered once, when stored.

use diesel::prelude::*;
use glowpress::comments::store::{self, NewComment, Status};
use glowpress::db::DbConn;
use glowpress::db::schema::{comments, posts};
use reqwest::StatusCode;

use crate::admin_settings::admin;
use crate::common::{Browser, TestApp, count, csrf_token};
use crate::on_both_backends;

const ARTICLE: &str = "/posts/exosome-therapy-skin-rejuvenation";
const SLUG: &str = "exosome-therapy-skin-rejuvenation";

on_both_backends!(
    bulk_approve_of_three_comments_shows_them_on_the_article,
    bulk_spam_trash_and_delete_ignore_unknown_ids_and_keep_replies,
    the_queue_says_which_comment_a_reply_answers_and_reply_and_approve_confirms,
    comment_html_is_stored_once_and_rendered_again_only_when_outdated,
);

fn insert(conn: &mut DbConn, author: &str, body: &str, status: Status, parent: Option<i32>) -> i32 {
    let post_id: i32 = posts::table
        .filter(posts::slug.eq(SLUG))
        .select(posts::id)
        .first(conn)
        .expect("the seed post");
    store::insert(
        conn,
        &NewComment {
            post_id,
            parent_id: parent,
            user_id: None,
            author_name: author,
            author_email: "someone@example.com",
            author_url: "",
            body,
            status,
            depth: i32::from(parent.is_some()),
            ip_hash: "",
            user_agent: "",
        },
        glowpress::web::dates::now(),
    )
    .expect("insert a comment")
}

fn status_of(app: &TestApp, id: i32) -> Option<Status> {
    app.with_conn(|conn| store::find(conn, id))
        .expect("read a comment")
        .map(|c| c.status)
}

fn shows(html: &str, id: i32) -> bool {
    html.contains(&format!("id=\"comment-{id}\""))
}

/// Ticks `ids` in the queue tab `status` and applies `action`.
async fn bulk(moderator: &Browser, status: &str, action: &str, ids: &[i32]) -> crate::common::Page {
    let (code, queue) = moderator
        .page(&format!("/admin/comments?status={status}"))
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(queue.contains("action=\"/admin/comments/bulk\""), "{queue}");
    let token = csrf_token(&queue);
    let ids: Vec<String> = ids.iter().map(i32::to_string).collect();
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("status", status),
        ("action", action),
    ];
    fields.extend(ids.iter().map(|id| ("ids", id.as_str())));
    moderator.submit("/admin/comments/bulk", &fields).await
}

async fn bulk_approve_of_three_comments_shows_them_on_the_article(app: TestApp) {
    let moderator = admin(&app).await;
    let (ids, other) = app.with_conn(|conn| {
        let ids: Vec<i32> = ["First held", "Second held", "Third held"]
            .iter()
            .map(|text| insert(conn, "Guest", text, Status::Pending, None))
            .collect();
        (
            ids,
            insert(conn, "Guest", "Still held", Status::Pending, None),
        )
    });
    let (_, article) = app.new_browser().page(ARTICLE).await;
    assert!(ids.iter().all(|id| !shows(&article, *id)));
    let (_, queue) = moderator.page("/admin/comments").await;
    for id in ids.iter().chain([&other]) {
        assert!(
            queue.contains(&format!("form=\"bulk\" name=\"ids\" value=\"{id}\"")),
            "a checkbox per comment"
        );
    }
    assert!(queue.contains("<option value=\"approve\">Approve</option>"));
    assert!(
        !queue.contains("<option value=\"delete\">"),
        "no delete outside spam and trash"
    );

    let done = bulk(&moderator, "pending", "approve", &ids).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.path, "/admin/comments?status=pending");
    assert!(done.html.contains("3 comments approved."), "{}", done.html);
    let (_, article) = app.new_browser().page(ARTICLE).await;
    for (id, text) in ids.iter().zip(["First held", "Second held", "Third held"]) {
        assert!(shows(&article, *id), "{article}");
        assert!(article.contains(text));
    }
    assert!(!shows(&article, other));
    assert_eq!(status_of(&app, other), Some(Status::Pending));
}

async fn bulk_spam_trash_and_delete_ignore_unknown_ids_and_keep_replies(app: TestApp) {
    let moderator = admin(&app).await;
    let (a, b, c, reply) = app.with_conn(|conn| {
        let a = insert(conn, "Spammy", "Buy now", Status::Pending, None);
        let b = insert(conn, "Spammy", "Buy again", Status::Approved, None);
        let c = insert(conn, "Kind", "Lovely", Status::Pending, None);
        let reply = insert(conn, "Answer", "A reply to b", Status::Approved, Some(b));
        (a, b, c, reply)
    });
    let done = bulk(&moderator, "pending", "trash", &[a, b, 999_999]).await;
    assert!(
        done.html.contains("2 comments moved to the Trash."),
        "{}",
        done.html
    );
    assert_eq!(status_of(&app, a), Some(Status::Trash));
    assert_eq!(status_of(&app, b), Some(Status::Trash));

    // Delete permanently takes only what is in the spam or the trash.
    let done = bulk(&moderator, "trash", "delete", &[a, b, c]).await;
    assert!(
        done.html.contains("2 comments deleted permanently."),
        "{}",
        done.html
    );
    assert_eq!(status_of(&app, a), None);
    assert_eq!(status_of(&app, b), None);
    assert_eq!(status_of(&app, c), Some(Status::Pending));
    let kept = app
        .with_conn(|conn| store::find(conn, reply))
        .expect("read")
        .expect("the reply survives its parent");
    assert_eq!(kept.parent_id, None);

    let done = bulk(&moderator, "pending", "spam", &[c]).await;
    assert!(done.html.contains("1 comment marked as spam."));
    let (_, spam) = moderator.page("/admin/comments?status=spam").await;
    assert!(spam.contains("<option value=\"delete\">Delete permanently</option>"));
    let done = bulk(&moderator, "spam", "unapprove", &[c]).await;
    assert!(done.html.contains("1 comment unapproved."));
    assert_eq!(status_of(&app, c), Some(Status::Pending));

    // No action, no ticks, a made-up action, too many ids.
    let done = bulk(&moderator, "pending", "", &[c]).await;
    assert!(done.html.contains("Choose an action"));
    let done = bulk(&moderator, "pending", "approve", &[]).await;
    assert!(done.html.contains("Tick the comments"));
    let done = bulk(&moderator, "pending", "explode", &[c]).await;
    assert_eq!(done.status, StatusCode::BAD_REQUEST);
    let many: Vec<i32> = (1..=201).collect();
    let done = bulk(&moderator, "pending", "approve", &many).await;
    assert_eq!(done.status, StatusCode::BAD_REQUEST);
    assert!(done.html.contains("At most 200 comments"));
    assert_eq!(status_of(&app, c), Some(Status::Pending));
    let (_, queue) = moderator.page("/admin/comments").await;
    let garbage = moderator
        .submit(
            "/admin/comments/bulk",
            &[
                ("csrf_token", &csrf_token(&queue)),
                ("action", "approve"),
                ("ids", "abc"),
                ("ids", "-1"),
                ("ids", "99999999999999"),
            ],
        )
        .await;
    assert_eq!(garbage.status, StatusCode::OK);
    assert!(garbage.html.contains("0 comments approved."));
    // Editors may; authors may not.
    let author = app.new_browser();
    app.with_conn(|conn| {
        crate::common::insert_user(
            conn,
            "writer",
            "writer@example.com",
            crate::admin_settings::PASSWORD,
            glowpress::accounts::users::Role::Author,
        )
    });
    author
        .log_in("writer", crate::admin_settings::PASSWORD)
        .await;
    let (_, home) = author.page("/").await;
    let c_text = c.to_string();
    let refused = author
        .submit(
            "/admin/comments/bulk",
            &[
                ("csrf_token", &csrf_token(&home)),
                ("action", "approve"),
                ("ids", &c_text),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, c), Some(Status::Pending));
}

async fn the_queue_says_which_comment_a_reply_answers_and_reply_and_approve_confirms(app: TestApp) {
    let moderator = admin(&app).await;
    let (parent, reply, held_parent, reply_to_held) = app.with_conn(|conn| {
        let parent = insert(conn, "Rosa Parent", "The question", Status::Approved, None);
        let reply = insert(conn, "Kid", "An answer", Status::Pending, Some(parent));
        let held_parent = insert(conn, "Held Parent", "Unsure", Status::Pending, None);
        let reply_to_held = insert(conn, "Kid Two", "Hm", Status::Pending, Some(held_parent));
        (parent, reply, held_parent, reply_to_held)
    });
    let (_, queue) = moderator.page("/admin/comments").await;
    assert!(
        queue.contains(&format!(
            "In reply to <a href=\"/comments/{parent}\">Rosa Parent</a>"
        )),
        "{queue}"
    );
    assert!(queue.contains(&format!(
        "In reply to <a href=\"/admin/comments?status=pending#comment-{held_parent}\">Held Parent</a>"
    )));
    assert_eq!(count(&queue, "In reply to"), 2);
    // The permalink leads to the parent's anchor on the article.
    let link = moderator.visit(&format!("/comments/{parent}")).await;
    assert_eq!(link.path, ARTICLE);
    assert!(shows(&link.html, parent));

    // A refused reply comes back in its form, typed text kept, nothing changed.
    let too_long = "x".repeat(5001);
    let refused = moderator
        .submit(
            &format!("/admin/comments/{reply}/reply"),
            &[
                ("csrf_token", &csrf_token(&queue)),
                ("status", "pending"),
                ("comment", &too_long),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.html.contains(&format!(
        "<p class=\"field__error\" id=\"reply-{reply}-error\" role=\"alert\">A reply needs between 1 and 5000 characters.</p>"
    )));
    assert!(refused.html.contains(&format!("{too_long}</textarea>")));
    assert_eq!(status_of(&app, reply), Some(Status::Pending));
    let blank = moderator
        .submit(
            &format!("/admin/comments/{reply}/reply"),
            &[("csrf_token", &csrf_token(&queue)), ("comment", "  \u{0} ")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert_eq!(status_of(&app, reply), Some(Status::Pending));

    let answered = moderator
        .submit(
            &format!("/admin/comments/{reply}/reply"),
            &[
                ("csrf_token", &csrf_token(&queue)),
                ("comment", "Thanks, Kid!"),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK);
    assert!(
        answered.html.contains("Reply posted and comment approved."),
        "{}",
        answered.html
    );
    assert_eq!(status_of(&app, reply), Some(Status::Approved));
    let new_id: i32 = app.with_conn(|conn| {
        comments::table
            .filter(comments::body.eq("Thanks, Kid!"))
            .select(comments::id)
            .first(conn)
            .expect("the reply is stored")
    });
    assert!(
        answered.html.contains(&format!(
            "<a class=\"flash__link\" href=\"/comments/{new_id}\">View reply</a>"
        )),
        "{}",
        answered.html
    );
    let shown = moderator.visit(&format!("/comments/{new_id}")).await;
    assert!(shows(&shown.html, new_id));
    assert!(shown.html.contains("Thanks, Kid!"));
    assert_eq!(status_of(&app, reply_to_held), Some(Status::Pending));
}

async fn comment_html_is_stored_once_and_rendered_again_only_when_outdated(app: TestApp) {
    let (id, old) = app.with_conn(|conn| {
        let id = insert(
            conn,
            "Marked Up",
            "<strong>Bold claim</strong> see https://glow.example <script>x</script>",
            Status::Approved,
            None,
        );
        let old = insert(
            conn,
            "Old Row",
            "Before *the* migration",
            Status::Approved,
            None,
        );
        (id, old)
    });
    let (html, version): (String, i32) = app.with_conn(|conn| {
        comments::table
            .find(id)
            .select((comments::body_html, comments::render_version))
            .first(conn)
            .expect("the row")
    });
    assert!(html.contains("<strong>Bold claim</strong>"), "{html}");
    assert!(html.contains("rel=\"nofollow ugc noopener\""), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(version, glowpress::comments::text::RENDER_VERSION);

    // The page shows the stored HTML, not the source rendered again.
    app.with_conn(|conn| {
        diesel::update(comments::table.find(id))
            .set(comments::body.eq("Changed behind its back"))
            .execute(conn)
            .expect("update")
    });
    let (_, article) = app.new_browser().page(ARTICLE).await;
    assert!(article.contains("<strong>Bold claim</strong>"));
    assert!(!article.contains("Changed behind its back"));

    // A row from before the column: no HTML, version 0. rerender_outdated fills it in.
    app.with_conn(|conn| {
        diesel::update(comments::table.find(old))
            .set((comments::body_html.eq(""), comments::render_version.eq(0)))
            .execute(conn)
            .expect("update")
    });
    let rendered = app
        .with_conn(glowpress::comments::rerender_outdated)
        .expect("rerender");
    assert_eq!(rendered, 1, "only the outdated row");
    let (_, article) = app.new_browser().page(ARTICLE).await;
    assert!(
        article.contains("<p>Before *the* migration</p>"),
        "{article}"
    );
    let again = app
        .with_conn(glowpress::comments::rerender_outdated)
        .expect("rerender");
    assert_eq!(again, 0);
    // The queue shows the stored HTML too.
    let moderator = admin(&app).await;
    let (_, queue) = moderator.page("/admin/comments?status=approved").await;
    assert!(queue.contains("<strong>Bold claim</strong>"));
    assert!(!queue.contains("Changed behind its back"));
}
