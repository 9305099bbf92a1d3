//! CSS and images, compiled into the binary so it runs from any directory.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "static/"]
struct Assets;

/// `/static/style.css?v=<content hash>`: a new deploy gets a new URL, so the file can be
/// cached for a year.
pub static STYLESHEET_URL: LazyLock<String> = LazyLock::new(|| versioned("style.css"));
/// The one script: progressive enhancement (see static/js/enhance.js).
pub static SCRIPT_URL: LazyLock<String> = LazyLock::new(|| versioned("js/enhance.js"));

fn versioned(path: &str) -> String {
    match Assets::get(path) {
        Some(file) => format!(
            "/static/{path}?v={}",
            short_hash(&file.metadata.sha256_hash())
        ),
        None => format!("/static/{path}"),
    }
}

fn short_hash(hash: &[u8]) -> String {
    hash.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The paths served the same to everyone, whoever asks.
pub fn is_static_path(path: &str) -> bool {
    path.starts_with("/static/")
        || path.starts_with(crate::media::picture::URL_PREFIX)
        || path == "/favicon.ico"
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{path:.*}", web::get().to(serve));
    cfg.route("/favicon.ico", web::get().to(favicon));
}

async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(file) = Assets::get(&path) else {
        return crate::web::layout::not_found_plain();
    };
    let etag = format!("\"{}\"", short_hash(&file.metadata.sha256_hash()));
    let cache = if req.query_string().starts_with("v=") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache));
    if fresh {
        return response.finish();
    }
    response
        .content_type(file.metadata.mimetype())
        .body(file.data.into_owned())
}

async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/static/img/logo.svg"))
        .finish()
}

#[cfg(test)]
mod tests {
    /// A rule block left open swallows every rule after it into the block's media query.
    #[test]
    fn every_block_of_the_stylesheet_is_closed() {
        let css = include_str!("../../static/style.css");
        let mut depth = 0i32;
        for (number, line) in css.lines().enumerate() {
            for c in line.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            assert!(depth >= 0, "a '}}' too many on line {}", number + 1);
            if line.starts_with("@media") {
                assert_eq!(depth, 1, "a block left open before line {}", number + 1);
            }
        }
        assert_eq!(depth, 0, "a block left open");
    }
}
