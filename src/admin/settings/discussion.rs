//! Settings → Discussion: every rule comments pass, and how threads are shown.

use super::form::{Field, SettingsPage, page_handlers};

pub static PAGE: SettingsPage = SettingsPage {
    href: "/admin/settings/discussion",
    heading: "Discussion",
    title: "Discussion settings",
    saved: "Discussion settings saved.",
    fields: &[
        Field::new(
            "comments_require_name_email",
            "Other comment settings",
            "Comment author must fill out name and email",
        ),
        Field::new(
            "close_comments_days_old",
            "Automatically close comments on posts older than (days)",
            "0 keeps comments open whatever the age of the post.",
        ),
        Field::new(
            "thread_comments_depth",
            "Threaded comments levels deep",
            "1 to 10; replies deeper than this join their parent's thread.",
        ),
        Field::new(
            "comments_per_page",
            "Top-level comments per page",
            "1 to 500.",
        ),
        Field::new(
            "comment_moderation",
            "Before a comment appears",
            "Comment must be manually approved",
        ),
        Field::new(
            "comment_previously_approved",
            "Previously approved authors",
            "Comment author must have a previously approved comment",
        ),
        Field::new(
            "comment_max_links",
            "Hold a comment in the queue if it contains this many links or more",
            "0: never hold a comment for its links.",
        ),
        Field::new(
            "moderation_keys",
            "Comment moderation",
            "When a comment contains any of these words in its text, name, URL or email, it \
             is held in the moderation queue. One word or phrase a line.",
        ),
        Field::new(
            "disallowed_keys",
            "Disallowed comment keys",
            "When a comment contains any of these words in its text, name, URL or email, it \
             is marked as spam. One word or phrase a line.",
        ),
    ],
};

page_handlers!(PAGE);
