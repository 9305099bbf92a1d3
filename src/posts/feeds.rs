//! For machines: the Atom feeds of posts (the site's, a category's, a tag's) and
//! robots.txt (the sitemap is in `sitemap`).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use atom_syndication::{Category, Content, Entry, Feed, Person, Text};

use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::posts::queries::{self, FeedPost, Listing};
use crate::settings::Settings;
use crate::web::atom::{link, timestamp};
use crate::web::{SiteInfo, dates};

/// Which posts a feed carries and what it is called.
struct FeedSource {
    listing: Listing,
    title: String,
    subtitle: String,
    /// The page the feed mirrors, e.g. "/category/routines" ("" for the home page).
    page_path: String,
}

pub async fn feed(db: web::Data<Db>, site: web::Data<SiteInfo>) -> Result<HttpResponse, AppError> {
    posts_feed(&db, &site, |_, settings| {
        Ok(FeedSource {
            listing: Listing::All,
            title: settings.site_title.clone(),
            subtitle: settings.tagline.clone(),
            page_path: String::new(),
        })
    })
    .await
}

pub async fn category_feed(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    posts_feed(&db, &site, move |conn, settings| {
        let (id, name, description) = queries::category_by_slug(conn, &slug)?;
        Ok(FeedSource {
            listing: Listing::Category(id),
            title: format!("{name} – {}", settings.site_title),
            subtitle: description,
            page_path: format!("/category/{slug}"),
        })
    })
    .await
}

pub async fn tag_feed(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    posts_feed(&db, &site, move |conn, settings| {
        let (id, name) = queries::tag_by_slug(conn, &slug)?;
        Ok(FeedSource {
            listing: Listing::Tag(id),
            title: format!("Posts tagged “{name}” – {}", settings.site_title),
            subtitle: String::new(),
            page_path: format!("/tag/{slug}"),
        })
    })
    .await
}

async fn posts_feed<F>(db: &Db, site: &SiteInfo, find: F) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConn, &Settings) -> Result<FeedSource, AppError> + Send + 'static,
{
    let (source, posts, tags) = db
        .run(|conn| {
            // Settings → Reading: "Syndication feeds show the most recent".
            let settings = Settings::load(conn)?;
            let source = find(conn, &settings)?;
            let posts = queries::latest_for_feed(
                conn,
                dates::now(),
                &source.listing,
                settings.feed_length,
            )?;
            let ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
            let tags = queries::tags_of_posts(conn, &ids)?;
            Ok((source, posts, tags))
        })
        .await?;
    let url = &site.public_url;
    let entries: Vec<Entry> = posts
        .iter()
        .map(|post| entry(url, post, tags.get(&post.id).map_or(&[][..], Vec::as_slice)))
        .collect();
    let self_url = format!("{url}{}/feed.xml", source.page_path);
    let mut feed = Feed::default();
    feed.set_title(Text::plain(source.title));
    if !source.subtitle.is_empty() {
        feed.set_subtitle(Some(Text::plain(source.subtitle)));
    }
    feed.set_id(self_url.clone());
    let page_url = match source.page_path.as_str() {
        "" => format!("{url}/"),
        path => format!("{url}{path}"),
    };
    feed.set_links(vec![link(&self_url, "self"), link(&page_url, "alternate")]);
    let newest = posts.iter().map(|p| p.updated_at).max();
    feed.set_updated(timestamp(newest.unwrap_or_else(dates::now)));
    feed.set_entries(entries);
    Ok(crate::web::atom::response(&feed))
}

fn entry(site_url: &str, post: &FeedPost, tags: &[(String, String)]) -> Entry {
    let href = format!("{site_url}/posts/{}", post.slug);
    let mut author = Person::default();
    author.set_name(post.author_name.clone());
    let mut content = Content::default();
    content.set_content_type("html".to_owned());
    content.set_value(post.body_html.clone());
    let mut entry = Entry::default();
    entry.set_title(Text::plain(post.title.clone()));
    entry.set_id(href.clone());
    entry.set_updated(timestamp(post.updated_at));
    entry.set_published(post.published_at.map(timestamp));
    entry.set_authors(vec![author]);
    entry.set_links(vec![link(&href, "alternate")]);
    if !post.excerpt.is_empty() {
        entry.set_summary(Some(Text::plain(post.excerpt.clone())));
    }
    entry.set_content(Some(content));
    let section = post.category.iter().map(|c| (c, "category"));
    let labels = tags.iter().map(|t| (t, "tag"));
    entry.set_categories(
        section
            .chain(labels)
            .map(|((slug, name), kind)| category(site_url, kind, slug, name))
            .collect::<Vec<_>>(),
    );
    entry
}

/// An Atom category: the slug as term, the name as label, the archive's base as scheme.
fn category(site_url: &str, kind: &str, slug: &str, name: &str) -> Category {
    let mut category = Category::default();
    category.set_term(slug);
    category.set_label(Some(name.to_owned()));
    category.set_scheme(Some(format!("{site_url}/{kind}/")));
    category
}

pub async fn robots(site: web::Data<SiteInfo>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nDisallow: /admin/\nDisallow: /account\nDisallow: /cart\n\
         Disallow: /checkout\nDisallow: /search\n\nSitemap: {}/sitemap.xml\n",
        site.public_url
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(body)
}
