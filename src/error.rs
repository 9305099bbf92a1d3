//! One error type for every handler: it picks the status, logs the cause and says what the
//! visitor is told. A leaf: it imports nothing of the crate. The page around the message is
//! rendered in the site layout by `web::error_pages`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

pub const NOT_FOUND_MESSAGE: &str = "We looked everywhere, but there is nothing at this \
     address. It may have moved, or the link may have a typo.";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Not logged in; carries the page to come back to afterwards.
    #[error("login required for {0}")]
    LoginRequired(String),
    #[error("CSRF check failed")]
    CsrfRejected,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// No database connection (the pool's checkout timed out, or SQLite stayed locked).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The session store (Redis) did not answer.
    #[error("session store unavailable: {0}")]
    SessionsUnavailable(String),
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> AppError {
        AppError::Unavailable(e.to_string())
    }
}

impl AppError {
    /// SQLite locked past its busy timeout, or PostgreSQL's lock conflicts: worth a retry.
    pub fn is_busy_database(&self) -> bool {
        matches!(self, AppError::Db(diesel::result::Error::DatabaseError(_, info))
            if ["database is locked", "busy", "deadlock detected", "could not serialize"]
                .iter()
                .any(|m| info.message().contains(m)))
    }

    /// What the visitor is told; never the internal cause.
    pub fn public_message(&self) -> (&'static str, String) {
        match self.status_code() {
            StatusCode::NOT_FOUND => ("Page not found", NOT_FOUND_MESSAGE.to_owned()),
            StatusCode::BAD_REQUEST => match self {
                AppError::BadRequest(message) => ("That request did not work", message.clone()),
                _ => (
                    "That request did not work",
                    "The request was malformed.".to_owned(),
                ),
            },
            StatusCode::FORBIDDEN => match self {
                AppError::CsrfRejected => (
                    "This form has expired",
                    "For your safety we only accept forms that were sent from this site in \
                     this browser session, and this one could not be matched (perhaps the \
                     page was open for a long time, or you logged in or out in another tab). \
                     Nothing was changed. Go back, reload the page and send the form again."
                        .to_owned(),
                ),
                AppError::Forbidden(message) => ("You can't do that", message.clone()),
                _ => ("You can't do that", "This is not allowed.".to_owned()),
            },
            StatusCode::PAYLOAD_TOO_LARGE => (
                "That was too much",
                "What you sent is larger than this site accepts. Please shorten it and try \
                 again."
                    .to_owned(),
            ),
            StatusCode::TOO_MANY_REQUESTS => match self {
                AppError::TooManyRequests(message) => ("Please wait a moment", message.clone()),
                _ => ("Please wait a moment", "Too many requests.".to_owned()),
            },
            StatusCode::SERVICE_UNAVAILABLE if matches!(self, AppError::SessionsUnavailable(_)) => {
                (
                    "We'll be right back",
                    "The site cannot reach the store that keeps logins and carts at the moment, \
                 so pages for a logged-in reader or a cart cannot be shown. Articles can \
                 still be read logged out. Please try again in a minute."
                        .to_owned(),
                )
            }
            StatusCode::SERVICE_UNAVAILABLE => (
                "We'll be right back",
                "The site cannot reach its database at the moment. Please try again in a \
                 minute."
                    .to_owned(),
            ),
            _ => (
                "Something went wrong",
                "An unexpected error stopped this page. It has been logged; please try again."
                    .to_owned(),
            ),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::Db(diesel::result::Error::NotFound) => {
                StatusCode::NOT_FOUND
            }
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::LoginRequired(_) => StatusCode::SEE_OTHER,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) | AppError::SessionsUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ if self.is_busy_database() => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::LoginRequired(back_to) = self {
            let back_to: String = form_urlencoded::byte_serialize(back_to.as_bytes()).collect();
            let target = format!("/login?redirect_to={back_to}");
            return HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, target))
                .finish();
        }
        if let AppError::SessionsUnavailable(_) = self {
            return crate::web::error_pages::outside_the_handlers(self);
        }
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        // A plain body; `web::error_pages` replaces it with the page in the site layout.
        let (heading, _) = self.public_message();
        HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(heading)
    }
}
