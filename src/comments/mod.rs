//! "Leave a reply": threaded comments with moderation and layered spam defence.

mod feed;
mod notify;
pub mod rules;
pub mod section;
pub mod stamp;
pub mod store;
mod submit;
pub mod text;
pub mod tree;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, web};
use time::{Duration, PrimitiveDateTime};

use crate::accounts::session::AppSession;
use crate::db::Db;
use crate::error::AppError;
use crate::posts::queries::Article;
use crate::settings::Settings;
use section::ReplyForm;
pub use store::rerender_outdated;
pub use submit::{CommentForm, Reply, TEXT_MAX, submit};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/posts/{slug}/comments/feed.xml",
        web::get().to(feed::post_feed),
    )
    .route("/comments/feed.xml", web::get().to(feed::site_feed))
    .route("/comments/{id}", web::get().to(permalink));
}

/// Timing rules of the spam defence; from the config so tests can shorten them.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// A form sent back sooner than this (seconds) is refused as too fast.
    pub min_form_age: i64,
    /// A form older than this is refused as stale.
    pub max_form_age: i64,
    /// Seconds between two comments from one address or email.
    pub flood_interval: i64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            min_form_age: 3,
            max_form_age: 24 * 3600,
            flood_interval: 15,
        }
    }
}

/// Whether the post takes new comments: open, and not older than the auto-close age.
pub fn accepts_comments(settings: &Settings, article: &Article, now: PrimitiveDateTime) -> bool {
    let too_old = settings.close_comments_days_old > 0
        && article
            .published_at
            .is_some_and(|at| at + Duration::days(settings.close_comments_days_old) < now);
    article.comments_open && !too_old
}

const OWN_PENDING: &str = "own_comments";
const COMMENTER_COOKIE: &str = "glowpress_commenter";

/// Held comments this browser wrote: shown to it with "awaiting moderation".
pub fn own_pending(session: &AppSession) -> Vec<i32> {
    session
        .raw()
        .get(OWN_PENDING)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn remember_own(session: &AppSession, id: i32) {
    let mut ids = own_pending(session);
    ids.push(id);
    let keep_from = ids.len().saturating_sub(20);
    let _ = session.raw().insert(OWN_PENDING, &ids[keep_from..]);
}

/// The name, email and website saved by "Save my name, email, and website…".
pub fn remembered_commenter(req: &HttpRequest) -> ReplyForm {
    let mut form = ReplyForm::default();
    if let Some(cookie) = req.cookie(COMMENTER_COOKIE) {
        for (key, value) in form_urlencoded::parse(cookie.value().as_bytes()) {
            match key.as_ref() {
                "n" => form.author = value.into_owned(),
                "e" => form.email = value.into_owned(),
                "u" => form.url = value.into_owned(),
                _ => {}
            }
        }
        form.save_details = true;
    }
    form
}

fn commenter_cookie(author: &str, email: &str, url: &str, secure: bool) -> Cookie<'static> {
    let value: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("n", author)
        .append_pair("e", email)
        .append_pair("u", url)
        .finish();
    Cookie::build(COMMENTER_COOKIE, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(365))
        .finish()
}

fn forget_commenter_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = commenter_cookie("", "", "", secure);
    cookie.make_removal();
    cookie
}

/// `/comments/{id}`: a permalink that survives pagination, redirecting to the page that
/// holds the comment now.
async fn permalink(db: web::Data<Db>, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id: i32 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let target = db
        .run(move |conn| {
            let comment = store::find(conn, id)?.ok_or(AppError::NotFound)?;
            if comment.status != store::Status::Approved {
                return Err(AppError::NotFound);
            }
            let now = crate::web::dates::now();
            let post = crate::posts::queries::find_published_by_id(conn, now, comment.post_id)?;
            let settings = Settings::load(conn)?;
            let approved = store::approved_pairs(conn, post.0)?;
            Ok(location(&post.1, page_among(&settings, &approved, id), id))
        })
        .await?;
    Ok(crate::web::forms::see_other(&target))
}

/// The comments page (1-based) that shows comment `comment_id` among `shown`, the
/// (id, parent) of the comments its reader sees, oldest first.
fn page_among(settings: &Settings, shown: &[(i32, Option<i32>)], comment_id: i32) -> usize {
    let per_page = settings.comments_per_page.max(1) as usize;
    tree::page_of(shown, per_page, comment_id).unwrap_or(1)
}

/// `/posts/slug?cpage=N#comment-ID`.
fn location(slug: &str, page: usize, comment_id: i32) -> String {
    let path = section::comments_page_href(&format!("/posts/{slug}"), page);
    format!("{path}#comment-{comment_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_form_lives_from_three_seconds_to_one_day_and_the_flood_limit_is_fifteen_seconds() {
        let timing = Timing::default();
        assert_eq!(timing.min_form_age, 3);
        assert_eq!(timing.max_form_age, 24 * 3600);
        assert_eq!(timing.flood_interval, 15);
    }
}
