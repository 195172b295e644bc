//! The preview's quote picker (`src/serve/picker.js`), run under Node: the
//! YAML it writes for a selection reads back, through cited's own loader, as
//! exactly the selected characters (white space collapsed, as quotes are
//! matched), whatever they are; a selection takes whole words and needs
//! three; and quotes picked from an archive full of YAML's special
//! characters, pasted into a fact, verify with `cited check`.
//!
//! Skipped (with a note) where Node is not installed, like the search
//! script's test.

use std::path::{Path, PathBuf};
use std::process::Command;

use cited::load::yaml::{self, Value};

mod common;

/// 2026-02-01: reviews in the fixture are current then.
const TODAY_EPOCH: &str = "1769904000";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Runs the picker's functions under Node on `input` (see [`NODE_DRIVER`]).
fn run_picker(input: serde_json::Value) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let driver = dir.path().join("driver.js");
    std::fs::write(&driver, NODE_DRIVER).unwrap();
    let mut input = input;
    input["script"] = manifest_dir()
        .join("src/serve/picker.js")
        .display()
        .to_string()
        .into();
    common::run_node(&driver, &input, dir.path())
}

/// `snippets`: `[id, text]` pairs for `quoteSnippet`. `picks`: selections
/// of `text`, each `[needle, trim_start, trim_end]`: the first occurrence
/// of `needle`, less that many UTF-16 units at each end (to start or end
/// inside a word), given to `describeSelection` and, if it makes a quote,
/// `quoteSnippet` for `source`.
const NODE_DRIVER: &str = r#"
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const picker = require(input.script);
const out = {
  snippets: (input.snippets || []).map(([id, text]) => picker.quoteSnippet(id, text)),
  picks: (input.picks || []).map(([needle, trimStart, trimEnd]) => {
    const at = input.text.indexOf(needle);
    if (at < 0) throw new Error(`not in the text: ${needle}`);
    const start = at + trimStart;
    const end = at + needle.length - trimEnd;
    const described = picker.describeSelection(input.text, start, end);
    const snippet = described.kind === 'quote' ? picker.quoteSnippet(input.source, described.text) : null;
    return { ...described, snippet, message: picker.explain(described) };
  }),
};
process.stdout.write(JSON.stringify(out));
"#;

/// The snippet pasted under a fact's `quotes:` of a minimal file, read by
/// cited's loader: the quote's `source` and `text`.
fn read_back(snippet: &str) -> (String, String) {
    let indented: String = snippet.lines().map(|l| format!("  {l}\n")).collect();
    let file = format!("quotes:\n{indented}");
    let root = yaml::parse(&file).unwrap_or_else(|e| panic!("{file}\ndoes not parse: {e:?}"));
    let text_of = |node: &yaml::Node| match &node.value {
        Value::String(s) => s.clone(),
        other => panic!("not text: {other:?} in\n{file}"),
    };
    let Value::Map(top) = root.value else {
        panic!("not a map: {file}")
    };
    let Value::List(items) = &top[0].1.value else {
        panic!("not a list: {file}")
    };
    assert_eq!(items.len(), 1, "one quote in\n{file}");
    let Value::Map(fields) = &items[0].value else {
        panic!("not a map: {file}")
    };
    let field = |name: &str| {
        let (_, value) = fields
            .iter()
            .find(|(key, _)| matches!(&key.value, Value::String(k) if k == name))
            .unwrap_or_else(|| panic!("no {name} in\n{file}"));
        text_of(value)
    };
    assert_eq!(fields.len(), 2, "source and text only, in\n{file}");
    (field("source"), field("text"))
}

/// White space as the quote matcher collapses it (Rust's `is_whitespace`).
fn collapsed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_snippet_reads_back_as_exactly_the_selected_text() {
    if !node_available() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let texts = [
        "Within 48 hours, the majority of the redness you experience after microneedling will go away.",
        r#"He said "stop" and left"#,
        r#"a path like C:\new\table and \"escaped\" \\ twice\"#,
        "key: value: more, and # not a comment #here",
        "“Curly double” and ‘curly single’ quotes, a prime ′ and dashes – —",
        "tab\tseparated\t\twords and\nnew\nlines\r\nand  double  spaces",
        "  leading and trailing white space \n\t ",
        "- a dash, [brackets], {braces}, &anchor *alias !tag %directive @at `tick` | > ? ,",
        "controls \u{0}\u{7}\u{8}\u{1b}\u{7f} in text, NEL\u{85}and C1 \u{9b} too",
        "line\u{2028}separator and paragraph\u{2029}separator and nbsp\u{a0}here",
        "soft\u{ad}hyphen, zero\u{200b}width, joiner\u{2060}word, bom\u{feff}inside",
        "right-to-left \u{202e}override\u{202c} and marks \u{200e}\u{200f}",
        "emoji 😀, a family 👩\u{200d}👩\u{200d}👧 and ZWNJ می\u{200c}خواهم",
        "astral format \u{e0001} and a private \u{e000} and \u{10ffff} last",
        "noncharacters \u{fffe} and \u{ffff} too",
        "   ",
        "",
        "'single' 'quotes' ''doubled''",
        "ends with a backslash \\",
    ];
    let ids = [
        "web-excerpts",
        "a",
        "2024",
        "2024-guideline",
        "null",
        "true",
        "false",
        "1e5",
        "0x1f",
        "yes",
        "no",
    ];
    let mut pairs: Vec<(String, String)> = texts
        .iter()
        .map(|t| ("web-excerpts".to_string(), t.to_string()))
        .collect();
    pairs.extend(
        ids.iter()
            .map(|id| (id.to_string(), "three whole words".to_string())),
    );
    let out = run_picker(serde_json::json!({ "snippets": pairs }));
    let snippets = out["snippets"].as_array().unwrap();
    assert_eq!(snippets.len(), pairs.len());
    for ((id, text), snippet) in pairs.iter().zip(snippets) {
        let snippet = snippet.as_str().unwrap();
        // Two lines, as an editor pastes them; nothing a YAML file or an
        // editor would take as a line break or could not show.
        let lines: Vec<&str> = snippet.split('\n').collect();
        assert_eq!(lines.len(), 2, "{snippet:?}");
        assert!(lines[0].starts_with("- source: "), "{snippet:?}");
        assert!(lines[1].starts_with("  text: \""), "{snippet:?}");
        assert!(lines[1].ends_with('"'), "{snippet:?}");
        for c in snippet.chars().filter(|&c| c != '\n') {
            let invisible = c.is_control()
                || matches!(
                    c,
                    '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
                )
                || matches!(
                    c,
                    '\u{ad}'
                        | '\u{200b}'
                        | '\u{2060}'
                        | '\u{feff}'
                        | '\u{202e}'
                        | '\u{200e}'
                        | '\u{e0001}'
                );
            assert!(!invisible, "{:?} written as it is in {snippet:?}", c);
        }
        let (source, read) = read_back(snippet);
        assert_eq!(&source, id, "{snippet}");
        assert_eq!(read, collapsed(text), "{snippet}");
    }
}

#[test]
fn a_selection_takes_whole_words_and_needs_three() {
    if !node_available() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let text = "Within 48 hours, the majority of the redness you experience after microneedling will go away.\n\
                Emoji 😀 sit between words.\ttabbed\t\tline\n\nnext   paragraph here.  \n   ";
    let picks = serde_json::json!([
        // Exactly whole words.
        ["Within 48 hours", 0, 0],
        // Inside a word at each end: both words are taken whole.
        ["Within 48 hours, the majority", 2, 3],
        // Inside one word at the start only.
        ["microneedling will go away.", 5, 0],
        // Two words, and one cut: too short either way.
        ["the redness", 0, 0],
        ["redness", 1, 1],
        // Nothing but white space or punctuation.
        ["\n\n", 0, 0],
        [", ", 0, 0],
        // From the middle of an emoji (two UTF-16 units): never half of it.
        ["😀 sit between words", 1, 0],
        // Tabs, line breaks and runs of spaces: one space each.
        ["words.\ttabbed\t\tline\n\nnext   paragraph", 0, 0],
        // White space around the selection is left out.
        ["  \n   ", 0, 0],
        ["here.  \n", 0, 0],
    ]);
    let out = run_picker(serde_json::json!({
        "text": text,
        "source": "web-excerpts",
        "picks": picks,
    }));
    let results = out["picks"].as_array().unwrap();
    let kind = |i: usize| results[i]["kind"].as_str().unwrap();
    let quote = |i: usize| results[i]["text"].as_str().unwrap_or_default();
    let cut = |i: usize| -> Vec<String> {
        serde_json::from_value(results[i]["cut"].clone()).unwrap_or_default()
    };
    let message = |i: usize| results[i]["message"].as_str().unwrap();

    assert_eq!((kind(0), quote(0)), ("quote", "Within 48 hours"));
    assert!(cut(0).is_empty());
    assert_eq!(
        results[0]["snippet"],
        "- source: web-excerpts\n  text: \"Within 48 hours\""
    );

    assert_eq!(
        (kind(1), quote(1)),
        ("quote", "Within 48 hours, the majority")
    );
    assert_eq!(cut(1), ["Within", "majority"]);
    assert!(
        message(1).contains("“Within” and “majority”"),
        "{}",
        message(1)
    );

    assert_eq!(
        (kind(2), quote(2)),
        ("quote", "microneedling will go away.")
    );
    assert_eq!(cut(2), ["microneedling"]);

    assert_eq!((kind(3), quote(3)), ("too-short", "the redness"));
    assert_eq!(results[3]["words"], 2);
    assert!(results[3]["snippet"].is_null());
    assert!(message(3).contains("at least 3"), "{}", message(3));
    assert_eq!((kind(4), quote(4)), ("too-short", "redness"));
    assert_eq!(results[4]["words"], 1);

    assert_eq!(kind(5), "nothing");
    assert_eq!(kind(6), "nothing");
    assert!(results[5]["snippet"].is_null());

    assert_eq!((kind(7), quote(7)), ("quote", "😀 sit between words"));
    assert!(cut(7).is_empty(), "an emoji is no word to cut into");

    assert_eq!(
        (kind(8), quote(8)),
        ("quote", "words. tabbed line next paragraph")
    );
    assert_eq!(kind(9), "nothing");
    assert_eq!((kind(10), quote(10)), ("too-short", "here."));
}

/// An archive that holds every character YAML treats specially, curly
/// quotes, tabs, runs of spaces, line breaks inside sentences and invisible
/// characters; quotes picked from it, pasted as the picker writes them,
/// verify.
#[test]
fn picked_quotes_pasted_into_a_fact_verify_with_cited_check() {
    if !node_available() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("site");
    common::copy_dir(&manifest_dir().join("tests/fixtures/valid"), &root);
    let archive = "He said: \"Don't stop # here\", then left \\ right and C:\\new\\table.\n\
        “Curly quotes” and ‘single ones’ are kept — with dashes – too.\n\
        A line with\ttabs\tinside and  double   spaces between its words.\n\
        A sentence that runs\nover a line break and ends here.\n\
        Some soft\u{ad}hyphened micro\u{ad}needling words stay whole, and a bell\u{7} rings here.\n\
        Non\u{a0}breaking\u{a0}spaces sit between these words.\n\
        - key: value, [brackets] {braces} &anchor *alias !tag %directive @at `tick`\n\
        Emoji 😀 sit between words: it's fine.\n";
    std::fs::write(root.join("content/sources/tricky.txt"), archive).unwrap();
    std::fs::write(
        root.join("content/sources/tricky.yaml"),
        "title: An archive with tricky characters\narchive: tricky.txt\n",
    )
    .unwrap();
    let text = cited::sources::text(&root, "tricky")
        .ok()
        .expect("the archive has a text");

    let picks = serde_json::json!([
        [
            "He said: \"Don't stop # here\", then left \\ right and C:\\new\\table.",
            0,
            0
        ],
        ["said: \"Don't stop # here\"", 2, 0],
        [
            "“Curly quotes” and ‘single ones’ are kept — with dashes – too.",
            0,
            0
        ],
        ["with\ttabs\tinside and  double   spaces", 1, 2],
        ["runs\nover a line break", 0, 0],
        // The archive's text has no soft hyphens (they are invisible).
        ["softhyphened microneedling words", 0, 0],
        // Up to the control character, not over it.
        ["stay whole, and a bell", 0, 0],
        ["Non\u{a0}breaking\u{a0}spaces sit", 0, 0],
        [
            "- key: value, [brackets] {braces} &anchor *alias !tag %directive @at `tick`",
            0,
            0
        ],
        ["Emoji 😀 sit between words: it's fine.", 0, 0],
    ]);
    let out = run_picker(serde_json::json!({
        "text": text,
        "source": "tricky",
        "picks": picks,
    }));
    let results = out["picks"].as_array().unwrap();

    // The archive keeps a control character, which no text of cited's may
    // hold: a selection over it makes no quote, and says why.
    let over_control = run_picker(serde_json::json!({
        "text": text,
        "source": "tricky",
        "picks": [["a bell\u{7} rings here", 0, 0]],
    }));
    let over_control = &over_control["picks"][0];
    assert_eq!(over_control["kind"], "control", "{over_control}");
    assert_eq!(over_control["character"], "U+0007");
    assert!(over_control["snippet"].is_null());
    assert!(
        over_control["message"]
            .as_str()
            .unwrap()
            .contains("control character (U+0007)")
    );

    // Each pasted under `quotes:` of a fact, as an editor would, indented.
    let mut yaml = String::from(
        "question: What does the tricky archive say?\ntopic: basics\n\
         summary: It says several things.\nanswer: |\n  See the facts below.\nfacts:\n",
    );
    let mut text_lines = Vec::new();
    for result in results {
        assert_eq!(result["kind"], "quote", "{result}");
        let snippet = result["snippet"].as_str().unwrap();
        yaml.push_str("  - claim: The archive says this.\n    quotes:\n");
        for line in snippet.lines() {
            yaml.push_str(&format!("      {line}\n"));
        }
        text_lines.push(yaml.lines().count());
    }
    yaml.push_str("reviewed:\n  on: 2026-01-15\n  by: Editorial team\n");
    let question = "content/questions/what-tricky-says.yaml";
    std::fs::write(root.join(question), &yaml).unwrap();

    // Read back by the loader: exactly the selected characters, white
    // space collapsed. The selection is in UTF-16 units, as a browser's.
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let mut diagnostics = cited::Diagnostics::default();
    let loaded = cited::load::load(&root, &mut diagnostics);
    let loaded_question = loaded
        .content
        .questions
        .iter()
        .find(|q| q.origin.id == "what-tricky-says")
        .expect("the question loads");
    assert_eq!(
        loaded_question.facts.len(),
        results.len(),
        "{}",
        diagnostics.render(&loaded.files, false)
    );
    for (fact, result) in loaded_question.facts.iter().zip(results) {
        let (start, end) = (
            result["start"].as_u64().unwrap() as usize,
            result["end"].as_u64().unwrap() as usize,
        );
        let selected = String::from_utf16(&utf16[start..end]).unwrap();
        assert_eq!(fact.quotes.len(), 1);
        assert_eq!(fact.quotes[0].source.value, "tricky");
        assert_eq!(fact.quotes[0].text.value, collapsed(&selected), "{result}");
    }
    // The second pick started inside "said": it holds the whole word.
    assert!(
        loaded_question.facts[1].quotes[0]
            .text
            .value
            .starts_with("said: ")
    );

    let found = check(&root);
    let errors: Vec<&serde_json::Value> =
        found.iter().filter(|d| d["severity"] == "error").collect();
    let elsewhere: Vec<_> = errors.iter().filter(|d| d["file"] != question).collect();
    assert!(
        elsewhere.is_empty(),
        "errors outside the question: {elsewhere:#?}"
    );
    for (line, result) in text_lines.iter().zip(results) {
        let on_line: Vec<_> = errors
            .iter()
            .filter(|d| d["line"].as_u64() == Some(*line as u64))
            .collect();
        assert!(
            on_line.is_empty(),
            "the quote {} does not verify: {on_line:#?}",
            result["snippet"]
        );
    }
    // The quotes were checked at all: a wrong one on those lines is caught.
    let wrong = yaml.replacen("then left", "then right", 1);
    std::fs::write(root.join(question), wrong).unwrap();
    let found = check(&root);
    assert!(
        found.iter().any(|d| d["severity"] == "error"
            && d["file"] == question
            && d["line"].as_u64() == Some(text_lines[0] as u64)),
        "a changed quote is an error on its line: {found:#?}"
    );
}

/// `cited check --format json` on the site at `root`.
fn check(root: &PathBuf) -> Vec<serde_json::Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_cited"))
        .arg("--root")
        .arg(root)
        .args(["check", "--format", "json"])
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    json.as_array().unwrap().clone()
}
