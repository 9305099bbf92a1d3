//! Reader accounts, spoken to like a browser: every POST carries the CSRF token read from
//! the page's form, cookies are kept and redirects followed.

use std::time::Duration;

use diesel::prelude::*;
use glowpress::accounts::users::Role;
use glowpress::db::schema::users;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, REFERER, SET_COOKIE};

use crate::common::{
    Backend, Browser, Page, Site, TestApp, count, csrf_token, field_error, header_site_title,
    header_user, header_user_with_cookie, input_value, insert_admin, insert_user, mails, redis_url,
    reset_token, skip_without_redis, unescape_html, wait_for_mails, wait_until_logged_out,
};
use crate::on_both_backends;

const PASSWORD: &str = "velvet lantern orbit";
const NEW_PASSWORD: &str = "copper meadow violin";
/// On `src/accounts/common-passwords.txt`, and long enough to pass the length rule.
const COMMON_PASSWORD: &str = "password123";
const SEED_POST: &str = "/posts/exosome-therapy-skin-rejuvenation";
/// The demo's site title: pages showing it are rendered in the real site layout.
const SITE_TITLE: &str = "The Glow Edit";
const BAD_CREDENTIALS: &str =
    "The username, email address or password is not right. Check them and try again.";

on_both_backends!(
    logging_out_revokes_a_copied_session_cookie_on_the_server,
    a_burst_of_parallel_guesses_gets_no_more_than_five_tries,
    registering_logs_the_new_reader_in_and_stores_an_argon2id_hash,
    logging_out_ends_the_session_and_the_account_page_asks_to_log_in,
    readers_log_in_by_username_or_email_in_any_case_and_come_back_where_they_were,
    only_local_redirect_targets_are_followed_after_logging_in,
    a_wrong_password_and_an_unknown_account_get_the_same_401_answer,
    after_five_quick_failures_an_account_is_paused_even_for_the_right_password,
    forms_without_the_sessions_csrf_token_are_refused_and_change_nothing,
    forms_with_a_wrong_csrf_token_are_refused_and_change_nothing,
    forms_sent_from_another_site_are_refused_but_same_site_referers_pass,
    registration_refuses_bad_fields_next_to_them_keeping_names_but_never_passwords,
    an_over_long_username_gets_a_400_page_not_a_500,
    a_form_body_over_64_kb_gets_a_413_page,
    form_bytes_that_are_not_utf8_get_a_4xx_answer_not_a_500,
    with_registration_off_nobody_can_register,
    with_registration_off_an_admin_is_offered_to_turn_it_on,
    asking_for_a_reset_link_answers_alike_whether_or_not_the_account_exists,
    a_reset_link_by_email_sets_a_new_password_once,
    a_session_survives_a_server_restart,
    remember_me_logs_a_reader_back_in_without_the_session_cookie,
    the_session_cookie_is_http_only_same_site_lax_and_ends_with_the_browser,
    only_administrators_reach_the_general_settings,
    an_administrator_changes_the_site_title_and_the_home_page_shows_it,
    invalid_settings_are_refused_with_the_message_and_the_typed_values_kept,
    a_reader_changes_the_display_name_shown_in_the_header,
    changing_the_email_needs_the_current_password_and_keeps_what_was_typed,
    changing_the_password_logs_out_every_other_browser,
    the_setup_link_creates_the_first_administrator_once,
);

fn logged_in_as(name: &str) -> String {
    format!("Logged in as <a href=\"/account\">{name}</a>")
}

fn user_count(app: &TestApp) -> i64 {
    app.with_conn(|conn| users::table.count().get_result(conn).unwrap())
}

fn username_exists(app: &TestApp, username: &str) -> bool {
    let found: i64 = app.with_conn(|conn| {
        users::table
            .filter(users::username.eq(username))
            .count()
            .get_result(conn)
            .unwrap()
    });
    found > 0
}

fn display_name_of(app: &TestApp, username: &str) -> String {
    app.with_conn(|conn| {
        users::table
            .filter(users::username.eq(username))
            .select(users::display_name)
            .first(conn)
            .unwrap()
    })
}

fn add_reader(app: &TestApp, username: &str, email: &str) -> i32 {
    app.add_subscriber(username, email, PASSWORD)
}

/// The alert paragraph of a refused form.
fn form_error(html: &str) -> Option<&str> {
    let start = "<p class=\"form-error\" role=\"alert\">";
    let rest = &html[html.find(start)? + start.len()..];
    Some(&rest[..rest.find("</p>")?])
}

/// Whether the browser's GET /account ends on the login page (it is not logged in).
async fn is_logged_out(browser: &Browser) -> bool {
    browser.visit("/account").await.path == "/login?redirect_to=%2Faccount"
}

/// Submits the login form with the given fields added to the token.
async fn submit_login(browser: &Browser, fields: &[(&str, &str)]) -> Page {
    let (_, form) = browser.page("/login").await;
    let token = csrf_token(&form);
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    browser.submit("/login", &all).await
}

async fn submit_owned(browser: &Browser, path: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.submit(path, &pairs).await
}

/// The `Set-Cookie` header of `response` for the cookie `name`.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap();
    pair.split_once('=').unwrap().1.to_owned()
}

/// A client without a cookie store or redirects, sending exactly the cookie given.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

// 1. Registration.

async fn registering_logs_the_new_reader_in_and_stores_an_argon2id_hash(app: TestApp) {
    let browser = app.browser();
    let (status, form) = browser.page("/register").await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf_token(&form);
    let response = browser
        .no_redirects()
        .post(app.url("/register"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("redirect_to", ""),
            ("username", "reader_one"),
            ("email", "reader.one@example.com"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/account");

    let account = app.visit("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.path, "/account");
    assert!(
        account
            .html
            .contains("Welcome, reader_one! Your account is ready.")
    );
    let (_, home) = app.page("/").await;
    assert!(home.contains(&logged_in_as("reader_one")), "{home}");
    assert!(!home.contains("<a href=\"/login\">Log in</a>"));

    let (hash, email, role): (Option<String>, String, String) = app.with_conn(|conn| {
        users::table
            .filter(users::username.eq("reader_one"))
            .select((users::password_hash, users::email, users::role))
            .first(conn)
            .unwrap()
    });
    let hash = hash.expect("a password hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    assert_eq!(email, "reader.one@example.com");
    assert_eq!(role, "subscriber", "the default role");
}

// 2. Logging out.

async fn logging_out_ends_the_session_and_the_account_page_asks_to_log_in(app: TestApp) {
    let registered = app
        .register("reader_two", "reader.two@example.com", PASSWORD)
        .await;
    assert_eq!(registered.path, "/account");
    let (_, home) = app.page("/").await;
    assert!(home.contains(&logged_in_as("reader_two")));
    let logout_form = &home[home.find("action=\"/logout\"").expect("a logout form")..];
    let token = csrf_token(logout_form);

    let after = app.submit("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.path, "/");
    assert!(after.html.contains("<a href=\"/login\">Log in</a>"));
    assert!(!after.html.contains("Logged in as"));

    let response = app
        .browser()
        .no_redirects()
        .get(app.url("/account"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/login?redirect_to=%2Faccount"
    );
    let account = app.visit("/account").await;
    assert_eq!(account.path, "/login?redirect_to=%2Faccount");
    assert!(account.html.contains("<h1>Log in</h1>"));
}

// 3. Logging in.

async fn readers_log_in_by_username_or_email_in_any_case_and_come_back_where_they_were(
    app: TestApp,
) {
    add_reader(&app, "Mira_Lune", "mira@example.com");
    for login in [
        "Mira_Lune",
        "mira_lune",
        "mira@example.com",
        "MIRA@Example.COM",
    ] {
        let page = app.log_in(login, PASSWORD).await;
        assert_eq!(page.status, StatusCode::OK, "{login}");
        assert_eq!(page.path, "/", "{login}");
        assert!(page.html.contains(&logged_in_as("Mira_Lune")), "{login}");
        assert!(page.html.contains("Welcome back, Mira_Lune."), "{login}");
        app.log_out().await;
        assert!(is_logged_out(&app.browser()).await, "{login}");
    }

    let (_, form) = app.page(&format!("/login?redirect_to={SEED_POST}")).await;
    assert_eq!(
        input_value(&form, "redirect_to").as_deref(),
        Some(SEED_POST)
    );
    let page = app
        .submit(
            "/login",
            &[
                ("csrf_token", &csrf_token(&form)),
                ("redirect_to", &input_value(&form, "redirect_to").unwrap()),
                ("login", "mira_lune"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.path, SEED_POST);
    assert!(page.html.contains(&logged_in_as("Mira_Lune")));
}

async fn only_local_redirect_targets_are_followed_after_logging_in(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    for target in [
        "https://evil.example",
        "//evil.example",
        "https://evil.example/account",
        "/\\evil.example",
    ] {
        let query: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
        let (_, form) = app.page(&format!("/login?redirect_to={query}")).await;
        assert_eq!(
            input_value(&form, "redirect_to").as_deref(),
            Some(""),
            "the form does not carry {target}"
        );
        // Also when the form is tampered with.
        let page = submit_login(
            &app.browser(),
            &[
                ("redirect_to", target),
                ("login", "mira_lune"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{target}");
        assert!(page.html.contains(&logged_in_as("mira_lune")), "{target}");
        assert_eq!(page.path, "/", "{target}");
        app.log_out().await;
    }
}

// 4. Failed logins.

async fn a_wrong_password_and_an_unknown_account_get_the_same_401_answer(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let wrong = submit_login(
        &app.browser(),
        &[
            ("redirect_to", ""),
            ("login", "mira_lune"),
            ("password", "not the password"),
        ],
    )
    .await;
    let unknown = submit_login(
        &app.browser(),
        &[
            ("redirect_to", ""),
            ("login", "nobody_here@example.com"),
            ("password", "not the password"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(wrong.path, "/login");
    assert_eq!(form_error(&wrong.html), Some(BAD_CREDENTIALS));
    assert_eq!(form_error(&unknown.html), form_error(&wrong.html));

    assert_eq!(
        input_value(&wrong.html, "login").as_deref(),
        Some("mira_lune")
    );
    assert_eq!(
        input_value(&unknown.html, "login").as_deref(),
        Some("nobody_here@example.com")
    );
    for page in [&wrong, &unknown] {
        assert_eq!(input_value(&page.html, "password").as_deref(), Some(""));
        assert!(!page.html.contains("not the password"));
        assert!(!page.html.contains("Logged in as"));
    }
    assert!(is_logged_out(&app.browser()).await);
}

// 5. Throttling.

async fn after_five_quick_failures_an_account_is_paused_even_for_the_right_password(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    for attempt in 1..=5 {
        let page = submit_login(
            &app.browser(),
            &[("login", "mira_lune"), ("password", "guess number one")],
        )
        .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let sixth = submit_login(
        &app.browser(),
        &[("login", "mira_lune"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(sixth.html.contains(SITE_TITLE), "in the site layout");
    let waits = ["in 15 minutes", "in 14 minutes"];
    assert!(
        waits.iter().any(|wait| sixth.html.contains(wait)),
        "the page says when to try again: {}",
        sixth.html
    );
    assert!(!sixth.html.contains("Logged in as"));
    assert!(is_logged_out(&app.browser()).await);
}

// 6. CSRF.

/// POSTs to the four forms without a token (`None`) or with the given one; each is refused
/// with the "expired form" page and changes nothing.
async fn post_each_form_with_token(app: &TestApp, token: Option<&str>) {
    let with_token = |fields: &[(&'static str, &'static str)]| -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Some(token) = token {
            all.insert(0, ("csrf_token".to_owned(), token.to_owned()));
        }
        all
    };
    let refused = |what: &str, page: &Page| {
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}");
        assert!(
            page.html.contains("This form has expired"),
            "{what}: {}",
            page.html
        );
        assert!(
            page.html.contains(SITE_TITLE),
            "{what} is in the site layout"
        );
    };
    let browser = app.browser();
    let post = |path: &'static str, fields: Vec<(String, String)>| {
        let browser = browser.clone();
        async move { submit_owned(&browser, path, &fields).await }
    };

    // A guest with a session (the login page gave it a token).
    app.page("/login").await;
    let login = post(
        "/login",
        with_token(&[("login", "mira_lune"), ("password", PASSWORD)]),
    )
    .await;
    refused("login", &login);
    assert!(is_logged_out(&app.browser()).await, "not logged in");

    let register = post(
        "/register",
        with_token(&[
            ("username", "sneaky_one"),
            ("email", "sneaky@example.com"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ]),
    )
    .await;
    refused("register", &register);
    assert!(!username_exists(app, "sneaky_one"), "no account created");

    // A logged-in reader.
    let page = app.log_in("mira_lune", PASSWORD).await;
    assert!(page.html.contains(&logged_in_as("mira_lune")));
    let logout = post("/logout", with_token(&[])).await;
    refused("logout", &logout);
    assert_eq!(app.visit("/account").await.status, StatusCode::OK);
    assert!(!is_logged_out(&app.browser()).await, "still logged in");

    let profile = post(
        "/account/profile",
        with_token(&[("display_name", "Hijacked")]),
    )
    .await;
    refused("profile", &profile);
    assert_eq!(display_name_of(app, "mira_lune"), "mira_lune");

    // With the token, logging out works (and leaves the stage as it was).
    app.log_out().await;
    assert!(is_logged_out(&app.browser()).await);
}

async fn forms_without_the_sessions_csrf_token_are_refused_and_change_nothing(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    post_each_form_with_token(&app, None).await;
}

async fn forms_with_a_wrong_csrf_token_are_refused_and_change_nothing(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    post_each_form_with_token(&app, Some(&"0".repeat(64))).await;
    // Another session's real token is just as wrong.
    let other = app.new_browser();
    let (_, form) = other.page("/login").await;
    post_each_form_with_token(&app, Some(&csrf_token(&form))).await;
}

async fn forms_sent_from_another_site_are_refused_but_same_site_referers_pass(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    app.log_in("mira_lune", PASSWORD).await;
    let (_, account) = app.page("/account").await;
    let token = csrf_token(&account);
    let fields = [
        ("csrf_token", token.as_str()),
        ("display_name", "Renamed From Afar"),
    ];
    let client = app.browser().no_redirects();

    for (header, value) in [
        (ORIGIN, "https://evil.example"),
        (ORIGIN, "null"),
        (REFERER, "https://evil.example/account"),
        (REFERER, "http://127.0.0.1.evil.example/account"),
    ] {
        let response = client
            .post(app.url("/account/profile"))
            .header(header.clone(), value)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("This form has expired"), "{header}: {value}");
    }
    assert_eq!(display_name_of(&app, "mira_lune"), "mira_lune");

    for (header, value, name) in [
        (REFERER, app.url("/account"), "Renamed Here"),
        (ORIGIN, app.base.clone(), "Renamed Again"),
    ] {
        let response = client
            .post(app.url("/account/profile"))
            .header(header.clone(), value.as_str())
            .form(&[("csrf_token", token.as_str()), ("display_name", name)])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{header}: {value}"
        );
        assert_eq!(display_name_of(&app, "mira_lune"), name);
    }
}

// 7. Refused registrations.

async fn registration_refuses_bad_fields_next_to_them_keeping_names_but_never_passwords(
    app: TestApp,
) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let before = user_count(&app);
    let cases = [
        // (username, email, password, again, field, message)
        (
            "MIRA_LUNE",
            "another@example.com",
            PASSWORD,
            PASSWORD,
            "username",
            "That username is taken; please choose another.",
        ),
        (
            "new_reader",
            "MIRA@example.com",
            PASSWORD,
            PASSWORD,
            "email",
            "That email address already has an account. Log in, or reset your password.",
        ),
        (
            "new_reader",
            "new.reader.at.example.com",
            PASSWORD,
            PASSWORD,
            "email",
            "That does not look like an email address (name@example.com).",
        ),
        (
            "new_reader",
            "new@example.com",
            "tqz7mwk",
            "tqz7mwk",
            "password",
            "Use at least 8 characters.",
        ),
        (
            "new_reader",
            "new@example.com",
            COMMON_PASSWORD,
            COMMON_PASSWORD,
            "password",
            "That password is on a list of common passwords; choose something less guessable, \
             such as a few unrelated words.",
        ),
        (
            "new_reader",
            "new@example.com",
            PASSWORD,
            "velvet lantern orbiT",
            "password_again",
            "The two passwords do not match.",
        ),
    ];
    let (_, mut form) = app.page("/register").await;
    for (username, email, password, again, field, message) in cases {
        let page = app
            .submit(
                "/register",
                &[
                    ("csrf_token", &csrf_token(&form)),
                    ("redirect_to", ""),
                    ("username", username),
                    ("email", email),
                    ("password", password),
                    ("password_again", again),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{field}: {message}");
        assert_eq!(page.path, "/register");
        assert_eq!(
            field_error(&page.html, field).as_deref(),
            Some(message),
            "the message is next to {field}"
        );
        assert_eq!(
            input_value(&page.html, "username").as_deref(),
            Some(username)
        );
        assert_eq!(input_value(&page.html, "email").as_deref(), Some(email));
        assert_eq!(input_value(&page.html, "password").as_deref(), Some(""));
        assert_eq!(
            input_value(&page.html, "password_again").as_deref(),
            Some("")
        );
        assert!(!page.html.contains(password), "{password} is not echoed");
        assert!(!page.html.contains(again), "{again} is not echoed");
        assert!(!page.html.contains("Logged in as"));
        form = page.html;
    }
    assert_eq!(user_count(&app), before, "no account was created");
}

async fn an_over_long_username_gets_a_400_page_not_a_500(app: TestApp) {
    let long = "a".repeat(300);
    let page = app.register(&long, "long@example.com", PASSWORD).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&page.html, "username").as_deref(),
        Some("Use at most 60 characters for the username.")
    );
    assert!(!username_exists(&app, &long));

    let long_password = "x".repeat(300);
    let page = app
        .register("long_pass", "long@example.com", &long_password)
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&page.html, "password").as_deref(),
        Some("Use at most 256 characters.")
    );
    assert!(!page.html.contains(&long_password));
    assert!(!username_exists(&app, "long_pass"));

    let long_login = "b".repeat(300);
    let page = submit_login(
        &app.browser(),
        &[("login", &long_login), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

async fn a_form_body_over_64_kb_gets_a_413_page(app: TestApp) {
    let before = user_count(&app);
    let (_, form) = app.page("/register").await;
    let token = csrf_token(&form);
    let comment = "x".repeat(70 * 1024);
    let page = app
        .submit(
            "/register",
            &[
                ("csrf_token", &token),
                ("username", "big_body"),
                ("email", "big@example.com"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
                ("padding", &comment),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.html.contains("<h1>"), "an HTML page: {}", page.html);
    assert!(page.html.contains(SITE_TITLE), "in the site layout");
    assert_eq!(user_count(&app), before);

    // Just under the limit is read (and refused for its fields, not its size).
    let padding = "x".repeat(60 * 1024);
    let page = app
        .submit(
            "/register",
            &[
                ("csrf_token", &token),
                ("username", "big_body"),
                ("email", "big@example.com"),
                ("password", PASSWORD),
                ("password_again", "something else"),
                ("padding", &padding),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

async fn form_bytes_that_are_not_utf8_get_a_4xx_answer_not_a_500(app: TestApp) {
    let before = user_count(&app);
    let (_, form) = app.page("/register").await;
    let token = csrf_token(&form);
    let pass: String = form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect();
    let bodies: Vec<Vec<u8>> = vec![
        format!(
            "csrf_token={token}&username=%FF%FE&email=a%FF%40example.com\
             &password={pass}&password_again={pass}"
        )
        .into_bytes(),
        [
            format!("csrf_token={token}&username=").as_bytes(),
            b"\xff\xfe\xc3",
            format!("&email=raw@example.com&password={pass}&password_again={pass}").as_bytes(),
        ]
        .concat(),
        format!("csrf_token={token}&%FF%FE=%C3&username=ok_name%C3").into_bytes(),
    ];
    for (i, body) in bodies.into_iter().enumerate() {
        for path in ["/register", "/login", "/forgot-password"] {
            let page = app.browser().post_body(path, body.clone()).await;
            assert!(
                page.status.is_client_error(),
                "body {i} to {path}: {}",
                page.status
            );
        }
    }
    assert_eq!(user_count(&app), before, "no account was created");
}

// 8. Registration off.

async fn with_registration_off_nobody_can_register(app: TestApp) {
    app.with_conn(|conn| glowpress::settings::set(conn, "users_can_register", "0").unwrap());
    let before = user_count(&app);
    let (_, home) = app.page("/").await;
    assert!(home.contains("<a href=\"/login\">Log in</a>"));
    assert!(!home.contains("href=\"/register\""), "no Register link");

    let (status, page) = app.page("/register").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("User registration is currently not allowed."));
    assert!(!page.contains("action=\"/register\""), "no form");
    assert!(!page.contains("Enable registration"), "only for admins");

    let (_, login) = app.page("/login").await;
    assert!(!login.contains("href=\"/register\""));
    let token = csrf_token(&login);
    let (status, refused) = app
        .post_form(
            "/register",
            &[
                ("csrf_token", &token),
                ("redirect_to", ""),
                ("username", "uninvited"),
                ("email", "uninvited@example.com"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(refused.contains("User registration is currently not allowed."));
    assert!(!username_exists(&app, "uninvited"));
    assert_eq!(user_count(&app), before);
    assert!(is_logged_out(&app.browser()).await);
}

async fn with_registration_off_an_admin_is_offered_to_turn_it_on(app: TestApp) {
    app.with_conn(|conn| {
        glowpress::settings::set(conn, "users_can_register", "0").unwrap();
        insert_admin(conn, "chief", "chief@example.com", PASSWORD);
    });
    let page = app.log_in("chief", PASSWORD).await;
    assert!(page.html.contains(&logged_in_as("chief")));
    let link = "<a class=\"account-links__hint\" href=\"/admin/settings#users_can_register\">\
                Enable registration in Settings → General</a>";
    let (_, home) = app.page("/").await;
    assert!(home.contains(link), "{home}");
    let (status, register) = app.page("/register").await;
    assert_eq!(status, StatusCode::OK);
    assert!(register.contains("User registration is currently not allowed."));
    assert!(register.contains(
        "<a href=\"/admin/settings#users_can_register\">Enable registration in Settings → General</a>"
    ));
    let settings = app.visit("/admin/settings#users_can_register").await;
    assert_eq!(settings.status, StatusCode::OK);
    assert!(settings.html.contains("id=\"users_can_register\""));

    // With registration on, the hint is gone.
    app.with_conn(|conn| glowpress::settings::set(conn, "users_can_register", "1").unwrap());
    let (_, home) = app.page("/").await;
    assert!(!home.contains("Enable registration"));
}

// 9. Password reset.

const RESET_SENT: &str = "If an account uses that username or email address";

async fn ask_for_reset(app: &TestApp, login: &str) -> Page {
    let (status, form) = app.page("/forgot-password").await;
    assert_eq!(status, StatusCode::OK);
    app.submit(
        "/forgot-password",
        &[("csrf_token", &csrf_token(&form)), ("login", login)],
    )
    .await
}

async fn asking_for_a_reset_link_answers_alike_whether_or_not_the_account_exists(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let unknown = ask_for_reset(&app, "nobody@example.com").await;
    let known = ask_for_reset(&app, "mira@example.com").await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, known.status);
    assert!(known.html.contains(RESET_SENT));
    assert!(unknown.html.contains(RESET_SENT));

    let sent = wait_for_mails(&app, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent_later = mails(&app).await;
    assert_eq!(sent_later.len(), 1, "no mail for the unknown address");
    let mail = &sent[0].1;
    assert!(sent[0].0.ends_with(".eml"));
    assert!(mail.contains("mira@example.com"), "{mail}");
    assert!(!mail.contains("nobody@example.com"));
    assert!(
        mail.contains(&format!("{}/reset-password?token=", app.base)),
        "{mail}"
    );
    reset_token(mail);
}

async fn a_reset_link_by_email_sets_a_new_password_once(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let asked = ask_for_reset(&app, "Mira_Lune").await;
    assert!(asked.html.contains(RESET_SENT));
    let sent = wait_for_mails(&app, 1).await;
    let token = reset_token(&sent[0].1);
    let link = format!("/reset-password?token={token}");

    let form = app.visit(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(input_value(&form.html, "token").as_deref(), Some(&*token));
    assert!(form.html.contains("name=\"password_again\""));

    // A refused new password keeps the link usable.
    let refused = app
        .submit(
            "/reset-password",
            &[
                ("csrf_token", &csrf_token(&form.html)),
                ("token", &token),
                ("password", "tqz7mwk"),
                ("password_again", "tqz7mwk"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_error(&refused.html, "password").as_deref(),
        Some("Use at least 8 characters.")
    );

    let done = app
        .submit(
            "/reset-password",
            &[
                ("csrf_token", &csrf_token(&refused.html)),
                ("token", &token),
                ("password", NEW_PASSWORD),
                ("password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.path, "/login");
    assert!(
        done.html
            .contains("Your password has been changed. Log in with your new password.")
    );

    let old = app.log_in("mira_lune", PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app.log_in("mira_lune", NEW_PASSWORD).await;
    assert_eq!(new.path, "/");
    assert!(new.html.contains(&logged_in_as("mira_lune")));

    let again = app.visit(&link).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(
        again
            .html
            .contains("This link has expired or has already been used.")
    );
    assert!(!again.html.contains(&token), "a used token is not echoed");
    let (_, home) = app.page("/").await;
    let replay = app
        .submit(
            "/reset-password",
            &[
                ("csrf_token", &csrf_token(&home)),
                ("token", &token),
                ("password", "a third passphrase"),
                ("password_again", "a third passphrase"),
            ],
        )
        .await;
    assert_eq!(replay.status, StatusCode::GONE);
    assert!(
        replay
            .html
            .contains("This link has expired or has already been used.")
    );
    app.log_out().await;
    let third = app.log_in("mira_lune", "a third passphrase").await;
    assert_eq!(third.status, StatusCode::UNAUTHORIZED, "nothing changed");
    let still = app.log_in("mira_lune", NEW_PASSWORD).await;
    assert!(still.html.contains(&logged_in_as("mira_lune")));

    for bad in ["", "nonsense", &"0".repeat(64), "../../etc/passwd"] {
        let query: String = form_urlencoded::byte_serialize(bad.as_bytes()).collect();
        let (status, html) = app.page(&format!("/reset-password?token={query}")).await;
        assert_eq!(status, StatusCode::GONE, "{bad:?}");
        assert!(html.contains("This link has expired or has already been used."));
    }
}

// 10, 11. Sessions and cookies.

async fn a_session_survives_a_server_restart(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let page = app.log_in("mira_lune", PASSWORD).await;
    assert!(page.html.contains(&logged_in_as("mira_lune")));
    let browser = app.browser();

    let site = app.stop().await;
    let mut app = site.start().await;
    app.use_browser(&browser);
    let account = app.visit("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.path, "/account");
    assert!(account.html.contains("<strong>mira_lune</strong>"));
    assert!(account.html.contains(&logged_in_as("mira_lune")));

    // The restarted app also accepts the session's forms.
    let (_, home) = app.page("/").await;
    let out = app
        .submit("/logout", &[("csrf_token", &csrf_token(&home))])
        .await;
    assert!(out.html.contains("<a href=\"/login\">Log in</a>"));
}

async fn remember_me_logs_a_reader_back_in_without_the_session_cookie(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let browser = app.browser();
    let (_, form) = browser.page("/login").await;
    let response = browser
        .no_redirects()
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", csrf_token(&form).as_str()),
            ("redirect_to", ""),
            ("login", "mira_lune"),
            ("password", PASSWORD),
            ("remember", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let remember = set_cookie(&response, "glowpress_remember").expect("a remember-me cookie");
    let lower = remember.to_ascii_lowercase();
    assert!(lower.contains("max-age="), "{remember}");
    assert!(lower.contains("httponly"), "{remember}");
    let token = cookie_value(&remember);
    assert_eq!(token.len(), 64);

    // A new browser session: only the remember-me cookie is left.
    let response = bare_client()
        .get(app.url("/account"))
        .header(COOKIE, format!("glowpress_remember={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        set_cookie(&response, "glowpress_session").is_some(),
        "a new session begins"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains(&logged_in_as("mira_lune")));

    // A login without "Remember me" sets no such cookie.
    let other = app.new_browser();
    let (_, form) = other.page("/login").await;
    let response = other
        .no_redirects()
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", csrf_token(&form).as_str()),
            ("login", "mira_lune"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&response, "glowpress_remember").is_none());

    // Logging out forgets the token.
    let out = app.log_out().await;
    assert!(out.html.contains("<a href=\"/login\">Log in</a>"));
    let response = bare_client()
        .get(app.url("/account"))
        .header(COOKIE, format!("glowpress_remember={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

async fn the_session_cookie_is_http_only_same_site_lax_and_ends_with_the_browser(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let browser = app.browser();
    let (_, form) = browser.page("/login").await;
    let response = browser
        .no_redirects()
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", csrf_token(&form).as_str()),
            ("login", "mira_lune"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&response, "glowpress_session").expect("a session cookie");
    let attributes: Vec<String> = cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.iter().any(|a| a == "httponly"), "{cookie}");
    assert!(attributes.iter().any(|a| a == "samesite=lax"), "{cookie}");
    assert!(attributes.iter().any(|a| a == "path=/"), "{cookie}");
    assert!(
        !attributes
            .iter()
            .any(|a| a.starts_with("max-age") || a.starts_with("expires")),
        "a browser-session cookie: {cookie}"
    );
    assert!(
        !attributes.iter().any(|a| a == "secure"),
        "plain http here: {cookie}"
    );
    assert!(!cookie.contains("mira_lune"), "the content is private");
}

// 12. Roles and settings.

/// The settings form as a browser would send it, with `changes` applied.
fn settings_fields(html: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = vec![("csrf_token".to_owned(), csrf_token(html))];
    for name in ["site_title", "tagline"] {
        fields.push((name.to_owned(), input_value(html, name).unwrap()));
    }
    if html.contains("name=\"users_can_register\" value=\"1\" checked") {
        fields.push(("users_can_register".to_owned(), "1".to_owned()));
    }
    let selected = html
        .split("<option value=\"")
        .skip(1)
        .find(|option| option.split('>').next().unwrap().contains("selected"))
        .map(|option| option.split('"').next().unwrap().to_owned())
        .expect("a selected role");
    fields.push(("default_role".to_owned(), selected));
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = (*value).to_owned(),
            None => fields.push(((*name).to_owned(), (*value).to_owned())),
        }
    }
    fields
}

async fn submit_settings(app: &TestApp, changes: &[(&str, &str)]) -> Page {
    let (status, form) = app.page("/admin/settings").await;
    assert_eq!(status, StatusCode::OK);
    let fields = settings_fields(&form, changes);
    submit_owned(&app.browser(), "/admin/settings", &fields).await
}

async fn only_administrators_reach_the_general_settings(app: TestApp) {
    app.with_conn(|conn| {
        insert_admin(conn, "chief", "chief@example.com", PASSWORD);
        insert_user(
            conn,
            "sub_reader",
            "sub@example.com",
            PASSWORD,
            Role::Subscriber,
        );
        insert_user(conn, "an_editor", "ed@example.com", PASSWORD, Role::Editor);
    });

    let guest = app.new_browser();
    let response = guest
        .no_redirects()
        .get(app.url("/admin/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "/login?redirect_to=%2Fadmin%2Fsettings"
    );

    // The admin logs in from there and lands on the settings.
    let login = guest.visit("/admin/settings").await;
    assert_eq!(login.path, "/login?redirect_to=%2Fadmin%2Fsettings");
    let page = guest
        .submit(
            "/login",
            &[
                ("csrf_token", &csrf_token(&login.html)),
                (
                    "redirect_to",
                    &input_value(&login.html, "redirect_to").unwrap(),
                ),
                ("login", "chief"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.path, "/admin/settings");
    assert!(page.html.contains("<h1>General</h1>"));
    let dashboard = guest.visit("/admin").await;
    assert_eq!(dashboard.path, "/admin");
    assert!(dashboard.html.contains("<h1>Dashboard</h1>"));
    assert!(
        dashboard
            .html
            .contains(r#"href="/admin/settings/discussion""#)
    );

    for (username, role) in [("sub_reader", "subscriber"), ("an_editor", "editor")] {
        let reader = app.new_browser();
        reader.log_in(username, PASSWORD).await;
        let page = reader.visit("/admin/settings").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(page.path, "/admin/settings", "{role}");
        assert!(page.html.contains(SITE_TITLE), "{role}: in the site layout");
        assert!(page.html.contains(&logged_in_as(username)), "{role}");
        assert!(!page.html.contains("name=\"site_title\""), "{role}");
        let (_, home) = reader.page("/").await;
        let refused = reader
            .submit(
                "/admin/settings",
                &[
                    ("csrf_token", &csrf_token(&home)),
                    ("site_title", "Taken Over"),
                    ("tagline", "x"),
                    ("posts_per_page", "10"),
                    ("default_role", "editor"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{role}");
        assert!(
            page.html
                .contains("Your account does not have permission to see this page."),
            "{role}: the page says why: {}",
            page.html
        );
    }
    let (_, home) = app.page("/").await;
    assert!(!home.contains("Taken Over"));
}

async fn an_administrator_changes_the_site_title_and_the_home_page_shows_it(app: TestApp) {
    app.with_conn(|conn| insert_admin(conn, "chief", "chief@example.com", PASSWORD));
    app.log_in("chief", PASSWORD).await;
    let saved = submit_settings(&app, &[("site_title", "Glow & Co Weekly")]).await;
    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(saved.path, "/admin/settings");
    assert!(saved.html.contains("Settings saved."));
    assert_eq!(
        input_value(&saved.html, "site_title").as_deref(),
        Some("Glow & Co Weekly")
    );

    let visitor = app.new_browser();
    let (_, home) = visitor.page("/").await;
    assert_eq!(
        header_site_title(&home).as_deref(),
        Some("Glow & Co Weekly")
    );
    assert!(!home.contains(SITE_TITLE));
    let title = &home[home.find("<title>").unwrap() + 7..home.find("</title>").unwrap()];
    assert!(
        unescape_html(title).starts_with("Glow & Co Weekly – "),
        "{title}"
    );
    // The other fields kept their values, registration stayed on.
    assert!(home.contains("href=\"/register\""));
    assert_eq!(count(&home, "<article class=\"card\">"), 6);
}

async fn invalid_settings_are_refused_with_the_message_and_the_typed_values_kept(app: TestApp) {
    app.with_conn(|conn| insert_admin(conn, "chief", "chief@example.com", PASSWORD));
    app.log_in("chief", PASSWORD).await;
    let long_tagline = "x".repeat(201);
    let refused = submit_settings(
        &app,
        &[
            ("site_title", "Never Saved Title"),
            ("tagline", &long_tagline),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.path, "/admin/settings");
    let message = field_error(&refused.html, "tagline").expect("a message at the field");
    assert_eq!(
        message,
        "Tagline must be between 1 and 200 characters long."
    );
    assert_eq!(
        input_value(&refused.html, "site_title").as_deref(),
        Some("Never Saved Title")
    );
    assert_eq!(
        input_value(&refused.html, "tagline").as_deref(),
        Some(long_tagline.as_str())
    );
    assert!(
        refused
            .html
            .contains("name=\"users_can_register\" value=\"1\" checked")
    );
    let (_, home) = app.new_browser().page("/").await;
    assert_eq!(header_site_title(&home).as_deref(), Some(SITE_TITLE));
    assert!(!home.contains("Never Saved Title"), "nothing was saved");
}

// 13. The account page.

async fn a_reader_changes_the_display_name_shown_in_the_header(app: TestApp) {
    app.register("reader_three", "three@example.com", PASSWORD)
        .await;
    // The header of a logged-in page is kept per login: the change must still show.
    let (_, home) = app.page("/").await;
    assert_eq!(header_user(&home).as_deref(), Some("reader_three"));
    let (_, account) = app.page("/account").await;
    assert_eq!(
        input_value(&account, "display_name").as_deref(),
        Some("reader_three")
    );
    let saved = app
        .submit(
            "/account/profile",
            &[
                ("csrf_token", &csrf_token(&account)),
                ("display_name", "Zoë <Glow> Reader"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(saved.path, "/account");
    assert!(saved.html.contains("Your name has been updated."));
    assert_eq!(
        header_user(&saved.html).as_deref(),
        Some("Zoë <Glow> Reader")
    );
    assert!(!saved.html.contains("<Glow>"), "the name is escaped");
    let (_, home) = app.page("/").await;
    assert_eq!(header_user(&home).as_deref(), Some("Zoë <Glow> Reader"));
    assert_eq!(display_name_of(&app, "reader_three"), "Zoë <Glow> Reader");

    let empty = app
        .submit(
            "/account/profile",
            &[("csrf_token", &csrf_token(&home)), ("display_name", "   ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&empty.html, "display_name").is_some());
    assert_eq!(display_name_of(&app, "reader_three"), "Zoë <Glow> Reader");
}

async fn changing_the_email_needs_the_current_password_and_keeps_what_was_typed(app: TestApp) {
    app.register("reader_four", "four@example.com", PASSWORD)
        .await;
    let (_, account) = app.page("/account").await;
    let refused = app
        .submit(
            "/account/email",
            &[
                ("csrf_token", &csrf_token(&account)),
                ("email", "four.new@example.com"),
                ("current_password", "not my password"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        input_value(&refused.html, "email").as_deref(),
        Some("four.new@example.com")
    );
    assert_eq!(
        field_error(&refused.html, "email_password").as_deref(),
        Some("That is not your current password; your email address was not changed.")
    );
    assert_eq!(
        input_value(&refused.html, "email_password").as_deref(),
        Some("")
    );
    assert!(!refused.html.contains("not my password"));
    let stored = |app: &TestApp| -> String {
        app.with_conn(|conn| {
            users::table
                .filter(users::username.eq("reader_four"))
                .select(users::email)
                .first(conn)
                .unwrap()
        })
    };
    assert_eq!(stored(&app), "four@example.com");

    let saved = app
        .submit(
            "/account/email",
            &[
                ("csrf_token", &csrf_token(&refused.html)),
                ("email", "four.new@example.com"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert_eq!(saved.path, "/account");
    assert!(saved.html.contains("Your email address has been updated."));
    assert_eq!(stored(&app), "four.new@example.com");
}

async fn changing_the_password_logs_out_every_other_browser(app: TestApp) {
    app.register("reader_five", "five@example.com", PASSWORD)
        .await;
    let elsewhere = app.new_browser();
    let page = elsewhere.log_in("reader_five", PASSWORD).await;
    assert!(page.html.contains(&logged_in_as("reader_five")));

    let (_, account) = app.page("/account").await;
    let changed = app
        .submit(
            "/account/password",
            &[
                ("csrf_token", &csrf_token(&account)),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(changed.path, "/account", "this browser stays logged in");
    assert!(changed.html.contains("Your password has been changed."));
    assert!(changed.html.contains(&logged_in_as("reader_five")));

    assert!(
        is_logged_out(&elsewhere).await,
        "the other browser is logged out"
    );
    let (_, home) = elsewhere.page("/").await;
    assert!(!home.contains("Logged in as"));

    let fresh = app.new_browser();
    let old = fresh.log_in("reader_five", PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = fresh.log_in("reader_five", NEW_PASSWORD).await;
    assert_eq!(new.path, "/");
    assert!(new.html.contains(&logged_in_as("reader_five")));
    // This browser is still fine after all that.
    assert_eq!(app.visit("/account").await.path, "/account");
}

// 14. The setup link.

async fn the_setup_link_creates_the_first_administrator_once(app: TestApp) {
    let token = app.with_conn(|conn| {
        glowpress::accounts::setup::issue_token_if_needed(conn)
            .unwrap()
            .expect("the demo has no administrator")
    });
    for wrong in ["0".repeat(64), "nonsense".to_owned(), String::new()] {
        let (status, html) = app.page(&format!("/setup?token={wrong}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{wrong:?}");
        assert!(!html.contains("action=\"/setup\""), "{wrong:?}");
    }

    let form = app.visit(&format!("/setup?token={token}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(input_value(&form.html, "token").as_deref(), Some(&*token));
    let fields = |token: &str, csrf: &str| -> Vec<(String, String)> {
        [
            ("csrf_token", csrf),
            ("token", token),
            ("username", "chief"),
            ("email", "chief@example.com"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    };
    let browser = app.browser();
    let done = submit_owned(&browser, "/setup", &fields(&token, &csrf_token(&form.html))).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.path, "/admin/settings");
    assert!(done.html.contains("<h1>General</h1>"));
    assert!(done.html.contains(&logged_in_as("chief")));
    let role: String = app.with_conn(|conn| {
        users::table
            .filter(users::username.eq("chief"))
            .select(users::role)
            .first(conn)
            .unwrap()
    });
    assert_eq!(role, "admin");

    let (status, _) = app.page(&format!("/setup?token={token}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the link works once");
    let before = user_count(&app);
    let again = submit_owned(&browser, "/setup", &fields(&token, &csrf_token(&done.html))).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(user_count(&app), before);
    let none =
        app.with_conn(|conn| glowpress::accounts::setup::issue_token_if_needed(conn).unwrap());
    assert_eq!(none, None, "no new link once an admin exists");
}

// 15. Redis.

#[actix_web::test]
async fn with_redis_a_session_works_on_every_node_and_logging_out_revokes_it() {
    let Some(url) = redis_url() else {
        return skip_without_redis("Redis sessions across two nodes");
    };
    let mut site = Site::new(Backend::Sqlite).expect("a site");
    site.config.redis_url = Some(url);
    let second = site.another_node();
    // `a` owns the data dir; `b` is declared later, so it is dropped first.
    let a = site.start().await;
    let b = second.start().await;
    add_reader(&a, "mira_lune", "mira@example.com");

    let on_a = a.browser();
    let page = on_a.log_in("mira_lune", PASSWORD).await;
    assert!(page.html.contains(&logged_in_as("mira_lune")));
    let on_b = on_a.at(&b);
    let account = on_b.visit("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert_eq!(account.path, "/account");
    assert!(account.html.contains("<strong>mira_lune</strong>"));

    let old_cookie = on_a
        .cookie("glowpress_session")
        .expect("the browser holds a session cookie");
    let replay = |app: &TestApp| {
        bare_client()
            .get(app.url("/account"))
            .header(COOKIE, format!("glowpress_session={old_cookie}"))
            .send()
    };
    let before = replay(&b).await.unwrap();
    assert_eq!(
        before.status(),
        StatusCode::OK,
        "the cookie alone is enough"
    );

    // Node B keeps the header of this login; logging out on A must reach it.
    for _ in 0..2 {
        let (_, home) = on_b.page("/").await;
        assert_eq!(header_user(&home).as_deref(), Some("mira_lune"));
    }
    let out = on_a.log_out().await;
    assert!(out.html.contains("<a href=\"/login\">Log in</a>"));
    wait_until_logged_out(&b, "/", &old_cookie).await;
    for (node, app) in [("B", &b), ("A", &a)] {
        let after = replay(app).await.unwrap();
        assert_eq!(after.status(), StatusCode::SEE_OTHER, "node {node}");
        assert_eq!(
            after.headers()[LOCATION],
            "/login?redirect_to=%2Faccount",
            "node {node}"
        );
    }
    assert!(is_logged_out(&on_b).await);
}

async fn a_burst_of_parallel_guesses_gets_no_more_than_five_tries(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let browsers: Vec<Browser> = (0..12).map(|_| app.new_browser()).collect();
    let guesses = browsers.iter().map(|browser| {
        submit_login(
            browser,
            &[("login", "mira_lune"), ("password", "guess number one")],
        )
    });
    let pages = futures_util::future::join_all(guesses).await;
    let tried = pages
        .iter()
        .filter(|p| p.status == StatusCode::UNAUTHORIZED)
        .count();
    let paused = pages
        .iter()
        .filter(|p| p.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(tried <= 5, "{tried} guesses were checked");
    assert_eq!(tried + paused, 12);
}

/// The default cookie store keeps the session in the cookie itself; the server-side grant
/// is what makes logging out final.
async fn logging_out_revokes_a_copied_session_cookie_on_the_server(app: TestApp) {
    add_reader(&app, "mira_lune", "mira@example.com");
    let browser = app.browser();
    browser.log_in("mira_lune", PASSWORD).await;
    let copied = browser
        .cookie("glowpress_session")
        .expect("the browser holds a session cookie");
    let replay = || {
        bare_client()
            .get(app.url("/account"))
            .header(COOKIE, format!("glowpress_session={copied}"))
            .send()
    };
    assert_eq!(replay().await.unwrap().status(), StatusCode::OK);
    for path in ["/", SEED_POST, "/shop"] {
        // Twice: the second is answered from the node's header cache.
        for _ in 0..2 {
            let shown = header_user_with_cookie(&app, path, &copied).await;
            assert_eq!(shown.as_deref(), Some("mira_lune"), "{path}");
        }
    }
    browser.log_out().await;
    let after = replay().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(after.headers()[LOCATION], "/login?redirect_to=%2Faccount");
    for path in ["/", SEED_POST, "/shop"] {
        assert_eq!(
            header_user_with_cookie(&app, path, &copied).await,
            None,
            "{path} after logging out"
        );
    }
}
