//! The engine end to end: the valid fixture builds into the site DESIGN.md
//! describes (checked by parsing the HTML), and each kind of bad input gives
//! its diagnostic at the right file and line without writing anything.

mod common;
use common::fixture_with_files as site_with;
use common::{select, text, texts};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cited::{BuildOptions, Report, Severity, render::RenderOptions};
use jiff::civil::{Date, date};
use scraper::Html;

const TODAY: Date = date(2026, 2, 1);

fn fixture() -> PathBuf {
    common::valid_fixture()
}

fn build(root: &Path, out: &Path) -> Report {
    cited::build(&BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        force: false,
        today: TODAY,
        render: RenderOptions::default(),
    })
}

fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The valid fixture, built once per test that needs it.
struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    report: Report,
}

fn built() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let report = build(&fixture(), &out);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "the valid fixture must build: {errors:#?}"
    );
    Built {
        _dir: dir,
        out,
        report,
    }
}

impl Built {
    fn page(&self, path: &str) -> Html {
        let file = self.out.join(path).join("index.html");
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        Html::parse_document(&text)
    }
}

fn links(html: &Html, css: &str) -> Vec<(String, String)> {
    select(html, css)
        .iter()
        .map(|a| {
            (
                text(a),
                a.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The valid site

#[test]
fn builds_every_kind_of_page() {
    let site = built();
    for page in [
        "",
        "questions/how-long-to-rise",
        "questions/does-bread-go-stale",
        "questions/what-does-bread-cost",
        "questions/yeast-vs-sourdough",
        "topics/basics",
        "topics/buying",
        "sources/baking-notes",
        "sources/oven-guide",
        "cautions/hot-oven",
        "cautions/check-labels",
        "tags/sourdough",
        "tags",
        "glossary",
        "about",
        "editorial-policy",
        "search",
    ] {
        let html = site.page(page);
        assert_eq!(select(&html, "h1").len(), 1, "{page}: exactly one h1");
        assert_eq!(
            select(&html, "a.skip-link[href='#main']").len(),
            1,
            "{page}: skip link"
        );
        assert_eq!(select(&html, "main#main").len(), 1, "{page}: main landmark");
    }
    assert!(site.out.join("404.html").is_file());
    // 21 pages, and the get-help, safety-notes and two reviewers' pages.
    assert_eq!(site.report.pages, 25);
}

#[test]
fn question_page_shows_answer_links_and_review() {
    let site = built();
    let html = site.page("questions/how-long-to-rise");
    assert_eq!(
        texts(&html, "h1"),
        ["How long does sourdough take to rise?"]
    );
    // [[id]] takes the linked question's title; [text](id) keeps its text.
    let answer = links(&html, ".answer a");
    assert!(answer.contains(&(
        "Yeast bread or sourdough?".into(),
        "/kitchen/questions/yeast-vs-sourdough/".into()
    )));
    assert!(answer.contains(&(
        "the oven guide".into(),
        "/kitchen/sources/oven-guide/".into()
    )));
    // The first mention of each glossary term links to its definition, once.
    let terms = links(&html, ".answer a.term");
    assert_eq!(
        terms,
        [
            (
                "Sourdough".to_string(),
                "/kitchen/glossary/#sourdough".to_string()
            ),
            (
                "leavening".to_string(),
                "/kitchen/glossary/#leavening".to_string()
            )
        ]
    );
    // Topic, tags, related, previous/next.
    assert!(
        links(&html, ".breadcrumb a")
            .contains(&("Bread basics".into(), "/kitchen/topics/basics/".into()))
    );
    assert_eq!(
        links(&html, ".tags a"),
        [
            ("sourdough".into(), "/kitchen/tags/sourdough/".into()),
            ("timing".into(), "/kitchen/tags/timing/".into())
        ]
    );
    assert_eq!(
        texts(&html, ".related .question-list a"),
        ["Does bread go stale?", "Yeast bread or sourdough?"]
    );
    assert_eq!(
        links(&html, ".pager a.next"),
        [(
            "Next Does bread go stale?".into(),
            "/kitchen/questions/does-bread-go-stale/".into()
        )]
    );
    // The caution callout says what it is in words, not only in colour.
    assert_eq!(texts(&html, ".caution .caution-label"), ["! Danger"]);
    assert_eq!(texts(&html, ".caution .caution-title"), ["Hot ovens burn"]);
    // Review dates: next due defaults to `on` + review.max_age_days.
    let review = texts(&html, ".review .reviewed-by");
    assert_eq!(
        review.last().map(String::as_str),
        Some("Reviewed by Jane Crust, Consultant baker, on January 15, 2026."),
        "{review:?}"
    );
    let due: Vec<&str> = select(&html, ".review .next-review time")
        .iter()
        .filter_map(|t| t.value().attr("datetime"))
        .collect();
    assert_eq!(due, ["2027-01-15"]);
    // The timeline is an ordered list.
    assert_eq!(
        texts(&html, ".timeline-steps li"),
        ["Day one Mix the dough.", "Day two Shape and bake."]
    );
    // Sources are listed for print.
    assert_eq!(
        texts(&html, ".sources li a"),
        ["Notes from a baking course"]
    );
}

#[test]
fn related_is_symmetric() {
    let site = built();
    // does-bread-go-stale lists nothing, but how-long-to-rise lists it.
    let html = site.page("questions/does-bread-go-stale");
    assert_eq!(
        texts(&html, ".related .question-list a"),
        ["How long does sourdough take to rise?"]
    );
}

#[test]
fn disagreeing_sources_are_shown_side_by_side() {
    let site = built();
    let html = site.page("questions/does-bread-go-stale");
    // Both sides are quoted from one source (tests/quote_display.rs has
    // every wording).
    assert_eq!(
        texts(&html, ".fact.status-disagree .badge"),
        ["Views quoted in one source disagree"]
    );
    let sides = select(&html, ".fact.status-disagree .side");
    assert_eq!(sides.len(), 2);
    assert!(text(&sides[0]).contains("Bread never goes stale if you store it properly"));
    assert!(text(&sides[0]).contains("Baker Ann, quoted in Notes from a baking course"));
    assert!(text(&sides[1]).contains("Stale bread is normal after two or three days"));
}

#[test]
fn cost_and_comparison_are_accessible_tables() {
    let site = built();
    let html = site.page("questions/what-does-bread-cost");
    assert_eq!(
        texts(&html, ".cost caption"),
        ["Cost per loaf, in USD (based on market prices in the course notes)"]
    );
    assert_eq!(
        texts(&html, ".cost th[scope=row]"),
        ["Typical", "Low end", "High end"]
    );
    assert_eq!(texts(&html, ".cost td"), ["$6", "$4", "$9"]);

    let html = site.page("questions/yeast-vs-sourdough");
    assert_eq!(texts(&html, ".comparison caption").len(), 1);
    assert_eq!(
        texts(&html, ".comparison th[scope=col]"),
        ["Aspect", "Sourdough", "Yeast bread"]
    );
    assert_eq!(
        texts(&html, ".comparison tbody th[scope=row]"),
        ["Rising time", "Taste"]
    );
}

#[test]
fn listings_and_backlinks() {
    let site = built();
    // A source lists every question quoting it, under each passage quoted
    // (tests/quote_display.rs has the layout).
    let html = site.page("sources/baking-notes");
    let mut citing = texts(&html, ".passage .citing a");
    citing.sort();
    citing.dedup();
    assert_eq!(
        citing,
        [
            "Does bread go stale?",
            "How long does sourdough take to rise?",
            "What does a loaf cost?",
            "Yeast bread or sourdough?"
        ]
    );
    assert!(
        texts(&html, ".passage-block blockquote")
            .iter()
            .any(|q| q.contains("between 4 and 12 hours"))
    );
    // ...and what links to it.
    assert_eq!(texts(&html, ".backlinks a"), ["About this site"]);
    // A caution lists the questions carrying it.
    let html = site.page("cautions/hot-oven");
    assert_eq!(
        texts(&html, ".question-list a"),
        ["How long does sourdough take to rise?"]
    );
    // Topics list their questions in `order`.
    let html = site.page("topics/basics");
    assert_eq!(
        texts(&html, ".question-list a"),
        [
            "How long does sourdough take to rise?",
            "Does bread go stale?"
        ]
    );
    // Tags list their questions.
    let html = site.page("tags/sourdough");
    assert_eq!(
        texts(&html, ".question-list a"),
        [
            "How long does sourdough take to rise?",
            "Yeast bread or sourdough?"
        ]
    );
    // The glossary says where each term is used.
    let html = site.page("glossary");
    let preheating = select(&html, "#preheating .used-in a");
    assert_eq!(
        preheating.iter().map(text).collect::<Vec<_>>(),
        ["Hot ovens burn"]
    );
    assert_eq!(select(&html, ".glossary-entry").len(), 3);
}

#[test]
fn raw_html_is_sanitised_and_reported() {
    let site = site_with(&[(
        "content/pages/about.yaml",
        "title: About this site\nbody: |\n  A fixture for tests. Every answer quotes [[baking-notes]].\n\n  <script>alert(\"x\")</script>\n",
    )]);
    let out = site.path().join("out");
    let report = build(site.path(), &out);
    assert!(!report.has_errors());
    let about = std::fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(
        !about.contains("alert(\"x\")"),
        "the script's code must not reach the page"
    );
    let html = Html::parse_document(&about);
    assert_eq!(select(&html, "main script").len(), 0);
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "unsafe-html")
        .collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].file, Path::new("content/pages/about.yaml"));
    assert_eq!(warnings[0].span.unwrap().line, 5);
}

#[test]
fn nothing_is_loaded_from_another_origin() {
    let site = built();
    for (path, bytes) in read_tree(&site.out) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = Html::parse_document(std::str::from_utf8(&bytes).unwrap());
        for element in select(
            &html,
            "script[src], link[href], img[src], iframe, video, audio, source",
        ) {
            let url = element
                .value()
                .attr("src")
                .or(element.value().attr("href"))
                .unwrap_or("");
            let rel = element.value().attr("rel").unwrap_or("");
            if rel == "canonical" || rel == "alternate" {
                continue; // not fetched by the browser
            }
            assert!(
                url.starts_with('/') || url.starts_with("data:"),
                "{}: {url} is loaded from elsewhere",
                path.display()
            );
        }
        let csp = select(&html, "meta[http-equiv=Content-Security-Policy]");
        assert_eq!(csp.len(), 1, "{}: CSP meta", path.display());
        assert!(
            csp[0]
                .value()
                .attr("content")
                .unwrap()
                .contains("default-src 'self'")
        );
    }
}

#[test]
fn assets_have_content_hashes() {
    let site = built();
    let html = site.page("");
    let css = select(&html, "link[rel=stylesheet]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let name = css.rsplit('/').next().unwrap();
    assert!(
        name.starts_with("style.")
            && name.ends_with(".css")
            && name.len() == "style.0123456789.css".len(),
        "{css}"
    );
    assert!(site.out.join(css.trim_start_matches("/kitchen/")).is_file());
}

#[test]
fn sitemap_feed_robots_and_structured_data() {
    let site = built();
    let sitemap = std::fs::read_to_string(site.out.join("sitemap.xml")).unwrap();
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://example.org/kitchen/")),
        "{locs:?}"
    );
    assert!(locs.contains(&"https://example.org/kitchen/questions/how-long-to-rise/"));
    assert!(!locs.iter().any(|l| l.contains("404")));
    let robots = std::fs::read_to_string(site.out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/kitchen/sitemap.xml"));
    let feed = std::fs::read_to_string(site.out.join("feed.xml")).unwrap();
    assert_eq!(feed.matches("<entry>").count(), 4);
    assert!(feed.contains("<id>https://example.org/kitchen/questions/what-does-bread-cost/</id>"));

    let html = site.page("questions/does-bread-go-stale");
    let script = select(&html, "script[type='application/ld+json']");
    let data: serde_json::Value = serde_json::from_str(&text(&script[0])).unwrap();
    let graph = data["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "FAQPage");
    assert_eq!(graph[0]["mainEntity"][0]["name"], "Does bread go stale?");
    assert_eq!(graph[1]["@type"], "MedicalWebPage");
    assert_eq!(graph[1]["lastReviewed"], "2026-01-15");
}

#[test]
fn builds_are_byte_for_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(!build(&fixture(), &a).has_errors());
    assert!(!build(&fixture(), &b).has_errors());
    let (a, b) = (read_tree(&a), read_tree(&b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{} differs between builds",
            path.display()
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = site_with(&[]);
    let out = site.path().join("public");
    assert!(!build(site.path(), &out).has_errors());
    let before = read_tree(&out);
    std::fs::write(
        site.path().join("content/topics/basics.yaml"),
        "title: [broken\n",
    )
    .unwrap();
    let report = build(site.path(), &out);
    assert!(report.has_errors());
    assert_eq!(
        read_tree(&out),
        before,
        "the previous site must be left exactly as it was"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("cited-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folder left behind: {leftovers:?}"
    );
}

#[test]
fn refuses_to_build_over_the_content() {
    let site = site_with(&[]);
    let report = build(site.path(), &site.path().join("content"));
    assert!(report.diagnostics.iter().any(|d| d.code == "bad-output"));
    assert!(site.path().join("content/site.yaml").is_file());
}

// ---------------------------------------------------------------------------
// Bad input: one case per kind of mistake, each with its code, file and line.

/// Checks a broken copy of the fixture and returns the diagnostics with `code`.
fn problems(changes: &[(&str, &str)], code: &str) -> Vec<cited::Diagnostic> {
    let site = site_with(changes);
    let report = cited::check(site.path(), TODAY);
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .cloned()
        .collect();
    assert!(
        !found.is_empty(),
        "expected a `{code}` diagnostic, got: {:#?}",
        report.diagnostics.iter().collect::<Vec<_>>()
    );
    found
}

fn assert_at(d: &cited::Diagnostic, file: &str, line: usize) {
    assert_eq!(d.file, Path::new(file), "{d:#?}");
    assert_eq!(d.span.map(|s| s.line as usize), Some(line), "{d:#?}");
}

const Q: &str = "content/questions/what-does-bread-cost.yaml";

fn cost_question(replace: &str, with: &str) -> String {
    let text = std::fs::read_to_string(fixture().join(Q)).unwrap();
    assert!(text.contains(replace), "fixture changed: {replace}");
    text.replacen(replace, with, 1)
}

#[test]
fn yaml_syntax_error() {
    let d = &problems(
        &[(Q, &cost_question("per: loaf", "per: [loaf"))],
        "yaml-syntax",
    )[0];
    assert_eq!(d.file, Path::new(Q));
    assert!(d.span.is_some());
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let d = &problems(
        &[(Q, &cost_question("summary:", "sumary:"))],
        "unknown-field",
    )[0];
    assert_at(d, Q, 4);
    assert_eq!(d.help.as_deref(), Some("did you mean `summary`?"));
    // ...and the missing `summary` is reported in the same run.
    let missing = &problems(
        &[(Q, &cost_question("summary:", "sumary:"))],
        "missing-field",
    )[0];
    assert!(missing.message.contains("`summary`"));
}

#[test]
fn every_problem_in_a_file_at_once() {
    let text = cost_question("summary:", "sumary:")
        .replacen("tags: [cost]", "tagz: [cost]", 1)
        .replacen("order:", "x:", 1);
    let site = site_with(&[(Q, &text)]);
    let report = cited::check(site.path(), TODAY);
    let unknown = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "unknown-field")
        .count();
    assert_eq!(unknown, 2, "both unknown fields are reported");
}

#[test]
fn wrong_type() {
    let d = &problems(
        &[(Q, &cost_question("typical: 6", "typical: [6]"))],
        "wrong-type",
    )[0];
    assert_at(d, Q, 10);
    assert!(d.message.contains("expected a number"), "{}", d.message);
}

#[test]
fn bad_and_duplicate_ids() {
    let d = &problems(
        &[("content/pages/About_Us.yaml", "title: x\nbody: y\n")],
        "bad-id",
    )[0];
    assert_eq!(d.file, Path::new("content/pages/About_Us.yaml"));
    assert!(d.help.as_deref().unwrap().contains("about-us"));
    let d = &problems(
        &[("content/pages/sourdough.yaml", "title: x\nbody: y\n")],
        "duplicate-id",
    )[0];
    assert!(
        d.message.contains("content/glossary/sourdough.yaml"),
        "{}",
        d.message
    );
}

#[test]
fn unknown_references_suggest_the_closest_id() {
    let d = &problems(
        &[(Q, &cost_question("topic: buying", "topic: buyin"))],
        "unknown-reference",
    )[0];
    assert_at(d, Q, 2);
    assert_eq!(d.help.as_deref(), Some("did you mean `buying`?"));
    let related = "related: [how-long-to-rse]\nreviewed:";
    let d = &problems(
        &[(Q, &cost_question("reviewed:", related))],
        "unknown-reference",
    )[0];
    assert_eq!(d.help.as_deref(), Some("did you mean `how-long-to-rise`?"));
    let d = &problems(
        &[(
            Q,
            &cost_question("- source: baking-notes", "- source: baking-note"),
        )],
        "unknown-reference",
    )[0];
    assert_at(d, Q, 16);
    let d = &problems(
        &[(
            Q,
            &cost_question("reviewed:", "cautions: [hot-ovn]\nreviewed:"),
        )],
        "unknown-reference",
    )[0];
    assert_eq!(d.help.as_deref(), Some("did you mean `hot-oven`?"));
    // A reference to the wrong kind says what it is.
    let d = &problems(
        &[(Q, &cost_question("topic: buying", "topic: sourdough"))],
        "wrong-kind",
    )[0];
    assert!(
        d.message.contains("is a glossary term, not a topic"),
        "{}",
        d.message
    );
}

#[test]
fn unknown_link_in_markdown_points_at_its_line() {
    let answer = "answer: |\n  Prices depend on the bakery.\n  See [[yeast-vs-sourdogh]] too.\n";
    let d = &problems(
        &[(
            Q,
            &cost_question("answer: |\n  Prices depend on the bakery.\n", answer),
        )],
        "unknown-link",
    )[0];
    assert_at(d, Q, 7);
    assert_eq!(d.span.unwrap().column, 7);
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `[[yeast-vs-sourdough]]`?")
    );
    let d = &problems(
        &[(
            "content/topics/buying.yaml",
            "title: Buying\norder: 2\nintro: See [the notes](baking-note).\n",
        )],
        "unknown-link",
    )[0];
    assert_at(d, "content/topics/buying.yaml", 3);
}

#[test]
fn misquote_shows_the_closest_passage() {
    let wrong = "A basic loaf at the market costs about $7 per loaf";
    let text = cost_question("A basic loaf at the market costs about $6 per loaf, and prices range from $4 to $9 depending on the bakery.", wrong)
        .replace("  typical: 6\n  low: 4\n  high: 9\n", "");
    let d = &problems(&[(Q, &text)], "quote-not-found")[0];
    assert_at(d, Q, 14);
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("costs about $6 per loaf"),
        "{:?}",
        d.help
    );
}

#[test]
fn quotes_match_across_typography() {
    // The fixture quotes “curly” text against straight quotes, and an em dash
    // against an en dash: both must verify.
    let site = site_with(&[]);
    let report = cited::check(site.path(), TODAY);
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "quote-not-found")
    );
}

#[test]
fn archives_must_stay_inside_content() {
    let source = "content/sources/oven-guide.yaml";
    let d = &problems(
        &[(source, "title: Oven\narchive: ../../Cargo.toml\n")],
        "archive-outside",
    )[0];
    assert_at(d, source, 2);
    let d = &problems(
        &[(source, "title: Oven\narchive: /etc/passwd\n")],
        "archive-outside",
    )[0];
    assert_at(d, source, 2);
    // A symlink out of content/ is refused too.
    let site = site_with(&[(source, "title: Oven\narchive: link.txt\n")]);
    std::os::unix::fs::symlink(
        "/etc/hostname",
        site.path().join("content/sources/link.txt"),
    )
    .unwrap();
    let report = cited::check(site.path(), TODAY);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "archive-outside" && d.message.contains("symlink"))
    );
    let d = &problems(
        &[(source, "title: Oven\narchive: missing.txt\n")],
        "archive-missing",
    )[0];
    assert_at(d, source, 2);
}

#[test]
fn cost_numbers_must_be_quoted_and_ordered() {
    let d = &problems(
        &[(Q, &cost_question("typical: 6", "typical: 7"))],
        "number-not-quoted",
    )[0];
    assert_at(d, Q, 10);
    assert!(
        d.help.as_deref().unwrap().contains("6, 4, 9"),
        "{:?}",
        d.help
    );
    let d = &problems(
        &[(Q, &cost_question("low: 4\n  high: 9", "low: 9\n  high: 4"))],
        "cost-order",
    )[0];
    assert_eq!(d.file, Path::new(Q));
}

#[test]
fn source_urls_and_dates() {
    let source = "content/sources/baking-notes.yaml";
    let text = std::fs::read_to_string(fixture().join(source)).unwrap();
    let d = &problems(
        &[(
            source,
            &text.replace("https://example.org/baking-notes", "javascript:alert(1)"),
        )],
        "bad-url",
    )[0];
    assert_at(d, source, 3);
    let d = &problems(
        &[(source, &text.replace("2024-03-01", "2024-02-30"))],
        "bad-date",
    )[0];
    assert_at(d, source, 4);
    let d = &problems(
        &[(source, &text.replace("2024-03-01", "2026-03-01"))],
        "date-order",
    )[0];
    assert_at(d, source, 5);
}

#[test]
fn review_dates_in_order_and_overdue() {
    let stale = "content/questions/does-bread-go-stale.yaml";
    let text = std::fs::read_to_string(fixture().join(stale)).unwrap();
    let d = &problems(
        &[(stale, &text.replace("next: 2026-06-01", "next: 2025-06-01"))],
        "date-order",
    )[0];
    assert_at(d, stale, 21);
    // Past `next` is a warning, not an error.
    let site = site_with(&[]);
    let report = cited::check(site.path(), date(2026, 7, 1));
    let overdue: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "review-overdue")
        .collect();
    assert_eq!(overdue.len(), 1, "{overdue:#?}");
    assert_eq!(overdue[0].severity, Severity::Warning);
    assert_at(overdue[0], stale, 21);
    assert!(!report.has_errors());
}

#[test]
fn empty_and_missing_files() {
    let d = &problems(&[(Q, "\n")], "wrong-type")[0];
    assert_eq!(d.file, Path::new(Q));
    let d = &problems(&[("content/site.yaml", "")], "missing-file")[0];
    assert_eq!(d.file, Path::new("content/site.yaml"));
}

#[test]
fn a_broken_file_does_not_cascade() {
    // The topic file is unreadable: questions pointing at it must not each get
    // an "unknown topic" error on top of the syntax error.
    let site = site_with(&[("content/topics/basics.yaml", "title: [oops\n")]);
    let report = cited::check(site.path(), TODAY);
    let codes: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.name())
        .collect();
    assert_eq!(
        codes,
        ["yaml-syntax"],
        "{:#?}",
        report.diagnostics.iter().collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------
// The command line

fn cited_bin() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cited"));
    command
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1769904000"); // 2026-02-01
    command
}

#[test]
fn check_prints_json_and_fails_on_errors() {
    let site = site_with(&[(Q, &cost_question("topic: buying", "topic: buyin"))]);
    let output = cited_bin()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let item = items
        .iter()
        .find(|i| i["code"] == "unknown-reference")
        .unwrap();
    assert_eq!(item["file"], Q);
    assert_eq!(item["line"], 2);
    assert_eq!(item["column"], 8);
    assert_eq!(item["severity"], "error");
    assert_eq!(item["help"], "did you mean `buying`?");
}

#[test]
fn terminal_output_underlines_the_value() {
    let site = site_with(&[(Q, &cost_question("topic: buying", "topic: buyin"))]);
    let output = cited_bin()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("error[unknown-reference]: unknown topic `buyin`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/questions/what-does-bread-cost.yaml:2:8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("━━━━━"),
        "the value is underlined: {stderr}"
    );
    assert!(stderr.contains("did you mean `buying`?"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour when NO_COLOR is set or not a terminal"
    );
}

#[test]
fn build_prints_a_summary_and_garbage_never_panics() {
    let site = site_with(&[]);
    let out = site.path().join("out");
    let output = cited_bin()
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("Built 25 pages"), "{stderr}");

    std::fs::write(site.path().join(Q), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    std::fs::write(
        site.path().join("content/topics/buying.yaml"),
        "a: &a [*a, *a]\n".repeat(3),
    )
    .unwrap();
    let output = cited_bin()
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("not-utf8"), "{stderr}");
    assert!(stderr.contains("left unchanged"), "{stderr}");
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let status = cited_bin().arg("init").arg(&site).status().unwrap();
    assert!(status.success());
    // Only YAML files carry the editor's `$schema` comment: in an archive it
    // would be part of the source's text, shown on its page and quotable.
    for entry in std::fs::read_dir(site.join("content/sources")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml");
        assert_eq!(
            text.contains("yaml-language-server"),
            is_yaml,
            "{}:\n{text}",
            path.display()
        );
    }
    let report = cited::check(&site, TODAY);
    assert!(
        !report.has_errors(),
        "{:#?}",
        report.diagnostics.iter().collect::<Vec<_>>()
    );
    let status = cited_bin()
        .args(["new", "question", "my-question", "--root"])
        .arg(&site)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(site.join("content/questions/my-question.yaml").is_file());
    let again = cited_bin()
        .args(["new", "question", "my-question", "--root"])
        .arg(&site)
        .status()
        .unwrap();
    assert!(!again.success(), "never overwrites");
}

#[test]
fn a_site_template_overrides_the_built_in_one() {
    let site = site_with(&[(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Custom: {{ page.title }}</h1>{% endblock main %}",
    )]);
    let out = site.path().join("out");
    assert!(!build(site.path(), &out).has_errors());
    let html =
        Html::parse_document(&std::fs::read_to_string(out.join("about/index.html")).unwrap());
    assert_eq!(texts(&html, "h1"), ["Custom: About this site"]);
    // A broken override is a diagnostic naming the file, not a panic.
    let site = site_with(&[("templates/page.html", "{% if %}")]);
    let report = build(site.path(), &site.path().join("out"));
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "template-syntax")
        .unwrap();
    assert_eq!(d.file, Path::new("templates/page.html"));
}

#[test]
fn numbers_in_comparisons_and_timelines_must_be_quoted() {
    let comparison = "content/questions/yeast-vs-sourdough.yaml";
    let text = std::fs::read_to_string(fixture().join(comparison)).unwrap();
    let text = text.replace("ours: Slower", "ours: Slower, about 12 hours");
    let d = &problems(&[(comparison, &text)], "number-not-quoted")[0];
    assert_at(d, comparison, 12);
    assert!(d.message.contains("comparison says 12"), "{}", d.message);

    let timeline = "content/questions/how-long-to-rise.yaml";
    let text = std::fs::read_to_string(fixture().join(timeline)).unwrap();
    // 4 and 12 are in the quote; 30 is not.
    let text = text.replace(
        "what: Mix the dough.",
        "what: Mix the dough for 30 minutes, rest 4 to 12 hours.",
    );
    // The block's own quotes count: 4 and 12 are quoted by a fact of this
    // question, not by the timeline, so they are not backed either.
    let found = problems(&[(timeline, &text)], "number-not-quoted");
    let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the timeline says 30, which none of its quotes gives",
            "the timeline says 4, which none of its quotes gives",
            "the timeline says 12, which none of its quotes gives",
        ]
    );
}

#[test]
fn a_missing_field_does_not_hide_the_files_other_problems() {
    let text = cost_question("summary: About $6 a loaf, from $4 to $9.\n", "")
        .replacen("topic: buying", "topic: buyin", 1)
        .replacen("- source: baking-notes", "- source: baking-note", 1);
    let site = site_with(&[(Q, &text)]);
    let report = cited::check(site.path(), TODAY);
    let codes: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == Path::new(Q))
        .map(|d| (d.code.name(), d.span.map(|s| s.line)))
        .collect();
    assert_eq!(
        codes,
        [
            ("missing-field", Some(1)),
            ("unknown-reference", Some(2)),
            ("unknown-reference", Some(15))
        ],
        "{:#?}",
        report.diagnostics.iter().collect::<Vec<_>>()
    );
}

#[test]
fn headings_say_source_or_sources_as_the_page_has_one_or_several() {
    // Every question of the fixture quotes one source; this one quotes two.
    let stale = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/valid/content/questions/does-bread-go-stale.yaml"),
    )
    .unwrap();
    let two_sources = stale.replacen(
        "facts:\n",
        "facts:\n  - claim: Hot ovens can cause burns.\n    quotes:\n      - source: oven-guide\n        text: Hot ovens can cause burns, so always use oven gloves.\n",
        1,
    );
    assert_ne!(two_sources, stale);
    let site = site_with(&[("content/questions/does-bread-go-stale.yaml", &two_sources)]);
    let out = site.path().join("out");
    assert!(!build(site.path(), &out).has_errors());
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(out.join("questions")).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        let html = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
        let sources = texts(&html, ".sources li").len();
        if sources == 0 {
            continue;
        }
        let one = sources == 1;
        seen.insert(one);
        let expected = if one { "Source" } else { "Sources" };
        assert_eq!(
            texts(&html, "#sources-heading"),
            [expected],
            "{}",
            page.display()
        );
        let facts = texts(&html, "#facts-heading");
        if !facts.is_empty() {
            let expected = if one {
                "What the source says"
            } else {
                "What the sources say"
            };
            assert_eq!(facts, [expected], "{}", page.display());
        }
    }
    assert_eq!(
        seen.len(),
        2,
        "the fixture has pages of one and of several sources"
    );
}

#[test]
fn a_build_keeps_the_text_of_every_file_its_problems_point_into() {
    // A one-off build lets go of the files' texts once checked; the ones
    // its warnings point into must stay, to show their lines.
    let site = common::fixture_with_edits(&[(
        "content/questions/how-long-to-rise.yaml",
        "by: [jane-crust]",
        "by: Jane Crust",
    )]);
    let out = tempfile::tempdir().unwrap();
    let report = build(site.path(), &out.path().join("site"));
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let warned: Vec<&Path> = report
        .diagnostics
        .iter()
        .map(|d| d.file.as_path())
        .collect();
    assert!(
        warned.contains(&Path::new("content/questions/how-long-to-rise.yaml")),
        "{warned:?}"
    );
    for file in warned {
        let text = report.files.get(file);
        assert!(text.is_some(), "no text kept for {}", file.display());
    }
    // And the build does not keep what nothing points into.
    assert!(
        (report
            .files
            .get(Path::new("content/questions/does-bread-go-stale.yaml")))
        .is_none()
    );
}
