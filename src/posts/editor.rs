//! Writing posts and pages: the editor's form checked, saved with a revision and a version
//! check, the Markdown rendered (and sanitized) once when saved, trash and restore, and the
//! re-rendering of stored HTML when the rendering rules change.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde::Deserialize;
use time::PrimitiveDateTime;

use crate::accounts::users::is_unique_violation;
use crate::db::DbConn;
use crate::db::schema::{
    categories, media, post_categories, post_revisions, post_tags, posts, tags, users,
};
use crate::posts::markdown;
use crate::posts::queries::{Kind, Status};
use crate::posts::slug::slugify;
use crate::web::dates::DateStyle;
use crate::web::forms::{FieldErrors, Refusal, Refused, too_long};

/// The rules `posts.body_html` was rendered with. Bump it when `markdown::render`
/// changes: `rerender_outdated` then renders every older row again.
pub const RENDER_VERSION: i32 = 1;

/// The columns a Markdown body is rendered into, set together by every write of a body:
/// the sanitized HTML, its plain text (what the search index reads) and the rules used.
pub type RenderedBody = (
    diesel::dsl::Eq<posts::body_html, String>,
    diesel::dsl::Eq<posts::body_text, String>,
    diesel::dsl::Eq<posts::render_version, i32>,
);

pub fn rendered_body(body_format: &str, body: &str) -> RenderedBody {
    let html = super::markdown::render(body_format, body);
    let text = crate::search::plain_text(&html);
    (
        posts::body_html.eq(html),
        posts::body_text.eq(text),
        posts::render_version.eq(RENDER_VERSION),
    )
}

/// First path segments the site's own routes use (read from every `routes` function): a
/// page at `/{slug}` may not take one. A unit test checks the route tables against it.
pub const RESERVED_SLUGS: &[&str] = &[
    "account",
    "admin",
    "cart",
    "category",
    "checkout",
    "comments",
    "favicon.ico",
    "feed.xml",
    "forgot-password",
    "healthz",
    "login",
    "logout",
    "media",
    "metrics",
    "orders",
    "pages",
    "posts",
    "readyz",
    "register",
    "reset-password",
    "robots.txt",
    "search",
    "setup",
    "shop",
    "sitemap.xml",
    "sitemaps",
    "static",
    "tag",
];

/// Whether `slug` is one of the site's own first path segments.
pub fn is_reserved(slug: &str) -> bool {
    RESERVED_SLUGS.contains(&slug)
}

/// The editor's fields as typed; every one a string, so a refused form comes back as it was.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct EditorForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub excerpt: String,
    #[serde(default)]
    pub category_id: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub featured_media_id: String,
    #[serde(default)]
    pub image_alt: String,
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub credit: String,
    /// "1" when ticked; an unticked checkbox sends nothing.
    #[serde(default)]
    pub comments_open: String,
    /// `datetime-local` in the site's time zone.
    #[serde(default)]
    pub publish_at: String,
    /// `posts.version` when the editor was opened.
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub action: String,
}

/// Each field of the form and the most characters it may carry through a login (the
/// expired-session draft); the editor refuses longer text with a message.
pub const DRAFT_FIELDS: &[(&str, usize)] = &[
    ("title", MAX_TITLE),
    ("slug", MAX_SLUG_TYPED),
    ("body", MAX_BODY),
    ("excerpt", MAX_EXCERPT),
    ("category_id", 12),
    ("tags", MAX_TAGS_TEXT),
    ("featured_media_id", 12),
    ("image_alt", MAX_SHORT),
    ("caption", MAX_SHORT),
    ("credit", MAX_SHORT),
    ("comments_open", 1),
    ("publish_at", 40),
    ("version", 12),
];

const MAX_TITLE: usize = 200;
const MAX_SLUG: usize = 100;
const MAX_SLUG_TYPED: usize = 200;
const MAX_BODY: usize = 200_000;
const MAX_EXCERPT: usize = 1_000;
const MAX_TAGS_TEXT: usize = 1_000;
const MAX_TAG: usize = 50;
const MAX_TAG_COUNT: usize = 20;
const MAX_SHORT: usize = 300;

impl EditorForm {
    /// The fields (without `action`), each cut to its length cap.
    pub fn draft_pairs(&self) -> Vec<(&'static str, String)> {
        DRAFT_FIELDS
            .iter()
            .map(|(name, cap)| (*name, self.field(name).chars().take(*cap).collect()))
            .collect()
    }

    /// The form from `draft_pairs` (unknown names ignored, each value cut to its cap).
    pub fn from_draft<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> EditorForm {
        let mut form = EditorForm::default();
        for (name, value) in pairs {
            if let Some((known, cap)) = DRAFT_FIELDS.iter().find(|(n, _)| *n == name)
                && let Some(slot) = form.field_mut(known)
            {
                *slot = value.chars().take(*cap).collect();
            }
        }
        form
    }

    fn field(&self, name: &str) -> &str {
        match name {
            "title" => &self.title,
            "slug" => &self.slug,
            "body" => &self.body,
            "excerpt" => &self.excerpt,
            "category_id" => &self.category_id,
            "tags" => &self.tags,
            "featured_media_id" => &self.featured_media_id,
            "image_alt" => &self.image_alt,
            "caption" => &self.caption,
            "credit" => &self.credit,
            "comments_open" => &self.comments_open,
            "publish_at" => &self.publish_at,
            "version" => &self.version,
            _ => "",
        }
    }

    fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "title" => &mut self.title,
            "slug" => &mut self.slug,
            "body" => &mut self.body,
            "excerpt" => &mut self.excerpt,
            "category_id" => &mut self.category_id,
            "tags" => &mut self.tags,
            "featured_media_id" => &mut self.featured_media_id,
            "image_alt" => &mut self.image_alt,
            "caption" => &mut self.caption,
            "credit" => &mut self.credit,
            "comments_open" => &mut self.comments_open,
            "publish_at" => &mut self.publish_at,
            "version" => &mut self.version,
            _ => return None,
        })
    }
}

/// Which button was pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SaveDraft,
    Preview,
    Publish,
    Schedule,
    /// Save, keeping the status and publication time as they are.
    Update,
}

impl Action {
    pub fn parse(text: &str) -> Option<Action> {
        Some(match text {
            "draft" => Action::SaveDraft,
            "preview" => Action::Preview,
            "publish" => Action::Publish,
            "schedule" => Action::Schedule,
            "update" => Action::Update,
            _ => return None,
        })
    }
}

/// A form that passed the checks that need no database.
#[derive(Debug)]
pub struct Checked {
    pub title: String,
    pub slug: String,
    pub body: String,
    pub excerpt: String,
    pub category_id: Option<i32>,
    /// (slug, name), one per slug.
    pub tags: Vec<(String, String)>,
    pub featured_media_id: Option<i32>,
    pub image_alt: String,
    pub caption: String,
    pub credit: String,
    pub comments_open: bool,
    pub schedule_at: Option<PrimitiveDateTime>,
    /// `None` for a new post.
    pub version: Option<i32>,
}

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "post",
        Kind::Page => "page",
    }
}

fn optional_id(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    message: &str,
) -> Option<i32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<i32>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.add(field, message);
            None
        }
    }
}

/// Tag names from "a, b, c": trimmed, empty ones dropped, one per slug.
pub fn parse_tags(text: &str, errors: &mut FieldErrors) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if too_long(name, MAX_TAG) {
            errors.add(
                "tags",
                format!("Keep each tag under {MAX_TAG} characters; separate tags with commas."),
            );
            continue;
        }
        let slug = slugify(name);
        if slug.is_empty() {
            errors.add(
                "tags",
                format!("“{name}” has no letters or digits to make a tag of."),
            );
            continue;
        }
        if !found.iter().any(|(s, _)| *s == slug) {
            found.push((slug, name.to_owned()));
        }
    }
    if found.len() > MAX_TAG_COUNT {
        errors.add("tags", format!("Use at most {MAX_TAG_COUNT} tags."));
    }
    found
}

/// The checks that need no database. `action` is not `Preview`.
pub fn check(
    form: &EditorForm,
    kind: Kind,
    action: Action,
    is_new: bool,
    style: &DateStyle,
    now: PrimitiveDateTime,
) -> Result<Checked, Refusal> {
    let noun = noun(kind);
    let mut errors = FieldErrors::default();
    let title = form.title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", format!("Give the {noun} a title."));
    } else if too_long(&title, MAX_TITLE) {
        errors.add(
            "title",
            format!("Keep the title under {MAX_TITLE} characters."),
        );
    }
    let typed_slug = form.slug.trim();
    let slug = slugify(if typed_slug.is_empty() {
        &title
    } else {
        typed_slug
    });
    if too_long(typed_slug, MAX_SLUG_TYPED) || too_long(&slug, MAX_SLUG) {
        errors.add(
            "slug",
            format!("Keep the web address under {MAX_SLUG} characters."),
        );
    } else if slug.is_empty() && (!typed_slug.is_empty() || !title.is_empty()) {
        errors.add(
            "slug",
            "Type a web address with letters or digits, e.g. “my-first-post”.",
        );
    } else if kind == Kind::Page && is_reserved(&slug) {
        errors.add(
            "slug",
            format!(
                "“/{slug}” is one of the site's own addresses. Choose another web address for \
                 this page."
            ),
        );
    }
    if too_long(&form.body, MAX_BODY) {
        errors.add(
            "body",
            format!("The text is longer than {MAX_BODY} characters; split it into two {noun}s."),
        );
    }
    if too_long(form.excerpt.trim(), MAX_EXCERPT) {
        errors.add(
            "excerpt",
            format!("Keep the excerpt under {MAX_EXCERPT} characters."),
        );
    }
    let category_id = match kind {
        Kind::Post => optional_id(
            &mut errors,
            "category_id",
            &form.category_id,
            "Choose a category from the list.",
        ),
        Kind::Page => None,
    };
    let tags = match kind {
        Kind::Post if too_long(&form.tags, MAX_TAGS_TEXT) => {
            errors.add(
                "tags",
                format!("Keep the tags under {MAX_TAGS_TEXT} characters in all."),
            );
            Vec::new()
        }
        Kind::Post => parse_tags(&form.tags, &mut errors),
        Kind::Page => Vec::new(),
    };
    let featured_media_id = optional_id(
        &mut errors,
        "featured_media_id",
        &form.featured_media_id,
        "Choose an image from the list.",
    );
    for (field, value) in [
        ("image_alt", &form.image_alt),
        ("caption", &form.caption),
        ("credit", &form.credit),
    ] {
        if too_long(value.trim(), MAX_SHORT) {
            errors.add(field, format!("Keep this under {MAX_SHORT} characters."));
        }
    }
    let schedule_at = if action == Action::Schedule {
        match style.parse_input(&form.publish_at) {
            None if form.publish_at.trim().is_empty() => {
                errors.add("publish_at", "Choose the date and time to publish at.");
                None
            }
            None => {
                errors.add(
                    "publish_at",
                    "That is not a date and time: use the picker, or type e.g. \
                     2026-12-24T09:00.",
                );
                None
            }
            Some(at) if at <= now => {
                errors.add(
                    "publish_at",
                    "That time has already passed. Choose a time in the future, or press \
                     Publish to publish now.",
                );
                None
            }
            Some(at) => Some(at),
        }
    } else {
        None
    };
    let version = if is_new {
        None
    } else {
        match form.version.trim().parse::<i32>() {
            Ok(v) => Some(v),
            Err(_) => {
                return Err(Refusal::bad_input(
                    "This form is missing the version it was opened at. Copy your text, \
                     reload the editor and paste it back.",
                ));
            }
        }
    };
    Refusal::unless_any(errors)?;
    Ok(Checked {
        title,
        slug,
        body: form.body.clone(),
        excerpt: form.excerpt.trim().to_owned(),
        category_id,
        tags,
        featured_media_id,
        image_alt: form.image_alt.trim().to_owned(),
        caption: form.caption.trim().to_owned(),
        credit: form.credit.trim().to_owned(),
        comments_open: !form.comments_open.is_empty(),
        schedule_at,
        version,
    })
}

/// Who is writing: editors and administrators edit every post, authors their own.
#[derive(Clone, Copy, Debug)]
pub struct Writer {
    pub user_id: i32,
    pub edits_all: bool,
}

impl Writer {
    pub fn may_edit(&self, author_id: i32) -> bool {
        self.edits_all || author_id == self.user_id
    }
}

/// The message of a stale save (409).
pub fn conflict_message(kind: Kind) -> String {
    let noun = noun(kind);
    format!(
        "Someone else changed this {noun} since you opened it. Your text is below and has not \
         been saved; the other version is listed under Revisions. Save again to replace it \
         with yours."
    )
}

fn duplicate_slug(slug: &str) -> Refusal {
    Refusal::field(
        "slug",
        format!(
            "Another post or page already has the web address “{slug}”. Change it to \
             something else."
        ),
    )
}

/// What a save stores about publication.
fn publication(
    action: Action,
    stored: Option<(Status, Option<PrimitiveDateTime>)>,
    checked: &Checked,
    now: PrimitiveDateTime,
) -> (Status, Option<PrimitiveDateTime>) {
    match (action, stored) {
        (Action::Publish, Some((Status::Published, Some(at)))) if at <= now => {
            (Status::Published, Some(at))
        }
        (Action::Publish, _) => (Status::Published, Some(now)),
        (Action::Schedule, _) => (Status::Published, checked.schedule_at),
        (Action::Update, Some((Status::Published, at))) => (Status::Published, at),
        // Imported pending and private posts stay so until published.
        (Action::SaveDraft, Some((kept @ (Status::Pending | Status::Private), at))) => (kept, at),
        _ => (Status::Draft, None),
    }
}

/// What the writing functions need to know of a post they are about to change.
#[derive(Queryable)]
struct Editable {
    author_id: i32,
    title: String,
    slug: String,
    status: String,
    published_at: Option<PrimitiveDateTime>,
    body_format: String,
    category_id: Option<i32>,
}

/// The post `id` of `kind`, if `writer` may change it (`NotFound` otherwise).
fn editable(conn: &mut DbConn, writer: Writer, kind: Kind, id: i32) -> QueryResult<Editable> {
    let post: Editable = posts::table
        .find(id)
        .filter(posts::kind.eq(kind.as_str()))
        .select((
            posts::author_id,
            posts::title,
            posts::slug,
            posts::status,
            posts::published_at,
            posts::body_format,
            posts::category_id,
        ))
        .first(conn)?;
    if writer.may_edit(post.author_id) {
        Ok(post)
    } else {
        Err(diesel::result::Error::NotFound)
    }
}

/// Saves a new post (`id` `None`) or a change: the slug must be free, the category and
/// image must exist, and for a change the version must still be the one the form was
/// opened at (else 409: someone saved meanwhile). Renders the Markdown, sets the tags,
/// bumps the version and keeps a revision, all in one transaction. Returns the post's id.
pub fn save(
    conn: &mut DbConn,
    writer: Writer,
    kind: Kind,
    id: Option<i32>,
    action: Action,
    checked: &Checked,
    now: PrimitiveDateTime,
) -> Result<i32, Refused> {
    conn.write_transaction(|conn| {
        let (stored, body_format, old_category) = match id {
            Some(id) => {
                let post = editable(conn, writer, kind, id)?;
                let stored = (Status::parse(&post.status), post.published_at);
                (Some(stored), post.body_format, post.category_id)
            }
            None => (None, markdown::MARKDOWN.to_owned(), None),
        };
        let taken: i64 = posts::table
            .filter(posts::slug.eq(&checked.slug))
            .filter(posts::id.ne(id.unwrap_or(0)))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(duplicate_slug(&checked.slug).into());
        }
        let mut errors = FieldErrors::default();
        if let Some(category) = checked.category_id {
            let found: i64 = categories::table.find(category).count().get_result(conn)?;
            if found == 0 {
                errors.add(
                    "category_id",
                    "That category no longer exists: choose another.",
                );
            }
        }
        if let Some(media_id) = checked.featured_media_id {
            let uploader: Option<Option<i32>> = media::table
                .find(media_id)
                .select(media::uploaded_by)
                .first(conn)
                .optional()?;
            // An author picks from their own uploads (as their library shows them); an
            // image an editor already set on their post may stay.
            let mut already_set = || -> QueryResult<bool> {
                let Some(id) = id else { return Ok(false) };
                let current: Option<i32> = posts::table
                    .find(id)
                    .select(posts::featured_media_id)
                    .first(conn)?;
                Ok(current == Some(media_id))
            };
            match uploader {
                None => errors.add(
                    "featured_media_id",
                    "That image is no longer in the library: choose another.",
                ),
                Some(by) if !writer.edits_all && by != Some(writer.user_id) && !already_set()? => {
                    errors.add(
                        "featured_media_id",
                        "Choose one of your own images: that one was uploaded by someone else.",
                    )
                }
                Some(_) => {}
            }
        }
        Refusal::unless_any(errors)?;
        let (status, published_at) = publication(action, stored, checked, now);
        // What every save writes, for an insert and an update alike.
        let content = (
            posts::title.eq(&checked.title),
            posts::slug.eq(&checked.slug),
            posts::excerpt.eq(&checked.excerpt),
            posts::body.eq(&checked.body),
            rendered_body(&body_format, &checked.body),
            posts::status.eq(status.as_str()),
            posts::published_at.eq(published_at),
            posts::category_id.eq(checked.category_id),
            posts::featured_media_id.eq(checked.featured_media_id),
            posts::image_alt.eq(&checked.image_alt),
            posts::caption.eq(&checked.caption),
            posts::credit.eq(&checked.credit),
            posts::comments_open.eq(checked.comments_open),
            posts::updated_at.eq(now),
        );
        let written = match (id, checked.version) {
            (Some(id), Some(version)) => diesel::update(
                posts::table
                    .find(id)
                    .filter(posts::kind.eq(kind.as_str()))
                    .filter(posts::version.eq(version)),
            )
            .set((content, posts::version.eq(posts::version + 1)))
            .execute(conn)
            .map(|rows| (rows == 1).then_some(id)),
            _ => diesel::insert_into(posts::table)
                .values((
                    posts::kind.eq(kind.as_str()),
                    posts::author_id.eq(writer.user_id),
                    content,
                ))
                .returning(posts::id)
                .get_result(conn)
                .map(Some),
        };
        let post_id = match written {
            Ok(Some(post_id)) => post_id,
            Ok(None) => {
                return Err(Refusal::new(StatusCode::CONFLICT, conflict_message(kind)).into());
            }
            Err(e) if is_unique_violation(&e) => return Err(duplicate_slug(&checked.slug).into()),
            Err(e) => return Err(e.into()),
        };
        if kind == Kind::Post {
            set_tags(conn, post_id, &checked.tags)?;
            set_primary_category(conn, post_id, old_category, checked.category_id)?;
        }
        insert_revision(
            conn,
            post_id,
            writer.user_id,
            now,
            [
                &checked.title,
                &checked.slug,
                &checked.excerpt,
                &checked.body,
            ],
        )?;
        Ok(post_id)
    })
}

fn insert_revision(
    conn: &mut DbConn,
    post_id: i32,
    author_id: i32,
    now: PrimitiveDateTime,
    [title, slug, excerpt, body]: [&str; 4],
) -> QueryResult<()> {
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post_id),
            post_revisions::author_id.eq(author_id),
            post_revisions::created_at.eq(now),
            post_revisions::title.eq(title),
            post_revisions::slug.eq(slug),
            post_revisions::excerpt.eq(excerpt),
            post_revisions::body.eq(body),
        ))
        .execute(conn)
        .map(drop)
}

/// Keeps `post_categories` holding the primary category: the old primary one leaves it,
/// the new one joins; other (imported) categories stay.
fn set_primary_category(
    conn: &mut DbConn,
    post_id: i32,
    old: Option<i32>,
    new: Option<i32>,
) -> QueryResult<()> {
    let of_post = post_categories::table.filter(post_categories::post_id.eq(post_id));
    if let Some(old) = old.filter(|old| Some(*old) != new) {
        diesel::delete(of_post.filter(post_categories::category_id.eq(old))).execute(conn)?;
    }
    if let Some(new) = new {
        let present: i64 = of_post
            .filter(post_categories::category_id.eq(new))
            .count()
            .get_result(conn)?;
        if present == 0 {
            diesel::insert_into(post_categories::table)
                .values((
                    post_categories::post_id.eq(post_id),
                    post_categories::category_id.eq(new),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Replaces the post's tags; new names become tags. A fixed number of queries.
fn set_tags(conn: &mut DbConn, post_id: i32, wanted: &[(String, String)]) -> QueryResult<()> {
    diesel::delete(post_tags::table.filter(post_tags::post_id.eq(post_id))).execute(conn)?;
    if wanted.is_empty() {
        return Ok(());
    }
    let slugs: Vec<&str> = wanted.iter().map(|(s, _)| s.as_str()).collect();
    let existing: Vec<String> = tags::table
        .filter(tags::slug.eq_any(&slugs))
        .select(tags::slug)
        .load(conn)?;
    // One insert a row (the MultiConnection has no batch insert); at most MAX_TAG_COUNT.
    for (slug, name) in wanted.iter().filter(|(slug, _)| !existing.contains(slug)) {
        diesel::insert_into(tags::table)
            .values((tags::slug.eq(slug), tags::name.eq(name)))
            .execute(conn)?;
    }
    let ids: Vec<i32> = tags::table
        .filter(tags::slug.eq_any(&slugs))
        .select(tags::id)
        .load(conn)?;
    for tag_id in ids {
        diesel::insert_into(post_tags::table)
            .values((post_tags::post_id.eq(post_id), post_tags::tag_id.eq(tag_id)))
            .execute(conn)?;
    }
    Ok(())
}

/// A stored post as the editor shows it.
pub struct Stored {
    pub id: i32,
    pub form: EditorForm,
    pub status: Status,
    pub published_at: Option<PrimitiveDateTime>,
    pub slug: String,
    pub updated_at: PrimitiveDateTime,
    /// `markdown` or `html` (imported): how the body is rendered.
    pub body_format: String,
}

#[derive(Queryable)]
struct StoredRow {
    id: i32,
    author_id: i32,
    title: String,
    slug: String,
    body: String,
    excerpt: String,
    category_id: Option<i32>,
    featured_media_id: Option<i32>,
    image_alt: String,
    caption: String,
    credit: String,
    comments_open: bool,
    status: String,
    published_at: Option<PrimitiveDateTime>,
    version: i32,
    updated_at: PrimitiveDateTime,
    body_format: String,
}

/// The post `id` of `kind` if `writer` may edit it (`NotFound` otherwise: an author does
/// not learn which ids others' posts have).
pub fn load(
    conn: &mut DbConn,
    writer: Writer,
    kind: Kind,
    id: i32,
    style: &DateStyle,
) -> QueryResult<Stored> {
    let row: StoredRow = posts::table
        .find(id)
        .filter(posts::kind.eq(kind.as_str()))
        .select((
            posts::id,
            posts::author_id,
            posts::title,
            posts::slug,
            posts::body,
            posts::excerpt,
            posts::category_id,
            posts::featured_media_id,
            posts::image_alt,
            posts::caption,
            posts::credit,
            posts::comments_open,
            posts::status,
            posts::published_at,
            posts::version,
            posts::updated_at,
            posts::body_format,
        ))
        .first(conn)?;
    if !writer.may_edit(row.author_id) {
        return Err(diesel::result::Error::NotFound);
    }
    let tag_names: Vec<String> = post_tags::table
        .inner_join(tags::table)
        .filter(post_tags::post_id.eq(id))
        .select(tags::name)
        .order(tags::name)
        .load(conn)?;
    let status = Status::parse(&row.status);
    let id_text = |id: Option<i32>| id.map(|i| i.to_string()).unwrap_or_default();
    Ok(Stored {
        id: row.id,
        form: EditorForm {
            title: row.title,
            slug: row.slug.clone(),
            body: row.body,
            excerpt: row.excerpt,
            category_id: id_text(row.category_id),
            tags: tag_names.join(", "),
            featured_media_id: id_text(row.featured_media_id),
            image_alt: row.image_alt,
            caption: row.caption,
            credit: row.credit,
            comments_open: if row.comments_open { "1" } else { "" }.to_owned(),
            publish_at: row
                .published_at
                .map(|at| style.input_value(at))
                .unwrap_or_default(),
            version: row.version.to_string(),
            action: String::new(),
        },
        status,
        published_at: row.published_at,
        slug: row.slug,
        updated_at: row.updated_at,
        body_format: row.body_format,
    })
}

/// The current version of a post (after a conflict, the form takes it so that the next
/// save is a deliberate overwrite).
pub fn current_version(conn: &mut DbConn, id: i32) -> QueryResult<i32> {
    posts::table.find(id).select(posts::version).first(conn)
}

/// Moves a post to the trash, or (`Status::Draft`) back out of it as a draft.
pub fn set_trashed(
    conn: &mut DbConn,
    writer: Writer,
    kind: Kind,
    id: i32,
    trashed: bool,
    now: PrimitiveDateTime,
) -> QueryResult<String> {
    conn.write_transaction(|conn| {
        let title = editable(conn, writer, kind, id)?.title;
        let target = posts::table.find(id);
        if trashed {
            diesel::update(target)
                .set((
                    posts::status.eq(Status::Trash.as_str()),
                    posts::version.eq(posts::version + 1),
                    posts::updated_at.eq(now),
                ))
                .execute(conn)?;
        } else {
            diesel::update(target.filter(posts::status.eq(Status::Trash.as_str())))
                .set((
                    posts::status.eq(Status::Draft.as_str()),
                    posts::published_at.eq(None::<PrimitiveDateTime>),
                    posts::version.eq(posts::version + 1),
                    posts::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(title)
    })
}

/// One line of the editor's revision list.
#[derive(Queryable, Debug)]
pub struct RevisionRow {
    pub id: i32,
    pub created_at: PrimitiveDateTime,
    pub author: Option<String>,
}

/// The post's revisions, newest first (at most 100).
pub fn revisions(conn: &mut DbConn, post_id: i32) -> QueryResult<Vec<RevisionRow>> {
    post_revisions::table
        .left_join(users::table)
        .filter(post_revisions::post_id.eq(post_id))
        .order(post_revisions::id.desc())
        .limit(100)
        .select((
            post_revisions::id,
            post_revisions::created_at,
            users::display_name.nullable(),
        ))
        .load(conn)
}

/// A revision's text.
#[derive(Queryable, Debug)]
pub struct Revision {
    pub id: i32,
    pub created_at: PrimitiveDateTime,
    pub author: Option<String>,
    pub title: String,
    pub slug: String,
    pub excerpt: String,
    pub body: String,
}

/// Revisions `ids` of the post, by id.
pub fn revisions_by_id(
    conn: &mut DbConn,
    post_id: i32,
    ids: &[i32],
) -> QueryResult<HashMap<i32, Revision>> {
    let found: Vec<Revision> = post_revisions::table
        .left_join(users::table)
        .filter(post_revisions::post_id.eq(post_id))
        .filter(post_revisions::id.eq_any(ids))
        .select((
            post_revisions::id,
            post_revisions::created_at,
            users::display_name.nullable(),
            post_revisions::title,
            post_revisions::slug,
            post_revisions::excerpt,
            post_revisions::body,
        ))
        .load(conn)?;
    Ok(found.into_iter().map(|r| (r.id, r)).collect())
}

/// Loads revision `revision_id` back into the post as a new save (and a new revision). Its
/// slug comes back too unless another post has taken it meanwhile.
pub fn restore_revision(
    conn: &mut DbConn,
    writer: Writer,
    kind: Kind,
    post_id: i32,
    revision_id: i32,
    now: PrimitiveDateTime,
) -> QueryResult<()> {
    conn.write_transaction(|conn| {
        let current = editable(conn, writer, kind, post_id)?;
        let current_slug = current.slug;
        let mut found = revisions_by_id(conn, post_id, &[revision_id])?;
        let revision = found
            .remove(&revision_id)
            .ok_or(diesel::result::Error::NotFound)?;
        let slug_taken: i64 = posts::table
            .filter(posts::slug.eq(&revision.slug))
            .filter(posts::id.ne(post_id))
            .count()
            .get_result(conn)?;
        let reserved = kind == Kind::Page && is_reserved(&revision.slug);
        let slug = if slug_taken > 0 || reserved {
            current_slug
        } else {
            revision.slug
        };
        diesel::update(posts::table.find(post_id))
            .set((
                posts::title.eq(&revision.title),
                posts::slug.eq(&slug),
                posts::excerpt.eq(&revision.excerpt),
                posts::body.eq(&revision.body),
                rendered_body(&current.body_format, &revision.body),
                posts::updated_at.eq(now),
                posts::version.eq(posts::version + 1),
            ))
            .execute(conn)?;
        insert_revision(
            conn,
            post_id,
            writer.user_id,
            now,
            [&revision.title, &slug, &revision.excerpt, &revision.body],
        )
    })
}

/// Renders again every stored body whose HTML was made with older rules; returns how many.
pub fn rerender_outdated(conn: &mut DbConn) -> QueryResult<usize> {
    let mut done = 0;
    loop {
        let batch: Vec<(i32, String, String)> = posts::table
            .filter(posts::render_version.lt(RENDER_VERSION))
            .order(posts::id)
            .limit(100)
            .select((posts::id, posts::body_format, posts::body))
            .load(conn)?;
        if batch.is_empty() {
            return Ok(done);
        }
        conn.write_transaction(|conn| {
            for (id, body_format, body) in &batch {
                diesel::update(posts::table.find(id))
                    .set(rendered_body(body_format, body))
                    .execute(conn)?;
            }
            QueryResult::Ok(())
        })?;
        done += batch.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(title: &str, slug: &str) -> EditorForm {
        EditorForm {
            title: title.to_owned(),
            slug: slug.to_owned(),
            ..EditorForm::default()
        }
    }

    fn now() -> PrimitiveDateTime {
        crate::web::dates::parse("2026-12-03 10:00:00").expect("a time")
    }

    /// `check` of a new post or page at `now()`.
    fn check_new(
        form: &EditorForm,
        kind: Kind,
        action: Action,
        style: &DateStyle,
    ) -> Result<Checked, Refusal> {
        check(form, kind, action, true, style, now())
    }

    #[test]
    fn the_slug_comes_from_the_title_when_left_empty() {
        let style = DateStyle::default();
        let checked = check_new(
            &form("Hello, World!", ""),
            Kind::Post,
            Action::SaveDraft,
            &style,
        )
        .expect("valid");
        assert_eq!(checked.slug, "hello-world");
        let checked = check_new(
            &form("Hello", "My Own Slug"),
            Kind::Post,
            Action::SaveDraft,
            &style,
        )
        .expect("valid");
        assert_eq!(checked.slug, "my-own-slug");
    }

    #[test]
    fn pages_may_not_take_the_sites_own_addresses() {
        let style = DateStyle::default();
        let refused = check_new(&form("Shop", ""), Kind::Page, Action::SaveDraft, &style)
            .expect_err("reserved");
        assert!(
            refused
                .fields
                .get("slug")
                .is_some_and(|m| m.contains("/shop"))
        );
        // A post lives under /posts/, so it may.
        assert!(
            check(
                &form("Shop", ""),
                Kind::Post,
                Action::SaveDraft,
                true,
                &style,
                now()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_schedule_must_be_a_future_time_in_the_sites_zone() {
        let paris = DateStyle::new("Europe/Paris", "F j, Y");
        let mut typed = form("Later", "");
        typed.publish_at = "2026-12-03T10:30".to_owned(); // 09:30 UTC: past
        let refused = check_new(&typed, Kind::Post, Action::Schedule, &paris).expect_err("past");
        assert!(refused.fields.get("publish_at").is_some());
        typed.publish_at = "2026-12-03T11:30:05".to_owned(); // 10:30:05 UTC
        let checked = check_new(&typed, Kind::Post, Action::Schedule, &paris).expect("ok");
        assert_eq!(
            checked.schedule_at,
            crate::web::dates::parse("2026-12-03 10:30:05").ok()
        );
        typed.publish_at = "soon".to_owned();
        assert!(check_new(&typed, Kind::Post, Action::Schedule, &paris).is_err());
    }

    #[test]
    fn tags_are_trimmed_and_counted_once_per_slug() {
        let mut errors = FieldErrors::default();
        let tags = parse_tags(" Retinol, retinol ,, Vitamin C ", &mut errors);
        assert!(errors.is_empty());
        assert_eq!(
            tags,
            [
                ("retinol".to_owned(), "Retinol".to_owned()),
                ("vitamin-c".to_owned(), "Vitamin C".to_owned())
            ]
        );
        parse_tags("???", &mut errors);
        assert!(errors.get("tags").is_some());
    }

    #[test]
    fn a_draft_keeps_only_known_fields_each_capped() {
        let long = "x".repeat(MAX_TITLE + 50);
        let form = EditorForm::from_draft([
            ("title", long.as_str()),
            ("body", "Hello"),
            ("password", "secret"),
        ]);
        assert_eq!(form.title.chars().count(), MAX_TITLE);
        assert_eq!(form.body, "Hello");
        let pairs = form.draft_pairs();
        assert!(pairs.iter().all(|(name, _)| *name != "password"));
        assert_eq!(pairs.len(), DRAFT_FIELDS.len());
    }

    /// Every first path segment of every route in `src/` is reserved, so no page shadows one
    /// (and a new route without its entry here fails this test).
    #[test]
    fn every_route_of_the_site_is_a_reserved_slug() {
        let mut missing = Vec::new();
        let mut seen = 0;
        let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(path) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&path) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for marker in [".route(\"/", "resource(\"/"] {
                    for (at, _) in text.match_indices(marker) {
                        let rest = &text[at + marker.len()..];
                        let segment: String = rest
                            .chars()
                            .take_while(|c| !matches!(c, '/' | '"'))
                            .collect();
                        seen += 1;
                        if !segment.is_empty()
                            && !segment.starts_with('{')
                            && !is_reserved(&segment)
                        {
                            missing.push(format!("{segment} ({})", path.display()));
                        }
                    }
                }
            }
        }
        assert!(seen > 20, "the route tables were not found");
        assert!(missing.is_empty(), "not reserved: {missing:?}");
    }
}
