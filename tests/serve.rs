//! `cited serve` end to end: the real binary on a free port, against a
//! temporary copy of the bundled site, spoken to over real HTTP (a plain
//! `TcpStream`, so the request line goes out exactly as written, `..` and all).

// Symlinks and SIGINT are Unix things.
#![cfg(unix)]

mod common;
use common::copy_dir;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a change may take to reach the browser in these tests. Far more
/// than it takes (about a tenth of a second), so a busy machine does not fail
/// them.
const CHANGE_DEADLINE: Duration = Duration::from_secs(15);

const QUESTION_FILE: &str = "content/questions/do-derma-rollers-have-side-effects.yaml";
const QUESTION_URL: &str = "/questions/do-derma-rollers-have-side-effects/";
const OTHER_URL: &str = "/questions/are-serious-side-effects-rare/";

/// Text that makes a (debug) build panic, standing for any bug in cited.
const PANIC_MARKER: &str = "PANIC-MARKER-QX";

/// A copy of the bundled site in a temporary folder, and a temporary folder
/// to stand for the system's (TMPDIR), so a test can see what the server
/// leaves there.
struct Site {
    root: tempfile::TempDir,
    tmp: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let root = tempfile::tempdir().unwrap();
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        copy_dir(&bundled, &root.path().join("content"));
        Site {
            root,
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.path(relative), text).unwrap();
    }

    /// The server's private output folder (it lives in our TMPDIR).
    fn served_folder(&self) -> PathBuf {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.join("site").is_dir())
            .expect("the server builds into a folder in TMPDIR")
            .join("site")
    }
}

/// A running `cited serve`; killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &Site) -> Server {
        Server::start_with(site, &[])
    }

    /// Starts `cited serve` with more command-line arguments.
    fn start_with(site: &Site, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cited"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root.path())
            .args(args)
            // A debug build of cited panics while building an answer that
            // holds this text, so a test can see a bug survived.
            .env("CITED_DEBUG_PANIC_ON", PANIC_MARKER)
            .env("TMPDIR", site.tmp.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let (address_sender, address) = std::sync::mpsc::channel();
        let log_writer = Arc::clone(&log);
        // Keep reading stderr for the whole run, so the server never blocks
        // on a full pipe, and keep it for failure messages.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let line = line.unwrap_or_default();
                if let Some(url) = line.strip_prefix("Serving http://") {
                    let address = url.split('/').next().unwrap().to_string();
                    let _ = address_sender.send(address);
                }
                log_writer.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let address = match address.recv_timeout(Duration::from_secs(60)) {
            Ok(address) => address.parse().unwrap(),
            Err(_) => {
                let _ = child.kill();
                panic!("cited serve printed no address:\n{}", log.lock().unwrap());
            }
        };
        Server {
            child,
            address,
            log,
        }
    }

    fn get(&self, path: &str) -> Response {
        get(self.address, path)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn diagnostics(&self) -> Vec<serde_json::Value> {
        let response = self.get("/__cited/diagnostics");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("content-type"), "application/json");
        serde_json::from_str(&response.body).unwrap()
    }

    /// Errors that name `file`, as the overlay would show them.
    fn errors_in(&self, file: &str) -> Vec<serde_json::Value> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d["severity"] == "error" && d["file"] == file)
            .collect()
    }

    /// Opens the reload channel and reads its greeting (`hello`, then the
    /// current diagnostics), so what follows is news.
    fn events(&self) -> EventStream {
        let mut stream = EventStream::open(self.address);
        stream.wait_for("hello", Duration::from_secs(10));
        stream.wait_for("diagnostics", Duration::from_secs(10));
        stream
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

/// One HTTP/1.1 GET, with `path` sent exactly as given.
fn get(address: SocketAddr, path: &str) -> Response {
    request(
        address,
        &format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `raw` as it is, and reads the response until the server closes.
fn request(address: SocketAddr, raw: &str) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete response");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_string()))
        .collect();
    Response {
        status: status.parse().unwrap(),
        headers,
        body: body.to_string(),
    }
}

/// The raw reload channel, read as text.
struct EventStream {
    stream: TcpStream,
    received: String,
}

impl EventStream {
    fn open(address: SocketAddr) -> EventStream {
        let mut stream = TcpStream::connect(address).unwrap();
        // HTTP/1.0: the body is simply the rest of the connection, with no
        // chunk framing to take apart.
        write!(
            stream,
            "GET /__cited/events HTTP/1.0\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        EventStream {
            stream,
            received: String::new(),
        }
    }

    /// Waits for the next event called `name` and returns its data; events
    /// before it are skipped.
    fn wait_for(&mut self, name: &str, deadline: Duration) -> String {
        let started = Instant::now();
        loop {
            if let Some(data) = self.take_event(name) {
                return data;
            }
            assert!(
                started.elapsed() < deadline,
                "no `{name}` event within {deadline:?}; received:\n{}",
                self.received
            );
            let mut buffer = [0; 8192];
            match self.stream.read(&mut buffer) {
                Ok(0) => panic!("the reload channel closed; received:\n{}", self.received),
                Ok(n) => self
                    .received
                    .push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("reading the reload channel: {e}"),
            }
        }
    }

    /// Removes the complete events up to and including the first called
    /// `name` from what was received, and returns that one's data.
    fn take_event(&mut self, name: &str) -> Option<String> {
        let mut consumed = 0;
        while let Some(length) = self.received[consumed..].find("\n\n") {
            let event = &self.received[consumed..consumed + length];
            consumed += length + 2;
            let mut event_name = "message";
            let mut data = Vec::new();
            for line in event.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    event_name = value.trim();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push(value.strip_prefix(' ').unwrap_or(value));
                }
            }
            if event_name == name {
                let data = data.join("\n");
                self.received.drain(..consumed);
                return Some(data);
            }
        }
        None
    }
}

/// Polls `check` until it holds or `deadline` passes.
fn eventually(deadline: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < deadline,
            "{what} did not happen within {deadline:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn replace_summary(site: &Site, summary: &str) {
    let text = site.read(QUESTION_FILE);
    let edited: String = text
        .lines()
        .map(|line| {
            if line.starts_with("summary:") {
                format!("summary: {summary}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    site.write(QUESTION_FILE, &edited);
}

#[test]
fn serves_pages_assets_and_the_sites_own_404_page() {
    let site = Site::new();
    let server = Server::start(&site);
    assert!(
        server.address.ip().is_loopback(),
        "binds loopback by default"
    );

    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", server.log());
    assert!(home.header("content-type").starts_with("text/html"));
    assert!(
        home.body
            .contains(r#"<script src="/__cited/live.js" defer></script>"#),
        "pages load the live-reload script"
    );

    let question = server.get(QUESTION_URL);
    assert_eq!(question.status, 200);
    assert!(question.body.contains("derma rollers"));

    let stylesheet = home
        .body
        .split('"')
        .find(|part| part.starts_with("/assets/") && part.ends_with(".css"))
        .expect("the home page links its stylesheet");
    let css = server.get(stylesheet);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").starts_with("text/css"));

    let script = server.get("/__cited/live.js");
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.body.contains("EventSource"));
    let overlay_style = server.get("/__cited/live.css");
    assert!(overlay_style.header("content-type").starts_with("text/css"));

    for unknown in ["/no/such/page/", "/questions/not-a-question/", "/x.html"] {
        let missing = server.get(unknown);
        assert_eq!(missing.status, 404, "{unknown}");
        assert!(missing.header("content-type").starts_with("text/html"));
        assert!(missing.body.contains("Page not found"), "{unknown}");
    }
    assert!(
        !site.path("public").exists(),
        "the preview never writes into the site"
    );
}

#[test]
fn an_edit_is_served_and_announced_on_the_reload_channel() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();

    replace_summary(&site, "Home rollers can hurt your skin, says marker ZQX.");
    events.wait_for("reload", CHANGE_DEADLINE);
    let page = server.get(QUESTION_URL);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("marker ZQX"),
        "the reload event comes after the new page is in place"
    );

    // And again: every good build reloads.
    replace_summary(&site, "Home rollers can hurt your skin, says marker QQY.");
    events.wait_for("reload", CHANGE_DEADLINE);
    assert!(server.get(QUESTION_URL).body.contains("marker QQY"));
}

#[test]
fn a_broken_file_shows_in_the_overlay_until_fixed_while_the_site_still_serves() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();
    let good = site.read(QUESTION_FILE);

    site.write(
        QUESTION_FILE,
        "question: [Are rollers safe?\ntopic: safety\n",
    );
    let data = events.wait_for("diagnostics", CHANGE_DEADLINE);
    assert!(
        data.contains(QUESTION_FILE),
        "the overlay's data names the file: {data}"
    );
    let errors = server.errors_in(QUESTION_FILE);
    assert!(!errors.is_empty(), "{}", server.log());
    let first = &errors[0];
    assert!(first["line"].as_u64().is_some() && first["column"].as_u64().is_some());
    assert!(first["message"].as_str().is_some_and(|m| !m.is_empty()));
    // The terminal prints the same problem (just after the pages hear of it).
    eventually(CHANGE_DEADLINE, "the terminal naming the file", || {
        server.log().contains(&format!("{QUESTION_FILE}:"))
    });

    // The last good site is still served, this page included.
    let other = server.get(OTHER_URL);
    assert_eq!(other.status, 200);
    let same_page = server.get(QUESTION_URL);
    assert_eq!(same_page.status, 200);
    assert!(same_page.body.contains("derma rollers"));

    site.write(QUESTION_FILE, &good);
    let data = events.wait_for("diagnostics", CHANGE_DEADLINE);
    // Fixed: the file may still have warnings (the evidence checks'), not errors.
    let problems: Vec<serde_json::Value> = serde_json::from_str(&data).unwrap_or_default();
    assert!(
        !problems
            .iter()
            .any(|d| d["file"] == QUESTION_FILE && d["severity"] == "error"),
        "fixed: {data}"
    );
    events.wait_for("reload", CHANGE_DEADLINE);
    assert!(server.errors_in(QUESTION_FILE).is_empty());
}

#[test]
fn saving_in_several_writes_gives_at_worst_a_transient_diagnostic() {
    let site = Site::new();
    let server = Server::start(&site);
    let good = site.read(QUESTION_FILE);
    let cut = good.len() / 3;

    // What editors do: truncate then write, write in pieces, or write a
    // temporary file and move it over the old one.
    site.write(QUESTION_FILE, "");
    site.write(QUESTION_FILE, &good[..cut]);
    std::thread::sleep(Duration::from_millis(300));
    site.write(QUESTION_FILE, &good[..cut]);
    let temporary = site.path("content/questions/.do-derma-rollers-have-side-effects.yaml.tmp");
    std::fs::write(
        &temporary,
        good.replace("It does not say who", "It (marker RNM) does not say who"),
    )
    .unwrap();
    std::fs::rename(&temporary, site.path(QUESTION_FILE)).unwrap();
    std::fs::write(site.path("content/questions/.swapfile.swp"), "junk").unwrap();

    eventually(CHANGE_DEADLINE, "the moved-in file is served", || {
        server.get(QUESTION_URL).body.contains("marker RNM")
    });
    // The page is in place a moment before the diagnostics are updated.
    eventually(
        CHANGE_DEADLINE,
        "the transient diagnostic goes away",
        || server.errors_in(QUESTION_FILE).is_empty(),
    );
    assert!(!server.log().contains("panicked"), "{}", server.log());
    assert_eq!(server.get(OTHER_URL).status, 200);
}

#[test]
fn nothing_outside_the_output_is_served() {
    let site = Site::new();
    let server = Server::start(&site);
    let served = site.served_folder();
    let beside_output = served.parent().unwrap();
    std::fs::write(beside_output.join("secret.txt"), "TOP-SECRET beside").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("secret.txt"), "TOP-SECRET elsewhere").unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("secret.txt"), served.join("leak.txt"))
        .unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), served.join("leaky-folder")).unwrap();
    std::fs::create_dir(served.join("linked-index")).unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("secret.txt"),
        served.join("linked-index/index.html"),
    )
    .unwrap();

    for path in [
        "/../Cargo.toml",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/questions/%2e%2e/%2e%2e/secret.txt",
        "/questions/..%2F..%2Fsecret.txt",
        "/..%5csecret.txt",
        "/leak.txt",
        "/leaky-folder/secret.txt",
        "/linked-index/",
        "/linked-index/index.html",
    ] {
        let response = server.get(path);
        assert!(
            response.status == 404 || response.status == 400,
            "{path}: status {}",
            response.status
        );
        assert!(!response.body.contains("TOP-SECRET"), "{path} leaked");
        assert!(!response.body.contains("[package]"), "{path} leaked");
    }
    assert_eq!(server.get("/").status, 200, "still serving");
}

#[test]
fn a_site_that_does_not_build_at_start_shows_its_problems_then_serves_once_fixed() {
    let site = Site::new();
    let good = site.read(QUESTION_FILE);
    site.write(QUESTION_FILE, "question: [\n");
    let server = Server::start(&site);

    let page = server.get("/");
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains("/__cited/live.js"),
        "the overlay can show"
    );
    assert!(!server.errors_in(QUESTION_FILE).is_empty());

    let mut events = server.events();
    site.write(QUESTION_FILE, &good);
    events.wait_for("reload", CHANGE_DEADLINE);
    assert_eq!(server.get("/").status, 200);
    assert!(server.errors_in(QUESTION_FILE).is_empty());
}

#[test]
fn ctrl_c_stops_the_server_and_removes_its_temporary_folder() {
    let site = Site::new();
    let mut server = Server::start(&site);
    let mut events = server.events();
    assert!(site.served_folder().exists());

    let interrupted = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still running after SIGINT:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}\n{}", server.log());
    let left: Vec<_> = std::fs::read_dir(site.tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    // The open reload channel was closed rather than left hanging.
    let mut rest = String::new();
    events
        .stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert!(events.stream.read_to_string(&mut rest).is_ok());
}

#[test]
fn a_templates_folder_made_while_serving_is_watched() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();

    // A site without templates/ uses the built-in theme; making the folder
    // and overriding a template must be picked up like any edit.
    std::fs::create_dir(site.path("templates")).unwrap();
    let built_in =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/404.html"))
            .unwrap();
    site.write(
        "templates/404.html",
        &built_in.replace("Page not found", "Nothing lives here"),
    );
    events.wait_for("reload", CHANGE_DEADLINE);
    eventually(CHANGE_DEADLINE, "the overridden 404 page", || {
        server.get("/missing/").body.contains("Nothing lives here")
    });
}

#[test]
fn content_moved_away_and_back_is_watched_again() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();

    std::fs::rename(site.path("content"), site.path("content.away")).unwrap();
    let data = events.wait_for("diagnostics", CHANGE_DEADLINE);
    assert_ne!(data, "[]", "a missing content/ is a problem to show");
    assert_eq!(
        server.get(OTHER_URL).status,
        200,
        "the last good site stays"
    );

    std::fs::rename(site.path("content.away"), site.path("content")).unwrap();
    events.wait_for("reload", CHANGE_DEADLINE);
    replace_summary(&site, "Home rollers can hurt your skin, says marker BCK.");
    events.wait_for("reload", CHANGE_DEADLINE);
    assert!(server.get(QUESTION_URL).body.contains("marker BCK"));
}

#[test]
fn a_save_without_changes_does_not_rebuild() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();

    site.write(QUESTION_FILE, &site.read(QUESTION_FILE));
    // Then a real edit: the next event must be its reload, with one rebuild.
    std::thread::sleep(Duration::from_millis(500));
    replace_summary(&site, "Home rollers can hurt your skin, says marker NOP.");
    events.wait_for("reload", CHANGE_DEADLINE);
    assert!(server.get(QUESTION_URL).body.contains("marker NOP"));
    // The terminal line comes just after the event; give a second one time
    // to show up if there were one.
    eventually(CHANGE_DEADLINE, "the rebuild printed", || {
        server.log().contains("Rebuilt in")
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        server.log().matches("Rebuilt in").count(),
        1,
        "{}",
        server.log()
    );
}

/// A save the way `sed -i` makes it: a temporary file beside the real one
/// (under a name cited would warn about), written in pieces, then renamed
/// over it. The watcher's short debounce must still fold that burst into
/// one rebuild, which never sees the temporary file.
#[test]
fn a_save_through_a_temporary_file_is_one_rebuild() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();

    let edited = site
        .read(QUESTION_FILE)
        .replace("It does not say who", "It (marker TMP) does not say who");
    let temporary = site.path("content/questions/sedX4b9Qz");
    let mut file = std::fs::File::create(&temporary).unwrap();
    let (first, rest) = edited.split_at(edited.len() / 2);
    file.write_all(first.as_bytes()).unwrap();
    file.write_all(rest.as_bytes()).unwrap();
    drop(file);
    std::fs::rename(&temporary, site.path(QUESTION_FILE)).unwrap();

    events.wait_for("reload", CHANGE_DEADLINE);
    assert!(server.get(QUESTION_URL).body.contains("marker TMP"));
    eventually(CHANGE_DEADLINE, "the rebuild printed", || {
        server.log().contains("Rebuilt in")
    });
    // Give a second rebuild, if there were one, time to show up.
    std::thread::sleep(Duration::from_millis(500));
    let log = server.log();
    assert_eq!(log.matches("Rebuilt in").count(), 1, "{log}");
    assert!(!log.contains("ignored-file"), "{log}");
}

#[test]
fn a_panic_in_a_rebuild_is_reported_and_the_preview_keeps_watching() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();
    let good = site.read(QUESTION_FILE);
    let with_bug = good.replacen("One excerpt says", &format!("{PANIC_MARKER} says"), 1);
    assert_ne!(with_bug, good);

    // Twice: the preview must survive one panic, and then another.
    let mut last_good = "One excerpt says".to_string();
    for round in ["first", "second"] {
        site.write(QUESTION_FILE, &with_bug);
        let data = events.wait_for("diagnostics", CHANGE_DEADLINE);
        assert!(
            data.contains("internal-error"),
            "{round}: the overlay hears of it: {data}"
        );
        let errors = server.errors_in(QUESTION_FILE);
        assert_eq!(errors.len(), 1, "{round}: {errors:?}\n{}", server.log());
        assert_eq!(errors[0]["code"], "internal-error");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .contains(PANIC_MARKER),
            "{round}: the message says what failed: {errors:?}"
        );
        assert!(
            errors[0]["help"].as_str().unwrap().contains("report it"),
            "{round}: the help says what to do: {errors:?}"
        );
        eventually(CHANGE_DEADLINE, "the terminal reporting it", || {
            server.log().contains("error[internal-error]")
        });
        // The last good site is still served.
        let page = server.get(QUESTION_URL);
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&last_good),
            "{round}: the last good page"
        );

        // The next edit is built, and lands.
        let marker = format!("marker {round} RCV");
        let fixed = good.replacen(
            "One excerpt says",
            &format!("One excerpt ({marker}) says"),
            1,
        );
        site.write(QUESTION_FILE, &fixed);
        events.wait_for("reload", CHANGE_DEADLINE);
        assert!(server.get(QUESTION_URL).body.contains(&marker), "{round}");
        assert!(server.errors_in(QUESTION_FILE).is_empty(), "{round}");
        last_good = marker;
    }
    assert!(
        server.log().contains("please report it"),
        "{}",
        server.log()
    );
}

#[test]
fn long_paths_get_the_404_page_and_over_long_uris_414() {
    let site = Site::new();
    let server = Server::start(&site);
    let long = "a".repeat(300);
    let many_segments = format!("/{}", vec!["b".repeat(200); 30].join("/"));
    for path in [
        format!("/{long}"),
        format!("/{long}/"),
        format!("/questions/{long}/index.html"),
        format!("/{}", "%61".repeat(300)),
        // Longer in all than a path may be (4096 bytes on Linux).
        many_segments,
        // Through a file, as if it were a folder.
        "/index.html/x".to_string(),
        "/404.html/".to_string(),
    ] {
        let response = server.get(&path);
        assert_eq!(response.status, 404, "{}…", &path[..40.min(path.len())]);
        assert!(
            response.body.contains("Page not found"),
            "the site's 404 page"
        );
    }
    for length in [20_000, 100_000] {
        let path = format!("/{}", "c".repeat(length));
        let response = server.get(&path);
        assert_eq!(response.status, 414, "a URI of {length} bytes");
    }
    assert_eq!(server.get("/").status, 200, "still serving");
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

/// Whether the server closes `stream` while the client goes on with
/// `trickle` (one byte a second, looping), within `deadline`. Any answer
/// the server sends before closing is returned.
fn closed_while_trickling(
    mut stream: TcpStream,
    trickle: &[u8],
    deadline: Duration,
) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_millis(1000)))
        .unwrap();
    let started = Instant::now();
    let mut received = Vec::new();
    let mut next = trickle.iter().cycle();
    while started.elapsed() < deadline {
        if !trickle.is_empty() && stream.write_all(&[*next.next().unwrap()]).is_err() {
            return Some(String::from_utf8_lossy(&received).into_owned());
        }
        let mut buffer = [0; 4096];
        match stream.read(&mut buffer) {
            Ok(0) => return Some(String::from_utf8_lossy(&received).into_owned()),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            // Reset by the server: closed too.
            Err(_) => return Some(String::from_utf8_lossy(&received).into_owned()),
        }
    }
    None
}

#[test]
fn slow_and_idle_connections_are_cut_off() {
    let site = Site::new();
    let server = Server::start(&site);
    let address = server.address;
    // Far longer than the server allows, far shorter than forever.
    let deadline = Duration::from_secs(40);
    let connect = move || TcpStream::connect(address).unwrap();

    let slowloris = std::thread::spawn(move || {
        let mut stream = connect();
        stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        closed_while_trickling(stream, b"X-Slow: 1234567890abcdef\r\n", deadline)
    });
    let silent = std::thread::spawn(move || closed_while_trickling(connect(), b"", deadline));
    let idle_after_a_request = std::thread::spawn(move || {
        let mut stream = connect();
        write!(
            stream,
            "GET /robots.txt HTTP/1.1\r\nHost: {address}\r\n\r\n"
        )
        .unwrap();
        closed_while_trickling(stream, b"", deadline)
    });
    let slow_body = std::thread::spawn(move || {
        let mut stream = connect();
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Length: 100000\r\n\r\n"
        )
        .unwrap();
        closed_while_trickling(stream, b"x", deadline)
    });

    let answer = slowloris.join().unwrap();
    assert!(
        answer.is_some(),
        "a client sending its headers a byte a second is cut off"
    );
    assert!(!answer.unwrap().starts_with("HTTP/1.1 200"));
    assert!(
        silent.join().unwrap().is_some(),
        "a connection that sends nothing is closed"
    );
    let answer = idle_after_a_request.join().unwrap();
    let answer = answer.expect("an idle kept-alive connection is closed");
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "after its answer: {answer}"
    );
    assert!(
        slow_body.join().unwrap().is_some(),
        "a client sending its body a byte a second is cut off"
    );
    assert_eq!(server.get("/").status, 200, "still serving");
}

/// A request for `path` naming `host` in its `Host` header (none if `None`).
fn with_host(address: SocketAddr, path: &str, host: Option<&str>) -> Response {
    let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
    request(
        address,
        &format!("GET {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
    )
}

#[test]
fn only_loopback_names_and_the_served_address_are_answered() {
    let site = Site::new();
    let server = Server::start(&site);
    let address = server.address;
    let port = address.port();
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        "LocalHost".to_string(),
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_string(),
        format!("[::1]:{port}"),
        "[::1]".to_string(),
        // Another port: the preview may be reached through a forwarded one.
        "localhost:8080".to_string(),
    ] {
        let response = with_host(address, "/", Some(&host));
        assert_eq!(response.status, 200, "Host: {host}");
    }
    for host in [
        Some("evil.example".to_string()),
        Some(format!("evil.example:{port}")),
        Some("localhost.evil.example".to_string()),
        Some("127.0.0.1.evil.example".to_string()),
        Some("localhost.".to_string()),
        Some("10.1.2.3".to_string()),
        Some(String::new()),
        None,
    ] {
        for path in [
            "/",
            QUESTION_URL,
            "/__cited/diagnostics",
            "/__cited/live.js",
            "/__cited/events",
        ] {
            let response = with_host(address, path, host.as_deref());
            assert!(
                response.status == 421,
                "Host: {host:?} {path}: status {}",
                response.status
            );
            assert!(response.header("content-type").starts_with("text/plain"));
            assert!(
                response.body.contains("localhost"),
                "says what works: {}",
                response.body
            );
            assert!(!response.body.contains("derma"), "nothing of the site");
        }
    }
    // A request naming another host in its target, whatever its Host header.
    let response = request(
        address,
        &format!(
            "GET http://evil.example/ HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(response.status, 421);
}

/// The machine's address on its network, if it has one (the one it would
/// use to reach the outside: nothing is sent).
fn network_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn served_on_every_interface_it_answers_the_machines_own_address() {
    let site = Site::new();
    let server = Server::start_with(&site, &["--interface", "0.0.0.0"]);
    let port = server.address.port();
    let loopback = SocketAddr::from(([127, 0, 0, 1], port));
    assert_eq!(
        with_host(loopback, "/", Some(&format!("localhost:{port}"))).status,
        200
    );
    assert_eq!(with_host(loopback, "/", Some("evil.example")).status, 421);
    let Some(ip) = network_address() else {
        eprintln!("this machine has no network address: only loopback was tried");
        return;
    };
    // As a phone on the same network reaches it.
    let lan = SocketAddr::new(ip, port);
    assert_eq!(
        with_host(lan, "/", Some(&lan.to_string())).status,
        200,
        "Host: {lan}"
    );
    assert_eq!(
        with_host(lan, "/", Some(&ip.to_string())).status,
        200,
        "Host: {ip}"
    );
    assert_eq!(with_host(lan, "/", Some("evil.example")).status, 421);
    // The address of the interface a request arrives on, not any address.
    assert_eq!(with_host(loopback, "/", Some(&lan.to_string())).status, 421);
}

#[test]
fn the_reload_channel_outlives_the_timeout_for_idle_connections() {
    let site = Site::new();
    let server = Server::start(&site);
    let mut events = server.events();
    // Longer than a connection may stay idle between requests: an open
    // reload channel is not idle, it is answering.
    std::thread::sleep(Duration::from_secs(8));
    replace_summary(&site, "Home rollers can hurt your skin, says marker LNG.");
    events.wait_for("reload", CHANGE_DEADLINE);
    assert!(server.get(QUESTION_URL).body.contains("marker LNG"));
}

/// Every file under `folder`, relative paths with their bytes.
fn files_under(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap().display().to_string();
                found.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    found
}

/// The quote picker's text: the preview serves each source's archive text,
/// exactly as quotes are matched against it (not the file as saved: here a
/// web page's main text), from a path of its own; the source page carries
/// the hook the picker finds; nothing else under `/__cited/` comes from the
/// built folder; and a published build holds none of it.
#[test]
fn the_preview_serves_archive_texts_for_the_quote_picker_and_a_build_holds_none() {
    let site = Site::new();
    let page =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/health-page.html");
    std::fs::copy(&page, site.path("content/sources/health-page.html")).unwrap();
    site.write(
        "content/sources/burns-page.yaml",
        "title: A health page about burns\narchive: health-page.html\n",
    );
    let server = Server::start(&site);
    let mut events = server.events();

    for id in ["web-excerpts", "burns-page"] {
        let Ok(expected) = cited::sources::text(site.root.path(), id) else {
            panic!("{id} has an archive text");
        };
        let served = server.get(&format!("/__cited/sources/{id}.txt"));
        assert_eq!(served.status, 200, "{id}: {}", server.log());
        assert_eq!(served.header("content-type"), "text/plain; charset=utf-8");
        assert_eq!(served.header("x-content-type-options"), "nosniff");
        assert_eq!(served.body, expected, "{id}: the exact archive text");

        let source_page = server.get(&format!("/sources/{id}/"));
        let html = scraper::Html::parse_document(&source_page.body);
        let hook = scraper::Selector::parse("[data-cited-source]").unwrap();
        let hooks: Vec<_> = html
            .select(&hook)
            .map(|e| e.value().attr("data-cited-source").unwrap().to_string())
            .collect();
        assert_eq!(hooks, [id], "the picker's hook on {id}'s page");
    }
    let raw_html = std::fs::read_to_string(site.path("content/sources/health-page.html")).unwrap();
    assert_ne!(
        server.get("/__cited/sources/burns-page.txt").body,
        raw_html,
        "the text, not the saved page"
    );

    let script = server.get("/__cited/picker.js");
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").starts_with("text/javascript"));
    let style = server.get("/__cited/picker.css");
    assert_eq!(style.status, 200);
    assert!(style.header("content-type").starts_with("text/css"));

    // Only the preview's own routes answer under /__cited/: a file put
    // there in the built folder is not served, and names that are not a
    // source's are not found.
    let served = site.served_folder();
    std::fs::write(served.join("__cited/planted.txt"), "PLANTED").unwrap();
    std::fs::write(served.join("__cited/sources/planted.txt"), "PLANTED").unwrap();
    std::fs::write(served.join("planted.txt"), "PLANTED").unwrap();
    assert_eq!(server.get("/planted.txt").body, "PLANTED", "a site file");
    for path in [
        "/__cited/planted.txt",
        "/__cited/sources/",
        "/__cited/sources/no-such-source.txt",
        "/__cited/sources/WEB-EXCERPTS.txt",
        "/__cited/sources/web-excerpts",
        "/__cited/sources/web-excerpts.txt/",
        "/__cited/sources/..%2Fplanted.txt",
        "/__cited/sources/%2e%2e/planted.txt",
        "/__cited/sources/web-excerpts.yaml",
        "/__cited/",
        "/__cited",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert!(!response.body.contains("PLANTED"), "{path}");
    }

    // An edit of the archive is served once built.
    let archive = site.read("content/sources/web-excerpts.txt");
    site.write(
        "content/sources/web-excerpts.txt",
        &format!("{archive}\nA new paragraph that says marker PICKER-QX plainly.\n"),
    );
    events.wait_for("reload", CHANGE_DEADLINE);
    eventually(CHANGE_DEADLINE, "the edited archive text", || {
        server
            .get("/__cited/sources/web-excerpts.txt")
            .body
            .contains("marker PICKER-QX")
    });
    // An edit of a question rebuilds only the pages it shows on, in place:
    // the archive texts stay, and stay current.
    replace_summary(
        &site,
        "Home rollers can hurt your skin, says marker PICKER-QY.",
    );
    events.wait_for("reload", CHANGE_DEADLINE);
    assert!(server.get(QUESTION_URL).body.contains("marker PICKER-QY"));
    let after_scoped = server.get("/__cited/sources/web-excerpts.txt");
    assert_eq!(after_scoped.status, 200);
    assert!(after_scoped.body.contains("marker PICKER-QX"));

    // The published build: no preview file, hook, script or mention.
    let out = tempfile::tempdir().unwrap();
    let built = Command::new(env!("CARGO_BIN_EXE_cited"))
        .args(["build", "--root"])
        .arg(site.root.path())
        .arg("--out")
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let published = files_under(&out.path().join("site"));
    assert!(
        published
            .iter()
            .any(|(path, _)| path == "sources/burns-page/index.html")
    );
    for (path, bytes) in &published {
        assert!(!path.contains("__cited"), "{path}");
        let text = String::from_utf8_lossy(bytes);
        // The new paragraph is quoted nowhere: only the picker showed it.
        for trace in [
            "__cited",
            "data-cited-source",
            "cited-picker",
            "marker PICKER-QX",
        ] {
            assert!(!text.contains(trace), "{path} holds {trace}");
        }
    }
}
