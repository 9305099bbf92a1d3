//! For machines: the Atom feed of posts, the sitemap and robots.txt.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use atom_syndication::{Content, Entry, Feed, Person, Text};

use crate::web::atom::{link, timestamp};

use crate::db::Db;
use crate::error::AppError;
use crate::posts::queries;
use crate::settings::Settings;
use crate::web::{SiteInfo, dates};

pub async fn feed(db: web::Data<Db>, site: web::Data<SiteInfo>) -> Result<HttpResponse, AppError> {
    let (settings, posts) = db
        .run(|conn| {
            // Settings → Reading: "Syndication feeds show the most recent".
            let settings = Settings::load(conn)?;
            let posts = queries::latest_for_feed(conn, dates::now(), settings.feed_length)?;
            Ok((settings, posts))
        })
        .await?;
    let url = &site.public_url;
    let entries: Vec<Entry> = posts
        .iter()
        .map(|post| {
            let href = format!("{url}/posts/{}", post.slug);
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
            entry.set_summary(Some(Text::plain(post.excerpt.clone())));
            entry.set_content(Some(content));
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_title(Text::plain(settings.site_title.clone()));
    feed.set_subtitle(Some(Text::plain(settings.tagline.clone())));
    feed.set_id(format!("{url}/feed.xml"));
    feed.set_links(vec![
        link(&format!("{url}/feed.xml"), "self"),
        link(&format!("{url}/"), "alternate"),
    ]);
    feed.set_updated(
        posts
            .first()
            .map(|p| timestamp(p.updated_at))
            .unwrap_or_else(|| timestamp(dates::now())),
    );
    feed.set_entries(entries);
    Ok(crate::web::atom::response(&feed))
}

pub async fn sitemap(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
) -> Result<HttpResponse, AppError> {
    let (posts, categories, tags) = db
        .run(|conn| {
            Ok((
                queries::latest_for_feed(conn, dates::now(), 50_000)?,
                queries::all_category_slugs(conn)?,
                queries::all_tag_slugs(conn)?,
            ))
        })
        .await?;
    let url = &site.public_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut add = |loc: String, lastmod: Option<String>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&loc));
        xml.push_str("</loc>");
        if let Some(lastmod) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&lastmod);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    add(
        format!("{url}/"),
        posts.first().map(|p| dates::iso(p.updated_at)),
    );
    for post in &posts {
        add(
            format!("{url}/posts/{}", post.slug),
            Some(dates::iso(post.updated_at)),
        );
    }
    for slug in categories {
        add(format!("{url}/category/{slug}"), None);
    }
    for slug in tags {
        add(format!("{url}/tag/{slug}"), None);
    }
    xml.push_str("</urlset>\n");
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/xml; charset=utf-8"))
        .body(xml))
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
