//! `/search?q=…&page=N`: the results page. Whatever was typed, the answer is a page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::index::{self, Found, Marked, Search, Source};
use super::marks;
use super::terms::Terms;
use crate::accounts::visitor::Visitor;
use crate::db::Db;
use crate::error::AppError;
use crate::posts::PageQuery;
use crate::shop::money::Currency;
use crate::shop::products::current_price;
use crate::web::dates::{self, DateStyle};
use crate::web::layout::{HeaderInfo, Layout};
use crate::web::pager::WindowPager;

/// What is kept of the typed query (and shown back); the terms are capped further.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

pub struct Dated {
    pub text: String,
    pub iso: String,
}

/// One result as the page shows it; `title_html` and `snippet_html` are escaped text with
/// `<mark>` around the found words.
pub struct ResultView {
    pub kind: &'static str,
    pub url: String,
    pub title_html: String,
    pub snippet_html: String,
    pub date: Option<Dated>,
    pub price: Option<String>,
}

#[derive(Template)]
#[template(path = "search/results.html")]
struct ResultsPage {
    layout: Layout,
    query: String,
    heading: String,
    /// "3 results for “…”", the no-results message, or the invitation to type.
    summary: String,
    results: Vec<ResultView>,
    /// The number of the first result on this page, for the list's `start`.
    first: i64,
    pager: WindowPager,
}

pub async fn search(
    db: web::Data<Db>,
    visitor: Visitor,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = PageQuery { page: query.page }.number()?;
    let typed = kept_query(query.q.as_deref().unwrap_or_default());
    let header = HeaderInfo::of(&visitor);
    let view = db
        .run(move |conn| {
            let terms = Terms::parse(&typed);
            let heading = if typed.is_empty() {
                "Search".to_owned()
            } else {
                format!("Search results for “{typed}”")
            };
            let mut layout = Layout::load(conn, header, Some(&heading))?.with_search_query(&typed);
            // Results are not pages of their own for search engines.
            layout.meta.noindex = true;
            let per_page = layout.settings.posts_per_page.max(1);
            let found = if terms.is_empty() {
                None
            } else {
                let search = Search {
                    terms: &terms,
                    now: dates::now(),
                    limit: per_page,
                    offset: (page - 1) * per_page,
                };
                Some(index::find(conn, &search)?)
            };
            let total = found.as_ref().map_or(0, |f| f.total);
            let cut = found.as_ref().is_some_and(|f| f.cut);
            let base = format!("/search?q={}", crate::web::url_encode(&typed));
            let pager = WindowPager::new(&base, page, total, per_page);
            if page > pager.pages {
                return Err(AppError::NotFound);
            }
            let style = DateStyle::of(&layout.settings);
            let results = found
                .map(|found| result_views(found, &style, layout.money))
                .unwrap_or_default();
            Ok(ResultsPage {
                summary: summary(&typed, total, cut),
                query: typed,
                heading,
                results,
                first: (page - 1) * per_page + 1,
                pager,
                layout,
            })
        })
        .await?;
    crate::web::page(&view)
}

/// The typed query trimmed, cut to a length worth showing, without control characters.
fn kept_query(typed: &str) -> String {
    typed
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// `cut`: only the newest `total` matches were searched, and more match.
fn summary(typed: &str, total: i64, cut: bool) -> String {
    match total {
        n if cut => format!(
            "More than {n} results for “{typed}”; the newest are shown. \
             Add words to narrow it."
        ),
        _ if typed.is_empty() => {
            "Type a few words in the search box to find posts, pages and products.".to_owned()
        }
        0 => format!("No results for “{typed}”. Try fewer or different words."),
        1 => format!("1 result for “{typed}”"),
        n => format!("{n} results for “{typed}”"),
    }
}

/// The page's matches in rank order; one deleted between the queries is left out.
fn result_views(mut found: Found, style: &DateStyle, money: Currency) -> Vec<ResultView> {
    found
        .hits
        .iter()
        .filter_map(|hit| match hit.source() {
            Source::Post => found.posts.remove(&hit.id).map(|post| {
                let (kind, url) = if post.kind == crate::posts::queries::Kind::Page.as_str() {
                    ("Page", format!("/{}", post.slug))
                } else {
                    ("Post", format!("/posts/{}", post.slug))
                };
                let date = post.published_at.map(|at| Dated {
                    text: style.date(at),
                    iso: dates::iso(at),
                });
                view(kind, url, post.marked, date, None)
            }),
            Source::Product => found.products.remove(&hit.id).map(|product| {
                let price = current_price(product.price_cents, product.sale_price_cents);
                let url = format!("/shop/{}", product.slug);
                view(
                    "Product",
                    url,
                    product.marked,
                    None,
                    Some(money.show(price)),
                )
            }),
        })
        .collect()
}

fn view(
    kind: &'static str,
    url: String,
    marked: Marked,
    date: Option<Dated>,
    price: Option<String>,
) -> ResultView {
    ResultView {
        kind,
        url,
        title_html: marks::to_html(&marked.title),
        snippet_html: marks::to_html(best_snippet(&marked)),
        date,
        price,
    }
}

/// The body's snippet where it has a found word; otherwise the excerpt, which then has
/// them (the match was in the title or the excerpt), or says what the result is about.
fn best_snippet(marked: &Marked) -> &str {
    if marks::has_mark(&marked.snippet) || marked.excerpt.trim().is_empty() {
        &marked.snippet
    } else {
        &marked.excerpt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_query_is_trimmed_capped_and_without_control_characters() {
        assert_eq!(kept_query("  serum \u{2}x\u{0} "), "serum x");
        assert_eq!(
            kept_query(&"é".repeat(1_000)).chars().count(),
            MAX_QUERY_CHARS
        );
    }

    #[test]
    fn the_summary_speaks_of_search() {
        assert_eq!(
            summary("mask", 0, false),
            "No results for “mask”. Try fewer or different words."
        );
        assert_eq!(summary("mask", 1, false), "1 result for “mask”");
        assert_eq!(summary("mask", 12, false), "12 results for “mask”");
        assert_eq!(
            summary("mask", 500, true),
            "More than 500 results for “mask”; the newest are shown. Add words to narrow it."
        );
        assert!(summary("", 0, false).starts_with("Type a few words"));
    }

    #[test]
    fn the_snippet_comes_from_the_body_unless_only_the_excerpt_has_the_words() {
        let marked = |excerpt: &str, snippet: &str| Marked {
            title: String::new(),
            excerpt: excerpt.to_owned(),
            snippet: snippet.to_owned(),
        };
        let found = format!("a {}b{}", marks::START, marks::END);
        assert_eq!(best_snippet(&marked("excerpt", &found)), found);
        assert_eq!(best_snippet(&marked(&found, "body start")), found);
        assert_eq!(best_snippet(&marked("", "body start")), "body start");
    }
}
