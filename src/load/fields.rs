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
use crate::schema::{Presence, Shape};

/// Reads values out of one file, reporting problems against it.
pub struct Reader<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub diagnostics: &'a mut Diagnostics,
}

/// A mapping whose keys have been checked against the fields of its shape.
pub struct Fields<'n> {
    node: &'n Node,
    shape: &'static Shape,
    /// Which of the shape's fields the reader asked for (bit i = field i),
    /// so a test can prove the reader and the table agree.
    asked: std::cell::Cell<u64>,
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

    /// Checks that `node` is a mapping whose keys are all fields of `shape`.
    pub fn fields<'n>(&mut self, node: &'n Node, shape: &'static Shape) -> Option<Fields<'n>> {
        let what = shape.what;
        let known = || shape.field_names().collect::<Vec<_>>().join(", ");
        let Value::Map(entries) = &node.value else {
            self.error(
                Code::WrongType,
                node.span,
                format!(
                    "expected {what} (a mapping of `field: value`), found {}",
                    node.value.kind()
                ),
                format!("{what} has the fields: {}", known()),
            );
            return None;
        };
        for (key, _) in entries {
            match &key.value {
                Value::String(name) if shape.field_names().any(|f| f == name) => {}
                Value::String(name) => {
                    let help = match did_you_mean(name, shape.field_names()) {
                        Some(guess) => format!("did you mean `{guess}`?"),
                        None => format!("{what} has the fields: {}", known()),
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
                    format!("{what} has the fields: {}", known()),
                ),
            }
        }
        Some(Fields {
            node,
            shape,
            asked: std::cell::Cell::new(0),
        })
    }

    /// A field the table marks required (and not blank). When it is missing,
    /// the problem is reported and, for text and lists, an empty placeholder
    /// stands in: the entity is still read, so the rest of the file (its
    /// references, its quotes) is checked in the same run. A build with the
    /// error never renders the placeholder.
    pub fn required<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<T> {
        fields.ask(name, Presence::Required);
        let what = fields.shape.what;
        match fields.get(name) {
            Some(node) if !matches!(node.value, Value::Null) => {
                let value = T::from_node(self, node)?;
                if value.is_blank() {
                    self.error(
                        Code::MissingField,
                        node.span,
                        format!("`{name}` is blank"),
                        format!("give {what} a `{name}` — {}", fields.doc_of(name)),
                    );
                    return T::placeholder();
                }
                Some(value)
            }
            Some(node) => {
                self.error(
                    Code::MissingField,
                    node.span,
                    format!("`{name}` is empty"),
                    format!("give {what} a `{name}` — {}", fields.doc_of(name)),
                );
                T::placeholder()
            }
            None => {
                self.error(
                    Code::MissingField,
                    fields.head_span(),
                    format!("missing field `{name}` in {what}"),
                    format!("add `{name}:` to {what} — {}", fields.doc_of(name)),
                );
                T::placeholder()
            }
        }
    }

    /// A field the table marks optional. Left out, left empty or blank, it is absent.
    pub fn optional<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<T> {
        fields.ask(name, Presence::Optional);
        self.read_if_present(fields, name)
    }

    /// A field with a default in the table: when it is left out, the
    /// table's default is read as if it had been written.
    pub fn defaulted<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<T> {
        let field = fields.shape.field(name);
        let Presence::Default(default) = field.presence else {
            panic!(
                "`{name}` of {} has no default in the schema",
                fields.shape.what
            );
        };
        fields.ask(name, field.presence);
        if let Some(value) = self.read_if_present(fields, name) {
            return Some(value);
        }
        let node = super::yaml::parse(default)
            .unwrap_or_else(|_| panic!("the default of `{name}` is not YAML"));
        let mut quiet = Diagnostics::default();
        let mut reader = Reader {
            file: self.file,
            text: default,
            diagnostics: &mut quiet,
        };
        let value = T::from_node(&mut reader, &node);
        debug_assert!(quiet.is_empty(), "the default of `{name}` does not read");
        value
    }

    /// A whole number with a range in the table (`Type::Integer`), read with
    /// its presence from the table; a value out of range is reported with
    /// the range, and reads as absent.
    pub fn bounded(&mut self, fields: &Fields, name: &str) -> Option<Spanned<i64>> {
        let field = fields.shape.field(name);
        let crate::schema::Type::Integer { min, max } = field.ty else {
            panic!(
                "`{name}` of {} is not a whole number in the schema",
                fields.shape.what
            );
        };
        let value: Spanned<i64> = match field.presence {
            Presence::Default(_) => self.defaulted(fields, name)?,
            Presence::Optional => self.optional(fields, name)?,
            Presence::Required => self.required(fields, name)?,
        };
        if (min..=max).contains(&value.value) {
            return Some(value);
        }
        self.error(
            Code::BadSetting,
            value.span,
            format!(
                "`{name}` is {}; it must be between {min} and {max}",
                value.value
            ),
            format!("{} — {}", fields.shape.what, fields.doc_of(name)),
        );
        None
    }

    fn read_if_present<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<T> {
        match fields.get(name) {
            Some(node) if !matches!(node.value, Value::Null) => {
                T::from_node(self, node).filter(|value| !value.is_blank())
            }
            _ => None,
        }
    }

    /// An optional list: absent means empty. A blank item is an error.
    pub fn list<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Vec<T> {
        fields.ask(name, Presence::Optional);
        let Some(node) = fields.get(name) else {
            return Vec::new();
        };
        if matches!(node.value, Value::Null) {
            return Vec::new();
        }
        let items: Vec<T> = Vec::from_node(self, node).unwrap_or_default();
        self.no_blank_items(fields, name, node, &items);
        items
    }

    /// A list the table marks required: at least one item, none blank.
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
                format!("{} needs at least one item in `{name}`", fields.shape.what),
            );
            return None;
        }
        if let Some(node) = fields.get(name) {
            self.no_blank_items(fields, name, node, &items);
        }
        Some(items)
    }

    fn no_blank_items<T: FromNode>(
        &mut self,
        fields: &Fields,
        name: &str,
        node: &Node,
        items: &[T],
    ) {
        let Value::List(nodes) = &node.value else {
            return;
        };
        for (item, node) in items.iter().zip(nodes) {
            if item.is_blank() {
                self.error(
                    Code::MissingField,
                    node.span,
                    format!("an empty item in `{name}`"),
                    format!("remove it, or fill it in — {}", fields.doc_of(name)),
                );
            }
        }
    }

    /// Ends the reading of a mapping: applies the table's conditional
    /// requirements (`require_disclaimer: true` asks for a `disclaimer`) and,
    /// under test, proves that the reader asked for every field the table
    /// lists, so the two cannot drift apart.
    pub fn finish(&mut self, fields: Fields) {
        for (switch, field) in fields.shape.required_when {
            let Some(on) = fields.get(switch) else {
                continue;
            };
            let given = fields.get(field).is_some_and(|n| match &n.value {
                Value::Null => false,
                Value::String(s) => !s.trim().is_empty(),
                _ => true,
            });
            if matches!(on.value, Value::Bool(true)) && !given {
                self.error(
                    Code::MissingField,
                    on.span,
                    format!("`{switch}` is true, and there is no `{field}`"),
                    format!(
                        "add `{field}:` to {} — {}",
                        fields.shape.what,
                        fields.doc_of(field)
                    ),
                );
            }
        }
        if cfg!(any(test, debug_assertions)) {
            let all = if fields.shape.fields.len() >= 64 {
                u64::MAX
            } else {
                (1u64 << fields.shape.fields.len()) - 1
            };
            let missing: Vec<&str> = fields
                .shape
                .fields
                .iter()
                .enumerate()
                .filter(|(i, _)| fields.asked.get() & (1 << i) == 0)
                .map(|(_, f)| f.name)
                .collect();
            assert!(
                fields.asked.get() == all,
                "the reader of {} never reads {missing:?}, which the schema lists",
                fields.shape.what
            );
        }
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
    /// Records that the reader asked for `name`, and that it asked the way
    /// the table says (a required field read as required...).
    fn ask(&self, name: &str, presence: Presence) {
        let index = self
            .shape
            .fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| {
                panic!(
                    "`{name}` is not a field of {} in the schema",
                    self.shape.what
                )
            });
        let listed = self.shape.fields[index].presence;
        debug_assert!(
            listed == presence || matches!(listed, Presence::Default(_)),
            "`{name}` of {} is {listed:?} in the schema but read as {presence:?}",
            self.shape.what
        );
        self.asked.set(self.asked.get() | (1 << index));
    }

    /// A field's doc as the end of a sentence: "the short answer: one plain sentence".
    fn doc_of(&self, name: &str) -> String {
        let doc = self.shape.field(name).doc.trim_end_matches('.');
        let mut chars = doc.chars();
        match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => String::new(),
        }
    }

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

    /// Whether the value is blank text: a required value may not be.
    fn is_blank(&self) -> bool {
        false
    }
}

impl FromNode for String {
    fn placeholder() -> Option<Self> {
        Some(String::new())
    }

    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }

    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        match &node.value {
            Value::String(s) => {
                if let Some(c) = s.chars().find(|&c| is_forbidden_control(c)) {
                    reader.error(
                        Code::ControlCharacter,
                        node.span,
                        format!(
                            "this text holds the control character U+{:04X}, which no page or feed can show",
                            c as u32
                        ),
                        "remove it: it usually comes from a YAML escape such as \\0, \\a, \\e or \\x07 in a quoted value, or from text pasted from another program",
                    );
                    return None;
                }
                Some(s.clone())
            }
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => reader.raw_text(node),
            _ => {
                reader.wrong_type(node, "text");
                None
            }
        }
    }
}

/// Control characters that have no place in text: everything in C0, DEL
/// and C1 except tab and line feed (YAML turns line ends into `\n`).
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

impl FromNode for bool {
    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                reader.wrong_type(node, "true or false");
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
    fn is_blank(&self) -> bool {
        self.value.is_blank()
    }

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
    word: &Spanned<String>,
    names: &[&str],
    values: &[T],
) -> Option<T> {
    let node_span = word.span;
    let word = word.value.as_str();
    match names.iter().position(|n| *n == word) {
        Some(i) => Some(values[i]),
        None => {
            let help = match did_you_mean(word, names.iter().copied()) {
                Some(guess) => format!("did you mean `{guess}`?"),
                None => format!("use one of: {}", names.join(", ")),
            };
            reader.error(
                Code::BadChoice,
                node_span,
                format!("`{word}` is not one of {}", names.join(", ")),
                help,
            );
            None
        }
    }
}
