//! The content model's table against everything made from it: the JSON
//! Schemas editors use agree with the loader (every valid file passes, the
//! files the loader refuses for their shape fail), the committed schemas and
//! `docs/content-format.md` are current, and `cited new` scaffolds never
//! build as blank pages.
//!
//! `BLESS=1 cargo test --test schema` rewrites the generated files.

use std::path::{Path, PathBuf};

use cited::load::yaml::{self, Node, Value};
use cited::schema::{self, FileKind};

mod common;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A parsed YAML file as JSON, the way a YAML language server sees it.
fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::Float(f) => serde_json::json!(f),
        Value::String(s) => s.clone().into(),
        Value::List(items) => items.iter().map(to_json).collect(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                let key = match &k.value {
                    Value::String(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                (key, to_json(v))
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

/// The kind of a content file from its path relative to the site.
fn kind_of(relative: &Path) -> Option<&'static FileKind> {
    let parts: Vec<&str> = relative.iter().filter_map(|p| p.to_str()).collect();
    match parts.as_slice() {
        ["content", "site.yaml"] => schema::kind_named("site"),
        ["content", folder, file] if file.ends_with(".yaml") => schema::kind_in_folder(folder),
        _ => None,
    }
}

fn validator(kind: &FileKind) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema::json::schema_for(kind))
        .unwrap_or_else(|e| panic!("the schema of {} is not valid: {e}", kind.name))
}

/// The problems the schema finds in one file, as text.
fn schema_errors(site: &Path, relative: &Path) -> Option<Vec<String>> {
    let kind = kind_of(relative)?;
    let text = std::fs::read_to_string(site.join(relative)).ok()?;
    let node = yaml::parse(&text).ok()?;
    let instance = to_json(&node);
    Some(
        validator(kind)
            .iter_errors(&instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect(),
    )
}

fn content_files(site: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(site).unwrap().to_path_buf())
        .filter(|p| kind_of(p).is_some())
        .collect();
    files.sort();
    files
}

#[test]
fn every_valid_file_passes_its_schema() {
    for site in [
        manifest_dir().to_path_buf(),
        manifest_dir().join("tests/fixtures/valid"),
    ] {
        let files = content_files(&site);
        assert!(files.len() > 10, "{}: no content found", site.display());
        for file in files {
            let errors = schema_errors(&site, &file).unwrap();
            assert!(
                errors.is_empty(),
                "{}: {errors:#?}",
                site.join(&file).display()
            );
        }
    }
}

/// The codes the loader gives for a file's shape: the schema must refuse
/// the same files.
const SHAPE_CODES: &[&str] = &[
    "unknown-field",
    "missing-field",
    "wrong-type",
    "bad-date",
    "bad-choice",
];

#[test]
fn files_the_loader_refuses_for_their_shape_fail_their_schema() {
    let cases = manifest_dir().join("tests/fixtures/invalid");
    let mut checked = 0;
    for entry in std::fs::read_dir(&cases).unwrap() {
        let case = entry.unwrap().path();
        let name = case.file_name().unwrap().to_str().unwrap().to_string();
        let code = name.split('.').next().unwrap();
        if !SHAPE_CODES.contains(&code) {
            continue;
        }
        let patch = case.join("patch");
        let patched = content_files(&patch);
        assert!(!patched.is_empty(), "{name}: no patched content file");
        let failing = patched
            .iter()
            .filter(|f| schema_errors(&patch, f).is_some_and(|e| !e.is_empty()))
            .count();
        assert!(
            failing > 0,
            "{name}: the loader refuses it, the schema passes it"
        );
        checked += 1;
    }
    assert!(checked >= SHAPE_CODES.len(), "only {checked} cases checked");
}

#[test]
fn the_committed_schemas_are_current() {
    let dir = manifest_dir().join(schema::json::SCHEMA_DIR);
    for (name, text) in schema::json::all() {
        let path = dir.join(&name);
        if std::env::var_os("BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} is out of date: run `cited schema` (or BLESS=1 cargo test --test schema)",
            path.display()
        );
    }
}

#[test]
fn the_committed_editor_settings_are_current() {
    let path = manifest_dir().join(".vscode/settings.json");
    let generated = cited::scaffold::editor_settings();
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        ".vscode/settings.json is out of date: BLESS=1 cargo test --test schema"
    );
}

#[test]
fn the_field_reference_in_the_docs_is_current() {
    let path = manifest_dir().join("docs/content-format.md");
    let committed = std::fs::read_to_string(&path).unwrap();
    let generated = schema::docs::splice(&committed);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    assert!(
        committed == generated,
        "docs/content-format.md's field reference is out of date: BLESS=1 cargo test --test schema"
    );
}

/// `cited new` of every kind gives a file that names what to fill in, field
/// by field, and that passes its schema's *shape* once the blanks are the
/// only problem; it never builds as an empty page.
#[test]
fn new_files_list_what_to_fill_in() {
    for kind in schema::FILE_KINDS.iter().filter(|k| k.folder.is_some()) {
        let site = tempfile::tempdir().unwrap();
        common::copy_dir(&manifest_dir().join("tests/fixtures/valid"), site.path());
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cited"))
            .args(["--root", site.path().to_str().unwrap(), "new", kind.name])
            .arg(format!("new-{}", kind.name))
            .output()
            .unwrap();
        assert!(output.status.success(), "{}: {output:?}", kind.name);
        let file = format!("content/{}/new-{}.yaml", kind.folder.unwrap(), kind.name);
        let text = std::fs::read_to_string(site.path().join(&file)).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../schema/"),
            "{text}"
        );
        let report = cited::check(site.path(), jiff::civil::date(2026, 2, 1));
        let in_file: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.file == Path::new(&file))
            .collect();
        assert!(
            report.has_errors(),
            "{}: a blank scaffold builds",
            kind.name
        );
        // One "is blank" problem per required text field of the kind, each on its own line.
        let required = kind
            .shape
            .fields
            .iter()
            .filter(|f| {
                f.presence == schema::Presence::Required
                    && matches!(
                        f.ty,
                        schema::Type::Text
                            | schema::Type::Markdown
                            | schema::Type::Id(_)
                            | schema::Type::File
                            | schema::Type::Choice(_)
                    )
            })
            .count();
        let blank = in_file
            .iter()
            .filter(|d| d.code == "missing-field" && d.span.is_some())
            .count();
        assert!(
            blank >= required,
            "{}: {blank} blank-field problems for {required} required fields: {in_file:#?}",
            kind.name
        );
        // Nothing but the file's own blanks is wrong.
        let elsewhere: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.file != Path::new(&file))
            .collect();
        assert!(elsewhere.is_empty(), "{elsewhere:#?}");
    }
}
