//! POST /posts/{slug}/comments: every check a comment passes before it is stored, and the
//! article page again, with the message and everything typed, when one fails.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use time::Duration;

use crate::accounts::users::Role;
use crate::accounts::visitor::Visitor;
use crate::comments::rules::{self, Submission, Verdict};
use crate::comments::section::ReplyForm;
use crate::comments::store::{self, NewComment, Status};
use crate::comments::{Timing, notify, stamp, text, tree};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::mail::Mailer;
use crate::posts::queries;
use crate::settings::Settings;
use crate::web::client::ClientAddr;
use crate::web::forms::{FieldErrors, Refusal, too_long};
use crate::web::layout::ChromeCache;
use crate::web::session::Secrets;
use crate::web::{SiteInfo, app_data, dates};

pub const TEXT_MAX: usize = 5000;
pub const NAME_MAX: usize = 245;
pub const EMAIL_MAX: usize = 100;
pub const URL_MAX: usize = 200;
const USER_AGENT_MAX: usize = 254;

#[derive(Deserialize, Default)]
pub struct CommentForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    url: String,
    save_details: Option<String>,
    #[serde(default)]
    comment_parent: String,
    #[serde(default)]
    stamp: String,
    /// The honeypot: hidden from people, filled in by robots.
    #[serde(default)]
    website_confirm: String,
}

/// The post being commented on, and what the write needs that can be read or made before
/// it: the commenter's standing, who to tell, the comment's HTML.
struct Target {
    id: i32,
    title: String,
    open: bool,
    settings: Settings,
    /// A comment by this name and email was approved before.
    approved_before: bool,
    /// A guest typed the email address of an account.
    account_email: bool,
    /// Who is told of the comment (not its author).
    recipients: Vec<String>,
    body_html: String,
    /// The comments page the new comment will be on (`?cpage=N`), found among the approved
    /// comments here, so that no trip to the database follows the write.
    page: usize,
}

/// What a reply came to: stored (the redirect to answer with), or refused (the form as it
/// was typed, with why, for the article page to show).
pub enum Reply {
    Stored(HttpResponse),
    Refused { form: ReplyForm, status: StatusCode },
}

/// POST /posts/{slug}/comments, called by the article's handler (posts renders the page).
pub async fn submit(
    req: &HttpRequest,
    visitor: &Visitor,
    client: &ClientAddr,
    slug: &str,
    mut form: CommentForm,
) -> Result<Reply, AppError> {
    let (db, secrets, site) = (
        app_data::<Db>(req)?,
        app_data::<Secrets>(req)?,
        app_data::<SiteInfo>(req)?,
    );
    let (mailer, timing) = (app_data::<Mailer>(req)?, app_data::<Timing>(req)?);
    let slug = slug.to_owned();
    if let Some(user) = &visitor.user {
        form.author = user.display_name.clone();
        form.email = user.email.clone();
        form.url = String::new();
    }
    // What XML forbids would break the comment feeds: taken out before any check.
    for field in [
        &mut form.comment,
        &mut form.author,
        &mut form.email,
        &mut form.url,
    ] {
        crate::web::text::strip_in_place(field);
    }
    let parent_id: Option<i32> = form.comment_parent.trim().parse().ok();
    let user_id = visitor.user.as_ref().map(|u| u.id);
    let settings = app_data::<ChromeCache>(req)?
        .get(db)
        .await?
        .settings
        .clone();
    let target = load_target(db, settings, slug.clone(), &form, (user_id, parent_id)).await?;

    let checks = match check(secrets, timing, visitor, client, &target, &form, parent_id) {
        Ok(checks) => checks,
        Err(refusal) => return Ok(refused(form, parent_id, refusal)),
    };

    let user_agent: String = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(USER_AGENT_MAX)
        .collect();
    let is_moderator = visitor.role().is_some_and(|r| r.at_least(Role::Editor));
    let (author, email, url, body) = (
        form.author.trim().to_owned(),
        form.email.trim().to_owned(),
        form.url.trim().to_owned(),
        form.comment.trim().to_owned(),
    );
    let verdict = rules::judge(
        &target.settings,
        &Submission {
            author: &author,
            email: &email,
            url: &url,
            text: &body,
            user_agent: &user_agent,
            links: text::link_count(&body),
            is_moderator,
            is_logged_in: user_id.is_some(),
            approved_before: target.approved_before,
        },
    );
    // A guest using an account's email is held like any first comment, so the answer does
    // not tell whether the address has an account.
    let verdict = match verdict {
        Verdict::Approve if target.account_email => Verdict::Hold,
        verdict => verdict,
    };
    let ip_hash = client.0.clone();
    let post_id = target.id;
    let stored = {
        let (author, email, url, body) = (author.clone(), email.clone(), url.clone(), body.clone());
        let body_html = target.body_html.clone();
        // Only what must be decided together with the insert is done by the writer (the
        // duplicate and flood checks, in the same transaction, so that two identical
        // submissions cannot both pass); the rest is read and made beforehand, in parallel.
        let insert = move |conn: &mut DbConn| {
            let (depth, parent_id) = match checks.run(conn)? {
                Ok(placement) => placement,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let new = NewComment {
                post_id,
                parent_id,
                user_id,
                author_name: &author,
                author_email: &email,
                author_url: &url,
                body: &body,
                status: verdict.status(),
                depth,
                ip_hash: &ip_hash,
                user_agent: &user_agent,
            };
            Ok(Ok(store::insert_rendered(
                conn,
                &new,
                &body_html,
                dates::now(),
            )?))
        };
        // Only an approved comment changes what every reader sees (and the kept pages); a
        // held one shows to its author alone, on a page made for them.
        if verdict == Verdict::Approve {
            db.write_content(insert).await?
        } else {
            db.write(insert).await?
        }
    };
    let id = match stored {
        Ok(id) => id,
        Err(refusal) => return Ok(refused(form, parent_id, refusal)),
    };
    let location = match verdict {
        // A held comment is visible to its author, so it has a page too.
        Verdict::Approve | Verdict::Hold => super::location(&slug, target.page, id),
        Verdict::Spam => format!("/posts/{slug}#respond"),
    };
    let recipients = target.recipients.clone();

    if verdict != Verdict::Spam {
        notify::send_in_background(
            mailer.clone(),
            recipients,
            notify::Note {
                site_url: site.public_url.clone(),
                post_title: target.title.clone(),
                comment_id: id,
                author: author.clone(),
                text: body.clone(),
                held: verdict == Verdict::Hold,
            },
        );
    }
    let mut response = HttpResponse::SeeOther();
    match verdict {
        Verdict::Approve => {}
        Verdict::Hold => super::remember_own(&visitor.session, id),
        Verdict::Spam => visitor
            .session
            .flash("Your comment was not published: it contains words this site does not accept."),
    }
    if visitor.user.is_none() {
        let cookie = if form.save_details.is_some() {
            super::commenter_cookie(&author, &email, &url, site.secure_cookies)
        } else {
            super::forget_commenter_cookie(site.secure_cookies)
        };
        response.cookie(cookie);
    }
    Ok(Reply::Stored(
        response
            .insert_header((header::LOCATION, location))
            .finish(),
    ))
}

async fn load_target(
    db: &Db,
    settings: Settings,
    slug: String,
    form: &CommentForm,
    (commenter, parent_id): (Option<i32>, Option<i32>),
) -> Result<Target, AppError> {
    let (author, email) = (form.author.trim().to_owned(), form.email.trim().to_owned());
    let body = form.comment.trim().to_owned();
    db.run(move |conn| {
        let now = dates::now();
        let article = queries::find_published(conn, now, &slug)?;
        let mut shown = store::approved_pairs(conn, article.id)?;
        // The new comment has no id yet: 0 stands for it (ids start at 1). A reply at the
        // depth limit is stored under its parent's parent: the same thread, the same page.
        shown.push((0, parent_id));
        let page = super::page_among(&settings, &shown, 0);
        Ok(Target {
            id: article.id,
            open: super::accepts_comments(&settings, &article, now),
            title: article.title,
            settings,
            approved_before: store::approved_before(conn, &author, &email)?,
            account_email: commenter.is_none()
                && !email.is_empty()
                && crate::accounts::users::find_by_email(conn, &email)?.is_some(),
            recipients: notify::recipients(conn, article.id, commenter)?,
            body_html: text::to_html(&body),
            page,
        })
    })
    .await
}

/// Every rule, cheapest first. `Ok(Ok((depth, parent)))` when the comment may be stored.
#[allow(clippy::too_many_arguments)]
fn check(
    secrets: &Secrets,
    timing: &Timing,
    visitor: &Visitor,
    client: &ClientAddr,
    target: &Target,
    form: &CommentForm,
    parent_id: Option<i32>,
) -> Result<StoredChecks, Refusal> {
    if !target.open {
        return Err(Refusal::new(StatusCode::FORBIDDEN, "Comments are closed."));
    }
    if !form.website_confirm.is_empty() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Your comment could not be sent: a field meant to stay empty was filled in. \
             Please send it again.",
        ));
    }
    let now = dates::now().assume_utc().unix_timestamp();
    if let Err(problem) = stamp::check(
        secrets,
        target.id,
        &client.0,
        &form.stamp,
        now,
        timing.min_form_age,
        timing.max_form_age,
    ) {
        return Err(Refusal::new(StatusCode::BAD_REQUEST, problem.message()));
    }
    let errors = field_errors(form, visitor.user.is_none(), &target.settings);
    if !errors.is_empty() {
        return Err(Refusal::fields(errors).with_message(
            "Your comment was not posted yet: please correct the fields marked below.",
        ));
    }
    Ok(StoredChecks {
        post_id: target.id,
        max_depth: target.settings.thread_comments_depth as i32,
        parent_id,
        ip_hash: client.0.clone(),
        email: form.email.trim().to_owned(),
        body: form.comment.trim().to_owned(),
        user_id: visitor.user.as_ref().map(|u| u.id),
        flood_since: (timing.flood_interval > 0)
            .then(|| dates::now() - Duration::seconds(timing.flood_interval)),
    })
}

/// The rules that need the database, checked in the same call that stores the comment so
/// that two identical submissions cannot both pass.
struct StoredChecks {
    post_id: i32,
    max_depth: i32,
    parent_id: Option<i32>,
    ip_hash: String,
    email: String,
    body: String,
    user_id: Option<i32>,
    /// None: no flood limit (tests).
    flood_since: Option<time::PrimitiveDateTime>,
}

/// (depth, parent) of a comment that may be stored.
type Placement = (i32, Option<i32>);

impl StoredChecks {
    /// The comment's (depth, parent) when it may be stored.
    fn run(&self, conn: &mut DbConn) -> Result<Result<Placement, Refusal>, AppError> {
        let (post_id, max_depth) = (self.post_id, self.max_depth);
        let (ip_hash, email, body, user_id) =
            (&self.ip_hash, &self.email, &self.body, self.user_id);
        let placement = match self.parent_id {
            None => (0, None),
            Some(id) => match store::find(conn, id)? {
                Some(parent) if parent.post_id == post_id && parent.status == Status::Approved => {
                    let (sibling, depth) = tree::attach_depth(Some(parent.depth), max_depth);
                    (
                        depth,
                        if sibling {
                            parent.parent_id
                        } else {
                            Some(parent.id)
                        },
                    )
                }
                _ => {
                    return Ok(Err(Refusal::new(
                        StatusCode::BAD_REQUEST,
                        "The comment you are replying to is not a published comment of this \
                         article. Your text is kept below: send it as a new comment, or pick \
                         another to reply to.",
                    )));
                }
            },
        };
        if let Some(since) = self.flood_since
            && store::commented_since(conn, ip_hash, email, since)?
        {
            return Ok(Err(Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "You are posting comments too quickly. Slow down, and send it again in a few \
                 seconds.",
            )));
        }
        if store::is_duplicate(conn, post_id, user_id, email, body)? {
            return Ok(Err(Refusal::new(
                StatusCode::CONFLICT,
                "Duplicate comment detected; it looks as though you’ve already said that!",
            )));
        }
        Ok(Ok(placement))
    }
}

fn field_errors(form: &CommentForm, is_guest: bool, settings: &Settings) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let text = form.comment.trim();
    if text.is_empty() {
        errors.add("comment", "Please type your comment.");
    } else if too_long(text, TEXT_MAX) {
        errors.add(
            "comment",
            format!(
                "Your comment is {} characters long; the limit is {TEXT_MAX}.",
                text.chars().count()
            ),
        );
    }
    if !is_guest {
        return errors;
    }
    let (author, email, url) = (form.author.trim(), form.email.trim(), form.url.trim());
    if author.is_empty() && settings.comments_require_name_email {
        errors.add("author", "Please enter your name.");
    } else if too_long(author, NAME_MAX) || author.chars().any(char::is_control) {
        errors.add(
            "author",
            format!("Please use a name of at most {NAME_MAX} characters."),
        );
    }
    if email.is_empty() {
        if settings.comments_require_name_email {
            errors.add(
                "email",
                "Please enter your email address (it is not published).",
            );
        }
    } else if too_long(email, EMAIL_MAX) {
        errors.add(
            "email",
            format!("Please use an email address of at most {EMAIL_MAX} characters."),
        );
    } else if crate::accounts::validate::email(email).is_err() {
        errors.add(
            "email",
            "That does not look like an email address (name@example.com).",
        );
    }
    if !url.is_empty() {
        let lower = url.to_ascii_lowercase();
        if too_long(url, URL_MAX) {
            errors.add(
                "url",
                format!("Please use a website address of at most {URL_MAX} characters."),
            );
        } else if !(lower.starts_with("http://") || lower.starts_with("https://"))
            || url.contains(char::is_whitespace)
        {
            errors.add("url", "A website address starts with https:// or http://.");
        }
    }
    errors
}

/// The form as it was typed, with the refusal's words, for the article page.
fn refused(form: CommentForm, parent_id: Option<i32>, refusal: Refusal) -> Reply {
    let form_view = ReplyForm {
        comment: form.comment,
        author: form.author,
        email: form.email,
        url: form.url,
        save_details: form.save_details.is_some(),
        parent_id,
        message: refusal.message,
        errors: refusal.fields,
        ..ReplyForm::default()
    };
    Reply::Refused {
        form: form_view,
        status: refusal.status,
    }
}
