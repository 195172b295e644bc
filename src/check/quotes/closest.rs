//! The passage of an archive closest to a quote that is not in it, aligned
//! word for word with the quote, and what differs between the two.
//!
//! The archive's words (its space-separated tokens, folded to lowercase
//! letters and digits without accents) are numbered once per archive, the
//! first time one of its quotes is missing. Each missing quote is then a
//! sliding window of its own length over those numbers, scoring shared words
//! as it goes: one pass, no allocation per archive word. The best window is
//! then aligned with the quote by a diff over a few windows around it, so the
//! passage shown starts at the word that corresponds to the quote's first
//! word rather than a few words before or after it.
//!
//! This module only finds and compares passages; the messages are written by
//! the check.

use std::ops::Range;

use rustc_hash::FxHashMap;
use similar::{Algorithm, DiffOp, capture_diff_slices};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Quotes longer than this many words are not aligned or diffed word by
/// word (the diff's cost grows with the square of the length); the best
/// window is shown as it is.
const MAX_ALIGNED_WORDS: usize = 500;

/// Matched words further apart in the archive than in the quote by more than
/// this are a stray match of a common word, not part of the passage.
const STRAY_GAP: usize = 3;

/// What the help shows for a quote that is not in the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closest {
    /// The archive's words that correspond to the quote, normalised.
    pub passage: String,
    /// What differs between the passage and the quote, in order.
    pub differences: Vec<Difference>,
}

/// One place where the archive and the quote differ: the archive's words
/// there and the quote's (either may be empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub archive: String,
    pub quote: String,
}

/// The archive's words, numbered.
pub struct WordIndex {
    /// Where each token starts in the normalised text.
    starts: Vec<u32>,
    /// Each token's word number: equal numbers are equal folded words.
    ids: Vec<u32>,
    vocabulary: FxHashMap<Box<str>, u32>,
}

/// A quote word the archive never uses.
const UNKNOWN: u32 = u32::MAX;

impl WordIndex {
    /// Numbers the words of a normalised text; `None` for a text too long to
    /// number with 32 bits (over 4 GiB, far past any archive limit).
    pub fn new(text: &str) -> Option<WordIndex> {
        u32::try_from(text.len()).ok()?;
        // Sized exactly up front: growing vectors of tens of millions of
        // entries would copy them and touch fresh pages again and again.
        let tokens = memchr::memchr_iter(b' ', text.as_bytes()).count() + 1;
        let mut index = WordIndex {
            starts: Vec::with_capacity(tokens),
            ids: Vec::with_capacity(tokens),
            vocabulary: FxHashMap::default(),
        };
        let mut key = String::new();
        let mut start = 0;
        for token in text.split(' ') {
            fold(token, &mut key);
            let next = index.vocabulary.len() as u32;
            let id = match index.vocabulary.get(key.as_str()) {
                Some(&id) => id,
                None => {
                    index.vocabulary.insert(key.as_str().into(), next);
                    next
                }
            };
            index.starts.push(start as u32);
            index.ids.push(id);
            start += token.len() + 1;
        }
        Some(index)
    }

    /// The passage of `text` (the text this index was built from) closest to
    /// the normalised `quote`, or `None` when they share no word.
    pub fn closest(&self, text: &str, quote: &str) -> Option<Closest> {
        let quote_tokens: Vec<&str> = quote.split(' ').collect();
        let mut key = String::new();
        let quote_ids: Vec<u32> = quote_tokens
            .iter()
            .map(|token| {
                fold(token, &mut key);
                self.vocabulary
                    .get(key.as_str())
                    .copied()
                    .unwrap_or(UNKNOWN)
            })
            .collect();
        let window = self.best_window(&quote_ids)?;
        let tokens = if quote_ids.len() <= MAX_ALIGNED_WORDS {
            self.align(&quote_ids, window)
        } else {
            window
        };
        let passage = &text[self.token_start(tokens.start)..self.token_end(text, tokens.end - 1)];
        let differences = if quote_ids.len() <= MAX_ALIGNED_WORDS {
            differences(&passage.split(' ').collect::<Vec<_>>(), &quote_tokens)
        } else {
            Vec::new()
        };
        Some(Closest {
            passage: passage.to_string(),
            differences,
        })
    }

    /// The window of archive tokens, as long as the quote, that shares the
    /// most words with it (counted with multiplicity); the first of equals.
    fn best_window(&self, quote_ids: &[u32]) -> Option<Range<usize>> {
        let n = self.ids.len();
        let width = quote_ids.len().min(n);
        if width == 0 {
            return None;
        }
        // Each distinct quote word gets a slot: how often the quote has it,
        // how often the current window has it.
        let mut slot_of: FxHashMap<u32, usize> = FxHashMap::default();
        let mut wanted: Vec<u32> = Vec::new();
        for &id in quote_ids.iter().filter(|&&id| id != UNKNOWN) {
            let slot = *slot_of.entry(id).or_insert_with(|| {
                wanted.push(0);
                wanted.len() - 1
            });
            wanted[slot] += 1;
        }
        if wanted.is_empty() {
            return None;
        }
        let mut have = vec![0u32; wanted.len()];
        let (mut score, mut best_score, mut best_start) = (0usize, 0usize, 0usize);
        for j in 0..n {
            if let Some(&slot) = slot_of.get(&self.ids[j]) {
                if have[slot] < wanted[slot] {
                    score += 1;
                }
                have[slot] += 1;
            }
            if j >= width
                && let Some(&slot) = slot_of.get(&self.ids[j - width])
            {
                have[slot] -= 1;
                if have[slot] < wanted[slot] {
                    score -= 1;
                }
            }
            if j + 1 >= width && score > best_score {
                best_score = score;
                best_start = j + 1 - width;
            }
        }
        (best_score > 0).then_some(best_start..best_start + width)
    }

    /// The tokens that correspond to the quote, around the best window: the
    /// archive's words matched to the quote's by a diff, from the one matched
    /// to the quote's first word to the one matched to its last (extended by
    /// the quote's unmatched words at either end).
    fn align(&self, quote_ids: &[u32], window: Range<usize>) -> Range<usize> {
        let n = self.ids.len();
        let m = quote_ids.len();
        let region = window.start.saturating_sub(m)..(window.end + m).min(n);
        let ops = capture_diff_slices(Algorithm::Patience, quote_ids, &self.ids[region.clone()]);
        let mut pairs: Vec<(usize, usize)> = ops
            .iter()
            .filter_map(|op| match *op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => Some((0..len).map(move |k| (old_index + k, region.start + new_index + k))),
                _ => None,
            })
            .flatten()
            .collect();
        let stray = |a: (usize, usize), b: (usize, usize)| b.1 - a.1 > b.0 - a.0 + STRAY_GAP;
        while pairs.len() >= 2 && stray(pairs[0], pairs[1]) {
            pairs.remove(0);
        }
        while pairs.len() >= 2 && stray(pairs[pairs.len() - 2], pairs[pairs.len() - 1]) {
            pairs.pop();
        }
        let (Some(&(first_q, first_a)), Some(&(last_q, last_a))) = (pairs.first(), pairs.last())
        else {
            return window;
        };
        let start = first_a.saturating_sub(first_q);
        let end = (last_a + (m - last_q)).min(n);
        if start < end { start..end } else { window }
    }

    fn token_start(&self, token: usize) -> usize {
        self.starts[token] as usize
    }

    fn token_end(&self, text: &str, token: usize) -> usize {
        self.starts
            .get(token + 1)
            .map_or(text.len(), |&next| next as usize - 1)
    }
}

/// The places where `archive` and `quote` (tokens) differ, as a word diff.
fn differences(archive: &[&str], quote: &[&str]) -> Vec<Difference> {
    let mut out: Vec<Difference> = Vec::new();
    let mut open = false;
    for op in capture_diff_slices(Algorithm::Myers, archive, quote) {
        let (old, new) = match op {
            DiffOp::Equal { .. } => {
                open = false;
                continue;
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => (old_index..old_index + old_len, 0..0),
            DiffOp::Insert {
                new_index, new_len, ..
            } => (0..0, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        if !open {
            out.push(Difference {
                archive: String::new(),
                quote: String::new(),
            });
            open = true;
        }
        let last = out.last_mut().expect("a difference was just opened");
        append_words(&mut last.archive, &archive[old]);
        append_words(&mut last.quote, &quote[new]);
    }
    out
}

fn append_words(to: &mut String, words: &[&str]) {
    for word in words {
        if !to.is_empty() {
            to.push(' ');
        }
        to.push_str(word);
    }
}

/// A token as a word to compare: lowercase letters and digits without
/// accents, or the token itself if it has none (a dash, an ampersand).
fn fold(token: &str, key: &mut String) {
    key.clear();
    if token.is_ascii() {
        key.extend(
            token
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase() as char),
        );
    } else {
        key.extend(
            token
                .nfd()
                .filter(|c| !is_combining_mark(*c) && c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        );
    }
    if key.is_empty() {
        key.push_str(token);
    }
}

/// `text` without its accents (combining marks), in NFC.
pub fn without_accents(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closest(archive: &str, quote: &str) -> Closest {
        WordIndex::new(archive)
            .unwrap()
            .closest(archive, quote)
            .unwrap()
    }

    #[test]
    fn aligns_the_passage_with_the_quote() {
        let archive =
            "Alpha beta gamma. The average cost is about $640 per session. Delta epsilon.";
        let found = closest(archive, "The average price is about $640 per session.");
        assert_eq!(found.passage, "The average cost is about $640 per session.");
        assert_eq!(
            found.differences,
            vec![Difference {
                archive: "cost".into(),
                quote: "price".into()
            }]
        );
    }

    #[test]
    fn is_not_shifted_by_common_words_nearby() {
        let archive =
            "the the of a the skin can look slightly swollen after microneedling of the the";
        let found = closest(
            archive,
            "the skin can look very swollen after microneedling",
        );
        assert_eq!(
            found.passage,
            "the skin can look slightly swollen after microneedling"
        );
        let found = closest(
            archive,
            "your skin can look slightly swollen after microneedling",
        );
        assert_eq!(
            found.passage,
            "the skin can look slightly swollen after microneedling"
        );
    }

    #[test]
    fn reports_words_added_or_left_out() {
        let found = closest(
            "It heals fast. Most redness goes within 48 hours, doctors say.",
            "Most of the redness goes within 48 hours",
        );
        assert_eq!(found.passage, "Most redness goes within 48 hours,");
        assert_eq!(
            found.differences,
            vec![
                Difference {
                    archive: "".into(),
                    quote: "of the".into()
                },
                Difference {
                    archive: "hours,".into(),
                    quote: "hours".into()
                }
            ]
        );
    }

    #[test]
    fn folds_case_and_accents_to_find_the_passage() {
        let found = closest("Le CAFÉ est ouvert tous les jours.", "le cafe est ouvert");
        assert_eq!(found.passage, "Le CAFÉ est ouvert");
        assert_eq!(without_accents("CAFÉ"), "CAFE");
    }

    #[test]
    fn shares_no_word_means_no_passage() {
        let index = WordIndex::new("alpha beta").unwrap();
        assert_eq!(index.closest("alpha beta", "gamma delta"), None);
    }
}
