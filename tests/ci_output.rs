//! `cited check --format github`: GitHub Actions workflow commands, so a
//! pull request shows each problem on the line it concerns.

use std::path::Path;
use std::process::Command;

mod common;

fn github(site: &Path) -> (Vec<String>, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_cited"))
        .args(["check", "--format", "github"])
        .current_dir(site)
        .env("SOURCE_DATE_EPOCH", "1769904000")
        .output()
        .unwrap();
    let lines = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (lines, output.status.code().unwrap())
}

/// (command, properties, message) of a workflow command line.
fn parse(line: &str) -> (&str, Vec<(&str, &str)>, &str) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, message) = rest.split_once("::").expect("properties::message");
    let (command, properties) = head.split_once(' ').expect("command and properties");
    let properties = properties
        .split(',')
        .map(|p| p.split_once('=').expect("key=value"))
        .collect();
    (command, properties, message)
}

#[test]
fn each_problem_is_one_command_on_its_line() {
    let site = common::fixture_with_edits(&[(
        "content/questions/how-long-to-rise.yaml",
        "topic: basics",
        "topic: basic",
    )]);
    let (lines, code) = github(site.path());
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    let (command, properties, message) = parse(&lines[0]);
    assert_eq!(command, "error");
    assert_eq!(
        properties,
        [
            ("file", "content/questions/how-long-to-rise.yaml"),
            ("line", "2"),
            ("col", "8"),
            ("endLine", "2"),
            ("endColumn", "13"),
            ("title", "cited unknown-reference"),
        ]
    );
    assert_eq!(
        message,
        "unknown topic `basic`%0Ahelp: did you mean `basics`?"
    );
}

#[test]
fn separators_in_values_are_escaped() {
    // A comma and a colon in the message, a percent sign in the file name.
    let site = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        site.path(),
    );
    std::fs::write(
        site.path().join("content/pages/100%.yaml"),
        "title: x\nbody: y\n",
    )
    .unwrap();
    let (lines, _) = github(site.path());
    let line = lines
        .iter()
        .find(|l| l.contains("bad-id"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    let (_, properties, message) = parse(line);
    assert_eq!(properties[0], ("file", "content/pages/100%25.yaml"));
    assert!(message.contains("`100%25`"), "{message}");
    assert!(!message.contains('\n'));
}

#[test]
fn a_clean_site_prints_nothing() {
    let site = common::fixture_with_files(&[]);
    let (lines, code) = github(site.path());
    assert_eq!(code, 0);
    assert!(lines.is_empty(), "{lines:#?}");
}
