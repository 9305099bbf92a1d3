//! Reading a WordPress export (WXR 1.0, 1.1, 1.2) with quick-xml into plain structs.
//! Elements are known by their namespace, not their prefix, and the `wp:` namespace may be
//! spelled with `http://` or `https://` and any export version.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// The whole export, in file order.
#[derive(Debug, Default)]
pub struct Export {
    pub wxr_version: String,
    /// `wp:base_blog_url`, else the channel's `<link>`: the source site, which keys the
    /// record of what was imported.
    pub base_blog_url: String,
    pub authors: Vec<Author>,
    pub categories: Vec<Term>,
    pub tags: Vec<Term>,
    pub items: Vec<Item>,
}

#[derive(Debug, Default, Clone)]
pub struct Author {
    pub login: String,
    pub email: String,
    pub display_name: String,
}

/// A category or a tag.
#[derive(Debug, Default, Clone)]
pub struct Term {
    pub wp_id: Option<i64>,
    pub slug: String,
    pub name: String,
    /// The parent category's slug (categories only; empty at the top).
    pub parent: String,
    pub description: String,
}

/// A `<category>` of an item: `domain` is `category` or `post_tag` (or another taxonomy).
#[derive(Debug, Default, Clone)]
pub struct ItemTerm {
    pub domain: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Default, Clone)]
pub struct Item {
    pub title: String,
    pub link: String,
    pub guid: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub wp_id: i64,
    pub post_date: String,
    pub post_date_gmt: String,
    pub post_modified: String,
    pub post_modified_gmt: String,
    pub comment_status: String,
    pub post_name: String,
    pub status: String,
    pub post_parent: i64,
    pub post_type: String,
    pub post_password: String,
    pub is_sticky: bool,
    pub attachment_url: String,
    pub terms: Vec<ItemTerm>,
    /// (key, value) of each `wp:postmeta`.
    pub meta: Vec<(String, String)>,
    pub comments: Vec<Comment>,
}

impl Item {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default, Clone)]
pub struct Comment {
    pub wp_id: i64,
    pub author: String,
    pub author_email: String,
    pub author_url: String,
    pub date: String,
    pub date_gmt: String,
    pub content: String,
    pub approved: String,
    pub comment_type: String,
    pub parent: i64,
}

/// A file that is not well-formed XML (or not an export), with where it went wrong.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ParseError {
    fn at(xml: &str, offset: u64, message: String) -> ParseError {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(xml.len());
        let before = &xml.as_bytes()[..offset];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        ParseError {
            line,
            column,
            message,
        }
    }
}

/// Which vocabulary an element belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    /// RSS itself: no namespace.
    Rss,
    Wp,
    Excerpt,
    Content,
    Dc,
    Other,
}

fn namespace_of(uri: &[u8]) -> Ns {
    let uri = String::from_utf8_lossy(uri);
    let bare = uri
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    if bare.starts_with("wordpress.org/export/") {
        if bare.contains("/excerpt") {
            Ns::Excerpt
        } else {
            Ns::Wp
        }
    } else if bare.starts_with("purl.org/rss/1.0/modules/content") {
        Ns::Content
    } else if bare.starts_with("purl.org/dc/elements/") {
        Ns::Dc
    } else {
        Ns::Other
    }
}

/// Where the parser is: which record the next leaf element fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    Channel,
    Author,
    Category,
    Tag,
    Item,
    ItemTerm,
    Meta,
    Comment,
}

#[derive(Default)]
struct Builder {
    export: Export,
    author: Author,
    term: Term,
    item: Item,
    item_term: ItemTerm,
    meta: (String, String),
    comment: Comment,
    contexts: Vec<Context>,
}

impl Builder {
    fn context(&self) -> Option<Context> {
        self.contexts.last().copied()
    }

    /// A container element opens: returns whether it was one.
    fn open(&mut self, ns: Ns, name: &str, start: &BytesStart) -> bool {
        let context = match (self.context(), ns, name) {
            (None, Ns::Rss, "channel") => Context::Channel,
            (Some(Context::Channel), Ns::Wp, "author") => Context::Author,
            (Some(Context::Channel), Ns::Wp, "category") => Context::Category,
            (Some(Context::Channel), Ns::Wp, "tag") => Context::Tag,
            (Some(Context::Channel), Ns::Rss, "item") => Context::Item,
            (Some(Context::Item), Ns::Rss, "category") => {
                self.item_term = ItemTerm::default();
                for attribute in start.attributes().flatten() {
                    let value = attribute
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match attribute.key.local_name().as_ref() {
                        b"domain" => self.item_term.domain = value,
                        b"nicename" => self.item_term.slug = value,
                        _ => {}
                    }
                }
                Context::ItemTerm
            }
            (Some(Context::Item), Ns::Wp, "postmeta") => Context::Meta,
            (Some(Context::Item), Ns::Wp, "comment") => Context::Comment,
            _ => return false,
        };
        match context {
            Context::Author => self.author = Author::default(),
            Context::Category | Context::Tag => self.term = Term::default(),
            Context::Item => self.item = Item::default(),
            Context::Meta => self.meta = Default::default(),
            Context::Comment => self.comment = Comment::default(),
            _ => {}
        }
        self.contexts.push(context);
        true
    }

    /// A container element closes: its record is complete.
    fn close(&mut self, context: Context, text: String) {
        match context {
            Context::Author => self.export.authors.push(std::mem::take(&mut self.author)),
            Context::Category => self.export.categories.push(std::mem::take(&mut self.term)),
            Context::Tag => self.export.tags.push(std::mem::take(&mut self.term)),
            Context::Item => self.export.items.push(std::mem::take(&mut self.item)),
            Context::ItemTerm => {
                let mut term = std::mem::take(&mut self.item_term);
                term.name = text.trim().to_owned();
                self.item.terms.push(term);
            }
            Context::Meta => self.item.meta.push(std::mem::take(&mut self.meta)),
            Context::Comment => self.item.comments.push(std::mem::take(&mut self.comment)),
            Context::Channel => {}
        }
    }

    /// A leaf element's text, by where it stands.
    fn leaf(&mut self, ns: Ns, name: &str, text: String) {
        let number = |text: &str| text.trim().parse::<i64>().unwrap_or(0);
        match (self.context(), ns) {
            (Some(Context::Channel), Ns::Wp) => match name {
                "wxr_version" => self.export.wxr_version = text.trim().to_owned(),
                "base_blog_url" => self.export.base_blog_url = text.trim().to_owned(),
                _ => {}
            },
            (Some(Context::Channel), Ns::Rss)
                if name == "link" && self.export.base_blog_url.is_empty() =>
            {
                self.export.base_blog_url = text.trim().to_owned();
            }
            (Some(Context::Author), Ns::Wp) => match name {
                "author_login" => self.author.login = text.trim().to_owned(),
                "author_email" => self.author.email = text.trim().to_owned(),
                "author_display_name" => self.author.display_name = text.trim().to_owned(),
                _ => {}
            },
            (Some(Context::Category | Context::Tag), Ns::Wp) => match name {
                "term_id" => self.term.wp_id = text.trim().parse().ok(),
                "category_nicename" | "tag_slug" => self.term.slug = text.trim().to_owned(),
                "cat_name" | "tag_name" => self.term.name = text.trim().to_owned(),
                "category_parent" => self.term.parent = text.trim().to_owned(),
                "category_description" | "tag_description" => self.term.description = text,
                _ => {}
            },
            (Some(Context::Item), Ns::Rss) => match name {
                "title" => self.item.title = text,
                "link" => self.item.link = text.trim().to_owned(),
                "guid" => self.item.guid = text.trim().to_owned(),
                _ => {}
            },
            (Some(Context::Item), Ns::Dc) if name == "creator" => {
                self.item.creator = text.trim().to_owned()
            }
            (Some(Context::Item), Ns::Content) if name == "encoded" => self.item.content = text,
            (Some(Context::Item), Ns::Excerpt) if name == "encoded" => self.item.excerpt = text,
            (Some(Context::Item), Ns::Wp) => {
                let item = &mut self.item;
                match name {
                    "post_id" => item.wp_id = number(&text),
                    "post_date" => item.post_date = text.trim().to_owned(),
                    "post_date_gmt" => item.post_date_gmt = text.trim().to_owned(),
                    "post_modified" => item.post_modified = text.trim().to_owned(),
                    "post_modified_gmt" => item.post_modified_gmt = text.trim().to_owned(),
                    "comment_status" => item.comment_status = text.trim().to_owned(),
                    "post_name" => item.post_name = text.trim().to_owned(),
                    "status" => item.status = text.trim().to_owned(),
                    "post_parent" => item.post_parent = number(&text),
                    "post_type" => item.post_type = text.trim().to_owned(),
                    "post_password" => item.post_password = text,
                    "is_sticky" => item.is_sticky = text.trim() == "1",
                    "attachment_url" => item.attachment_url = text.trim().to_owned(),
                    _ => {}
                }
            }
            (Some(Context::Meta), Ns::Wp) => match name {
                "meta_key" => self.meta.0 = text.trim().to_owned(),
                "meta_value" => self.meta.1 = text,
                _ => {}
            },
            (Some(Context::Comment), Ns::Wp) => {
                let comment = &mut self.comment;
                match name {
                    "comment_id" => comment.wp_id = number(&text),
                    "comment_author" => comment.author = text.trim().to_owned(),
                    "comment_author_email" => comment.author_email = text.trim().to_owned(),
                    "comment_author_url" => comment.author_url = text.trim().to_owned(),
                    "comment_date" => comment.date = text.trim().to_owned(),
                    "comment_date_gmt" => comment.date_gmt = text.trim().to_owned(),
                    "comment_content" => comment.content = text,
                    "comment_approved" => comment.approved = text.trim().to_owned(),
                    "comment_type" => comment.comment_type = text.trim().to_owned(),
                    "comment_parent" => comment.parent = number(&text),
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// Reads a whole export. Text, CDATA sections (also a `]]>` split over two of them) and
/// entity references of an element are joined into one string.
pub fn parse(xml: &str) -> Result<Export, ParseError> {
    let mut reader = NsReader::from_str(xml);
    let mut builder = Builder::default();
    // Open elements: (namespace, local name, whether it is a container).
    let mut open: Vec<(Ns, String, bool)> = Vec::new();
    let mut text = String::new();
    let mut saw_rss = false;
    loop {
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(pair) => pair,
            Err(e) => {
                return Err(ParseError::at(xml, reader.error_position(), e.to_string()));
            }
        };
        let ns = match resolved {
            ResolveResult::Bound(namespace) => namespace_of(namespace.as_ref()),
            ResolveResult::Unbound => Ns::Rss,
            ResolveResult::Unknown(_) => Ns::Other,
        };
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if open.is_empty() {
                    saw_rss = ns == Ns::Rss && name == "rss";
                }
                let container = builder.open(ns, &name, &start);
                open.push((ns, name, container));
                text.clear();
            }
            Event::Empty(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if builder.open(ns, &name, &start) {
                    if let Some(context) = builder.contexts.pop() {
                        builder.close(context, String::new());
                    }
                } else {
                    builder.leaf(ns, &name, String::new());
                }
            }
            Event::End(_) => {
                let Some((ns, name, container)) = open.pop() else {
                    continue;
                };
                let value = std::mem::take(&mut text);
                if container {
                    if let Some(context) = builder.contexts.pop() {
                        builder.close(context, value);
                    }
                } else {
                    builder.leaf(ns, &name, value);
                }
            }
            Event::Text(t) => {
                let decoded = t
                    .xml_content(XmlVersion::Implicit1_0)
                    .map_err(|e| ParseError::at(xml, reader.buffer_position(), e.to_string()))?;
                text.push_str(&decoded);
            }
            Event::CData(t) => {
                let decoded = t
                    .xml_content(XmlVersion::Implicit1_0)
                    .map_err(|e| ParseError::at(xml, reader.buffer_position(), e.to_string()))?;
                text.push_str(&decoded);
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap_or_default().into_owned();
                match reference.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    _ => match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(resolved) => text.push_str(resolved),
                        None => {
                            return Err(ParseError::at(
                                xml,
                                reader.buffer_position(),
                                format!("unknown entity &{name};"),
                            ));
                        }
                    },
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((_, name, _)) = open.last() {
        return Err(ParseError::at(
            xml,
            xml.len() as u64,
            format!("the file ends before <{name}> is closed"),
        ));
    }
    if !saw_rss {
        return Err(ParseError::at(
            xml,
            0,
            "this is not a WordPress export: it has no <rss> element".to_owned(),
        ));
    }
    Ok(builder.export)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(channel: &str, ns: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="{ns}excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{ns}">
<channel><title>T</title><link>https://old.example</link>{channel}</channel></rss>"#
        )
    }

    #[test]
    fn cdata_split_around_its_end_marker_is_one_text() {
        let xml = wrap(
            "<item><title>A &amp; B</title><content:encoded><![CDATA[x ]]]]><![CDATA[> y]]></content:encoded><wp:post_id>7</wp:post_id></item>",
            "http://wordpress.org/export/1.2/",
        );
        let export = parse(&xml).expect("parses");
        assert_eq!(export.items[0].title, "A & B");
        assert_eq!(export.items[0].content, "x ]]> y");
        assert_eq!(export.items[0].wp_id, 7);
        assert_eq!(export.base_blog_url, "https://old.example");
    }

    #[test]
    fn the_wp_namespace_is_known_by_its_uri_in_any_version_and_scheme() {
        for ns in [
            "http://wordpress.org/export/1.0/",
            "https://wordpress.org/export/1.1/",
            "https://wordpress.org/export/1.2/",
        ] {
            let xml = wrap(
                "<item><wp:post_type>page</wp:post_type><excerpt:encoded>E</excerpt:encoded></item>",
                ns,
            );
            let export = parse(&xml).expect("parses");
            assert_eq!(export.items[0].post_type, "page", "{ns}");
            assert_eq!(export.items[0].excerpt, "E", "{ns}");
        }
    }

    #[test]
    fn a_broken_file_names_its_line() {
        let xml = wrap(
            "<item>\n<title>ok</title>\n<wp:post_id>1</wp:post_name>\n</item>",
            "https://wordpress.org/export/1.2/",
        );
        let error = parse(&xml).expect_err("malformed");
        assert_eq!(error.line, 5, "{error}");
        let unclosed = parse("<rss><channel><item>").expect_err("unclosed");
        assert!(unclosed.message.contains("<item>"), "{unclosed}");
        assert!(parse("<html></html>").is_err());
    }

    #[test]
    fn item_categories_keep_their_domain_and_slug() {
        let xml = wrap(
            r#"<item><category domain="post_tag" nicename="a-b"><![CDATA[A B]]></category><category domain="category" nicename="c">C</category></item>"#,
            "https://wordpress.org/export/1.2/",
        );
        let export = parse(&xml).expect("parses");
        let terms = &export.items[0].terms;
        assert_eq!(terms.len(), 2);
        assert_eq!(
            (
                terms[0].domain.as_str(),
                terms[0].slug.as_str(),
                terms[0].name.as_str()
            ),
            ("post_tag", "a-b", "A B")
        );
    }
}
