//! Coverage of the bundled microneedling site's only source.
//!
//! Every paragraph (non-empty line) of `content/sources/web-excerpts.txt` must
//! be quoted by at least one quote somewhere under `content/` (a fact, a
//! caution or a data block), except the archive's headings: a heading is not
//! evidence, and the quote checker warns when one is quoted
//! (`quote-is-heading`). What counts as a heading, and how quotes and
//! paragraphs are normalised before they are compared, is decided by the
//! checker itself (`cited::check::quotes`), not by rules copied here, so the
//! test and `cited check` cannot drift apart. Every quote of that source must
//! also verify against the archive, and none may be a heading.

use std::path::{Path, PathBuf};

use cited::check::quotes::{Archive, Verdict, normalise};

const SOURCE_ID: &str = "web-excerpts";

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

#[derive(Debug)]
struct Quote {
    file: PathBuf,
    source: String,
    text: String,
}

/// Collects every `{source, text}` object found in a `quotes` list, at any depth.
fn collect_quotes(value: &serde_json::Value, file: &Path, out: &mut Vec<Quote>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                if key == "quotes"
                    && let serde_json::Value::Array(items) = child
                {
                    for item in items {
                        if let Some(text) = item.get("text").and_then(|t| t.as_str()) {
                            let source = item
                                .get("source")
                                .and_then(|s| s.as_str())
                                .unwrap_or_default()
                                .to_string();
                            out.push(Quote {
                                file: file.to_path_buf(),
                                source,
                                text: text.to_string(),
                            });
                        }
                    }
                }
                collect_quotes(child, file, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_quotes(item, file, out);
            }
        }
        _ => {}
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml") | Some("yml")
        ) {
            out.push(path);
        }
    }
}

fn all_quotes() -> Vec<Quote> {
    let mut files = Vec::new();
    yaml_files(&content_dir(), &mut files);
    assert!(!files.is_empty(), "no YAML files under content/");
    let mut quotes = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let value: serde_json::Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("cannot parse {}: {e}", file.display()));
        collect_quotes(&value, file, &mut quotes);
    }
    quotes
}

fn archive() -> String {
    let path = content_dir()
        .join("sources")
        .join(format!("{SOURCE_ID}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn source_quotes() -> Vec<Quote> {
    let quotes: Vec<Quote> = all_quotes()
        .into_iter()
        .filter(|q| q.source == SOURCE_ID)
        .collect();
    assert!(
        !quotes.is_empty(),
        "no quotes of source `{SOURCE_ID}` found under content/"
    );
    quotes
}

/// Whether the quote checker takes this whole line of the archive for a
/// heading (it would warn `quote-is-heading` if it were quoted).
fn is_heading(archive: &Archive, line: &str) -> bool {
    matches!(archive.verify(line), Verdict::Found(found) if found.is_heading)
}

/// The paragraphs of `archive_text` (its non-empty lines) that are not
/// headings and that no quote lies within, with their numbers (from 1).
fn unquoted_paragraphs<'a>(archive_text: &'a str, quotes: &[&str]) -> Vec<(usize, &'a str)> {
    let archive = Archive::new(archive_text);
    let quotes: Vec<String> = quotes
        .iter()
        .map(|q| normalise(q))
        .filter(|q| !q.trim().is_empty())
        .collect();
    archive_text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| !is_heading(&archive, line))
        .filter(|(_, line)| {
            let paragraph = normalise(line);
            !quotes.iter().any(|q| paragraph.contains(q.as_str()))
        })
        .collect()
}

#[test]
fn every_paragraph_of_the_source_is_quoted() {
    let archive = archive();
    assert!(
        archive.lines().any(|l| !l.trim().is_empty()),
        "the archive has no paragraphs"
    );
    let quotes = source_quotes();
    let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
    let uncovered: Vec<String> = unquoted_paragraphs(&archive, &texts)
        .into_iter()
        .map(|(n, p)| format!("  paragraph {n}: {p}"))
        .collect();
    assert!(
        uncovered.is_empty(),
        "{} paragraph(s) of content/sources/{SOURCE_ID}.txt are not quoted anywhere under content/:\n{}",
        uncovered.len(),
        uncovered.join("\n")
    );
}

#[test]
fn every_quote_verifies_and_none_is_a_heading() {
    let text = archive();
    let archive = Archive::new(&text);
    let quotes = source_quotes();
    let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
    let problems: Vec<String> = quotes
        .iter()
        .zip(archive.verify_all(&texts))
        .filter_map(|(q, verdict)| match verdict {
            Verdict::Found(found) if found.is_heading => Some(format!(
                "  {}: {:?} is a heading, not evidence",
                q.file.display(),
                q.text
            )),
            Verdict::Found(_) => None,
            other => Some(format!(
                "  {}: {:?} is not verified: {other:?}",
                q.file.display(),
                q.text
            )),
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{} quote(s) of `{SOURCE_ID}` are not evidence:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The rule above, on a small archive: a real paragraph left unquoted is
/// reported (with its number); a heading left unquoted is not; a heading's
/// words inside a longer sentence do not make that sentence a heading.
#[test]
fn an_unquoted_paragraph_is_reported_but_an_unquoted_heading_is_not() {
    let archive = "Risks of the Treatment\n\
                   Swelling can last for a few days after treatment.\n\
                   \n\
                   Redness goes away within two days for most people.\n\
                   Short line but a sentence.\n";
    let quotes = ["Swelling can last for a few days"];
    assert_eq!(
        unquoted_paragraphs(archive, &quotes),
        [
            (3, "Redness goes away within two days for most people."),
            (4, "Short line but a sentence."),
        ]
    );
    let all = [
        "Swelling can last for a few days",
        "goes away within two days",
        "Short line but a sentence",
    ];
    assert!(unquoted_paragraphs(archive, &all).is_empty());
}

/// The bundled archive's two headings are what the checker calls headings,
/// and they are the only ones: every other paragraph must be quoted.
#[test]
fn the_bundled_archive_has_exactly_its_two_headings() {
    let text = archive();
    let archive = Archive::new(&text);
    let headings: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && is_heading(&archive, l))
        .collect();
    assert_eq!(
        headings,
        [
            "Follow a Skincare Regimen",
            "Risks that May Occur From Microneedling"
        ]
    );
}
