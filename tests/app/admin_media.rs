//! The media library: uploads checked by their bytes, variants on disk and served, the
//! library's access rules, and deleting.

use std::io::Cursor;

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::{media, products};
use reqwest::StatusCode;

use crate::common::{Browser, TestApp, csrf_token, field_error, input_value, insert_user};
use crate::on_both_backends;

const PASSWORD: &str = "correct horse battery 42";

/// A PNG of `width` × `height` with some detail in it.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode a PNG");
    out.into_inner()
}

/// A multipart/form-data body with an `alt` field and one file; (content type, body).
pub fn multipart(
    alt: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "----glowpressTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n{alt}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A browser logged in as a new user of `role`.
pub async fn logged_in(app: &TestApp, username: &str, role: Role) -> (Browser, i32) {
    let id = app.with_conn(|conn| {
        insert_user(
            conn,
            username,
            &format!("{username}@example.com"),
            PASSWORD,
            role,
        )
    });
    let browser = app.new_browser();
    let page = browser.log_in(username, PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    (browser, id)
}

/// Uploads as the library's form does; the response, not followed.
pub async fn upload(
    browser: &Browser,
    alt: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let (_, library) = browser.page("/admin/media").await;
    let token = csrf_token(&library);
    let (multipart_type, body) = multipart(alt, file_name, content_type, bytes);
    browser
        .no_redirects()
        .post(browser.url(&format!("/admin/media?csrf_token={token}")))
        .header(reqwest::header::CONTENT_TYPE, multipart_type)
        .body(body)
        .send()
        .await
        .expect("the upload is answered")
}

/// Uploads and expects the new image's page; its id.
pub async fn upload_ok(browser: &Browser, file_name: &str, bytes: &[u8]) -> i32 {
    let response = upload(browser, "A jar of serum", file_name, "image/png", bytes).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let id: i32 = location
        .strip_prefix("/admin/media/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an image page: {location}"));
    let (status, html) = browser.page(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Image uploaded."), "{html}");
    id
}

/// (stem, extension, variant_widths, width, height) of a media row.
fn row(app: &TestApp, id: i32) -> Option<(String, String, String, i32, i32)> {
    app.with_conn(|conn| {
        media::table
            .find(id)
            .select((
                media::stem,
                media::extension,
                media::variant_widths,
                media::width,
                media::height,
            ))
            .first(conn)
            .optional()
            .unwrap()
    })
}

fn media_file(app: &TestApp, name: &str) -> std::path::PathBuf {
    app.site().config.data_dir.join("media").join(name)
}

async fn an_upload_is_stored_with_its_variants_and_served(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let id = upload_ok(&editor, "serum.png", &png(1200, 800)).await;
    let (stem, extension, widths, width, height) = row(&app, id).expect("a media row");
    assert_eq!((extension.as_str(), widths.as_str()), ("png", "480,960"));
    assert_eq!((width, height), (1200, 800));
    assert!(!stem.contains("serum"), "the name is generated: {stem}");
    for name in [
        format!("{stem}.png"),
        format!("{stem}-480.png"),
        format!("{stem}-960.png"),
    ] {
        assert!(media_file(&app, &name).is_file(), "{name} on disk");
    }
    assert!(!media_file(&app, &format!("{stem}-1600.png")).exists());

    let response = app.get(&format!("/media/{stem}-480.png")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cache.contains("immutable") && cache.contains("max-age=31536000"),
        "{cache}"
    );
    let variant = image::load_from_memory(&response.bytes().await.unwrap()).expect("a PNG");
    assert_eq!((variant.width(), variant.height()), (480, 320));
    let original = app.get(&format!("/media/{stem}.png")).await;
    assert_eq!(original.bytes().await.unwrap().to_vec(), png(1200, 800));

    // The library lists it with its size and dimensions for people.
    let (_, library) = editor.page("/admin/media").await;
    assert!(library.contains("serum.png"), "{library}");
    assert!(library.contains("1200 × 800"));
    assert!(library.contains(&format!("/media/{stem}-480.png")));
    let (_, item) = editor.page(&format!("/admin/media/{id}")).await;
    assert!(item.contains(&format!("srcset=\"/media/{stem}-480.png 480w, /media/{stem}-960.png 960w, /media/{stem}.png 1200w\"")), "{item}");
    assert!(item.contains("width=\"1200\" height=\"800\""));
}

async fn the_type_comes_from_the_bytes_not_the_name(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let response = upload(&editor, "", "photo.jpg", "image/jpeg", &png(300, 200)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id: i32 = app.with_conn(|conn| media::table.select(media::id).first(conn).unwrap());
    let (stem, extension, widths, _, _) = row(&app, id).unwrap();
    assert_eq!(extension, "png");
    assert_eq!(widths, "", "no variant is wider than a 300 px original");
    let served = app.get(&format!("/media/{stem}.png")).await;
    assert_eq!(served.headers()["content-type"], "image/png");

    for (name, bytes) in [
        (
            "evil.png",
            &b"<html><script>alert(document.cookie)</script></html>"[..],
        ),
        (
            "logo.svg",
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
        ),
        ("run.gif", &b"#!/bin/sh\nrm -rf /\n"[..]),
    ] {
        let response = upload(&editor, "Kept alt text", name, "image/png", bytes).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name}");
        let html = response.text().await.unwrap();
        let error = field_error(&html, "file").expect("a message next to the file field");
        assert!(
            error.contains("is not a JPEG, PNG, WebP or GIF image"),
            "{error}"
        );
        assert!(
            error.contains(name) && error.contains("choose the file again"),
            "{error}"
        );
        assert_eq!(input_value(&html, "alt").as_deref(), Some("Kept alt text"));
    }
    // A PNG cut in half is refused too.
    let whole = png(400, 400);
    let response = upload(
        &editor,
        "",
        "cut.png",
        "image/png",
        &whole[..whole.len() / 2],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let count: i64 = app.with_conn(|conn| media::table.count().get_result(conn).unwrap());
    assert_eq!(count, 1, "only the real image was stored");
    let files = std::fs::read_dir(app.site().config.data_dir.join("media"))
        .unwrap()
        .count();
    assert_eq!(files, 1, "refused uploads leave no files");
}

async fn an_upload_over_10_mib_is_refused(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let mut big = png(64, 64);
    big.resize(11 * 1024 * 1024, 0);
    let response = upload(&editor, "Big one", "huge.png", "image/png", &big).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = response.text().await.unwrap();
    let error = field_error(&html, "file").expect("a message next to the file field");
    assert!(error.contains("larger than 10 MiB"), "{error}");
    assert_eq!(input_value(&html, "alt").as_deref(), Some("Big one"));
    let count: i64 = app.with_conn(|conn| media::table.count().get_result(conn).unwrap());
    assert_eq!(count, 0);
}

async fn deleting_removes_the_files_and_the_row(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let id = upload_ok(&editor, "serum.png", &png(1000, 600)).await;
    let (stem, ..) = row(&app, id).unwrap();
    app.with_conn(|conn| {
        diesel::update(products::table.filter(products::slug.eq("hydrating-serum")))
            .set((
                products::image_media_id.eq(id),
                products::image.eq(format!("/media/{stem}-480.png")),
            ))
            .execute(conn)
            .unwrap()
    });
    let (_, item) = editor.page(&format!("/admin/media/{id}")).await;
    assert!(item.contains("Used in"), "{item}");
    let token = csrf_token(&item);
    let page = editor
        .submit(
            &format!("/admin/media/{id}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.path, "/admin/media");
    assert!(page.html.contains("serum.png deleted."), "{}", page.html);
    assert!(row(&app, id).is_none());
    for name in [
        format!("{stem}.png"),
        format!("{stem}-480.png"),
        format!("{stem}-960.png"),
    ] {
        assert!(!media_file(&app, &name).exists(), "{name} removed");
    }
    assert_eq!(
        app.get(&format!("/media/{stem}.png")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (image_id, image): (Option<i32>, String) = app.with_conn(|conn| {
        products::table
            .filter(products::slug.eq("hydrating-serum"))
            .select((products::image_media_id, products::image))
            .first(conn)
            .unwrap()
    });
    assert_eq!((image_id, image.as_str()), (None, ""));
    let (status, _) = app.page("/shop").await;
    assert_eq!(status, StatusCode::OK);
}

async fn an_author_cannot_touch_an_editors_upload(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let id = upload_ok(&editor, "editors.png", &png(600, 400)).await;
    let (author, _) = logged_in(&app, "arthur", Role::Author).await;
    let (_, library) = author.page("/admin/media").await;
    assert!(library.contains("Your uploads"));
    assert!(!library.contains("editors.png"), "{library}");
    let (status, _) = author.page(&format!("/admin/media/{id}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let token = csrf_token(&library);
    let page = author
        .submit(
            &format!("/admin/media/{id}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(row(&app, id).is_some(), "still there");
    // Their own upload is theirs to delete.
    let own = upload_ok(&author, "mine.png", &png(200, 200)).await;
    let page = author
        .submit(
            &format!("/admin/media/{own}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(row(&app, own).is_none());
    // A subscriber has no library at all.
    let (reader, _) = logged_in(&app, "rita", Role::Subscriber).await;
    assert_eq!(reader.page("/admin/media").await.0, StatusCode::FORBIDDEN);
}

async fn a_product_with_a_library_image_has_a_srcset(app: TestApp) {
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let id = upload_ok(&editor, "serum.png", &png(2000, 1000)).await;
    let (stem, _, widths, ..) = row(&app, id).unwrap();
    assert_eq!(widths, "480,960,1600");
    app.with_conn(|conn| {
        diesel::update(products::table.filter(products::slug.eq("hydrating-serum")))
            .set((
                products::image_media_id.eq(id),
                products::image_alt.eq("Serum in a glass jar"),
            ))
            .execute(conn)
            .unwrap()
    });
    let srcset = format!(
        "srcset=\"/media/{stem}-480.png 480w, /media/{stem}-960.png 960w, /media/{stem}-1600.png 1600w, /media/{stem}.png 2000w\""
    );
    let (_, product) = app.page("/shop/hydrating-serum").await;
    assert!(product.contains(&srcset), "{product}");
    assert!(product.contains("width=\"2000\" height=\"1000\""));
    assert!(product.contains("alt=\"Serum in a glass jar\""));
    let (_, shop) = app.page("/shop").await;
    assert!(shop.contains(&srcset), "{shop}");
}

on_both_backends!(
    an_upload_is_stored_with_its_variants_and_served,
    the_type_comes_from_the_bytes_not_the_name,
    an_upload_over_10_mib_is_refused,
    deleting_removes_the_files_and_the_row,
    an_author_cannot_touch_an_editors_upload,
    a_product_with_a_library_image_has_a_srcset,
);

#[actix_web::test]
async fn a_multipart_post_without_the_token_is_refused() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .unwrap();
    let (editor, _) = logged_in(&app, "edna", Role::Editor).await;
    let (multipart_type, body) = multipart("", "a.png", "image/png", &png(10, 10));
    for path in ["/admin/media", "/admin/media?csrf_token=wrong"] {
        let response = editor
            .no_redirects()
            .post(editor.url(path))
            .header(reqwest::header::CONTENT_TYPE, multipart_type.clone())
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let count: i64 = app.with_conn(|conn| media::table.count().get_result(conn).unwrap());
    assert_eq!(count, 0);
}

#[actix_web::test]
async fn only_generated_names_are_served() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .unwrap();
    let media_dir = app.site().config.data_dir.join("media");
    std::fs::create_dir_all(&media_dir).unwrap();
    std::fs::write(media_dir.join("notes.png"), b"secret").unwrap();
    for path in [
        "/media/..%2Fglowpress.db",
        "/media/..%2F..%2Fetc%2Fpasswd",
        "/media/%2e%2e%2fglowpress.db",
        "/media/notes.png",
        "/media/0123456789abcdef0123456789abcdef.svg",
        "/media/0123456789abcdef0123456789abcdef.png",
    ] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
