//! Pages (About, Contact, Shipping & returns …) at `/{slug}`. Served by the default service,
//! so a page never shadows a route of the site: only an address no route took comes here.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::error::AppError;
use crate::posts::editor::is_reserved;
use crate::posts::protected::{self, PasswordPrompt};
use crate::posts::queries::{self, Kind};
use crate::posts::views::Figure;
use crate::web::dates;
use crate::web::layout::{HeaderInfo, Layout};

#[derive(Template)]
#[template(path = "posts/page.html")]
struct PageView {
    layout: Layout,
    title: String,
    body_html: String,
    figure: Option<Figure>,
    /// Set while a password-protected page is locked: the form instead of its content.
    locked: Option<PasswordPrompt>,
}

/// The slug a GET of `path` may name: one segment of slug characters.
fn slug_of(path: &str) -> Option<&str> {
    let slug = path.strip_prefix('/')?;
    let fits = !slug.is_empty()
        && slug.len() <= 200
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (fits && !is_reserved(slug)).then_some(slug)
}

/// The default service: a published page, or the 404 page.
pub async fn page_or_not_found(
    req: HttpRequest,
    db: web::Data<Db>,
) -> Result<HttpResponse, AppError> {
    if req.method() != Method::GET {
        return Err(AppError::NotFound);
    }
    let Some(slug) = slug_of(req.path()).map(str::to_owned) else {
        return moved_or_not_found(&req, &db).await;
    };
    let visitor = Visitor::from_request_parts(&req).await?;
    match render_page(&req, &db, &visitor, slug, None, StatusCode::OK).await {
        Err(AppError::NotFound) => moved_or_not_found(&req, &db).await,
        other => other,
    }
}

/// A published page; while it is password-protected and not unlocked by this session, the
/// password form (with `password_message` when a password was refused) instead of its body.
pub async fn render_page(
    req: &HttpRequest,
    db: &Db,
    visitor: &Visitor,
    slug: String,
    password_message: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(visitor);
    let site_url = crate::web::seo::site_url(req);
    let unlocked = protected::unlocked(&visitor.session);
    let (mut view, protected) = db
        .run(move |conn| {
            let page = queries::find_published_of(conn, Kind::Page, dates::now(), &slug)?;
            let protected = page.password.is_some();
            let mut layout = Layout::load(conn, header, Some(&page.title))?;
            crate::posts::meta::page(&mut layout, &site_url, &page);
            let locked = (protected && !unlocked.contains(&page.id)).then(|| {
                PasswordPrompt {
                    action: format!("/pages/{}/password", page.slug),
                    // Set below: only a locked page gives its reader a session.
                    csrf_token: String::new(),
                    message: password_message,
                }
            });
            let view = PageView {
                layout,
                figure: Figure::of(
                    page.media,
                    page.featured_image,
                    page.image_alt,
                    page.caption,
                    page.credit,
                ),
                title: page.title,
                body_html: page.body_html,
                locked,
            };
            Ok((view, protected))
        })
        .await?;
    if let Some(prompt) = view.locked.as_mut() {
        prompt.csrf_token = visitor.session.csrf_token();
    }
    if protected {
        // Its form holds this reader's token, or its content is unlocked for this reader only.
        crate::web::forms::private_page(status, &view)
    } else {
        crate::web::render(status, &view)
    }
}

/// An old (imported) address answers 301 to where its post is now; any other, 404.
async fn moved_or_not_found(req: &HttpRequest, db: &Db) -> Result<HttpResponse, AppError> {
    let (path, query) = (req.path().to_owned(), req.query_string().to_owned());
    let target = db
        .run(move |conn| Ok(crate::import::redirects::target(conn, &path, &query)?))
        .await?;
    match target {
        Some(to) => Ok(crate::import::redirects::moved_permanently(&to)),
        None => Err(AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn only_one_segment_of_slug_characters_can_be_a_page() {
        assert_eq!(slug_of("/about-us"), Some("about-us"));
        assert_eq!(slug_of("/shop"), None);
        assert_eq!(slug_of("/a/b"), None);
        assert_eq!(slug_of("/About"), None);
        assert_eq!(slug_of("/"), None);
    }
}
