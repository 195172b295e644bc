//! Quote verification: is the quoted text, word for word, in its source's
//! archive, and where?
//!
//! A quote is verified when, after both sides are normalised the same way
//! ([`normalise`]: NFC, white space, typographic quotes and dashes), it
//! occurs in the archive starting and ending on word boundaries ([`words`]:
//! Unicode's), and it has at least [`MIN_WORDS`] words. Every occurrence is
//! tried, not only the first.
//!
//! An archive is normalised once, and all the quotes of its source are
//! searched for together, in one pass over it (an Aho–Corasick automaton of
//! the quotes; a site may quote one source thousands of times). A verified
//! quote's place is mapped back to the archive as written ([`Found`]): the
//! check reports from it, and render shows it (ellipses, the paragraph, a
//! text fragment link) without searching again. A quote that is not found
//! gets the most specific explanation there is ([`Verdict`]): too short,
//! only inside longer words, curly quote marks that YAML kept, different
//! accents, or the closest passage and what differs from it ([`closest`]).
//!
//! This module finds quotes and explains misses; it must not write messages
//! (the check does) nor read files.

mod closest;
mod normalise;
mod place;
mod words;

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;

pub use closest::{Closest, Difference};
pub use normalise::normalise;
pub use words::word_indices;

use closest::WordIndex;
use normalise::Normalised;

/// The fewest words a quote may have. One or two words occur in almost any
/// text (and `is safe` can be cut from "it is safe to say nothing is"), so
/// they prove nothing; three is the shortest phrase that states something.
pub const MIN_WORDS: usize = 3;

/// How much of each quote the search's automaton is built of (at most; cut
/// at a character boundary): enough that a beginning seldom occurs where
/// its quote does not, little enough that the quotes of one passage share it.
const SEARCH_PREFIX_BYTES: usize = 24;

/// A quote that is a whole line of its archive, ends with no sentence
/// punctuation and has fewer words than this is a heading, not a statement.
pub const HEADING_MAX_WORDS: usize = 8;

/// Where a verified quote is in its archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The quoted text, as byte offsets into the archive as written (not
    /// the normalised copy): from its first character to its last.
    pub range: Range<usize>,
    /// The paragraph the quote comes from: the line of the archive holding
    /// it (the lines, if it runs over a line break), without the line breaks.
    pub paragraph: Range<usize>,
    /// Whether the quote starts where a sentence of the archive starts (if
    /// not, it is shown with "…" before it).
    pub starts_sentence: bool,
    /// Whether the quote ends where a sentence of the archive ends.
    pub ends_sentence: bool,
    /// Whether the quote is a heading: a whole line with no sentence
    /// punctuation at its end and fewer than [`HEADING_MAX_WORDS`] words.
    pub is_heading: bool,
}

/// What became of a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Verified, and where it is.
    Found(Found),
    /// Fewer than [`MIN_WORDS`] words.
    TooShort { words: usize },
    /// In the archive only where it starts or ends inside a longer word: the
    /// archive's words it cuts into (`discomfort` for `comfort`).
    InsideWords { words: Vec<String> },
    /// Begins with a typographic quote mark the archive does not have there,
    /// and without the marks it is in the archive: the editor meant them as
    /// YAML's quotes, which must be straight.
    CurlyMarks { mark: char },
    /// The archive has these words with other accents (all the differences
    /// between the quote and its closest passage are accents).
    Accents { differences: Vec<Difference> },
    /// Not in the archive; the closest passage, if any word is shared.
    NotFound {
        closest: Option<Closest>,
        /// The quote leaves words out with `...` or `…`.
        has_ellipsis: bool,
    },
}

/// One source's archive, normalised once, for all its quotes.
pub struct Archive<'t> {
    original: &'t str,
    normalised: Normalised,
}

/// What the search found for one normalised quote: where it is on word
/// boundaries, else the first place it is only inside words.
#[derive(Clone, Default)]
struct Hit {
    found: Option<Range<usize>>,
    inside_words: Option<Range<usize>>,
}

impl<'t> Archive<'t> {
    pub fn new(original: &'t str) -> Self {
        Archive {
            original,
            normalised: Normalised::new(original),
        }
    }

    /// The verdict on one quote (for many, [`Archive::verify_all`] is one pass).
    pub fn verify(&self, quote: &str) -> Verdict {
        self.verify_all(&[quote])
            .pop()
            .expect("one verdict per quote")
    }

    /// The verdict on each quote, in order: one search of the archive for
    /// all of them, then an explanation for each one not found.
    pub fn verify_all(&self, quotes: &[&str]) -> Vec<Verdict> {
        let normalised: Vec<String> = quotes.iter().map(|q| normalise(q)).collect();
        let word_counts: Vec<usize> = normalised.iter().map(|q| words::count(q)).collect();
        // Distinct quotes long enough to search for, each a pattern.
        let mut pattern_of: FxHashMap<&str, usize> = FxHashMap::default();
        let mut patterns: Vec<&str> = Vec::new();
        for (quote, &count) in normalised.iter().zip(&word_counts) {
            if count >= MIN_WORDS && !pattern_of.contains_key(quote.as_str()) {
                pattern_of.insert(quote, patterns.len());
                patterns.push(quote);
            }
        }
        let hits = self.search(&patterns);

        let found_ranges: Vec<Range<usize>> = hits
            .iter()
            .filter_map(|h| h.found.clone())
            .map(|r| self.normalised.original_range(self.original, r))
            .collect();
        let paragraphs = place::paragraphs(self.original, &found_ranges);
        let mut places = found_ranges.into_iter().zip(paragraphs);
        let found: Vec<Option<Found>> = hits
            .iter()
            .map(|h| {
                h.found.as_ref()?;
                let (range, paragraph) = places.next()?;
                Some(self.place(range, paragraph))
            })
            .collect();

        let mut word_index: Option<Option<WordIndex>> = None;
        quotes
            .iter()
            .zip(&normalised)
            .zip(&word_counts)
            .map(|((raw, quote), &count)| {
                let Some(&pattern) = pattern_of.get(quote.as_str()) else {
                    return Verdict::TooShort { words: count };
                };
                if let Some(mut place) = found[pattern].clone() {
                    place.is_heading &= count < HEADING_MAX_WORDS;
                    return Verdict::Found(place);
                }
                let index = word_index.get_or_insert_with(|| WordIndex::new(&self.normalised.text));
                self.explain(raw, quote, &hits[pattern], index.as_ref())
            })
            .collect()
    }

    /// Every occurrence of every pattern, overlapping ones included, in one
    /// pass; stops once each pattern is found on word boundaries.
    ///
    /// The automaton is built of the patterns' beginnings (see
    /// [`SEARCH_PREFIX_BYTES`]), each kept once, and a pattern is compared
    /// whole where its beginning occurs: a site quotes the same passages of a
    /// source many times, and building the automaton of every quote in full
    /// cost more than the search.
    fn search(&self, patterns: &[&str]) -> Vec<Hit> {
        let mut hits = vec![Hit::default(); patterns.len()];
        let text = self.normalised.text.as_str();
        if patterns.is_empty() {
            return hits;
        }
        let mut group_of: FxHashMap<&str, usize> = FxHashMap::default();
        let mut prefixes: Vec<&str> = Vec::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let prefix = &pattern[..prefix_end(pattern)];
            let group = *group_of.entry(prefix).or_insert_with(|| {
                prefixes.push(prefix);
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[group].push(index);
        }
        match automaton(&prefixes) {
            Some(automaton) => scan(text, &automaton, patterns, &groups, &mut hits),
            // Too many patterns for one automaton: one each (a pattern that
            // cannot be searched for stays not found, and is reported).
            None => {
                for (prefix, group) in prefixes.iter().zip(&groups) {
                    if let Some(automaton) = automaton(&[prefix]) {
                        scan(
                            text,
                            &automaton,
                            patterns,
                            std::slice::from_ref(group),
                            &mut hits,
                        );
                    }
                }
            }
        }
        hits
    }

    fn place(&self, range: Range<usize>, paragraph: Range<usize>) -> Found {
        let text = self.original;
        Found {
            starts_sentence: place::starts_sentence(text, &range, &paragraph),
            ends_sentence: place::ends_sentence(text, &range, &paragraph),
            is_heading: place::is_whole_line_without_full_stop(text, &range, &paragraph),
            range,
            paragraph,
        }
    }

    /// Why a quote that was searched for is not verified.
    fn explain(&self, raw: &str, quote: &str, hit: &Hit, index: Option<&WordIndex>) -> Verdict {
        let text = self.normalised.text.as_str();
        if let Some(range) = &hit.inside_words {
            let mut cut = Vec::new();
            for at in [range.start, range.end] {
                if !words::is_boundary(text, at) {
                    let word = words::word_around(text, at).to_string();
                    if !cut.contains(&word) {
                        cut.push(word);
                    }
                }
            }
            return Verdict::InsideWords { words: cut };
        }
        if let Some(mark) = raw
            .trim_start()
            .chars()
            .next()
            .filter(|c| is_curly_opening(*c))
        {
            let inner = raw.trim().trim_start_matches(mark);
            let inner = inner.strip_suffix(is_curly_closing).unwrap_or(inner);
            let inner = normalise(inner);
            if words::count(&inner) >= MIN_WORDS
                && self.search(&[inner.as_str()])[0].found.is_some()
            {
                return Verdict::CurlyMarks { mark };
            }
        }
        let closest = index.and_then(|index| index.closest(text, quote));
        if let Some(found) = &closest
            && !found.differences.is_empty()
            && found.differences.iter().all(|d| {
                d.archive != d.quote
                    && closest::without_accents(&d.archive) == closest::without_accents(&d.quote)
            })
        {
            return Verdict::Accents {
                differences: found.differences.clone(),
            };
        }
        Verdict::NotFound {
            closest,
            has_ellipsis: quote.contains("...") || quote.contains('…'),
        }
    }
}

/// Records each occurrence of a pattern in `text` in `hits` (one per
/// pattern): the first on word boundaries, else the first inside words. The
/// automaton finds the beginnings of the patterns; `groups[i]` are the
/// patterns its pattern `i` begins.
fn scan(
    text: &str,
    automaton: &AhoCorasick,
    patterns: &[&str],
    groups: &[Vec<usize>],
    hits: &mut [Hit],
) {
    let mut left: usize = groups.iter().map(Vec::len).sum();
    for m in automaton.find_overlapping_iter(text) {
        for &index in &groups[m.pattern().as_usize()] {
            let hit = &mut hits[index];
            let pattern = patterns[index];
            if hit.found.is_some() || !text[m.start()..].starts_with(pattern) {
                continue;
            }
            let range = m.start()..m.start() + pattern.len();
            if words::is_boundary(text, range.start) && words::is_boundary(text, range.end) {
                hit.found = Some(range);
                left -= 1;
                if left == 0 {
                    return;
                }
            } else if hit.inside_words.is_none() {
                hit.inside_words = Some(range);
            }
        }
    }
}

/// Where a pattern's beginning for the search ends: at most
/// [`SEARCH_PREFIX_BYTES`], on a character boundary.
fn prefix_end(pattern: &str) -> usize {
    let mut end = SEARCH_PREFIX_BYTES.min(pattern.len());
    while !pattern.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// An automaton finding every occurrence of the patterns, overlapping ones
/// too; `None` if they are too many or too long to build one.
fn automaton(patterns: &[&str]) -> Option<AhoCorasick> {
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(patterns)
        .ok()
}

fn is_curly_opening(c: char) -> bool {
    matches!(c, '“' | '‘' | '„' | '‚' | '”' | '’')
}

fn is_curly_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '“' | '‘')
}

/// Where each verified quote is, by source and quote text: found once by the
/// check, for render to show without searching again. Holds the check's
/// verdicts themselves (moved, not copied: the preview makes it after
/// every edit), and answers for the verified ones.
#[derive(Debug, Default)]
pub struct Located<'a> {
    by_source: FxHashMap<&'a str, FxHashMap<&'a str, Verdict>>,
}

impl<'a> Located<'a> {
    pub fn insert(&mut self, source: &'a str, text: &'a str, found: Found) {
        self.by_source
            .entry(source)
            .or_default()
            .insert(text, Verdict::Found(found));
    }

    /// Where `source`'s quotes are, each by its text as written: all at
    /// once, replacing any found before.
    pub fn insert_all(
        &mut self,
        source: &'a str,
        found: impl IntoIterator<Item = (&'a str, Found)>,
    ) {
        let verdicts = found
            .into_iter()
            .map(|(text, found)| (text, Verdict::Found(found)));
        self.by_source.insert(source, verdicts.collect());
    }

    /// The verdicts on each source's quotes, by source and text as written
    /// (those that are not [`Verdict::Found`] are kept, never answered for).
    pub(crate) fn of_verdicts(
        verdicts: impl IntoIterator<Item = (&'a str, FxHashMap<&'a str, Verdict>)>,
    ) -> Self {
        Located {
            by_source: verdicts.into_iter().collect(),
        }
    }

    /// Where the quote `text` (as written in the YAML) of `source` is.
    pub fn get(&self, source: &str, text: &str) -> Option<&Found> {
        match self.by_source.get(source)?.get(text)? {
            Verdict::Found(found) => Some(found),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        (self.by_source.values().flat_map(FxHashMap::values))
            .filter(|verdict| matches!(verdict, Verdict::Found(_)))
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests;
