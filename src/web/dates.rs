//! UTC timestamps: "now" for the database, the forms machines read, and [`DateStyle`]: the
//! site's time zone and date format (Settings → General) for what people read and type.

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

/// How the site writes dates and reads the times editors type: its time zone and date
/// format. Built from the settings of the request, so a change applies on the next one.
#[derive(Clone, Debug)]
pub struct DateStyle {
    zone: jiff::tz::TimeZone,
    /// A strftime pattern.
    date_pattern: &'static str,
}

impl Default for DateStyle {
    fn default() -> DateStyle {
        DateStyle::new("UTC", "F j, Y")
    }
}

impl DateStyle {
    /// `zone` an IANA name ("Europe/Paris"; unknown names are UTC), `format` one of the date
    /// formats General settings offers, in WordPress's notation.
    pub fn new(zone: &str, format: &str) -> DateStyle {
        DateStyle {
            zone: jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC),
            date_pattern: match format {
                "Y-m-d" => "%Y-%m-%d",
                "m/d/Y" => "%m/%d/%Y",
                "d/m/Y" => "%d/%m/%Y",
                _ => "%B %-d, %Y",
            },
        }
    }

    pub fn of(settings: &crate::settings::Settings) -> DateStyle {
        DateStyle::new(&settings.timezone, &settings.date_format)
    }

    fn local(&self, at: PrimitiveDateTime) -> jiff::ZonedDateTime {
        let seconds = at.assume_utc().unix_timestamp();
        jiff::Timestamp::from_second(seconds)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned_datetime(self.zone.clone())
    }

    /// "November 24, 2026" (or the format chosen), in the site's time zone.
    pub fn date(&self, at: PrimitiveDateTime) -> String {
        self.local(at).strftime(self.date_pattern).to_string()
    }

    /// "November 24, 2026 at 9:05".
    pub fn date_time(&self, at: PrimitiveDateTime) -> String {
        let local = self.local(at);
        format!(
            "{} at {}",
            local.strftime(self.date_pattern),
            local.strftime("%-H:%M")
        )
    }

    /// "2026-11-24T10:05", the value of an `<input type="datetime-local">`, in the site's zone.
    pub fn input_value(&self, at: PrimitiveDateTime) -> String {
        self.local(at).strftime("%Y-%m-%dT%H:%M").to_string()
    }

    /// Reads what an editor typed into a `datetime-local` field ("2026-11-24T10:05", seconds
    /// optional; a space instead of the T is accepted) as a UTC timestamp. `None` when it is
    /// not a date and time, or names a time the zone skips.
    pub fn parse_input(&self, text: &str) -> Option<PrimitiveDateTime> {
        let civil: jiff::civil::DateTime = text.trim().replacen(' ', "T", 1).parse().ok()?;
        let zoned = civil
            .to_zoned_datetime(self.zone.clone())
            .ok()
            .filter(|z| z.datetime() == civil)?;
        let utc = time::OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).ok()?;
        Some(PrimitiveDateTime::new(utc.date(), utc.time()))
    }

    /// Whether `name` is a time zone the site can use.
    pub fn zone_exists(name: &str) -> bool {
        jiff::tz::TimeZone::get(name).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_dates_in_the_sites_zone_and_format() {
        let at = parse("2026-11-04 23:30:00").unwrap();
        assert_eq!(DateStyle::default().date(at), "November 4, 2026");
        let paris = DateStyle::new("Europe/Paris", "Y-m-d");
        assert_eq!(paris.date(at), "2026-11-05");
        assert_eq!(paris.date_time(at), "2026-11-05 at 0:30");
        assert_eq!(paris.input_value(at), "2026-11-05T00:30");
        assert_eq!(
            DateStyle::new("Nowhere/City", "d/m/Y").date(at),
            "04/11/2026"
        );
    }

    #[test]
    fn reads_typed_local_times_as_utc() {
        let paris = DateStyle::new("Europe/Paris", "F j, Y");
        let expected = parse("2026-11-04 23:30:00").unwrap();
        assert_eq!(paris.parse_input("2026-11-05T00:30"), Some(expected));
        assert_eq!(paris.parse_input("2026-11-05 00:30:00"), Some(expected));
        assert_eq!(paris.parse_input("tomorrow"), None);
        assert_eq!(paris.parse_input(""), None);
        // 02:30 does not happen in Paris on the last Sunday of March.
        assert_eq!(paris.parse_input("2026-03-29T02:30"), None);
        assert!(DateStyle::zone_exists("America/New_York"));
        assert!(!DateStyle::zone_exists("Mars/Olympus"));
    }

    #[test]
    fn formats_dates_for_people_and_machines() {
        let at = parse("2026-11-04 09:05:00").unwrap();
        assert_eq!(human(at), "November 4, 2026");
        assert_eq!(iso(at), "2026-11-04T09:05:00Z");
    }
}
