//! Which comments are published at once, held for moderation, or marked as spam: the
//! rules of WordPress's Discussion settings.

use crate::comments::store::Status;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    Hold,
    Spam,
}

impl Verdict {
    pub fn status(self) -> Status {
        match self {
            Verdict::Approve => Status::Approved,
            Verdict::Hold => Status::Pending,
            Verdict::Spam => Status::Spam,
        }
    }
}

/// What the rules look at.
pub struct Submission<'a> {
    pub author: &'a str,
    pub email: &'a str,
    pub url: &'a str,
    pub text: &'a str,
    pub user_agent: &'a str,
    pub links: usize,
    /// Editors and administrators are never held.
    pub is_moderator: bool,
    pub is_logged_in: bool,
    /// A comment with this email address was approved before.
    pub approved_before: bool,
}

pub fn judge(settings: &Settings, s: &Submission) -> Verdict {
    if s.is_moderator {
        return Verdict::Approve;
    }
    let fields = [s.author, s.email, s.url, s.text, s.user_agent];
    if matches_any(&settings.disallowed_keys, &fields) {
        return Verdict::Spam;
    }
    let too_many_links =
        settings.comment_max_links > 0 && s.links as i64 >= settings.comment_max_links;
    let needs_previous_approval =
        settings.comment_previously_approved && !s.is_logged_in && !s.approved_before;
    if settings.comment_moderation
        || too_many_links
        || matches_any(&settings.moderation_keys, &fields)
        || needs_previous_approval
    {
        return Verdict::Hold;
    }
    Verdict::Approve
}

/// One word or phrase a line; a match anywhere inside a field, ignoring case.
fn matches_any(keys: &str, fields: &[&str]) -> bool {
    let fields: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
    keys.lines()
        .map(|k| k.trim().to_lowercase())
        .filter(|k| !k.is_empty())
        .any(|k| fields.iter().any(|f| f.contains(&k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest<'a>(text: &'a str, links: usize, approved_before: bool) -> Submission<'a> {
        Submission {
            author: "Ana",
            email: "ana@example.com",
            url: "",
            text,
            user_agent: "test",
            links,
            is_moderator: false,
            is_logged_in: false,
            approved_before,
        }
    }

    fn settings() -> Settings {
        Settings::default()
    }

    #[test]
    fn a_first_time_guest_is_held_and_a_known_one_is_not() {
        assert_eq!(judge(&settings(), &guest("Hi", 0, false)), Verdict::Hold);
        assert_eq!(judge(&settings(), &guest("Hi", 0, true)), Verdict::Approve);
    }

    #[test]
    fn two_links_hold_a_comment() {
        assert_eq!(judge(&settings(), &guest("x", 1, true)), Verdict::Approve);
        assert_eq!(judge(&settings(), &guest("x", 2, true)), Verdict::Hold);
    }

    #[test]
    fn moderation_words_hold_and_disallowed_words_mark_spam() {
        let mut s = settings();
        s.moderation_keys = "casino\n".to_owned();
        s.disallowed_keys = "  Viagra \n\n".to_owned();
        assert_eq!(
            judge(&s, &guest("best CASINO here", 0, true)),
            Verdict::Hold
        );
        assert_eq!(judge(&s, &guest("cheap viagra", 0, true)), Verdict::Spam);
        assert_eq!(judge(&s, &guest("a calm serum", 0, true)), Verdict::Approve);
    }

    #[test]
    fn manual_approval_holds_everyone_but_moderators() {
        let mut s = settings();
        s.comment_moderation = true;
        let mut reader = guest("Hi", 0, true);
        reader.is_logged_in = true;
        assert_eq!(judge(&s, &reader), Verdict::Hold);
        reader.is_moderator = true;
        assert_eq!(judge(&s, &reader), Verdict::Approve);
    }

    #[test]
    fn logged_in_readers_skip_the_previously_approved_rule() {
        let mut reader = guest("Hi", 0, false);
        reader.is_logged_in = true;
        assert_eq!(judge(&settings(), &reader), Verdict::Approve);
    }
}
