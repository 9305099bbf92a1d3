//! What a reader typed, made into search terms that cannot be read as query syntax: words
//! only (letters and digits of any script), so quotes, `AND`/`OR`/`NOT`/`NEAR`, `*`, `^`,
//! `:` and brackets are never operators, only separators or plain words.

/// At most this many words count; the rest of a long query is ignored.
pub const MAX_TERMS: usize = 8;
/// A longer word is cut to its first this many characters, and only then found as a prefix.
pub const MAX_TERM_CHARS: usize = 40;

/// The words of a query, lower-cased, each matched as a whole word (stemmed by the index, so
/// "routines" finds "routine"), not as the start of one: a prefix of a common word would
/// merge the lists of every word it starts, and cost with the size of the site. All must
/// occur (in any of the indexed fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terms(Vec<String>);

impl Terms {
    pub fn parse(typed: &str) -> Terms {
        let mut words: Vec<String> = Vec::new();
        for word in typed.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            let word: String = word.chars().take(MAX_TERM_CHARS).collect::<String>();
            let word = word.to_lowercase();
            if !words.contains(&word) {
                words.push(word);
            }
            if words.len() == MAX_TERMS {
                break;
            }
        }
        Terms(words)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// An FTS5 query: each word a quoted string (`"serum" "vitamin"`), so FTS5 reads no
    /// operator in it.
    pub fn fts5_match(&self) -> String {
        self.fts5_in("")
    }

    /// The same, each word required in one of `columns` (`{title excerpt}`), or anywhere
    /// if `columns` is empty.
    pub fn fts5_in(&self, columns: &str) -> String {
        let filter = if columns.is_empty() {
            String::new()
        } else {
            format!("{{{columns}}} : ")
        };
        self.0
            .iter()
            .map(|word| format!("{filter}\"{word}\"{}", prefix_mark(word, "*")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A PostgreSQL `to_tsquery` text: each word a quoted lexeme, all required
    /// (`'serum' & 'vitamin'`). `to_tsquery` rather than `plainto_tsquery` for the prefix
    /// mark of a cut word.
    pub fn tsquery(&self) -> String {
        self.0
            .iter()
            .map(|word| format!("'{word}'{}", prefix_mark(word, ":*")))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// `mark` for a word of [`MAX_TERM_CHARS`] (cut, perhaps), which is then found as the start of the
/// longer word typed.
fn prefix_mark(word: &str, mark: &'static str) -> &'static str {
    if word.chars().count() == MAX_TERM_CHARS {
        mark
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_whole_word_terms() {
        let terms = Terms::parse("Vitamin-C  serums!");
        assert_eq!(terms.words(), ["vitamin", "c", "serums"]);
        assert_eq!(terms.fts5_match(), "\"vitamin\" \"c\" \"serums\"");
        assert_eq!(terms.tsquery(), "'vitamin' & 'c' & 'serums'");
        assert_eq!(
            Terms::parse("skin barrier").fts5_in("title excerpt"),
            "{title excerpt} : \"skin\" {title excerpt} : \"barrier\""
        );
    }

    #[test]
    fn only_a_cut_word_is_a_prefix() {
        let long = "b".repeat(MAX_TERM_CHARS + 5);
        let terms = Terms::parse(&format!("a {long}"));
        let cut = "b".repeat(MAX_TERM_CHARS);
        assert_eq!(terms.fts5_match(), format!("\"a\" \"{cut}\"*"));
        assert_eq!(terms.tsquery(), format!("'a' & '{cut}':*"));
    }

    #[test]
    fn operators_and_punctuation_are_never_syntax() {
        let terms = Terms::parse(r#""exact" AND (a OR b) NOT c NEAR/2 d* ^e col:f '&|!<->"#);
        for word in terms.words() {
            assert!(word.chars().all(char::is_alphanumeric), "{word}");
        }
        assert!(!terms.fts5_match().contains(['(', ')', ':', '^', '\'']));
        assert!(!terms.tsquery().contains(['(', ')', '"', '|', '!', '<']));
        assert!(Terms::parse("\"\" *** ^: () !!! …").is_empty());
        assert!(Terms::parse("").is_empty());
    }

    #[test]
    fn unicode_words_are_kept_and_emoji_dropped() {
        let terms = Terms::parse("Crème BRÛLÉE 😀 日本語のテキスト");
        assert_eq!(terms.words(), ["crème", "brûlée", "日本語のテキスト"]);
    }

    #[test]
    fn long_queries_are_capped_in_words_and_word_length() {
        let many = (0..500)
            .map(|n| format!("w{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        let terms = Terms::parse(&many);
        assert_eq!(terms.words().len(), MAX_TERMS);
        assert_eq!(terms.words()[0], "w0");
        let long = "a".repeat(1_000);
        assert_eq!(
            Terms::parse(&long).words()[0].chars().count(),
            MAX_TERM_CHARS
        );
    }

    #[test]
    fn repeated_words_count_once() {
        assert_eq!(Terms::parse("serum Serum SERUM").words(), ["serum"]);
    }
}
