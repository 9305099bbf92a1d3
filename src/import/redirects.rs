//! Old WordPress addresses: an item's link and guid (path and query, any host), `/?p=ID`
//! and `/?page_id=ID`, answered with 301 to the post's or page's address here.

use actix_web::HttpResponse;
use actix_web::http::header;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{posts, redirects};
use crate::posts::queries::{Kind, Status};
use crate::web::dates;

/// Where `path` (with its query, if any) moved to: a published post or page's address.
/// A path with or without its trailing slash is the same old address.
pub fn target(conn: &mut DbConn, path: &str, query: &str) -> QueryResult<Option<String>> {
    let asked = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    let other = match asked.split_once('?') {
        Some((p, q)) => format!("{}?{q}", toggle_slash(p)),
        None => toggle_slash(&asked),
    };
    let found: Vec<(String, String, String)> = redirects::table
        .inner_join(posts::table)
        .filter(redirects::old_path.eq_any([&asked, &other]))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(dates::now()))
        .select((redirects::old_path, posts::kind, posts::slug))
        .load(conn)?;
    let best = found
        .iter()
        .find(|(old, _, _)| *old == asked)
        .or(found.first());
    Ok(best.map(|(_, kind, slug)| {
        if kind == Kind::Page.as_str() {
            format!("/{slug}")
        } else {
            format!("/posts/{slug}")
        }
    }))
}

fn toggle_slash(path: &str) -> String {
    match path.strip_suffix('/') {
        Some(bare) if !bare.is_empty() => bare.to_owned(),
        Some(_) => path.to_owned(),
        None => format!("{path}/"),
    }
}

/// `p=ID` or `page_id=ID` of a home page query, as the redirects table spells it: the old
/// WordPress address of a post or page (`None`: the home page as usual, no lookup).
pub fn old_home_query(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, value)| {
            (key == "p" || key == "page_id")
                && !value.is_empty()
                && value.bytes().all(|b| b.is_ascii_digit())
        })
        .map(|(key, value)| format!("{key}={value}"))
}

pub fn moved_permanently(to: &str) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, to))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numeric_post_ids_on_the_home_page_are_old_addresses() {
        assert_eq!(old_home_query("p=12").as_deref(), Some("p=12"));
        assert_eq!(
            old_home_query("page=2&page_id=7").as_deref(),
            Some("page_id=7")
        );
        assert_eq!(old_home_query("page=2"), None);
        assert_eq!(old_home_query("p=abc"), None);
        assert_eq!(old_home_query("p="), None);
    }

    #[test]
    fn a_trailing_slash_is_toggled() {
        assert_eq!(toggle_slash("/a/b/"), "/a/b");
        assert_eq!(toggle_slash("/a/b"), "/a/b/");
        assert_eq!(toggle_slash("/"), "/");
    }
}
