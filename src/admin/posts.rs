//! Posts and Pages in the back office: the lists (status filter, search, pages of 20), the
//! editor (save draft, preview, publish, schedule, update, trash, restore), revisions with
//! their diff, and the draft that survives an expired session. One code for both kinds.

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, guard, web};
use askama::Template;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;
use time::PrimitiveDateTime;

use crate::accounts::users::{Role, User};
use crate::accounts::visitor::{RequireAuthor, Visitor};
use crate::admin::menu::AdminMenu;
use crate::db::schema::{categories, media, posts, users};
use crate::db::{Db, DbConn, lower};
use crate::error::AppError;
use crate::posts::diff::{self, FieldDiff};
use crate::posts::editor::{self, Action, EditorForm, Writer};
use crate::posts::markdown;
use crate::posts::queries::{Kind, Status, escape_like};
use crate::web::csrf::{EDITOR_FORM_BYTES, UnverifiedEditorPost};
use crate::web::dates::{self, DateStyle};
use crate::web::forms::{FieldErrors, Refusal, Refused, form_config, private_page, see_other};
use crate::web::layout::{HeaderInfo, Layout};

const PER_PAGE: i64 = 20;

/// Said above the editor after a login that brought a draft back.
pub const DRAFT_IS_BACK: &str = "Log-in done: your draft is back below. Save it to keep it.";

pub fn routes(cfg: &mut web::ServiceConfig) {
    for kind in [Kind::Post, Kind::Page] {
        let base = base_path(kind);
        cfg.route(
            base,
            web::get().to(move |db, author, query| list(db, author, query, kind)),
        )
        .route(
            &format!("{base}/new"),
            web::get().to(move |db, author| new_form(db, author, kind)),
        )
        .service(
            web::resource(format!("{base}/new"))
                .guard(guard::Post())
                .app_data(form_config(EDITOR_FORM_BYTES))
                .to(move |req, db, form| submit(req, db, form, kind, None)),
        )
        .route(
            &format!("{base}/{{id}}"),
            web::get().to(move |db, author, id| edit_form(db, author, id, kind)),
        )
        .service(
            web::resource(format!("{base}/{{id}}"))
                .guard(guard::Post())
                .app_data(form_config(EDITOR_FORM_BYTES))
                .to(move |req, db, form, id: web::Path<String>| {
                    submit(req, db, form, kind, Some(id.into_inner()))
                }),
        )
        .route(
            &format!("{base}/{{id}}/trash"),
            web::post().to(move |db, author, id| set_trashed(db, author, id, kind, true)),
        )
        .route(
            &format!("{base}/{{id}}/restore"),
            web::post().to(move |db, author, id| set_trashed(db, author, id, kind, false)),
        )
        .route(
            &format!("{base}/{{id}}/revisions"),
            web::get().to(move |db, author, id, query| revisions(db, author, id, query, kind)),
        )
        .route(
            &format!("{base}/{{id}}/revisions/{{revision}}/restore"),
            web::post().to(move |db, author, ids| restore_revision(db, author, ids, kind)),
        );
    }
}

fn base_path(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "/admin/posts",
        Kind::Page => "/admin/pages",
    }
}

fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "post",
        Kind::Page => "page",
    }
}

fn capitalized(kind: Kind) -> &'static str {
    match kind {
        Kind::Post => "Post",
        Kind::Page => "Page",
    }
}

/// What `user` may do with `kind`: authors write posts (their own), editors and
/// administrators everything; pages are for editors.
fn writer(user: &User, kind: Kind) -> Result<Writer, AppError> {
    let role = user.role();
    let least = match kind {
        Kind::Post => Role::Author,
        Kind::Page => Role::Editor,
    };
    if !role.at_least(least) {
        return Err(AppError::Forbidden(format!(
            "Your account cannot edit {}s.",
            noun(kind)
        )));
    }
    Ok(Writer {
        user_id: user.id,
        edits_all: role.at_least(Role::Editor),
    })
}

fn parse_id(text: &str) -> Result<i32, AppError> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// Where a post or page is read by visitors.
fn public_url(kind: Kind, slug: &str) -> String {
    match kind {
        Kind::Post => format!("/posts/{slug}"),
        Kind::Page => format!("/{slug}"),
    }
}

// ---------------------------------------------------------------------------------------
// The list

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Filter {
    All,
    Published,
    Scheduled,
    Draft,
    Pending,
    Private,
    Trash,
}

impl Filter {
    fn parse(text: &str) -> Filter {
        match text {
            "published" => Filter::Published,
            "scheduled" => Filter::Scheduled,
            "draft" => Filter::Draft,
            "pending" => Filter::Pending,
            "private" => Filter::Private,
            "trash" => Filter::Trash,
            _ => Filter::All,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Filter::All => "",
            Filter::Published => "published",
            Filter::Scheduled => "scheduled",
            Filter::Draft => "draft",
            Filter::Pending => "pending",
            Filter::Private => "private",
            Filter::Trash => "trash",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Filter::All => "All",
            Filter::Published => "Published",
            Filter::Scheduled => "Scheduled",
            Filter::Draft => "Drafts",
            Filter::Pending => "Pending review",
            Filter::Private => "Private",
            Filter::Trash => "Trash",
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    q: Option<String>,
    page: Option<String>,
}

pub struct FilterLink {
    pub label: &'static str,
    pub count: i64,
    pub href: String,
    pub current: bool,
}

pub struct Row {
    pub id: i32,
    pub title: String,
    pub edit_url: String,
    pub view_url: Option<String>,
    pub author: String,
    pub state: &'static str,
    pub date: String,
    pub is_trashed: bool,
}

#[derive(Template)]
#[template(path = "admin/posts.html")]
struct ListPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    heading: &'static str,
    noun: &'static str,
    base: &'static str,
    status: &'static str,
    q: String,
    filters: Vec<FilterLink>,
    rows: Vec<Row>,
    newer: Option<String>,
    older: Option<String>,
    page_label: String,
}

#[derive(Queryable)]
struct ListRow {
    id: i32,
    title: String,
    slug: String,
    status: String,
    published_at: Option<PrimitiveDateTime>,
    updated_at: PrimitiveDateTime,
    author: String,
}

fn owned_posts(writer: Writer, kind: Kind) -> posts::BoxedQuery<'static, crate::db::Backend> {
    let query = posts::table
        .filter(posts::kind.eq(kind.as_str()))
        .into_boxed();
    if writer.edits_all {
        query
    } else {
        query.filter(posts::author_id.eq(writer.user_id))
    }
}

fn filtered(
    writer: Writer,
    kind: Kind,
    filter: Filter,
    q: &str,
    now: PrimitiveDateTime,
) -> posts::BoxedQuery<'static, crate::db::Backend> {
    let query = owned_posts(writer, kind);
    let query = match filter {
        Filter::All => query.filter(posts::status.ne(Status::Trash.as_str())),
        Filter::Published => query
            .filter(posts::status.eq(Status::Published.as_str()))
            .filter(posts::published_at.le(now)),
        Filter::Scheduled => query
            .filter(posts::status.eq(Status::Published.as_str()))
            .filter(posts::published_at.gt(now)),
        Filter::Draft => query.filter(posts::status.eq(Status::Draft.as_str())),
        Filter::Pending => query.filter(posts::status.eq(Status::Pending.as_str())),
        Filter::Private => query.filter(posts::status.eq(Status::Private.as_str())),
        Filter::Trash => query.filter(posts::status.eq(Status::Trash.as_str())),
    };
    if q.is_empty() {
        query
    } else {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        query.filter(lower(posts::title).like(pattern).escape('\\'))
    }
}

/// The count of each filter (search aside), in two queries.
fn counts(
    conn: &mut DbConn,
    writer: Writer,
    kind: Kind,
    now: PrimitiveDateTime,
) -> QueryResult<[(Filter, i64); 7]> {
    // Grouping does not combine with boxed queries: the author filter is spelled out.
    let of_kind = posts::table.filter(posts::kind.eq(kind.as_str()));
    let by_status: Vec<(String, i64)> = if writer.edits_all {
        of_kind
            .group_by(posts::status)
            .select((posts::status, count_star()))
            .load(conn)?
    } else {
        of_kind
            .filter(posts::author_id.eq(writer.user_id))
            .group_by(posts::status)
            .select((posts::status, count_star()))
            .load(conn)?
    };
    let of = |status: Status| {
        by_status
            .iter()
            .find(|(s, _)| s == status.as_str())
            .map_or(0, |(_, n)| *n)
    };
    let scheduled: i64 = filtered(writer, kind, Filter::Scheduled, "", now)
        .count()
        .get_result(conn)?;
    let published = of(Status::Published);
    let drafts = of(Status::Draft);
    let pending = of(Status::Pending);
    let private = of(Status::Private);
    Ok([
        (Filter::All, published + drafts + pending + private),
        (Filter::Published, published - scheduled),
        (Filter::Scheduled, scheduled),
        (Filter::Draft, drafts),
        (Filter::Pending, pending),
        (Filter::Private, private),
        (Filter::Trash, of(Status::Trash)),
    ])
}

fn list_href(base: &str, filter: Filter, q: &str, page: i64) -> String {
    let mut params = Vec::new();
    if filter != Filter::All {
        params.push(format!("status={}", filter.key()));
    }
    if !q.is_empty() {
        params.push(format!("q={}", crate::web::url_encode(q)));
    }
    if page > 1 {
        params.push(format!("page={page}"));
    }
    if params.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

async fn list(
    db: web::Data<Db>,
    author: RequireAuthor,
    query: web::Query<ListQuery>,
    kind: Kind,
) -> Result<HttpResponse, AppError> {
    let writer = writer(&author.user, kind)?;
    let query = query.into_inner();
    let filter = Filter::parse(query.status.as_deref().unwrap_or_default());
    let q: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect();
    let page = match query.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest("The page number must be a whole number of 1 or more.".into())
            })?,
    };
    let header = HeaderInfo::of(&author.visitor);
    let csrf_token = author.visitor.session.csrf_token();
    let role = author.user.role();
    let base = base_path(kind);
    let heading = match kind {
        Kind::Post => "Posts",
        Kind::Page => "Pages",
    };
    let page_view = db
        .run(move |conn| {
            let now = dates::now();
            let layout = Layout::load(conn, header, Some(heading))?;
            let style = DateStyle::of(&layout.settings);
            let counts = counts(conn, writer, kind, now)?;
            let total: i64 = filtered(writer, kind, filter, &q, now)
                .count()
                .get_result(conn)?;
            let ids: Vec<i32> = filtered(writer, kind, filter, &q, now)
                .select(posts::id)
                .order((posts::updated_at.desc(), posts::id.desc()))
                .limit(PER_PAGE)
                .offset((page - 1) * PER_PAGE)
                .load(conn)?;
            let mut found: Vec<ListRow> = posts::table
                .inner_join(users::table)
                .filter(posts::id.eq_any(&ids))
                .select((
                    posts::id,
                    posts::title,
                    posts::slug,
                    posts::status,
                    posts::published_at,
                    posts::updated_at,
                    users::display_name,
                ))
                .load(conn)?;
            found.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
            let rows = found
                .into_iter()
                .map(|row| {
                    let status = Status::parse(&row.status);
                    let (state, when, view) = match (status, row.published_at) {
                        (Status::Published, Some(at)) if at > now => ("Scheduled", at, false),
                        (Status::Published, Some(at)) => ("Published", at, true),
                        (Status::Trash, _) => ("In the trash", row.updated_at, false),
                        (Status::Pending, _) => ("Pending review", row.updated_at, false),
                        (Status::Private, _) => ("Private", row.updated_at, false),
                        _ => ("Draft, last changed", row.updated_at, false),
                    };
                    Row {
                        id: row.id,
                        title: row.title,
                        edit_url: format!("{base}/{}", row.id),
                        view_url: view.then(|| public_url(kind, &row.slug)),
                        author: row.author,
                        state,
                        date: style.date_time(when),
                        is_trashed: status == Status::Trash,
                    }
                })
                .collect();
            let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
            Ok(ListPage {
                layout,
                menu: AdminMenu::new(role, base),
                csrf_token,
                heading,
                noun: noun(kind),
                base,
                status: filter.key(),
                filters: counts
                    .iter()
                    // As WordPress: the imported statuses show only when some post has one.
                    .filter(|(f, count)| {
                        *count > 0
                            || *f == filter
                            || !matches!(f, Filter::Pending | Filter::Private)
                    })
                    .map(|(f, count)| FilterLink {
                        label: f.label(),
                        count: *count,
                        href: list_href(base, *f, "", 1),
                        current: *f == filter,
                    })
                    .collect(),
                rows,
                newer: (page > 1).then(|| list_href(base, filter, &q, page - 1)),
                older: (page < pages).then(|| list_href(base, filter, &q, page + 1)),
                page_label: format!("Page {page} of {pages}"),
                q,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page_view)
}

// ---------------------------------------------------------------------------------------
// The editor

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct RevisionLink {
    pub label: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "admin/post_editor.html")]
struct EditorPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    noun: &'static str,
    heading: String,
    base: &'static str,
    action_url: String,
    id: Option<i32>,
    is_post: bool,
    form: EditorForm,
    state: String,
    is_published: bool,
    is_scheduled: bool,
    is_trashed: bool,
    view_url: Option<String>,
    categories: Vec<Choice>,
    images: Vec<Choice>,
    revisions: Vec<RevisionLink>,
    revisions_url: String,
    preview_html: Option<String>,
    message: Option<String>,
    errors: FieldErrors,
    timezone: String,
}

/// What the editor shows besides the stored post: a typed form, a preview, a refusal.
struct EditorRequest {
    kind: Kind,
    id: Option<i32>,
    typed: Option<EditorForm>,
    preview: bool,
    refusal: Refusal,
    /// After a version conflict: put the current version in the form.
    refresh_version: bool,
}

async fn render_editor(
    db: &Db,
    visitor: &Visitor,
    user: &User,
    request: EditorRequest,
) -> Result<HttpResponse, AppError> {
    let EditorRequest {
        kind,
        id,
        typed,
        preview,
        refusal,
        refresh_version,
    } = request;
    let writer = writer(user, kind)?;
    let header = HeaderInfo::of(visitor);
    let csrf_token = visitor.session.csrf_token();
    let role = user.role();
    let base = base_path(kind);
    let status = refusal.status;
    let page = db
        .run(move |conn| {
            let now = dates::now();
            let title = match id {
                Some(_) => format!("Edit {}", noun(kind)),
                None => format!("Add a {}", noun(kind)),
            };
            let layout = Layout::load(conn, header, Some(&title))?;
            let style = DateStyle::of(&layout.settings);
            let stored = match id {
                Some(id) => Some(editor::load(conn, writer, kind, id, &style)?),
                None => None,
            };
            let mut form = match (typed, &stored) {
                (Some(typed), _) => typed,
                (None, Some(stored)) => stored.form.clone(),
                (None, None) => EditorForm {
                    comments_open: "1".to_owned(),
                    ..EditorForm::default()
                },
            };
            if refresh_version && let Some(id) = id {
                form.version = editor::current_version(conn, id)?.to_string();
            }
            let revisions = match id {
                Some(id) => editor::revisions(conn, id)?
                    .into_iter()
                    .map(|r| RevisionLink {
                        label: format!(
                            "{} by {}",
                            style.date_time(r.created_at),
                            r.author.unwrap_or_else(|| "a deleted account".to_owned())
                        ),
                        href: format!("{base}/{id}/revisions?to={}", r.id),
                    })
                    .collect(),
                None => Vec::new(),
            };
            let categories = if kind == Kind::Post {
                let all: Vec<(i32, String)> = categories::table
                    .select((categories::id, categories::name))
                    .order(categories::name)
                    .load(conn)?;
                all.into_iter()
                    .map(|(value, label)| Choice {
                        selected: value.to_string() == form.category_id.trim(),
                        value: value.to_string(),
                        label,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            // An author picks from their own uploads (plus the image already set).
            let mut images = media::table.into_boxed();
            if !writer.edits_all {
                let current = form.featured_media_id.trim().parse::<i32>().unwrap_or(0);
                images = images.filter(
                    media::uploaded_by
                        .eq(writer.user_id)
                        .or(media::id.eq(current)),
                );
            }
            let images: Vec<(i32, String, i32, i32)> = images
                .select((media::id, media::original_name, media::width, media::height))
                .order((media::created_at.desc(), media::id.desc()))
                .limit(500)
                .load(conn)?;
            let images = images
                .into_iter()
                .map(|(value, name, w, h)| Choice {
                    selected: value.to_string() == form.featured_media_id.trim(),
                    value: value.to_string(),
                    label: format!("{name} ({w} × {h})"),
                })
                .collect();
            let (state, is_published, is_scheduled, is_trashed, view_url) = match &stored {
                None => ("Not saved yet".to_owned(), false, false, false, None),
                Some(s) => match (s.status, s.published_at) {
                    (Status::Published, Some(at)) if at > now => (
                        format!("Scheduled for {}", style.date_time(at)),
                        false,
                        true,
                        false,
                        None,
                    ),
                    (Status::Published, at) => (
                        format!(
                            "Published on {}",
                            at.map(|at| style.date_time(at)).unwrap_or_default()
                        ),
                        true,
                        false,
                        false,
                        Some(public_url(kind, &s.slug)),
                    ),
                    (Status::Trash, _) => ("In the trash".to_owned(), false, false, true, None),
                    (status, _) => (
                        format!(
                            "{}, last saved {}",
                            match status {
                                Status::Pending => "Pending review",
                                Status::Private => "Private",
                                _ => "Draft",
                            },
                            style.date_time(s.updated_at)
                        ),
                        false,
                        false,
                        false,
                        None,
                    ),
                },
            };
            Ok(EditorPage {
                timezone: layout.settings.timezone.clone(),
                layout,
                menu: AdminMenu::new(role, base),
                csrf_token,
                noun: noun(kind),
                heading: title,
                base,
                action_url: match id {
                    Some(id) => format!("{base}/{id}"),
                    None => format!("{base}/new"),
                },
                id,
                is_post: kind == Kind::Post,
                preview_html: preview.then(|| {
                    let format = stored
                        .as_ref()
                        .map_or(markdown::MARKDOWN, |s| &s.body_format);
                    markdown::render(format, &form.body)
                }),
                form,
                state,
                is_published,
                is_scheduled,
                is_trashed,
                view_url,
                categories,
                images,
                revisions,
                revisions_url: id
                    .map(|id| format!("{base}/{id}/revisions"))
                    .unwrap_or_default(),
                message: refusal.message,
                errors: refusal.fields,
            })
        })
        .await?;
    private_page(status, &page)
}

async fn new_form(
    db: web::Data<Db>,
    author: RequireAuthor,
    kind: Kind,
) -> Result<HttpResponse, AppError> {
    open_editor(&db, &author, kind, None).await
}

async fn edit_form(
    db: web::Data<Db>,
    author: RequireAuthor,
    id: web::Path<String>,
    kind: Kind,
) -> Result<HttpResponse, AppError> {
    open_editor(&db, &author, kind, Some(parse_id(&id)?)).await
}

/// The editor as stored (or empty, for a new post).
async fn open_editor(
    db: &Db,
    author: &RequireAuthor,
    kind: Kind,
    id: Option<i32>,
) -> Result<HttpResponse, AppError> {
    writer(&author.user, kind)?;
    let request = EditorRequest {
        kind,
        id,
        typed: None,
        preview: false,
        refusal: Refusal::default(),
        refresh_version: false,
    };
    render_editor(db, &author.visitor, &author.user, request).await
}

/// Save draft, Preview, Publish, Schedule, Update: one form, one handler. A POST whose
/// session is gone (no login, or a CSRF token that did not match) gets the login page with
/// the typed text in it, and nothing is saved.
async fn submit(
    req: HttpRequest,
    db: web::Data<Db>,
    form: web::Form<EditorForm>,
    kind: Kind,
    id: Option<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.as_deref().map(parse_id).transpose()?;
    let form = form.into_inner();
    let visitor = Visitor::from_request_parts(&req).await?;
    let unverified = req.extensions().get::<UnverifiedEditorPost>().is_some();
    let user = match (&visitor.user, unverified) {
        (Some(user), false) => user.clone(),
        _ => {
            return crate::accounts::login::session_expired(&db, &visitor, req.path(), &form).await;
        }
    };
    let writer = writer(&user, kind)?;
    let again =
        |typed: EditorForm, preview: bool, refusal: Refusal, refresh_version: bool| EditorRequest {
            kind,
            id,
            typed: Some(typed),
            preview,
            refusal,
            refresh_version,
        };
    let Some(action) = Action::parse(&form.action) else {
        let refusal = Refusal::bad_input(
            "Nothing was saved: the form did not say which button was pressed. Press Save \
             draft, Publish or Update.",
        );
        return render_editor(&db, &visitor, &user, again(form, false, refusal, false)).await;
    };
    if action == Action::Preview {
        let request = again(form, true, Refusal::default(), false);
        return render_editor(&db, &visitor, &user, request).await;
    }
    let settings = db
        .run(|conn| Ok(crate::settings::Settings::load(conn)?))
        .await?;
    let style = DateStyle::of(&settings);
    let now = dates::now();
    let checked = match editor::check(&form, kind, action, id.is_none(), &style, now) {
        Ok(checked) => checked,
        Err(refusal) => {
            let request = again(form, false, refusal, false);
            return render_editor(&db, &visitor, &user, request).await;
        }
    };
    let schedule_at = checked.schedule_at;
    let saved = db
        .write_content(move |conn| Ok(editor::save(conn, writer, kind, id, action, &checked, now)))
        .await?;
    let post_id = match saved {
        Ok(post_id) => post_id,
        Err(Refused::Failed(e)) => return Err(e),
        Err(Refused::Form(refusal)) => {
            let conflict = refusal.status == StatusCode::CONFLICT;
            let request = again(form, false, refusal, conflict);
            return render_editor(&db, &visitor, &user, request).await;
        }
    };
    let what = capitalized(kind);
    let notice = match action {
        Action::Publish => format!("{what} published."),
        Action::Schedule => format!(
            "{what} scheduled for {} ({}).",
            schedule_at
                .map(|at| style.date_time(at))
                .unwrap_or_default(),
            settings.timezone
        ),
        Action::Update => format!("{what} updated."),
        _ => "Draft saved.".to_owned(),
    };
    visitor.session.flash(&notice);
    Ok(see_other(&format!("{}/{post_id}", base_path(kind))))
}

/// The editor after a login that carried a draft (see `accounts::login`): the draft's
/// fields in the form, not saved, with a fresh CSRF token. `path` is the editor's address
/// the draft was sent to.
pub async fn rescued_draft(
    db: &Db,
    visitor: &Visitor,
    path: &str,
    form: EditorForm,
) -> Result<HttpResponse, AppError> {
    let Some(user) = visitor.user.clone() else {
        return Err(AppError::LoginRequired(path.to_owned()));
    };
    let (kind, rest) = if let Some(rest) = path.strip_prefix("/admin/posts/") {
        (Kind::Post, rest)
    } else if let Some(rest) = path.strip_prefix("/admin/pages/") {
        (Kind::Page, rest)
    } else {
        return Err(AppError::NotFound);
    };
    let id = match rest {
        "new" => None,
        other => Some(parse_id(other)?),
    };
    let request = EditorRequest {
        kind,
        id,
        typed: Some(form),
        preview: false,
        refusal: Refusal {
            status: StatusCode::OK,
            message: Some(DRAFT_IS_BACK.to_owned()),
            fields: FieldErrors::default(),
        },
        refresh_version: false,
    };
    render_editor(db, visitor, &user, request).await
}

async fn set_trashed(
    db: web::Data<Db>,
    author: RequireAuthor,
    id: web::Path<String>,
    kind: Kind,
    trashed: bool,
) -> Result<HttpResponse, AppError> {
    let writer = writer(&author.user, kind)?;
    let id = parse_id(&id)?;
    let title = db
        .write_content(move |conn| {
            Ok(editor::set_trashed(
                conn,
                writer,
                kind,
                id,
                trashed,
                dates::now(),
            )?)
        })
        .await?;
    let base = base_path(kind);
    if trashed {
        author
            .visitor
            .session
            .flash(&format!("“{title}” moved to the trash."));
        Ok(see_other(&format!("{base}?status=trash")))
    } else {
        author
            .visitor
            .session
            .flash(&format!("“{title}” restored as a draft."));
        Ok(see_other(&format!("{base}/{id}")))
    }
}

// ---------------------------------------------------------------------------------------
// Revisions

#[derive(Deserialize)]
pub struct RevisionQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/revisions.html")]
struct RevisionsPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    title: String,
    editor_url: String,
    action: String,
    choices_from: Vec<Choice>,
    choices_to: Vec<Choice>,
    from_label: String,
    to_label: String,
    diffs: Vec<FieldDiff>,
    restore_url: String,
}

fn optional_revision(text: Option<&str>) -> Result<Option<i32>, AppError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_id(text).map(Some),
    }
}

async fn revisions(
    db: web::Data<Db>,
    author: RequireAuthor,
    id: web::Path<String>,
    query: web::Query<RevisionQuery>,
    kind: Kind,
) -> Result<HttpResponse, AppError> {
    let writer = writer(&author.user, kind)?;
    let id = parse_id(&id)?;
    let from = optional_revision(query.from.as_deref())?;
    let to = optional_revision(query.to.as_deref())?;
    let header = HeaderInfo::of(&author.visitor);
    let csrf_token = author.visitor.session.csrf_token();
    let role = author.user.role();
    let base = base_path(kind);
    let page = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Revisions"))?;
            let style = DateStyle::of(&layout.settings);
            let stored = editor::load(conn, writer, kind, id, &style)?;
            let all = editor::revisions(conn, id)?;
            let to = to.or(all.first().map(|r| r.id)).ok_or(AppError::NotFound)?;
            // By default, the revision before `to`.
            let from = from.or(all.iter().map(|r| r.id).find(|r| *r < to));
            let wanted: Vec<i32> = [Some(to), from].into_iter().flatten().collect();
            let mut found = editor::revisions_by_id(conn, id, &wanted)?;
            let newer = found.remove(&to).ok_or(AppError::NotFound)?;
            let older = match from {
                Some(from) => Some(found.remove(&from).ok_or(AppError::NotFound)?),
                None => None,
            };
            let label = |r: &editor::Revision| {
                format!(
                    "{} by {}",
                    style.date_time(r.created_at),
                    r.author.as_deref().unwrap_or("a deleted account")
                )
            };
            let (old_title, old_excerpt, old_body) = older
                .as_ref()
                .map(|r| (r.title.as_str(), r.excerpt.as_str(), r.body.as_str()))
                .unwrap_or_default();
            let diffs = vec![
                diff::lines("Title", old_title, &newer.title),
                diff::lines("Excerpt", old_excerpt, &newer.excerpt),
                diff::lines("Body", old_body, &newer.body),
            ];
            let choices = |selected: Option<i32>| {
                all.iter()
                    .map(|r| Choice {
                        value: r.id.to_string(),
                        label: format!(
                            "{} by {}",
                            style.date_time(r.created_at),
                            r.author.as_deref().unwrap_or("a deleted account")
                        ),
                        selected: Some(r.id) == selected,
                    })
                    .collect::<Vec<_>>()
            };
            Ok(RevisionsPage {
                menu: AdminMenu::new(role, base),
                csrf_token,
                title: stored.form.title,
                editor_url: format!("{base}/{id}"),
                action: format!("{base}/{id}/revisions"),
                choices_from: choices(from),
                choices_to: choices(Some(to)),
                from_label: older
                    .as_ref()
                    .map(label)
                    .unwrap_or_else(|| "nothing (the first revision)".to_owned()),
                to_label: label(&newer),
                diffs,
                restore_url: format!("{base}/{id}/revisions/{to}/restore"),
                layout,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

async fn restore_revision(
    db: web::Data<Db>,
    author: RequireAuthor,
    ids: web::Path<(String, String)>,
    kind: Kind,
) -> Result<HttpResponse, AppError> {
    let writer = writer(&author.user, kind)?;
    let (id, revision) = ids.into_inner();
    let (id, revision) = (parse_id(&id)?, parse_id(&revision)?);
    db.write_content(move |conn| {
        Ok(editor::restore_revision(
            conn,
            writer,
            kind,
            id,
            revision,
            dates::now(),
        )?)
    })
    .await?;
    author
        .visitor
        .session
        .flash("Revision restored. It is saved as the newest revision.");
    Ok(see_other(&format!("{}/{id}", base_path(kind))))
}
