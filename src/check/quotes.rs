//! Quote verification: does the quoted text occur in the source's archive?
//!
//! Both sides are normalised the same way (white space, typographic quotes
//! and dashes), then searched with memchr's substring finder. When a quote is
//! missing, the closest passage of the archive is found by word overlap so
//! the editor sees what the source actually says.

use memchr::memmem;

/// A source's archive, normalised once and searched by every quote of it.
pub struct Archive {
    normalised: String,
}

impl Archive {
    pub fn new(text: &str) -> Self {
        Archive {
            normalised: normalise(text),
        }
    }

    pub fn contains(&self, quote: &str) -> bool {
        let quote = normalise(quote);
        !quote.is_empty() && memmem::find(self.normalised.as_bytes(), quote.as_bytes()).is_some()
    }

    /// The passage of the archive that shares the most words with `quote`,
    /// as long as the quote, for the "closest passage" help.
    pub fn closest_passage(&self, quote: &str) -> Option<String> {
        let quote_words: Vec<String> = normalise(quote).split(' ').map(word_key).collect();
        let words: Vec<&str> = self.normalised.split(' ').collect();
        if words.is_empty() || quote_words.is_empty() {
            return None;
        }
        let width = quote_words.len().min(words.len());
        let keys: Vec<String> = words.iter().map(|w| word_key(w)).collect();
        let score = |window: &[String]| window.iter().filter(|w| quote_words.contains(w)).count();
        let (best_start, best_score) = (0..=words.len() - width)
            .map(|start| (start, score(&keys[start..start + width])))
            .fold(
                (0, 0),
                |best, next| if next.1 > best.1 { next } else { best },
            );
        (best_score > 0).then(|| words[best_start..best_start + width].join(" "))
    }
}

/// Lowercased letters and digits of a word, so punctuation and case don't
/// hide a near match.
fn word_key(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Collapses runs of white space to one space and maps typographic quotes and
/// dashes to their ASCII forms, so a quote copied from a web page matches the
/// archive however it was typeset.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            c => c,
        });
    }
    out
}

/// The numbers written in a text: `$1,200.50` is 1200.5, `640` is 640.
pub fn numbers_in(text: &str) -> Vec<f64> {
    let mut numbers = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_is_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() {
            current.push(c);
        } else if (c == ',' || c == '.') && !current.is_empty() && next_is_digit {
            if c == '.' {
                current.push('.');
            }
        } else if !current.is_empty() {
            numbers.extend(current.parse::<f64>().ok());
            current.clear();
        }
    }
    if !current.is_empty() {
        numbers.extend(current.parse::<f64>().ok());
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_space_quotes_and_dashes() {
        assert_eq!(normalise("  a \n\t b “c” – ‘d’ "), "a b \"c\" - 'd'");
    }

    #[test]
    fn finds_quotes_typeset_differently() {
        let archive = Archive::new("He said \"no risks\" -\nreally.");
        assert!(archive.contains("said “no risks” – really."));
        assert!(!archive.contains("said no risks"));
        assert!(!archive.contains("   "));
    }

    #[test]
    fn shows_the_closest_passage() {
        let archive = Archive::new(
            "Alpha beta gamma. The average cost is about $640 per session. Delta epsilon.",
        );
        let closest = archive
            .closest_passage("The average price is about $640 per session")
            .unwrap();
        assert!(closest.contains("average cost is about $640"), "{closest}");
    }

    #[test]
    fn reads_numbers_with_separators() {
        assert_eq!(
            numbers_in("about $1,200.50 or $300 to $700."),
            vec![1200.5, 300.0, 700.0]
        );
        assert_eq!(numbers_in("48 hours, 4-6 weeks"), vec![48.0, 4.0, 6.0]);
    }
}
