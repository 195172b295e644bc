//! What render leaves out of a page's context: a value no template reads is
//! not worked out, and a site's own template that reads it still gets it.
//!
//! `question.reading_grade` (the Flesch-Kincaid grade kept for templates
//! written before `question.reading`) is read by no built-in template; a
//! site's override that names it, passes the whole question on, or dumps
//! the context must see the number it always saw.

mod common;
use common::{build_on_fixture_day as build, fixture_with_files as site_with};

use std::path::Path;

use scraper::{Html, Selector};

const QUESTION: &str = "questions/how-long-to-rise/index.html";

/// The text of the element `css` selects on the built question page of a
/// site with `template` as its `question.html`.
fn shown_by(template: &str, css: &str) -> String {
    let site = site_with(&[("templates/question.html", template)]);
    let out = tempfile::tempdir().unwrap();
    let report = build(site.path(), &out.path().join("public"));
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(!report.diagnostics.has_errors(), "{errors:?}");
    let html = std::fs::read_to_string(out.path().join("public").join(QUESTION)).unwrap();
    let html = Html::parse_document(&html);
    let selector = Selector::parse(css).unwrap();
    let element = html.select(&selector).next().expect("the element");
    element.text().collect()
}

fn grade(text: &str) -> f64 {
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a grade: {text:?}"))
}

#[test]
fn a_site_template_naming_reading_grade_gets_it() {
    let text = shown_by(
        r#"{% extends "base.html" %}{% block main %}<p id="grade">{{ question.reading_grade }}</p>{% endblock main %}"#,
        "#grade",
    );
    assert!(grade(&text) > 0.0, "{text}");
}

#[test]
fn a_site_template_passing_the_question_on_or_dumping_it_gets_it() {
    // Through another name: `q.reading_grade` never names `question`'s field.
    let through_set = shown_by(
        r#"{% extends "base.html" %}{% block main %}{% set q = question %}<p id="grade">{{ q["reading" ~ "_grade"] }}</p>{% endblock main %}"#,
        "#grade",
    );
    assert!(grade(&through_set) > 0.0, "{through_set}");
    // Printed whole, and in the dump of the whole context.
    for template in ["{{ question }}", "{{ __tera_context }}"] {
        let printed = shown_by(
            &format!(
                r#"{{% extends "base.html" %}}{{% block main %}}<pre id="printed">{template}</pre>{{% endblock main %}}"#
            ),
            "#printed",
        );
        let field = "\"reading_grade\": ";
        let at = printed
            .find(field)
            .unwrap_or_else(|| panic!("{template}: {printed}"))
            + field.len();
        let end = printed[at..]
            .find([',', '}'])
            .map_or(printed.len(), |e| at + e);
        assert_eq!(grade(&printed[at..end]), grade(&through_set), "{template}");
    }
}

#[test]
fn the_built_in_theme_reads_no_reading_grade() {
    let theme = |root: &Path| {
        let mut files = cited::SourceFiles::default();
        let mut diagnostics = cited::Diagnostics::default();
        cited::theme::load(root, &mut files, &mut diagnostics).expect("the theme loads")
    };
    let built_in = theme(&common::valid_fixture());
    assert!(!built_in.may_read("question", "reading_grade"));
    // Fields read by name elsewhere, and the word in text or strings, are not reads.
    let harmless = site_with(&[(
        "templates/partials/backlinks.html",
        r#"<p title="question">A question | {{ "question" }}</p>{% if question.title %}{{ question . title }}{% endif %}"#,
    )]);
    assert!(!theme(harmless.path()).may_read("question", "reading_grade"));
    for reads in [
        "{{ question.reading_grade }}",
        "{% for key, value in question %}{{ value }}{% endfor %}",
        "{{ question | length }}",
        "{{ question }}",
        "{{ question['title'] }}",
        "{{ __tera_context }}",
        "{% set q = question %}{{ q.title }}",
    ] {
        let site = site_with(&[("templates/partials/backlinks.html", reads)]);
        assert!(
            theme(site.path()).may_read("question", "reading_grade"),
            "{reads}"
        );
    }
}
