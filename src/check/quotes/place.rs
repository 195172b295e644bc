//! Where a verified quote sits in its archive as written: its paragraph,
//! whether it starts and ends where a sentence does, whether it is a heading.
//!
//! A paragraph is a line of the archive: the text between two line breaks
//! (`\n`, `\r\n`, `\r`, U+2028 or U+2029), without them. A quote that runs
//! over a line break has the lines it touches as its paragraph. Sentences
//! end with `.` `!` `?` or `…` (closing quote marks and brackets may follow),
//! except after a title such as "Dr." or "e.g.".
//!
//! Paragraphs of all the quotes of an archive are found in one pass over
//! its line breaks; the sentence tests read at most [`LOOK`] bytes either side
//! of a quote. Nothing here searches for a quote.

use std::ops::Range;

/// Bytes read before or after a quote to see what surrounds it. Further than
/// this is so far from any other text that it counts as a break.
const LOOK: usize = 256;

/// Titles and abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: [&str; 10] = [
    "dr", "mr", "mrs", "ms", "prof", "st", "e.g", "i.e", "vs", "approx",
];

/// The paragraph of each range of `text`, in the same order, found in one
/// pass over the line breaks per end.
pub fn paragraphs(text: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut paragraphs = vec![0..text.len(); ranges.len()];
    let mut by_start: Vec<usize> = (0..ranges.len()).collect();
    by_start.sort_by_key(|&i| ranges[i].start);
    let mut breaks = line_breaks(text).peekable();
    let mut paragraph_start = 0;
    for i in by_start {
        while let Some(line_break) = breaks.next_if(|b| b.end <= ranges[i].start) {
            paragraph_start = line_break.end;
        }
        paragraphs[i].start = paragraph_start;
    }
    let mut by_end: Vec<usize> = (0..ranges.len()).collect();
    by_end.sort_by_key(|&i| ranges[i].end);
    let mut breaks = line_breaks(text).peekable();
    for i in by_end {
        while breaks.next_if(|b| b.start < ranges[i].end).is_some() {}
        paragraphs[i].end = breaks.peek().map_or(text.len(), |b| b.start);
    }
    paragraphs
}

/// The line breaks of `text`, in order; `\r\n` is one.
fn line_breaks(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'\n', b'\r', 0xE2, bytes).filter_map(move |i| match bytes[i] {
        b'\r' if bytes.get(i + 1) == Some(&b'\n') => Some(i..i + 2),
        b'\n' if i > 0 && bytes[i - 1] == b'\r' => None, // Part of the `\r\n` before it.
        b'\n' | b'\r' => Some(i..i + 1),
        // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR.
        _ if matches!(bytes.get(i + 1..i + 3), Some([0x80, 0xA8 | 0xA9])) => Some(i..i + 3),
        _ => None,
    })
}

/// Whether the quote at `range` starts where a sentence of the archive does:
/// at the start of its paragraph, or after a sentence's end.
pub fn starts_sentence(text: &str, range: &Range<usize>, paragraph: &Range<usize>) -> bool {
    let from = floor(text, range.start.saturating_sub(LOOK)).max(paragraph.start);
    let before =
        text[from..range.start].trim_end_matches(|c: char| c.is_whitespace() || is_opening(c));
    before.is_empty() || ends_sentence_mark(before)
}

/// Whether the quote at `range` ends where a sentence of the archive does:
/// with a sentence's end, before one, or at the end of its paragraph.
pub fn ends_sentence(text: &str, range: &Range<usize>, paragraph: &Range<usize>) -> bool {
    if ends_sentence_mark(&text[range.clone()]) {
        return true;
    }
    let to = ceil(text, range.end.saturating_add(LOOK)).min(paragraph.end);
    let after = text[range.end..to].trim_start_matches(is_closing);
    after.starts_with(['.', '!', '?', '…']) || after.trim_start().is_empty()
}

/// Whether the quote at `range` is its paragraph's whole text (but for
/// white space) and ends with no sentence punctuation, as a heading does.
pub fn is_whole_line_without_full_stop(
    text: &str,
    range: &Range<usize>,
    paragraph: &Range<usize>,
) -> bool {
    let before = &text[paragraph.start..range.start];
    let after = &text[range.end..paragraph.end];
    before.len() <= LOOK
        && after.len() <= LOOK
        && before.trim().is_empty()
        && after.trim().is_empty()
        && !text[range.clone()]
            .trim_end_matches(is_closing)
            .ends_with(['.', '!', '?', '…', ':', ';'])
}

/// Whether `text` ends a sentence: a terminator, then perhaps closing marks,
/// and not the full stop of a title ("Dr.").
fn ends_sentence_mark(text: &str) -> bool {
    let text = text.trim_end_matches(is_closing);
    if !text.ends_with(['.', '!', '?', '…']) {
        return false;
    }
    let last_word = text
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches('.')
        .to_lowercase();
    !(text.ends_with('.') && ABBREVIATIONS.contains(&last_word.as_str()))
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '„' | '‚' | '«' | '‹' | '(' | '[' | '{'
    )
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}')
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_of(text: &str, needle: &str) -> Range<usize> {
        let start = text.find(needle).unwrap();
        start..start + needle.len()
    }

    #[test]
    fn a_paragraph_is_a_line() {
        let text = "Heading\r\nFirst line.\nSecond\u{2029}Third line\n";
        let quotes = [
            range_of(text, "line"),
            range_of(text, "Heading"),
            range_of(text, "line.\nSecond"),
            range_of(text, "Third"),
        ];
        let found: Vec<&str> = paragraphs(text, &quotes)
            .into_iter()
            .map(|p| &text[p])
            .collect();
        assert_eq!(
            found,
            [
                "First line.",
                "Heading",
                "First line.\nSecond",
                "Third line"
            ]
        );
    }

    #[test]
    fn knows_where_sentences_start_and_end() {
        let text = "\"No risks,\" notes Dr. Katz. \"When it is done badly, there are risks.\" Then (it heals)";
        let paragraph = 0..text.len();
        let at = |needle: &str| {
            let range = range_of(text, needle);
            (
                starts_sentence(text, &range, &paragraph),
                ends_sentence(text, &range, &paragraph),
            )
        };
        assert_eq!(at("\"No risks,\""), (true, false));
        assert_eq!(at("notes Dr."), (false, false));
        assert_eq!(at("Katz"), (false, true));
        assert_eq!(at("When it is done badly"), (true, false));
        assert_eq!(at("there are risks"), (false, true));
        assert_eq!(at("there are risks.\""), (false, true));
        assert_eq!(at("it heals"), (false, true));
    }

    #[test]
    fn recognises_a_heading_line() {
        let text = "Risks of Microneedling\nIt is safe. Mostly.\n";
        let paragraph = |r: &Range<usize>| paragraphs(text, std::slice::from_ref(r))[0].clone();
        let heading = range_of(text, "Risks of Microneedling");
        assert!(is_whole_line_without_full_stop(
            text,
            &heading,
            &paragraph(&heading)
        ));
        let sentence = range_of(text, "It is safe. Mostly.");
        assert!(!is_whole_line_without_full_stop(
            text,
            &sentence,
            &paragraph(&sentence)
        ));
        let part = range_of(text, "Risks of");
        assert!(!is_whole_line_without_full_stop(
            text,
            &part,
            &paragraph(&part)
        ));
    }
}
