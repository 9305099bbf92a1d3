//! Post bodies are written in Markdown and stored alongside their sanitized HTML, so a page
//! view never parses Markdown.

use pulldown_cmark::{Options, Parser, html};

/// `posts.body_format` of a post written here.
pub const MARKDOWN: &str = "markdown";
/// `posts.body_format` of an imported post: its source is HTML, never read as Markdown
/// (indented HTML would become code blocks).
pub const HTML: &str = "html";

/// A post's body, in its `body_format`, as HTML that is safe to put in a page.
pub fn render(body_format: &str, body: &str) -> String {
    match body_format {
        HTML => ammonia::clean(body),
        _ => to_safe_html(body),
    }
}

/// Markdown to HTML that is safe to put in a page: whatever the Markdown contains (raw HTML
/// included) passes through ammonia's allow-list.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::clean(&unsafe_html)
}

/// The first words of a post's sanitized HTML as plain text, at most `max` characters (an
/// ellipsis when cut, at a word's end): a page's description when it has no excerpt.
pub fn plain_text_start(html: &str, max: usize) -> String {
    let text = text_of_html(html);
    let words: Vec<&str> = text.split_whitespace().collect();
    let whole = words.join(" ");
    if whole.chars().count() <= max {
        return whole;
    }
    let mut cut = String::new();
    for word in words {
        if cut.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = whole.chars().take(max - 1).collect();
    }
    cut.push('…');
    cut
}

/// The text of an HTML fragment: ammonia with no tags allowed keeps only text, written
/// with the serializer's four escapes, which are undone here.
fn text_of_html(html: &str) -> String {
    let text = ammonia::Builder::empty().clean(html).to_string();
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_leaves_markup_out_and_stops_at_a_word() {
        let html =
            to_safe_html("## Why\n\nA *bold* `claim` &amp; <b>raw</b> &lt;tag&gt; [a link](/x).");
        assert_eq!(
            plain_text_start(&html, 160),
            "Why A bold claim & raw <tag> a link."
        );
        let long = to_safe_html(&"word ".repeat(100));
        let cut = plain_text_start(&long, 20);
        assert_eq!(cut, "word word word word…");
        assert!(cut.chars().count() <= 20);
        let one = plain_text_start(&"x".repeat(50), 10);
        assert_eq!(one.chars().count(), 10);
        assert_eq!(plain_text_start("", 160), "");
    }

    #[test]
    fn renders_paragraphs_and_headings() {
        let html = to_safe_html("First.\n\n## How?\n\nSecond.");
        assert_eq!(html, "<p>First.</p>\n<h2>How?</h2>\n<p>Second.</p>\n");
    }

    #[test]
    fn an_html_body_is_sanitized_not_read_as_markdown() {
        let html = render(HTML, "<div>\n    <p>Indented</p>\n</div><script>x</script>");
        assert!(html.contains("<p>Indented</p>"), "{html}");
        assert!(
            !html.contains("<pre>") && !html.contains("<script"),
            "{html}"
        );
        assert!(render(MARKDOWN, "    code").contains("<pre>"));
    }

    #[test]
    fn strips_scripts_and_event_handlers() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
