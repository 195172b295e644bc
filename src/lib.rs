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

pub mod archive;
pub mod check;
pub mod diagnostics;
pub mod fingerprint;
pub mod link;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
mod report;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
mod session;
pub mod sources;
pub mod theme;
pub mod urls;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::civil::Date;

pub use diagnostics::{Code, Diagnostic, Diagnostics, Severity, SourceFiles};
pub use report::Report;
use report::Run;
pub use session::Session;

/// What to build, and where.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The site: the folder holding `content/` (and maybe `templates/`).
    pub root: PathBuf,
    /// Where the site goes; replaced whole, and only if the build succeeds.
    /// Never the site's own files; see [`write::check_output`].
    pub out: PathBuf,
    /// Replace `out` even if it is a folder with files in it that has no
    /// [`write::MARKER`] (so cited did not make it, or an older version did).
    pub force: bool,
    /// The day the build runs, for overdue reviews (a parameter so tests and
    /// reproducible builds can fix it).
    pub today: Date,
    pub render: render::RenderOptions,
}

/// Runs every check; writes nothing.
pub fn check(root: &Path, today: Date) -> Report {
    check_then(root, today, |_, _| ()).0
}

/// [`check`], and how each question's page reads (`cited check
/// --reading-levels`), measured on the same load.
pub fn check_with_reading_levels(root: &Path, today: Date) -> (Report, check::ReadingLevels) {
    check_then(root, today, |content, files| {
        check::reading_levels(content, files, today)
    })
}

/// Loads and checks, then runs `then` on what was loaded.
fn check_then<T>(
    root: &Path,
    today: Date,
    then: impl FnOnce(&model::Content, &SourceFiles) -> T,
) -> (Report, T) {
    let mut run = Run::start();
    let mut loaded = load::load(root, &mut run.diagnostics);
    run.stage("load");
    check_all(
        root,
        &loaded.content,
        &mut loaded.files,
        today,
        Templates::RenderSamples,
        None,
        &mut run.diagnostics,
        &mut run.silenced,
    );
    let extra = then(&loaded.content, &loaded.files);
    run.stage("check");
    (run.finish(loaded.files), extra)
}

/// Builds the site: load → check → link → render → write. On any error the
/// previous output is left exactly as it was. When nothing changed since
/// the last build into the same output (see [`fingerprint`]), leaves it as
/// it is and reports that build again, with [`Report::unchanged`] set.
pub fn build(options: &BuildOptions) -> Report {
    let started = Instant::now();
    let inputs = fingerprint::Inputs::of(options);
    let fingerprinted = started.elapsed();
    if let Some(mut report) = inputs.as_ref().and_then(|i| i.previous_build(options)) {
        write::sweep_abandoned(&options.out);
        report.timings = vec![
            ("inputs", fingerprinted),
            ("compare", started.elapsed() - fingerprinted),
        ];
        report.elapsed = started.elapsed();
        return report;
    }
    let mut report = Session::one_off().build(options);
    // The record is written while the replaced output is being removed.
    let removal = std::mem::take(&mut report.removal);
    let recording = Instant::now();
    if let Some(inputs) = &inputs {
        inputs.record(options, &report);
    }
    report.timings.insert(0, ("inputs", fingerprinted));
    report.timings.push(("record", recording.elapsed()));
    let removing = Instant::now();
    drop(removal);
    report.timings.push(("cleanup", removing.elapsed()));
    report.elapsed = started.elapsed();
    report
}

/// The build pipeline, for one-off builds and for the preview's [`Session`],
/// which lends its parse cache and narrows what is rendered after an edit.
fn run_build(session: &mut Session, options: &BuildOptions) -> Report {
    let mut run = Run::start();
    let mut loaded = session.load(&options.root, &mut run.diagnostics);
    run.stage("load");
    let built = check_to_write(session, options, &mut loaded, &mut run);
    if let Some(built) = built {
        session.remember(options, built.theme_fingerprint, built.deferred_search);
    }
    session.give_back(loaded.content);
    run.finish(loaded.files)
}

/// What a build that wrote the site leaves for the session.
struct Built {
    theme_fingerprint: u64,
    /// The search index's documents, when the preview writes it after the
    /// build returns.
    deferred_search: Option<Vec<std::sync::Arc<search::SearchDocument>>>,
}

/// check → link → render → write, on what was loaded; `None` when a
/// problem stopped the build (it is in `run`'s diagnostics) and nothing
/// was written.
fn check_to_write(
    session: &mut Session,
    options: &BuildOptions,
    loaded: &mut load::Loaded,
    run: &mut Run,
) -> Option<Built> {
    let (theme, located) = check_all(
        &options.root,
        &loaded.content,
        &mut loaded.files,
        options.today,
        Templates::LoadOnly,
        session.check_cache(),
        &mut run.diagnostics,
        &mut run.silenced,
    );
    let out = write::check_output(
        &options.root,
        &options.out,
        options.force,
        &mut run.diagnostics,
    );
    run.stage("check");
    let content = &loaded.content;
    let (Some(site), Some(mut theme), Some(out)) = (&content.site, theme, out) else {
        return None;
    };
    if run.diagnostics.has_errors() {
        return None;
    }

    // check has reported why a base URL does not parse.
    let urls = urls::SiteUrls::new(&site.base_url).ok()?;
    let graph = link::Graph::reusing(content, urls, &located, session.link_cache());
    drop(located);
    if session.is_one_off() {
        // From here on problems are found only in templates (and in writing
        // the output, which shows no file's text): the content's texts can
        // go. The preview keeps every text for its next build.
        let pointed_into: std::collections::HashSet<&Path> =
            run.diagnostics.iter().map(|d| d.file.as_path()).collect();
        loaded
            .files
            .forget_texts(|path| path.starts_with("templates") || pointed_into.contains(path));
    }
    run.stage("link");

    let scope = session.scope_of_change(loaded, &graph, options, theme.fingerprint);
    let target = match &scope {
        Some(_) => Ok(write::Target::InPlace(write::InPlace::new(&out))),
        None => write::Staging::new(&out).map(write::Target::Staged),
    };
    let target = match target {
        Ok(target) => target,
        Err(error) => {
            run.diagnostics.push(
                Diagnostic::error(Code::WriteFailed, options.out.clone(), None)
                    .message(format!("cannot prepare the output folder: {error}"))
                    .help("check that the output's parent folder exists and is writable"),
            );
            return None;
        }
    };
    let rendered = render::render(
        &graph,
        &mut theme,
        target.output(),
        options.today,
        &options.render,
        scope.as_ref(),
        session.render_cache().map(|cache| (cache, &loaded.files)),
        &mut run.diagnostics,
    );
    run.stage("render");
    if run.diagnostics.has_errors() {
        return None; // `target` is dropped: nothing changes.
    }
    match target.commit() {
        Ok(committed) => {
            run.stage("write");
            run.pages = rendered.pages;
            run.files_written = committed.files;
            run.removal = committed.removal;
            run.output_folder = committed.folder;
            run.written = committed.written;
            Some(Built {
                theme_fingerprint: theme.fingerprint,
                deferred_search: rendered.deferred_search,
            })
        }
        Err(error) => {
            run.diagnostics.push(
                Diagnostic::error(Code::WriteFailed, options.out.clone(), None)
                    .message(format!("cannot write the site: {error}"))
                    .help("the previous output is unchanged; check that the output folder is writable and has space"),
            );
            None
        }
    }
}

/// How far the check stage goes with the templates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Templates {
    /// Load and parse them: a build then renders every page and reports
    /// what fails there.
    LoadOnly,
    /// Also render each on a few sample pages, writing nothing, so that
    /// `check` finds the template mistakes a build would.
    RenderSamples,
}

/// The check stage: every check on the loaded content, and the theme loaded
/// (so a template that does not parse is reported by `check` too, its text
/// kept to show the line at fault) and, for `check`, tried on sample pages
/// when the content is sound. Also returns where check found each quote,
/// for the link stage. With `cache` (the preview's), what the previous
/// check found is reused wherever an edit cannot have changed it.
#[allow(clippy::too_many_arguments)]
fn check_all<'a>(
    root: &Path,
    content: &'a model::Content,
    files: &'a mut SourceFiles,
    today: Date,
    templates: Templates,
    cache: Option<&mut check::Cache>,
    diagnostics: &mut Diagnostics,
    silenced: &mut usize,
) -> (Option<theme::Theme>, check::quotes::Located<'a>) {
    // The theme first: loading it adds the templates' text to `files`,
    // which the check then borrows for as long as its result lives.
    let theme = theme::load(root, files, diagnostics);
    let checked = match cache {
        Some(cache) => check::check_incremental(content, files, today, cache, diagnostics),
        None => check::check(content, files, today, diagnostics),
    };
    *silenced = checked.silenced;
    let located = checked.located;
    let Some(mut theme) = theme else {
        return (None, located);
    };
    if templates == Templates::RenderSamples
        && let Some(site) = &content.site
        && !diagnostics.has_errors()
        && let Ok(urls) = urls::SiteUrls::new(&site.base_url)
    {
        let graph = link::Graph::with_quotes(content, urls, &located);
        render::check_templates(&graph, &mut theme, today, diagnostics);
    }
    (Some(theme), located)
}
