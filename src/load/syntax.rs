//! YAML syntax errors in an editor's words, at the character at fault.
//!
//! The parser names what it expected where it stopped ("simple key expected
//! ':'", "mapping values are not allowed in this context"). An editor needs
//! to hear what they did ("a colon is missing after `summary`") and what to
//! write instead, pointed at the character at fault, which is often not
//! where the parser stopped: a tab in a block of text is reported at its
//! `|`, a missing colon at the next line, an unclosed `[` where the next
//! field starts. This module reads the text around the parser's position,
//! and the mappings and lists open there, to find the place and the words.
//! It also words what `yaml.rs` refuses to read (aliases, anchors, tags, a
//! second document).
//!
//! Every error kind of the parser has its words here (kinds an editor cannot
//! tell apart share them); `tests/yaml_messages.rs` has a case per kind an
//! editor can produce. This module explains; it must not decide what is an
//! error (the parser and `yaml.rs` do), and it reads the content model only
//! to show how a block is written.

use serde_saphyr::granit_parser::{ErrorKind, ScanError};

use super::fields::written;
use super::yaml::SyntaxError;
use crate::diagnostics::{Code, LineIndex, Span, did_you_mean};
use crate::schema::{Shape, Type};

/// A mapping or list still open where the parser stopped, outermost first.
#[derive(Debug)]
pub struct Frame {
    /// Where it starts: its first key or `-`, or its `[` or `{`.
    pub start: usize,
    /// Written in brackets rather than as lines.
    pub flow: bool,
    pub is_map: bool,
    /// In a mapping: the key whose value was being read, and where it is.
    pub pending: Option<(String, Span)>,
    /// In a mapping: the keys read so far, in order.
    pub keys: Vec<String>,
}

/// What `yaml.rs` refuses to read, though it is valid YAML.
pub enum Refusal {
    SecondDocument,
    Alias,
    Anchor,
    /// A tag, as written (`!important`).
    Tag(String),
    /// Nested deeper than this.
    Nesting(usize),
}

/// The diagnostic for a refused construct at bytes `start..end`.
pub fn refused(refusal: Refusal, lines: &LineIndex, start: usize, end: usize) -> SyntaxError {
    let text = Text::new(lines);
    let token = &lines.text()[start..end];
    let (message, help) = match refusal {
        Refusal::SecondDocument => (
            "a line `---` starts a second YAML document, and a content file holds one".to_string(),
            "if the line is part of the text above (a markdown rule, say), indent it like the lines \
             of that text; otherwise remove it"
                .to_string(),
        ),
        Refusal::Alias => {
            let written = token.split_whitespace().next().unwrap_or(token);
            (
                format!(
                    "a value that starts with `*` is a YAML alias (here `{written}`), which content files do not use"
                ),
                text.quote_the_value(start),
            )
        }
        Refusal::Anchor => (
            format!(
                "a value that starts with `&` is a YAML anchor (here `{token}`), which content files \
                 do not use: YAML would drop it from the text"
            ),
            text.quote_the_value(start),
        ),
        Refusal::Tag(tag) => {
            // The event's span is the value after the tag: find the tag itself.
            let line_start = text.line_start(start);
            let (start, end) = match lines.text()[line_start..start].rfind(tag.as_str()) {
                Some(i) => (line_start + i, line_start + i + tag.len()),
                None => (start, end),
            };
            return unsupported(
                lines,
                start,
                end,
                format!(
                    "a value that starts with `!` is a YAML tag (here `{tag}`), which content files do not use"
                ),
                text.quote_the_value(start),
            );
        }
        Refusal::Nesting(depth) => (
            format!("this is nested more than {depth} levels deep"),
            "no content needs that depth: close the brackets you open, and nest lists and blocks less deeply".to_string(),
        ),
    };
    unsupported(lines, start, end, message, help)
}

fn unsupported(
    lines: &LineIndex,
    start: usize,
    end: usize,
    message: String,
    help: String,
) -> SyntaxError {
    SyntaxError {
        code: Code::YamlUnsupported,
        message,
        help,
        span: Some(lines.span(start, end)),
    }
}

/// The diagnostic for the parser's `error`, with the collections open when
/// it stopped and, if known, the shape the file should have.
pub fn explain(
    error: &ScanError,
    lines: &LineIndex,
    frames: &[Frame],
    shape: Option<&'static Shape>,
) -> SyntaxError {
    let text = Text::new(lines);
    let marker = error.marker();
    let at = marker
        .byte_offset()
        .unwrap_or_else(|| lines.offset(marker.line(), marker.col() + 1));
    let at = text.boundary(at);
    let explainer = Explainer {
        text,
        frames,
        shape,
        at,
        kind: error.kind(),
    };
    let found = explainer
        .explain()
        .unwrap_or_else(|| explainer.generic(error));
    let end = found.end.max(found.start);
    SyntaxError {
        code: found.code,
        message: found.message,
        help: found.help,
        span: Some(lines.span(found.start, end)),
    }
}

/// An explanation: the code, the words, and the bytes at fault.
struct Found {
    code: Code,
    message: String,
    help: String,
    start: usize,
    end: usize,
}

impl Found {
    fn syntax(start: usize, end: usize, message: String, help: String) -> Found {
        Found {
            code: Code::YamlSyntax,
            message,
            help,
            start,
            end,
        }
    }
}

struct Explainer<'a> {
    text: Text<'a>,
    frames: &'a [Frame],
    shape: Option<&'static Shape>,
    /// Where the parser stopped (a byte offset, on a character boundary).
    at: usize,
    kind: &'a ErrorKind,
}

/// The characters that cannot start a plain value: YAML reads them as its own.
const INDICATORS: &str = ",[]{}#&*!|>'\"%@`";

impl Explainer<'_> {
    fn explain(&self) -> Option<Found> {
        use ErrorKind as K;
        if let Some(found) = self.control_character() {
            return Some(found);
        }
        if let Some(found) = self.tab() {
            return Some(found);
        }
        if let Some(found) = self.unclosed_bracket() {
            return Some(found);
        }
        match self.kind {
            K::SimpleKeyExpected => self.missing_colon(),
            K::MappingValueNotAllowed => self.colon_not_allowed(),
            K::ExpectedBlockMappingKey => self.expected_field(),
            K::ExpectedBlockSequenceEntry => self.expected_item(),
            K::InvalidBlockScalarIndent
            | K::InvalidIndentation
            | K::InvalidQuotedScalarIndent
            | K::InvalidFlowScalarIndent => self.bad_indentation(),
            K::CommentInterceptedScalar => self.comment_inside_text(),
            K::UnclosedQuotedScalar | K::DocumentIndicatorInQuotedScalar => self.unclosed_quote(),
            K::InvalidTrailingSingleQuotedScalar | K::InvalidTrailingDoubleQuotedScalar => {
                self.text_after_quote()
            }
            K::UnknownQuotedScalarEscape
            | K::InvalidQuotedScalarHexEscape
            | K::InvalidLowSurrogateHexEscape
            | K::InvalidLowSurrogate
            | K::MissingLowSurrogate
            | K::UnpairedLowSurrogate
            | K::InvalidUnicodeEscape => self.bad_escape(),
            K::UnclosedFlowCollection { .. }
            | K::MismatchedFlowCollectionEnd { .. }
            | K::MisplacedFlowCollectionEnd
            | K::ExpectedFlowSequenceSeparator
            | K::ExpectedFlowMappingSeparator
            | K::UnexpectedEofFlowSequence
            | K::UnexpectedEofFlowMapping
            | K::UnexpectedEofImplicitFlowMapping
            | K::InvalidColonPlacement
            | K::FlowMappingValueAdjacentCollection
            | K::BlockEntryInFlowCollection
            | K::PlainScalarStartsWithDashFlowIndicator => self.brackets(),
            K::CommentNotSeparated => Some(self.comment_not_separated()),
            K::UnexpectedCharacter { character } => Some(self.reserved_character(*character)),
            K::BomInsideDocument => Some(self.byte_order_mark()),
            K::InvalidBlockScalarHeader | K::ZeroBlockScalarIndent => {
                Some(self.block_scalar_header())
            }
            K::InvalidDocumentEnd => Some(self.document_end()),
            K::ExpectedDocumentStart
            | K::DuplicateVersionDirective
            | K::UnsupportedYamlMajorVersion
            | K::DuplicateTagDirective
            | K::MissingDocumentEndBeforeDirective
            | K::InvalidDirectiveTerminator
            | K::DirectiveDisallowed
            | K::MissingYamlVersionSeparator
            | K::MissingDirectiveName
            | K::InvalidDirectiveName
            | K::DirectiveByteLimitExceeded { .. }
            | K::TooManyReservedDirectiveParams { .. }
            | K::YamlVersionTooLong
            | K::MissingYamlVersion
            | K::InvalidTagDirectiveTerminator
            | K::ExpectedTagDirectiveBang
            | K::InvalidGlobalTagCharacter => self.directive(),
            K::ExpectedTagBang
            | K::InvalidTagTerminator
            | K::MissingTagUri
            | K::UnclosedVerbatimTag
            | K::InvalidTagEscape
            | K::InvalidTagUtf8LeadingByte
            | K::InvalidTagUtf8TrailingByte
            | K::InvalidTagUtf8
            | K::UndeclaredTagHandle
            | K::MissingAnchorOrAliasName
            | K::UnknownAnchor
            | K::AnchorCountOverflow => self.advanced_feature(),
            K::RecursionLimitExceeded => Some(self.too_deep()),
            // A value that starts with one of YAML's own characters, or
            // ends too soon: the same words for all of these.
            K::ExpectedNodeContent
            | K::UnexpectedEof
            | K::UnexpectedEofBlockSequence
            | K::UnexpectedEofBlockMapping
            | K::UnexpectedEndOfPlainScalar
            | K::ExpectedWhitespace
            | K::MappingKeyNotAllowed
            | K::BlockSequenceEntryNotAllowed
            | K::InvalidSimpleKey
            | K::InvalidMappingValueWhitespace => self.reserved_value_start(),
            // Failures of input the loader never gives (it parses a string):
            // the parser's own words.
            _ => None,
        }
    }

    /// The parser's own words, for what has no better ones.
    fn generic(&self, error: &ScanError) -> Found {
        Found::syntax(
            self.at,
            self.at,
            format!("YAML cannot read the file from here: {}", error.info()),
            format!(
                "check the indentation and the quoting around this point. {}",
                QUOTING_RULE
            ),
        )
    }

    // --- Characters a YAML file may not hold.

    /// A control character pasted into the file: the parser stops at the
    /// start of the value that holds it.
    fn control_character(&self) -> Option<Found> {
        let ErrorKind::UnexpectedCharacter { character } = *self.kind else {
            return None;
        };
        if is_yaml_printable(character) {
            return None;
        }
        let from = &self.text.all()[self.at..];
        let offset = from
            .find(character)
            .or_else(|| from.find(|c| !is_yaml_printable(c)))
            .unwrap_or(0);
        let start = self.at + offset;
        let end = start + from[offset..].chars().next().map_or(0, char::len_utf8);
        Some(Found {
            code: Code::ControlCharacter,
            message: format!(
                "this line holds the invisible control character U+{:04X} (shown as `<U+{:04X}>`), \
                 which a YAML file may not contain",
                character as u32, character as u32
            ),
            help: "delete it: it usually comes from text pasted from another program".into(),
            start,
            end,
        })
    }

    fn byte_order_mark(&self) -> Found {
        let start = self.text.all()[self.at..]
            .find('\u{feff}')
            .map_or(self.at, |i| self.at + i);
        Found::syntax(
            start,
            start + '\u{feff}'.len_utf8(),
            "this line starts with an invisible byte-order mark (U+FEFF, shown as `<U+FEFF>`), \
             which may only come at the very start of a file"
                .into(),
            "delete it: it usually comes from pasting text or joining files".into(),
        )
    }

    /// A tab in the indentation: on the parser's line, or (when the parser
    /// stopped at the start of a block, or at the value before it) on the
    /// first line after it that is indented with one.
    fn tab(&self) -> Option<Found> {
        use ErrorKind as K;
        let about_tabs = matches!(
            self.kind,
            K::TabInBlockIndentation
                | K::TabNotAllowed
                | K::TabInIndentation
                | K::TabAtBlockScalarStart
                | K::TabInPlainScalar
                | K::InvalidBlockEntryWhitespace
        );
        let here = self.text.line(self.at);
        let found = here.indentation_tab().or_else(|| {
            about_tabs
                .then(|| {
                    self.text
                        .lines_after(here.start)
                        .find_map(|line| line.indentation_tab())
                })
                .flatten()
        });
        let (start, end) = match found {
            Some(tab) => tab,
            None if about_tabs => (self.at, self.at),
            None => return None,
        };
        let line = self.text.line(start);
        let like = match self.text.content_before(line.start) {
            Some(above) if above.indentation_tab().is_none() => {
                if above.opens_block_scalar() || above.opens_block() {
                    format!(
                        ", indented more than `{}` on the line above (usually 2 spaces more)",
                        above.key().map_or("it", |(k, _)| k)
                    )
                } else {
                    format!(", like the line above ({})", spaces(above.indent()))
                }
            }
            _ => String::new(),
        };
        Some(Found {
            code: Code::TabIndent,
            message: "this line is indented with a tab; YAML indentation must be spaces".into(),
            help: format!(
                "replace the tab (shown as `→`) with spaces{like}. Most editors can show tabs, \
                 and turn them into spaces"
            ),
            start,
            end,
        })
    }

    // --- Colons and fields.

    /// The parser wanted `:` after what it read as a key.
    fn missing_colon(&self) -> Option<Found> {
        let line = self.text.line(self.at);
        if let Some(found) = self.comment_splits_text(&line) {
            return Some(found);
        }
        let rest = line.rest_from(self.at).trim_end();
        // `-timing`: a list item without its space.
        if let Some(after) = rest.strip_prefix('-')
            && !after.is_empty()
            && !after.starts_with([' ', '\t'])
        {
            return Some(Found::syntax(
                self.at + 1,
                self.at + 1,
                "a space is missing after `-`: a list item starts with `- `".into(),
                format!("write `- {after}`"),
            ));
        }
        // `timing` in the column of a list's `- ` items.
        if let Some(list) = self.frames.last().filter(|f| !f.is_map && !f.flow)
            && self.text.column(list.start) == line.key_column()
        {
            return self.expected_item();
        }
        let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_len];
        // `topic:basics`
        if let Some(colon) = word.find(':')
            && colon > 0
            && colon + 1 < word.len()
        {
            let (key, value) = (&word[..colon], rest[colon + 1..].trim());
            return Some(Found::syntax(
                self.at + colon + 1,
                self.at + colon + 1,
                format!("a space is missing after the colon of `{key}`"),
                format!(
                    "write `{key}: {value}`: a field's name is followed by a colon and a space"
                ),
            ));
        }
        let value = rest[word_len..].trim();
        let fields = self.fields_at_column(line.key_column());
        let exact = fields.as_ref().is_some_and(|fields| fields.contains(&word));
        let guess = match &fields {
            Some(fields) if !exact => did_you_mean(word, fields.iter().copied()),
            _ => None,
        };
        let is_field = fields.is_none() || exact || guess.is_some();
        let above = self.text.content_before(line.start);
        // `summary:` with its text on the next line, not indented.
        if !exact
            && let Some(above) = above.filter(|a| a.key_column() == line.key_column())
            && above.opens_block()
            && let Some((key, _)) = above.key()
        {
            return Some(Found::syntax(
                self.at,
                self.at,
                "this line is not a `field: value` line, which is what YAML expects here".into(),
                format!(
                    "if it is the value of `{key}` on the line above, indent it under `{key}:` \
                     (2 spaces more), or put it on that line: `{key}: {}`",
                    rest.trim()
                ),
            ));
        }
        if !is_field
            && let Some(above) = above.filter(|a| a.key_column() == line.key_column())
            && let Some((key, _)) = above.key()
            && above.value().is_some()
        {
            let above_line = self.text.line_number(above.start);
            let continues = if above.opens_block_scalar() {
                format!(
                    "if it is part of the text of `{key}` (line {above_line}), indent it, and the \
                     lines of the text after it, more than `{key}:` (2 spaces is usual)"
                )
            } else {
                format!(
                    "if it continues the text of `{key}` on line {above_line}, indent it under \
                     `{key}:` (or join it to that line)"
                )
            };
            let field = match self.missing_text_field(line.key_column()) {
                Some((field, what)) => format!(
                    "; if it is {what}'s `{field}`, write `{field}: {}`",
                    rest.trim()
                ),
                None => "; if it is a field, write its name, a colon and a space, then its value"
                    .to_string(),
            };
            return Some(Found::syntax(
                self.at,
                self.at,
                "this line is not a `field: value` line, which is what YAML expects here".into(),
                format!("{continues}{field}"),
            ));
        }
        let name = guess.unwrap_or(word);
        let help = if value.is_empty() {
            match above.filter(|a| a.opens_block()).and_then(|a| a.key()) {
                Some((key, _)) => format!(
                    "write `{name}: ` and its value; if `{word}` is the value of `{key}` on the line \
                     above, put it on that line: `{key}: {word}`"
                ),
                None => format!("write `{name}: ` and its value"),
            }
        } else if guess.is_some() {
            format!(
                "write `{name}: {value}`: the field is `{name}`, and its name is followed by a \
                 colon and a space"
            )
        } else {
            format!("write `{name}: {value}`: a field's name is followed by a colon and a space")
        };
        Some(Found::syntax(
            self.at + word_len,
            self.at + word_len,
            format!("a colon is missing after `{word}`"),
            help,
        ))
    }

    /// A `:` where no field can start: in the middle of a value, after a
    /// line that lacks its own colon, or on a line YAML reads as more of the
    /// text above.
    fn colon_not_allowed(&self) -> Option<Found> {
        let line = self.text.line(self.at);
        // `summary: Note: usually…`
        if let Some((key, colon)) = line.key()
            && line.start + colon < self.at
        {
            let value = line.text[colon + 1..].trim();
            return Some(Found::syntax(
                self.at,
                self.at + 1,
                format!(
                    "the value of `{key}` holds `: `, which YAML reads as the start of another field"
                ),
                format!("put the value in quotes: `{key}: {}`", quoted(value)),
            ));
        }
        let key_column = line.key_column();
        // `on 2026-01-15` above `by: …`, in the same column.
        if let Some(above) = self.text.content_before(line.start)
            && above.key_column() == key_column
            && above.key().is_none()
            && self.starts_a_value(&above)
        {
            let rest = above.rest_from(above.start + above.key_start());
            let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let at = above.start + above.key_start() + word_len;
            let (word, value) = (&rest[..word_len], rest[word_len..].trim());
            // `- Some redness is normal` above `quotes:`: a fact's text
            // without `claim:`, when this line's field is a field of it.
            if let Some(shape) = self.shape_for(&above)
                && !shape.field_names().any(|f| f == word)
                && did_you_mean(word, shape.field_names()).is_none()
                && line
                    .key()
                    .is_some_and(|(k, _)| shape.field_names().any(|f| f == k))
                && let Some(text_field) = shape.fields.iter().find(|f| {
                    f.presence == crate::schema::Presence::Required
                        && matches!(f.ty, Type::Text | Type::Markdown)
                })
            {
                let start = above.start + above.key_start();
                return Some(Found::syntax(
                    start,
                    start,
                    format!(
                        "this text has no field name before it, so YAML reads it as the name of a field, up \
                         to the `:` on line {}",
                        self.text.line_number(line.start)
                    ),
                    format!(
                        "write the field's name before it, e.g. `{}: {}`; {} is written:\n{}",
                        text_field.name,
                        rest.trim(),
                        shape.what,
                        written(None, shape, above.is_item())
                    ),
                ));
            }
            return Some(Found::syntax(
                at,
                at,
                format!("a colon is missing after `{word}`"),
                format!(
                    "write `{word}: {value}`: without the colon, YAML reads the line as the start \
                     of a text that goes on to line {}",
                    self.text.line_number(line.start)
                ),
            ));
        }
        // More of the text of a field above, as YAML reads it.
        let parent = self.text.parent_of(&line)?;
        if let Some(found) = self.dash_without_space(&parent) {
            return Some(found);
        }
        let (parent_key, _) = parent.key()?;
        parent.value()?;
        let this_key = line.key().map(|(k, _)| k);
        let start = line.start + line.indent();
        let message = format!(
            "this line is indented under `{parent_key}` (line {}), which has its value on its \
             line: a field cannot start here",
            self.text.line_number(parent.start)
        );
        // The mapping that holds the field above: its key is waiting for
        // the value, or, if the value was read, the last one read.
        let frame = self.frames.iter().rposition(|f| {
            f.is_map
                && match &f.pending {
                    Some((key, _)) => key == parent_key,
                    None => f.keys.last().is_some_and(|k| k == parent_key),
                }
        });
        let shape = frame.and_then(|i| self.shape_of(i));
        if line.is_item()
            && let (Some(i), Some(shape), Some(key)) = (frame, shape, this_key)
            && let Some(field) = list_holding(shape, key, &self.frames[i].keys)
        {
            let example = written(None, shape, self.is_item(i));
            return Some(Found::syntax(
                start,
                start + 1,
                message,
                format!(
                    "a list needs the name of its field on a line of its own: add `{}:` above this \
                     line, in the same column as `{parent_key}:`; {} is written:\n{example}",
                    field.name, shape.what
                ),
            ));
        }
        let help = match (this_key, shape) {
            (Some(key), Some(shape)) if shape.field_names().any(|f| f == key) => format!(
                "if `{key}` is a field of its own, start it in the same column as `{parent_key}:` \
                 ({})",
                spaces(parent.key_column())
            ),
            (Some(key), _) => format!(
                "if `{key}` is a field of its own, start it in the same column as `{parent_key}:` \
                 ({}); if the line is part of the text, put the whole text in quotes",
                spaces(parent.key_column())
            ),
            (None, _) => format!(
                "if the line is part of the text of `{parent_key}`, put the whole text in quotes; \
                 otherwise line it up with the fields it belongs with"
            ),
        };
        let start = line.start + line.key_start();
        Some(Found::syntax(start, start, message, help))
    }

    /// Whether `line` starts a value, rather than continuing one: a list
    /// item, a line under a field with nothing after its colon, or the
    /// first line of the file.
    fn starts_a_value(&self, line: &Line) -> bool {
        line.is_item()
            || match self.text.parent_of(line) {
                Some(parent) => parent.opens_block(),
                None => true,
            }
    }

    /// The parser wanted a field of a mapping.
    fn expected_field(&self) -> Option<Found> {
        let line = self.text.line(self.at);
        if let Some(found) = self.comment_splits_text(&line) {
            return Some(found);
        }
        if line.is_item() {
            return Some(self.item_where_field_expected(&line));
        }
        // A line of a block of text (`answer: |`) indented less than its first line.
        if let Some(parent) = self
            .text
            .content_lines_before(line.start)
            .find(|l| l.indent() < line.indent())
            && parent.opens_block_scalar()
        {
            let key = parent.key().map_or("the text", |(k, _)| k);
            let first = self
                .text
                .lines_after(parent.start)
                .find(|l| !l.is_blank())
                .map_or(2, |l| l.indent());
            let start = line.start + line.indent();
            return Some(Found::syntax(
                start,
                start,
                format!(
                    "this line is part of the text of `{key}` (line {}), but indented less than its first line",
                    self.text.line_number(parent.start)
                ),
                format!(
                    "indent every line of the text of `{key}` by at least {}, as its first line is",
                    spaces(first)
                ),
            ));
        }
        // More after a value on the same line: `summary: [Draft] Usually…`.
        if self.at > line.start + line.indent()
            && let Some((key, colon)) = line.key()
            && line.start + colon < self.at
        {
            let value_start = line.start + colon + 1;
            let value = self.text.slice(value_start, self.at).trim();
            return Some(Found::syntax(
                self.at,
                self.at,
                format!(
                    "more text after the value of `{key}`: YAML reads `{value}` as the whole value"
                ),
                format!(
                    "a value that starts with `[`, `{{` or a quote mark ends where it closes; to \
                     write text that starts with one of them, put the whole value in quotes: \
                     `{key}: {}`",
                    quoted(line.text[colon + 1..].trim())
                ),
            ));
        }
        // Indented under a field whose value is complete on its line.
        if let Some(above) = self.text.content_before(line.start)
            && line.indent() > above.key_column()
            && let Some((key, _)) = above.key()
            && above.value().is_some()
        {
            let start = line.start + line.indent();
            let this = line.key().map_or("this line", |(k, _)| k);
            return Some(Found::syntax(
                start,
                start,
                format!(
                    "this line is indented under `{key}:` (line {}), whose value is complete on its line",
                    self.text.line_number(above.start)
                ),
                format!(
                    "if `{this}` is a field of its own, start it in the same column as `{key}:` \
                     ({}); if the line is part of the value of `{key}`, put the whole value in quotes",
                    spaces(above.key_column())
                ),
            ));
        }
        Some(self.misaligned(&line))
    }

    /// A line indented to a column no field above it starts in.
    fn misaligned(&self, line: &Line) -> Found {
        let start = line.start + line.indent();
        let choices: Vec<String> = self
            .text
            .ancestors(line)
            .into_iter()
            .filter(|a| a.key_column() != line.indent())
            .take(3)
            .filter_map(|a| {
                let (key, _) = a.key()?;
                Some(format!(
                    "{}, like `{key}:` on line {}",
                    spaces(a.key_column()),
                    self.text.line_number(a.start)
                ))
            })
            .collect();
        let help = if choices.is_empty() {
            "start it in the same column as the fields it belongs with".to_string()
        } else {
            format!(
                "start it in the same column as the fields it belongs with: {}",
                choices.join(", or ")
            )
        };
        Found::syntax(
            start,
            start,
            format!(
                "this line is indented by {}, which lines it up with no field above it",
                spaces(line.indent())
            ),
            help,
        )
    }

    /// A `- ` item where a mapping wanted a field.
    fn item_where_field_expected(&self, line: &Line) -> Found {
        let dash = line.start + line.indent();
        let item_key = line.key().map(|(k, _)| k);
        let map = self.frames.iter().rposition(|f| f.is_map && !f.flow);
        let shape = map.and_then(|i| self.shape_of(i));
        // The `quotes:` line deleted above `- source: …`.
        if let (Some(i), Some(shape), Some(key)) = (map, shape, item_key)
            && let Some(field) = list_holding(shape, key, &self.frames[i].keys)
        {
            let column = self.text.line(self.frames[i].start).key_column();
            return Found::syntax(
                dash,
                dash + 1,
                format!(
                    "a list item (`- `) where a field of {} was expected",
                    shape.what
                ),
                format!(
                    "a list needs the name of its field on a line of its own: add `{}:` above this \
                     line, {}, and indent the items under it; {} is written:\n{}",
                    field.name,
                    spaces(column),
                    shape.what,
                    written(None, shape, self.is_item(i))
                ),
            );
        }
        if let Some(found) = self.misaligned_item(line) {
            return found;
        }
        let name = map.and_then(|i| self.name_of(i));
        let help = match (name, item_key, map) {
            (Some(name), Some(key), Some(i))
                if shape.is_some_and(|s| s.field_names().any(|f| f == key)) =>
            {
                let first = self.frames[i].keys.first().map_or(key, String::as_str);
                format!(
                    "`{name}` is a block of fields, not a list: remove the `- ` before `{key}:`, and \
                     start it in the same column as `{first}:`"
                )
            }
            (Some(name), _, _) => format!(
                "`{name}` holds fields (`name: value`), not list items: remove the `- `, or, if \
                 this starts a list, write its field's name on a line of its own above it, and \
                 indent the items under it"
            ),
            _ => "a list goes under the name of its field: write `name:` on a line of its own, \
                  then the items below it, indented, each starting with `- `"
                .to_string(),
        };
        let of = name.map_or(String::new(), |n| format!(" of `{n}`"));
        Found::syntax(
            dash,
            dash + 1,
            format!("a list item (`- `) where a field{of} (`name: value`) was expected"),
            help,
        )
    }

    /// A `- ` item in another column than the items of its list above.
    fn misaligned_item(&self, line: &Line) -> Option<Found> {
        let dash = line.indent();
        let sibling = self
            .text
            .ancestors(line)
            .into_iter()
            .filter(|a| a.is_item())
            .min_by_key(|a| a.indent().abs_diff(dash))?;
        if sibling.indent() == dash {
            return None;
        }
        let start = line.start + dash;
        let sibling_line = self.text.line_number(sibling.start);
        Some(Found::syntax(
            start,
            start + 1,
            format!(
                "this list item starts in column {}, and the item above it (line {sibling_line}) in column {}",
                dash + 1,
                sibling.indent() + 1
            ),
            format!(
                "start the items of one list in the same column: put this `-` under the `-` of \
                 line {sibling_line} ({})",
                spaces(sibling.indent())
            ),
        ))
    }

    /// `-claim:`: a list item's `-` without its space, which YAML reads as
    /// part of the field's name.
    fn dash_without_space(&self, line: &Line) -> Option<Found> {
        let (key, _) = line.key()?;
        let name = key.strip_prefix('-')?;
        if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return None;
        }
        let at = line.start + line.indent() + 1;
        Some(Found::syntax(
            at,
            at,
            format!(
                "a space is missing after the `-` of `{key}:` (line {})",
                self.text.line_number(line.start)
            ),
            format!("write `- {name}:`: a list item starts with `- `"),
        ))
    }

    /// The parser wanted another `- ` item of a list.
    fn expected_item(&self) -> Option<Found> {
        let line = self.text.line(self.at);
        if line.is_item()
            && let Some(found) = self.misaligned_item(&line)
        {
            return Some(found);
        }
        let item = self.text.ancestors(&line).into_iter().find(Line::is_item);
        if let Some(item) = item {
            if let Some(found) = self.dash_without_space(&item) {
                return Some(found);
            }
            // A field of the item above, in a column between its `-` and
            // its first field.
            if !line.is_item()
                && item.indent() < line.indent()
                && line.indent() < item.key_column()
                && let Some((first, _)) = item.key()
            {
                let start = line.start + line.indent();
                return Some(Found::syntax(
                    start,
                    start,
                    format!(
                        "this line starts between the `-` of the item above (line {}) and its first \
                         field, `{first}:`",
                        self.text.line_number(item.start)
                    ),
                    format!(
                        "start the fields of an item in the same column as its first field: {}, \
                         like `{first}:`",
                        spaces(item.key_column())
                    ),
                ));
            }
        }
        let list = self.frames.iter().rposition(|f| !f.is_map && !f.flow);
        let name = list.and_then(|i| self.name_of(i));
        let start = line.start + line.key_start();
        let (message, help) = match name {
            Some(name) => (
                format!(
                    "this line is inside the list `{name}` (its `- ` items above), but is not an item of it"
                ),
                match line.key() {
                    Some((key, _)) => format!(
                        "start it with `- ` if it is another item of `{name}`; if `{key}` is a \
                         field of its own, start it in the same column as `{name}:`; if it belongs \
                         to the item above, indent it like that item's fields"
                    ),
                    None => format!(
                        "start it with `- ` if it is another item of `{name}`, as in `- {}`",
                        line.text.trim()
                    ),
                },
            ),
            None => (
                "this line is inside a list (the `- ` items above), but is not an item of it"
                    .to_string(),
                "start it with `- ` if it is another item; otherwise line it up with the fields \
                 it belongs with"
                    .to_string(),
            ),
        };
        Some(Found::syntax(start, start, message, help))
    }

    /// Indentation the parser refuses in other ways (mostly in blocks of
    /// text with an explicit indentation, `|2`).
    fn bad_indentation(&self) -> Option<Found> {
        let line = self.text.line(self.at);
        // A block of text whose `|2` says how far it is indented.
        if let Some(header) = self
            .text
            .content_lines_before(line.start)
            .find(|l| l.indent() < line.indent().max(1) || l.opens_block_scalar())
            && header.opens_block_scalar()
            && let Some(value) = header.value()
            && let Some(digit) = value.chars().find(char::is_ascii_digit)
        {
            let key = header.key().map_or("the text", |(k, _)| k);
            let start = line.start + line.indent();
            return Some(Found::syntax(
                start,
                start,
                format!(
                    "the `{digit}` after `{}` on line {} says the text of `{key}` is indented by \
                     {} more than `{key}:`, and this line is indented less",
                    &value[..1],
                    self.text.line_number(header.start),
                    spaces(digit.to_digit(10).unwrap_or(0) as usize)
                ),
                format!(
                    "remove the `{digit}` (YAML then takes the indentation from the first line of \
                     the text), or indent every line of the text as it says"
                ),
            ));
        }
        Some(self.misaligned(&line))
    }

    /// A text that goes on after a comment at the end of one of its lines.
    fn comment_inside_text(&self) -> Option<Found> {
        let line = self.text.line(self.at);
        if self.text.char_at(self.at) != Some('#') {
            return self.comment_splits_text(&line);
        }
        let owner = match line.key() {
            Some(_) => line,
            None => self.text.parent_of(&line).filter(|p| p.key().is_some())?,
        };
        let (key, _) = owner.key()?;
        Some(Found::syntax(
            self.at,
            self.at + 1,
            format!(
                "this comment ends the text of `{key}`, so YAML cannot read the next line, which goes on with it"
            ),
            format!(
                "move the comment above `{key}:`, or remove it: ` #` starts a comment, even inside \
                 a text. If the `#` is part of the text, put the whole text in quotes"
            ),
        ))
    }

    /// A comment line between a plain text and more of it, indented under
    /// it: the comment ended the text, and YAML cannot read the rest.
    fn comment_splits_text(&self, line: &Line) -> Option<Found> {
        let comment = self
            .text
            .lines_before(line.start)
            .find(|l| !l.is_blank())
            .filter(Line::is_comment)?;
        let text = self.text.content_before(line.start)?;
        if line.indent() <= text.key_column() && text.key().is_some() {
            return None;
        }
        let owner = match text.key() {
            Some(_) if text.value().is_some() => text,
            Some(_) => return None,
            None => self.text.parent_of(&text).filter(|p| p.key().is_some())?,
        };
        let (key, _) = owner.key()?;
        let hash = comment.start + comment.indent();
        Some(Found::syntax(
            hash,
            hash + 1,
            format!(
                "this comment ends the text of `{key}` (line {}), so YAML cannot read the line after it",
                self.text.line_number(owner.start)
            ),
            format!(
                "move the comment above `{key}:`, or remove it: a line starting with `#` is a \
                 comment, even inside a text. If the `#` is part of the text, put the whole text \
                 in quotes, or write it as a block, `{key}: |`"
            ),
        ))
    }

    // --- Quotes.

    fn unclosed_quote(&self) -> Option<Found> {
        let mark = self.text.char_at(self.at)?;
        if mark != '"' && mark != '\'' {
            return None;
        }
        if let Some(found) = self.curly_close(mark, self.at, self.text.all().len()) {
            return Some(found);
        }
        let until = match self.kind {
            ErrorKind::DocumentIndicatorInQuotedScalar => self
                .text
                .lines_after(self.text.line_start(self.at))
                .find(|l| l.text.starts_with("---") || l.text.starts_with("..."))
                .map(|l| {
                    format!(
                        " before the `---` on line {}",
                        self.text.line_number(l.start)
                    )
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        let help = if mark == '"' {
            "end the text with `\"`. A quote mark inside it is written `\\\"`; or put the text in \
             single quotes: '…'"
        } else {
            "end the text with `'`. An apostrophe inside it is written twice, `''` (as in 'don''t'); \
             or put the text in double quotes: \"…\""
        };
        Some(Found::syntax(
            self.at,
            self.at + 1,
            format!("this `{mark}` starts a quoted text that is never closed{until}"),
            help.into(),
        ))
    }

    /// More text after the closing quote: an apostrophe or quote mark
    /// inside the quotes, or only part of a value quoted.
    fn text_after_quote(&self) -> Option<Found> {
        let before = self.text.all()[..self.at].trim_end_matches([' ', '\t']);
        let mark = before.chars().next_back()?;
        if mark != '"' && mark != '\'' {
            return None;
        }
        let close = before.len() - 1;
        // The quote that opened the text YAML read, maybe lines above: a
        // curly quote there ended the text for the editor, not for YAML.
        let open = opening_quote(self.text.all(), close, mark);
        if let Some(open) = open
            && self.text.line_start(open) < self.text.line_start(close)
        {
            if let Some(found) = self.curly_close(mark, open, close) {
                return Some(found);
            }
            return Some(Found::syntax(
                open,
                open + 1,
                format!(
                    "this `{mark}` starts a quoted text that is not closed on its line: YAML reads \
                     it up to the `{mark}` on line {}, and cannot read what follows",
                    self.text.line_number(close)
                ),
                format!("end the text with `{mark}` on this line"),
            ));
        }
        if self.frames.last().is_some_and(|f| f.flow) {
            return Some(Found::syntax(
                close,
                close + 1,
                format!(
                    "the quoted item ends at this `{mark}`, and more follows it before the next comma"
                ),
                format!(
                    "separate the items in brackets with commas, as in `[{mark}a{mark}, b]`; to \
                     quote part of an item, put the whole item in quotes"
                ),
            ));
        }
        let line = self.text.line(close);
        let open = self.text.all()[line.start..close].find(mark)? + line.start;
        let prefix = self.text.slice(line.start + line.indent(), open);
        let whole = self
            .text
            .slice(open, line.start + line.text.len())
            .trim_end();
        let help = match whole.strip_prefix(mark).and_then(|w| w.strip_suffix(mark)) {
            Some(inner) if mark == '\'' => format!(
                "an apostrophe inside single quotes is written twice (`''`), or put the text in \
                 double quotes: `{prefix}{}`",
                quoted(inner)
            ),
            Some(inner) => format!(
                "a quote mark inside double quotes is written `\\\"`, or put the text in single \
                 quotes: `{prefix}{}`",
                quoted(inner)
            ),
            None => format!(
                "to quote part of a text, put the whole value in quotes: `{prefix}{}`",
                quoted(whole)
            ),
        };
        Some(Found::syntax(
            close,
            close + 1,
            format!("the quoted text ends at this `{mark}`, and more text follows it on the line"),
            help,
        ))
    }

    /// A line of the quoted text from `open` (up to `until`) that ends with
    /// a curly quote mark: the editor's end of the text, which YAML does
    /// not take for one.
    fn curly_close(&self, mark: char, open: usize, until: usize) -> Option<Found> {
        let curly: &[char] = if mark == '"' {
            &['\u{201c}', '\u{201d}', '\u{201e}']
        } else {
            &['\u{2018}', '\u{2019}']
        };
        let first = self.text.line(open);
        let line = std::iter::once(first)
            .chain(self.text.lines_after(first.start))
            .take_while(|l| l.start < until)
            .find(|l| l.text.trim_end().ends_with(curly))?;
        let end = line.start + line.text.trim_end().len();
        let shown = self.text.slice(line.start, end).chars().next_back()?;
        let start = end - shown.len_utf8();
        Some(Found::syntax(
            start,
            end,
            format!(
                "this text, opened with a straight `{mark}` on line {}, ends with a curly `{shown}`, \
                 which YAML does not read as its end",
                self.text.line_number(open)
            ),
            format!(
                "end it with a straight `{mark}` (an editor's \"smart quotes\" turn them curly)"
            ),
        ))
    }

    fn bad_escape(&self) -> Option<Found> {
        let (start, end) = bad_escape_in(self.text.all(), self.at)?;
        let escape = self.text.slice(start, end);
        let line = self.text.line(self.at);
        let prefix = self.text.slice(line.start + line.indent(), self.at);
        let value = self
            .text
            .slice(self.at, line.start + line.text.len())
            .trim_end();
        let single = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains(['"', '\'']))
            .map(|v| format!(" `{prefix}'{v}'`"))
            .unwrap_or_default();
        Some(Found::syntax(
            start,
            end,
            format!("`{escape}` is not a valid escape in double-quoted text"),
            format!(
                "in double quotes, `\\` starts an escape (`\\n` is a new line, `\\\"` a quote \
                 mark): write `\\\\` for a backslash, or put the text in single quotes, where `\\` \
                 is an ordinary character:{single}"
            ),
        ))
    }

    // --- Brackets.

    /// A `[` or `{` never closed, found from the collections open when the
    /// parser stopped on a later line, or at the end of the file.
    fn unclosed_bracket(&self) -> Option<Found> {
        let frame = self.frames.iter().rev().find(|f| f.flow);
        let open = match (frame, self.kind) {
            (_, ErrorKind::UnclosedFlowCollection { .. }) => self.at,
            (Some(frame), _)
                if self.text.line_start(frame.start) < self.text.line_start(self.at) =>
            {
                frame.start
            }
            (
                Some(frame),
                ErrorKind::UnexpectedEofFlowSequence | ErrorKind::UnexpectedEofFlowMapping,
            ) => frame.start,
            _ => return None,
        };
        let bracket = self.text.char_at(open).filter(|c| matches!(c, '[' | '{'))?;
        if matching_close(self.text.all(), open).is_some() {
            return None;
        }
        let (close, what) = if bracket == '[' {
            (']', "list")
        } else {
            ('}', "block of fields")
        };
        let line = self.text.line(open);
        let prefix = self.text.slice(line.start + line.indent(), open);
        let value = self
            .text
            .slice(open, line.start + line.text.len())
            .trim_end();
        Some(Found::syntax(
            open,
            open + 1,
            format!("this `{bracket}` is never closed"),
            format!(
                "a value that starts with `{bracket}` is a {what}, which ends with `{close}` (as in \
                 `tags: [a, b]`); to write text that starts with `{bracket}`, put the whole value in \
                 quotes: `{prefix}{}`",
                quoted(value)
            ),
        ))
    }

    fn brackets(&self) -> Option<Found> {
        use ErrorKind as K;
        let c = self.text.char_at(self.at);
        let line = self.text.line(self.at);
        match self.kind {
            K::MismatchedFlowCollectionEnd { open, close } => {
                let at = matching_close(self.text.all(), self.at).unwrap_or(self.at);
                Some(Found::syntax(
                    at,
                    at + 1,
                    format!("this `{close}` closes the `{open}` before it"),
                    "a list `[` ends with `]`, a block of fields `{` with `}`; if the brackets are \
                     part of a text, put the whole text in quotes"
                        .into(),
                ))
            }
            K::MisplacedFlowCollectionEnd => Some(Found::syntax(
                self.at,
                self.at + 1,
                format!(
                    "this `{}` closes nothing: no bracket before it is open",
                    c.unwrap_or(']')
                ),
                format!(
                    "remove it; if it is part of the text, put the whole value in quotes{}",
                    self.value_quoted(self.value_offset(&line))
                ),
            )),
            K::BlockEntryInFlowCollection => Some(Found::syntax(
                self.at,
                self.at + 1,
                "inside brackets, `-` cannot start an item".into(),
                "separate the items in brackets with a comma, as in `[a, b]`, or write one item \
                 per line under the field, each starting with `- `"
                    .into(),
            )),
            K::FlowMappingValueAdjacentCollection => {
                let key_start = self.text.all()[..self.at]
                    .rfind(['{', '[', ',', ' '])
                    .map_or(line.start, |i| i + 1);
                let key = self.text.slice(key_start, self.at);
                let value = match matching_close(self.text.all(), self.at + 1) {
                    Some(end) => self.text.slice(self.at + 1, end + 1),
                    None => "[…]",
                };
                Some(Found::syntax(
                    self.at,
                    self.at + 1,
                    "a space is missing after this `:`".into(),
                    format!("write `{key}: {value}`"),
                ))
            }
            K::PlainScalarStartsWithDashFlowIndicator => Some(Found::syntax(
                self.at,
                self.at + 1,
                "an item in brackets cannot be a `-` alone".into(),
                "put the item in quotes: `\"-\"`".into(),
            )),
            _ if c == Some(':') => Some(Found::syntax(
                self.at,
                self.at + 1,
                "YAML cannot read this `:` inside brackets".into(),
                format!(
                    "put an item that holds `: ` in quotes, as in `[\"a: b\", c]`. {QUOTING_RULE}"
                ),
            )),
            _ => Some(Found::syntax(
                self.at,
                self.at + 1,
                "YAML cannot read the items in brackets here".into(),
                format!(
                    "separate the items with a comma and a space, as in `[a, b]`, and put an item \
                     that holds `,`, `: `, `[`, `]`, `{{` or `}}` in quotes. {QUOTING_RULE}"
                ),
            )),
        }
    }

    fn comment_not_separated(&self) -> Found {
        Found::syntax(
            self.at,
            self.at + 1,
            "a `#` comment needs a space before it".into(),
            "put a space before `#` if it starts a comment; if `#` is part of the value, put the \
             whole value in quotes"
                .into(),
        )
    }

    // --- Characters YAML reserves.

    /// `@`, `` ` `` and `%` may not start a plain value.
    fn reserved_character(&self, character: char) -> Found {
        let start = self.text.all()[self.at..]
            .find(character)
            .map_or(self.at, |i| self.at + i);
        let shown = if character == '`' {
            "a backtick (`)".to_string()
        } else {
            format!("`{character}`")
        };
        Found::syntax(
            start,
            start + character.len_utf8(),
            format!("a value cannot start with {shown} in YAML, which keeps it for itself"),
            format!("put the value in quotes{}", self.value_quoted(start)),
        )
    }

    /// Where the parser stopped at the start of a value: a value that
    /// starts with one of YAML's own characters, or no value at all.
    fn reserved_value_start(&self) -> Option<Found> {
        let c = self.text.char_at(self.at);
        match c {
            Some(c) if INDICATORS.contains(c) || c == '-' || c == '?' || c == ':' => {
                Some(Found::syntax(
                    self.at,
                    self.at + c.len_utf8(),
                    format!("a value cannot start with `{c}` here: YAML reads it as its own"),
                    format!("put the value in quotes{}", self.value_quoted(self.at)),
                ))
            }
            None => Some(Found::syntax(
                self.at,
                self.at,
                "the file ends where YAML expected more".into(),
                format!(
                    "check the end of the file: a bracket or quote may be open. {QUOTING_RULE}"
                ),
            )),
            Some(_) => None,
        }
    }

    fn block_scalar_header(&self) -> Found {
        let indicator = self.text.char_at(self.at).unwrap_or('|');
        let after = self.text.slice(self.at + 1, self.text.all().len());
        let modifiers = after
            .find(|c: char| !matches!(c, '-' | '+' | '1'..='9'))
            .unwrap_or(after.len());
        let at = self.at + 1 + modifiers;
        if let ErrorKind::ZeroBlockScalarIndent = self.kind {
            let zero = self.text.all()[self.at..]
                .find('0')
                .map_or(self.at, |i| self.at + i);
            return Found::syntax(
                zero,
                zero + 1,
                format!(
                    "the number after `{indicator}` says how far the text is indented, and 0 is not a choice"
                ),
                format!(
                    "remove the number: `{indicator}` alone lets YAML take the indentation from the first line"
                ),
            );
        }
        let junk = self
            .text
            .slice(at, self.text.all().len())
            .find(|c: char| c != ' ' && c != '\t')
            .map_or(at, |i| at + i);
        let line = self.text.line(self.at);
        let key = line.key().map_or("the field", |(k, _)| k);
        Found::syntax(
            junk,
            junk,
            format!("the text of `{key}` starts on the line after `{indicator}`, not on its line"),
            format!(
                "put `{key}: {indicator}` alone on its line, and the text on the next line, indented \
                 (2 spaces is usual)"
            ),
        )
    }

    fn document_end(&self) -> Found {
        let line = self.text.line(self.at);
        let start = if line.text.starts_with("...") {
            line.start
        } else {
            self.at
        };
        Found::syntax(
            start,
            start + 3,
            "a line that starts with `...` ends the YAML document, and nothing may follow it"
                .into(),
            "if the line is part of the text above, indent it like the lines of that text; a \
             content file needs no `...`"
                .into(),
        )
    }

    // --- Advanced features, which content files do not use.

    fn directive(&self) -> Option<Found> {
        let percent = std::iter::once(self.text.line(self.at))
            .chain(
                self.text
                    .content_lines_before(self.text.line_start(self.at)),
            )
            .find(|l| l.text.starts_with('%'))?;
        Some(Found {
            code: Code::YamlUnsupported,
            message:
                "a line that starts with `%` is a YAML directive, which content files do not use"
                    .into(),
            help:
                "if the line is text, indent it like the lines of the text it belongs to, or put \
                   it in quotes; a directive line (`%YAML`, `%TAG`) can be removed"
                    .into(),
            start: percent.start,
            end: percent.start + 1,
        })
    }

    fn advanced_feature(&self) -> Option<Found> {
        let c = self.text.char_at(self.at)?;
        let what = match c {
            '!' => "tag",
            '&' => "anchor",
            '*' => "alias",
            _ => return None,
        };
        let rest = &self.text.all()[self.at..];
        let token = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
        Some(Found {
            code: Code::YamlUnsupported,
            message: format!(
                "a value that starts with `{c}` is a YAML {what} (here `{token}`), which content \
                 files do not use"
            ),
            help: self.text.quote_the_value(self.at),
            start: self.at,
            end: self.at + token.len(),
        })
    }

    fn too_deep(&self) -> Found {
        Found {
            code: Code::YamlUnsupported,
            message: "this is nested deeper than YAML reads".into(),
            help: "no content needs that depth: close the brackets you open, and nest lists and \
                   blocks less deeply"
                .into(),
            start: self.at,
            end: self.at,
        }
    }

    // --- Helpers.

    /// Where the value on `line` starts: after `key: `, or after `- `.
    fn value_offset(&self, line: &Line) -> usize {
        match line.key() {
            Some((_, colon)) => {
                let after = &line.text[colon + 1..];
                line.start + colon + 1 + (after.len() - after.trim_start().len())
            }
            None => line.start + line.key_start(),
        }
    }

    /// `: `summary: "…"`` for the value starting at `start`, or nothing.
    fn value_quoted(&self, start: usize) -> String {
        let line = self.text.line(start);
        let prefix = self.text.slice(line.start + line.indent(), start);
        let value = self
            .text
            .slice(start, line.start + line.text.len())
            .trim_end();
        if value.is_empty() {
            return String::new();
        }
        format!(": `{prefix}{}`", quoted(value))
    }

    /// A required text field that the mapping whose fields start in
    /// `column` has not been given yet, and how the mapping is named.
    fn missing_text_field(&self, column: usize) -> Option<(&'static str, &'static str)> {
        let index = self
            .frames
            .iter()
            .rposition(|f| f.is_map && !f.flow && self.text.column(f.start) == column)?;
        let shape = self.shape_of(index)?;
        let given = &self.frames[index].keys;
        let pending = self.frames[index].pending.as_ref().map(|(k, _)| k);
        let field = shape.fields.iter().find(|f| {
            f.presence == crate::schema::Presence::Required
                && matches!(f.ty, Type::Text | Type::Markdown)
                && !given.iter().any(|g| g == f.name)
                && pending.is_none_or(|p| p != f.name)
        })?;
        Some((field.name, shape.what))
    }

    /// The field names of the mapping whose fields start in `column`, if
    /// its shape is known.
    fn fields_at_column(&self, column: usize) -> Option<Vec<&'static str>> {
        let index = self
            .frames
            .iter()
            .rposition(|f| f.is_map && !f.flow && self.text.column(f.start) == column)?;
        Some(self.shape_of(index)?.field_names().collect())
    }

    /// The shape of the block that the fields on `line` belong to: the
    /// mapping open in its column, or the items of the list open there.
    fn shape_for(&self, line: &Line) -> Option<&'static Shape> {
        let column = line.key_column();
        let index = self.frames.iter().rposition(|f| {
            !f.flow && {
                let at = self.text.column(f.start);
                if f.is_map {
                    at == column
                } else {
                    at == line.indent()
                }
            }
        })?;
        if self.frames[index].is_map {
            return self.shape_of(index);
        }
        // A list: the shape of its items, from the field that holds it.
        let holder = index.checked_sub(1)?;
        let (key, _) = self.frames[holder].pending.as_ref()?;
        let shape = self.shape_of(holder)?;
        shape.fields.iter().find(|f| f.name == key)?.ty.shape()
    }

    /// The shape of the mapping `frames[index]`, from the file's shape and
    /// the keys that lead to it.
    fn shape_of(&self, index: usize) -> Option<&'static Shape> {
        let mut shape = self.shape?;
        let mut ty: Option<&'static Type> = None;
        for frame in &self.frames[..index] {
            match (ty, frame.is_map) {
                (None, true) => {
                    let (key, _) = frame.pending.as_ref()?;
                    ty = Some(&shape.fields.iter().find(|f| f.name == key)?.ty);
                }
                (Some(Type::List(inner)), false) => ty = Some(inner),
                _ => return None,
            }
            if let Some(Type::Shape(inner)) = ty {
                shape = inner;
                ty = None;
            }
        }
        (ty.is_none() && self.frames.get(index)?.is_map).then_some(shape)
    }

    /// Whether the mapping `frames[index]` is an item of a list.
    fn is_item(&self, index: usize) -> bool {
        index > 0 && !self.frames[index - 1].is_map
    }

    /// The name of the field that holds `frames[index]`, if it has one.
    fn name_of(&self, index: usize) -> Option<&str> {
        let parent = self.frames.get(index.checked_sub(1)?)?;
        parent.pending.as_ref().map(|(k, _)| k.as_str())
    }
}

/// The list field of `shape` whose items have a field `key`, if it is not
/// among the keys already given.
fn list_holding(
    shape: &'static Shape,
    key: &str,
    given: &[String],
) -> Option<&'static crate::schema::Field> {
    shape.fields.iter().find(|field| {
        matches!(field.ty, Type::List(_))
            && !given.iter().any(|g| g == field.name)
            && field
                .ty
                .shape()
                .is_some_and(|item| item.field_names().any(|f| f == key))
    })
}

/// How a value that needs them is put in quotes: double quotes, unless it
/// holds a double quote mark (then single quotes, with `'` doubled).
pub fn quoted(value: &str) -> String {
    if value.contains('"') {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\"))
    }
}

/// The rule behind most quoting mistakes, for helps that cannot be precise.
const QUOTING_RULE: &str = "A value that holds `: ` or ` #`, or starts with a quote mark or one of \
     `[ ] { } , & * ! | > % @`, must be put in quotes";

/// `2 spaces`, `1 space`, `no spaces`.
fn spaces(n: usize) -> String {
    match n {
        0 => "no spaces".into(),
        1 => "1 space".into(),
        n => format!("{n} spaces"),
    }
}

/// Characters YAML allows in a file (YAML 1.2, [1] c-printable).
fn is_yaml_printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\x20'..='\x7e' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// The `]` or `}` that closes the bracket at `open`, skipping quoted text
/// and comments; `None` if it is never closed.
fn matching_close(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    let mut value_start = true;
    let mut after_space = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'[' | b'{' => {
                depth += 1;
                value_start = true;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            b',' => value_start = true,
            b':' if bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => value_start = true,
            b'"' | b'\'' if value_start => {
                i += 1;
                while i < bytes.len() && bytes[i] != b {
                    if b == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                value_start = false;
            }
            b'#' if after_space => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => value_start = false,
        }
        after_space = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        i += 1;
    }
    None
}

/// The quote that opened the quoted text closed by the `mark` at `close`:
/// the one before it that is not escaped (`\"` in double quotes, `''` in
/// single quotes).
fn opening_quote(text: &str, close: usize, mark: char) -> Option<usize> {
    let bytes = text.as_bytes();
    let mark = mark as u8;
    let mut i = close;
    while i > 0 {
        i -= 1;
        if bytes[i] != mark {
            continue;
        }
        if mark == b'"' {
            let backslashes = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
            if backslashes % 2 == 1 {
                continue;
            }
            return Some(i);
        }
        if i > 0 && bytes[i - 1] == b'\'' {
            i -= 1;
            continue;
        }
        return Some(i);
    }
    None
}

/// The first escape YAML refuses in the double-quoted text starting at
/// `open`, as a byte range.
fn bad_escape_in(text: &str, open: usize) -> Option<(usize, usize)> {
    let mut chars = text[open..].char_indices().skip(1).peekable();
    let hex = |from: usize, len: usize| -> (usize, Option<u32>) {
        let digits: String = text[from..]
            .chars()
            .take(len)
            .take_while(char::is_ascii_hexdigit)
            .collect();
        let value = (digits.len() == len)
            .then(|| u32::from_str_radix(&digits, 16).ok())
            .flatten();
        (digits.len(), value)
    };
    while let Some((i, c)) = chars.next() {
        let start = open + i;
        match c {
            '"' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                let after = start + 1 + e.len_utf8();
                let needed = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"'
                    | '/' | '\\' | 'N' | '_' | 'L' | 'P' | '\n' | '\r' => continue,
                    _ => return Some((start, after)),
                };
                let (len, value) = hex(after, needed);
                let end = after + len;
                let Some(value) = value else {
                    return Some((start, end));
                };
                // A high surrogate needs `\u` and a low one after it, read with it.
                let pair = (0xD800..=0xDBFF).contains(&value);
                let valid = match value {
                    0xD800..=0xDBFF => {
                        let low = text[end..].strip_prefix("\\u").map(|_| hex(end + 2, 4).1);
                        matches!(low, Some(Some(0xDC00..=0xDFFF)))
                    }
                    0xDC00..=0xDFFF => false,
                    v => char::from_u32(v).is_some(),
                };
                if !valid {
                    return Some((start, end));
                }
                let read = if pair { len + 6 } else { len };
                for _ in 0..read {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    None
}

/// The file's text, read by lines.
struct Text<'a> {
    lines: &'a LineIndex<'a>,
}

/// One line of the file, without its line break.
#[derive(Clone, Copy)]
struct Line<'a> {
    /// Its first byte in the file.
    start: usize,
    text: &'a str,
}

impl<'a> Text<'a> {
    fn new(lines: &'a LineIndex<'a>) -> Self {
        Text { lines }
    }

    fn all(&self) -> &'a str {
        self.lines.text()
    }

    fn boundary(&self, at: usize) -> usize {
        let text = self.all();
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// Bytes `start..end` of the file, or nothing if they are not a piece of
    /// it: the explanations slice around the parser's position, and a
    /// position they did not expect must not make them panic.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.all().get(start..end).unwrap_or_default()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.all().get(at..)?.chars().next()
    }

    fn line_start(&self, at: usize) -> usize {
        self.all()[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The column (from 0, in characters) of byte `at`.
    fn column(&self, at: usize) -> usize {
        self.lines.span(at, at).column as usize - 1
    }

    fn line_number(&self, at: usize) -> usize {
        self.lines.span(at, at).line as usize
    }

    /// The line holding byte `at`.
    fn line(&self, at: usize) -> Line<'a> {
        let start = self.line_start(at);
        let rest = &self.all()[start..];
        let text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        Line {
            start,
            text: text.strip_suffix('\r').unwrap_or(text),
        }
    }

    /// The lines after the one starting at `line_start`.
    fn lines_after(&self, line_start: usize) -> impl Iterator<Item = Line<'a>> + '_ {
        let first = self.line(line_start);
        std::iter::successors(Some(first), move |line| {
            let next = line.start + self.all()[line.start..].find('\n')? + 1;
            (next <= self.all().len()).then(|| self.line(next))
        })
        .skip(1)
    }

    /// The lines before the one starting at `line_start`, nearest first.
    fn lines_before(&self, line_start: usize) -> impl Iterator<Item = Line<'a>> + '_ {
        std::iter::successors(Some(line_start), move |&start| {
            (start > 0).then(|| self.line_start(start - 1))
        })
        .skip(1)
        .map(|start| self.line(start))
    }

    /// The lines before the one starting at `line_start`, nearest first,
    /// without blank and comment lines.
    fn content_lines_before(&self, line_start: usize) -> impl Iterator<Item = Line<'a>> + '_ {
        self.lines_before(line_start)
            .filter(|line| !line.is_blank() && !line.is_comment())
    }

    fn content_before(&self, line_start: usize) -> Option<Line<'a>> {
        self.content_lines_before(line_start).next()
    }

    /// The line `line` is indented under: the nearest line above it whose
    /// field starts in a column before this line's first character.
    fn parent_of(&self, line: &Line) -> Option<Line<'a>> {
        self.content_lines_before(line.start)
            .find(|l| l.key_column() < line.indent())
    }

    /// The lines above `line` that each start further left than the ones
    /// between: the fields and items it may belong to, nearest first.
    fn ancestors(&self, line: &Line) -> Vec<Line<'a>> {
        let mut limit = usize::MAX;
        let mut found = Vec::new();
        for above in self.content_lines_before(line.start) {
            if above.key_column() < limit || above.indent() < limit {
                if above.indentation_tab().is_some() {
                    break;
                }
                found.push(above);
                limit = above.indent();
                if limit == 0 {
                    break;
                }
            }
        }
        found
    }

    /// How the value starting at `start` is written in quotes, as a help.
    fn quote_the_value(&self, start: usize) -> String {
        let line = self.line(start);
        let prefix = self.slice(line.start + line.indent(), start);
        let value = self.slice(start, line.start + line.text.len()).trim_end();
        format!(
            "if it is text, put the whole value in quotes: `{prefix}{}`",
            quoted(value)
        )
    }
}

impl<'a> Line<'a> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn is_comment(&self) -> bool {
        self.text.trim_start().starts_with('#')
    }

    /// How many spaces indent it.
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(' ').len()
    }

    /// Where its first field starts, after its indentation and any `- `.
    fn key_start(&self) -> usize {
        let mut i = self.indent();
        let bytes = self.text.as_bytes();
        while bytes.get(i) == Some(&b'-') && matches!(bytes.get(i + 1), Some(b' ' | b'\t') | None) {
            i += 1;
            while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        i
    }

    /// The column (from 0, in characters) where its first field starts.
    fn key_column(&self) -> usize {
        self.text[..self.key_start()].chars().count()
    }

    /// Whether it is a list item, `- …`.
    fn is_item(&self) -> bool {
        self.key_start() > self.indent()
    }

    /// Its field's name and the offset (in the line) of the colon after it.
    fn key(&self) -> Option<(&'a str, usize)> {
        let start = self.key_start();
        let rest = &self.text[start..];
        if rest.starts_with(['"', '\'', '[', '{', '#', '|', '>']) {
            return None;
        }
        let colon = rest
            .char_indices()
            .find(|&(i, c)| {
                c == ':' && rest[i + 1..].chars().next().is_none_or(char::is_whitespace)
            })?
            .0;
        let key = rest[..colon].trim_end();
        (!key.is_empty()).then_some((key, start + colon))
    }

    /// What follows its field's colon, without a comment, if anything does.
    fn value(&self) -> Option<&'a str> {
        let (_, colon) = self.key()?;
        let value = self.text[colon + 1..].trim();
        (!value.is_empty() && !value.starts_with('#')).then_some(value)
    }

    /// Whether its value is on the lines below it (`reviewed:`).
    fn opens_block(&self) -> bool {
        self.key().is_some() && self.value().is_none()
    }

    /// Whether its value is a block of text (`answer: |`, `intro: >-`).
    fn opens_block_scalar(&self) -> bool {
        self.value().is_some_and(|v| {
            let v = v.split(" #").next().unwrap_or(v).trim_end();
            v.starts_with(['|', '>']) && v[1..].chars().all(|c| matches!(c, '-' | '+' | '1'..='9'))
        })
    }

    /// The text of the line from byte `at` of the file.
    fn rest_from(&self, at: usize) -> &'a str {
        &self.text[at.saturating_sub(self.start).min(self.text.len())..]
    }

    /// The tabs in its indentation (before its first character that is not
    /// a space, a tab or a list's `- `), if it has content after them.
    fn indentation_tab(&self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut i = 0;
        let mut tab = None;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\t' => {
                    let start = tab.map_or(i, |(s, _)| s);
                    tab = Some((start, i + 1));
                }
                b' ' => {}
                b'-' if matches!(bytes.get(i + 1), Some(b' ' | b'\t')) => {}
                _ => break,
            }
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'#' {
            return None;
        }
        // The tabs up to the first one's run: what to replace.
        let (start, _) = tab?;
        let run = bytes[start..].iter().take_while(|&&b| b == b'\t').count();
        Some((self.start + start, self.start + start + run))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_escape_at_fault() {
        let cases = [
            (r#""C:\Users\me""#, Some(r"\U")),
            (r#""4\12""#, Some(r"\1")),
            (r#""\x4""#, Some(r"\x4")),
            (r#""\uD83D rises""#, Some(r"\uD83D")),
            (r#""\uD83D\uDE00 ok""#, None),
            (r#""\uDC00""#, Some(r"\uDC00")),
            (r#""\U00110000""#, Some(r"\U00110000")),
            (r#""a \" b \\ c \n \t \u00e9""#, None),
            (r#""ends" \q"#, None),
        ];
        for (text, expected) in cases {
            let found = bad_escape_in(text, 0).map(|(s, e)| &text[s..e]);
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn finds_the_closing_bracket() {
        let cases = [
            ("[a, b]", Some(5)),
            ("[a, [b], c] d", Some(10)),
            ("[a, \"]\", b]", Some(10)),
            ("[don't, x]", Some(9)),
            ("[a, 'x]' ", None),
            ("[a, b # ]\n", None),
            ("[a, b\n  c]", Some(9)),
        ];
        for (text, expected) in cases {
            assert_eq!(matching_close(text, 0), expected, "{text}");
        }
        // From the `{` the parser found closed by `]`: that `]`.
        assert_eq!(matching_close("[a, {c: d]", 4), Some(9));
    }

    #[test]
    fn quotes_with_the_marks_the_value_does_not_hold() {
        assert_eq!(quoted("Note: x"), "\"Note: x\"");
        assert_eq!(quoted(r"C:\x"), r#""C:\\x""#);
        assert_eq!(quoted("The \"slow\" one's"), "'The \"slow\" one''s'");
    }

    #[test]
    fn reads_lines_as_an_editor_writes_them() {
        let index = LineIndex::new("  - source: s\n\t- x\n  -\t- y\nanswer: |-\n");
        let text = Text::new(&index);
        let item = text.line(0);
        assert!(item.is_item());
        assert_eq!((item.indent(), item.key_column()), (2, 4));
        assert_eq!(item.key(), Some(("source", 10)));
        assert_eq!(item.indentation_tab(), None);
        assert_eq!(text.line(15).indentation_tab(), Some((14, 15)));
        assert_eq!(text.line(20).indentation_tab(), Some((22, 23)));
        assert!(text.line(27).opens_block_scalar());
    }
}
