//! `/sitemap.xml`: every address worth indexing, most important first — the home page, the
//! shop, products, categories, tags, then posts and pages newest first. One file while they
//! fit in [`SiteInfo::sitemap_urls`] (the protocol allows 50,000); past that a sitemap index
//! of `/sitemaps/{n}.xml` files, each read with LIMIT/OFFSET so that none grows with the site.

use std::ops::Range;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use time::PrimitiveDateTime;

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::posts::queries::{self, Kind};
use crate::shop::products;
use crate::web::{SiteInfo, dates};

type Url = (String, Option<PrimitiveDateTime>);

/// How many addresses each part of the sitemap has, in the sitemap's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sizes {
    products: usize,
    categories: usize,
    tags: usize,
    posts: usize,
}

/// The two fixed addresses before the products: the home page and the shop.
const FIXED: usize = 2;

impl Sizes {
    fn total(&self) -> usize {
        FIXED + self.products + self.categories + self.tags + self.posts
    }

    /// Which of each part's rows fall in `range` of the whole list: (offset, limit) of the
    /// products, categories, tags and posts; the fixed two when `range` starts at 0.
    fn slices(&self, range: &Range<usize>) -> [Range<usize>; 4] {
        let mut start = FIXED;
        [self.products, self.categories, self.tags, self.posts].map(|len| {
            let part = start..start + len;
            start += len;
            let from = range.start.clamp(part.start, part.end) - part.start;
            let to = range.end.clamp(part.start, part.end) - part.start;
            from..to
        })
    }
}

fn sizes(conn: &mut DbConn, now: PrimitiveDateTime) -> Result<Sizes, AppError> {
    Ok(Sizes {
        products: products::published_count(conn)? as usize,
        categories: queries::categories_in_use(conn, now)?.len(),
        tags: queries::tags_in_use(conn, now)?.len(),
        posts: queries::published_count(conn, now)? as usize,
    })
}

/// The addresses of `range` of the whole list.
fn urls(
    conn: &mut DbConn,
    url: &str,
    now: PrimitiveDateTime,
    sizes: Sizes,
    range: Range<usize>,
) -> Result<Vec<Url>, AppError> {
    let [products, categories, tags, posts] = sizes.slices(&range);
    let mut urls = Vec::with_capacity(range.len());
    if range.start == 0 {
        let (newest_post, newest_product) = (
            queries::newest_update(conn, now)?,
            products::newest_update(conn)?,
        );
        urls.push((format!("{url}/"), newest_post));
        urls.push((format!("{url}/shop"), newest_product));
    }
    let (offset, limit) = bounds(&products);
    urls.extend(
        products::sitemap_entries(conn, offset, limit)?
            .into_iter()
            .map(|(slug, at)| (format!("{url}/shop/{slug}"), Some(at))),
    );
    let in_range =
        |all: Vec<Url>, part: &Range<usize>| all.into_iter().skip(part.start).take(part.len());
    let categories_in_use = queries::categories_in_use(conn, now)?
        .into_iter()
        .map(|(slug, at)| (format!("{url}/category/{slug}"), at));
    urls.extend(in_range(categories_in_use.collect(), &categories));
    let tags_in_use = queries::tags_in_use(conn, now)?
        .into_iter()
        .map(|(slug, at)| (format!("{url}/tag/{slug}"), at));
    urls.extend(in_range(tags_in_use.collect(), &tags));
    let (offset, limit) = bounds(&posts);
    urls.extend(
        queries::sitemap_entries(conn, now, offset, limit)?
            .into_iter()
            .map(|(kind, slug, at)| {
                let path = if kind == Kind::Page.as_str() {
                    format!("/{slug}")
                } else {
                    format!("/posts/{slug}")
                };
                (format!("{url}{path}"), Some(at))
            }),
    );
    Ok(urls)
}

fn bounds(part: &Range<usize>) -> (i64, i64) {
    (part.start as i64, part.len() as i64)
}

/// `GET /sitemap.xml`: the sitemap, or the index of its files when it is too long for one.
pub async fn sitemap(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
) -> Result<HttpResponse, AppError> {
    let (url, per_file) = (site.public_url.clone(), site.sitemap_urls.max(1));
    let xml = db
        .run(move |conn| {
            let now = dates::now();
            let sizes = sizes(conn, now)?;
            let total = sizes.total();
            if total <= per_file {
                return Ok(urlset_xml(&urls(conn, &url, now, sizes, 0..total)?));
            }
            let files = total.div_ceil(per_file);
            Ok(index_xml(&url, files))
        })
        .await?;
    Ok(xml_response(xml))
}

/// `GET /sitemaps/{n}.xml`: the n-th file of a sitemap index (from 1).
pub async fn sitemap_file(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let n: usize = match number.parse() {
        Ok(n) if n >= 1 => n,
        _ => return Err(AppError::NotFound),
    };
    let (url, per_file) = (site.public_url.clone(), site.sitemap_urls.max(1));
    let xml = db
        .run(move |conn| {
            let now = dates::now();
            let sizes = sizes(conn, now)?;
            let start = (n - 1).saturating_mul(per_file);
            if sizes.total() <= per_file || start >= sizes.total() {
                return Err(AppError::NotFound);
            }
            let range = start..(start + per_file).min(sizes.total());
            Ok(urlset_xml(&urls(conn, &url, now, sizes, range)?))
        })
        .await?;
    Ok(xml_response(xml))
}

fn xml_response(xml: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/xml; charset=utf-8"))
        .body(xml)
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn urlset_xml(urls: &[Url]) -> String {
    let mut xml = format!("{HEAD}<urlset xmlns=\"{NAMESPACE}\">\n");
    for (loc, lastmod) in urls {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(loc));
        xml.push_str("</loc>");
        if let Some(at) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&dates::iso(*at));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn index_xml(url: &str, files: usize) -> String {
    let mut xml = format!("{HEAD}<sitemapindex xmlns=\"{NAMESPACE}\">\n");
    for n in 1..=files {
        let loc = xml_escape(&format!("{url}/sitemaps/{n}.xml"));
        xml.push_str(&format!("  <sitemap><loc>{loc}</loc></sitemap>\n"));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_addresses_are_escaped_and_dates_are_w3c() {
        let at = dates::parse("2026-11-24 09:00:00").unwrap();
        let xml = urlset_xml(&[
            ("https://x.example/shop?a=1&b='2'".to_owned(), Some(at)),
            ("https://x.example/".to_owned(), None),
        ]);
        assert!(
            xml.contains("<loc>https://x.example/shop?a=1&amp;b=&apos;2&apos;</loc><lastmod>2026-11-24T09:00:00Z</lastmod>"),
            "{xml}"
        );
        assert!(
            xml.contains("<url><loc>https://x.example/</loc></url>"),
            "{xml}"
        );
    }

    #[test]
    fn each_file_takes_its_share_of_every_part() {
        let sizes = Sizes {
            products: 3,
            categories: 2,
            tags: 1,
            posts: 10,
        };
        assert_eq!(sizes.total(), 18);
        // Addresses 0..2 are the home page and the shop.
        assert_eq!(sizes.slices(&(0..4)), [0..2, 0..0, 0..0, 0..0]);
        assert_eq!(sizes.slices(&(4..8)), [2..3, 0..2, 0..1, 0..0]);
        assert_eq!(sizes.slices(&(8..12)), [3..3, 2..2, 1..1, 0..4]);
        assert_eq!(sizes.slices(&(16..18)), [3..3, 2..2, 1..1, 8..10]);
        let whole = sizes.slices(&(0..18));
        assert_eq!(whole, [0..3, 0..2, 0..1, 0..10]);
    }

    #[test]
    fn the_index_lists_every_file() {
        let xml = index_xml("https://x.example", 3);
        assert!(
            xml.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
        );
        assert!(xml.contains("<sitemap><loc>https://x.example/sitemaps/3.xml</loc></sitemap>"));
        assert!(!xml.contains("sitemaps/4.xml"));
    }
}
