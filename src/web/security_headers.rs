//! Headers every response carries.

use actix_web::HttpResponse;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;

/// No inline script or style anywhere, no framing, no MIME sniffing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Browsers that reached the site over HTTPS once keep to it for a year.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// `https`: the public URL is HTTPS, so HSTS is sent too (never over plain HTTP, where it
/// would lock visitors out of a site that has no certificate).
pub fn default_headers(https: bool) -> DefaultHeaders {
    let headers = EVERY_RESPONSE
        .iter()
        .fold(DefaultHeaders::new(), |headers, &pair| headers.add(pair));
    match https {
        true => headers.add(("Strict-Transport-Security", HSTS)),
        false => headers,
    }
}

/// Lowercase: `HeaderName::from_static` takes only that.
const EVERY_RESPONSE: [(&str, &str); 5] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
];

/// The same headers (HSTS aside) on a response made where the middleware does not reach: an
/// error the session middleware raises goes straight to the client.
pub fn add_to(response: &mut HttpResponse) {
    for (name, value) in EVERY_RESPONSE {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
}
