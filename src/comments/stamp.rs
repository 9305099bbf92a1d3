//! The reply form carries the time it was made, signed together with the post and the
//! (hashed) client address: a form sent back within seconds (a bot), days later (a stale
//! page) or from another address (a replayed stamp) is refused with the text kept.

use crate::web::session::Secrets;

#[derive(Debug, PartialEq, Eq)]
pub enum StampProblem {
    TooFast,
    TooOld,
    Invalid,
}

impl StampProblem {
    pub fn message(&self) -> &'static str {
        match self {
            StampProblem::TooFast => {
                "That was quick! To keep robots out we ask people to take a few seconds; \
                 please check your comment and send it again."
            }
            StampProblem::TooOld => {
                "This page was open for a long time, so the form expired. Your comment is \
                 still here: please send it again."
            }
            StampProblem::Invalid => {
                "The form could not be verified. Your comment is still here: please send it \
                 again."
            }
        }
    }
}

/// A stamp for the form of `post_id` shown at `unix` to the client whose hashed address is
/// `ip_hash` (`web::client::ClientAddr`).
pub fn sign(secrets: &Secrets, post_id: i32, ip_hash: &str, unix: i64) -> String {
    format!(
        "{unix}.{}",
        secrets.sign(&format!("comment-form:{post_id}:{ip_hash}:{unix}"))
    )
}

/// Checks a stamp made for `post_id` and `ip_hash` at least `min_age` and at most `max_age`
/// seconds ago.
pub fn check(
    secrets: &Secrets,
    post_id: i32,
    ip_hash: &str,
    stamp: &str,
    now: i64,
    min_age: i64,
    max_age: i64,
) -> Result<(), StampProblem> {
    let (unix, _) = stamp.split_once('.').ok_or(StampProblem::Invalid)?;
    let unix: i64 = unix.parse().map_err(|_| StampProblem::Invalid)?;
    if sign(secrets, post_id, ip_hash, unix) != stamp {
        return Err(StampProblem::Invalid);
    }
    let age = now - unix;
    if age < min_age {
        Err(StampProblem::TooFast)
    } else if age > max_age {
        Err(StampProblem::TooOld)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        Secrets::from_master(&[3u8; 64]).unwrap()
    }

    #[test]
    fn a_stamp_is_good_between_its_minimum_and_maximum_age() {
        let s = secrets();
        let stamp = sign(&s, 7, "addr", 1_000);
        assert_eq!(
            check(&s, 7, "addr", &stamp, 1_001, 3, 100),
            Err(StampProblem::TooFast)
        );
        assert_eq!(check(&s, 7, "addr", &stamp, 1_010, 3, 100), Ok(()));
        assert_eq!(
            check(&s, 7, "addr", &stamp, 1_200, 3, 100),
            Err(StampProblem::TooOld)
        );
    }

    #[test]
    fn a_stamp_sent_back_from_another_address_is_invalid() {
        let s = secrets();
        let stamp = sign(&s, 7, "addr", 1_000);
        assert_eq!(
            check(&s, 7, "other", &stamp, 1_010, 3, 100),
            Err(StampProblem::Invalid)
        );
        assert_eq!(
            check(&s, 7, "", &stamp, 1_010, 3, 100),
            Err(StampProblem::Invalid)
        );
    }

    #[test]
    fn a_forged_or_moved_stamp_is_invalid() {
        let s = secrets();
        let stamp = sign(&s, 7, "addr", 1_000);
        assert_eq!(
            check(&s, 8, "addr", &stamp, 1_010, 3, 100),
            Err(StampProblem::Invalid)
        );
        assert_eq!(
            check(&s, 7, "addr", "999.abc", 1_010, 3, 100),
            Err(StampProblem::Invalid)
        );
        assert_eq!(
            check(&s, 7, "addr", "", 1_010, 3, 100),
            Err(StampProblem::Invalid)
        );
    }
}
