//! Where the time of one preview rebuild goes, stage by stage.
//!
//! Runs a [`cited::Session`] as `cited serve` does (same allocator, a
//! preview build with live reload), on a copy of the site in /dev/shm, and
//! edits the first question's summary (or, with `--title`, its title) again
//! and again, telling the session which file was saved, as the preview's
//! file watcher does. After each rebuild it prints the report's stage
//! timings and times, as `(verify)`, the check the preview makes once the
//! pages are served (that no other file changed: not part of the total),
//! then waits for the search index writer so that the next rebuild is timed
//! alone; at the end, the median of each stage. It must not touch the site
//! it is given, and every figure is the report of a build that succeeded.
//!
//! ```text
//! cargo run --release --example edit_stages -- /dev/shm/cited-bench-10000 [EDITS] [--title]
//! ```
//!
//! `examples/serve_latency.rs` measures what an editor waits for (file
//! watch, debounce and HTTP included); this one says which stage to work on.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

// As in `cited` itself (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let site = PathBuf::from(
        args.next()
            .expect("usage: edit_stages SITE [EDITS] [--title]"),
    );
    let rest: Vec<String> = args.collect();
    let title = rest.iter().any(|a| a == "--title");
    let edits: usize = (rest.iter().find_map(|a| a.parse().ok())).unwrap_or(10);

    let scratch = tempfile::tempdir_in("/dev/shm").expect("a scratch folder in /dev/shm");
    common::copy_dir(&site.join("content"), &scratch.path().join("content"));
    let options = cited::BuildOptions {
        root: scratch.path().to_path_buf(),
        out: scratch.path().join("out"),
        force: true,
        today: jiff::civil::date(2026, 12, 1),
        render: cited::render::RenderOptions {
            live_reload: Some("/__cited/reload".into()),
        },
    };
    let mut session = cited::Session::default();
    let started = Instant::now();
    let first = session.build(&options);
    assert!(!first.has_errors(), "the site does not build");
    eprintln!("first build: {} ms", started.elapsed().as_millis());

    let mut questions: Vec<PathBuf> = std::fs::read_dir(scratch.path().join("content/questions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    questions.sort();
    let file = &questions[0];
    let original = std::fs::read_to_string(file).unwrap();
    let field = if title { "question: \"" } else { "summary: \"" };
    let mut stages: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for i in 0..edits {
        let edited = original.replacen(field, &format!("{field}Zelvor{i} "), 1);
        assert_ne!(edited, original, "{} has no {field}", file.display());
        std::fs::write(file, edited).unwrap();
        let t = Instant::now();
        // As `cited serve` does: the watcher names the saved file.
        session.expect_changes(vec![file.clone()]);
        let report = session.build(&options);
        let total = t.elapsed();
        // Then, once the pages are written, that nothing else changed.
        let checked = Instant::now();
        assert!(
            session.is_as_loaded(&options.root),
            "the load missed a change"
        );
        stages
            .entry("(verify)")
            .or_default()
            .push(checked.elapsed());
        assert!(!report.has_errors(), "edit {i} broke the build");
        let mut line = format!("edit {i}: {:>4} ms  [", total.as_millis());
        for (stage, took) in &report.timings {
            line += &format!(" {stage} {}", took.as_millis());
            stages.entry(stage).or_default().push(*took);
        }
        stages.entry("total").or_default().push(total);
        eprintln!("{line} ]");
        session.wait_for_search_index();
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("median of {edits} rebuilds ({cores} cores), ms:");
    for (stage, mut took) in stages {
        took.sort();
        println!(
            "  {stage:<8} {:>6.1}",
            took[took.len() / 2].as_secs_f64() * 1000.0
        );
    }
}
