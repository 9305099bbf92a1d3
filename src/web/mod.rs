//! Cross-cutting web pieces: the page layout, static files, security headers, health check.

pub mod access_log;
pub mod atom;
pub mod caching;
pub mod client;
pub mod csrf;
pub mod dates;
pub mod error_pages;
pub mod etag;
pub mod forms;
pub mod head;
pub mod health;
pub mod layout;
pub mod metrics;
pub mod page_cache;
pub mod pager;
pub mod request_id;
pub mod security_headers;
pub mod seo;
pub mod session;
pub mod static_files;
pub mod text;
pub mod tokens;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::error::AppError;

/// What the app shares with every handler (`App::app_data`), borrowed from the request.
pub fn app_data<T: 'static>(req: &actix_web::HttpRequest) -> Result<&T, AppError> {
    req.app_data::<actix_web::web::Data<T>>()
        .map(|data| data.get_ref())
        .ok_or_else(|| {
            let name = std::any::type_name::<T>();
            AppError::Internal(anyhow::anyhow!("{name} is not configured"))
        })
}

/// Renders a page template into an HTML response with the given status.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// Facts about how the site is reached, for links in emails and cookie flags.
#[derive(Clone, Debug)]
pub struct SiteInfo {
    /// e.g. "https://glow.example", without a trailing slash.
    pub public_url: String,
    pub secure_cookies: bool,
    /// At most this many addresses in one sitemap file.
    pub sitemap_urls: usize,
}

/// Percent-encodes a value for a query string.
pub fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A path on this site to send someone to after a form ("/posts/x#respond"), or `None` for
/// anything that could lead elsewhere ("//evil.example", "https://…", "/\\evil").
pub fn local_path(candidate: &str) -> Option<String> {
    let candidate = candidate.trim();
    let safe = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && !candidate.chars().any(|c| c.is_control() || c == '\\');
    safe.then(|| candidate.to_owned())
}

/// A 200 HTML page.
pub fn page<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_accepted_as_redirect_targets() {
        assert_eq!(local_path("/account").as_deref(), Some("/account"));
        assert_eq!(
            local_path("/posts/x?replytocom=3#respond").as_deref(),
            Some("/posts/x?replytocom=3#respond")
        );
        for bad in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(url_encode("/a b?c=d&e"), "%2Fa+b%3Fc%3Dd%26e");
    }
}
