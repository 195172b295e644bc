//! Builds the index files from documents: analyse documents in parallel
//! batches, gather one posting list per stem, score with BM25, then cut the
//! sorted dictionary and the documents into files of bounded size.
//!
//! Memory is linear in the input: one (document, frequency) pair per distinct
//! stem of each document, and the analysis of at most one batch at a time.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::text::{is_stop_word, stem, words};
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
const DOC_CHUNK_BYTES: usize = 8 * 1024;

/// The stored text is what excerpts are cut from; past this a document's
/// text is searchable but not shown.
const MAX_STORED_TEXT_CHARS: usize = 2000;

/// Documents analysed at once: enough to keep every core busy, few enough
/// that the analyses waiting to be merged stay small.
const ANALYSIS_BATCH: usize = 2048;

/// Builds the sharded index. Deterministic: same documents in (in any order),
/// byte-identical files out.
pub fn build_index(docs: &[SearchDocument]) -> Vec<IndexFile> {
    let mut ordered: Vec<&SearchDocument> = docs.iter().collect();
    ordered.sort_by(|a, b| {
        (&a.url, &a.title, &a.section, &a.text).cmp(&(&b.url, &b.title, &b.section, &b.text))
    });

    let dictionary = Dictionary::collect(&ordered);
    let (terms, entries) = dictionary.into_scored_entries();
    let shard_ranges = pack(&entries, TERM_SHARD_BYTES);

    let stored: Vec<String> = ordered
        .par_iter()
        .map(|doc| stored_document_json(doc))
        .collect();
    let chunk_ranges = pack(&stored, DOC_CHUNK_BYTES);

    let shard_bytes: Vec<Vec<u8>> = shard_ranges
        .iter()
        .map(|r| json_array(&entries[r.clone()]))
        .collect();
    let chunk_bytes: Vec<Vec<u8>> = chunk_ranges
        .iter()
        .map(|r| json_array(&stored[r.clone()]))
        .collect();
    let dir = content_hash_dir(shard_bytes.iter().chain(chunk_bytes.iter()));

    let meta = Meta {
        v: FORMAT_VERSION,
        dir: dir.clone(),
        docs: ordered.len() as u32,
        terms: shard_ranges
            .iter()
            .map(|r| terms[r.start].clone())
            .collect(),
        chunks: chunk_ranges.iter().map(|r| r.start as u32).collect(),
    };
    let mut files = Vec::with_capacity(1 + shard_bytes.len() + chunk_bytes.len());
    files.push(IndexFile {
        path: format!("{INDEX_DIR}{META_FILE}"),
        bytes: serde_json::to_vec(&meta).expect("meta serialises"),
    });
    for (shard, bytes) in shard_bytes.into_iter().enumerate() {
        files.push(IndexFile {
            path: term_shard_name(&dir, shard),
            bytes,
        });
    }
    for (chunk, bytes) in chunk_bytes.into_iter().enumerate() {
        files.push(IndexFile {
            path: doc_chunk_name(&dir, chunk),
            bytes,
        });
    }
    files
}

/// What one document contributes: its weighted length and its stems.
struct DocAnalysis {
    length: u32,
    stems: Vec<StemInDoc>,
}

/// A stem of one document: its weighted frequency there, and the words it was
/// stemmed from with their weighted counts.
type StemInDoc = (String, u32, Vec<(String, u32)>);

fn analyse(doc: &SearchDocument) -> DocAnalysis {
    let mut word_weights: HashMap<String, u32> = HashMap::new();
    let mut length = 0;
    for (field, weight) in [
        (&doc.title, TITLE_WEIGHT),
        (&doc.section, SECTION_WEIGHT),
        (&doc.text, TEXT_WEIGHT),
    ] {
        for word in words(field) {
            if is_stop_word(&word) {
                continue;
            }
            length += weight;
            *word_weights.entry(word).or_insert(0) += weight;
        }
    }
    let mut by_stem: HashMap<String, (u32, Vec<(String, u32)>)> = HashMap::new();
    for (word, weight) in word_weights {
        let word_stem = stem(&word);
        let slot = by_stem.entry(word_stem.clone()).or_default();
        slot.0 += weight;
        if word != word_stem {
            slot.1.push((word, weight));
        }
    }
    let mut stems: Vec<_> = by_stem
        .into_iter()
        .map(|(word_stem, (frequency, forms))| (word_stem, frequency, forms))
        .collect();
    // HashMap order is random; the merge below must see a fixed order.
    stems.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (_, _, forms) in &mut stems {
        forms.sort_unstable();
    }
    DocAnalysis { length, stems }
}

#[derive(Default)]
struct TermPostings {
    /// (document number, weighted frequency), in document order.
    postings: Vec<(u32, u32)>,
    /// How often each surface form occurred, over all documents.
    forms: HashMap<String, u32>,
}

struct Dictionary {
    term_ids: HashMap<String, u32>,
    terms: Vec<TermPostings>,
    doc_lengths: Vec<u32>,
}

impl Dictionary {
    fn collect(docs: &[&SearchDocument]) -> Self {
        let mut dictionary = Dictionary {
            term_ids: HashMap::new(),
            terms: Vec::new(),
            doc_lengths: Vec::with_capacity(docs.len()),
        };
        for batch in docs.chunks(ANALYSIS_BATCH) {
            let analyses: Vec<DocAnalysis> = batch.par_iter().map(|doc| analyse(doc)).collect();
            for analysis in analyses {
                dictionary.add(analysis);
            }
        }
        dictionary
    }

    fn add(&mut self, analysis: DocAnalysis) {
        let doc = self.doc_lengths.len() as u32;
        self.doc_lengths.push(analysis.length);
        for (word_stem, frequency, forms) in analysis.stems {
            let next_id = self.terms.len() as u32;
            let id = *self.term_ids.entry(word_stem).or_insert(next_id);
            if id == next_id {
                self.terms.push(TermPostings::default());
            }
            let term = &mut self.terms[id as usize];
            term.postings.push((doc, frequency));
            for (form, count) in forms {
                *term.forms.entry(form).or_insert(0) += count;
            }
        }
    }

    /// The sorted terms and, for each, its serialised [`TermEntry`].
    fn into_scored_entries(self) -> (Vec<String>, Vec<String>) {
        let doc_count = self.doc_lengths.len() as f64;
        let average_length =
            (self.doc_lengths.iter().map(|&l| l as f64).sum::<f64>() / doc_count.max(1.0)).max(1.0);
        let mut sorted: Vec<(String, u32)> = self.term_ids.into_iter().collect();
        sorted.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let doc_lengths = &self.doc_lengths;
        let terms = &self.terms;
        let entries: Vec<String> = sorted
            .par_iter()
            .map(|(term, id)| {
                let postings = &terms[*id as usize];
                let entry: TermEntry = (
                    term.clone(),
                    top_forms(&postings.forms),
                    scored_postings(&postings.postings, doc_lengths, doc_count, average_length),
                );
                serde_json::to_string(&entry).expect("term entry serialises")
            })
            .collect();
        (sorted.into_iter().map(|(term, _)| term).collect(), entries)
    }
}

fn top_forms(forms: &HashMap<String, u32>) -> Vec<String> {
    let mut ranked: Vec<(&String, &u32)> = forms.iter().collect();
    ranked.sort_unstable_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(MAX_FORMS_PER_TERM)
        .map(|(form, _)| form.clone())
        .collect()
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

fn stored_document_json(doc: &SearchDocument) -> String {
    let stored: StoredDocument = (
        doc.url.clone(),
        doc.title.clone(),
        doc.section.clone(),
        shortened_text(&doc.text),
    );
    serde_json::to_string(&stored).expect("document serialises")
}

/// The text with runs of white space made single spaces, cut at a word
/// boundary after [`MAX_STORED_TEXT_CHARS`] characters.
fn shortened_text(text: &str) -> String {
    let mut shortened = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        if chars + word_chars + 1 > MAX_STORED_TEXT_CHARS && !shortened.is_empty() {
            break;
        }
        if !shortened.is_empty() {
            shortened.push(' ');
        }
        shortened.push_str(word);
        chars += word_chars + 1;
    }
    shortened
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

fn json_array(items: &[String]) -> Vec<u8> {
    let length = items.iter().map(|item| item.len() + 1).sum::<usize>() + 1;
    let mut bytes = Vec::with_capacity(length);
    bytes.push(b'[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(item.as_bytes());
    }
    bytes.push(b']');
    bytes
}

/// A folder name that changes whenever any shard or chunk changes.
fn content_hash_dir<'a>(files: impl Iterator<Item = &'a Vec<u8>>) -> String {
    let mut hasher = Sha256::new();
    for bytes in files {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}/")
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
            assert!(json_array(&items[range.clone()]).len() <= 20 || range.len() == 1);
        }
    }

    #[test]
    fn shortened_text_cuts_at_words() {
        let long = "word ".repeat(1000);
        let short = shortened_text(&long);
        assert!(short.chars().count() <= MAX_STORED_TEXT_CHARS);
        assert!(short.ends_with("word"));
        assert_eq!(shortened_text("  a \n b  "), "a b");
    }
}
