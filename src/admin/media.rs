//! Media library: upload (multipart, checked by `media::store`), the grid, one image's page
//! (its URLs, alt text, where it is used) and deleting. Authors see and change only their
//! own uploads; editors and administrators all of them.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;
use serde::Deserialize;

use crate::accounts::users::Role;
use crate::accounts::visitor::RequireAuthor;
use crate::admin::menu::AdminMenu;
use crate::db::Db;
use crate::error::AppError;
use crate::media::picture::Picture;
use crate::media::store::{self, MediaDir, StoreError, UploadError};
use crate::media::{self, Media, NewMedia, Usage};
use crate::web::dates::{self, DateStyle};
use crate::web::forms::{FieldErrors, Refusal, private_page, see_other, too_long};
use crate::web::layout::{HeaderInfo, Layout};

/// The library shows this many of the newest uploads.
const SHOWN: i64 = 500;
const MAX_ALT: usize = 300;
/// An upload far over the limit is read (and thrown away) only this far, so the browser
/// gets the page back instead of a reset connection; past it the connection is dropped.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

pub struct MediaCard {
    pub id: i32,
    pub thumbnail: String,
    pub name: String,
    pub alt: String,
    pub size: String,
    pub dimensions: String,
    pub date: String,
    pub uploader: String,
}

#[derive(Template)]
#[template(path = "admin/media.html")]
struct LibraryPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    cards: Vec<MediaCard>,
    own_only: bool,
    alt: String,
    errors: FieldErrors,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/media_item.html")]
struct ItemPage {
    layout: Layout,
    menu: AdminMenu,
    csrf_token: String,
    id: i32,
    picture: Picture,
    name: String,
    size: String,
    dimensions: String,
    date: String,
    mime: String,
    /// (label, absolute path) of every file.
    files: Vec<(String, String)>,
    usages: Vec<Usage>,
    alt: String,
    errors: FieldErrors,
}

fn is_editor(author: &RequireAuthor) -> bool {
    author.user.role().at_least(Role::Editor)
}

/// The record, if `author` may see and change it.
fn allowed(author: &RequireAuthor, found: Option<Media>) -> Result<Media, AppError> {
    let found = found.ok_or(AppError::NotFound)?;
    if is_editor(author) || found.uploaded_by == Some(author.user.id) {
        Ok(found)
    } else {
        Err(AppError::Forbidden(
            "This image was uploaded by someone else: authors can change only their own uploads."
                .to_owned(),
        ))
    }
}

pub async fn library(db: web::Data<Db>, author: RequireAuthor) -> Result<HttpResponse, AppError> {
    render_library(&db, &author, String::new(), Refusal::default()).await
}

async fn render_library(
    db: &Db,
    author: &RequireAuthor,
    alt: String,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&author.visitor);
    let owner = (!is_editor(author)).then_some(author.user.id);
    let (layout, rows) = db
        .run(move |conn| {
            let layout = Layout::load(conn, header, Some("Media"))?;
            Ok((layout, media::list(conn, owner, SHOWN)?))
        })
        .await?;
    let style = DateStyle::of(&layout.settings);
    let cards = rows
        .into_iter()
        .map(|(m, uploader)| MediaCard {
            id: m.id,
            thumbnail: m.thumbnail_url(),
            size: media::human_size(m.byte_size),
            dimensions: media::human_dimensions(m.width, m.height),
            date: style.date(m.created_at),
            uploader: uploader.unwrap_or_else(|| "a deleted account".to_owned()),
            name: m.original_name,
            alt: m.alt,
        })
        .collect();
    let page = LibraryPage {
        layout,
        menu: AdminMenu::new(author.user.role(), "/admin/media"),
        csrf_token: author.visitor.session.csrf_token(),
        cards,
        own_only: owner.is_some(),
        alt,
        message: refusal.message,
        errors: refusal.fields,
    };
    private_page(refusal.status, &page)
}

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    alt: String,
    file_name: String,
    bytes: Vec<u8>,
    /// The file was larger than the limit (its bytes are not kept).
    too_big: bool,
    /// A file field was present.
    had_file: bool,
}

/// Reads the form with a cap on every part: never more than the limit in memory.
async fn read_upload(mut form: Multipart) -> Result<Upload, Refusal> {
    let mut upload = Upload::default();
    let mut read_total = 0usize;
    let unreadable = || {
        Refusal::bad_input("The upload could not be read. Please choose the file again and retry.")
    };
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| unreadable())?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.had_file = true;
            upload.file_name = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .map(clean_file_name)
                .unwrap_or_default();
        }
        let cap = match name.as_str() {
            "file" => store::MAX_BYTES,
            "alt" => MAX_ALT * 4,
            _ => 4096,
        };
        let mut kept: Vec<u8> = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| unreadable())?;
            read_total += chunk.len();
            if read_total > DRAIN_LIMIT {
                return Err(too_big_refusal(&upload.file_name));
            }
            if over || kept.len() + chunk.len() > cap {
                over = true;
                kept = Vec::new();
                continue;
            }
            kept.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" => {
                upload.too_big = over;
                upload.bytes = kept;
            }
            "alt" => {
                upload.alt = String::from_utf8_lossy(&kept).trim().to_owned();
                crate::web::text::strip_in_place(&mut upload.alt);
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// The name shown in the library: the last part of what the browser sent, printable, short.
fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let printable: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    printable.trim().to_owned()
}

fn too_big_refusal(name: &str) -> Refusal {
    let shown = if name.is_empty() { "The file" } else { name };
    file_refusal(UploadError::TooBig(shown.to_owned())).with_status(StatusCode::PAYLOAD_TOO_LARGE)
}

fn file_refusal(error: UploadError) -> Refusal {
    Refusal::field(
        "file",
        format!("{error} A file cannot be kept in the form: choose the file again."),
    )
}

pub async fn upload(
    db: web::Data<Db>,
    dir: web::Data<MediaDir>,
    author: RequireAuthor,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let upload = match read_upload(form).await {
        Ok(upload) => upload,
        Err(refusal) => return render_library(&db, &author, String::new(), refusal).await,
    };
    let alt = upload.alt.clone();
    if too_long(&upload.alt, MAX_ALT) {
        let refusal = Refusal::field(
            "alt",
            format!("Keep the alt text under {MAX_ALT} characters."),
        );
        return render_library(&db, &author, alt, refusal).await;
    }
    if upload.too_big {
        return render_library(&db, &author, alt, too_big_refusal(&upload.file_name)).await;
    }
    if !upload.had_file || upload.bytes.is_empty() {
        return render_library(&db, &author, alt, file_refusal(UploadError::Empty)).await;
    }
    let shown_name = if upload.file_name.is_empty() {
        "The file".to_owned()
    } else {
        upload.file_name.clone()
    };
    let media_dir = dir.get_ref().clone();
    let bytes = upload.bytes;
    let name_for_store = shown_name.clone();
    let stored = web::block(move || store::store(&media_dir, &bytes, &name_for_store))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?;
    let stored = match stored {
        Ok(stored) => stored,
        Err(StoreError::Refused(error)) => {
            return render_library(&db, &author, alt, file_refusal(error)).await;
        }
        Err(other) => return Err(AppError::Internal(other.into())),
    };
    let user_id = author.user.id;
    let original_name = if upload.file_name.is_empty() {
        format!("{}.{}", stored.stem, stored.extension)
    } else {
        upload.file_name
    };
    let files: Vec<_> = std::iter::once(format!("{}.{}", stored.stem, stored.extension))
        .chain(
            stored
                .variant_widths
                .split(',')
                .filter(|w| !w.is_empty())
                .map(|w| format!("{}-{w}.{}", stored.stem, stored.extension)),
        )
        .map(|name| dir.path(&name))
        .collect();
    let inserted = db
        .write_content(move |conn| {
            let new = NewMedia {
                stem: &stored.stem,
                extension: stored.extension,
                mime: stored.mime,
                original_name: &original_name,
                width: i32::try_from(stored.width).unwrap_or(i32::MAX),
                height: i32::try_from(stored.height).unwrap_or(i32::MAX),
                byte_size: stored.byte_size,
                variant_widths: &stored.variant_widths,
                alt: &alt,
                uploaded_by: Some(user_id),
            };
            Ok(media::insert(conn, &new, dates::now())?)
        })
        .await;
    match inserted {
        Ok(id) => {
            author.visitor.session.flash("Image uploaded.");
            Ok(see_other(&format!("/admin/media/{id}")))
        }
        Err(e) => {
            store::remove_files(&files);
            Err(e)
        }
    }
}

pub async fn show(
    db: web::Data<Db>,
    author: RequireAuthor,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    render_item(&db, &author, id.into_inner(), None, Refusal::default()).await
}

async fn render_item(
    db: &Db,
    author: &RequireAuthor,
    id: i32,
    typed_alt: Option<String>,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let header = HeaderInfo::of(&author.visitor);
    let (layout, found, usages) = db
        .run(move |conn| {
            let found = media::find(conn, id)?;
            let usages = match &found {
                Some(_) => media::used_in(conn, id)?,
                None => Vec::new(),
            };
            let layout = Layout::load(conn, header, Some("Media"))?;
            Ok((layout, found, usages))
        })
        .await?;
    let found = allowed(author, found)?;
    let style = DateStyle::of(&layout.settings);
    let mut files = vec![(
        format!(
            "Original, {}",
            media::human_dimensions(found.width, found.height)
        ),
        found.url(),
    )];
    for w in found.widths() {
        files.push((
            format!("{w} px wide"),
            format!(
                "{}{}-{w}.{}",
                crate::media::picture::URL_PREFIX,
                found.stem,
                found.extension
            ),
        ));
    }
    let page = ItemPage {
        menu: AdminMenu::new(author.user.role(), "/admin/media"),
        csrf_token: author.visitor.session.csrf_token(),
        id: found.id,
        picture: found.picture(),
        name: found.original_name.clone(),
        size: media::human_size(found.byte_size),
        dimensions: media::human_dimensions(found.width, found.height),
        date: style.date_time(found.created_at),
        mime: found.mime.clone(),
        files,
        usages,
        alt: typed_alt.unwrap_or(found.alt),
        errors: refusal.fields,
        layout: layout.titled(&format!("Media: {}", found.original_name)),
    };
    private_page(refusal.status, &page)
}

#[derive(Deserialize)]
pub struct AltForm {
    #[serde(default)]
    alt: String,
}

pub async fn update(
    db: web::Data<Db>,
    author: RequireAuthor,
    id: web::Path<i32>,
    form: web::Form<AltForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let found = db.run(move |conn| Ok(media::find(conn, id)?)).await?;
    allowed(&author, found)?;
    let mut alt = form.into_inner().alt.trim().to_owned();
    crate::web::text::strip_in_place(&mut alt);
    if too_long(&alt, MAX_ALT) {
        let refusal = Refusal::field(
            "alt",
            format!("Keep the alt text under {MAX_ALT} characters."),
        );
        return render_item(&db, &author, id, Some(alt), refusal).await;
    }
    db.write_content(move |conn| Ok(media::set_alt(conn, id, &alt)?))
        .await?;
    author.visitor.session.flash("Alt text saved.");
    Ok(see_other(&format!("/admin/media/{id}")))
}

pub async fn delete(
    db: web::Data<Db>,
    dir: web::Data<MediaDir>,
    author: RequireAuthor,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let found = db.run(move |conn| Ok(media::find(conn, id)?)).await?;
    allowed(&author, found)?;
    let deleted = db
        .write_content(move |conn| Ok(media::delete(conn, id)?))
        .await?;
    if let Some(deleted) = deleted {
        let paths: Vec<_> = deleted.file_names().iter().map(|n| dir.path(n)).collect();
        web::block(move || store::remove_files(&paths))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?;
        author
            .visitor
            .session
            .flash(&format!("{} deleted.", deleted.original_name));
    }
    Ok(see_other("/admin/media"))
}
