//! URLs, embedded JSON, XML output and template errors, end to end.
//!
//! - `base_url` and `language` are validated strictly, each refusal naming
//!   its rule and the value to write;
//! - JSON-LD survives any text (`<!--<script>` in a title would otherwise
//!   swallow the page) and parses back to the original words;
//! - the feed and sitemap stay well-formed XML even if a control character
//!   gets into the model;
//! - a template mistake is reported once, in the file that holds it, with
//!   its line and the number of pages it broke, by `check` as by `build`.

mod common;
use common::fixture_with_files as site_with;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use cited::{BuildOptions, Diagnostic, Report, Severity, render::RenderOptions};
use jiff::civil::{Date, date};
use scraper::{Html, Selector};

const TODAY: Date = date(2026, 2, 1);

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn build(root: &Path, out: &Path) -> Report {
    cited::build(&BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        today: TODAY,
        render: RenderOptions::default(),
        force: false,
    })
}

fn errors(report: &Report) -> Vec<&Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn fixture_site_yaml() -> String {
    std::fs::read_to_string(manifest_dir().join("tests/fixtures/valid/content/site.yaml")).unwrap()
}

/// The fixture's `site.yaml` with one line replaced.
fn site_yaml_with(field: &str, line: &str) -> String {
    fixture_site_yaml()
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{field}:")) {
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

// ---------------------------------------------------------------------------
// base_url

#[test]
fn base_url_is_refused_for_each_rule_with_the_value_to_write() {
    // (as written in YAML, words the message must hold, the fixed value)
    let cases = [
        (
            r#""https://example.org/kitchen/\tx""#,
            "a tab",
            Some("https://example.org/kitchen/x/"),
        ),
        (
            r#""https://example.org/kitchen/\nDisallow: /""#,
            "a line break",
            Some("https://example.org/kitchen/"),
        ),
        (
            r#""https://example.org/kit\\chen/""#,
            "not normalised",
            Some("https://example.org/kit/chen/"),
        ),
        (
            "https://example.org/kitchen/?lang=en",
            "query",
            Some("https://example.org/kitchen/"),
        ),
        (
            "https://editor:hunter2@example.org/kitchen/",
            "user name or password",
            Some("https://example.org/kitchen/"),
        ),
        (
            "https://example.org/a/../kitchen/",
            "not normalised",
            Some("https://example.org/kitchen/"),
        ),
        (
            "https://example.org//kitchen/",
            "not normalised",
            Some("https://example.org/kitchen/"),
        ),
        (
            "ftp://example.org/kitchen/",
            "not an http or https URL",
            Some("https://example.org/kitchen/"),
        ),
        ("/kitchen/", "not an absolute URL", None),
    ];
    let mut failures = Vec::new();
    for (written, words, fixed) in cases {
        let site = site_with(&[(
            "content/site.yaml",
            &site_yaml_with("base_url", &format!("base_url: {written}")),
        )]);
        let report = cited::check(site.path(), TODAY);
        let found: Vec<_> = errors(&report)
            .into_iter()
            .filter(|d| d.code == "bad-base-url")
            .collect();
        let [d] = found.as_slice() else {
            failures.push(format!(
                "{written}: expected one bad-base-url, got {:?}",
                report
                    .diagnostics
                    .iter()
                    .map(|d| d.code)
                    .collect::<Vec<_>>()
            ));
            continue;
        };
        let help = d.help.clone().unwrap_or_default();
        let ok = d.file == Path::new("content/site.yaml")
            && d.span.map(|s| s.line) == Some(2)
            && d.message.contains(words)
            && match fixed {
                Some(fixed) => help == format!("write `base_url: {fixed}`"),
                None => help.contains("https://example.org/"),
            };
        if !ok {
            failures.push(format!("{written}: {d:?}"));
        }
        // Nor is anything built from it.
        let out = site.path().join("public");
        assert!(build(site.path(), &out).has_errors());
        assert!(!out.exists(), "{written}: a build wrote output");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A control character in any text, `base_url` included, is refused when
/// the file is read, with its position, before any URL is built from it.
#[test]
fn a_control_character_in_base_url_is_refused_where_it_is_written() {
    let site = site_with(&[(
        "content/site.yaml",
        &site_yaml_with(
            "base_url",
            r#"base_url: "https://example.org/kitchen/\u001b""#,
        ),
    )]);
    let report = cited::check(site.path(), TODAY);
    let found: Vec<_> = errors(&report);
    assert!(
        found.iter().any(|d| d.code == "control-character"
            && d.file == Path::new("content/site.yaml")
            && d.span.map(|s| s.line) == Some(2)),
        "{found:#?}"
    );
    let out = site.path().join("public");
    assert!(build(site.path(), &out).has_errors());
    assert!(!out.exists());
}

#[test]
fn base_url_without_a_trailing_slash_is_the_same_folder() {
    let site = site_with(&[(
        "content/site.yaml",
        &site_yaml_with("base_url", "base_url: https://example.org/kitchen"),
    )]);
    let out = site.path().join("public");
    let report = build(site.path(), &out);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert_eq!(
        robots,
        "User-agent: *\nAllow: /\nSitemap: https://example.org/kitchen/sitemap.xml\n"
    );
    let home = page(&out.join("index.html"));
    assert_eq!(
        attr(&home, r#"link[rel="canonical"]"#, "href"),
        vec!["https://example.org/kitchen/"]
    );
}

/// Every link and address in the built fixture is a URL under its
/// `base_url` (or another site's, for sources), parsed by the `url` crate.
#[test]
fn every_published_url_is_under_the_base_url() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let report = build(&manifest_dir().join("tests/fixtures/valid"), &out);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    let base = url::Url::parse("https://example.org/kitchen/").unwrap();
    // The sources' own addresses are the only links elsewhere (to a
    // passage, with a text fragment).
    let sources: Vec<String> =
        walkdir::WalkDir::new(manifest_dir().join("tests/fixtures/valid/content/sources"))
            .into_iter()
            .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
            .flat_map(|text| {
                text.lines()
                    .filter_map(|l| l.strip_prefix("url: ").map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect();
    assert!(!sources.is_empty());
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = page(entry.path());
        for (selector, name) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("script[src]", "src"),
            ("form[action]", "action"),
            ("[data-index]", "data-index"),
        ] {
            for value in attr(&html, selector, name) {
                let without_text_fragment = value.split("#:~:").next().unwrap_or_default();
                if value.starts_with('#')
                    || value.starts_with("data:")
                    || sources.iter().any(|s| s == without_text_fragment)
                {
                    continue;
                }
                let url = base.join(&value).unwrap();
                checked += 1;
                if url.host_str() == Some("example.org") {
                    assert!(
                        url.path().starts_with("/kitchen/") && url.query().is_none(),
                        "{}: {value}",
                        entry.path().display()
                    );
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} URLs found");
    for file in ["sitemap.xml", "feed.xml"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let xml = roxmltree::Document::parse(&text).unwrap();
        for node in xml.descendants() {
            let value = match node.tag_name().name() {
                "loc" | "id" => node.text(),
                "link" => node.attribute("href"),
                _ => None,
            };
            if let Some(value) = value {
                assert!(
                    value.starts_with("https://example.org/kitchen/"),
                    "{file}: {value}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// language

#[test]
fn language_must_be_a_registered_bcp47_tag() {
    let refused = [
        ("language: english", "not a registered language tag", None),
        ("language: xx", "not a registered language tag", None),
        ("language: en-GB-oxford", "registered", None),
        (
            "language: en_GB",
            "not a BCP 47 language tag",
            Some("en-GB"),
        ),
        ("language: en GB", "not a BCP 47 language tag", None),
        ("language: \"\"", "", None),
    ];
    let mut failures = Vec::new();
    for (line, words, suggestion) in refused {
        let site = site_with(&[("content/site.yaml", &site_yaml_with("language", line))]);
        let report = cited::check(site.path(), TODAY);
        let found: Vec<_> = errors(&report)
            .into_iter()
            .filter(|d| d.code == "bad-language" || d.code == "missing-field")
            .collect();
        let ok = match found.as_slice() {
            [d] => {
                let help = d.help.clone().unwrap_or_default();
                d.file == Path::new("content/site.yaml")
                    && d.span.map(|s| s.line) == Some(3)
                    && d.message.contains(words)
                    && match suggestion {
                        Some(tag) => help == format!("write `language: {tag}`"),
                        None => help.contains("`en`") || d.code == "missing-field",
                    }
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{line}: {found:?}"));
        }
    }
    for line in [
        "language: en",
        "language: en-GB",
        "language: pt-BR",
        "language: zh-Hant-TW",
        "language: sr-Latn",
        "language: de-CH-1996",
    ] {
        let site = site_with(&[("content/site.yaml", &site_yaml_with("language", line))]);
        let report = cited::check(site.path(), TODAY);
        if !errors(&report).is_empty() {
            failures.push(format!("{line} refused: {:?}", errors(&report)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// JSON embedded in pages

/// `<!--<script>` inside a `<script>` element makes the HTML parser treat
/// the next `</script>` as text: the rest of the page disappears into it.
#[test]
fn json_ld_keeps_any_text_and_the_page_around_it() {
    let nasty = "<!--<script>";
    let question = format!(
        "question: Is {nasty} & </script> safe in a title?
topic: basics
order: 9
tags: [storage]
summary: It is {nasty} text, shown as written.
answer: |
  The answer mentions \\<!--\\<script> as text, and `{nasty}` in code.
reviewed:
  on: 2026-01-15
  by: Editorial team
  next: 2026-06-01
"
    );
    let site = site_with(&[("content/questions/nasty.yaml", &question)]);
    let out = site.path().join("public");
    let report = build(site.path(), &out);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));

    let html = page(&out.join("questions/nasty/index.html"));
    // The page is all there: its heading and its footer came after the script.
    let h1 = text(&html, "main h1");
    assert_eq!(h1, vec![format!("Is {nasty} & </script> safe in a title?")]);
    assert_eq!(text(&html, "footer").len(), 1, "the footer was swallowed");

    let scripts = text(&html, r#"script[type="application/ld+json"]"#);
    let [json] = scripts.as_slice() else {
        panic!("expected one JSON-LD script, got {scripts:?}");
    };
    for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
        assert!(
            !json.contains(forbidden),
            "JSON-LD holds {forbidden:?}: {json}"
        );
    }
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    let faq = &data["@graph"][0]["mainEntity"][0];
    assert_eq!(
        faq["name"],
        format!("Is {nasty} & </script> safe in a title?")
    );
    let answer = faq["acceptedAnswer"]["text"].as_str().unwrap();
    assert!(
        answer.contains(&format!("mentions {nasty} as text, and {nasty} in code")),
        "{answer}"
    );
    assert_eq!(
        data["@graph"][1]["description"],
        format!("It is {nasty} text, shown as written.")
    );
}

// ---------------------------------------------------------------------------
// XML output

/// Pages written into memory, for rendering a model built by hand.
#[derive(Default)]
struct MemoryOutput(Mutex<BTreeMap<String, Vec<u8>>>);

impl cited::write::Output for MemoryOutput {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Loading refuses control characters; if one got into the model anyway,
/// the feed and sitemap must still be XML a feed reader can read.
#[test]
fn feed_and_sitemap_stay_well_formed_xml_whatever_the_model_holds() {
    let root = manifest_dir().join("tests/fixtures/valid");
    let mut diagnostics = cited::Diagnostics::default();
    let mut loaded = cited::load::load(&root, &mut diagnostics);
    assert!(!diagnostics.has_errors());
    let content = &mut loaded.content;
    let site = content.site.as_mut().unwrap();
    site.title = "Test\u{0} Kitchen\u{1b}[31m".into();
    site.description = "Bell\u{7} and delete\u{7f} and \u{fffe}".into();
    let question = &mut content.questions[0];
    question.question.value = "Does\u{7} bread go\u{0} stale?".into();
    question.summary.value = "Yes\u{8}, \u{1b}it does.\u{85}".into();
    let id = question.origin.id.clone();

    let urls = cited::urls::SiteUrls::new(&site.base_url).unwrap();
    let graph = cited::link::Graph::new(content, urls);
    let mut theme = cited::theme::load(&root, &mut loaded.files, &mut diagnostics).unwrap();
    let output = MemoryOutput::default();
    cited::render::render(
        &graph,
        &mut theme,
        &output,
        TODAY,
        &RenderOptions::default(),
        None,
        None,
        &mut diagnostics,
    );
    assert!(!diagnostics.has_errors());
    let files = output.0.into_inner().unwrap();

    let feed = String::from_utf8(files["feed.xml"].clone()).unwrap();
    let xml = roxmltree::Document::parse(&feed).unwrap_or_else(|e| panic!("{e}\n{feed}"));
    let child = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|n| n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    let feed_root = xml.root_element();
    assert_eq!(
        child(feed_root, "title").as_deref(),
        Some("Test Kitchen[31m")
    );
    assert_eq!(
        child(feed_root, "subtitle").as_deref(),
        Some("Bell and delete and ")
    );
    let entry = feed_root
        .children()
        .find(|n| {
            n.tag_name().name() == "entry"
                && child(*n, "id").is_some_and(|i| i.ends_with(&format!("/questions/{id}/")))
        })
        .expect("the question's entry");
    assert_eq!(
        child(entry, "title").as_deref(),
        Some("Does bread go stale?")
    );
    assert_eq!(child(entry, "summary").as_deref(), Some("Yes, it does."));

    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    roxmltree::Document::parse(&sitemap).unwrap_or_else(|e| panic!("{e}\n{sitemap}"));
}

// ---------------------------------------------------------------------------
// Template errors

/// A built-in template with `insert` added at the end of the line holding
/// `anchor`; returns the text and that line's number.
fn built_in_with(name: &str, anchor: &str, insert: &str) -> (String, usize) {
    let text = std::fs::read_to_string(manifest_dir().join("templates").join(name)).unwrap();
    let mut line_number = 0;
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if line_number == 0 && l.contains(anchor) {
                line_number = i + 1;
                format!("{l}{insert}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(line_number > 0, "{anchor} not in {name}");
    (lines.join("\n") + "\n", line_number)
}

fn pages_of_the_fixture() -> usize {
    let dir = tempfile::tempdir().unwrap();
    let report = build(
        &manifest_dir().join("tests/fixtures/valid"),
        &dir.path().join("public"),
    );
    assert!(errors(&report).is_empty());
    report.pages
}

fn template_errors(report: &Report) -> Vec<&Diagnostic> {
    errors(report)
        .into_iter()
        .filter(|d| d.code == "template-render" || d.code == "template-syntax")
        .collect()
}

/// Issue 15's example: a typo in `base.html` breaks every page. `check`
/// finds it, without writing anything; both `check` and `build` report it
/// once, in base.html at its line, with the number of pages.
#[test]
fn a_typo_in_base_html_is_one_diagnostic_in_base_html_from_check_and_build() {
    let pages = pages_of_the_fixture();
    // A misspelt field, and a misspelt variable (whose message lists each
    // page template's own variables, so differs from page to page).
    for (typo, words) in [
        ("{{ site.emial }}", "`emial`"),
        ("{{ siet.title }}", "`siet`"),
    ] {
        let (base, line) = built_in_with("base.html", "<main id=\"main\"", typo);
        let site = site_with(&[("templates/base.html", &base)]);
        let checked = cited::check(site.path(), TODAY);
        let out = site.path().join("public");
        let built = build(site.path(), &out);
        assert!(!out.exists(), "a failed build wrote output");
        for (what, report) in [("check", &checked), ("build", &built)] {
            let found = template_errors(report);
            let [d] = found.as_slice() else {
                panic!("{typo} {what}: expected one template diagnostic, got {found:#?}");
            };
            assert_eq!(d.code, "template-render", "{typo} {what}");
            assert_eq!(d.file, Path::new("templates/base.html"), "{typo} {what}");
            let span = d.span.unwrap_or_else(|| panic!("{typo} {what}: no line"));
            assert_eq!(span.line as usize, line, "{typo} {what}");
            assert!(
                d.message
                    .starts_with(&format!("rendering {pages} pages failed (the first: ")),
                "{typo} {what}: {}",
                d.message
            );
            assert!(d.message.contains(words), "{typo} {what}: {}", d.message);
        }
        // The terminal output shows the line at fault.
        let shown = checked.diagnostics.render(&checked.files, false);
        assert!(shown.contains(typo), "{shown}");
        assert!(
            shown.contains(&format!("templates/base.html:{line}:")),
            "{shown}"
        );
    }
}

/// A mistake in an included partial is in the partial, not in the page
/// template that includes it.
#[test]
fn a_mistake_in_an_included_partial_names_the_partial() {
    let (partial, line) = built_in_with(
        "partials/question-list.html",
        "<a href=\"{{ q.url }}\">",
        "{{ q.url | round }}",
    );
    let site = site_with(&[("templates/partials/question-list.html", &partial)]);
    for report in [
        cited::check(site.path(), TODAY),
        build(site.path(), &site.path().join("public")),
    ] {
        let found = template_errors(&report);
        let [d] = found.as_slice() else {
            panic!("expected one template diagnostic, got {found:#?}");
        };
        assert_eq!(d.file, Path::new("templates/partials/question-list.html"));
        assert_eq!(d.span.map(|s| s.line as usize), Some(line));
    }
}

/// A template that does not load is named with its line, whatever Tera's
/// kind of error: bad syntax, an unknown filter or include, a missing parent.
#[test]
fn a_template_that_does_not_load_is_named_with_its_line() {
    let (page_html, page_line) = built_in_with("page.html", "{% block main %}", "");
    let (quote, quote_line) =
        built_in_with("partials/quote.html", "<figcaption>", "{{ quote.text }");
    let (unknown_filter, filter_line) =
        built_in_with("page.html", "{% block main %}", "{{ page.title | rnd }}");
    let (unknown_include, include_line) = built_in_with(
        "page.html",
        "{% block main %}",
        r#"{% include "partials/nope.html" %}"#,
    );
    let missing_parent = r#"{% extends "bse.html" %}{% block main %}{% endblock main %}"#;
    let cases = [
        (
            "templates/partials/quote.html",
            quote.as_str(),
            quote_line,
            "expected",
        ),
        (
            "templates/page.html",
            unknown_filter.as_str(),
            filter_line,
            "Unknown filter `rnd`",
        ),
        (
            "templates/page.html",
            unknown_include.as_str(),
            include_line,
            "partials/nope.html",
        ),
        ("templates/page.html", missing_parent, 1, "bse.html"),
    ];
    let mut failures = Vec::new();
    for (file, text, line, words) in cases {
        let mut changes = vec![(file, text)];
        if file != "templates/page.html" {
            changes.push(("templates/page.html", page_html.as_str()));
            assert!(page_line > 0);
        }
        let site = site_with(&changes);
        let report = cited::check(site.path(), TODAY);
        let found = template_errors(&report);
        let ok = matches!(found.as_slice(), [d] if d.code == "template-syntax"
            && d.file == Path::new(file)
            && d.span.map(|s| s.line as usize) == Some(line)
            && d.message.contains(words));
        if !ok {
            failures.push(format!("{file} ({words}): {found:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A mistake inside `{% if question.cost %}` fails only on pages with a
/// cost table: `check` samples such a page and finds it.
#[test]
fn check_finds_a_mistake_that_only_some_pages_reach() {
    let (question, line) = built_in_with(
        "question.html",
        "{% if question.cost %}",
        "{{ question.cost.curency }}",
    );
    let site = site_with(&[("templates/question.html", &question)]);
    let report = cited::check(site.path(), TODAY);
    let found = template_errors(&report);
    let [d] = found.as_slice() else {
        panic!("expected one template diagnostic, got {found:#?}");
    };
    assert_eq!(d.file, Path::new("templates/question.html"));
    assert_eq!(d.span.map(|s| s.line as usize), Some(line));
    assert!(
        d.message
            .starts_with("rendering questions/what-does-bread-cost/index.html failed"),
        "{}",
        d.message
    );
}

fn page(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

fn attr(html: &Html, selector: &str, name: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}

fn text(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect()
}
