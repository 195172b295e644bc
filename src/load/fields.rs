//! Reading a YAML node tree into typed values, one field at a time.
//!
//! Each field is read on its own, so one file with three mistakes gives three
//! diagnostics (unknown field with "did you mean", missing field, wrong type),
//! not one. Each says what to write instead, in the field's terms: the
//! field's name, and an example from the content model's table (a block is
//! shown as it is written, `- ` and indentation included). This module knows
//! YAML shapes and scalar types; which fields an entity has is written in
//! `entities.rs`.

use std::path::Path;

use jiff::civil::Date;

use super::yaml::{Node, Value};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Span, did_you_mean};
use crate::model::Spanned;
use crate::schema::{Field, Presence, Shape, Type};

/// Reads values out of one file, reporting problems against it.
pub struct Reader<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub diagnostics: &'a mut Diagnostics,
    /// The field being read, so a wrong value is named by its field.
    place: Option<Place>,
    /// The last field read, and where its value is: a choice is checked
    /// after it is read as text, and its message names the field.
    last_read: Option<(&'static str, Span)>,
}

/// A field being read: of which shape, and whether it is one of its items.
#[derive(Clone, Copy)]
struct Place {
    field: &'static Field,
    item: bool,
}

/// A mapping whose keys have been checked against the fields of its shape.
pub struct Fields<'n> {
    node: &'n Node,
    shape: &'static Shape,
    /// Which of the shape's fields the reader asked for (bit i = field i),
    /// so a test can prove the reader and the table agree.
    asked: std::cell::Cell<u64>,
    /// Every key is a field of a block inside this one, misplaced: a
    /// missing field is not reported again.
    misplaced: bool,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a Path, text: &'a str, diagnostics: &'a mut Diagnostics) -> Self {
        Reader {
            file,
            text,
            diagnostics,
            place: None,
            last_read: None,
        }
    }

    /// Reads `node` as the value of `field` (or as one of its items).
    fn read_as<T: FromNode>(
        &mut self,
        field: &'static Field,
        item: bool,
        node: &Node,
    ) -> Option<T> {
        let outer = self.place.replace(Place { field, item });
        let value = T::from_node(self, node);
        self.place = outer;
        if !item && value.is_some() {
            self.last_read = Some((field.name, node.span));
        }
        value
    }

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
            self.not_a_block(node, shape);
            return None;
        };
        for (key, _) in entries {
            match &key.value {
                Value::String(name) if shape.field_names().any(|f| f == name) => {}
                Value::String(name) => {
                    let help = match (
                        did_you_mean(name, shape.field_names()),
                        inner_field(shape, name),
                    ) {
                        (Some(guess), _) => format!("did you mean `{guess}`?"),
                        (None, Some((outer, inner))) => format!(
                            "`{name}` is a field of {}, which goes under `{}:`: indent it more \
                             than that line",
                            inner.what, outer.name
                        ),
                        (None, None) => format!("{what} has the fields: {}", known()),
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
        // Keys that all belong to a block inside this one (`source:` and
        // `text:` of a quote, dedented out from under `quotes:`): the unknown
        // fields say so, and "missing field" for each of this block's own
        // fields would only repeat it.
        let misplaced = !entries.is_empty()
            && entries.iter().all(|(key, _)| match &key.value {
                Value::String(name) => {
                    !shape.field_names().any(|f| f == name)
                        && did_you_mean(name, shape.field_names()).is_none()
                        && inner_field(shape, name).is_some()
                }
                _ => false,
            });
        Some(Fields {
            node,
            shape,
            asked: std::cell::Cell::new(0),
            misplaced,
        })
    }

    /// A field the table marks required (and not blank). When it is missing,
    /// the problem is reported and, for text and lists, an empty placeholder
    /// stands in: the entity is still read, so the rest of the file (its
    /// references, its quotes) is checked in the same run. A build with the
    /// error never renders the placeholder.
    pub fn required<T: FromNode>(&mut self, fields: &Fields, name: &str) -> Option<T> {
        fields.ask(name, Presence::Required);
        let field = fields.shape.field(name);
        let what = fields.shape.what;
        match fields.entry(name) {
            Some((key, node)) if !matches!(node.value, Value::Null) => {
                let value: T = self.read_as(field, false, node)?;
                if value.is_blank() {
                    self.error(
                        Code::MissingField,
                        key.span,
                        format!("`{name}` is blank"),
                        fill_in(fields.shape, field),
                    );
                    return T::placeholder();
                }
                Some(value)
            }
            Some((key, _)) => {
                self.error(
                    Code::MissingField,
                    key.span,
                    format!("`{name}` is empty"),
                    fill_in(fields.shape, field),
                );
                T::placeholder()
            }
            None if fields.misplaced => T::placeholder(),
            None => {
                self.error(
                    Code::MissingField,
                    fields.head_span(),
                    format!("missing field `{name}` in {what}"),
                    match field.ty.shape() {
                        Some(_) => format!(
                            "add `{name}:` to {what} — {}; it is written:\n{}",
                            fields.doc_of(name),
                            example_of(field, None)
                        ),
                        None => format!(
                            "add `{name}:` to {what} — {}, e.g. {}",
                            fields.doc_of(name),
                            example_of(field, None)
                        ),
                    },
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
        let mut reader = Reader::new(self.file, default, &mut quiet);
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
                let field = fields.shape.field(name);
                let value: T = self.read_as(field, false, node)?;
                (!value.is_blank()).then_some(value)
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
        let field = fields.shape.field(name);
        let items: Vec<T> = self.read_as(field, false, node).unwrap_or_default();
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
                fill_in(fields.shape, fields.shape.field(name)),
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

    /// Reports that `node` is not `expected` ("a list", "true or false"),
    /// naming the field being read and saying what to write.
    fn wrong_type(&mut self, node: &Node, expected: &str) {
        let found = self.found(node);
        let Some(place) = self.place else {
            self.error(
                Code::WrongType,
                node.span,
                format!("expected {expected}, found {found}"),
                "",
            );
            return;
        };
        let name = place.field.name;
        let whose = if place.item {
            format!("each item of `{name}`")
        } else {
            format!("`{name}`")
        };
        let help = self.what_to_write(place, node, expected);
        self.error(
            Code::WrongType,
            node.span,
            format!("expected {expected} for {whose}, found {found}"),
            help,
        );
    }

    /// The help of [`Reader::wrong_type`]: what to write instead, in the
    /// field's terms.
    fn what_to_write(&self, place: Place, node: &Node, expected: &str) -> String {
        let field = place.field;
        let name = field.name;
        let written = self.raw_text(node).unwrap_or_default();
        let example = crate::schema::yaml_scalar(field.example);
        // A word or an id given in brackets: `severity: [danger]`, `topic: [basics]`.
        let one_word = matches!(
            field.ty,
            Type::Choice(_) | Type::Id(_) | Type::Language | Type::Url | Type::File
        );
        match (expected, &node.value) {
            ("text", Value::List(items)) if one_word => {
                let word = match &items[..] {
                    [item] => self.raw_text(item).unwrap_or_else(|| example.clone()),
                    _ => example.clone(),
                };
                let choices = match field.ty {
                    Type::Choice(words) => format!(" (one of {})", words.join(", ")),
                    _ => String::new(),
                };
                format!("write one value, without brackets{choices}: `{name}: {word}`")
            }
            ("text", Value::List(_) | Value::Map(_)) if written.starts_with(['[', '{']) => format!(
                "a value that starts with `{}` is a {} in YAML; to write text that starts with \
                 it, put the whole text in quotes: `{name}: {}`",
                &written[..1],
                if written.starts_with('[') {
                    "list"
                } else {
                    "block of fields"
                },
                super::syntax::quoted(&written)
            ),
            ("text", _) => format!(
                "write the text after `{name}: ` on its line, or, for several lines, write \
                 `{name}: |` and the lines of text below it, indented"
            ),
            ("true or false", _) => format!(
                "write `{name}: true` or `{name}: false`: YAML reads only these two words as yes and no"
            ),
            ("a whole number" | "a number", _) if !example.is_empty() => {
                format!("write it in digits, without quotes or units, e.g. `{name}: {example}`")
            }
            ("a list", _) if place.item => String::new(),
            ("a list", value) => match field.ty.shape() {
                Some(item) => format!(
                    "start each item of `{name}` with `- `, on its own line under `{name}:`; \
                     `{name}` is written:\n{}",
                    written_as_list(name, item)
                ),
                None => {
                    let items = match value {
                        Value::String(_) | Value::Int(_) | Value::Float(_)
                            if !written.contains('\n') =>
                        {
                            written.clone()
                        }
                        _ => example.trim_matches(['[', ']']).to_string(),
                    };
                    format!(
                        "write the items in brackets, `{name}: [{items}]`, or one per line under \
                         `{name}:`, each starting with `- `"
                    )
                }
            },
            _ => String::new(),
        }
    }

    /// A block of fields was expected: say how it is written.
    fn not_a_block(&mut self, node: &Node, shape: &'static Shape) {
        let found = self.found(node);
        let what = shape.what;
        match (self.place, &node.value) {
            // The whole file is one line of text: `title Bread basics`.
            (None, Value::String(text)) => {
                let trimmed = text.trim_start();
                let word = trimmed.split_whitespace().next().unwrap_or_default();
                let is_field = !word.is_empty()
                    && (shape.field_names().any(|f| f == word)
                        || did_you_mean(word, shape.field_names()).is_some());
                let value_start = node.span.bytes().start;
                let written_at = self.text.get(value_start..).and_then(|t| t.find(word));
                if is_field
                    && !text.contains('\n')
                    && let Some(offset) = written_at
                {
                    let at = value_start + offset + word.len();
                    let rest = trimmed[word.len()..].trim();
                    let span = Span::from_bytes(self.text, at, at);
                    self.error(
                        Code::WrongType,
                        span,
                        format!("a colon is missing after `{word}`: YAML reads this file as one line of text"),
                        format!("write `{word}: {rest}`: a field's name is followed by a colon and a space"),
                    );
                    return;
                }
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("expected {what} (lines of `name: value`), found {found}"),
                    format!("{what} is written:\n{}", written(None, shape, false)),
                );
            }
            (None, _) => self.error(
                Code::WrongType,
                node.span,
                format!("expected {what} (lines of `name: value`), found {found}"),
                format!("{what} is written:\n{}", written(None, shape, false)),
            ),
            (Some(place), Value::List(_)) if !place.item => {
                let name = place.field.name;
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("expected a block of fields for `{name}`, found a list"),
                    format!(
                        "remove the `- `: `{name}` holds fields, one per line, not a list; it is written:\n{}",
                        written(Some(name), shape, false)
                    ),
                );
            }
            (Some(place), _) if !place.item => {
                let name = place.field.name;
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("expected a block of fields for `{name}`, found {found}"),
                    format!(
                        "`{name}` holds fields on the lines below it, indented; it is written:\n{}",
                        written(Some(name), shape, false)
                    ),
                );
            }
            (Some(place), value) => {
                let name = place.field.name;
                let text_field = shape.fields.iter().find(|f| {
                    f.presence == Presence::Required && matches!(f.ty, Type::Text | Type::Markdown)
                });
                let help = match (value, text_field) {
                    (Value::String(text), Some(first)) if !text.contains('\n') => format!(
                        "write the text as {what}'s `{}`, with the rest of its fields:\n{}",
                        first.name,
                        written_with(None, shape, true, Some(text))
                    ),
                    _ => format!("{what} is written:\n{}", written(None, shape, true)),
                };
                self.error(
                    Code::WrongType,
                    node.span,
                    format!("expected {what} (a block of fields) for each item of `{name}`, found {found}"),
                    help,
                );
            }
        }
    }

    /// How a found value is named: `yes`, `1.5`, text, a list.
    fn found(&self, node: &Node) -> String {
        match &node.value {
            Value::String(s) if s.chars().count() <= 40 && !s.contains('\n') && !s.is_empty() => {
                format!("`{s}`")
            }
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => match self.raw_text(node) {
                Some(raw) => format!("`{raw}`"),
                None => node.value.kind().to_string(),
            },
            other => other.kind().to_string(),
        }
    }

    /// The text as written in the file, for scalars YAML read as something else
    /// (`title: 2024`, `language: no`): the editor meant the text.
    fn raw_text(&self, node: &Node) -> Option<String> {
        self.text.get(node.span.bytes()).map(str::to_string)
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
        self.entry(name).map(|(_, value)| value)
    }

    /// The key and the value of field `name`, if it is given.
    fn entry(&self, name: &str) -> Option<(&Node, &Node)> {
        let Value::Map(entries) = &self.node.value else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Value::String(s) if s == name))
            .map(|(k, v)| (k, v))
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
                if let Some(c) = forbidden_control(s) {
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

/// The first control character in `text` that has no place in text:
/// anything in C0, DEL and C1 except tab and line feed (YAML turns line
/// ends into `\n`).
fn forbidden_control(text: &str) -> Option<char> {
    // Every string of every file passes here: look at bytes first. C0 and
    // DEL are single bytes; C1 (U+0080 to U+009F) is 0xC2 then a byte below
    // 0xA0, so without a byte under 0x20, 0x7F or 0xC2 there is none.
    // (A fold without early exit, with `&` and `|`, so that the compiler
    // can check many bytes at a time.)
    let suspect = (text.bytes()).fold(false, |found, b| {
        found | ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b == 0x7F) | (b == 0xC2)
    });
    if !suspect {
        return None;
    }
    text.chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
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
        match read_date(&text) {
            Ok(date) => Some(date),
            Err((message, help)) => {
                reader.error(Code::BadDate, node.span, message, help);
                None
            }
        }
    }
}

/// A date written `YYYY-MM-DD`, or what is wrong with it: its format (with
/// the date written as it should be, when it can be told), or the day,
/// which does not exist.
fn read_date(text: &str) -> Result<Date, (String, String)> {
    let shown = text.trim();
    if shown != text
        && let Ok(date) = read_date(shown)
    {
        return Err((
            format!("`{text}` has spaces around the date"),
            format!("write `{date}`, without the spaces"),
        ));
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = shown.splitn(3, '-').collect();
    if let [y, m, d] = parts[..]
        && y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && [y, m, d].iter().all(|p| digits(p))
    {
        let (year, month, day) = (
            y.parse().unwrap_or(0),
            m.parse().unwrap_or(0),
            d.parse().unwrap_or(0),
        );
        return exact_date(year, month, day).map_err(|why| {
            (
                format!("`{shown}` is not a real date: {why}"),
                match last_day(year, month) {
                    Some(last) => format!("write a day that exists, such as {last}"),
                    None => "write the date as YYYY-MM-DD, with the month from 01 to 12".into(),
                },
            )
        });
    }
    let not_written = format!("`{shown}` is not a date written YYYY-MM-DD (year, month, day)");
    // `2026-01-15T10:00`, `2026-01-15 10:00`: a date and a time.
    if let Some(day) = shown.get(..10)
        && shown.len() > 10
        && shown[10..].starts_with(['T', 't', ' '])
        && let Ok(date) = read_date(day)
    {
        return Err((
            format!("`{shown}` has a time; a date here is the day alone, YYYY-MM-DD"),
            format!("write `{date}`"),
        ));
    }
    let words: Vec<&str> = shown
        .split(['/', '.', '-', ' ', ','])
        .filter(|w| !w.is_empty())
        .collect();
    let month_named = words.iter().position(|w| month_number(w).is_some());
    let numbers: Vec<&str> = words.iter().copied().filter(|w| digits(w)).collect();
    // A year, month and day that fit their types; what does not is no date.
    let ymd = |y: &str, m: i64, d: &str| -> Option<(i16, i8, i8)> {
        Some((y.parse().ok()?, i8::try_from(m).ok()?, d.parse().ok()?))
    };
    let number = |s: &str| s.parse::<i64>().unwrap_or(i64::MAX);
    let candidates: Vec<(i16, i8, i8)> = match (month_named, &numbers[..]) {
        // `Jan 15 2026`, `15 January 2026`
        (Some(i), [a, b]) if words.len() == 3 => {
            let month = month_number(words[i]).unwrap_or(1);
            let (day, year) = if a.len() == 4 { (b, a) } else { (a, b) };
            ymd(year, month.into(), day).into_iter().collect()
        }
        // `2026/1/5`, `2026-1-5`
        (None, [y, m, d]) if y.len() == 4 && words.len() == 3 => {
            ymd(y, number(m), d).into_iter().collect()
        }
        // `30/11/2026`, `11/30/2026`, `01/02/2026`
        (None, [a, b, y]) if y.len() == 4 && words.len() == 3 => {
            let (first, second) = (number(a), number(b));
            let day_first = ymd(y, second, a);
            let month_first = ymd(y, first, b);
            if first > 12 || first == second {
                day_first.into_iter().collect()
            } else if second > 12 {
                month_first.into_iter().collect()
            } else {
                day_first.into_iter().chain(month_first).collect()
            }
        }
        // `2026`, `2026-11`: no day.
        (None, [y, ..]) if y.len() == 4 && numbers.len() == words.len() && words.len() < 3 => {
            return Err((
                not_written,
                format!("write the day as well, as YYYY-MM-DD: e.g. {y}-01-31"),
            ));
        }
        _ => Vec::new(),
    };
    let dates: Vec<Result<Date, String>> = candidates
        .iter()
        .map(|&(y, m, d)| exact_date(y, m, d))
        .collect();
    match &dates[..] {
        [Ok(date)] => Err((not_written, format!("write it as {date}"))),
        [Ok(first), Ok(second)] => Err((
            not_written,
            format!(
                "write it as {first} if you mean {}, or {second} if you mean {}",
                long_date(*first),
                long_date(*second)
            ),
        )),
        [Err(why)] => Err((
            format!("`{shown}` is not a real date: {why}"),
            "write dates as YYYY-MM-DD, e.g. 2026-11-24".into(),
        )),
        _ => Err((
            not_written,
            "write dates as YYYY-MM-DD, e.g. 2026-11-24".into(),
        )),
    }
}

/// The date, or why it does not exist ("February has 28 days in 2026").
fn exact_date(year: i16, month: i8, day: i8) -> Result<Date, String> {
    if !(1..=12).contains(&month) {
        return Err(format!(
            "there is no month {month} (months go from 01 to 12)"
        ));
    }
    let first =
        Date::new(year, month, 1).map_err(|_| format!("the year {year} is out of range"))?;
    let days = first.days_in_month();
    if !(1..=days).contains(&day) {
        let name = MONTHS[month as usize - 1];
        return Err(if month == 2 {
            format!("February has {days} days in {year}")
        } else {
            format!("{name} has {days} days")
        });
    }
    Date::new(year, month, day).map_err(|e| e.to_string())
}

/// The last day of a month that exists.
fn last_day(year: i16, month: i8) -> Option<Date> {
    Some(Date::new(year, month, 1).ok()?.last_of_month())
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `jan`, `January`, `Sept` → its number.
fn month_number(word: &str) -> Option<i8> {
    let word = word.to_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.to_lowercase().starts_with(&word))
        .map(|i| i as i8 + 1)
}

/// `1 February 2026`.
fn long_date(date: Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month() as usize - 1],
        date.year()
    )
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
        let place = reader.place;
        let read: Vec<Option<T>> = items
            .iter()
            .map(|item| match place {
                Some(place) => reader.read_as(place.field, true, item),
                None => T::from_node(reader, item),
            })
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
    if let Some(i) = names.iter().position(|n| *n == word) {
        return Some(values[i]);
    }
    let choices = names.join(", ");
    let field = reader
        .last_read
        .filter(|(_, span)| *span == node_span)
        .map(|(name, _)| name);
    let lowercase = word.to_lowercase();
    let in_capitals = names.iter().copied().find(|n| *n == lowercase);
    let guess = in_capitals.or_else(|| did_you_mean(word, names.iter().copied()));
    let (message, help) = match field {
        Some(name) => (
            format!("`{name}` is `{word}`, which is not one of {choices}"),
            match (guess, in_capitals) {
                (Some(guess), Some(_)) => {
                    format!("write `{name}: {guess}`: the words are written in lowercase")
                }
                (Some(guess), None) => format!("did you mean `{name}: {guess}`?"),
                (None, _) => format!(
                    "write one of: {}",
                    names
                        .iter()
                        .map(|n| format!("`{name}: {n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        ),
        None => (
            format!("`{word}` is not one of {choices}"),
            match guess {
                Some(guess) => format!("did you mean `{guess}`?"),
                None => format!("use one of: {choices}"),
            },
        ),
    };
    reader.error(Code::BadChoice, node_span, message, help);
    None
}

/// The field of `shape` holding a block (or list of blocks) that has a
/// field `name`, and that block's shape.
fn inner_field(shape: &'static Shape, name: &str) -> Option<(&'static Field, &'static Shape)> {
    shape.fields.iter().find_map(|field| {
        let inner = field.ty.shape()?;
        inner
            .field_names()
            .any(|f| f == name)
            .then_some((field, inner))
    })
}

/// How to fill in `field` of `shape` when it is empty or blank.
fn fill_in(shape: &'static Shape, field: &'static Field) -> String {
    let name = field.name;
    let doc = lowercase_first(field.doc.trim_end_matches('.'));
    match &field.ty {
        Type::List(item) if item.shape().is_some() => format!(
            "{} needs at least one item in `{name}`: write the items on the lines below `{name}:`, \
             indented more than it, each starting with `- `:\n{}",
            shape.what,
            example_of(field, None)
        ),
        Type::List(_) => format!(
            "{} needs at least one item in `{name}` ({doc}), e.g. {}",
            shape.what,
            example_of(field, None)
        ),
        Type::Shape(_) => format!(
            "the fields of `{name}` go on the lines below it, indented more than it:\n{}",
            example_of(field, None)
        ),
        _ => format!(
            "write the value after `{name}: `, on the same line ({doc}), e.g. {}",
            example_of(field, None)
        ),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// How `field` is written, with its table example: `` `summary: …` `` on
/// one line, or a block (indented, for a help's own lines) for a block or
/// a list of blocks.
fn example_of(field: &'static Field, first_value: Option<&str>) -> String {
    match &field.ty {
        Type::Shape(shape) => written_with(Some(field.name), shape, false, first_value),
        Type::List(item) if item.shape().is_some() => {
            written_as_list(field.name, item.shape().expect("checked"))
        }
        _ => format!(
            "`{}: {}`",
            field.name,
            crate::schema::yaml_scalar(&shorten(field.example))
        ),
    }
}

/// A list of blocks under its field's name, with one item.
fn written_as_list(name: &str, item: &'static Shape) -> String {
    let mut out = format!("  {name}:\n");
    write_required(item, 6, true, None, &mut out);
    out.trim_end().to_string()
}

/// How a block of `shape` is written (its required fields, with the
/// table's examples), under `name:` if given, as a list item if `item`.
/// Indented by two spaces, to stand out in a help.
pub(super) fn written(name: Option<&str>, shape: &'static Shape, item: bool) -> String {
    written_with(name, shape, item, None)
}

/// [`written`], with the text of the first text field given.
fn written_with(
    name: Option<&str>,
    shape: &'static Shape,
    item: bool,
    first_value: Option<&str>,
) -> String {
    let mut out = String::new();
    let indent = match name {
        Some(name) => {
            out.push_str(&format!("  {name}:\n"));
            if item { 6 } else { 4 }
        }
        None => {
            if item {
                4
            } else {
                2
            }
        }
    };
    write_required(shape, indent, item, first_value, &mut out);
    out.trim_end().to_string()
}

fn write_required(
    shape: &'static Shape,
    indent: usize,
    item: bool,
    mut first_value: Option<&str>,
    out: &mut String,
) {
    // The required fields; a block with none (`review:`) shows them all.
    let required = shape
        .fields
        .iter()
        .any(|f| f.presence == Presence::Required);
    let fields = shape
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required || !required);
    for (i, field) in fields.enumerate() {
        let pad = if item && i == 0 {
            format!("{}- ", " ".repeat(indent - 2))
        } else {
            " ".repeat(indent)
        };
        let name = field.name;
        match &field.ty {
            Type::Shape(inner) => {
                out.push_str(&format!("{pad}{name}:\n"));
                write_required(inner, indent + 2, false, None, out);
            }
            Type::List(inner) if inner.shape().is_some() => {
                out.push_str(&format!("{pad}{name}:\n"));
                write_required(inner.shape().expect("checked"), indent + 4, true, None, out);
            }
            ty => {
                let value = match (first_value.take(), ty) {
                    (Some(text), Type::Text | Type::Markdown) => text.to_string(),
                    (given, _) => {
                        first_value = given;
                        shorten(field.example)
                    }
                };
                out.push_str(&format!(
                    "{pad}{name}: {}\n",
                    crate::schema::yaml_scalar(&value)
                ));
            }
        }
    }
}

/// An example value cut to a few words: a help shows the shape, not the text.
fn shorten(example: &str) -> String {
    const WORDS: usize = 7;
    let words: Vec<&str> = example.split_whitespace().collect();
    if words.len() <= WORDS {
        return example.to_string();
    }
    format!("{} …", words[..WORDS].join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_control_characters_in_c0_del_and_c1_but_not_tab_newline_or_latin_1() {
        for (text, found) in [
            ("plain text, with é, ü, \u{a0} and ß\n\tand a tab", None),
            ("a bell \u{7} here", Some('\u{7}')),
            ("an escape \u{1b}[0m", Some('\u{1b}')),
            ("a carriage return\r", Some('\r')),
            ("delete \u{7f}", Some('\u{7f}')),
            ("next line \u{85} in C1", Some('\u{85}')),
            ("the last of C1 \u{9f}", Some('\u{9f}')),
            ("\u{a0}\u{bf}\u{c0} start of Latin-1 after C1", None),
        ] {
            assert_eq!(forbidden_control(text), found, "{text:?}");
        }
    }

    #[test]
    fn tells_a_date_format_from_a_day_that_does_not_exist() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("30/11/2026", &["YYYY-MM-DD"], &["2026-11-30"]),
            ("11/30/2026", &["YYYY-MM-DD"], &["2026-11-30"]),
            ("01/02/2026", &["YYYY-MM-DD"], &["2026-02-01", "2026-01-02"]),
            ("05.05.2026", &["YYYY-MM-DD"], &["write it as 2026-05-05"]),
            (
                "31/02/2026",
                &["February has 28 days in 2026"],
                &["YYYY-MM-DD"],
            ),
            (
                "2026-02-29",
                &["February has 28 days in 2026"],
                &["2026-02-28"],
            ),
            ("2026-00-10", &["no month 0"], &["01 to 12"]),
            ("2026-12-00", &["December has 31 days"], &["2026-12-31"]),
            ("30 November 2026", &["YYYY-MM-DD"], &["2026-11-30"]),
            ("Sept 3, 2026", &["YYYY-MM-DD"], &["2026-09-03"]),
            ("2026-11-30T10:00:00Z", &["time"], &["2026-11-30"]),
            (" 2026-11-30", &["spaces"], &["2026-11-30"]),
            ("2026-11", &["YYYY-MM-DD"], &["2026-"]),
            // Numbers too large for a day or month are no date, not day 0.
            ("123/456/2026", &["YYYY-MM-DD"], &["e.g. 2026-11-24"]),
            ("Jan 200 2026", &["YYYY-MM-DD"], &["e.g. 2026-11-24"]),
            ("soon", &["YYYY-MM-DD"], &["e.g. 2026-11-24"]),
        ];
        for (text, message, help) in cases {
            let (got_message, got_help) = read_date(text).expect_err(text);
            for word in *message {
                assert!(got_message.contains(word), "{text}: {got_message}");
            }
            for word in *help {
                assert!(got_help.contains(word), "{text}: {got_help}");
            }
        }
        assert_eq!(read_date("2024-02-29"), Ok(jiff::civil::date(2024, 2, 29)));
    }
}
