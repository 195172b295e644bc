//! The one normal form quotes and archives are compared in, with a map from
//! positions in the normal form back to positions in the text as written.
//!
//! Normalising: every run of white space becomes one space (none at either
//! end); typographic quotes, primes and dashes become their ASCII forms;
//! invisible format characters (soft hyphen, zero-width space, word joiner,
//! byte-order mark) are dropped; the result is in Unicode NFC, so `é` typed as
//! one character and as `e` plus a combining accent are the same.
//!
//! The text is processed in *units*: a character that starts a new NFC
//! segment (it has no combining class and never composes with what precedes
//! it) together with the characters that may compose with it. Units are
//! normalised independently, which gives exactly the NFC of the whole text,
//! and every unit knows the bytes of the original it came from. A checkpoint
//! `(normalised offset, original offset)` is kept at a unit start about every
//! [`CHECKPOINT_SPACING`] bytes, so mapping a position back re-reads at most
//! that much of the original: the map costs a few bytes per hundred bytes of
//! archive, however the archive is typeset.
//!
//! This module transforms text; it must not decide what matches.

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Normalised bytes between two checkpoints (at least; a checkpoint waits for
/// the next unit start that is not white space).
const CHECKPOINT_SPACING: usize = 256;

/// A text in normal form, and how to find its positions in the original.
pub struct Normalised {
    pub text: String,
    /// `(normalised offset, original offset)` of unit starts, ascending; the
    /// first is `(0, 0)`.
    checkpoints: Vec<(usize, usize)>,
}

impl Normalised {
    pub fn new(original: &str) -> Normalised {
        let mut text = String::with_capacity(original.len());
        let mut checkpoints = vec![(0, 0)];
        let mut walker = Walker::new(original, 0, false);
        let bytes = original.as_bytes();
        while walker.pos < original.len() {
            let last = checkpoints.last().map_or(0, |c| c.0);
            if text.len() >= last + CHECKPOINT_SPACING && walker.started {
                // A unit start after some output: a walk from here, told that
                // output has started, continues exactly as this one does.
                let c = original[walker.pos..].chars().next().unwrap_or(' ');
                if !c.is_whitespace() && !is_invisible(c) {
                    checkpoints.push((text.len(), walker.pos));
                }
            }
            // Fast path: printable ASCII that no following character composes
            // with is its own normal form. Stop before a checkpoint is due, and
            // leave the run's last character to the walker when non-ASCII
            // follows it (it may be the base of a combining accent).
            let run_end = bytes[walker.pos..]
                .iter()
                .position(|b| !b.is_ascii_graphic())
                .map_or(bytes.len(), |i| walker.pos + i);
            let mut end = run_end.min(walker.pos + CHECKPOINT_SPACING);
            if end == run_end && end > walker.pos && end < bytes.len() && !bytes[end].is_ascii() {
                end -= 1;
            }
            if end > walker.pos {
                text.push_str(&original[walker.pos..end]);
                walker.pos = end;
                walker.started = true;
                continue;
            }
            // Fast path: one space between two words stays one space.
            if bytes[walker.pos] == b' '
                && walker.started
                && bytes.get(walker.pos + 1).is_some_and(u8::is_ascii_graphic)
            {
                text.push(' ');
                walker.pos += 1;
                continue;
            }
            walker.unit(&mut text);
        }
        Normalised { text, checkpoints }
    }

    /// Where the text that became `self.text[at..]` starts in `original`.
    /// `at` is a character boundary of `self.text`; inside a unit that NFC
    /// changed (a composed accent), the unit's start.
    pub fn original_start(&self, original: &str, at: usize) -> usize {
        self.map_back(original, at, true)
    }

    /// Where the text that became `self.text[..at]` ends in `original`.
    pub fn original_end(&self, original: &str, at: usize) -> usize {
        self.map_back(original, at, false)
    }

    fn map_back(&self, original: &str, at: usize, is_start: bool) -> usize {
        // An end is found by walking the unit that ends there: start from a
        // checkpoint strictly before it.
        let i = if is_start {
            self.checkpoints.partition_point(|c| c.0 <= at)
        } else {
            self.checkpoints.partition_point(|c| c.0 < at)
        };
        let (mut position, start) = self.checkpoints[i.saturating_sub(1)];
        let mut walker = Walker::new(original, start, position > 0);
        let mut scratch = String::new();
        let mut last_end = start;
        while walker.pos < original.len() {
            let unit_start = walker.pos;
            // Most of an archive is bytes that are each a unit of their own
            // and their own normal form: a run of them maps byte for byte.
            let run = walker.one_to_one_run();
            if run > 0 {
                let run_end = position + run;
                if is_start && at < run_end {
                    return unit_start + (at - position);
                }
                if !is_start && at <= run_end {
                    return if at > position {
                        unit_start + (at - position)
                    } else {
                        last_end
                    };
                }
                position = run_end;
                walker.pos += run;
                walker.started = true;
                last_end = walker.pos;
                continue;
            }
            scratch.clear();
            walker.unit(&mut scratch);
            if scratch.is_empty() {
                continue; // Dropped characters are part of no range.
            }
            let unit_end = position + scratch.len();
            if is_start && at < unit_end {
                return unit_start;
            }
            if !is_start && at <= unit_end {
                return if at > position { walker.pos } else { last_end };
            }
            position = unit_end;
            last_end = walker.pos;
        }
        if is_start { original.len() } else { last_end }
    }

    /// The range of `original` that became `self.text[range]`.
    pub fn original_range(&self, original: &str, range: Range<usize>) -> Range<usize> {
        let start = self.original_start(original, range.start);
        let end = self.original_end(original, range.end).max(start);
        start..end
    }
}

/// Normalises a short text (a quote) with no map back.
pub fn normalise(text: &str) -> String {
    Normalised::new(text).text
}

/// Reads the original unit by unit.
struct Walker<'t> {
    original: &'t str,
    pos: usize,
    /// Whether anything has been output yet (white space before it is dropped).
    started: bool,
    /// The characters of a unit that NFC must see together.
    unit_chars: Vec<char>,
}

impl<'t> Walker<'t> {
    fn new(original: &'t str, pos: usize, started: bool) -> Self {
        Walker {
            original,
            pos,
            started,
            unit_chars: Vec::new(),
        }
    }

    /// How many bytes from here are each a unit of one byte that is its
    /// own normal form, as [`Walker::unit`] would find them one by one:
    /// printable ASCII that no following character composes with, and a
    /// single space between two pieces of text.
    fn one_to_one_run(&self) -> usize {
        let bytes = self.original.as_bytes();
        let mut started = self.started;
        let mut at = self.pos;
        while let Some(&byte) = bytes.get(at) {
            let next = bytes.get(at + 1);
            if byte.is_ascii_graphic() {
                if next.is_some_and(|n| !n.is_ascii()) {
                    break; // It may be the base of a combining accent.
                }
                started = true;
            } else if !(byte == b' ' && started && next.is_some_and(u8::is_ascii_graphic)) {
                break;
            }
            at += 1;
        }
        at - self.pos
    }

    /// Appends the normal form of the next unit to `out` and moves past it.
    fn unit(&mut self, out: &mut String) {
        let rest = &self.original[self.pos..];
        let mut chars = rest.char_indices();
        let Some((_, first)) = chars.next() else {
            return;
        };
        if first.is_whitespace() || is_invisible(first) {
            // White space and invisible characters as one run: a space if it
            // separates two pieces of text, nothing at either end.
            let mut has_space = first.is_whitespace();
            let mut end = rest.len();
            for (i, c) in chars {
                if c.is_whitespace() {
                    has_space = true;
                } else if !is_invisible(c) {
                    end = i;
                    break;
                }
            }
            self.pos += end;
            if has_space && self.started && self.pos < self.original.len() {
                out.push(' ');
            }
            return;
        }
        let mut end = rest.len();
        self.unit_chars.clear();
        self.unit_chars.push(ascii_form(first));
        for (i, c) in chars {
            if starts_unit(c) {
                end = i;
                break;
            }
            self.unit_chars.push(ascii_form(c));
        }
        self.pos += end;
        self.started = true;
        if self.unit_chars.len() == 1 && starts_unit(first) {
            out.push(self.unit_chars[0]); // Alone and stable under NFC.
        } else {
            out.extend(self.unit_chars.iter().copied().nfc());
        }
    }
}

/// Whether NFC may start afresh at `c`: nothing before it can compose with it
/// or be reordered past it (no combining class, NFC quick check "yes").
fn starts_unit(c: char) -> bool {
    c.is_ascii()
        || (canonical_combining_class(c) == 0
            && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes)
}

/// Characters that are invisible in running text and only hint at line
/// breaking: dropped, so a quote matches an archive that has them.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Typographic quotes, primes and dashes as the ASCII an editor types.
fn ascii_form(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_space_and_maps_typography() {
        assert_eq!(normalise("  a \n\t b “c” – ‘d’ "), "a b \"c\" - 'd'");
        assert_eq!(normalise("soft\u{00AD}hyphen \u{FEFF}"), "softhyphen");
        assert_eq!(normalise("\u{200B} \n"), "");
    }

    #[test]
    fn composes_accents() {
        assert_eq!(normalise("cafe\u{0301}"), "caf\u{00E9}");
        assert_eq!(normalise("caf\u{00E9}"), "caf\u{00E9}");
        // Reordered combining marks, Hangul jamo, a singleton decomposition.
        assert_eq!(
            normalise("a\u{0323}\u{0302}"),
            "a\u{0323}\u{0302}".nfc().collect::<String>()
        );
        assert_eq!(normalise("\u{1100}\u{1161}\u{11A8}"), "\u{AC01}");
        assert_eq!(normalise("\u{2126}"), "\u{03A9}");
    }

    #[test]
    fn is_nfc_of_the_whole_text_however_it_is_cut() {
        // Units normalised one by one give the NFC of the whole text.
        let pieces = [
            "e", "\u{0301}", "\u{0323}", "a", " ", "\u{1100}", "\u{1161}", "\u{11A8}", "Å",
            "\u{212B}", "ﬁ", "q", "\u{0307}", "“", "\n", "x", "\u{0958}", "\u{093C}", "é",
        ];
        let mut seed = 7u32;
        for _ in 0..500 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            let expected: String = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('“', "\"")
                .nfc()
                .collect();
            assert_eq!(normalise(&text), expected, "{text:?}");
        }
    }

    #[test]
    fn maps_positions_back_to_the_original() {
        let original = "  The “cafe\u{0301}”\r\n\r\n  is   open – daily.";
        let n = Normalised::new(original);
        assert_eq!(n.text, "The \"caf\u{00E9}\" is open - daily.");
        let find = |needle: &str| {
            let start = n.text.find(needle).unwrap();
            &original[n.original_range(original, start..start + needle.len())]
        };
        assert_eq!(find("The"), "The");
        assert_eq!(find("\"caf\u{00E9}\""), "“cafe\u{0301}”");
        assert_eq!(
            find("caf\u{00E9}\" is open"),
            "cafe\u{0301}”\r\n\r\n  is   open"
        );
        assert_eq!(find("- daily."), "– daily.");
    }

    #[test]
    fn every_mapped_range_normalises_to_what_it_was_mapped_from() {
        let pieces = [
            "ab",
            " ",
            "  ",
            "\u{00A0}",
            "\r\n",
            "“",
            "”",
            "—",
            "e\u{0301}",
            "a\u{0334}",
            "\u{00AD}",
            "微",
            "é",
            "x.",
            "\u{FEFF}",
            "\u{1100}\u{1161}",
            "q",
        ];
        let mut seed = 11u32;
        for round in 0..300 {
            // Every tenth text is long enough to have checkpoints; of those,
            // a sample of the ranges is checked.
            let (length, step) = if round % 10 == 0 { (600, 13) } else { (40, 1) };
            let mut original = String::new();
            for _ in 0..length {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                original.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            let n = Normalised::new(&original);
            let text = n.text.as_str();
            // Starts at an ASCII character (always the first of its unit);
            // ends before an ASCII character or at the end (a unit's end).
            let starts: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.is_ascii_graphic())
                .map(|(i, _)| i)
                .collect();
            let ends: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .filter(|&i| {
                    i > 0
                        && !text[..i].ends_with(' ')
                        && text[i..].chars().next().is_none_or(|c| c.is_ascii())
                })
                .collect();
            assert!(length < 600 || n.checkpoints.len() > 2);
            for &start in starts.iter().step_by(step) {
                for &end in ends.iter().filter(|&&e| e > start).step_by(step) {
                    let range = n.original_range(&original, start..end);
                    assert_eq!(
                        normalise(&original[range.clone()]),
                        &text[start..end],
                        "{original:?} {start}..{end} -> {range:?}"
                    );
                }
            }
        }
    }

    /// [`Normalised::map_back`] as it was before runs of bytes were mapped
    /// at once: unit by unit from the checkpoint.
    fn map_back_unit_by_unit(n: &Normalised, original: &str, at: usize, is_start: bool) -> usize {
        let i = if is_start {
            n.checkpoints.partition_point(|c| c.0 <= at)
        } else {
            n.checkpoints.partition_point(|c| c.0 < at)
        };
        let (mut position, start) = n.checkpoints[i.saturating_sub(1)];
        let mut walker = Walker::new(original, start, position > 0);
        let mut scratch = String::new();
        let mut last_end = start;
        while walker.pos < original.len() {
            let unit_start = walker.pos;
            scratch.clear();
            walker.unit(&mut scratch);
            if scratch.is_empty() {
                continue;
            }
            let unit_end = position + scratch.len();
            if is_start && at < unit_end {
                return unit_start;
            }
            if !is_start && at <= unit_end {
                return if at > position { walker.pos } else { last_end };
            }
            position = unit_end;
            last_end = walker.pos;
        }
        if is_start { original.len() } else { last_end }
    }

    #[test]
    fn runs_map_back_as_their_units_one_by_one_do() {
        let pieces = [
            "ab",
            " ",
            "  ",
            "x.",
            "\r\n",
            "“",
            "e\u{0301}",
            "\u{00AD}",
            "é",
            "q",
            "\u{00A0}",
            "Z",
            "7 ",
            " -",
        ];
        let mut seed = 3u32;
        for round in 0..200 {
            let length = if round % 10 == 0 { 400 } else { 30 };
            let mut original = String::new();
            for _ in 0..length {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                original.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            let n = Normalised::new(&original);
            let positions = (n.text.char_indices().map(|(i, _)| i)).chain([n.text.len()]);
            for at in positions {
                for is_start in [true, false] {
                    assert_eq!(
                        n.map_back(&original, at, is_start),
                        map_back_unit_by_unit(&n, &original, at, is_start),
                        "{original:?} at {at}, start: {is_start}"
                    );
                }
            }
        }
    }

    #[test]
    fn maps_positions_far_into_a_long_text() {
        let mut original = String::new();
        for i in 0..2000 {
            original.push_str(&format!("word{i}\u{00A0}\u{00A0}“x”\n"));
        }
        let n = Normalised::new(&original);
        assert!(n.checkpoints.len() > 10);
        for i in [0, 1, 777, 1999] {
            let needle = format!("word{i} \"x\"");
            let start = n.text.find(&needle).unwrap();
            let range = n.original_range(&original, start..start + needle.len());
            assert_eq!(&original[range], format!("word{i}\u{00A0}\u{00A0}“x”"));
        }
    }
}
