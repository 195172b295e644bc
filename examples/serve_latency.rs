//! How long an edit takes to reach the browser under `cited serve`.
//!
//! Starts the preview on a copy of a site, listens on its reload channel as
//! a page would, and edits one question file, field by field: its summary,
//! its answer, the text of one quote (to another verbatim passage of the
//! same source, so the site stays valid), and its title. For each edit it
//! measures, from the moment the file is written:
//!
//! - **served**: until every page that shows the edited text has answered a
//!   request with a 200 whose body holds it (polled every 2 ms: the question's
//!   page, then the listing that shows it too, or for a quote the part of
//!   its source's page that shows the new passage);
//! - **reload**: until the reload event reaches the open pages.
//!
//! Both include the file-system watch, the debounce, the rebuild and the
//! swap. Each edit changes only its own field (the others keep their last
//! edit), with text that was on no page before, so a stale page can never
//! pass for a new one. A build that fails, or a page that does not change
//! within the time limit, stops the run with the reason and the preview's
//! diagnostics, never with a figure.
//!
//! It must not touch the site it is given (it works on a copy in /dev/shm
//! where there is one) and must not depend on timing luck: nothing is
//! assumed to have happened, every result is observed.
//!
//! ```text
//! python3 bench/generate.py 10000 /dev/shm/cited-bench-10000
//! cargo run --release --example serve_latency -- /dev/shm/cited-bench-10000 [EDITS] [--json]
//! ```

// The same folder copy the integration tests use.
#[path = "../tests/common/mod.rs"]
mod common;
use common::copy_dir;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cited::serve::{Preview, PreviewOptions};
use clap::Parser;

// As in `cited` itself (src/main.rs): the preview runs in this process, and
// its figures must be those of `cited serve`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Time from an edit to the new text being served by `cited serve`.
#[derive(Parser)]
struct Args {
    /// The site (the folder holding content/), e.g. one bench/generate.py wrote
    site: PathBuf,
    /// Edits of each kind
    #[arg(default_value_t = 5)]
    edits: usize,
    /// Which kinds of edit, in the order they take turns
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "summary,answer,quote,title"
    )]
    kinds: Vec<Kind>,
    /// Give up on an edit after this many seconds
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Also print the figures as one line of JSON, last
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    Summary,
    Answer,
    Quote,
    Title,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Summary => "summary",
            Kind::Answer => "answer",
            Kind::Quote => "quote",
            Kind::Title => "title",
        }
    }
}

/// How long to wait between two looks at a page.
const POLL: Duration = Duration::from_millis(2);
/// Pause between edits, as between an editor's saves, so that one edit's
/// rebuild does not overlap the next.
const SETTLE: Duration = Duration::from_millis(300);

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("serve_latency: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if args.edits == 0 || args.kinds.is_empty() {
        return Err("nothing to measure: give at least one edit and one kind".into());
    }
    if !args.site.join("content").is_dir() {
        return Err(format!("{} has no content/ folder", args.site.display()));
    }
    // Work on a copy, in memory where there is a /dev/shm, so the site
    // itself is never touched and disk speed does not blur the figure.
    let scratch = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .map_err(|e| format!("no scratch folder: {e}"))?;
    copy_dir(&args.site.join("content"), &scratch.path().join("content"));
    if args.site.join("templates").is_dir() {
        copy_dir(
            &args.site.join("templates"),
            &scratch.path().join("templates"),
        );
    }
    let question = Question::first_in(scratch.path())?;

    let started = Instant::now();
    let preview = Preview::start(PreviewOptions {
        root: scratch.path().to_path_buf(),
        address: "127.0.0.1:0".parse().unwrap(),
        today: jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date(),
    })
    .map_err(|e| format!("the preview did not start: {e}"))?;
    let first_build = started.elapsed();
    let address = preview.address();
    eprintln!(
        "first build and start: {:.0} ms; editing {}",
        ms(first_build),
        question.relative_path(scratch.path())
    );

    let reloads = ReloadEvents::listen(address)?;
    let mut edits = EditState::default();
    let mut results: Vec<(Kind, Vec<Duration>, Vec<Duration>)> = Vec::new();
    for &kind in &args.kinds {
        if !results.iter().any(|(k, _, _)| *k == kind) {
            results.push((kind, Vec::new(), Vec::new()));
        }
    }
    let timeout = Duration::from_secs(args.timeout);
    let mut number = 0;
    for round in 0..args.edits {
        for (kind, served, reloaded) in &mut results {
            let marker = marker(number);
            number += 1;
            let pages = if *kind == Kind::Quote {
                // The passage decides which part of the source's page shows it.
                let mut peek = EditState {
                    passages_used: edits.passages_used,
                    ..EditState::default()
                };
                let passage = peek.pick_passage(&question, |p| {
                    let pages = question.pages_showing_passage(p);
                    for page in &pages {
                        if contains(&get(address, page)?.1, &p.text) {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                })?;
                // Passages before it are on a page already: skip them.
                edits.passages_used = peek.passages_used - 1;
                question.pages_showing_passage(&passage)
            } else {
                question.pages_showing(*kind)
            };
            let before = pages
                .iter()
                .map(|page| get(address, page).map(|(_, body)| body))
                .collect::<Result<Vec<_>, _>>()?;
            let is_new = |text: &str| !before.iter().any(|body| contains(body, text));
            let needle = edits.change(*kind, &question, &marker, &is_new)?;
            if !is_new(&needle) {
                return Err(format!(
                    "{} already shows {needle:?} before the edit: the measurement would mean nothing",
                    pages.join(" or ")
                ));
            }
            let builds_before = reloads.latest_build();
            let written = Instant::now();
            std::fs::write(&question.path, edits.apply(&question))
                .map_err(|e| format!("cannot write {}: {e}", question.path.display()))?;
            for page in &pages {
                wait_until_served(address, page, &needle, written, timeout)?;
            }
            let served_after = written.elapsed();
            let reload_at = reloads
                .wait_for_build_after(builds_before, written + timeout)
                .ok_or_else(|| {
                    format!(
                        "no reload event within {} s of the {} edit, though the page changed",
                        timeout.as_secs(),
                        kind.name()
                    )
                })?;
            let reload_after = reload_at.saturating_duration_since(written);
            eprintln!(
                "{:<7} edit {}: served after {:>6.0} ms, reload event after {:>6.0} ms",
                kind.name(),
                round + 1,
                ms(served_after),
                ms(reload_after)
            );
            served.push(served_after);
            reloaded.push(reload_after);
            std::thread::sleep(SETTLE);
        }
    }
    // Leave the copy as it was (it is removed anyway, but a rebuild may
    // still be running and must finish before the preview stops).
    let builds_before = reloads.latest_build();
    let restored = Instant::now();
    std::fs::write(&question.path, &question.original).map_err(|e| e.to_string())?;
    let _ = reloads.wait_for_build_after(builds_before, restored + timeout);

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "edit latency, {} edits of each kind to {} ({} cores available; first build {:.0} ms)",
        args.edits,
        question.relative_path(scratch.path()),
        cores,
        ms(first_build)
    );
    println!(
        "{:<8} {:>9} {:>7} {:>7}   {:>9} {:>7} {:>7}   pages that must show the edit",
        "kind", "served ms", "min", "max", "reload ms", "min", "max"
    );
    for (kind, served, reloaded) in &results {
        let (s, r) = (Spread::of(served), Spread::of(reloaded));
        println!(
            "{:<8} {:>9.0} {:>7.0} {:>7.0}   {:>9.0} {:>7.0} {:>7.0}   {}",
            kind.name(),
            s.median,
            s.min,
            s.max,
            r.median,
            r.min,
            r.max,
            question.pages_showing(*kind).join(" ")
        );
    }
    if args.json {
        let kinds: serde_json::Map<String, serde_json::Value> = results
            .iter()
            .map(|(kind, served, reloaded)| {
                (
                    kind.name().to_string(),
                    serde_json::json!({
                        "served_ms": served.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
                        "reload_ms": reloaded.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
                        "pages": question.pages_showing(*kind),
                    }),
                )
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "first_build_ms": ms(first_build),
                "cores": cores,
                "edits": args.edits,
                "kinds": kinds,
            })
        );
    }
    drop(reloads);
    preview.stop();
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A word that is on no page of a generated site and differs for every
/// edit: `Zelvora`, `Zelvorb`, ... (letters only, so no check on numbers
/// or words of certainty trips over it).
fn marker(number: usize) -> String {
    let mut suffix = String::new();
    let mut n = number;
    loop {
        suffix.insert(0, char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
        n -= 1;
    }
    format!("Zelvor{suffix}")
}

struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(durations: &[Duration]) -> Spread {
        let mut sorted: Vec<f64> = durations.iter().map(|d| ms(*d)).collect();
        sorted.sort_by(f64::total_cmp);
        let middle = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            sorted[middle]
        } else {
            (sorted[middle - 1] + sorted[middle]) / 2.0
        };
        Spread {
            median,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
        }
    }
}

/// The question file being edited, and where in it each edited field is.
struct Question {
    path: PathBuf,
    id: String,
    original: String,
    topic: String,
    /// Line numbers (0-based) of `question:`, `summary:`, the first answer
    /// line, and the first fact's first quote `text:`.
    title_line: usize,
    summary_line: usize,
    answer_line: usize,
    quote_line: usize,
    quote_source: String,
    /// Verbatim passages of that source's archive, none of them on the page.
    passages: Vec<Passage>,
}

/// A passage of an archive that a quote edit may quote instead, and the
/// part of its source's page that shows it (cited shows a source's passages
/// in parts by where they start in the archive).
#[derive(Clone)]
struct Passage {
    text: String,
    part: usize,
}

impl Question {
    /// The first question by file name, which must have the fields that
    /// bench/generate.py writes.
    fn first_in(root: &Path) -> Result<Question, String> {
        let folder = root.join("content/questions");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read {}: {e}", folder.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        let path = files
            .into_iter()
            .next()
            .ok_or("the site has no question to edit")?;
        let original = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let lines: Vec<&str> = original.lines().collect();
        let missing = |what: &str| {
            format!(
                "{} has no {what} where bench/generate.py writes it; serve_latency edits \
                 such questions",
                path.display()
            )
        };
        let find = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix));
        let title_line = find("question: \"").ok_or_else(|| missing("`question: \"…\"`"))?;
        let summary_line = find("summary: \"").ok_or_else(|| missing("`summary: \"…\"`"))?;
        let answer_line = find("answer: |")
            .map(|l| l + 1)
            .filter(|&l| {
                lines
                    .get(l)
                    .is_some_and(|t| t.starts_with("  ") && t.len() > 2)
            })
            .ok_or_else(|| missing("`answer: |` block"))?;
        let facts = find("facts:").ok_or_else(|| missing("`facts:`"))?;
        let source_line = (facts..lines.len())
            .find(|&l| lines[l].trim_start().starts_with("- source: "))
            .ok_or_else(|| missing("quote in its facts"))?;
        let quote_line = source_line + 1;
        if !lines
            .get(quote_line)
            .is_some_and(|l| l.trim_start().starts_with("text: \""))
        {
            return Err(missing("`text:` right after the first quote's `source:`"));
        }
        let quote_source = lines[source_line]
            .trim_start()
            .trim_start_matches("- source: ")
            .trim()
            .to_string();
        let topic = lines
            .iter()
            .find_map(|l| l.strip_prefix("topic: "))
            .ok_or_else(|| missing("`topic:`"))?
            .trim()
            .to_string();
        let archive = root.join(format!("content/sources/{quote_source}.txt"));
        let text = std::fs::read_to_string(&archive)
            .map_err(|e| format!("cannot read the archive {}: {e}", archive.display()))?;
        let passages = passages(&text, &original);
        if passages.is_empty() {
            return Err(format!(
                "{} has no passage to quote instead",
                archive.display()
            ));
        }
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or("a question file name that is not UTF-8")?
            .to_string();
        Ok(Question {
            path,
            id,
            original,
            topic,
            title_line,
            summary_line,
            answer_line,
            quote_line,
            quote_source,
            passages,
        })
    }

    fn relative_path(&self, root: &Path) -> String {
        self.path
            .strip_prefix(root)
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }

    /// Every page that shows what an edit of `kind` changes, the question's
    /// own first: a summary and a title are in its topic's listing too, a
    /// quote on its source's page.
    fn pages_showing(&self, kind: Kind) -> Vec<String> {
        let own = format!("/questions/{}/", self.id);
        match kind {
            Kind::Answer => vec![own],
            Kind::Summary | Kind::Title => vec![own, format!("/topics/{}/", self.topic)],
            // Which part of the source's page depends on the passage each
            // edit picks: the edits poll `pages_showing_passage`; this is
            // what the summary says.
            Kind::Quote => vec![
                own,
                format!(
                    "/sources/{}/ (the part showing the passage)",
                    self.quote_source
                ),
            ],
        }
    }

    /// The pages that show a quote edit to `passage`: the question's, and
    /// the part of the source's page that shows the passage.
    fn pages_showing_passage(&self, passage: &Passage) -> Vec<String> {
        let source = if passage.part <= 1 {
            format!("/sources/{}/", self.quote_source)
        } else {
            format!("/sources/{}/{}/", self.quote_source, passage.part)
        };
        vec![format!("/questions/{}/", self.id), source]
    }
}

/// Passages of 12 words of the archive that have no digits (which the
/// number checks would want backed) and are not in the question already.
/// Those that straddle two sentences come first: a generated quote starts
/// where a sentence does, so these are the least likely to be on a page.
fn passages(archive: &str, question: &str) -> Vec<Passage> {
    const WORDS: usize = 12;
    // Each word with the byte it starts at, for the passage's part.
    let words: Vec<(usize, &str)> = archive
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - archive.as_ptr() as usize, w))
        .collect();
    let straddling = (6..words.len())
        .filter(|&i| words[i - 1].1.ends_with('.'))
        .map(|i| i - 6);
    let starts = straddling.chain(0..words.len());
    let mut found: Vec<Passage> = Vec::new();
    for start in starts {
        let Some(passage) = words.get(start..start + WORDS) else {
            continue;
        };
        let plain = passage.iter().all(|(_, w)| {
            w.chars()
                .all(|c| c.is_ascii_alphabetic() || c == ',' || c == '.')
        });
        let text = passage
            .iter()
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(" ");
        if plain && !question.contains(&text) && !found.iter().any(|p| p.text == text) {
            found.push(Passage {
                text,
                part: passage[0].0 / cited::link::PART_BYTES + 1,
            });
            if found.len() == 500 {
                break;
            }
        }
    }
    found
}

/// The current text of each edited field: each edit changes one of them.
#[derive(Default)]
struct EditState {
    summary: Option<String>,
    answer: Option<String>,
    quote: Option<String>,
    title: Option<String>,
    /// How far into the question's list of passages the quote edits got.
    passages_used: usize,
}

impl EditState {
    /// Changes the field of `kind` to a new text holding `marker` (or, for a
    /// quote, the next passage of the archive that `is_new` says no page
    /// shows yet) and returns the text the pages must then show.
    fn change(
        &mut self,
        kind: Kind,
        question: &Question,
        marker: &str,
        is_new: &dyn Fn(&str) -> bool,
    ) -> Result<String, String> {
        let line = |n: usize| question.original.lines().nth(n).unwrap_or_default();
        let quoted = |line: &str, key: &str| -> Result<String, String> {
            let raw = line.trim_start().trim_start_matches(key);
            serde_json::from_str::<String>(raw)
                .map_err(|e| format!("{key} is not a double-quoted string ({e})"))
        };
        Ok(match kind {
            Kind::Summary => {
                let text = format!(
                    "{marker}, {}",
                    quoted(line(question.summary_line), "summary: ")?
                );
                self.summary = Some(text.clone());
                text
            }
            Kind::Title => {
                let text = format!(
                    "{marker}: {}",
                    quoted(line(question.title_line), "question: ")?
                );
                self.title = Some(text.clone());
                text
            }
            Kind::Answer => {
                let sentence = format!("{marker} notes this.");
                self.answer = Some(sentence.clone());
                sentence
            }
            Kind::Quote => {
                let passage = self.pick_passage(question, |p| Ok(is_new(&p.text)))?;
                self.quote = Some(passage.text.clone());
                passage.text
            }
        })
    }

    /// The next passage of the question's archive that `is_new` says no
    /// page shows yet.
    fn pick_passage(
        &mut self,
        question: &Question,
        mut is_new: impl FnMut(&Passage) -> Result<bool, String>,
    ) -> Result<Passage, String> {
        for (i, passage) in question
            .passages
            .iter()
            .enumerate()
            .skip(self.passages_used)
        {
            if is_new(passage)? {
                self.passages_used = i + 1;
                return Ok(passage.clone());
            }
        }
        Err("no passage of the archive is left that the pages do not show yet".to_string())
    }

    /// The question file with every field's current text.
    fn apply(&self, question: &Question) -> String {
        let json = |s: &str| serde_json::to_string(s).expect("a string serialises");
        let mut out = String::with_capacity(question.original.len() + 200);
        for (n, line) in question.original.lines().enumerate() {
            match n {
                n if n == question.summary_line && self.summary.is_some() => {
                    out.push_str(&format!(
                        "summary: {}",
                        json(self.summary.as_deref().unwrap())
                    ));
                }
                n if n == question.title_line && self.title.is_some() => {
                    out.push_str(&format!(
                        "question: {}",
                        json(self.title.as_deref().unwrap())
                    ));
                }
                n if n == question.answer_line && self.answer.is_some() => {
                    out.push_str(&format!(
                        "  {} {}",
                        self.answer.as_deref().unwrap(),
                        line.trim_start()
                    ));
                }
                n if n == question.quote_line && self.quote.is_some() => {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    out.push_str(&format!(
                        "{indent}text: {}",
                        json(self.quote.as_deref().unwrap())
                    ));
                }
                _ => out.push_str(line),
            }
            out.push('\n');
        }
        out
    }
}

/// Whether a page's body holds `text`, as written or as the templates escape it.
fn contains(body: &str, text: &str) -> bool {
    if body.contains(text) {
        return true;
    }
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2F;");
    body.contains(&escaped)
}

/// Polls `page` until a 200 response holds `needle`; the deadline counts
/// from `since`. On time out says what the preview reports instead.
fn wait_until_served(
    address: SocketAddr,
    page: &str,
    needle: &str,
    since: Instant,
    timeout: Duration,
) -> Result<(), String> {
    loop {
        let (status, body) = get(address, page)?;
        if status == 200 && contains(&body, needle) {
            return Ok(());
        }
        if since.elapsed() > timeout {
            let diagnostics = get(address, "/__cited/diagnostics")
                .map(|(_, body)| body)
                .unwrap_or_else(|e| e);
            let shown: String = diagnostics.chars().take(2000).collect();
            return Err(format!(
                "{page} did not show {needle:?} within {} s of the edit (last status {status}); \
                 the preview's diagnostics: {shown}",
                timeout.as_secs()
            ));
        }
        std::thread::sleep(POLL);
    }
}

/// One HTTP/1.0 GET (the connection closes after the answer, so the body is
/// what follows the head): (status, body).
fn get(address: SocketAddr, path: &str) -> Result<(u16, String), String> {
    let fail = |e: std::io::Error| format!("GET {path}: {e}");
    let mut stream = TcpStream::connect(address).map_err(fail)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(fail)?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").map_err(fail)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(fail)?;
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("GET {path}: a response without a head"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("GET {path}: no status in {:?}", head.lines().next()))?;
    Ok((status, body.to_string()))
}

/// The reload channel read as a browser's EventSource would, minus the
/// browser, on a thread of its own so that an event is timed when it
/// arrives, not when the main thread gets round to it.
struct ReloadEvents {
    /// (when it arrived, the build number it announces)
    arrived: mpsc::Receiver<(Instant, u64)>,
    latest: std::cell::Cell<u64>,
    pending: std::cell::RefCell<Vec<(Instant, u64)>>,
}

impl ReloadEvents {
    fn listen(address: SocketAddr) -> Result<ReloadEvents, String> {
        let mut stream = TcpStream::connect(address)
            .map_err(|e| format!("cannot reach the preview's reload channel: {e}"))?;
        // HTTP/1.0, so the body is the raw stream without chunk framing.
        write!(
            stream,
            "GET /__cited/events HTTP/1.0\r\nHost: {address}\r\n\r\n"
        )
        .map_err(|e| e.to_string())?;
        let (sender, arrived) = mpsc::channel();
        let (hello_sender, hello) = mpsc::channel();
        std::thread::spawn(move || read_events(stream, sender, hello_sender));
        let first = hello
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "no hello event on the reload channel within 30 s")?;
        Ok(ReloadEvents {
            arrived,
            latest: std::cell::Cell::new(first),
            pending: Default::default(),
        })
    }

    fn drain(&self) {
        while let Ok(event) = self.arrived.try_recv() {
            self.latest.set(self.latest.get().max(event.1));
            self.pending.borrow_mut().push(event);
        }
    }

    /// The newest build announced so far.
    fn latest_build(&self) -> u64 {
        self.drain();
        self.pending.borrow_mut().clear();
        self.latest.get()
    }

    /// When the first reload for a build after `build` arrived, waiting
    /// until `deadline` at most.
    fn wait_for_build_after(&self, build: u64, deadline: Instant) -> Option<Instant> {
        loop {
            self.drain();
            if let Some(&(at, _)) = self.pending.borrow().iter().find(|(_, b)| *b > build) {
                return Some(at);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.arrived.recv_timeout(left) {
                Ok(event) => {
                    self.latest.set(self.latest.get().max(event.1));
                    self.pending.borrow_mut().push(event);
                }
                Err(_) => return None,
            }
        }
    }
}

/// Reads server-sent events; sends the build number of `hello` once and of
/// each `reload` as it arrives. Ends when the stream does.
fn read_events(
    mut stream: TcpStream,
    reloads: mpsc::Sender<(Instant, u64)>,
    hello: mpsc::Sender<u64>,
) {
    let mut received = String::new();
    let mut buffer = [0; 8192];
    loop {
        while let Some(end) = received.find("\n\n") {
            let event: String = received.drain(..end + 2).collect();
            let at = Instant::now();
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(str::trim)
            };
            // data is `<session>-<builds>`
            let build = field("data:")
                .and_then(|d| d.rsplit('-').next())
                .and_then(|n| n.parse::<u64>().ok());
            match (field("event:"), build) {
                (Some("hello"), Some(build)) => {
                    let _ = hello.send(build);
                }
                // The receiver is gone: the measurement is over.
                (Some("reload"), Some(build)) if reloads.send((at, build)).is_err() => return,
                _ => {}
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => received.push_str(&String::from_utf8_lossy(&buffer[..n])),
        }
    }
}
