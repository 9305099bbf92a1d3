//! `/healthz`: liveness plus a database round trip, for load balancers and monitors.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::db::Db;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz));
}

async fn healthz(db: web::Data<Db>) -> HttpResponse {
    let (mut response, body) = if db.ping(Duration::from_secs(2)).await {
        (HttpResponse::Ok(), "ok: database reachable\n")
    } else {
        (
            HttpResponse::ServiceUnavailable(),
            "unavailable: database unreachable\n",
        )
    };
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body(body)
}
