//! How long the link stage takes on a site, timed without the other
//! stages: a one-off build's graph, then the preview's graph after an
//! edit of one question's summary and of its title.
//!
//! ```text
//! cargo run --release --example link_bench -- SITE [RUNS] [one-off|summary|question]
//! ```
//!
//! The last argument times only that case (for a profile of it).
//!
//! The site is loaded and checked once for the one-off figures; for the
//! preview's, a copy of its `content/` in /dev/shm (or a temporary folder)
//! is edited and loaded and checked again after each edit with the
//! preview's caches, as `cited serve` does, and only the link stage is
//! timed. Prints the median and minimum wall time and CPU time (all
//! threads, from the kernel's per-thread run times) in milliseconds; on a
//! busy machine read the CPU figures. It only reads the site.

// The same folder copy the integration tests use.
#[path = "../tests/common/mod.rs"]
mod common;
mod support;
use support::cpu_ns;

use common::copy_dir;

use std::path::{Path, PathBuf};
use std::time::Instant;

// As in `cited` itself (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: link_bench SITE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(7).max(1);
    let only = args.next();
    let wanted = |case: &str| only.as_deref().is_none_or(|only| only == case);
    let today = jiff::civil::date(2026, 12, 1);
    if wanted("one-off") {
        one_off(&root, today, runs);
    }
    for field in ["summary", "question"] {
        if wanted(field) {
            preview(&root, today, runs, field);
        }
    }
}

/// Times a one-off build's link stage, `runs` times on one load.
fn one_off(root: &Path, today: jiff::civil::Date, runs: usize) {
    let mut diagnostics = cited::Diagnostics::default();
    let loaded = cited::load::load(root, &mut diagnostics);
    let checked = cited::check::check(&loaded.content, &loaded.files, today, &mut diagnostics);
    let site = loaded
        .content
        .site
        .as_ref()
        .expect("the site has site.yaml");
    let urls = cited::urls::SiteUrls::new(&site.base_url).expect("a valid base_url");
    let mut times = Vec::new();
    for _ in 0..runs {
        let (started, cpu_started) = (Instant::now(), cpu_ns());
        let graph =
            cited::link::Graph::with_quotes(&loaded.content, urls.clone(), &checked.located);
        times.push(elapsed(started, cpu_started));
        drop(graph);
    }
    print_times(
        &format!("one-off link, {} questions", loaded.content.questions.len()),
        times,
    );
}

/// Times the preview's link stage after an edit of the first question's
/// `field` (its summary or its title), each run a new edit.
fn preview(root: &Path, today: jiff::civil::Date, runs: usize, field: &str) {
    let scratch = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .expect("a scratch folder");
    copy_dir(&root.join("content"), &scratch.path().join("content"));
    let mut questions: Vec<PathBuf> = std::fs::read_dir(scratch.path().join("content/questions"))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    questions.sort();
    let file = questions.first().expect("the site has questions");
    let original = std::fs::read_to_string(file).expect("the copy is readable");
    let mut parse_cache = cited::load::ParseCache::default();
    let mut check_cache = cited::check::Cache::default();
    let mut link_cache = cited::link::Cache::default();
    let mut times = Vec::new();
    // Run 0 fills the caches; the others are timed.
    for run in 0..=runs {
        let prefix = format!("{field}: \"");
        let edited = original.replacen(&prefix, &format!("{prefix}Zelvor{run} "), 1);
        assert_ne!(edited, original, "{} has no {field}", file.display());
        std::fs::write(file, edited).expect("the copy is writable");
        let mut diagnostics = cited::Diagnostics::default();
        let loaded = cited::load::load_cached(scratch.path(), &mut parse_cache, &mut diagnostics);
        let checked = cited::check::check_incremental(
            &loaded.content,
            &loaded.files,
            today,
            &mut check_cache,
            &mut diagnostics,
        );
        let site = loaded
            .content
            .site
            .as_ref()
            .expect("the site has site.yaml");
        let urls = cited::urls::SiteUrls::new(&site.base_url).expect("a valid base_url");
        let (started, cpu_started) = (Instant::now(), cpu_ns());
        let graph = cited::link::Graph::reusing(
            &loaded.content,
            urls,
            &checked.located,
            Some(&mut link_cache),
        );
        if run > 0 {
            times.push(elapsed(started, cpu_started));
        }
        drop(graph);
        drop(checked);
        parse_cache.give_back(loaded.content);
    }
    print_times(&format!("preview link after a {field} edit"), times);
}

fn elapsed(started: Instant, cpu_started: u64) -> (f64, f64) {
    (
        started.elapsed().as_secs_f64() * 1000.0,
        (cpu_ns() - cpu_started) as f64 / 1e6,
    )
}

fn print_times(what: &str, mut times: Vec<(f64, f64)>) {
    let each: Vec<String> = (times.iter())
        .map(|(wall, cpu)| format!("{wall:.0}/{cpu:.0}"))
        .collect();
    let mut walls: Vec<f64> = times.iter().map(|t| t.0).collect();
    walls.sort_by(f64::total_cmp);
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    println!(
        "{what}: wall median {:.1} ms, min {:.1}; CPU median {:.1} ms, min {:.1} (wall/CPU: {})",
        walls[walls.len() / 2],
        walls[0],
        times[times.len() / 2].1,
        times[0].1,
        each.join(" ")
    );
}
