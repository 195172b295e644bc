//! The incremental session behind `cited serve`: successive builds of one
//! site into one output, each redoing only what the edit since the last one
//! can affect.
//!
//! The build itself is the pipeline in `lib.rs`; a session only keeps what
//! the last build learned (parsed files, whose entities the content borrows
//! and gives back, the questions an edit replaced, the output) and works
//! out the [`render::Scope`] of a change (and lends the check stage its
//! [`check::Cache`]). It must not check or render anything itself, and whatever it skips must leave the output exactly as
//! a fresh build would (`tests/session.rs` compares them byte for byte
//! after random sequences of edits of every kind).

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::{
    BuildOptions, Code, Diagnostic, Diagnostics, check, link, load, markdown, model, render,
    search, write,
};

/// Successive builds of one site into one output, as `cited serve` makes
/// them. A session keeps what the last build learned, so that after a small
/// edit the next build redoes only what the edit can affect:
///
/// - files whose text did not change are not parsed again;
/// - when the only change is inside questions and leaves their place in the
///   link graph as it was (topic, order, tags, related, cautions, links),
///   only those questions' pages, the pages of the sources they quote (every
///   part of each), and the site-wide files (search index, sitemap, feed)
///   are rendered again, and written in place; plus, when a title or
///   summary changed, every page that shows it (see
///   [`Session::scope_of_change`]). A passage's part and anchor depend only
///   on its archive, so other questions' links to passages stay as they
///   were; but if a source's set of parts changes (a part quoted for the
///   first time, or no longer), everything is rebuilt, so that no page of
///   a part left unquoted stays behind.
///
/// Any other change (a topic, tags, links, a new, deleted or renamed file, a
/// template, the site settings, any file but a question) rebuilds
/// everything. Checks run on the whole site, but a question's findings and
/// each quote's verdict are reused from the last check while nothing they
/// were worked out from changed (see [`check::Cache`]).
#[derive(Default)]
pub struct Session {
    cache: load::ParseCache,
    /// Questions as the last good build had them, for each one of its
    /// questions parsed again since (see [`load::Loaded::replaced_questions`]):
    /// what an edit is compared with to work out its scope.
    as_built: std::collections::HashMap<String, model::Question>,
    /// What the last check found, reused where an edit cannot change it.
    check_cache: check::Cache,
    /// What the last render made, reused where an edit cannot change it.
    render_cache: render::Cache,
    /// What the last link stage worked out, reused where an edit cannot change it.
    link_cache: link::Cache,
    /// Content files changed since the last good build (see [`Session::load`]).
    changed_since_last_build: Vec<PathBuf>,
    previous: Option<PreviousBuild>,
    /// The parts of each source's page in the build under way, kept for the
    /// next build to compare with once this one succeeds.
    building_parts: SourceParts,
    /// Writes the search index of the latest scoped build in the
    /// background; the next build does not wait for it (see
    /// [`IndexWriter`]).
    search_writer: IndexWriter,
    /// Whether there will be no next build (`cited build`): then nothing
    /// is kept for one (see [`Session::one_off`]).
    one_off: bool,
}

impl Drop for Session {
    /// The output's owner may delete it next (`cited serve` on Ctrl-C):
    /// finish writing into it first.
    fn drop(&mut self) {
        self.wait_for_search_index();
    }
}

/// What a successful build leaves for the next one to compare against.
struct PreviousBuild {
    out: PathBuf,
    today: Date,
    live_reload: Option<String>,
    theme_fingerprint: u64,
    source_parts: SourceParts,
}

/// The parts of each quoted source's page, by source id.
type SourceParts = std::collections::HashMap<String, Vec<usize>>;

impl Session {
    /// A session for a single build, as `cited build` makes: it keeps no
    /// parsed files for a next build (a copy of every file's parse, the
    /// whole content model, for nothing).
    pub(crate) fn one_off() -> Session {
        let mut session = Session::default();
        session.one_off = true;
        session
    }

    /// Whether this session is a single build (`cited build`), which keeps
    /// nothing for a next one.
    pub(crate) fn is_one_off(&self) -> bool {
        self.one_off
    }

    /// Builds the site, reusing what the previous build of this session can
    /// lend (see [`Session`]).
    ///
    /// A panic in the build (a bug in `cited`) does not unwind into the
    /// caller: it is reported as an [`Code::InternalError`], and the session
    /// starts again from nothing, since the panic may have left what it
    /// keeps half-updated. (A panic before the write stage leaves the output
    /// as it was; after one anywhere, the fresh session's next build replaces
    /// the whole output.)
    pub fn build(&mut self, options: &BuildOptions) -> crate::Report {
        if self.search_writer.take_failure() {
            // It panicked, maybe halfway through writing the index: the
            // output is no longer what the previous build made, so this
            // build must make all of it.
            self.previous = None;
        }
        let started = std::time::Instant::now();
        match panic::catch_unwind(AssertUnwindSafe(|| crate::run_build(self, options))) {
            Ok(report) => report,
            Err(payload) => {
                // After a good build, the files changed since are the likely
                // trigger; on a first build every file is "changed".
                let changed = match self.previous {
                    Some(_) => std::mem::take(&mut self.changed_since_last_build),
                    None => Vec::new(),
                };
                *self = Session::default();
                internal_error(payload.as_ref(), &changed, started)
            }
        }
    }

    /// The load stage, with the parse cache. The files it reports as
    /// changed are those changed since the last *good* build, not since the
    /// last load: a failed build writes nothing, so what changed while the
    /// site did not build (a fix, and any edits made meanwhile to other
    /// files) is all still to be done by the next good one.
    pub(crate) fn load(&mut self, root: &Path, diagnostics: &mut Diagnostics) -> load::Loaded {
        let mut loaded = if self.one_off {
            load::load(root, diagnostics)
        } else {
            load::load_cached(root, &mut self.cache, diagnostics)
        };
        for question in loaded.replaced_questions.drain(..) {
            // The version replaced is the last good build's only if the
            // file had not changed since (it may not even have been in it:
            // added while the site did not build).
            let unchanged_since = (self.changed_since_last_build)
                .binary_search(&question.origin.file)
                .is_err();
            if unchanged_since {
                self.as_built.insert(question.origin.id.clone(), question);
            }
        }
        self.changed_since_last_build.append(&mut loaded.changed);
        self.changed_since_last_build.sort();
        self.changed_since_last_build.dedup();
        loaded.changed = self.changed_since_last_build.clone();
        panic_if_asked(&loaded);
        loaded
    }

    /// The check stage's cache, for builds that have a next one.
    pub(crate) fn check_cache(&mut self) -> Option<&mut check::Cache> {
        (!self.one_off).then_some(&mut self.check_cache)
    }

    /// The render stage's cache, for builds that have a next one.
    pub(crate) fn render_cache(&mut self) -> Option<&mut render::Cache> {
        (!self.one_off).then_some(&mut self.render_cache)
    }

    /// The link stage's cache, or `None` in a one-off build (which keeps nothing).
    pub(crate) fn link_cache(&mut self) -> Option<&mut link::Cache> {
        (!self.one_off).then_some(&mut self.link_cache)
    }

    /// Keeps what a successful build produced, for the next one to compare against.
    pub(crate) fn remember(
        &mut self,
        options: &BuildOptions,
        theme_fingerprint: u64,
        deferred_search: Option<Vec<std::sync::Arc<search::SearchDocument>>>,
    ) {
        if let Some(documents) = deferred_search {
            self.search_writer.submit(options.out.clone(), documents);
        }
        self.changed_since_last_build.clear();
        self.as_built.clear();
        self.previous = Some(PreviousBuild {
            out: options.out.clone(),
            today: options.today,
            live_reload: options.render.live_reload.clone(),
            theme_fingerprint,
            source_parts: std::mem::take(&mut self.building_parts),
        });
    }

    /// Takes back the content a build (good or not) is done with: its
    /// entities go back to the parse cache, for the next load to hand out
    /// again without parsing their files. A one-off build just drops it.
    pub(crate) fn give_back(&mut self, content: model::Content) {
        if !self.one_off {
            self.cache.give_back(content);
        }
    }

    /// Tells the next build that the files at `changed` (paths under the
    /// site's root, as a file watcher reports them) are the only ones
    /// changed since the last build's load: it then looks at those alone
    /// rather than at every file (see [`load::ParseCache::expect_changes`]).
    /// Call [`Session::is_as_loaded`] after that build: a watcher can miss
    /// an event.
    pub fn expect_changes(&mut self, changed: Vec<PathBuf>) {
        if !self.one_off {
            self.cache.expect_changes(changed);
        }
    }

    /// Whether the site's content is still as the last build's load found
    /// it (every file listed and stamped again): if not, a change was
    /// missed (or made since), and the next build must look at every file.
    pub fn is_as_loaded(&self, root: &Path) -> bool {
        self.cache.is_as_loaded(root)
    }

    /// Waits until the search index of the last build is written.
    pub fn wait_for_search_index(&mut self) {
        self.search_writer.wait();
        if self.search_writer.take_failure() {
            self.previous = None; // See [`Session::build`].
        }
    }

    /// The pages an edit can affect, when the edit is confined to questions
    /// (see [`Session`]); `None` means build everything. A build of
    /// everything replaces the whole output, so it first waits for the
    /// index of the last build to be written: that must not land in the
    /// new output.
    pub(crate) fn scope_of_change(
        &mut self,
        loaded: &load::Loaded,
        graph: &link::Graph,
        options: &BuildOptions,
        theme_fingerprint: u64,
    ) -> Option<render::Scope> {
        let scope = self.scope_of_change_inner(loaded, graph, options, theme_fingerprint);
        if scope.is_none() {
            self.wait_for_search_index();
        }
        scope
    }

    fn scope_of_change_inner(
        &mut self,
        loaded: &load::Loaded,
        graph: &link::Graph,
        options: &BuildOptions,
        theme_fingerprint: u64,
    ) -> Option<render::Scope> {
        self.building_parts = graph
            .passages
            .iter()
            .map(|(id, p)| (id.to_string(), p.parts.clone()))
            .collect();
        let previous = self.previous.as_ref()?;
        if previous.source_parts != self.building_parts {
            return None; // A part's page appears or goes.
        }
        let same_build = previous.out == options.out
            && previous.today == options.today
            && previous.live_reload == options.render.live_reload
            && previous.theme_fingerprint == theme_fingerprint
            && options.out.is_dir();
        if !same_build || loaded.changed.is_empty() {
            return None;
        }
        let mut scope = render::Scope::default();
        for path in &loaded.changed {
            if path.parent() != Some(Path::new("content/questions")) {
                return None;
            }
            let id = path.file_stem()?.to_str()?;
            // Not parsed before (a new file), or not as the last good build had it.
            let old = self.as_built.get(id)?;
            let new = (loaded.content.questions.iter()).find(|q| q.origin.id == id)?;
            if linked_to(old) != linked_to(new) {
                return None; // It moved in the graph: other pages' lists change.
            }
            scope.entities.insert(id.to_string());
            // Its reviewers' pages list it with its title and review date,
            // and the get-help page shows its care cards under its title.
            for q in [old, new] {
                let reviewers = (q.reviewed.by.entries.iter())
                    .chain(q.reviewed.clinical.iter().flat_map(|c| &c.by.entries));
                scope.entities.extend(reviewers.map(|r| r.value.clone()));
                if !q.get_help.is_empty() {
                    scope.get_help = true;
                }
            }
            let cited = |q: &model::Question| -> Vec<String> {
                link::question_quotes(q)
                    .map(|x| x.source.value.clone())
                    .collect()
            };
            if quotes_of(old) != quotes_of(new) {
                scope.entities.extend(cited(old));
                scope.entities.extend(cited(new));
            }
            if (&old.question, &old.summary.value) != (&new.question, &new.summary.value) {
                // Every page that shows its title or summary.
                scope.entities.insert(new.topic.value.clone());
                render::add_pages_showing_place(graph, old, new, &mut scope);
                if old.question != new.question {
                    // The sources it quotes list it by its title (not its summary).
                    scope.entities.extend(cited(new));
                }
                scope.tags.extend(new.tags.iter().map(|t| t.value.clone()));
                scope
                    .entities
                    .extend(new.cautions.iter().map(|c| c.value.clone()));
                let related = graph.related.get(id).into_iter().flatten();
                scope.entities.extend(related.map(|q| q.origin.id.clone()));
                // Text that links to it shows its title, wherever that text is shown.
                for from in graph.backlinks.get(id).into_iter().flatten() {
                    add_pages_showing_markdown_of(from, graph, &mut scope);
                }
                // Pages it links to list it under "Pages that link here".
                for target in markdown::internal_links(&new.answer) {
                    match graph.entities.get(target.id.as_str()).map(|e| e.kind) {
                        Some(model::Kind::Glossary) => scope.glossary = true,
                        _ => {
                            scope.entities.insert(target.id);
                        }
                    }
                }
                if loaded.content.site.as_ref().is_some_and(|s| {
                    markdown::internal_links(&s.disclaimer)
                        .iter()
                        .any(|l| l.id == id)
                }) {
                    return None; // Shown in every page's footer.
                }
            }
        }
        Some(scope)
    }
}

/// The report of a build that panicked: one [`Code::InternalError`], on the
/// first of the files `changed` since the last good build (most likely what
/// set the bug off, and what the person reporting it needs to mention), or
/// on `content` when there is none.
pub(crate) fn internal_error(
    payload: &(dyn std::any::Any + Send),
    changed: &[PathBuf],
    started: std::time::Instant,
) -> crate::Report {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    let file = changed.first().cloned().unwrap_or_else(|| "content".into());
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(
        Diagnostic::error(Code::InternalError, file, None)
            .message(format!("cited failed while building the site: {what}"))
            .help(
                "this is a bug in cited, not a mistake in your content: please report it, \
                 with this message and the change you made last. The next build starts afresh",
            ),
    );
    crate::Report {
        diagnostics,
        elapsed: started.elapsed(),
        ..crate::Report::default()
    }
}

/// The environment variable that makes `cited` panic while building content
/// that holds its value, so that tests can check that a bug is survived
/// (reported as an internal error; `cited serve` keeps going). It is read in
/// release builds too, because the test suite runs against the release
/// binary (`cargo test --release`); it is unset in any real use, and a
/// panic it causes is reported like any other bug, never a crash.
const PANIC_FOR_TESTS: &str = "CITED_DEBUG_PANIC_ON";

fn panic_if_asked(loaded: &load::Loaded) {
    let Some(marker) = std::env::var_os(PANIC_FOR_TESTS) else {
        return;
    };
    let marker = marker.to_string_lossy();
    if !marker.is_empty()
        && loaded
            .content
            .questions
            .iter()
            .any(|q| q.answer.contains(&*marker))
    {
        panic!("{PANIC_FOR_TESTS}: an answer holds `{marker}`");
    }
}

/// Adds to `scope` every page that shows the markdown of entity `id` (an
/// answer, a topic's intro, a caution's message, a definition, a page's
/// body), as render puts it in the pages' contexts: a link in that text shows
/// the linked entity's title on each of them. (The site's disclaimer, on
/// every page, is the caller's case: it needs a full build.)
fn add_pages_showing_markdown_of(id: &str, graph: &link::Graph, scope: &mut render::Scope) {
    match graph.entities.get(id).map(|e| e.kind) {
        // The glossary page shows every definition.
        Some(model::Kind::Glossary) => scope.glossary = true,
        // A caution's message: on its own page, in the home page's list of
        // cautions, and in the callout of each question that carries it.
        Some(model::Kind::Caution) => {
            scope.home = true;
            scope.entities.insert(id.to_string());
            let carrying = graph.caution_questions.get(id).into_iter().flatten();
            scope.entities.extend(carrying.map(|q| q.origin.id.clone()));
        }
        // A topic's intro: on its page and in the home page's list of topics.
        Some(model::Kind::Topic) => {
            scope.home = true;
            scope.entities.insert(id.to_string());
        }
        // An answer or a page's body: on its own page only.
        _ => {
            scope.entities.insert(id.to_string());
        }
    }
}

/// The preview's search index writer: one thread that writes the index of
/// the latest scoped build into the output after the build has returned,
/// so that neither the edited page nor the next build waits for it. An
/// index still waiting to be written when a newer one comes is dropped (the
/// newer one describes the site as it is now). It works on a thread pool
/// of one thread, at a lower priority where the system allows it, so that
/// a build under way keeps the processor.
///
/// A scoped build may run while it writes: they write different files
/// (pages, and the index's folder), each atomically. A build of everything
/// waits for it first ([`Session::scope_of_change`]).
#[derive(Default)]
struct IndexWriter {
    shared: std::sync::Arc<WriterShared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct WriterShared {
    state: std::sync::Mutex<WriterState>,
    changed: std::sync::Condvar,
}

#[derive(Default)]
struct WriterState {
    /// The index to write next: the output, and the documents.
    next: Option<(PathBuf, Vec<std::sync::Arc<search::SearchDocument>>)>,
    writing: bool,
    /// A write panicked since this was last asked.
    failed: bool,
    stopping: bool,
}

impl IndexWriter {
    fn state(&self) -> std::sync::MutexGuard<'_, WriterState> {
        // A panic is caught before it could poison the lock; be safe anyway.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Has the index of `documents` written into `out`, after any being
    /// written now, instead of any still waiting.
    fn submit(&mut self, out: PathBuf, documents: Vec<std::sync::Arc<search::SearchDocument>>) {
        if self.thread.is_none() {
            let shared = std::sync::Arc::clone(&self.shared);
            self.thread = Some(std::thread::spawn(move || writer_thread(&shared)));
        }
        self.state().next = Some((out, documents));
        self.shared.changed.notify_all();
    }

    /// Waits until every index submitted is written.
    fn wait(&self) {
        let mut state = self.state();
        while state.next.is_some() || state.writing {
            state = (self.shared.changed.wait(state)).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Whether a write panicked since the last call.
    fn take_failure(&self) -> bool {
        std::mem::take(&mut self.state().failed)
    }
}

impl Drop for IndexWriter {
    fn drop(&mut self) {
        self.wait();
        self.state().stopping = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn writer_thread(shared: &WriterShared) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "cited-search-index".into())
        .start_handler(|_| lower_this_threads_priority())
        .build()
        .ok();
    let lock = || shared.state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let mut state = lock();
        let (out, documents) = loop {
            if let Some(job) = state.next.take() {
                break job;
            }
            if state.stopping {
                return;
            }
            state = (shared.changed.wait(state)).unwrap_or_else(|e| e.into_inner());
        };
        state.writing = true;
        drop(state);
        let write = || write_search_index(&out, &documents);
        let result = panic::catch_unwind(AssertUnwindSafe(|| match &pool {
            Some(pool) => pool.install(write),
            None => write(),
        }));
        let mut state = lock();
        state.writing = false;
        state.failed |= result.is_err();
        drop(state);
        shared.changed.notify_all();
    }
}

/// Makes the calling thread yield the processor to a build's threads.
/// (On Linux a nice value is per thread; elsewhere the call would change the
/// whole process, so it is not made.)
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(None, 10);
}

/// Writes a fresh search index into an existing output, then removes the
/// index folders the new one replaces. The preview keeps working if this
/// fails: search then answers from the previous index.
fn write_search_index(out: &Path, documents: &[std::sync::Arc<search::SearchDocument>]) {
    let index = search::build_index(documents);
    let keep: std::collections::HashSet<&str> = index
        .iter()
        .filter_map(|f| f.path.strip_prefix(search::INDEX_DIR)?.split('/').next())
        .collect();
    let output = write::InPlace::new(out);
    for file in &index {
        let _ = write::Output::put(&output, &file.path, &file.bytes);
    }
    if output.commit().is_err() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(out.join(search::INDEX_DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if entry.path().is_dir() && !keep.contains(name.to_string_lossy().as_ref()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn quotes_of(q: &model::Question) -> Vec<(String, String, Option<String>, &'static str)> {
    link::question_quotes(q)
        .map(|x| {
            (
                x.source.value.clone(),
                x.text.value.clone(),
                x.attribution.clone(),
                x.stance.name(),
            )
        })
        .collect()
}

/// Where a question sits in the link graph: what it links to and what lists
/// it. If none of this changed, an edit to it changes what other pages say of
/// it (at most its title and summary), not which pages mention it.
fn linked_to(q: &model::Question) -> impl PartialEq + use<> {
    let values =
        |list: &[model::Spanned<String>]| list.iter().map(|v| v.value.clone()).collect::<Vec<_>>();
    let links: Vec<String> = markdown::internal_links(&q.answer)
        .into_iter()
        .map(|l| l.id)
        .collect();
    (
        (q.topic.value.clone(), q.order),
        (
            values(&q.tags),
            values(&q.related),
            values(&q.cautions),
            links,
        ),
    )
}
