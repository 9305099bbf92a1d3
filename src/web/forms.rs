//! How every form in the site refuses input: one `Refusal` (status, a message above the form,
//! messages next to fields). The handler that refused renders its page again from the
//! refusal and from the form it received, so nothing typed is lost. Work that runs in the
//! database returns `Refused`: a refusal, or a real failure for the error page.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use crate::error::AppError;

/// Messages shown next to the fields they are about, in the order found.
#[derive(Default, Debug)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }
}

/// Why a form was refused; see the module documentation.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    /// Said above the form.
    pub message: Option<String>,
    /// Said next to the fields.
    pub fields: FieldErrors,
}

/// Nothing refused: a form shown for the first time (200).
impl Default for Refusal {
    fn default() -> Refusal {
        Refusal {
            status: StatusCode::OK,
            message: None,
            fields: FieldErrors::default(),
        }
    }
}

impl Refusal {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: Some(message.into()),
            fields: FieldErrors::default(),
        }
    }

    /// 400: the input itself is wrong.
    pub fn bad_input(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, message)
    }

    /// 409: the input was fine, but what it is about changed meanwhile (stock, a price).
    pub fn conflict(message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::CONFLICT, message)
    }

    /// 400 with one message next to `field`.
    pub fn field(field: &'static str, message: impl Into<String>) -> Refusal {
        let mut fields = FieldErrors::default();
        fields.add(field, message);
        Refusal::fields(fields)
    }

    /// 400 with messages next to fields only.
    pub fn fields(fields: FieldErrors) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            message: None,
            fields,
        }
    }

    /// `Ok` when no field has a message, else the 400 refusal of those messages.
    pub fn unless_any(fields: FieldErrors) -> Result<(), Refusal> {
        match fields.is_empty() {
            true => Ok(()),
            false => Err(Refusal::fields(fields)),
        }
    }

    /// The one sentence for a form with a single message slot: the message above the form,
    /// else the first field's.
    pub fn summary(&self) -> String {
        self.message
            .clone()
            .or_else(|| self.fields.iter().next().map(|(_, m)| m.to_owned()))
            .unwrap_or_default()
    }

    pub fn with_status(mut self, status: StatusCode) -> Refusal {
        self.status = status;
        self
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Refusal {
        self.message = Some(message.into());
        self
    }
}

/// How form work that runs in the database ends when it does not succeed. Converts from
/// diesel's and our errors, so `?` works inside transactions (a refusal rolls back too).
#[derive(Debug)]
pub enum Refused {
    /// Shown to the person with their form.
    Form(Refusal),
    /// An error page.
    Failed(AppError),
}

impl Refused {
    /// The refusal to render, passing real failures on.
    pub fn into_refusal(self) -> Result<Refusal, AppError> {
        match self {
            Refused::Form(refusal) => Ok(refusal),
            Refused::Failed(e) => Err(e),
        }
    }
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Refused {
        Refused::Form(refusal)
    }
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Refused {
        Refused::Failed(e)
    }
}

impl From<diesel::result::Error> for Refused {
    fn from(e: diesel::result::Error) -> Refused {
        Refused::Failed(e.into())
    }
}

/// A page with a form or personal data: never stored by caches.
pub fn private_page<T: Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

/// POST/redirect/GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// How forms are read: at most `limit` bytes (else 413), a malformed one is a 400 page.
/// The app's default is `csrf::MAX_FORM_BYTES`; the editors take `csrf::EDITOR_FORM_BYTES`.
pub fn form_config(limit: usize) -> actix_web::web::FormConfig {
    actix_web::web::FormConfig::default()
        .limit(limit)
        .error_handler(|err, _| match err {
            actix_web::error::UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge.into(),
            other => AppError::BadRequest(format!(
                "The form could not be read ({other}). Please try again."
            ))
            .into(),
        })
}

/// Characters, not bytes.
pub fn too_long(value: &str, max: usize) -> bool {
    value.chars().count() > max
}
