//! The render stage alone, on a full build: how much CPU and wall time one
//! `render::render` of every page takes, without the stages before it.
//!
//! Loads, checks and links the site once, then renders it ROUNDS times, each
//! time into a fresh staging folder in /dev/shm (dropped, with what it
//! holds, outside the timed part) or, with `--no-write`, into an output that
//! keeps nothing (the templates and contexts alone). Prints each round's
//! wall time and the process's CPU time (user + system) during it, then the
//! medians. It writes nowhere but its own scratch folder and must not touch
//! the site it is given. Used to measure a change to `src/render/` or
//! `src/write/` before and after (interleave the two binaries: the machine
//! is shared).
//!
//! ```text
//! cargo run --release --example render_bench -- /dev/shm/cited-bench-10000 [ROUNDS] [--no-write]
//! ```

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

// As in `cited` itself (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An output that drops every file: the cost of making the pages alone.
struct Discard;

impl cited::write::Output for Discard {
    fn put(&self, _path: &str, bytes: &[u8]) -> std::io::Result<()> {
        std::hint::black_box(bytes);
        Ok(())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(
        args.first()
            .expect("usage: render_bench SITE [ROUNDS] [--no-write]"),
    );
    let rounds: usize = args
        .iter()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    let write = !args.iter().any(|a| a == "--no-write");

    let mut diagnostics = cited::Diagnostics::default();
    let mut loaded = cited::load::load(&root, &mut diagnostics);
    let mut theme = cited::theme::load(&root, &mut loaded.files, &mut diagnostics)
        .expect("the site's theme loads");
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let checked = cited::check::check(&loaded.content, &loaded.files, today, &mut diagnostics);
    assert!(!diagnostics.has_errors(), "the site must build");
    let site = loaded
        .content
        .site
        .as_ref()
        .expect("the site has site.yaml");
    let urls = cited::urls::SiteUrls::new(&site.base_url).expect("a valid base_url");
    let graph = cited::link::Graph::with_quotes(&loaded.content, urls, &checked.located);
    let scratch = tempfile::tempdir_in("/dev/shm").expect("a scratch folder in /dev/shm");

    let mut figures: Vec<(Duration, Duration)> = Vec::new();
    for round in 1..=rounds {
        let staging = write.then(|| {
            cited::write::Staging::new(&scratch.path().join("public")).expect("a staging folder")
        });
        let output: &dyn cited::write::Output = match &staging {
            Some(staging) => staging,
            None => &Discard,
        };
        let mut diagnostics = cited::Diagnostics::default();
        let (wall, cpu) = (
            Instant::now(),
            std::time::Duration::from_nanos(support::cpu_ns()),
        );
        let rendered = cited::render::render(
            &graph,
            &mut theme,
            output,
            today,
            &cited::render::RenderOptions::default(),
            None,
            None,
            &mut diagnostics,
        );
        let (wall, cpu) = (
            wall.elapsed(),
            std::time::Duration::from_nanos(support::cpu_ns()) - cpu,
        );
        assert!(!diagnostics.has_errors(), "render failed: {diagnostics:?}");
        drop(staging);
        println!(
            "round {round}: {} pages, wall {:.0} ms, cpu {:.0} ms",
            rendered.pages,
            wall.as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e3
        );
        figures.push((wall, cpu));
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    println!(
        "median of {rounds}: wall {:.0} ms, cpu {:.0} ms ({})",
        median(figures.iter().map(|f| f.0).collect()),
        median(figures.iter().map(|f| f.1).collect()),
        if write {
            "written to /dev/shm"
        } else {
            "not written"
        }
    );
}
