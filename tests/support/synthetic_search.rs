//! Synthetic search documents for measuring the index at scale: shared by
//! `tests/search_index.rs` (its size and agreement tests) and
//! `examples/search_bench.rs` through `#[path]`, so the generator is no part
//! of the library. It must stay deterministic (the same seed, the same
//! documents) and must not be used by a build.
//!
//! Words follow a Zipf distribution over a made-up vocabulary, as words in
//! real prose do, so posting lists and shard sizes look like a real site's;
//! a few real patient words are mixed in so typical queries have answers.

use cited::search::SearchDocument;

/// Real words every synthetic site contains now and then.
const PATIENT_WORDS: &[&str] = &[
    "bruising",
    "cost",
    "pregnant",
    "microneedling",
    "hyperpigmentation",
    "redness",
    "scars",
    "acne",
    "collagen",
    "numbing",
    "swelling",
    "sessions",
];

const FILLER_WORDS: &[&str] = &[
    "the", "and", "of", "to", "a", "in", "is", "it", "for", "with", "your", "can", "after",
];

const SYLLABLES: &[&str] = &[
    "ba", "be", "bi", "bo", "da", "de", "di", "do", "fa", "fe", "ga", "go", "ka", "ke", "ki", "ko",
    "la", "le", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "pa", "pe", "ra", "re",
    "ri", "ro", "sa", "se", "ta", "te", "ti", "to", "va", "ve", "za", "zo", "ster", "tion", "ment",
    "ing",
];

const VOCABULARY_SIZE: usize = 40_000;
/// A question's document: a ~150-word answer, and since the index holds
/// what the page shows, its three quotes (~17 words each) too.
const WORDS_PER_TEXT: usize = 200;

/// A small deterministic generator (xorshift64*), so that every run measures
/// the same site.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn vocabulary_word(rank: usize) -> String {
    let mut state = Random((rank as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let syllables = 2 + state.below(3);
    let mut word: String = (0..syllables)
        .map(|_| SYLLABLES[state.below(SYLLABLES.len())])
        .collect();
    // Ranks make words unique even where syllables repeat.
    if rank >= SYLLABLES.len() * SYLLABLES.len() {
        word.push_str(&vocabulary_suffix(rank));
    }
    word
}

fn vocabulary_suffix(rank: usize) -> String {
    let letters = b"bdfgklmnprstvz";
    let mut rest = rank;
    let mut suffix = String::new();
    while rest > 0 {
        suffix.push(letters[rest % letters.len()] as char);
        rest /= letters.len();
    }
    suffix
}

/// `count` documents of about 200 words each, the same for the same `seed`.
pub fn synthetic_documents(count: usize, seed: u64) -> Vec<SearchDocument> {
    let vocabulary: Vec<String> = (0..VOCABULARY_SIZE).map(vocabulary_word).collect();
    // Zipf with exponent 1: the weight of rank r is 1/(r+1).
    let mut cumulative = Vec::with_capacity(VOCABULARY_SIZE);
    let mut total = 0.0;
    for rank in 0..VOCABULARY_SIZE {
        total += 1.0 / (rank as f64 + 1.0);
        cumulative.push(total);
    }
    let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let pick = |random: &mut Random| -> String {
        let roll = random.unit();
        if roll < 0.35 {
            FILLER_WORDS[random.below(FILLER_WORDS.len())].to_owned()
        } else if roll < 0.36 {
            PATIENT_WORDS[random.below(PATIENT_WORDS.len())].to_owned()
        } else {
            let target = random.unit() * total;
            let rank = cumulative.partition_point(|&c| c < target);
            vocabulary[rank.min(VOCABULARY_SIZE - 1)].clone()
        }
    };
    (0..count)
        .map(|number| {
            let title_words = 5 + random.below(6);
            let title: Vec<String> = (0..title_words).map(|_| pick(&mut random)).collect();
            let text: Vec<String> = (0..WORDS_PER_TEXT).map(|_| pick(&mut random)).collect();
            SearchDocument {
                url: format!("/questions/q{number}/"),
                title: format!("{}?", title.join(" ")),
                section: format!("Topic {}", number % 20),
                text: text.join(" "),
            }
        })
        .collect()
}
