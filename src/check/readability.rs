//! Reading level: the Flesch-Kincaid grade of a text.
//!
//! Patients read these pages; the grade tells an editor when an answer has
//! drifted into jargon. Syllables are counted with the usual vowel-group
//! heuristic, which is what readability tools do; it is an estimate, so it
//! only ever produces warnings.

/// Flesch-Kincaid grade level, or `None` for text without words.
pub fn flesch_kincaid_grade(text: &str) -> Option<f64> {
    let mut words = 0usize;
    let mut syllables = 0usize;
    let mut sentences = 0usize;
    let mut in_sentence = false;
    for token in text.split_whitespace() {
        let word: String = token.chars().filter(|c| c.is_alphabetic()).collect();
        if !word.is_empty() || token.chars().any(|c| c.is_ascii_digit()) {
            words += 1;
            syllables += syllable_count(&word).max(1);
            in_sentence = true;
        }
        if token.ends_with(['.', '!', '?']) || token.ends_with(".)") || token.ends_with(".\"") {
            if in_sentence {
                sentences += 1;
            }
            in_sentence = false;
        }
    }
    if in_sentence {
        sentences += 1;
    }
    if words == 0 {
        return None;
    }
    let grade = 0.39 * (words as f64 / sentences.max(1) as f64) + 11.8 * (syllables as f64 / words as f64) - 15.59;
    Some((grade * 10.0).round() / 10.0)
}

/// Vowel groups, less a silent final "e", at least one.
fn syllable_count(word: &str) -> usize {
    let word = word.to_lowercase();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let chars: Vec<char> = word.chars().collect();
    let mut count = 0;
    let mut previous_vowel = false;
    for &c in &chars {
        let vowel = is_vowel(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    let n = chars.len();
    if n > 2 && chars[n - 1] == 'e' && !is_vowel(chars[n - 2]) && !(chars[n - 2] == 'l' && !is_vowel(chars[n - 3])) {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables() {
        assert_eq!(syllable_count("cat"), 1);
        assert_eq!(syllable_count("make"), 1);
        assert_eq!(syllable_count("table"), 2);
        assert_eq!(syllable_count("microneedling"), 4);
        assert_eq!(syllable_count("hyperpigmentation"), 6);
    }

    #[test]
    fn simple_text_reads_easier_than_jargon() {
        let simple = flesch_kincaid_grade("The cat sat on the mat. It was a good day.").unwrap();
        let hard = flesch_kincaid_grade(
            "Microneedling-induced hyperpigmentation necessitates comprehensive dermatological evaluation.",
        )
        .unwrap();
        assert!(simple < 3.0, "{simple}");
        assert!(hard > 15.0, "{hard}");
        assert_eq!(flesch_kincaid_grade("  "), None);
    }
}
