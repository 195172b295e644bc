//! A YAML document as a tree of nodes that remember where they are.
//!
//! granit-parser (serde-saphyr's own parser, safe Rust) turns the text into
//! events; we build a small tree from them rather than deserialising straight
//! into typed structs, because serde stops at the first mistake in a file and
//! an editor wants to see all of them. `fields.rs` then reads the tree into
//! the model, reporting every problem it finds. This module knows YAML, not
//! what any field means.
//!
//! Building from events rather than through serde-saphyr's serde layer
//! measured about three times faster on content files (217 ms against 709 ms
//! for 10,000 question files, one thread), and parsing was the largest part
//! of loading a large site.
//!
//! When the parser stops, what it says is put in an editor's words by
//! `syntax.rs`, from the text and the collections open at that point.

use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, StructureStyle, Tag};

use super::syntax::{self, Frame};
use crate::diagnostics::{Code, LineIndex, Span};
use crate::schema::Shape;

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
            Value::Map(_) => "a block of fields",
        }
    }
}

/// A parse failure: what kind, what is wrong and how to fix it, and where.
#[derive(Debug)]
pub struct SyntaxError {
    /// `yaml-syntax` (or `tab-indent`, `control-character`) for what the
    /// parser cannot read, or the code of what we refuse to read
    /// (`duplicate-key`, `yaml-unsupported`).
    pub code: Code,
    pub message: String,
    pub help: String,
    pub span: Option<Span>,
}

/// How deep mappings and lists may nest: far beyond any content file, and
/// low enough that a hostile file cannot exhaust memory with nesting alone.
const MAX_DEPTH: usize = 128;

/// Parses one YAML document. An empty file is `Null`. See [`parse_as`].
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    parse_as(text, None)
}

/// Parses one YAML document that should have the fields of `shape` (a
/// content file of that kind), which lets a syntax error's help show how
/// the block it stopped in is written.
///
/// The tree is built straight from the events of granit-parser (the parser
/// serde-saphyr is built on): on content files that is about three times
/// faster than going through serde, and parsing is the largest part of
/// loading a big site. What serde-saphyr would otherwise guard against is
/// refused here: anchors and aliases (no alias bombs), duplicate keys, more
/// than one document, and nesting deeper than [`MAX_DEPTH`].
pub fn parse_as(text: &str, shape: Option<&'static Shape>) -> Result<Node, SyntaxError> {
    let lines = LineIndex::new(text);
    let mut builder = TreeBuilder {
        source: text,
        stack: Vec::new(),
        root: None,
        documents: 0,
    };
    let mut options = Options::default();
    // Both are refused below, with the place they are written: an alias
    // whose anchor is missing (`*Most* people`, markdown emphasis) is the
    // editor's text, not a reference, and an anchor (`&nbsp;`) would
    // otherwise vanish from the text without a word.
    options.emit_unresolved_aliases = true;
    options.emit_anchor_events = true;
    for item in Parser::new_from_str_with_options(text, options) {
        let (event, span) = match item {
            Ok(item) => item,
            Err(error) => {
                let frames: Vec<Frame> = builder.stack.iter().map(Open::frame).collect();
                return Err(syntax::explain(&error, &lines, &frames, shape));
            }
        };
        let start = span.start.byte_offset().unwrap_or(0);
        let end = span.end.byte_offset().unwrap_or(start).max(start);
        let refuse = |refusal: syntax::Refusal| Err(syntax::refused(refusal, &lines, start, end));
        match event {
            Event::DocumentStart(..) => {
                builder.documents += 1;
                if builder.documents > 1 {
                    return refuse(syntax::Refusal::SecondDocument);
                }
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                return refuse(syntax::Refusal::Alias);
            }
            Event::Anchor(..) => return refuse(syntax::Refusal::Anchor),
            Event::Scalar(_, _, _, Some(ref tag)) if !tag.is_yaml_core_schema_tag("str") => {
                return refuse(syntax::Refusal::Tag(tag.original()));
            }
            Event::SequenceStart(_, _, Some(ref tag))
            | Event::MappingStart(_, _, Some(ref tag)) => {
                return refuse(syntax::Refusal::Tag(tag.original()));
            }
            Event::Scalar(value, style, _, tag) => {
                let node = Node {
                    value: scalar(value, style, tag.as_deref()),
                    span: lines.span(start, end),
                };
                builder.add(node).map_err(|e| e.at(&lines, start, end))?;
            }
            Event::SequenceStart(style, ..) | Event::MappingStart(style, ..) => {
                if builder.stack.len() >= MAX_DEPTH {
                    return refuse(syntax::Refusal::Nesting(MAX_DEPTH));
                }
                let is_map = matches!(event, Event::MappingStart(..));
                builder.stack.push(Open {
                    start,
                    flow: style == StructureStyle::Flow,
                    value: if is_map {
                        Value::Map(Vec::new())
                    } else {
                        Value::List(Vec::new())
                    },
                    key: None,
                    key_index: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let open = builder
                    .stack
                    .pop()
                    .expect("the parser balances start and end events");
                let end = span.end.byte_offset().unwrap_or(open.start).max(open.start);
                let node = Node {
                    value: open.value,
                    span: lines.span(open.start, trim_end(text, open.start, end)),
                };
                builder.add(node).map_err(|e| e.at(&lines, start, end))?;
            }
            _ => {}
        }
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        span: lines.span(0, 0),
    }))
}

/// The end of a collection, without the blank lines and comments the
/// parser counts in before the next token.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    let slice = &text[start..end.min(text.len())];
    start + slice.trim_end().len()
}

struct TreeBuilder<'t> {
    source: &'t str,
    stack: Vec<Open>,
    root: Option<Node>,
    documents: usize,
}

/// A mapping or list whose end event has not come yet.
struct Open {
    start: usize,
    /// Written in brackets (`[a, b]`, `{a: b}`) rather than as lines.
    flow: bool,
    value: Value,
    /// In a mapping: the key read, waiting for its value.
    key: Option<Node>,
    /// In a large mapping: where each key is, so finding a duplicate stays
    /// linear however many keys there are (small mappings are scanned).
    key_index: Option<std::collections::HashMap<String, usize>>,
}

impl Open {
    /// What the explanation of a syntax error needs to know of it.
    fn frame(&self) -> Frame {
        let name = |node: &Node| match &node.value {
            Value::String(name) => Some(name.clone()),
            _ => None,
        };
        let keys = match &self.value {
            Value::Map(entries) => entries.iter().filter_map(|(k, _)| name(k)).collect(),
            _ => Vec::new(),
        };
        Frame {
            start: self.start,
            flow: self.flow,
            is_map: matches!(self.value, Value::Map(_)),
            pending: self.key.as_ref().and_then(|k| Some((name(k)?, k.span))),
            keys,
        }
    }
}

/// Mappings with more keys than this get an index for the duplicate check.
const SCANNED_KEYS: usize = 16;

/// A key given twice in one mapping.
struct Duplicate {
    name: String,
    first_line: usize,
}

impl Duplicate {
    fn at(self, lines: &LineIndex, start: usize, end: usize) -> SyntaxError {
        SyntaxError {
            code: Code::DuplicateKey,
            message: format!(
                "duplicate key `{}` (first on line {}): each field may appear once",
                self.name, self.first_line
            ),
            help: "keep one of the two: YAML would silently drop the other".into(),
            span: Some(lines.span(start, end)),
        }
    }
}

impl TreeBuilder<'_> {
    /// Puts a finished node where it belongs: as a list item, a mapping key
    /// or value, or the document itself.
    fn add(&mut self, node: Node) -> Result<(), Duplicate> {
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut open.value {
            Value::List(items) => items.push(node),
            Value::Map(entries) => match open.key.take() {
                None => {
                    let key = key_as_text(self.source, node);
                    if let Value::String(name) = &key.value {
                        let first = match &open.key_index {
                            Some(index) => index.get(name).map(|&i| &entries[i].0),
                            None => entries
                                .iter()
                                .map(|(k, _)| k)
                                .find(|k| matches!(&k.value, Value::String(n) if n == name)),
                        };
                        if let Some(first) = first {
                            return Err(Duplicate {
                                name: name.clone(),
                                first_line: first.span.line as usize,
                            });
                        }
                    }
                    open.key = Some(key);
                }
                Some(key) => {
                    if entries.len() == SCANNED_KEYS {
                        open.key_index = Some(
                            entries
                                .iter()
                                .enumerate()
                                .filter_map(|(i, (k, _))| match &k.value {
                                    Value::String(n) => Some((n.clone(), i)),
                                    _ => None,
                                })
                                .collect(),
                        );
                    }
                    if let (Some(index), Value::String(name)) = (&mut open.key_index, &key.value) {
                        index.insert(name.clone(), entries.len());
                    }
                    entries.push((key, node));
                }
            },
            _ => unreachable!("only mappings and lists are open"),
        }
        Ok(())
    }
}

/// Keys are names: a key written `on`, `no` or `2024` is that text, not a
/// boolean or number (the YAML 1.1 "Norway problem").
fn key_as_text(source: &str, mut node: Node) -> Node {
    if let Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Null = node.value
        && let Some(written) = source.get(node.span.bytes())
    {
        node.value = Value::String(written.to_string());
    }
    node
}

/// A scalar's value. Quoted and block scalars are text; a plain scalar is
/// null, a boolean (only `true`/`false`: `yes`, `no`, `on` stay text), a
/// number, or text, as in YAML 1.2's core schema. `!!str` forces text.
///
/// Text the parser had to build (escapes, folded lines) is taken over, not
/// copied: every string of every file passes here.
fn scalar(value: std::borrow::Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let forced_text = tag.is_some_and(|t| t.is_yaml_core_schema_tag("str"));
    if style != ScalarStyle::Plain || forced_text {
        return Value::String(value.into_owned());
    }
    let text = value.as_ref();
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        return Value::Int(i);
    }
    let looks_numeric = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_numeric && let Ok(f) = text.parse::<f64>() {
        return Value::Float(f);
    }
    Value::String(value.into_owned())
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
        assert_eq!(&text[items[1].span.bytes()], "two");
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
    fn types_plain_scalars_as_yaml_1_2_does() {
        let root = parse("a: 640\nb: 1.5\nc: true\nd: yes\ne: ~\nf: \"640\"\ng: 2026-11-24\nh: 4-6\ni: !!str 12\n").ok().unwrap();
        let Value::Map(entries) = root.value else {
            panic!("not a map")
        };
        let kinds: Vec<String> = entries
            .iter()
            .map(|(_, v)| format!("{:?}", v.value))
            .collect();
        assert_eq!(
            kinds,
            [
                "Int(640)",
                "Float(1.5)",
                "Bool(true)",
                "String(\"yes\")",
                "Null",
                "String(\"640\")",
                "String(\"2026-11-24\")",
                "String(\"4-6\")",
                "String(\"12\")"
            ]
        );
    }

    #[test]
    fn refuses_anchors_aliases_documents_and_runaway_nesting() {
        let anchor = parse("a: &x [1]\nb: *x\n").err().unwrap();
        assert!(anchor.message.contains("anchor"), "{}", anchor.message);
        let span = anchor.span.unwrap();
        assert_eq!((span.line, span.column, span.end_column), (1, 4, 6));
        let alias = parse("a: [1]\nb: *x\n").err().unwrap();
        assert!(alias.message.contains("alias"), "{}", alias.message);
        assert_eq!(alias.span.unwrap().line, 2);
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
        let deep = format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn rejects_duplicate_keys() {
        assert!(parse("a: 1\na: 2\n").is_err());
    }
}
