//! What the timing examples share (`mod support;` in each): how much CPU
//! the process has used. Not an example itself (Cargo takes only
//! `examples/*.rs` and `examples/*/main.rs` as examples).

/// The CPU time this process has used so far, in nanoseconds: the sum of
/// its threads' run times (`/proc/self/task/*/schedstat`, Linux; 0
/// elsewhere). A thread that has ended no longer counts, so time only what
/// runs in threads that outlive the measurement (rayon's pool does).
pub fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}
