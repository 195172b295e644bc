//! Text normalisation shared by the index builder and the query mirror:
//! tokenising, stop words, the Porter stemmer and a bounded edit distance.
//!
//! `templates/assets/search.js` implements every function here a second time,
//! rule for rule, because the browser must turn a query into exactly the terms
//! the builder wrote. Change one side only together with the other; the test
//! `tests/search_index.rs` runs both on the same words and compares them.

/// Words longer than this are dropped: they are URLs, hashes or pasted junk,
/// never something a patient types, and they would bloat the dictionary.
pub const MAX_WORD_CHARS: usize = 40;

/// Words that carry no meaning for search. Indexing them would give a few
/// posting lists that name almost every document, the largest files of all.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
    "has", "have", "how", "i", "if", "in", "is", "it", "its", "me", "my", "of", "on", "or", "so",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was",
    "we", "were", "what", "when", "where", "which", "who", "will", "with", "you", "your",
];

/// Whether `word` (already normalised) is a stop word. It is asked of every
/// word of every page's text, so the list is searched as numbers.
pub fn is_stop_word(word: &str) -> bool {
    // No stop word is longer than five letters: most words stop here.
    word.len() <= 5 && PACKED_STOP_WORDS.binary_search(&packed(word)).is_ok()
}

/// A word of at most eight bytes as a number that sorts as the word does:
/// its bytes from the most significant down, zeros after (no normalised
/// word holds a zero byte).
const fn packed(word: &str) -> u64 {
    let bytes = word.as_bytes();
    let mut number = 0u64;
    let mut i = 0;
    while i < 8 {
        number <<= 8;
        if i < bytes.len() {
            number |= bytes[i] as u64;
        }
        i += 1;
    }
    number
}

/// [`STOP_WORDS`], each [`packed`], in the same (sorted) order.
const PACKED_STOP_WORDS: [u64; STOP_WORDS.len()] = {
    let mut numbers = [0; STOP_WORDS.len()];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        numbers[i] = packed(STOP_WORDS[i]);
        i += 1;
    }
    numbers
};

/// Apostrophes are deleted rather than treated as separators, so that
/// "patient's" and "patients" become the same word, and "don't" stays one word.
fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// A word character: a letter or digit of the Basic Multilingual Plane.
/// Characters beyond U+FFFF are separators so that the browser, which compares
/// strings by UTF-16 code unit, sorts terms exactly as Rust does.
fn is_word_char(c: char) -> bool {
    c <= '\u{FFFF}' && c.is_alphanumeric()
}

/// Splits text into normalised words: lowercased, apostrophes removed, runs
/// of letters and digits, at most [`MAX_WORD_CHARS`] long. Stop words are kept
/// (callers decide), so that excerpts can still show them.
pub fn words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for_each_word(text, |word| found.push(word.to_owned()));
    found
}

/// Calls `visit` with each word [`words`] would return, in order. This is
/// the index builder's hot loop: a word that is already lowercase ASCII (most
/// words of prose) is passed as a slice of `text`, without copying.
pub fn for_each_word(text: &str, mut visit: impl FnMut(&str)) {
    // Capital sigma lowercases by context (final or not), which only
    // lowercasing the whole string gets right; every other character
    // lowercases on its own, so the common case goes char by char.
    let lowered;
    let text = if text.contains('\u{03A3}') {
        lowered = text.to_lowercase();
        lowered.as_str()
    } else {
        text
    };
    let mut word = WordInProgress::default();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte.is_ascii() {
            if byte.is_ascii_lowercase() || byte.is_ascii_digit() {
                word.keep(text, at);
            } else if byte.is_ascii_uppercase() {
                word.push(text, at, byte.to_ascii_lowercase() as char);
            } else if byte == b'\'' {
                word.drop_char(text, at);
            } else {
                word.finish(text, at, &mut visit);
            }
            at += 1;
            continue;
        }
        let c = text[at..].chars().next().expect("at a char boundary");
        for lower in c.to_lowercase() {
            if is_apostrophe(lower) {
                word.drop_char(text, at);
            } else if is_word_char(lower) {
                word.push(text, at, lower);
            } else {
                word.finish(text, at, &mut visit);
            }
        }
        at += c.len_utf8();
    }
    word.finish(text, bytes.len(), &mut visit);
}

/// The word being read by [`for_each_word`]: a slice of the text from
/// `start` while the text needs no change, else a copy in `copy`.
#[derive(Default)]
struct WordInProgress {
    start: Option<usize>,
    copying: bool,
    copy: String,
    chars: usize,
}

impl WordInProgress {
    /// The character at `at` belongs to the word unchanged.
    fn keep(&mut self, text: &str, at: usize) {
        if self.copying {
            self.copy.push_str(&text[at..at + 1]);
        } else if self.start.is_none() {
            self.start = Some(at);
        }
        self.chars += 1;
    }

    /// The word goes on with `c` in place of the character at `at`.
    fn push(&mut self, text: &str, at: usize, c: char) {
        self.start_copying(text, at);
        self.copy.push(c);
        self.chars += 1;
    }

    /// The character at `at` is left out of the word.
    fn drop_char(&mut self, text: &str, at: usize) {
        self.start_copying(text, at);
    }

    fn start_copying(&mut self, text: &str, at: usize) {
        if !self.copying {
            self.copying = true;
            self.copy.clear();
            if let Some(start) = self.start {
                self.copy.push_str(&text[start..at]);
            }
        }
    }

    /// The word ends before `at`.
    fn finish(&mut self, text: &str, at: usize, visit: &mut impl FnMut(&str)) {
        if self.chars > 0 && self.chars <= MAX_WORD_CHARS {
            if self.copying {
                visit(&self.copy);
            } else if let Some(start) = self.start {
                visit(&text[start..at]);
            }
        }
        self.start = None;
        self.copying = false;
        self.chars = 0;
    }
}

/// The Porter (1980) stemmer, as in Martin Porter's reference implementation.
/// Only plain lowercase ASCII words longer than two letters are stemmed; any
/// other word (digits, accents, other scripts) is its own stem.
pub fn stem(word: &str) -> String {
    if word.len() <= 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    let mut porter = Porter {
        b: word.as_bytes().to_vec(),
        k: word.len() as isize - 1,
        j: 0,
    };
    porter.step1ab();
    if porter.k > 0 {
        porter.step1c();
        porter.step2();
        porter.step3();
        porter.step4();
        porter.step5();
    }
    porter.b.truncate(porter.k as usize + 1);
    // The buffer only ever holds ASCII letters.
    String::from_utf8(porter.b).expect("stemmer keeps ASCII")
}

/// The stemmer's working state: `b[..=k]` is the word so far and `j` marks
/// the end of the stem before a suffix found by [`Porter::ends`].
/// Indices are signed because `j` is -1 when a suffix is the whole word.
struct Porter {
    b: Vec<u8>,
    k: isize,
    j: isize,
}

impl Porter {
    fn at(&self, i: isize) -> u8 {
        self.b[i as usize]
    }

    fn is_consonant(&self, i: isize) -> bool {
        match self.at(i) {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => i == 0 || !self.is_consonant(i - 1),
            _ => true,
        }
    }

    /// The number of vowel-consonant sequences in `b[..=j]`.
    fn measure(&self) -> usize {
        let j = self.j;
        let mut count = 0;
        let mut i = 0;
        loop {
            if i > j {
                return count;
            }
            if !self.is_consonant(i) {
                break;
            }
            i += 1;
        }
        i += 1;
        loop {
            loop {
                if i > j {
                    return count;
                }
                if self.is_consonant(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
            count += 1;
            loop {
                if i > j {
                    return count;
                }
                if !self.is_consonant(i) {
                    break;
                }
                i += 1;
            }
            i += 1;
        }
    }

    fn vowel_in_stem(&self) -> bool {
        (0..=self.j).any(|i| !self.is_consonant(i))
    }

    fn double_consonant(&self, i: isize) -> bool {
        i >= 1 && self.at(i) == self.at(i - 1) && self.is_consonant(i)
    }

    /// Consonant-vowel-consonant ending at `i`, the last not w, x or y.
    fn cvc(&self, i: isize) -> bool {
        if i < 2 || !self.is_consonant(i) || self.is_consonant(i - 1) || !self.is_consonant(i - 2) {
            return false;
        }
        !matches!(self.at(i), b'w' | b'x' | b'y')
    }

    fn ends(&mut self, suffix: &[u8]) -> bool {
        let length = suffix.len() as isize;
        if length > self.k + 1 {
            return false;
        }
        let start = (self.k - length + 1) as usize;
        if &self.b[start..=self.k as usize] != suffix {
            return false;
        }
        self.j = self.k - length;
        true
    }

    fn set_to(&mut self, replacement: &[u8]) {
        self.b.truncate((self.j + 1) as usize);
        self.b.extend_from_slice(replacement);
        self.k = self.j + replacement.len() as isize;
    }

    fn replace_if_measured(&mut self, replacement: &[u8]) {
        if self.measure() > 0 {
            self.set_to(replacement);
        }
    }

    /// Tries the rules in order; the first suffix that matches ends the search
    /// whether or not its condition holds, as in the reference implementation.
    fn first_rule(&mut self, rules: &[(&[u8], &[u8])]) {
        for (suffix, replacement) in rules {
            if self.ends(suffix) {
                self.replace_if_measured(replacement);
                return;
            }
        }
    }

    fn step1ab(&mut self) {
        if self.at(self.k) == b's' {
            if self.ends(b"sses") {
                self.k -= 2;
            } else if self.ends(b"ies") {
                self.set_to(b"i");
            } else if self.at(self.k - 1) != b's' {
                self.k -= 1;
            }
        }
        if self.ends(b"eed") {
            if self.measure() > 0 {
                self.k -= 1;
            }
        } else if (self.ends(b"ed") || self.ends(b"ing")) && self.vowel_in_stem() {
            self.k = self.j;
            if self.ends(b"at") {
                self.set_to(b"ate");
            } else if self.ends(b"bl") {
                self.set_to(b"ble");
            } else if self.ends(b"iz") {
                self.set_to(b"ize");
            } else if self.double_consonant(self.k) {
                self.k -= 1;
                if matches!(self.at(self.k), b'l' | b's' | b'z') {
                    self.k += 1;
                }
            } else if self.measure() == 1 && self.cvc(self.k) {
                self.set_to(b"e");
            }
        }
    }

    fn step1c(&mut self) {
        if self.ends(b"y") && self.vowel_in_stem() {
            let k = self.k as usize;
            self.b[k] = b'i';
        }
    }

    fn step2(&mut self) {
        let rules: &[(&[u8], &[u8])] = match self.at(self.k - 1) {
            b'a' => &[(b"ational", b"ate"), (b"tional", b"tion")],
            b'c' => &[(b"enci", b"ence"), (b"anci", b"ance")],
            b'e' => &[(b"izer", b"ize")],
            b'l' => &[
                (b"bli", b"ble"),
                (b"alli", b"al"),
                (b"entli", b"ent"),
                (b"eli", b"e"),
                (b"ousli", b"ous"),
            ],
            b'o' => &[(b"ization", b"ize"), (b"ation", b"ate"), (b"ator", b"ate")],
            b's' => &[
                (b"alism", b"al"),
                (b"iveness", b"ive"),
                (b"fulness", b"ful"),
                (b"ousness", b"ous"),
            ],
            b't' => &[(b"aliti", b"al"), (b"iviti", b"ive"), (b"biliti", b"ble")],
            b'g' => &[(b"logi", b"log")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    fn step3(&mut self) {
        let rules: &[(&[u8], &[u8])] = match self.at(self.k) {
            b'e' => &[(b"icate", b"ic"), (b"ative", b""), (b"alize", b"al")],
            b'i' => &[(b"iciti", b"ic")],
            b'l' => &[(b"ical", b"ic"), (b"ful", b"")],
            b's' => &[(b"ness", b"")],
            _ => &[],
        };
        self.first_rule(rules);
    }

    fn step4(&mut self) {
        let suffixes: &[&[u8]] = match self.at(self.k - 1) {
            b'a' => &[b"al"],
            b'c' => &[b"ance", b"ence"],
            b'e' => &[b"er"],
            b'i' => &[b"ic"],
            b'l' => &[b"able", b"ible"],
            b'n' => &[b"ant", b"ement", b"ment", b"ent"],
            b'o' => {
                // "-ion" goes only after s or t; otherwise try "-ou".
                let after_s_or_t =
                    self.ends(b"ion") && self.j >= 0 && matches!(self.at(self.j), b's' | b't');
                if !after_s_or_t && !self.ends(b"ou") {
                    return;
                }
                &[]
            }
            b's' => &[b"ism"],
            b't' => &[b"ate", b"iti"],
            b'u' => &[b"ous"],
            b'v' => &[b"ive"],
            b'z' => &[b"ize"],
            _ => return,
        };
        if !suffixes.is_empty() && !suffixes.iter().any(|suffix| self.ends(suffix)) {
            return;
        }
        if self.measure() > 1 {
            self.k = self.j;
        }
    }

    fn step5(&mut self) {
        self.j = self.k;
        if self.at(self.k) == b'e' {
            let measure = self.measure();
            if measure > 1 || (measure == 1 && !self.cvc(self.k - 1)) {
                self.k -= 1;
            }
        }
        if self.at(self.k) == b'l' && self.double_consonant(self.k) && self.measure() > 1 {
            self.k -= 1;
        }
    }
}

/// The optimal-string-alignment distance between `a` and `b` (insertions,
/// deletions, substitutions and swaps of two neighbours each cost one), or
/// `limit + 1` as soon as it is sure to exceed `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    // Three rows: the one before the previous is needed for swaps.
    let mut before_previous = vec![0usize; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current = vec![0usize; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_minimum = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best;
            row_minimum = row_minimum.min(best);
        }
        if row_minimum > limit {
            return limit + 1;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()].min(limit + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search_and_short() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(PACKED_STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(STOP_WORDS.iter().all(|word| word.len() <= 5));
    }

    /// The numeric search finds exactly the words of the list: each of
    /// them, and none of their prefixes, extensions or neighbours.
    #[test]
    fn stop_words_are_recognised_exactly() {
        let mut others = vec![
            "", "th", "thee", "theirs", "ab", "abc", "z", "zzzzz", "a1", "été",
        ];
        for word in STOP_WORDS {
            assert!(is_stop_word(word), "{word}");
            others.push(&word[..word.len() - 1]);
        }
        let extended: Vec<String> = STOP_WORDS.iter().map(|w| format!("{w}s")).collect();
        others.extend(extended.iter().map(String::as_str));
        for word in others {
            assert_eq!(is_stop_word(word), STOP_WORDS.contains(&word), "{word:?}");
        }
    }

    #[test]
    fn porter_stems_match_the_reference() {
        let cases = [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("ties", "ti"),
            ("cats", "cat"),
            ("feed", "feed"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("sing", "sing"),
            ("hopping", "hop"),
            ("falling", "fall"),
            ("filing", "file"),
            ("happy", "happi"),
            ("sky", "sky"),
            ("relational", "relat"),
            ("generalizations", "gener"),
            ("oscillators", "oscil"),
            ("adjustment", "adjust"),
            ("adoption", "adopt"),
            ("bruising", "bruis"),
            ("bruise", "bruis"),
            ("bruises", "bruis"),
            ("microneedling", "microneedl"),
            ("hyperpigmentation", "hyperpigment"),
            ("costs", "cost"),
            ("ab", "ab"),
            ("café", "café"),
            ("2024", "2024"),
        ];
        for (word, expected) in cases {
            assert_eq!(stem(word), expected, "stem of {word}");
        }
    }

    #[test]
    fn words_lowercase_and_join_apostrophes() {
        assert_eq!(
            words("Patient’s SKIN, isn't it? 3-day"),
            ["patients", "skin", "isnt", "it", "3", "day"]
        );
    }

    /// The definition `for_each_word` must agree with: lowercase the whole
    /// text, delete apostrophes, split on everything but letters and digits.
    fn reference_words(text: &str) -> Vec<String> {
        let lowered: String = text
            .to_lowercase()
            .chars()
            .filter(|c| !is_apostrophe(*c))
            .collect();
        lowered
            .split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn words_match_whole_text_lowercasing() {
        for text in [
            "ΟΔΟΣ ΣΟΦΟΣ, ΣΑΣ.",
            "ÉTÉ İstanbul STRASSE straße",
            "Patient’s don't 'quoted' x'y",
            "emoji 😀 between𝒜words ½ ² 12,5",
            "'lead' O'Neil’s MRI-guided ‘quotes’ x'y ''",
            "ÀB'c dé'F ǅ ﬁne İİ",
            &"long".repeat(11),
            "",
        ] {
            assert_eq!(words(text), reference_words(text), "{text:?}");
        }
    }

    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("hyperpigmentaion", "hyperpigmentation", 2), 1);
        assert_eq!(edit_distance("microneedeling", "microneedling", 2), 1);
        assert_eq!(edit_distance("form", "from", 2), 1);
        assert_eq!(edit_distance("cost", "cost", 2), 0);
        assert_eq!(edit_distance("abcdef", "ghijkl", 2), 3);
    }
}
