//! Client errors (400, 404, …) raised by handlers are re-rendered in the full site layout:
//! `AppError` alone cannot load it, since it renders without the request or the database.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, ResponseError, web};

use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::error::{AppError, error_page};
use crate::web::layout::{HeaderInfo, Layout};

pub fn in_site_layout<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler_client(|response: ServiceResponse<B>| {
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
            let layout = site_layout(&request, heading).await;
            let back = same_site_referer(&request);
            let page = error_page(status, layout, heading, message, back);
            Ok(response.into_response(page).map_into_right_body())
        })))
    })
}

async fn site_layout(request: &HttpRequest, heading: &'static str) -> Layout {
    let Some(db) = request.app_data::<web::Data<Db>>().cloned() else {
        return Layout::fallback(heading);
    };
    let header = match Visitor::from_request_parts(request).await {
        Ok(visitor) => visitor.header(),
        Err(_) => HeaderInfo::default(),
    };
    db.run(move |conn| Layout::load(conn, header, Some(heading)))
        .await
        .unwrap_or_else(|_| Layout::fallback(heading))
}

/// The page the visitor came from, when it is a page of this site.
pub fn same_site_referer(request: &HttpRequest) -> Option<String> {
    let referer = request.headers().get(header::REFERER)?.to_str().ok()?;
    let info = request.connection_info();
    let origin = format!("{}://{}", info.scheme(), info.host());
    let path = referer.strip_prefix(&origin)?;
    crate::web::local_path(path)
}
