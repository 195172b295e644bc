//! Passages: the places in each source's archive that the site quotes, each
//! once, with everything that cites it, the part of the source's page it is
//! shown on, a stable anchor, and its text fragment in the original.
//!
//! Built once per build from where `check` found each quote
//! ([`Located`]); nothing here searches for a quote again. A passage is one
//! range of the archive: quotes written differently (white space, curly
//! marks) that check found at the same place are one passage.
//!
//! Two choices keep links stable when unrelated content changes:
//!
//! - a passage's anchor is derived from its words ([`anchor`]), not from its
//!   number on the page;
//! - the part of the source's page a passage is shown on depends only on
//!   where its paragraph starts in the archive ([`PART_BYTES`]), not on how
//!   many other passages there are, so quoting one more sentence never moves
//!   other passages to another page.
//!
//! This module decides what is quoted where; it must not format anything
//! for a page (render does).

use std::fmt::Write as _;
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use sha2::{Digest, Sha256};

use crate::check::quotes::{Found, Located};
use crate::model::Source;
use crate::urls::TextFragments;

/// Each part of a source's page shows the passages that start in one run of
/// this many bytes of its archive (part 1 the first run). On the
/// 10,000-question benchmark (sources of about 20 kB quoted about 3,000
/// times each, ~2,000 distinct passages) that is about ten parts of
/// 150–200 kB of HTML each, against one page of 1.3 MB before; a short
/// source is one page.
pub const PART_BYTES: usize = 2048;

/// A quote of at most this many words links to the original with all its
/// words; a longer one with its first and last few (`text=start,end`).
const WHOLE_QUOTE_WORDS: usize = 8;

/// The fewest words the start or the end of a text directive has: fewer
/// would match almost anywhere.
const DIRECTIVE_MIN_WORDS: usize = 3;

/// The most words the start or the end of a text directive has. A passage
/// whose first (or last) this many words occur earlier in the archive too
/// is given whole if it is not longer than [`WHOLE_QUOTE_FALLBACK_WORDS`],
/// and otherwise linked without a text fragment.
const DIRECTIVE_MAX_WORDS: usize = 12;
const WHOLE_QUOTE_FALLBACK_WORDS: usize = 40;

/// Places of a run of three words kept at most: a run found more often
/// (a degenerate archive, "a a a a…") is taken to occur everywhere, so the
/// work per passage stays bounded.
const MAX_PLACES: usize = 10_000;

/// One quoted place in an archive.
#[derive(Clone, Debug)]
pub struct Passage<'a> {
    /// The id of its element on the source's page: `passage-` and the start
    /// of a hash of its words, so the same words keep the same id however
    /// the rest of the site changes.
    pub anchor: String,
    /// Where it is, as check found it.
    pub found: Found,
    /// Its words as written in the archive, white space collapsed: what the
    /// site shows as the quote.
    pub text: String,
    /// The part of the source's page it is shown on (1 is the source's own page).
    pub part: usize,
    /// The ids of the questions and cautions quoting it, each once, in the
    /// site's reading order (questions first).
    pub citing: Vec<&'a str>,
    /// A link to the passage in the original (the source's `url` with a text
    /// fragment), if the source has a `url`.
    pub original: Option<String>,
}

/// The quoted passages of one source.
#[derive(Clone, Debug, Default)]
pub struct SourcePassages<'a> {
    /// In the archive's order.
    pub passages: Vec<Passage<'a>>,
    /// The parts that show at least one passage, in order.
    pub parts: Vec<usize>,
    /// The passage of each quote, by the quote's text as written.
    by_text: FxHashMap<&'a str, usize>,
}

impl<'a> SourcePassages<'a> {
    /// The passage quoted by a quote of this source written as `text`.
    pub fn get(&self, text: &str) -> Option<&Passage<'a>> {
        self.index(text).map(|i| &self.passages[i])
    }

    /// Where in [`SourcePassages::passages`] the passage quoted by a quote
    /// written as `text` is: for what render works out once per passage.
    pub fn index(&self, text: &str) -> Option<usize> {
        self.by_text.get(text).copied()
    }
}

/// A quote of a source, and who quotes it.
pub struct Citation<'a> {
    pub text: &'a str,
    /// A question's or a caution's id.
    pub by: &'a str,
}

/// A place in an archive while passages are gathered: where, and the ids
/// of what quotes it.
type Place<'a> = (Found, Vec<&'a str>);

/// What a passage shows that takes work to find, worked out from the
/// source's archive, its `url` and the places quoted in it, and nothing
/// else (see [`Kept`]).
#[derive(Clone, Debug)]
struct Worked {
    anchor: String,
    text: String,
    original: Option<String>,
}

/// A source's worked-out passages, kept by the preview for its next build
/// together with everything they were worked out from: reused only when
/// all of it is equal, compared in full (see [`of_source`]).
#[derive(Debug)]
pub struct Kept {
    archive: String,
    url: Option<String>,
    places: Vec<Found>,
    worked: Vec<Worked>,
}

/// The passages of `source`, from its `citations` in reading order.
///
/// With `kept` (the preview's slot for this source): what it holds is
/// reused if it was worked out from this archive, `url` and places, and
/// otherwise replaced by what this build works out. A one-off build passes
/// `None` and keeps nothing.
pub fn of_source<'a>(
    source: &'a Source,
    citations: &[Citation<'a>],
    located: &Located,
    kept: Option<&mut Option<Kept>>,
) -> SourcePassages<'a> {
    let Some(archive) = source.archive_text.as_deref() else {
        return SourcePassages::default();
    };
    let id = source.origin.id.as_str();
    // Each verified citation where check found it, in reading order (one
    // not verified is left out: check has reported it), then by place: the
    // sort is stable, so each place's citations stay in reading order.
    let mut found: Vec<(&Found, &Citation<'a>)> = (citations.iter())
        .filter_map(|citation| Some((located.get(id, citation.text)?, citation)))
        .collect();
    found.sort_by_key(|(found, _)| (found.range.start, found.range.end));
    // Distinct places, in the archive's order, each with its citations;
    // each quote's text with the index of its place.
    let mut places: Vec<Place<'a>> = Vec::new();
    let mut by_text = FxHashMap::default();
    by_text.reserve(found.len());
    for (found, citation) in found {
        match places.last_mut() {
            Some((place, citing)) if place.range == found.range => {
                if !citing.contains(&citation.by) {
                    citing.push(citation.by);
                }
            }
            _ => places.push((found.clone(), vec![citation.by])),
        }
        by_text.insert(citation.text, places.len() - 1);
    }
    let url = source.url.as_ref().map(|url| url.value.as_str());
    let worked = match kept {
        None => work_out(archive, url, &places),
        Some(slot) => match slot {
            Some(kept)
                if kept.archive == archive
                    && kept.url.as_deref() == url
                    && kept.places.len() == places.len()
                    && (kept.places.iter()).zip(&places).all(|(k, p)| *k == p.0) =>
            {
                kept.worked.clone()
            }
            _ => {
                let worked = work_out(archive, url, &places);
                *slot = Some(Kept {
                    archive: archive.to_string(),
                    url: url.map(str::to_string),
                    places: places.iter().map(|p| p.0.clone()).collect(),
                    worked: worked.clone(),
                });
                worked
            }
        },
    };
    let mut passages = Vec::with_capacity(places.len());
    for ((found, citing), worked) in places.into_iter().zip(worked) {
        passages.push(Passage {
            anchor: worked.anchor,
            text: worked.text,
            part: found.range.start / PART_BYTES + 1,
            found,
            citing,
            original: worked.original,
        });
    }
    let mut parts: Vec<usize> = passages.iter().map(|p| p.part).collect();
    parts.dedup();
    SourcePassages {
        passages,
        parts,
        by_text,
    }
}

/// Each place's anchor, words and link to the original: the costly part
/// of a source's passages, a function of `archive`, `url` and the places'
/// ranges alone.
fn work_out(archive: &str, url: Option<&str>, places: &[Place]) -> Vec<Worked> {
    let words = (url.is_some() && !places.is_empty()).then(|| {
        let ranges: Vec<Range<usize>> = places.iter().map(|p| p.0.range.clone()).collect();
        Words::new(archive, &ranges)
    });
    // The source's `url` is read once for all its passages' links.
    let fragments = url.and_then(TextFragments::new);
    let mut anchors = FxHashSet::default();
    places
        .iter()
        .map(|(found, _)| {
            let text = collapse_white_space(&archive[found.range.clone()]);
            let original = match (url, &words) {
                (Some(url), Some(words)) => Some(
                    (words.directive(&found.range))
                        .and_then(|(start, end)| fragments.as_ref()?.link(&start, end.as_deref()))
                        .unwrap_or_else(|| url.to_string()),
                ),
                _ => None,
            };
            Worked {
                anchor: unique(anchor_of_collapsed(&text), &mut anchors),
                text,
                original,
            }
        })
        .collect()
}

/// The anchor of a passage with these words: stable as long as they are.
#[cfg(test)]
fn anchor(words: &str) -> String {
    anchor_of_collapsed(&collapse_white_space(words))
}

/// The anchor of a passage with these words, their white space collapsed
/// already (as [`collapse_white_space`] does): stable as long as they are.
fn anchor_of_collapsed(words: &str) -> String {
    let hash = Sha256::digest(words.as_bytes());
    let mut anchor = String::with_capacity("passage-".len() + 10);
    anchor.push_str("passage-");
    for byte in &hash[..5] {
        let _ = write!(anchor, "{byte:02x}");
    }
    anchor
}

/// `anchor`, or if another passage of the page has it (two different texts
/// whose hashes begin alike, most unlikely), the same with a number.
fn unique(anchor: String, taken: &mut FxHashSet<String>) -> String {
    if !taken.contains(&anchor) {
        taken.insert(anchor.clone());
        return anchor;
    }
    let mut number = 2;
    loop {
        let candidate = format!("{anchor}-{number}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        number += 1;
    }
}

/// `text` with each run of white space (line breaks included) one space,
/// at its ends too (so that pieces of a paragraph join as the whole would).
pub fn collapse_white_space(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Runs of other characters are copied whole, not a character at a time.
    let mut run_start: Option<usize> = None;
    let mut in_space = false;
    let mut at = 0;
    while at < bytes.len() {
        // Most text is ASCII: its white space is told by the byte.
        let (is_space, width) = match bytes[at] {
            byte if byte.is_ascii() => (matches!(byte, b'\t'..=b'\r' | b' '), 1),
            _ => {
                let c = text[at..].chars().next().unwrap_or_default();
                (c.is_whitespace(), c.len_utf8())
            }
        };
        if is_space {
            if let Some(start) = run_start.take() {
                out.push_str(&text[start..at]);
            }
            in_space = true;
        } else if run_start.is_none() {
            if in_space {
                out.push(' ');
                in_space = false;
            }
            run_start = Some(at);
        }
        at += width;
    }
    if let Some(start) = run_start {
        out.push_str(&text[start..]);
    }
    if in_space {
        out.push(' ');
    }
    out
}

/// An archive's words (Unicode's word boundaries), compared without case,
/// and the places of the runs of three words that can begin a text
/// directive of its passages: enough to choose words that find a passage
/// and nothing before it, in time and memory linear in the archive.
struct Words<'t> {
    text: &'t str,
    /// Each word's bytes in the archive (archives are far below 4 GB).
    spans: Vec<(u32, u32)>,
    /// Each word as a number; equal numbers are equal words, ignoring case.
    keys: Vec<u32>,
    /// Where each run of three words that may begin a passage's directive
    /// occurs (word indices, ascending, at most [`MAX_PLACES`]).
    trigrams: FxHashMap<[u32; 3], Vec<u32>>,
}

impl<'t> Words<'t> {
    /// The words of `text`, for the passages at `ranges`.
    fn new(text: &'t str, ranges: &[Range<usize>]) -> Self {
        let mut numbers: FxHashMap<String, u32> = FxHashMap::default();
        // About one word in six bytes of prose: sized once, not doubled
        // again and again.
        let mut spans = Vec::with_capacity(text.len() / 6);
        let mut keys = Vec::with_capacity(text.len() / 6);
        for (at, word) in crate::check::quotes::word_indices(text) {
            let next = numbers.len() as u32;
            let key = match numbers.get(word) {
                Some(&key) => key,
                None => *numbers.entry(word.to_lowercase()).or_insert(next),
            };
            spans.push((at as u32, (at + word.len()) as u32));
            keys.push(key);
        }
        // Each passage's start, and up to the most words a directive's end
        // has.
        let mut trigrams = FxHashMap::default();
        trigrams.reserve(ranges.len() * (DIRECTIVE_MAX_WORDS - DIRECTIVE_MIN_WORDS + 2));
        let mut words = Words {
            text,
            spans,
            keys,
            trigrams,
        };
        // The runs that can begin a directive's start (a passage's first
        // words) or its end (its last few).
        for range in ranges {
            let (first, end) = words.word_range(range);
            let count = end.saturating_sub(first);
            if count < DIRECTIVE_MIN_WORDS {
                continue;
            }
            let ends = (DIRECTIVE_MIN_WORDS..=count.min(DIRECTIVE_MAX_WORDS)).map(|k| end - k);
            for at in std::iter::once(first).chain(ends) {
                let key = words.trigram(at);
                words.trigrams.entry(key).or_default();
            }
        }
        for at in 0..words.keys.len().saturating_sub(2) {
            let key = words.trigram(at);
            if let Some(places) = words.trigrams.get_mut(&key)
                && places.len() < MAX_PLACES
            {
                places.push(at as u32);
            }
        }
        words
    }

    fn trigram(&self, at: usize) -> [u32; 3] {
        [self.keys[at], self.keys[at + 1], self.keys[at + 2]]
    }

    /// The words wholly inside `range`: the first, and one past the last.
    fn word_range(&self, range: &Range<usize>) -> (usize, usize) {
        let first = self.spans.partition_point(|s| (s.0 as usize) < range.start);
        let end = self.spans.partition_point(|s| (s.1 as usize) <= range.end);
        (first, end.max(first))
    }

    /// The start and maybe end of a text directive for the passage at
    /// `range`: its whole words if it is short, else its first and last few,
    /// as few as make the browser find this passage: no earlier place starts
    /// with the same words, and no place between them ends with the end's.
    /// `None` when no such words are found and the passage is too long to
    /// give whole.
    fn directive(&self, range: &Range<usize>) -> Option<(String, Option<String>)> {
        let (first, end) = self.word_range(range);
        let count = end - first;
        if count == 0 {
            return None;
        }
        let whole =
            || (count <= WHOLE_QUOTE_FALLBACK_WORDS).then(|| (self.phrase(first, end), None));
        if count <= WHOLE_QUOTE_WORDS {
            return whole();
        }
        let Some(start_words) = self.unique_start(first, count) else {
            return whole();
        };
        let after_start = first + start_words;
        let Some(end_words) = (DIRECTIVE_MIN_WORDS
            ..=(count - start_words).min(DIRECTIVE_MAX_WORDS))
            .find(|&k| !self.occurs_between(end - k, k, after_start..end - k))
        else {
            return whole();
        };
        Some((
            self.phrase(first, after_start),
            Some(self.phrase(end - end_words, end)),
        ))
    }

    /// The fewest words from word `first` (of a passage of `count`) that
    /// occur nowhere before it, leaving at least three words for the end.
    fn unique_start(&self, first: usize, count: usize) -> Option<usize> {
        let places = self.trigrams.get(&self.trigram(first))?;
        if places.len() >= MAX_PLACES {
            return None; // Too common to tell.
        }
        let mut earlier: Vec<usize> = places
            .iter()
            .map(|&p| p as usize)
            .take_while(|&p| p < first)
            .collect();
        let longest = (count - DIRECTIVE_MIN_WORDS).min(DIRECTIVE_MAX_WORDS);
        for k in DIRECTIVE_MIN_WORDS..=longest {
            // Each earlier place that still reads the same for k words.
            earlier.retain(|&p| self.keys.get(p + k - 1) == Some(&self.keys[first + k - 1]));
            if earlier.is_empty() {
                return Some(k);
            }
        }
        None
    }

    /// Whether the `length` words from word `at` also start at some word
    /// in `starts`.
    fn occurs_between(&self, at: usize, length: usize, starts: Range<usize>) -> bool {
        let phrase = &self.keys[at..at + length];
        let Some(places) = self.trigrams.get(&self.trigram(at)) else {
            return false;
        };
        if places.len() >= MAX_PLACES {
            return true; // Too common to tell.
        }
        let from = places.partition_point(|&p| (p as usize) < starts.start);
        places[from..]
            .iter()
            .map(|&p| p as usize)
            .take_while(|&p| p < starts.end)
            .any(|p| self.keys.get(p..p + length) == Some(phrase))
    }

    /// The archive's text from word `from` to the end of word `to - 1`.
    fn phrase(&self, from: usize, to: usize) -> String {
        let (start, end) = (self.spans[from].0, self.spans[to - 1].1);
        collapse_white_space(&self.text[start as usize..end as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_runs_become_one_space_at_the_ends_too() {
        let cases = [
            ("", ""),
            ("one", "one"),
            ("  one  two\n\tthree ", " one two three "),
            ("a\u{a0}\u{2003}b", "a b"),
            ("\n", " "),
            ("wörd \r\n ünïcode…", "wörd ünïcode…"),
            ("x  ", "x "),
        ];
        for (text, collapsed) in cases {
            assert_eq!(collapse_white_space(text), collapsed, "{text:?}");
        }
    }

    fn directive(text: &str, quote: &str) -> Option<(String, Option<String>)> {
        let start = text.rfind(quote).unwrap();
        let range = start..start + quote.len();
        Words::new(text, std::slice::from_ref(&range)).directive(&range)
    }

    #[test]
    fn a_short_quote_is_its_own_directive() {
        assert_eq!(
            directive(
                "Intro. “It is safe,” she said.\n",
                "“It is safe,” she said."
            ),
            Some(("It is safe,” she said".into(), None))
        );
    }

    #[test]
    fn a_long_quote_takes_as_few_words_as_find_it_first() {
        let text =
            "one two three four. one two three four five six seven eight nine ten eleven twelve.";
        assert_eq!(
            directive(
                text,
                "one two three four five six seven eight nine ten eleven twelve."
            ),
            Some((
                "one two three four five".into(),
                Some("ten eleven twelve".into())
            ))
        );
        // The end's first three words occur between start and end: one more.
        let text = "a b c d e f g x y z h i j x y z";
        assert_eq!(
            directive(text, text),
            Some(("a b c".into(), Some("j x y z".into())))
        );
        // Case does not tell words apart for a browser.
        let text = "THE CAT SAT. The cat sat on the mat and purred all day long.";
        assert_eq!(
            directive(text, "The cat sat on the mat and purred all day long."),
            Some(("The cat sat on".into(), Some("all day long".into())))
        );
    }

    #[test]
    fn a_quote_whose_start_occurs_everywhere_before_it_is_given_whole() {
        let text = "a b c d e f g h i j. a b c d e f g h i j k";
        assert_eq!(
            directive(text, "a b c d e f g h i j k"),
            Some(("a b c d e f g h i j k".into(), None))
        );
    }

    #[test]
    fn a_long_quote_that_cannot_be_told_apart_has_no_directive() {
        // Fifty words, all alike, after the same fifty: no start or end of
        // twelve words finds it first, and it is too long to give whole.
        let text = "a ".repeat(100);
        let range = 100..199;
        assert_eq!(
            Words::new(&text, std::slice::from_ref(&range)).directive(&range),
            None
        );
        // A degenerate archive costs no more than a plain one: each place
        // list is bounded.
        let text = "a ".repeat(200_000) + "b c d e f g h i j k";
        let range = text.len() - 19..text.len();
        let words = Words::new(&text, std::slice::from_ref(&range));
        assert!(words.trigrams.values().all(|p| p.len() <= MAX_PLACES));
        assert_eq!(
            words.directive(&range),
            Some(("b c d".into(), Some("i j k".into())))
        );
    }

    #[test]
    fn anchors_depend_only_on_the_words() {
        assert_eq!(anchor("It is  safe.\n"), anchor("It is safe. "));
        assert_ne!(anchor("It is safe."), anchor("It is unsafe."));
        assert!(anchor("x").starts_with("passage-") && anchor("x").len() == 18);
        let mut taken = FxHashSet::default();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
        assert_eq!(unique("a".into(), &mut taken), "a-3");
    }

    /// `collapse_white_space` without its ASCII shortcut: what it must
    /// agree with.
    fn collapse_char_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut in_space = false;
        for c in text.chars() {
            if c.is_whitespace() {
                in_space = true;
            } else {
                if in_space {
                    out.push(' ');
                    in_space = false;
                }
                out.push(c);
            }
        }
        if in_space {
            out.push(' ');
        }
        out
    }

    #[test]
    fn white_space_is_told_as_char_is_whitespace_tells_it() {
        // Every ASCII character, and every other kind of white space and
        // its neighbours, alone and between words.
        let mut characters: Vec<char> = (0u8..128).map(char::from).collect();
        characters.extend((0x80..0x3100).filter_map(char::from_u32).filter(|c| {
            c.is_whitespace()
                || [*c as u32 - 1, *c as u32 + 1]
                    .iter()
                    .any(|&n| char::from_u32(n).is_some_and(char::is_whitespace))
        }));
        characters.extend(['é', '…', '“', '\u{feff}', '\u{200b}', '\u{10ffff}']);
        for c in characters {
            for text in [
                c.to_string(),
                format!("a{c}b"),
                format!("{c}{c}a {c}\n"),
                format!("wörd{c} {c}é"),
            ] {
                assert_eq!(
                    collapse_white_space(&text),
                    collapse_char_by_char(&text),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn white_space_is_collapsed_not_trimmed() {
        assert_eq!(collapse_white_space("a\n  b\t"), "a b ");
        assert_eq!(collapse_white_space("  a"), " a");
    }
}
