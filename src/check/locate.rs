//! Where a piece of a field's value is in its file.
//!
//! A field's value is the YAML scalar after unquoting, unescaping and
//! unindenting, so a byte of the value is not at a fixed distance from the
//! field's start in the file. A [`Locator`] walks the value and the file's
//! text of the field side by side, matching each character of the value to
//! the next equal character of the file (white space to white space), and so
//! finds where a piece of the value was written. It moves forward only:
//! pieces asked for in order cost one walk of the field in all, however
//! many there are (20,000 links in one answer must not scan the answer
//! 20,000 times). A piece asked for before the previous one starts the walk
//! again. When the file's text is unknown or the walk loses its way, the
//! whole field's span stands in.

use std::ops::Range;

use crate::diagnostics::Span;

/// How far ahead in the file a character of the value is looked for: past
/// indentation, a line break, or an escape such as `\u00e9`.
const LOOKAHEAD: usize = 24;

/// Finds pieces of one field's value in the file's text.
pub struct Locator<'t> {
    value: &'t str,
    /// The field as written in the file (its span's bytes), if known.
    raw: Option<&'t str>,
    field: Span,
    cursor: Cursor,
}

/// A matched pair of places: `value` in the value, `raw` in the field as
/// written, and the line and column `raw` is at in the file.
#[derive(Clone, Copy)]
struct Cursor {
    value: usize,
    raw: usize,
    line: usize,
    column: usize,
}

impl<'t> Locator<'t> {
    /// `file_text` is the whole file; `field` is the span of `value` in it.
    pub fn new(file_text: Option<&'t str>, value: &'t str, field: Span) -> Self {
        let raw = file_text.and_then(|text| text.get(field.bytes()));
        Locator {
            value,
            raw,
            field,
            cursor: Self::start(field),
        }
    }

    fn start(field: Span) -> Cursor {
        Cursor {
            value: 0,
            raw: 0,
            line: field.line as usize,
            column: field.column as usize,
        }
    }

    /// Where bytes `range` of the value are in the file, or the field's span.
    pub fn locate(&mut self, range: Range<usize>) -> Span {
        let (Some(raw), Some(piece)) = (self.raw, self.value.get(range.clone())) else {
            return self.field;
        };
        if range.start < self.cursor.value {
            self.cursor = Self::start(self.field);
        }
        let start = self.advance_to(raw, range.start);
        // The end is found from a copy: the next piece may start before it.
        let mut walker = *self;
        let end = match piece.char_indices().next_back() {
            Some((offset, c)) => {
                let mut end = walker.advance_to(raw, range.start + offset);
                if let Some((at, len)) = find_ahead(raw, end.raw, c) {
                    let bytes = at + len - end.raw;
                    step(raw, &mut end, bytes);
                }
                end
            }
            None => start,
        };
        let written = &raw[start.raw..end.raw];
        if !same_words(written, piece) {
            return self.field; // An escape or a fold we could not follow.
        }
        let field_start = self.field.start as usize;
        Span::narrowed([
            start.line,
            start.column,
            end.line,
            end.column,
            field_start + start.raw,
            field_start + end.raw,
        ])
    }

    /// Moves the cursor to the value's byte `target` (at or after it) and
    /// returns it there: on the file's copy of the character at `target`.
    fn advance_to(&mut self, raw: &str, target: usize) -> Cursor {
        let mut at = self.cursor;
        while at.value < target {
            let Some(c) = self.value[at.value..].chars().next() else {
                break;
            };
            if let Some((found, len)) = find_ahead(raw, at.raw, c) {
                let bytes = found + len - at.raw;
                step(raw, &mut at, bytes);
            }
            at.value += c.len_utf8();
        }
        if let Some(c) = self.value[at.value..].chars().next()
            && let Some((found, _)) = find_ahead(raw, at.raw, c)
        {
            let bytes = found - at.raw;
            step(raw, &mut at, bytes);
        }
        self.cursor = at;
        at
    }
}

impl Clone for Locator<'_> {
    fn clone(&self) -> Self {
        *self
    }
}
impl Copy for Locator<'_> {}

/// Where in `raw`, at or after `from` and within [`LOOKAHEAD`] characters,
/// the character `c` of the value was written, and its length there; white
/// space matches white space (line folding, indentation). `None` for a
/// character written as an escape (`\"`, `\u00e9`).
fn find_ahead(raw: &str, from: usize, c: char) -> Option<(usize, usize)> {
    let rest = raw.get(from..)?;
    rest.char_indices()
        .take(LOOKAHEAD)
        .find(|(_, r)| *r == c || (c.is_whitespace() && r.is_whitespace()))
        .map(|(offset, r)| (from + offset, r.len_utf8()))
}

/// Moves `cursor.raw` forward by `bytes` of `raw`, counting lines and columns.
fn step(raw: &str, cursor: &mut Cursor, bytes: usize) {
    let end = cursor.raw + bytes;
    for c in raw[cursor.raw..end].chars() {
        if c == '\n' {
            cursor.line += 1;
            cursor.column = 1;
        } else {
            cursor.column += 1;
        }
    }
    cursor.raw = end;
}

/// The same text but for white space (a folded line is a space in the value).
fn same_words(written: &str, piece: &str) -> bool {
    written.split_whitespace().eq(piece.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineIndex;

    /// The span of `value`'s field in `file`, as the loader gives it.
    fn field(file: &str, written: &str) -> Span {
        let start = file.find(written).unwrap();
        LineIndex::new(file).span(start, start + written.len())
    }

    fn found(file: &str, span: Span) -> &str {
        &file[span.bytes()]
    }

    #[test]
    fn finds_pieces_of_a_block_scalar() {
        let file =
            "title: x\nanswer: |\n  First line with [[one]].\n  Second [[two]] and [[one]].\n";
        let value = "First line with [[one]].\nSecond [[two]] and [[one]].\n";
        let span = field(file, "First line");
        let span = Span {
            end: file.len() as u32,
            ..span
        };
        let mut locator = Locator::new(Some(file), value, span);
        let third = value.rfind("[[one]]").unwrap();
        let two = value.find("[[two]]").unwrap();
        let at = locator.locate(two..two + 7);
        assert_eq!(found(file, at), "[[two]]");
        assert_eq!((at.line, at.column), (4, 10));
        let at = locator.locate(third..third + 7);
        assert_eq!(found(file, at), "[[one]]");
        assert_eq!((at.line, at.column, at.end_column), (4, 22, 29));
        // Asked for out of order: found all the same.
        let at = locator.locate(16..23);
        assert_eq!(found(file, at), "[[one]]");
        assert_eq!(at.line, 3);
    }

    #[test]
    fn follows_escapes_and_folded_lines() {
        let file = "claim: \"She said \\\"four\\\" and\n  caf\\u00e9 five.\"\n";
        let value = "She said \"four\" and café five.";
        let span = field(file, "\"She");
        let span = Span {
            end: file.len() as u32 - 1,
            ..span
        };
        let mut locator = Locator::new(Some(file), value, span);
        let four = value.find("four").unwrap();
        assert_eq!(found(file, locator.locate(four..four + 4)), "four");
        let five = value.find("five").unwrap();
        let at = locator.locate(five..five + 4);
        assert_eq!(found(file, at), "five");
        assert_eq!(at.line, 2);
    }

    #[test]
    fn without_the_file_points_at_the_field() {
        let span = Span {
            line: 3,
            ..Span::default()
        };
        let mut locator = Locator::new(None, "text", span);
        assert_eq!(locator.locate(0..2), span);
    }
}
