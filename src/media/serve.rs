//! `GET /media/{file}`: uploaded files, by the names the library generated and nothing
//! else (no path can be smuggled in), with their type and a long, immutable lifetime (a
//! name never gets other bytes).

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::media::VARIANT_WIDTHS;
use crate::media::store::{MediaDir, mime_of};
use crate::web::layout::not_found_plain;

/// Stems are 32 lower-case hex characters.
const STEM_LEN: usize = 32;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/media/{file}", web::get().to(file));
}

/// `{stem}.{ext}` or `{stem}-{width}.{ext}`, with a known width and extension: the MIME
/// type, or `None` for any other name.
pub fn check_name(name: &str) -> Option<&'static str> {
    let (base, extension) = name.rsplit_once('.')?;
    let mime = mime_of(extension)?;
    let (stem, width) = match base.split_once('-') {
        Some((stem, width)) => (stem, Some(width)),
        None => (base, None),
    };
    let stem_ok = stem.len() == STEM_LEN
        && stem
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let width_ok = width.is_none_or(|w| VARIANT_WIDTHS.iter().any(|v| v.to_string() == w));
    (stem_ok && width_ok).then_some(mime)
}

async fn file(dir: web::Data<MediaDir>, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let name = name.into_inner();
    let Some(mime) = check_name(&name) else {
        return Ok(not_found_plain());
    };
    let path = dir.path(&name);
    let read = web::block(move || std::fs::read(path))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?;
    match read {
        Ok(bytes) => Ok(HttpResponse::Ok()
            .content_type(mime)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(not_found_plain()),
        Err(e) => Err(AppError::Internal(e.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn only_generated_names_are_served() {
        let stem = "0123456789abcdef0123456789abcdef";
        assert_eq!(check_name(&format!("{stem}.png")), Some("image/png"));
        assert_eq!(check_name(&format!("{stem}-480.jpg")), Some("image/jpeg"));
        assert_eq!(check_name(&format!("{stem}-481.jpg")), None);
        assert_eq!(check_name(&format!("{stem}.svg")), None);
        assert_eq!(check_name(&format!("{stem}.PNG")), None);
        assert_eq!(check_name("../glowpress.db"), None);
        assert_eq!(check_name(&format!("..%2F{stem}.png")), None);
        assert_eq!(check_name(&format!("{}.png", stem.to_uppercase())), None);
        assert_eq!(check_name(".png"), None);
    }
}
