//! `cited source add` and `cited source text`: bringing a saved web page,
//! PDF, markdown or text file into a site as a source, and showing the text
//! its quotes are checked against.
//!
//! [`add`] copies the file into `content/sources/` and writes the source's
//! YAML from the content model's table (`schema::SOURCE`: each field with its
//! doc), filled in with what the file says about itself: a page's title,
//! canonical address, publisher and publication date from its meta tags, a
//! PDF's title, a markdown file's first heading; and `accessed`, today. It
//! never overwrites a file; it refuses a file cited cannot take text from
//! (the same extraction a build runs) and a source the loader would refuse,
//! leaving nothing behind. [`text`] loads the site as a build does and
//! returns the source's archive text.
//!
//! This module returns values and errors; the binary prints them.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::archive::{self, Format};
use crate::model::Kind;
use crate::{Diagnostics, SourceFiles, load, schema};

/// Why `cited source text` has no text to print.
pub enum TextFailure {
    /// No source has that id: the message says so, with the closest id.
    Unknown(String),
    /// The source exists but its archive gave no text: the diagnostics say why.
    Problems {
        diagnostics: Diagnostics,
        files: SourceFiles,
    },
}

/// The text the quotes of source `id` are checked against, exactly: one
/// paragraph per line.
pub fn text(root: &Path, id: &str) -> Result<String, TextFailure> {
    let mut diagnostics = Diagnostics::default();
    let loaded = load::load(root, &mut diagnostics);
    let source = loaded.content.sources.iter().find(|s| s.origin.id == id);
    if let Some(text) = source.and_then(|s| s.archive_text.clone()) {
        return Ok(text);
    }
    let own_file = |file: &Path| {
        source.is_some_and(|s| s.origin.file == file)
            || file.parent() == Some(Path::new("content/sources"))
                && file.file_stem().and_then(|s| s.to_str()) == Some(id)
    };
    let mut problems = Diagnostics::default();
    for problem in diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error && own_file(&d.file))
    {
        problems.push(problem.clone());
    }
    if source.is_some() || !problems.is_empty() {
        return Err(TextFailure::Problems {
            diagnostics: problems,
            files: loaded.files,
        });
    }
    let ids: Vec<&str> = loaded
        .content
        .sources
        .iter()
        .map(|s| s.origin.id.as_str())
        .collect();
    let hint = match crate::diagnostics::did_you_mean(id, ids.iter().copied()) {
        Some(guess) => format!(": did you mean `{guess}`?"),
        None if ids.is_empty() => {
            ": the site has no sources yet (`cited source add FILE` adds one)".into()
        }
        None => format!("; the sources are: {}", ids.join(", ")),
    };
    Err(TextFailure::Unknown(format!(
        "there is no source `{id}`{hint}"
    )))
}

/// What `cited source add` is given besides the file.
#[derive(Clone, Debug)]
pub struct AddOptions {
    /// The id to give the source, instead of one made from its title.
    pub id: Option<String>,
    /// Where the original can be read, instead of the address the file gives.
    pub url: Option<String>,
    /// The day of `accessed`.
    pub today: Date,
}

/// A source `add` created.
#[derive(Clone, Debug)]
pub struct Added {
    pub id: String,
    /// The new YAML file and archive, relative to the site.
    pub yaml: PathBuf,
    pub archive: PathBuf,
    /// A quote of the source, ready to paste into a fact's `quotes`.
    pub skeleton: String,
}

/// What a file says about itself, as a source's fields.
#[derive(Default)]
struct Details {
    title: Option<String>,
    url: Option<String>,
    publisher: Option<String>,
    published: Option<Date>,
}

/// Adds the file `file` to the site at `root` as a source: see the module's doc.
pub fn add(root: &Path, file: &Path, options: &AddOptions) -> Result<Added, String> {
    let sources = root.join("content/sources");
    if !root.join("content").is_dir() {
        return Err(format!(
            "{} has no content/ folder: run this in a site, or pass --root",
            root.display()
        ));
    }
    let file_name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} is not a file name cited can use", file.display()))?;
    let meta =
        std::fs::metadata(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "{} is not a regular file: give the saved web page, PDF, markdown or text file",
            file.display()
        ));
    }
    let format = Format::of(file).map_err(|problem| explain(&problem, file_name))?;
    let mut quiet = Diagnostics::default();
    let limits = load::load(root, &mut quiet)
        .content
        .site
        .map(|s| s.limits)
        .unwrap_or_default();
    if meta.len() > limits.archive_bytes {
        return Err(format!(
            "{} is larger than the {} MB an archive may be\n  help: raise `limits.archive_mb` in content/site.yaml if it is the file you meant",
            file.display(),
            limits.archive_bytes / crate::model::MB
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let text = archive::extract(format, &bytes).map_err(|problem| explain(&problem, file_name))?;

    let mut details = details(format, &bytes, &text, options.today);
    if let Some(url) = &options.url {
        details.url = Some(checked_url(url).ok_or_else(|| {
            format!("`{url}` is not an http or https address\n  help: give the address as a browser shows it, e.g. https://example.org/page")
        })?);
    }
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("source");
    let title = details
        .title
        .clone()
        .unwrap_or_else(|| title_from_file_name(stem));
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let id = match &options.id {
        Some(id) => {
            if let Some((_, message, help)) = load::id_problem(Kind::Source, id) {
                return Err(format!("{message}\n  help: {help}"));
            }
            if let Some(existing) = id_in_use(root, id) {
                return Err(format!(
                    "the id `{id}` is already used by {}\n  help: choose another with --id",
                    existing.display()
                ));
            }
            id.clone()
        }
        None => free_id(
            root,
            &id_from(details.title.as_deref().unwrap_or(stem)),
            &extension,
        ),
    };

    // The archive: the file itself when it is already beside the sources,
    // else a copy named after the id.
    let in_place = file
        .canonicalize()
        .ok()
        .zip(sources.canonicalize().ok())
        .is_some_and(|(real, dir)| real.parent() == Some(dir.as_path()));
    let archive_name = if in_place {
        file_name.to_string()
    } else {
        format!("{id}.{extension}")
    };
    let archive_path = sources.join(&archive_name);
    let yaml_path = sources.join(format!("{id}.yaml"));
    let yaml = source_yaml(&title, &archive_name, &details, options.today);

    std::fs::create_dir_all(&sources)
        .map_err(|e| format!("cannot create {}: {e}", sources.display()))?;
    let mut created: Vec<PathBuf> = Vec::new();
    let result = (|| {
        if !in_place {
            write_new(&archive_path, &bytes)?;
            created.push(archive_path.clone());
        }
        write_new(&yaml_path, yaml.as_bytes())?;
        created.push(yaml_path.clone());
        let schema_file = root
            .join(schema::json::SCHEMA_DIR)
            .join(schema::json::file_name(
                schema::kind_named("source").expect("sources are a kind"),
            ));
        if !schema_file.exists() {
            crate::scaffold::write_schemas(&root.join(schema::json::SCHEMA_DIR))?;
        }
        validate(root, &yaml_path)
    })();
    if let Err(message) = result {
        for path in created {
            let _ = std::fs::remove_file(path);
        }
        return Err(message);
    }
    Ok(Added {
        skeleton: format!("- source: {id}\n  text: \"\"\n"),
        id,
        yaml: relative(root, &yaml_path),
        archive: relative(root, &archive_path),
    })
}

/// A refusal as `add` reports it: the diagnostic's message and help.
fn explain(problem: &archive::Problem, name: &str) -> String {
    let (message, help) = problem.describe(name);
    format!("{message}\n  help: {help}")
}

/// The new source's file, loaded as a build loads it: no error on it or its
/// archive.
fn validate(root: &Path, yaml: &Path) -> Result<(), String> {
    let mut diagnostics = Diagnostics::default();
    let loaded = load::load(root, &mut diagnostics);
    let relative = relative(root, yaml);
    let mut problems = Diagnostics::default();
    for problem in diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error && d.file == relative)
    {
        problems.push(problem.clone());
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the new source would not load, so nothing was added:\n{}",
        problems.render(&loaded.files, false)
    ))
}

/// The fields a file gives, read as the model wants them.
fn details(format: Format, bytes: &[u8], text: &str, today: Date) -> Details {
    let clean = |s: String| -> Option<String> {
        let s: String = s.chars().filter(|c| !c.is_control()).collect();
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let s: String = s.chars().take(300).collect();
        (!s.is_empty()).then_some(s)
    };
    match format {
        Format::Html => {
            let page = archive::html::details(bytes);
            Details {
                title: page.title.and_then(clean),
                url: page.url.as_deref().and_then(checked_url),
                publisher: page.publisher.and_then(clean),
                // A date in the future is no publication date.
                published: page
                    .published
                    .as_deref()
                    .and_then(date_at_start)
                    .filter(|d| *d <= today),
            }
        }
        Format::Pdf => Details {
            title: archive::pdf::title(bytes).and_then(clean),
            ..Details::default()
        },
        Format::Markdown => {
            // The first heading, when the file starts with one.
            let first = std::str::from_utf8(bytes)
                .ok()
                .and_then(|md| md.lines().find(|l| !l.trim().is_empty()))
                .filter(|l| l.trim_start().starts_with('#'));
            Details {
                title: first
                    .and_then(|_| text.lines().next().map(str::to_string))
                    .and_then(clean),
                ..Details::default()
            }
        }
        Format::Text => Details::default(),
    }
}

/// `url` if it is an absolute http or https address with a host, as the
/// `url` crate writes it.
fn checked_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty()))
    .then(|| parsed.to_string())
}

/// The date a timestamp such as `2024-05-14T08:30:00+01:00` starts with: the
/// day as the publisher wrote it.
fn date_at_start(value: &str) -> Option<Date> {
    value.trim().get(..10)?.parse().ok()
}

fn title_from_file_name(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Untitled source".into(),
    }
}

/// An id made from a title: its first words, as an id may be written.
fn id_from(title: &str) -> String {
    let full = load::suggest_id(title);
    let mut id = String::new();
    for word in full.split('-') {
        if !id.is_empty() && id.len() + 1 + word.len() > 60 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    if load::id_problem(Kind::Source, &id).is_some() {
        format!("source-{id}")
    } else {
        id
    }
}

/// `id`, or `id-2`, `id-3`... whichever no content file uses yet and no
/// archive of the same extension is named after.
fn free_id(root: &Path, id: &str, extension: &str) -> String {
    let archive = |candidate: &str| {
        root.join("content/sources")
            .join(format!("{candidate}.{extension}"))
    };
    (1..)
        .map(|n| {
            if n == 1 {
                id.to_string()
            } else {
                format!("{id}-{n}")
            }
        })
        .find(|candidate| id_in_use(root, candidate).is_none() && !archive(candidate).exists())
        .expect("some number is free")
}

/// The file that already uses `id`, in any kind's folder.
fn id_in_use(root: &Path, id: &str) -> Option<PathBuf> {
    schema::entity_folders()
        .flat_map(|folder| {
            ["yaml", "yml"].map(|ext| {
                root.join("content")
                    .join(folder)
                    .join(format!("{id}.{ext}"))
            })
        })
        .find(|path| path.exists())
}

/// The source's YAML: every field of the content model's table in its
/// order, with its doc; the fields read filled in, the rest commented out.
fn source_yaml(title: &str, archive: &str, details: &Details, today: Date) -> String {
    let kind = schema::kind_named("source").expect("sources are a kind");
    let quoted = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let plain_or_quoted = |s: &str| {
        if s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            s.to_string()
        } else {
            quoted(s)
        }
    };
    let mut out = format!(
        "# yaml-language-server: $schema=../../{}/{}\n# Added by `cited source add` on {today}; check each field against the source.\n\n",
        schema::json::SCHEMA_DIR,
        schema::json::file_name(kind),
    );
    for field in kind.shape.fields {
        let value = match field.name {
            "title" => Some(quoted(title)),
            "archive" => Some(plain_or_quoted(archive)),
            "publisher" => details.publisher.as_deref().map(quoted),
            "url" => details.url.as_deref().map(quoted),
            "published" => details.published.map(|d| d.to_string()),
            "accessed" => Some(today.to_string()),
            _ => None,
        };
        out.push_str(&format!("# {}\n", field.doc));
        match value {
            Some(value) => out.push_str(&format!("{}: {value}\n", field.name)),
            None => out.push_str(&format!(
                "# {}: {}\n",
                field.name,
                schema::yaml_scalar(field.example)
            )),
        }
    }
    out
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists: cited source add never overwrites a file\n  help: choose another id with --id",
                path.display()
            ),
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    std::io::Write::write_all(&mut file, bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_first_words_of_a_title() {
        assert_eq!(
            id_from("Town bakery’s sourdough wins regional award"),
            "town-bakery-s-sourdough-wins-regional-award"
        );
        assert!(id_from(&"word ".repeat(40)).len() <= 60);
        assert_eq!(id_from("NUL"), "source-nul");
        assert_eq!(title_from_file_name("oven-notes"), "Oven notes");
    }

    #[test]
    fn dates_are_read_from_timestamps() {
        assert_eq!(
            date_at_start("2024-05-14T08:30:00+01:00"),
            Some("2024-05-14".parse().unwrap())
        );
        assert_eq!(date_at_start("14 May 2024"), None);
    }
}
