//! Password-protected posts (imported from WordPress): the article shows a password form
//! instead of its content and comments until the right password is given; the unlock is
//! kept in the session. Feeds, listings and search never show protected content. Guesses
//! are counted per post and client address (`throttle::post_password`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::accounts::session::AppSession;
use crate::accounts::throttle;
use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::error::AppError;
use crate::posts::queries::{self, Kind};
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

/// What a password given for a post or page came to.
enum Unlock {
    /// Not protected (any more): nothing to unlock.
    Open,
    Right(i32),
    Wrong,
    /// Too many wrong guesses from this address: when it may try again.
    Wait(String),
}

/// `POST /posts/{slug}/password`: the right password unlocks the post for this session
/// (303 back to it); a wrong one shows the form again with a message (403).
pub async fn unlock_post(
    req: HttpRequest,
    db: web::Data<Db>,
    secrets: web::Data<Secrets>,
    visitor: Visitor,
    client: ClientAddr,
    slug: web::Path<String>,
    form: web::Form<UnlockForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let unlock = check(&db, Kind::Post, &slug, &client, form.into_inner()).await?;
    let Some((status, message)) = refusal(&visitor, unlock) else {
        return Ok(see_other(&format!("/posts/{slug}")));
    };
    let request = ArticleRequest {
        comments_page: None,
        reply_to: None,
        form: crate::comments::remembered_commenter(&req),
        status,
        client,
        password_message: Some(message),
    };
    render_article(&req, Some(&visitor), &secrets, slug, request).await
}

/// `POST /pages/{slug}/password`: as [`unlock_post`], for a page.
pub async fn unlock_page(
    req: HttpRequest,
    db: web::Data<Db>,
    visitor: Visitor,
    client: ClientAddr,
    slug: web::Path<String>,
    form: web::Form<UnlockForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let unlock = check(&db, Kind::Page, &slug, &client, form.into_inner()).await?;
    match refusal(&visitor, unlock) {
        None => Ok(see_other(&format!("/{slug}"))),
        Some((status, message)) => {
            crate::posts::pages::render_page(&req, &db, &visitor, slug, Some(message), status).await
        }
    }
}

/// Remembers a right password in the session (None: go to the content), or says why the
/// form comes back.
fn refusal(visitor: &Visitor, unlock: Unlock) -> Option<(StatusCode, String)> {
    match unlock {
        Unlock::Open => None,
        Unlock::Right(id) => {
            remember_unlocked(&visitor.session, id);
            None
        }
        Unlock::Wrong => Some((
            StatusCode::FORBIDDEN,
            "That password is not right. Try again.".to_owned(),
        )),
        Unlock::Wait(when) => Some((
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many wrong passwords from your connection. Try again {when}."),
        )),
    }
}

/// Checks a password against the post's, counting the guess against this address's budget
/// for this post: a stranger guessing cannot lock out readers elsewhere.
async fn check(
    db: &Db,
    kind: Kind,
    slug: &str,
    client: &ClientAddr,
    form: UnlockForm,
) -> Result<Unlock, AppError> {
    let slug = slug.to_owned();
    let address = client.0.clone();
    db.write(move |conn| {
        let now = dates::now();
        let found = queries::find_published_of(conn, kind, now, &slug)?;
        let Some(stored) = found.password else {
            return Ok(Unlock::Open);
        };
        let budget = [throttle::post_password(found.id, &address)];
        let rows = match throttle::begin_attempt(conn, &budget, now)? {
            Ok(rows) => rows,
            Err(until) => return Ok(Unlock::Wait(throttle::wait_phrase(now, until))),
        };
        if password_matches(&stored, &form.password) {
            throttle::forget(conn, &rows)?;
            Ok(Unlock::Right(found.id))
        } else {
            Ok(Unlock::Wrong)
        }
    })
    .await
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
