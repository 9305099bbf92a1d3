//! A request id for every request: the one a proxy sent in `X-Request-Id` when it looks like
//! an id, else a new one. It goes back in the response's `X-Request-Id` and in the access
//! log line, so a reader's report ("it failed at 10:02") can be found in the logs.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Ids from elsewhere are kept only when short and plain (no log injection).
fn acceptable(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub async fn tag(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| acceptable(id))
        .map(str::to_owned)
        .unwrap_or_else(|| crate::web::tokens::new_token()[..16].to_owned());
    let mut response = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_are_taken_from_a_request() {
        assert!(acceptable("3f2a9c41-77b0-4d0e"));
        assert!(!acceptable("short"));
        assert!(!acceptable("has space in it"));
        assert!(!acceptable("line\nbreak-injected"));
        assert!(!acceptable(&"a".repeat(65)));
    }
}
