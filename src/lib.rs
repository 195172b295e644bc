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
    let started = Instant::now();
    let mut diagnostics = Diagnostics::default();
    let mut timings = Vec::new();
    let mut lap = Instant::now();
    let mut stage_done = |name: &'static str| {
        timings.push((name, lap.elapsed()));
        lap = Instant::now();
    };

    let loaded = load::load(&options.root, &mut diagnostics);
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

    let staging = match write::Staging::new(&options.out) {
        Ok(staging) => staging,
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
        &staging,
        options.today,
        &options.render,
        &mut diagnostics,
    );
    stage_done("render");
    if diagnostics.has_errors() {
        return finish(report, diagnostics, started); // `staging` is dropped: nothing changes.
    }
    let files_written = staging.files_written();
    if let Err(error) = staging.commit() {
        diagnostics.push(
            Diagnostic::error("write", options.out.clone(), None)
                .message(format!("cannot put the built site in place: {error}"))
                .help("the previous output is unchanged; check permissions on the output folder"),
        );
        return finish(report, diagnostics, started);
    }
    stage_done("write");
    report.pages = rendered.pages;
    report.files_written = files_written;
    report.timings = timings;
    finish(report, diagnostics, started)
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
