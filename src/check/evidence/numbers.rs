//! Numbers backed by quotes: every number the site states, in digits or in
//! words, must be in a quote behind it.
//!
//! Where the quotes are looked for: a cost, comparison or timeline block's
//! numbers (its `typical`, `low`, `high` and every text field) in the
//! block's quotes, a claim's in its fact's quotes — an error either way
//! (`number-not-quoted`); a summary's or answer's in any quote of the
//! question, and a caution message's in the caution's quotes — a warning,
//! or an error where the site says so (`prose-number-not-quoted`).
//!
//! Numbers are read the same way on both sides, so `2` and `two` are the
//! same number, and `1,200` is 1200 while `5,6` is 5 and 6: digits with
//! digit grouping (groups of three after a comma) and a decimal point;
//! number words (`two` to `ninety-nine`, `hundred`, `thousand`, `million`,
//! `billion`, `dozen`, `half`, `a hundred`, `twenty-five`), and digits
//! with such a word (`1.5 million`). `one`, `a` and `an` alone are not
//! numbers: in prose they are mostly not quantities. Currency signs,
//! percent signs and units around a number do not change it; a range
//! (`$300 to $700`, `4-6`, `four to six weeks`) is its two numbers. A
//! number glued to letters before it (`B12`, `COVID-19`) is a name.
//!
//! This module also keeps a cost's `low ≤ typical ≤ high` (`cost-order`).

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{Cost, Spanned};

use super::words::{self, Word};

/// A number found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub value: Decimal,
    /// Where it is written, in bytes of the text.
    pub range: Range<usize>,
}

/// The numbers of a text, read from its words.
pub fn numbers_in(text: &str, words: &[Word]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let starts_with_digit = word.lower.starts_with(|c: char| c.is_ascii_digit());
        if starts_with_digit && !glued_to_letters(text, word) {
            let mut numbers = digit_numbers(&word.lower, word.range.start);
            // `1.5 million`: the word scales the last number.
            if let (Some(last), Some(next)) = (numbers.last_mut(), words.get(i + 1))
                && let Some(scale) = scale_of(&next.lower)
                && words::adjacent(text, word, next)
                && let Some(value) = last.value.checked_mul(scale)
            {
                last.value = value;
                last.range.end = next.range.end;
                i += 1;
            }
            found.extend(numbers);
            i += 1;
            continue;
        }
        match number_words(text, &words[i..]) {
            Some((value, used)) => {
                found.push(Found {
                    value,
                    range: word.range.start..words[i + used - 1].range.end,
                });
                i += used;
            }
            None => i += 1,
        }
    }
    found
}

/// Just the values of a text's numbers (for quotes).
pub fn values_in(text: &str) -> Vec<Decimal> {
    numbers_in(text, &words::of_text(text))
        .into_iter()
        .map(|n| n.value)
        .collect()
}

/// `B12`, `COVID-19`: digits right after letters (or after a hyphen that
/// follows letters) are part of a name.
fn glued_to_letters(text: &str, word: &Word) -> bool {
    let before = &text[..word.range.start];
    let mut chars = before.chars().rev();
    match chars.next() {
        Some(c) if c.is_alphabetic() => true,
        Some('-') => chars.next().is_some_and(char::is_alphabetic),
        _ => false,
    }
}

/// The numbers written in digits in one word: `1,200.50` is 1200.50, `5,6`
/// is 5 and 6 (a comma is a thousands separator only before three digits),
/// `48h` is 48. `at` is where the word starts in the text.
fn digit_numbers(word: &str, at: usize) -> Vec<Found> {
    let bytes = word.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // Thousands groups: `,` and exactly three digits, after 1-3 digits.
        if i - start <= 3 {
            while bytes.get(i) == Some(&b',')
                && bytes
                    .get(i + 1..i + 4)
                    .is_some_and(|g| g.iter().all(u8::is_ascii_digit))
                && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
            {
                i += 4;
            }
        }
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        let digits = &word[start..i];
        if let Ok(value) = Decimal::from_str_exact(&digits.replace(',', "")) {
            found.push(Found {
                value,
                range: at + start..at + i,
            });
        }
    }
    found
}

/// What a number word says.
#[derive(Clone, Copy)]
enum NumberWord {
    /// `zero` to `nineteen`.
    UnitOrTeen(u32),
    /// `twenty` to `ninety`.
    Tens(u32),
    /// `hundred`, `thousand`, `million`, `billion`.
    Scale(u64),
    Half,
    Dozen,
}

/// The number words, by their lowercase form: one lookup per word of a
/// text, instead of comparing each word with every number word in turn
/// (most words are no number word; in `perf` of `check_bench` on the 10k
/// site, reading number words fell from 3.6% to 1.4% of the check).
static NUMBER_WORDS: LazyLock<FxHashMap<&'static str, NumberWord>> = LazyLock::new(|| {
    const SMALL: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    const SCALES: [(&str, u64); 4] = [
        ("hundred", 100),
        ("thousand", 1_000),
        ("million", 1_000_000),
        ("billion", 1_000_000_000),
    ];
    let small = (SMALL.iter().enumerate()).map(|(n, w)| (*w, NumberWord::UnitOrTeen(n as u32)));
    let tens = (TENS.iter().enumerate()).map(|(n, w)| (*w, NumberWord::Tens((n as u32 + 2) * 10)));
    let scales = SCALES.iter().map(|(w, n)| (*w, NumberWord::Scale(*n)));
    let others = [("half", NumberWord::Half), ("dozen", NumberWord::Dozen)];
    small.chain(tens).chain(scales).chain(others).collect()
});

fn number_word(lower: &str) -> Option<NumberWord> {
    NUMBER_WORDS.get(lower).copied()
}

/// The value of `zero` to `nineteen`.
fn unit_or_teen(word: &str) -> Option<u32> {
    match number_word(word)? {
        NumberWord::UnitOrTeen(n) => Some(n),
        _ => None,
    }
}

/// The value of `twenty` to `ninety`.
fn tens(word: &str) -> Option<u32> {
    match number_word(word)? {
        NumberWord::Tens(n) => Some(n),
        _ => None,
    }
}

/// Whether a word is a number written as a word (`four`, `twenty`,
/// `hundred`, `half`), `one` included.
pub fn is_number_word(lower: &str) -> bool {
    number_word(lower).is_some()
}

/// `hundred`, `thousand`...: what a number before it is multiplied by.
fn scale_of(word: &str) -> Option<Decimal> {
    match number_word(word)? {
        NumberWord::Scale(n) => Some(Decimal::from(n)),
        _ => None,
    }
}

/// A number written in words at the start of `words`, and how many words it
/// takes: `twenty-five`, `a hundred`, `two thousand and twelve`, `half`.
fn number_words(text: &str, words: &[Word]) -> Option<(Decimal, usize)> {
    let first: &str = &words.first()?.lower;
    // `a`, `an` and `one` count only before a scale: `a hundred`, `one million`.
    let article = matches!(first, "a" | "an");
    if !article {
        match number_word(first)? {
            NumberWord::Half => return Some((Decimal::new(5, 1), 1)),
            NumberWord::Dozen => return Some((Decimal::from(12), 1)),
            _ => {}
        }
    }
    let hundred = Decimal::from(100);
    let mut total = Decimal::ZERO;
    let mut current = Decimal::ZERO;
    let mut used = 0;
    let mut saw_scale = false;
    let mut last_was_tens = false;
    while let Some(word) = words.get(used) {
        if used > 0 && !words::adjacent(text, &words[used - 1], word) {
            break;
        }
        let w: &str = &word.lower;
        // Below a hundred, a new tens or unit word is another number
        // (`five six`), except a unit after tens (`twenty-five`).
        let free = (current % hundred).is_zero();
        let was_tens = std::mem::take(&mut last_was_tens);
        if used == 0 && article {
            current = Decimal::ONE;
        } else if let Some(n) = tens(w).filter(|_| free) {
            current += Decimal::from(n);
            last_was_tens = true;
        } else if let Some(n) = unit_or_teen(w).filter(|n| free || (was_tens && *n < 10 && *n > 0))
        {
            current += Decimal::from(n);
        } else if w == "hundred" && current < hundred {
            current = current.max(Decimal::ONE) * hundred;
            saw_scale = true;
        } else if let Some(scale) = scale_of(w).filter(|_| w != "hundred") {
            total += current.max(Decimal::ONE) * scale;
            current = Decimal::ZERO;
            saw_scale = true;
        } else if w == "and"
            && saw_scale
            && words.get(used + 1).is_some_and(|next| {
                unit_or_teen(&next.lower).is_some() || tens(&next.lower).is_some()
            })
        {
            // `a hundred and twenty`
        } else {
            break;
        }
        used += 1;
    }
    if used == 0 || (article && !saw_scale) {
        return None;
    }
    // A trailing `and` is not part of the number.
    if words[used - 1].lower == "and" {
        used -= 1;
    }
    if !saw_scale && used == 1 && first == "one" {
        return None; // `one` alone is rarely a quantity in prose.
    }
    Some((total + current, used))
}

/// A cost's figures in order: low ≤ typical ≤ high.
pub fn cost_order(file: &Path, cost: &Cost, out: &mut Diagnostics) {
    let ordered = [&cost.low, &cost.typical, &cost.high];
    let present: Vec<&Spanned<crate::model::Number>> =
        ordered.iter().filter_map(|v| v.as_ref()).collect();
    for pair in present.windows(2) {
        if pair[0].value > pair[1].value {
            out.push(
                Diagnostic::error(Code::CostOrder, file, Some(pair[1].span))
                    .message(format!(
                        "{} is less than {}: costs must be low ≤ typical ≤ high",
                        pair[1].value, pair[0].value
                    ))
                    .help("check which number is the low end, the typical cost and the high end"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        values_in(text)
            .iter()
            .map(|v| v.normalize().to_string())
            .collect()
    }

    fn written(text: &str) -> Vec<&str> {
        numbers_in(text, &words::of_text(text))
            .into_iter()
            .map(|n| &text[n.range])
            .collect()
    }

    #[test]
    fn reads_digits_with_grouping_and_decimals() {
        assert_eq!(values("about $640 per session"), ["640"]);
        assert_eq!(values("$1,200.50 or 1,999"), ["1200.5", "1999"]);
        assert_eq!(values("a quote with 5,6 in it"), ["5", "6"]);
        assert_eq!(values("1.999 and 0.5mm and 48h"), ["1.999", "0.5", "48"]);
        assert_eq!(values("40% of people"), ["40"]);
        assert_eq!(
            values("between $300 to $700, or 4-6 weeks"),
            ["300", "700", "4", "6"]
        );
        assert_eq!(values("1,2345"), ["1", "2345"]);
        assert_eq!(values("12,345,678"), ["12345678"]);
    }

    #[test]
    fn reads_number_words() {
        assert_eq!(values("four to six weeks"), ["4", "6"]);
        assert_eq!(values("two or three days"), ["2", "3"]);
        assert_eq!(values("twenty-five people, twenty five more"), ["25", "25"]);
        assert_eq!(values("a hundred patients"), ["100"]);
        assert_eq!(values("one hundred and twenty"), ["120"]);
        assert_eq!(values("two thousand and twelve"), ["2012"]);
        assert_eq!(values("1.5 million dollars"), ["1500000"]);
        assert_eq!(values("half of them"), ["0.5"]);
        assert_eq!(values("twelve"), ["12"]);
        assert_eq!(values("ninety-nine"), ["99"]);
        assert_eq!(written("It takes four to six weeks."), ["four", "six"]);
        assert_eq!(
            written("a hundred and twenty and more"),
            ["a hundred and twenty"]
        );
    }

    #[test]
    fn one_and_articles_and_names_are_not_numbers() {
        assert!(values("One excerpt says a treatment is an option").is_empty());
        assert!(values("vitamin B12 and COVID-19").is_empty());
        assert!(values("someone anyone").is_empty());
    }

    #[test]
    fn the_same_number_in_digits_and_words() {
        assert_eq!(values_in("2 to 4 weeks"), values_in("two to four weeks"));
        assert_eq!(values_in("48 hours")[0], values_in("forty-eight hours")[0]);
    }
}
