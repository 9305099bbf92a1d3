//! The skincare shop: catalogue, cart, checkout, orders and coupons. Every journey is a
//! plain form and a 303 redirect; the mini-cart is rendered with each page.

pub mod cart;
mod cart_items;
mod cart_page;
mod catalogue;
mod checkout;
pub mod coupons;
mod meta;
pub mod money;
pub mod orders;
pub mod pricing;
pub mod products;
pub mod quantity;
mod views;

use std::time::Duration;

use actix_web::{HttpRequest, web};

use crate::accounts::session::AppSession;
use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::error::AppError;
use crate::shop::money::Currency;
use crate::web::app_data;
use crate::web::error_pages::same_site_referer;
use crate::web::layout::{Chrome, ChromeCache, HeaderInfo, Layout, MiniCart};
use crate::web::tokens::token_hash;
use crate::web::{dates, local_path};
use cart::CartOwner;
pub use catalogue::ShopCache;
use pricing::{PricedCart, Shipping};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop", web::get().to(catalogue::list))
        .route("/shop/{slug}", web::get().to(catalogue::product))
        .route("/cart", web::get().to(cart_page::show))
        .route("/cart", web::post().to(cart_page::update_all))
        .route("/cart/items", web::post().to(cart_items::add))
        .route(
            "/cart/items/{product_id}",
            web::post().to(cart_items::set_quantity),
        )
        .route(
            "/cart/items/{product_id}/remove",
            web::post().to(cart_items::remove),
        )
        .route("/cart/coupon", web::post().to(cart_page::apply_coupon))
        .route(
            "/cart/coupon/remove",
            web::post().to(cart_page::remove_coupon),
        )
        .route("/checkout", web::get().to(checkout::show))
        .route("/checkout", web::post().to(checkout::submit))
        .route("/orders/{id}", web::get().to(orders::show));
}

/// How often the background cleanup looks for expired guest carts.
const CLEANUP_EVERY: Duration = Duration::from_secs(5 * 60);

/// Deletes expired guest carts every few minutes, for as long as the server runs.
pub fn spawn_cart_cleanup(db: Db) {
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(CLEANUP_EVERY);
        loop {
            every.tick().await;
            match db
                .write(|conn| Ok(cart::delete_expired_guest_carts(conn, dates::now())?))
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(carts = n, "expired guest carts deleted"),
                Err(e) => tracing::warn!(error = %e, "guest cart cleanup failed"),
            }
        }
    });
}

/// At login or registration: the guest's cart joins the user's saved cart, so nothing
/// added before logging in is lost.
pub async fn adopt_guest_cart(db: &Db, session: &AppSession, user_id: i32) -> Result<(), AppError> {
    let Some(token) = session.cart_token() else {
        return Ok(());
    };
    let guest = token_hash(&token);
    db.write(move |conn| Ok(cart::merge_guest_cart(conn, &guest, user_id, dates::now())?))
        .await?;
    Ok(())
}

/// Who is asking, the layout and the priced cart, for a page that starts from them (the
/// cart and checkout pages): one trip to the blocking pool for a logged-in reader (the
/// login's check and the cart together) or for a guest with a cart, none for anyone else.
async fn visitor_layout_and_cart(
    req: &HttpRequest,
    title: &'static str,
) -> Result<(Visitor, Layout, PricedCart), AppError> {
    let db = app_data::<Db>(req)?;
    let chrome = app_data::<ChromeCache>(req)?.get(db).await?;
    let shipping = Shipping::of(&chrome.settings);
    let (visitor, signed_in) = Visitor::with(req, move |conn, user| {
        let owner = user.map(|user| CartOwner::User(user.id));
        Ok(PricedCart::load(
            conn,
            owner.as_ref(),
            shipping,
            dates::now(),
        )?)
    })
    .await?;
    let priced = match signed_in {
        Some((priced, _)) => priced,
        None => priced_cart(db, CartOwner::of(&visitor), shipping).await?,
    };
    let layout = frame(&chrome, &visitor, &priced, title);
    Ok((visitor, layout, priced))
}

/// The layout and the priced cart of a `visitor` already known (a form sent back).
async fn layout_and_cart(
    req: &HttpRequest,
    visitor: &Visitor,
    title: &'static str,
) -> Result<(Layout, PricedCart), AppError> {
    let db = app_data::<Db>(req)?;
    let chrome = app_data::<ChromeCache>(req)?.get(db).await?;
    let shipping = Shipping::of(&chrome.settings);
    let priced = priced_cart(db, CartOwner::of(visitor), shipping).await?;
    Ok((frame(&chrome, visitor, &priced, title), priced))
}

async fn priced_cart(
    db: &Db,
    owner: Option<CartOwner>,
    shipping: Shipping,
) -> Result<PricedCart, AppError> {
    match owner {
        None => Ok(PricedCart::price(Vec::new(), None, shipping, dates::now())),
        Some(owner) => {
            db.run(move |conn| {
                Ok(PricedCart::load(
                    conn,
                    Some(&owner),
                    shipping,
                    dates::now(),
                )?)
            })
            .await
        }
    }
}

fn frame(chrome: &Chrome, visitor: &Visitor, priced: &PricedCart, title: &str) -> Layout {
    // The header's mini-cart from the same lines, not read a second time.
    let cart = MiniCart::of_totals(&priced.totals, Currency::of(&chrome.settings));
    Layout::assemble(chrome, HeaderInfo::of(visitor), Some(title), cart).unindexed()
}

/// Where to send the shopper after a cart change: the page they were on (a `return_to`
/// field, else the Referer), if it is on this site; else the cart.
fn back_to(req: &HttpRequest, return_to: &str) -> String {
    local_path(return_to)
        .or_else(|| same_site_referer(req))
        .unwrap_or_else(|| "/cart".to_owned())
}
