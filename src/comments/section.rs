//! The comments area under an article: the threads of one page and the reply form.

use diesel::QueryResult;
use time::PrimitiveDateTime;

use crate::comments::store::{self, Comment, Status};
use crate::comments::{stamp, tree};
use crate::db::DbConn;
use crate::settings::Settings;
use crate::web::dates;
use crate::web::forms::FieldErrors;
use crate::web::session::Secrets;

pub struct CommentItem {
    pub id: i32,
    pub author: String,
    pub author_url: Option<String>,
    pub initials: String,
    pub avatar_class: String,
    pub date: String,
    pub date_iso: String,
    pub permalink: String,
    pub body_html: String,
    pub pending: bool,
    pub reply_href: String,
    pub depth: usize,
    pub closes_before: usize,
    pub has_children: bool,
}

pub struct CommentPager {
    pub current: usize,
    pub pages: usize,
    pub older: Option<String>,
    pub newer: Option<String>,
}

/// What the reply form shows: empty, or what was typed into a refused submission.
#[derive(Default)]
pub struct ReplyForm {
    pub csrf_token: String,
    pub stamp: String,
    /// "Logged in as …": only the text field is shown.
    pub logged_in_as: Option<String>,
    pub require_name_email: bool,
    pub comment: String,
    pub author: String,
    pub email: String,
    pub url: String,
    pub save_details: bool,
    pub parent_id: Option<i32>,
    pub replying_to: Option<String>,
    /// Shown above the form: why it was refused.
    pub message: Option<String>,
    pub errors: FieldErrors,
}

/// The threads of one page of comments: the same for every reader who has no comment
/// waiting for moderation, so rendered once per content version (`posts::article`).
pub struct CommentThread {
    pub items: Vec<CommentItem>,
    pub closes_after: usize,
    pub pager: Option<CommentPager>,
    pub open: bool,
    pub post_path: String,
    /// Who each comment a reply may answer is by (any page): "Replying to …".
    pub repliable: Vec<(i32, String)>,
}

/// What the page request asks of the comment threads.
pub struct ThreadRequest<'a> {
    pub post_id: i32,
    pub post_path: &'a str,
    pub open: bool,
    pub own_pending: &'a [i32],
    pub page: Option<usize>,
}

/// What the reply form needs to know of the request.
pub struct FormRequest<'a> {
    pub post_id: i32,
    pub reply_to: Option<i32>,
    /// From `web::csrf::reply_form_token`.
    pub csrf_token: String,
    /// "Logged in as …": the form shows only the text field.
    pub logged_in_as: Option<String>,
    pub require_name_email: bool,
    pub secrets: &'a Secrets,
    /// The hashed client address (`web::client::ClientAddr`): the form stamp is bound to it.
    pub ip_hash: &'a str,
    pub now: PrimitiveDateTime,
}

/// Loads the post's comments with one query and threads the page asked for.
pub fn thread(
    conn: &mut DbConn,
    settings: &Settings,
    request: ThreadRequest,
) -> QueryResult<CommentThread> {
    let comments = store::visible_for_post(conn, request.post_id, request.own_pending)?;
    let pairs: Vec<(i32, Option<i32>)> = comments.iter().map(|c| (c.id, c.parent_id)).collect();
    let per_page = settings.comments_per_page.max(1) as usize;
    let last_page = tree::page(&pairs, per_page, 1).pages;
    // Oldest first, like WordPress: without a page number the first page shows.
    let current = request.page.unwrap_or(1).clamp(1, last_page);
    let threads = tree::page(&pairs, per_page, current);
    let page_link = |n: usize| comments_page_href(request.post_path, n);
    let style = dates::DateStyle::of(settings);
    let items = threads
        .placed
        .iter()
        .map(|placed| {
            let comment = &comments[placed.index];
            item(
                comment,
                placed,
                request.post_path,
                &page_link(current),
                &style,
            )
        })
        .collect();
    let pager = (threads.pages > 1).then(|| CommentPager {
        current,
        pages: threads.pages,
        older: (current > 1).then(|| page_link(current - 1)),
        newer: (current < threads.pages).then(|| page_link(current + 1)),
    });
    let repliable = comments
        .iter()
        .filter(|c| c.status != Status::Pending)
        .map(|c| (c.id, c.author_name.clone()))
        .collect();
    Ok(CommentThread {
        items,
        closes_after: threads.closes_after,
        pager,
        open: request.open,
        post_path: request.post_path.to_owned(),
        repliable,
    })
}

/// Completes the reply form (`typed`: empty, remembered, or what a refused reply had) with
/// everything else it shows: whom it answers, the tokens, "Logged in as".
pub fn reply_form(thread: &CommentThread, request: FormRequest, typed: ReplyForm) -> ReplyForm {
    let mut form = typed;
    if form.parent_id.is_none() {
        form.parent_id = request.reply_to;
    }
    form.replying_to = form.parent_id.and_then(|id| {
        thread
            .repliable
            .iter()
            .find(|(comment, _)| *comment == id)
            .map(|(_, author)| author.clone())
    });
    if form.replying_to.is_none() {
        form.parent_id = None;
    }
    form.require_name_email = request.require_name_email;
    form.csrf_token = request.csrf_token;
    form.logged_in_as = request.logged_in_as;
    form.stamp = stamp::sign(
        request.secrets,
        request.post_id,
        request.ip_hash,
        request.now.assume_utc().unix_timestamp(),
    );
    form
}

/// `/posts/x` for page 1, `/posts/x?cpage=2` after.
pub fn comments_page_href(post_path: &str, page: usize) -> String {
    if page <= 1 {
        post_path.to_owned()
    } else {
        format!("{post_path}?cpage={page}")
    }
}

fn item(
    comment: &Comment,
    placed: &tree::Placed,
    post_path: &str,
    page_href: &str,
    style: &dates::DateStyle,
) -> CommentItem {
    let author_url = web_url(&comment.author_url);
    CommentItem {
        id: comment.id,
        initials: initials(&comment.author_name),
        avatar_class: format!("avatar--{}", palette_index(&comment.author_name)),
        author: comment.author_name.clone(),
        author_url,
        date: style.date_time(comment.created_at),
        date_iso: dates::iso(comment.created_at),
        permalink: format!("{page_href}#comment-{}", comment.id),
        body_html: comment.body_html.clone(),
        pending: comment.status == Status::Pending,
        reply_href: format!("{post_path}?replytocom={}#respond", comment.id),
        depth: placed.depth,
        closes_before: placed.closes_before,
        has_children: placed.has_children,
    }
}

/// Only http(s) links are shown for an author's website.
fn web_url(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| url.trim().to_owned())
}

/// "Devon Abelman" → "DA"; the avatar is drawn by CSS, no request to another host.
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

/// One of 8 avatar colours, the same for the same name.
fn palette_index(name: &str) -> u32 {
    name.bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_come_from_the_first_two_words() {
        assert_eq!(initials("Devon Abelman"), "DA");
        assert_eq!(initials("ana"), "A");
        assert_eq!(initials("  "), "?");
        assert_eq!(initials("émile zola jr"), "ÉZ");
    }

    #[test]
    fn only_web_links_are_shown_for_authors() {
        assert_eq!(
            web_url(" https://x.example "),
            Some("https://x.example".to_owned())
        );
        assert_eq!(web_url("javascript:alert(1)"), None);
        assert_eq!(web_url(""), None);
    }

    #[test]
    fn the_same_name_gets_the_same_colour() {
        assert_eq!(palette_index("Ana"), palette_index("Ana"));
        assert!(palette_index("Ana") < 8);
    }
}
