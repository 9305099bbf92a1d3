//! Revalidation for pages: a page answered 200 to a GET carries a weak ETag made from its
//! bytes, and a request that names that tag in `If-None-Match` gets a 304 without the body.
//! The tag is a hash of what was sent, so it is right for personal pages too (their bytes
//! differ per reader) and the same on every node. Pages that set a cookie or say `no-store`
//! (forms, personal data) get none: the browser must not reuse them.

use std::hash::BuildHasher;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

pub async fn revalidate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_get = req.method() == Method::GET;
    let asked = req.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.call(req).await?.map_into_boxed_body();
    if !is_get || !may_carry_tag(response.status(), response.headers()) {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let (mut head, body) = response.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        // A streamed body is left as it is.
        Err(body) => return Ok(ServiceResponse::new(request, head.set_body(body))),
    };
    let tag = tag_of(&bytes);
    let value = HeaderValue::from_str(&tag).expect("a tag is hex in quotes");
    head.headers_mut().insert(header::ETAG, value);
    if asked.as_ref().is_some_and(|asked| matches(asked, &tag)) {
        let mut not_modified = HttpResponse::NotModified();
        for (name, value) in head.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                not_modified.append_header((name.clone(), value.clone()));
            }
        }
        return Ok(ServiceResponse::new(request, not_modified.finish()));
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(bytes)),
    ))
}

fn may_carry_tag(status: StatusCode, headers: &HeaderMap) -> bool {
    let no_store = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"));
    status == StatusCode::OK
        && !no_store
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::ETAG)
}

/// Weak: the bytes are compared before compression, so gzip and identity share a tag.
fn tag_of(bytes: &[u8]) -> String {
    let hash = foldhash::quality::FixedState::with_seed(0x676c_6f77).hash_one(bytes);
    format!("W/\"{hash:016x}\"")
}

/// `If-None-Match` holds a list of tags (weak comparison) or `*`.
fn matches(asked: &HeaderValue, tag: &str) -> bool {
    let Ok(asked) = asked.to_str() else {
        return false;
    };
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(tag);
    asked
        .split(',')
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_follows_the_bytes() {
        assert_eq!(tag_of(b"<p>a</p>"), tag_of(b"<p>a</p>"));
        assert_ne!(tag_of(b"<p>a</p>"), tag_of(b"<p>b</p>"));
        assert!(tag_of(b"").starts_with("W/\""));
    }

    #[test]
    fn if_none_match_compares_weakly_within_a_list() {
        let tag = tag_of(b"page");
        let strong = tag.trim_start_matches("W/").to_owned();
        let listed = format!("\"other\", {tag}");
        for asked in [tag.as_str(), strong.as_str(), listed.as_str(), "*"] {
            assert!(
                matches(&HeaderValue::from_str(asked).unwrap(), &tag),
                "{asked}"
            );
        }
        assert!(!matches(&HeaderValue::from_static("\"other\""), &tag));
        assert!(!matches(&HeaderValue::from_static(""), &tag));
    }

    #[test]
    fn forms_cookies_and_errors_carry_no_tag() {
        let mut headers = HeaderMap::new();
        assert!(may_carry_tag(StatusCode::OK, &headers));
        assert!(!may_carry_tag(StatusCode::NOT_FOUND, &headers));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        assert!(!may_carry_tag(StatusCode::OK, &headers));
        headers.clear();
        headers.insert(header::SET_COOKIE, HeaderValue::from_static("id=1"));
        assert!(!may_carry_tag(StatusCode::OK, &headers));
    }
}
