//! Reading published posts. Every list is a fixed number of queries, whatever its length.

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::DbConn;
use crate::db::schema::{
    categories, comments, media, post_categories, post_tags, posts, tags, users,
};

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
    pub updated_at: PrimitiveDateTime,
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
        Listing::Tag(id) => query.filter(
            posts::id.eq_any(
                post_tags::table
                    .filter(post_tags::tag_id.eq(*id))
                    .select(post_tags::post_id),
            ),
        ),
    }
}

/// When the next scheduled post (or page) comes out, if one is waiting: until then a
/// listing made now holds (one step down the `(status, published_at)` index).
pub fn next_scheduled(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
) -> QueryResult<Option<PrimitiveDateTime>> {
    posts::table
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.gt(now))
        .select(diesel::dsl::min(posts::published_at))
        .first(conn)
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
    crate::on_backend!(conn, |c| posts::table
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
            posts::updated_at,
            media_columns!(),
            posts::password,
        ))
        .first(c))
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

/// A post as a feed entry shows it.
#[derive(Queryable, Debug)]
pub struct FeedPost {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub body_html: String,
    pub author_name: String,
    pub published_at: Option<PrimitiveDateTime>,
    pub updated_at: PrimitiveDateTime,
    /// (slug, name)
    pub category: Option<(String, String)>,
}

/// The newest posts of a listing, for its feed.
pub fn latest_for_feed(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
    listing: &Listing,
    limit: i64,
) -> QueryResult<Vec<FeedPost>> {
    let ids: Vec<i32> = visible_posts(now, listing)
        // A feed never carries password-protected content.
        .filter(posts::password.is_null())
        .select(posts::id)
        .order((posts::published_at.desc(), posts::id.desc()))
        .limit(limit)
        .load(conn)?;
    let mut rows: Vec<FeedPost> = posts::table
        .inner_join(users::table)
        .left_join(categories::table)
        .filter(posts::id.eq_any(&ids))
        .select((
            posts::id,
            posts::slug,
            posts::title,
            posts::excerpt,
            posts::body_html,
            users::display_name,
            posts::published_at,
            posts::updated_at,
            (categories::slug, categories::name).nullable(),
        ))
        .load(conn)?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    Ok(rows)
}

/// (slug, name) of the tags of each of `post_ids`, by name, in one query.
pub fn tags_of_posts(
    conn: &mut DbConn,
    post_ids: &[i32],
) -> QueryResult<HashMap<i32, Vec<(String, String)>>> {
    let rows: Vec<(i32, String, String)> = post_tags::table
        .inner_join(tags::table)
        .filter(post_tags::post_id.eq_any(post_ids))
        .select((post_tags::post_id, tags::slug, tags::name))
        .order(tags::name)
        .load(conn)?;
    let mut by_post: HashMap<i32, Vec<(String, String)>> = HashMap::new();
    for (post_id, slug, name) in rows {
        by_post.entry(post_id).or_default().push((slug, name));
    }
    Ok(by_post)
}

/// What the sitemap lists of posts and pages: (kind, slug, updated_at), newest first.
pub fn sitemap_entries(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(String, String, PrimitiveDateTime)>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    posts::table
        .filter(posts::kind.eq_any([Kind::Post.as_str(), Kind::Page.as_str()]))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .order((posts::published_at.desc(), posts::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((posts::kind, posts::slug, posts::updated_at))
        .load(conn)
}

/// How many posts and pages are published (the sitemap's share of them).
pub fn published_count(conn: &mut DbConn, now: PrimitiveDateTime) -> QueryResult<i64> {
    posts::table
        .filter(posts::kind.eq_any([Kind::Post.as_str(), Kind::Page.as_str()]))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .count()
        .get_result(conn)
}

/// When a published post last changed: the home page's lastmod.
pub fn newest_update(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
) -> QueryResult<Option<PrimitiveDateTime>> {
    posts::table
        .filter(posts::kind.eq(Kind::Post.as_str()))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .select(diesel::dsl::max(posts::updated_at))
        .first(conn)
}

/// Slugs of the categories with at least one published post, with the newest update of
/// their posts.
pub fn categories_in_use(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
) -> QueryResult<Vec<(String, Option<PrimitiveDateTime>)>> {
    categories::table
        .inner_join(posts::table)
        .filter(posts::kind.eq(Kind::Post.as_str()))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .group_by(categories::slug)
        .select((categories::slug, diesel::dsl::max(posts::updated_at)))
        .order(categories::slug)
        .load(conn)
}

/// Slugs of the tags with at least one published post, with the newest update of their
/// posts.
pub fn tags_in_use(
    conn: &mut DbConn,
    now: PrimitiveDateTime,
) -> QueryResult<Vec<(String, Option<PrimitiveDateTime>)>> {
    tags::table
        .inner_join(post_tags::table.inner_join(posts::table))
        .filter(posts::kind.eq(Kind::Post.as_str()))
        .filter(posts::status.eq(Status::Published.as_str()))
        .filter(posts::published_at.le(now))
        .group_by(tags::slug)
        .select((tags::slug, diesel::dsl::max(posts::updated_at)))
        .order(tags::slug)
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_typed_by_readers_are_literal() {
        assert_eq!(escape_like("50%_off"), "50\\%\\_off");
    }
}
