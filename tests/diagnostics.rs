//! One fixture per diagnostic code, and the document generated from them.
//!
//! Each case is a folder `tests/fixtures/invalid/<code>[.<what>]/` holding:
//!
//! - `patch/`: files laid over a copy of `tests/fixtures/valid` (the site);
//! - `remove` (optional): paths of the site to delete, one per line;
//! - `symlinks` (optional, Unix): `path target` per line, symlinks to make
//!   in the site (`{outside}` in a target is a folder outside the site,
//!   holding a copy of the case's `outside/` folder if it has one);
//! - `fifos` (optional, Unix): paths of named pipes to make in the site;
//! - `large` (optional): `path bytes` per line, files of that many bytes of
//!   YAML comment to make in the site;
//! - `args` (optional): the `cited` command line, `check` when absent;
//! - `expected.txt`: everything `cited` printed, and its exit code.
//!
//! The test runs the real binary on each case and compares its whole output
//! with `expected.txt`; `BLESS=1 cargo test --test diagnostics` rewrites the
//! snapshots (read the diff before committing it). It also checks that every
//! [`Code`] has a case, that each case produces its own code, and that
//! `docs/diagnostics.md` is what the codes and the snapshots make.

use std::path::{Path, PathBuf};
use std::process::Command;

use cited::Code;

mod common;

/// Codes no fixture can produce, each with the reason.
const WITHOUT_FIXTURE: &[(Code, &str)] = &[
    (
        Code::Unreadable,
        "needs a file the test's user cannot read, and tests may run as root",
    ),
    (
        Code::InternalError,
        "a bug in cited, which no content should cause; tests/session.rs and tests/serve.rs \
         provoke one through a test-only hook (an environment variable unset in real use)",
    ),
];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("tests/fixtures/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// The code a case is for: its folder name up to the first dot.
fn code_of(case: &Path) -> Code {
    let name = case.file_name().unwrap().to_str().unwrap();
    let code = name.split('.').next().unwrap();
    Code::from_name(code).unwrap_or_else(|| panic!("{name}: `{code}` is not a diagnostic code"))
}

struct Outcome {
    /// What cited printed, with the temporary paths and timings made stable.
    text: String,
    /// The codes it reported, from `--format json` when the command is a check.
    codes: Vec<String>,
}

/// Lays the case over a copy of the valid fixture and runs cited on it.
fn run(case: &Path) -> Outcome {
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    let outside = temp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    common::copy_dir(&manifest_dir().join("tests/fixtures/valid"), &site);
    if case.join("patch").is_dir() {
        common::copy_dir(&case.join("patch"), &site);
    }
    for line in read_lines(&case.join("remove")) {
        let path = site.join(&line);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
    }
    if case.join("outside").is_dir() {
        common::copy_dir(&case.join("outside"), &outside);
    }
    for line in read_lines(&case.join("large")) {
        let (path, bytes) = line.split_once(' ').expect("`path bytes`");
        let bytes: usize = bytes.parse().expect("a number of bytes");
        let line = "# filler to make the file large\n";
        let text = line.repeat(bytes / line.len() + 1);
        std::fs::write(site.join(path), &text[..bytes]).unwrap();
    }
    #[cfg(unix)]
    for line in read_lines(&case.join("fifos")) {
        let path = site.join(line);
        let _ = std::fs::remove_file(&path);
        let status = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(status.success(), "mkfifo {}", path.display());
    }
    #[cfg(unix)]
    for line in read_lines(&case.join("symlinks")) {
        let (path, target) = line.split_once(' ').expect("`path target`");
        let target = target.replace("{outside}", outside.to_str().unwrap());
        let path = site.join(path);
        let _ = std::fs::remove_file(&path);
        std::os::unix::fs::symlink(target, path).unwrap();
    }
    let args: Vec<String> = match std::fs::read_to_string(case.join("args")) {
        Ok(line) => line.split_whitespace().map(str::to_string).collect(),
        Err(_) => vec!["check".into()],
    };
    let cited = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cited"))
            .args(&args)
            .args(extra)
            .current_dir(&site)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            // 2026-02-01, the day the engine tests run on.
            .env("SOURCE_DATE_EPOCH", "1769904000")
            .output()
            .unwrap()
    };
    let output = cited(&[]);
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text.push_str(&format!("exit: {}\n", output.status.code().unwrap_or(-1)));
    let text = stable(&text, temp.path());
    let codes = if args.first().map(String::as_str) == Some("check") {
        let json = cited(&["--format", "json"]);
        let items: serde_json::Value = serde_json::from_slice(&json.stdout)
            .unwrap_or_else(|e| panic!("{}: JSON output: {e}", case.display()));
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    } else {
        Vec::new()
    };
    Outcome { text, codes }
}

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Replaces what differs from run to run: the temporary folder and timings.
fn stable(text: &str, temp: &Path) -> String {
    let temp = temp.to_str().unwrap();
    let mut out = text.replace(temp, "<tmp>");
    // "in 0.03 s" and "in 12 ms" → "in <time>".
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find(" in ") {
        result.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let after = &rest[number_len..];
        if number_len > 0 && (after.starts_with(" s") || after.starts_with(" ms")) {
            result.push_str("<time>");
            rest = &after[if after.starts_with(" s") { 2 } else { 3 }..];
        }
    }
    result.push_str(rest);
    out = result;
    out
}

#[test]
fn every_case_prints_what_its_snapshot_says() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for case in cases() {
        let code = code_of(&case);
        let outcome = run(&case);
        let expected_path = case.join("expected.txt");
        if !outcome.codes.is_empty() && !outcome.codes.iter().any(|c| c == code.name()) {
            failures.push(format!(
                "{}: reports {:?}, not `{code}`",
                case.display(),
                outcome.codes
            ));
        }
        if !outcome.text.contains(&format!("[{code}]")) {
            failures.push(format!(
                "{}: the output does not show `[{code}]`:\n{}",
                case.display(),
                outcome.text
            ));
        }
        if bless {
            std::fs::write(&expected_path, &outcome.text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != outcome.text {
            failures.push(format!(
                "{}: output differs from expected.txt (BLESS=1 to accept):\n--- expected\n{expected}\n--- got\n{}",
                case.display(),
                outcome.text
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_code_has_a_case() {
    let covered: std::collections::HashSet<Code> = cases().iter().map(|c| code_of(c)).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !covered.contains(c) && !WITHOUT_FIXTURE.iter().any(|(w, _)| w == *c))
        .map(|c| c.name())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a case in tests/fixtures/invalid/: {missing:?}"
    );
}

/// `docs/diagnostics.md`: every code, what it means, and the example its
/// fixture prints (only that code's messages). `output` gives a case's
/// output: its snapshot, or (when blessing) a fresh run.
fn diagnostics_document(output: &dyn Fn(&Path) -> Option<String>) -> String {
    let mut doc = String::from(
        "# Diagnostics\n\n\
         Every problem `cited` reports has a code, shown in brackets (`error[unknown-field]`) \
         and in the `code` field of `cited check --format json`. This page lists them all, \
         with what each means, how to fix it, and an example message.\n\n\
         Errors stop a build; warnings don't. The examples are the real output of \
         `cited check` on the cases in `tests/fixtures/invalid/`.\n\n\
         <!-- Generated from src/diagnostics/code.rs and tests/fixtures/invalid/ by \
         `BLESS=1 cargo test --test diagnostics`. Do not edit by hand. -->\n",
    );
    let cases = cases();
    let mut group = "";
    for code in Code::ALL {
        if code.group() != group {
            group = code.group();
            doc.push_str(&format!("\n## {group}\n"));
        }
        doc.push_str(&format!("\n### `{code}`\n\n{}\n", code.description()));
        let example = cases
            .iter()
            .find(|c| code_of(c) == *code)
            .and_then(|c| output(c))
            .map(|text| blocks_with_code(&text, *code));
        match example {
            Some(example) if !example.is_empty() => {
                doc.push_str(&format!("\n```text\n{}\n```\n", example.trim_end()));
            }
            _ => {
                let reason = WITHOUT_FIXTURE
                    .iter()
                    .find(|(c, _)| c == code)
                    .map_or("", |(_, why)| why);
                doc.push_str(&format!("\n(No example: {reason}.)\n"));
            }
        }
    }
    doc
}

/// The diagnostics of `text` whose title carries `code`, each a block up to
/// the blank line that ends it.
fn blocks_with_code(text: &str, code: Code) -> String {
    let marker = format!("[{code}]");
    let mut out = String::new();
    let mut keep = false;
    for line in text.lines() {
        if line.starts_with("error[") || line.starts_with("warning[") {
            keep = line.contains(&marker);
        } else if line.starts_with("exit: ") || line.starts_with("Checked ") {
            keep = false;
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_diagnostics_document_is_current() {
    let path = manifest_dir().join("docs/diagnostics.md");
    if std::env::var_os("BLESS").is_some() {
        // The snapshots may be being rewritten at this moment: run the cases.
        let generated = diagnostics_document(&|case| Some(run(case).text));
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let generated =
        diagnostics_document(&|case| std::fs::read_to_string(case.join("expected.txt")).ok());
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/diagnostics.md is out of date: run `BLESS=1 cargo test --test diagnostics`"
    );
}
