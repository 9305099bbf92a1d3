//! What a page tells search engines and link previews in its `<head>`: the canonical
//! address, Open Graph and Twitter card tags, its feeds and JSON-LD. Carried by `Layout`,
//! so every page gets it the same way.

use actix_web::{HttpRequest, web};
use serde_json::{Value, json};

use crate::web::SiteInfo;

/// The site's public URL, for handlers that have the request but no other use for
/// `SiteInfo`.
pub fn site_url(req: &HttpRequest) -> String {
    req.app_data::<web::Data<SiteInfo>>()
        .map(|site| site.public_url.clone())
        .unwrap_or_default()
}

/// An image for link previews, with an absolute address.
#[derive(Clone)]
pub struct Image {
    pub url: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub alt: String,
}

/// `article:*` Open Graph properties.
#[derive(Clone)]
pub struct ArticleTimes {
    pub published: String,
    pub modified: String,
    pub section: Option<String>,
    pub tags: Vec<String>,
}

/// An Atom feed the page links with `rel="alternate"`, besides the site's.
#[derive(Clone)]
pub struct FeedLink {
    pub title: String,
    pub href: String,
}

#[derive(Clone)]
pub struct Meta {
    /// The page's own title (og:title), without the site's.
    pub title: String,
    /// Absolute; `None` on pages that are not to be indexed under an address of their own.
    pub canonical: Option<String>,
    pub noindex: bool,
    /// og:type: "website", "article" or "product".
    pub og_type: &'static str,
    pub image: Option<Image>,
    pub article: Option<ArticleTimes>,
    pub feeds: Vec<FeedLink>,
    /// Each one a JSON document made safe for a `<script>` element by [`json_ld`].
    pub json_ld: Vec<String>,
}

impl Meta {
    pub fn new(title: &str) -> Meta {
        Meta {
            title: title.to_owned(),
            canonical: None,
            noindex: false,
            og_type: "website",
            image: None,
            article: None,
            feeds: Vec::new(),
            json_ld: Vec::new(),
        }
    }

    pub fn twitter_card(&self) -> &'static str {
        if self.image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        }
    }

    pub fn add_json_ld(&mut self, value: &Value) {
        self.json_ld.push(json_ld(value));
    }
}

/// JSON for a `<script type="application/ld+json">` element: `<` written as `\u003c`, so
/// no text in it (a title with `</script>` or `<!--`) can end the element early.
pub fn json_ld(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// A schema.org BreadcrumbList of (name, absolute URL), first to last.
pub fn breadcrumbs(trail: &[(&str, &str)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(index, (name, url))| {
            json!({
                "@type": "ListItem",
                "position": index + 1,
                "name": name,
                "item": url,
            })
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": items,
    })
}

/// `path` (a site path such as "/media/a.jpg") as an absolute address; a full URL stays.
pub fn absolute(site_url: &str, path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        path.to_owned()
    } else {
        format!("{site_url}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let value = json!({"headline": "</script><script>alert(1)</script><!--"});
        let text = json_ld(&value);
        assert!(!text.contains('<'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn breadcrumbs_are_numbered_from_one() {
        let list = breadcrumbs(&[
            ("Home", "https://x.example/"),
            ("Shop", "https://x.example/shop"),
        ]);
        assert_eq!(list["itemListElement"][0]["position"], 1);
        assert_eq!(list["itemListElement"][1]["name"], "Shop");
        assert_eq!(list["itemListElement"][1]["item"], "https://x.example/shop");
    }

    #[test]
    fn paths_become_absolute_and_full_urls_stay() {
        assert_eq!(
            absolute("https://x.example", "/a.jpg"),
            "https://x.example/a.jpg"
        );
        assert_eq!(
            absolute("https://x.example", "https://cdn.example/a.jpg"),
            "https://cdn.example/a.jpg"
        );
    }

    #[test]
    fn the_card_is_large_only_with_an_image() {
        let mut meta = Meta::new("T");
        assert_eq!(meta.twitter_card(), "summary");
        meta.image = Some(Image {
            url: "https://x.example/a.jpg".to_owned(),
            width: None,
            height: None,
            alt: String::new(),
        });
        assert_eq!(meta.twitter_card(), "summary_large_image");
    }
}
