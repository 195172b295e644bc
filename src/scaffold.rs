//! `cited init` and `cited new`: starting points for editors.
//!
//! The example site describes `cited` itself, quoting a short archive about
//! the tool, so it invents no facts about the world and passes every check.
//! This module only creates files that do not exist yet; it never overwrites.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::load::{KINDS, is_valid_id, suggest_id};

const EXAMPLE_ARCHIVE: &str = "\
cited is a static site generator for facts with verified source quotes.
Every quote is checked against an archived copy of its source text. A quote that is not found in the archive stops the build, and the error shows the closest passage.
Where sources disagree, both quotes are shown side by side.
";

const EXAMPLE_FILES: &[(&str, &str)] = &[
    (
        "content/site.yaml",
        "title: My cited site
base_url: https://example.org/
language: en
description: Answers to common questions, each backed by quotes from its sources.
disclaimer: |
  This site gives general information. Check the [[about]] page for how answers are written.
review:
  max_age_days: 365
readability:
  max_grade: 10
",
    ),
    (
        "content/sources/about-cited.yaml",
        "title: About cited
archive: about-cited.txt
",
    ),
    ("content/sources/about-cited.txt", EXAMPLE_ARCHIVE),
    (
        "content/topics/getting-started.yaml",
        "title: Getting started
order: 1
intro: Questions new editors ask.
",
    ),
    (
        "content/questions/how-are-quotes-checked.yaml",
        "question: How are quotes checked?
topic: getting-started
tags: [quotes]
summary: Each quote must appear word for word in the archived source.
answer: |
  Every quote is compared with the archive of its source. If the words are not
  there, the build stops and shows the closest passage. See the [[archive]]
  entry in the glossary.
facts:
  - claim: Quotes are checked against an archived copy of the source.
    quotes:
      - source: about-cited
        text: Every quote is checked against an archived copy of its source text.
cautions: [quote-exactly]
reviewed:
  on: {TODAY}
  by: Editorial team
",
    ),
    (
        "content/cautions/quote-exactly.yaml",
        "title: Quote word for word
severity: info
message: Copy quotes exactly as the source has them; only white space, curly quotes and dashes may differ.
quotes:
  - source: about-cited
    text: A quote that is not found in the archive stops the build
",
    ),
    (
        "content/glossary/archive.yaml",
        "term: archive
aliases: [archived copy]
definition: A saved copy of a source's text, kept beside the source so quotes can be checked.
",
    ),
    (
        "content/pages/about.yaml",
        "title: About this site
body: |
  This site is built with cited. Every answer quotes its sources, and every
  quote is checked against the source's archive.
",
    ),
];

/// Creates a new site in `dir` (which must be empty or not exist).
pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty; cited init only creates new sites",
                dir.display()
            ));
        }
    }
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    for (path, text) in EXAMPLE_FILES {
        let text = text.replace("{TODAY}", &today.to_string());
        write_new(&dir.join(path), &text)?;
    }
    write_new(&dir.join(".gitignore"), "public/\n")?;
    Ok(())
}

/// Creates `content/<kind>/<id>.yaml` with every field to fill in.
pub fn new_entity(root: &Path, kind: &str, id: &str, today: Date) -> Result<PathBuf, String> {
    if !is_valid_id(id) {
        return Err(format!(
            "`{id}` is not a valid id: use lowercase letters, digits and single hyphens, e.g. `{}`",
            suggest_id(id)
        ));
    }
    debug_assert!(KINDS.contains(&kind));
    if !root.join("content").is_dir() {
        return Err(format!(
            "{} has no content/ folder: run this in a site, or pass --root",
            root.display()
        ));
    }
    for other in KINDS {
        for ext in ["yaml", "yml"] {
            let existing = root.join("content").join(other).join(format!("{id}.{ext}"));
            if existing.exists() {
                return Err(format!(
                    "the id `{id}` is already used by {}",
                    existing.display()
                ));
            }
        }
    }
    let text = match kind {
        "questions" => format!(
            "question: \"\"          # the question, as a patient would ask it
topic: \"\"             # a topic id (a file in content/topics/)
tags: []
summary: \"\"           # one plain sentence: the short answer
answer: |
  Write the answer here. Link other entries with [[their-id]].
facts:
  - claim: \"\"         # what the quotes say, in plain words
    quotes:
      - source: \"\"    # a source id (a file in content/sources/)
        text: \"\"      # copied word for word from the source's archive
related: []
cautions: []
reviewed:
  on: {today}
  by: Editorial team
"
        ),
        "topics" => "title: \"\"\norder: 1\nintro: \"\"\n".to_string(),
        "cautions" => "title: \"\"\nseverity: warning     # info, warning or danger\nmessage: \"\"\nquotes: []\n".to_string(),
        "glossary" => "term: \"\"\naliases: []\ndefinition: \"\"\n".to_string(),
        "pages" => "title: \"\"\nbody: |\n  Write the page here.\n".to_string(),
        _ => format!("title: \"\"\narchive: {id}.txt        # the source's text, verbatim, beside this file\n"),
    };
    let path = root.join("content").join(kind).join(format!("{id}.yaml"));
    write_new(&path, &text)?;
    Ok(path)
}

fn write_new(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
