//! The moderation queue: comments by status, with one POST per action and one for bulk
//! actions on the ticked comments. Editors and administrators only.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::visitor::RequireEditor;
use crate::admin::menu::AdminMenu;
use crate::comments::store::{self, NewComment, Status};
use crate::comments::tree;
use crate::db::schema::comments;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::settings::Settings;
use crate::web::dates::{self, DateStyle};
use crate::web::forms::{private_page, see_other, too_long};
use crate::web::layout::{HeaderInfo, Layout};

const QUEUE_SIZE: i64 = 100;
/// The most comments one bulk action takes (the queue shows `QUEUE_SIZE`).
pub const BULK_MAX: usize = 200;

#[derive(Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    comment: String,
    /// The tab the form was on, to show again if the reply is refused.
    #[serde(default)]
    status: String,
}

pub struct Tab {
    pub status: Status,
    pub label: &'static str,
    pub count: i64,
    pub current: bool,
}

pub struct QueueItem {
    pub id: i32,
    pub author: String,
    pub email: String,
    pub url: String,
    pub body_html: String,
    pub status: Status,
    pub date: String,
    pub post_title: String,
    pub post_href: String,
    /// "In reply to <author>": the answered comment's author and where it is.
    pub in_reply_to: Option<(String, String)>,
    /// What a refused reply to this comment had, and why it was refused.
    pub reply_text: String,
    pub reply_error: Option<String>,
    pub actions: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "admin/comments.html")]
struct QueuePage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    tabs: Vec<Tab>,
    items: Vec<QueueItem>,
    status: Status,
    bulk_actions: Vec<(&'static str, &'static str)>,
}

/// (value, label) of the bulk actions offered in the tab of `status`.
fn bulk_actions_for(status: Status) -> Vec<(&'static str, &'static str)> {
    let mut actions: Vec<_> = [
        ("approve", "Approve", Status::Approved),
        ("unapprove", "Unapprove", Status::Pending),
        ("spam", "Mark as spam", Status::Spam),
        ("trash", "Move to Trash", Status::Trash),
    ]
    .into_iter()
    .filter(|(_, _, to)| *to != status)
    .map(|(value, label, _)| (value, label))
    .collect();
    if matches!(status, Status::Spam | Status::Trash) {
        actions.push(("delete", "Delete permanently"));
    }
    actions
}

/// (action path, button label) for a comment in `status`.
fn actions_for(status: Status) -> Vec<(&'static str, &'static str)> {
    let mut actions = Vec::new();
    if status != Status::Approved {
        actions.push(("approve", "Approve"));
    } else {
        actions.push(("unapprove", "Unapprove"));
    }
    if status != Status::Spam {
        actions.push(("spam", "Spam"));
    }
    if status != Status::Trash {
        actions.push(("trash", "Trash"));
    }
    actions
}

pub async fn queue(
    db: web::Data<Db>,
    editor: RequireEditor,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let status = match query.status.as_deref() {
        None | Some("") => Status::Pending,
        Some(s) => Status::parse(s)
            .ok_or_else(|| AppError::BadRequest(format!("Unknown comment status “{s}”.")))?,
    };
    render_queue(&db, &editor, status, None).await
}

/// A reply the queue refused: shown again in its comment's form, with why.
struct RefusedReply {
    comment_id: i32,
    text: String,
    message: String,
}

/// The tab of `status`; a refused reply is shown in its form (400).
async fn render_queue(
    db: &Db,
    editor: &RequireEditor,
    status: Status,
    refused: Option<RefusedReply>,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&editor.visitor);
    let page = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Comments"))?;
            let counts: HashMap<Status, i64> = store::counts_by_status(conn)?.into_iter().collect();
            let rows = store::list_with_posts(conn, Some(status), None, QUEUE_SIZE)?;
            let parents = parents_of(conn, &rows)?;
            Ok((layout, counts, rows, parents))
        })
        .await?;
    let (layout, counts, rows, parents) = page;
    let style = DateStyle::of(&layout.settings);
    let tabs = Status::ALL
        .into_iter()
        .map(|s| Tab {
            status: s,
            label: s.label(),
            count: counts.get(&s).copied().unwrap_or(0),
            current: s == status,
        })
        .collect();
    let items = rows
        .into_iter()
        .map(|row| {
            let in_reply_to = row.comment.parent_id.and_then(|parent_id| {
                let (author, parent_status) = parents.get(&parent_id)?;
                let href = match parent_status {
                    // The permalink leads to the page of the article that shows it.
                    Status::Approved => format!("/comments/{parent_id}"),
                    other => format!("/admin/comments?status={other}#comment-{parent_id}"),
                };
                Some((author.clone(), href))
            });
            let refused_here = refused.as_ref().filter(|r| r.comment_id == row.comment.id);
            QueueItem {
                reply_text: refused_here.map(|r| r.text.clone()).unwrap_or_default(),
                reply_error: refused_here.map(|r| r.message.clone()),
                id: row.comment.id,
                body_html: row.comment.body_html,
                actions: actions_for(row.comment.status),
                author: row.comment.author_name,
                email: row.comment.author_email,
                url: row.comment.author_url,
                status: row.comment.status,
                date: style.date_time(row.comment.created_at),
                post_title: row.post_title,
                post_href: format!("/posts/{}", row.post_slug),
                in_reply_to,
            }
        })
        .collect();
    let code = match refused {
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    private_page(
        code,
        &QueuePage {
            layout,
            menu: AdminMenu::new(editor.user.role(), "/admin/comments"),
            csrf_token: editor.visitor.session.csrf_token(),
            tabs,
            items,
            status,
            bulk_actions: bulk_actions_for(status),
        },
    )
}

/// The author and status of each comment the rows answer: one query.
fn parents_of(
    conn: &mut DbConn,
    rows: &[store::CommentOnPost],
) -> diesel::QueryResult<HashMap<i32, (String, Status)>> {
    use diesel::prelude::*;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.comment.parent_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let found: Vec<(i32, String, String)> = comments::table
        .filter(comments::id.eq_any(&ids))
        .select((comments::id, comments::author_name, comments::status))
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|(id, author, status)| (id, (author, Status::from(status))))
        .collect())
}

/// POST /admin/comments/bulk: `action` on every ticked `ids` (unknown ids are ignored);
/// back to the tab it was sent from (`status`).
pub async fn bulk(
    db: web::Data<Db>,
    editor: RequireEditor,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let back = match Status::parse(value("status")) {
        Some(status) => format!("/admin/comments?status={status}"),
        None => "/admin/comments".to_owned(),
    };
    let action = value("action").to_owned();
    let mut ids: Vec<i32> = fields
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > BULK_MAX {
        return Err(AppError::BadRequest(format!(
            "At most {BULK_MAX} comments can be changed at once; tick fewer and apply again."
        )));
    }
    let target = match action.as_str() {
        "approve" => Some(Status::Approved),
        "unapprove" => Some(Status::Pending),
        "spam" => Some(Status::Spam),
        "trash" => Some(Status::Trash),
        "delete" => None,
        "" => {
            editor
                .visitor
                .session
                .flash("Choose an action to apply to the ticked comments.");
            return Ok(see_other(&back));
        }
        _ => {
            return Err(AppError::BadRequest(
                "That bulk action does not exist.".to_owned(),
            ));
        }
    };
    if ids.is_empty() {
        editor
            .visitor
            .session
            .flash("Tick the comments to apply the action to.");
        return Ok(see_other(&back));
    }
    let changed = db
        .write_content(move |conn| {
            Ok(match target {
                Some(status) => store::set_status_of_many(conn, &ids, status)?,
                None => store::delete_from_spam_and_trash(conn, &ids)?,
            })
        })
        .await?;
    let what = match changed {
        1 => "1 comment".to_owned(),
        n => format!("{n} comments"),
    };
    let message = match target {
        Some(Status::Approved) => format!("{what} approved."),
        Some(Status::Pending) => format!("{what} unapproved."),
        Some(Status::Spam) => format!("{what} marked as spam."),
        Some(Status::Trash) => format!("{what} moved to the Trash."),
        None => format!("{what} deleted permanently."),
    };
    editor.visitor.session.flash(&message);
    Ok(see_other(&back))
}

/// POST /admin/comments/{id}/{action}: approve, unapprove, spam or trash.
pub async fn act(
    db: web::Data<Db>,
    editor: RequireEditor,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let status = match action.as_str() {
        "approve" => Status::Approved,
        "unapprove" => Status::Pending,
        "spam" => Status::Spam,
        "trash" => Status::Trash,
        _ => return Err(AppError::NotFound),
    };
    let previous = db
        .write_content(move |conn| {
            let comment = store::find(conn, id)?.ok_or(AppError::NotFound)?;
            store::set_status(conn, id, status)?;
            Ok(comment.status)
        })
        .await?;
    editor
        .visitor
        .session
        .flash(&format!("Comment {id} moved to {}.", status.label()));
    Ok(see_other(&format!("/admin/comments?status={previous}")))
}

/// POST /admin/comments/{id}/reply: answers as the editor, approving the comment answered.
pub async fn reply(
    db: web::Data<Db>,
    editor: RequireEditor,
    id: web::Path<i32>,
    form: web::Form<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let mut typed = form.comment;
    crate::web::text::strip_in_place(&mut typed);
    let body = typed.trim().to_owned();
    if body.is_empty() || too_long(&body, crate::comments::TEXT_MAX) {
        let tab = Status::parse(&form.status).unwrap_or(Status::Pending);
        let refused = RefusedReply {
            comment_id: id,
            text: typed,
            message: format!(
                "A reply needs between 1 and {} characters.",
                crate::comments::TEXT_MAX
            ),
        };
        return render_queue(&db, &editor, tab, Some(refused)).await;
    }
    let user = editor.user.clone();
    let reply_id = db
        .write_content(move |conn| {
            let parent = store::find(conn, id)?.ok_or(AppError::NotFound)?;
            let settings = Settings::load(conn)?;
            let (sibling, depth) =
                tree::attach_depth(Some(parent.depth), settings.thread_comments_depth as i32);
            store::set_status(conn, parent.id, Status::Approved)?;
            store::insert(
                conn,
                &NewComment {
                    post_id: parent.post_id,
                    parent_id: if sibling {
                        parent.parent_id
                    } else {
                        Some(parent.id)
                    },
                    user_id: Some(user.id),
                    author_name: &user.display_name,
                    author_email: &user.email,
                    author_url: "",
                    body: &body,
                    status: Status::Approved,
                    depth,
                    ip_hash: "",
                    user_agent: "",
                },
                dates::now(),
            )
            .map_err(AppError::from)
        })
        .await?;
    editor.visitor.session.flash_with_link(
        "Reply posted and comment approved.",
        &format!("/comments/{reply_id}"),
        "View reply",
    );
    Ok(see_other("/admin/comments?status=pending"))
}
