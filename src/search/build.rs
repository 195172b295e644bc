//! Builds the index files from documents: analyse batches of documents in
//! parallel, number the words site-wide and stem each distinct word once,
//! gather one posting list per stem, score with BM25, then cut the sorted
//! dictionary and the documents into files of bounded size.
//!
//! The hot loop (every word of every document) does no allocation: words are
//! numbered per batch through a hash map looked up by `&str`, and everything
//! after that works on numbers. Memory is linear in the input: one
//! (word, count) pair per distinct word of each document, plus the
//! vocabulary.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::text::{for_each_word, is_stop_word, stem};
use super::{
    FORMAT_VERSION, INDEX_DIR, IndexFile, META_FILE, Meta, SearchDocument, StoredDocument,
    TermEntry, doc_chunk_name, term_shard_name,
};

/// A word in the title says more about what a document answers than the same
/// word in its body.
const TITLE_WEIGHT: u32 = 3;
const SECTION_WEIGHT: u32 = 1;
const TEXT_WEIGHT: u32 = 1;

/// BM25's usual constants: term-frequency saturation and length normalisation.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;

/// Scores are stored as integers (one decimal of BM25) so that the browser
/// and the Rust mirror add them up without floating-point differences.
const SCORE_SCALE: f64 = 10.0;

/// A term found in more documents than this keeps only its best-scoring
/// postings: such a term barely ranks anything, and its full list would be
/// the largest file a query could download.
pub(super) const MAX_POSTINGS_PER_TERM: usize = 2000;

/// Surface forms kept per stem for typo matching ("bruise", "bruising").
const MAX_FORMS_PER_TERM: usize = 3;

/// Target sizes of files. A query fetches a handful of each, so these bound
/// what one search costs a visitor.
const TERM_SHARD_BYTES: usize = 20 * 1024;

/// Documents per chunk. Results are scattered over the site, so each result
/// on screen costs a chunk: small chunks keep that cheap, and a fixed count
/// lets the browser compute a document's chunk without a table.
pub(super) const DOCS_PER_CHUNK: usize = 4;

/// The stored text is what excerpts are cut from; past this a document's
/// text is searchable but not shown.
const MAX_STORED_TEXT_CHARS: usize = 2000;

/// Documents analysed by one parallel job. Each batch numbers its own words,
/// so larger batches mean fewer, longer vocabularies to merge.
const ANALYSIS_BATCH: usize = 512;

/// Builds the sharded index. Deterministic: same documents in (in any order),
/// byte-identical files out: the meta file, the term shards, then the
/// document chunks, in that order.
pub fn build_index<D: Borrow<SearchDocument> + Sync>(docs: &[D]) -> Vec<IndexFile> {
    let files = std::sync::Mutex::new(Vec::new());
    write_index(docs, |order, file| {
        files
            .lock()
            .expect("no panic while held")
            .push((order, file));
        None::<()>
    });
    let mut files = files.into_inner().expect("no panic while held");
    files.sort_unstable_by_key(|(order, _)| *order);
    files.into_iter().map(|(_, file)| file).collect()
}

/// Builds the sharded index, as [`build_index`], handing each file to
/// `put` (with its place in [`build_index`]'s order) as soon as it is made,
/// from several threads, rather than holding them all: the document chunks
/// are as large as the site's text. Returns what `put` returned of note
/// (its failures).
pub fn write_index<E: Send, D: Borrow<SearchDocument> + Sync>(
    docs: &[D],
    put: impl Fn(usize, IndexFile) -> Option<E> + Sync,
) -> Vec<E> {
    let mut ordered: Vec<&SearchDocument> = docs.iter().map(Borrow::borrow).collect();
    ordered.par_sort_unstable_by(|a, b| {
        (&a.url, &a.title, &a.section, &a.text).cmp(&(&b.url, &b.title, &b.section, &b.text))
    });

    let dictionary = Dictionary::collect(&ordered);
    let mut entries = dictionary.scored_entries();
    let shard_ranges = pack(&entries, TERM_SHARD_BYTES);
    let first_terms: Vec<String> = shard_ranges
        .iter()
        .map(|range| dictionary.terms[range.start].clone())
        .collect();
    drop(dictionary);
    // The ranges follow one another from the first entry: each shard's
    // slice is cut off in turn, and the shards are joined on every core.
    let mut shard_slices: Vec<&mut [String]> = Vec::with_capacity(shard_ranges.len());
    let mut rest: &mut [String] = &mut entries;
    for range in &shard_ranges {
        let (shard, after) = std::mem::take(&mut rest).split_at_mut(range.len());
        shard_slices.push(shard);
        rest = after;
    }
    let shard_bytes: Vec<Vec<u8>> = shard_slices.into_par_iter().map(json_array).collect();
    drop(entries);

    // The folder's name is the hash of every file in it, chunks included:
    // the chunks are made to hash them a batch at a time, and the first
    // [`KEPT_CHUNK_BYTES`] of them kept to hand out; the rest are made
    // again then, so that a large site's are never all in memory together.
    // Each file is hashed where it is made, on every core.
    let chunks: Vec<&[&SearchDocument]> = ordered.chunks(DOCS_PER_CHUNK).collect();
    let mut folder = FolderHash::default();
    for digest in shard_bytes
        .par_iter()
        .map(|bytes| file_digest(bytes))
        .collect::<Vec<_>>()
    {
        folder.add(digest);
    }
    let mut kept: Vec<Option<Vec<u8>>> = Vec::with_capacity(chunks.len());
    let mut kept_bytes = 0;
    for batch in chunks.chunks(HASHED_CHUNKS_AT_ONCE) {
        let made: Vec<(Vec<u8>, [u8; 32])> = (batch.par_iter())
            .map(|chunk| {
                let bytes = chunk_json(chunk);
                let digest = file_digest(&bytes);
                (bytes, digest)
            })
            .collect();
        for (bytes, digest) in made {
            folder.add(digest);
            kept_bytes += bytes.len();
            kept.push((kept_bytes <= KEPT_CHUNK_BYTES).then_some(bytes));
        }
    }
    let dir = folder.name();

    let meta = Meta {
        v: FORMAT_VERSION,
        dir: dir.clone(),
        docs: ordered.len() as u32,
        terms: first_terms,
        per_chunk: DOCS_PER_CHUNK as u32,
    };
    let mut noted = Vec::new();
    noted.extend(put(
        0,
        IndexFile {
            path: format!("{INDEX_DIR}{META_FILE}"),
            bytes: serde_json::to_vec(&meta).expect("meta serialises"),
        },
    ));
    let shards = shard_bytes.len();
    let shard_files = (shard_bytes.into_par_iter().enumerate()).filter_map(|(shard, bytes)| {
        let path = term_shard_name(&dir, shard);
        put(1 + shard, IndexFile { path, bytes })
    });
    noted.extend(shard_files.collect::<Vec<E>>());
    let chunk_files =
        (chunks.par_iter().zip(kept).enumerate()).filter_map(|(chunk, (docs, kept))| {
            let path = doc_chunk_name(&dir, chunk);
            let bytes = kept.unwrap_or_else(|| chunk_json(docs));
            put(1 + shards + chunk, IndexFile { path, bytes })
        });
    noted.extend(chunk_files.collect::<Vec<E>>());
    noted
}

/// Document chunks serialised together to hash them: bounds the memory
/// that hashing takes to a few megabytes of JSON.
const HASHED_CHUNKS_AT_ONCE: usize = 1024;

/// How much of the chunks' JSON is kept from hashing to writing (all of it
/// at 10,000 questions, about 11 MB): the rest is made twice rather than
/// held while memory use peaks.
const KEPT_CHUNK_BYTES: usize = 16 * 1024 * 1024;

/// One chunk of documents as its file holds it.
fn chunk_json(chunk: &[&SearchDocument]) -> Vec<u8> {
    let stored: Vec<StoredDocument> = chunk.iter().map(|doc| stored_document(doc)).collect();
    serde_json::to_vec(&stored).expect("documents serialise")
}

/// A hash map with a fast, simple hash (the word-at-a-time hash of rustc's
/// FxHasher). The keys are words of trusted content, so SipHash's resistance
/// to crafted collisions buys nothing here, and it cost a third of the build.
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak, and the hash table picks
        // buckets by the low bits: mix the high bits down (MurmurHash3's
        // finaliser step).
        let mixed = (self.0 ^ (self.0 >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        mixed ^ (mixed >> 33)
    }
}

/// The words of a run of consecutive documents, numbered within the run.
struct BatchAnalysis {
    /// The batch's distinct words; a word's local number is its index.
    words: Vec<String>,
    /// Per document: its weighted length, and (local word, weighted count)
    /// for each distinct word, sorted by word number.
    docs: Vec<AnalysedDoc>,
}

/// A document's weighted length, and (number, weighted count) pairs sorted
/// by number: of its words in a batch, or of its terms site-wide.
type AnalysedDoc = (u32, Vec<(u32, u32)>);

fn analyse_batch(docs: &[&SearchDocument]) -> BatchAnalysis {
    let mut numbers: FastMap<String, u32> = FastMap::default();
    let mut analysed = Vec::with_capacity(docs.len());
    let mut occurrences: Vec<(u32, u32)> = Vec::new();
    for doc in docs {
        occurrences.clear();
        let mut length = 0;
        for (field, weight) in [
            (&doc.title, TITLE_WEIGHT),
            (&doc.section, SECTION_WEIGHT),
            (&doc.text, TEXT_WEIGHT),
        ] {
            for_each_word(field, |word| {
                if is_stop_word(word) {
                    return;
                }
                length += weight;
                let number = match numbers.get(word) {
                    Some(&known) => known,
                    None => {
                        let fresh = numbers.len() as u32;
                        numbers.insert(word.to_owned(), fresh);
                        fresh
                    }
                };
                occurrences.push((number, weight));
            });
        }
        analysed.push((length, summed_by_number(&mut occurrences)));
    }
    let mut words = vec![String::new(); numbers.len()];
    for (word, number) in numbers {
        words[number as usize] = word;
    }
    BatchAnalysis {
        words,
        docs: analysed,
    }
}

/// Sorts (number, count) pairs and adds up the counts of equal numbers.
fn summed_by_number(pairs: &mut [(u32, u32)]) -> Vec<(u32, u32)> {
    pairs.sort_unstable_by_key(|&(number, _)| number);
    let mut summed: Vec<(u32, u32)> = Vec::with_capacity(pairs.len());
    for &(number, count) in pairs.iter() {
        match summed.last_mut() {
            Some(last) if last.0 == number => last.1 += count,
            _ => summed.push((number, count)),
        }
    }
    summed
}

/// Every term (stem) of the site with its postings and surface forms.
struct Dictionary {
    /// Sorted; a term's number is its index.
    terms: Vec<String>,
    /// Per term: (document number, weighted frequency), in document order.
    postings: Vec<Vec<(u32, u32)>>,
    /// Per term: its most frequent surface forms other than itself.
    forms: Vec<Vec<String>>,
    doc_lengths: Vec<u32>,
}

impl Dictionary {
    fn collect(docs: &[&SearchDocument]) -> Self {
        let mut batches: Vec<BatchAnalysis> =
            docs.par_chunks(ANALYSIS_BATCH).map(analyse_batch).collect();
        // The documents apart from the words, which the site's words borrow.
        let batch_docs: Vec<Vec<AnalysedDoc>> = (batches.iter_mut())
            .map(|batch| std::mem::take(&mut batch.docs))
            .collect();

        // Number the words site-wide, in order of first appearance.
        let mut site_numbers: FastMap<&str, u32> = FastMap::default();
        let mut site_words: Vec<&str> = Vec::new();
        let batch_to_site: Vec<Vec<u32>> = batches
            .iter()
            .map(|batch| {
                batch
                    .words
                    .iter()
                    .map(|word| {
                        *site_numbers.entry(word.as_str()).or_insert_with(|| {
                            site_words.push(word.as_str());
                            (site_words.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        drop(site_numbers);

        // Stem each distinct word once; terms are the sorted distinct stems.
        let stems: Vec<String> = site_words.par_iter().map(|word| stem(word)).collect();
        let mut terms: Vec<String> = stems.clone();
        terms.par_sort_unstable();
        terms.dedup();
        let word_to_term: Vec<u32> = stems
            .par_iter()
            .map(|word_stem| {
                terms
                    .binary_search(word_stem)
                    .expect("every stem is a term") as u32
            })
            .collect();

        // Each batch's documents as (term, frequency) lists, and how often
        // each of its words occurs, on every core; only the postings are
        // gathered in one place, in document order. Each batch's documents
        // are let go as they are turned into terms, and those as they go
        // into the postings, so the pairs are held about once (at 100,000
        // questions they are tens of megabytes).
        let per_batch: Vec<(Vec<AnalysedDoc>, Vec<u32>)> = (batch_docs.into_par_iter())
            .zip(&batches)
            .zip(&batch_to_site)
            .map(|((docs, batch), to_site)| {
                let mut local_counts = vec![0u32; batch.words.len()];
                let mut doc_terms: Vec<(u32, u32)> = Vec::new();
                let docs = (docs.into_iter())
                    .map(|(length, words)| {
                        doc_terms.clear();
                        for &(local, count) in &words {
                            local_counts[local as usize] += count;
                            let word = to_site[local as usize] as usize;
                            doc_terms.push((word_to_term[word], count));
                        }
                        (length, summed_by_number(&mut doc_terms))
                    })
                    .collect();
                (docs, local_counts)
            })
            .collect();
        let mut postings: Vec<Vec<(u32, u32)>> = vec![Vec::new(); terms.len()];
        let mut word_counts: Vec<u32> = vec![0; site_words.len()];
        let mut doc_lengths = Vec::with_capacity(docs.len());
        for ((batch_docs, local_counts), to_site) in per_batch.into_iter().zip(&batch_to_site) {
            for (local, &count) in local_counts.iter().enumerate() {
                word_counts[to_site[local] as usize] += count;
            }
            for (length, terms) in batch_docs {
                let doc = doc_lengths.len() as u32;
                doc_lengths.push(length);
                for (term, frequency) in terms {
                    postings[term as usize].push((doc, frequency));
                }
            }
        }

        let forms = top_forms(
            &site_words,
            &stems,
            &word_to_term,
            &word_counts,
            terms.len(),
        );
        Dictionary {
            terms,
            postings,
            forms,
            doc_lengths,
        }
    }

    /// For each term in order, its serialised [`TermEntry`].
    fn scored_entries(&self) -> Vec<String> {
        let doc_count = self.doc_lengths.len() as f64;
        let average_length =
            (self.doc_lengths.iter().map(|&l| l as f64).sum::<f64>() / doc_count.max(1.0)).max(1.0);
        (0..self.terms.len())
            .into_par_iter()
            .map(|term| {
                let entry: TermEntry = (
                    self.terms[term].clone(),
                    self.forms[term].clone(),
                    scored_postings(
                        &self.postings[term],
                        &self.doc_lengths,
                        doc_count,
                        average_length,
                    ),
                );
                serde_json::to_string(&entry).expect("term entry serialises")
            })
            .collect()
    }
}

/// Per term, the words it was stemmed from (other than itself), most
/// frequent first, at most [`MAX_FORMS_PER_TERM`].
fn top_forms(
    words: &[&str],
    stems: &[String],
    word_to_term: &[u32],
    word_counts: &[u32],
    term_count: usize,
) -> Vec<Vec<String>> {
    let mut candidates: Vec<(u32, u32, &str)> = (0..words.len())
        .filter(|&word| words[word] != stems[word])
        .map(|word| (word_to_term[word], word_counts[word], words[word]))
        .collect();
    candidates.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
    let mut forms = vec![Vec::new(); term_count];
    for (term, _, word) in candidates {
        let kept = &mut forms[term as usize];
        if kept.len() < MAX_FORMS_PER_TERM {
            kept.push(word.to_owned());
        }
    }
    forms
}

/// BM25 scores of one term's postings, as the flat list of alternating
/// document gaps and integer scores that the shards store.
fn scored_postings(
    postings: &[(u32, u32)],
    doc_lengths: &[u32],
    doc_count: f64,
    average_length: f64,
) -> Vec<u32> {
    let containing = postings.len() as f64;
    let idf = (1.0 + (doc_count - containing + 0.5) / (containing + 0.5)).ln();
    let mut scored: Vec<(u32, u32)> = postings
        .iter()
        .map(|&(doc, frequency)| {
            let frequency = frequency as f64;
            let length_ratio = doc_lengths[doc as usize] as f64 / average_length;
            let saturation = BM25_K1 * (1.0 - BM25_B + BM25_B * length_ratio);
            let score = idf * frequency * (BM25_K1 + 1.0) / (frequency + saturation);
            (doc, ((score * SCORE_SCALE).round() as u32).max(1))
        })
        .collect();
    if scored.len() > MAX_POSTINGS_PER_TERM {
        scored.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(MAX_POSTINGS_PER_TERM);
        scored.sort_unstable_by_key(|&(doc, _)| doc);
    }
    let mut flat = Vec::with_capacity(scored.len() * 2);
    let mut previous = 0;
    for (doc, score) in scored {
        flat.push(doc - previous);
        flat.push(score);
        previous = doc;
    }
    flat
}

fn stored_document<'a>(doc: &'a SearchDocument) -> StoredDocument<'a> {
    (
        &doc.url,
        &doc.title,
        &doc.section,
        shortened_text(&doc.text),
    )
}

/// The text cut at the last white space within [`MAX_STORED_TEXT_CHARS`]
/// characters (or at that many characters, if it has no white space there).
fn shortened_text(text: &str) -> &str {
    let text = text.trim();
    let Some((limit, _)) = text.char_indices().nth(MAX_STORED_TEXT_CHARS) else {
        return text;
    };
    let cut = text[..limit]
        .rfind(char::is_whitespace)
        .filter(|&space| space > 0)
        .unwrap_or(limit);
    text[..cut].trim_end()
}

/// Cuts serialised items into runs whose JSON array stays within `budget`
/// bytes (an item larger than the budget gets a run of its own).
fn pack(items: &[String], budget: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut size = 2; // the brackets
    for (index, item) in items.iter().enumerate() {
        let added = item.len() + usize::from(index > start);
        if index > start && size + added > budget {
            ranges.push(start..index);
            start = index;
            size = 2 + item.len();
        } else {
            size += added;
        }
    }
    if start < items.len() {
        ranges.push(start..items.len());
    }
    ranges
}

/// Joins serialised items into a JSON array, freeing each item as it goes so
/// that the index is not held twice in memory.
fn json_array(items: &mut [String]) -> Vec<u8> {
    let length = items.iter().map(|item| item.len() + 1).sum::<usize>() + 1;
    let mut bytes = Vec::with_capacity(length);
    bytes.push(b'[');
    for (index, item) in items.iter_mut().enumerate() {
        if index > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(std::mem::take(item).as_bytes());
    }
    bytes.push(b']');
    bytes
}

/// The digest of one file of the index, its length first.
fn file_digest(bytes: &[u8]) -> [u8; 32] {
    let mut digest = Sha256::new();
    digest.update((bytes.len() as u64).to_le_bytes());
    digest.update(bytes);
    digest.finalize().into()
}

/// A folder name that changes whenever any shard or chunk changes.
#[derive(Default)]
struct FolderHash(Sha256);

impl FolderHash {
    /// Adds the next file's [`file_digest`], in the index's order.
    fn add(&mut self, file: [u8; 32]) {
        self.0.update(file);
    }

    /// The folder's name, with its trailing `/`.
    fn name(self) -> String {
        let digest = self.0.finalize();
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("{hex}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_respects_the_budget_and_keeps_every_item() {
        let items: Vec<String> = (0..50).map(|i| "x".repeat(i % 7 + 1)).collect();
        let ranges = pack(&items, 20);
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, items.len());
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        for range in &ranges {
            let mut packed = items[range.clone()].to_vec();
            assert!(json_array(&mut packed).len() <= 20 || range.len() == 1);
        }
    }

    #[test]
    fn shortened_text_cuts_at_words() {
        let long = "word ".repeat(1000);
        let short = shortened_text(&long);
        assert!(short.chars().count() <= MAX_STORED_TEXT_CHARS);
        assert!(short.ends_with("word"));
        assert_eq!(shortened_text("  a \n b  "), "a \n b");
        let unbroken = "é".repeat(MAX_STORED_TEXT_CHARS + 5);
        assert_eq!(
            shortened_text(&unbroken).chars().count(),
            MAX_STORED_TEXT_CHARS
        );
    }
}
