//! Writing an export into the database, inside the caller's transaction. Lookups are
//! batched (what was imported before, existing users, terms and slugs: one query each);
//! rows are inserted one by one (the MultiConnection has no multi-row insert).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use sha2::{Digest, Sha256};
use time::PrimitiveDateTime;

use super::content;
use super::summary::{Count, Summary};
use super::wxr::{self, Export, Item};
use crate::accounts::email::normalize;
use crate::comments::store::{self as comment_store, NewComment, Status as CommentStatus};
use crate::db::schema::{
    categories, comments, media, post_categories, post_tags, posts, redirects, tags, users,
    wp_import_ids,
};
use crate::db::{DbConn, lower};
use crate::posts::editor::is_reserved;
use crate::posts::markdown;
use crate::posts::queries::{Kind, Status};
use crate::posts::slug::slugify;
use crate::web::dates::{self, DateStyle};

/// The longest slug the editor accepts.
const MAX_SLUG: usize = 100;
const UNTITLED: &str = "(untitled)";

/// What was imported before from this source: (kind, WordPress id) → local id.
type Known = HashMap<(String, i64), i32>;

struct Run<'a> {
    export: &'a Export,
    source: String,
    known: Known,
    style: DateStyle,
    now: PrimitiveDateTime,
    summary: Summary,
    /// Lower-cased login → user id.
    authors: HashMap<String, i32>,
    /// Slug → id, for categories and for tags.
    categories: HashMap<String, i32>,
    tags: HashMap<String, i32>,
    /// Every slug of a post or page, taken before or during this run.
    slugs: HashSet<String>,
    /// Attachment WordPress id → media id.
    attachments: HashMap<i64, i32>,
    /// Old path → post id, collected and written at the end.
    redirects: Vec<(String, i32)>,
}

pub fn import(conn: &mut DbConn, export: &Export) -> QueryResult<Summary> {
    let source = export.base_blog_url.trim_end_matches('/').to_owned();
    let settings = crate::settings::Settings::load(conn)?;
    let known: Vec<(String, i64, i32)> = wp_import_ids::table
        .filter(wp_import_ids::source.eq(&source))
        .select((
            wp_import_ids::kind,
            wp_import_ids::wp_id,
            wp_import_ids::local_id,
        ))
        .load(conn)?;
    let mut run = Run {
        export,
        summary: Summary {
            source: source.clone(),
            wxr_version: export.wxr_version.clone(),
            ..Summary::default()
        },
        source,
        known: known
            .into_iter()
            .map(|(kind, wp_id, id)| ((kind, wp_id), id))
            .collect(),
        style: DateStyle::of(&settings),
        now: dates::now(),
        authors: HashMap::new(),
        categories: HashMap::new(),
        tags: HashMap::new(),
        slugs: posts::table
            .select(posts::slug)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
        attachments: HashMap::new(),
        redirects: Vec::new(),
    };
    run.authors(conn)?;
    run.terms(conn, TermKind::Category)?;
    run.terms(conn, TermKind::Tag)?;
    for item in &export.items {
        match item.post_type.as_str() {
            "attachment" => run.attachment(conn, item)?,
            "post" | "page" => {}
            other => {
                let kind = if other.is_empty() { "(none)" } else { other };
                *run.summary
                    .skipped_types
                    .entry(kind.to_owned())
                    .or_default() += 1;
            }
        }
    }
    for item in &export.items {
        if let Some(kind) = match item.post_type.as_str() {
            "post" => Some(Kind::Post),
            "page" => Some(Kind::Page),
            _ => None,
        } {
            run.post(conn, item, kind)?;
        }
    }
    run.write_redirects(conn)?;
    Ok(run.summary)
}

/// A login as it should be: the theme unit test has `themereviewteam>` and `>themereviewteam`.
fn clean_login(login: &str) -> String {
    login
        .trim()
        .trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace())
        .to_owned()
}

/// The slug of a WordPress slug (percent-encoded when not ASCII), else of the name.
fn slug_of(wp_slug: &str, name: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(wp_slug).decode_utf8_lossy();
    let slug = slugify(&decoded);
    let slug = if slug.is_empty() { slugify(name) } else { slug };
    cut(&slug, MAX_SLUG)
}

fn cut(slug: &str, max: usize) -> String {
    let cut: String = slug.chars().take(max).collect();
    cut.trim_end_matches('-').to_owned()
}

/// A WordPress date: the GMT one, else the local one in the site's time zone.
fn wp_date(gmt: &str, local: &str, style: &DateStyle) -> Option<PrimitiveDateTime> {
    let usable = |text: &str| !text.is_empty() && !text.starts_with("0000");
    if usable(gmt)
        && let Ok(at) = dates::parse(gmt)
    {
        return Some(at);
    }
    if usable(local) {
        return style
            .parse_input(local)
            .or_else(|| dates::parse(local).ok());
    }
    None
}

/// The path and query of a URL, without the host; `None` for the site's root.
pub fn path_of(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(at) => {
            let after = &url[at + 3..];
            &after[after.find(['/', '?']).unwrap_or(after.len())..]
        }
        None if url.starts_with('/') => url,
        None => return None,
    };
    let rest = rest.split('#').next().unwrap_or_default();
    let path = if rest.starts_with('?') {
        format!("/{rest}")
    } else {
        rest.to_owned()
    };
    (path != "/" && !path.is_empty()).then_some(path)
}

#[derive(Clone, Copy)]
enum TermKind {
    Category,
    Tag,
}

impl TermKind {
    fn key(self) -> &'static str {
        match self {
            TermKind::Category => "category",
            TermKind::Tag => "tag",
        }
    }

    fn domain(self) -> &'static str {
        match self {
            TermKind::Category => "category",
            TermKind::Tag => "post_tag",
        }
    }
}

/// (width, height) from `_wp_attachment_metadata`, PHP-serialized: the first `width` and
/// `height` keys are the original's (the sizes come after them).
fn php_dimensions(meta: &str) -> (i32, i32) {
    let number_after = |key: &str| -> i32 {
        let marker = format!("s:{}:\"{key}\";i:", key.len());
        meta.find(&marker)
            .map(|at| &meta[at + marker.len()..])
            .and_then(|rest| rest.split(';').next())
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(0)
    };
    let (width, height) = (number_after("width"), number_after("height"));
    if width > 0 && height > 0 {
        (width, height)
    } else {
        (0, 0)
    }
}

impl Run<'_> {
    fn known(&self, kind: &str, wp_id: i64) -> Option<i32> {
        self.known.get(&(kind.to_owned(), wp_id)).copied()
    }

    fn remember(
        &mut self,
        conn: &mut DbConn,
        kind: &str,
        wp_id: i64,
        local_id: i32,
    ) -> QueryResult<()> {
        diesel::insert_into(wp_import_ids::table)
            .values((
                wp_import_ids::source.eq(&self.source),
                wp_import_ids::kind.eq(kind),
                wp_import_ids::wp_id.eq(wp_id),
                wp_import_ids::local_id.eq(local_id),
            ))
            .execute(conn)?;
        self.known.insert((kind.to_owned(), wp_id), local_id);
        Ok(())
    }

    /// Declared authors, then the logins items name but the export does not declare.
    fn authors(&mut self, conn: &mut DbConn) -> QueryResult<()> {
        let mut wanted: Vec<wxr::Author> = Vec::new();
        let mut seen = HashSet::new();
        let declared = self.export.authors.iter().cloned();
        let referenced = self
            .export
            .items
            .iter()
            .filter(|item| matches!(item.post_type.as_str(), "post" | "page" | "attachment"))
            .map(|item| wxr::Author {
                login: item.creator.clone(),
                ..wxr::Author::default()
            });
        for mut author in declared.chain(referenced) {
            author.login = clean_login(&author.login);
            if author.login.is_empty() {
                continue;
            }
            if seen.insert(author.login.to_lowercase()) {
                wanted.push(author);
            }
        }
        if wanted.is_empty() {
            wanted.push(wxr::Author {
                login: "wordpress".to_owned(),
                ..wxr::Author::default()
            });
        }
        let logins: Vec<String> = wanted.iter().map(|a| a.login.to_lowercase()).collect();
        let emails: Vec<String> = wanted
            .iter()
            .filter(|a| !a.email.is_empty())
            .map(|a| normalize(&a.email))
            .collect();
        let existing: Vec<(i32, String, String)> = users::table
            .filter(
                lower(users::username)
                    .eq_any(&logins)
                    .or(users::email_normalized.eq_any(&emails)),
            )
            .select((users::id, users::username, users::email_normalized))
            .load(conn)?;
        for (index, author) in wanted.iter().enumerate() {
            let login = author.login.to_lowercase();
            let email = normalize(&author.email);
            let found = existing.iter().find(|(_, username, normalized)| {
                username.to_lowercase() == login || (!email.is_empty() && *normalized == email)
            });
            let id = match found {
                Some((id, _, _)) => {
                    self.summary.authors.existing += 1;
                    *id
                }
                None => {
                    self.summary.authors.add_new(None);
                    self.insert_author(conn, author, index)?
                }
            };
            self.authors.insert(login, id);
        }
        Ok(())
    }

    /// A user with role author and no password: they set one with "forgot password". An
    /// author without an email gets an address under `.invalid` (reserved: it never
    /// receives mail), unique by login, until an administrator changes it.
    fn insert_author(
        &self,
        conn: &mut DbConn,
        author: &wxr::Author,
        index: usize,
    ) -> QueryResult<i32> {
        let email = if author.email.is_empty() {
            let local = slugify(&author.login);
            let local = if local.is_empty() {
                format!("author-{index}")
            } else {
                local
            };
            format!("{local}@wordpress-import.invalid")
        } else {
            author.email.clone()
        };
        let display_name = if author.display_name.is_empty() {
            author.login.clone()
        } else {
            content::plain(&author.display_name)
        };
        diesel::insert_into(users::table)
            .values((
                users::username.eq(&author.login),
                users::email_normalized.eq(normalize(&email)),
                users::email.eq(&email),
                users::display_name.eq(&display_name),
                users::password_hash.eq(None::<String>),
                users::role.eq("author"),
                users::created_at.eq(self.now),
            ))
            .returning(users::id)
            .get_result(conn)
    }

    fn author_of(&self, item: &Item) -> i32 {
        let login = clean_login(&item.creator).to_lowercase();
        match self.authors.get(&login) {
            Some(id) => *id,
            // Every export has at least one author (or "wordpress" was made): the first.
            None => self.authors.values().min().copied().unwrap_or(0),
        }
    }

    /// Declared terms, then those items use without declaring them. Categories get their
    /// parents once all exist.
    fn terms(&mut self, conn: &mut DbConn, kind: TermKind) -> QueryResult<()> {
        let declared = match kind {
            TermKind::Category => &self.export.categories,
            TermKind::Tag => &self.export.tags,
        };
        let mut wanted: Vec<wxr::Term> = declared.clone();
        let used = self
            .export
            .items
            .iter()
            .flat_map(|item| &item.terms)
            .filter(|term| term.domain == kind.domain())
            .map(|term| wxr::Term {
                slug: term.slug.clone(),
                name: term.name.clone(),
                ..wxr::Term::default()
            });
        wanted.extend(used);
        let slugs: Vec<String> = wanted.iter().map(|t| slug_of(&t.slug, &t.name)).collect();
        let existing: HashMap<String, i32> = match kind {
            TermKind::Category => categories::table
                .filter(categories::slug.eq_any(&slugs))
                .select((categories::slug, categories::id))
                .load::<(String, i32)>(conn)?,
            TermKind::Tag => tags::table
                .filter(tags::slug.eq_any(&slugs))
                .select((tags::slug, tags::id))
                .load::<(String, i32)>(conn)?,
        }
        .into_iter()
        .collect();
        let mut map: HashMap<String, i32> = HashMap::new();
        let mut new_with_parent: Vec<(i32, String)> = Vec::new();
        for (term, slug) in wanted.iter().zip(slugs) {
            if slug.is_empty() || map.contains_key(&slug) {
                continue;
            }
            let known = term.wp_id.and_then(|wp_id| self.known(kind.key(), wp_id));
            let id = match known.or_else(|| existing.get(&slug).copied()) {
                Some(id) => {
                    count_of(&mut self.summary, kind).existing += 1;
                    id
                }
                None => {
                    count_of(&mut self.summary, kind).add_new(None);
                    let name = content::plain(&term.name);
                    let name = if name.is_empty() { slug.clone() } else { name };
                    let id = insert_term(conn, kind, &slug, &name, &term.description)?;
                    if !term.parent.is_empty() {
                        new_with_parent.push((id, slug_of(&term.parent, &term.parent)));
                    }
                    id
                }
            };
            if let Some(wp_id) = term.wp_id
                && known.is_none()
            {
                self.remember(conn, kind.key(), wp_id, id)?;
            }
            map.insert(slug, id);
        }
        for (id, parent_slug) in new_with_parent {
            if let Some(parent) = map.get(&parent_slug).filter(|p| **p != id) {
                diesel::update(categories::table.find(id))
                    .set(categories::parent_id.eq(parent))
                    .execute(conn)?;
            }
        }
        match kind {
            TermKind::Category => self.categories = map,
            TermKind::Tag => self.tags = map,
        }
        Ok(())
    }

    /// An attachment as a media record at its original address (nothing is downloaded).
    fn attachment(&mut self, conn: &mut DbConn, item: &Item) -> QueryResult<()> {
        if let Some(id) = self.known("attachment", item.wp_id) {
            self.summary.media.existing += 1;
            self.attachments.insert(item.wp_id, id);
            return Ok(());
        }
        let url = if item.attachment_url.is_empty() {
            item.guid.as_str()
        } else {
            item.attachment_url.as_str()
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            self.summary.not_taken.push(format!(
                "attachment {} “{}”: it has no http(s) address",
                item.wp_id, item.title
            ));
            return Ok(());
        }
        let file = url.split(['?', '#']).next().unwrap_or(url);
        let name = file.rsplit('/').next().unwrap_or(file);
        let name = percent_encoding::percent_decode_str(name)
            .decode_utf8_lossy()
            .into_owned();
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_lowercase())
            .filter(|ext| ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or_default();
        let mime = match extension.as_str() {
            "jpeg" => "image/jpeg",
            ext => crate::media::store::mime_of(ext).unwrap_or("application/octet-stream"),
        };
        let (width, height) = item
            .meta("_wp_attachment_metadata")
            .map(php_dimensions)
            .unwrap_or((0, 0));
        let stem = hex_digest(&format!("{}#{}", self.source, item.wp_id));
        let created_at =
            wp_date(&item.post_date_gmt, &item.post_date, &self.style).unwrap_or(self.now);
        let alt = item
            .meta("_wp_attachment_image_alt")
            .map(content::plain)
            .unwrap_or_default();
        let id: i32 = diesel::insert_into(media::table)
            .values((
                media::stem.eq(&stem),
                media::extension.eq(&extension),
                media::mime.eq(mime),
                media::original_name.eq(&name),
                media::width.eq(width),
                media::height.eq(height),
                media::byte_size.eq(0i64),
                media::variant_widths.eq(""),
                media::alt.eq(&alt),
                media::uploaded_by.eq(Some(self.author_of(item))),
                media::created_at.eq(created_at),
                media::external_url.eq(Some(url)),
            ))
            .returning(media::id)
            .get_result(conn)?;
        self.remember(conn, "attachment", item.wp_id, id)?;
        self.summary.media.add_new(None);
        self.attachments.insert(item.wp_id, id);
        Ok(())
    }

    /// A slug free across posts and pages (and, for a page, not one of the site's own
    /// addresses): `base`, else `base-2`, `base-3` …
    fn free_slug(&mut self, base: &str) -> String {
        let mut n = 1;
        loop {
            let candidate = if n == 1 {
                base.to_owned()
            } else {
                let suffix = format!("-{n}");
                format!("{}{suffix}", cut(base, MAX_SLUG - suffix.len()))
            };
            // Reserved first segments are refused for pages; posts avoid them too, so an
            // imported post can become a page without clashing.
            if !is_reserved(&candidate) && self.slugs.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    fn post(&mut self, conn: &mut DbConn, item: &Item, kind: Kind) -> QueryResult<()> {
        let noun = kind.as_str();
        let title = content::plain(&item.title);
        let label = if title.is_empty() { UNTITLED } else { &title };
        let known = self.known("post", item.wp_id);
        let count = match kind {
            Kind::Post => &mut self.summary.posts,
            Kind::Page => &mut self.summary.pages,
        };
        if let Some(id) = known {
            count.existing += 1;
            return self.comments(conn, item, id);
        }
        let (status, status_label) = match item.status.as_str() {
            "publish" => (Status::Published, "published"),
            "future" => (Status::Published, "scheduled"),
            "draft" => (Status::Draft, "draft"),
            "pending" => (Status::Pending, "pending"),
            "private" => (Status::Private, "private"),
            "trash" => (Status::Trash, "trash"),
            other => {
                self.summary.not_taken.push(format!(
                    "{noun} {} “{label}”: its status “{other}” is not imported",
                    item.wp_id
                ));
                return Ok(());
            }
        };
        count.add_new(Some(status_label));
        let title = if title.is_empty() {
            UNTITLED.to_owned()
        } else {
            title
        };
        let base = slug_of(&item.post_name, &title);
        let base = if base.is_empty() {
            format!("{noun}-{}", item.wp_id)
        } else {
            base
        };
        let slug = self.free_slug(&base);
        let date = wp_date(&item.post_date_gmt, &item.post_date, &self.style);
        let published_at = match status {
            Status::Draft | Status::Pending => None,
            _ => Some(date.unwrap_or(self.now)),
        };
        let updated_at = wp_date(&item.post_modified_gmt, &item.post_modified, &self.style)
            .or(date)
            .unwrap_or(self.now);
        let body = content::to_html(&item.content, &|ids| self.gallery(item.wp_id, ids));
        let featured_media_id = item
            .meta("_thumbnail_id")
            .and_then(|id| id.trim().parse::<i64>().ok())
            .and_then(|wp_id| self.attachments.get(&wp_id).copied());
        let category_ids = self.term_ids(item, TermKind::Category);
        let tag_ids = self.term_ids(item, TermKind::Tag);
        let password = Some(item.post_password.trim()).filter(|p| !p.is_empty());
        let row = NewPost {
            kind,
            slug: &slug,
            title: &title,
            excerpt: &content::plain(&item.excerpt),
            body: &body,
            status,
            published_at,
            updated_at,
            author_id: self.author_of(item),
            category_id: category_ids.first().copied(),
            featured_media_id,
            comments_open: item.comment_status == "open",
            sticky: item.is_sticky,
            password,
        };
        let id = insert_post(conn, &row)?;
        self.remember(conn, "post", item.wp_id, id)?;
        for category_id in category_ids {
            diesel::insert_into(post_categories::table)
                .values((
                    post_categories::post_id.eq(id),
                    post_categories::category_id.eq(category_id),
                ))
                .execute(conn)?;
        }
        for tag_id in tag_ids {
            diesel::insert_into(post_tags::table)
                .values((post_tags::post_id.eq(id), post_tags::tag_id.eq(tag_id)))
                .execute(conn)?;
        }
        let new_url = match kind {
            Kind::Post => format!("/posts/{slug}"),
            Kind::Page => format!("/{slug}"),
        };
        let short = match kind {
            Kind::Post => format!("/?p={}", item.wp_id),
            Kind::Page => format!("/?page_id={}", item.wp_id),
        };
        for path in [path_of(&item.link), path_of(&item.guid), Some(short)]
            .into_iter()
            .flatten()
        {
            if path != new_url {
                self.redirects.push((path, id));
            }
        }
        self.comments(conn, item, id)
    }

    /// The images of a gallery: those listed, else those attached to the post `parent`.
    fn gallery(&self, parent: i64, ids: &[i64]) -> Vec<content::Image> {
        let attachments = self
            .export
            .items
            .iter()
            .filter(|item| item.post_type == "attachment");
        let image = |item: &Item| content::Image {
            url: if item.attachment_url.is_empty() {
                item.guid.clone()
            } else {
                item.attachment_url.clone()
            },
            alt: item
                .meta("_wp_attachment_image_alt")
                .map(content::plain)
                .unwrap_or_default(),
        };
        if ids.is_empty() {
            attachments
                .filter(|item| item.post_parent == parent)
                .map(image)
                .collect()
        } else {
            let by_id: HashMap<i64, &Item> = attachments.map(|item| (item.wp_id, item)).collect();
            ids.iter()
                .filter_map(|id| by_id.get(id).map(|item| image(item)))
                .collect()
        }
    }

    fn term_ids(&self, item: &Item, kind: TermKind) -> Vec<i32> {
        let map = match kind {
            TermKind::Category => &self.categories,
            TermKind::Tag => &self.tags,
        };
        let mut ids = Vec::new();
        for term in item.terms.iter().filter(|t| t.domain == kind.domain()) {
            if let Some(id) = map.get(&slug_of(&term.slug, &term.name))
                && !ids.contains(id)
            {
                ids.push(*id);
            }
        }
        ids
    }

    /// The item's comments, parents before their replies. A reply whose parent is not
    /// imported (trash, a pingback) starts a thread of its own.
    fn comments(&mut self, conn: &mut DbConn, item: &Item, post_id: i32) -> QueryResult<()> {
        // WordPress id → (local id, depth) of the comments placed so far.
        let mut placed: HashMap<i64, (i32, i32)> = HashMap::new();
        let mut waiting: Vec<&wxr::Comment> = Vec::new();
        for comment in &item.comments {
            if let Some(id) = self.known("comment", comment.wp_id) {
                self.summary.comments.existing += 1;
                placed.insert(comment.wp_id, (id, -1));
                continue;
            }
            let what = format!(
                "comment {} by “{}” on “{}”",
                comment.wp_id,
                content::plain(&comment.author),
                content::plain(&item.title)
            );
            if matches!(comment.comment_type.as_str(), "pingback" | "trackback") {
                self.summary.not_taken.push(format!(
                    "{what}: a {}; pingbacks and trackbacks are not imported",
                    comment.comment_type
                ));
            } else if matches!(comment.approved.as_str(), "1" | "0" | "spam") {
                waiting.push(comment);
            } else {
                self.summary
                    .not_taken
                    .push(format!("{what}: it is in the trash"));
            }
        }
        let ids: HashSet<i64> = waiting.iter().map(|c| c.wp_id).collect();
        while !waiting.is_empty() {
            let before = waiting.len();
            let mut still = Vec::new();
            for comment in waiting {
                let parent_waits = comment.parent != 0
                    && ids.contains(&comment.parent)
                    && !placed.contains_key(&comment.parent);
                if parent_waits {
                    still.push(comment);
                    continue;
                }
                let parent = match placed.get(&comment.parent) {
                    Some((id, -1)) => Some((*id, depth_of(conn, *id)?)),
                    Some((id, depth)) => Some((*id, *depth)),
                    None => None,
                };
                let id = self.insert_comment(conn, comment, post_id, parent)?;
                placed.insert(comment.wp_id, id);
            }
            // A loop of parents: the rest start threads of their own.
            if still.len() == before {
                for comment in still {
                    let id = self.insert_comment(conn, comment, post_id, None)?;
                    placed.insert(comment.wp_id, id);
                }
                break;
            }
            waiting = still;
        }
        Ok(())
    }

    fn insert_comment(
        &mut self,
        conn: &mut DbConn,
        comment: &wxr::Comment,
        post_id: i32,
        parent: Option<(i32, i32)>,
    ) -> QueryResult<(i32, i32)> {
        let status = match comment.approved.as_str() {
            "1" => CommentStatus::Approved,
            "spam" => CommentStatus::Spam,
            _ => CommentStatus::Pending,
        };
        let depth = parent.map_or(0, |(_, depth)| depth + 1);
        let name = content::plain(&comment.author);
        let created_at = wp_date(&comment.date_gmt, &comment.date, &self.style).unwrap_or(self.now);
        let body = content::modernize(&comment.content);
        let new = NewComment {
            post_id,
            parent_id: parent.map(|(id, _)| id),
            user_id: None,
            author_name: if name.is_empty() { "Anonymous" } else { &name },
            author_email: &comment.author_email,
            author_url: &comment.author_url,
            body: &body,
            status,
            depth,
            ip_hash: "",
            user_agent: "",
        };
        let id = comment_store::insert(conn, &new, created_at)?;
        self.remember(conn, "comment", comment.wp_id, id)?;
        self.summary.comments.add_new(Some(status.as_str()));
        Ok((id, depth))
    }

    /// The old addresses not taken yet (an earlier import, or two items with one link).
    fn write_redirects(&mut self, conn: &mut DbConn) -> QueryResult<()> {
        let mut wanted: HashMap<String, i32> = HashMap::new();
        for (path, id) in self.redirects.drain(..) {
            wanted.entry(path).or_insert(id);
        }
        let paths: Vec<&String> = wanted.keys().collect();
        let mut taken: HashSet<String> = HashSet::new();
        for chunk in paths.chunks(500) {
            let found: Vec<String> = redirects::table
                .filter(redirects::old_path.eq_any(chunk))
                .select(redirects::old_path)
                .load(conn)?;
            taken.extend(found);
        }
        for (path, id) in &wanted {
            if !taken.contains(path) {
                diesel::insert_into(redirects::table)
                    .values((redirects::old_path.eq(path), redirects::post_id.eq(id)))
                    .execute(conn)?;
            }
        }
        Ok(())
    }
}

fn count_of(summary: &mut Summary, kind: TermKind) -> &mut Count {
    match kind {
        TermKind::Category => &mut summary.categories,
        TermKind::Tag => &mut summary.tags,
    }
}

fn depth_of(conn: &mut DbConn, comment_id: i32) -> QueryResult<i32> {
    comments::table
        .find(comment_id)
        .select(comments::depth)
        .first(conn)
}

fn hex_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn insert_term(
    conn: &mut DbConn,
    kind: TermKind,
    slug: &str,
    name: &str,
    description: &str,
) -> QueryResult<i32> {
    match kind {
        TermKind::Category => diesel::insert_into(categories::table)
            .values((
                categories::slug.eq(slug),
                categories::name.eq(name),
                categories::description.eq(content::plain(description)),
            ))
            .returning(categories::id)
            .get_result(conn),
        TermKind::Tag => diesel::insert_into(tags::table)
            .values((tags::slug.eq(slug), tags::name.eq(name)))
            .returning(tags::id)
            .get_result(conn),
    }
}

struct NewPost<'a> {
    kind: Kind,
    slug: &'a str,
    title: &'a str,
    excerpt: &'a str,
    /// HTML: the post's source (`body_format` html).
    body: &'a str,
    status: Status,
    published_at: Option<PrimitiveDateTime>,
    updated_at: PrimitiveDateTime,
    author_id: i32,
    category_id: Option<i32>,
    featured_media_id: Option<i32>,
    comments_open: bool,
    sticky: bool,
    password: Option<&'a str>,
}

/// The one place an imported post's row is built.
fn insert_post(conn: &mut DbConn, row: &NewPost) -> QueryResult<i32> {
    diesel::insert_into(posts::table)
        .values((
            posts::kind.eq(row.kind.as_str()),
            posts::slug.eq(row.slug),
            posts::title.eq(row.title),
            posts::excerpt.eq(row.excerpt),
            posts::body.eq(row.body),
            crate::posts::editor::rendered_body(markdown::HTML, row.body),
            posts::body_format.eq(markdown::HTML),
            posts::status.eq(row.status.as_str()),
            posts::published_at.eq(row.published_at),
            posts::updated_at.eq(row.updated_at),
            posts::author_id.eq(row.author_id),
            posts::category_id.eq(row.category_id),
            posts::featured_media_id.eq(row.featured_media_id),
            posts::comments_open.eq(row.comments_open),
            posts::sticky.eq(row.sticky),
            posts::password.eq(row.password),
        ))
        .returning(posts::id)
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_links_keep_their_path_and_query_without_the_host() {
        assert_eq!(
            path_of("https://old.example/2012/01/08/hello/").as_deref(),
            Some("/2012/01/08/hello/")
        );
        assert_eq!(
            path_of("http://old.example/?p=12").as_deref(),
            Some("/?p=12")
        );
        assert_eq!(
            path_of("http://old.example?page_id=3").as_deref(),
            Some("/?page_id=3")
        );
        assert_eq!(path_of("https://old.example/"), None);
        assert_eq!(path_of("https://old.example"), None);
        assert_eq!(path_of("not a url"), None);
    }

    #[test]
    fn slugs_are_decoded_and_made_of_words() {
        assert_eq!(slug_of("%e5%8f%b0%e5%8c%97-caf%c3%a9", "x"), "cafe");
        assert_eq!(slug_of("caf%c3%a9-cr%c3%a8me", "x"), "cafe-creme");
        assert_eq!(slug_of("", "Hello World"), "hello-world");
        assert_eq!(slug_of(&"a".repeat(300), "x").len(), MAX_SLUG);
    }

    #[test]
    fn logins_lose_stray_brackets() {
        assert_eq!(clean_login(" themereviewteam> "), "themereviewteam");
        assert_eq!(clean_login(">themereviewteam"), "themereviewteam");
    }

    #[test]
    fn image_dimensions_come_from_php_serialized_metadata() {
        let meta = r#"a:5:{s:5:"width";i:1200;s:6:"height";i:800;s:4:"file";s:5:"a.jpg";s:5:"sizes";a:1:{s:9:"thumbnail";a:2:{s:5:"width";i:150;s:6:"height";i:150;}}}"#;
        assert_eq!(php_dimensions(meta), (1200, 800));
        assert_eq!(php_dimensions("garbage"), (0, 0));
    }

    #[test]
    fn dates_fall_back_to_the_local_time_in_the_sites_zone() {
        let paris = DateStyle::new("Europe/Paris", "Y-m-d");
        assert_eq!(
            wp_date("0000-00-00 00:00:00", "2026-12-03 11:00:00", &paris),
            dates::parse("2026-12-03 10:00:00").ok()
        );
        assert_eq!(
            wp_date("2026-12-03 09:00:00", "2026-12-03 11:00:00", &paris),
            dates::parse("2026-12-03 09:00:00").ok()
        );
        assert_eq!(wp_date("", "", &paris), None);
    }
}
