//! The moderation queue: comments by status, with one POST per action. Editors and
//! administrators only.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::visitor::RequireEditor;
use crate::admin::menu::AdminMenu;
use crate::comments::store::{self, NewComment, Status};
use crate::comments::{text, tree};
use crate::db::Db;
use crate::error::AppError;
use crate::settings::Settings;
use crate::web::dates;
use crate::web::forms::{private_page, see_other, too_long};
use crate::web::layout::{HeaderInfo, Layout};

const QUEUE_SIZE: i64 = 100;

#[derive(Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    comment: String,
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
    let header = HeaderInfo::of(&editor.visitor);
    let page = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Comments"))?;
            let counts: HashMap<Status, i64> = store::counts_by_status(conn)?.into_iter().collect();
            let rows = store::list_with_posts(conn, Some(status), None, QUEUE_SIZE)?;
            Ok((layout, counts, rows))
        })
        .await?;
    let (layout, counts, rows) = page;
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
        .map(|row| QueueItem {
            id: row.comment.id,
            body_html: text::to_html(&row.comment.body),
            actions: actions_for(row.comment.status),
            author: row.comment.author_name,
            email: row.comment.author_email,
            url: row.comment.author_url,
            status: row.comment.status,
            date: dates::human_with_time(row.comment.created_at),
            post_title: row.post_title,
            post_href: format!("/posts/{}", row.post_slug),
        })
        .collect();
    private_page(
        StatusCode::OK,
        &QueuePage {
            layout,
            menu: AdminMenu::new(editor.user.role(), "/admin/comments"),
            csrf_token: editor.visitor.session.csrf_token(),
            tabs,
            items,
        },
    )
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
        .write(move |conn| {
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
    let body = form.into_inner().comment.trim().to_owned();
    if body.is_empty() || too_long(&body, crate::comments::TEXT_MAX) {
        return Err(AppError::BadRequest(
            "A reply needs between 1 and 5,000 characters. Go back: your text is still in the \
             form."
                .to_owned(),
        ));
    }
    let user = editor.user.clone();
    db.write(move |conn| {
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
        )?;
        Ok(())
    })
    .await?;
    editor
        .visitor
        .session
        .flash("Your reply is published, and the comment you answered is approved.");
    Ok(see_other("/admin/comments?status=pending"))
}
