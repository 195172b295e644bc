//! Reading a YAML node tree into typed values, one field at a time.
//!
//! Each field is read on its own, so one file with three mistakes gives three
//! diagnostics (unknown field with "did you mean", missing field, wrong type),
//! not one. This module knows YAML shapes and scalar types; which fields an
//! entity has is written in `entities.rs`.

use std::path::Path;

use jiff::civil::Date;

use super::yaml::{Node, Value};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Span, did_you_mean};
use crate::model::Spanned;

/// Reads values out of one file, reporting problems against it.
pub struct Reader<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub diagnostics: &'a mut Diagnostics,
}

/// A mapping whose keys have been checked against the fields its entity knows.
pub struct Fields<'n> {
    node: &'n Node,
    /// What the mapping is, for messages: "a question", "a quote".
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let help = help.into();
        let mut d = Diagnostic::error(code, self.file, Some(span)).message(message);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    /// Checks that `node` is a mapping whose keys are all in `known`.
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &'static str,
        known: &[&str],
    ) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                Code::WrongType,
                node.span,
                format!(
                    "expected {what} (a mapping of `field: value`), found {}",
                    node.value.kind()
                ),
                format!("{what} has the fields: {}", known.join(", ")),
            );
            return None;
        };
        for (key, _) in entries {
            match &key.value {
                Value::String(name) if known.contains(&name.as_str()) => {}
                Value::String(name) => {
                    let help = match did_you_mean(name, known.iter().copied()) {
                        Some(guess) => format!("did you mean `{guess}`?"),
                        None => format!("{what} has the fields: {}", known.join(", ")),
                    };
                    self.error(
                        Code::UnknownField,
                        key.span,
                        format!("unknown field `{name}` in {what}"),
                        help,
                    );
                }
                other => self.error(
                    Code::UnknownField,
                    key.span,
                    format!("a field name must be text, found {}", other.kind()),
                    format!("{what} has the fields: {}", known.join(", ")),
                ),
            }
        }
        Some(Fields { node, what })
    }

    /// A field that must be there (and not empty). When it is missing, the
    /// problem is reported and, for text and lists, an empty placeholder
    /// stands in: the entity is still read, so the rest of the file (its
    /// references, its quotes) is checked in the same run. A build with the
    /// error never renders the placeholder.
    pub fn required<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<T> {
        match fields.get(name) {
            Some(node) if !matches!(node.value, Value::Null) => T::from_node(self, node),
            Some(node) => {
                self.error(
                    Code::MissingField,
                    node.span,
                    format!("`{name}` is empty"),
                    format!("give {} a `{name}`", fields.what),
                );
                T::placeholder()
            }
            None => {
                self.error(
                    Code::MissingField,
                    fields.head_span(),
                    format!("missing field `{name}` in {}", fields.what),
                    format!("add `{name}:` to {}", fields.what),
                );
                T::placeholder()
            }
        }
    }

    /// A field that may be left out (or left empty).
    pub fn optional<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<T> {
        match fields.get(name) {
            Some(node) if !matches!(node.value, Value::Null) => T::from_node(self, node),
            _ => None,
        }
    }

    /// An optional list: absent means empty.
    pub fn list<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Vec<T> {
        self.optional::<Vec<T>>(fields, name).unwrap_or_default()
    }

    /// A list that must hold at least one item.
    pub fn non_empty_list<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<Vec<T>> {
        let present = fields
            .get(name)
            .is_some_and(|n| !matches!(n.value, Value::Null));
        let items: Vec<T> = self.required(fields, name)?;
        if items.is_empty() && present {
            let span = fields.get(name).map_or(fields.head_span(), |n| n.span);
            self.error(
                Code::MissingField,
                span,
                format!("`{name}` is an empty list"),
                format!("{} needs at least one item in `{name}`", fields.what),
            );
            return None;
        }
        Some(items)
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        self.error(
            Code::WrongType,
            node.span,
            format!("expected {expected}, found {}", node.value.kind()),
            "",
        );
    }

    /// The text as written in the file, for scalars YAML read as something else
    /// (`title: 2024`, `language: no`): the editor meant the text.
    fn raw_text(&self, node: &Node) -> Option<String> {
        self.text
            .get(node.span.start..node.span.end)
            .map(str::to_string)
    }
}

impl Fields<'_> {
    pub fn get(&self, name: &str) -> Option<&Node> {
        let Value::Map(entries) = &self.node.value else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::String(s) if s == name))
            .map(|(_, v)| v)
    }

    /// Where to point for a missing field: the start of the mapping.
    fn head_span(&self) -> Span {
        Span {
            end: self.node.span.start,
            end_line: self.node.span.line,
            end_column: self.node.span.column,
            ..self.node.span
        }
    }
}

/// A value that can be read from a YAML node.
pub trait FromNode: Sized {
    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self>;

    /// What stands in for a required value that is missing, if anything can
    /// (see [`Reader::required`]).
    fn placeholder() -> Option<Self> {
        None
    }
}

impl FromNode for String {
    fn placeholder() -> Option<Self> {
        Some(String::new())
    }

    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        match &node.value {
            Value::String(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => reader.raw_text(node),
            _ => {
                reader.wrong_type(node, "text");
                None
            }
        }
    }
}

impl FromNode for i64 {
    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        match node.value {
            Value::Int(i) => Some(i),
            _ => {
                reader.wrong_type(node, "a whole number");
                None
            }
        }
    }
}

impl FromNode for f64 {
    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) if f.is_finite() => Some(f),
            _ => {
                reader.wrong_type(node, "a number");
                None
            }
        }
    }
}

impl FromNode for Date {
    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        let text = String::from_node(reader, node)?;
        let well_formed = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let date = if well_formed {
            text.parse::<Date>().ok()
        } else {
            None
        };
        if date.is_none() {
            reader.error(
                Code::BadDate,
                node.span,
                format!("`{text}` is not a real date"),
                "write dates as YYYY-MM-DD, e.g. 2026-11-24",
            );
        }
        date
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn placeholder() -> Option<Self> {
        Some(Vec::new())
    }

    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        let Value::List(items) = &node.value else {
            reader.wrong_type(node, "a list");
            return None;
        };
        // Read every item (reporting every bad one) before giving up on the list.
        let read: Vec<Option<T>> = items
            .iter()
            .map(|item| T::from_node(reader, item))
            .collect();
        read.into_iter().collect()
    }
}

impl<T: FromNode> FromNode for Spanned<T> {
    fn placeholder() -> Option<Self> {
        T::placeholder().map(|value| Spanned {
            value,
            span: Span::default(),
        })
    }

    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        Some(Spanned {
            value: T::from_node(reader, node)?,
            span: node.span,
        })
    }
}

/// Reads one of a fixed set of words (a severity, a stance).
pub fn one_of<T: Copy>(
    reader: &mut Reader,
    node: &Node,
    names: &[&str],
    values: &[T],
) -> Option<T> {
    let word = String::from_node(reader, node)?;
    match names.iter().position(|n| *n == word) {
        Some(i) => Some(values[i]),
        None => {
            let help = match did_you_mean(&word, names.iter().copied()) {
                Some(guess) => format!("did you mean `{guess}`?"),
                None => format!("use one of: {}", names.join(", ")),
            };
            reader.error(
                Code::BadChoice,
                node.span,
                format!("`{word}` is not one of {}", names.join(", ")),
                help,
            );
            None
        }
    }
}
