//! Claims that say more than their quotes: the content words of a claim
//! (or a summary, or an answer where the site asks for it) that no quote
//! behind it has.
//!
//! Words are compared by their stem (the search index's Porter stemmer), so
//! `scars` is backed by `scarring`. Set aside as not content: stop words and
//! the words sources are cited with ([`STOP_WORDS`]: `the`, `may`, `one`,
//! `excerpt`, `says`...), words of two letters or fewer, numbers (the
//! numbers rule has them) and qualifiers (the qualifiers rule has them);
//! and set aside as known: glossary terms and aliases, the question's own
//! words, and the names in the quotes' attributions. Unbacked words next to
//! each other are one finding (`at home`, not `at` and `home`).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use super::qualifiers::Qualifiers;
use super::words::{self, Word};

/// English function words, light verbs that plain-language paraphrase
/// puts in for the source's own (`make`, `cause`, `lead`, `help`), and the
/// words the site uses to cite its sources ("one excerpt says", "according
/// to", "lists", "warns"): none of them says what a claim claims on its
/// own. Sorted, for a binary search.
pub const STOP_WORDS: &[&str] = &[
    "about",
    "above",
    "according",
    "across",
    "add",
    "adds",
    "after",
    "again",
    "against",
    "agree",
    "agrees",
    "also",
    "although",
    "among",
    "and",
    "another",
    "any",
    "are",
    "around",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "came",
    "can",
    "cannot",
    "cause",
    "caused",
    "causes",
    "causing",
    "cite",
    "cited",
    "cites",
    "citing",
    "come",
    "comes",
    "could",
    "count",
    "counts",
    "describe",
    "describes",
    "did",
    "disagree",
    "disagrees",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "either",
    "else",
    "even",
    "excerpt",
    "excerpts",
    "few",
    "for",
    "from",
    "further",
    "gave",
    "get",
    "gets",
    "give",
    "given",
    "gives",
    "go",
    "goes",
    "going",
    "gone",
    "got",
    "had",
    "happen",
    "happened",
    "happens",
    "has",
    "have",
    "having",
    "help",
    "helped",
    "helps",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "however",
    "into",
    "its",
    "itself",
    "just",
    "keep",
    "keeps",
    "kept",
    "lead",
    "leads",
    "led",
    "less",
    "list",
    "listed",
    "lists",
    "made",
    "make",
    "makes",
    "making",
    "many",
    "may",
    "mention",
    "mentions",
    "might",
    "more",
    "much",
    "must",
    "not",
    "note",
    "notes",
    "now",
    "off",
    "once",
    "one",
    "only",
    "other",
    "others",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "put",
    "puts",
    "quote",
    "quoted",
    "quotes",
    "raise",
    "raised",
    "raises",
    "rate",
    "rates",
    "rather",
    "report",
    "reported",
    "reports",
    "said",
    "same",
    "say",
    "says",
    "shall",
    "she",
    "should",
    "show",
    "showed",
    "shown",
    "shows",
    "since",
    "some",
    "source",
    "sources",
    "still",
    "such",
    "take",
    "taken",
    "takes",
    "talk",
    "talks",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "those",
    "though",
    "through",
    "too",
    "took",
    "under",
    "until",
    "upon",
    "very",
    "warn",
    "warned",
    "warning",
    "warns",
    "was",
    "well",
    "went",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yes",
    "yet",
    "you",
    "your",
    "yours",
];

/// Whether a word (lowercase) is a stop word.
pub fn is_stop_word(lower: &str) -> bool {
    static SET: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    lower.len() <= 11 && SET.contains(lower)
}

/// Whether a word could say what a claim claims: not a stop word, longer
/// than two letters, not a number, not a qualifier.
pub fn is_content_word(lower: &str, qualifiers: &Qualifiers) -> bool {
    lower.chars().count() > 2
        && !is_stop_word(lower)
        && !lower.starts_with(|c: char| c.is_ascii_digit())
        && !super::numbers::is_number_word(lower)
        && !qualifiers.starts_with(lower)
}

/// The stems of a text's words that could be content words (a quote's, an
/// attribution's, a glossary term's, the question's): stop words and words
/// of two letters are never looked up, so they are not stemmed.
pub fn stems_of(text: &str) -> impl Iterator<Item = String> + '_ {
    words::of_text(text)
        .into_iter()
        .filter(|w| w.lower.len() > 2 && !is_stop_word(&w.lower))
        .map(|w| words::stem(&w.lower))
}

/// The words of a text that could be content words, lowercase (stop words
/// and words of two letters are never looked up).
/// (Borrowed from the text where the word is lowercase as written.)
pub fn content_of<'w, 't>(words: &'w [Word<'t>]) -> impl Iterator<Item = Cow<'t, str>> + 'w {
    words
        .iter()
        .filter(|w| w.lower.len() > 2 && !is_stop_word(&w.lower))
        .map(|w| w.lower.clone())
}

/// The runs of words (as ranges of indexes into `words`) that are content
/// words backed by no quote: neither as written (`backed`, given the
/// lowercase word) nor by their stem (`by_stem`, which also answers for the
/// words set aside as known). The stem is worked out only when the word
/// itself is not quoted.
pub fn unbacked(
    text: &str,
    words: &[Word],
    backed: impl Fn(&str) -> bool,
    by_stem: impl Fn(&str) -> bool,
    qualifiers: &Qualifiers,
) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if !is_content_word(&word.lower, qualifiers) {
            continue;
        }
        if backed(&word.lower) || by_stem(&words::stem(&word.lower)) {
            continue;
        }
        match runs.last_mut() {
            // Next to each other in one sentence: one finding.
            Some(run) if run.end == i && words::adjacent(text, &words[i - 1], word) => {
                run.end = i + 1
            }
            _ => runs.push(i..i + 1),
        }
    }
    // A stop word just before a run belongs to what it says (`at home`).
    for run in &mut runs {
        if run.start > 0 && matches!(&*words[run.start - 1].lower, "at" | "in" | "on" | "by") {
            run.start -= 1;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unbacked_in(text: &str, quote: &str, known: &str) -> Vec<String> {
        let qualifiers = Qualifiers::new([], []);
        let words = words::of_text(text);
        let quoted: FxHashSet<String> = stems_of(quote).collect();
        let known: FxHashSet<String> = stems_of(known).collect();
        unbacked(
            text,
            &words,
            |_| false,
            |s| quoted.contains(s) || known.contains(s),
            &qualifiers,
        )
        .into_iter()
        .map(|run| text[words[run.start].range.start..words[run.end - 1].range.end].to_string())
        .collect()
    }

    #[test]
    fn stop_words_are_sorted_and_short() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 11 && is_stop_word(w)));
    }

    #[test]
    fn fires_on_details_no_quote_gives() {
        let quote = "many derma roller users suffer from side effects";
        assert_eq!(
            unbacked_in(
                "Many people who use derma rollers at home get side effects.",
                quote,
                ""
            ),
            ["people", "use", "at home"]
        );
        assert_eq!(
            unbacked_in(
                "One doctor says there are no risks.",
                "There are no risks or downtime if microneedling is performed properly Dr. Katz",
                ""
            ),
            ["doctor"]
        );
    }

    #[test]
    fn silent_on_a_faithful_claim() {
        assert!(unbacked_in(
            "Needles that go too deep may lead to scarring in severe cases.",
            "If the needles penetrate beyond the recommended depth it may lead to side effects like bleeding, bruising, or even scarring in severe cases, they go deep",
            ""
        )
        .is_empty());
        // The question's words and glossary terms are known.
        assert!(
            unbacked_in(
                "Dermis damage heals.",
                "damage heals",
                "Does the dermis heal?"
            )
            .is_empty()
        );
        // Numbers and qualifiers are other rules' findings.
        assert!(unbacked_in("Most heal in 48 hours.", "heal hours", "").is_empty());
    }
}
