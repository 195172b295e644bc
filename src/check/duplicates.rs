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

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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
/// the answer. When only some titles changed (the same questions, in the
/// same order), only the questions whose pairing those titles can change
/// are compared again (see [`Memo::update`]); otherwise only the titles it
/// has not seen are reduced to stems again.
pub fn find_remembered(questions: &[Question], memo: &mut Memo) -> NearDuplicates {
    let same_count = memo.titles.len() == questions.len();
    let retitled: Vec<usize> = if same_count {
        (memo.titles.iter().zip(questions).enumerate())
            .filter(|(_, (then, q))| **then != q.question.value)
            .map(|(i, _)| i)
            .collect()
    } else {
        Vec::new()
    };
    if let Some(found) = &mut memo.found
        && let Some(index) = &mut memo.index
        && same_count
    {
        if !retitled.is_empty() {
            let mut restemmed: Vec<(usize, Vec<String>)> = Vec::new();
            for &i in &retitled {
                memo.titles[i].clone_from(&questions[i].question.value);
                let now = stems(&questions[i].question);
                if now != memo.all[i] {
                    restemmed.push((i, now));
                }
            }
            let again = index.update(&mut memo.all, restemmed);
            let nearer: Vec<(usize, Option<NearDuplicate>)> = (again.into_par_iter())
                .map(|i| (i, nearest(&memo.all, index, i)))
                .collect();
            for (i, near) in nearer {
                found.by_question[i] = near;
            }
        }
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
    let index = Index::owning(&all);
    let found = NearDuplicates {
        by_question: (0..all.len())
            .into_par_iter()
            .map(|i| nearest(&all, &index, i))
            .collect(),
    };
    memo.titles = questions.iter().map(|q| q.question.value.clone()).collect();
    memo.stems = (memo.titles.iter().cloned())
        .zip(all.iter().cloned())
        .collect();
    memo.all = all;
    memo.index = Some(index);
    memo.found = Some(found.clone());
    found
}

/// What [`find_remembered`] keeps between checks: the titles it last saw,
/// in order, their stems and index, the pairs it found among them, and each
/// title's stems (for questions added or moved).
#[derive(Default)]
pub struct Memo {
    titles: Vec<String>,
    /// The stems of `titles`, by index.
    all: Vec<Vec<String>>,
    /// The index of `all`.
    index: Option<Index<'static>>,
    found: Option<NearDuplicates>,
    stems: HashMap<String, Vec<String>>,
}

/// What the comparison of one question with the others reads besides the
/// questions' stems.
struct Index<'a> {
    /// Each stem's questions, ascending.
    postings: FxHashMap<Cow<'a, str>, Vec<usize>>,
    /// The questions with the same stems (at least [`MIN_WORDS`] of them),
    /// ascending.
    same_words: FxHashMap<Cow<'a, [String]>, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn build<'s>(
        all: &'s [Vec<String>],
        stem_key: impl Fn(&'s str) -> Cow<'a, str>,
        words_key: impl Fn(&'s [String]) -> Cow<'a, [String]>,
    ) -> Self {
        let mut postings: FxHashMap<Cow<str>, Vec<usize>> = FxHashMap::default();
        let mut same_words: FxHashMap<Cow<[String]>, Vec<usize>> = FxHashMap::default();
        for (i, stems) in all.iter().enumerate() {
            for stem in stems {
                match postings.get_mut(stem.as_str()) {
                    Some(list) => list.push(i),
                    None => {
                        postings.insert(stem_key(stem), vec![i]);
                    }
                }
            }
            if stems.len() >= MIN_WORDS {
                match same_words.get_mut(stems.as_slice()) {
                    Some(group) => group.push(i),
                    None => {
                        same_words.insert(words_key(stems), vec![i]);
                    }
                }
            }
        }
        Index {
            postings,
            same_words,
        }
    }

    fn borrowing(all: &'a [Vec<String>]) -> Self {
        Self::build(all, Cow::Borrowed, Cow::Borrowed)
    }
}

impl Index<'static> {
    fn owning(all: &[Vec<String>]) -> Self {
        Self::build(
            all,
            |stem| Cow::Owned(stem.to_string()),
            |stems| Cow::Owned(stems.to_vec()),
        )
    }

    /// Gives the questions in `restemmed` their new stems, in `all` and in
    /// the index, and returns every question whose near duplicate may have
    /// changed, ascending: a fresh [`find`] and the pairs kept for the
    /// others, with these compared again, agree.
    ///
    /// A question's pairing reads its stems' weights (the number of
    /// questions with each stem), its candidates (the questions sharing a
    /// rare stem with it, and the first few with the same stems) and their
    /// stems' weights. The stems a question gained or lost change their
    /// weights and lists; so the questions with such a stem are compared
    /// again, and so is every question one of those is a candidate of.
    fn update(
        &mut self,
        all: &mut [Vec<String>],
        restemmed: Vec<(usize, Vec<String>)>,
    ) -> Vec<usize> {
        let mut changed_stems: Vec<String> = Vec::new();
        let mut again: Vec<usize> = Vec::new();
        for (i, now) in restemmed {
            let then = std::mem::replace(&mut all[i], now);
            let now = &all[i];
            for stem in then.iter().filter(|s| now.binary_search(s).is_err()) {
                if let Some(list) = self.postings.get_mut(stem.as_str()) {
                    list.retain(|&j| j != i);
                    if list.is_empty() {
                        self.postings.remove(stem.as_str());
                    }
                }
                changed_stems.push(stem.clone());
            }
            for stem in now.iter().filter(|s| then.binary_search(s).is_err()) {
                let list = self.postings.entry(Cow::Owned(stem.clone())).or_default();
                let at = list.partition_point(|&j| j < i);
                list.insert(at, i);
                changed_stems.push(stem.clone());
            }
            if then.len() >= MIN_WORDS
                && let Some(group) = self.same_words.get_mut(then.as_slice())
            {
                group.retain(|&j| j != i);
                // The group it left lost a candidate.
                again.extend(group.iter().copied());
                if group.is_empty() {
                    self.same_words.remove(then.as_slice());
                }
            }
            if now.len() >= MIN_WORDS {
                let group = (self.same_words.entry(Cow::Owned(now.clone()))).or_default();
                let at = group.partition_point(|&j| j < i);
                group.insert(at, i);
            }
            again.push(i);
        }
        // The questions whose own weights changed.
        for stem in &changed_stems {
            if let Some(list) = self.postings.get(stem.as_str()) {
                again.extend(list.iter().copied());
            }
        }
        again.sort_unstable();
        again.dedup();
        // And those they are candidates of.
        let mut of_candidates: Vec<usize> = Vec::new();
        for &j in &again {
            for stem in &all[j] {
                let list = &self.postings[stem.as_str()];
                if list.len() <= MAX_POSTINGS {
                    of_candidates.extend(list.iter().copied());
                }
            }
            if let Some(group) = self.same_words.get(all[j].as_slice()) {
                of_candidates.extend(group.iter().copied());
            }
        }
        again.extend(of_candidates);
        again.sort_unstable();
        again.dedup();
        again
    }
}

/// The pairs among questions reduced to their stems (by index).
fn find_among(all: &[Vec<String>]) -> NearDuplicates {
    let index = Index::borrowing(all);
    // Each question's best match is independent of the others'.
    let by_question = (0..all.len())
        .into_par_iter()
        .map(|i| nearest(all, &index, i))
        .collect();
    NearDuplicates { by_question }
}

/// The question most like question `i`, if one is near enough.
fn nearest(all: &[Vec<String>], index: &Index, i: usize) -> Option<NearDuplicate> {
    let n = all.len();
    let weight = |stem: &str| {
        let df = index.postings.get(stem).map_or(1, Vec::len) as f64;
        (1.0 + n as f64 / df).ln()
    };
    let mine = &all[i];
    if mine.len() < MIN_WORDS {
        return None;
    }
    // Any one of a group with the same words is as near as the others:
    // a few are enough (10,000 copies of one question stay linear).
    let group = &index.same_words[mine.as_slice()];
    let mut candidates: Vec<usize> = group.iter().copied().filter(|&j| j != i).take(2).collect();
    for stem in mine {
        let list = &index.postings[stem.as_str()];
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
    fn pairs_kept_after_title_edits_are_the_pairs_found_afresh() {
        // Titles from a small vocabulary, so that questions share words,
        // stems and whole titles; each step edits a few (a word added,
        // dropped or swapped, one title copied onto another) and now and
        // then adds or removes a question.
        const WORDS: [&str; 14] = [
            "microneedling",
            "redness",
            "scarring",
            "numbing",
            "cream",
            "peel",
            "swelling",
            "bruising",
            "cost",
            "session",
            "acne",
            "laser",
            "serum",
            "sunscreen",
        ];
        let mut seed = 17u64;
        let mut next = |below: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % below
        };
        let mut titles: Vec<String> = (0..150)
            .map(|i| {
                let n = 2 + i % 4;
                let words: Vec<&str> = (0..n)
                    .map(|k| WORDS[(i * 7 + k * 3) % WORDS.len()])
                    .collect();
                format!("Does {}?", words.join(" and "))
            })
            .collect();
        let mut memo = Memo::default();
        for step in 0..120 {
            for _ in 0..1 + next(3) {
                let i = next(titles.len());
                titles[i] = match next(5) {
                    0 => titles[next(titles.len())].clone(),
                    1 => format!(
                        "{} {}?",
                        titles[i].trim_end_matches('?'),
                        WORDS[next(WORDS.len())]
                    ),
                    2 => titles[i]
                        .split_whitespace()
                        .skip(1)
                        .collect::<Vec<_>>()
                        .join(" "),
                    3 => {
                        let (from, to) = (WORDS[next(WORDS.len())], WORDS[next(WORDS.len())]);
                        titles[i].replacen(from, to, 1)
                    }
                    _ => format!(
                        "Is {} {} {}?",
                        WORDS[next(14)],
                        WORDS[next(14)],
                        WORDS[next(14)]
                    ),
                };
            }
            if step % 25 == 24 {
                titles.push("Does microneedling cost a session?".to_string());
            }
            let questions: Vec<Question> = titles.iter().map(|t| question(t)).collect();
            assert_eq!(
                find_remembered(&questions, &mut memo),
                find(&questions),
                "step {step}"
            );
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
