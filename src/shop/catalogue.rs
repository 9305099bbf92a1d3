//! `/shop` and `/shop/{slug}`: the catalogue and the product pages, each with an
//! "Add to cart" form that works without JavaScript. Both are the same for every reader
//! but for the forms' CSRF token, so their content is rendered once per content version
//! with a slot for the token (`page_cache::token_slot`) and kept, like the listings.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use prometheus_client::metrics::counter::Counter;

use crate::accounts::visitor::Visitor;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::media;
use crate::posts::PageQuery;
use crate::posts::markdown::to_safe_html;
use crate::shop::meta;
use crate::shop::money::Currency;
use crate::shop::pricing::Shipping;
use crate::shop::products;
use crate::shop::views::{AddFormError, ProductView};
use crate::web::layout::{Chrome, ChromeCache, HeaderInfo, Layout, MiniCart};
use crate::web::page_cache::{KeptPage, PageCache, token_slot};
use crate::web::pager::{WindowPager, page_href};
use crate::web::{SiteInfo, app_data};

#[derive(Template)]
#[template(path = "shop/catalogue.html")]
struct CatalogueContent<'a> {
    csrf_token: &'a str,
    products: Vec<ProductView>,
    pager: WindowPager,
    /// This page's address, where an add to the cart comes back to.
    return_to: String,
    /// A refused add, repeated at the top with a link to its field far down the page.
    error_summary: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "shop/product.html")]
struct ProductContent<'a> {
    csrf_token: &'a str,
    product: ProductView,
    description_html: String,
}

/// Which shop page to show.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Which {
    /// A page of the catalogue.
    Catalogue(i64),
    Slug(String),
    Id(i32),
}

/// The catalogue and the product pages by slug, each valid for one content version.
pub struct ShopCache(PageCache<Which, KeptPage>);

impl Default for ShopCache {
    fn default() -> ShopCache {
        ShopCache(PageCache::new(KEPT_SHOP_PAGES))
    }
}

impl ShopCache {
    /// Hits and misses, for `/metrics`.
    pub fn lookup_counters(&self) -> (Counter, Counter) {
        self.0.lookup_counters()
    }
}

pub const CATALOGUE: &str = "/shop";

/// Which page of the catalogue `path` is ("/shop", "/shop?page=3"), if it is one.
pub fn catalogue_page(path: &str) -> Option<i64> {
    let query = path.strip_prefix(CATALOGUE)?;
    if query.is_empty() {
        return Some(1);
    }
    query
        .strip_prefix("?page=")?
        .parse()
        .ok()
        .filter(|page| *page >= 1)
}

/// Products on one page of the catalogue: a grid of 2, 3 or 4 columns comes out even.
const PRODUCTS_PER_PAGE: i64 = 24;

/// Shop pages kept at once (10–15 KB each).
const KEPT_SHOP_PAGES: usize = 500;

pub async fn list(
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    kept_page(&req, Which::Catalogue(query.number()?)).await
}

pub async fn product(req: HttpRequest, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    kept_page(&req, Which::Slug(slug.into_inner())).await
}

/// A shop page from the cache when the content has not changed since it was made.
async fn kept_page(req: &HttpRequest, which: Which) -> Result<HttpResponse, AppError> {
    let db = app_data::<Db>(req)?;
    let cache = app_data::<ShopCache>(req)?;
    let chrome = app_data::<ChromeCache>(req)?.get(db).await?;
    let (visitor, cart) = Layout::visitor_and_cart(req, &chrome).await?;
    // Read before the data, so data never passes for newer than it is.
    let version = db.content().current();
    let site = app_data::<SiteInfo>(req)?;
    let kept = cache
        .0
        .get_or_make(which, version, |which| {
            let (made, key) = (chrome.clone(), which.clone());
            let site_url = site.public_url.clone();
            db.run(move |conn| Ok((make_page(conn, &made, &site_url, key, None)?, None)))
        })
        .await?;
    let layout = Layout::assemble(&chrome, HeaderInfo::of(&visitor), None, cart);
    kept.respond_with_token(layout, &visitor.session.csrf_token(), StatusCode::OK)
}

/// The page an add to the cart came from, with why it was refused next to the product's
/// quantity field and what was typed still in it. Rendered afresh, never kept.
pub async fn refuse_add(
    req: &HttpRequest,
    visitor: &Visitor,
    which: Which,
    error: AddFormError,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let db = app_data::<Db>(req)?;
    let chrome = app_data::<ChromeCache>(req)?.get(db).await?;
    let site_url = app_data::<SiteInfo>(req)?.public_url.clone();
    let header = HeaderInfo::of(visitor);
    let owner = header.cart.clone();
    let made = chrome.clone();
    let (kept, cart) = db
        .run(move |conn| {
            let kept = make_page(conn, &made, &site_url, which, Some(&error))?;
            let cart = MiniCart::load(
                conn,
                owner.as_ref(),
                Shipping::of(&made.settings),
                Currency::of(&made.settings),
            )?;
            Ok((kept, cart))
        })
        .await?;
    let layout = Layout::assemble(&chrome, header, None, cart);
    kept.respond_with_token(layout, &visitor.session.csrf_token(), status)
}

/// A shop page's content, with the token slot in its forms.
fn make_page(
    conn: &mut DbConn,
    chrome: &Chrome,
    site_url: &str,
    which: Which,
    add_error: Option<&AddFormError>,
) -> Result<KeptPage, AppError> {
    let product = match which {
        Which::Catalogue(page) => {
            return make_catalogue(conn, chrome, site_url, page, add_error);
        }
        Which::Slug(slug) => products::find_published_by_slug(conn, &slug)?,
        Which::Id(id) => {
            products::find_published(conn, products::ProductId(id))?.ok_or(AppError::NotFound)?
        }
    };
    let picture = match product.image_media_id {
        Some(id) => media::find(conn, id)?.map(|m| m.picture()),
        None => None,
    };
    let mut layout = frame(chrome, &product.name).with_description(&product.short_description);
    let view = ProductView::new(&product, layout.money, picture);
    meta::product(&mut layout, site_url, &view);
    let html = ProductContent {
        csrf_token: token_slot(),
        description_html: to_safe_html(&product.description),
        product: view.with_error(add_error),
    }
    .render()?;
    Ok(KeptPage::new(layout, html))
}

fn make_catalogue(
    conn: &mut DbConn,
    chrome: &Chrome,
    site_url: &str,
    page: i64,
    add_error: Option<&AddFormError>,
) -> Result<KeptPage, AppError> {
    let (products, total) = products::list_published(conn, page, PRODUCTS_PER_PAGE)?;
    let pager = WindowPager::new(CATALOGUE, page, total, PRODUCTS_PER_PAGE);
    if page > pager.pages {
        return Err(AppError::NotFound);
    }
    let media_ids: Vec<i32> = products.iter().filter_map(|p| p.image_media_id).collect();
    let pictures = media::pictures_of(conn, &media_ids)?;
    let title = match page {
        1 => "Shop".to_owned(),
        _ => format!("Shop, page {page}"),
    };
    let mut layout = frame(chrome, &title)
        .with_description("Skincare we use and write about, delivered to your door.");
    meta::catalogue(&mut layout, site_url, page);
    let money = layout.money;
    let html = CatalogueContent {
        csrf_token: token_slot(),
        products: products
            .iter()
            .map(|p| {
                let picture = p.image_media_id.and_then(|id| pictures.get(&id).cloned());
                ProductView::new(p, money, picture).with_error(add_error)
            })
            .collect(),
        pager,
        return_to: page_href(CATALOGUE, page),
        error_summary: add_error.map(|e| (format!("qty-{}", e.product_id), e.message.clone())),
    }
    .render()?;
    Ok(KeptPage::new(layout, html))
}

/// The layout a page's head is made in; the reader's own header replaces it.
fn frame(chrome: &Chrome, title: &str) -> Layout {
    Layout::assemble(
        chrome,
        HeaderInfo::default(),
        Some(title),
        MiniCart::empty(Default::default()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalogue_address_names_its_page() {
        assert_eq!(catalogue_page("/shop"), Some(1));
        assert_eq!(catalogue_page("/shop?page=3"), Some(3));
        for other in [
            "/shop/serum",
            "/shopping",
            "/shop?page=0",
            "/shop?page=x",
            "/cart",
        ] {
            assert_eq!(catalogue_page(other), None, "{other}");
        }
    }
}
