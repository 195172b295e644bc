//! Source archives: from the file an editor saved to the text its quotes are
//! checked against.
//!
//! Editors keep sources as they find them: a saved web page, a PDF, markdown
//! or plain text. [`extract`] turns a file's bytes into the archive's
//! *text*, the one thing quote matching, the quote's context and the
//! source page read:
//!
//! - one paragraph per line, `\n` between paragraphs, and no line breaks of
//!   the layout inside a paragraph; headings, list items and table rows on
//!   lines of their own;
//! - ligatures spelt out (`ﬁ` → `fi`), soft hyphens, zero-width spaces and a
//!   byte-order mark dropped, line endings made `\n`;
//! - everything else as the source has it: typographic quotes and dashes stay
//!   (quote matching treats them as equal to straight ones).
//!
//! Per format (the file's extension decides, see [`Format`]):
//!
//! - `.txt`: taken as written; each line is a paragraph. A text file wrapped
//!   at a fixed width is not re-flowed.
//! - `.md`: the text without markdown syntax ([`markdown`]): emphasis, link
//!   targets, images and raw HTML dropped; code kept.
//! - `.html`, `.htm`: the page's main text ([`html`]): a readability-style
//!   extraction keeps the article and drops scripts, styles, navigation,
//!   cookie banners, sidebars, related links and footers.
//! - `.pdf`: the text layer ([`pdf`]), laid out again into lines, columns and
//!   paragraphs, with words hyphenated at line ends joined by a documented rule.
//!
//! What it cannot do: read the words in an image (a scanned PDF is refused
//! with [`Problem::PdfWithoutText`]: OCR it first), run a page's scripts (a
//! page that shows its text only through JavaScript has no main text), or
//! always tell a layout hyphen from a real one (see [`pdf`]).
//!
//! This module turns bytes into text or a [`Problem`]; it must not open
//! files (`load` reads them, safely and within the size limit) nor judge
//! quotes (`check` does).

pub mod html;
pub mod markdown;
pub mod pdf;

use std::path::Path;

use crate::diagnostics::Code;

/// A kind of archive cited reads, named by the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Pdf,
}

/// The extensions cited reads archives from, for messages.
pub const SUPPORTED: &str = "`.txt`, `.md`, `.html` (or `.htm`) and `.pdf`";

impl Format {
    /// The format of the file at `path`, from its extension (in any case).
    pub fn of(path: &Path) -> Result<Format, Problem> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("txt") => Ok(Format::Text),
            Some("md") => Ok(Format::Markdown),
            Some("html" | "htm") => Ok(Format::Html),
            Some("pdf") => Ok(Format::Pdf),
            Some("yaml" | "yml") => Err(Problem::ContentFile),
            _ => Err(Problem::UnsupportedFormat { extension }),
        }
    }

    /// How messages name it: "a PDF".
    pub fn noun(self) -> &'static str {
        match self {
            Format::Text => "a text file",
            Format::Markdown => "a markdown file",
            Format::Html => "a web page",
            Format::Pdf => "a PDF",
        }
    }
}

/// Why a file gives no archive text. `load` turns each into a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The extension is none cited reads (`.docx`, no extension).
    UnsupportedFormat { extension: Option<String> },
    /// A `.yaml` or `.yml` file: a content file, not a source's text.
    ContentFile,
    /// The bytes are of another kind of file than the extension says.
    Mismatch {
        format: Format,
        actual: &'static str,
    },
    /// A text or markdown file that is not UTF-8.
    NotUtf8,
    /// A web page in which no main text was found.
    HtmlWithoutText,
    /// A PDF without a text layer: images of pages, such as a scan.
    PdfWithoutText,
    /// A PDF that cannot be read: damaged, encrypted, or built in a way the
    /// reader refuses. The reason, in plain words.
    PdfUnreadable(String),
    /// A web page built in a way no real page is (nested thousands deep),
    /// which would take the reader minutes. The reason, in plain words.
    HtmlUnreadable(String),
}

impl Problem {
    pub fn code(&self) -> Code {
        match self {
            Problem::UnsupportedFormat { .. } => Code::ArchiveFormat,
            Problem::ContentFile => Code::ArchiveIsContent,
            Problem::Mismatch { .. } => Code::ArchiveMismatch,
            Problem::NotUtf8 | Problem::PdfUnreadable(_) | Problem::HtmlUnreadable(_) => {
                Code::ArchiveUnreadable
            }
            Problem::HtmlWithoutText => Code::HtmlWithoutText,
            Problem::PdfWithoutText => Code::PdfWithoutText,
        }
    }

    /// The message and help for the archive `name` (as the source wrote it).
    pub fn describe(&self, name: &str) -> (String, String) {
        match self {
            Problem::UnsupportedFormat { extension: Some(extension) } => (
                format!("the archive `{name}` is a `.{extension}` file, which cited cannot read text from"),
                format!("cited reads {SUPPORTED}: save the source as a web page, PDF, markdown or text file beside this YAML, and give that file's name"),
            ),
            Problem::UnsupportedFormat { extension: None } => (
                format!("the archive `{name}` has no extension, so cited cannot tell what it holds"),
                format!("cited reads {SUPPORTED}: give the file the extension of what it holds"),
            ),
            Problem::ContentFile => (
                format!("the archive `{name}` is a YAML file, not the source's text"),
                "the archive is the source itself, saved beside this YAML as a web page, PDF or text: give that file's name".into(),
            ),
            Problem::Mismatch { format, actual } => (
                format!("the archive `{name}` is named as {} but holds {actual}", format.noun()),
                match (format, *actual) {
                    (Format::Pdf, "a web page") => "the download saved a web page (often an error or sign-in page) instead of the document: open the link in a browser and save the PDF itself".into(),
                    (_, "a web page") => "this is the page's HTML: rename the file to `.html` (and `archive:` with it), so cited extracts the page's text".into(),
                    _ => format!("save the source again, or give the file the extension of what it holds (cited reads {SUPPORTED})"),
                },
            ),
            Problem::NotUtf8 => (
                format!("the archive `{name}` is not valid UTF-8 text"),
                "save the archive as UTF-8 text".into(),
            ),
            Problem::HtmlWithoutText => (
                format!("found no main text in the web page `{name}`"),
                "the page may show its text only by running scripts; open it in a browser, copy the text into a `.txt` file beside this YAML and archive that instead".into(),
            ),
            Problem::PdfWithoutText => (
                format!("the PDF `{name}` has no text layer: its pages are images (a scan), and cited cannot read words in an image"),
                "archive the source as a web page or text if it has one, or run OCR on the PDF (e.g. `ocrmypdf in.pdf out.pdf`) and archive the result".into(),
            ),
            Problem::HtmlUnreadable(reason) => (
                format!("cannot read the web page `{name}`: {reason}"),
                "save the page again from a browser, or copy its text into a `.txt` file beside this YAML and archive that instead".into(),
            ),
            Problem::PdfUnreadable(reason) => (
                format!("cannot read the PDF `{name}`: {reason}"),
                "open it in a PDF viewer: if it asks for a password or shows an error, save an unprotected copy (Print → Save as PDF), or archive the source as a web page or text".into(),
            ),
        }
    }
}

/// The text of an archive of `format` made of `bytes`: see the module's doc.
pub fn extract(format: Format, bytes: &[u8]) -> Result<String, Problem> {
    // UTF-16 text ("Unicode" in old Windows editors) is text, not binary.
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if utf16 && matches!(format, Format::Text | Format::Markdown) {
        return Err(Problem::NotUtf8);
    }
    if let Some(actual) = sniff(format, bytes) {
        return Err(Problem::Mismatch { format, actual });
    }
    match format {
        Format::Text => {
            let text = std::str::from_utf8(bytes).map_err(|_| Problem::NotUtf8)?;
            Ok(tidy(text))
        }
        Format::Markdown => {
            let text = std::str::from_utf8(bytes).map_err(|_| Problem::NotUtf8)?;
            Ok(markdown::extract(&tidy(text)))
        }
        Format::Html => html::extract(bytes),
        Format::Pdf => pdf::extract(bytes),
    }
}

/// What the bytes hold instead of `format`, when their first bytes show it
/// is something else: a PDF saved as `.html`, a web page (typically an error
/// or login page) saved as `.pdf`, a Word document renamed `.txt`.
fn sniff(format: Format, bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = trim_ascii_start(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    let starts_with = |prefix: &[u8]| {
        start.len() >= prefix.len() && start[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    // A PDF may have a few bytes before its header; other files must start
    // with one to be taken for a PDF (a text may mention `%PDF-`).
    let is_pdf = match format {
        Format::Pdf => head.windows(5).any(|w| w == b"%PDF-"),
        _ => starts_with(b"%PDF-"),
    };
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_html = starts_with(b"<!doctype html") || starts_with(b"<html");
    let actual = if is_zip {
        Some("a ZIP file (such as a Word or OpenDocument file)")
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some("an old Microsoft Office document")
    } else if is_pdf {
        Some("a PDF")
    } else if is_html {
        Some("a web page")
    } else if head.contains(&0) {
        Some("binary data, not text")
    } else {
        None
    };
    match (format, actual) {
        (Format::Pdf, Some("a PDF")) | (Format::Html, Some("a web page")) => None,
        (Format::Pdf, None) if !bytes.is_empty() => {
            // Anything else in a `.pdf` is not a PDF: most often the HTML of
            // a page that a download saved in place of the document.
            Some(
                if contains_ignore_case(head, b"<html") || contains_ignore_case(head, b"<!doctype")
                {
                    "a web page"
                } else {
                    "something else: a PDF starts with `%PDF-`"
                },
            )
        }
        (_, actual) => actual,
    }
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The character fixes every format gets: ligatures spelt out, soft
/// hyphens, zero-width spaces and byte-order marks dropped, `\r\n` and `\r`
/// made `\n`. Text that needs none (the usual `.txt`) is returned without
/// copying it twice.
pub fn tidy(text: &str) -> String {
    let needs_work = |c: char| c == '\r' || replacement(c).is_some();
    let Some(first) = text.find(needs_work) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                out.push('\n');
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            c => match replacement(c) {
                Some(with) => out.push_str(with),
                None => out.push(c),
            },
        }
    }
    out
}

/// What a character becomes in archive text, when not itself.
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => "",
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => return None,
    })
}

/// Lines of text as paragraphs: each trimmed, runs of white space inside
/// made one space, blank ones dropped, joined by `\n` with one at the end.
pub(crate) fn paragraphs<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(Format::of(Path::new("a.TXT")), Ok(Format::Text));
        assert_eq!(Format::of(Path::new("a.htm")), Ok(Format::Html));
        assert_eq!(Format::of(Path::new("a.pdf")), Ok(Format::Pdf));
        assert_eq!(Format::of(Path::new("a.md")), Ok(Format::Markdown));
        assert_eq!(Format::of(Path::new("a.yaml")), Err(Problem::ContentFile));
        assert_eq!(
            Format::of(Path::new("a.docx")),
            Err(Problem::UnsupportedFormat {
                extension: Some("docx".into())
            })
        );
        assert_eq!(
            Format::of(Path::new("archive")),
            Err(Problem::UnsupportedFormat { extension: None })
        );
    }

    #[test]
    fn tidies_ligatures_soft_hyphens_and_line_ends() {
        assert_eq!(
            tidy("\u{FEFF}con\u{FB01}dent pro\u{00AD}fessional\r\nnext\rlast"),
            "confident professional\nnext\nlast"
        );
        assert_eq!(tidy("“plain” text\n"), "“plain” text\n");
    }

    #[test]
    fn refuses_files_that_are_not_what_their_extension_says() {
        let html = b"<!DOCTYPE html><html><body>Access denied</body></html>";
        assert_eq!(
            extract(Format::Pdf, html),
            Err(Problem::Mismatch {
                format: Format::Pdf,
                actual: "a web page"
            })
        );
        assert!(matches!(
            extract(Format::Text, b"%PDF-1.7\n..."),
            Err(Problem::Mismatch {
                actual: "a PDF",
                ..
            })
        ));
        assert!(matches!(
            extract(Format::Html, b"PK\x03\x04...."),
            Err(Problem::Mismatch { .. })
        ));
        assert!(matches!(
            extract(Format::Text, b"<html><body>x</body></html>"),
            Err(Problem::Mismatch {
                actual: "a web page",
                ..
            })
        ));
        assert_eq!(extract(Format::Text, b"\xff\xfe"), Err(Problem::NotUtf8));
        assert_eq!(
            extract(Format::Text, b"\xff\xfeh\0i\0"),
            Err(Problem::NotUtf8)
        );
    }
}
