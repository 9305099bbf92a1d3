//! The editor's back office.

mod comments;
mod dashboard;
pub mod menu;
mod orders;
mod settings;
mod users;
pub mod posts;

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
        .route("/admin/orders", web::get().to(orders::list))
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
