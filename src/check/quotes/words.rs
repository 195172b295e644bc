//! Words and word boundaries in normalised text, as Unicode defines them.
//!
//! A boundary is a word boundary of Unicode's text segmentation (UAX #29,
//! through `unicode-segmentation`): `comfort` inside `discomfort` does not
//! start at one, and neither does `3` inside `3.5`, `1` inside `1,200` nor
//! `can` inside `can't` (UAX #29 keeps a full stop, comma or apostrophe
//! between letters or digits inside the word). Punctuation, spaces and
//! symbols are boundaries on both sides, so a quote may start or end with a
//! quote mark or a comma as long as the words inside it are whole.
//!
//! Deciding one boundary looks only at the characters around it: the four
//! characters that UAX #29's rules read when they are all ASCII, otherwise
//! the segmentation of a short window that starts at a space (where UAX #29
//! always breaks) or, in a long run without spaces, [`WINDOW`] bytes back.
//! So checking a match costs the same in a 64 MB archive as in a small one.
//!
//! This module answers questions about words; it must not decide whether a
//! quote is verified.

use unicode_segmentation::UnicodeSegmentation;

/// Bytes of context read either side of a position that is not plain ASCII.
const WINDOW: usize = 64;

/// Whether `at` (a character boundary of `text`) is a word boundary.
pub fn is_boundary(text: &str, at: usize) -> bool {
    if at == 0 || at >= text.len() {
        return true;
    }
    let bytes = text.as_bytes();
    let context = at.saturating_sub(2)..(at + 2).min(bytes.len());
    if bytes[context].is_ascii() {
        return ascii_is_boundary(bytes, at);
    }
    let mut start = floor_char_boundary(text, at.saturating_sub(WINDOW));
    if let Some(space) = text[start..at].rfind(' ') {
        start += space; // UAX #29 breaks after a space: segmenting from it is exact.
    }
    let mut end = ceil_char_boundary(text, (at + WINDOW).min(text.len()));
    if let Some(space) = text[at..end].find(' ') {
        end = at + space + 1;
    }
    text[start..end]
        .split_word_bound_indices()
        .any(|(i, _)| start + i == at)
}

/// UAX #29's word boundary rules (WB5–WB13b) for a position whose
/// neighbours, two either side, are ASCII: letters, digits and `_` join; a
/// `.` `'` `:` joins two letters, a `.` `'` `,` `;` joins two digits.
fn ascii_is_boundary(bytes: &[u8], at: usize) -> bool {
    let before = bytes[at - 1];
    let after = bytes[at];
    let before2 = at.checked_sub(2).map(|i| bytes[i]);
    let after2 = bytes.get(at + 1).copied();
    let letter = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphabetic());
    let digit = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_digit());
    let mid_letter = |b: u8| matches!(b, b':' | b'.' | b'\'');
    let mid_num = |b: u8| matches!(b, b',' | b';' | b'.' | b'\'');
    let word = |b: u8| b.is_ascii_alphanumeric();
    let joined = (word(before) && word(after))
        || (letter(Some(before)) && mid_letter(after) && letter(after2))
        || (letter(before2) && mid_letter(before) && letter(Some(after)))
        || (digit(Some(before)) && mid_num(after) && digit(after2))
        || (digit(before2) && mid_num(before) && digit(Some(after)))
        || (before == b'_' && (word(after) || after == b'_'))
        || (after == b'_' && word(before))
        || (before == b' ' && after == b' ');
    !joined
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The words of a text: UAX #29 words that hold a letter or a digit.
pub fn count(text: &str) -> usize {
    word_indices(text).count()
}

/// The UAX #29 words of `text` that hold a letter or a digit, with where
/// each starts: `unicode_word_indices`, word for word. Plain ASCII text (most
/// of a site's, and of its quotes) goes from one word to the next by the same
/// rules the crate applies to ASCII ([`ascii_is_boundary`]'s), instead of
/// making every space and punctuation mark a segment to be thrown away: the
/// evidence checks read every word of every field and quote this way.
pub fn word_indices(text: &str) -> WordIndices<'_> {
    if text.is_ascii() {
        WordIndices::Ascii { text, at: 0 }
    } else {
        WordIndices::Unicode(text.unicode_word_indices())
    }
}

/// The iterator of [`word_indices`].
pub enum WordIndices<'t> {
    /// Where the next word is looked for.
    Ascii {
        text: &'t str,
        at: usize,
    },
    Unicode(unicode_segmentation::UnicodeWordIndices<'t>),
}

impl<'t> Iterator for WordIndices<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<(usize, &'t str)> {
        let (text, at) = match self {
            WordIndices::Unicode(words) => return words.next(),
            WordIndices::Ascii { text, at } => (*text, at),
        };
        let bytes = text.as_bytes();
        // Letters, digits and `_` join (WB5, WB8-WB10, WB13a-b); so does a
        // `.` `'` `:` between letters (WB6-7) and a `.` `'` `,` `;` between
        // digits (WB11-12). Anything else is a segment of its own, no word.
        let joins = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let infix = |i: usize| {
            let (before, b, after) = (bytes[i - 1], bytes[i], bytes[i + 1]);
            (matches!(b, b'.' | b'\'' | b':')
                && before.is_ascii_alphabetic()
                && after.is_ascii_alphabetic())
                || (matches!(b, b'.' | b'\'' | b',' | b';')
                    && before.is_ascii_digit()
                    && after.is_ascii_digit())
        };
        loop {
            while *at < bytes.len() && !joins(bytes[*at]) {
                *at += 1;
            }
            if *at >= bytes.len() {
                return None;
            }
            let start = *at;
            *at += 1;
            while *at < bytes.len() && (joins(bytes[*at]) || (*at + 1 < bytes.len() && infix(*at)))
            {
                *at += 1;
            }
            let segment = &text[start..*at];
            // A run of `_` alone holds no letter or digit: no word.
            if segment.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return Some((start, segment));
            }
        }
    }
}

/// The piece of `text` around `at` that is not a word boundary on either
/// side (the longer word a match cut into), at most [`WINDOW`] bytes each way.
pub fn word_around(text: &str, at: usize) -> &str {
    let mut start = floor_char_boundary(text, at);
    let lower = floor_char_boundary(text, at.saturating_sub(WINDOW));
    while start > lower && !is_boundary(text, start) {
        start = floor_char_boundary(text, start - 1);
    }
    let mut end = ceil_char_boundary(text, at.max(start + 1).min(text.len()));
    let upper = ceil_char_boundary(text, (at + WINDOW).min(text.len()));
    while end < upper && !is_boundary(text, end) {
        end = ceil_char_boundary(text, end + 1);
    }
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every boundary of `text`, as `unicode-segmentation` finds them.
    fn reference(text: &str) -> Vec<usize> {
        let mut all: Vec<usize> = text.split_word_bound_indices().map(|(i, _)| i).collect();
        all.push(text.len());
        all
    }

    /// Calls `check` on every string of one to five bytes of `alphabet`.
    fn every_string(alphabet: &[u8], mut check: impl FnMut(&str)) {
        let mut text = Vec::new();
        for len in 1..=5u32 {
            for n in 0..alphabet.len().pow(len) {
                text.clear();
                let mut n = n;
                for _ in 0..len {
                    text.push(alphabet[n % alphabet.len()]);
                    n /= alphabet.len();
                }
                check(std::str::from_utf8(&text).unwrap());
            }
        }
    }

    #[test]
    fn ascii_rules_agree_with_unicode_segmentation() {
        // Every string of up to five characters over the characters the rules
        // treat differently.
        let alphabet = [
            b'a', b'Z', b'1', b'.', b'\'', b':', b',', b';', b'_', b' ', b'-', b'"',
        ];
        every_string(&alphabet, |text| {
            let expected = reference(text);
            for at in 0..=text.len() {
                assert_eq!(
                    is_boundary(text, at),
                    expected.contains(&at),
                    "{text:?} at {at}"
                );
            }
        });
    }

    #[test]
    fn word_indices_agree_with_unicode_segmentation() {
        // Every string of up to five characters over the characters the rules
        // treat differently, line breaks included, then some that are not ASCII.
        let alphabet = [
            b'a', b'Z', b'1', b'.', b'\'', b':', b',', b';', b'_', b' ', b'-', b'\r', b'\n',
        ];
        every_string(&alphabet, |text| {
            let expected: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            assert_eq!(word_indices(text).collect::<Vec<_>>(), expected, "{text:?}");
        });
        for text in [
            "Dr. O'Neil's e.g. 1,200.50 3.14 a:b 12;34 __ _x x_ don't.",
            "Le café d'Émile coûte 3,50 €.",
        ] {
            let expected: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            assert_eq!(word_indices(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn windows_agree_with_unicode_segmentation() {
        let texts = [
            "Le café d'Émile coûte 3,50 €.",
            "微针治疗后皮肤会发红。通常两天内消退。",
            "naïve\u{0301} co\u{0308}operate 🇫🇷🇩🇪 flags",
            "מה'ה a\u{200D}b 1٫5",
        ];
        for text in texts {
            let expected = reference(text);
            for (at, _) in text.char_indices() {
                assert_eq!(
                    is_boundary(text, at),
                    expected.contains(&at),
                    "{text:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn finds_the_word_a_match_cuts_into() {
        let text = "leading to discomfort, then";
        let at = text.find("comfort").unwrap();
        assert_eq!(word_around(text, at), "discomfort");
        assert_eq!(word_around("it costs 3.5 euros", 10), "3.5");
    }

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(count("\"There are no risks...,\""), 4);
        assert_eq!(count("4 to 12"), 3);
        assert_eq!(count(". , -"), 0);
    }
}
