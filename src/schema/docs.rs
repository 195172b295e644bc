//! The field reference of `docs/content-format.md`, made from the table.
//!
//! The document's prose (how quotes are checked, what each check means) is
//! written by hand; the part between the markers below is generated, and a
//! test fails when the committed file differs from what the table makes.
//! This module writes markdown; it must not read content.

use super::{FILE_KINDS, Presence, Shape, Type, all_shapes, example_yaml};

pub const BEGIN: &str = "<!-- BEGIN field reference: generated from src/schema/mod.rs by `BLESS=1 cargo test --test schema`; do not edit by hand -->";
pub const END: &str = "<!-- END field reference -->";

/// The reference of every kind of file and every block: a table of fields
/// and a complete example each.
pub fn reference() -> String {
    let mut out = String::new();
    for kind in FILE_KINDS {
        out.push_str(&format!(
            "\n### `{}`: {}\n\n{}\n\n",
            kind.path_pattern(),
            kind.shape.what,
            kind.shape.doc
        ));
        out.push_str(&field_table(kind.shape));
        out.push_str(&format!(
            "\nA complete example, every field filled in:\n\n```yaml\n{}```\n",
            example_yaml(kind.shape)
        ));
    }
    let blocks: Vec<&Shape> = all_shapes()
        .into_iter()
        .filter(|s| !FILE_KINDS.iter().any(|k| std::ptr::eq(k.shape, *s)))
        .collect();
    out.push_str("\n### Blocks inside files\n");
    for shape in blocks {
        out.push_str(&format!("\n#### {}\n\n{}\n\n", shape.what, shape.doc));
        out.push_str(&field_table(shape));
    }
    out
}

fn field_table(shape: &Shape) -> String {
    let mut out = String::from("| field | type | | what it is |\n|---|---|---|---|\n");
    for field in shape.fields {
        let presence = match field.presence {
            Presence::Required if matches!(field.ty, Type::List(_)) => {
                "required, at least one".to_string()
            }
            Presence::Required => "required".to_string(),
            Presence::Optional => "optional".to_string(),
            Presence::Default(default) => format!("default `{default}`"),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            field.name,
            field.ty.describe(),
            presence,
            field.doc.replace('|', "\\|")
        ));
    }
    out
}

/// `document` with its generated region replaced by the current reference.
/// A document without the markers gets the region appended.
pub fn splice(document: &str) -> String {
    let generated = format!("{BEGIN}\n{}\n{END}", reference());
    match (document.find(BEGIN), document.find(END)) {
        (Some(start), Some(end)) if start < end => format!(
            "{}{generated}{}",
            &document[..start],
            &document[end + END.len()..]
        ),
        _ => format!("{}\n\n{generated}\n", document.trim_end()),
    }
}
