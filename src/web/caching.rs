//! What shared caches may keep. A response to a request that carries cookies (a session, a
//! login, a cart, the commenter's details), or that sets one, may show a name, a cart or a
//! form token: it is private. Every page varies on the cookie; static files, the same for
//! everyone, keep their own long public lifetime.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

pub async fn private_when_personal(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let is_static = crate::web::static_files::is_static_path(req.path());
    let sent_cookies = req.headers().contains_key(header::COOKIE);
    let mut response = next.call(req).await?;
    if is_static {
        return Ok(response);
    }
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    if sent_cookies || headers.contains_key(header::SET_COOKIE) {
        let no_store = headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store"));
        let value = private_cache_control(no_store);
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(response)
}

/// A page with a form already says `no-store`; it stays so, made private too.
fn private_cache_control(no_store: bool) -> &'static str {
    if no_store {
        "private, no-store"
    } else {
        "private, no-cache"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_store_is_kept_and_made_private() {
        assert_eq!(super::private_cache_control(true), "private, no-store");
        assert_eq!(super::private_cache_control(false), "private, no-cache");
    }
}
