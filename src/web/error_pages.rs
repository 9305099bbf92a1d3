//! Every error a handler or middleware raises is rendered here as a page: client errors (400,
//! 404, …) in the full site layout, server errors in a layout that needs no database (it may
//! be what failed). `AppError` itself only knows the status and the words.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;

use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::error::AppError;
use crate::web::layout::{HeaderInfo, Layout};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    /// Where "Go back" leads (a page of this site), if known.
    back: Option<String>,
}

pub fn in_site_layout<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|response: ServiceResponse<B>| {
        let Some((status, heading, message)) = response
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .map(|e| {
                let (heading, message) = e.public_message();
                (e.status_code(), heading, message)
            })
        else {
            return Ok(ErrorHandlerResponse::Response(
                response.map_into_left_body(),
            ));
        };
        let request = response.request().clone();
        Ok(ErrorHandlerResponse::Future(Box::pin(async move {
            let (layout, back) = if status.is_server_error() {
                (Layout::fallback(heading), None)
            } else {
                (
                    site_layout(&request, heading).await,
                    same_site_referer(&request),
                )
            };
            let page = error_page(status, layout, heading, message, back);
            Ok(response.into_response(page).map_into_right_body())
        })))
    })
}

/// The page for an error raised by a middleware outside the handlers, in the layout that
/// needs nothing. The middlewares that add headers are not passed on the way out, so the
/// page brings its own. (Only the session store going away is raised there: a 503.)
pub fn outside_the_handlers(error: &AppError) -> HttpResponse {
    let (heading, message) = error.public_message();
    if error.status_code().is_server_error() {
        tracing::error!(error = %error, "request failed");
    }
    let mut page = error_page(
        error.status_code(),
        Layout::fallback(heading),
        heading,
        message,
        None,
    );
    crate::web::security_headers::add_to(&mut page);
    let headers = page.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    page
}

async fn site_layout(request: &HttpRequest, heading: &'static str) -> Layout {
    let Some(db) = request.app_data::<web::Data<Db>>().cloned() else {
        return Layout::fallback(heading);
    };
    let header = match Visitor::from_request_parts(request).await {
        Ok(visitor) => HeaderInfo::of(&visitor),
        Err(_) => HeaderInfo::default(),
    };
    db.run(move |conn| Layout::load(conn, header, Some(heading)))
        .await
        .unwrap_or_else(|_| Layout::fallback(heading))
}

/// Renders the error page; falls back to plain text if even that fails.
fn error_page(
    status: StatusCode,
    layout: Layout,
    heading: &'static str,
    message: String,
    back: Option<String>,
) -> HttpResponse {
    let page = ErrorPage {
        layout,
        heading,
        message,
        back,
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(heading)
        }
    }
}

/// The page the visitor came from, when it is a page of this site.
pub fn same_site_referer(request: &HttpRequest) -> Option<String> {
    let referer = request.headers().get(header::REFERER)?.to_str().ok()?;
    let info = request.connection_info();
    let origin = format!("{}://{}", info.scheme(), info.host());
    let path = referer.strip_prefix(&origin)?;
    crate::web::local_path(path)
}
