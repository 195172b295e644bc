//! Sources as editors keep them: web pages, PDFs, markdown and text as
//! archives, `cited source text` and `cited source add`.
//!
//! Each test lays a fixture file from `tests/fixtures/sources/` (real-shaped
//! files made for these tests; see the README there) into a copy of the
//! valid fixture site, quotes it, and runs the real `cited` binary: a quote
//! is taken as verified when `cited check --format json` reports no error
//! on its line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

/// 2026-02-01: reviews in the fixture are current then, so checks report
/// only what a test is about.
const TODAY_EPOCH: &str = "1769904000";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/sources").join(name)
}

fn cited(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cited"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A diagnostic of `cited check --format json`.
#[derive(Debug)]
struct Found {
    file: String,
    line: usize,
    severity: String,
    code: String,
    message: String,
}

struct Site {
    _temp: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    /// A copy of the valid fixture site.
    fn new() -> Site {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("site");
        common::copy_dir(&manifest_dir().join("tests/fixtures/valid"), &root);
        Site { _temp: temp, root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// A source `id` whose archive is a copy of the fixture file `name`.
    fn with_source(self, id: &str, name: &str) -> Site {
        std::fs::copy(fixture(name), self.path("content/sources").join(name)).unwrap();
        std::fs::write(
            self.path(&format!("content/sources/{id}.yaml")),
            format!("title: A source kept as {name}\narchive: {name}\n"),
        )
        .unwrap();
        self
    }

    /// Writes a question quoting `source` once per fact; the line of each
    /// quote's `text`.
    fn quoting(&self, source: &str, quotes: &[&str]) -> Vec<usize> {
        let mut yaml = String::from(
            "question: What do the archives say?\ntopic: basics\nsummary: They say several things.\nanswer: |\n  See the facts below.\nfacts:\n",
        );
        let mut lines = Vec::new();
        for quote in quotes {
            yaml.push_str("  - claim: The archive says this.\n    quotes:\n");
            yaml.push_str(&format!("      - source: {source}\n"));
            lines.push(yaml.lines().count() + 1);
            // A JSON string is a YAML double-quoted scalar.
            yaml.push_str(&format!(
                "        text: {}\n",
                serde_json::to_string(quote).unwrap()
            ));
        }
        yaml.push_str("reviewed:\n  on: 2026-01-15\n  by: Editorial team\n");
        std::fs::write(self.path("content/questions/what-archives-say.yaml"), yaml).unwrap();
        lines
    }

    fn check(&self) -> Vec<Found> {
        let output = cited(&self.root, &["check", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        json.as_array()
            .unwrap()
            .iter()
            .map(|d| Found {
                file: d["file"].as_str().unwrap().to_string(),
                line: d["line"].as_u64().unwrap_or(0) as usize,
                severity: d["severity"].as_str().unwrap().to_string(),
                code: d["code"].as_str().unwrap().to_string(),
                message: d["message"].as_str().unwrap().to_string(),
            })
            .collect()
    }

    /// Whether each quote verifies: no error on its line, and no error at
    /// all outside the question (the archive itself must have been read).
    fn verified(&self, source: &str, quotes: &[&str]) -> Vec<bool> {
        let lines = self.quoting(source, quotes);
        let found = self.check();
        let question = "content/questions/what-archives-say.yaml";
        let elsewhere: Vec<&Found> = found
            .iter()
            .filter(|d| d.severity == "error" && d.file != question)
            .collect();
        assert!(
            elsewhere.is_empty(),
            "errors outside the question: {elsewhere:#?}"
        );
        lines
            .iter()
            .map(|line| {
                !found
                    .iter()
                    .any(|d| d.severity == "error" && d.file == question && d.line == *line)
            })
            .collect()
    }

    /// What `cited source text ID` prints, asserting it succeeds quietly.
    fn source_text(&self, id: &str) -> String {
        let output = cited(&self.root, &["source", "text", id]);
        assert!(
            output.status.success(),
            "cited source text {id} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }
}

/// Asserts quote by quote, naming the ones that went the wrong way.
fn assert_verified(site: &Site, source: &str, cases: &[(&str, bool)]) {
    let quotes: Vec<&str> = cases.iter().map(|(q, _)| *q).collect();
    let verified = site.verified(source, &quotes);
    let wrong: Vec<String> = cases
        .iter()
        .zip(&verified)
        .filter(|((_, expected), got)| expected != *got)
        .map(|((quote, expected), _)| {
            format!(
                "{} {quote:?}",
                if *expected {
                    "should verify:"
                } else {
                    "should not verify:"
                }
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_web_page_is_checked_against_its_article_not_its_boilerplate() {
    let site = Site::new().with_source("bakery-award", "news-article.html");
    assert_verified(
        &site,
        "bakery-award",
        &[
            // The article, with typographic quotes typed straight.
            (
                "The judges said the loaf had \"a deep, well-developed flavour and an open, even crumb\"",
                true,
            ),
            (
                "A small bakery on Mill Lane has won the regional bread award for its sourdough",
                true,
            ),
            // A ligature in the page (con\u{FB01}dent).
            (
                "a confident, characterful bread for people who find white sourdough too mild",
                true,
            ),
            ("A slow start", true),
            // Changed words.
            (
                "A small bakery on Mill Lane has won the national bread award for its sourdough",
                false,
            ),
            // Cookie banner, navigation, sidebar, related links, footer, promotion.
            ("We use cookies to improve your experience", false),
            ("Subscribe for £1 a week", false),
            (
                "Road closures planned for bridge repairs this summer",
                false,
            ),
            ("Historic flour mill reopens after restoration", false),
            (
                "All rights reserved. Registered in England and Wales.",
                false,
            ),
            // Markup is not text.
            ("<p>The award will be presented", false),
        ],
    );
    let text = site.source_text("bakery-award");
    for boilerplate in [
        "cookies",
        "Subscribe",
        "Most read",
        "Riverside Gazette Ltd",
        "gtag",
    ] {
        assert!(!text.contains(boilerplate), "{boilerplate:?} in:\n{text}");
    }
    // One paragraph a line: each paragraph of the article is a whole line.
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.contains(&"Owner Tom Reyes, who opened the bakery in 2019, said the secret was patience. “We give every dough at least eighteen hours to ferment,” he said. “There is no shortcut to a good sourdough.”"),
        "{text}"
    );
    assert!(
        lines.contains(&"A slow start"),
        "headings on their own line:\n{text}"
    );
}

#[test]
fn a_health_page_keeps_its_lists_and_tables_and_drops_soft_hyphens() {
    let site = Site::new().with_source("burns", "health-page.html");
    assert_verified(
        &site,
        "burns",
        &[
            // "pro&shy;fessional" in the page.
            (
                "Some burns need professional treatment even if they do not hurt.",
                true,
            ),
            (
                "Cover the burn by placing a layer of cling film over it.",
                true,
            ),
            (
                "A burn that looks \"dry and leathery\" may be a deep burn.",
                true,
            ),
            (
                "Cool the burn with cool or lukewarm running water for 20 minutes",
                true,
            ),
            (
                "Cool the burn with cold running water for 20 minutes",
                false,
            ),
            ("Cookies on the Example Health Service website", false),
            ("Accessibility statement Our policies", false),
            ("I'm OK with analytics cookies", false),
        ],
    );
    let text = site.source_text("burns");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.contains(&"Cover the burn by placing a layer of cling film over it."),
        "list items on their own line:\n{text}"
    );
    assert!(!text.contains('\u{AD}'));
}

#[test]
fn a_markdown_archive_is_checked_without_its_syntax() {
    let site = Site::new().with_source("starter", "starter-notes.md");
    assert_verified(
        &site,
        "starter",
        &[
            // Across emphasis, a link and a soft line break.
            (
                "have made their home. The starter should be fed twice a day while it lives on the counter",
                true,
            ),
            ("a clean glass jar with a loose lid", true),
            (
                "If it smells of nail varnish, it is hungry, not dead,",
                true,
            ),
            ("The starter **should** be fed", false),
            ("[twice a day](https://example.org/feeding)", false),
            ("A bubbling starter in a jar", false),
            ("Advertisement: buy our starter kit", false),
        ],
    );
    let text = site.source_text("starter");
    assert!(
        text.lines().any(|l| l == "Keeping a sourdough starter"),
        "{text}"
    );
    assert!(!text.contains("https://"), "{text}");
}

#[test]
fn a_pdf_joins_hyphenated_words_spells_out_ligatures_and_keeps_typographic_quotes() {
    let site = Site::new().with_source("leaflet", "leaflet.pdf");
    assert_verified(
        &site,
        "leaflet",
        &[
            // "tempera-" / "ture" at a line end, and the ﬁ ligature.
            (
                "so that the temperature is even before the first loaf goes in.",
                true,
            ),
            // "well-" / "known": a compound keeps its hyphen.
            (
                "It is a well-known rule among bakers that a cold oven gives a pale, dense crust.",
                true,
            ),
            ("It is a wellknown rule among bakers", false),
            ("so that the tempera-ture is even", false),
            // “…” in the PDF, typed straight here.
            (
                "\"Never open the door in the first ten minutes, or the loaf will collapse.\"",
                true,
            ),
            (
                "Keep flour away from the hot elements; it can catch fire.",
                true,
            ),
            ("Never open the door in the first five minutes", false),
        ],
    );
    let text = site.source_text("leaflet");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"Baking safely at home"), "{text}");
    assert!(lines.contains(&"Cooling and storage"), "{text}");
    assert!(
        lines.contains(&"Let bread cool on a rack for at least an hour before slicing. Cutting it while it is hot lets the steam escape and makes the crumb gummy. Store it in a paper bag, never in the fridge, where it goes stale fast."),
        "a paragraph is one line:\n{text}"
    );
    assert!(!lines.contains(&"1"), "the page number is dropped:\n{text}");
    assert!(
        !text.contains('\u{FB01}') && !text.contains('\u{FB02}'),
        "{text}"
    );
}

#[test]
fn a_two_column_pdf_drawn_row_by_row_keeps_each_column_together() {
    let site = Site::new().with_source("review", "two-columns.pdf");
    assert_verified(
        &site,
        "review",
        &[
            // Within the left column's second paragraph.
            (
                "Wholemeal bread keeps the bran and germ of the grain. It contains about three times as much fibre as white bread",
                true,
            ),
            // A word hyphenated at a line end in the right column.
            (
                "Sourdough is leavened by wild yeasts and lactic acid bacteria rather than by baker's yeast.",
                true,
            ),
            // A paragraph that goes on at the top of the next page.
            (
                "people with coeliac disease must avoid sourdough made from wheat, rye or barley all the same.",
                true,
            ),
            // Across the gutter, as a naive extraction would read it.
            (
                "Bread has been a staple food for thousands of years, and Sourdough is leavened",
                false,
            ),
        ],
    );
    let text = site.source_text("review");
    let lines: Vec<&str> = text.lines().collect();
    let left = lines
        .iter()
        .position(|l| l.starts_with("Bread has been a staple food"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        lines[left].ends_with("is now milled much finer than it was a century ago."),
        "the first paragraph of the left column is one line:\n{text}"
    );
    let right = lines
        .iter()
        .position(|l| l.starts_with("Sourdough is leavened"))
        .unwrap();
    let second_left = lines
        .iter()
        .position(|l| l.starts_with("Wholemeal bread"))
        .unwrap();
    assert!(
        left < second_left && second_left < right,
        "the left column is read before the right:\n{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("The long fermentation")
            && l.ends_with("Gluten is not broken down enough by fermentation to make it safe.")),
        "a paragraph going on at the top of the next page is one line:\n{text}"
    );
    assert!(
        !text.contains("Kitchen Science Quarterly"),
        "the running header is dropped:\n{text}"
    );
}

#[test]
fn a_scanned_pdf_without_text_is_refused_with_what_to_do() {
    let site = Site::new().with_source("letter", "scan.pdf");
    let found = site.check();
    let errors: Vec<&Found> = found.iter().filter(|d| d.severity == "error").collect();
    assert_eq!(errors.len(), 1, "{found:#?}");
    assert_eq!(errors[0].code, "pdf-without-text");
    assert_eq!(errors[0].file, "content/sources/letter.yaml");
    assert_eq!(errors[0].line, 2, "at the `archive` line");
    let output = cited(&site.root, &["source", "text", "letter"]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("OCR"));
}

#[test]
fn source_text_prints_exactly_the_text_quotes_are_checked_against() {
    let site = Site::new().with_source("oven-notes", "oven-notes.txt");
    // A text file is taken as written, line endings aside.
    let written = std::fs::read_to_string(fixture("oven-notes.txt")).unwrap();
    assert_eq!(
        site.source_text("oven-notes"),
        written.replace("\r\n", "\n")
    );
    assert_verified(
        &site,
        "oven-notes",
        &[
            ("\"A cold oven is the commonest mistake.\"", true),
            ("it's worth the wait", true),
            ("A hot oven is the commonest mistake.", false),
        ],
    );
    let output = cited(&site.root, &["source", "text", "oven-notez"]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("oven-notes"),
        "did you mean: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `cited source add FILE`, with the file saved outside the site.
fn add(site: &Site, name: &str, extra: &[&str]) -> Output {
    let saved = site._temp.path().join("downloads");
    std::fs::create_dir_all(&saved).unwrap();
    std::fs::copy(fixture(name), saved.join(name)).unwrap();
    let file = saved.join(name);
    let mut args = vec!["source", "add", file.to_str().unwrap()];
    args.extend(extra);
    cited(&site.root, &args)
}

/// The id `source add` printed, from the quote skeleton on standard output.
fn printed_id(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("- source: "))
        .unwrap_or_else(|| panic!("no id printed: {stdout}"))
        .to_string()
}

fn field(yaml: &str, name: &str) -> Option<String> {
    yaml.lines().find_map(|l| {
        let value = l.strip_prefix(&format!("{name}: "))?;
        Some(serde_json::from_str::<String>(value).unwrap_or_else(|_| value.to_string()))
    })
}

#[test]
fn source_add_reads_a_web_pages_details_and_copies_it() {
    let site = Site::new();
    let output = add(&site, "news-article.html", &[]);
    let id = printed_id(&output);
    assert_eq!(id, "town-bakery-s-sourdough-wins-regional-award");
    let yaml = std::fs::read_to_string(site.path(&format!("content/sources/{id}.yaml"))).unwrap();
    assert!(
        yaml.starts_with("# yaml-language-server: $schema="),
        "{yaml}"
    );
    assert_eq!(
        field(&yaml, "title").as_deref(),
        Some("Town bakery’s sourdough wins regional award")
    );
    assert_eq!(
        field(&yaml, "url").as_deref(),
        Some("https://gazette.example.com/news/2024/05/bakery-award")
    );
    assert_eq!(
        field(&yaml, "publisher").as_deref(),
        Some("Riverside Gazette")
    );
    assert_eq!(field(&yaml, "published").as_deref(), Some("2024-05-14"));
    assert_eq!(field(&yaml, "accessed").as_deref(), Some("2026-02-01"));
    let archive = field(&yaml, "archive").unwrap();
    assert_eq!(
        std::fs::read(site.path("content/sources").join(&archive)).unwrap(),
        std::fs::read(fixture("news-article.html")).unwrap(),
        "the archive is the file, copied"
    );
    // The new source is sound, and a quote from it verifies.
    assert_verified(
        &site,
        &id,
        &[("There is no shortcut to a good sourdough.", true)],
    );

    // Adding it again under the same id overwrites nothing.
    let before = std::fs::read(site.path(&format!("content/sources/{id}.yaml"))).unwrap();
    let again = add(&site, "news-article.html", &["--id", &id]);
    assert!(!again.status.success());
    assert!(again.stdout.is_empty());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already"));
    assert_eq!(
        std::fs::read(site.path(&format!("content/sources/{id}.yaml"))).unwrap(),
        before
    );
}

#[test]
fn source_add_takes_a_pdfs_title_and_an_id_and_url_given() {
    let site = Site::new();
    let output = add(
        &site,
        "leaflet.pdf",
        &[
            "--id",
            "safe-baking",
            "--url",
            "https://example.org/leaflets/safe-baking.pdf",
        ],
    );
    assert_eq!(printed_id(&output), "safe-baking");
    let yaml = std::fs::read_to_string(site.path("content/sources/safe-baking.yaml")).unwrap();
    assert_eq!(
        field(&yaml, "title").as_deref(),
        Some("Baking safely at home")
    );
    assert_eq!(
        field(&yaml, "url").as_deref(),
        Some("https://example.org/leaflets/safe-baking.pdf")
    );
    assert_eq!(field(&yaml, "archive").as_deref(), Some("safe-baking.pdf"));
    assert!(site.path("content/sources/safe-baking.pdf").is_file());
    assert_verified(
        &site,
        "safe-baking",
        &[(
            "Let bread cool on a rack for at least an hour before slicing.",
            true,
        )],
    );
}

#[test]
fn source_add_names_markdown_and_text_by_heading_or_file_name() {
    let site = Site::new();
    let id = printed_id(&add(&site, "starter-notes.md", &[]));
    assert_eq!(id, "keeping-a-sourdough-starter");
    let yaml = std::fs::read_to_string(site.path(&format!("content/sources/{id}.yaml"))).unwrap();
    assert_eq!(
        field(&yaml, "title").as_deref(),
        Some("Keeping a sourdough starter")
    );
    let id = printed_id(&add(&site, "oven-notes.txt", &[]));
    assert_eq!(id, "oven-notes");
    // A file of that name already in the folder, quoted by no source, is
    // not overwritten: the new source takes the next free id.
    std::fs::write(site.path("content/sources/diary.txt"), "Kept.\n").unwrap();
    std::fs::copy(
        fixture("oven-notes.txt"),
        site._temp.path().join("diary.txt"),
    )
    .unwrap();
    let diary = site._temp.path().join("diary.txt");
    let id = printed_id(&cited(
        &site.root,
        &["source", "add", diary.to_str().unwrap()],
    ));
    assert_eq!(id, "diary-2");
    assert_eq!(
        std::fs::read_to_string(site.path("content/sources/diary.txt")).unwrap(),
        "Kept.\n"
    );
    let found = site.check();
    let errors: Vec<&Found> = found.iter().filter(|d| d.severity == "error").collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn source_add_refuses_what_it_cannot_archive_and_writes_nothing() {
    let site = Site::new();
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(site.path("content/sources"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    let downloads = site._temp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    std::fs::write(downloads.join("notes.docx"), b"PK\x03\x04 a Word document").unwrap();
    std::fs::write(
        downloads.join("report.pdf"),
        b"<!DOCTYPE html><html><body>Please sign in</body></html>",
    )
    .unwrap();
    std::fs::copy(fixture("scan.pdf"), downloads.join("scan.pdf")).unwrap();
    for (name, says) in [
        ("scan.pdf", "OCR"),
        ("notes.docx", ".docx"),
        ("report.pdf", "web page"),
    ] {
        let file = downloads.join(name);
        let output = cited(&site.root, &["source", "add", file.to_str().unwrap()]);
        assert!(!output.status.success(), "{name} was added");
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert_eq!(listing(), before, "{name} left files behind");
    }
    let output = add(&site, "oven-notes.txt", &["--id", "Bad_Id"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a valid id"));
    let output = add(&site, "oven-notes.txt", &["--url", "ftp://example.org/x"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an http or https address"));
    assert_eq!(listing(), before);
}

#[test]
fn an_archive_must_be_a_supported_file_that_is_not_content() {
    for (archive, code) in [
        ("oven-guide.yaml", "archive-is-content"),
        ("../questions/how-long-to-rise.yaml", "archive-outside"),
        ("notes.docx", "archive-format"),
        ("notes", "archive-format"),
    ] {
        let site = Site::new();
        std::fs::write(site.path("content/sources/notes.docx"), b"PK\x03\x04").unwrap();
        std::fs::write(site.path("content/sources/notes"), b"text").unwrap();
        std::fs::write(
            site.path("content/sources/oven-guide.yaml"),
            format!("title: Oven safety guide\narchive: {archive}\n"),
        )
        .unwrap();
        let found = site.check();
        let on_archive: Vec<&Found> = found
            .iter()
            .filter(|d| d.file == "content/sources/oven-guide.yaml" && d.severity == "error")
            .collect();
        assert_eq!(on_archive.len(), 1, "{archive}: {found:#?}");
        assert_eq!(
            on_archive[0].code, code,
            "{archive}: {}",
            on_archive[0].message
        );
        assert_eq!(on_archive[0].line, 2);
    }
}

/// A PDF written by hand: `objects[i]` is object `i + 1`; object 1 is the catalog.
fn handmade_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend(data);
    body.extend(b"\nendstream");
    body
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

const FONT: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
const TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td (Bread is best eaten on the day it is baked.) Tj ET";

/// Hostile or damaged PDFs, each with the words that must explain it: none
/// may crash, hang or print a panic; each is one clear error.
fn hostile_pdfs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let page = |extra: &str, contents: u32| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> {extra} >> /Contents {contents} 0 R >>"
        )
        .into_bytes()
    };
    let catalog = b"<< /Type /Catalog /Pages 2 0 R >>".to_vec();
    let pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec();
    vec![
        (
            // A form that draws itself.
            "form-loop.pdf",
            handmade_pdf(&[
                catalog.clone(),
                pages.clone(),
                page("/XObject << /Fm1 6 0 R >>", 4),
                stream("", b"/Fm1 Do"),
                FONT.as_bytes().to_vec(),
                stream(
                    "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Fm1 6 0 R >> >>",
                    b"/Fm1 Do",
                ),
            ]),
            "draws a form inside itself",
        ),
        (
            // A page that is its own parent, and has no media box to find.
            "parent-loop.pdf",
            handmade_pdf(&[
                catalog.clone(),
                pages.clone(),
                b"<< /Type /Page /Parent 3 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
                stream("", TEXT),
                FONT.as_bytes().to_vec(),
            ]),
            "page tree loops",
        ),
        (
            // No media box anywhere: pdf-extract panics on it.
            "no-media-box.pdf",
            handmade_pdf(&[
                catalog.clone(),
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
                b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
                stream("", TEXT),
                FONT.as_bytes().to_vec(),
            ]),
            "damaged",
        ),
        (
            // A content stream that unpacks to 160 MB.
            "bomb.pdf",
            handmade_pdf(&[
                catalog.clone(),
                pages.clone(),
                page("", 4),
                stream("/Filter /FlateDecode", &deflate(&vec![b' '; 160 << 20])),
                FONT.as_bytes().to_vec(),
            ]),
            "unpacks to more",
        ),
        ("garbage.pdf", b"%PDF-1.7\nthis is not a PDF at all\n".to_vec(), "damaged"),
        ("truncated.pdf", handmade_pdf(&[catalog, pages])[..60].to_vec(), "damaged"),
    ]
}

#[test]
fn hostile_and_damaged_pdfs_are_refused_without_a_crash() {
    let site = Site::new();
    let hostile = hostile_pdfs();
    for (name, bytes, _) in &hostile {
        std::fs::write(site.path("content/sources").join(name), bytes).unwrap();
        let id = name.trim_end_matches(".pdf");
        std::fs::write(
            site.path(&format!("content/sources/{id}.yaml")),
            format!("title: {id}\narchive: {name}\n"),
        )
        .unwrap();
    }
    let output = cited(&site.root, &["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    let found = site.check();
    for (name, _, says) in &hostile {
        let id = name.trim_end_matches(".pdf");
        let file = format!("content/sources/{id}.yaml");
        let errors: Vec<&Found> = found
            .iter()
            .filter(|d| d.file == file && d.severity == "error")
            .collect();
        assert_eq!(errors.len(), 1, "{name}: {found:#?}");
        assert_eq!(errors[0].code, "archive-unreadable", "{name}");
        assert!(
            errors[0].message.contains(says),
            "{name}: {}",
            errors[0].message
        );
    }
}

#[test]
fn a_pdf_with_a_text_layer_written_by_hand_is_read() {
    // The control for the hostile cases: the same hand-made PDF, sound.
    let site = Site::new();
    let pdf = handmade_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        stream("/Filter /FlateDecode", &deflate(TEXT)),
        FONT.as_bytes().to_vec(),
    ]);
    std::fs::write(site.path("content/sources/plain.pdf"), pdf).unwrap();
    std::fs::write(
        site.path("content/sources/plain.yaml"),
        "title: Plain\narchive: plain.pdf\n",
    )
    .unwrap();
    assert_eq!(
        site.source_text("plain"),
        "Bread is best eaten on the day it is baked.\n"
    );
}

#[test]
fn a_page_nested_a_hundred_thousand_deep_is_refused_not_parsed_for_hours() {
    // Before the depth limit, 4,000 levels took 26 s to check and 100,000
    // did not finish in 10 minutes (parsing and scoring are quadratic in depth).
    let site = Site::new();
    let depth = 100_000;
    let page = format!(
        "<html><body>{}<p>Words deep inside the page, enough of them to be its main text.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    std::fs::write(site.path("content/sources/deep.html"), page).unwrap();
    std::fs::write(
        site.path("content/sources/deep.yaml"),
        "title: Deep\narchive: deep.html\n",
    )
    .unwrap();
    let found = site.check();
    let errors: Vec<&Found> = found.iter().filter(|d| d.severity == "error").collect();
    assert_eq!(errors.len(), 1, "{found:#?}");
    assert_eq!(errors[0].code, "archive-unreadable");
    assert!(
        errors[0].message.contains("nested"),
        "{}",
        errors[0].message
    );
}
