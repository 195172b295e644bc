//! Qualifiers no quote supports: words of frequency (`most`, `usually`,
//! `rare`), certainty (`proven`, `always`), safety (`safe`, `no risk`) or
//! praise and superiority (`best`, `better`, `works`, `effective`) in the
//! site's own text that none of the quotes behind it contains.
//!
//! Forms are compared, not stems: `mostly` is not backed by a quote's
//! `most`, nor `rarer` by `rare`, because they say something else; `risks`
//! and `risk` are one form. A phrase (`no risk`, `work well`) is backed only
//! by the same words in a row. Idioms (`all in all`, `at all`) are not
//! qualifiers. The list is English; a site adds or removes words in
//! `evidence.qualifiers`. This module finds unbacked qualifiers; it does not
//! decide where their quotes come from.

use rustc_hash::FxHashMap as HashMap;

use super::words::{self, Word};

/// The built-in qualifiers, lowercase. Phrases are words joined by spaces.
pub const DEFAULT: &[&str] = &[
    // frequency and quantity
    "always",
    "never",
    "usually",
    "mostly",
    "most",
    "often",
    "commonly",
    "common",
    "frequently",
    "generally",
    "typically",
    "rarely",
    "rare",
    "rarer",
    "rarest",
    "seldom",
    "all",
    "none",
    "every",
    "everyone",
    "nobody",
    "no one",
    // certainty
    "certainly",
    "definitely",
    "clearly",
    "proven",
    "proves",
    "guaranteed",
    "guarantee",
    "undoubtedly",
    "surely",
    "no doubt",
    // safety
    "safe",
    "safer",
    "safest",
    "safely",
    "harmless",
    "painless",
    "risk-free",
    "no risk",
    "no side effect",
    "no side effects",
    // praise and superiority
    "best",
    "better",
    "superior",
    "excellent",
    "great",
    "greatest",
    "ideal",
    "perfect",
    "perfectly",
    "amazing",
    "miracle",
    "revolutionary",
    "effective",
    "effectively",
    "works",
    "work well",
    "works well",
    "highly",
];

/// Phrases with a qualifier in them that qualify nothing.
const IDIOMS: &[&str] = &[
    "all in all",
    "after all",
    "at all",
    "above all",
    "first of all",
    "all the same",
    "not at all",
    "cure-all",
];

/// The site's list of qualifiers, each as the forms of its words.
#[derive(Clone, Debug, Default)]
pub struct Qualifiers {
    /// By the form of the first word: the phrases and the idioms starting
    /// with it (one lookup per word of a text tells both).
    by_first: HashMap<String, Starting>,
}

/// The qualifiers and idioms that start with one form, longest first.
#[derive(Clone, Debug, Default)]
struct Starting {
    phrases: Vec<Vec<String>>,
    idioms: Vec<Vec<String>>,
}

/// The forms of a phrase's words: `Risk-free` → [`risk`, `free`].
pub fn phrase_forms(phrase: &str) -> Vec<String> {
    words::of_text(phrase)
        .iter()
        .map(|w| words::form(&w.lower).to_string())
        .collect()
}

/// Adds each of `phrases` to the list `pick` chooses, under its first form.
fn index(
    by_first: &mut HashMap<String, Starting>,
    phrases: impl IntoIterator<Item = Vec<String>>,
    pick: fn(&mut Starting) -> &mut Vec<Vec<String>>,
) {
    for forms in phrases {
        if let Some(first) = forms.first() {
            let list = pick(by_first.entry(first.clone()).or_default());
            if !list.contains(&forms) {
                list.push(forms);
            }
        }
    }
    // Longest first: `work well` is reported as itself, not as `work`.
    for starting in by_first.values_mut() {
        pick(starting).sort_by_key(|forms| std::cmp::Reverse(forms.len()));
    }
}

impl Qualifiers {
    /// The built-in list with `add` added and `remove` taken off.
    pub fn new<'a>(
        add: impl IntoIterator<Item = &'a str>,
        remove: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let removed: Vec<Vec<String>> = remove.into_iter().map(phrase_forms).collect();
        let phrases = DEFAULT
            .iter()
            .copied()
            .chain(add)
            .map(phrase_forms)
            .filter(|forms| !forms.is_empty() && !removed.contains(forms));
        let mut by_first = HashMap::default();
        index(&mut by_first, phrases, |s| &mut s.phrases);
        index(&mut by_first, IDIOMS.iter().map(|i| phrase_forms(i)), |s| {
            &mut s.idioms
        });
        Qualifiers { by_first }
    }

    /// Whether `word` (its lowercase form) is a qualifier or starts one.
    pub fn starts_with(&self, lower: &str) -> bool {
        (self.by_first.get(words::form(lower))).is_some_and(|s| !s.phrases.is_empty())
    }

    /// The qualifiers in `words` of `text`: for each, the index of its first
    /// word, how many words, and its forms.
    pub fn find<'q>(&'q self, text: &str, words: &[Word]) -> Vec<(usize, usize, &'q [String])> {
        let form_at = |at: usize| words::form(&words[at].lower);
        let matches_at = |phrase: &[String], at: usize| {
            at + phrase.len() <= words.len()
                && phrase.iter().enumerate().all(|(k, form)| {
                    form_at(at + k) == form.as_str()
                        && (k == 0 || words::adjacent(text, &words[at + k - 1], &words[at + k]))
                })
        };
        // One pass: words inside an idiom are not qualifiers, and an idiom
        // that covers a word starts at it or before it, so it is seen first.
        let mut found = Vec::new();
        let mut idiom_until = 0;
        let mut next = 0;
        for at in 0..words.len() {
            let Some(starting) = self.by_first.get(form_at(at)) else {
                continue;
            };
            for idiom in &starting.idioms {
                if matches_at(idiom, at) {
                    idiom_until = idiom_until.max(at + idiom.len());
                }
            }
            if at < next || at < idiom_until {
                continue;
            }
            if let Some(phrase) = starting.phrases.iter().find(|p| matches_at(p, at)) {
                found.push((at, phrase.len(), phrase.as_slice()));
                next = at + phrase.len();
            }
        }
        found
    }
}

/// The forms of a quote's words in a row, for [`backed`]: ` most people
/// can ` (with spaces around, so that a search matches whole words).
pub fn quote_forms(text: &str) -> String {
    forms_in_a_row(&words::of_text(text))
}

/// [`quote_forms`] for words already read.
pub fn forms_in_a_row(words: &[Word]) -> String {
    let length: usize = words.iter().map(|w| w.lower.len() + 1).sum();
    let mut out = String::with_capacity(length + 1);
    out.push(' ');
    for word in words {
        out.push_str(words::form(&word.lower));
        out.push(' ');
    }
    out
}

/// Whether the phrase is in any of the quotes' forms.
pub fn backed<'q>(phrase: &[String], mut quotes: impl Iterator<Item = &'q str>) -> bool {
    let needle = format!(" {} ", phrase.join(" "));
    quotes.any(|q| q.contains(&needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unbacked(text: &str, quote: &str) -> Vec<String> {
        let qualifiers = Qualifiers::new([], []);
        let words = words::of_text(text);
        let quotes = [quote_forms(quote)];
        qualifiers
            .find(text, &words)
            .into_iter()
            .filter(|(_, _, phrase)| !backed(phrase, quotes.iter().map(String::as_str)))
            .map(|(at, n, _)| text[words[at].range.start..words[at + n - 1].range.end].to_string())
            .collect()
    }

    #[test]
    fn fires_on_qualifiers_no_quote_has() {
        assert_eq!(
            unbacked(
                "Yes, mostly when needles go too deep.",
                "If the needles penetrate beyond the recommended depth"
            ),
            ["mostly"]
        );
        assert_eq!(
            unbacked(
                "Both work well, but one wins.",
                "these are both fantastic in their own ways"
            ),
            ["work well"]
        );
        assert_eq!(
            unbacked(
                "from short-term redness to rarer problems",
                "It is rare to get any serious side effects"
            ),
            ["rarer"]
        );
        assert_eq!(
            unbacked("It is risk-free and safe.", "It is gentle."),
            ["risk-free", "safe"]
        );
    }

    #[test]
    fn silent_where_a_quote_has_it_or_it_is_an_idiom() {
        assert!(
            unbacked(
                "Most people can wear makeup.",
                "Most people can return to wearing regular makeup"
            )
            .is_empty()
        );
        assert!(
            unbacked(
                "There are no risks, he says.",
                "There are no risks or downtime"
            )
            .is_empty()
        );
        assert!(
            unbacked(
                "All in all, expect an hour.",
                "Expect to spend at least an hour"
            )
            .is_empty()
        );
        assert!(unbacked("It works.", "chemical peels work best").is_empty());
    }

    /// [`Qualifiers::find`] as it was written before it took one pass: the
    /// idioms marked over the whole text first, then the qualifiers found.
    fn find_in_two_passes(q: &Qualifiers, text: &str) -> Vec<(usize, usize)> {
        let words = words::of_text(text);
        let forms: Vec<&str> = words.iter().map(|w| words::form(&w.lower)).collect();
        let matches_at = |phrase: &[String], at: usize| {
            phrase.iter().enumerate().all(|(k, form)| {
                forms.get(at + k) == Some(&form.as_str())
                    && (k == 0 || words::adjacent(text, &words[at + k - 1], &words[at + k]))
            })
        };
        let mut in_idiom = vec![false; words.len()];
        for at in 0..words.len() {
            let idioms = q.by_first.get(forms[at]).map(|s| &s.idioms);
            for idiom in idioms.into_iter().flatten() {
                if matches_at(idiom, at) {
                    in_idiom[at..at + idiom.len()]
                        .iter_mut()
                        .for_each(|x| *x = true);
                }
            }
        }
        let mut found = Vec::new();
        let mut at = 0;
        while at < words.len() {
            let phrase = (!in_idiom[at])
                .then(|| q.by_first.get(forms[at]))
                .flatten()
                .and_then(|s| s.phrases.iter().find(|p| matches_at(p, at)));
            match phrase {
                Some(phrase) => {
                    found.push((at, phrase.len()));
                    at += phrase.len();
                }
                None => at += 1,
            }
        }
        found
    }

    #[test]
    fn one_pass_finds_what_two_passes_found() {
        // Every text of up to four of these words, where qualifiers, phrases
        // and idioms start inside one another.
        let qualifiers = Qualifiers::new(["all the way", "at all costs"], []);
        let vocabulary = [
            "all", "in", "at", "not", "no", "risk", "works", "well", "the", "same", "first", "of",
            "most", "way", "costs",
        ];
        let n = vocabulary.len();
        for len in 1..=4u32 {
            for mut i in 0..n.pow(len) {
                let mut text = Vec::new();
                for _ in 0..len {
                    text.push(vocabulary[i % n]);
                    i /= n;
                }
                let text = text.join(" ");
                let words = words::of_text(&text);
                let found: Vec<(usize, usize)> = (qualifiers.find(&text, &words).iter())
                    .map(|&(at, count, _)| (at, count))
                    .collect();
                assert_eq!(found, find_in_two_passes(&qualifiers, &text), "{text}");
            }
        }
    }

    #[test]
    fn the_site_changes_the_list() {
        let qualifiers = Qualifiers::new(["miracle cure", "Clinically proven"], ["all"]);
        assert!(qualifiers.starts_with("clinically"));
        assert!(!qualifiers.starts_with("all"));
        let text = "A miracle cure for all.";
        let words = words::of_text(text);
        let found: Vec<usize> = qualifiers.find(text, &words).iter().map(|f| f.1).collect();
        assert_eq!(found, [2]);
    }
}
