//! Answers a query over built index files exactly as the browser's
//! `search.js` does, step for step, so that ranking and download size can be
//! tested in Rust. It is a mirror, not a server-side search: the site never
//! runs it.
//!
//! A query goes like this:
//! 1. Its words are normalised and stemmed; stop words and repeats dropped.
//! 2. Fetch `meta.json`, then the shard each stem falls in; for the word being
//!    typed (the last, with no space after it) also the shards holding terms
//!    that start with it, if there are few of them.
//! 3. A word whose stem is not in the dictionary, and that is no prefix of a
//!    term either, is taken for a typo: fetch the shards beside its stem's
//!    place and accept terms a small edit distance away.
//! 4. Each document scores, per query word, its best matching posting times
//!    how exact the match was; documents matching more query words come
//!    first, then higher total score, then lower document number.
//! 5. Fetch the document chunks of the results on screen.

use std::collections::{BTreeSet, HashMap};

use super::text::{edit_distance, is_stop_word, stem, words};
use super::{
    FORMAT_VERSION, INDEX_DIR, IndexFile, META_FILE, Meta, OwnedStoredDocument, TermEntry,
    doc_chunk_name, term_shard_name,
};

/// Longer queries are pasted text; their extra words would only cost downloads.
pub(super) const MAX_QUERY_WORDS: usize = 8;

/// Shorter beginnings of a word match too much to be worth expanding.
const MIN_PREFIX_CHARS: usize = 3;

/// A beginning shared by terms in more shards than this is too common to
/// expand as the person types; the exact word still matches.
const MAX_PREFIX_SHARDS: usize = 3;

/// How much a posting counts, by how well its term matched the query word.
const EXACT_WEIGHT: u32 = 4;
const PREFIX_WEIGHT: u32 = 2;
/// Indexed by edit distance (1 or 2).
const TYPO_WEIGHTS: [u32; 3] = [0, 2, 1];

/// What a query returned and what it cost to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOutcome {
    /// The URLs of the results shown, best first.
    pub urls: Vec<String>,
    /// How many documents matched in all.
    pub total: usize,
    /// Every index file fetched, relative to the output root, in fetch order.
    pub fetched: Vec<String>,
    /// The bytes of those files.
    pub fetched_bytes: usize,
}

/// The URLs of every document matching `q`, best first, as the browser ranks
/// them.
pub fn query(files: &[IndexFile], q: &str) -> Vec<String> {
    query_traced(files, q, usize::MAX).urls
}

/// Runs `q` as the search page does, showing the first `shown` results, and
/// records which files that downloads. `query_traced(files, q,
/// RESULTS_PER_PAGE)` is what one search costs a visitor (see
/// [`super::RESULTS_PER_PAGE`]).
pub fn query_traced(files: &[IndexFile], q: &str, shown: usize) -> QueryOutcome {
    let mut loader = Loader {
        files: files
            .iter()
            .map(|file| (file.path.as_str(), file.bytes.as_slice()))
            .collect(),
        fetched: Vec::new(),
        fetched_bytes: 0,
    };
    let mut outcome = QueryOutcome {
        urls: Vec::new(),
        total: 0,
        fetched: Vec::new(),
        fetched_bytes: 0,
    };
    let query_words = query_words(q);
    if !query_words.is_empty()
        && let Some(meta) = loader.json::<Meta>(&format!("{INDEX_DIR}{META_FILE}"))
        && meta.v == FORMAT_VERSION
    {
        let ranked = rank(&mut loader, &meta, &query_words);
        outcome.total = ranked.len();
        outcome.urls = urls_of(&mut loader, &meta, &ranked[..ranked.len().min(shown)]);
    }
    outcome.fetched = loader.fetched;
    outcome.fetched_bytes = loader.fetched_bytes;
    outcome
}

struct Loader<'a> {
    files: HashMap<&'a str, &'a [u8]>,
    fetched: Vec<String>,
    fetched_bytes: usize,
}

impl Loader<'_> {
    fn json<T: serde::de::DeserializeOwned>(&mut self, path: &str) -> Option<T> {
        let bytes = *self.files.get(path)?;
        if !self.fetched.iter().any(|fetched| fetched == path) {
            self.fetched.push(path.to_owned());
            self.fetched_bytes += bytes.len();
        }
        serde_json::from_slice(bytes).ok()
    }
}

/// A word of the query, normalised.
#[derive(Debug)]
struct QueryWord {
    word: String,
    stem: String,
    /// Whether it is still being typed, so that terms starting with it match.
    prefix: bool,
}

fn query_words(q: &str) -> Vec<QueryWord> {
    let all = words(q);
    let typing = all
        .last()
        .filter(|_| !q.ends_with(char::is_whitespace))
        .cloned();
    let mut query_words: Vec<QueryWord> = Vec::new();
    for word in all {
        if is_stop_word(&word) || query_words.iter().any(|known| known.word == word) {
            continue;
        }
        if query_words.len() == MAX_QUERY_WORDS {
            break;
        }
        query_words.push(QueryWord {
            stem: stem(&word),
            word,
            prefix: false,
        });
    }
    if let Some(typing) = typing.filter(|word| word.chars().count() >= MIN_PREFIX_CHARS)
        && let Some(last) = query_words.iter_mut().find(|known| known.word == typing)
    {
        last.prefix = true;
    }
    query_words
}

/// The shard whose range of terms would hold `term`.
fn shard_of(first_terms: &[String], term: &str) -> usize {
    first_terms
        .partition_point(|first| first.as_str() <= term)
        .saturating_sub(1)
}

/// The shards holding terms that start with `prefix`, unless there are too many.
fn prefix_shards(first_terms: &[String], prefix: &str) -> Option<std::ops::RangeInclusive<usize>> {
    let start = shard_of(first_terms, prefix);
    let mut end = start;
    while end + 1 < first_terms.len() && first_terms[end + 1].starts_with(prefix) {
        end += 1;
    }
    (end - start < MAX_PREFIX_SHARDS).then_some(start..=end)
}

/// The shard of `term` and its two neighbours: where a misspelling's
/// correct form most likely sorts.
fn neighbour_shards(first_terms: &[String], term: &str, into: &mut BTreeSet<usize>) {
    let shard = shard_of(first_terms, term);
    into.insert(shard.saturating_sub(1));
    into.insert(shard);
    if shard + 1 < first_terms.len() {
        into.insert(shard + 1);
    }
}

/// The largest edit distance accepted as a typo of a word this long.
fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

fn load_shards(
    loader: &mut Loader,
    meta: &Meta,
    wanted: &BTreeSet<usize>,
    shards: &mut HashMap<usize, Vec<TermEntry>>,
) {
    for &shard in wanted {
        if let std::collections::hash_map::Entry::Vacant(slot) = shards.entry(shard) {
            let entries = loader
                .json::<Vec<TermEntry>>(&term_shard_name(&meta.dir, shard))
                .unwrap_or_default();
            slot.insert(entries);
        }
    }
}

/// Document numbers matching the query, best first.
fn rank(loader: &mut Loader, meta: &Meta, query_words: &[QueryWord]) -> Vec<u32> {
    let first_terms = &meta.terms;
    if first_terms.is_empty() {
        return Vec::new();
    }
    let mut shards: HashMap<usize, Vec<TermEntry>> = HashMap::new();

    let mut wanted = BTreeSet::new();
    let prefix_ranges: Vec<_> = query_words
        .iter()
        .map(|qw| {
            wanted.insert(shard_of(first_terms, &qw.stem));
            let range = qw
                .prefix
                .then(|| prefix_shards(first_terms, &qw.word))
                .flatten();
            wanted.extend(range.clone().into_iter().flatten());
            range
        })
        .collect();
    load_shards(loader, meta, &wanted, &mut shards);

    // Per query word: (term entry's shard, index in shard, weight) of each match.
    let mut matches: Vec<Vec<(usize, usize, u32)>> = Vec::with_capacity(query_words.len());
    for (qw, prefix_range) in query_words.iter().zip(&prefix_ranges) {
        let mut found = Vec::new();
        let exact_shard = shard_of(first_terms, &qw.stem);
        if let Ok(index) =
            shards[&exact_shard].binary_search_by(|entry| entry.0.as_str().cmp(&qw.stem))
        {
            found.push((exact_shard, index, EXACT_WEIGHT));
        }
        for shard in prefix_range.clone().into_iter().flatten() {
            for (index, entry) in shards[&shard].iter().enumerate() {
                if entry.0.starts_with(&qw.word) && entry.0 != qw.stem {
                    found.push((shard, index, PREFIX_WEIGHT));
                }
            }
        }
        matches.push(found);
    }

    let mut wanted = BTreeSet::new();
    for (qw, found) in query_words.iter().zip(&matches) {
        if found.is_empty() && typo_budget(&qw.word) > 0 {
            neighbour_shards(first_terms, &qw.stem, &mut wanted);
            neighbour_shards(first_terms, &qw.word, &mut wanted);
        }
    }
    load_shards(loader, meta, &wanted, &mut shards);
    for (qw, found) in query_words.iter().zip(matches.iter_mut()) {
        let budget = typo_budget(&qw.word);
        if !found.is_empty() || budget == 0 {
            continue;
        }
        let mut near = BTreeSet::new();
        neighbour_shards(first_terms, &qw.stem, &mut near);
        neighbour_shards(first_terms, &qw.word, &mut near);
        let first_char = qw.stem.chars().next();
        for shard in near {
            for (index, entry) in shards[&shard].iter().enumerate() {
                if entry.0.chars().next() != first_char {
                    continue;
                }
                let distance = entry
                    .1
                    .iter()
                    .map(|form| edit_distance(&qw.word, form, budget))
                    .fold(edit_distance(&qw.stem, &entry.0, budget), usize::min);
                if distance <= budget {
                    found.push((shard, index, TYPO_WEIGHTS[distance]));
                }
            }
        }
    }

    // Per document: how many query words it matches, and the sum of each
    // word's best weighted score.
    let mut documents: HashMap<u32, (u32, u32)> = HashMap::new();
    for found in &matches {
        let mut best: HashMap<u32, u32> = HashMap::new();
        for &(shard, index, weight) in found {
            let postings = &shards[&shard][index].2;
            let mut doc = 0;
            for pair in postings.chunks_exact(2) {
                doc += pair[0];
                let score = pair[1] * weight;
                let slot = best.entry(doc).or_insert(0);
                *slot = (*slot).max(score);
            }
        }
        for (doc, score) in best {
            let slot = documents.entry(doc).or_insert((0, 0));
            slot.0 += 1;
            slot.1 += score;
        }
    }
    let mut ranked: Vec<(u32, (u32, u32))> = documents.into_iter().collect();
    ranked.sort_unstable_by(|a, b| {
        b.1.0
            .cmp(&a.1.0)
            .then(b.1.1.cmp(&a.1.1))
            .then(a.0.cmp(&b.0))
    });
    ranked.into_iter().map(|(doc, _)| doc).collect()
}

fn urls_of(loader: &mut Loader, meta: &Meta, docs: &[u32]) -> Vec<String> {
    let mut chunks: HashMap<usize, Vec<OwnedStoredDocument>> = HashMap::new();
    let mut urls = Vec::with_capacity(docs.len());
    let per_chunk = meta.per_chunk.max(1);
    for &doc in docs {
        let chunk = (doc / per_chunk) as usize;
        let stored = chunks.entry(chunk).or_insert_with(|| {
            loader
                .json::<Vec<OwnedStoredDocument>>(&doc_chunk_name(&meta.dir, chunk))
                .unwrap_or_default()
        });
        let offset = (doc % per_chunk) as usize;
        if let Some(document) = stored.get(offset) {
            urls.push(document.0.clone());
        }
    }
    urls
}
