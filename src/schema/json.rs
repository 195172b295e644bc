//! JSON Schema for each kind of content file, made from the table, for the
//! YAML language servers editors use (VS Code's YAML extension, JetBrains,
//! Neovim): completion, hover help and red squiggles while typing.
//!
//! Draft-07, the draft those servers support best. A schema catches what a
//! single file can get wrong (unknown and missing fields, types, allowed
//! words, id and date shapes); whether a referenced id exists or a quote is
//! in its source is for `cited check`. This module writes JSON; it must not
//! read content.

use serde_json::{Map, Value, json};

use super::{FILE_KINDS, Field, FileKind, Presence, Shape, Type};
use crate::model::Kind;

/// Where `cited init` and `cited new` put the schemas, relative to the site
/// root, and where the `$schema` lines of scaffolds point.
pub const SCHEMA_DIR: &str = "schema";

/// Ids and tags: lowercase ASCII words joined by single hyphens.
const ID_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// The schema file name for a kind, e.g. `question.schema.json`.
pub fn file_name(kind: &FileKind) -> String {
    format!("{}.schema.json", kind.name)
}

/// Every kind's schema: (file name, pretty JSON text).
pub fn all() -> Vec<(String, String)> {
    FILE_KINDS
        .iter()
        .map(|kind| {
            let text = serde_json::to_string_pretty(&schema_for(kind))
                .expect("a schema serialises to JSON");
            (file_name(kind), text + "\n")
        })
        .collect()
}

/// The schema of one kind of file.
pub fn schema_for(kind: &FileKind) -> Value {
    let mut definitions = Map::new();
    let mut root = object_schema(kind.shape, &mut definitions);
    let root_map = root.as_object_mut().expect("an object schema");
    root_map.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    root_map.insert(
        "title".into(),
        json!(format!("cited {} ({})", kind.name, kind.path_pattern())),
    );
    if !definitions.is_empty() {
        root_map.insert("definitions".into(), Value::Object(definitions));
    }
    root
}

fn object_schema(shape: &Shape, definitions: &mut Map<String, Value>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in shape.fields {
        properties.insert(field.name.into(), field_schema(field, definitions));
        if field.presence == Presence::Required {
            required.push(json!(field.name));
        }
    }
    let mut schema = json!({
        "description": shape.doc,
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    });
    let conditions: Vec<Value> = shape
        .required_when
        .iter()
        .map(|(switch, field)| {
            json!({
                "if": { "properties": { *switch: { "const": true } }, "required": [switch] },
                "then": { "required": [field] },
            })
        })
        .collect();
    if !conditions.is_empty() {
        schema["allOf"] = Value::Array(conditions);
    }
    schema
}

fn field_schema(field: &Field, definitions: &mut Map<String, Value>) -> Value {
    let required = field.presence == Presence::Required;
    let mut schema = type_schema(&field.ty, required, definitions);
    let mut description = field.doc.to_string();
    match field.presence {
        Presence::Required => description.push_str(" Required."),
        Presence::Optional => {}
        Presence::Default(default) => description.push_str(&format!(" Default: {default}.")),
    }
    let map = schema.as_object_mut().expect("a type schema is an object");
    if map.contains_key("$ref") {
        // Draft-07 ignores keywords beside `$ref`: wrap it.
        schema = json!({ "allOf": [schema], "description": description });
        return schema;
    }
    map.insert("description".into(), json!(description));
    if let Presence::Default(default) = field.presence {
        map.insert("default".into(), scalar(default, &field.ty));
    }
    if !field.example.is_empty() && field.ty.shape().is_none() {
        map.insert("examples".into(), json!([example(field)]));
    }
    schema
}

fn type_schema(ty: &Type, required: bool, definitions: &mut Map<String, Value>) -> Value {
    match ty {
        // Non-blank: at least one character that is not white space.
        Type::Text | Type::Markdown | Type::File if required => {
            json!({ "type": "string", "pattern": "\\S" })
        }
        Type::Text | Type::Markdown | Type::File => json!({ "type": "string" }),
        Type::Id(_) | Type::Tag => json!({ "type": "string", "pattern": ID_PATTERN }),
        Type::Date => json!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "format": "date",
        }),
        Type::Integer { min, max } => {
            let mut schema = json!({ "type": "integer" });
            if *min != i64::MIN {
                schema["minimum"] = json!(min);
            }
            if *max != i64::MAX {
                schema["maximum"] = json!(max);
            }
            schema
        }
        Type::Number => json!({ "type": "number" }),
        Type::Url => json!({ "type": "string", "pattern": "^https?://[^\\s]+$" }),
        Type::Language => json!({
            "type": "string",
            "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
        }),
        Type::Bool => json!({ "type": "boolean" }),
        Type::Choice(words) => json!({ "type": "string", "enum": words }),
        // Reviewers may be written as one value: an id, or the plain name
        // sites wrote before reviewer files (`check` warns about that one).
        Type::List(Type::Id(Kind::Reviewer)) => json!({
            "anyOf": [
                {
                    "type": "array",
                    "items": type_schema(&Type::Id(Kind::Reviewer), true, definitions),
                    "minItems": if required { 1 } else { 0 },
                },
                { "type": "string", "minLength": 1 },
            ],
        }),
        Type::List(item) => {
            let mut schema = json!({
                "type": "array",
                "items": type_schema(item, true, definitions),
            });
            if required {
                schema["minItems"] = json!(1);
            }
            schema
        }
        Type::Shape(shape) => {
            if !definitions.contains_key(shape.name) {
                // Insert first, so a shape that contains itself terminates.
                definitions.insert(shape.name.into(), Value::Null);
                let schema = object_schema(shape, definitions);
                definitions.insert(shape.name.into(), schema);
            }
            json!({ "$ref": format!("#/definitions/{}", shape.name) })
        }
    }
}

/// A field's example as a JSON value: lists written `[a, b]` become arrays.
fn example(field: &Field) -> Value {
    match (&field.ty, field.example.strip_prefix('[')) {
        (Type::List(item), Some(rest)) => Value::Array(
            rest.trim_end_matches(']')
                .split(',')
                .map(|s| scalar(s.trim(), item))
                .collect(),
        ),
        _ => scalar(field.example, &field.ty),
    }
}

/// A YAML scalar as written, as the JSON value of its type.
fn scalar(text: &str, ty: &Type) -> Value {
    match ty {
        Type::Integer { .. } => text.parse::<i64>().map_or(json!(text), |n| json!(n)),
        Type::Number => text.parse::<f64>().map_or(json!(text), |n| json!(n)),
        Type::Bool => json!(text == "true"),
        _ => json!(text),
    }
}
