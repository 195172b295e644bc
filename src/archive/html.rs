//! The main text of a saved web page, and the details a page gives about
//! itself (title, address, publisher, date) for `cited source add`.
//!
//! The main text is found by `dom_smoothie`, a port of Mozilla's Readability
//! (Firefox's reader view): it scores the page's blocks by their text and
//! links and keeps the article, dropping scripts, styles, navigation,
//! cookie banners, sidebars, related links, share buttons and footers.
//! Measured on the real-shaped pages in `tests/fixtures/sources/` (a news
//! article and a health-information page with a table of contents), it kept
//! every paragraph, heading and list item of the article and dropped the
//! navigation, cookie banners, sidebar, related links, promotion, feedback
//! box and footers (it kept what sits inside the article: a breadcrumb,
//! the byline, a figure caption, the guide's contents list), in about
//! 0.2 ms a page (release build). `html2text` kept all the boilerplate (it
//! renders the whole page, with link lists and table borders), in 0.3 ms;
//! `scraper` parses in 0.1 ms but finding the main text would have meant
//! writing the rules ourselves.
//!
//! The article is then written out one block per line: paragraphs,
//! headings, list items, table rows (cells separated by a space), captions
//! and a `<br>` end a line; a `<pre>` keeps its lines. Images (and their
//! alt text), forms and buttons are dropped. Readability leaves out the
//! page's main title (it is the source's `title`) and, like any such
//! heuristic, can misjudge an unusual page: `cited source text` shows what
//! it kept. A page that shows its text only by running scripts has none to
//! find ([`Problem::HtmlWithoutText`]).
//!
//! Pages not in UTF-8 are decoded by their byte-order mark or `charset`
//! (`encoding_rs`), else as Windows-1252, as browsers do. This module must
//! not read files.

use std::borrow::Cow;

use dom_query::{Document, NodeRef};

use super::Problem;

/// The main text of the page in `bytes`, one paragraph per line.
pub fn extract(bytes: &[u8]) -> Result<String, Problem> {
    let html = decode(bytes);
    if nesting_depth(&html) > MAX_NESTING {
        return Err(Problem::HtmlUnreadable(format!(
            "its elements are nested more than {MAX_NESTING} deep, which no real page is"
        )));
    }
    let config = dom_smoothie::Config {
        // The text is written out below, block by block.
        text_mode: dom_smoothie::TextMode::Raw,
        ..Default::default()
    };
    let article = dom_smoothie::Readability::new(html.as_ref(), None, Some(config))
        .and_then(|mut readability| readability.parse())
        .map_err(|_| Problem::HtmlWithoutText)?;
    let content = Document::fragment(article.content.as_ref());
    let text = super::tidy(&block_text(&content.root()));
    if text.trim().is_empty() {
        return Err(Problem::HtmlWithoutText);
    }
    Ok(text)
}

/// What a page says about itself, for a new source's YAML.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    pub title: Option<String>,
    /// The page's canonical address (`<link rel=canonical>`, else `og:url`).
    pub url: Option<String>,
    /// `og:site_name`, or a `publisher` meta tag.
    pub publisher: Option<String>,
    /// As the page writes it (`2024-05-14T08:30:00+01:00`): the caller reads the date.
    pub published: Option<String>,
}

/// The page's title, address, publisher and publication date, from its
/// `<title>`, Open Graph and other meta tags (and JSON-LD, through
/// `dom_smoothie`).
pub fn details(bytes: &[u8]) -> Details {
    let html = decode(bytes);
    let document = Document::from(html.as_ref());
    let meta = |selectors: &[&str]| -> Option<String> {
        selectors.iter().find_map(|selector| {
            let found = document.select(selector);
            let node = *found.nodes().first()?;
            let value = node.attr("content").or_else(|| node.attr("href"))?;
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_string())
        })
    };
    let url = meta(&[r#"link[rel="canonical"]"#, r#"meta[property="og:url"]"#]);
    let publisher = meta(&[
        r#"meta[property="og:site_name"]"#,
        r#"meta[name="publisher"]"#,
        r#"meta[name="DC.publisher"]"#,
    ]);
    let published = meta(&[
        r#"meta[property="article:published_time"]"#,
        r#"meta[name="date"]"#,
        r#"meta[name="DC.date.issued"]"#,
        r#"meta[name="dcterms.created"]"#,
        r#"meta[itemprop="datePublished"]"#,
    ]);
    let title = meta(&[r#"meta[property="og:title"]"#]).or_else(|| {
        let readability =
            dom_smoothie::Readability::with_document(document.clone(), None, None).ok()?;
        let metadata = readability.get_article_metadata(readability.parse_json_ld());
        Some(metadata.title).filter(|t| !t.trim().is_empty())
    });
    let published = published.or_else(|| {
        let readability =
            dom_smoothie::Readability::with_document(document.clone(), None, None).ok()?;
        readability
            .get_article_metadata(readability.parse_json_ld())
            .published_time
    });
    Details {
        title,
        url,
        publisher,
        published,
    }
}

/// How deeply a page's elements may nest. Real pages stay under a hundred
/// or so; parsing and scoring take time in the square of the depth (8,000
/// deep takes seconds), so a deeper page is refused before either.
const MAX_NESTING: usize = 512;

/// Elements that never hold others, or close by themselves when the next
/// one starts: they add no depth.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th", "param",
];

/// The deepest nesting of elements in `html`, as a quick scan of its tags
/// sees it (a little more than a parser would, never less).
fn nesting_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(offset) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + offset + 1;
        let rest = &bytes[start..];
        if rest.starts_with(b"!--") {
            at = memchr::memmem::find(&rest[3..], b"-->")
                .map_or(bytes.len(), |end| start + 3 + end + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = start + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(bytes.len() - name_start);
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end =
            memchr::memchr(b'>', &bytes[name_start..]).map_or(bytes.len(), |e| name_start + e + 1);
        at = end;
        if name.is_empty() || FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if bytes[..end].ends_with(b"/>") {
            continue;
        } else if name == "script" || name == "style" {
            // Raw text: a `<` inside is no tag.
            let close = format!("</{name}");
            at = find_ignore_case(&bytes[end..], close.as_bytes()).map_or(bytes.len(), |c| end + c);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The page as text: its byte-order mark or `charset` decides, else UTF-8
/// when it is valid, else Windows-1252.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let encoding =
        declared_charset(&bytes[..bytes.len().min(4096)]).unwrap_or(encoding_rs::WINDOWS_1252);
    encoding.decode_without_bom_handling(bytes).0
}

/// The encoding a `charset=` near the top of the page names.
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let at = head
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"charset="))?;
    let rest = &head[at + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// Elements whose content is not text a reader reads.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "img", "picture", "video", "audio",
    "canvas", "iframe", "object", "embed", "button", "select", "input", "textarea", "head",
];

/// Elements that start and end a line.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// The text of `root`, one block per line. Walks the tree with a stack of
/// its own, so no page is nested too deeply to read.
fn block_text(root: &NodeRef) -> String {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave { block: bool, pre: bool },
    }
    let mut lines: Vec<String> = vec![String::new()];
    let mut in_pre = 0usize;
    let mut stack: Vec<Step> = root.children_it(true).map(Step::Enter).collect();
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave { block, pre } => {
                if block {
                    lines.push(String::new());
                }
                if pre {
                    in_pre -= 1;
                }
            }
            Step::Enter(node) if node.is_text() => {
                let text = node.text();
                if in_pre > 0 {
                    for (i, line) in text.split('\n').enumerate() {
                        if i > 0 {
                            lines.push(String::new());
                        }
                        lines.last_mut().expect("never empty").push_str(line);
                    }
                } else {
                    lines.last_mut().expect("never empty").push_str(&text);
                }
            }
            Step::Enter(node) if node.is_element() => {
                let name = node
                    .node_name()
                    .map(|n| n.to_ascii_lowercase())
                    .unwrap_or_default();
                let name = name.as_str();
                if SKIPPED.contains(&name) {
                    continue;
                }
                match name {
                    "br" => {
                        lines.push(String::new());
                        continue;
                    }
                    "td" | "th" => lines.last_mut().expect("never empty").push(' '),
                    _ => {}
                }
                let block = BLOCKS.contains(&name);
                let pre = name == "pre";
                if block {
                    lines.push(String::new());
                }
                if pre {
                    in_pre += 1;
                }
                stack.push(Step::Leave { block, pre });
                stack.extend(node.children_it(true).map(Step::Enter));
            }
            Step::Enter(_) => {} // Comments and doctypes.
        }
    }
    super::paragraphs(lines.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_block_per_line() {
        let document = Document::fragment(
            "<div><h2>Head</h2><p>One <b>bold</b>\n  word.</p><ul><li>a</li><li>b</li></ul>\
             <p>x<br>y</p><table><tr><td>c1</td><td>c2</td></tr></table><pre>l1\nl2</pre>\
             <p><img alt='pic'>after<script>no()</script></p></div>",
        );
        assert_eq!(
            block_text(&document.root()),
            "Head\nOne bold word.\na\nb\nx\ny\nc1 c2\nl1\nl2\nafter\n"
        );
    }

    #[test]
    fn decodes_declared_and_legacy_encodings() {
        assert_eq!(decode(b"caf\xc3\xa9"), "café");
        assert_eq!(
            decode(b"<meta charset=\"iso-8859-1\">caf\xe9"),
            "<meta charset=\"iso-8859-1\">café"
        );
        assert_eq!(decode(b"\x93quoted\x94"), "\u{201C}quoted\u{201D}");
    }

    #[test]
    fn measures_how_deep_elements_nest() {
        assert_eq!(
            nesting_depth("<html><body><div><p>a<br>b</p></div></body></html>"),
            3
        );
        assert_eq!(
            nesting_depth("<div><img src=x><input/><!-- <div><div> --></div>"),
            1
        );
        assert_eq!(
            nesting_depth("<script>if (a<b && c<d) {}</script><div></div>"),
            1
        );
        let deep = format!("{}x{}", "<div>".repeat(600), "</div>".repeat(600));
        assert_eq!(nesting_depth(&deep), 600);
        assert!(matches!(
            extract(deep.as_bytes()),
            Err(Problem::HtmlUnreadable(_))
        ));
    }

    #[test]
    fn a_page_of_scripts_has_no_main_text() {
        let page = b"<html><head><title>App</title></head><body><div id=root></div><script>render()</script></body></html>";
        assert_eq!(extract(page), Err(Problem::HtmlWithoutText));
    }
}
