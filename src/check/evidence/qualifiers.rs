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
    /// By the form of the first word: the phrases starting with it.
    by_first: HashMap<String, Vec<Vec<String>>>,
    idioms: HashMap<String, Vec<Vec<String>>>,
}

/// The forms of a phrase's words: `Risk-free` → [`risk`, `free`].
pub fn phrase_forms(phrase: &str) -> Vec<String> {
    words::of_text(phrase)
        .iter()
        .map(|w| words::form(&w.lower).to_string())
        .collect()
}

fn index(phrases: impl IntoIterator<Item = Vec<String>>) -> HashMap<String, Vec<Vec<String>>> {
    let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::default();
    for forms in phrases {
        if let Some(first) = forms.first() {
            let list = by_first.entry(first.clone()).or_default();
            if !list.contains(&forms) {
                list.push(forms);
            }
        }
    }
    // Longest first: `work well` is reported as itself, not as `work`.
    for list in by_first.values_mut() {
        list.sort_by_key(|forms| std::cmp::Reverse(forms.len()));
    }
    by_first
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
        Qualifiers {
            by_first: index(phrases),
            idioms: index(IDIOMS.iter().map(|i| phrase_forms(i))),
        }
    }

    /// Whether `word` (its lowercase form) is a qualifier or starts one.
    pub fn starts_with(&self, lower: &str) -> bool {
        self.by_first.contains_key(words::form(lower))
    }

    /// The qualifiers in `words` of `text`: for each, the index of its first
    /// word, how many words, and its forms.
    pub fn find<'q>(&'q self, text: &str, words: &[Word]) -> Vec<(usize, usize, &'q [String])> {
        let forms: Vec<&str> = words.iter().map(|w| words::form(&w.lower)).collect();
        let matches_at = |phrase: &[String], at: usize| {
            phrase.iter().enumerate().all(|(k, form)| {
                forms.get(at + k) == Some(&form.as_str())
                    && (k == 0 || words::adjacent(text, &words[at + k - 1], &words[at + k]))
            })
        };
        // Words inside an idiom are not qualifiers.
        let mut in_idiom = vec![false; words.len()];
        for at in 0..words.len() {
            for idiom in self.idioms.get(forms[at]).into_iter().flatten() {
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
                .then(|| self.by_first.get(forms[at]))
                .flatten()
                .and_then(|list| list.iter().find(|p| matches_at(p, at)));
            match phrase {
                Some(phrase) => {
                    found.push((at, phrase.len(), phrase.as_slice()));
                    at += phrase.len();
                }
                None => at += 1,
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
    let mut out = String::from(" ");
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
