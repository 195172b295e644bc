//! The theme: Tera templates and static assets.
//!
//! The default theme is compiled into the binary, so a site with only
//! `content/` builds. A site's own `templates/` folder overrides any built-in
//! template or asset of the same name, and may add more. Assets are published
//! under content-hashed names so browsers can cache them forever. This module
//! loads and parses; it does not decide what a page contains.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::diagnostics::{Code, Diagnostic, Diagnostics, LineIndex, SourceFiles, Span};

/// The default theme's templates, by name.
const BUILT_IN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    (
        "partials/quote.html",
        include_str!("../templates/partials/quote.html"),
    ),
    (
        "partials/question-list.html",
        include_str!("../templates/partials/question-list.html"),
    ),
    (
        "partials/backlinks.html",
        include_str!("../templates/partials/backlinks.html"),
    ),
    (
        "partials/caution.html",
        include_str!("../templates/partials/caution.html"),
    ),
    (
        "partials/care-cards.html",
        include_str!("../templates/partials/care-cards.html"),
    ),
    (
        "partials/reviewers.html",
        include_str!("../templates/partials/reviewers.html"),
    ),
    ("reviewer.html", include_str!("../templates/reviewer.html")),
    ("get-help.html", include_str!("../templates/get-help.html")),
    ("cautions.html", include_str!("../templates/cautions.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("question.html", include_str!("../templates/question.html")),
    ("topic.html", include_str!("../templates/topic.html")),
    ("source.html", include_str!("../templates/source.html")),
    ("caution.html", include_str!("../templates/caution.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("glossary.html", include_str!("../templates/glossary.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("404.html", include_str!("../templates/404.html")),
];

/// The default theme's assets, by file name.
const BUILT_IN_ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../templates/assets/style.css")),
    ("search.js", include_bytes!("../templates/assets/search.js")),
];

/// An asset as published: its hashed path under the output and its bytes.
pub struct Asset {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub struct Theme {
    pub tera: tera::Tera,
    /// Changes whenever a template or asset does, so a rebuild knows whether
    /// pages rendered with the previous theme can be kept.
    pub fingerprint: u64,
    /// Asset file name → path of its hashed copy under the output, e.g.
    /// "style.css" → "assets/style.1a2b3c4d5e.css". Render makes the URLs.
    pub asset_paths: BTreeMap<String, String>,
    pub assets: Vec<Asset>,
    /// Each template's file, to name the one holding a mistake.
    files: TemplateFiles,
}

/// A template mistake, placed in the file that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// The site's `templates/<name>`, or `built-in template <name>`.
    pub file: PathBuf,
    /// Where Tera found the mistake, when it says.
    pub span: Option<Span>,
    /// Tera's message, without its own copy of the source line.
    pub message: String,
    /// Whether the file is the site's own (else the built-in theme's).
    pub overridden: bool,
}

/// Template name → where it came from and its text.
#[derive(Default)]
struct TemplateFiles(BTreeMap<String, TemplateFile>);

struct TemplateFile {
    /// The path diagnostics show: `templates/page.html` for the site's own,
    /// `built-in template page.html` for the default theme's.
    path: PathBuf,
    text: Arc<str>,
    overridden: bool,
}

/// Loads the built-in theme with the site's overrides from `root/templates/`.
/// Every template's text goes into `files`, so that a diagnostic can show
/// the line at fault, also in a built-in template.
pub fn load(root: &Path, files: &mut SourceFiles, diagnostics: &mut Diagnostics) -> Option<Theme> {
    let mut templates = TemplateFiles(
        BUILT_IN_TEMPLATES
            .iter()
            .map(|(name, text)| {
                let file = TemplateFile {
                    path: PathBuf::from(format!("built-in template {name}")),
                    text: Arc::from(*text),
                    overridden: false,
                };
                (name.to_string(), file)
            })
            .collect(),
    );
    let mut asset_files: BTreeMap<String, Vec<u8>> = BUILT_IN_ASSETS
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect();

    let overrides = root.join("templates");
    if overrides.is_dir() {
        for entry in walkdir::WalkDir::new(&overrides).sort_by_file_name() {
            let entry = match entry {
                Ok(e) if e.file_type().is_file() => e,
                Ok(_) => continue,
                Err(error) => {
                    diagnostics.push(
                        Diagnostic::error(Code::Unreadable, "templates", None)
                            .message(format!("cannot read templates: {error}")),
                    );
                    continue;
                }
            };
            let name = entry
                .path()
                .strip_prefix(&overrides)
                .unwrap_or(entry.path());
            let name = name.to_string_lossy().replace('\\', "/");
            if name
                .split('/')
                .any(|part| part.starts_with('.') || part.ends_with('~'))
            {
                continue; // editor swap files
            }
            let relative = Path::new("templates").join(&name);
            match std::fs::read(entry.path()) {
                Ok(bytes) if name.starts_with("assets/") => {
                    asset_files.insert(name["assets/".len()..].to_string(), bytes);
                }
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        let file = TemplateFile {
                            path: relative,
                            text: Arc::from(text),
                            overridden: true,
                        };
                        templates.0.insert(name, file);
                    }
                    Err(_) => diagnostics.push(
                        Diagnostic::error(Code::NotUtf8, relative, None)
                            .message("this template is not valid UTF-8")
                            .help("save it as UTF-8"),
                    ),
                },
                Err(error) => diagnostics.push(
                    Diagnostic::error(Code::Unreadable, relative, None)
                        .message(format!("cannot read this template: {error}")),
                ),
            }
        }
    }
    for file in templates.0.values() {
        files.insert(file.path.clone(), file.text.clone());
    }

    let fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        templates
            .0
            .iter()
            .for_each(|(name, file)| (name, &*file.text).hash(&mut hasher));
        asset_files.hash(&mut hasher);
        hasher.finish()
    };
    let mut asset_paths = BTreeMap::new();
    let mut assets = Vec::new();
    for (name, bytes) in asset_files {
        let path = format!("assets/{}", hashed_name(&name, &bytes));
        asset_paths.insert(name, path.clone());
        assets.push(Asset { path, bytes });
    }

    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    let named = templates
        .0
        .iter()
        .map(|(name, file)| (name.as_str(), &*file.text));
    if let Err(error) = tera.add_raw_templates(named) {
        let mut found = templates.locate_all(&error);
        if found.is_empty() {
            found.push(templates.locate(&error, None));
        }
        for error in found {
            let help = if error.overridden {
                "fix the template (Tera 2 syntax); if it replaces a built-in template, deleting it brings that back"
            } else {
                "this built-in template relies on the site's own templates (a block of its base.html, a partial it includes): check those"
            };
            diagnostics.push(
                Diagnostic::error(Code::TemplateSyntax, error.file, error.span)
                    .message(format!("this template does not parse: {}", error.message))
                    .help(help),
            );
        }
        return None;
    }
    Some(Theme {
        tera,
        fingerprint,
        asset_paths,
        assets,
        files: templates,
    })
}

impl Theme {
    /// Where a rendering error is: the template file holding the mistake
    /// (which may be a parent or an included partial of `rendering`, the
    /// page's template), with the line Tera gives.
    pub fn locate(&self, error: &tera::Error, rendering: &str) -> TemplateError {
        self.files.locate(error, Some(rendering))
    }

    /// Whether some template may read `field` of the context value `value`
    /// (e.g. `question`'s `reading_grade`), so that render can leave out,
    /// and not work out, a value no template reads. Errs towards yes: a
    /// template that names `field` anywhere, uses `value` other than to read
    /// a field of it by name (passes it on, prints it, indexes it, loops
    /// over it), or dumps the whole context (`__tera_context`) may read it.
    pub fn may_read(&self, value: &str, field: &str) -> bool {
        self.files.0.values().any(|file| {
            file.text.contains(field)
                || expressions(&file.text).any(|expression| {
                    names_whole(expression, value) || names_whole(expression, DUMP_CONTEXT)
                })
        })
    }
}

/// What Tera prints the whole context for.
const DUMP_CONTEXT: &str = "__tera_context";

/// The insides of a template's `{{ … }}` and `{% … %}` tags (not its
/// comments): where it names values. Text in `{% raw %}` is taken as
/// expressions too, which can only make [`Theme::may_read`] say yes more.
fn expressions(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('{')?;
            let close = match rest[start + 1..].chars().next() {
                Some('{') => "}}",
                Some('%') => "%}",
                _ => {
                    rest = &rest[start + 1..];
                    continue;
                }
            };
            let inside = &rest[start + 2..];
            let end = inside.find(close).unwrap_or(inside.len());
            rest = &inside[(end + close.len()).min(inside.len())..];
            return Some(&inside[..end]);
        }
    })
}

/// Whether `expression` names the variable `name` other than to read one of
/// its fields by name (`name.field`): outside string literals, `name` as a
/// whole identifier, followed by anything but `.`.
fn names_whole(expression: &str, name: &str) -> bool {
    let bytes = expression.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if matches!(byte, b'"' | b'\'' | b'`') {
            // A string literal: its text names nothing.
            at += 1;
            while at < bytes.len() && bytes[at] != byte {
                at += 1;
            }
            at += 1;
        } else if byte.is_ascii_alphabetic() || byte == b'_' {
            let start = at;
            while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                at += 1;
            }
            if &expression[start..at] == name {
                let next = expression[at..].trim_start().bytes().next();
                if next != Some(b'.') {
                    return true;
                }
            }
        } else {
            at += 1;
        }
    }
    false
}

impl TemplateFiles {
    /// The template mistake `error` is about, in the file that holds it.
    fn locate(&self, error: &tera::Error, rendering: Option<&str>) -> TemplateError {
        self.locate_all(error)
            .into_iter()
            .next()
            .unwrap_or_else(|| self.error_in(rendering.unwrap_or(""), None, error_chain(error)))
    }

    /// Every template mistake `error` reports (a failed load can list several,
    /// in several files), each in the file that holds it, with its place when
    /// Tera gives one.
    fn locate_all(&self, error: &tera::Error) -> Vec<TemplateError> {
        // Tera may wrap the error that knows the place in others.
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(cause) = current {
            if let Some(tera_error) = cause.downcast_ref::<tera::Error>() {
                match tera_error.kind() {
                    tera::ErrorKind::SyntaxError(report)
                    | tera::ErrorKind::RenderingError(report) => {
                        let span = self.0.get(report.filename()).map(|file| {
                            let range = &report.span().range;
                            LineIndex::new(&file.text).span(range.start, range.end)
                        });
                        let message = report.message().to_string();
                        return vec![self.error_in(report.filename(), span, message)];
                    }
                    tera::ErrorKind::MissingParent { current, parent } => {
                        let span = self.find(current, &format!("\"{parent}\""));
                        return vec![self.error_in(current, span, tera_error.to_string())];
                    }
                    tera::ErrorKind::CircularExtend { tpl, .. }
                    | tera::ErrorKind::CircularInclude { tpl, .. } => {
                        return vec![self.error_in(tpl, None, tera_error.to_string())];
                    }
                    tera::ErrorKind::Msg(text) => {
                        // Unknown filters, includes and blocks come as reports
                        // Tera has already written out as text.
                        let found: Vec<TemplateError> = text
                            .split("\n\n")
                            .filter_map(|report| self.parse_report(report))
                            .collect();
                        if !found.is_empty() {
                            return found;
                        }
                    }
                    _ => {}
                }
            }
            current = cause.source();
        }
        Vec::new()
    }

    fn error_in(&self, name: &str, span: Option<Span>, message: String) -> TemplateError {
        let file = self.0.get(name);
        TemplateError {
            file: file.map_or_else(|| PathBuf::from("templates"), |f| f.path.clone()),
            span,
            message,
            overridden: file.is_some_and(|f| f.overridden),
        }
    }

    /// The first place `needle` occurs in template `name`.
    fn find(&self, name: &str, needle: &str) -> Option<Span> {
        let text = &self.0.get(name)?.text;
        let start = text.find(needle)?;
        Some(LineIndex::new(text).span(start, start + needle.len()))
    }

    /// A report as Tera writes it:
    ///
    /// ```text
    /// error: Unknown filter `rnd`
    ///  --> page.html:3:19
    ///   |
    /// 3 | {{ x | rnd }}
    ///   |        ^^^
    /// ```
    fn parse_report(&self, report: &str) -> Option<TemplateError> {
        let mut lines = report.lines();
        let message = lines.next()?.strip_prefix("error: ")?;
        let place = lines.next()?.trim_start().strip_prefix("--> ")?;
        let mut parts = place.rsplitn(3, ':');
        let column: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let name = parts.next()?;
        let file = self.0.get(name)?;
        let width = lines
            .nth(2)
            .map_or(1, |underline| underline.matches('^').count());
        let index = LineIndex::new(&file.text);
        let start = index.offset(line, column);
        let end = index.offset(line, column + width.max(1));
        Some(self.error_in(name, Some(index.span(start, end)), message.to_string()))
    }
}

/// `style.css` with content hash `1a2b3c4d…` becomes `style.1a2b3c4d.css`.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// An error with its causes, on one line: Tera's top-level message alone
/// often only says "failed to render".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
