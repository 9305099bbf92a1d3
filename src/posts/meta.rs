//! What the `<head>` of an article, a page and an archive says about it: canonical address,
//! description, Open Graph, feeds and JSON-LD.

use serde_json::{Map, Value, json};

use crate::posts::markdown::plain_text_start;
use crate::posts::queries::Article;
use crate::posts::views::Figure;
use crate::web::dates;
use crate::web::layout::Layout;
use crate::web::seo::{self, ArticleTimes, FeedLink, Image};

/// How long a description made from the body may be (what search results show).
const DESCRIPTION_LENGTH: usize = 160;

/// The excerpt, or the first words of the body as shown when there is none.
pub fn description(excerpt: &str, body_html: &str) -> String {
    match excerpt.trim() {
        "" => plain_text_start(body_html, DESCRIPTION_LENGTH),
        excerpt => excerpt.to_owned(),
    }
}

fn preview_image(site_url: &str, article: &Article) -> Option<Image> {
    let figure = Figure::of(
        article.media.clone(),
        article.featured_image.clone(),
        article.image_alt.clone(),
        String::new(),
        String::new(),
    )?;
    Some(Image {
        url: seo::absolute(site_url, &figure.src),
        width: figure.picture.as_ref().map(|p| p.width),
        height: figure.picture.as_ref().map(|p| p.height),
        alt: figure.alt,
    })
}

/// What a post or page says about itself to machines: never a word of protected content.
fn public_description(article: &Article) -> String {
    match article.password {
        Some(_) => "This content is password protected.".to_owned(),
        None => description(&article.excerpt, &article.body_html),
    }
}

/// An article at `/posts/{slug}`: BlogPosting, breadcrumbs Home › Category › Post, and its
/// comment feed.
pub fn article(layout: &mut Layout, site_url: &str, article: &Article, tags: &[(String, String)]) {
    let canonical = format!("{site_url}/posts/{}", article.slug);
    layout.set_description(&public_description(article));
    let published = article.published_at.map(dates::iso).unwrap_or_default();
    let modified = dates::iso(article.updated_at);
    let image = preview_image(site_url, article);
    let site_title = layout.settings.site_title.clone();
    let mut posting = Map::new();
    for (key, value) in [
        ("@context", json!("https://schema.org")),
        ("@type", json!("BlogPosting")),
        ("headline", json!(article.title)),
        ("description", json!(layout.description)),
        ("datePublished", json!(published)),
        ("dateModified", json!(modified)),
        (
            "author",
            json!({"@type": "Person", "name": article.author_name}),
        ),
        (
            "mainEntityOfPage",
            json!({"@type": "WebPage", "@id": canonical}),
        ),
        ("publisher", publisher(site_url, &site_title)),
    ] {
        posting.insert(key.to_owned(), value);
    }
    if let Some(image) = &image {
        posting.insert("image".to_owned(), json!([image.url]));
    }
    if let Some((_, name)) = &article.category {
        posting.insert("articleSection".to_owned(), json!(name));
    }
    if !tags.is_empty() {
        let names: Vec<&str> = tags.iter().map(|(_, name)| name.as_str()).collect();
        posting.insert("keywords".to_owned(), json!(names));
    }
    let home = format!("{site_url}/");
    let mut trail = vec![("Home", home.as_str())];
    let category_url = article
        .category
        .as_ref()
        .map(|(slug, name)| (name.as_str(), format!("{site_url}/category/{slug}")));
    if let Some((name, url)) = &category_url {
        trail.push((name, url.as_str()));
    }
    trail.push((&article.title, &canonical));
    let meta = &mut layout.meta;
    meta.add_json_ld(&Value::Object(posting));
    meta.add_json_ld(&seo::breadcrumbs(&trail));
    meta.og_type = "article";
    meta.image = image;
    meta.article = Some(ArticleTimes {
        published,
        modified,
        section: article.category.as_ref().map(|(_, name)| name.clone()),
        tags: tags.iter().map(|(_, name)| name.clone()).collect(),
    });
    meta.feeds.push(FeedLink {
        title: format!("Comments on: {}", article.title),
        href: format!("/posts/{}/comments/feed.xml", article.slug),
    });
    meta.canonical = Some(canonical);
}

/// A page at `/{slug}`: breadcrumbs Home › Page.
pub fn page(layout: &mut Layout, site_url: &str, page: &Article) {
    let canonical = format!("{site_url}/{}", page.slug);
    layout.set_description(&public_description(page));
    let home = format!("{site_url}/");
    let meta = &mut layout.meta;
    meta.add_json_ld(&seo::breadcrumbs(&[
        ("Home", &home),
        (&page.title, &canonical),
    ]));
    meta.image = preview_image(site_url, page);
    meta.canonical = Some(canonical);
}

/// The organisation that publishes the site, for JSON-LD.
pub fn publisher(site_url: &str, site_title: &str) -> Value {
    json!({
        "@type": "Organization",
        "name": site_title,
        "url": format!("{site_url}/"),
        "logo": {"@type": "ImageObject", "url": format!("{site_url}/static/img/logo.svg")},
    })
}

/// The home page or an archive (category, tag), page `page`.
pub(super) fn archive(layout: &mut Layout, site_url: &str, archive: &super::Archive, page: i64) {
    let first_page = format!("{site_url}{}", archive.base);
    let canonical = match page {
        1 => first_page.clone(),
        n => format!("{first_page}?page={n}"),
    };
    layout.set_description(&archive.intro);
    let site_title = layout.settings.site_title.clone();
    let home = format!("{site_url}/");
    let ld = match &archive.heading {
        Some(heading) => seo::breadcrumbs(&[("Home", &home), (heading, &first_page)]),
        None => json!({
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": site_title,
            "description": layout.description,
            "url": home,
            "publisher": publisher(site_url, &site_title),
        }),
    };
    let meta = &mut layout.meta;
    meta.add_json_ld(&ld);
    if let (Some(href), Some(heading)) = (&archive.feed, &archive.heading) {
        meta.feeds.push(FeedLink {
            title: format!("{heading} – {site_title}"),
            href: href.clone(),
        });
    }
    meta.canonical = Some(canonical);
}
