//! UTC timestamps: "now" for the database, and the two forms pages show.

use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// The current UTC time, as stored in TIMESTAMP columns.
pub fn now() -> PrimitiveDateTime {
    let now = OffsetDateTime::now_utc();
    PrimitiveDateTime::new(now.date(), now.time())
}

/// "November 24, 2026"
pub fn human(at: PrimitiveDateTime) -> String {
    let format = format_description!("[month repr:long] [day padding:none], [year]");
    at.format(&format).unwrap_or_default()
}

/// "November 24, 2026 at 9:05"
pub fn human_with_time(at: PrimitiveDateTime) -> String {
    let format = format_description!(
        "[month repr:long] [day padding:none], [year] at [hour padding:none]:[minute]"
    );
    at.format(&format).unwrap_or_default()
}

/// "2026-11-24T09:00:00Z", for `<time datetime>` and feeds.
pub fn iso(at: PrimitiveDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.format(&format).unwrap_or_default()
}

/// Parses "2026-11-24 09:00:00" (UTC).
pub fn parse(text: &str) -> Result<PrimitiveDateTime, time::error::Parse> {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    PrimitiveDateTime::parse(text, &format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_for_people_and_machines() {
        let at = parse("2026-11-04 09:05:00").unwrap();
        assert_eq!(human(at), "November 4, 2026");
        assert_eq!(iso(at), "2026-11-04T09:05:00Z");
    }
}
