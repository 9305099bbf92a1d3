//! Settings, each on the page a WordPress user looks for it: General, Reading, Discussion
//! and Shop. Administrators only; every page is a table for the one form in `form`.

mod discussion;
pub mod form;
mod general;
mod reading;
mod shop;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/settings", web::get().to(general::show))
        .route("/admin/settings", web::post().to(general::submit))
        .route("/admin/settings/reading", web::get().to(reading::show))
        .route("/admin/settings/reading", web::post().to(reading::submit))
        .route(
            "/admin/settings/discussion",
            web::get().to(discussion::show),
        )
        .route(
            "/admin/settings/discussion",
            web::post().to(discussion::submit),
        )
        .route("/admin/settings/shop", web::get().to(shop::show))
        .route("/admin/settings/shop", web::post().to(shop::submit));
}
