//! Measures the search index on synthetic sites of 1,000, 10,000 and 100,000
//! documents (~200 words each): build time, size on disk, number of files,
//! what typical searches download, and peak memory.
//!
//! Run with `cargo run --release --example search_bench [SIZE…]`. Each size
//! runs in a child process of its own so that its peak memory (VmHWM) is its
//! own. Set SEARCH_BENCH_OUT=DIR to keep the index files of the last size.

use std::process::Command;
use std::time::Instant;

use cited::search::{RESULTS_PER_PAGE, build_index, query_traced};

// The same made-up documents the search tests use.
#[path = "../tests/support/synthetic_search.rs"]
mod synthetic_search;
use synthetic_search::synthetic_documents;

const DEFAULT_SIZES: [usize; 3] = [1_000, 10_000, 100_000];

const TYPICAL_QUERIES: [&str; 6] = [
    "bruise",
    "cost",
    "microneedeling",
    "hyperpigmentaion",
    "acne scars swelling",
    "colla",
];

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse().expect("sizes are numbers"))
        .collect();
    match sizes.as_slice() {
        [] => {
            let me = std::env::current_exe().expect("own path");
            for size in DEFAULT_SIZES {
                let status = Command::new(&me)
                    .arg(size.to_string())
                    .status()
                    .expect("child runs");
                assert!(status.success(), "size {size} failed");
            }
        }
        [size] => measure(*size),
        many => {
            for size in many {
                measure(*size);
            }
        }
    }
}

fn measure(size: usize) {
    let docs = synthetic_documents(size, 1);
    let input_bytes: usize = docs.iter().map(|d| d.text.len() + d.title.len()).sum();
    let memory_before = peak_memory_kib();

    let started = Instant::now();
    let files = build_index(&docs);
    let elapsed = started.elapsed();
    let memory_after = peak_memory_kib();

    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    let meta = files[0].bytes.len();
    let largest = files.iter().map(|f| f.bytes.len()).max().unwrap_or(0);
    let term_shards = files.iter().filter(|f| f.path.contains("/t")).count();
    let doc_chunks = files.iter().filter(|f| f.path.contains("/d")).count();

    println!(
        "== {size} documents ({:.1} MB of text)",
        input_bytes as f64 / 1e6
    );
    println!("build time        {:.3} s", elapsed.as_secs_f64());
    println!(
        "index on disk     {:.2} MB in {} files ({term_shards} term shards, {doc_chunks} document chunks; meta.json {:.1} KB, largest file {:.1} KB)",
        total as f64 / 1e6,
        files.len(),
        meta as f64 / 1e3,
        largest as f64 / 1e3,
    );
    println!(
        "peak memory       {:.0} MB before build, {:.0} MB after (VmHWM)",
        memory_before as f64 / 1024.0,
        memory_after as f64 / 1024.0
    );
    for q in TYPICAL_QUERIES {
        let outcome = query_traced(&files, q, RESULTS_PER_PAGE);
        println!(
            "search {:<22} {:>6.1} KB in {:>2} files, {:>6} results",
            format!("{q:?}"),
            outcome.fetched_bytes as f64 / 1e3,
            outcome.fetched.len(),
            outcome.total
        );
    }
    if let Ok(out) = std::env::var("SEARCH_BENCH_OUT") {
        for file in &files {
            let path = std::path::Path::new(&out).join(&file.path);
            std::fs::create_dir_all(path.parent().expect("has a folder")).expect("mkdir");
            std::fs::write(path, &file.bytes).expect("write");
        }
    }
}

/// The process's peak resident memory in KiB, from /proc (0 where there is none).
fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
