//! How long an edit takes to reach the browser under `cited serve`.
//!
//! Starts the preview on a copy of a site, listens on its reload channel as
//! a page would, edits one question file several times, and prints the time
//! from each write to the `reload` event: file-system watch, debounce,
//! rebuild, swap and event together.
//!
//! ```text
//! python3 bench/generate.py 10000 /dev/shm/cited-bench-10000
//! cargo run --release --example serve_latency -- /dev/shm/cited-bench-10000 [EDITS]
//! ```

// The same folder copy the integration tests use.
#[path = "../tests/common/mod.rs"]
mod common;
use common::copy_dir;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cited::serve::{Preview, PreviewOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let site = PathBuf::from(args.next().expect("usage: serve_latency SITE [EDITS]"));
    let edits: usize = args
        .next()
        .map_or(7, |n| n.parse().expect("EDITS is a number"));

    // Work on a copy, in memory where there is a /dev/shm, so the site
    // itself is never touched and disk speed does not blur the figure.
    let scratch = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("a scratch folder");
    copy_dir(&site.join("content"), &scratch.path().join("content"));
    if site.join("templates").is_dir() {
        copy_dir(&site.join("templates"), &scratch.path().join("templates"));
    }

    let started = Instant::now();
    let preview = Preview::start(PreviewOptions {
        root: scratch.path().to_path_buf(),
        address: "127.0.0.1:0".parse().unwrap(),
        today: jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date(),
    })
    .expect("the preview starts");
    eprintln!(
        "first build and start: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let mut events = EventStream::open(preview.address());
    events.wait_for("hello");
    let question = first_question(scratch.path());
    let original = std::fs::read_to_string(&question).unwrap();

    let mut latencies = Vec::new();
    for edit in 0..edits {
        let text = if edit % 2 == 0 {
            original.replacen("summary: \"", "summary: \"Now, ", 1)
        } else {
            original.clone()
        };
        let written = Instant::now();
        std::fs::write(&question, text).unwrap();
        events.wait_for("reload");
        let latency = written.elapsed();
        eprintln!(
            "edit {}: {:.0} ms from write to reload event",
            edit + 1,
            latency.as_secs_f64() * 1000.0
        );
        latencies.push(latency);
        // Let the machine settle, as between an editor's saves.
        std::thread::sleep(Duration::from_millis(300));
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} edits to {}: median {:.0} ms, min {:.0} ms, max {:.0} ms ({} cores available)",
        latencies.len(),
        question
            .strip_prefix(scratch.path())
            .unwrap_or(&question)
            .display(),
        ms(latencies[latencies.len() / 2]),
        ms(latencies[0]),
        ms(*latencies.last().unwrap()),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    preview.stop();
}

fn first_question(root: &Path) -> PathBuf {
    let mut questions: Vec<PathBuf> = std::fs::read_dir(root.join("content/questions"))
        .expect("a site with questions")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    questions.sort();
    questions.into_iter().next().expect("at least one question")
}

/// The reload channel read as a browser's EventSource would, minus the
/// browser.
struct EventStream {
    stream: TcpStream,
    received: String,
}

impl EventStream {
    fn open(address: SocketAddr) -> EventStream {
        let mut stream = TcpStream::connect(address).expect("the preview listens");
        // HTTP/1.0, so the body is the raw stream without chunk framing.
        write!(
            stream,
            "GET /__cited/events HTTP/1.0\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        EventStream {
            stream,
            received: String::new(),
        }
    }

    /// Reads until an event called `name` arrives; earlier events are dropped.
    fn wait_for(&mut self, name: &str) {
        let marker = format!("event: {name}\n");
        loop {
            if let Some(at) = self.received.find(&marker) {
                let end = self.received[at..]
                    .find("\n\n")
                    .map_or(self.received.len(), |e| at + e + 2);
                self.received.drain(..end);
                return;
            }
            let mut buffer = [0; 8192];
            let n = self.stream.read(&mut buffer).expect("the reload channel");
            assert!(n > 0, "the reload channel closed");
            self.received
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    }
}
