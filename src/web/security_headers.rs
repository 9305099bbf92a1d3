//! Headers every response carries.

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
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ));
    match https {
        true => headers.add(("Strict-Transport-Security", HSTS)),
        false => headers,
    }
}
