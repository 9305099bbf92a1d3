//! What the Atom feeds (posts, comments) share.

use actix_web::HttpResponse;
use actix_web::http::header;
use atom_syndication::{Feed, FixedDateTime, Link};

use crate::web::dates;

pub fn timestamp(at: time::PrimitiveDateTime) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&dates::iso(at)).unwrap_or_default()
}

pub fn link(href: &str, rel: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link
}

pub fn response(feed: &Feed) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"))
        .body(feed.to_string())
}
