//! What the post templates receive: plain, pre-formatted values.

use crate::media::picture::Picture;
use crate::posts::queries::{Article, MediaColumns, PostSummary};
use crate::web::dates::{self, DateStyle};

pub struct Link {
    pub href: String,
    pub label: String,
}

/// A featured image: a media row (`picture`, with srcset, width and height) or, for older
/// posts, the plain `featured_image` path.
pub struct Figure {
    pub src: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub picture: Option<Picture>,
}

/// `sizes` of an article's featured image: the column is 42rem wide on large screens.
pub const ARTICLE_IMAGE_SIZES: &str = "(min-width: 60rem) 42rem, 100vw";
/// `sizes` of a card's image: three cards a row on large screens, two on middle ones.
pub const CARD_IMAGE_SIZES: &str = "(min-width: 60rem) 22rem, (min-width: 40rem) 50vw, 100vw";

impl Figure {
    /// The media row wins over the older path; the post's alt text over the media's.
    pub fn of(
        media: Option<MediaColumns>,
        path: Option<String>,
        alt: String,
        caption: String,
        credit: String,
    ) -> Option<Figure> {
        if let Some((stem, extension, width, height, variants, media_alt, external)) = media {
            let alt = if alt.is_empty() { media_alt } else { alt };
            let picture = match external {
                Some(url) => Picture::external(&url, width, height, &alt),
                None => Picture::new(&stem, &extension, width, height, &variants, &alt),
            };
            return Some(Figure {
                src: picture.src.clone(),
                alt,
                caption,
                credit,
                picture: Some(picture),
            });
        }
        path.map(|src| Figure {
            src,
            alt,
            caption,
            credit,
            picture: None,
        })
    }
}

/// What a listing says instead of a password-protected post's excerpt.
pub const PROTECTED_EXCERPT: &str = "This post is password protected.";

pub struct PostCard {
    pub url: String,
    pub title: String,
    pub excerpt: String,
    pub author: String,
    pub date: String,
    pub date_iso: String,
    pub image: Option<Figure>,
    pub category: Option<Link>,
    pub comments: String,
}

pub struct ArticleView {
    pub title: String,
    pub author: String,
    pub date: String,
    pub date_iso: String,
    pub category: Option<Link>,
    /// Every category, when there are more than the primary one.
    pub categories: Vec<Link>,
    pub tags: Vec<Link>,
    pub body_html: String,
    pub figure: Option<Figure>,
    pub comments: String,
}

/// "Newer posts" / "Older posts" and a window of page numbers between.
pub struct Pager {
    pub current: i64,
    pub pages: i64,
    pub newer: Option<String>,
    pub older: Option<String>,
    pub numbers: Vec<PageNumber>,
}

/// One place in the pager: a page's link, or `None` for the gap ("…") of pages left out.
pub struct PageNumber {
    pub page: Option<i64>,
    pub href: String,
}

/// Pages on each side of the current one that the pager links.
const PAGER_NEIGHBOURS: i64 = 2;

/// The pages the pager shows: the first, the last and a few around `current`, with `None`
/// where pages are left out (a gap of one page shows that page instead).
fn pager_window(current: i64, pages: i64) -> Vec<Option<i64>> {
    let near = (current - PAGER_NEIGHBOURS).max(1)..=(current + PAGER_NEIGHBOURS).min(pages);
    let mut shown: Vec<i64> = [1, pages].into_iter().chain(near).collect();
    shown.sort_unstable();
    shown.dedup();
    let mut window = Vec::with_capacity(shown.len() + 2);
    let mut previous = 0;
    for page in shown {
        match page - previous {
            1 => {}
            2 => window.push(Some(previous + 1)),
            _ => window.push(None),
        }
        window.push(Some(page));
        previous = page;
    }
    window
}

pub fn comment_count_label(count: i64) -> String {
    match count {
        0 => "No comments".to_owned(),
        1 => "1 comment".to_owned(),
        n => format!("{n} comments"),
    }
}

fn category_link(category: Option<(String, String)>) -> Option<Link> {
    category.map(|(slug, name)| Link {
        href: format!("/category/{slug}"),
        label: name,
    })
}

fn date_pair(style: &DateStyle, at: Option<time::PrimitiveDateTime>) -> (String, String) {
    at.map(|at| (style.date(at), dates::iso(at)))
        .unwrap_or_default()
}

impl PostCard {
    pub fn new(style: &DateStyle, post: PostSummary, comment_count: i64) -> PostCard {
        let (date, date_iso) = date_pair(style, post.published_at);
        let image = Figure::of(
            post.media,
            post.featured_image,
            post.image_alt,
            String::new(),
            String::new(),
        );
        PostCard {
            url: format!("/posts/{}", post.slug),
            title: post.title,
            excerpt: if post.protected {
                PROTECTED_EXCERPT.to_owned()
            } else {
                post.excerpt
            },
            author: post.author_name,
            date,
            date_iso,
            image,
            category: category_link(post.category),
            comments: comment_count_label(comment_count),
        }
    }
}

impl ArticleView {
    pub fn new(
        style: &DateStyle,
        article: Article,
        [categories, tags]: [Vec<(String, String)>; 2],
        comment_count: i64,
    ) -> ArticleView {
        let (date, date_iso) = date_pair(style, article.published_at);
        let figure = Figure::of(
            article.media,
            article.featured_image,
            article.image_alt,
            article.caption,
            article.credit,
        );
        ArticleView {
            title: article.title,
            author: article.author_name,
            date,
            date_iso,
            category: category_link(article.category),
            categories: if categories.len() > 1 {
                categories
                    .into_iter()
                    .filter_map(|c| category_link(Some(c)))
                    .collect()
            } else {
                Vec::new()
            },
            tags: tags
                .into_iter()
                .map(|(slug, name)| Link {
                    href: format!("/tag/{slug}"),
                    label: name,
                })
                .collect(),
            body_html: article.body_html,
            figure,
            comments: comment_count_label(comment_count),
        }
    }
}

impl Pager {
    /// `base` is the listing's path without a query; page 1 links to it bare.
    pub fn new(base: &str, current: i64, total: i64, per_page: i64) -> Pager {
        let pages = ((total + per_page - 1) / per_page).max(1);
        let href = |page: i64| crate::web::pager::page_href(base, page);
        Pager {
            current,
            pages,
            newer: (current > 1).then(|| href(current - 1)),
            older: (current < pages).then(|| href(current + 1)),
            numbers: pager_window(current, pages)
                .into_iter()
                .map(|page| PageNumber {
                    href: page.map(href).unwrap_or_default(),
                    page,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_neighbours_and_keeps_page_one_bare() {
        let pager = Pager::new("/category/routines", 2, 5, 2);
        assert_eq!(pager.pages, 3);
        assert_eq!(pager.newer.as_deref(), Some("/category/routines"));
        assert_eq!(pager.older.as_deref(), Some("/category/routines?page=3"));
        assert_eq!(pager.numbers.len(), 3);
    }

    #[test]
    fn the_pager_shows_the_ends_and_the_pages_around_the_current_one() {
        assert_eq!(
            pager_window(10, 40),
            [
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(40)
            ]
        );
        assert_eq!(
            pager_window(1, 40),
            [Some(1), Some(2), Some(3), None, Some(40)]
        );
        assert_eq!(
            pager_window(40, 40),
            [Some(1), None, Some(38), Some(39), Some(40)]
        );
        // A gap of one page shows the page.
        assert_eq!(pager_window(5, 9), (1..=9).map(Some).collect::<Vec<_>>());
        assert_eq!(pager_window(1, 1), [Some(1)]);
    }

    #[test]
    fn an_empty_listing_has_one_page_and_no_links() {
        let pager = Pager::new("/", 1, 0, 10);
        assert_eq!(pager.pages, 1);
        assert!(pager.newer.is_none() && pager.older.is_none());
    }

    #[test]
    fn comment_counts_read_naturally() {
        assert_eq!(comment_count_label(0), "No comments");
        assert_eq!(comment_count_label(1), "1 comment");
        assert_eq!(comment_count_label(12), "12 comments");
    }
}
