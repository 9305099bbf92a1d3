//! Post bodies are written in Markdown and stored alongside their sanitized HTML, so a page
//! view never parses Markdown.

use pulldown_cmark::{Options, Parser, html};

/// Markdown to HTML that is safe to put in a page: whatever the Markdown contains (raw HTML
/// included) passes through ammonia's allow-list.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::clean(&unsafe_html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_paragraphs_and_headings() {
        let html = to_safe_html("First.\n\n## How?\n\nSecond.");
        assert_eq!(html, "<p>First.</p>\n<h2>How?</h2>\n<p>Second.</p>\n");
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
