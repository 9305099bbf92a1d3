//! Reading published posts. Every list is a fixed number of queries, whatever its length.

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::schema::{
    categories, comments, media, post_categories, post_tags, posts, tags, users,
};
use crate::db::{DbConn, lower};

/// Where a post stands; stored as its `as_str` text. Only published posts are shown, and
/// only once their `published_at` has come (a later one is "scheduled").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    /// Written, waiting for an editor's review (WordPress "pending"); not public.
    Pending,
    /// Seen only in the back office (WordPress "private").
    Private,
    Published,
    Trash,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Pending => "pending",
            Status::Private => "private",
            Status::Published => "published",
            Status::Trash => "trash",
        }
    }

    /// Unknown values are drafts (shown to nobody).
    pub fn parse(text: &str) -> Status {
        match text {
            "published" => Status::Published,
            "pending" => Status::Pending,
            "private" => Status::Private,
            "trash" => Status::Trash,
            _ => Status::Draft,
        }
    }
}

/// A post (in listings, feeds and at `/posts/{slug}`) or a page (at `/{slug}`); stored as
/// `posts.kind`. Both share one slug space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Post,
    Page,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Post => "post",
            Kind::Page => "page",
        }
    }
}

/// The media row of a featured image: (stem, extension, width, height, variant widths, alt,
/// external url).
pub type MediaColumns = (String, String, i32, i32, String, String, Option<String>);

/// The columns of [`MediaColumns`], for a `.nullable()` select over a left join.
macro_rules! media_columns {
    () => {
        (
            media::stem,
            media::extension,
            media::width,
            media::height,
            media::variant_widths,
            media::alt,
            media::external_url,
        )
            .nullable()
    };
}

/// Which posts a listing shows.
#[derive(Clone, Debug)]
pub enum Listing {
    All,
    Category(i32),
    Tag(i32),
    /// Words to find in the title, excerpt or body, ignoring case.
    Search(String),
}

/// A post as a listing shows it.
#[derive(Queryable, Debug)]
pub struct PostSummary {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub published_at: Option<PrimitiveDateTime>,
    pub featured_image: Option<String>,
    pub image_alt: String,
    pub author_name: String,
    pub category: Option<(String, String)>,
    pub media: Option<MediaColumns>,
    /// Password-protected: its excerpt is not shown either.
    pub protected: bool,
}

/// A whole article.
#[derive(Queryable, Debug)]
pub struct Article {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub published_at: Option<PrimitiveDateTime>,
    pub featured_image: Option<String>,
    pub image_alt: String,
    pub caption: String,
    pub credit: String,
    pub comments_open: bool,
    pub author_name: String,
    pub category: Option<(String, String)>,
    pub media: Option<MediaColumns>,
    /// Set for a password-protected post or page.
    pub password: Option<String>,
}

pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

fn visible_posts(
    now: PrimitiveDateTime,
    listing: &Listing,
) -> posts::BoxedQuery<'static, crate::db::Backend> {
    let query = posts::table
        .filter(posts::kind.eq(Kind::Post.as_str()))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .into_boxed();
    match listing {
        Listing::All => query,
        Listing::Category(id) => query.filter(
            posts::id.eq_any(
                post_categories::table
                    .filter(post_categories::category_id.eq(*id))
                    .select(post_categories::post_id),
            ),
        ),
        Listing::Search(words) => {
            let pattern = format!("%{}%", escape_like(&words.to_lowercase()));
            // A password-protected post is found by its title only.
            let in_text = lower(posts::excerpt)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(posts::body).like(pattern.clone()).escape('\\'));
            query.filter(
                lower(posts::title)
                    .like(pattern)
                    .escape('\\')
                    .or(posts::password.is_null().and(in_text)),
            )
        }
        Listing::Tag(id) => query.filter(
            posts::id.eq_any(
                post_tags::table
                    .filter(post_tags::tag_id.eq(*id))
                    .select(post_tags::post_id),
            ),
        ),
    }
}

/// One page of a listing, newest first, with the total for pagination.
pub fn list_published(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
    listing: Listing,
    page: i64,
    per_page: i64,
) -> QueryResult<Page<PostSummary>> {
    let total: i64 = visible_posts(now, &listing).count().get_result(conn)?;
    let in_order = visible_posts(now, &listing).select(posts::id);
    // Sticky posts first on the home page, as WordPress does.
    let in_order = match listing {
        Listing::All => in_order.order((
            posts::sticky.desc(),
            posts::published_at.desc(),
            posts::id.desc(),
        )),
        _ => in_order.order((posts::published_at.desc(), posts::id.desc())),
    };
    let ids: Vec<i32> = in_order
        .limit(per_page)
        .offset((page - 1) * per_page)
        .load(conn)?;
    let mut rows: Vec<PostSummary> = posts::table
        .inner_join(users::table)
        .left_join(categories::table)
        .left_join(media::table)
        .filter(posts::id.eq_any(&ids))
        .select((
            posts::id,
            posts::slug,
            posts::title,
            posts::excerpt,
            posts::published_at,
            posts::featured_image,
            posts::image_alt,
            users::display_name,
            (categories::slug, categories::name).nullable(),
            media_columns!(),
            posts::password.is_not_null(),
        ))
        .load(conn)?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    Ok(Page { items: rows, total })
}

/// A published post by slug.
pub fn find_published(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
    slug: &str,
) -> QueryResult<Article> {
    find_published_of(conn, Kind::Post, now, slug)
}

/// A published post or page by slug.
pub fn find_published_of(
    conn: &mut DbConn,
    kind: Kind,
    now: PrimitiveDateTime,
    slug: &str,
) -> QueryResult<Article> {
    posts::table
        .inner_join(users::table)
        .left_join(categories::table)
        .left_join(media::table)
        .filter(posts::kind.eq(kind.as_str()))
        .filter(posts::slug.eq(slug))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .select((
            posts::id,
            posts::slug,
            posts::title,
            posts::excerpt,
            posts::body_html,
            posts::published_at,
            posts::featured_image,
            posts::image_alt,
            posts::caption,
            posts::credit,
            posts::comments_open,
            users::display_name,
            (categories::slug, categories::name).nullable(),
            media_columns!(),
            posts::password,
        ))
        .first(conn)
}

/// (id, slug) of a published post.
pub fn find_published_by_id(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
    id: i32,
) -> QueryResult<(i32, String)> {
    posts::table
        .find(id)
        .filter(posts::kind.eq(Kind::Post.as_str()))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .select((posts::id, posts::slug))
        .first(conn)
}

/// (slug, name) of a post's tags, by name.
pub fn tags_of(conn: &mut DbConn, post_id: i32) -> QueryResult<Vec<(String, String)>> {
    post_tags::table
        .inner_join(tags::table)
        .filter(post_tags::post_id.eq(post_id))
        .select((tags::slug, tags::name))
        .order(tags::name)
        .load(conn)
}

/// (slug, name) of every category of a post (imported posts have several), by name.
pub fn categories_of(conn: &mut DbConn, post_id: i32) -> QueryResult<Vec<(String, String)>> {
    post_categories::table
        .inner_join(categories::table)
        .filter(post_categories::post_id.eq(post_id))
        .select((categories::slug, categories::name))
        .order(categories::name)
        .load(conn)
}

/// Approved comments per post, for the given posts, in one query.
pub fn approved_comment_counts(
    conn: &mut DbConn,
    post_ids: &[i32],
) -> QueryResult<HashMap<i32, i64>> {
    let counts: Vec<(i32, i64)> = comments::table
        .filter(comments::post_id.eq_any(post_ids))
        .filter(comments::status.eq("approved"))
        .group_by(comments::post_id)
        .select((comments::post_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

pub fn category_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<(i32, String, String)> {
    categories::table
        .filter(categories::slug.eq(slug))
        .select((categories::id, categories::name, categories::description))
        .first(conn)
}

pub fn tag_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<(i32, String)> {
    tags::table
        .filter(tags::slug.eq(slug))
        .select((tags::id, tags::name))
        .first(conn)
}

/// `%` and `_` typed by a reader are searched for, not used as wildcards.
pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// For the feed and the sitemap: (slug, title, excerpt, body_html, author, published, updated).
#[derive(Queryable, Debug)]
pub struct FeedPost {
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub author_name: String,
    pub published_at: Option<PrimitiveDateTime>,
    pub updated_at: PrimitiveDateTime,
}

pub fn latest_for_feed(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
    limit: i64,
) -> QueryResult<Vec<FeedPost>> {
    posts::table
        .inner_join(users::table)
        .filter(posts::kind.eq(Kind::Post.as_str()))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        // A feed never carries password-protected content.
        .filter(posts::password.is_null())
        .order((posts::published_at.desc(), posts::id.desc()))
        .limit(limit)
        .select((
            posts::slug,
            posts::title,
            posts::excerpt,
            posts::body_html,
            users::display_name,
            posts::published_at,
            posts::updated_at,
        ))
        .load(conn)
}

pub fn all_category_slugs(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    categories::table
        .select(categories::slug)
        .order(categories::slug)
        .load(conn)
}

pub fn all_tag_slugs(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    tags::table.select(tags::slug).order(tags::slug).load(conn)
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_typed_by_readers_are_literal() {
        assert_eq!(escape_like("50%_off"), "50\\%\\_off");
    }
}
