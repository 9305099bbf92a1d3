//! WordPress post content to the HTML an imported post keeps as its source: Gutenberg block
//! comments dropped (the HTML between them kept), `[caption]` as a figure, embeds as links,
//! WordPress's known shortcodes dropped (their inner text kept; unknown `[words]` stay as
//! typed), and wpautop's paragraphs. The result is sanitized when rendered
//! (`posts::markdown::render`), like every post body.

use std::sync::LazyLock;

use regex_lite::{Captures, Regex};

/// Tags wpautop treats as blocks: never wrapped in a paragraph.
const BLOCK_TAGS: &str = "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|object|video|audio";

/// WordPress core and Jetpack shortcodes: their brackets are dropped. Any other `[word]`
/// is text (it may be a citation mark, not a shortcode).
const SHORTCODES: &str = "gallery|audio|video|playlist|embed|wpvideo|youtube|vimeo|twitter|tweet|soundcloud|googlemaps|instagram|flickr|slideshow|contact-form|contact-field|recipe|archives|sitemap|code|sourcecode";

static BLOCK_COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!--\s*/?wp:[^>]*?-->\n?").expect("a valid pattern"));
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\[(?:wp_)?caption[^\]]*\](.*?)\[/(?:wp_)?caption\]").expect("a valid pattern")
});
static CAPTION_MEDIA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^\s*((?:<a [^>]*>\s*)?<img [^>]*>(?:\s*</a>)?)(.*)$").expect("a valid pattern")
});
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\[/?(?:{SHORTCODES})(?:\s[^\]]*)?/?\]")).expect("a valid pattern")
});
static GALLERY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[gallery([^\]]*)\]").expect("a valid pattern"));
static GALLERY_IDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bids\s*=\s*["']?([0-9, ]+)"#).expect("a valid pattern"));
static EMBED_SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[embed[^\]]*\]\s*(https?://[^\s\[<]+)\s*\[/embed\]").expect("a valid pattern")
});
static URL_SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(?:youtube|vimeo|twitter|tweet|soundcloud|instagram|flickr)\s+(https?://[^\s\]]+)[^\]]*\]")
        .expect("a valid pattern")
});
/// A URL alone on its line (WordPress's oEmbed): kept as a link.
static BARE_URL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(https?://[^\s<>\x22]+)[ \t]*$").expect("a valid pattern")
});
static PRE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<pre[\s>].*?</pre>").expect("a valid pattern"));
static BEFORE_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)(<(?:{BLOCK_TAGS})[\s/>])")).expect("a valid pattern")
});
static AFTER_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)(</(?:{BLOCK_TAGS})>)")).expect("a valid pattern"));
static STARTS_WITH_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)^</?(?:{BLOCK_TAGS})[\s/>]")).expect("a valid pattern")
});
/// WordPress's caption markup before HTML5: `<dl class="wp-caption"><dt>image</dt><dd>text</dd></dl>`.
static OLD_CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<dl[^>]*class="[^"]*wp-caption[^"]*"[^>]*>(.*?)</dl>"#)
        .expect("a valid pattern")
});
static OLD_CAPTION_PARTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<(dt|dd)[^>]*>(.*?)</(?:dt|dd)>").expect("a valid pattern"));
/// Elements HTML no longer has, and what they are now.
static OBSOLETE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<(/?)(acronym|tt|strike)(\s|>|/)").expect("a valid pattern"));
/// `cite` must be a URL: WordPress's editor wrote words there ("deleted it").
static CITE_WITH_SPACES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\scite=(?:"[^"]*\s[^"]*"|'[^']*\s[^']*')"#).expect("a valid pattern")
});
static A_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<a(?:\s[^>]*)?>").expect("a valid pattern"));
static HREF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).expect("a valid pattern")
});
static PARAGRAPH_BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n[ \t]*\n\s*").expect("a valid pattern"));

/// An image a `[gallery]` shows: its address and alt text.
pub struct Image {
    pub url: String,
    pub alt: String,
}

/// A post's content as HTML (still to be sanitized). `gallery` gives the images of a
/// `[gallery ids="…"]`, or with no ids, those attached to the post.
pub fn to_html(content: &str, gallery: &dyn Fn(&[i64]) -> Vec<Image>) -> String {
    let text = content.replace("\r\n", "\n").replace('\r', "\n");
    let text = BLOCK_COMMENT.replace_all(&text, "");
    let text = CAPTION.replace_all(&text, |c: &Captures| caption_figure(&c[1]));
    let text = GALLERY.replace_all(&text, |c: &Captures| {
        let ids: Vec<i64> = GALLERY_IDS
            .captures(&c[1])
            .map(|ids| {
                ids[1]
                    .split(',')
                    .filter_map(|id| id.trim().parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        gallery_figure(&gallery(&ids))
    });
    let text = EMBED_SHORTCODE.replace_all(&text, |c: &Captures| link_line(&c[1]));
    let text = URL_SHORTCODE.replace_all(&text, |c: &Captures| link_line(&c[1]));
    let text = SHORTCODE.replace_all(&text, "");
    let text = BARE_URL_LINE.replace_all(&text, |c: &Captures| link(&c[1]));
    autop(&modernize(&text))
}

/// Old markup made valid HTML: captions as figures, obsolete elements renamed, `cite`s
/// that are not addresses dropped, and links without a usable address unwrapped (buttons
/// of the block editor, typos like `hhttps:`; the sanitizer would drop the address and
/// leave a `rel`, which needs one).
pub fn modernize(html: &str) -> String {
    let html = OLD_CAPTION.replace_all(html, |c: &Captures| {
        let inner = OLD_CAPTION_PARTS.replace_all(&c[1], |p: &Captures| {
            if p[1].eq_ignore_ascii_case("dd") {
                format!("<figcaption>{}</figcaption>", &p[2])
            } else {
                p[2].to_owned()
            }
        });
        format!("<figure class=\"wp-caption\">{inner}</figure>")
    });
    let html = OBSOLETE.replace_all(&html, |c: &Captures| {
        let now = match c[2].to_ascii_lowercase().as_str() {
            "acronym" => "abbr",
            "tt" => "code",
            _ => "s",
        };
        format!("<{}{now}{}", &c[1], &c[3])
    });
    let html = CITE_WITH_SPACES.replace_all(&html, "");
    unwrap_links_without_href(&html)
}

fn unwrap_links_without_href(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(found) = A_TAG.find(rest) {
        out.push_str(&rest[..found.start()]);
        let tag = found.as_str();
        rest = &rest[found.end()..];
        if HREF
            .captures(tag)
            .is_some_and(|c| is_usable_href(href_value(&c)))
        {
            out.push_str(tag);
            continue;
        }
        if let Some(close) = rest.to_ascii_lowercase().find("</a>") {
            out.push_str(&rest[..close]);
            rest = &rest[close + 4..];
        }
    }
    out.push_str(rest);
    out
}

/// A gallery as a figure of images, on lines of its own.
fn gallery_figure(images: &[Image]) -> String {
    if images.is_empty() {
        return String::new();
    }
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    let imgs: String = images
        .iter()
        .map(|image| {
            format!(
                "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
                escape(&image.url),
                escape(&image.alt)
            )
        })
        .collect();
    format!("\n\n<figure class=\"gallery\">{imgs}</figure>\n\n")
}

fn caption_figure(inner: &str) -> String {
    match CAPTION_MEDIA.captures(inner) {
        Some(parts) => format!(
            "<figure class=\"wp-caption\">{}<figcaption>{}</figcaption></figure>",
            &parts[1],
            parts[2].trim()
        ),
        None => format!("<figure class=\"wp-caption\">{}</figure>", inner.trim()),
    }
}

fn link(url: &str) -> String {
    // The URL may come HTML-escaped already (`&amp;` in a block's HTML).
    let escaped = url
        .replace("&amp;", "&")
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    format!("<a href=\"{escaped}\">{escaped}</a>")
}

/// On a line of its own, so wpautop makes it a paragraph.
fn link_line(url: &str) -> String {
    format!("\n{}\n", link(url))
}

/// wpautop: blank lines make paragraphs, single newlines `<br>`, except in blocks and
/// `<pre>` (kept as it is).
fn autop(text: &str) -> String {
    let mut kept: Vec<String> = Vec::new();
    let text = PRE.replace_all(text, |c: &Captures| {
        kept.push(c[0].to_owned());
        format!("\n\n<pre data-kept=\"{}\"></pre>\n\n", kept.len() - 1)
    });
    let text = BEFORE_BLOCK.replace_all(&text, "\n\n$1");
    let text = AFTER_BLOCK.replace_all(&text, "$1\n\n");
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for chunk in PARAGRAPH_BREAK.split(&text) {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if STARTS_WITH_BLOCK.is_match(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>\n"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    for (i, pre) in kept.iter().enumerate() {
        out = out.replacen(&format!("<pre data-kept=\"{i}\"></pre>"), pre, 1);
    }
    out
}

fn href_value<'a>(captures: &Captures<'a>) -> &'a str {
    (1..=3)
        .find_map(|i| captures.get(i))
        .map_or("", |m| m.as_str())
}

/// A relative address, or one whose scheme the sanitizers keep.
fn is_usable_href(href: &str) -> bool {
    let href = href.trim();
    let scheme_end = href.find(':');
    let path_start = href.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(path)) if colon > path => !href.is_empty(),
        (Some(colon), _) => {
            let scheme = href[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        (None, _) => !href.is_empty(),
    }
}

/// The plain text of a title or name that WordPress may have stored with entities.
pub fn plain(text: &str) -> String {
    let cleaned = ammonia::Builder::empty().clean(text).to_string();
    cleaned
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html_of(content: &str) -> String {
        to_html(content, &|_| Vec::new())
    }

    #[test]
    fn a_gallery_is_a_figure_of_its_images() {
        let images = |ids: &[i64]| {
            let ids = if ids.is_empty() {
                vec![1, 2]
            } else {
                ids.to_vec()
            };
            ids.iter()
                .map(|id| Image {
                    url: format!("https://x.example/{id}.jpg"),
                    alt: format!("Image {id}"),
                })
                .collect()
        };
        let attached = to_html("[gallery columns=\"2\"]", &images);
        assert!(attached.contains("<figure class=\"gallery\"><img src=\"https://x.example/1.jpg\" alt=\"Image 1\" loading=\"lazy\"><img src=\"https://x.example/2.jpg\""), "{attached}");
        let chosen = to_html("[gallery ids=\"7, 8\"]", &images);
        assert!(chosen.contains("7.jpg") && chosen.contains("8.jpg") && !chosen.contains("1.jpg"));
        assert_eq!(to_html("[gallery]", &|_| Vec::new()), "");
    }

    #[test]
    fn blank_lines_are_paragraphs_and_single_newlines_breaks() {
        assert_eq!(
            html_of("One\ntwo\n\nThree"),
            "<p>One<br>\ntwo</p>\n<p>Three</p>\n"
        );
    }

    #[test]
    fn blocks_and_pre_are_left_as_they_are() {
        let html = html_of("<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<pre>x\n\ny</pre>\nafter");
        assert!(
            !html.contains("<p><ul>") && !html.contains("<p><li>"),
            "{html}"
        );
        assert!(html.contains("<pre>x\n\ny</pre>"), "{html}");
        assert!(html.contains("<p>after</p>"), "{html}");
    }

    #[test]
    fn block_comments_go_and_their_html_stays() {
        let html = html_of(
            "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:separator /-->",
        );
        assert_eq!(html, "<p>Hello</p>\n");
    }

    #[test]
    fn embeds_become_links() {
        let html = html_of(
            "<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=x\"} -->\n<figure class=\"wp-block-embed\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=x&amp;t=1\n</div></figure>\n<!-- /wp:embed -->\n\nhttps://vimeo.com/1\n\n[embed]https://twitter.com/a/status/1[/embed]",
        );
        assert!(
            html.contains("<a href=\"https://www.youtube.com/watch?v=x&amp;t=1\""),
            "{html}"
        );
        assert!(
            html.contains("<p><a href=\"https://vimeo.com/1\">"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://twitter.com/a/status/1\">"),
            "{html}"
        );
        assert!(!html.contains("[embed]"), "{html}");
    }

    #[test]
    fn captions_become_figures_and_known_shortcodes_go() {
        let html = html_of(
            "[caption id=\"a\" width=\"300\"]<img src=\"https://x.example/a.jpg\" alt=\"A\"> The caption[/caption]\n\n[gallery ids=\"1,2\"]\n\nSee [1] and [citation needed].",
        );
        assert!(
            html.contains(
                "<figure class=\"wp-caption\"><img src=\"https://x.example/a.jpg\" alt=\"A\">"
            ),
            "{html}"
        );
        assert!(
            html.contains("<figcaption>The caption</figcaption>\n</figure>"),
            "{html}"
        );
        assert!(!html.contains("[gallery"), "{html}");
        assert!(html.contains("[1] and [citation needed]"), "{html}");
    }

    #[test]
    fn old_markup_becomes_valid_html() {
        let html = modernize(
            "<dl class=\"wp-caption\"><dt><img src=\"a.jpg\"></dt><dd>Text</dd></dl><acronym title=\"x\">X</acronym><tt>t</tt><del cite=\"deleted it\">d</del><a class=\"button\">Go</a><a href=\"/x\">x</a><a href=\"hhttps://x.example\">typo</a>",
        );
        assert_eq!(
            html,
            "<figure class=\"wp-caption\"><img src=\"a.jpg\"><figcaption>Text</figcaption></figure><abbr title=\"x\">X</abbr><code>t</code><del>d</del>Go<a href=\"/x\">x</a>typo"
        );
    }

    #[test]
    fn titles_lose_their_markup_and_entities() {
        assert_eq!(plain("Tom &amp; <b>Jerry</b>"), "Tom & Jerry");
    }
}
