//! A YAML document as a tree of nodes that remember where they are.
//!
//! serde-saphyr parses the text (safely: no alias bombs, no runaway nesting,
//! no duplicate keys); we keep the result as a small tree rather than going
//! straight into typed structs, because serde stops at the first mistake in a
//! file and an editor wants to see all of them. `fields.rs` then reads the
//! tree into the model, reporting every problem it finds.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diagnostics::{LineIndex, Span};

/// A YAML value and the bytes of the file it came from.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Node>),
    /// Keys in file order. Keys are kept as nodes so a wrong key can be pointed at.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// How the kind of value is named in messages ("expected a list, found text").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::String(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A parse failure: the message and where, if the parser knows.
pub struct SyntaxError {
    pub message: String,
    pub span: Option<Span>,
}

/// Parses one YAML document. An empty file is `Null`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! { max_documents: 1 },
        // Only true/false are booleans: `on`, `no` and `yes` stay text.
        strict_booleans: true,
    };
    match serde_saphyr::from_str_with_options::<Option<Spanned<RawValue>>>(text, options) {
        Ok(Some(root)) => Ok(to_node(&LineIndex::new(text), root)),
        Ok(None) => Ok(Node {
            value: Value::Null,
            span: Span::from_bytes(text, 0, 0),
        }),
        Err(error) => {
            let lines = LineIndex::new(text);
            let span = error.location().map(|location| {
                let s = location.span();
                match s.byte_offset() {
                    Some(start) => {
                        lines.span(start as usize, (start + s.byte_len().unwrap_or(0)) as usize)
                    }
                    None => {
                        let start =
                            lines.offset(location.line() as usize, location.column() as usize);
                        lines.span(start, start)
                    }
                }
            });
            let message = error.without_snippet().to_string();
            Err(SyntaxError {
                // The parser's own message repeats the position; ours shows it already.
                message: strip_position_suffix(&message),
                span,
            })
        }
    }
}

fn strip_position_suffix(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or(message);
    match first_line.rfind(" at line ") {
        Some(i) => first_line[..i].to_string(),
        None => first_line.to_string(),
    }
}

/// What serde-saphyr hands us: values with their locations.
enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Spanned<RawValue>>),
    Map(Vec<(Spanned<RawValue>, Spanned<RawValue>)>),
}

fn to_node(lines: &LineIndex, raw: Spanned<RawValue>) -> Node {
    let location = raw.referenced;
    let s = location.span();
    let span = match s.byte_offset() {
        Some(start) => {
            let start = start as usize;
            lines.span(start, start + s.byte_len().unwrap_or(0) as usize)
        }
        None => Span {
            line: location.line() as usize,
            column: location.column() as usize,
            end_line: location.line() as usize,
            end_column: location.column() as usize,
            ..Span::default()
        },
    };
    let value = match raw.value {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Int(i),
        RawValue::Float(f) => Value::Float(f),
        RawValue::String(s) => Value::String(s),
        RawValue::List(items) => {
            Value::List(items.into_iter().map(|i| to_node(lines, i)).collect())
        }
        RawValue::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (key_node(lines, k), to_node(lines, v)))
                .collect(),
        ),
    };
    Node { value, span }
}

/// Keys are names: a key written `on`, `no` or `2024` is that text, not a
/// boolean or number (the YAML 1.1 "Norway problem").
fn key_node(lines: &LineIndex, raw: Spanned<RawValue>) -> Node {
    let mut node = to_node(lines, raw);
    if matches!(
        node.value,
        Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Null
    ) && let Some(written) = lines.text().get(node.span.start..node.span.end)
    {
        node.value = Value::String(written.to_string());
    }
    node
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawValue>>()? {
            items.push(item);
        }
        Ok(RawValue::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<RawValue>>()? {
            let value = map.next_value::<Spanned<RawValue>>()?;
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let text = "title: Hello\nlist:\n  - one\n  - two\n";
        let root = parse(text).ok().unwrap();
        let Value::Map(entries) = root.value else {
            panic!("not a map")
        };
        let (key, value) = &entries[1];
        assert_eq!((key.span.line, key.span.column), (2, 1));
        let Value::List(items) = &value.value else {
            panic!("not a list")
        };
        assert_eq!((items[1].span.line, items[1].span.column), (4, 5));
        assert_eq!(&text[items[1].span.start..items[1].span.end], "two");
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let error = parse("title: [unclosed\nnext: 1\n").err().unwrap();
        assert!(error.span.is_some());
        assert!(!error.message.is_empty());
    }

    #[test]
    fn keys_are_text_as_written() {
        let root = parse("on: 2026-01-01\nno: yes\n").ok().unwrap();
        let Value::Map(entries) = root.value else {
            panic!("not a map")
        };
        assert!(matches!(&entries[0].0.value, Value::String(s) if s == "on"));
        assert!(matches!(&entries[1].0.value, Value::String(s) if s == "no"));
        assert!(matches!(&entries[1].1.value, Value::String(s) if s == "yes"));
    }

    #[test]
    fn rejects_duplicate_keys() {
        assert!(parse("a: 1\na: 2\n").is_err());
    }
}
