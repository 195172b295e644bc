//! How long the check stage takes on a site, alone: the site is loaded
//! once, then checked again and again as a one-off build checks it (no
//! cache), and each check is timed.
//!
//! ```text
//! cargo run --release --example check_bench -- SITE [RUNS]
//! ```
//!
//! Prints each run's wall time and CPU time (all threads, from the
//! kernel's per-thread run times), then their medians and minimums, in
//! milliseconds, and how many problems the check found (so that a faster
//! check that finds less shows). On a busy machine read the CPU figures: a
//! process that waits for a core does not use CPU. Set
//! `RAYON_NUM_THREADS=1` to time one thread's work. It only reads the site.

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
        eprintln!("usage: check_bench SITE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(9);
    let mut load_problems = cited::Diagnostics::default();
    let loaded = cited::load::load(&root, &mut load_problems);
    let today = jiff::civil::date(2026, 12, 1);
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    let mut problems = 0;
    for _ in 0..runs.max(1) {
        let mut diagnostics = cited::Diagnostics::default();
        let (started, cpu_started) = (Instant::now(), cpu_ns());
        let checked = cited::check::check(&loaded.content, &loaded.files, today, &mut diagnostics);
        drop(checked);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        cpu_times.push((cpu_ns() - cpu_started) as f64 / 1e6);
        problems = diagnostics.iter().count();
    }
    let each: Vec<String> = (times.iter().zip(&cpu_times))
        .map(|(wall, cpu)| format!("{wall:.0}/{cpu:.0}"))
        .collect();
    times.sort_by(f64::total_cmp);
    cpu_times.sort_by(f64::total_cmp);
    println!(
        "{} questions, {problems} problems: wall median {:.1} ms, min {:.1}; CPU median {:.1} ms, min {:.1} (wall/CPU: {})",
        loaded.content.questions.len(),
        times[times.len() / 2],
        times[0],
        cpu_times[cpu_times.len() / 2],
        cpu_times[0],
        each.join(" ")
    );
}
