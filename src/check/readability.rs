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
    // Bytes, not chars: this runs over every word of every answer, and the
    // only characters that matter (letters, digits, . ! ?) are ASCII.
    for token in text.split_ascii_whitespace() {
        if token.bytes().any(|b| b.is_ascii_alphanumeric()) || !token.is_ascii() {
            words += 1;
            syllables += syllable_count(token);
            in_sentence = true;
        }
        let ends_sentence = matches!(
            token.as_bytes(),
            [.., b'.' | b'!' | b'?'] | [.., b'.' | b'!' | b'?', b')' | b'"']
        );
        if ends_sentence {
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
    let grade = 0.39 * (words as f64 / sentences.max(1) as f64)
        + 11.8 * (syllables as f64 / words as f64)
        - 15.59;
    Some((grade * 10.0).round() / 10.0)
}

/// Vowel groups, less a silent final "e", at least one. Counts the letters
/// of `token` only (punctuation and digits are skipped), without allocating:
/// this runs over every word of every answer.
fn syllable_count(token: &str) -> usize {
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let mut count = 0;
    let mut previous_vowel = false;
    // The last three letters, to spot a silent final "e" (but not "-le" as in "table").
    let mut last = [0u8; 3];
    for c in token
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
    {
        let vowel = is_vowel(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
        last = [last[1], last[2], c];
    }
    let [third, second, final_letter] = last;
    if third != 0
        && final_letter == b'e'
        && !is_vowel(second)
        && (second != b'l' || is_vowel(third))
    {
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
