//! Runs builds for the preview, one at a time, and publishes each outcome:
//! to the terminal, and as a [`LiveState`] that the reload channel turns
//! into events for the open pages.

use std::io::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jiff::civil::Date;
use notify_debouncer_full::DebounceEventResult;
use tokio::sync::watch;

use super::LIVE_SCRIPT_URL;
use crate::render::RenderOptions;
use crate::{BuildOptions, Report, SourceFiles};

/// How long the builder waits after a batch of changes for more before it
/// builds: the steps of one save (a temporary file written, then renamed
/// over the real one) come within it, so they make one rebuild that never
/// sees the temporary file. Short, since it counts in the time from a save
/// to the page.
const QUIET: Duration = Duration::from_millis(15);

/// The longest the builder keeps waiting for changes to pause, so that a
/// file written without end (a log kept in `content/`) does not hold builds
/// back for ever.
const MOST_WAITED: Duration = Duration::from_millis(250);

/// What the builder thread is told.
pub enum Message {
    /// Files changed (as the debounced watcher saw them).
    Changed(DebounceEventResult),
    /// The preview is stopping.
    Stop,
}

/// What the open pages need to know, as of the latest build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveState {
    /// Names this server run, so a page that reconnects after a restart
    /// knows it may be out of date.
    pub session: Arc<str>,
    /// Successful builds so far: a page reloads when it goes up.
    pub builds: u64,
    /// The current problems, errors and warnings, as a compact JSON array in
    /// the format of `cited check --format json`.
    pub diagnostics: Arc<str>,
}

impl Default for LiveState {
    fn default() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        LiveState {
            session: format!("{:x}", nanos ^ u128::from(std::process::id())).into(),
            builds: 0,
            diagnostics: "[]".into(),
        }
    }
}

impl LiveState {
    /// Whether any build has succeeded, i.e. there is a site to serve.
    pub fn has_site(&self) -> bool {
        self.builds > 0
    }

    /// Identifies the site being served, e.g. `18c3f-4`.
    pub fn build_id(&self) -> String {
        format!("{}-{}", self.session, self.builds)
    }
}

/// Builds one site into one output folder, for the preview.
pub struct Builder {
    root: PathBuf,
    out: PathBuf,
    today: Date,
    /// The content files as the latest build read them, to skip rebuilds
    /// that could not change anything.
    last_read: SourceFiles,
    /// Files changed since the latest build's load that no build has
    /// looked at since (saved without a change to their text): the next
    /// build is told of them too.
    unseen: Vec<PathBuf>,
    /// Keeps parsed files and the last build's content, so an edit to one
    /// answer re-renders only the pages it can affect.
    session: crate::Session,
}

impl Builder {
    pub fn new(root: PathBuf, out: PathBuf, today: Date) -> Self {
        Builder {
            root,
            out,
            today,
            last_read: SourceFiles::default(),
            unseen: Vec::new(),
            session: crate::Session::default(),
        }
    }

    /// The builder thread: waits for changes, folds together those that
    /// come until they pause for [`QUIET`] (the steps of one save) and those
    /// that arrived during the last build, and rebuilds, until told to stop.
    /// A build that read a file half-written is followed by another: the
    /// rest of the write is a change to text the build did not read.
    ///
    /// `relevant_changes` turns the watcher's events into the changed files
    /// a build reads (the preview wires it to the watcher).
    pub fn run(
        mut self,
        inbox: Receiver<Message>,
        mut relevant_changes: impl FnMut(DebounceEventResult) -> Vec<PathBuf>,
        state: watch::Sender<LiveState>,
    ) {
        while let Ok(first) = inbox.recv() {
            let mut changed = Vec::new();
            let started = Instant::now();
            let mut next = Some(first);
            // Until the changes pause (or have gone on too long): what
            // arrived meanwhile is folded into this build too, since a build
            // on a big site takes longer than an editor takes to save twice.
            while let Some(message) = next.take() {
                match message {
                    Message::Stop => return,
                    Message::Changed(events) => changed.extend(relevant_changes(events)),
                }
                next = match inbox.try_recv() {
                    Ok(message) => Some(message),
                    Err(_) if started.elapsed() >= MOST_WAITED => None,
                    Err(_) => match inbox.recv_timeout(QUIET) {
                        Ok(message) => Some(message),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return,
                    },
                };
            }
            changed.sort();
            changed.dedup();
            if changed.is_empty() {
                continue;
            }
            if self.unchanged_since_last_build(&changed) {
                self.unseen.extend(changed);
            } else {
                self.build_and_publish(&state, &changed);
            }
        }
    }

    /// Builds once, prints the outcome, and updates the state the pages
    /// follow. `changed` names the files that caused it (empty at start).
    ///
    /// Never panics: the preview must go on watching whatever happens. The
    /// build reports its own panics as internal errors; one anywhere else
    /// (printing or publishing the outcome) is reported the same way, and
    /// the next build starts from a fresh session.
    pub fn build_and_publish(&mut self, state: &watch::Sender<LiveState>, changed: &[PathBuf]) {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let missed = self.build_once(state, changed, Trust::Watcher);
            if missed {
                // A change the watcher did not report (or one made while
                // the build ran): build again, looking at every file.
                self.build_once(state, changed, Trust::Nothing);
            }
        }));
        if let Err(payload) = outcome {
            self.session = crate::Session::default();
            self.last_read = SourceFiles::default();
            self.unseen.clear();
            let relative: Vec<PathBuf> = changed
                .iter()
                .map(|p| p.strip_prefix(&self.root).unwrap_or(p).to_path_buf())
                .collect();
            let report =
                crate::session::internal_error(payload.as_ref(), &relative, Instant::now());
            publish(state, &report);
            for problem in report.diagnostics.iter() {
                eprintln!("error[{}]: {}", problem.code, problem.message);
            }
            let serving = if state.borrow().has_site() {
                "Still serving the last good site."
            } else {
                "Pages show the problem until a build succeeds."
            };
            eprintln!("This is a bug in cited: please report it. {serving}");
        }
    }

    /// One build. With [`Trust::Watcher`] and `changed` files, the build
    /// looks only at those (and at the files saved unchanged since the
    /// last), then checks every file once the pages are served: returns
    /// whether it found a change the build did not see.
    fn build_once(
        &mut self,
        state: &watch::Sender<LiveState>,
        changed: &[PathBuf],
        trust: Trust,
    ) -> bool {
        let told = trust == Trust::Watcher && !changed.is_empty();
        let mut expected = std::mem::take(&mut self.unseen);
        if told {
            expected.extend_from_slice(changed);
            self.session.expect_changes(expected);
        }
        let report = self.session.build(&BuildOptions {
            root: self.root.clone(),
            out: self.out.clone(),
            force: false,
            today: self.today,
            render: RenderOptions {
                live_reload: Some(LIVE_SCRIPT_URL.into()),
            },
        });
        let had_site = state.borrow().has_site();
        publish(state, &report);
        // After publishing: the pages need not wait for the terminal.
        self.print_outcome(&report, changed, had_site);
        self.last_read = report.files;
        told && !self.session.is_as_loaded(&self.root)
    }

    /// Whether every changed path is a content file whose text is exactly
    /// what the latest build read, as after a save without edits, a
    /// `touch`, or a change of permissions. The build depends only on the
    /// files' text (and `today`, which is fixed), so it would come out the
    /// same. Templates are not remembered, so a change there always counts.
    fn unchanged_since_last_build(&self, changed: &[PathBuf]) -> bool {
        changed.iter().all(|path| {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                return false;
            };
            let Some(last) = self.last_read.get(relative) else {
                return false;
            };
            std::fs::read(path).is_ok_and(|now| now == last.as_bytes())
        })
    }

    fn print_outcome(&self, report: &Report, changed: &[PathBuf], had_site: bool) {
        let mut stderr = anstream::stderr();
        if !report.diagnostics.is_empty() {
            let text = report.diagnostics.render(&report.files, true);
            let _ = stderr.write_all(text.as_bytes());
        }
        let summary = report.diagnostics.summary();
        let took = report.elapsed.as_millis();
        let line = match (report.has_errors(), changed.is_empty(), had_site) {
            (false, true, _) => format!("Built {} pages in {took} ms · {summary}", report.pages),
            (false, false, _) => format!(
                "Rebuilt in {took} ms after a change to {} · {summary}",
                self.describe(changed)
            ),
            (true, _, true) => {
                format!("Build failed: {summary}. Still serving the last good site.")
            }
            (true, _, false) => {
                format!("Build failed: {summary}. Pages show the problems until they are fixed.")
            }
        };
        let _ = writeln!(stderr, "{line}");
    }

    /// The changed files, relative to the site, e.g. `content/questions/cost.yaml`.
    fn describe(&self, changed: &[PathBuf]) -> String {
        use crate::diagnostics::{Lines, display_path, escape_for_terminal};
        let relative = |p: &PathBuf| {
            let path = display_path(p.strip_prefix(&self.root).unwrap_or(p));
            escape_for_terminal(&path, Lines::One).into_owned()
        };
        match changed {
            [one] => relative(one),
            [first, rest @ ..] => format!("{} and {} more", relative(first), rest.len()),
            [] => "nothing".into(),
        }
    }
}

/// Whether a build takes the watcher's word for which files changed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trust {
    Watcher,
    /// Every file is looked at (its stamp, and its text if that changed).
    Nothing,
}

/// Tells the open pages: new diagnostics if they changed, a reload if
/// the build succeeded.
fn publish(state: &watch::Sender<LiveState>, report: &Report) {
    let diagnostics = compact_json(report);
    let succeeded = !report.has_errors();
    state.send_if_modified(|live| {
        let diagnostics_changed = *live.diagnostics != *diagnostics;
        if diagnostics_changed {
            live.diagnostics = diagnostics.into();
        }
        if succeeded {
            live.builds += 1;
        }
        succeeded || diagnostics_changed
    });
}

/// The diagnostics as one line of JSON, so one server-sent event carries
/// them; the same shape as `cited check --format json`.
fn compact_json(report: &Report) -> String {
    serde_json::from_str::<serde_json::Value>(&report.diagnostics.to_json())
        .map(|value| value.to_string())
        .unwrap_or_else(|_| "[]".into())
}
