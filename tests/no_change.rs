//! A `cited build` into an output whose last build had the same inputs (the
//! same content and templates, the same binary, the same settings and the
//! same day) leaves that output exactly as it is, says so, and shows the
//! same problems again; any change to an input builds again.
//!
//! Each test builds a copy of the valid fixture with the `cited` binary, as
//! a publisher or a CI job does, and tells a skipped build from a real one
//! by what it prints and by the output's files (a real build swaps in a new
//! tree: every file is new). The output itself holds nothing but the site:
//! equal, byte for byte, to a fresh build into a new folder.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// 2026-02-01, when every review of the fixture is current.
const FEBRUARY_2026: &str = "1769904000";
/// 2027-02-01: the fixture's reviews of 2026-01-15 are then overdue (its
/// site allows 365 days).
const FEBRUARY_2027: &str = "1801440000";

/// What `cited build` printed on standard error, and whether it succeeded.
struct Run {
    stderr: String,
    success: bool,
}

impl Run {
    fn skipped(&self) -> bool {
        self.stderr.contains("Nothing changed since the last build")
    }

    fn built(&self) -> bool {
        self.stderr.contains("\nBuilt ") || self.stderr.starts_with("Built ")
    }

    /// The problems printed, without the summary line (which differs).
    fn problems(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning[") || l.starts_with("error["))
            .collect()
    }
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        dir.path(),
    );
    dir
}

fn build(site: &Path, out: &Path, epoch: &str) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_cited"))
        .arg("--root")
        .arg(site)
        .arg("build")
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    Run {
        stderr: String::from_utf8(output.stderr).unwrap(),
        success: output.status.success(),
    }
}

/// Every file of an output: its bytes and its inode (a rebuilt file is a
/// new one).
fn tree(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let inode = e.metadata().unwrap().ino();
            (relative, (std::fs::read(e.path()).unwrap(), inode))
        })
        .collect()
}

fn bytes_only(tree: &BTreeMap<PathBuf, (Vec<u8>, u64)>) -> BTreeMap<&PathBuf, &Vec<u8>> {
    tree.iter().map(|(p, (bytes, _))| (p, bytes)).collect()
}

#[test]
fn an_unchanged_site_is_not_built_again_and_says_so() {
    let site = site();
    let out = site.path().join("public");
    let first = build(site.path(), &out, FEBRUARY_2026);
    assert!(first.success && first.built(), "{}", first.stderr);
    let before = tree(&out);

    let second = build(site.path(), &out, FEBRUARY_2026);
    assert!(second.success, "{}", second.stderr);
    assert!(
        second.skipped(),
        "the second build should be skipped:\n{}",
        second.stderr
    );
    assert!(!second.built(), "{}", second.stderr);
    let after = tree(&out);
    assert_eq!(
        before, after,
        "the output is left exactly as it was, file for file"
    );

    // The record is beside the output, not in it: the output is only the
    // site, the same as a build into a new folder.
    let fresh_out = site.path().join("fresh");
    assert!(build(site.path(), &fresh_out, FEBRUARY_2026).built());
    assert_eq!(bytes_only(&after), bytes_only(&tree(&fresh_out)));
}

#[test]
fn a_file_named_like_the_record_that_is_not_one_is_left_alone() {
    let site = site();
    let out = site.path().join("public");
    let theirs = site.path().join(".public.cited.record");
    std::fs::write(&theirs, "someone else's notes").unwrap();
    for _ in 0..2 {
        let run = build(site.path(), &out, FEBRUARY_2026);
        assert!(run.success && run.built(), "{}", run.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(&theirs).unwrap(),
        "someone else's notes"
    );
}

#[test]
fn a_skipped_build_shows_the_same_problems_again() {
    let site = site();
    let out = site.path().join("public");
    // In 2027 the fixture's reviews are overdue: warnings, but a good build.
    let first = build(site.path(), &out, FEBRUARY_2027);
    assert!(first.success && first.built(), "{}", first.stderr);
    assert!(!first.problems().is_empty(), "{}", first.stderr);

    let second = build(site.path(), &out, FEBRUARY_2027);
    assert!(second.skipped(), "{}", second.stderr);
    assert_eq!(first.problems(), second.problems());
    // With the source lines, as the first time.
    let first_lines: Vec<&str> = first.stderr.lines().filter(|l| l.contains('│')).collect();
    let second_lines: Vec<&str> = second.stderr.lines().filter(|l| l.contains('│')).collect();
    assert_eq!(first_lines, second_lines);
}

/// Builds once, applies `change`, builds again: the second build must be a
/// real one, and its output must equal a fresh build of the changed site
/// into a new folder.
fn assert_change_rebuilds(what: &str, change: impl FnOnce(&Path, &Path), epoch_after: &str) {
    let site = site();
    let out = site.path().join("public");
    let first = build(site.path(), &out, FEBRUARY_2026);
    assert!(first.success && first.built(), "{what}: {}", first.stderr);
    change(site.path(), &out);

    let second = build(site.path(), &out, epoch_after);
    assert!(second.success, "{what}: {}", second.stderr);
    assert!(
        second.built() && !second.skipped(),
        "{what}: the build after the change should build:\n{}",
        second.stderr
    );
    let fresh_out = site.path().join("fresh");
    let fresh = build(site.path(), &fresh_out, epoch_after);
    assert!(fresh.success && fresh.built(), "{what}: {}", fresh.stderr);
    assert_eq!(
        bytes_only(&tree(&out)),
        bytes_only(&tree(&fresh_out)),
        "{what}: the output equals a fresh build of the changed site"
    );
    // And then it is up to date again.
    let third = build(site.path(), &out, epoch_after);
    assert!(third.skipped(), "{what}: {}", third.stderr);
}

fn append(path: &Path, text: &str) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_changed_content_file_builds_again() {
    assert_change_rebuilds(
        "a summary edited",
        |site, _| {
            let file = site.join("content/questions/how-long-to-rise.yaml");
            let text = std::fs::read_to_string(&file).unwrap();
            std::fs::write(
                &file,
                text.replace("Usually between 4 and 12", "Often between 4 and 12"),
            )
            .unwrap();
        },
        FEBRUARY_2026,
    );
}

#[test]
fn a_changed_archive_builds_again() {
    assert_change_rebuilds(
        "an archive edited",
        |site, _| {
            append(
                &site.join("content/sources/oven-guide.txt"),
                "\nA new line.\n",
            )
        },
        FEBRUARY_2026,
    );
}

#[test]
fn a_new_or_removed_file_builds_again() {
    assert_change_rebuilds(
        "a glossary term added",
        |site, _| {
            std::fs::write(
                site.join("content/glossary/crumb.yaml"),
                "term: crumb\ndefinition: The soft inside of a loaf.\n",
            )
            .unwrap()
        },
        FEBRUARY_2026,
    );
    assert_change_rebuilds(
        "a glossary term no page links to removed",
        |site, _| std::fs::remove_file(site.join("content/glossary/sourdough.yaml")).unwrap(),
        FEBRUARY_2026,
    );
    assert_change_rebuilds(
        "a file renamed",
        |site, _| {
            std::fs::rename(
                site.join("content/pages/about.yaml"),
                site.join("content/pages/about-us.yaml"),
            )
            .unwrap();
            // Keep the links to it working.
            let site_yaml = site.join("content/site.yaml");
            let text = std::fs::read_to_string(&site_yaml).unwrap();
            std::fs::write(&site_yaml, text.replace("[[about]]", "[[about-us]]")).unwrap();
        },
        FEBRUARY_2026,
    );
}

#[test]
fn a_template_added_or_changed_builds_again() {
    let built_in_404 =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/404.html"))
            .unwrap();
    assert_change_rebuilds(
        "a template override added",
        |site, _| {
            std::fs::create_dir_all(site.join("templates")).unwrap();
            std::fs::write(
                site.join("templates/404.html"),
                built_in_404.replace("</main>", "<p>Overridden.</p></main>"),
            )
            .unwrap();
        },
        FEBRUARY_2026,
    );
    assert_change_rebuilds(
        "an asset override added",
        |site, _| {
            std::fs::create_dir_all(site.join("templates/assets")).unwrap();
            std::fs::write(
                site.join("templates/assets/style.css"),
                "body { color: red }",
            )
            .unwrap();
        },
        FEBRUARY_2026,
    );
}

#[test]
fn a_day_that_makes_a_review_overdue_builds_again() {
    assert_change_rebuilds("the review falls due", |_, _| {}, FEBRUARY_2027);
}

#[test]
fn another_version_of_cited_builds_again() {
    assert_change_rebuilds(
        "the output of another cited",
        |_, out| {
            // What the output records of the binary that wrote it: as if an
            // older cited had written it.
            let record = out.with_file_name(".public.cited.record");
            let mut json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
            assert!(
                json.get("binary").is_some(),
                "the record names the binary: {json}"
            );
            json["binary"] = serde_json::Value::String("cited 0.0.1".into());
            std::fs::write(&record, json.to_string()).unwrap();
        },
        FEBRUARY_2026,
    );
}

#[test]
fn an_output_changed_by_hand_is_built_again() {
    assert_change_rebuilds(
        "a page edited in the output",
        |_, out| append(&out.join("index.html"), "<!-- edited -->"),
        FEBRUARY_2026,
    );
    assert_change_rebuilds(
        "a page deleted from the output",
        |_, out| std::fs::remove_file(out.join("about/index.html")).unwrap(),
        FEBRUARY_2026,
    );
    assert_change_rebuilds(
        "a file added to the output",
        |_, out| std::fs::write(out.join("stray.html"), "stray").unwrap(),
        FEBRUARY_2026,
    );
}

#[test]
fn another_output_folder_is_built() {
    let site = site();
    let first = build(site.path(), &site.path().join("public"), FEBRUARY_2026);
    assert!(first.built(), "{}", first.stderr);
    let other = build(site.path(), &site.path().join("elsewhere"), FEBRUARY_2026);
    assert!(other.built() && !other.skipped(), "{}", other.stderr);
}

#[test]
fn a_failed_build_is_never_skipped() {
    let site = site();
    let out = site.path().join("public");
    assert!(build(site.path(), &out, FEBRUARY_2026).built());
    let file = site.path().join("content/questions/how-long-to-rise.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace("topic: basics", "topic: no-such-topic")).unwrap();
    for _ in 0..2 {
        let failed = build(site.path(), &out, FEBRUARY_2026);
        assert!(!failed.success, "{}", failed.stderr);
        assert!(!failed.skipped(), "{}", failed.stderr);
        assert!(failed.stderr.contains("error["), "{}", failed.stderr);
    }
    // Put back as it was: a file saved since the last build is read again
    // (and found the same, or built: either way the output is right), and
    // the build after that is skipped.
    std::fs::write(&file, good).unwrap();
    let back = build(site.path(), &out, FEBRUARY_2026);
    assert!(back.success, "{}", back.stderr);
    let again = build(site.path(), &out, FEBRUARY_2026);
    assert!(again.skipped(), "{}", again.stderr);
}

/// A folder tree under `content/` deeper than any site has (nested as deep
/// as paths allow) is built like any other site: telling whether it
/// changed must not exhaust a thread's stack (it did: the walk that lists
/// the inputs went one call deeper per folder).
#[test]
fn a_folder_tree_nested_as_deep_as_paths_allow_is_built() {
    let site = site();
    let mut deep = site.path().join("content/notes");
    std::fs::create_dir(&deep).unwrap();
    while deep.as_os_str().len() < 3_600 {
        deep.push("a");
        std::fs::create_dir(&deep).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("site");
    for attempt in ["first", "second"] {
        let run = build(site.path(), &out, FEBRUARY_2026);
        assert!(
            run.success && (run.built() || run.skipped()),
            "{attempt} build: {}",
            run.stderr
        );
    }
}
