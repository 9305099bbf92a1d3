//! `/metrics` in the Prometheus text format: requests by route and status, their latency,
//! the page caches' hits and misses, the database pool and the content version. Open only
//! with the bearer token from `GLOWPRESS_METRICS_TOKEN`; without one configured it is a 404.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::db::Db;
use crate::error::AppError;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's pattern ("/posts/{slug}"), never the path: the label set stays small.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

/// A page cache as `/metrics` sees it: its name and its counters.
pub struct CacheCounters {
    pub name: &'static str,
    pub hits: Counter,
    pub misses: Counter,
}

pub struct Metrics {
    token: Option<String>,
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    connections: Family<StateLabels, Gauge>,
    content_version: Gauge,
}

impl Metrics {
    pub fn new(token: Option<String>, caches: Vec<CacheCounters>) -> Metrics {
        let mut registry = Registry::with_prefix("glowpress");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        // 0.25 ms to about 4 s.
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.00025, 2.0, 15))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time from the request to the response's head",
            durations.clone(),
        );
        for cache in caches {
            let labelled = registry.sub_registry_with_label(("cache".into(), cache.name.into()));
            labelled.register("page_cache_hits", "Kept page parts served", cache.hits);
            labelled.register(
                "page_cache_misses",
                "Page parts rendered because none was kept for this content version",
                cache.misses,
            );
        }
        let connections = Family::<StateLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections in the pool",
            connections.clone(),
        );
        let content_version = Gauge::default();
        registry.register(
            "content_version",
            "The content version this node serves",
            content_version.clone(),
        );
        Metrics {
            token: token.filter(|token| !token.trim().is_empty()),
            registry,
            requests,
            durations,
            connections,
            content_version,
        }
    }

    fn observe(&self, method: &str, route: String, status: u16, started: Instant) {
        self.durations
            .get_or_create(&RouteLabels {
                route: route.clone(),
            })
            .observe(started.elapsed().as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route,
                status,
            })
            .inc();
    }

    fn encode(&self, db: &Db) -> Result<String, std::fmt::Error> {
        let pool = db.pool_state();
        let idle = i64::from(pool.idle_connections);
        let open = i64::from(pool.connections);
        self.connections
            .get_or_create(&StateLabels { state: "idle" })
            .set(idle);
        self.connections
            .get_or_create(&StateLabels { state: "in_use" })
            .set(open - idle);
        self.content_version.set(db.content().current());
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    fn allows(&self, req: &HttpRequest) -> bool {
        let Some(token) = &self.token else {
            return false;
        };
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        crate::web::tokens::same_token(sent.as_bytes(), token.as_bytes())
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics));
}

async fn metrics(
    req: HttpRequest,
    metrics: web::Data<Metrics>,
    db: web::Data<Db>,
) -> Result<HttpResponse, AppError> {
    if !metrics.allows(&req) {
        return Err(AppError::NotFound);
    }
    let text = metrics
        .encode(&db)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot encode metrics: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// Counts every request with its route pattern, status and time to the response's head.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        metrics.observe(method.as_str(), route, response.status().as_u16(), started);
    }
    Ok(response)
}
