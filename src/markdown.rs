//! Markdown: finding cross-links in it, and turning it into safe HTML.
//!
//! Editors write `[[id]]` or `[text](id)` to link any entity; `check` uses
//! [`internal_links`] to verify them and `render` uses [`to_html`] to resolve
//! them, link the first mention of each glossary term, and sanitise raw HTML
//! with ammonia. This module knows nothing of files or templates.
//!
//! Every function here is linear in its input, whatever the input: markup
//! nested deeper than [`MAX_NESTING`] is reported by [`scan`] (so `check`
//! stops the build) and never reaches the sanitiser, whose HTML parser walks
//! the whole stack of open elements at each block-level tag.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use html5ever::LocalName;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::load::is_valid_id;

fn options() -> Options {
    Options::ENABLE_WIKILINKS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// A link to another entity, as written in the markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalLink {
    pub id: String,
    /// Where the link is in the markdown text, in bytes.
    pub range: Range<usize>,
}

/// Something in the markdown that cannot reach a page as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsafeMarkup {
    pub what: String,
    pub range: Range<usize>,
}

/// A link destination is an entity id when it looks like one: no scheme,
/// no slash, no dot. Anything else is an ordinary URL.
fn as_entity_id(dest: &str) -> Option<&str> {
    is_valid_id(dest).then_some(dest)
}

/// What `check` needs to know about a markdown field, from one parse: its
/// links to other entities, and what the sanitiser will strip from it.
#[derive(Debug, Default)]
pub struct Scan {
    pub links: Vec<InternalLink>,
    pub unsafe_markup: Vec<UnsafeMarkup>,
    /// Where the markup first nests deeper than [`MAX_NESTING`], if it does.
    pub too_deep: Option<TooDeep>,
}

/// Markup nested deeper than [`MAX_NESTING`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooDeep {
    /// What went one level too deep, for a message: "`<div>`", "a list".
    pub what: String,
    /// Where, in bytes of the markdown: the tag, or the first line of the
    /// markdown element.
    pub range: Range<usize>,
}

/// Every `[[id]]` and `[text](id)` link in `markdown`.
pub fn internal_links(markdown: &str) -> Vec<InternalLink> {
    scan(markdown).links
}

/// Links, and raw HTML that the sanitiser will strip (scripts, event
/// handlers, `javascript:` URLs) or images from another origin, so the
/// editor is told rather than surprised.
pub fn scan(markdown: &str) -> Scan {
    scan_observing(markdown, |_| {})
}

/// [`scan`] and [`to_plain_text`] from one parse: a question's answer is
/// both checked for its links and markup and measured for its reading
/// level, and the second parse was about 1% of a one-thread build.
pub fn scan_and_plain_text(
    markdown: &str,
    title_of: &dyn Fn(&str) -> Option<String>,
) -> (Scan, String) {
    let mut plain = PlainText::new(markdown.len(), title_of);
    let scan = scan_observing(markdown, |event| plain.observe(event));
    (scan, plain.finish())
}

/// [`scan`], showing `observe` every event of the parse.
fn scan_observing(markdown: &str, mut observe: impl FnMut(&Event)) -> Scan {
    let mut found = Scan::default();
    let mut nesting = NestingMeter::default();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        observe(&event);
        if found.too_deep.is_none() {
            found.too_deep = nesting.observe(&event, markdown, range.clone());
        }
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                let lower = html.to_ascii_lowercase();
                if lower.contains("<script")
                    || lower.contains("javascript:")
                    || lower.contains("<iframe")
                    || lower.contains("<img")
                    || has_event_handler(&lower)
                {
                    found.unsafe_markup.push(UnsafeMarkup {
                        what: html.trim().chars().take(60).collect(),
                        range,
                    });
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(id) = as_entity_id(&dest_url) {
                    found.links.push(InternalLink {
                        id: id.to_string(),
                        range,
                    });
                } else if !is_safe_url(&dest_url) {
                    found.unsafe_markup.push(UnsafeMarkup {
                        what: dest_url.to_string(),
                        range,
                    });
                }
            }
            Event::Start(Tag::Image { dest_url, .. })
                if dest_url.contains(':') || dest_url.starts_with("//") =>
            {
                found.unsafe_markup.push(UnsafeMarkup {
                    what: format!("image from another origin: {dest_url}"),
                    range,
                })
            }
            _ => {}
        }
    }
    found
}

fn has_event_handler(lower_html: &str) -> bool {
    lower_html.match_indices(" on").any(|(i, _)| {
        lower_html[i + 3..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .count()
            > 0
            && lower_html[i + 3..]
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .trim_start()
                .starts_with('=')
    })
}

/// Links may use http, https and mailto, or be relative; nothing else
/// (`javascript:`, `data:`) reaches a page.
fn is_safe_url(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, _))
            if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') =>
        {
            matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto"
            )
        }
        _ => true,
    }
}

/// What the renderer needs to know about another entity to link it.
pub struct LinkTarget<'a> {
    pub url: &'a str,
    pub title: &'a str,
}

/// Finds glossary terms (and aliases) in text: whole words, any case,
/// longest first.
pub struct GlossaryMatcher {
    automaton: Option<AhoCorasick>,
    /// For each pattern, the glossary id it belongs to.
    ids: Vec<String>,
}

impl GlossaryMatcher {
    /// `terms` pairs a glossary id with each word that names it. Plurals
    /// ("derma rollers") match too, so editors need not list them as aliases.
    pub fn new<'a>(terms: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let (ids, words): (Vec<String>, Vec<String>) = terms
            .into_iter()
            .filter(|(_, word)| !word.trim().is_empty())
            .flat_map(|(id, word)| {
                let word = word.trim();
                let plural = if word.ends_with(['s', 'x', 'z'])
                    || word.ends_with("ch")
                    || word.ends_with("sh")
                {
                    format!("{word}es")
                } else {
                    format!("{word}s")
                };
                [(id.to_string(), word.to_string()), (id.to_string(), plural)]
            })
            .unzip();
        let automaton = (!words.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&words)
                .expect("glossary terms build an automaton")
        });
        GlossaryMatcher { automaton, ids }
    }

    /// Splits `text` at the first whole-word mention of each term not yet in
    /// `linked`: returns (range in text, glossary id) pairs in order.
    fn first_mentions(
        &self,
        text: &str,
        linked: &mut HashSet<String>,
        skip_id: Option<&str>,
    ) -> Vec<(Range<usize>, usize)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        let mut found = Vec::new();
        for m in automaton.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let id = &self.ids[m.pattern().as_usize()];
            if is_word(before)
                || is_word(after)
                || Some(id.as_str()) == skip_id
                || linked.contains(id)
            {
                continue;
            }
            linked.insert(id.clone());
            found.push((m.start()..m.end(), m.pattern().as_usize()));
        }
        found
    }
}

/// How to render one markdown field.
pub struct RenderContext<'a> {
    /// Resolves an entity id to its URL and title.
    pub resolve: &'a dyn Fn(&str) -> Option<LinkTarget<'a>>,
    /// Link the first mention of each glossary term, if given.
    pub glossary: Option<&'a GlossaryMatcher>,
    /// Glossary terms already linked on this page (shared across fields).
    pub glossary_linked: Option<&'a mut HashSet<String>>,
    /// Don't link a term to itself on its own definition.
    pub skip_glossary_id: Option<&'a str>,
    /// Resolves a glossary id to its URL.
    pub glossary_url: &'a dyn Fn(&str) -> String,
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .link_rel(None)
        .rm_tags(["img"])
        .add_allowed_classes("a", ["term", "xref"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]));
    builder
});

/// Markdown to HTML: entity links resolved, glossary terms linked at their
/// first mention, and, when the markdown holds raw HTML, the result run
/// through ammonia. Without raw HTML, pulldown-cmark's output is safe by
/// construction once link schemes are filtered, and skipping the sanitiser
/// keeps large builds fast.
pub fn to_html(markdown: &str, ctx: RenderContext) -> String {
    render(markdown, ctx, None)
}

/// [`to_html`] and [`to_plain_text`] of the same field from one parse.
pub fn to_html_and_plain_text(
    markdown: &str,
    ctx: RenderContext,
    title_of: &dyn Fn(&str) -> Option<String>,
) -> (String, String) {
    let mut plain = PlainText::new(markdown.len(), title_of);
    let html = render(markdown, ctx, Some(&mut plain));
    (html, plain.finish())
}

/// [`to_html`], also following the events with `plain` if given.
fn render(markdown: &str, ctx: RenderContext, mut plain: Option<&mut PlainText>) -> String {
    let RenderContext {
        resolve,
        glossary,
        glossary_linked,
        skip_glossary_id,
        glossary_url,
    } = ctx;
    let mut local_linked = HashSet::new();
    let linked = glossary_linked.unwrap_or(&mut local_linked);
    let mut has_raw_html = false;
    let mut in_link = 0usize;
    let mut in_heading_or_code = 0usize;
    // A `[[id]]` link whose text must become the entity's title.
    let mut replace_wikilink_text = false;
    let mut events: Vec<Event> = Vec::new();
    // For each open link or image: true when it was replaced by a plain <span>.
    let mut link_stack: Vec<bool> = Vec::new();
    let mut image_stack: Vec<bool> = Vec::new();
    // Where raw HTML from the markdown sits in `events`.
    let mut raw_html_at: Vec<usize> = Vec::new();
    let mut nesting = NestingMeter::default();
    let mut too_deep = false;

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if let Some(plain) = plain.as_deref_mut() {
            plain.observe(&event);
        }
        if !too_deep {
            too_deep = nesting.observe(&event, markdown, range).is_some();
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_link += 1;
                let entity = as_entity_id(&dest_url).and_then(resolve);
                match entity {
                    Some(target) => {
                        replace_wikilink_text =
                            matches!(link_type, LinkType::WikiLink { has_pothole: false });
                        events.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url: CowStr::from(target.url.to_string()),
                            title,
                            id,
                        }));
                        if replace_wikilink_text {
                            events.push(Event::Text(CowStr::from(target.title.to_string())));
                        }
                        link_stack.push(false);
                    }
                    None if as_entity_id(&dest_url).is_some() || !is_safe_url(&dest_url) => {
                        // Unknown id (already reported by check) or unsafe URL: text only.
                        events.push(Event::Html(CowStr::from("<span>")));
                        link_stack.push(true);
                    }
                    None => {
                        events.push(Event::Start(Tag::Link {
                            link_type: LinkType::Inline,
                            dest_url,
                            title,
                            id,
                        }));
                        link_stack.push(false);
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                replace_wikilink_text = false;
                // Close what the start opened: a link, or the text-only span.
                match link_stack.pop() {
                    Some(true) => events.push(Event::Html(CowStr::from("</span>"))),
                    _ => events.push(Event::End(TagEnd::Link)),
                }
            }
            Event::Text(_) if replace_wikilink_text => {}
            Event::Start(Tag::Image { dest_url, .. })
                if dest_url.contains(':') || dest_url.starts_with("//") =>
            {
                // Never load anything from another origin; the alt text stays.
                events.push(Event::Html(CowStr::from("<span>")));
                image_stack.push(true);
            }
            Event::Start(image @ Tag::Image { .. }) => {
                image_stack.push(false);
                events.push(Event::Start(image));
            }
            Event::End(TagEnd::Image) => match image_stack.pop() {
                Some(true) => events.push(Event::Html(CowStr::from("</span>"))),
                _ => events.push(Event::End(TagEnd::Image)),
            },
            Event::Start(tag @ (Tag::Heading { .. } | Tag::CodeBlock(_))) => {
                in_heading_or_code += 1;
                events.push(Event::Start(tag));
            }
            Event::End(end @ (TagEnd::Heading(_) | TagEnd::CodeBlock)) => {
                in_heading_or_code = in_heading_or_code.saturating_sub(1);
                events.push(Event::End(end));
            }
            Event::Text(text) if in_link == 0 && in_heading_or_code == 0 && glossary.is_some() => {
                let matcher = glossary.expect("checked above");
                let mentions = matcher.first_mentions(&text, linked, skip_glossary_id);
                let mut last = 0;
                for (range, pattern) in mentions {
                    if range.start > last {
                        events.push(Event::Text(CowStr::from(
                            text[last..range.start].to_string(),
                        )));
                    }
                    let url = glossary_url(&matcher.ids[pattern]);
                    events.push(Event::Html(CowStr::from(format!(
                        "<a class=\"term\" href=\"{}\">",
                        html_escape(&url)
                    ))));
                    events.push(Event::Text(CowStr::from(text[range.clone()].to_string())));
                    events.push(Event::Html(CowStr::from("</a>")));
                    last = range.end;
                }
                if last == 0 {
                    events.push(Event::Text(text));
                } else if last < text.len() {
                    events.push(Event::Text(CowStr::from(text[last..].to_string())));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                has_raw_html = true;
                raw_html_at.push(events.len());
                events.push(Event::Html(html));
            }
            other => events.push(other),
        }
    }

    if too_deep {
        // `check` reports this as `deep-nesting` and no build renders it;
        // should it get here anyway, its raw HTML is shown as text rather
        // than handed to the sanitiser, whose work grows with the square of
        // the depth. The rest is markdown's own markup: safe, and linear.
        for i in raw_html_at {
            if let Event::Html(html) = std::mem::replace(&mut events[i], Event::SoftBreak) {
                events[i] = Event::Text(html);
            }
        }
        has_raw_html = false;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html {
        SANITIZER.clean(&html).to_string()
    } else {
        html
    }
}

/// How deep markup may nest in one markdown field: markdown's own elements
/// (lists, items, quotes, emphasis, links...) and raw HTML elements together.
/// Real answers nest a handful of levels; the limit is far above that and far
/// below where the sanitiser's quadratic work shows.
pub const MAX_NESTING: usize = 100;

/// Follows a markdown field's events and tells when the HTML they make nests
/// deeper than [`MAX_NESTING`], in time linear in the field.
///
/// Markdown's elements are counted from pulldown-cmark's start and end
/// events. Raw HTML is tokenized with html5ever's tokenizer (the sanitiser's
/// own), and its open elements kept on a stack: a model of the parser's
/// stack that errs on the deep side. Void elements never open; an element
/// whose end tag may be left out (`<p>`, `<li>`, `<td>`...) is closed by the
/// next of its kind or by its parent's end tag, as HTML does; any other end
/// tag closes its element only when that is the innermost open one
/// (misnested formatting tags are re-opened by HTML parsers, so they stay
/// counted). The stack never holds more than `MAX_NESTING + 1` names, so each
/// tag costs at most that.
#[derive(Default)]
struct NestingMeter {
    markdown_depth: usize,
    /// Created at the field's first raw HTML.
    html: Option<Tokenizer<OpenElements>>,
    done: bool,
}

impl NestingMeter {
    /// Takes the field's next event; returns where the nesting first went too
    /// deep, once, at the event that did it.
    fn observe(&mut self, event: &Event, markdown: &str, range: Range<usize>) -> Option<TooDeep> {
        if self.done {
            return None;
        }
        let found = match event {
            // An HTML block is the raw HTML inside it, not an element.
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => None,
            Event::Start(tag) => {
                self.markdown_depth += 1;
                (self.depth() > MAX_NESTING).then(|| TooDeep {
                    what: describe(tag).to_string(),
                    range: first_line(markdown, range),
                })
            }
            Event::End(_) => {
                self.markdown_depth = self.markdown_depth.saturating_sub(1);
                None
            }
            Event::Html(html) | Event::InlineHtml(html) => self.observe_html(html, markdown, range),
            _ => None,
        };
        self.done = found.is_some();
        found
    }

    fn depth(&self) -> usize {
        let html = self.html.as_ref().map_or(0, |t| t.sink.open.borrow().len());
        self.markdown_depth + html
    }

    /// Feeds raw HTML to the tokenizer one tag at a time (each piece ends at
    /// a `>`), so that the tag that goes too deep can be pointed at.
    fn observe_html(&mut self, html: &str, markdown: &str, range: Range<usize>) -> Option<TooDeep> {
        let tokenizer = self.html.get_or_insert_with(|| {
            Tokenizer::new(OpenElements::default(), TokenizerOpts::default())
        });
        let input = BufferQueue::default();
        let mut piece_start = 0;
        for piece_end in memchr::memchr_iter(b'>', html.as_bytes())
            .map(|i| i + 1)
            .chain(std::iter::once(html.len()))
        {
            if piece_end <= piece_start {
                continue;
            }
            input.push_back(StrTendril::from(&html[piece_start..piece_end]));
            let _ = tokenizer.feed(&input);
            let open = tokenizer.sink.open.borrow();
            if self.markdown_depth + open.len() > MAX_NESTING {
                let what = open
                    .last()
                    .map_or(String::new(), |name| format!("`<{name}>`"));
                let piece = &html[piece_start..piece_end];
                let tag = piece.rfind('<').map_or(piece_start, |i| piece_start + i)..piece_end;
                // The event's text is the markdown's own bytes unless it sits
                // in a list or quote (whose markers it leaves out).
                let range = if markdown.get(range.clone()) == Some(html) {
                    range.start + tag.start..range.start + tag.end
                } else {
                    first_line(markdown, range)
                };
                return Some(TooDeep { what, range });
            }
            piece_start = piece_end;
        }
        None
    }
}

/// The part of `range` on its first line, so a diagnostic points at where an
/// element starts rather than at all it holds.
fn first_line(markdown: &str, range: Range<usize>) -> Range<usize> {
    let text = markdown.get(range.clone()).unwrap_or("");
    range.start..range.start + text.find('\n').unwrap_or(text.len())
}

fn describe(tag: &Tag) -> &'static str {
    match tag {
        Tag::BlockQuote(_) => "a block quote",
        Tag::List(_) => "a list",
        Tag::Item => "a list item",
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough => "emphasis",
        Tag::Link { .. } => "a link",
        Tag::Image { .. } => "an image",
        Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell => "a table",
        Tag::Paragraph => "a paragraph",
        Tag::Heading { .. } => "a heading",
        Tag::CodeBlock(_) => "a code block",
        _ => "an element",
    }
}

/// The raw HTML elements open so far, as [`NestingMeter`] models them.
#[derive(Default)]
struct OpenElements {
    open: RefCell<Vec<LocalName>>,
}

impl TokenSink for OpenElements {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        let mut open = self.open.borrow_mut();
        let name: &str = &tag.name;
        match tag.kind {
            TagKind::StartTag => {
                if is_void(name) {
                    return TokenSinkResult::Continue;
                }
                // `<x/>` closes itself only inside SVG and MathML; HTML ignores the slash.
                if tag.self_closing && open.iter().any(|n| &**n == "svg" || &**n == "math") {
                    return TokenSinkResult::Continue;
                }
                while open.last().is_some_and(|top| closed_by_start_of(top, name)) {
                    open.pop();
                }
                if open.len() <= MAX_NESTING {
                    open.push(tag.name.clone());
                }
                // What follows these is text up to their end tag, not markup.
                match name {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                    "plaintext" => TokenSinkResult::Plaintext,
                    _ => TokenSinkResult::Continue,
                }
            }
            TagKind::EndTag => {
                if let Some(at) = open.iter().rposition(|n| &**n == name)
                    && open[at + 1..].iter().all(|n| end_tag_optional(n))
                {
                    open.truncate(at);
                }
                TokenSinkResult::Continue
            }
        }
    }
}

/// Elements that have no content and no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose end tag may be left out: the next of their kind, or their
/// parent's end tag, closes them.
fn end_tag_optional(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "colgroup"
    )
}

/// Whether an open `top` closes when a `next` start tag comes, as HTML's
/// rules for left-out end tags have it.
fn closed_by_start_of(top: &str, next: &str) -> bool {
    match top {
        "p" => matches!(
            next,
            "address"
                | "article"
                | "aside"
                | "blockquote"
                | "details"
                | "dialog"
                | "div"
                | "dl"
                | "fieldset"
                | "figcaption"
                | "figure"
                | "footer"
                | "form"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "header"
                | "hgroup"
                | "main"
                | "menu"
                | "nav"
                | "ol"
                | "p"
                | "pre"
                | "section"
                | "summary"
                | "table"
                | "ul"
                | "li"
                | "dd"
                | "dt"
        ),
        "li" => next == "li",
        "dt" | "dd" => matches!(next, "dt" | "dd"),
        "option" => matches!(next, "option" | "optgroup"),
        "td" | "th" => matches!(next, "td" | "th" | "tr" | "tbody" | "thead" | "tfoot"),
        "tr" => matches!(next, "tr" | "tbody" | "thead" | "tfoot"),
        "thead" | "tbody" | "tfoot" => matches!(next, "tbody" | "thead" | "tfoot"),
        _ => false,
    }
}

/// The words of the markdown without markup, for search, readability and
/// structured data. A `[[id]]` link reads as the title `title_of` gives it,
/// as it does on the page.
pub fn to_plain_text(markdown: &str, title_of: &dyn Fn(&str) -> Option<String>) -> String {
    let mut plain = PlainText::new(markdown.len(), title_of);
    for event in Parser::new_ext(markdown, options()) {
        plain.observe(&event);
    }
    plain.finish()
}

/// The words of a markdown field, gathered from its events
/// ([`to_plain_text`]), whether or not they are also rendered.
struct PlainText<'t> {
    out: String,
    skip_link_text: bool,
    title_of: &'t dyn Fn(&str) -> Option<String>,
}

impl<'t> PlainText<'t> {
    fn new(capacity: usize, title_of: &'t dyn Fn(&str) -> Option<String>) -> Self {
        PlainText {
            out: String::with_capacity(capacity),
            skip_link_text: false,
            title_of,
        }
    }

    fn observe(&mut self, event: &Event) {
        let out = &mut self.out;
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole: false },
                dest_url,
                ..
            }) => {
                if let Some(title) = (self.title_of)(dest_url) {
                    out.push_str(&title);
                    self.skip_link_text = true;
                }
            }
            Event::End(TagEnd::Link) => self.skip_link_text = false,
            Event::Text(_) if self.skip_link_text => {}
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) if !out.ends_with(char::is_whitespace) && !out.is_empty() => out.push('\n'),
            _ => {}
        }
    }

    fn finish(self) -> String {
        self.out.trim().to_string()
    }
}

/// Escapes text for an HTML attribute or element.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> String {
        let resolve = |id: &str| match id {
            "cost" => Some(LinkTarget {
                url: "/questions/cost/",
                title: "What does it cost?",
            }),
            _ => None,
        };
        let glossary = GlossaryMatcher::new([("collagen", "collagen"), ("dermis", "dermis")]);
        to_html(
            md,
            RenderContext {
                resolve: &resolve,
                glossary: Some(&glossary),
                glossary_linked: None,
                skip_glossary_id: None,
                glossary_url: &|id| format!("/glossary/#{id}"),
            },
        )
    }

    #[test]
    fn finds_both_link_forms() {
        let links =
            internal_links("See [[cost]] and [this](recovery-time) and [web](https://x.org).");
        let ids: Vec<_> = links.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["cost", "recovery-time"]);
    }

    #[test]
    fn wikilink_takes_the_title() {
        let html = render("See [[cost]].");
        assert!(
            html.contains(r#"<a href="/questions/cost/">What does it cost?</a>"#),
            "{html}"
        );
    }

    #[test]
    fn links_first_glossary_mention_only() {
        let html = render("Collagen grows. More collagen. The dermis-layer and the dermis.");
        assert_eq!(html.matches("class=\"term\"").count(), 2, "{html}");
        assert!(
            html.contains(r##"<a class="term" href="/glossary/#collagen">Collagen</a>"##),
            "{html}"
        );
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let html = render(
            "Hi <script>alert(1)</script> <b onclick=\"x()\">b</b> [x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!scan("<b onclick=\"x()\">b</b>").unsafe_markup.is_empty());
    }

    #[test]
    fn plain_text_reads_links_as_titles() {
        let title_of = |id: &str| (id == "cost").then(|| "What does it cost?".to_string());
        assert_eq!(
            to_plain_text("See [[cost]] and [this](cost).", &title_of),
            "See What does it cost? and this."
        );
    }

    #[test]
    fn scan_and_plain_text_from_one_parse_are_those_of_two() {
        let title_of = |id: &str| (id == "cost").then(|| "What does it cost?".to_string());
        for md in [
            "See [[cost]], [[unknown]] and [this](cost); `code` <script>x()</script>.",
            "# Heading\n\n- one\n- two [[cost|priced]]\n\n```\nblock\n```\n\n![x](https://e.org/i.png)",
            "",
        ] {
            let (scan_once, plain) = scan_and_plain_text(md, &title_of);
            let scan_alone = scan(md);
            assert_eq!(scan_once.links, scan_alone.links, "{md}");
            assert_eq!(scan_once.unsafe_markup, scan_alone.unsafe_markup, "{md}");
            assert_eq!(scan_once.too_deep, scan_alone.too_deep, "{md}");
            assert_eq!(plain, to_plain_text(md, &title_of), "{md}");
        }
        let (scan, plain) = scan_and_plain_text("Read [[cost]] first.", &title_of);
        assert_eq!(plain, "Read What does it cost? first.");
        assert_eq!(scan.links.len(), 1);
    }

    #[test]
    fn html_and_plain_text_from_one_parse_are_those_of_two() {
        let resolve = |id: &str| {
            (id == "cost").then_some(LinkTarget {
                url: "/questions/cost/",
                title: "What does it cost?",
            })
        };
        let title_of = |id: &str| (id == "cost").then(|| "What does it cost?".to_string());
        let glossary = GlossaryMatcher::new([("collagen", "collagen")]);
        let glossary_url = |id: &str| format!("/glossary/#{id}");
        let context = |linked| RenderContext {
            resolve: &resolve,
            glossary: Some(&glossary),
            glossary_linked: linked,
            skip_glossary_id: None,
            glossary_url: &glossary_url,
        };
        for md in [
            "See [[cost]], [[unknown]] and [this](cost); collagen `code`.",
            "# Heading\n\n- one\n- two [[cost|priced]]\n\n```\nblock\n```\n\nA  \nbreak <b>raw</b>.",
            "",
        ] {
            let (html, plain) = to_html_and_plain_text(md, context(None), &title_of);
            assert_eq!(html, to_html(md, context(None)), "{md}");
            assert_eq!(plain, to_plain_text(md, &title_of), "{md}");
        }
        let md = "[[cost]] and\nmore\n\n- x";
        let (_, plain) = to_html_and_plain_text(md, context(None), &title_of);
        assert_eq!(plain, "What does it cost? and more\nx");
    }

    #[test]
    fn links_plurals_of_terms() {
        let html = render("Collagens grow.");
        assert!(
            html.contains(r##"href="/glossary/#collagen">Collagens</a>"##),
            "{html}"
        );
    }

    #[test]
    fn reports_nesting_past_the_limit_at_the_tag_that_goes_too_deep() {
        let at_limit = "<div>".repeat(MAX_NESTING) + "x" + &"</div>".repeat(MAX_NESTING);
        assert_eq!(scan(&at_limit).too_deep, None);

        let past = "<div>".repeat(MAX_NESTING + 1) + "x" + &"</div>".repeat(MAX_NESTING + 1);
        let deep = scan(&past).too_deep.expect("101 nested <div>");
        assert_eq!(deep.what, "`<div>`");
        assert_eq!(deep.range, 5 * MAX_NESTING..5 * (MAX_NESTING + 1));
        assert_eq!(&past[deep.range], "<div>");
    }

    #[test]
    fn reports_markdown_nesting_and_counts_it_with_html() {
        // A list and its item are two levels.
        let lists = "- ".repeat(MAX_NESTING / 2 + 1) + "x";
        let deep = scan(&lists).too_deep.expect("51 nested lists");
        assert_eq!(
            (deep.what.as_str(), deep.range.start),
            ("a list", MAX_NESTING)
        );

        let quotes = ">".repeat(MAX_NESTING + 1) + " x";
        let deep = scan(&quotes).too_deep.expect("101 nested quotes");
        assert_eq!(
            (deep.what.as_str(), deep.range.start),
            ("a block quote", MAX_NESTING)
        );

        let emphasis = "*".repeat(2 * MAX_NESTING + 4) + "x" + &"*".repeat(2 * MAX_NESTING + 4);
        assert_eq!(
            scan(&emphasis).too_deep.map(|d| d.what),
            Some("emphasis".into())
        );

        // 60 quotes hold a paragraph (61 levels) holding 40 <span>: 101.
        let mixed = format!("{} a{} b", ">".repeat(60), "<span>".repeat(40));
        let deep = scan(&mixed).too_deep.expect("61 + 40 levels");
        assert_eq!(deep.what, "`<span>`");
        assert_eq!(
            scan(&format!("{} a{} b", ">".repeat(60), "<span>".repeat(39))).too_deep,
            None
        );
    }

    #[test]
    fn html_that_is_long_but_not_deep_is_not_reported() {
        let n = 3 * MAX_NESTING;
        let shallow = [
            format!("<ul>{}</ul>", "<li>item".repeat(n)),
            format!("<dl>{}</dl>", "<dt>term<dd>meaning".repeat(n)),
            "<p>para".repeat(n),
            format!("<table>{}</table>", "<tr><td>a<td>b".repeat(n)),
            "line<br>".repeat(n) + &"<img src=a.png>".repeat(n) + &"<hr/>".repeat(n),
            format!("<svg>{}</svg>", "<path d=\"M0\"/>".repeat(n)),
            format!("<script>{}</script>", "<div>".repeat(n)),
            format!("<textarea>{}</textarea>", "<div>".repeat(n)),
            format!("<!-- {} -->", "<div>".repeat(n)),
            "<div>x</div>\n\n".repeat(n),
            "- a\n  - b\n    > c *d* **e** [f](https://e.org)\n\n".repeat(n),
        ];
        for markdown in shallow {
            assert_eq!(scan(&markdown).too_deep, None, "{}", &markdown[..60]);
        }
    }

    #[test]
    fn too_deep_raw_html_never_reaches_the_page_unsanitised() {
        let depth = MAX_NESTING + 50;
        let markdown = "<div>".repeat(depth)
            + "<script>alert(1)</script><b onclick=\"x()\">b</b>"
            + &"</div>".repeat(depth);
        let html = render(&markdown);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn very_deep_markdown_is_still_scanned_rendered_and_read() {
        let depth = 20_000;
        for (markdown, nests) in [
            ("- ".repeat(depth) + "deep", true),
            (">".repeat(depth) + " deep", true),
            ("*".repeat(depth) + "deep" + &"*".repeat(depth), true),
            (
                "<div>".repeat(depth) + "deep" + &"</div>".repeat(depth),
                true,
            ),
            ("- ".repeat(depth) + "deep <b>bold</b>", true),
            // A link cannot hold a link: only the innermost is one.
            (
                "[".repeat(depth) + "deep" + &"](https://e.org)".repeat(depth),
                false,
            ),
        ] {
            let shape = &markdown[..20];
            assert_eq!(scan(&markdown).too_deep.is_some(), nests, "{shape}");
            assert!(render(&markdown).contains("deep"), "{shape}");
            // Plain text leaves raw HTML out, the words inside an HTML block too.
            let plain = to_plain_text(&markdown, &|_| None);
            assert_eq!(
                plain.contains("deep"),
                !markdown.starts_with('<'),
                "{shape}"
            );
        }
    }

    #[test]
    fn external_images_never_load() {
        let html = render("![logo](https://cdn.example.com/x.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("logo"), "{html}");
    }
}
