//! `cited` turns facts with verified source quotes into a cross-linked,
//! accessible static FAQ site.
//!
//! A build is one pass through five stages, each a module with one job:
//!
//! ```text
//! load → check → link → render → write
//! ```
//!
//! - [`load`] reads `content/` into the [`model`], with positions;
//! - [`check`] verifies references, quotes, numbers, dates and reading level;
//! - [`link`] works out the cross-link graph;
//! - [`render`] turns the graph into pages with the [`theme`];
//! - [`write`] stages the output and swaps it in atomically.
//!
//! Every stage reports problems into one [`Diagnostics`] list; a build fails
//! on any error and then writes nothing.

pub mod check;
pub mod diagnostics;
pub mod link;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;

pub use diagnostics::{Diagnostic, Diagnostics, Severity, SourceFiles};

/// What to build, and where.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The site: the folder holding `content/` (and maybe `templates/`).
    pub root: PathBuf,
    /// Where the site goes; replaced whole, and only if the build succeeds.
    pub out: PathBuf,
    /// The day the build runs, for overdue reviews (a parameter so tests and
    /// reproducible builds can fix it).
    pub today: Date,
    pub render: render::RenderOptions,
}

/// What a build or check found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Diagnostics,
    /// The text of the files the diagnostics point into.
    pub files: SourceFiles,
    /// HTML pages written (0 for a check or a failed build).
    pub pages: usize,
    /// All files written, pages included.
    pub files_written: usize,
    pub elapsed: Duration,
    /// How long each stage took, in order, for `--timings`.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Runs every check; writes nothing.
pub fn check(root: &Path, today: Date) -> Report {
    let started = Instant::now();
    let mut diagnostics = Diagnostics::default();
    let loaded = load::load(root, &mut diagnostics);
    check::check(&loaded.content, &loaded.files, today, &mut diagnostics);
    check_output_names(&loaded.content, &mut diagnostics);
    if let Some(site) = &loaded.content.site {
        theme::load(root, &site_root_path(&site.base_url), &mut diagnostics);
    }
    diagnostics.sort();
    Report {
        diagnostics,
        files: loaded.files,
        elapsed: started.elapsed(),
        ..Report::default()
    }
}

/// Builds the site: load → check → link → render → write. On any error the
/// previous output is left exactly as it was.
pub fn build(options: &BuildOptions) -> Report {
    Session::default().build(options)
}

/// Successive builds of one site into one output, as `cited serve` makes
/// them. A session keeps what the last build learned, so that after a small
/// edit the next build redoes only what the edit can affect:
///
/// - files whose text did not change are not parsed again;
/// - when the only change is inside questions, in what no other page shows
///   (answer, facts, quotes, data blocks), only those questions' pages, the
///   pages of the sources they quote, and the site-wide files (search index,
///   sitemap, feed) are rendered again, and written in place.
///
/// Any other change (a title, a summary, a topic, tags, links, a review
/// date, a new or deleted file, a template, the site settings) rebuilds
/// everything. Checks always run on the whole site.
#[derive(Default)]
pub struct Session {
    cache: load::ParseCache,
    previous: Option<PreviousBuild>,
    /// The search index of the last scoped build, being written in the
    /// background; the next build waits for it.
    search_writer: Option<std::thread::JoinHandle<()>>,
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
    content: model::Content,
    out: PathBuf,
    today: Date,
    live_reload: Option<String>,
    theme_fingerprint: u64,
}

impl Session {
    pub fn build(&mut self, options: &BuildOptions) -> Report {
        self.wait_for_search_index();
        let started = Instant::now();
        let mut diagnostics = Diagnostics::default();
        let mut timings = Vec::new();
        let mut lap = Instant::now();
        let mut stage_done = |name: &'static str| {
            timings.push((name, lap.elapsed()));
            lap = Instant::now();
        };

        let loaded = load::load_cached(&options.root, &mut self.cache, &mut diagnostics);
        stage_done("load");
        check::check(
            &loaded.content,
            &loaded.files,
            options.today,
            &mut diagnostics,
        );
        check_output_names(&loaded.content, &mut diagnostics);
        check_output_folder(options, &mut diagnostics);
        stage_done("check");
        let content = &loaded.content;
        let theme = content.site.as_ref().and_then(|site| {
            theme::load(
                &options.root,
                &site_root_path(&site.base_url),
                &mut diagnostics,
            )
        });

        let mut report = Report {
            files: loaded.files.clone(),
            ..Report::default()
        };
        let (Some(site), Some(mut theme)) = (&content.site, theme) else {
            return finish(report, diagnostics, started);
        };
        if diagnostics.has_errors() {
            return finish(report, diagnostics, started);
        }

        let graph = link::Graph::new(content, &site_root_path(&site.base_url));
        stage_done("link");

        let scope = self.scope_of_change(&loaded, &graph, options, theme.fingerprint);
        let target = match &scope {
            Some(_) => Ok(write::Target::InPlace(write::InPlace::new(&options.out))),
            None => write::Staging::new(&options.out).map(write::Target::Staged),
        };
        let target = match target {
            Ok(target) => target,
            Err(error) => {
                diagnostics.push(
                    Diagnostic::error("write", options.out.clone(), None)
                        .message(format!("cannot prepare the output folder: {error}"))
                        .help("check that the output's parent folder exists and is writable"),
                );
                return finish(report, diagnostics, started);
            }
        };
        let rendered = render::render(
            &graph,
            &mut theme,
            target.output(),
            options.today,
            &options.render,
            scope.as_ref(),
            &mut diagnostics,
        );
        stage_done("render");
        if diagnostics.has_errors() {
            return finish(report, diagnostics, started); // `target` is dropped: nothing changes.
        }
        let written = target.commit();
        if let (Ok(_), Some(documents)) = (&written, rendered.deferred_search) {
            let out = options.out.clone();
            self.search_writer = Some(std::thread::spawn(move || {
                write_search_index(&out, &documents)
            }));
        }
        match written {
            Ok(files) => {
                stage_done("write");
                report.pages = rendered.pages;
                report.files_written = files;
                report.timings = timings;
                let theme_fingerprint = theme.fingerprint;
                drop(graph);
                self.previous = Some(PreviousBuild {
                    content: loaded.content,
                    out: options.out.clone(),
                    today: options.today,
                    live_reload: options.render.live_reload.clone(),
                    theme_fingerprint,
                });
            }
            Err(error) => diagnostics.push(
                Diagnostic::error("write", options.out.clone(), None)
                    .message(format!("cannot write the site: {error}"))
                    .help("the previous output is unchanged; check that the output folder is writable and has space"),
            ),
        }
        finish(report, diagnostics, started)
    }

    /// Waits until the search index of the previous build is written.
    pub fn wait_for_search_index(&mut self) {
        if let Some(writer) = self.search_writer.take() {
            let _ = writer.join();
        }
    }

    /// The pages an edit can affect, when the edit is confined to questions
    /// (see [`Session`]); `None` means build everything.
    fn scope_of_change(
        &self,
        loaded: &load::Loaded,
        graph: &link::Graph,
        options: &BuildOptions,
        theme_fingerprint: u64,
    ) -> Option<render::Scope> {
        let previous = self.previous.as_ref()?;
        let same_build = previous.out == options.out
            && previous.today == options.today
            && previous.live_reload == options.render.live_reload
            && previous.theme_fingerprint == theme_fingerprint
            && options.out.is_dir();
        if !same_build || loaded.changed.is_empty() {
            return None;
        }
        let by_id = |content: &'_ model::Content| -> std::collections::HashMap<String, usize> {
            content
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| (q.origin.id.clone(), i))
                .collect()
        };
        let (old_index, new_index) = (by_id(&previous.content), by_id(&loaded.content));
        let mut scope = render::Scope::default();
        for path in &loaded.changed {
            if path.parent() != Some(Path::new("content/questions")) {
                return None;
            }
            let id = path.file_stem()?.to_str()?;
            let old = &previous.content.questions[*old_index.get(id)?];
            let new = &loaded.content.questions[*new_index.get(id)?];
            if linked_to(old) != linked_to(new) {
                return None; // It moved in the graph: other pages' lists change.
            }
            scope.entities.insert(id.to_string());
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
                scope.home = true;
                scope.entities.insert(new.topic.value.clone());
                if old.question != new.question {
                    // Its place in the topic, and its neighbours' previous/next links.
                    let siblings = graph.topic_questions.get(new.topic.value.as_str());
                    scope
                        .entities
                        .extend(siblings.into_iter().flatten().map(|q| q.origin.id.clone()));
                }
                scope.tags.extend(new.tags.iter().map(|t| t.value.clone()));
                scope
                    .entities
                    .extend(new.cautions.iter().map(|c| c.value.clone()));
                scope.entities.extend(cited(new));
                let related = graph.related.get(id).into_iter().flatten();
                scope.entities.extend(related.map(|q| q.origin.id.clone()));
                // Pages that link to it show its title; pages it links to list it
                // under "Pages that link here".
                let targets: Vec<String> = markdown::internal_links(&new.answer)
                    .into_iter()
                    .map(|l| l.id)
                    .collect();
                let linking = graph.backlinks.get(id).into_iter().flatten().copied();
                for from in linking.chain(targets.iter().map(String::as_str)) {
                    match graph.entities.get(from).map(|e| e.kind) {
                        Some(model::Kind::Glossary) => scope.glossary = true,
                        _ => {
                            scope.entities.insert(from.to_string());
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

/// Writes a fresh search index into an existing output, then removes the
/// index folders the new one replaces. The preview keeps working if this
/// fails: search then answers from the previous index.
fn write_search_index(out: &Path, documents: &[search::SearchDocument]) {
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

fn finish(mut report: Report, mut diagnostics: Diagnostics, started: Instant) -> Report {
    diagnostics.sort();
    report.diagnostics = diagnostics;
    report.elapsed = started.elapsed();
    report
}

/// The path part of `base_url`, always starting and ending with `/`:
/// pages link to each other under it.
pub fn site_root_path(base_url: &str) -> String {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    let path = base_url[after_scheme..]
        .find('/')
        .map_or("/", |i| &base_url[after_scheme + i..]);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// Plain pages live at `/<id>/`, so they must not take a section's name.
fn check_output_names(content: &model::Content, diagnostics: &mut Diagnostics) {
    for page in &content.pages {
        if link::RESERVED_PAGE_IDS.contains(&page.origin.id.as_str()) {
            diagnostics.push(
                Diagnostic::error("reserved-id", &page.origin.file, None)
                    .message(format!(
                        "a page cannot be called `{}`: the site uses /{}/ for its own pages",
                        page.origin.id, page.origin.id
                    ))
                    .help(format!(
                        "rename the file, e.g. to `about-{}.yaml`",
                        page.origin.id
                    )),
            );
        }
    }
}

/// Refuses an output folder that would swallow the site's own files.
fn check_output_folder(options: &BuildOptions, diagnostics: &mut Diagnostics) {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|p| p.components().collect::<PathBuf>())
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let out = absolute(&options.out);
    let root = absolute(&options.root);
    let protected = [
        root.join("content"),
        root.join("templates"),
        root.join("src"),
    ];
    if root.starts_with(&out) || protected.iter().any(|p| out.starts_with(p)) {
        diagnostics.push(
            Diagnostic::error("bad-output", options.out.clone(), None)
                .message(format!("refusing to build into {}: it holds the site's own files", out.display()))
                .help("the output folder is replaced whole on every build: use a separate folder such as `public`"),
        );
    }
}
