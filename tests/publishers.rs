//! What health publishers need, on the valid fixture: named reviewers and
//! their pages, clinical review required and said plainly when missing,
//! care cards (when to get help) and the page collecting them, source types
//! and what a source does not say, publisher and feedback on every page,
//! dates in words, page history, the reading level kept for editors, honest
//! structured data. Each test parses the built HTML or JSON-LD, or reads
//! the diagnostics' code, file and line.

mod common;
use common::copy_dir;
use common::fixture_with_edits as site_with;
use common::{select, text, texts};

use cited::{BuildOptions, Report, Severity, render::RenderOptions};
use jiff::civil::{Date, date};
use scraper::Html;

const TODAY: Date = date(2026, 2, 1);

struct Built {
    _site: tempfile::TempDir,
    out: tempfile::TempDir,
    report: Report,
}

impl Built {
    fn page(&self, path: &str) -> Html {
        let file = self.out.path().join(path).join("index.html");
        Html::parse_document(&std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!("{}: {e}", file.display());
        }))
    }

    fn file(&self, path: &str) -> String {
        std::fs::read_to_string(self.out.path().join(path)).unwrap()
    }
}

fn build(edits: &[(&str, &str, &str)]) -> Built {
    let site = site_with(edits);
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let report = cited::build(&BuildOptions {
        root: site.path().to_path_buf(),
        out: public.clone(),
        force: false,
        today: TODAY,
        render: RenderOptions::default(),
    });
    // Keep the output under `out`, whose path `page` reads.
    let moved = tempfile::tempdir().unwrap();
    if public.is_dir() {
        copy_dir(&public, moved.path());
    }
    Built {
        _site: site,
        out: moved,
        report,
    }
}

fn check(edits: &[(&str, &str, &str)]) -> Report {
    let site = site_with(edits);
    cited::check(site.path(), TODAY)
}

fn json_ld(html: &Html) -> serde_json::Value {
    let script = select(html, r#"script[type="application/ld+json"]"#);
    serde_json::from_str(&script[0].inner_html()).unwrap()
}

fn medical_page(html: &Html) -> serde_json::Value {
    let data = json_ld(html);
    data["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["@type"] == "MedicalWebPage")
        .cloned()
        .unwrap()
}

/// (code, file, line) of each diagnostic of `severity`.
fn findings(report: &Report, severity: Severity) -> Vec<(String, String, usize)> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| {
            (
                d.code.name().to_string(),
                d.file.display().to_string(),
                d.span.map_or(0, |s| s.line as usize),
            )
        })
        .collect()
}

const RISE: &str = "content/questions/how-long-to-rise.yaml";
const STALE: &str = "content/questions/does-bread-go-stale.yaml";
const COST: &str = "content/questions/what-does-bread-cost.yaml";
const SITE: &str = "content/site.yaml";
const REQUIRE_CLINICAL: &str = "  max_age_days: 365\n  require_clinical: true";

#[test]
fn a_question_page_names_its_reviewers_their_roles_and_the_days_in_words() {
    let built = build(&[]);
    assert_eq!(
        built.report.diagnostics.count(Severity::Error),
        0,
        "{:?}",
        built.report.diagnostics
    );
    // A clinical review recorded apart from the editorial one.
    let page = built.page("questions/does-bread-go-stale");
    assert_eq!(
        texts(&page, ".review .reviewed-by"),
        [
            "Clinically reviewed by Jane Crust, Consultant baker, on January 10, 2026.",
            "Reviewed by Kitchen editors, Editorial team, on January 15, 2026.",
        ]
    );
    let times: Vec<&str> = select(&page, ".review .reviewed-by time")
        .iter()
        .map(|t| t.value().attr("datetime").unwrap())
        .collect();
    assert_eq!(times, ["2026-01-10", "2026-01-15"]);
    let links: Vec<&str> = select(&page, ".review .reviewed-by a")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "/kitchen/reviewers/jane-crust/",
            "/kitchen/reviewers/kitchen-editors/"
        ]
    );
    // Two reviewers of one review, in one sentence.
    let built = build(&[(
        RISE,
        "by: [jane-crust]",
        "by: [jane-crust, kitchen-editors]",
    )]);
    let stale = built.page("questions/how-long-to-rise");
    assert_eq!(
        texts(&stale, ".review .reviewed-by"),
        [
            "Reviewed by Jane Crust, Consultant baker, and Kitchen editors, Editorial team, on January 15, 2026."
        ]
    );
    assert!(select(&stale, ".not-clinically-reviewed").is_empty());
}

#[test]
fn a_reviewer_page_lists_what_they_reviewed_and_when() {
    let built = build(&[]);
    let page = built.page("reviewers/jane-crust");
    assert_eq!(texts(&page, "h1"), ["Jane Crust"]);
    let meta = texts(&page, ".reviewer-meta dd");
    assert_eq!(meta[0], "Consultant baker");
    assert!(meta[1].starts_with("Clinical review"), "{meta:?}");
    assert!(meta.contains(&"Guild of Test Bakers 12345".to_string()));
    // Every answer naming her, with the day of her review (the clinical
    // review of does-bread-go-stale is on its own day).
    let reviewed = texts(&page, ".reviewed-list li");
    assert_eq!(reviewed.len(), 4, "{reviewed:?}");
    assert!(reviewed.contains(&"Does bread go stale?, reviewed on January 10, 2026".to_string()));
    let team = built.page("reviewers/kitchen-editors");
    assert!(texts(&team, ".reviewer-meta dd")[1].ends_with("(a team)"));
    assert_eq!(texts(&team, ".reviewed-list li").len(), 1);
}

#[test]
fn structured_data_says_a_person_reviewed_only_when_one_did() {
    let built = build(&[]);
    // A team is an Organization, a person a Person with their job title.
    let stale = medical_page(&built.page("questions/does-bread-go-stale"));
    assert_eq!(
        stale["reviewedBy"],
        serde_json::json!([
            { "@type": "Organization", "name": "Kitchen editors" },
            { "@type": "Person", "name": "Jane Crust", "jobTitle": "Consultant baker" },
        ])
    );
    let rise = medical_page(&built.page("questions/how-long-to-rise"));
    assert_eq!(rise["lastReviewed"], "2026-01-15");
    assert_eq!(rise["medicalAudience"]["audienceType"], "Patient");
    assert_eq!(
        rise["reviewedBy"],
        serde_json::json!({ "@type": "Person", "name": "Jane Crust", "jobTitle": "Consultant baker" })
    );
    let citations = rise["citation"].as_array().unwrap();
    assert_eq!(citations.len(), 1);
    assert_eq!(citations[0]["@type"], "CreativeWork");
    assert_eq!(citations[0]["name"], "Notes from a baking course");
    assert_eq!(citations[0]["publisher"]["name"], "Fixture Press");
    assert_eq!(citations[0]["url"], "https://example.org/baking-notes");
    assert_eq!(citations[0]["datePublished"], "2024-03-01");
    assert_eq!(rise["publisher"]["name"], "Fixture Kitchen Trust");

    // A plain name, as sites wrote before reviewer files: it builds, with a
    // warning at its line, and the data claims no reviewer at all.
    let built = build(&[(COST, "by: [jane-crust]", "by: Editorial team")]);
    assert_eq!(
        built.report.diagnostics.count(Severity::Error),
        0,
        "{:?}",
        built.report.diagnostics
    );
    assert!(
        findings(&built.report, Severity::Warning).contains(&(
            "reviewer-name-only".into(),
            COST.into(),
            20
        )),
        "{:?}",
        built.report.diagnostics
    );
    let page = built.page("questions/what-does-bread-cost");
    assert!(medical_page(&page).get("reviewedBy").is_none());
    assert_eq!(
        texts(&page, ".review .reviewed-by"),
        ["Reviewed by Editorial team on January 15, 2026."]
    );
}

#[test]
fn an_unknown_reviewer_is_an_error_with_did_you_mean() {
    let report = check(&[(COST, "by: [jane-crust]", "by: [jane-crusts]")]);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(errors[0].code.name(), "unknown-reference");
    assert_eq!(errors[0].span.unwrap().line, 20);
    assert!(errors[0].help.as_deref().unwrap().contains("`jane-crust`"));
    // A clinical review by an editorial reviewer is not one.
    let report = check(&[(STALE, "    by: [jane-crust]", "    by: [kitchen-editors]")]);
    assert!(
        findings(&report, Severity::Error).contains(&(
            "not-a-clinical-reviewer".into(),
            STALE.into(),
            24
        )),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn without_a_clinical_review_the_site_warns_and_the_page_says_so() {
    let built = build(&[
        (SITE, "  max_age_days: 365", REQUIRE_CLINICAL),
        (COST, "by: [jane-crust]", "by: [kitchen-editors]"),
    ]);
    assert!(
        findings(&built.report, Severity::Warning).contains(&(
            "no-clinical-review".into(),
            COST.into(),
            20
        )),
        "{:?}",
        built.report.diagnostics
    );
    let page = built.page("questions/what-does-bread-cost");
    assert_eq!(
        texts(&page, ".review .not-clinically-reviewed"),
        ["This page has not been reviewed by a clinician."]
    );
    // A question with a care card needs its clinical review: an error.
    let report = check(&[
        (SITE, "  max_age_days: 365", REQUIRE_CLINICAL),
        (RISE, "by: [jane-crust]", "by: [kitchen-editors]"),
    ]);
    assert!(
        findings(&report, Severity::Error).contains(&(
            "care-card-not-clinically-reviewed".into(),
            RISE.into(),
            30
        )),
        "{:?}",
        report.diagnostics
    );
    // One message for the one mistake: not also "no clinical review".
    assert_eq!(
        report.diagnostics.iter().count(),
        1,
        "{:?}",
        report.diagnostics
    );
    // Without `require_clinical`, neither.
    let report = check(&[(RISE, "by: [jane-crust]", "by: [kitchen-editors]")]);
    assert_eq!(
        report.diagnostics.count(Severity::Error),
        0,
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn care_cards_show_their_level_in_words_and_say_whose_guidance_they_are() {
    let built = build(&[]);
    let page = built.page("questions/how-long-to-rise");
    assert_eq!(
        texts(&page, ".get-help .care-card-heading"),
        [
            "Non-urgent advice: Contact your practitioner or GP if:",
            "Urgent advice: Throw it away and ask a baker today if:",
            // The caution's card, with the site's emergency action.
            "Immediate action required: Call 999 if:",
        ]
    );
    let classes: Vec<&str> = select(&page, ".get-help .care-card")
        .iter()
        .map(|c| c.value().attr("class").unwrap())
        .collect();
    assert_eq!(
        classes,
        [
            "care-card care-card-non-urgent",
            "care-card care-card-urgent",
            "care-card care-card-emergency"
        ]
    );
    assert_eq!(
        texts(&page, ".get-help .care-card-content li")[..2],
        [
            "the dough has not risen after a day",
            "the starter smells of nail varnish"
        ]
    );
    let label = texts(&page, ".get-help .care-card-source");
    assert_eq!(
        label,
        [
            "This is guidance from Fixture Kitchen Trust, not a quote from a source. A clinician has reviewed this page."
        ]
    );
    // Never styled as a quote.
    assert!(select(&page, ".care-card blockquote, .care-card figure").is_empty());
}

#[test]
fn the_get_help_page_collects_every_care_card_and_every_page_links_to_it() {
    let built = build(&[]);
    let page = built.page("get-help");
    assert_eq!(
        texts(&page, ".get-help-section h2"),
        ["Hot ovens burn", "How long does sourdough take to rise?"]
    );
    assert_eq!(select(&page, ".care-card").len(), 3);
    for path in [
        "",
        "questions/what-does-bread-cost",
        "sources/oven-guide",
        "glossary",
    ] {
        let html = built.page(path);
        let links: Vec<&str> = select(&html, ".site-footer a")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(links.contains(&"/kitchen/get-help/"), "{path}: {links:?}");
        assert!(links.contains(&"/kitchen/cautions/"), "{path}: {links:?}");
    }
}

#[test]
fn a_site_can_require_care_cards_by_topic_or_danger() {
    let report = check(&[(
        SITE,
        "  require_for_danger: true",
        "  require_for_danger: true\n  require_for_topics: [buying]",
    )]);
    let missing: Vec<_> = findings(&report, Severity::Warning)
        .into_iter()
        .filter(|(code, ..)| code == "missing-care-card")
        .collect();
    assert_eq!(
        missing,
        [
            ("missing-care-card".into(), COST.into(), 2),
            (
                "missing-care-card".into(),
                "content/questions/yeast-vs-sourdough.yaml".into(),
                2
            ),
        ]
    );
    // A danger caution without a card, on a question without one.
    let report = check(&[
        (
            "content/cautions/hot-oven.yaml",
            "get_help:\n  - level: emergency\n    when: [a burn is larger than your hand, a child has been burned]\n",
            "",
        ),
        (RISE, "get_help:\n", "old_help:\n"),
    ]);
    assert!(
        findings(&report, Severity::Error)
            .iter()
            .any(|(code, file, _)| code == "unknown-field" && file == RISE),
        "{:?}",
        report.diagnostics
    );
    let report = check(&[(
        "content/cautions/hot-oven.yaml",
        "get_help:\n  - level: emergency\n    when: [a burn is larger than your hand, a child has been burned]\n",
        "",
    )]);
    // how-long-to-rise has its own cards; does-bread-go-stale carries no danger.
    assert!(
        !findings(&report, Severity::Warning)
            .iter()
            .any(|(code, ..)| code == "missing-care-card"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn quotes_and_source_pages_say_what_kind_of_source_and_what_is_unknown() {
    let built = build(&[]);
    let caution = built.page("cautions/hot-oven");
    assert_eq!(
        texts(&caution, "figure.quote .source-quality"),
        ["(Source of unknown type; publisher and date unknown)"]
    );
    let rise = built.page("questions/how-long-to-rise");
    assert!(
        texts(&rise, "figure.quote .source-quality")
            .iter()
            .all(|t| t == "(Professional body)")
    );
    let source = built.page("sources/oven-guide");
    let meta: Vec<(String, String)> = texts(&source, ".source-meta dt")
        .into_iter()
        .zip(texts(&source, ".source-meta dd"))
        .collect();
    assert!(meta.contains(&("Type of source".into(), "Source of unknown type".into())));
    assert!(meta.contains(&("Author".into(), "Unknown: the source does not say".into())));
    assert!(meta.contains(&(
        "Publisher".into(),
        "Unknown: the source does not say".into()
    )));
    assert!(meta.contains(&("Published".into(), "Date unknown".into())));
    let notes = built.page("sources/baking-notes");
    let meta = texts(&notes, ".source-meta dd");
    assert!(meta.contains(&"A. Baker".to_string()));
    assert!(meta.contains(&"The course sells its own flour.".to_string()));
    assert!(meta.contains(&"March 1, 2024".to_string()));
}

#[test]
fn every_page_names_its_publisher_and_links_a_report_carrying_its_address() {
    let built = build(&[]);
    for (path, address) in [
        ("", "https://example.org/kitchen/"),
        (
            "questions/how-long-to-rise",
            "https://example.org/kitchen/questions/how-long-to-rise/",
        ),
        (
            "reviewers/jane-crust",
            "https://example.org/kitchen/reviewers/jane-crust/",
        ),
    ] {
        let page = built.page(path);
        assert_eq!(
            texts(&page, ".site-footer .publisher"),
            ["Published by Fixture Kitchen Trust. Contact: editor@example.org."]
        );
        let link = select(&page, ".site-footer .feedback a");
        assert_eq!(text(&link[0]), "Report a problem with this page");
        let href = url::Url::parse(link[0].value().attr("href").unwrap()).unwrap();
        assert_eq!(href.scheme(), "mailto");
        assert_eq!(href.path(), "editor@example.org");
        let subject: Vec<(String, String)> = href.query_pairs().into_owned().collect();
        assert_eq!(
            subject,
            [("subject".to_string(), format!("Problem with {address}"))]
        );
        // Open Graph, for a shared link.
        let og = |property: &str| -> String {
            select(&page, &format!(r#"meta[property="{property}"]"#))[0]
                .value()
                .attr("content")
                .unwrap()
                .to_string()
        };
        assert_eq!(og("og:url"), address);
        assert!(!og("og:title").is_empty() && !og("og:description").is_empty());
    }
    // A feedback address that is not https or mailto is refused, at its line.
    let report = check(&[(
        SITE,
        "feedback: \"mailto:editor@example.org?subject=Problem with {url}\"",
        "feedback: \"javascript:alert({url})\"",
    )]);
    let errors = findings(&report, Severity::Error);
    assert_eq!(errors.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(errors[0].0, "bad-setting");
    assert_eq!(errors[0].1, SITE);
}

#[test]
fn the_reading_level_is_for_editors_unless_the_site_shows_it() {
    let built = build(&[]);
    let page = built.page("questions/how-long-to-rise");
    assert!(select(&page, ".reading-level").is_empty());
    assert!(!text(&select(&page, "main")[0]).contains("grade"));
    let built = build(&[(SITE, "  max_grade: 12", "  max_grade: 12\n  show: true")]);
    let page = built.page("questions/how-long-to-rise");
    let shown = texts(&page, ".reading-level");
    assert_eq!(shown.len(), 1);
    assert!(
        shown[0].starts_with("Reading level: about school grade "),
        "{shown:?}"
    );
    // Editors: above the SMOG target, a warning with both whole grades.
    let report = check(&[(SITE, "  max_grade: 12", "  max_grade: 12\n  max_smog: 1")]);
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code.name() == "reading-level")
        .collect();
    assert_eq!(warnings.len(), 4, "{:?}", report.diagnostics);
    assert!(
        warnings[0].message.contains("SMOG"),
        "{}",
        warnings[0].message
    );
    assert!(
        !warnings[0].message.contains('.'),
        "whole grades: {}",
        warnings[0].message
    );
}

#[test]
fn page_history_comparison_subject_and_safety_notes_in_order() {
    let built = build(&[]);
    let rise = built.page("questions/how-long-to-rise");
    assert_eq!(
        texts(&rise, ".changes li"),
        [
            "January 15, 2026: Added when to get help.",
            "December 1, 2025: First published."
        ]
    );
    let feed = built.file("feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let entry = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("entry")
                && n.descendants().any(|t| {
                    t.has_tag_name("title")
                        && t.text() == Some("How long does sourdough take to rise?")
                })
        })
        .unwrap();
    let summary = entry
        .descendants()
        .find(|n| n.has_tag_name("summary"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        summary.starts_with("Updated: Added when to get help."),
        "{summary}"
    );

    let compare = built.page("questions/yeast-vs-sourdough");
    assert_eq!(
        texts(&compare, ".comparison thead th"),
        ["Aspect", "Sourdough", "Yeast bread"]
    );
    let cautions = built.page("cautions");
    let listed = texts(&cautions, ".caution-links li");
    assert_eq!(listed.len(), 2);
    assert!(listed[0].ends_with("(danger)"), "{listed:?}");
    let home = built.page("");
    assert!(texts(&home, ".home-cautions li")[0].ends_with("(danger)"));
}

#[test]
fn a_claim_resting_only_on_sources_the_site_does_not_accept_is_flagged() {
    let weak = (
        SITE,
        "  max_grade: 12\n",
        "  max_grade: 12\nevidence:\n  warn_types: [commercial, forum, professional-body]\n",
    );
    let built = build(&[weak]);
    let warnings: Vec<_> = findings(&built.report, Severity::Warning)
        .into_iter()
        .filter(|(code, ..)| code == "weak-evidence")
        .collect();
    assert!(
        warnings.contains(&("weak-evidence".into(), RISE.into(), 11)),
        "{warnings:?}"
    );
    let page = built.page("questions/how-long-to-rise");
    assert_eq!(
        texts(&page, ".fact .weak-evidence"),
        [
            "Weak evidence: every source of this is of a kind this site does not rely on alone (Professional body)."
        ]
    );
    // Without the setting's type, nothing is said.
    let built = build(&[(
        SITE,
        "  max_grade: 12\n",
        "  max_grade: 12\nevidence:\n  warn_types: [commercial, forum]\n",
    )]);
    assert!(select(&built.page("questions/how-long-to-rise"), ".weak-evidence").is_empty());
    assert!(
        !findings(&built.report, Severity::Warning)
            .iter()
            .any(|(code, ..)| code == "weak-evidence")
    );
}
