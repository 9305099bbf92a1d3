//! The reply form carries the time it was made, signed: a form sent back within seconds
//! (a bot) or days later (a stale page) is refused with the text kept.

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

pub fn sign(secrets: &Secrets, post_id: i32, unix: i64) -> String {
    format!(
        "{unix}.{}",
        secrets.sign(&format!("comment-form:{post_id}:{unix}"))
    )
}

/// Checks a stamp made for `post_id` at least `min_age` and at most `max_age` seconds ago.
pub fn check(
    secrets: &Secrets,
    post_id: i32,
    stamp: &str,
    now: i64,
    min_age: i64,
    max_age: i64,
) -> Result<(), StampProblem> {
    let (unix, _) = stamp.split_once('.').ok_or(StampProblem::Invalid)?;
    let unix: i64 = unix.parse().map_err(|_| StampProblem::Invalid)?;
    if sign(secrets, post_id, unix) != stamp {
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
        let stamp = sign(&s, 7, 1_000);
        assert_eq!(
            check(&s, 7, &stamp, 1_001, 3, 100),
            Err(StampProblem::TooFast)
        );
        assert_eq!(check(&s, 7, &stamp, 1_010, 3, 100), Ok(()));
        assert_eq!(
            check(&s, 7, &stamp, 1_200, 3, 100),
            Err(StampProblem::TooOld)
        );
    }

    #[test]
    fn a_forged_or_moved_stamp_is_invalid() {
        let s = secrets();
        let stamp = sign(&s, 7, 1_000);
        assert_eq!(
            check(&s, 8, &stamp, 1_010, 3, 100),
            Err(StampProblem::Invalid)
        );
        assert_eq!(
            check(&s, 7, "999.abc", 1_010, 3, 100),
            Err(StampProblem::Invalid)
        );
        assert_eq!(check(&s, 7, "", 1_010, 3, 100), Err(StampProblem::Invalid));
    }
}
