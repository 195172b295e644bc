//! What `cited` prints to a terminal on hostile input: control and bidi
//! characters shown visibly (as `<U+XXXX>`) in the path line, the message, the
//! help and the source line, with the underline still under the value; at
//! most a screenful of diagnostics of one kind per file, while the JSON keeps
//! them all; deeply nested markdown reported with its position.
//!
//! Each test runs the real binary on a copy of `tests/fixtures/valid`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

/// How many diagnostics of one code per file the terminal shows.
const SHOWN_PER_CODE_AND_FILE: usize = 20;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        dir.path(),
    );
    dir
}

fn cited(site: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cited"))
        .arg("--root")
        .arg(site)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("SOURCE_DATE_EPOCH", "1769904000")
        .output()
        .unwrap()
}

/// `cited check` as a person sees it (standard error, no colour).
fn human(site: &Path) -> String {
    let output = cited(site, &["check"]);
    String::from_utf8(output.stderr).expect("terminal output is UTF-8")
}

/// `cited check --format json`, parsed.
fn json(site: &Path) -> Vec<serde_json::Value> {
    let output = cited(site, &["check", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    value.as_array().unwrap().clone()
}

fn question(site: &Path, id: &str) -> PathBuf {
    site.join("content/questions").join(format!("{id}.yaml"))
}

/// Rewrites a question of the fixture, replacing `from` (which must be there).
fn edit(site: &Path, id: &str, from: &str, to: &str) {
    let path = question(site, id);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{id}: `{from}` is not in the fixture");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const CONTROLS_AND_BIDI: &[char] = &[
    '\u{1b}', '\u{7}', '\u{8}', '\u{7f}', '\u{85}', '\u{9b}', '\u{202a}', '\u{202b}', '\u{202c}',
    '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}',
    '\u{61c}',
];

fn assert_nothing_raw(text: &str) {
    for c in CONTROLS_AND_BIDI {
        assert!(
            !text.contains(*c),
            "U+{:04X} reaches the terminal raw:\n{text}",
            *c as u32
        );
    }
}

/// The blocks of the output whose title carries `[code]`.
fn blocks<'a>(text: &'a str, code: &str) -> Vec<&'a str> {
    let title = format!("[{code}]");
    text.split("\n\n")
        .filter(|block| block.lines().next().is_some_and(|l| l.contains(&title)))
        .collect()
}

#[test]
fn a_file_name_holding_a_bidi_control_is_shown_escaped() {
    let site = site();
    // Shown raw, U+202E would make the name read "evil" + reversed "lmth.yaml".
    let original = question(site.path(), "does-bread-go-stale");
    let evil = site.path().join("content/questions/evil\u{202e}lmth.yaml");
    std::fs::rename(&original, &evil).unwrap();

    let text = human(site.path());
    assert_nothing_raw(&text);
    let bad_id = blocks(&text, "bad-id");
    assert_eq!(bad_id.len(), 1, "{text}");
    assert!(
        bad_id[0]
            .lines()
            .any(|l| l.contains("▸ content/questions/evil<U+202E>lmth.yaml")),
        "the path line shows the escape:\n{text}"
    );

    // JSON is data: the exact name, escaped by JSON itself.
    let items = json(site.path());
    let item = items.iter().find(|d| d["code"] == "bad-id").unwrap();
    assert_eq!(item["file"], "content/questions/evil\u{202e}lmth.yaml");
}

#[test]
fn control_characters_in_a_message_are_shown_escaped() {
    let site = site();
    // Text values holding control characters are refused where they are
    // read, but a field *name* is quoted back in the message: YAML escapes
    // put ESC, BEL and a C1 CSI into it.
    edit(
        site.path(),
        "how-long-to-rise",
        "tags: [sourdough, timing]",
        "tags: [sourdough, timing]\n\"Red\\e[31mText\\a\\x9b2J\": x",
    );
    let text = human(site.path());
    assert_nothing_raw(&text);
    let unknown = blocks(&text, "unknown-field");
    assert_eq!(unknown.len(), 1, "{text}");
    assert!(
        unknown[0]
            .lines()
            .next()
            .unwrap()
            .contains("unknown field `Red<U+001B>[31mText<U+0007><U+009B>2J`"),
        "{text}"
    );
    let items = json(site.path());
    let item = items.iter().find(|d| d["code"] == "unknown-field").unwrap();
    assert!(
        item["message"]
            .as_str()
            .unwrap()
            .contains("Red\u{1b}[31mText\u{7}\u{9b}2J"),
        "JSON keeps the exact text: {item}"
    );
}

#[test]
fn a_bidi_control_in_the_source_line_is_escaped_and_the_underline_stays_under_it() {
    let site = site();
    edit(
        site.path(),
        "how-long-to-rise",
        "tags: [sourdough, timing]",
        "tags: [sourdough, Rise\u{202e}\u{200f}Time]",
    );
    let text = human(site.path());
    assert_nothing_raw(&text);
    let block = blocks(&text, "bad-tag")[0];
    let lines: Vec<&str> = block.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("tags: [sourdough,"))
        .unwrap_or_else(|| panic!("no source line:\n{block}"));
    let shown_value = "Rise<U+202E><U+200F>Time";
    let value_column = lines[source]
        .find(shown_value)
        .map(|byte| lines[source][..byte].chars().count())
        .unwrap_or_else(|| panic!("the source line does not show `{shown_value}`:\n{block}"));
    let underline = lines[source + 1];
    let underline_column = underline.chars().position(|c| c == '━').unwrap();
    let underline_width = underline.chars().filter(|&c| c == '━').count();
    assert_eq!(
        (underline_column, underline_width),
        (value_column, shown_value.len()),
        "the underline is not under the value:\n{block}"
    );
}

#[test]
fn control_characters_in_the_help_and_a_yaml_error_line_are_escaped() {
    let site = site();
    // `how-long-to-rise` relates `does-bread-go-stale`: once that file is
    // renamed, the help lists the ids there are, the bidi control included.
    let original = question(site.path(), "does-bread-go-stale");
    let evil = site.path().join("content/questions/evil\u{202e}lmth.yaml");
    std::fs::rename(&original, &evil).unwrap();
    // A raw ESC in a YAML file is not allowed: its diagnostic shows its line.
    let page = site.path().join("content/pages/about.yaml");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nnote: clear\u{1b}[2Jscreen\n")).unwrap();

    let out = human(site.path());
    assert_nothing_raw(&out);
    let reference = blocks(&out, "unknown-reference");
    assert_eq!(reference.len(), 1, "{out}");
    assert!(
        reference[0]
            .lines()
            .any(|l| l.starts_with("help: ") && l.contains("e.g. evil<U+202E>lmth,")),
        "the help shows the escape:\n{out}"
    );
    let yaml = blocks(&out, "control-character");
    assert_eq!(yaml.len(), 1, "{out}");
    assert!(
        yaml[0].contains("note: clear<U+001B>[2Jscreen"),
        "the source line shows the escape:\n{out}"
    );
}

#[test]
fn many_problems_of_one_kind_in_a_file_are_capped_for_people_but_not_for_machines() {
    const TAGS: usize = 25;
    let site = site();
    let tags: String = (0..TAGS).map(|i| format!("  - Bad Tag {i}\n")).collect();
    edit(
        site.path(),
        "how-long-to-rise",
        "tags: [sourdough, timing]\n",
        &format!("tags:\n{tags}"),
    );
    // One more bad tag in another file: the cap is per file.
    edit(
        site.path(),
        "does-bread-go-stale",
        "tags: [storage]",
        "tags: [Storage Tips]",
    );

    let text = human(site.path());
    let shown = blocks(&text, "bad-tag");
    let in_first_file: Vec<&&str> = shown
        .iter()
        .filter(|b| b.contains("how-long-to-rise.yaml"))
        .collect();
    assert_eq!(in_first_file.len(), SHOWN_PER_CODE_AND_FILE, "{text}");
    // The first ones in the file are those shown, in order.
    for (i, block) in in_first_file.iter().enumerate() {
        assert!(
            block.contains(&format!("the tag `Bad Tag {i}`")),
            "{i}: {block}"
        );
    }
    assert_eq!(
        shown
            .iter()
            .filter(|b| b.contains("does-bread-go-stale.yaml"))
            .count(),
        1,
        "{text}"
    );
    let more: Vec<&str> = text.lines().filter(|l| l.contains(" more `")).collect();
    assert_eq!(
        more,
        [
            "… and 5 more `bad-tag` problems in content/questions/how-long-to-rise.yaml (`cited check --format json` lists them all)"
        ],
        "{text}"
    );
    assert!(
        text.contains(&format!("· {} errors,", TAGS + 1)),
        "the summary counts every problem:\n{text}"
    );

    let items = json(site.path());
    let bad_tags = items.iter().filter(|d| d["code"] == "bad-tag").count();
    assert_eq!(bad_tags, TAGS + 1);
}

/// `yeast-vs-sourdough.yaml` with `nested` on line 8, after the answer's
/// first line (6) and a blank line.
fn with_nested_answer(nested: &str) -> tempfile::TempDir {
    let site = site();
    let first = "  Most bakers agree that yeast bread is quicker to make.\n";
    edit(
        site.path(),
        "yeast-vs-sourdough",
        first,
        &format!("{first}\n  {nested}\n"),
    );
    site
}

#[test]
fn deeply_nested_markdown_is_reported_where_it_is_and_nothing_is_written() {
    const DEPTH: usize = 3_000;
    let shapes = [
        (
            "<div>",
            "<div>".repeat(DEPTH) + "deep" + &"</div>".repeat(DEPTH),
        ),
        (
            "list items and one tag",
            "- ".repeat(DEPTH) + "deep <b>bold</b>",
        ),
        ("block quotes", ">".repeat(DEPTH) + " deep"),
        (
            "distinct <b> left open",
            (0..DEPTH)
                .map(|i| format!("<b id=b{i}>"))
                .collect::<String>()
                + "<p>deep</p>",
        ),
    ];
    for (what, nested) in shapes {
        let site = with_nested_answer(&nested);
        let out = site.path().join("public");
        let build = cited(site.path(), &["build", "--out", out.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&build.stderr);
        assert_eq!(build.status.code(), Some(1), "{what}: {stderr}");
        assert!(
            !out.exists(),
            "{what}: a failed build wrote {}",
            out.display()
        );
        let block = blocks(&stderr, "deep-nesting");
        assert_eq!(block.len(), 1, "{what}: {stderr}");
        assert!(
            block[0].contains("▸ content/questions/yeast-vs-sourdough.yaml:8:"),
            "{what}: not at line 8:\n{}",
            block[0]
        );

        let items = json(site.path());
        let item = items.iter().find(|d| d["code"] == "deep-nesting").unwrap();
        assert_eq!(item["severity"], "error", "{what}");
        assert_eq!(item["line"], 8, "{what}");
    }
}

#[test]
fn ordinary_nesting_builds() {
    let nested = "<details><summary>More</summary>\n\n  - one\n    - two\n      - three\n        > quoted *and **strong** text*\n\n  </details>";
    let site = with_nested_answer(nested);
    let out = site.path().join("public");
    let build = cited(site.path(), &["build", "--out", out.to_str().unwrap()]);
    assert_eq!(
        build.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let page =
        std::fs::read_to_string(out.join("questions/yeast-vs-sourdough/index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    let strong = scraper::Selector::parse("details ul ul ul blockquote em strong").unwrap();
    assert_eq!(
        html.select(&strong)
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>(),
        ["strong"]
    );
}

/// `cited serve` on the site, its standard error collected line by line.
struct Serve {
    child: std::process::Child,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Serve {
    fn start(site: &Path, tmp: &Path) -> Serve {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_cited"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site)
            .env("TMPDIR", tmp)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let writer = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                writer
                    .lock()
                    .unwrap()
                    .push_str(&(line.unwrap_or_default() + "\n"));
            }
        });
        Serve { child, log }
    }

    /// Waits (generously: this is not a timing test) for a line holding `text`.
    fn wait_for_line(&self, text: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let log = self.log.lock().unwrap().clone();
            if let Some(line) = log.lines().find(|l| l.contains(text)) {
                return line.to_string();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no line with `{text}`:\n{log}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_preview_names_a_changed_file_holding_a_bidi_control_escaped() {
    let site = site();
    let tmp = tempfile::tempdir().unwrap();
    let serve = Serve::start(site.path(), tmp.path());
    serve.wait_for_line("Serving http://");
    // A file `cited` does not read: a warning, so the rebuild succeeds and
    // the preview says which file changed.
    std::fs::write(site.path().join("content/notes\u{202e}txt.md"), "notes").unwrap();
    let line = serve.wait_for_line("after a change to");
    assert_nothing_raw(&serve.log.lock().unwrap());
    assert!(
        line.contains("after a change to content/notes<U+202E>txt.md"),
        "{line}"
    );
}
