//! The editor's back office.

mod comments;
mod coupons;
mod dashboard;
mod media;
pub mod menu;
mod orders;
pub mod posts;
mod products;
mod settings;
mod users;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    posts::routes(cfg);
    cfg.route("/admin", web::get().to(dashboard::show))
        .configure(settings::routes)
        .configure(users::routes)
        .route(
            "/admin/shop",
            web::get().to(|| async { crate::web::forms::see_other("/admin/settings/shop") }),
        )
        .route("/admin/media", web::get().to(media::library))
        .route("/admin/media", web::post().to(media::upload))
        .route("/admin/media/{id}", web::get().to(media::show))
        .route("/admin/media/{id}", web::post().to(media::update))
        .route("/admin/media/{id}/delete", web::post().to(media::delete))
        .route("/admin/products", web::get().to(products::list))
        .route("/admin/products/new", web::get().to(products::new))
        .route("/admin/products/new", web::post().to(products::create))
        .route("/admin/products/{id}", web::get().to(products::edit))
        .route("/admin/products/{id}", web::post().to(products::update))
        .route("/admin/coupons", web::get().to(coupons::list))
        .route("/admin/coupons/new", web::get().to(coupons::new))
        .route("/admin/coupons/new", web::post().to(coupons::create))
        .route("/admin/coupons/{id}", web::get().to(coupons::edit))
        .route("/admin/coupons/{id}", web::post().to(coupons::update))
        .route(
            "/admin/coupons/{id}/expire",
            web::post().to(coupons::expire),
        )
        .route("/admin/orders", web::get().to(orders::list))
        .route("/admin/orders/{id}", web::get().to(orders::show))
        .route(
            "/admin/orders/{id}/status",
            web::post().to(orders::change_status),
        )
        .route("/admin/comments", web::get().to(comments::queue))
        .route("/admin/comments/bulk", web::post().to(comments::bulk))
        .route(
            "/admin/comments/{id}/reply",
            web::post().to(comments::reply),
        )
        .route(
            "/admin/comments/{id}/{action}",
            web::post().to(comments::act),
        );
}
