//! Render: every page of the site, from the link graph and the theme.
//!
//! Each page gets only what it shows (its own entity and the few others it
//! links), as plain serialisable structs; site-wide data (title, navigation,
//! asset URLs) goes into Tera's global context once. Pages are rendered in
//! parallel and handed to the staging output as they are done, so memory
//! stays flat however large the site. Also writes the sitemap, robots.txt,
//! the Atom feed, the search index and the assets.
//!
//! This file decides which pages there are and runs them; `pages.rs` decides
//! what each page shows (the templates decide how it looks); `files.rs`
//! writes the files that are not pages. Nothing here checks content: a
//! build that reaches this stage has passed `check`.

use std::collections::HashSet;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::link::{Graph, by_title, url_for};
use crate::markdown::{self, LinkTarget, RenderContext};
use crate::model::*;
use crate::search::{self, SearchDocument};
use crate::theme::{Theme, error_chain};
use crate::write::Output;
use files::{atom_feed, robots, search_documents, sitemap};
use pages::PageRenderer;

mod files;
mod pages;

/// What rendering produced, for the build summary.
pub struct Rendered {
    pub pages: usize,
    /// For a scoped render: the documents of the search index, which the
    /// caller must build and write ([`search::build_index`]) once the pages
    /// are out.
    pub deferred_search: Option<Vec<SearchDocument>>,
}

/// The pages to render when a build redoes only what an edit can affect.
/// Everything else of the previous build's output stays as it is.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub home: bool,
    pub glossary: bool,
    /// Ids of questions, topics, sources, cautions and pages whose pages to render.
    pub entities: HashSet<String>,
    pub tags: HashSet<String>,
}

/// Options that change what pages contain, not what they say.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// `cited serve`'s reload script URL, added to every page when set.
    pub live_reload: Option<String>,
}

/// Renders the whole site into `staging`. Problems (a template that fails on
/// some page, a file that cannot be written) go into `diagnostics`.
pub fn render(
    graph: &Graph,
    theme: &mut Theme,
    staging: &dyn Output,
    today: Date,
    options: &RenderOptions,
    scope: Option<&Scope>,
    diagnostics: &mut Diagnostics,
) -> Rendered {
    let site = graph
        .content
        .site
        .as_ref()
        .expect("check guarantees a site");
    let renderer = PageRenderer::new(graph, site, today);
    set_global_context(
        &mut theme.tera,
        graph,
        site,
        theme.asset_urls.clone(),
        options,
    );
    let theme = &*theme;

    let mut jobs = all_job_list(graph);
    if let Some(scope) = scope {
        jobs.retain(|job| match job {
            Job::Home => scope.home,
            Job::Glossary => scope.glossary,
            Job::Tags | Job::Search | Job::NotFound => false,
            Job::Question(q) => scope.entities.contains(&q.origin.id),
            Job::Topic(t) => scope.entities.contains(&t.origin.id),
            Job::Source(s) => scope.entities.contains(&s.origin.id),
            Job::Caution(c) => scope.entities.contains(&c.origin.id),
            Job::Page(p) => scope.entities.contains(&p.origin.id),
            Job::Tag(t) => scope.tags.contains(*t),
        });
    }

    let failures: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|job| {
            let (path, template, context) = renderer.page(job);
            let html = match theme.tera.render(template, &context) {
                Ok(html) => html,
                Err(error) => {
                    return Some(
                        Diagnostic::error(
                            Code::TemplateRender,
                            format!("templates/{template}"),
                            None,
                        )
                        .message(format!("rendering {path} failed: {}", error_chain(&error)))
                        .help("fix the template, or delete the override to use the built-in one"),
                    );
                }
            };
            staging
                .put(&path, html.as_bytes())
                .err()
                .map(|e| write_failed(&path, e))
        })
        .collect();
    let pages = jobs.len();
    for failure in failures {
        diagnostics.push(failure);
    }

    let mut extra: Vec<(String, Vec<u8>)> = vec![
        // The sitemap lists every page, also when only some were rendered.
        (
            "sitemap.xml".into(),
            sitemap(graph, &all_job_list(graph), &renderer).into_bytes(),
        ),
        ("robots.txt".into(), robots(site).into_bytes()),
        (
            "feed.xml".into(),
            atom_feed(graph, site, &renderer).into_bytes(),
        ),
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
    let documents = search_documents(graph, &renderer);
    let deferred_search = if scope.is_some() {
        // A scoped rebuild is for the preview: the edited page should not
        // wait for the index. The caller builds it right after.
        Some(documents)
    } else {
        let index = search::build_index(&documents);
        extra.extend(index.into_iter().map(|f| (f.path, f.bytes)));
        None
    };
    let write_failures: Vec<Diagnostic> = extra
        .par_iter()
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

/// Every page of the site, in a fixed order.
///
/// The long listings (sources, topics, tags) come first: queued last, one of
/// them could leave a single core rendering it while the other has finished.
fn all_job_list<'a>(graph: &'a Graph) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job> = graph.content.sources.iter().map(Job::Source).collect();
    jobs.extend(graph.content.topics.iter().map(Job::Topic));
    jobs.extend(graph.tags.keys().map(|t| Job::Tag(t)));
    jobs.extend([
        Job::Home,
        Job::Tags,
        Job::Glossary,
        Job::Search,
        Job::NotFound,
    ]);
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

enum Job<'a> {
    Home,
    Tags,
    Glossary,
    Search,
    NotFound,
    Question(&'a Question),
    Topic(&'a Topic),
    Source(&'a Source),
    Caution(&'a Caution),
    Page(&'a Page),
    Tag(&'a str),
}

// ---------------------------------------------------------------------------
// Global context: what every page shares, inserted once.

#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    disclaimer_html: String,
}

#[derive(Serialize)]
struct NavLink {
    title: String,
    url: String,
}

fn set_global_context(
    tera: &mut tera::Tera,
    graph: &Graph,
    site: &Site,
    assets: std::collections::BTreeMap<String, String>,
    options: &RenderOptions,
) {
    let resolve = |id: &str| resolve(graph, id);
    let glossary_url = |id: &str| url_for(&graph.root, Kind::Glossary, id);
    let site_context = SiteContext {
        title: &site.title,
        description: &site.description,
        language: &site.language,
        base_url: &site.base_url,
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
    };
    let topics: Vec<NavLink> = graph
        .topics
        .iter()
        .map(|t| NavLink {
            title: t.title.clone(),
            url: url_for(&graph.root, Kind::Topic, &t.origin.id),
        })
        .collect();
    let mut pages: Vec<&Page> = graph.content.pages.iter().collect();
    pages.sort_by(|a, b| by_title(&a.title, &b.title));
    let pages: Vec<NavLink> = pages
        .iter()
        .map(|p| NavLink {
            title: p.title.clone(),
            url: url_for(&graph.root, Kind::Page, &p.origin.id),
        })
        .collect();
    let global = tera.global_context();
    global.insert("site", &site_context);
    global.insert("root", &graph.root);
    global.insert("assets", &assets);
    global.insert("nav_topics", &topics);
    global.insert("nav_pages", &pages);
    global.insert("live_reload", &options.live_reload);
}

fn resolve<'g>(graph: &'g Graph, id: &str) -> Option<LinkTarget<'g>> {
    graph.entities.get(id).map(|e| LinkTarget {
        url: &e.url,
        title: e.title,
    })
}
