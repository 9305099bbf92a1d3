//! Password-protected posts (imported from WordPress): the article shows a password form
//! instead of its content and comments until the right password is given; the unlock is
//! kept in the session. Feeds, listings and search never show protected content.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel::prelude::*;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::accounts::session::AppSession;
use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::db::schema::posts;
use crate::error::AppError;
use crate::posts::queries;
use crate::posts::{ArticleRequest, render_article};
use crate::web::client::ClientAddr;
use crate::web::dates;
use crate::web::forms::see_other;
use crate::web::session::Secrets;

const UNLOCKED: &str = "unlocked_posts";
/// The most unlocked posts a session remembers (the oldest are forgotten).
const MAX_UNLOCKED: usize = 50;

/// What the article shows instead of a protected post's content.
pub struct PasswordPrompt {
    pub action: String,
    pub csrf_token: String,
    pub message: Option<String>,
}

/// The posts this session has given the password of.
pub fn unlocked(session: &AppSession) -> Vec<i32> {
    session
        .raw()
        .get(UNLOCKED)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn remember_unlocked(session: &AppSession, id: i32) {
    let mut ids = unlocked(session);
    if !ids.contains(&id) {
        ids.push(id);
    }
    let keep_from = ids.len().saturating_sub(MAX_UNLOCKED);
    let _ = session.raw().insert(UNLOCKED, &ids[keep_from..]);
}

/// Compared in constant time, so the time taken does not tell how much of it was right.
pub fn password_matches(stored: &str, typed: &str) -> bool {
    bool::from(stored.as_bytes().ct_eq(typed.as_bytes()))
}

#[derive(Deserialize)]
pub struct UnlockForm {
    #[serde(default)]
    password: String,
}

/// `POST /posts/{slug}/password`: the right password unlocks the post for this session
/// (303 back to it); a wrong one shows the form again with a message (403).
pub async fn unlock(
    req: HttpRequest,
    db: web::Data<Db>,
    secrets: web::Data<Secrets>,
    visitor: Visitor,
    client: ClientAddr,
    slug: web::Path<String>,
    form: web::Form<UnlockForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let wanted = slug.clone();
    let (id, stored): (i32, Option<String>) = db
        .run(move |conn| {
            let (id, _) =
                queries::find_published(conn, dates::now(), &wanted).map(|a| (a.id, a.slug))?;
            let stored = posts::table.find(id).select(posts::password).first(conn)?;
            Ok((id, stored))
        })
        .await?;
    let path = format!("/posts/{slug}");
    match stored {
        None => Ok(see_other(&path)),
        Some(stored) if password_matches(&stored, &form.password) => {
            remember_unlocked(&visitor.session, id);
            Ok(see_other(&path))
        }
        Some(_) => {
            let request = ArticleRequest {
                comments_page: None,
                reply_to: None,
                form: crate::comments::remembered_commenter(&req),
                status: StatusCode::FORBIDDEN,
                client,
                password_message: Some("That password is not right. Try again.".to_owned()),
            };
            let site_url = crate::web::seo::site_url(&req);
            render_article(&db, site_url, &secrets, &visitor, slug, request).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::password_matches;

    #[test]
    fn only_the_exact_password_matches() {
        assert!(password_matches("enter", "enter"));
        assert!(!password_matches("enter", "Enter"));
        assert!(!password_matches("enter", "ente"));
        assert!(!password_matches("enter", ""));
    }
}
