//! A comment's text as HTML: paragraphs, line breaks, bare URLs made into links, and a
//! small allow-list of markup (as WordPress allows); any other markup is shown as text.
//! ammonia has the last word on what reaches the page.

use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use linkify::{LinkFinder, LinkKind};

/// The version of the rules below. Stored with each comment's HTML: raise it when the rules
/// change, and `store::rerender_outdated` renders the stored comments again.
pub const RENDER_VERSION: i32 = 1;

/// The tags a commenter may use; everything else is escaped and shown as typed.
pub const ALLOWED_TAGS: [&str; 11] = [
    "a",
    "b",
    "blockquote",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "q",
    "s",
    "strong",
];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .add_tags(ALLOWED_TAGS)
        .add_tags(["p", "br"])
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("blockquote", ["cite"])
        .add_tag_attributes("q", ["cite"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(UrlRelative::Deny)
        .attribute_filter(|_, attribute, value| match attribute {
            // ammonia checks the scheme of href, not of cite.
            "cite" => is_safe_cite(value).then(|| value.into()),
            _ => Some(value.into()),
        })
        .link_rel(Some("nofollow ugc noopener"));
    builder
});

/// The comment as safe HTML.
pub fn to_html(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let marked = mark_up(&text);
    SANITIZER.clean(&paragraphs(&marked)).to_string()
}

/// How many links the comment would show (for the "hold with N links" rule).
pub fn link_count(text: &str) -> usize {
    let html = to_html(text);
    html.matches("<a ").count()
}

/// Allowed tags kept raw, other text escaped with its bare URLs linked.
fn mark_up(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut open_links = 0usize;
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        let (before, from_lt) = rest.split_at(at);
        push_text(&mut out, before, open_links == 0);
        match allowed_tag(from_lt) {
            Some((tag, name, closing)) => {
                if name == "a" {
                    open_links = if closing {
                        open_links.saturating_sub(1)
                    } else {
                        open_links + 1
                    };
                }
                out.push_str(tag);
                rest = &from_lt[tag.len()..];
            }
            None => {
                out.push_str("&lt;");
                rest = &from_lt[1..];
            }
        }
    }
    push_text(&mut out, rest, open_links == 0);
    out
}

/// `<name …>` or `</name>` at the start of `text`, if `name` is allowed:
/// (the whole tag, the lower-case name, whether it closes).
fn allowed_tag(text: &str) -> Option<(&str, String, bool)> {
    let end = text.find('>')?;
    let tag = &text[..=end];
    if tag.len() > 600 || tag[1..].contains('<') {
        return None;
    }
    let inner = &tag[1..tag.len() - 1];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    let after_name = &inner[name.len()..];
    let well_formed = after_name.is_empty() || after_name.starts_with(char::is_whitespace);
    (ALLOWED_TAGS.contains(&name.as_str()) && well_formed).then_some((tag, name, closing))
}

fn push_text(out: &mut String, text: &str, link_urls: bool) {
    if !link_urls {
        push_escaped(out, text);
        return;
    }
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    for span in finder.spans(text) {
        match span.kind() {
            Some(LinkKind::Url) if is_web_url(span.as_str()) => {
                out.push_str("<a href=\"");
                push_escaped(out, span.as_str());
                out.push_str("\">");
                push_escaped(out, span.as_str());
                out.push_str("</a>");
            }
            _ => push_escaped(out, span.as_str()),
        }
    }
}

fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Whether a `cite` URL may stay: http(s), or relative (no scheme at all). Browsers drop
/// tabs and newlines and trim control characters and spaces before reading the scheme.
fn is_safe_cite(url: &str) -> bool {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(path)) if path < colon => true,
        (Some(_), _) => is_web_url(&url),
        (None, _) => true,
    }
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Blank lines separate paragraphs; single newlines are line breaks.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_make_paragraphs_and_newlines_breaks() {
        assert_eq!(
            to_html("One\ntwo\n\nThree"),
            "<p>One<br>\ntwo</p>\n<p>Three</p>"
        );
    }

    #[test]
    fn allowed_markup_stays_and_other_markup_is_shown_as_text() {
        let html = to_html("<strong>Yes</strong> <u>under</u> <em>it</em>");
        assert_eq!(
            html,
            "<p><strong>Yes</strong> &lt;u&gt;under&lt;/u&gt; <em>it</em></p>"
        );
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let html = to_html(
            "<script>alert(1)</script><b onclick=\"alert(1)\">x</b>\
             <a href=\"javascript:alert(1)\">y</a><img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn bare_urls_become_nofollow_ugc_links() {
        let html = to_html("See https://example.com/a?b=1&c=2 now");
        assert_eq!(
            html,
            "<p>See <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">\
             https://example.com/a?b=1&amp;c=2</a> now</p>"
        );
        assert_eq!(link_count("https://a.example and https://b.example"), 2);
    }

    #[test]
    fn links_inside_anchors_are_not_linked_twice() {
        let html = to_html("<a href=\"https://x.example\">https://x.example</a>");
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(html.contains("rel=\"nofollow ugc noopener\""));
    }

    #[test]
    fn broken_markup_is_closed_and_stray_brackets_are_text() {
        let html = to_html("<b>bold and 3 < 4 > 2 <i");
        assert!(
            html.starts_with("<p><b>bold and 3 &lt; 4 &gt; 2 &lt;i"),
            "{html}"
        );
        assert!(html.ends_with("</b></p>"), "{html}");
    }

    #[test]
    fn cite_keeps_only_web_and_relative_urls() {
        let html = to_html(
            "<blockquote cite=\"javascript:alert(1)\">a</blockquote>\
             <q cite=\" JaVa\tScript:alert(1)\">b</q>\
             <q cite=\"data:text/html,x\">c</q>\
             <q cite=\"https://ok.example/src\">d</q>\
             <q cite=\"/posts/other\">e</q>",
        );
        assert!(!html.to_ascii_lowercase().contains("script:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("cite=\"https://ok.example/src\""), "{html}");
        assert!(html.contains("cite=\"/posts/other\""), "{html}");
        assert!(is_safe_cite("page?x=a:b"));
        assert!(!is_safe_cite("vbscript:x"));
    }

    #[test]
    fn attribute_tricks_cannot_break_out() {
        let html = to_html("<a href=\"https://x.example\" title='\"><script>x</script>'>t</a>");
        assert!(!html.contains("<script"), "{html}");
    }
}
