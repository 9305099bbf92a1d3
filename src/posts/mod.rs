//! Posts: the home page, article pages, category and tag archives.

pub mod article;
pub mod diff;
pub mod editor;
mod feeds;
pub mod markdown;
pub(crate) mod meta;
pub mod pages;
pub mod protected;
pub mod queries;
mod sitemap;
pub mod slug;
pub mod views;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::accounts::visitor::Visitor;
use crate::comments;
use crate::db::Db;
use crate::error::AppError;
use crate::web::client::ClientAddr;
use crate::web::dates;
use crate::web::layout::{Chrome, HeaderInfo, Layout, MiniCart};
use crate::web::page_cache::{KeptPage, PageCache};
use crate::web::session::Secrets;
pub use article::{ArticleRequest, Caches, render_article};
use prometheus_client::metrics::counter::Counter;
use queries::Listing;
use time::PrimitiveDateTime;
use views::{Pager, PostCard};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/posts/{slug}", web::get().to(article))
        .route("/posts/{slug}/comments", web::post().to(leave_reply))
        .route(
            "/posts/{slug}/password",
            web::post().to(protected::unlock_post),
        )
        .route(
            "/pages/{slug}/password",
            web::post().to(protected::unlock_page),
        )
        .route("/category/{slug}", web::get().to(category))
        .route("/tag/{slug}", web::get().to(tag))
        .route(
            "/category/{slug}/feed.xml",
            web::get().to(feeds::category_feed),
        )
        .route("/tag/{slug}/feed.xml", web::get().to(feeds::tag_feed))
        .route("/feed.xml", web::get().to(feeds::feed))
        .route("/sitemap.xml", web::get().to(sitemap::sitemap))
        .route("/sitemaps/{n}.xml", web::get().to(sitemap::sitemap_file))
        .route("/robots.txt", web::get().to(feeds::robots));
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

impl PageQuery {
    /// The page asked for: 1 without one; a 400 for what is not a page number.
    pub fn number(&self) -> Result<i64, AppError> {
        match self.page.as_deref().map(str::trim) {
            None | Some("") => Ok(1),
            Some(text) => match text.parse::<i64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
                _ => Err(AppError::BadRequest(format!(
                    "“{}” is not a page number: use a whole number of 1 or more.",
                    text.chars().take(40).collect::<String>()
                ))),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "posts/listing.html")]
struct ListingContent {
    /// None on the home page; the archive's name elsewhere.
    heading: Option<String>,
    intro: String,
    cards: Vec<PostCard>,
    pager: Pager,
}

/// Home, category and tag pages, by address and page number.
pub struct ListingCache(PageCache<(String, i64), KeptPage>);

impl Default for ListingCache {
    fn default() -> ListingCache {
        ListingCache(PageCache::new(KEPT_LISTINGS))
    }
}

impl ListingCache {
    /// Hits and misses, for `/metrics`.
    pub fn lookup_counters(&self) -> (Counter, Counter) {
        self.0.lookup_counters()
    }
}

/// Listing pages kept at once (about 10 KB each).
const KEPT_LISTINGS: usize = 500;

/// What an archive is, once its slug has been looked up.
struct Archive {
    listing: Listing,
    base: String,
    heading: Option<String>,
    intro: String,
    /// The archive's own feed, besides the site's; search results have none.
    feed: Option<String>,
}

async fn home(
    req: HttpRequest,
    db: web::Data<Db>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    // `/?p=ID`, `/?page_id=ID`: an imported post's old address.
    if let Some(old) = crate::import::redirects::old_home_query(req.query_string()) {
        let moved = db
            .run(move |conn| Ok(crate::import::redirects::target(conn, "/", &old)?))
            .await?;
        if let Some(to) = moved {
            return Ok(crate::import::redirects::moved_permanently(&to));
        }
    }
    let page = query.number()?;
    listing_page(&req, "/".to_owned(), page, |_| {
        Ok(Archive {
            listing: Listing::All,
            base: "/".to_owned(),
            heading: None,
            intro: String::new(),
            feed: None,
        })
    })
    .await
}

async fn category(
    req: HttpRequest,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = query.number()?;
    let slug = slug.into_inner();
    let base = format!("/category/{slug}");
    listing_page(&req, base, page, move |conn| {
        let (id, name, description) = queries::category_by_slug(conn, &slug)?;
        Ok(Archive {
            listing: Listing::Category(id),
            base: format!("/category/{slug}"),
            heading: Some(name),
            intro: description,
            feed: Some(format!("/category/{slug}/feed.xml")),
        })
    })
    .await
}

async fn tag(
    req: HttpRequest,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = query.number()?;
    let slug = slug.into_inner();
    let base = format!("/tag/{slug}");
    listing_page(&req, base, page, move |conn| {
        let (id, name) = queries::tag_by_slug(conn, &slug)?;
        Ok(Archive {
            listing: Listing::Tag(id),
            base: format!("/tag/{slug}"),
            intro: format!("Posts tagged “{name}”."),
            heading: Some(name),
            feed: Some(format!("/tag/{slug}/feed.xml")),
        })
    })
    .await
}

/// A listing, from the cache when its content has not changed since it was made.
async fn listing_page<F>(
    req: &HttpRequest,
    base: String,
    page: i64,
    find: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut crate::db::DbConn) -> Result<Archive, AppError> + Send + 'static,
{
    let caches = Caches::of(req)?;
    let db = caches.db;
    let chrome = caches.chrome.get(db).await?;
    let (visitor, cart) = Layout::visitor_and_cart(req, &chrome).await?;
    let header = HeaderInfo::of(&visitor);
    let version = db.content().current();
    let kept = caches
        .listings
        .0
        .get_or_make((base, page), version, |_| {
            let made = chrome.clone();
            let site_url = crate::web::seo::site_url(req);
            db.run(move |conn| make_listing(conn, &made, &site_url, page, find))
        })
        .await?;
    kept.respond(Layout::assemble(&chrome, header, None, cart))
}

/// Renders a listing page's content; it holds until the next scheduled post comes out.
fn make_listing<F>(
    conn: &mut crate::db::DbConn,
    chrome: &Chrome,
    site_url: &str,
    page: i64,
    find: F,
) -> Result<(KeptPage, Option<PrimitiveDateTime>), AppError>
where
    F: FnOnce(&mut crate::db::DbConn) -> Result<Archive, AppError>,
{
    let now = dates::now();
    let archive = find(conn)?;
    let mut layout = Layout::assemble(
        chrome,
        HeaderInfo::default(),
        archive.heading.as_deref(),
        MiniCart::empty(Default::default()),
    );
    let per_page = layout.settings.posts_per_page;
    let found = queries::list_published(conn, now, archive.listing.clone(), page, per_page)?;
    let pager = Pager::new(&archive.base, page, found.total, per_page);
    if page > pager.pages {
        return Err(AppError::NotFound);
    }
    let ids: Vec<i32> = found.items.iter().map(|p| p.id).collect();
    let counts = queries::approved_comment_counts(conn, &ids)?;
    if page > 1 {
        layout.title = format!("Page {page} – {}", layout.title);
    }
    meta::archive(&mut layout, site_url, &archive, page);
    let style = dates::DateStyle::of(&layout.settings);
    let cards = found
        .items
        .into_iter()
        .map(|post| {
            let count = counts.get(&post.id).copied().unwrap_or(0);
            PostCard::new(&style, post, count)
        })
        .collect();
    let html = ListingContent {
        heading: archive.heading,
        intro: archive.intro,
        cards,
        pager,
    }
    .render()?;
    let fresh_until = queries::next_scheduled(conn, now)?;
    Ok((KeptPage::new(layout, html), fresh_until))
}

#[derive(Deserialize)]
pub struct ArticleQuery {
    cpage: Option<String>,
    replytocom: Option<String>,
}

async fn article(
    req: HttpRequest,
    secrets: web::Data<Secrets>,
    client: ClientAddr,
    slug: web::Path<String>,
    query: web::Query<ArticleQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let request = ArticleRequest {
        // Lenient like WordPress: a malformed number shows the default page.
        comments_page: query.cpage.and_then(|p| p.trim().parse().ok()),
        reply_to: query.replytocom.and_then(|id| id.trim().parse().ok()),
        form: comments::remembered_commenter(&req),
        status: StatusCode::OK,
        client,
        password_message: None,
    };
    render_article(&req, None, &secrets, slug.into_inner(), request).await
}

/// "Leave a reply": comments decide; a refused reply comes back as the article page with
/// the form as it was typed.
async fn leave_reply(
    req: HttpRequest,
    secrets: web::Data<Secrets>,
    visitor: Visitor,
    client: ClientAddr,
    slug: web::Path<String>,
    form: web::Form<comments::CommentForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    match comments::submit(&req, &visitor, &client, &slug, form.into_inner()).await? {
        comments::Reply::Stored(response) => Ok(response),
        comments::Reply::Refused { form, status } => {
            let request = ArticleRequest {
                comments_page: None,
                reply_to: form.parent_id,
                form,
                status,
                client,
                password_message: None,
            };
            render_article(&req, Some(&visitor), &secrets, slug, request).await
        }
    }
}
