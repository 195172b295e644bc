//! Random and mutated content never makes `cited` panic or hang.
//!
//! Two property tests, in the normal test run:
//!
//! - the whole check stage (load, every check, the templates tried on
//!   sample pages) and a build, on a copy of the valid fixture with one file
//!   mutated: bytes flipped, inserted or cut, and fragments that are known
//!   to be hard for YAML, markdown, quotes and numbers spliced in;
//! - the markdown functions (`scan`, `to_html`, `to_plain_text`) on random
//!   markdown and HTML built from the same hard fragments.
//!
//! Each case runs on its own thread with a generous deadline: a case that
//! does not finish is reported as a hang (this is a backstop, not a timing
//! assertion; normal cases take milliseconds). A panic is a failure too,
//! whatever its message. `CITED_ROBUSTNESS_CASES` sets the number of cases
//! (default: 1,500 for the site, 3,000 for markdown).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use cited::markdown::{self, GlossaryMatcher, LinkTarget, RenderContext};
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

mod common;

const TODAY: Date = date(2026, 2, 1);

/// Far beyond any case's real time: only a hang gets near it.
const DEADLINE: Duration = Duration::from_secs(60);

fn cases(default: u32) -> u32 {
    std::env::var("CITED_ROBUSTNESS_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Fragments that have broken parsers before: YAML syntax, escapes and
/// tags, markdown and HTML nesting, links, control and bidi characters,
/// numbers and dates at their limits, and quotes' own punctuation.
const HARD: &[&str] = &[
    ":",
    ": ",
    "- ",
    "\n- ",
    "\n  - ",
    "[",
    "]",
    "{",
    "}",
    "\t",
    "\n\t",
    "\"",
    "'",
    "\\",
    "\"\\x07\"",
    "\"\\0\"",
    "\"\\e[31m\"",
    "&anchor ",
    "*anchor",
    "!!binary ",
    "!!str ",
    "!custom ",
    "%TAG ! tag:x,2000:\n",
    "\n---\n",
    "\n...\n",
    "? ",
    "|",
    "|-\n",
    ">\n",
    "#",
    " #",
    "\u{feff}",
    "\u{202e}",
    "\u{2028}",
    "\u{0}",
    "\u{7f}",
    "\u{9b}",
    "é",
    "e\u{301}",
    "ﬁ",
    "“",
    "”",
    "—",
    "…",
    "[[",
    "]]",
    "[[how-long-to-rise]]",
    "[[no-such-id]]",
    "[x](javascript:alert(1))",
    "[x](how-long-to-rise)",
    "![i](https://e.org/x.png)",
    "<div>",
    "</div>",
    "<script>",
    "<!--<script>",
    "</script>",
    "<b onclick=x>",
    "> > > >",
    "* * * *",
    "```",
    "`",
    "***",
    "0",
    "-1",
    "1e400",
    "99999999999999999999",
    "1.999",
    "5,6",
    "$640",
    "NaN",
    "2026-02-30",
    "30/11/2026",
    "9999-12-31",
    "0000-01-01",
    "10000000",
    "~",
    "null",
    "true",
    "yes",
    "on",
    "::",
    "questions",
    "..",
    "/etc/passwd",
];

/// A mutation of a text: where, and what happens there.
#[derive(Clone, Debug)]
enum Mutation {
    Insert(prop::sample::Index, &'static str),
    Cut(prop::sample::Index, usize),
    Flip(prop::sample::Index, u8),
    Repeat(prop::sample::Index, &'static str, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let hard = prop::sample::select(HARD);
    prop_oneof![
        4 => (any::<prop::sample::Index>(), hard.clone()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        2 => (any::<prop::sample::Index>(), 1..40usize).prop_map(|(i, n)| Mutation::Cut(i, n)),
        2 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        1 => (any::<prop::sample::Index>(), hard, 2..300usize)
            .prop_map(|(i, s, n)| Mutation::Repeat(i, s, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let at = |index: &prop::sample::Index, len: usize| index.index(len + 1);
    match mutation {
        Mutation::Insert(i, s) => {
            let at = at(i, bytes.len());
            bytes.splice(at..at, s.bytes());
        }
        Mutation::Cut(i, n) => {
            let start = at(i, bytes.len());
            let end = (start + n).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Flip(i, b) => {
            if !bytes.is_empty() {
                let at = i.index(bytes.len());
                bytes[at] ^= b | 1;
            }
        }
        Mutation::Repeat(i, s, n) => {
            let at = at(i, bytes.len());
            let text = s.repeat(*n);
            bytes.splice(at..at, text.into_bytes());
        }
    }
}

/// Runs `work` on a thread; `Err` says whether it panicked or hung.
fn guarded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = send.send(result);
    });
    match receive.recv_timeout(DEADLINE) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        }
        Err(_) => Err(format!("did not finish within {DEADLINE:?} (a hang?)")),
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

/// The fixture's files that a mutation may hit: every content file, the
/// archives included.
fn targets() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(fixture().join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(fixture()).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

#[test]
fn mutated_sites_never_panic_or_hang() {
    let targets = targets();
    let site = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), site.path());
    let root = site.path().to_path_buf();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("public");

    let strategy = (
        prop::sample::select(targets),
        prop::collection::vec(mutation(), 1..6),
        0..8u8,
    );
    let mut runner = TestRunner::new(Config {
        cases: cases(1_500),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |(file, mutations, build_too)| {
        let path = root.join(&file);
        let original = std::fs::read(fixture().join(&file)).unwrap();
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        std::fs::write(&path, &bytes).unwrap();
        let (root_, out_) = (root.clone(), out.clone());
        // One case in eight also builds: rendering sees what checks let through.
        let outcome = guarded(move || {
            let report = cited::check(&root_, TODAY);
            if build_too == 0 && !report.has_errors() {
                let built = cited::build(&cited::BuildOptions {
                    root: root_,
                    out: out_,
                    today: TODAY,
                    render: cited::render::RenderOptions::default(),
                    force: true,
                });
                // What check passes, a build must not fail on for content reasons.
                let content_errors: Vec<_> = built
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == cited::Severity::Error)
                    .map(|d| format!("{}: {}", d.code, d.message))
                    .collect();
                return content_errors;
            }
            Vec::new()
        });
        std::fs::write(&path, &original).unwrap();
        match outcome {
            Ok(errors) if errors.is_empty() => Ok(()),
            Ok(errors) => Err(TestCaseError::fail(format!(
                "{}: check passed, the build failed: {errors:?}\n{}",
                file.display(),
                String::from_utf8_lossy(&bytes)
            ))),
            Err(why) => Err(TestCaseError::fail(format!(
                "{} {why}\n--- the file ---\n{}",
                file.display(),
                String::from_utf8_lossy(&bytes)
            ))),
        }
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

fn markdown_text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(
        &[
            "word ",
            "collagen ",
            "dermis ",
            "\n\n",
            "\n",
            "  ",
            "- ",
            "1. ",
            "> ",
            "# ",
            "| a | b |\n",
            "|---|---|\n",
            "**",
            "_",
            "~~",
        ][..],
    );
    let piece = prop_oneof![prop::sample::select(HARD), words];
    prop::collection::vec((piece, 1..50usize), 1..40).prop_map(|pieces| {
        pieces
            .into_iter()
            .map(|(piece, n)| piece.repeat(if n > 40 { n * 20 } else { 1 }))
            .collect()
    })
}

/// Script elements, event-handler attributes and `javascript:` URLs in
/// `html`, parsed as a browser would.
fn executable_parts(html: &str) -> Vec<String> {
    let fragment = scraper::Html::parse_fragment(html);
    let mut found = Vec::new();
    for node in fragment.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        if matches!(element.name(), "script" | "iframe" | "object" | "embed") {
            found.push(format!("<{}>", element.name()));
        }
        for (name, value) in element.attrs() {
            let value = value.trim().to_ascii_lowercase();
            if name.to_ascii_lowercase().starts_with("on")
                || value.starts_with("javascript:")
                || value.starts_with("data:")
            {
                found.push(format!("{name}={value}"));
            }
        }
    }
    found
}

#[test]
fn random_markdown_never_panics_or_hangs() {
    let mut runner = TestRunner::new(Config {
        cases: cases(3_000),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&markdown_text(), |text| {
        let input = text.clone();
        let outcome = guarded(move || {
            let scan = markdown::scan(&input);
            let resolve = |id: &str| {
                (id == "how-long-to-rise").then_some(LinkTarget {
                    url: "/questions/how-long-to-rise/",
                    title: "How long?",
                })
            };
            let glossary = GlossaryMatcher::new([("collagen", "collagen"), ("dermis", "dermis")]);
            let html = markdown::to_html(
                &input,
                RenderContext {
                    resolve: &resolve,
                    glossary: Some(&glossary),
                    glossary_linked: None,
                    skip_glossary_id: None,
                    glossary_url: &|id| format!("/glossary/#{id}"),
                },
            );
            let plain = markdown::to_plain_text(&input, &|_| None);
            (scan.links.len(), html, plain)
        });
        match outcome {
            Ok((_, html, _)) => {
                // Whatever came in, nothing executable reaches the page (as
                // a browser parses it: escaped text is only text).
                prop_assert!(
                    executable_parts(&html).is_empty(),
                    "{:?}\n{html}",
                    executable_parts(&html)
                );
                Ok(())
            }
            Err(why) => Err(TestCaseError::fail(format!(
                "{why}\n--- markdown ---\n{text}"
            ))),
        }
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
