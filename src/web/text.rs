//! Text as XML can carry it: XML 1.0 forbids most C0 control characters and U+FFFE/U+FFFF
//! even as character references, so one of them makes a feed not well-formed.

/// Whether XML 1.0 allows `c` in a document (its `Char` production): tab, newline,
/// carriage return, and everything from U+0020 except the surrogates, U+FFFE and U+FFFF.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// `text` without the characters XML forbids; borrowed when there are none.
pub fn strip_xml_disallowed(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|c| is_xml_char(*c)).collect())
    }
}

/// Strips the characters XML forbids from `text` in place.
pub fn strip_in_place(text: &mut String) {
    if !text.chars().all(is_xml_char) {
        text.retain(is_xml_char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_chars_are_tab_newline_return_and_everything_printable_but_fffe_and_ffff() {
        for c in [
            '\t', '\n', '\r', ' ', 'a', 'é', '\u{85}', '\u{D7FF}', '\u{E000}', '\u{FFFD}',
        ] {
            assert!(is_xml_char(c), "{c:?}");
        }
        assert!(is_xml_char('\u{1F600}'));
        assert!(is_xml_char('\u{10FFFF}'));
        for c in [
            '\u{0}', '\u{1}', '\u{2}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}',
        ] {
            assert!(!is_xml_char(c), "{c:?}");
        }
        assert!(!is_xml_char('\u{FFFE}'));
        assert!(!is_xml_char('\u{FFFF}'));
    }

    #[test]
    fn stripping_removes_only_what_xml_forbids() {
        assert!(matches!(
            strip_xml_disallowed("plain\ttext\r\n"),
            std::borrow::Cow::Borrowed("plain\ttext\r\n")
        ));
        assert_eq!(
            strip_xml_disallowed("a\u{2}b\u{FFFE}c\u{FFFF}d\u{0}\u{1F}é"),
            "abcdé"
        );
        let mut text = "Ana\u{2} Re\u{FFFE}ader".to_owned();
        strip_in_place(&mut text);
        assert_eq!(text, "Ana Reader");
    }
}
