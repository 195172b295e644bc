//! `cited check --reading-levels`: how every question's page reads, listed
//! for editors (published pages show no reading level unless the site asks).

use std::path::Path;
use std::process::Command;

mod common;

fn fixture_with(site_yaml: Option<(&str, &str)>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        dir.path(),
    );
    if let Some((from, to)) = site_yaml {
        let path = dir.path().join("content/site.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "site.yaml has no `{from}`");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }
    dir
}

fn check(site: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cited"))
        .arg("check")
        .args(args)
        .current_dir(site)
        .env("SOURCE_DATE_EPOCH", "1769904000")
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// (grade, SMOG, page grade, page SMOG, file, above target) of each row.
fn rows(table: &str) -> Vec<(i64, i64, i64, i64, String, bool)> {
    table
        .lines()
        .skip(2)
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let number = |i: usize| words[i].parse::<i64>().unwrap();
            assert_eq!(words[3], "/", "{line}");
            (
                number(0),
                number(1),
                number(2),
                number(4),
                words[5].to_string(),
                line.ends_with("above target"),
            )
        })
        .collect()
}

#[test]
fn every_question_page_is_listed_hardest_first_with_both_grades() {
    let site = fixture_with(None);
    assert_eq!(check(site.path(), &[]), "", "nothing listed unless asked");
    let table = check(site.path(), &["--reading-levels"]);
    assert!(
        table.starts_with("Reading levels (4 pages; site's target: grade 12)\n"),
        "{table}"
    );
    let rows = rows(&table);
    let mut files: Vec<String> = rows.iter().map(|r| r.4.clone()).collect();
    files.sort();
    let mut expected: Vec<String> = std::fs::read_dir(site.path().join("content/questions"))
        .unwrap()
        .map(|e| {
            format!(
                "content/questions/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    expected.sort();
    assert_eq!(files, expected, "each question once");
    assert!(
        rows.windows(2).all(|w| w[0].0 >= w[1].0),
        "hardest first: {table}"
    );
    assert!(rows.iter().all(|r| r.0 > 0 && r.1 > 0 && !r.5), "{table}");
}

#[test]
fn pages_above_the_sites_target_say_so() {
    let site = fixture_with(Some(("readability:\n", "readability:\n  max_smog: 6\n")));
    let table = check(site.path(), &["--reading-levels"]);
    assert!(table.contains("SMOG 6"), "{table}");
    let rows = rows(&table);
    assert!(rows.iter().any(|r| r.5), "{table}");
    // Grades are shown whole (rounded); the target is held to the measure.
    for row in &rows {
        match row.5 {
            true => assert!(row.1 >= 6 || row.0 >= 12, "{row:?}"),
            false => assert!(row.1 <= 6 && row.0 <= 12, "{row:?}"),
        }
    }
}
