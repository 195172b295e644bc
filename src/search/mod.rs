//! Site search: builds a sharded, static search index that the browser
//! (`templates/assets/search.js`) queries by downloading only the few small
//! files a query needs.
//!
//! This module only turns [`SearchDocument`]s into [`IndexFile`]s (and, for
//! tests, answers queries over those files exactly as the browser does). It
//! must not read content, render HTML or write to disk: the engine collects the
//! documents and writes the files with the rest of the site.
//!
//! # Index layout (all under `search/index/`)
//!
//! - `meta.json`: the only file with a fixed name (small; fetched first). It
//!   names a content-hashed folder, the first term of every term shard and
//!   the number of documents per document chunk.
//! - `<hash>/t<N>.json`: term shard N, a run of the sorted dictionary:
//!   `[[term, [surface forms], [doc, score, doc gap, score, …]], …]`. Terms are
//!   Porter stems; a query needs the shard its stem falls in, by binary search
//!   over the first terms, and for a typo the shards beside it.
//! - `<hash>/d<N>.json`: document chunk N, `[[url, title, section, text], …]`
//!   for a few consecutive documents, fetched only for the results on screen.
//!
//! Because the folder name is a hash of the shards and chunks, every file but
//! `meta.json` can be cached for ever.

mod build;
mod lookup;
mod text;

pub use build::{build_index, write_index};
pub use lookup::{QueryOutcome, query, query_traced};
pub use text::{edit_distance, is_stop_word, stem, words};

/// One thing a patient can find: a question, glossary term, caution or page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDocument {
    /// Root-relative URL including the site's base path, e.g. "/questions/bruising/".
    pub url: String,
    /// The question, term, caution title or page title.
    pub title: String,
    /// What to show under the title: the topic title for questions,
    /// "Glossary", "Caution" or "Page".
    pub section: String,
    /// Plain text (no HTML, no markdown) of everything searchable.
    pub text: String,
}

/// A file of the index, to be written under the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// Relative to the output root, e.g. "search/index/meta.json".
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where the index lives in the output, relative to the output root.
pub const INDEX_DIR: &str = "search/index/";

/// The name of the index's entry file inside [`INDEX_DIR`].
pub const META_FILE: &str = "meta.json";

/// The version of the file formats; the browser refuses any other.
pub const FORMAT_VERSION: u32 = 1;

/// How many results the search page shows at a time, and so how many
/// documents' chunks one search downloads.
pub const RESULTS_PER_PAGE: usize = 10;

/// The contents of `meta.json`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Meta {
    /// [`FORMAT_VERSION`].
    v: u32,
    /// The content-hashed folder of the shards and chunks, ending in "/".
    dir: String,
    /// The number of documents.
    docs: u32,
    /// The first term of each term shard, in order.
    terms: Vec<String>,
    /// Documents per chunk: document N is in chunk N / per_chunk.
    per_chunk: u32,
}

/// One dictionary entry of a term shard: the term, up to a few surface forms
/// it was stemmed from (for typo matching against what people type), and its
/// postings as alternating document-number gaps and scores.
type TermEntry = (String, Vec<String>, Vec<u32>);

/// One stored document: url, title, section, text.
type StoredDocument<'a> = (&'a str, &'a str, &'a str, &'a str);

/// One stored document as the query mirror reads it back.
type OwnedStoredDocument = (String, String, String, String);

fn term_shard_name(dir: &str, shard: usize) -> String {
    format!("{INDEX_DIR}{dir}t{shard}.json")
}

fn doc_chunk_name(dir: &str, chunk: usize) -> String {
    format!("{INDEX_DIR}{dir}d{chunk}.json")
}
