//! The site's URLs: every address a page, feed or file links to, built from
//! the validated `base_url` with the `url` crate, in this one place.
//!
//! [`SiteUrls::new`] is also the validation of `base_url` (check reports its
//! refusals; link and render use what it accepts), so what is checked and
//! what is published cannot drift apart. Every URL is what the `url` crate
//! makes of it (segments and fragments percent-encoded by it). Where every
//! piece is made of characters the crate leaves as they are (unreserved
//! ones, see [`is_verbatim`]), the same text is joined directly: a build
//! makes some 100,000 addresses, and parsing each again cost more than the
//! rest of making them; the tests compare the two ways on random pieces.
//! This module decides addresses; it must not decide what a page shows, nor
//! report diagnostics itself.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::{Position, Url};

use crate::model::Kind;

/// What a part of a text directive (`#:~:text=start,end`) must
/// percent-encode: every character but the spec's explicit characters
/// (ASCII letters and digits and `!$'()*+./:;=?@_~`). So `-`, `&` and `,`,
/// which separate the directive's parts and directives, are always encoded,
/// as are spaces and every non-ASCII character (as its UTF-8 bytes).
const TEXT_DIRECTIVE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b'.')
    .remove(b'/')
    .remove(b':')
    .remove(b';')
    .remove(b'=')
    .remove(b'?')
    .remove(b'@')
    .remove(b'_')
    .remove(b'~');

/// What a page's address is encoded with inside the site's `feedback`
/// address: everything but unreserved characters, so that it is one query
/// value (or one path segment) whatever the page's address holds.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The site's `feedback` address for one page: `{url}` replaced by the
/// page's absolute address, percent-encoded as one component (so a page's
/// address can never add a recipient, a header or a query parameter). The
/// rest was checked by `check` (an https or mailto address).
pub fn feedback(template: &str, page: &str) -> String {
    let encoded = utf8_percent_encode(page, COMPONENT).to_string();
    let filled = template.replace("{url}", &encoded);
    // Spaces and other characters a link may not hold, as the url crate
    // writes them; a template it cannot read is left as written.
    Url::parse(&filled).map_or(filled, String::from)
}

/// The site's root and everything built on it. Made only from a `base_url`
/// that passed [`SiteUrls::new`]: an absolute http(s) URL with a host, no
/// user name, query or fragment, in its normal form, its path ending in `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteUrls {
    base: Url,
}

/// The site's own pages and files that are not an entity's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Home,
    Tags,
    Glossary,
    Search,
    /// The folder of the sharded search index, read by `search.js`.
    SearchIndex,
    Feed,
    Sitemap,
    NotFound,
    /// Every care card of the site: when to get help.
    GetHelp,
    /// Every caution of the site.
    Cautions,
}

/// Why a `base_url` cannot be the address of a site: which rule it breaks,
/// and, where one can be worked out, the value that would be accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseUrlError {
    /// White space or a control character somewhere in what was written
    /// (a tab or line break would put every link on another host).
    Whitespace {
        /// The first such character.
        found: char,
        fixed: Option<String>,
    },
    /// Not an absolute URL at all.
    NotAbsolute { reason: String },
    /// A scheme other than http or https.
    Scheme {
        scheme: String,
        fixed: Option<String>,
    },
    /// An http(s) URL without a host.
    NoHost,
    /// A user name or password before the host.
    UserInfo { fixed: String },
    /// A query (`?…`) or fragment (`#…`): pages are not addressed by either.
    QueryOrFragment { fixed: String },
    /// The path has `.` or `..` segments, empty segments (`//`), a `\`, or
    /// characters written unencoded.
    PathNotNormalised { fixed: String },
    /// The rest differs from how browsers read it: upper-case letters in the
    /// scheme or host, a default port, an international domain name.
    NotNormalised { fixed: String },
}

impl BaseUrlError {
    /// What is wrong, in plain words.
    pub fn message(&self) -> String {
        match self {
            BaseUrlError::Whitespace { found, .. } => format!(
                "`base_url` contains {}: an address cannot hold white space or control characters",
                describe_char(*found)
            ),
            BaseUrlError::NotAbsolute { reason } => {
                format!("`base_url` is not an absolute URL ({reason})")
            }
            BaseUrlError::Scheme { scheme, .. } => {
                format!("`base_url` is a `{scheme}:` address, not an http or https URL")
            }
            BaseUrlError::NoHost => "`base_url` has no host name".to_string(),
            BaseUrlError::UserInfo { .. } => {
                "`base_url` holds a user name or password, which would be published on every page"
                    .to_string()
            }
            BaseUrlError::QueryOrFragment { .. } => {
                "`base_url` has a query (`?…`) or a fragment (`#…`): the site's pages are folders under its path"
                    .to_string()
            }
            BaseUrlError::PathNotNormalised { .. } => {
                "the path of `base_url` is not normalised (it has `.` or `..` segments, an empty segment `//`, a `\\`, or characters that must be percent-encoded)"
                    .to_string()
            }
            BaseUrlError::NotNormalised { .. } => {
                "`base_url` is not written in its normal form (upper-case letters in the scheme or host, a default port, or an international domain name not in its ASCII form)"
                    .to_string()
            }
        }
    }

    /// How to fix it: the accepted value when one can be worked out.
    pub fn help(&self) -> String {
        let fixed = match self {
            BaseUrlError::Whitespace { fixed, .. } | BaseUrlError::Scheme { fixed, .. } => {
                fixed.as_deref()
            }
            BaseUrlError::UserInfo { fixed }
            | BaseUrlError::QueryOrFragment { fixed }
            | BaseUrlError::PathNotNormalised { fixed }
            | BaseUrlError::NotNormalised { fixed } => Some(fixed.as_str()),
            BaseUrlError::NotAbsolute { .. } | BaseUrlError::NoHost => None,
        };
        match fixed {
            Some(fixed) => format!("write `base_url: {fixed}`"),
            None => "give the address the site will be published at, e.g. `base_url: https://example.org/`"
                .to_string(),
        }
    }
}

impl SiteUrls {
    /// Validates `base_url` and resolves the site's root from it. A missing
    /// trailing `/` is added silently: `https://example.org/docs` is the
    /// folder `/docs/`.
    pub fn new(base_url: &str) -> Result<SiteUrls, BaseUrlError> {
        if let Some(found) = base_url
            .chars()
            .find(|c| c.is_whitespace() || c.is_control())
        {
            return Err(BaseUrlError::Whitespace {
                found,
                fixed: without_whitespace(base_url),
            });
        }
        let parsed = Url::parse(base_url).map_err(|error| BaseUrlError::NotAbsolute {
            reason: error.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            // "ftp://example.org/docs/" → "https://example.org/docs/".
            let fixed = parsed.host_str().and_then(|host| {
                let guess = format!("https://{host}{}", parsed.path());
                SiteUrls::new(&guess).ok().map(|urls| urls.base.to_string())
            });
            return Err(BaseUrlError::Scheme {
                scheme: parsed.scheme().to_string(),
                fixed,
            });
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(BaseUrlError::NoHost);
        }
        let normal = normal_form(&parsed);
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(BaseUrlError::UserInfo {
                fixed: normal.to_string(),
            });
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(BaseUrlError::QueryOrFragment {
                fixed: normal.to_string(),
            });
        }
        // What was written must be what browsers read, but for the trailing slash.
        let written_path = written_path(base_url);
        let normal_path = normal.path();
        if written_path != normal_path && format!("{written_path}/") != normal_path {
            return Err(BaseUrlError::PathNotNormalised {
                fixed: normal.to_string(),
            });
        }
        let written_origin = &base_url[..base_url.len() - written_path.len()];
        if written_origin != &normal[..Position::BeforePath] {
            return Err(BaseUrlError::NotNormalised {
                fixed: normal.to_string(),
            });
        }
        Ok(SiteUrls { base: normal })
    }

    /// The normalised `base_url`, e.g. `https://example.org/docs/`.
    pub fn base(&self) -> &str {
        self.base.as_str()
    }

    /// The path the site lives under, starting and ending with `/`: pages
    /// link to each other under it, e.g. `/` or `/docs/`.
    pub fn root(&self) -> &str {
        self.base.path()
    }

    /// The root-relative URL of an entity's page, e.g. `/docs/questions/cost/`;
    /// a glossary term is a fragment of the glossary page.
    pub fn entity(&self, kind: Kind, id: &str) -> String {
        match kind {
            Kind::Source => self.folder_path(&["sources", id]),
            Kind::Topic => self.folder_path(&["topics", id]),
            Kind::Question => self.folder_path(&["questions", id]),
            Kind::Caution => self.folder_path(&["cautions", id]),
            Kind::Page => self.folder_path(&[id]),
            Kind::Reviewer => self.folder_path(&["reviewers", id]),
            Kind::Glossary => self.with_fragment(&self.folder_path(&["glossary"]), id),
        }
    }

    /// The root-relative URL of a tag's page, e.g. `/docs/tags/at-home/`.
    pub fn tag(&self, tag: &str) -> String {
        self.folder_path(&["tags", tag])
    }

    /// The root-relative URL of one of the site's own pages or files.
    pub fn section(&self, section: Section) -> String {
        let url = match section {
            Section::Home => self.base.clone(),
            Section::Tags => self.folder(&["tags"]),
            Section::Glossary => self.folder(&["glossary"]),
            Section::Search => self.folder(&["search"]),
            Section::SearchIndex => self.folder(&["search", "index"]),
            Section::Feed => self.file(&["feed.xml"]),
            Section::Sitemap => self.file(&["sitemap.xml"]),
            Section::NotFound => self.file(&["404.html"]),
            Section::GetHelp => self.folder(&["get-help"]),
            Section::Cautions => self.folder(&["cautions"]),
        };
        root_relative(&url)
    }

    /// The root-relative URL of a file published at `path` under the output
    /// (e.g. `assets/style.1a2b3c4d5e.css`).
    pub fn file_at(&self, path: &str) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        root_relative(&self.file(&segments))
    }

    /// The absolute URL of a root-relative one made here: for the canonical
    /// link, the sitemap, the feed, robots.txt and structured data.
    pub fn absolute(&self, root_relative: &str) -> String {
        if is_plain_path(root_relative) {
            return format!("{}{root_relative}", self.origin());
        }
        match self.base.join(root_relative) {
            Ok(url) => url.into(),
            // Only URLs made by this type come here, and they always join.
            Err(_) => self.base.to_string(),
        }
    }

    /// [`SiteUrls::absolute`] with a fragment: a part of that page, such as
    /// the FAQ in its structured data.
    pub fn absolute_with_fragment(&self, root_relative: &str, fragment: &str) -> String {
        if is_plain_path(root_relative) && is_verbatim(fragment) {
            return format!("{}{root_relative}#{fragment}", self.origin());
        }
        match self.base.join(root_relative) {
            Ok(mut url) => {
                url.set_fragment(Some(fragment));
                url.into()
            }
            Err(_) => self.base.to_string(),
        }
    }

    /// The root-relative URL of part `part` of a source's quoted passages:
    /// part 1 is the source's own page, part 2 `/sources/<id>/2/`...
    pub fn source_part(&self, id: &str, part: usize) -> String {
        if part <= 1 {
            return self.entity(Kind::Source, id);
        }
        self.folder_path(&["sources", id, &part.to_string()])
    }

    /// A root-relative URL made here with a fragment: a place on that page,
    /// such as a quoted passage on a source's page.
    pub fn with_fragment(&self, root_relative_url: &str, fragment: &str) -> String {
        if is_plain_path(root_relative_url) && is_verbatim(fragment) {
            return format!("{root_relative_url}#{fragment}");
        }
        match self.base.join(root_relative_url) {
            Ok(mut url) => {
                url.set_fragment(Some(fragment));
                root_relative(&url)
            }
            Err(_) => root_relative_url.to_string(),
        }
    }

    /// The scheme and host of the site's address (with its port, if any):
    /// what an absolute URL has before its root-relative path.
    fn origin(&self) -> &str {
        &self.base[..Position::BeforePath]
    }

    /// [`SiteUrls::folder`], root-relative: joined directly when the `url`
    /// crate would leave every segment as it is.
    fn folder_path(&self, segments: &[&str]) -> String {
        if !segments
            .iter()
            .all(|s| is_verbatim(s) && !s.is_empty() && !matches!(*s, "." | ".."))
        {
            return root_relative(&self.folder(segments));
        }
        let root = self.root();
        let length = root.len() + segments.iter().map(|s| s.len() + 1).sum::<usize>();
        let mut path = String::with_capacity(length);
        path.push_str(root);
        for segment in segments {
            path.push_str(segment);
            path.push('/');
        }
        path
    }

    /// `segments` as folders under the root, with the trailing `/` pretty URLs have.
    fn folder(&self, segments: &[&str]) -> Url {
        let mut url = self.file(segments);
        if let Ok(mut path) = url.path_segments_mut() {
            path.push("");
        }
        url
    }

    /// `segments` under the root, each percent-encoded by the `url` crate.
    fn file(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        // An http(s) URL always has path segments; `base` ends in `/`, whose
        // empty last segment `pop_if_empty` drops before the new ones.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

/// A link to a passage of a page elsewhere: `original` (a source's `url`)
/// with a text directive, `#:~:text=start` or `#:~:text=start,end`, each part
/// percent-encoded as the text fragments spec requires (see
/// [`TEXT_DIRECTIVE`]). A browser that supports text fragments scrolls to
/// the passage that begins with `start` and ends with `end`, and highlights
/// it; others open the page. A fragment the URL already has is kept, the
/// directive after it. `None` if `original` is not an absolute http(s) URL.
pub fn with_text_fragment(original: &str, start: &str, end: Option<&str>) -> Option<String> {
    TextFragments::new(original)?.link(start, end)
}

/// Links with a text fragment into one original address, which is read
/// once for all of them (a source's passages all link into its `url`).
#[derive(Clone, Debug)]
pub struct TextFragments {
    /// The address as the `url` crate writes it, its fragment kept without
    /// any text directive, then the start of one: `…#part:~:text=`.
    prefix: String,
}

impl TextFragments {
    /// `None` when `original` is not an http(s) URL.
    pub fn new(original: &str) -> Option<TextFragments> {
        let mut url = Url::parse(original).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        // Only the fragment directive: an earlier text directive is replaced.
        let kept = url
            .fragment()
            .map(|f| f.split(":~:").next().unwrap_or_default().to_string())
            .unwrap_or_default();
        // The url crate encodes a fragment one character at a time, and
        // leaves every character of an encoded directive as it is: so the
        // directive can be appended to what it writes for its start.
        url.set_fragment(Some(&format!("{kept}:~:text=")));
        Some(TextFragments { prefix: url.into() })
    }

    /// The address with a text directive for `start` (and `end`, when not
    /// empty); `None` when `start` is empty.
    pub fn link(&self, start: &str, end: Option<&str>) -> Option<String> {
        if start.is_empty() {
            return None;
        }
        let end = end.filter(|e| !e.is_empty());
        let words = start.len() + end.map_or(0, |e| e.len() + 1);
        let mut link = String::with_capacity(self.prefix.len() + 3 * words);
        link.push_str(&self.prefix);
        link.extend(utf8_percent_encode(start, TEXT_DIRECTIVE));
        if let Some(end) = end {
            link.push(',');
            link.extend(utf8_percent_encode(end, TEXT_DIRECTIVE));
        }
        Some(link)
    }
}

impl BaseUrlError {
    /// The value that would be accepted, where the error knows one.
    fn fixed_value(&self) -> Option<String> {
        match self {
            BaseUrlError::Whitespace { fixed, .. } | BaseUrlError::Scheme { fixed, .. } => {
                fixed.clone()
            }
            BaseUrlError::UserInfo { fixed }
            | BaseUrlError::QueryOrFragment { fixed }
            | BaseUrlError::PathNotNormalised { fixed }
            | BaseUrlError::NotNormalised { fixed } => Some(fixed.clone()),
            BaseUrlError::NotAbsolute { .. } | BaseUrlError::NoHost => None,
        }
    }
}

/// What a `base_url` holding white space or control characters was meant to
/// be: what comes before a line break (after one, it is something else, such
/// as a line injected into robots.txt), trimmed, without control characters,
/// with inner spaces percent-encoded by the `url` crate, then normalised.
fn without_whitespace(base_url: &str) -> Option<String> {
    let first_line = base_url
        .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
        .next()
        .unwrap_or_default();
    let kept: String = first_line
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let encoded = Url::parse(&kept).ok()?;
    match SiteUrls::new(encoded.as_str()) {
        Ok(urls) => Some(urls.base.into()),
        Err(error) => error.fixed_value(),
    }
}

/// `parsed` as it should have been written: no user name, query or
/// fragment, no empty path segments, and a path ending in `/`.
fn normal_form(parsed: &Url) -> Url {
    let mut url = parsed.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    // The segments as the crate serialised them (already percent-encoded,
    // so they are set as a path, not pushed as segments to encode again).
    let segments: Vec<&str> = parsed
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let mut path = String::from("/");
    for segment in segments {
        path.push_str(segment);
        path.push('/');
    }
    url.set_path(&path);
    url
}

/// The path part of a `base_url` as written (from the first `/` after the
/// host), before any query or fragment; empty when there is none.
fn written_path(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    let rest = &base_url[after_scheme..];
    let rest = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    match rest.find(['/', '\\']) {
        Some(i) => &rest[i..],
        None => "",
    }
}

/// Whether the `url` crate writes `text`, as a path segment or a fragment,
/// exactly as it is: only unreserved characters (RFC 3986: ASCII letters
/// and digits, `-`, `.`, `_`, `~`), which no part of a URL percent-encodes.
/// (A path segment must also not be `.` or `..`, which the crate drops.)
fn is_verbatim(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether joining `path` to the site's address gives `path` back as the
/// URL's path, as made here: it starts with `/` (not `//`, which names a
/// host) and its segments are non-empty, verbatim and not `.` or `..`, but
/// for the empty one after a trailing `/`.
fn is_plain_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    (rest.strip_suffix('/').unwrap_or(rest))
        .split('/')
        .all(|s| !s.is_empty() && !matches!(s, "." | "..") && is_verbatim(s))
}

/// A URL without its scheme and host: how pages link to each other, so a
/// copy of the site on another host (a preview) still links to itself.
fn root_relative(url: &Url) -> String {
    url[Position::BeforePath..].to_string()
}

/// A character named so that it is visible in a message.
fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\n' | '\r' => "a line break".to_string(),
        c => format!("the invisible character U+{:04X}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(base: &str) -> SiteUrls {
        SiteUrls::new(base).unwrap_or_else(|e| panic!("{base}: {e:?}"))
    }

    #[test]
    fn builds_the_same_urls_as_the_site_has_always_published() {
        let site = urls("https://example.org/kitchen/");
        assert_eq!(site.root(), "/kitchen/");
        assert_eq!(
            site.entity(Kind::Question, "cost"),
            "/kitchen/questions/cost/"
        );
        assert_eq!(site.entity(Kind::Page, "about"), "/kitchen/about/");
        assert_eq!(
            site.entity(Kind::Reviewer, "jane-doe"),
            "/kitchen/reviewers/jane-doe/"
        );
        assert_eq!(site.section(Section::GetHelp), "/kitchen/get-help/");
        assert_eq!(site.section(Section::Cautions), "/kitchen/cautions/");
        assert_eq!(
            site.entity(Kind::Glossary, "crumb"),
            "/kitchen/glossary/#crumb"
        );
        assert_eq!(site.tag("at-home"), "/kitchen/tags/at-home/");
        assert_eq!(site.section(Section::Home), "/kitchen/");
        assert_eq!(site.section(Section::Feed), "/kitchen/feed.xml");
        assert_eq!(site.section(Section::SearchIndex), "/kitchen/search/index/");
        assert_eq!(
            site.file_at("assets/style.abc.css"),
            "/kitchen/assets/style.abc.css"
        );
        assert_eq!(
            site.absolute(&site.entity(Kind::Glossary, "crumb")),
            "https://example.org/kitchen/glossary/#crumb"
        );
        let top = urls("https://example.org/");
        assert_eq!(top.root(), "/");
        assert_eq!(top.entity(Kind::Source, "who"), "/sources/who/");
        assert_eq!(top.absolute(top.root()), "https://example.org/");
        assert_eq!(
            site.absolute_with_fragment("/kitchen/questions/cost/", "faq"),
            "https://example.org/kitchen/questions/cost/#faq"
        );
    }

    /// Pieces of addresses, most of them unreserved (joined directly), the
    /// rest with what the `url` crate encodes, drops or reads as structure.
    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let characters = prop::sample::select(vec![
            "a", "Z", "0", "-", ".", "_", "~", "%", "%2e", "/", " ", "#", "?", "é", "\\", ":", "@",
            "'", "<", "`", "{", "&", "+", "=",
        ]);
        prop_oneof![
            4 => "[a-z0-9][a-z0-9._~-]{0,8}",
            2 => prop::collection::vec(characters, 0..5).prop_map(|v| v.concat()),
            1 => prop::sample::select(vec![String::new(), ".".into(), "..".into(), "~".into()]),
        ]
    }

    #[test]
    fn joined_addresses_are_what_the_url_crate_makes() {
        use proptest::prelude::*;
        let bases = [
            "https://example.org/",
            "https://example.org/kitchen/",
            "http://example.org:8080/a/b-c/",
        ];
        let config = ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        };
        proptest!(config, |(base in 0..bases.len(), id in piece(), fragment in piece(), path in prop::collection::vec(piece(), 0..4), trailing in any::<bool>(), part in 1usize..4)| {
            let site = urls(bases[base]);
            let by_crate = |segments: &[&str]| root_relative(&site.folder(segments));
            let join = |path: &str| site.base.join(path).ok();
            prop_assert_eq!(site.entity(Kind::Question, &id), by_crate(&["questions", &id]));
            prop_assert_eq!(site.entity(Kind::Page, &id), by_crate(&[&id]));
            prop_assert_eq!(site.tag(&id), by_crate(&["tags", &id]));
            let part_path = site.source_part(&id, part);
            match part {
                1 => prop_assert_eq!(&part_path, &by_crate(&["sources", &id])),
                _ => prop_assert_eq!(&part_path, &by_crate(&["sources", &id, &part.to_string()])),
            }
            let mut glossary = site.folder(&["glossary"]);
            glossary.set_fragment(Some(&id));
            prop_assert_eq!(site.entity(Kind::Glossary, &id), root_relative(&glossary));
            // Any root-relative path, made here or not.
            let mut path = format!("/{}", path.join("/"));
            if trailing {
                path.push('/');
            }
            for path in [path.as_str(), part_path.as_str(), site.root()] {
                let joined = join(path);
                prop_assert_eq!(
                    site.absolute(path),
                    joined.clone().map_or_else(|| site.base.to_string(), String::from)
                );
                let with = joined.map(|mut url| {
                    url.set_fragment(Some(&fragment));
                    url
                });
                prop_assert_eq!(
                    site.absolute_with_fragment(path, &fragment),
                    with.clone().map_or_else(|| site.base.to_string(), String::from)
                );
                prop_assert_eq!(
                    site.with_fragment(path, &fragment),
                    with.map_or_else(|| path.to_string(), |url| root_relative(&url))
                );
            }
        });
    }

    #[test]
    fn source_parts_and_fragments() {
        let site = urls("https://example.org/kitchen/");
        assert_eq!(site.source_part("notes", 1), "/kitchen/sources/notes/");
        assert_eq!(site.source_part("notes", 3), "/kitchen/sources/notes/3/");
        assert_eq!(
            site.with_fragment("/kitchen/sources/notes/3/", "passage-1a2b"),
            "/kitchen/sources/notes/3/#passage-1a2b"
        );
    }

    #[test]
    fn text_fragments_encode_exactly_what_the_spec_requires() {
        let link = |start, end| with_text_fragment("https://example.com/a?b=1", start, end);
        // Separators of the directive, spaces and non-ASCII are encoded;
        // the spec's explicit characters are not.
        assert_eq!(
            link("a-b, c & d", Some("e–f “g” ’h’ é")).as_deref(),
            Some(
                "https://example.com/a?b=1#:~:text=a%2Db%2C%20c%20%26%20d,e%E2%80%93f%20%E2%80%9Cg%E2%80%9D%20%E2%80%99h%E2%80%99%20%C3%A9"
            )
        );
        assert_eq!(
            link("it's (1+1)=2! $5; a.b/c:d?e@f_g~h*", None).as_deref(),
            Some("https://example.com/a?b=1#:~:text=it's%20(1+1)=2!%20$5;%20a.b/c:d?e@f_g~h*")
        );
        assert_eq!(
            link("50% #1 \"x\" <y>", None).as_deref(),
            Some("https://example.com/a?b=1#:~:text=50%25%20%231%20%22x%22%20%3Cy%3E")
        );
        // An existing fragment is kept; an old directive is replaced.
        assert_eq!(
            with_text_fragment("https://example.com/a#part", "x y", None).as_deref(),
            Some("https://example.com/a#part:~:text=x%20y")
        );
        assert_eq!(
            with_text_fragment("https://example.com/a#:~:text=old", "new", None).as_deref(),
            Some("https://example.com/a#:~:text=new")
        );
        assert_eq!(with_text_fragment("mailto:a@b.c", "x", None), None);
        assert_eq!(with_text_fragment("not a url", "x", None), None);
    }

    /// What `with_text_fragment` made before it appended the directive to
    /// a start read once: the whole fragment set through the url crate.
    fn set_through_the_url_crate(original: &str, start: &str, end: Option<&str>) -> Option<String> {
        let mut url = Url::parse(original).ok()?;
        if !matches!(url.scheme(), "http" | "https") || start.is_empty() {
            return None;
        }
        let mut directive = String::from(":~:text=");
        directive.extend(utf8_percent_encode(start, TEXT_DIRECTIVE));
        if let Some(end) = end.filter(|e| !e.is_empty()) {
            directive.push(',');
            directive.extend(utf8_percent_encode(end, TEXT_DIRECTIVE));
        }
        let kept = (url.fragment())
            .map(|f| f.split(":~:").next().unwrap_or_default().to_string())
            .unwrap_or_default();
        url.set_fragment(Some(&format!("{kept}{directive}")));
        Some(url.into())
    }

    #[test]
    fn a_text_fragment_is_what_the_url_crate_makes_of_the_whole_fragment() {
        let originals = [
            "https://example.com/a?b=1",
            "https://example.com/a#part",
            "https://example.com/a#:~:text=old",
            "https://example.com/a#p%20q:~:text=old,older",
            "https://example.com/a#p q\"<`>",
            "https://example.com/a#é ü",
            "https://example.com/a#",
            "HTTP://EXAMPLE.com:80/x/../y z?q=ä#f",
            "ftp://example.com/a",
            "not a url",
        ];
        let words = [
            "",
            "x",
            "a-b, c & d",
            "e–f “g” ’h’ é",
            "50% #1 \"x\" <y> `z`",
            "it's (1+1)=2! $5; a.b/c:d?e@f_g~h*",
            "\u{0}\t\n\u{7f}\u{85}\u{a0}",
        ];
        for original in originals {
            let fragments = TextFragments::new(original);
            for start in words {
                for end in std::iter::once(None).chain(words.map(Some)) {
                    let expected = set_through_the_url_crate(original, start, end);
                    let made = fragments.as_ref().and_then(|f| f.link(start, end));
                    assert_eq!(made, expected, "{original:?} {start:?} {end:?}");
                }
            }
        }
    }

    #[test]
    fn adds_the_trailing_slash_silently() {
        assert_eq!(urls("https://example.org").base(), "https://example.org/");
        assert_eq!(
            urls("https://example.org/docs").base(),
            "https://example.org/docs/"
        );
        assert_eq!(urls("http://localhost:8080/").root(), "/");
    }

    #[test]
    fn percent_encodes_what_it_is_given() {
        let site = urls("https://example.org/");
        // Ids are checked to be `a-z0-9-`; if one ever were not, it must stay
        // one path segment, not become a query, fragment or another folder.
        assert_eq!(
            site.entity(Kind::Question, "a/b?c#d e"),
            "/questions/a%2Fb%3Fc%23d%20e/"
        );
        assert_eq!(site.tag("<x>"), "/tags/%3Cx%3E/");
    }

    #[test]
    fn refuses_white_space_and_control_characters_anywhere() {
        for (written, found) in [
            ("https://example.org/\t", '\t'),
            ("https://exa\tmple.org/", '\t'),
            ("https://example.org/\nDisallow: /", '\n'),
            ("https://example.org/ docs/", ' '),
            ("https://example.org/\u{1b}", '\u{1b}'),
            ("https://example.org/\u{7f}", '\u{7f}'),
            (" https://example.org/", ' '),
        ] {
            match SiteUrls::new(written) {
                Err(BaseUrlError::Whitespace { found: f, .. }) => {
                    assert_eq!(f, found, "{written:?}")
                }
                other => panic!("{written:?}: {other:?}"),
            }
        }
        for (written, fixed) in [
            ("https://example.org/\tdocs/", "https://example.org/docs/"),
            (
                "https://example.org/my docs/",
                "https://example.org/my%20docs/",
            ),
            (" https://example.org/docs/\n", "https://example.org/docs/"),
            (
                "https://example.org/docs/\nDisallow: /",
                "https://example.org/docs/",
            ),
            (
                "https://example.org/docs/\u{1b}[0m",
                "https://example.org/docs/[0m/",
            ),
        ] {
            assert_eq!(
                SiteUrls::new(written).unwrap_err().fixed_value().as_deref(),
                Some(fixed),
                "{written:?}"
            );
        }
    }

    #[test]
    fn refuses_each_rule_with_the_fixed_value() {
        let fixed = |written: &str| SiteUrls::new(written).unwrap_err().fixed_value();
        assert!(matches!(
            SiteUrls::new("example.org"),
            Err(BaseUrlError::NotAbsolute { .. })
        ));
        assert!(matches!(
            SiteUrls::new("/docs/"),
            Err(BaseUrlError::NotAbsolute { .. })
        ));
        assert!(matches!(
            SiteUrls::new("ftp://example.org/docs"),
            Err(BaseUrlError::Scheme { .. })
        ));
        assert_eq!(
            fixed("ftp://example.org/docs"),
            Some("https://example.org/docs/".into())
        );
        assert!(matches!(
            SiteUrls::new("mailto:me@example.org"),
            Err(BaseUrlError::Scheme { fixed: None, .. })
        ));
        assert!(matches!(
            SiteUrls::new("https://user:secret@example.org/"),
            Err(BaseUrlError::UserInfo { .. })
        ));
        assert_eq!(
            fixed("https://user:secret@example.org/"),
            Some("https://example.org/".into())
        );
        assert_eq!(
            fixed("https://example.org/?lang=en"),
            Some("https://example.org/".into())
        );
        assert_eq!(
            fixed("https://example.org/docs/#top"),
            Some("https://example.org/docs/".into())
        );
        assert!(matches!(
            SiteUrls::new("https://example.org/docs/?"),
            Err(BaseUrlError::QueryOrFragment { .. })
        ));
        for (written, normal) in [
            (
                "https://example.org/a/../docs/",
                "https://example.org/docs/",
            ),
            ("https://example.org/./docs/", "https://example.org/docs/"),
            ("https://example.org//docs//", "https://example.org/docs/"),
            ("https://example.org\\docs\\", "https://example.org/docs/"),
            (
                "https://example.org/café/",
                "https://example.org/caf%C3%A9/",
            ),
        ] {
            assert_eq!(
                SiteUrls::new(written).unwrap_err(),
                BaseUrlError::PathNotNormalised {
                    fixed: normal.into()
                },
                "{written}"
            );
        }
        for (written, normal) in [
            ("HTTPS://Example.ORG/", "https://example.org/"),
            ("https://example.org:443/", "https://example.org/"),
            ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ] {
            assert_eq!(
                SiteUrls::new(written).unwrap_err(),
                BaseUrlError::NotNormalised {
                    fixed: normal.into()
                },
                "{written}"
            );
        }
        // Every fix offered is itself accepted.
        for written in [
            "ftp://example.org/docs",
            "https://user@example.org/x",
            "https://example.org/a/../b",
            "https://EXAMPLE.org:443//b",
            "https://example.org/\u{0}x",
        ] {
            let fix = fixed(written).unwrap();
            assert!(SiteUrls::new(&fix).is_ok(), "{written} → {fix}");
        }
    }

    #[test]
    fn messages_name_the_rule_and_help_shows_the_fix() {
        let error = SiteUrls::new("https://example.org/\nDisallow: /").unwrap_err();
        assert!(
            error.message().contains("a line break"),
            "{}",
            error.message()
        );
        assert_eq!(error.help(), "write `base_url: https://example.org/`");
        let error = SiteUrls::new("https://example.org/?a").unwrap_err();
        assert!(error.message().contains("query"));
        assert_eq!(error.help(), "write `base_url: https://example.org/`");
    }

    #[test]
    fn a_feedback_address_carries_the_page_address_as_one_value() {
        let link = feedback(
            "mailto:editor@example.org?subject=Problem with {url}",
            "https://example.org/q/a&cc=x@evil.example/?b=1#c",
        );
        let parsed = Url::parse(&link).unwrap();
        assert_eq!(parsed.scheme(), "mailto");
        assert_eq!(parsed.path(), "editor@example.org");
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [(
                "subject".to_string(),
                "Problem with https://example.org/q/a&cc=x@evil.example/?b=1#c".to_string()
            )]
        );
        assert_eq!(parsed.fragment(), None);
    }
}
