//! `/shop` and `/shop/{slug}`: the catalogue and the product pages, each with an
//! "Add to cart" form that works without JavaScript.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::error::AppError;
use crate::media;
use crate::posts::markdown::to_safe_html;
use crate::shop::meta;
use crate::shop::products::{self, Product};
use crate::shop::views::{AddFormError, ProductView};
use crate::web::SiteInfo;
use crate::web::forms::private_page;
use crate::web::layout::{HeaderInfo, Layout};

#[derive(Template)]
#[template(path = "shop/catalogue.html")]
struct CataloguePage {
    layout: Layout,
    csrf_token: String,
    products: Vec<ProductView>,
    /// A refused add, repeated at the top with a link to its field far down the page.
    error_summary: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "shop/product.html")]
struct ProductPage {
    layout: Layout,
    csrf_token: String,
    product: ProductView,
    description_html: String,
}

/// Which product page to show.
pub enum Which {
    Slug(String),
    Id(i32),
}

pub async fn list(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    visitor: Visitor,
) -> Result<HttpResponse, AppError> {
    render_list(&db, &site, &visitor, None, StatusCode::OK).await
}

pub async fn product(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let which = Which::Slug(slug.into_inner());
    render_product(&db, &site, &visitor, which, None, StatusCode::OK).await
}

/// The catalogue, with a refused add shown on its product's card.
pub async fn render_list(
    db: &Db,
    site: &SiteInfo,
    visitor: &Visitor,
    add_error: Option<AddFormError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(visitor);
    let csrf_token = visitor.session.csrf_token();
    let error_summary = add_error
        .as_ref()
        .map(|e| (format!("qty-{}", e.product_id), e.message.clone()));
    let site_url = site.public_url.clone();
    let page = db
        .run(move |conn| {
            let products = products::list_published(conn)?;
            let media_ids: Vec<i32> = products.iter().filter_map(|p| p.image_media_id).collect();
            let pictures = media::pictures_of(conn, &media_ids)?;
            let mut layout = Layout::load(conn, header, Some("Shop"))?
                .with_description("Skincare we use and write about, delivered to your door.");
            meta::catalogue(&mut layout, &site_url);
            let money = layout.money;
            Ok(CataloguePage {
                layout,
                csrf_token,
                products: products
                    .iter()
                    .map(|p| {
                        let picture = p.image_media_id.and_then(|id| pictures.get(&id).cloned());
                        ProductView::new(p, money, picture).with_error(add_error.as_ref())
                    })
                    .collect(),
                error_summary,
            })
        })
        .await?;
    private_page(status, &page)
}

/// A product page, with a refused add shown next to its quantity field.
pub async fn render_product(
    db: &Db,
    site: &SiteInfo,
    visitor: &Visitor,
    which: Which,
    add_error: Option<AddFormError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(visitor);
    let csrf_token = visitor.session.csrf_token();
    let site_url = site.public_url.clone();
    let page = db
        .run(move |conn| {
            let product: Product = match which {
                Which::Slug(slug) => products::find_published_by_slug(conn, &slug)?,
                Which::Id(id) => products::find_published(conn, products::ProductId(id))?
                    .ok_or(AppError::NotFound)?,
            };
            let picture = match product.image_media_id {
                Some(id) => media::find(conn, id)?.map(|m| m.picture()),
                None => None,
            };
            let mut layout = Layout::load(conn, header, Some(&product.name))?
                .with_description(&product.short_description);
            let view = ProductView::new(&product, layout.money, picture);
            meta::product(&mut layout, &site_url, &view);
            Ok(ProductPage {
                layout,
                csrf_token,
                description_html: to_safe_html(&product.description),
                product: view.with_error(add_error.as_ref()),
            })
        })
        .await?;
    private_page(status, &page)
}
