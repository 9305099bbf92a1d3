//! Atom feeds of the latest comments: the site's, and one post's.

use actix_web::{HttpResponse, web};
use atom_syndication::{Content, Entry, Feed, Person, Text};

use crate::web::atom::{link, timestamp};

use crate::comments::store::{self, CommentOnPost};
use crate::db::Db;
use crate::error::AppError;
use crate::posts::queries;
use crate::settings::Settings;
use crate::web::{SiteInfo, dates};

pub async fn site_feed(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
) -> Result<HttpResponse, AppError> {
    let (settings, comments) = db
        .run(|conn| {
            // Settings → Reading: "Syndication feeds show the most recent".
            let settings = Settings::load(conn)?;
            let comments = store::latest_public(conn, None, settings.feed_length)?;
            Ok((settings, comments))
        })
        .await?;
    let title = format!("Comments for {}", settings.site_title);
    let url = &site.public_url;
    Ok(crate::web::atom::response(&feed(
        &title,
        &format!("{url}/comments/feed.xml"),
        &format!("{url}/"),
        url,
        &comments,
    )))
}

pub async fn post_feed(
    db: web::Data<Db>,
    site: web::Data<SiteInfo>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (article, comments) = db
        .run(move |conn| {
            let article = queries::find_published(conn, dates::now(), &slug)?;
            let length = Settings::load(conn)?.feed_length;
            let comments = store::latest_public(conn, Some(article.id), length)?;
            Ok((article, comments))
        })
        .await?;
    let url = &site.public_url;
    let page = format!("{url}/posts/{}", article.slug);
    let title = format!("Comments on: {}", article.title);
    Ok(crate::web::atom::response(&feed(
        &title,
        &format!("{page}/comments/feed.xml"),
        &page,
        url,
        &comments,
    )))
}

fn feed(
    title: &str,
    self_url: &str,
    page_url: &str,
    site_url: &str,
    comments: &[CommentOnPost],
) -> Feed {
    let entries: Vec<Entry> = comments.iter().map(|c| entry(site_url, c)).collect();
    let mut feed = Feed::default();
    feed.set_title(Text::plain(title));
    feed.set_id(self_url);
    feed.set_links(vec![link(self_url, "self"), link(page_url, "alternate")]);
    feed.set_updated(
        comments
            .first()
            .map(|c| timestamp(c.comment.created_at))
            .unwrap_or_else(|| timestamp(dates::now())),
    );
    feed.set_entries(entries);
    feed
}

fn entry(site_url: &str, item: &CommentOnPost) -> Entry {
    let comment = &item.comment;
    let permalink = format!("{site_url}/comments/{}", comment.id);
    let mut author = Person::default();
    author.set_name(comment.author_name.clone());
    let mut content = Content::default();
    content.set_content_type("html".to_owned());
    content.set_value(comment.body_html.clone());
    let mut entry = Entry::default();
    entry.set_title(Text::plain(format!(
        "By: {} on {}",
        comment.author_name, item.post_title
    )));
    entry.set_id(format!("{site_url}/comments/{}", comment.id));
    entry.set_updated(timestamp(comment.created_at));
    entry.set_published(Some(timestamp(comment.created_at)));
    entry.set_authors(vec![author]);
    entry.set_links(vec![link(&permalink, "alternate")]);
    entry.set_content(Some(content));
    entry
}
