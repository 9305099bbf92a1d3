//! The plain text of stored HTML, for the search index: indexing the HTML itself would make
//! tag and attribute names ("strong", "href") searchable and put markup into snippets.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Elements inside a word ("<em>fine</em>ly"): no space where they start or end. Every
/// other tag separates words ("<p>one</p><p>two</p>" is "one two").
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
];

/// Elements whose content is not text a reader sees.
const HIDDEN: &[&str] = &["script", "style", "template", "noscript"];

/// The text a reader sees in `html`: tags dropped, entities decoded, whitespace collapsed to
/// single spaces, control characters removed (search snippets use them as highlight marks).
pub fn plain_text(html: &str) -> String {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(TextSink::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.text.into_inner()
}

#[derive(Default)]
struct TextSink {
    text: RefCell<String>,
    /// Inside `<script>` and the like: characters are skipped.
    hidden: RefCell<Option<String>>,
}

impl TextSink {
    fn push_text(&self, chars: &str) {
        let mut text = self.text.borrow_mut();
        for c in chars.chars() {
            if c.is_whitespace() {
                Self::push_space(&mut text);
            } else if !c.is_control() {
                text.push(c);
            }
        }
    }

    fn push_space(text: &mut String) {
        if !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
    }
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut hidden = self.hidden.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if let Some(open) = hidden.as_deref() {
                    if tag.kind == TagKind::EndTag && open == name {
                        *hidden = None;
                    }
                    return TokenSinkResult::Continue;
                }
                if !INLINE.contains(&name) {
                    Self::push_space(&mut self.text.borrow_mut());
                }
                if tag.kind == TagKind::StartTag && !tag.self_closing && HIDDEN.contains(&name) {
                    *hidden = Some(name.to_owned());
                    // As a browser reads them: "<" inside a script does not start a tag.
                    let raw = if name == "script" {
                        RawKind::ScriptData
                    } else {
                        RawKind::Rawtext
                    };
                    return TokenSinkResult::RawData(raw);
                }
            }
            Token::CharacterTokens(chars) if hidden.is_none() => self.push_text(&chars),
            Token::EOFToken => {
                let mut text = self.text.borrow_mut();
                let trimmed = text.trim_end().len();
                text.truncate(trimmed);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn tags_go_and_block_elements_separate_words() {
        assert_eq!(
            plain_text("<h2>Why</h2><p>One <strong>fine</strong>ly made</p><p>serum.</p>"),
            "Why One finely made serum."
        );
        assert_eq!(plain_text("line<br>break<hr>rule"), "line break rule");
    }

    #[test]
    fn attribute_values_and_tag_names_are_not_text() {
        let text = plain_text(
            r#"<p><a href="https://example.com/strong" title="secret">link</a> <img src="x.png" alt="photo"></p>"#,
        );
        assert_eq!(text, "link");
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(
            plain_text(
                "<p>Fish &amp; chips &lt;script&gt; &quot;quoted&quot; &#8217; &nbsp;x &amp;amp;</p>"
            ),
            "Fish & chips <script> \"quoted\" ’ x &amp;"
        );
    }

    #[test]
    fn scripts_styles_and_comments_are_not_text() {
        assert_eq!(
            plain_text(
                "<p>a</p><script>if (a<b) alert('</p>')</script><style>p{}</style><!-- note --><p>b</p>"
            ),
            "a b"
        );
    }

    #[test]
    fn whitespace_collapses_and_control_characters_go() {
        assert_eq!(plain_text("  <p>\n one\t\u{2}two\u{3}  </p>\n"), "one two");
        assert_eq!(plain_text(""), "");
        assert_eq!(plain_text("<p></p>"), "");
    }

    #[test]
    fn broken_markup_still_gives_its_text() {
        assert_eq!(plain_text("<p>unclosed <em>tag"), "unclosed tag");
        assert_eq!(plain_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(
            plain_text("日本語 <b>テキスト</b> 😀 café"),
            "日本語 テキスト 😀 café"
        );
    }
}
