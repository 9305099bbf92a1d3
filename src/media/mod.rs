//! Uploaded images: the library's records (this file), the files under the data dir and
//! their variants (`store`), the public file route (`serve`), and how pages show them
//! (`picture`).

pub mod picture;
pub mod serve;
pub mod store;

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::DbConn;
use crate::db::schema::{media, posts, products, users};
use picture::Picture;

/// The widths variants are made at, each only when narrower than the original.
pub const VARIANT_WIDTHS: [u32; 3] = [480, 960, 1600];

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = media)]
pub struct Media {
    pub id: i32,
    pub stem: String,
    pub extension: String,
    pub mime: String,
    pub original_name: String,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
    pub variant_widths: String,
    pub alt: String,
    pub uploaded_by: Option<i32>,
    pub created_at: PrimitiveDateTime,
    /// Set for an imported image left at its original address: no files here.
    pub external_url: Option<String>,
}

impl Media {
    pub fn picture(&self) -> Picture {
        if let Some(url) = &self.external_url {
            return Picture::external(url, self.width, self.height, &self.alt);
        }
        Picture::new(
            &self.stem,
            &self.extension,
            self.width,
            self.height,
            &self.variant_widths,
            &self.alt,
        )
    }

    pub fn widths(&self) -> Vec<u32> {
        if self.external_url.is_some() {
            return Vec::new();
        }
        self.variant_widths
            .split(',')
            .filter_map(|w| w.trim().parse().ok())
            .collect()
    }

    /// `/media/{stem}.{ext}`.
    pub fn url(&self) -> String {
        if let Some(url) = &self.external_url {
            return url.clone();
        }
        format!("{}{}.{}", picture::URL_PREFIX, self.stem, self.extension)
    }

    /// The smallest file there is: the first variant, else the original.
    pub fn thumbnail_url(&self) -> String {
        match self.widths().into_iter().min() {
            Some(w) => format!(
                "{}{}-{w}.{}",
                picture::URL_PREFIX,
                self.stem,
                self.extension
            ),
            None => self.url(),
        }
    }

    /// Every file name this record has under the media folder.
    pub fn file_names(&self) -> Vec<String> {
        if self.external_url.is_some() {
            return Vec::new();
        }
        let mut names = vec![format!("{}.{}", self.stem, self.extension)];
        names.extend(
            self.widths()
                .into_iter()
                .map(|w| format!("{}-{w}.{}", self.stem, self.extension)),
        );
        names
    }
}

pub struct NewMedia<'a> {
    pub stem: &'a str,
    pub extension: &'a str,
    pub mime: &'a str,
    pub original_name: &'a str,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
    pub variant_widths: &'a str,
    pub alt: &'a str,
    pub uploaded_by: Option<i32>,
}

pub fn insert(conn: &mut DbConn, new: &NewMedia, now: PrimitiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(media::table)
        .values((
            media::stem.eq(new.stem),
            media::extension.eq(new.extension),
            media::mime.eq(new.mime),
            media::original_name.eq(new.original_name),
            media::width.eq(new.width),
            media::height.eq(new.height),
            media::byte_size.eq(new.byte_size),
            media::variant_widths.eq(new.variant_widths),
            media::alt.eq(new.alt),
            media::uploaded_by.eq(new.uploaded_by),
            media::created_at.eq(now),
        ))
        .returning(media::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<Media>> {
    media::table
        .find(id)
        .select(Media::as_select())
        .first(conn)
        .optional()
}

/// The library, newest first, with each uploader's display name; only `owner`'s uploads
/// when given. One query.
pub fn list(
    conn: &mut DbConn,
    owner: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<(Media, Option<String>)>> {
    let mut query = media::table
        .left_join(users::table.on(users::id.nullable().eq(media::uploaded_by)))
        .select((Media::as_select(), users::display_name.nullable()))
        .order((media::created_at.desc(), media::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(owner) = owner {
        query = query.filter(media::uploaded_by.eq(owner));
    }
    query.load(conn)
}

/// Every image, newest first, for the image pickers of the editors: (id, label).
pub fn choices(conn: &mut DbConn) -> QueryResult<Vec<(i32, String)>> {
    let rows: Vec<(i32, String, i32, i32)> = media::table
        .order((media::created_at.desc(), media::id.desc()))
        .select((media::id, media::original_name, media::width, media::height))
        .limit(1000)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, w, h)| (id, format!("{name} ({w} × {h}, #{id})")))
        .collect())
}

/// The pictures of these media ids, in one query.
pub fn pictures_of(conn: &mut DbConn, ids: &[i32]) -> QueryResult<HashMap<i32, Picture>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Media> = media::table
        .filter(media::id.eq_any(ids))
        .select(Media::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|m| (m.id, m.picture())).collect())
}

/// Where an image is used: (kind, title, admin link).
pub struct Usage {
    pub kind: &'static str,
    pub title: String,
    pub href: String,
}

/// Posts and pages with it as featured image, products with it as image. Two queries.
pub fn used_in(conn: &mut DbConn, id: i32) -> QueryResult<Vec<Usage>> {
    let in_posts: Vec<(i32, String, String)> = posts::table
        .filter(posts::featured_media_id.eq(id))
        .order(posts::id)
        .select((posts::id, posts::title, posts::kind))
        .load(conn)?;
    let in_products: Vec<(i32, String)> = products::table
        .filter(products::image_media_id.eq(id))
        .order(products::id)
        .select((products::id, products::name))
        .load(conn)?;
    let mut usages: Vec<Usage> = in_posts
        .into_iter()
        .map(|(post_id, title, kind)| {
            let (kind, base) = match kind.as_str() {
                "page" => ("Page", "/admin/pages"),
                _ => ("Post", "/admin/posts"),
            };
            Usage {
                kind,
                title,
                href: format!("{base}/{post_id}"),
            }
        })
        .collect();
    usages.extend(in_products.into_iter().map(|(product_id, name)| Usage {
        kind: "Product",
        title: name,
        href: format!("/admin/products/{product_id}"),
    }));
    Ok(usages)
}

pub fn set_alt(conn: &mut DbConn, id: i32, alt: &str) -> QueryResult<bool> {
    diesel::update(media::table.find(id))
        .set(media::alt.eq(alt))
        .execute(conn)
        .map(|n| n == 1)
}

/// Deletes the record; posts and products that used it lose their image (ON DELETE SET
/// NULL). The files are the caller's to remove, after the transaction.
pub fn delete(conn: &mut DbConn, id: i32) -> QueryResult<Option<Media>> {
    conn.write_transaction(|conn| {
        let Some(found) = find(conn, id)? else {
            return Ok(None);
        };
        // Said explicitly as well: a SQLite connection without foreign keys on must not
        // leave dangling ids.
        diesel::update(posts::table.filter(posts::featured_media_id.eq(id)))
            .set(posts::featured_media_id.eq(None::<i32>))
            .execute(conn)?;
        // The product's thumbnail path (for the cart) pointed at these files too.
        diesel::update(
            products::table
                .filter(products::image_media_id.eq(id))
                .filter(products::image.like(format!("{}%", picture::URL_PREFIX))),
        )
        .set(products::image.eq(""))
        .execute(conn)?;
        diesel::update(products::table.filter(products::image_media_id.eq(id)))
            .set(products::image_media_id.eq(None::<i32>))
            .execute(conn)?;
        diesel::delete(media::table.find(id)).execute(conn)?;
        Ok(Some(found))
    })
}

/// "1.2 MB", "830 KB", "512 bytes".
pub fn human_size(bytes: i64) -> String {
    const KB: f64 = 1000.0;
    let b = bytes.max(0) as f64;
    if b < KB {
        format!("{bytes} bytes")
    } else if b < KB * KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

/// "2000 × 1333".
pub fn human_dimensions(width: i32, height: i32) -> String {
    format!("{width} × {height}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_dimensions_read_as_people_write_them() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(830_000), "830 KB");
        assert_eq!(human_size(1_234_567), "1.2 MB");
        assert_eq!(human_dimensions(2000, 1333), "2000 × 1333");
    }
}
