//! People → Users: the list (search, role filter, pages), role changes, disabling an
//! account (its sessions end, its logins and resets stop) and the reset link an
//! administrator sends.

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::{remember_tokens, session_grants, users};
use reqwest::StatusCode;

use crate::admin_settings::{PASSWORD, admin};
use crate::common::{
    Browser, TestApp, count, csrf_token, field_error, header_user, insert_user, mails, reset_token,
    wait_for_mails,
};
use crate::on_both_backends;

on_both_backends!(
    the_users_list_searches_filters_by_role_and_pages,
    an_admin_changes_roles_but_cannot_demote_or_disable_themselves,
    a_disabled_user_with_an_open_session_is_logged_out_and_cannot_log_in,
    send_password_reset_link_mails_a_link_that_works,
    bad_addresses_and_values_on_the_users_pages_are_refused_not_failures,
);

fn id_of(app: &TestApp, username: &str) -> i32 {
    let name = username.to_owned();
    app.with_conn(|conn| {
        users::table
            .filter(users::username.eq(name))
            .select(users::id)
            .first(conn)
            .expect("the user exists")
    })
}

fn role_of(app: &TestApp, id: i32) -> String {
    app.with_conn(|conn| {
        users::table
            .find(id)
            .select(users::role)
            .first(conn)
            .expect("the user exists")
    })
}

/// Presses the button of the form posting to `action` on `page`.
async fn press(
    browser: &Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> crate::common::Page {
    let (status, html) = browser.page(page).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        html.contains(&format!("action=\"{action}\"")),
        "{page} has no {action}:\n{html}"
    );
    let token = csrf_token(&html);
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    browser.submit(action, &all).await
}

fn rows(html: &str) -> usize {
    count(html, "<a href=\"/admin/users/")
}

async fn the_users_list_searches_filters_by_role_and_pages(app: TestApp) {
    let chief = admin(&app).await;
    app.with_conn(|conn| {
        for n in 0..24 {
            let name = format!("reader_{n:02}");
            insert_user(
                conn,
                &name,
                &format!("{name}@example.com"),
                PASSWORD,
                Role::Subscriber,
            );
        }
        insert_user(
            conn,
            "ana_editor",
            "ana@glow.example",
            PASSWORD,
            Role::Editor,
        );
    });
    // The demo content's authors are accounts too.
    let total: i64 = app.with_conn(|conn| users::table.count().get_result(conn).expect("count"));
    assert!((26..40).contains(&total), "{total}");
    let (status, list) = chief.page("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows(&list), 20, "one page of 20");
    assert!(list.contains(&format!("{total} users")), "{list}");
    assert!(list.contains("Page 1 of 2"));
    assert!(list.contains("href=\"/admin/users?page=2\""));
    assert!(list.contains("ana@glow.example"), "newest first");
    let today = glowpress::web::dates::DateStyle::default().date(glowpress::web::dates::now());
    assert!(
        list.contains(&format!("<td>{today}</td>")),
        "the registered date"
    );
    let (_, second) = chief.page("/admin/users?page=2").await;
    assert_eq!(rows(&second) as i64, total - 20);
    assert!(
        second.contains("chief@example.com"),
        "the oldest is on the last page"
    );

    // Search by name or email, any case; wildcards are literal.
    let (_, found) = chief.page("/admin/users?q=GLOW.EXAMPLE").await;
    assert_eq!(rows(&found), 1, "{found}");
    assert!(found.contains("ana_editor"));
    let (_, found) = chief.page("/admin/users?q=reader_1").await;
    assert_eq!(rows(&found), 10);
    let (_, none) = chief.page("/admin/users?q=%25").await;
    assert_eq!(rows(&none), 0);
    assert!(none.contains("No users match"));

    // Filter by role, with the counts.
    let (_, editors) = chief.page("/admin/users?role=editor").await;
    assert_eq!(rows(&editors), 1);
    assert!(editors.contains("Editor <span class=\"tabs__count\">(1)</span>"));
    assert!(editors.contains("Subscriber <span class=\"tabs__count\">(24)</span>"));
    let (_, admins) = chief.page("/admin/users?role=admin&q=chief").await;
    assert_eq!(rows(&admins), 1);
    let (_, authors) = chief.page("/admin/users?role=author").await;
    assert_eq!(rows(&authors) as i64, total - 26, "the demo's authors");
    assert!(!authors.contains("reader_"));

    // The disabled marker.
    let ana = id_of(&app, "ana_editor");
    let page = format!("/admin/users/{ana}");
    press(&chief, &page, &format!("{page}/disable"), &[]).await;
    let (_, list) = chief.page("/admin/users?q=ana").await;
    assert!(list.contains("class=\"admin-users__disabled\""));
    assert!(list.contains(">Disabled</span>"));
}

async fn an_admin_changes_roles_but_cannot_demote_or_disable_themselves(app: TestApp) {
    let chief = admin(&app).await;
    let chief_id = id_of(&app, "chief");
    let mira = app.with_conn(|conn| {
        insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Subscriber)
    });
    let page = format!("/admin/users/{mira}");
    let changed = press(
        &chief,
        &page,
        &format!("{page}/role"),
        &[("role", "editor")],
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(changed.path, page);
    assert!(
        changed.html.contains("mira is now: Editor."),
        "{}",
        changed.html
    );
    assert_eq!(role_of(&app, mira), "editor");
    // Mira's next request has the new role: the comments queue opens.
    let browser = app.new_browser();
    browser.log_in("mira", PASSWORD).await;
    let (status, _) = browser.page("/admin/comments").await;
    assert_eq!(status, StatusCode::OK);

    let own = format!("/admin/users/{chief_id}");
    let refused = press(&chief, &own, &format!("{own}/role"), &[("role", "editor")]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let message = field_error(&refused.html, "role").expect("a message at the role");
    assert!(
        message.contains("the site must keep an administrator"),
        "{message}"
    );
    assert!(
        refused.html.contains("<option value=\"editor\" selected>"),
        "what was chosen is kept"
    );
    assert_eq!(role_of(&app, chief_id), "admin");
    let (_, own_page) = chief.page(&own).await;
    assert!(
        !own_page.contains(&format!("action=\"{own}/disable\"")),
        "no button to disable oneself"
    );
    let token = csrf_token(&own_page);
    let refused = chief
        .submit(&format!("{own}/disable"), &[("csrf_token", &token)])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.html.contains("You cannot disable your own account"));
    let (status, _) = chief.page("/admin/users").await;
    assert_eq!(status, StatusCode::OK, "still logged in, still an admin");

    // Another administrator may be demoted.
    let other = app
        .with_conn(|conn| insert_user(conn, "deputy", "deputy@example.com", PASSWORD, Role::Admin));
    let page = format!("/admin/users/{other}");
    press(
        &chief,
        &page,
        &format!("{page}/role"),
        &[("role", "author")],
    )
    .await;
    assert_eq!(role_of(&app, other), "author");
}

fn sessions_of(app: &TestApp, id: i32) -> (i64, i64) {
    app.with_conn(|conn| {
        let grants = session_grants::table
            .filter(session_grants::user_id.eq(id))
            .count()
            .get_result(conn)
            .expect("count grants");
        let tokens = remember_tokens::table
            .filter(remember_tokens::user_id.eq(id))
            .count()
            .get_result(conn)
            .expect("count tokens");
        (grants, tokens)
    })
}

async fn log_in_remembered(browser: &Browser, login: &str, password: &str) -> crate::common::Page {
    let (_, form) = browser.page("/login").await;
    browser
        .submit(
            "/login",
            &[
                ("csrf_token", &csrf_token(&form)),
                ("login", login),
                ("password", password),
                ("remember", "1"),
            ],
        )
        .await
}

async fn a_disabled_user_with_an_open_session_is_logged_out_and_cannot_log_in(app: TestApp) {
    let chief = admin(&app).await;
    let mira =
        app.with_conn(|conn| insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Author));
    let laptop = app.new_browser();
    laptop.log_in("mira", PASSWORD).await;
    let phone = app.new_browser();
    log_in_remembered(&phone, "mira", PASSWORD).await;
    for browser in [&laptop, &phone] {
        let (_, home) = browser.page("/").await;
        assert_eq!(header_user(&home).as_deref(), Some("mira"));
    }
    assert_eq!(sessions_of(&app, mira), (2, 1));

    let page = format!("/admin/users/{mira}");
    let done = press(&chief, &page, &format!("{page}/disable"), &[]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.html.contains("account is disabled"), "{}", done.html);
    assert!(done.html.contains("Enable account"));
    assert_eq!(
        sessions_of(&app, mira),
        (0, 0),
        "every session and remember-me token ends"
    );

    // The open sessions are logged out on their next request, remember-me cookie or not.
    for browser in [&laptop, &phone] {
        let (_, home) = browser.page("/").await;
        assert_eq!(header_user(&home), None, "{home}");
        let login = browser.visit("/account").await;
        assert!(login.path.starts_with("/login"), "{}", login.path);
    }

    // The right password learns the account is disabled; a wrong one learns nothing more.
    let stranger = app.new_browser();
    let refused = stranger.log_in("mira", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.html.contains("This account is disabled."));
    assert_eq!(header_user(&refused.html), None);
    let wrong = stranger.log_in("mira", "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(!wrong.html.contains("disabled"), "{}", wrong.html);
    assert!(
        wrong
            .html
            .contains("The username, email address or password is not right.")
    );
    let remembered = log_in_remembered(&app.new_browser(), "mira@example.com", PASSWORD).await;
    assert_eq!(remembered.status, StatusCode::FORBIDDEN);
    assert_eq!(sessions_of(&app, mira), (0, 0));

    // Its reset requests send nothing (and say what they say to anyone).
    let (_, form) = stranger.page("/forgot-password").await;
    let asked = stranger
        .submit(
            "/forgot-password",
            &[("csrf_token", &csrf_token(&form)), ("login", "mira")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked
            .html
            .contains("If an account uses that username or email address")
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        mails(&app).await.is_empty(),
        "no reset link for a disabled account"
    );
    let (_, user_page) = chief.page(&page).await;
    assert!(!user_page.contains(&format!("action=\"{page}/reset\"")));
    let refused = chief
        .submit(
            &format!("{page}/reset"),
            &[("csrf_token", &csrf_token(&user_page))],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(mails(&app).await.is_empty());

    // Enabled again, the account logs in.
    press(&chief, &page, &format!("{page}/enable"), &[]).await;
    let back = app.new_browser().log_in("mira", PASSWORD).await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(header_user(&back.html).as_deref(), Some("mira"));
}

async fn send_password_reset_link_mails_a_link_that_works(app: TestApp) {
    let chief = admin(&app).await;
    let mira = app.with_conn(|conn| {
        insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Subscriber)
    });
    let page = format!("/admin/users/{mira}");
    let sent = press(&chief, &page, &format!("{page}/reset"), &[]).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(sent.path, page);
    assert!(
        sent.html
            .contains("A password reset link was sent to mira@example.com.")
    );
    let mails = wait_for_mails(&app, 1).await;
    let (_, mail) = &mails[0];
    assert!(mail.contains("To: mira@example.com"), "{mail}");
    let token = reset_token(mail);

    let reader = app.new_browser();
    let (status, form) = reader.page(&format!("/reset-password?token={token}")).await;
    assert_eq!(status, StatusCode::OK);
    let new_password = "quiet harbour lights";
    let done = reader
        .submit(
            "/reset-password",
            &[
                ("csrf_token", &csrf_token(&form)),
                ("token", &token),
                ("password", new_password),
                ("password_again", new_password),
            ],
        )
        .await;
    assert_eq!(done.path, "/login");
    assert!(done.html.contains("Your password has been changed."));
    let old = app.new_browser().log_in("mira", PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = reader.log_in("mira", new_password).await;
    assert_eq!(header_user(&new.html).as_deref(), Some("mira"));
}

async fn bad_addresses_and_values_on_the_users_pages_are_refused_not_failures(app: TestApp) {
    let chief = admin(&app).await;
    let mira = app.with_conn(|conn| {
        insert_user(conn, "mira", "mira@example.com", PASSWORD, Role::Subscriber)
    });
    for path in [
        "/admin/users/abc",
        "/admin/users/999999",
        "/admin/users/99999999999999",
    ] {
        let (status, _) = chief.page(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    for query in [
        "?page=-4",
        "?page=abc",
        "?role=root",
        "?q=%00%27%22",
        "?page=999999999",
    ] {
        let (status, _) = chief.page(&format!("/admin/users{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
    }
    let long = "x".repeat(5000);
    let (status, _) = chief.page(&format!("/admin/users?q={long}")).await;
    assert_eq!(status, StatusCode::OK);
    let page = format!("/admin/users/{mira}");
    let refused = press(&chief, &page, &format!("{page}/role"), &[("role", "root")]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&refused.html, "role").as_deref(),
        Some("Choose one of the roles listed.")
    );
    assert_eq!(role_of(&app, mira), "subscriber");
    let (_, html) = chief.page(&page).await;
    let missing = chief
        .submit(
            "/admin/users/424242/disable",
            &[("csrf_token", &csrf_token(&html))],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // Without the CSRF token nothing changes.
    let forged = chief
        .submit(&format!("{page}/role"), &[("role", "admin")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(role_of(&app, mira), "subscriber");
}
