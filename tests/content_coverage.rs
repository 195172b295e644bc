//! Coverage of the bundled microneedling site's only source.
//!
//! Every paragraph (non-empty line) of `content/sources/web-excerpts.txt` must
//! be quoted by at least one quote somewhere under `content/` (a fact, a
//! caution or a data block), and every quote of that source must occur in the
//! archive. Matching uses the same normalisation as the quote checker: runs of
//! white space become one space, typographic quotes become straight ones and
//! en/em dashes become hyphens.

use std::path::{Path, PathBuf};

const SOURCE_ID: &str = "web-excerpts";

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// White space runs → one space; ‘ ’ → '; “ ” → "; – — → -. Trimmed.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            in_space = true;
            continue;
        }
        if in_space && !out.is_empty() {
            out.push(' ');
        }
        in_space = false;
        out.push(match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            other => other,
        });
    }
    out
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

#[test]
fn every_paragraph_of_the_source_is_quoted() {
    let archive = archive();
    let paragraphs: Vec<&str> = archive.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!paragraphs.is_empty(), "the archive has no paragraphs");
    let quotes: Vec<String> = source_quotes()
        .iter()
        .map(|q| normalise(&q.text))
        .filter(|q| !q.is_empty())
        .collect();

    let uncovered: Vec<String> = paragraphs
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            let p = normalise(p);
            !quotes.iter().any(|q| p.contains(q.as_str()))
        })
        .map(|(i, p)| format!("  paragraph {} (line {}): {p}", i + 1, i + 1))
        .collect();

    assert!(
        uncovered.is_empty(),
        "{} of {} paragraphs of content/sources/{SOURCE_ID}.txt are not quoted anywhere under content/:\n{}",
        uncovered.len(),
        paragraphs.len(),
        uncovered.join("\n")
    );
}

#[test]
fn every_quote_occurs_in_the_archive() {
    let archive = normalise(&archive());
    let missing: Vec<String> = source_quotes()
        .iter()
        .filter(|q| {
            let text = normalise(&q.text);
            text.is_empty() || !archive.contains(text.as_str())
        })
        .map(|q| format!("  {}: {:?}", q.file.display(), q.text))
        .collect();
    assert!(
        missing.is_empty(),
        "{} quote(s) of `{SOURCE_ID}` do not occur in its archive:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn normalisation_matches_the_checker() {
    assert_eq!(normalise("  a \n\t b  "), "a b");
    assert_eq!(normalise("\u{201C}it\u{2019}s\u{201D}"), "\"it's\"");
    assert_eq!(normalise("a \u{2013} b\u{2014}c"), "a - b-c");
}
