//! Quote verification against hostile input, end to end through
//! `cited::check`: each case is the valid fixture plus a source `hostile`
//! (its archive written by the test) and a question quoting it, and asserts
//! the diagnostics' codes, files and lines. Also the review arithmetic on
//! absurd `review.max_age_days` values, which must be reported, not panic.

mod common;

use std::path::{Path, PathBuf};

use cited::{Diagnostic, Report, Severity};
use jiff::civil::{Date, date};

const TODAY: Date = date(2026, 2, 1);

/// The question file the quotes are written into, and the line of the
/// first quote's `text` in it (each further quote is three lines down).
const QUESTION: &str = "content/questions/hostile-quotes.yaml";
const FIRST_TEXT_LINE: usize = 11;

/// How a quote's text is written in the YAML.
enum Yaml<'a> {
    /// Double-quoted, escaped: YAML gives back exactly this text.
    Exact(&'a str),
    /// As a plain scalar, as an editor might type it.
    Plain(&'a str),
}

struct Case {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Case {
    fn new(archive: &str, quotes: &[Yaml]) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        common::copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
            &root,
        );
        let sources = root.join("content/sources");
        std::fs::write(sources.join("hostile.txt"), archive).unwrap();
        std::fs::write(
            sources.join("hostile.yaml"),
            "title: A hostile source\narchive: hostile.txt\n",
        )
        .unwrap();
        let mut yaml = String::from(
            "question: What does the hostile source say?\n\
             topic: basics\n\
             summary: It says several things.\n\
             answer: It says several things.\n\
             reviewed:\n  on: 2026-01-15\n  by: Editorial team\n\
             facts:\n",
        );
        for quote in quotes {
            let text = match quote {
                Yaml::Exact(text) => format!(
                    "\"{}\"",
                    text.replace('\\', "\\\\")
                        .replace('"', "\\\"")
                        .replace('\n', "\\n")
                ),
                Yaml::Plain(text) => text.to_string(),
            };
            yaml.push_str(&format!(
                "  - claim: A claim.\n    quotes:\n      - {{ source: hostile, text: {text} }}\n"
            ));
        }
        std::fs::write(root.join(QUESTION), yaml).unwrap();
        Case { _dir: dir, root }
    }

    fn with_site_setting(self, max_age_days: &str) -> Case {
        let path = self.root.join("content/site.yaml");
        let site = std::fs::read_to_string(&path).unwrap();
        let site = site.replace(
            "max_age_days: 365",
            &format!("max_age_days: {max_age_days}"),
        );
        std::fs::write(path, site).unwrap();
        self
    }

    fn check(&self) -> Report {
        cited::check(&self.root, TODAY)
    }
}

/// The quote diagnostics of the hostile question: (code, line, message + help).
/// (Codes are compared by name, so that this file also compiles, and fails,
/// against a `cited` without the newer codes.)
fn quote_findings(report: &Report) -> Vec<(String, usize, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.file == Path::new(QUESTION) && d.code.name().starts_with("quote"))
        .map(|d: &Diagnostic| {
            (
                d.code.name().to_string(),
                d.span.map_or(0, |s| s.line as usize),
                format!("{}\n{}", d.message, d.help.clone().unwrap_or_default()),
            )
        })
        .collect()
}

fn line_of_quote(n: usize) -> usize {
    FIRST_TEXT_LINE + 3 * n
}

/// Asserts that each quote gets exactly the code given (or none), at its line.
fn assert_codes(report: &Report, expected: &[Option<&str>]) {
    let findings = quote_findings(report);
    let mut wanted: Vec<(String, usize)> = expected
        .iter()
        .enumerate()
        .filter_map(|(n, code)| code.map(|c| (c.to_string(), line_of_quote(n))))
        .collect();
    let mut got: Vec<(String, usize)> = findings.iter().map(|f| (f.0.clone(), f.1)).collect();
    wanted.sort();
    got.sort();
    assert_eq!(got, wanted, "{findings:#?}");
}

const ARCHIVE: &str = "Overdoing treatments can cause irritation, redness and inflammation, leading to discomfort.\n\
Sessions cost about $1,200.50 per course, or 3.5 sessions on average.\n\
Risks of Microneedling\n\
Swelling can last for a few days after treatment.\n";

/// A quote of `ARCHIVE` that verifies.
const SWELLING: Yaml = Yaml::Exact("Swelling can last for a few days after treatment.");

#[test]
fn a_quote_must_be_long_enough_to_prove_something() {
    let case = Case::new(
        ARCHIVE,
        &[
            Yaml::Exact("a"),
            Yaml::Exact("."),
            Yaml::Exact("redness"),
            Yaml::Exact("leading to"),
            Yaml::Exact("leading to discomfort."),
        ],
    );
    let report = case.check();
    assert_codes(
        &report,
        &[
            Some("quote-too-short"),
            Some("quote-too-short"),
            Some("quote-too-short"),
            Some("quote-too-short"),
            None,
        ],
    );
    let findings = quote_findings(&report);
    assert!(findings[0].2.contains("at least 3"), "{findings:#?}");
}

#[test]
fn a_quote_must_start_and_end_on_whole_words() {
    let case = Case::new(
        ARCHIVE,
        &[
            Yaml::Exact("comfort. Sessions cost"),
            Yaml::Exact("ding to discomfort."),
            Yaml::Exact("leading to discom"),
            Yaml::Exact("cost about $1"),
            Yaml::Exact("per course, or 3"),
            Yaml::Exact("Sessions cost about $1,200.50 per course"),
        ],
    );
    let report = case.check();
    assert_codes(
        &report,
        &[
            Some("quote-inside-word"),
            Some("quote-inside-word"),
            Some("quote-inside-word"),
            Some("quote-inside-word"),
            Some("quote-inside-word"),
            None,
        ],
    );
    let findings = quote_findings(&report);
    assert!(
        findings[0].2.contains("only as part of `discomfort`"),
        "{findings:#?}"
    );
    assert!(findings[3].2.contains("`$1,200.50`") || findings[3].2.contains("`1,200.50`"));
}

#[test]
fn accents_must_match_whichever_way_they_are_encoded() {
    let nfd = "We met at The cafe\u{0301} on the corner.\n";
    let nfc = "We met at The caf\u{00E9} on the corner.\n";
    let plain = "We met at The cafe on the corner.\n";
    for archive in [nfd, nfc] {
        let case = Case::new(
            archive,
            &[
                Yaml::Exact("at The cafe on"),
                Yaml::Exact("met at The caf"),
                Yaml::Exact("at The cafe\u{0301} on"),
                Yaml::Exact("at The caf\u{00E9} on"),
            ],
        );
        let report = case.check();
        assert_codes(
            &report,
            &[Some("quote-accents"), Some("quote-inside-word"), None, None],
        );
        let findings = quote_findings(&report);
        assert!(
            findings[0].2.contains("where the quote has 'cafe'"),
            "{findings:#?}"
        );
    }
    let case = Case::new(plain, &[Yaml::Exact("at The café on")]);
    assert_codes(&case.check(), &[Some("quote-accents")]);
}

#[test]
fn a_quote_may_run_across_a_line_break_and_be_typeset_differently() {
    let archive = "\u{201C}There are no risks or downtime if microneedling is\nperformed properly,\u{201D} notes Dr. Katz \u{2014} a dermatologist.\n";
    let case = Case::new(
        archive,
        &[
            Yaml::Exact(
                "\"There are no risks or downtime if microneedling is performed properly,\"",
            ),
            Yaml::Exact("notes Dr. Katz - a dermatologist."),
            Yaml::Exact("microneedling is   performed"),
        ],
    );
    assert_codes(&case.check(), &[None, None, None]);
}

#[test]
fn curly_quotes_typed_as_yaml_quote_marks_are_explained() {
    let case = Case::new(
        ARCHIVE,
        &[
            Yaml::Plain("“Swelling can last for a few days after treatment.”"),
            Yaml::Plain("‘Swelling can last for a few days’"),
        ],
    );
    let report = case.check();
    assert_codes(
        &report,
        &[Some("quote-curly-marks"), Some("quote-curly-marks")],
    );
    let findings = quote_findings(&report);
    assert!(
        findings[0].2.contains("starts with “") && findings[0].2.contains("straight quotes"),
        "{findings:#?}"
    );
}

#[test]
fn a_heading_is_not_evidence() {
    let case = Case::new(
        ARCHIVE,
        &[
            Yaml::Exact("Risks of Microneedling"),
            Yaml::Exact("Swelling can last for a few days after treatment."),
        ],
    );
    let report = case.check();
    assert_codes(&report, &[Some("quote-is-heading"), None]);
    let heading = report
        .diagnostics
        .iter()
        .find(|d| d.code.name() == "quote-is-heading")
        .unwrap();
    assert_eq!(heading.severity, Severity::Warning);
}

#[test]
fn a_missing_quote_shows_the_aligned_passage_and_what_differs() {
    let case = Case::new(
        "Intro text here. Within 48 hours, the majority of the redness you experience after microneedling will go away. Peeling may take longer.\n",
        &[Yaml::Exact(
            "Within 48 hours the majority of the redness you experience after microneedling goes away.",
        )],
    );
    let report = case.check();
    assert_codes(&report, &[Some("quote-not-found")]);
    let findings = quote_findings(&report);
    let help = &findings[0].2;
    assert!(
        help.contains("\"Within 48 hours, the majority of the redness you experience after microneedling will go away.\""),
        "{help}"
    );
    assert!(
        help.contains("the archive has 'hours,' where the quote has 'hours'; the archive has 'will go' where the quote has 'goes'"),
        "{help}"
    );
}

#[test]
fn one_missing_quote_in_a_huge_archive_is_found_missing_with_its_passage() {
    // 8 MB of varied sentences (the benchmark uses the 64 MiB limit), with
    // the passage the quote garbles near the end.
    let words = [
        "bread", "dough", "loaf", "flour", "water", "salt", "yeast", "oven", "crust", "warm",
        "cold", "hours", "often", "rarely", "the", "a", "of", "and", "rise", "bake",
    ];
    let mut archive = String::with_capacity(8 << 20);
    let mut seed = 1u64;
    while archive.len() < 8 << 20 {
        for _ in 0..12 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            archive.push_str(words[(seed >> 33) as usize % words.len()]);
            archive.push(' ');
        }
        archive.push_str("done.\n");
    }
    archive.push_str(
        "A sourdough starter kept in the fridge needs two days of feeding before baking.\n",
    );
    archive.push_str("bread dough loaf.\n");
    let case = Case::new(
        &archive,
        &[
            Yaml::Exact(
                "A sourdough starter kept in the fridge needs three days of feeding before baking.",
            ),
            Yaml::Exact("A sourdough starter kept in the fridge needs two days"),
        ],
    );
    let report = case.check();
    assert_codes(&report, &[Some("quote-not-found"), None]);
    let findings = quote_findings(&report);
    assert!(
        findings[0].2.contains(
            "\"A sourdough starter kept in the fridge needs two days of feeding before baking.\""
        ) && findings[0]
            .2
            .contains("the archive has 'two' where the quote has 'three'"),
        "{}",
        findings[0].2
    );
}

#[test]
fn absurd_review_intervals_are_reported_not_panicked_on() {
    for value in [
        "10000000",
        "9223372036854775807",
        "-5",
        "0",
        "-9223372036854775808",
    ] {
        let case = Case::new(ARCHIVE, &[SWELLING]).with_site_setting(value);
        let report = case.check();
        let setting: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.file == Path::new("content/site.yaml"))
            .collect();
        assert_eq!(setting.len(), 1, "{value}: {setting:#?}");
        assert_eq!(setting[0].code.name(), "bad-setting", "{value}");
        assert_eq!(setting[0].span.map(|s| s.line), Some(8), "{value}");
        assert!(
            setting[0].message.contains("from 1 to 3650"),
            "{value}: {}",
            setting[0].message
        );
        // The setting is not used: no answer is overdue because of it.
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.code.name() == "review-overdue"),
            "{value}: {:#?}",
            report.diagnostics
        );
    }
    // The largest allowed value is accepted and does not overflow.
    let case = Case::new(ARCHIVE, &[SWELLING]).with_site_setting("3650");
    assert!(!case.check().has_errors());
}

#[test]
fn the_valid_fixture_quotes_verify() {
    let case = Case::new(ARCHIVE, &[SWELLING]);
    let report = case.check();
    let quote_problems: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.name().starts_with("quote-"))
        .collect();
    assert!(quote_problems.is_empty(), "{quote_problems:#?}");
}
