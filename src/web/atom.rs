//! What the Atom feeds (posts, comments) share.

use actix_web::HttpResponse;
use actix_web::http::header;
use atom_syndication::{Feed, FixedDateTime, Link};

use crate::web::{dates, text};

pub fn timestamp(at: time::PrimitiveDateTime) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&dates::iso(at)).unwrap_or_default()
}

pub fn link(href: &str, rel: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link
}

/// The feed as an HTTP response. Every feed is written here, and whatever text it holds,
/// the characters XML forbids are taken out of the finished document, so it is always
/// well-formed.
pub fn response(feed: &Feed) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"))
        .body(xml_document(feed))
}

fn xml_document(feed: &Feed) -> String {
    let mut xml = feed.to_string();
    text::strip_in_place(&mut xml);
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use atom_syndication::{Entry, Text};

    #[test]
    fn a_feed_never_carries_characters_xml_forbids() {
        let mut entry = Entry::default();
        entry.set_title(Text::plain("A\u{2}B\u{FFFE}"));
        let mut feed = Feed::default();
        feed.set_title(Text::plain("T\u{FFFF}itle\u{1}"));
        feed.set_entries(vec![entry]);
        let xml = xml_document(&feed);
        assert!(xml.chars().all(text::is_xml_char), "{xml:?}");
        assert!(xml.contains("<title>Title</title>"), "{xml}");
        assert!(xml.contains("AB"), "{xml}");
    }
}
