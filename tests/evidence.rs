//! The evidence checks on real sites: the valid fixture with one question,
//! caution or topic replaced, checked with `cited::check`. Each test asserts
//! the code, the file, the line and column, and the word a finding names.
//!
//! The cases reproduce the sentences an editorial review of the bundled
//! microneedling site found drifting past its quotes (issue 10), each over
//! the real excerpt it was written from.

use std::path::{Path, PathBuf};

use cited::{Diagnostic, Severity};
use jiff::civil::{Date, date};

mod common;

const TODAY: Date = date(2026, 2, 1);

/// Excerpts of the bundled site's source, verbatim.
const EXCERPTS: &str = "\
If the needles penetrate beyond the recommended depth into the dermis or subcutaneous layer, it may lead to side effects like bleeding, bruising, or even scarring in severe cases.
The unfortunate truth is that aside from additional pain and longer healing time, many derma roller users suffer from side effects.
It's normal to experience certain side effects after a microneedling procedure.
The procedure causes short-term swelling, redness, and skin flaking, which can last for a few days.
It is rare to get any serious side effects following treatment.
As stand-alone treatments, these are both fantastic in their own ways.
\"There are no risks or downtime if microneedling is performed properly,\" notes Dr. Katz.
However, the most dramatic results will not be visible until two to four weeks after treatment.
The average cost is about $1,999.50 per session, and a quote with 5,6 in it.
";

struct Site {
    _temp: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    /// The valid fixture with the excerpts as a source `excerpts`.
    fn new() -> Site {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("site");
        common::copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
            &root,
        );
        let site = Site { _temp: temp, root };
        site.write("sources/excerpts.txt", EXCERPTS);
        site.write(
            "sources/excerpts.yaml",
            "title: Web excerpts\narchive: excerpts.txt\n",
        );
        site
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.root.join("content").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A question in topic `basics` with these lines after its `question:`.
    fn question(&self, id: &str, body: &str) {
        self.write(
            &format!("questions/{id}.yaml"),
            &format!(
                "question: Question {id}?\ntopic: basics\n{body}reviewed:\n  on: 2026-01-15\n  by: Editorial team\n"
            ),
        );
    }

    fn check(&self) -> cited::Report {
        cited::check(&self.root, TODAY)
    }
}

/// The findings of `code`, as (file, line, column, message).
fn findings(report: &cited::Report, code: &str) -> Vec<(String, usize, usize, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d: &Diagnostic| {
            let span = d.span.expect("a finding has a position");
            (
                d.file.to_string_lossy().into_owned(),
                span.line as usize,
                span.column as usize,
                d.message.clone(),
            )
        })
        .collect()
}

fn quote(text: &str) -> String {
    format!("      - source: excerpts\n        text: \"{text}\"\n")
}

/// A quote of a data block (two levels less deep than a fact's).
fn block_quote(text: &str) -> String {
    format!("    - source: excerpts\n      text: \"{text}\"\n")
}

#[test]
fn qualifiers_no_quote_has_are_named_where_they_are() {
    let site = Site::new();
    site.question(
        "bruising",
        &format!(
            "summary: Yes, mostly when the needles go too deep.\nanswer: Bleeding can happen.\nfacts:\n  - claim: Needles that go too deep may lead to bleeding.\n    quotes:\n{}",
            quote("If the needles penetrate beyond the recommended depth into the dermis or subcutaneous layer, it may lead to side effects like bleeding, bruising, or even scarring in severe cases.")
        ),
    );
    site.question(
        "short-term",
        &format!(
            "summary: Side effects are normal.\nanswer: Swelling can last a few days.\nfacts:\n  - claim: Some side effects are normal, and most are short-term.\n    quotes:\n{}{}",
            quote("It's normal to experience certain side effects after a microneedling procedure."),
            quote("The procedure causes short-term swelling, redness, and skin flaking, which can last for a few days.")
        ),
    );
    site.question(
        "botox",
        &format!(
            "summary: Both work well as stand-alone treatments.\nanswer: Both are fantastic.\nfacts:\n  - claim: Both are fantastic as stand-alone treatments.\n    quotes:\n{}",
            quote("As stand-alone treatments, these are both fantastic in their own ways.")
        ),
    );
    site.write(
        "topics/basics.yaml",
        "title: Bread basics\norder: 1\nintro: |\n  From short-term redness to\n  rarer problems such as scarring.\n",
    );
    site.question(
        "rare",
        &format!(
            "summary: Serious side effects are rare.\nanswer: It is rare.\nfacts:\n  - claim: Serious side effects are rare.\n    quotes:\n{}",
            quote("It is rare to get any serious side effects following treatment.")
        ),
    );
    let report = site.check();
    let found = findings(&report, "qualifier-not-quoted");
    assert_eq!(
        found,
        [
            (
                "content/questions/botox.yaml".into(),
                3,
                15,
                "the summary says 'work well', which no quote of the question says".into()
            ),
            (
                "content/questions/bruising.yaml".into(),
                3,
                15,
                "the summary says 'mostly', which no quote of the question says".into()
            ),
            (
                "content/questions/short-term.yaml".into(),
                6,
                46,
                "the claim says 'most', which none of its quotes says".into()
            ),
            (
                "content/topics/basics.yaml".into(),
                5,
                3,
                "the intro says 'rarer', which no quote of the topic's questions says".into()
            ),
        ]
    );
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.code == "qualifier-not-quoted")
            .all(|d| d.severity == Severity::Warning)
    );
    // `rare`, backed by its quote, is not reported.
    assert!(found.iter().all(|f| !f.0.contains("rare.yaml")));
}

#[test]
fn details_no_quote_gives_are_claim_words() {
    let site = Site::new();
    let roller = quote(
        "The unfortunate truth is that aside from additional pain and longer healing time, many derma roller users suffer from side effects.",
    );
    site.question(
        "rollers",
        &format!(
            "summary: Many derma roller users suffer from side effects.\nanswer: |\n  Many people use derma rollers at home and suffer side effects.\nfacts:\n  - claim: Many derma roller users at home suffer side effects.\n    quotes:\n{roller}"
        ),
    );
    site.question(
        "downtime",
        &format!(
            "summary: One doctor says there are no risks if it is performed properly.\nanswer: Dr. Katz says so.\nfacts:\n  - claim: Dr. Katz notes there are no risks or downtime if it is performed properly.\n    quotes:\n{}",
            quote("There are no risks or downtime if microneedling is performed properly,")
                + "        attribution: Dr. Katz\n"
        ),
    );
    let report = site.check();
    let found = findings(&report, "word-not-quoted");
    assert_eq!(
        found,
        [
            (
                "content/questions/downtime.yaml".into(),
                3,
                14,
                "the summary says 'doctor', which no quote of the question says".into()
            ),
            (
                "content/questions/rollers.yaml".into(),
                7,
                36,
                "the claim says 'at home', which none of its quotes says".into()
            ),
        ]
    );
    // Answers are held to their quotes' words only where the site asks.
    let settings = std::fs::read_to_string(site.root.join("content/site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{settings}evidence:\n  claim_words_in_answers: true\n"),
    );
    let report = site.check();
    let in_answer: Vec<_> = findings(&report, "word-not-quoted")
        .into_iter()
        .filter(|f| f.0.ends_with("rollers.yaml") && f.3.starts_with("the answer"))
        .map(|f| (f.1, f.2, f.3))
        .collect();
    assert_eq!(
        in_answer,
        [
            (
                5,
                8,
                "the answer says 'people use', which no quote of the question says".into()
            ),
            (
                5,
                33,
                "the answer says 'at home', which no quote of the question says".into()
            ),
        ]
    );
}

#[test]
fn numbers_in_words_and_digits_are_the_same_numbers() {
    let site = Site::new();
    let text = "However, the most dramatic results will not be visible until two to four weeks after treatment.";
    let weeks = quote(text);
    // Digits over a quote in words: backed. Words no quote gives: refused.
    site.question(
        "results",
        &format!(
            "summary: Results show after 2 to 4 weeks.\nanswer: Results show after four to six weeks.\ntimeline:\n  steps:\n    - when: 2 to 4 weeks\n      what: The results show.\n    - when: Four to six weeks\n      what: The results show.\n  quotes:\n{}facts:\n  - claim: Results show after two to 4 weeks.\n    quotes:\n{weeks}",
            block_quote(text)
        ),
    );
    let report = site.check();
    let strict = findings(&report, "number-not-quoted");
    assert_eq!(
        strict,
        [(
            "content/questions/results.yaml".into(),
            9,
            21,
            "the timeline says six, which none of its quotes gives".into()
        )]
    );
    let prose = findings(&report, "prose-number-not-quoted");
    assert_eq!(
        prose,
        [(
            "content/questions/results.yaml".into(),
            4,
            36,
            "the answer says six, which no quote of the question gives".into()
        )]
    );
    assert!(report.has_errors());
    // A site may make numbers in prose an error.
    let settings = std::fs::read_to_string(site.root.join("content/site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{settings}evidence:\n  numbers_in_prose: error\n"),
    );
    let report = site.check();
    let severities: Vec<Severity> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "prose-number-not-quoted")
        .map(|d| d.severity)
        .collect();
    assert_eq!(severities, [Severity::Error]);
}

#[test]
fn costs_are_exact_and_grouping_is_respected() {
    let site = Site::new();
    let cost =
        block_quote("The average cost is about $1,999.50 per session, and a quote with 5,6 in it.");
    site.question(
        "cost",
        &format!(
            "summary: About $1,999.50 per session.\nanswer: It costs about 1999.5 dollars.\ncost:\n  currency: USD\n  per: session\n  typical: 1999.50\n  high: 56\n  quotes:\n{cost}"
        ),
    );
    let report = site.check();
    let strict = findings(&report, "number-not-quoted");
    assert_eq!(
        strict,
        [(
            "content/questions/cost.yaml".into(),
            9,
            9,
            "the high cost 56 does not appear in any of the cost's quotes".into()
        )]
    );
    assert!(findings(&report, "prose-number-not-quoted").is_empty());
}

#[test]
fn an_allowance_silences_one_finding_and_is_counted() {
    let site = Site::new();
    site.question(
        "bruising",
        &format!(
            "summary: Yes, mostly when the needles go too deep.\nanswer: Bleeding is usually mild.\nfacts:\n  - claim: Needles that go too deep may lead to bleeding.\n    quotes:\n{}allow:\n  - code: qualifier-not-quoted\n    word: Mostly\n    reason: The excerpt lists depth as the cause it knows of.\n  - code: qualifier-not-quoted\n    word: always\n    reason: Left over from an earlier wording.\n",
            quote("If the needles penetrate beyond the recommended depth into the dermis or subcutaneous layer, it may lead to side effects like bleeding, bruising, or even scarring in severe cases.")
        ),
    );
    let report = site.check();
    assert_eq!(report.silenced, 1);
    let qualifiers = findings(&report, "qualifier-not-quoted");
    assert_eq!(qualifiers.len(), 1, "{qualifiers:?}");
    assert!(qualifiers[0].3.contains("'usually'"));
    let stale = findings(&report, "stale-allow");
    assert_eq!(
        stale,
        [(
            "content/questions/bruising.yaml".into(),
            14,
            11,
            "this allowance silences nothing: there is no `qualifier-not-quoted` finding naming `always` here".into()
        )]
    );
}

#[test]
fn an_error_cannot_be_allowed() {
    let site = Site::new();
    site.question(
        "weeks",
        &format!(
            "summary: It takes time.\nanswer: It takes time.\nfacts:\n  - claim: Results show after six weeks.\n    quotes:\n{}    allow:\n      - code: number-not-quoted\n        word: six\n        reason: I am sure.\n",
            quote("However, the most dramatic results will not be visible until two to four weeks after treatment.")
        ),
    );
    let report = site.check();
    let choice = findings(&report, "bad-choice");
    assert_eq!(choice.len(), 1, "{choice:?}");
    assert_eq!((choice[0].1, choice[0].2), (11, 15));
}
