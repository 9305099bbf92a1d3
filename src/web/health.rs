//! `/healthz` (liveness plus a database round trip) and `/readyz` (the database and, when
//! sessions live there, Redis), for load balancers and monitors.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::db::Db;

/// How long a check may take before it counts as failed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

/// The Redis server sessions are kept in, when there is one.
#[derive(Clone, Default)]
pub struct Readiness {
    pub redis: Option<redis::Client>,
}

async fn healthz(db: web::Data<Db>) -> HttpResponse {
    if db.ping(CHECK_TIMEOUT).await {
        plain(true, "ok: database reachable\n".to_owned())
    } else {
        plain(false, "unavailable: database unreachable\n".to_owned())
    }
}

/// 200 when this node can serve every page: the database answers and so does Redis.
async fn readyz(db: web::Data<Db>, readiness: web::Data<Readiness>) -> HttpResponse {
    let database = db.ping(CHECK_TIMEOUT).await;
    let redis = match &readiness.redis {
        None => None,
        Some(client) => Some(ping_redis(client).await),
    };
    let mut report = format!(
        "database: {}\n",
        if database { "ok" } else { "unreachable" }
    );
    if let Some(ok) = redis {
        report.push_str(&format!(
            "redis: {}\n",
            if ok { "ok" } else { "unreachable" }
        ));
    }
    plain(database && redis.unwrap_or(true), report)
}

async fn ping_redis(client: &redis::Client) -> bool {
    let ping = async {
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    matches!(
        actix_web::rt::time::timeout(CHECK_TIMEOUT, ping).await,
        Ok(Ok(_))
    )
}

fn plain(ok: bool, body: String) -> HttpResponse {
    let mut response = if ok {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body(body)
}
