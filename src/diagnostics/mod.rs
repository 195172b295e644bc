//! Problems found in a site: one type for every stage, rendered for a
//! terminal (rustc-style, with the source line underlined) or as JSON.
//!
//! Every stage pushes into one [`Diagnostics`] list and keeps going, so an
//! editor sees every mistake in one run. This module only describes and
//! renders problems; it must not decide what is a problem.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
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
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The bytes of the file it covers, to slice its text with.
    pub fn bytes(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// A span from positions counted in `usize`. Held as `u32` (a span is
    /// on every value of the content model, and half the size counts at
    /// 100,000 questions): no file a site may hold comes near 4 GiB, and a
    /// position past it would only be shown as the last one.
    pub fn narrowed([line, column, end_line, end_column, start, end]: [usize; 6]) -> Span {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            line: narrow(line),
            column: narrow(column),
            end_line: narrow(end_line),
            end_column: narrow(end_column),
            start: narrow(start),
            end: narrow(end),
        }
    }

    /// The span of bytes `start..end` of `text`, with lines and columns
    /// worked out from the text before `end` (no index of the whole text is
    /// built). For many spans in one text, use a [`LineIndex`].
    pub fn from_bytes(text: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let line_column = |offset: usize| {
            let before = &text.as_bytes()[..offset];
            let line = memchr::memchr_iter(b'\n', before).count() + 1;
            let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
            (line, text[line_start..offset].chars().count() + 1)
        };
        let (line, column) = line_column(start);
        let (end_line, end_column) = line_column(end);
        Span::narrowed([line, column, end_line, end_column, start, end])
    }
}

/// Where each line of a text starts, so byte offsets become line:column in
/// O(log lines) rather than a scan from the top of the file; and how many
/// characters come before every [`CHECKPOINT_BYTES`]th byte, so a column on
/// a very long line costs at most that many bytes of counting, not the line.
pub struct LineIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
    /// `(byte, characters before it)` at the character boundary at or
    /// before each multiple of [`CHECKPOINT_BYTES`]. Empty for an ASCII
    /// text, where a character is a byte.
    checkpoints: Vec<(usize, usize)>,
    /// Every byte is a character: a column is a difference of offsets.
    /// Most content files are ASCII, and a load makes a span for every
    /// value of every file.
    ascii: bool,
}

/// Columns further than this from their line's start are counted from a
/// checkpoint: thousands of values on one long line (a flow list of 20,000
/// tags) must not each count the line from its start.
const CHECKPOINT_BYTES: usize = 4096;

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        let ascii = text.is_ascii();
        if ascii {
            return LineIndex {
                text,
                line_starts,
                checkpoints: Vec::new(),
                ascii,
            };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_BYTES + 1);
        let (mut byte, mut chars) = (0, 0);
        for k in 0..=text.len() / CHECKPOINT_BYTES {
            let next = floor_char_boundary(text, k * CHECKPOINT_BYTES);
            chars += text[byte..next].chars().count();
            byte = next;
            checkpoints.push((byte, chars));
        }
        LineIndex {
            text,
            line_starts,
            checkpoints,
            ascii,
        }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(self.text, start.min(self.text.len()));
        let end = floor_char_boundary(self.text, end.clamp(start, self.text.len()));
        let (line, column) = self.line_column(start);
        let (end_line, end_column) = self.line_column(end);
        Span::narrowed([line, column, end_line, end_column, start, end])
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

    /// The 1-based line that byte `offset` is on.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let line_start = self.line_starts[line - 1];
        let column = if self.ascii {
            offset - line_start
        } else if offset - line_start <= CHECKPOINT_BYTES {
            self.text[line_start..offset].chars().count()
        } else {
            self.chars_before(offset) - self.chars_before(line_start)
        };
        (line, column + 1)
    }

    /// How many characters come before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let (byte, chars) = self.checkpoints[offset / CHECKPOINT_BYTES];
        chars + self.text[byte..offset].chars().count()
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

    /// The diagnostics as GitHub Actions workflow commands, one per line
    /// (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`),
    /// so a pull request shows each problem on the line it concerns. The
    /// help follows the message on a new line. Every diagnostic is printed:
    /// GitHub itself shows the first few per step.
    pub fn to_github(&self) -> String {
        let mut out = String::new();
        for d in &self.items {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut properties = vec![format!("file={}", github_property(&display_path(&d.file)))];
            if let Some(span) = d.span {
                properties.push(format!("line={}", span.line));
                properties.push(format!("col={}", span.column));
                properties.push(format!("endLine={}", span.end_line));
                properties.push(format!("endColumn={}", span.end_column));
            }
            properties.push(format!(
                "title={}",
                github_property(&format!("cited {}", d.code))
            ));
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let _ = writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                github_data(&message)
            );
        }
        out
    }

    /// The diagnostics as a JSON array of
    /// `{file,line,column,end_line,end_column,severity,code,message,help}`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct JsonDiagnostic<'a> {
            file: String,
            line: Option<u32>,
            column: Option<u32>,
            end_line: Option<u32>,
            end_column: Option<u32>,
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

    /// The diagnostics rendered like rustc's, for a person at a terminal: a
    /// title, the file:line:column, the source line with the value
    /// underlined, and the help.
    ///
    /// Hostile input cannot make it slow or dishonest:
    ///
    /// - each diagnostic costs the lines it shows, not the size of its file:
    ///   the renderer is given only the lines under the span, found with one
    ///   [`LineIndex`] per file;
    /// - a person reads at most [`SHOWN_PER_CODE_AND_FILE`] diagnostics of one
    ///   code in one file, then one line saying how many more there are
    ///   ([`Diagnostics::to_json`] keeps every one, for machines, and
    ///   [`Diagnostics::summary`] counts every one);
    /// - control and bidi characters in the path, message, help and source line
    ///   are shown as `<U+XXXX>` (see [`escape_for_terminal`]), so what is shown
    ///   is what is on disk, and the underline stays under the value.
    pub fn render(&self, sources: &SourceFiles, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .decor_style(DecorStyle::Unicode);

        // Every file's text and line index, made once however many problems it has.
        let texts: HashMap<&Path, Arc<str>> = self
            .items
            .iter()
            .filter(|d| d.span.is_some())
            .filter_map(|d| Some((d.file.as_path(), sources.get(&d.file)?)))
            .collect();
        let mut indexes: HashMap<&Path, LineIndex> = HashMap::new();

        // How many problems of each code each file has, and which is its last,
        // so that the "and N more" lines close that file's problems.
        let mut totals: HashMap<(&Path, Code), usize> = HashMap::new();
        let mut last_of_file: HashMap<&Path, usize> = HashMap::new();
        for (i, d) in self.items.iter().enumerate() {
            *totals.entry((&d.file, d.code)).or_default() += 1;
            last_of_file.insert(&d.file, i);
        }
        let mut shown: HashMap<(&Path, Code), usize> = HashMap::new();
        let mut held_back: Vec<(&Path, Code)> = Vec::new();

        let mut out = String::new();
        for (i, d) in self.items.iter().enumerate() {
            let key = (d.file.as_path(), d.code);
            let count = shown.entry(key).or_default();
            *count += 1;
            if *count <= SHOWN_PER_CODE_AND_FILE {
                let index = texts
                    .get(key.0)
                    .map(|text| &*indexes.entry(key.0).or_insert_with(|| LineIndex::new(text)));
                let _ = writeln!(out, "{}\n", render_one(&renderer, d, index));
            } else if *count == SHOWN_PER_CODE_AND_FILE + 1 {
                held_back.push(key);
            }
            if last_of_file.get(key.0) == Some(&i) {
                for &(file, code) in held_back.iter().filter(|(file, _)| *file == key.0) {
                    let more = totals[&(file, code)] - SHOWN_PER_CODE_AND_FILE;
                    let _ = writeln!(
                        out,
                        "… and {} more `{code}` problem{} in {} (`cited check --format json` lists them all)\n",
                        with_thousands(more),
                        if more == 1 { "" } else { "s" },
                        escape_for_terminal(&display_path(file), Lines::One),
                    );
                }
                held_back.retain(|(file, _)| *file != key.0);
            }
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

/// How many diagnostics of one code in one file [`Diagnostics::render`]
/// shows a person; the rest are counted in one line.
pub const SHOWN_PER_CODE_AND_FILE: usize = 20;

/// One diagnostic as a block of text. `index` is its file's, when the file's
/// text is known.
fn render_one(renderer: &Renderer, d: &Diagnostic, index: Option<&LineIndex>) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = display_path(&d.file);
    let path = escape_for_terminal(&path, Lines::One);
    let message = escape_for_terminal(&d.message, Lines::Many);
    let title = level.primary_title(message).id(d.code.name());
    let main = match (d.span, index) {
        (Some(span), Some(index)) => {
            let excerpt = Excerpt::new(index, span);
            title.element(
                Snippet::source(excerpt.text)
                    .line_start(excerpt.first_line)
                    .path(path)
                    .annotation(AnnotationKind::Primary.span(excerpt.span)),
            )
        }
        (Some(span), None) => title.element(
            annotate_snippets::Origin::path(path)
                .line(span.line as usize)
                .char_column(span.column as usize),
        ),
        (None, _) => title.element(annotate_snippets::Origin::path(path)),
    };
    let mut report = vec![main];
    if let Some(help) = &d.help {
        report.push(Group::with_title(
            Level::HELP.secondary_title(escape_for_terminal(help, Lines::Many)),
        ));
    }
    renderer.render(&report)
}

/// The lines of a file under a span, escaped for a terminal, and where the
/// span falls in them: all the renderer needs, at the cost of those lines.
struct Excerpt {
    text: String,
    /// The line number of the excerpt's first line in the file.
    first_line: usize,
    /// The span, in bytes of `text`.
    span: Range<usize>,
}

impl Excerpt {
    fn new(index: &LineIndex, span: Span) -> Excerpt {
        let text = index.text();
        // Spans come from this text, but a stale one must not panic here.
        let bytes = span.bytes();
        let start = floor_char_boundary(text, bytes.start.min(text.len()));
        let mut end = floor_char_boundary(text, bytes.end.clamp(start, text.len()));
        if end == start {
            // Point at one character rather than between two.
            end += text[start..].chars().next().map_or(0, char::len_utf8);
        }
        let first_line = index.line_of(start);
        let last_line = index.line_of(end);
        let excerpt_start = index.line_starts[first_line - 1];
        let excerpt_end = index
            .line_starts
            .get(last_line)
            .copied()
            .unwrap_or(text.len());
        let (escaped, [span_start, span_end]) = escape_source(
            &text[excerpt_start..excerpt_end],
            [start - excerpt_start, end - excerpt_start],
        );
        Excerpt {
            text: escaped,
            first_line,
            span: span_start..span_end,
        }
    }
}

/// Whether a text may span lines when shown: a message or help may (the
/// renderer indents its later lines), a path may not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Characters that must not reach a terminal as they are: C0 and C1 control
/// characters and DEL (which can move the cursor, clear the screen or start
/// an escape sequence), the bidi controls U+061C, U+200E, U+200F,
/// U+202A–U+202E and U+2066–U+2069 (which reorder what is shown, so that
/// the text on screen is not the text on disk), and the line and paragraph
/// separators U+2028 and U+2029 (which break a line the renderer counts as
/// one), and the byte-order mark U+FEFF (invisible, and refused by YAML
/// inside a file). Tabs and line breaks are left to the renderer where a
/// text may span lines.
fn is_unsafe_for_terminal(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::One,
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        '\u{2028}' | '\u{2029}' | '\u{feff}' => true,
        c => c.is_control(),
    }
}

/// `text` with every character a terminal must not see as it is written
/// visibly as `<U+XXXX>` (its code point in hex, at least four digits: a
/// right-to-left override becomes `<U+202E>`, ESC `<U+001B>`). Everything
/// `render` prints goes through it; JSON output does not, as it is data and
/// JSON escapes it.
pub fn escape_for_terminal(text: &str, lines: Lines) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe_for_terminal(c, lines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        push_escaped(&mut out, c, lines);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char, lines: Lines) {
    if is_unsafe_for_terminal(c, lines) {
        let _ = write!(out, "<U+{:04X}>", u32::from(c));
    } else {
        out.push(c);
    }
}

/// How a tab in a source line is shown: one visible column, so that a
/// diagnostic about a tab can point at it (the renderer would otherwise
/// widen it to spaces, which look like any other indentation).
const TAB_SHOWN_AS: char = '→';

/// Source lines escaped for a terminal, with two byte offsets into them
/// moved to where they land in the escaped text. A carriage return that ends
/// a line (Windows line endings) is kept for the renderer to handle; any
/// other is escaped, as it would let the rest of a line overwrite its start.
/// A tab is shown as [`TAB_SHOWN_AS`].
fn escape_source(lines: &str, offsets: [usize; 2]) -> (String, [usize; 2]) {
    let mut out = String::with_capacity(lines.len());
    let mut moved = offsets;
    let mut chars = lines.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        for (offset, new) in offsets.iter().zip(moved.iter_mut()) {
            if *offset == i {
                *new = out.len();
            }
        }
        let line_ending = c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n');
        if line_ending {
            out.push(c);
        } else if c == '\t' {
            out.push(TAB_SHOWN_AS);
        } else {
            push_escaped(&mut out, c, Lines::Many);
        }
    }
    for (offset, new) in offsets.iter().zip(moved.iter_mut()) {
        if *offset >= lines.len() {
            *new = out.len();
        }
    }
    (out, moved)
}

/// `19980` as `19,980`.
fn with_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
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
    /// The SHA-256 of each text let go by [`SourceFiles::forget_texts`].
    forgotten: HashMap<PathBuf, [u8; 32]>,
}

impl SourceFiles {
    pub fn insert(&mut self, path: PathBuf, text: Arc<str>) {
        self.forgotten.remove(&path);
        self.files.insert(path, text);
    }

    pub fn get(&self, path: &Path) -> Option<Arc<str>> {
        self.files.get(path).cloned()
    }

    /// The SHA-256 of the text read from `path`, kept or forgotten.
    pub fn digest(&self, path: &Path) -> Option<[u8; 32]> {
        use sha2::{Digest as _, Sha256};
        match self.files.get(path) {
            Some(text) => Some(Sha256::digest(text.as_bytes()).into()),
            None => self.forgotten.get(path).copied(),
        }
    }

    /// Lets go of the texts of the files `keep` does not want, keeping only
    /// their digests. A one-off build does this once its checks are done:
    /// from then on it shows only the problems already found (and template
    /// errors), and the record of what it read needs only the digests, so a
    /// large site need not hold every file's text through rendering.
    pub fn forget_texts(&mut self, keep: impl Fn(&Path) -> bool) {
        use rayon::prelude::*;
        use sha2::{Digest as _, Sha256};
        let forgotten: Vec<(PathBuf, Arc<str>)> =
            self.files.extract_if(|path, _| !keep(path)).collect();
        // Hashed (and the texts let go) on every core: at 10,000 files this
        // was a sequential step of the build.
        let digests: Vec<(PathBuf, [u8; 32])> = (forgotten.into_par_iter())
            .map(|(path, text)| (path, Sha256::digest(text.as_bytes()).into()))
            .collect();
        self.forgotten.extend(digests);
    }
}

/// A workflow command's message, escaped as GitHub's runner expects.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (a file name, a title): as data,
/// and `:` and `,` too, which separate properties.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(files: &[(&str, &str)]) -> SourceFiles {
        let mut sources = SourceFiles::default();
        for (path, text) in files {
            sources.insert(PathBuf::from(path), Arc::from(*text));
        }
        sources
    }

    fn bad_tag(file: &str, text: &str, value: &str) -> Diagnostic {
        let start = text.find(value).unwrap();
        Diagnostic::error(
            Code::BadTag,
            file,
            Some(Span::from_bytes(text, start, start + value.len())),
        )
        .message(format!("the tag `{value}` is bad"))
    }

    #[test]
    fn escapes_control_and_bidi_characters_visibly() {
        assert_eq!(
            escape_for_terminal(
                "a\u{202e}b\u{1b}[2Jc\u{9b}d\u{7f}\u{200e}\u{200f}\u{61c}\u{2066}\u{2069}\0",
                Lines::Many
            ),
            "a<U+202E>b<U+001B>[2Jc<U+009B>d<U+007F><U+200E><U+200F><U+061C><U+2066><U+2069><U+0000>"
        );
        assert_eq!(
            escape_for_terminal("two\nlines\tand a tab", Lines::Many),
            "two\nlines\tand a tab"
        );
        assert_eq!(
            escape_for_terminal("a\nb\tc\r", Lines::One),
            "a<U+000A>b<U+0009>c<U+000D>"
        );
        assert!(matches!(
            escape_for_terminal("plain café ✓", Lines::One),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn moves_the_span_with_the_escapes_and_keeps_windows_line_endings() {
        let (text, [start, end]) = escape_source("a\u{202e}b\rc\r\n", [4, 9]);
        assert_eq!(text, "a<U+202E>b<U+000D>c\r\n");
        assert_eq!(&text[start..end], "b<U+000D>c\r\n");
    }

    #[test]
    fn shows_a_tab_in_a_source_line_as_an_arrow_under_its_underline() {
        let (text, [start, end]) = escape_source("  \tby: x\n", [2, 3]);
        assert_eq!(text, "  →by: x\n");
        assert_eq!(&text[start..end], "→");
        let source = "on: 1\n  \tby: x\n";
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(
            Diagnostic::error(
                Code::TabIndent,
                "a.yaml",
                Some(Span::from_bytes(source, 8, 9)),
            )
            .message("tab"),
        );
        let out = diagnostics.render(&sources(&[("a.yaml", source)]), false);
        let lines: Vec<&str> = out.lines().collect();
        let shown = lines
            .iter()
            .position(|l| l.ends_with("2 │   →by: x"))
            .expect(&out);
        let arrow = lines[shown].chars().position(|c| c == '→');
        let underline = lines[shown + 1].chars().position(|c| c == '━');
        assert_eq!(arrow, underline, "{out}");
        // Machines get the column of the tab character itself.
        let json: serde_json::Value = serde_json::from_str(&diagnostics.to_json()).unwrap();
        assert_eq!(json[0]["column"], 3);
        assert_eq!(json[0]["end_column"], 4);
    }

    #[test]
    fn columns_on_a_very_long_line_count_characters() {
        // Multi-byte characters straddle the checkpoints.
        let line: String = (0..30_000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("first\n{line}\nlast");
        let index = LineIndex::new(&text);
        for (column, (offset, _)) in line.char_indices().enumerate().step_by(997) {
            let span = index.span(6 + offset, 6 + offset);
            assert_eq!(
                (span.line, span.column),
                (2, column as u32 + 1),
                "at byte {offset}"
            );
        }
        let last = index.span(text.len(), text.len());
        assert_eq!((last.line, last.column), (3, 5));
    }

    #[test]
    fn a_span_holds_positions_as_u32_and_saturates_past_them() {
        let span = Span::narrowed([3, 7, 3, 9, 40, 42]);
        assert_eq!((span.line, span.column, span.bytes()), (3, 7, 40..42));
        let far = usize::try_from(u64::from(u32::MAX) + 5).unwrap();
        let span = Span::narrowed([1, 1, 1, 1, far, far]);
        assert_eq!((span.start, span.end), (u32::MAX, u32::MAX));
        assert_eq!(std::mem::size_of::<Span>(), 24);
    }

    #[test]
    fn a_span_from_bytes_is_the_span_a_line_index_gives() {
        // With multi-byte characters, and in ASCII (where the index takes
        // a column as a difference of offsets).
        for text in [
            "a: é\nbb: \"x\"\r\n\nlast line ✓",
            "a: e\nbb: \"x\"\r\n\n\tlast line",
        ] {
            let index = LineIndex::new(text);
            for start in 0..=text.len() + 2 {
                for end in [start, start + 1, start + 7, text.len() + 5] {
                    assert_eq!(
                        Span::from_bytes(text, start, end),
                        index.span(start, end),
                        "{text:?} {start}..{end}"
                    );
                }
            }
        }
    }

    #[test]
    fn writes_thousands_with_commas() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (19_980, "19,980"),
            (1_234_567, "1,234,567"),
        ];
        for (n, text) in cases {
            assert_eq!(with_thousands(n), text);
        }
    }

    #[test]
    fn shows_the_right_line_of_a_long_file() {
        let mut text: String = (1..100_000).map(|i| format!("line {i}\n")).collect();
        text.push_str("tags: [Bad Tag]\n");
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(bad_tag("big.yaml", &text, "Bad Tag"));
        let out = diagnostics.render(&sources(&[("big.yaml", &text)]), false);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[1].ends_with("big.yaml:100000:8"), "{out}");
        assert!(
            out.contains("100000 │ tags: [Bad Tag]\n       ╰╴       ━━━━━━━\n"),
            "{out}"
        );
        assert!(!out.contains("line 99999"), "{out}");
    }

    #[test]
    fn a_span_past_the_end_of_its_text_does_not_panic() {
        let mut diagnostics = Diagnostics::default();
        let span = Span {
            line: 9,
            column: 1,
            end_line: 9,
            end_column: 4,
            start: 500,
            end: 503,
        };
        diagnostics.push(Diagnostic::error(Code::BadTag, "a.yaml", Some(span)).message("m"));
        let span = Span {
            start: 2,
            end: 1,
            ..span
        };
        diagnostics.push(Diagnostic::error(Code::BadTag, "a.yaml", Some(span)).message("m"));
        let out = diagnostics.render(&sources(&[("a.yaml", "é\nshort")]), false);
        assert_eq!(out.matches("error[bad-tag]").count(), 2, "{out}");
    }

    #[test]
    fn escapes_the_path_message_help_and_source_line() {
        let text = "tags: [Rise\u{202e}Time]\n";
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(
            bad_tag("questions/\u{202e}x.yaml", text, "Rise\u{202e}Time")
                .help("write `\u{1b}[2J`\nor \u{9b}"),
        );
        let out = diagnostics.render(&sources(&[("questions/\u{202e}x.yaml", text)]), false);
        assert!(!out.contains(['\u{202e}', '\u{1b}', '\u{9b}']), "{out}");
        for shown in [
            "questions/<U+202E>x.yaml:1:8",
            "the tag `Rise<U+202E>Time` is bad",
            "1 │ tags: [Rise<U+202E>Time]",
            "  │        ━━━━━━━━━━━━━━━━",
            "help: write `<U+001B>[2J`",
            "or <U+009B>",
        ] {
            assert!(out.contains(shown), "no `{shown}` in:\n{out}");
        }
    }

    #[test]
    fn shows_twenty_of_a_code_per_file_then_counts_the_rest() {
        let a: String = (0..23).map(|i| format!("- Bad {i:02}\n")).collect();
        let b = "- Bad X\n";
        let mut diagnostics = Diagnostics::default();
        for i in 0..23 {
            diagnostics.push(bad_tag("a.yaml", &a, &format!("Bad {i:02}")));
        }
        // Another code in the same file, and the same code in another file.
        for i in 0..21 {
            diagnostics.push(
                Diagnostic::warning(Code::LongSummary, "a.yaml", None).message(format!("long {i}")),
            );
        }
        diagnostics.push(bad_tag("b.yaml", b, "Bad X"));
        diagnostics.sort();
        let out = diagnostics.render(&sources(&[("a.yaml", &a), ("b.yaml", b)]), false);

        let titles: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("error[") || l.starts_with("warning[") || l.starts_with('…'))
            .collect();
        assert_eq!(
            titles
                .iter()
                .filter(|l| l.starts_with("error[bad-tag]: the tag `Bad "))
                .count(),
            21,
            "{out}"
        );
        assert_eq!(
            titles
                .iter()
                .filter(|l| l.starts_with("warning[long-summary]"))
                .count(),
            20,
            "{out}"
        );
        // The more lines close a.yaml's problems, before b.yaml's.
        let at = |needle: &str| {
            titles
                .iter()
                .position(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("no {needle}:\n{out}"))
        };
        assert_eq!(
            titles[at("… and 1 more `long-summary`")],
            "… and 1 more `long-summary` problem in a.yaml (`cited check --format json` lists them all)"
        );
        assert_eq!(
            titles[at("… and 3 more `bad-tag`")],
            "… and 3 more `bad-tag` problems in a.yaml (`cited check --format json` lists them all)"
        );
        assert!(at("… and 3 more") < at("Bad X"), "{out}");
        assert_eq!(diagnostics.summary(), "24 errors, 21 warnings");
        let json: serde_json::Value = serde_json::from_str(&diagnostics.to_json()).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 45);
    }
}
