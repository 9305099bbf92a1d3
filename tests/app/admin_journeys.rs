//! Whole journeys through the back office, end to end over HTTP, as a person would take them.

use glowpress::accounts::users::Role;
use reqwest::StatusCode;

use crate::admin_media::{logged_in, png, upload};
use crate::admin_posts::form_fields;
use crate::common::{TestApp, unescape_html};
use crate::on_both_backends;

on_both_backends!(an_uploaded_image_becomes_a_responsive_featured_image);

/// The `value` of the `<option>` of the select `name` whose label contains `label`.
fn option_value(html: &str, name: &str, label: &str) -> Option<String> {
    let start = html.find(&format!("<select id=\"{name}\" name=\"{name}\""))?;
    let end = start + html[start..].find("</select>")?;
    let select = &html[start..end];
    select.match_indices("<option").find_map(|(at, _)| {
        let open_end = at + select[at..].find('>')?;
        let close = open_end + select[open_end..].find("</option>")?;
        if !unescape_html(&select[open_end + 1..close]).contains(label) {
            return None;
        }
        let tag = &select[at..open_end];
        let value = tag.split_once(" value=\"")?.1;
        Some(unescape_html(&value[..value.find('"')?]))
    })
}

/// The first `<img …>` tag of `html` whose `src` starts with `src_prefix`.
fn img_tag<'a>(html: &'a str, src_prefix: &str) -> Option<&'a str> {
    let needle = format!("<img src=\"{src_prefix}");
    let start = html.find(&needle)?;
    Some(&html[start..start + html[start..].find('>')?])
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    Some(&tag[at..at + tag[at..].find('"')?])
}

/// An editor uploads a PNG wider than 1600 px through the library, picks it as the featured
/// image of a new post in the editor, publishes; the article shows it with srcset (480, 960,
/// 1600 and the original), sizes, width and height, each file is served as an image, and the
/// image's library page says the post uses it.
async fn an_uploaded_image_becomes_a_responsive_featured_image(app: TestApp) {
    let (editor, _) = logged_in(&app, "eve", Role::Editor).await;
    let uploaded = upload(
        &editor,
        "Serum drops on a mirror",
        "drops.png",
        "image/png",
        &png(2000, 1000),
    )
    .await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let media_page = uploaded.headers()["location"]
        .to_str()
        .expect("a location")
        .to_owned();
    let media_id = media_page
        .strip_prefix("/admin/media/")
        .expect("the image's page");

    let (status, new_post) = editor.page("/admin/posts/new").await;
    assert_eq!(status, StatusCode::OK);
    let value = option_value(&new_post, "featured_media_id", "drops.png")
        .unwrap_or_else(|| panic!("the upload is not offered in the editor:\n{new_post}"));
    assert_eq!(value, media_id);
    let mut fields = form_fields(&new_post, "/admin/posts/new");
    for (name, typed) in [
        ("title", "Morning drops"),
        ("body", "Three drops, *every* morning."),
        ("featured_media_id", value.as_str()),
        ("caption", "Drops at dawn"),
        ("action", "publish"),
    ] {
        fields.retain(|(n, _)| n != name);
        fields.push((name.to_owned(), typed.to_owned()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let published = editor.submit("/admin/posts/new", &pairs).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.html);
    let post_editor = published.path.clone();
    assert!(post_editor.starts_with("/admin/posts/"), "{post_editor}");

    let visitor = app.new_browser();
    let (status, article) = visitor.page("/posts/morning-drops").await;
    assert_eq!(status, StatusCode::OK, "{article}");
    let img = img_tag(&article, "/media/")
        .unwrap_or_else(|| panic!("no uploaded image on the article:\n{article}"));
    let src = attribute(img, "src").expect("a src");
    let stem_ext = src.strip_prefix("/media/").expect("a media URL");
    let (stem, extension) = stem_ext.rsplit_once('.').expect("an extension");
    let srcset = attribute(img, "srcset").expect("a srcset");
    let expected = format!(
        "/media/{stem}-480.{extension} 480w, /media/{stem}-960.{extension} 960w, \
         /media/{stem}-1600.{extension} 1600w, /media/{stem}.{extension} 2000w"
    );
    assert_eq!(srcset, expected, "{img}");
    assert!(
        attribute(img, "sizes").is_some_and(|s| !s.is_empty()),
        "{img}"
    );
    assert_eq!(attribute(img, "width"), Some("2000"), "{img}");
    assert_eq!(attribute(img, "height"), Some("1000"), "{img}");
    assert_eq!(
        attribute(img, "alt"),
        Some("Serum drops on a mirror"),
        "{img}"
    );
    assert!(article.contains("Drops at dawn"), "the caption");
    for candidate in srcset.split(", ") {
        let url = candidate.split(' ').next().expect("a URL");
        let response = visitor.get(url).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("a content type")
            .to_owned();
        assert!(content_type.starts_with("image/"), "{url}: {content_type}");
        let bytes = response.bytes().await.expect("the file");
        let decoded = image::load_from_memory(&bytes).expect("a real image");
        let width: u32 = candidate
            .rsplit(' ')
            .next()
            .and_then(|w| w.strip_suffix('w'))
            .and_then(|w| w.parse().ok())
            .expect("a width");
        assert_eq!(decoded.width(), width, "{url}");
    }

    let (status, library_page) = editor.page(&media_page).await;
    assert_eq!(status, StatusCode::OK);
    let used_in = &library_page[library_page.find("Used in").expect("a Used in box")..];
    assert!(
        used_in.contains(&format!("<a href=\"{post_editor}\">Morning drops</a>")),
        "{library_page}"
    );
}
