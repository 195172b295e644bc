//! Problems found in a site: one type for every stage, rendered for a
//! terminal (rustc-style, with the source line underlined) or as JSON.
//!
//! Every stage pushes into one [`Diagnostics`] list and keeps going, so an
//! editor sees every mistake in one run. This module only describes and
//! renders problems; it must not decide what is a problem.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet, renderer::DecorStyle};
use serde::Serialize;

mod code;
pub use code::Code;

/// How bad a problem is: errors fail the build, warnings don't.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a value sits in its file. Lines and columns count from 1; columns
/// count characters. `start..end` are byte offsets into the file, used to
/// underline the value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The span of bytes `start..end` of `text`, with lines and columns
    /// worked out from the text itself. For many spans in one text, use a
    /// [`LineIndex`].
    pub fn from_bytes(text: &str, start: usize, end: usize) -> Span {
        LineIndex::new(text).span(start, end)
    }
}

/// Where each line of a text starts, so byte offsets become line:column in
/// O(log lines) rather than a scan from the top of the file.
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        LineIndex { text, line_starts }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(self.text, start.min(self.text.len()));
        let end = floor_char_boundary(self.text, end.clamp(start, self.text.len()));
        let (line, column) = self.line_column(start);
        let (end_line, end_column) = self.line_column(end);
        Span {
            line,
            column,
            end_line,
            end_column,
            start,
            end,
        }
    }

    /// The byte offset of 1-based `line` and character `column`, clamped to the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = &self.text[line_start..];
        let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
        line_start
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i)
    }

    fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let line_start = self.line_starts[line - 1];
        (line, self.text[line_start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// One problem: what is wrong, where, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The kind of problem; its name (e.g. `unknown-field`) is stable and greppable.
    pub code: Code,
    /// The file, relative to the site root.
    pub file: PathBuf,
    /// `None` when the problem concerns the whole file (or no file).
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, file: impl Into<PathBuf>, span: Option<Span>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.into(),
            span,
            message: String::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, file: impl Into<PathBuf>, span: Option<Span>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span)
        }
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The list every stage reports into.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Puts problems in reading order (file, then position), so that two runs
    /// over the same content print the same thing, whatever the thread timing.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (
                &a.file,
                a.span.map(|s| s.start),
                a.severity,
                a.code.name(),
                &a.message,
            )
                .cmp(&(
                    &b.file,
                    b.span.map(|s| s.start),
                    b.severity,
                    b.code.name(),
                    &b.message,
                ))
        });
        self.items.dedup();
    }

    /// The diagnostics as a JSON array of
    /// `{file,line,column,end_line,end_column,severity,code,message,help}`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct JsonDiagnostic<'a> {
            file: String,
            line: Option<usize>,
            column: Option<usize>,
            end_line: Option<usize>,
            end_column: Option<usize>,
            severity: Severity,
            code: &'a str,
            message: &'a str,
            help: Option<&'a str>,
        }
        let items: Vec<JsonDiagnostic> = self
            .items
            .iter()
            .map(|d| JsonDiagnostic {
                file: display_path(&d.file),
                line: d.span.map(|s| s.line),
                column: d.span.map(|s| s.column),
                end_line: d.span.map(|s| s.end_line),
                end_column: d.span.map(|s| s.end_column),
                severity: d.severity,
                code: d.code.name(),
                message: &d.message,
                help: d.help.as_deref(),
            })
            .collect();
        serde_json::to_string_pretty(&items).expect("diagnostics serialise to JSON")
    }

    /// The diagnostics rendered like rustc's: a title, the file:line:column,
    /// the source line with the value underlined, and the help.
    pub fn render(&self, sources: &SourceFiles, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .decor_style(DecorStyle::Unicode);
        let mut out = String::new();
        for d in &self.items {
            let level = match d.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
            };
            let path = display_path(&d.file);
            let title = level.primary_title(d.message.as_str()).id(d.code.name());
            let text = sources.get(&d.file);
            let main = match (d.span, text.as_deref()) {
                (Some(span), Some(text)) => {
                    let end = if span.end > span.start {
                        span.end
                    } else {
                        // Point at one character rather than between two.
                        text[span.start..]
                            .chars()
                            .next()
                            .map_or(span.start, |c| span.start + c.len_utf8())
                    };
                    title.element(
                        Snippet::source(text)
                            .path(path.as_str())
                            .annotation(AnnotationKind::Primary.span(span.start..end)),
                    )
                }
                (Some(span), None) => title.element(
                    annotate_snippets::Origin::path(path.as_str())
                        .line(span.line)
                        .char_column(span.column),
                ),
                (None, _) => title.element(annotate_snippets::Origin::path(path.as_str())),
            };
            let mut report = vec![main];
            if let Some(help) = &d.help {
                report.push(Group::with_title(
                    Level::HELP.secondary_title(help.as_str()),
                ));
            }
            let _ = writeln!(out, "{}\n", renderer.render(&report));
        }
        out
    }

    /// A one-line count, e.g. "2 errors, 1 warning".
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning")
        )
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The text of every file the diagnostics may point into, keyed by the path
/// relative to the site root, kept so problems can show their source line.
#[derive(Clone, Debug, Default)]
pub struct SourceFiles {
    files: HashMap<PathBuf, Arc<str>>,
}

impl SourceFiles {
    pub fn insert(&mut self, path: PathBuf, text: Arc<str>) {
        self.files.insert(path, text);
    }

    pub fn get(&self, path: &Path) -> Option<Arc<str>> {
        self.files.get(path).cloned()
    }
}

/// Paths in messages use `/` on every platform, so output is the same everywhere.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The closest candidate to `wrong` by edit distance, if it is close enough
/// to be a plausible typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}
