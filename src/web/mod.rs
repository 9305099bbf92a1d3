//! Cross-cutting web pieces: the page layout, static files, security headers, health check.

pub mod dates;
pub mod error_pages;
pub mod health;
pub mod layout;
pub mod security_headers;
pub mod static_files;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::error::AppError;

/// Renders a page template into an HTML response with the given status.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// A 200 HTML page.
pub fn page<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}
