//! Near-duplicate questions: two questions whose important words are nearly
//! the same ("Does microneedling hurt?" and "Does microneedling hurt, and is
//! numbing cream used?"), so an editor adding one learns of the other.
//!
//! Each question is reduced to the stems of its content words, each weighed
//! by how rare it is among the questions (inverse document frequency: a
//! word in every question, such as the site's subject, says little). Two
//! questions are near-duplicates when the weight they share is at least
//! [`CONTAINED`] of the smaller one's. Only questions that share a rare word
//! (or all their words) are compared, found through an index of the
//! words, so a site of 10,000 questions is not compared pair by pair.
//!
//! This rule finds pairs; the evidence rules report them (an allowance on
//! either question silences the pair).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::Question;

use super::evidence::{claim_words, words};

/// The share of the smaller question's weight the two must share.
pub const CONTAINED: f64 = 0.9;

/// A question needs at least this many distinct content words to be
/// compared: one word alone is too little to call two questions the same.
const MIN_WORDS: usize = 2;

/// Words in more questions than this are not used to find candidates (they
/// still count in the comparison): a common word would make every question
/// a candidate of every other.
const MAX_POSTINGS: usize = 64;

/// The other question most like a question.
#[derive(Clone, Debug, PartialEq)]
pub struct NearDuplicate {
    /// Its index in the site's questions.
    pub other: usize,
    /// The share of the smaller question's weight they share, 0 to 1.
    pub similarity: f64,
}

/// For each question (by index), the question most like it, if any is near enough.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NearDuplicates {
    by_question: Vec<Option<NearDuplicate>>,
}

impl NearDuplicates {
    pub fn of(&self, index: usize) -> Option<&NearDuplicate> {
        self.by_question.get(index)?.as_ref()
    }
}

/// The stems of a question's content words, sorted and deduplicated.
fn stems(question: &str) -> Vec<String> {
    let mut stems: Vec<String> = words::of_text(question)
        .into_iter()
        .filter(|w| !claim_words::is_stop_word(&w.lower) && !crate::search::is_stop_word(&w.lower))
        .map(|w| words::stem(&w.lower))
        .collect();
    stems.sort_unstable();
    stems.dedup();
    stems
}

/// Finds each question's near duplicate.
pub fn find(questions: &[Question]) -> NearDuplicates {
    let all: Vec<Vec<String>> = questions.par_iter().map(|q| stems(&q.question)).collect();
    find_among(&all)
}

/// [`find`], for a check that follows another of the same site (the
/// preview): the pairs depend on the questions' titles alone, in their
/// order, so while those are as `memo` saw them last time its pairs are
/// the answer; otherwise only the titles it has not seen are reduced to
/// stems again.
pub fn find_remembered(questions: &[Question], memo: &mut Memo) -> NearDuplicates {
    let same_titles = memo.titles.len() == questions.len()
        && (memo.titles.iter())
            .zip(questions)
            .all(|(then, q)| *then == q.question.value);
    if same_titles && let Some(found) = &memo.found {
        return found.clone();
    }
    let known = std::mem::take(&mut memo.stems);
    let all: Vec<Vec<String>> = questions
        .par_iter()
        .map(|q| match known.get(q.question.value.as_str()) {
            Some(stems) => stems.clone(),
            None => stems(&q.question),
        })
        .collect();
    let found = find_among(&all);
    memo.titles = questions.iter().map(|q| q.question.value.clone()).collect();
    memo.stems = (memo.titles.iter().cloned()).zip(all).collect();
    memo.found = Some(found.clone());
    found
}

/// What [`find_remembered`] keeps between checks: the titles it last saw,
/// in order, the pairs it found among them, and each title's stems.
#[derive(Default)]
pub struct Memo {
    titles: Vec<String>,
    found: Option<NearDuplicates>,
    stems: HashMap<String, Vec<String>>,
}

/// The pairs among questions reduced to their stems (by index).
fn find_among(all: &[Vec<String>]) -> NearDuplicates {
    let n = all.len();
    // Each stem's questions.
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, stems) in all.iter().enumerate() {
        for stem in stems {
            postings.entry(stem.as_str()).or_default().push(i);
        }
    }
    let weight = |stem: &str| {
        let df = postings.get(stem).map_or(1, Vec::len) as f64;
        (1.0 + n as f64 / df).ln()
    };
    // Questions with the same words: compared even when every word is common.
    let mut same_words: HashMap<&[String], Vec<usize>> = HashMap::new();
    for (i, stems) in all.iter().enumerate() {
        if stems.len() >= MIN_WORDS {
            same_words.entry(stems.as_slice()).or_default().push(i);
        }
    }
    // Each question's best match is independent of the others'.
    let nearest = |i: usize| -> Option<NearDuplicate> {
        let mine = &all[i];
        if mine.len() < MIN_WORDS {
            return None;
        }
        // Any one of a group with the same words is as near as the others:
        // a few are enough (10,000 copies of one question stay linear).
        let group = &same_words[mine.as_slice()];
        let mut candidates: Vec<usize> =
            group.iter().copied().filter(|&j| j != i).take(2).collect();
        for stem in mine {
            let list = &postings[stem.as_str()];
            if list.len() <= MAX_POSTINGS {
                candidates.extend(list);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let my_weight: f64 = mine.iter().map(|s| weight(s)).sum();
        let mut best: Option<NearDuplicate> = None;
        for &j in candidates.iter().filter(|&&j| j != i) {
            let theirs = &all[j];
            if theirs.len() < MIN_WORDS {
                continue;
            }
            let their_weight: f64 = theirs.iter().map(|s| weight(s)).sum();
            let shared: f64 = mine
                .iter()
                .filter(|s| theirs.binary_search(s).is_ok())
                .map(|s| weight(s))
                .sum();
            let similarity = shared / my_weight.min(their_weight);
            let better = best.as_ref().is_none_or(|b| similarity > b.similarity);
            if similarity >= CONTAINED && better {
                best = Some(NearDuplicate {
                    other: j,
                    similarity,
                });
            }
        }
        best
    };
    let by_question = (0..n).into_par_iter().map(nearest).collect();
    NearDuplicates { by_question }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, Review, Spanned};

    fn question(text: &str) -> Question {
        let spanned = |value: &str| Spanned {
            value: value.to_string(),
            span: Default::default(),
        };
        Question {
            origin: Origin {
                id: text
                    .to_lowercase()
                    .replace(|c: char| !c.is_alphanumeric(), "-"),
                file: "q.yaml".into(),
            },
            question: spanned(text),
            topic: spanned("t"),
            order: None,
            tags: vec![],
            summary: spanned(""),
            answer: spanned(""),
            facts: vec![],
            related: vec![],
            cautions: vec![],
            reviewed: Review {
                on: Spanned {
                    value: jiff::civil::date(2026, 1, 1),
                    span: Default::default(),
                },
                by: Default::default(),
                next: None,
                clinical: None,
            },
            subject: None,
            get_help: vec![],
            changes: vec![],
            cost: None,
            comparison: None,
            timeline: None,
            allow: vec![],
        }
    }

    fn pairs(texts: &[&str]) -> Vec<(usize, usize)> {
        let questions: Vec<Question> = texts.iter().map(|t| question(t)).collect();
        let found = find(&questions);
        (0..texts.len())
            .filter_map(|i| found.of(i).map(|d| (i, d.other)))
            .collect()
    }

    #[test]
    fn finds_a_question_inside_another() {
        let texts = [
            "Does microneedling hurt?",
            "Does microneedling hurt, and is numbing cream used?",
            "Can microneedling cause scarring?",
            "Can microneedling cause an infection?",
            "How much does microneedling cost?",
            "How long does redness last after microneedling?",
        ];
        assert_eq!(pairs(&texts), [(0, 1), (1, 0)]);
    }

    #[test]
    fn finds_the_same_question_however_common_its_words() {
        let mut texts = vec!["How long does redness last?"; 3];
        texts.extend(std::iter::repeat_n("Is redness normal?", 100));
        let found = pairs(&texts);
        assert_eq!(found.len(), 103);
    }

    #[test]
    fn many_copies_of_one_question_each_name_another() {
        let texts = vec!["Is redness normal after a peel?"; 5_000];
        let questions: Vec<Question> = texts.iter().map(|t| question(t)).collect();
        let found = find(&questions);
        assert!((0..texts.len()).all(|i| found.of(i).is_some_and(|d| d.other != i)));
    }

    #[test]
    fn remembered_pairs_are_the_pairs_found_afresh() {
        // Titles edited, swapped, added and removed, one check after another.
        let steps: [&[&str]; 6] = [
            &[
                "Does microneedling hurt?",
                "Can microneedling cause scarring?",
            ],
            &[
                "Does microneedling hurt?",
                "Does microneedling hurt, and is numbing cream used?",
            ],
            &[
                "Does microneedling hurt, and is numbing cream used?",
                "Does microneedling hurt?",
                "Can microneedling cause scarring?",
            ],
            &[
                "Does microneedling hurt, and is numbing cream used?",
                "Does microneedling hurt?",
                "Can microneedling cause scarring, or hurt?",
            ],
            &["Does microneedling hurt?"],
            &["Does microneedling hurt?", "Does microneedling hurt?"],
        ];
        let mut memo = Memo::default();
        for titles in steps {
            let questions: Vec<Question> = titles.iter().map(|t| question(t)).collect();
            assert_eq!(find_remembered(&questions, &mut memo), find(&questions));
            // And again with nothing changed.
            assert_eq!(find_remembered(&questions, &mut memo), find(&questions));
        }
    }

    #[test]
    fn silent_on_different_questions() {
        let texts = [
            "Can microneedling cause scarring?",
            "Can microneedling cause bruising or bleeding?",
            "Can microneedling change my skin color?",
            "Is microneedling safe?",
        ];
        assert!(pairs(&texts).is_empty());
    }
}
