//! One spelling of an email address for comparing addresses: lookups and the unique index
//! use it, so `Ærin@example.com` and `ærin@example.com` are one account. The address as
//! typed is kept for display and for sending mail.

/// The Unicode lower case of the whole address, without surrounding blanks.
pub fn normalize(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn addresses_differing_only_in_case_are_one_address() {
        assert_eq!(normalize("Ærin@example.com"), "ærin@example.com");
        assert_eq!(normalize("ÆRIN@EXAMPLE.COM"), normalize("ærin@example.com"));
        assert_eq!(normalize("Zoë@Example.COM"), "zoë@example.com");
        assert_eq!(normalize("ÐÖRÜ@bücher.de"), "ðörü@bücher.de");
        assert_eq!(normalize("Mira@example.com"), "mira@example.com");
    }

    #[test]
    fn blanks_around_the_address_do_not_count() {
        assert_eq!(normalize("  mira@example.com \t"), "mira@example.com");
    }

    #[test]
    fn a_normalised_address_stays_as_it_is() {
        for email in ["ærin@example.com", "a.b+c@example.org", "ñandú@ejemplo.es"] {
            assert_eq!(normalize(&normalize(email)), normalize(email));
        }
    }
}
