//! The article page. What every reader sees the same (the article, its comment threads, its
//! metadata) is rendered once per content version and kept ([`ArticleCache`]); the frame
//! around it (who is logged in, the mini-cart, tokens) and the reply form are rendered per
//! request. A hit for an anonymous reader needs no database.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use time::{Duration, PrimitiveDateTime};

use crate::accounts::visitor::Visitor;
use crate::comments::{
    self,
    section::{CommentThread, FormRequest, ReplyForm, ThreadRequest},
};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::posts::{meta, protected, queries, views::ArticleView};
use crate::web::app_data;
use crate::web::client::ClientAddr;
use crate::web::csrf::reply_form_token;
use crate::web::dates;
use crate::web::layout::{Chrome, ChromeCache, HeaderInfo, Layout, MiniCart};
use crate::web::page_cache::PageCache;
use crate::web::seo::Meta;
use crate::web::session::Secrets;
use prometheus_client::metrics::counter::Counter;

/// Articles (and their comment pages) kept at once: with a 50 KB article and 50 comments an
/// entry is about 60 KB.
const KEPT_ARTICLES: usize = 200;

/// What an article page shows besides the article: which page of comments, the reply
/// form's state, and the status (4xx when it comes back with a refused comment).
pub struct ArticleRequest {
    pub comments_page: Option<usize>,
    pub reply_to: Option<i32>,
    pub form: ReplyForm,
    pub status: StatusCode,
    /// Who asks: the reply form's stamp is bound to this address.
    pub client: ClientAddr,
    /// Why the password of a protected post was refused.
    pub password_message: Option<String>,
}

/// The parts of an article page that are the same for every reader.
pub struct ArticleFragment {
    post_id: i32,
    protected: bool,
    pub open: bool,
    pub post_path: String,
    title: String,
    description: String,
    meta: Meta,
    pub header_html: String,
    /// Never shown while the post is locked by its password.
    pub body_html: String,
    pub thread_html: String,
    thread: CommentThread,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct ArticleKey {
    slug: String,
    comments_page: Option<usize>,
}

pub struct ArticleCache(PageCache<ArticleKey, ArticleFragment>);

impl Default for ArticleCache {
    fn default() -> ArticleCache {
        ArticleCache(PageCache::new(KEPT_ARTICLES))
    }
}

impl ArticleCache {
    /// Hits and misses, for `/metrics`.
    pub fn lookup_counters(&self) -> (Counter, Counter) {
        self.0.lookup_counters()
    }
}

#[derive(Template)]
#[template(path = "posts/article.html")]
struct ArticlePage<'a> {
    layout: Layout,
    fragment: &'a ArticleFragment,
    form: ReplyForm,
    /// Set while a password-protected post is locked: the form instead of its content.
    locked: Option<protected::PasswordPrompt>,
}

#[derive(Template)]
#[template(path = "posts/article_header.html")]
struct HeaderPart<'a> {
    article: &'a ArticleView,
}

#[derive(Template)]
#[template(path = "posts/article_body.html")]
struct BodyPart<'a> {
    article: &'a ArticleView,
}

#[derive(Template)]
#[template(path = "comments/thread.html")]
struct ThreadPart<'a> {
    comments_label: &'a str,
    thread: &'a CommentThread,
}

/// Everything the page needs from the caches (or, on a miss, the database).
pub struct Caches<'a> {
    pub db: &'a Db,
    pub chrome: &'a ChromeCache,
    pub articles: &'a ArticleCache,
    pub listings: &'a super::ListingCache,
}

impl<'a> Caches<'a> {
    /// The app's own, from the request.
    pub fn of(req: &'a HttpRequest) -> Result<Caches<'a>, AppError> {
        Ok(Caches {
            db: app_data(req)?,
            chrome: app_data(req)?,
            articles: app_data(req)?,
            listings: app_data(req)?,
        })
    }
}

/// The article page for `known` (the visitor, when the handler has already looked them up)
/// or for whoever sent `req`.
pub async fn render_article(
    req: &HttpRequest,
    known: Option<&Visitor>,
    secrets: &Secrets,
    slug: String,
    request: ArticleRequest,
) -> Result<HttpResponse, AppError> {
    let caches = Caches::of(req)?;
    let db = caches.db;
    let site_url = crate::web::seo::site_url(req);
    let chrome = caches.chrome.get(db).await?;
    let looked_up;
    let (visitor, cart) = match known {
        Some(visitor) => (visitor, Layout::cart_of(db, &chrome, visitor).await?),
        None => {
            let (visitor, cart) = Layout::visitor_and_cart(req, &chrome).await?;
            looked_up = visitor;
            (&looked_up, cart)
        }
    };
    let header = HeaderInfo::of(visitor);
    let own_pending = comments::own_pending(&visitor.session);
    let fragment = fragment(
        &caches,
        chrome.clone(),
        site_url,
        slug,
        request.comments_page,
        own_pending,
    )
    .await?;
    let unlocked = protected::unlocked(&visitor.session);
    let locked = (fragment.protected && !unlocked.contains(&fragment.post_id)).then(|| {
        protected::PasswordPrompt {
            action: format!("{}/password", fragment.post_path),
            // Only a locked post gives its reader a session.
            csrf_token: visitor.session.csrf_token(),
            message: request.password_message,
        }
    });
    let form = comments::section::reply_form(
        &fragment.thread,
        FormRequest {
            post_id: fragment.post_id,
            reply_to: request.reply_to,
            csrf_token: reply_form_token(visitor, secrets),
            logged_in_as: visitor.user.as_ref().map(|u| u.display_name.clone()),
            require_name_email: chrome.settings.comments_require_name_email,
            secrets,
            ip_hash: &request.client.0,
            now: dates::now(),
        },
        request.form,
    );
    let layout = Layout::assemble(&chrome, header, None, cart).with_page_meta(
        &fragment.title,
        &fragment.description,
        &fragment.meta,
    );
    let page = ArticlePage {
        layout,
        fragment: &fragment,
        form,
        locked,
    };
    crate::web::forms::private_page(request.status, &page)
}

/// The kept parts for this content version, or made now. A reader with a comment awaiting
/// moderation sees it in the thread: their page is made for them alone and not kept.
async fn fragment(
    caches: &Caches<'_>,
    chrome: Arc<Chrome>,
    site_url: String,
    slug: String,
    comments_page: Option<usize>,
    own_pending: Vec<i32>,
) -> Result<Arc<ArticleFragment>, AppError> {
    let version = caches.db.content().current();
    let now = dates::now();
    let key = ArticleKey {
        slug,
        comments_page,
    };
    let shared = own_pending.is_empty();
    if shared && let Some(kept) = caches.articles.0.get(&key, version, now) {
        return Ok(kept);
    }
    let slug = key.slug.clone();
    let (fragment, fresh_until) = caches
        .db
        .run(move |conn| {
            make_fragment(conn, &chrome, &site_url, &slug, comments_page, &own_pending)
        })
        .await?;
    let fragment = Arc::new(fragment);
    if shared {
        caches
            .articles
            .0
            .put(key, version, fresh_until, fragment.clone());
    }
    Ok(fragment)
}

/// Loads and renders the shared parts; also says until when they hold without a content
/// change (comments close on their own after the days the settings give).
fn make_fragment(
    conn: &mut DbConn,
    chrome: &Chrome,
    site_url: &str,
    slug: &str,
    comments_page: Option<usize>,
    own_pending: &[i32],
) -> Result<(ArticleFragment, Option<PrimitiveDateTime>), AppError> {
    let now = dates::now();
    let settings = &chrome.settings;
    let article = queries::find_published(conn, now, slug)?;
    let tags = queries::tags_of(conn, article.id)?;
    let categories = queries::categories_of(conn, article.id)?;
    let count = queries::approved_comment_counts(conn, &[article.id])?
        .get(&article.id)
        .copied()
        .unwrap_or(0);
    let post_path = format!("/posts/{}", article.slug);
    let open = comments::accepts_comments(settings, &article, now);
    let fresh_until = closing_time(settings.close_comments_days_old, &article, now);
    let thread = comments::section::thread(
        conn,
        settings,
        ThreadRequest {
            post_id: article.id,
            post_path: &post_path,
            open,
            own_pending,
            page: comments_page,
        },
    )?;
    // The title, description and metadata the frame will carry.
    let mut frame = Layout::assemble(
        chrome,
        HeaderInfo::default(),
        Some(&article.title),
        MiniCart::empty(Default::default()),
    );
    meta::article(&mut frame, site_url, &article, &tags);
    let (post_id, protected) = (article.id, article.password.is_some());
    let style = dates::DateStyle::of(settings);
    let view = ArticleView::new(&style, article, [categories, tags], count);
    let fragment = ArticleFragment {
        post_id,
        protected,
        open,
        header_html: HeaderPart { article: &view }.render()?,
        body_html: BodyPart { article: &view }.render()?,
        thread_html: ThreadPart {
            comments_label: &view.comments,
            thread: &thread,
        }
        .render()?,
        post_path,
        title: frame.title,
        description: frame.description,
        meta: frame.meta,
        thread,
    };
    Ok((fragment, fresh_until))
}

/// When an open post's comments close by age, if that is still to come.
fn closing_time(
    close_after_days: i64,
    article: &queries::Article,
    now: PrimitiveDateTime,
) -> Option<PrimitiveDateTime> {
    if close_after_days <= 0 || !article.comments_open {
        return None;
    }
    let closes = article.published_at? + Duration::days(close_after_days);
    (closes > now).then_some(closes)
}
