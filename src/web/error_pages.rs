//! Client errors (400, 404, …) raised by handlers are re-rendered in the full site layout:
//! `AppError` alone cannot load it, since it renders without the request or the database.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{ResponseError, web};

use crate::db::Db;
use crate::error::{AppError, error_page};
use crate::web::layout::Layout;

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
        let db = response.request().app_data::<web::Data<Db>>().cloned();
        Ok(ErrorHandlerResponse::Future(Box::pin(async move {
            let layout = match db {
                Some(db) => db
                    .run(move |conn| Layout::load(conn, Some(heading)))
                    .await
                    .ok(),
                None => None,
            };
            let layout = layout.unwrap_or_else(|| Layout::fallback(heading));
            let page = error_page(status, layout, heading, message);
            Ok(response.into_response(page).map_into_right_body())
        })))
    })
}
