//! How long the load stage takes on a site: the files read, parsed from
//! the YAML parser's events and turned into the content model, timed
//! without the other stages.
//!
//! ```text
//! RAYON_NUM_THREADS=1 cargo run --release --example load_bench -- SITE [RUNS]
//! ```
//!
//! Then, apart, only the YAML parsing of the question files (read into
//! memory first), on this thread; and the preview's load after a save of
//! one question file (a parse cache that holds every other file's parse,
//! the content given back after each load, as `cited serve` does). The
//! saved file is a copy of the site's own in /dev/shm or a temporary
//! folder: the site is only read.
//!
//! Prints each run's wall time and CPU time (all threads, from the
//! kernel's per-thread run times), then their medians and minimums, in
//! milliseconds. On a busy machine read the CPU figures: a process that
//! waits for a core does not use CPU. Set `RAYON_NUM_THREADS=1` to time
//! one thread's work. It only reads the site.

// The same folder copy the integration tests use.
#[path = "../tests/common/mod.rs"]
mod common;
use common::copy_dir;

mod support;
use support::cpu_ns;

use std::path::PathBuf;
use std::time::Instant;

// As in `cited` itself (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: load_bench SITE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    let mut questions = 0;
    let mut problems = 0;
    for _ in 0..runs.max(1) {
        let mut diagnostics = cited::Diagnostics::default();
        let (started, cpu_started) = (Instant::now(), cpu_ns());
        let loaded = cited::load::load(&root, &mut diagnostics);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        cpu_times.push((cpu_ns() - cpu_started) as f64 / 1e6);
        questions = loaded.content.questions.len();
        problems = diagnostics.iter().count();
        drop(loaded);
    }
    let each: Vec<String> = (times.iter().zip(&cpu_times))
        .map(|(wall, cpu)| format!("{wall:.0}/{cpu:.0}"))
        .collect();
    times.sort_by(f64::total_cmp);
    cpu_times.sort_by(f64::total_cmp);
    println!(
        "{questions} questions, {problems} problems: wall median {:.1} ms, min {:.1}; CPU median {:.1} ms, min {:.1} (wall/CPU: {})",
        times[times.len() / 2],
        times[0],
        cpu_times[cpu_times.len() / 2],
        cpu_times[0],
        each.join(" ")
    );
    parse_questions(&root, runs.max(1));
    cached_loads(&root, runs.max(1));
}

/// Times the preview's load after one question file is saved with new text.
fn cached_loads(root: &std::path::Path, runs: usize) {
    let scratch = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .expect("a scratch folder");
    copy_dir(&root.join("content"), &scratch.path().join("content"));
    let mut questions: Vec<PathBuf> = std::fs::read_dir(scratch.path().join("content/questions"))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    questions.sort();
    let Some(file) = questions.first() else {
        return;
    };
    let original = std::fs::read_to_string(file).unwrap_or_default();
    let mut cache = cited::load::ParseCache::default();
    let mut diagnostics = cited::Diagnostics::default();
    let first = cited::load::load_cached(scratch.path(), &mut cache, &mut diagnostics);
    cache.give_back(first.content);
    let mut times = Vec::new();
    for run in 0..runs {
        std::fs::write(file, format!("{original}# saved {run}\n")).expect("the copy is writable");
        let mut diagnostics = cited::Diagnostics::default();
        let (started, cpu_started) = (Instant::now(), cpu_ns());
        let loaded = cited::load::load_cached(scratch.path(), &mut cache, &mut diagnostics);
        times.push((
            started.elapsed().as_secs_f64() * 1000.0,
            (cpu_ns() - cpu_started) as f64 / 1e6,
        ));
        assert_eq!(loaded.changed.len(), 1, "one file was saved");
        cache.give_back(loaded.content);
    }
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (wall, cpu) = times[times.len() / 2];
    println!(
        "a load after saving one question: CPU median {cpu:.1} ms (wall {wall:.1} ms), min {:.1} ms",
        times[0].1
    );
}

/// Times parsing the question files' text into YAML trees, on this thread.
fn parse_questions(root: &std::path::Path, runs: usize) {
    let Ok(entries) = std::fs::read_dir(root.join("content/questions")) else {
        return;
    };
    let texts: Vec<String> = entries
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect();
    let mut times = Vec::new();
    for _ in 0..runs {
        let (started, cpu_started) = (Instant::now(), cpu_ns());
        let parsed = texts
            .iter()
            .filter(|text| cited::load::yaml::parse(text).is_ok())
            .count();
        times.push((
            started.elapsed().as_secs_f64() * 1000.0,
            (cpu_ns() - cpu_started) as f64 / 1e6,
            parsed,
        ));
    }
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (wall, cpu, parsed) = times[times.len() / 2];
    println!(
        "parsing {} question files ({parsed} well-formed): CPU median {cpu:.1} ms (wall {wall:.1} ms), min {:.1} ms",
        texts.len(),
        times[0].1
    );
}
