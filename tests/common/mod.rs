//! Helpers shared by the integration tests.

use std::path::Path;

/// Copies a folder tree (a fixture site) into `to`, which may not exist yet.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `cited build` of `root` into `out` with default settings, on the day
/// the fixture's review dates are written for (2026-02-01).
#[allow(dead_code)]
pub fn build_on_fixture_day(root: &Path, out: &Path) -> cited::Report {
    cited::build(&cited::BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        today: jiff::civil::date(2026, 2, 1),
        render: cited::render::RenderOptions::default(),
        force: false,
    })
}

/// The valid fixture site that most tests start from.
#[allow(dead_code)] // Not every test file that shares this module uses each helper.
pub fn valid_fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

/// A copy of the valid fixture site with whole files written over it, as
/// `(path, text)` relative to the site (folders made as needed); an empty
/// text removes the file instead.
#[allow(dead_code)]
pub fn fixture_with_files(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&valid_fixture(), dir.path());
    for (path, text) in files {
        let full = dir.path().join(path);
        if text.is_empty() {
            std::fs::remove_file(&full).unwrap();
        } else {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
    }
    dir
}

/// A copy of the valid fixture site with text replaced in its files, as
/// `(path, from, to)`: the first `from` in the file becomes `to`. Fails the
/// test if the file has no `from`, so a fixture that changes under a test
/// cannot make the edit silently do nothing.
#[allow(dead_code)]
pub fn fixture_with_edits(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&valid_fixture(), dir.path());
    for (file, from, to) in edits {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    dir
}

/// The elements of `html` that `css` selects.
#[allow(dead_code)]
pub fn select<'a>(html: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

/// An element's text with white space collapsed.
#[allow(dead_code)]
pub fn text(element: &scraper::ElementRef) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of each element of `html` that `css` selects.
#[allow(dead_code)]
pub fn texts(html: &scraper::Html, css: &str) -> Vec<String> {
    select(html, css).iter().map(text).collect()
}

/// Runs a node script on `input` (written as JSON into `dir`) and returns
/// the JSON it prints; fails the test with node's errors if it fails.
#[allow(dead_code)]
pub fn run_node(driver: &Path, input: &serde_json::Value, dir: &Path) -> serde_json::Value {
    let input_path = dir.join("input.json");
    std::fs::write(&input_path, serde_json::to_vec(input).unwrap()).unwrap();
    let output = std::process::Command::new("node")
        .arg(driver)
        .arg(&input_path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}
