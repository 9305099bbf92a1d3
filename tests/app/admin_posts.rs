//! Posts and pages in the back office: writing, previewing, scheduling, publishing, the
//! refusals, the version check, revisions, pages at `/{slug}`, trash, featured media, and the
//! draft that survives an expired session.

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::{media, post_revisions, posts};
use reqwest::StatusCode;

use crate::common::{
    Browser, Page, TestApp, csrf_token, field_error, input_value, insert_user, unescape_html,
};
use crate::on_both_backends;

const PASSWORD: &str = "velvet kettle orbits lazily";

fn add_user(app: &TestApp, name: &str, role: Role) -> i32 {
    app.with_conn(|conn| insert_user(conn, name, &format!("{name}@example.com"), PASSWORD, role))
}

/// A browser logged in as a new user of `role`.
async fn writer(app: &TestApp, name: &str, role: Role) -> (Browser, i32) {
    let id = add_user(app, name, role);
    let browser = app.new_browser();
    let page = browser.log_in(name, PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    (browser, id)
}

/// Every field a browser would send with the form whose `action` is `action`: inputs (ticked
/// checkboxes only, no buttons), textareas and selected options.
pub fn form_fields(html: &str, action: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}:\n{html}"));
    let end = start + html[start..].find("</form>").expect("the form ends");
    let form = &html[start..end];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let needle = format!(" {name}=\"");
        let at = tag.find(&needle)? + needle.len();
        Some(unescape_html(&tag[at..at + tag[at..].find('"')?]))
    };
    let mut fields = Vec::new();
    for (at, _) in form.match_indices("<input") {
        let tag = &form[at..at + form[at..].find('>').expect("a tag")];
        let (Some(name), kind) = (attr(tag, "name"), attr(tag, "type")) else {
            continue;
        };
        if kind.as_deref() == Some("checkbox") && !tag.contains(" checked") {
            continue;
        }
        fields.push((name, attr(tag, "value").unwrap_or_default()));
    }
    for (at, _) in form.match_indices("<textarea") {
        let tag_end = at + form[at..].find('>').expect("a tag");
        let name = attr(&form[at..tag_end], "name").expect("a named textarea");
        let close = tag_end + form[tag_end..].find("</textarea>").expect("closed");
        fields.push((name, unescape_html(&form[tag_end + 1..close])));
    }
    for (at, _) in form.match_indices("<select") {
        let tag_end = at + form[at..].find('>').expect("a tag");
        let name = attr(&form[at..tag_end], "name").expect("a named select");
        let close = tag_end + form[tag_end..].find("</select>").expect("closed");
        let options = &form[tag_end..close];
        let value = options
            .match_indices("<option")
            .map(|(o, _)| &options[o..o + options[o..].find('>').expect("a tag")])
            .find(|tag| tag.contains(" selected"))
            .and_then(|tag| attr(tag, "value"))
            .unwrap_or_default();
        fields.push((name, value));
    }
    fields
}

/// The editor's form as shown, with `changes` made and the button `action` pressed.
async fn press(browser: &Browser, editor: &str, changes: &[(&str, &str)], action: &str) -> Page {
    let (status, html) = browser.page(editor).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let post_to = if editor.ends_with("/new") {
        editor.to_owned()
    } else {
        editor.split('?').next().expect("a path").to_owned()
    };
    let mut fields = form_fields(&html, &post_to);
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    fields.push(("action".to_owned(), action.to_owned()));
    send(browser, &post_to, &fields).await
}

pub async fn send(browser: &Browser, path: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.submit(path, &pairs).await
}

/// The id in an editor address ("/admin/posts/12").
fn id_in(path: &str) -> i32 {
    path.rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {path}"))
}

fn textarea(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("<textarea id=\"{name}\""))?;
    let open = start + html[start..].find('>')? + 1;
    let close = open + html[open..].find("</textarea>")?;
    Some(unescape_html(&html[open..close]))
}

fn stored(app: &TestApp, id: i32) -> (String, String, String, Option<time::PrimitiveDateTime>) {
    app.with_conn(|conn| {
        posts::table
            .find(id)
            .select((
                posts::body,
                posts::body_html,
                posts::status,
                posts::published_at,
            ))
            .first(conn)
            .expect("the post")
    })
}

/// Now + `seconds`, as a `datetime-local` value with seconds in `zone`, and as UTC.
fn local_time(zone: &str, seconds: i64) -> (String, time::PrimitiveDateTime) {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(seconds);
    let at = jiff::Timestamp::from_second(at.as_second()).expect("a time");
    let zoned = at.to_zoned_datetime(jiff::tz::TimeZone::get(zone).expect("a zone"));
    let utc = time::OffsetDateTime::from_unix_timestamp(at.as_second()).expect("a time");
    (
        zoned.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        time::PrimitiveDateTime::new(utc.date(), utc.time()),
    )
}

on_both_backends!(
    an_author_previews_and_schedules_a_markdown_draft,
    an_editor_publishes_another_authors_post,
    authors_reach_only_their_own_posts,
    refused_forms_keep_what_was_typed,
    a_stale_save_is_refused_and_keeps_the_second_text,
    revisions_are_listed_compared_and_restored,
    pages_are_served_at_their_slug_and_nowhere_else,
    trash_hides_a_post_and_restore_brings_it_back_as_a_draft,
    markdown_is_rendered_and_sanitized_when_saved,
    an_expired_session_keeps_the_draft_through_the_login,
    a_featured_media_image_has_a_srcset,
);

async fn an_author_previews_and_schedules_a_markdown_draft(app: TestApp) {
    app.with_conn(|conn| glowpress::settings::set(conn, "timezone", "Europe/Paris"))
        .expect("set the zone");
    let (author, _) = writer(&app, "ada", Role::Author).await;
    let title = "Retinol, slowly";
    let body = "Start **twice a week**.\n\n- pea-sized\n- at night";

    let preview = press(
        &author,
        "/admin/posts/new",
        &[
            ("title", title),
            ("body", body),
            ("tags", "Retinol, Night care"),
        ],
        "preview",
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    assert!(
        preview.html.contains("<strong>twice a week</strong>"),
        "{}",
        preview.html
    );
    assert_eq!(input_value(&preview.html, "title").as_deref(), Some(title));
    assert_eq!(textarea(&preview.html, "body").as_deref(), Some(body));
    assert_eq!(
        input_value(&preview.html, "tags").as_deref(),
        Some("Retinol, Night care")
    );
    let count: i64 = app.with_conn(|conn| {
        posts::table
            .filter(posts::title.eq(title))
            .count()
            .get_result(conn)
            .expect("count")
    });
    assert_eq!(count, 0, "a preview saves nothing");

    let saved = press(
        &author,
        "/admin/posts/new",
        &[
            ("title", title),
            ("body", body),
            ("tags", "Retinol, Night care"),
        ],
        "draft",
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.html.contains("Draft saved."), "{}", saved.html);
    let id = id_in(&saved.path);
    assert_eq!(
        input_value(&saved.html, "slug").as_deref(),
        Some("retinol-slowly")
    );

    let (typed, utc) = local_time("Europe/Paris", 3);
    let scheduled = press(
        &author,
        &format!("/admin/posts/{id}"),
        &[("publish_at", &typed)],
        "schedule",
    )
    .await;
    assert_eq!(scheduled.status, StatusCode::OK, "{}", scheduled.html);
    assert!(
        scheduled.html.contains("scheduled for"),
        "{}",
        scheduled.html
    );
    let (_, _, status, published_at) = stored(&app, id);
    assert_eq!(status, "published");
    // Typed in Paris time, stored in UTC.
    assert_eq!(published_at, Some(utc));

    let (_, home) = app.page("/").await;
    assert!(
        !home.contains(title),
        "not on the home page before its time"
    );
    let (status, _) = app.page("/posts/retinol-slowly").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = author.page("/admin/posts?status=scheduled").await;
    assert!(list.contains(title), "{list}");

    let wait = (utc.assume_utc() - time::OffsetDateTime::now_utc()).whole_milliseconds();
    tokio::time::sleep(std::time::Duration::from_millis(
        u64::try_from(wait.max(0)).unwrap_or(0) + 1200,
    ))
    .await;
    let (_, home) = app.page("/").await;
    assert!(
        home.contains(title),
        "on the home page once its time has come"
    );
    let (status, article) = app.page("/posts/retinol-slowly").await;
    assert_eq!(status, StatusCode::OK);
    assert!(article.contains("<strong>twice a week</strong>"));
    assert!(
        article.contains("href=\"/tag/night-care\""),
        "new tags are slugged"
    );
}

async fn an_editor_publishes_another_authors_post(app: TestApp) {
    let (author, _) = writer(&app, "ada", Role::Author).await;
    let saved = press(
        &author,
        "/admin/posts/new",
        &[("title", "Ada's draft"), ("body", "Words.")],
        "draft",
    )
    .await;
    let id = id_in(&saved.path);
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let (_, list) = editor.page("/admin/posts?status=draft").await;
    assert!(
        list.contains("Ada's draft") || list.contains("Ada&#39;s draft"),
        "{list}"
    );
    let published = press(&editor, &format!("/admin/posts/{id}"), &[], "publish").await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.html);
    let (status, article) = app.page("/posts/adas-draft").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        article.contains("By <span class=\"byline__author\">ada</span>"),
        "{article}"
    );
}

async fn authors_reach_only_their_own_posts(app: TestApp) {
    let (ada, _) = writer(&app, "ada", Role::Author).await;
    let saved = press(
        &ada,
        "/admin/posts/new",
        &[("title", "Mine"), ("body", "Mine alone.")],
        "draft",
    )
    .await;
    let id = id_in(&saved.path);
    let (bob, _) = writer(&app, "bob", Role::Author).await;
    let (status, _) = bob.page(&format!("/admin/posts/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, own_list) = bob.page("/admin/posts").await;
    assert!(!own_list.contains("Mine"), "{own_list}");
    let token = csrf_token(&own_list);
    for path in [
        format!("/admin/posts/{id}"),
        format!("/admin/posts/{id}/trash"),
        format!("/admin/posts/{id}/revisions"),
    ] {
        let page = bob
            .submit(
                &path,
                &[
                    ("csrf_token", &token),
                    ("title", "Taken over"),
                    ("version", "1"),
                    ("action", "update"),
                ],
            )
            .await;
        assert!(
            page.status == StatusCode::NOT_FOUND || page.status == StatusCode::METHOD_NOT_ALLOWED,
            "{path}: {}",
            page.status
        );
    }
    let (status, _) = bob.page(&format!("/admin/posts/{id}/revisions")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (body, _, status, _) = stored(&app, id);
    assert_eq!((body.as_str(), status.as_str()), ("Mine alone.", "draft"));
    for path in ["/admin/settings", "/admin/pages", "/admin/pages/new"] {
        let (status, _) = bob.page(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

async fn refused_forms_keep_what_was_typed(app: TestApp) {
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let body = "Keep **this** text.";
    let duplicate = press(
        &editor,
        "/admin/posts/new",
        &[
            ("title", "Again"),
            ("slug", "gentle-double-cleanse"),
            ("body", body),
        ],
        "draft",
    )
    .await;
    assert_eq!(duplicate.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&duplicate.html, "slug").is_some_and(|e| e.contains("already")));
    assert_eq!(textarea(&duplicate.html, "body").as_deref(), Some(body));
    assert_eq!(
        input_value(&duplicate.html, "title").as_deref(),
        Some("Again")
    );

    let untitled = press(&editor, "/admin/posts/new", &[("body", body)], "publish").await;
    assert_eq!(untitled.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&untitled.html, "title").is_some());
    assert_eq!(textarea(&untitled.html, "body").as_deref(), Some(body));

    let past = press(
        &editor,
        "/admin/posts/new",
        &[
            ("title", "Yesterday"),
            ("body", body),
            ("publish_at", "2020-01-01T09:00"),
        ],
        "schedule",
    )
    .await;
    assert_eq!(past.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&past.html, "publish_at").is_some_and(|e| e.contains("passed")));
    assert_eq!(
        input_value(&past.html, "publish_at").as_deref(),
        Some("2020-01-01T09:00")
    );
    assert_eq!(textarea(&past.html, "body").as_deref(), Some(body));

    for reserved in ["shop", "admin"] {
        let page = press(
            &editor,
            "/admin/pages/new",
            &[("title", "Our shop"), ("slug", reserved), ("body", body)],
            "publish",
        )
        .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{reserved}");
        let error = field_error(&page.html, "slug").expect("a message next to the slug");
        assert!(error.contains(&format!("/{reserved}")), "{error}");
        assert_eq!(textarea(&page.html, "body").as_deref(), Some(body));
    }
    let nonsense = press(
        &editor,
        "/admin/posts/new",
        &[
            ("title", "x"),
            ("category_id", "abc"),
            ("featured_media_id", "999"),
        ],
        "draft",
    )
    .await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&nonsense.html, "category_id").is_some());
    let count: i64 = app.with_conn(|conn| {
        posts::table
            .filter(posts::body.eq(body))
            .count()
            .get_result(conn)
            .expect("count")
    });
    assert_eq!(count, 0, "nothing refused was saved");
}

async fn a_stale_save_is_refused_and_keeps_the_second_text(app: TestApp) {
    let (first, _) = writer(&app, "eve", Role::Editor).await;
    let (second, _) = writer(&app, "max", Role::Editor).await;
    let saved = press(
        &first,
        "/admin/posts/new",
        &[("title", "Shared"), ("body", "Version one.")],
        "draft",
    )
    .await;
    let id = id_in(&saved.path);
    let editor = format!("/admin/posts/{id}");
    // Both open the editor; the first saves, then the second.
    let (_, opened_by_second) = second.page(&editor).await;
    let updated = press(
        &first,
        &editor,
        &[("body", "First editor's text.")],
        "draft",
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK);
    let mut fields = form_fields(&opened_by_second, &editor);
    fields.retain(|(n, _)| n != "body" && n != "title");
    fields.push(("title".into(), "Shared, retitled".into()));
    fields.push(("body".into(), "Second editor's text.".into()));
    fields.push(("action".into(), "draft".into()));
    let conflict = send(&second, &editor, &fields).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.html);
    assert!(conflict.html.contains("Someone else changed this post"));
    assert_eq!(
        textarea(&conflict.html, "body").as_deref(),
        Some("Second editor's text.")
    );
    assert_eq!(
        input_value(&conflict.html, "title").as_deref(),
        Some("Shared, retitled")
    );
    let (body, ..) = stored(&app, id);
    assert_eq!(body, "First editor's text.");
    // Saving again from the refused form is a deliberate overwrite.
    let mut again = form_fields(&conflict.html, &editor);
    again.push(("action".into(), "draft".into()));
    let saved = send(&second, &editor, &again).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    let (body, ..) = stored(&app, id);
    assert_eq!(body, "Second editor's text.");
}

async fn revisions_are_listed_compared_and_restored(app: TestApp) {
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let saved = press(
        &editor,
        "/admin/posts/new",
        &[
            ("title", "Layers"),
            ("body", "Cleanse.\nTone.\nMoisturise."),
        ],
        "draft",
    )
    .await;
    let id = id_in(&saved.path);
    let path = format!("/admin/posts/{id}");
    press(
        &editor,
        &path,
        &[("body", "Cleanse.\n<script>x</script>\nMoisturise.")],
        "draft",
    )
    .await;
    let ids: Vec<i32> = app.with_conn(|conn| {
        post_revisions::table
            .filter(post_revisions::post_id.eq(id))
            .order(post_revisions::id)
            .select(post_revisions::id)
            .load(conn)
            .expect("revisions")
    });
    assert_eq!(ids.len(), 2);
    let (_, page) = editor.page(&path).await;
    assert!(page.contains(&format!("revisions?to={}", ids[1])), "{page}");
    assert!(page.contains("by eve"));
    let (status, diff) = editor
        .page(&format!("{path}/revisions?from={}&to={}", ids[0], ids[1]))
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert!(
        diff.contains("<del class=\"admin-diff__del\">Tone.</del>"),
        "{diff}"
    );
    assert!(
        diff.contains("<ins class=\"admin-diff__ins\">&#60;script&#62;x&#60;/script&#62;</ins>")
            || diff.contains("<ins class=\"admin-diff__ins\">&lt;script&gt;x&lt;/script&gt;</ins>"),
        "{diff}"
    );
    // Restore the first revision.
    let (_, first) = editor
        .page(&format!("{path}/revisions?to={}", ids[0]))
        .await;
    let action = format!("{path}/revisions/{}/restore", ids[0]);
    let fields = form_fields(&first, &action);
    let restored = send(&editor, &action, &fields).await;
    assert_eq!(restored.status, StatusCode::OK);
    assert!(restored.html.contains("Revision restored"));
    let (body, html, ..) = stored(&app, id);
    assert_eq!(body, "Cleanse.\nTone.\nMoisturise.");
    assert!(html.contains("Tone."));
    let count: i64 = app.with_conn(|conn| {
        post_revisions::table
            .filter(post_revisions::post_id.eq(id))
            .count()
            .get_result(conn)
            .expect("count")
    });
    assert_eq!(count, 3, "a restore is a new revision");
    let (status, _) = editor.page(&format!("{path}/revisions?to=abc")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn pages_are_served_at_their_slug_and_nowhere_else(app: TestApp) {
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let saved = press(
        &editor,
        "/admin/pages/new",
        &[("title", "About us"), ("body", "We test **serums**.")],
        "publish",
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    assert!(saved.path.starts_with("/admin/pages/"));
    let (status, page) = app.page("/about-us").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<strong>serums</strong>"));
    assert!(!page.contains("Leave a reply"));
    let (status, _) = app.page("/posts/about-us").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, home) = app.page("/").await;
    assert!(!home.contains("About us"));
    let (_, feed) = app.page("/feed.xml").await;
    assert!(!feed.contains("About us"));
    let (_, posts_list) = editor.page("/admin/posts").await;
    assert!(!posts_list.contains("About us"));
    let (_, pages_list) = editor.page("/admin/pages").await;
    assert!(pages_list.contains("About us"));
    // Posts are not served at /{slug}; the site's own routes still win.
    let (status, _) = app.page("/gentle-double-cleanse").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, shop) = app.page("/shop").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!shop.contains("serums</strong>"));
    // Same slug space: a post may not take the page's address.
    let clash = press(
        &editor,
        "/admin/posts/new",
        &[("title", "About us")],
        "draft",
    )
    .await;
    assert_eq!(clash.status, StatusCode::BAD_REQUEST);
}

async fn trash_hides_a_post_and_restore_brings_it_back_as_a_draft(app: TestApp) {
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let saved = press(
        &editor,
        "/admin/posts/new",
        &[("title", "Short lived"), ("body", "Here today.")],
        "publish",
    )
    .await;
    let id = id_in(&saved.path);
    let (status, _) = app.page("/posts/short-lived").await;
    assert_eq!(status, StatusCode::OK);
    let trash = format!("/admin/posts/{id}/trash");
    let fields = form_fields(&saved.html, &trash);
    let trashed = send(&editor, &trash, &fields).await;
    assert_eq!(trashed.status, StatusCode::OK);
    assert!(trashed.html.contains("moved to the trash"));
    assert!(trashed.html.contains("Short lived"), "the trash lists it");
    let (status, _) = app.page("/posts/short-lived").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, home) = app.page("/").await;
    assert!(!home.contains("Short lived"));
    let restore = format!("/admin/posts/{id}/restore");
    let fields = form_fields(&trashed.html, &restore);
    let restored = send(&editor, &restore, &fields).await;
    assert_eq!(restored.status, StatusCode::OK);
    assert!(restored.html.contains("restored as a draft"));
    let (_, _, status, published_at) = stored(&app, id);
    assert_eq!((status.as_str(), published_at), ("draft", None));
    let (status, _) = app.page("/posts/short-lived").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn markdown_is_rendered_and_sanitized_when_saved(app: TestApp) {
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let saved = press(
        &editor,
        "/admin/posts/new",
        &[
            ("title", "Stored once"),
            (
                "body",
                "Hello **world**.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1))",
            ),
        ],
        "publish",
    )
    .await;
    let id = id_in(&saved.path);
    let (_, html, ..) = stored(&app, id);
    assert!(html.contains("<strong>world</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
    app.with_conn(|conn| {
        diesel::update(posts::table.find(id))
            .set(posts::body.eq("Changed **behind** the editor's back."))
            .execute(conn)
            .expect("update")
    });
    let (_, article) = app.page("/posts/stored-once").await;
    assert!(
        article.contains("<strong>world</strong>"),
        "the saved HTML is shown"
    );
    assert!(!article.contains("behind"));
    // Older rules: rendered again.
    let rendered = app.with_conn(|conn| {
        diesel::update(posts::table.find(id))
            .set(posts::render_version.eq(0))
            .execute(conn)
            .expect("update");
        glowpress::posts::editor::rerender_outdated(conn).expect("rerender")
    });
    assert!(rendered >= 1);
    let (_, article) = app.page("/posts/stored-once").await;
    assert!(article.contains("<strong>behind</strong>"));
    let left =
        app.with_conn(|conn| glowpress::posts::editor::rerender_outdated(conn).expect("rerender"));
    assert_eq!(left, 0);
}

async fn an_expired_session_keeps_the_draft_through_the_login(app: TestApp) {
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let (_, form) = editor.page("/admin/posts/new").await;
    let mut fields = form_fields(&form, "/admin/posts/new");
    let body = "A long morning's writing.\nSecond line & <b>more</b>.";
    fields.retain(|(n, _)| n != "title" && n != "body");
    fields.push(("title".into(), "Written before lunch".into()));
    fields.push(("body".into(), body.into()));
    fields.push(("action".into(), "draft".into()));

    // The session is gone: a browser without cookies sends the same form.
    let later = app.new_browser();
    let expired = send(&later, "/admin/posts/new", &fields).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED, "{}", expired.html);
    assert!(
        expired
            .html
            .contains("Your session expired. Log in again to get your draft back")
    );
    assert_eq!(
        input_value(&expired.html, "draft_body").as_deref(),
        Some(body)
    );
    let count = |app: &TestApp| -> i64 {
        app.with_conn(|conn| {
            posts::table
                .filter(posts::title.eq("Written before lunch"))
                .count()
                .get_result(conn)
                .expect("count")
        })
    };
    assert_eq!(count(&app), 0);

    let mut login = form_fields(&expired.html, "/login");
    login.retain(|(n, _)| n != "login" && n != "password");
    // A mistyped password keeps the draft on the login page.
    let mut mistyped = login.clone();
    mistyped.push(("login".into(), "eve".into()));
    mistyped.push(("password".into(), "not the password".into()));
    let again = send(&later, "/login", &mistyped).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        input_value(&again.html, "draft_body").as_deref(),
        Some(body)
    );
    login.retain(|(n, _)| n != "csrf_token");
    login.push(("csrf_token".into(), csrf_token(&again.html)));
    login.push(("login".into(), "eve".into()));
    login.push(("password".into(), PASSWORD.into()));
    let back = send(&later, "/login", &login).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.html);
    assert!(
        back.html
            .contains("Log-in done: your draft is back below. Save it to keep it.")
    );
    assert_eq!(textarea(&back.html, "body").as_deref(), Some(body));
    assert_eq!(count(&app), 0, "the login saved nothing");

    let mut save = form_fields(&back.html, "/admin/posts/new");
    save.push(("action".into(), "draft".into()));
    let saved = send(&later, "/admin/posts/new", &save).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    assert!(saved.html.contains("Draft saved."));
    assert_eq!(count(&app), 1);
    let (stored_body, ..) = stored(&app, id_in(&saved.path));
    assert_eq!(stored_body, body);

    // A stale token with the login still there: the login page too, nothing saved.
    let id = id_in(&saved.path);
    let mut stale = form_fields(&saved.html, &format!("/admin/posts/{id}"));
    stale.retain(|(n, _)| n != "csrf_token" && n != "body");
    stale.push(("csrf_token".into(), "stale".into()));
    stale.push(("body".into(), "Overwritten?".into()));
    stale.push(("action".into(), "draft".into()));
    let page = send(&later, &format!("/admin/posts/{id}"), &stale).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    let (stored_body, ..) = stored(&app, id);
    assert_eq!(stored_body, body);
    // Every other stale POST is still refused as before.
    let other_form = later
        .submit(
            "/admin/settings",
            &[("csrf_token", "stale"), ("site_title", "x")],
        )
        .await;
    assert_eq!(other_form.status, StatusCode::FORBIDDEN);

    // A draft for someone else's post does not open it.
    let (ada, _) = writer(&app, "ada", Role::Author).await;
    let mut other = form_fields(&expired.html, "/login");
    other.retain(|(n, _)| {
        !matches!(
            n.as_str(),
            "login" | "password" | "draft_for" | "csrf_token"
        )
    });
    let (_, fresh) = ada.page("/login").await;
    other.push(("csrf_token".into(), csrf_token(&fresh)));
    other.push(("draft_for".into(), format!("/admin/posts/{id}")));
    other.push(("login".into(), "ada".into()));
    other.push(("password".into(), PASSWORD.into()));
    let refused = send(&ada, "/login", &other).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

async fn a_featured_media_image_has_a_srcset(app: TestApp) {
    let media_id: i32 = app.with_conn(|conn| {
        diesel::insert_into(media::table)
            .values((
                media::stem.eq("f00d"),
                media::extension.eq("jpg"),
                media::mime.eq("image/jpeg"),
                media::original_name.eq("serum.jpg"),
                media::width.eq(2000),
                media::height.eq(1000),
                media::byte_size.eq(12345_i64),
                media::variant_widths.eq("480,960,1600"),
                media::alt.eq("A serum bottle"),
                media::created_at.eq(glowpress::web::dates::now()),
            ))
            .returning(media::id)
            .get_result(conn)
            .expect("a media row")
    });
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let saved = press(
        &editor,
        "/admin/posts/new",
        &[
            ("title", "Pictured"),
            ("body", "Look."),
            ("featured_media_id", &media_id.to_string()),
            ("caption", "The bottle"),
            ("credit", "Studio"),
        ],
        "publish",
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    let srcset = "srcset=\"/media/f00d-480.jpg 480w, /media/f00d-960.jpg 960w, \
                  /media/f00d-1600.jpg 1600w, /media/f00d.jpg 2000w\"";
    let (_, article) = app.page("/posts/pictured").await;
    assert!(article.contains(srcset), "{article}");
    assert!(article.contains("sizes=\"(min-width: 60rem) 42rem, 100vw\""));
    assert!(article.contains("width=\"2000\" height=\"1000\""));
    assert!(article.contains("alt=\"A serum bottle\""));
    assert!(article.contains("The bottle"));
    let (_, home) = app.page("/").await;
    assert!(home.contains(srcset), "the card too");
    // The demo posts keep their plain images.
    assert!(home.contains("src=\"/static/img/exosome-glow.svg\""));
}

/// The lists, the editor (new, refused, previewed, saved), the revisions diff, a page, and
/// the login page holding a draft pass the Nu checker.
#[actix_web::test]
async fn the_post_and_page_screens_pass_the_nu_html_checker() {
    use crate::html_validity::{assert_valid_html, checker_available};
    if !checker_available() {
        return;
    }
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .expect("an app");
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let mut pages: Vec<(&str, String)> = Vec::new();
    let refused = press(&editor, "/admin/posts/new", &[("body", "x")], "publish").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    pages.push(("editor-refused", refused.html));
    let preview = press(
        &editor,
        "/admin/posts/new",
        &[("title", "Valid"), ("body", "# Hi\n\n**there**")],
        "preview",
    )
    .await;
    pages.push(("editor-preview", preview.html));
    let saved = press(
        &editor,
        "/admin/posts/new",
        &[("title", "Valid"), ("body", "One\nTwo"), ("tags", "a, b")],
        "draft",
    )
    .await;
    let id = id_in(&saved.path);
    let changed = press(
        &editor,
        &format!("/admin/posts/{id}"),
        &[("body", "One\nThree")],
        "publish",
    )
    .await;
    pages.push(("editor-published", changed.html));
    pages.push(("editor-saved", saved.html));
    for (name, path) in [
        ("posts-list", "/admin/posts".to_owned()),
        ("posts-trash", "/admin/posts?status=trash&q=x".to_owned()),
        ("pages-list", "/admin/pages".to_owned()),
        ("page-editor", "/admin/pages/new".to_owned()),
        ("revisions", format!("/admin/posts/{id}/revisions")),
    ] {
        let (status, html) = editor.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        pages.push((name, html));
    }
    let page = press(
        &editor,
        "/admin/pages/new",
        &[("title", "About"), ("body", "Us.")],
        "publish",
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    pages.push(("public-page", app.page("/about").await.1));
    let (_, form) = editor.page("/admin/posts/new").await;
    let mut fields = form_fields(&form, "/admin/posts/new");
    fields.push(("action".into(), "draft".into()));
    let expired = send(&app.new_browser(), "/admin/posts/new", &fields).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    pages.push(("login-with-draft", expired.html));
    let named: Vec<(&str, &str)> = pages.iter().map(|(n, h)| (*n, h.as_str())).collect();
    assert_valid_html(&named);
}

/// An article far longer than other forms accept (here 600 KB percent-encoded) is saved.
#[actix_web::test]
async fn a_long_article_fits_in_the_editor() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .expect("an app");
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let body = "Crème légère. ".repeat(8_000);
    let saved = press(
        &editor,
        "/admin/posts/new",
        &[("title", "Long read"), ("body", &body)],
        "draft",
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.html);
    let (stored_body, ..) = stored(&app, id_in(&saved.path));
    assert_eq!(stored_body, body);
    // Other forms keep their limit.
    let big = "x".repeat(100 * 1024);
    let refused = editor
        .submit("/cart/items", &[("csrf_token", "t"), ("note", &big)])
        .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Nonsense in the editor's addresses and fields: a 4xx, never a 500, and typed text kept.
#[actix_web::test]
async fn bad_input_in_the_editor_is_refused_not_a_server_error() {
    let app = TestApp::spawn(crate::common::Backend::Sqlite)
        .await
        .expect("an app");
    let (editor, _) = writer(&app, "eve", Role::Editor).await;
    let saved = press(
        &editor,
        "/admin/posts/new",
        &[("title", "Target"), ("body", "Body.")],
        "draft",
    )
    .await;
    let id = id_in(&saved.path);
    let path = format!("/admin/posts/{id}");
    let no_button = press(&editor, &path, &[("body", "Kept text")], "").await;
    assert_eq!(no_button.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        textarea(&no_button.html, "body").as_deref(),
        Some("Kept text")
    );
    let bad_version = press(
        &editor,
        &path,
        &[("version", "abc"), ("body", "Kept")],
        "update",
    )
    .await;
    assert_eq!(bad_version.status, StatusCode::BAD_REQUEST);
    assert_eq!(textarea(&bad_version.html, "body").as_deref(), Some("Kept"));
    let bad_tags = press(&editor, &path, &[("tags", "???, ok")], "draft").await;
    assert_eq!(bad_tags.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&bad_tags.html, "tags").is_some());
    let token = csrf_token(&saved.html);
    for target in [
        "/admin/posts/abc",
        "/admin/posts/99999999",
        "/admin/posts/0/trash",
        "/admin/posts/abc/revisions/1/restore",
        "/admin/pages/1",
    ] {
        let page = editor
            .submit(
                target,
                &[("csrf_token", &token), ("title", "x"), ("action", "draft")],
            )
            .await;
        assert!(page.status.is_client_error(), "{target}: {}", page.status);
    }
    for target in [
        "/admin/posts?page=abc",
        "/admin/posts?page=0",
        "/admin/posts?status=nonsense&q=%25_%5C",
        &format!("/admin/posts/{id}/revisions?from=x"),
        &format!("/admin/posts/{id}/revisions?from=1&to=99999"),
        "/admin/posts/99999999999",
    ] {
        let (status, _) = editor.page(target).await;
        assert!(
            status.is_client_error() || status == StatusCode::OK,
            "{target}: {status}"
        );
    }
}
