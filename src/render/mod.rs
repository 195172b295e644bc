//! Render: every page of the site, from the link graph and the theme.
//!
//! Each page gets only what it shows (its own entity and the few others it
//! links), as plain serialisable structs; site-wide data (title, navigation,
//! asset URLs) goes into Tera's global context once. Pages are rendered in
//! parallel and handed to the staging output as they are done, so memory
//! stays flat however large the site. Also writes the sitemap, robots.txt,
//! the Atom feed, the search index and the assets.
//!
//! This file decides which pages there are and runs them, and reports a
//! template mistake once with the pages it broke; `pages.rs` decides what
//! each page shows (the templates decide how it looks); `files.rs` writes
//! the files that are not pages. URLs come from the graph's
//! [`SiteUrls`](crate::urls::SiteUrls); JSON embedded in a page goes through
//! [`json_for_html`]. Nothing here checks content: a build that reaches this
//! stage has passed `check`.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, SourceFiles, Span};
use crate::link::{Graph, by_title, reading_order_key};
use crate::markdown::{self, LinkTarget, RenderContext};
use crate::model::*;
use crate::search::{self, SearchDocument};
use crate::theme::{TemplateError, Theme};
use crate::urls::Section;
use crate::write::Output;
use files::{atom_feed, robots, search_documents, sitemap};
use pages::PageRenderer;

pub use cache::Cache;

mod amounts;
mod cache;
mod dates;
mod files;
mod pages;

/// What rendering produced, for the build summary.
pub struct Rendered {
    pub pages: usize,
    /// For a scoped render: the documents of the search index, which the
    /// caller must build and write ([`search::build_index`]) once the pages
    /// are out.
    pub deferred_search: Option<Vec<Arc<SearchDocument>>>,
}

/// The pages to render when a build redoes only what an edit can affect.
/// Everything else of the previous build's output stays as it is.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub home: bool,
    pub glossary: bool,
    /// The page collecting every care card.
    pub get_help: bool,
    /// Ids of questions, topics, sources, cautions and pages whose pages to render.
    pub entities: HashSet<String>,
    pub tags: HashSet<String>,
}

/// Adds to `scope` the pages that show question `new` through its place in
/// its topic's reading order, after an edit of its title or summary (not of
/// its topic or `order`: `old` is the same question as the last build had
/// it): the questions before and after it, before and after the edit (their
/// previous and next links name it, or now name another), and the home page
/// when it lists the question among a topic's first questions, before or
/// after. Every other question of the topic shows neither its title nor its
/// summary.
///
/// Where it was is worked out from the graph's order, the edited question
/// put back under its old title, by the graph's own key
/// ([`reading_order_key`]). When several questions of one
/// topic are edited at once, a page whose neighbour changed has a changed
/// question as its new neighbour, or lies where one was: it is found either
/// way.
pub fn add_pages_showing_place(graph: &Graph, old: &Question, new: &Question, scope: &mut Scope) {
    let topic = new.topic.value.as_str();
    let siblings: &[&Question] = graph.topic_questions.get(topic).map_or(&[], Vec::as_slice);
    let id = new.origin.id.as_str();
    let Some(now) = siblings.iter().position(|q| q.origin.id == id) else {
        // Not in its topic's list: the caller renders every page instead
        // of missing one.
        scope.home = true;
        scope
            .entities
            .extend(siblings.iter().map(|q| q.origin.id.clone()));
        return;
    };
    let others: Vec<&Question> = (siblings.iter())
        .filter(|q| q.origin.id != id)
        .copied()
        .collect();
    let old_key = reading_order_key(old);
    let was = others.partition_point(|q| reading_order_key(q) < old_key);
    let neighbours = [
        now.checked_sub(1).map(|i| siblings[i]),
        siblings.get(now + 1).copied(),
        was.checked_sub(1).map(|i| others[i]),
        others.get(was).copied(),
    ];
    scope.entities.extend(
        neighbours
            .into_iter()
            .flatten()
            .map(|q| q.origin.id.clone()),
    );
    if now.min(was) < HOME_QUESTIONS_PER_TOPIC {
        scope.home = true;
    }
}

/// Options that change what pages contain, not what they say.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// `cited serve`'s reload script URL, added to every page when set.
    /// Set only for the preview, it also makes the build write the
    /// preview's own files under [`PREVIEW_DIR`] (see
    /// [`preview_archive_path`]); a published build has none of them.
    pub live_reload: Option<String>,
}

/// The folder of the output that holds the preview's own files: written only
/// when [`RenderOptions::live_reload`] is set, and served by `cited serve`
/// through its own routes only (no site file can be under it: ids never
/// start with `_`).
pub const PREVIEW_DIR: &str = "__cited";

/// Where a preview build writes source `id`'s archive text, exactly as its
/// quotes are matched against it, for the quote picker.
pub fn preview_archive_path(id: &str) -> String {
    format!("{PREVIEW_DIR}/sources/{id}.txt")
}

/// Renders the whole site into `staging`. Problems (a template that fails on
/// some pages, a file that cannot be written) go into `diagnostics`. With
/// `cache` (the preview's, with the texts of the files loaded), what the
/// last build made is reused wherever nothing it was made from changed
/// (see [`Cache`]).
#[allow(clippy::too_many_arguments)]
pub fn render(
    graph: &Graph,
    theme: &mut Theme,
    staging: &dyn Output,
    today: Date,
    options: &RenderOptions,
    scope: Option<&Scope>,
    cache: Option<(&mut Cache, &SourceFiles)>,
    diagnostics: &mut Diagnostics,
) -> Rendered {
    let site = graph
        .content
        .site
        .as_ref()
        .expect("check guarantees a site");
    // A scoped render shows little of the site: each page makes what it shows.
    set_global_context(theme, graph, site, options);
    let mut renderer = PageRenderer::new(graph, site, theme, today, scope.is_none());
    let theme = &*theme;

    let mut jobs = all_job_list(graph);
    if let Some(scope) = scope {
        jobs.retain(|job| match job {
            Job::Home => scope.home,
            Job::Glossary => scope.glossary,
            Job::GetHelp => scope.get_help,
            // Lists cautions only: an edit to one rebuilds everything.
            Job::Cautions => false,
            Job::Reviewer(r) => scope.entities.contains(&r.origin.id),
            Job::Tags | Job::Search | Job::NotFound => false,
            Job::Question(q) => scope.entities.contains(&q.origin.id),
            Job::Topic(t) => scope.entities.contains(&t.origin.id),
            Job::Source(s, _) => scope.entities.contains(&s.origin.id),
            Job::Caution(c) => scope.entities.contains(&c.origin.id),
            Job::Page(p) => scope.entities.contains(&p.origin.id),
            Job::Tag(t) => scope.tags.contains(*t),
        });
    }

    let pages = jobs.len();
    let problems = render_pages(&jobs, &renderer, theme, Some(staging));
    problems.report(diagnostics);
    renderer.release_page_values();

    let mut extra: Vec<(String, Vec<u8>)> = vec![
        // The sitemap lists every page, also when only some were rendered.
        (
            "sitemap.xml".into(),
            sitemap(graph, &all_job_list(graph)).into_bytes(),
        ),
        ("robots.txt".into(), robots(&graph.urls).into_bytes()),
        ("feed.xml".into(), atom_feed(graph, site).into_bytes()),
    ];
    if scope.is_none() {
        // A scoped render reuses the assets of a build with the same theme.
        extra.extend(
            theme
                .assets
                .iter()
                .map(|a| (a.path.clone(), a.bytes.clone())),
        );
    }
    let documents = search_documents(graph, &renderer, cache);
    // The documents hold copies of the question texts: the renderer's go
    // before the index is built, when memory use peaks.
    drop(renderer);
    let deferred_search = if scope.is_some() {
        // A scoped rebuild is for the preview: the edited page should not
        // wait for the index. The caller builds it right after.
        Some(documents)
    } else {
        // Each index file is written as it is made: together they are as
        // large as the site's text.
        let failures = search::write_index(&documents, |_, file| {
            (staging.put(&file.path, &file.bytes).err()).map(|e| write_failed(&file.path, e))
        });
        drop(documents);
        for failure in failures {
            diagnostics.push(failure);
        }
        None
    };
    // The preview's archive texts. A scoped render follows an edit of
    // questions only, so the texts already written are still current.
    let preview_archives: Vec<(String, &[u8])> = match (&options.live_reload, scope) {
        (Some(_), None) => graph
            .content
            .sources
            .iter()
            .filter_map(|s| {
                let text = s.archive_text.as_deref()?;
                Some((preview_archive_path(&s.origin.id), text.as_bytes()))
            })
            .collect(),
        _ => Vec::new(),
    };
    let write_failures: Vec<Diagnostic> = extra
        .par_iter()
        .map(|(path, bytes)| (path, bytes.as_slice()))
        .chain(
            preview_archives
                .par_iter()
                .map(|(path, text)| (path, *text)),
        )
        .filter_map(|(path, bytes)| {
            staging
                .put(path, bytes)
                .err()
                .map(|e| write_failed(path, e))
        })
        .collect();
    for failure in write_failures {
        diagnostics.push(failure);
    }
    Rendered {
        pages,
        deferred_search,
    }
}

/// The first `limit` question pages' contexts, as JSON, with the site-wide
/// values every page shares (Tera's global context) merged in: for the
/// template engine benchmark (`examples/template_engines.rs`), which renders
/// the real question template with them in more than one engine. Nothing in
/// a build reads this.
#[doc(hidden)]
pub fn question_contexts_for_benchmark(
    graph: &Graph,
    theme: &mut Theme,
    today: Date,
    limit: usize,
) -> Vec<serde_json::Value> {
    let Some(site) = graph.content.site.as_ref() else {
        return Vec::new();
    };
    set_global_context(theme, graph, site, &RenderOptions::default());
    let questions = &graph.content.questions[..limit.min(graph.content.questions.len())];
    let renderer = PageRenderer::new(graph, site, theme, today, true);
    let global = theme.tera.global_context();
    let json = |value: &tera::Value| serde_json::to_value(value).expect("a Tera value is JSON");
    questions
        .iter()
        .map(|q| {
            let (_, context) = renderer.page(&Job::Question(q));
            let mut map = serde_json::Map::new();
            for key in GLOBAL_CONTEXT_KEYS {
                if let Some(value) = global.get(key) {
                    map.insert(key.to_string(), json(value));
                }
            }
            for key in ["json_ld", "question", "page"] {
                if let Some(value) = context.get(key) {
                    map.insert(key.to_string(), json(value));
                }
            }
            serde_json::Value::Object(map)
        })
        .collect()
}

/// Renders each page template on a few sample pages against the real
/// content, writing nothing, so that `cited check` finds the template
/// mistakes a build would, in a small part of the build's time.
///
/// The samples are, per template, the first page and then each page that
/// shows something no earlier sample of that template showed (a cost table,
/// a caution, a source's address...), since a mistake inside `{% if %}`
/// fails only on pages that take the branch. When a sample fails, every page
/// of its template is rendered too (still writing nothing), so that the
/// diagnostic counts the pages as a build's would.
pub fn check_templates(
    graph: &Graph,
    theme: &mut Theme,
    today: Date,
    diagnostics: &mut Diagnostics,
) {
    let Some(site) = graph.content.site.as_ref() else {
        return;
    };
    set_global_context(theme, graph, site, &RenderOptions::default());
    let theme = &*theme;
    let jobs = all_job_list(graph);
    let samples = sample_jobs(graph, &jobs);
    let renderer = PageRenderer::new(graph, site, theme, today, true);
    let problems = render_pages(&samples, &renderer, theme, None);
    if problems.failed_templates.is_empty() {
        return;
    }
    let failed: Vec<Job> = jobs
        .into_iter()
        .filter(|job| problems.failed_templates.contains(job.template()))
        .collect();
    render_pages(&failed, &renderer, theme, None).report(diagnostics);
}

/// Per template, the first page and each page showing something that no
/// earlier one of that template showed: the pages [`check_templates`] renders.
fn sample_jobs<'a>(graph: &Graph, jobs: &[Job<'a>]) -> Vec<Job<'a>> {
    let mut shown: HashMap<&str, u32> = HashMap::new();
    jobs.iter()
        .filter(|job| {
            let features = job.features(graph) | FIRST_OF_ITS_TEMPLATE;
            let seen = shown.entry(job.template()).or_insert(0);
            let new = features & !*seen != 0;
            *seen |= features;
            new
        })
        .copied()
        .collect()
}

/// What went wrong rendering some pages.
struct PageProblems {
    /// Each template mistake with the output paths of the pages it broke, in
    /// page order.
    template_errors: Vec<(TemplateError, Vec<String>)>,
    /// The page templates that failed on some page.
    failed_templates: BTreeSet<&'static str>,
    write_failures: Vec<Diagnostic>,
}

impl PageProblems {
    /// One diagnostic per template mistake, however many pages it broke.
    fn report(self, diagnostics: &mut Diagnostics) {
        for (error, pages) in self.template_errors {
            let pages = match pages.as_slice() {
                [only] => format!("rendering {only} failed"),
                [first, ..] => format!(
                    "rendering {} pages failed (the first: {first})",
                    pages.len()
                ),
                [] => "rendering failed".to_string(),
            };
            let help = if error.overridden {
                "fix the template (if it replaces a built-in one, deleting it brings that back)"
            } else {
                "the built-in template was given values it does not expect: check the site's templates that extend or include it"
            };
            diagnostics.push(
                Diagnostic::error(Code::TemplateRender, error.file, error.span)
                    .message(format!("{pages}: {}", error.message))
                    .help(help),
            );
        }
        for failure in self.write_failures {
            diagnostics.push(failure);
        }
    }
}

/// Renders `jobs` in parallel, handing each page to `output` (if any) as it
/// is done, and gathers the same template mistake on many pages into one.
fn render_pages(
    jobs: &[Job],
    renderer: &PageRenderer,
    theme: &Theme,
    output: Option<&dyn Output>,
) -> PageProblems {
    enum Failure {
        Template(&'static str, TemplateError, String),
        Write(Diagnostic),
    }
    // Each rendering thread renders into a buffer of its own, kept from page
    // to page: a page's HTML is then not grown from Tera's estimate by
    // copying, nor checked again to be UTF-8 (Tera writes only strings).
    let failures: Vec<Failure> = jobs
        .par_iter()
        .map_init(Vec::new, |html: &mut Vec<u8>, job| {
            let (path, context) = renderer.page(job);
            let template = job.template();
            html.clear();
            match theme.tera.render_to(template, &context, &mut *html) {
                Ok(()) => output?
                    .put(&path, html)
                    .err()
                    .map(|e| Failure::Write(write_failed(&path, e))),
                Err(error) => Some(Failure::Template(
                    template,
                    theme.locate(&error, template),
                    path,
                )),
            }
        })
        .flatten()
        .collect();
    let mut problems = PageProblems {
        template_errors: Vec::new(),
        failed_templates: BTreeSet::new(),
        write_failures: Vec::new(),
    };
    // One mistake is one place in one file. Tera's message may still differ
    // from page to page (it lists the variables of each page's template),
    // so the place alone decides, when Tera gives one.
    let mut index: HashMap<(PathBuf, Result<Span, String>), usize> = HashMap::new();
    for failure in failures {
        match failure {
            Failure::Template(template, error, path) => {
                problems.failed_templates.insert(template);
                let place = error.span.ok_or_else(|| error.message.clone());
                match index.entry((error.file.clone(), place)) {
                    Entry::Occupied(i) => problems.template_errors[*i.get()].1.push(path),
                    Entry::Vacant(slot) => {
                        slot.insert(problems.template_errors.len());
                        problems.template_errors.push((error, vec![path]));
                    }
                }
            }
            Failure::Write(diagnostic) => problems.write_failures.push(diagnostic),
        }
    }
    problems
}

/// Every page of the site, in a fixed order.
///
/// The long listings (sources, topics, tags) come first: queued last, one of
/// them could leave a single core rendering it while the other has finished.
/// A source has a page per part of its quoted passages (part 1, its own
/// page, always).
fn all_job_list<'a>(graph: &'a Graph) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job> = Vec::new();
    for source in &graph.content.sources {
        jobs.push(Job::Source(source, 1));
        let parts = graph.passages.get(source.origin.id.as_str());
        let more = parts.into_iter().flat_map(|p| &p.parts).filter(|&&n| n > 1);
        jobs.extend(more.map(|&n| Job::Source(source, n)));
    }
    jobs.extend(graph.content.topics.iter().map(Job::Topic));
    jobs.extend(graph.tags.keys().map(|t| Job::Tag(t)));
    jobs.extend([
        Job::Home,
        Job::Tags,
        Job::Glossary,
        Job::Search,
        Job::NotFound,
    ]);
    jobs.extend([Job::GetHelp, Job::Cautions]);
    jobs.extend(graph.content.reviewers.iter().map(Job::Reviewer));
    jobs.extend(graph.content.cautions.iter().map(Job::Caution));
    jobs.extend(graph.content.pages.iter().map(Job::Page));
    jobs.extend(graph.content.questions.iter().map(Job::Question));
    jobs
}

fn write_failed(path: &str, error: std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::WriteFailed, path, None)
        .message(format!("cannot write {path}: {error}"))
        .help("check that the output folder's file system has space and is writable")
}

/// The home page shows this many questions per topic, then links to the topic:
/// a patient scans a short list, and a large site's home page stays small.
const HOME_QUESTIONS_PER_TOPIC: usize = 10;

#[derive(Clone, Copy)]
enum Job<'a> {
    Home,
    Tags,
    Glossary,
    Search,
    NotFound,
    Question(&'a Question),
    Topic(&'a Topic),
    /// A part of a source's page (1 is the source's own page).
    Source(&'a Source, usize),
    Caution(&'a Caution),
    Page(&'a Page),
    Tag(&'a str),
    Reviewer(&'a Reviewer),
    /// Every care card: when to get help.
    GetHelp,
    /// Every caution, the most serious first.
    Cautions,
}

/// A bit every page has, so that each template's first page is a sample.
const FIRST_OF_ITS_TEMPLATE: u32 = 1;

impl Job<'_> {
    /// The template that renders this page.
    fn template(&self) -> &'static str {
        match self {
            Job::Home => "home.html",
            Job::Tags => "tags.html",
            Job::Glossary => "glossary.html",
            Job::Search => "search.html",
            Job::NotFound => "404.html",
            Job::Question(_) => "question.html",
            Job::Topic(_) => "topic.html",
            Job::Source(..) => "source.html",
            Job::Caution(_) => "caution.html",
            Job::Page(_) => "page.html",
            Job::Tag(_) => "tag.html",
            Job::Reviewer(_) => "reviewer.html",
            Job::GetHelp => "get-help.html",
            Job::Cautions => "cautions.html",
        }
    }

    /// What optional parts this page shows, one bit each (above
    /// [`FIRST_OF_ITS_TEMPLATE`]): a template's `{% if %}` branches.
    fn features(&self, graph: &Graph) -> u32 {
        let has = |id: &str, list: &rustc_hash::FxHashMap<&str, Vec<&str>>| {
            list.get(id).is_some_and(|l| !l.is_empty())
        };
        let bits = |flags: &[bool]| {
            flags
                .iter()
                .enumerate()
                .filter(|(_, on)| **on)
                .fold(0, |acc, (i, _)| acc | 2 << i)
        };
        match self {
            Job::Question(q) => {
                let id = q.origin.id.as_str();
                let quotes = || crate::link::question_quotes(q);
                bits(&[
                    q.cost.is_some(),
                    q.comparison.is_some(),
                    q.timeline.is_some(),
                    !q.cautions.is_empty(),
                    !q.tags.is_empty(),
                    graph.related.get(id).is_some_and(|r| !r.is_empty()),
                    graph.previous.contains_key(id),
                    graph.next.contains_key(id),
                    has(id, &graph.backlinks),
                    quotes().any(|x| x.stance == Stance::Qualifies),
                    quotes().any(|x| x.stance == Stance::Contradicts),
                    quotes().any(|x| x.attribution.is_some()),
                    !q.get_help.is_empty(),
                    q.reviewed.clinical.is_some(),
                    !q.changes.is_empty(),
                    q.reviewed.by.single,
                ])
            }
            Job::Source(s, part) => bits(&[
                s.url.is_some(),
                s.publisher.is_some(),
                s.published.is_some(),
                s.accessed.is_some(),
                graph.passages.contains_key(s.origin.id.as_str()),
                has(&s.origin.id, &graph.backlinks),
                *part > 1,
                graph
                    .passages
                    .get(s.origin.id.as_str())
                    .is_some_and(|p| p.parts.len() > 1),
            ]),
            Job::Topic(t) => bits(&[
                t.intro.is_some(),
                graph.topic_questions.contains_key(t.origin.id.as_str()),
                has(&t.origin.id, &graph.backlinks),
            ]),
            Job::Caution(c) => bits(&[
                !c.quotes.is_empty(),
                graph.caution_questions.contains_key(c.origin.id.as_str()),
                has(&c.origin.id, &graph.backlinks),
                !c.get_help.is_empty(),
            ]),
            Job::Reviewer(r) => bits(&[
                graph.reviewer_questions.contains_key(r.origin.id.as_str()),
                r.credentials.is_some(),
                r.registration.is_some(),
                r.team,
            ]),
            Job::Page(p) => bits(&[has(&p.origin.id, &graph.backlinks)]),
            Job::Home
            | Job::Tags
            | Job::Glossary
            | Job::Search
            | Job::NotFound
            | Job::Tag(_)
            | Job::GetHelp
            | Job::Cautions => 0,
        }
    }
}

// ---------------------------------------------------------------------------
// Global context: what every page shares, inserted once.

#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    /// The normalised `base_url`.
    base_url: &'a str,
    disclaimer_html: String,
    /// Who publishes the site, for every page's footer.
    publisher: Option<PublisherContext<'a>>,
    /// Whether published pages show their reading level (`readability.show`).
    show_reading_level: bool,
}

#[derive(Serialize)]
struct PublisherContext<'a> {
    name: &'a str,
    url: Option<&'a str>,
    /// A `mailto:` link to the publisher's address.
    email: Option<&'a str>,
    email_url: Option<String>,
}

/// The URLs of the site's own pages and files, for templates: a template
/// links to `{{ urls.search }}`, never builds an address from pieces.
#[derive(Serialize)]
struct SectionUrls {
    home: String,
    tags: String,
    glossary: String,
    search: String,
    search_index: String,
    feed: String,
    get_help: String,
    cautions: String,
}

#[derive(Serialize)]
struct NavLink {
    title: String,
    url: String,
}

/// The keys [`set_global_context`] puts in Tera's global context, which
/// every page sees besides its own context.
#[doc(hidden)]
pub const GLOBAL_CONTEXT_KEYS: [&str; 7] = [
    "site",
    "root",
    "urls",
    "assets",
    "nav_topics",
    "nav_pages",
    "live_reload",
];

fn set_global_context(theme: &mut Theme, graph: &Graph, site: &Site, options: &RenderOptions) {
    let urls = &graph.urls;
    let resolve = |id: &str| resolve(graph, id);
    let glossary_url = |id: &str| urls.entity(Kind::Glossary, id);
    let site_context = SiteContext {
        title: &site.title,
        description: &site.description,
        language: &site.language,
        base_url: urls.base(),
        disclaimer_html: markdown::to_html(
            &site.disclaimer,
            RenderContext {
                resolve: &resolve,
                glossary: None,
                glossary_linked: None,
                skip_glossary_id: None,
                glossary_url: &glossary_url,
            },
        ),
        publisher: site.publisher.as_ref().map(|p| PublisherContext {
            name: &p.name,
            url: p.url.as_ref().map(|u| u.value.as_str()),
            email: p.email.as_ref().map(|e| e.value.as_str()),
            email_url: p
                .email
                .as_ref()
                .map(|e| format!("mailto:{}", e.value.trim())),
        }),
        show_reading_level: site.readability_show,
    };
    let sections = SectionUrls {
        home: urls.section(Section::Home),
        tags: urls.section(Section::Tags),
        glossary: urls.section(Section::Glossary),
        search: urls.section(Section::Search),
        search_index: urls.section(Section::SearchIndex),
        feed: urls.section(Section::Feed),
        get_help: urls.section(Section::GetHelp),
        cautions: urls.section(Section::Cautions),
    };
    let entity_url = |id: &str| graph.url(id).unwrap_or_default().to_string();
    let topics: Vec<NavLink> = graph
        .topics
        .iter()
        .map(|t| NavLink {
            title: t.title.clone(),
            url: entity_url(&t.origin.id),
        })
        .collect();
    let mut pages: Vec<&Page> = graph.content.pages.iter().collect();
    pages.sort_by(|a, b| by_title(&a.title, &b.title));
    let pages: Vec<NavLink> = pages
        .iter()
        .map(|p| NavLink {
            title: p.title.clone(),
            url: entity_url(&p.origin.id),
        })
        .collect();
    let assets: BTreeMap<&str, String> = theme
        .asset_paths
        .iter()
        .map(|(name, path)| (name.as_str(), urls.file_at(path)))
        .collect();
    let global = theme.tera.global_context();
    global.insert("site", &site_context);
    // Kept for sites' own templates written before `urls`.
    global.insert("root", urls.root());
    global.insert("urls", &sections);
    global.insert("assets", &assets);
    global.insert("nav_topics", &topics);
    global.insert("nav_pages", &pages);
    global.insert("live_reload", &options.live_reload);
    debug_assert!(
        GLOBAL_CONTEXT_KEYS
            .iter()
            .all(|key| global.get(key).is_some())
    );
}

/// JSON to embed in a page (in a `<script>` or an attribute): `<`, `>`, `&`
/// and the two characters JavaScript reads as line ends (U+2028, U+2029)
/// written as `\u` escapes, so no text inside can end the element, open a
/// comment (`<!--` would swallow the rest of the page) or be read as markup.
/// The value stays exactly the same JSON.
pub fn json_for_html(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).expect("a context serialises to JSON");
    // These characters can only occur inside JSON strings, where the escape
    // means the same character. By bytes: U+2028 and U+2029 are the only
    // characters whose UTF-8 is 0xE2 0x80 0xA8 or 0xA9, and a multi-byte
    // character never contains an ASCII byte.
    let bytes = json.as_bytes();
    // Found with memchr, each kind's next place kept until passed (so the
    // whole is one pass): most pages' JSON has none of them, and a byte at
    // a time was a visible part of rendering each page.
    let ascii_from =
        |from: usize| memchr::memchr3(b'<', b'>', b'&', &bytes[from..]).map(|at| from + at);
    let line_end_from = |from: usize| {
        memchr::memmem::find_iter(&bytes[from..], &[0xE2, 0x80])
            .map(|at| from + at)
            .find(|&at| matches!(bytes.get(at + 2), Some(0xA8 | 0xA9)))
    };
    let (mut ascii, mut line_end) = (ascii_from(0), line_end_from(0));
    if ascii.is_none() && line_end.is_none() {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 64);
    let mut copied = 0;
    // The nearer of the two next places, until neither is left.
    while let Some(at) = ascii.into_iter().chain(line_end).min() {
        let (escape, len) = match bytes[at] {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            _ if bytes[at + 2] == 0xA8 => ("\\u2028", 3),
            _ => ("\\u2029", 3),
        };
        match len {
            1 => ascii = ascii_from(at + 1),
            _ => line_end = line_end_from(at + 3),
        }
        out.push_str(&json[copied..at]);
        out.push_str(escape);
        copied = at + len;
    }
    out.push_str(&json[copied..]);
    out
}

fn resolve<'g>(graph: &'g Graph, id: &str) -> Option<LinkTarget<'g>> {
    graph.entities.get(id).map(|e| LinkTarget {
        url: &e.url,
        title: e.title,
    })
}

#[cfg(test)]
mod tests {
    use super::json_for_html;

    #[test]
    fn json_for_html_escapes_what_could_end_or_comment_out_a_script() {
        let text = "</script><!--<script> & \u{2028}\u{2029}>";
        let json = json_for_html(&serde_json::json!({ "<key>": text }));
        assert_eq!(
            json,
            r#"{"\u003ckey\u003e":"\u003c/script\u003e\u003c!--\u003cscript\u003e \u0026 \u2028\u2029\u003e"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["<key>"], text);
    }

    #[test]
    fn json_for_html_leaves_other_characters_alone() {
        // Characters whose UTF-8 starts like U+2028's (0xE2 0x80 ...) or
        // shares its first byte, and text with nothing to escape at all.
        for text in [
            "\u{2027}\u{202A}\u{2030}€…“”",
            "plain",
            "ends with \u{2029}",
        ] {
            let json = json_for_html(&text);
            let back: String = serde_json::from_str(&json).unwrap();
            assert_eq!(back, text);
            let escaped = json.contains("\\u2029");
            assert_eq!(escaped, text.contains('\u{2029}'), "{json}");
            assert!(!json.contains('\u{2029}') && !json.contains('\u{2028}'));
        }
        assert_eq!(json_for_html(&"\u{2027}€"), "\"\u{2027}€\"");
    }
}
