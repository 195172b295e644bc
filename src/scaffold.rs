//! `cited init` and `cited new`: starting points for editors.
//!
//! The example site describes `cited` itself, quoting a short archive about
//! the tool, so it invents no facts about the world and passes every check.
//! This module only creates files that do not exist yet; it never overwrites.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::model::Kind;
use crate::schema::{self, Field, FileKind, Presence, Shape, Type};

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
        "content/reviewers/editorial-team.yaml",
        "name: Editorial team
role: Editors of this site
kind: editorial
team: true
",
    ),
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
summary: Each quote is checked against an archived copy of its source text.
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
  by: [editorial-team]
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
        let text = match schema_line(path) {
            Some(line) => format!("{line}\n{text}"),
            None => text,
        };
        write_new(&dir.join(path), &text)?;
    }
    write_new(&dir.join(".gitignore"), "public/\n")?;
    write_schemas_if_missing(dir)?;
    write_new(&dir.join(".vscode/settings.json"), &editor_settings())?;
    Ok(())
}

/// The `# yaml-language-server: $schema=…` line for a content file at
/// `path` (relative to the site), pointing at its kind's schema.
fn schema_line(path: &str) -> Option<String> {
    let inside = path.strip_prefix("content/")?;
    let (kind, depth) = match inside.split_once('/') {
        Some((folder, _)) => (schema::kind_in_folder(folder)?, "../.."),
        None if inside.ends_with(".yaml") => (schema::kind_named("site")?, ".."),
        None => return None,
    };
    Some(format!(
        "# yaml-language-server: $schema={depth}/{}/{}",
        schema::json::SCHEMA_DIR,
        schema::json::file_name(kind)
    ))
}

/// VS Code settings mapping each kind's files to its schema (the YAML
/// extension reads `yaml.schemas`; files with a `$schema` line need none).
pub fn editor_settings() -> String {
    let mut map = serde_json::Map::new();
    for kind in schema::FILE_KINDS {
        let pattern = match kind.folder {
            Some(folder) => format!("content/{folder}/*.yaml"),
            None => "content/site.yaml".to_string(),
        };
        map.insert(
            format!(
                "./{}/{}",
                schema::json::SCHEMA_DIR,
                schema::json::file_name(kind)
            ),
            serde_json::Value::String(pattern),
        );
    }
    let settings = serde_json::json!({ "yaml.schemas": map });
    serde_json::to_string_pretty(&settings).expect("settings serialise") + "\n"
}

/// What `cited new` is asked for, beyond the kind and id.
#[derive(Clone, Debug, Default)]
pub struct NewOptions {
    /// For a question: the topic it belongs to.
    pub topic: Option<String>,
}

/// Creates `content/<kind>/<id>.yaml` with every field of the kind, each
/// with its doc as a comment, made from the content model's table. Required
/// fields are left blank, so `cited check` lists what is left to fill in,
/// field by field: a new file never builds as an empty page. Also writes
/// the JSON Schemas the file's `$schema` line points at, if missing.
pub fn new_entity(
    root: &Path,
    kind: &FileKind,
    id: &str,
    today: Date,
    options: &NewOptions,
) -> Result<PathBuf, String> {
    let (Some(folder), Some(entity_kind)) = (kind.folder, kind.kind) else {
        return Err(
            "`cited new` makes entities: question, topic, source, caution, glossary or page".into(),
        );
    };
    if let Some((_, message, help)) = crate::load::id_problem(entity_kind, id) {
        return Err(format!("{message}\n  help: {help}"));
    }
    let content = root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "{} has no content/ folder: run this in a site, or pass --root",
            root.display()
        ));
    }
    for other in schema::entity_folders() {
        for ext in ["yaml", "yml"] {
            let existing = content.join(other).join(format!("{id}.{ext}"));
            if existing.exists() {
                return Err(format!(
                    "the id `{id}` is already used by {}",
                    existing.display()
                ));
            }
        }
    }
    let known = Known::read(root);
    if let Some(topic) = &options.topic
        && !known.topics.iter().any(|t| t == topic)
    {
        let hint = match crate::diagnostics::did_you_mean(
            topic,
            known.topics.iter().map(String::as_str),
        ) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None if known.topics.is_empty() => {
                "there is no topic yet: `cited new topic ID` makes one".into()
            }
            None => format!("the topics are: {}", known.topics.join(", ")),
        };
        return Err(format!("there is no topic `{topic}`: {hint}"));
    }
    let text = scaffold(kind, today, options, &known);
    let path = content.join(folder).join(format!("{id}.yaml"));
    write_schemas_if_missing(root)?;
    write_new(&path, &text)?;
    Ok(path)
}

/// Writes `cited schema`'s files into `dir`, replacing older ones.
pub fn write_schemas(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, text) in schema::json::all() {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn write_schemas_if_missing(root: &Path) -> Result<(), String> {
    let dir = root.join(schema::json::SCHEMA_DIR);
    for (name, text) in schema::json::all() {
        let path = dir.join(&name);
        if !path.exists() {
            write_new(&path, &text)?;
        }
    }
    Ok(())
}

/// Ids an editor may need while filling in a new file, read from the site.
#[derive(Default)]
struct Known {
    topics: Vec<String>,
    /// The most used tags, most used first.
    tags: Vec<String>,
}

impl Known {
    fn read(root: &Path) -> Known {
        let mut quiet = crate::Diagnostics::default();
        let loaded = crate::load::load(root, &mut quiet);
        let mut topics: Vec<String> = loaded
            .content
            .topics
            .iter()
            .map(|t| t.origin.id.clone())
            .collect();
        topics.sort();
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for q in &loaded.content.questions {
            for tag in &q.tags {
                *counts.entry(tag.value.as_str()).or_default() += 1;
            }
        }
        let mut tags: Vec<(&str, usize)> = counts.into_iter().collect();
        tags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        Known {
            topics,
            tags: tags
                .into_iter()
                .take(12)
                .map(|(t, _)| t.to_string())
                .collect(),
        }
    }
}

/// The text of a new file of `kind`.
fn scaffold(kind: &FileKind, today: Date, options: &NewOptions, known: &Known) -> String {
    let mut out = format!(
        "# yaml-language-server: $schema=../../{}/{}\n# {}\n# Every field is described in docs/content-format.md. Fill in the blank ones;\n# `cited check` lists what is still missing.\n\n",
        schema::json::SCHEMA_DIR,
        schema::json::file_name(kind),
        first_sentence(kind.shape.doc),
    );
    let context = Context {
        today,
        options,
        known,
    };
    write_fields(kind.shape, 0, false, &context, &mut out);
    out
}

struct Context<'a> {
    today: Date,
    options: &'a NewOptions,
    known: &'a Known,
}

fn write_fields(shape: &Shape, indent: usize, list_item: bool, ctx: &Context, out: &mut String) {
    for (i, field) in shape.fields.iter().enumerate() {
        let pad = " ".repeat(indent);
        let lead = if list_item && i == 0 {
            format!("{}- ", " ".repeat(indent.saturating_sub(2)))
        } else {
            pad.clone()
        };
        // The first field of a list item is commented at the item's `-`.
        let comment_pad = if list_item && i == 0 {
            " ".repeat(indent.saturating_sub(2))
        } else {
            pad.clone()
        };
        for line in field_comment(field, ctx) {
            out.push_str(&format!("{comment_pad}# {line}\n"));
        }
        let required = field.presence == Presence::Required;
        let is_list = matches!(field.ty, Type::List(_));
        match field.ty.shape() {
            // A list of blocks to fill in (a fact's quotes; the facts
            // themselves, the heart of a question): one blank item to start.
            Some(inner) if is_list && (required || std::ptr::eq(inner, &schema::FACT)) => {
                out.push_str(&format!("{lead}{}:\n", field.name));
                write_fields(inner, indent + 4, true, ctx, out);
            }
            Some(inner) if required => {
                out.push_str(&format!("{lead}{}:\n", field.name));
                write_fields(inner, indent + 2, false, ctx, out);
            }
            // An optional block: its whole example, commented out.
            Some(inner) => {
                let mut example = format!("{}:\n", field.name);
                let (inner_indent, as_item) = if is_list { (4, true) } else { (2, false) };
                schema::write_example_into(inner, inner_indent, as_item, &mut example);
                for line in example.lines() {
                    out.push_str(&format!("{lead}# {line}\n"));
                }
            }
            None if required => {
                out.push_str(&format!(
                    "{lead}{}: {}\n",
                    field.name,
                    blank_value(field, ctx)
                ));
            }
            None => out.push_str(&format!(
                "{lead}# {}: {}\n",
                field.name,
                schema::yaml_scalar(field.example)
            )),
        }
    }
}

/// The comment above a field: its doc, whether it is required, and for
/// references the ids there are to choose from.
fn field_comment(field: &Field, ctx: &Context) -> Vec<String> {
    let presence = match field.presence {
        Presence::Required => "required".to_string(),
        Presence::Optional => "optional".to_string(),
        Presence::Default(default) => format!("optional, default {default}"),
    };
    let mut lines = vec![format!("{} ({presence})", field.doc)];
    match field.ty {
        Type::Id(Kind::Topic) if !ctx.known.topics.is_empty() => {
            lines.push(format!("Topics: {}", ctx.known.topics.join(", ")));
        }
        Type::List(Type::Tag) if !ctx.known.tags.is_empty() => {
            lines.push(format!("Tags in use: {}", ctx.known.tags.join(", ")));
        }
        _ => {}
    }
    lines
}

/// What a required field starts as: blank (so `cited check` asks for it),
/// except a date, which starts as today, and a topic given with `--topic`.
fn blank_value(field: &Field, ctx: &Context) -> String {
    match field.ty {
        Type::Date => ctx.today.to_string(),
        Type::Id(Kind::Topic) => ctx
            .options
            .topic
            .clone()
            .unwrap_or_else(|| "\"\"".to_string()),
        Type::Markdown => "|".to_string(),
        _ => "\"\"".to_string(),
    }
}

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    }
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
