//! Reading level: the Flesch-Kincaid grade and the SMOG grade of a text.
//!
//! Patients read these pages; the grade tells an editor when an answer has
//! drifted into jargon. SMOG (McLaughlin, 1969) is the measure
//! health-literacy guidance prefers for patient materials, Flesch-Kincaid
//! the most widely known: both are worked out in one pass over the words.
//! Syllables are counted with the usual vowel-group heuristic, which is
//! what readability tools do; it is an estimate, so it only ever produces
//! warnings, and editors see grades as whole numbers.

/// The counts both formulas are made of.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    pub words: usize,
    pub syllables: usize,
    pub sentences: usize,
    /// Words of three syllables or more, for SMOG.
    pub polysyllables: usize,
}

impl Counts {
    /// Counts the words, sentences and syllables of `text`.
    pub fn of(text: &str) -> Counts {
        let mut counts = Counts::default();
        let mut in_sentence = false;
        // Bytes, not chars: this runs over every word of every answer, and the
        // only characters that matter (letters, digits, . ! ?) are ASCII. One
        // pass over each token (split as `split_ascii_whitespace` splits),
        // each byte classed by a table: whether it is a word (a letter, a
        // digit or any non-ASCII character) and its vowel groups.
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at].is_ascii_whitespace() {
                at += 1;
                continue;
            }
            let start = at;
            let mut is_word = false;
            let mut vowel_groups = 0;
            let mut previous_vowel = false;
            // Without branches on the class: vowels and consonants
            // alternate unpredictably, and mispredicted branches were most
            // of the time this took.
            while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
                let class = BYTE_CLASS[bytes[at] as usize];
                let vowel = class == VOWEL;
                vowel_groups += usize::from(vowel & !previous_vowel);
                // Only a consonant ends a vowel group; other bytes leave it.
                previous_vowel = vowel | (previous_vowel & (class != CONSONANT));
                is_word |= class != OTHER;
                at += 1;
            }
            let token = &bytes[start..at];
            if is_word {
                counts.words += 1;
                let syllables = (vowel_groups - usize::from(silent_final_e(token))).max(1);
                counts.syllables += syllables;
                if syllables >= 3 {
                    counts.polysyllables += 1;
                }
                in_sentence = true;
            }
            let ends_sentence = matches!(
                token,
                [.., b'.' | b'!' | b'?'] | [.., b'.' | b'!' | b'?', b')' | b'"']
            );
            if ends_sentence {
                if in_sentence {
                    counts.sentences += 1;
                }
                in_sentence = false;
            }
        }
        if in_sentence {
            counts.sentences += 1;
        }
        counts
    }

    /// Adds another text's counts: the grade of a page is that of all its text.
    pub fn add(&mut self, other: Counts) {
        self.words += other.words;
        self.syllables += other.syllables;
        self.sentences += other.sentences;
        self.polysyllables += other.polysyllables;
    }

    /// Flesch-Kincaid grade level, or `None` for text without words.
    pub fn flesch_kincaid(&self) -> Option<f64> {
        if self.words == 0 {
            return None;
        }
        let grade = 0.39 * (self.words as f64 / self.sentences.max(1) as f64)
            + 11.8 * (self.syllables as f64 / self.words as f64)
            - 15.59;
        Some((grade * 10.0).round() / 10.0)
    }

    /// SMOG grade, or `None` for text without words. The formula is made
    /// for 30 sentences; shorter texts are scaled to 30, as is usual.
    pub fn smog(&self) -> Option<f64> {
        if self.words == 0 {
            return None;
        }
        let per_30 = self.polysyllables as f64 * 30.0 / self.sentences.max(1) as f64;
        let grade = 1.0430 * per_30.sqrt() + 3.1291;
        Some((grade * 10.0).round() / 10.0)
    }
}

/// Flesch-Kincaid grade level, or `None` for text without words.
pub fn flesch_kincaid_grade(text: &str) -> Option<f64> {
    Counts::of(text).flesch_kincaid()
}

/// SMOG grade, or `None` for text without words.
pub fn smog_grade(text: &str) -> Option<f64> {
    Counts::of(text).smog()
}

/// A grade as editors see it: a whole school grade, never below 1.
pub fn whole_grade(grade: f64) -> i64 {
    (grade.round() as i64).max(1)
}

/// [`BYTE_CLASS`]es: a byte that is no letter, digit or part of a
/// non-ASCII character; a vowel (`y` included); another letter; a digit or
/// a byte of a non-ASCII character (a word, but no syllable).
const OTHER: u8 = 0;
const VOWEL: u8 = 1;
const CONSONANT: u8 = 2;
const WORDISH: u8 = 3;

/// The class of each byte, either case.
static BYTE_CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        class[byte] = if is_vowel(b.to_ascii_lowercase()) {
            VOWEL
        } else if b.is_ascii_alphabetic() {
            CONSONANT
        } else if b.is_ascii_digit() || !b.is_ascii() {
            WORDISH
        } else {
            OTHER
        };
        byte += 1;
    }
    class
};

/// Whether a token's last letters end in a silent "e": its last three
/// letters (other bytes skipped) end in "e" after a consonant, but not in
/// "-le" after a consonant ("table").
fn silent_final_e(token: &[u8]) -> bool {
    let mut letters = (token.iter().rev())
        .filter(|b| b.is_ascii_alphabetic())
        .map(|b| b.to_ascii_lowercase());
    let (Some(final_letter), Some(second), Some(third)) =
        (letters.next(), letters.next(), letters.next())
    else {
        return false;
    };
    final_letter == b'e' && !is_vowel(second) && (second != b'l' || is_vowel(third))
}

/// Vowel groups, less a silent final "e", at least one. Counts the letters
/// of `token` only (punctuation and digits are skipped), without allocating:
/// this runs over every word of every answer.
#[cfg(test)]
fn syllable_count(token: &str) -> usize {
    let mut letters = Syllables::default();
    for c in token.bytes().filter(u8::is_ascii_alphabetic) {
        letters.push(c.to_ascii_lowercase());
    }
    letters.count()
}

/// A vowel, `y` included (lowercase ASCII).
const fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// The syllables of a word, its letters given one by one (lowercase ASCII):
/// how [`Counts::of`] counted them before it classed bytes by a table, kept
/// to test it against.
#[cfg(test)]
#[derive(Default)]
struct Syllables {
    vowel_groups: usize,
    previous_vowel: bool,
    /// The last three letters, to spot a silent final "e" (but not "-le" as
    /// in "table").
    last: [u8; 3],
}

#[cfg(test)]
impl Syllables {
    fn is_vowel(c: u8) -> bool {
        is_vowel(c)
    }

    fn push(&mut self, c: u8) {
        let vowel = Self::is_vowel(c);
        if vowel && !self.previous_vowel {
            self.vowel_groups += 1;
        }
        self.previous_vowel = vowel;
        self.last = [self.last[1], self.last[2], c];
    }

    /// Vowel groups, less a silent final "e", at least one.
    fn count(&self) -> usize {
        let mut count = self.vowel_groups;
        let [third, second, final_letter] = self.last;
        if third != 0
            && final_letter == b'e'
            && !Self::is_vowel(second)
            && (second != b'l' || Self::is_vowel(third))
        {
            count -= 1;
        }
        count.max(1)
    }
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

    /// [`Counts::of`] as it was written before it read each token once.
    fn counts_in_several_passes(text: &str) -> Counts {
        let mut counts = Counts::default();
        let mut in_sentence = false;
        for token in text.split_ascii_whitespace() {
            if token.bytes().any(|b| b.is_ascii_alphanumeric()) || !token.is_ascii() {
                counts.words += 1;
                let syllables = syllable_count(token);
                counts.syllables += syllables;
                if syllables >= 3 {
                    counts.polysyllables += 1;
                }
                in_sentence = true;
            }
            let ends_sentence = matches!(
                token.as_bytes(),
                [.., b'.' | b'!' | b'?'] | [.., b'.' | b'!' | b'?', b')' | b'"']
            );
            if ends_sentence {
                if in_sentence {
                    counts.sentences += 1;
                }
                in_sentence = false;
            }
        }
        if in_sentence {
            counts.sentences += 1;
        }
        counts
    }

    #[test]
    fn one_pass_counts_what_several_passes_counted() {
        let pieces = [
            "table",
            "Microneedling",
            " ",
            "\n",
            ".",
            "!",
            "?)",
            "\"",
            "é",
            "12",
            "-",
            "ye",
            "e",
            "Sky",
            "—",
            "x",
            "AEIOU",
            "rhythm",
            "le",
        ];
        let mut seed = 5u32;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            assert_eq!(
                Counts::of(&text),
                counts_in_several_passes(&text),
                "{text:?}"
            );
        }
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

    #[test]
    fn smog_counts_words_of_three_syllables_or_more() {
        // No polysyllables: SMOG's constant alone.
        assert_eq!(
            smog_grade("The cat sat on the mat. It was a good day."),
            Some(3.1)
        );
        // Ten sentences, each with two words of three syllables: 60 per 30
        // sentences, so 1.043 * sqrt(60) + 3.1291 = 11.2.
        let text = "Beautiful elephants walk. ".repeat(10);
        assert_eq!(smog_grade(&text), Some(11.2));
        assert_eq!(smog_grade(" "), None);
        // Counts of two texts add up to those of both.
        let (a, b) = (
            "One short line.",
            "Another considerably longer sentence here.",
        );
        let mut sum = Counts::of(a);
        sum.add(Counts::of(b));
        assert_eq!(sum, Counts::of(&format!("{a} {b}")));
        assert_eq!(whole_grade(0.2), 1);
        assert_eq!(whole_grade(7.5), 8);
    }
}
