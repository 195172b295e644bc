//! Render: every page of the site, from the link graph and the theme.
//!
//! Each page gets only what it shows (its own entity and the few others it
//! links), as plain serialisable structs; site-wide data (title, navigation,
//! asset URLs) goes into Tera's global context once. Pages are rendered in
//! parallel and handed to the staging output as they are done, so memory
//! stays flat however large the site. Also writes the sitemap, robots.txt,
//! the Atom feed, the search index and the assets. This module decides what
//! each page shows; the templates decide how it looks.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::check::{DEFAULT_REVIEW_MAX_AGE_DAYS, due_date, readability};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::link::{Graph, by_title, url_for};
use crate::markdown::{self, LinkTarget, RenderContext};
use crate::model::*;
use crate::search::{self, SearchDocument};
use crate::theme::{Theme, error_chain};
use crate::write::Output;

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
                        Diagnostic::error("template", format!("templates/{template}"), None)
                            .message(format!("rendering {path} failed: {}", error_chain(&error)))
                            .help(
                                "fix the template, or delete the override to use the built-in one",
                            ),
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
            sitemap(graph, site, &all_job_list(graph), &renderer).into_bytes(),
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
fn all_job_list<'a>(graph: &'a Graph) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job> = vec![
        Job::Home,
        Job::Tags,
        Job::Glossary,
        Job::Search,
        Job::NotFound,
    ];
    jobs.extend(graph.content.questions.iter().map(Job::Question));
    jobs.extend(graph.content.topics.iter().map(Job::Topic));
    jobs.extend(graph.content.sources.iter().map(Job::Source));
    jobs.extend(graph.content.cautions.iter().map(Job::Caution));
    jobs.extend(graph.content.pages.iter().map(Job::Page));
    jobs.extend(graph.tags.keys().map(|t| Job::Tag(t)));
    jobs
}

fn write_failed(path: &str, error: std::io::Error) -> Diagnostic {
    Diagnostic::error("write", path, None)
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

// ---------------------------------------------------------------------------
// Page contexts: each page's own data.

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct QuestionSummary {
    title: String,
    url: String,
    summary: String,
    topic: Option<Link>,
}

#[derive(Serialize)]
struct QuoteContext {
    text: String,
    source: Link,
    attribution: Option<String>,
    stance: &'static str,
}

#[derive(Serialize)]
struct FactContext {
    claim: String,
    /// "agree", "qualified" or "disagree".
    status: &'static str,
    supporting: Vec<QuoteContext>,
    qualifying: Vec<QuoteContext>,
    contradicting: Vec<QuoteContext>,
}

#[derive(Serialize)]
struct CautionContext {
    id: String,
    title: String,
    url: String,
    severity: &'static str,
    message_html: String,
}

#[derive(Serialize)]
struct ReviewContext {
    on: String,
    by: String,
    next_due: String,
    overdue: bool,
}

#[derive(Serialize)]
struct CostContext {
    currency: String,
    per: String,
    typical: Option<String>,
    low: Option<String>,
    high: Option<String>,
    basis: Option<String>,
    factors: Vec<String>,
    quotes: Vec<QuoteContext>,
}

#[derive(Serialize)]
struct ComparisonContext {
    with: String,
    rows: Vec<RowContext>,
    quotes: Vec<QuoteContext>,
}

#[derive(Serialize)]
struct RowContext {
    aspect: String,
    ours: String,
    theirs: String,
}

#[derive(Serialize)]
struct TimelineContext {
    steps: Vec<StepContext>,
    quotes: Vec<QuoteContext>,
}

#[derive(Serialize)]
struct StepContext {
    when: String,
    what: String,
}

#[derive(Serialize)]
struct SourceSummary {
    title: String,
    url: String,
    publisher: Option<String>,
    external_url: Option<String>,
}

#[derive(Serialize)]
struct QuestionContext {
    id: String,
    title: String,
    url: String,
    summary: String,
    answer_html: String,
    topic: Option<Link>,
    tags: Vec<Link>,
    facts: Vec<FactContext>,
    cautions: Vec<CautionContext>,
    related: Vec<QuestionSummary>,
    backlinks: Vec<Link>,
    review: ReviewContext,
    cost: Option<CostContext>,
    comparison: Option<ComparisonContext>,
    timeline: Option<TimelineContext>,
    previous: Option<Link>,
    next: Option<Link>,
    reading_grade: Option<f64>,
    sources: Vec<SourceSummary>,
}

#[derive(Serialize)]
struct TopicListing {
    /// How many questions the topic has; `questions` may show only the first few.
    total: usize,
    id: String,
    title: String,
    url: String,
    intro_html: Option<String>,
    questions: Vec<QuestionSummary>,
}

#[derive(Serialize)]
struct CitationContext {
    question: Link,
    quotes: Vec<QuoteContext>,
}

#[derive(Serialize)]
struct SourcePage {
    title: String,
    publisher: Option<String>,
    url: Option<String>,
    published: Option<String>,
    accessed: Option<String>,
    citations: Vec<CitationContext>,
    backlinks: Vec<Link>,
}

#[derive(Serialize)]
struct PageMeta {
    title: String,
    description: String,
    url: String,
    /// Absolute URL, for the canonical link.
    canonical: String,
    kind: &'static str,
}

/// Builds every page's context; shared by all rendering threads.
struct PageRenderer<'g> {
    graph: &'g Graph<'g>,
    site: &'g Site,
    today: Date,
    max_age_days: i64,
    /// scheme://host of base_url, to make absolute URLs.
    origin: String,
    /// Each caution's message, rendered once rather than on every question carrying it.
    caution_html: HashMap<&'g str, String>,
    /// Each question's summary and answer as plain words, worked out once for
    /// the reading level, the structured data and the search index.
    question_text: HashMap<&'g str, String>,
}

impl<'g> PageRenderer<'g> {
    fn new(graph: &'g Graph<'g>, site: &'g Site, today: Date) -> Self {
        let base = site.base_url.value.as_str();
        let after_scheme = base.find("://").map_or(0, |i| i + 3);
        let origin = match base[after_scheme..].find('/') {
            Some(i) => base[..after_scheme + i].to_string(),
            None => base.to_string(),
        };
        let mut renderer = PageRenderer {
            graph,
            site,
            today,
            max_age_days: site
                .review_max_age_days
                .as_ref()
                .map_or(DEFAULT_REVIEW_MAX_AGE_DAYS, |d| d.value),
            origin,
            caution_html: HashMap::new(),
            question_text: HashMap::new(),
        };
        renderer.question_text = graph
            .content
            .questions
            .par_iter()
            .map(|q| {
                let text = format!("{}\n{}", q.summary.value, renderer.plain(&q.answer));
                (q.origin.id.as_str(), text)
            })
            .collect();
        renderer.caution_html = graph
            .content
            .cautions
            .iter()
            .map(|c| {
                (
                    c.origin.id.as_str(),
                    renderer.markdown(&c.message, None, None),
                )
            })
            .collect();
        renderer
    }

    fn absolute(&self, url: &str) -> String {
        format!("{}{}", self.origin, url)
    }

    fn markdown(
        &self,
        text: &str,
        linked: Option<&mut HashSet<String>>,
        skip_glossary_id: Option<&str>,
    ) -> String {
        let graph = self.graph;
        let resolve = |id: &str| resolve(graph, id);
        let glossary_url = |id: &str| url_for(&graph.root, Kind::Glossary, id);
        markdown::to_html(
            text,
            RenderContext {
                resolve: &resolve,
                glossary: linked.is_some().then_some(&graph.glossary),
                glossary_linked: linked,
                skip_glossary_id,
                glossary_url: &glossary_url,
            },
        )
    }

    /// Markdown as plain words, links read as their titles.
    fn plain(&self, text: &str) -> String {
        let title_of = |id: &str| self.graph.entities.get(id).map(|e| e.title.to_string());
        markdown::to_plain_text(text, &title_of)
    }

    fn meta(&self, title: &str, description: &str, url: String, kind: &'static str) -> PageMeta {
        PageMeta {
            title: title.to_string(),
            description: description.to_string(),
            canonical: self.absolute(&url),
            url,
            kind,
        }
    }

    /// Output path, template name and context of one page.
    fn page(&self, job: &Job) -> (String, &'static str, tera::Context) {
        let g = self.graph;
        let root = &g.root;
        let mut context = tera::Context::new();
        let (path, template, meta) = match job {
            Job::Home => {
                let topics: Vec<_> = g
                    .topics
                    .iter()
                    .map(|t| {
                        let mut listing = self.topic_listing(t);
                        listing.total = listing.questions.len();
                        listing.questions.truncate(HOME_QUESTIONS_PER_TOPIC);
                        listing
                    })
                    .collect();
                context.insert("topics", &topics);
                context.insert(
                    "cautions",
                    &self.caution_links(g.content.cautions.iter().collect()),
                );
                let meta = self.meta(
                    &self.site.title,
                    &self.site.description,
                    root.clone(),
                    "home",
                );
                ("index.html".to_string(), "home.html", meta)
            }
            Job::Question(q) => {
                let question = self.question(q);
                context.insert("json_ld", &self.question_json_ld(q, &question));
                let meta = self.meta(&q.question, &q.summary, question.url.clone(), "question");
                context.insert("question", &question);
                (
                    format!("questions/{}/index.html", q.origin.id),
                    "question.html",
                    meta,
                )
            }
            Job::Topic(t) => {
                context.insert("topic", &self.topic_listing(t));
                context.insert("backlinks", &self.backlinks(&t.origin.id));
                let url = url_for(root, Kind::Topic, &t.origin.id);
                let description = format!("Questions about {}", t.title.to_lowercase());
                let meta = self.meta(&t.title, &description, url, "topic");
                (
                    format!("topics/{}/index.html", t.origin.id),
                    "topic.html",
                    meta,
                )
            }
            Job::Source(s) => {
                context.insert("source", &self.source(s));
                let url = url_for(root, Kind::Source, &s.origin.id);
                let meta = self.meta(
                    &s.title,
                    &format!("What this site quotes from {}", s.title),
                    url,
                    "source",
                );
                (
                    format!("sources/{}/index.html", s.origin.id),
                    "source.html",
                    meta,
                )
            }
            Job::Caution(c) => {
                context.insert("caution", &self.caution(c));
                context.insert("backlinks", &self.backlinks(&c.origin.id));
                let questions = g
                    .caution_questions
                    .get(c.origin.id.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                context.insert("questions", &self.summaries(questions));
                let quotes: Vec<_> = c.quotes.iter().map(|q| self.quote(q)).collect();
                context.insert("quotes", &quotes);
                let url = url_for(root, Kind::Caution, &c.origin.id);
                let description = self.plain(&c.message);
                let meta = self.meta(&c.title, &description, url, "caution");
                (
                    format!("cautions/{}/index.html", c.origin.id),
                    "caution.html",
                    meta,
                )
            }
            Job::Page(p) => {
                context.insert("body_html", &self.markdown(&p.body, None, None));
                context.insert("backlinks", &self.backlinks(&p.origin.id));
                let url = url_for(root, Kind::Page, &p.origin.id);
                let meta = self.meta(&p.title, &self.site.description, url, "page");
                (format!("{}/index.html", p.origin.id), "page.html", meta)
            }
            Job::Tag(tag) => {
                let questions = g.tags.get(tag).map(Vec::as_slice).unwrap_or(&[]);
                context.insert("tag", tag);
                context.insert("questions", &self.summaries(questions));
                let title = format!("Questions tagged “{tag}”");
                let meta = self.meta(&title, &title, g.tag_url(tag), "tag");
                (format!("tags/{tag}/index.html"), "tag.html", meta)
            }
            Job::Tags => {
                let tags: Vec<_> = g
                    .tags
                    .iter()
                    .map(|(tag, qs)| {
                        serde_json::json!({ "name": tag, "url": g.tag_url(tag), "count": qs.len() })
                    })
                    .collect();
                context.insert("tags", &tags);
                let meta = self.meta(
                    "All tags",
                    "Every tag, with its questions",
                    format!("{root}tags/"),
                    "tags",
                );
                ("tags/index.html".to_string(), "tags.html", meta)
            }
            Job::Glossary => {
                let mut terms: Vec<&GlossaryTerm> = g.content.glossary.iter().collect();
                terms.sort_by(|a, b| by_title(&a.term, &b.term));
                let terms: Vec<_> = terms
                    .iter()
                    .map(|t| {
                        let mut linked = HashSet::new();
                        serde_json::json!({
                            "id": t.origin.id,
                            "term": t.term,
                            "aliases": t.aliases,
                            "definition_html": self.markdown(&t.definition, Some(&mut linked), Some(&t.origin.id)),
                            "backlinks": self.backlinks(&t.origin.id),
                        })
                    })
                    .collect();
                context.insert("terms", &terms);
                let meta = self.meta(
                    "Glossary",
                    "The medical words this site uses, in plain words",
                    format!("{root}glossary/"),
                    "glossary",
                );
                ("glossary/index.html".to_string(), "glossary.html", meta)
            }
            Job::Search => {
                let meta = self.meta(
                    "Search",
                    "Search this site",
                    format!("{root}search/"),
                    "search",
                );
                ("search/index.html".to_string(), "search.html", meta)
            }
            Job::NotFound => {
                let topics: Vec<_> = g
                    .topics
                    .iter()
                    .map(|t| Link {
                        title: t.title.clone(),
                        url: url_for(root, Kind::Topic, &t.origin.id),
                    })
                    .collect();
                context.insert("topics", &topics);
                let meta = self.meta(
                    "Page not found",
                    "This page does not exist",
                    format!("{root}404.html"),
                    "404",
                );
                ("404.html".to_string(), "404.html", meta)
            }
        };
        context.insert("page", &meta);
        (path, template, context)
    }

    fn link(&self, id: &str) -> Option<Link> {
        self.graph.entities.get(id).map(|e| Link {
            title: e.title.to_string(),
            url: e.url.clone(),
        })
    }

    fn backlinks(&self, id: &str) -> Vec<Link> {
        self.graph
            .backlinks
            .get(id)
            .map(|ids| ids.iter().filter_map(|i| self.link(i)).collect())
            .unwrap_or_default()
    }

    fn summaries(&self, questions: &[&Question]) -> Vec<QuestionSummary> {
        questions
            .iter()
            .map(|q| QuestionSummary {
                title: q.question.clone(),
                url: url_for(&self.graph.root, Kind::Question, &q.origin.id),
                summary: q.summary.value.clone(),
                topic: self.link(&q.topic),
            })
            .collect()
    }

    fn topic_listing(&self, topic: &Topic) -> TopicListing {
        let questions = self
            .graph
            .topic_questions
            .get(topic.origin.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        TopicListing {
            total: questions.len(),
            id: topic.origin.id.clone(),
            title: topic.title.clone(),
            url: url_for(&self.graph.root, Kind::Topic, &topic.origin.id),
            intro_html: topic.intro.as_ref().map(|i| self.markdown(i, None, None)),
            questions: self.summaries(questions),
        }
    }

    fn caution_links(&self, mut cautions: Vec<&Caution>) -> Vec<CautionContext> {
        cautions.sort_by(|a, b| by_title(&a.title, &b.title));
        cautions.into_iter().map(|c| self.caution(c)).collect()
    }

    fn caution(&self, c: &Caution) -> CautionContext {
        CautionContext {
            id: c.origin.id.clone(),
            title: c.title.clone(),
            url: url_for(&self.graph.root, Kind::Caution, &c.origin.id),
            severity: c.severity.name(),
            message_html: self
                .caution_html
                .get(c.origin.id.as_str())
                .cloned()
                .unwrap_or_default(),
        }
    }

    fn quote(&self, quote: &Quote) -> QuoteContext {
        QuoteContext {
            text: quote.text.value.trim().to_string(),
            source: self.link(&quote.source).unwrap_or_else(|| Link {
                title: quote.source.value.clone(),
                url: String::new(),
            }),
            attribution: quote.attribution.clone(),
            stance: quote.stance.name(),
        }
    }

    fn question(&self, q: &Question) -> QuestionContext {
        let g = self.graph;
        let id = q.origin.id.as_str();
        let mut linked = HashSet::new();
        let answer_html = self.markdown(&q.answer, Some(&mut linked), None);
        let facts = q
            .facts
            .iter()
            .map(|f| {
                let by = |stance: Stance| -> Vec<QuoteContext> {
                    f.quotes
                        .iter()
                        .filter(|x| x.stance == stance)
                        .map(|x| self.quote(x))
                        .collect()
                };
                let (supporting, qualifying, contradicting) = (
                    by(Stance::Supports),
                    by(Stance::Qualifies),
                    by(Stance::Contradicts),
                );
                let status = if !contradicting.is_empty() {
                    "disagree"
                } else if !qualifying.is_empty() {
                    "qualified"
                } else {
                    "agree"
                };
                FactContext {
                    claim: f.claim.clone(),
                    status,
                    supporting,
                    qualifying,
                    contradicting,
                }
            })
            .collect();
        let cautions = q
            .cautions
            .iter()
            .filter_map(|c| g.content.cautions.iter().find(|x| x.origin.id == c.value))
            .map(|c| self.caution(c))
            .collect();
        let (due, _) = due_date(&q.reviewed, self.max_age_days);
        let quotes =
            |list: &[Quote]| -> Vec<QuoteContext> { list.iter().map(|x| self.quote(x)).collect() };
        let money = |v: &Option<Spanned<f64>>| v.as_ref().map(|v| format_number(v.value));
        let cited: BTreeSet<&str> = crate::link::question_quotes(q)
            .map(|x| x.source.value.as_str())
            .collect();
        let sources = cited
            .into_iter()
            .filter_map(|s| g.content.sources.iter().find(|x| x.origin.id == s))
            .map(|s| SourceSummary {
                title: s.title.clone(),
                url: url_for(&g.root, Kind::Source, &s.origin.id),
                publisher: s.publisher.clone(),
                external_url: s.url.as_ref().map(|u| u.value.clone()),
            })
            .collect();
        let plain = &self.question_text[id];
        QuestionContext {
            id: id.to_string(),
            title: q.question.clone(),
            url: url_for(&g.root, Kind::Question, id),
            summary: q.summary.value.clone(),
            answer_html,
            topic: self.link(&q.topic),
            tags: q
                .tags
                .iter()
                .map(|t| Link {
                    title: t.value.clone(),
                    url: g.tag_url(t),
                })
                .collect(),
            facts,
            cautions,
            related: self.summaries(g.related.get(id).map(Vec::as_slice).unwrap_or(&[])),
            backlinks: self.backlinks(id),
            review: ReviewContext {
                on: q.reviewed.on.value.to_string(),
                by: q.reviewed.by.clone(),
                next_due: due.to_string(),
                overdue: due < self.today,
            },
            cost: q.cost.as_ref().map(|c| CostContext {
                currency: c.currency.clone(),
                per: c.per.clone(),
                typical: money(&c.typical),
                low: money(&c.low),
                high: money(&c.high),
                basis: c.basis.clone(),
                factors: c.factors.clone(),
                quotes: quotes(&c.quotes),
            }),
            comparison: q.comparison.as_ref().map(|c| ComparisonContext {
                with: c.with.clone(),
                rows: c
                    .rows
                    .iter()
                    .map(|r| RowContext {
                        aspect: r.aspect.value.clone(),
                        ours: r.ours.value.clone(),
                        theirs: r.theirs.value.clone(),
                    })
                    .collect(),
                quotes: quotes(&c.quotes),
            }),
            timeline: q.timeline.as_ref().map(|t| TimelineContext {
                steps: t
                    .steps
                    .iter()
                    .map(|s| StepContext {
                        when: s.when.value.clone(),
                        what: s.what.value.clone(),
                    })
                    .collect(),
                quotes: quotes(&t.quotes),
            }),
            previous: g.previous.get(id).and_then(|p| self.link(&p.origin.id)),
            next: g.next.get(id).and_then(|n| self.link(&n.origin.id)),
            reading_grade: readability::flesch_kincaid_grade(plain),
            sources,
        }
    }

    fn source(&self, s: &Source) -> SourcePage {
        let citations = self
            .graph
            .citations
            .get(s.origin.id.as_str())
            .map(|list| {
                list.iter()
                    .filter_map(|c| {
                        Some(CitationContext {
                            question: self.link(&c.question.origin.id)?,
                            quotes: c.quotes.iter().map(|q| self.quote(q)).collect(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        SourcePage {
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            url: s.url.as_ref().map(|u| u.value.clone()),
            published: s.published.as_ref().map(|d| d.value.to_string()),
            accessed: s.accessed.as_ref().map(|d| d.value.to_string()),
            citations,
            backlinks: self.backlinks(&s.origin.id),
        }
    }

    /// schema.org data for search engines: the question as an FAQPage, and the
    /// page as a MedicalWebPage with its review date.
    fn question_json_ld(&self, q: &Question, ctx: &QuestionContext) -> String {
        let url = self.absolute(&ctx.url);
        let answer = &self.question_text[q.origin.id.as_str()];
        let data = serde_json::json!({
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "FAQPage",
                    "@id": format!("{url}#faq"),
                    "mainEntity": [{
                        "@type": "Question",
                        "name": q.question,
                        "acceptedAnswer": { "@type": "Answer", "text": answer },
                    }],
                },
                {
                    "@type": "MedicalWebPage",
                    "@id": url,
                    "url": url,
                    "name": q.question,
                    "description": q.summary.value,
                    "inLanguage": self.site.language,
                    "lastReviewed": ctx.review.on,
                    "reviewedBy": { "@type": "Organization", "name": ctx.review.by },
                    "isPartOf": { "@type": "WebSite", "name": self.site.title, "url": self.absolute(&self.graph.root) },
                },
            ],
        });
        // Inside <script>, "</" would end the element early.
        serde_json::to_string(&data)
            .expect("JSON-LD serialises")
            .replace("</", "<\\/")
    }
}

/// 640 → "640", 1200.5 → "1,200.50": money as people read it.
fn format_number(value: f64) -> String {
    let whole = value.trunc() as i64;
    let digits = whole.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if whole < 0 { "-" } else { "" };
    let cents = ((value.fract().abs()) * 100.0).round() as i64;
    if cents == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{cents:02}")
    }
}

// ---------------------------------------------------------------------------
// Files that are not pages.

fn xml_escape(text: &str) -> String {
    markdown::html_escape(text)
}

fn sitemap(graph: &Graph, site: &Site, jobs: &[Job], renderer: &PageRenderer) -> String {
    let _ = site;
    let mut entries: Vec<(String, Option<String>)> = jobs
        .iter()
        .filter_map(|job| {
            let (url, lastmod) = match job {
                Job::NotFound => return None,
                Job::Home => (graph.root.clone(), None),
                Job::Tags => (format!("{}tags/", graph.root), None),
                Job::Glossary => (format!("{}glossary/", graph.root), None),
                Job::Search => return None,
                Job::Question(q) => (
                    url_for(&graph.root, Kind::Question, &q.origin.id),
                    Some(q.reviewed.on.value.to_string()),
                ),
                Job::Topic(t) => (url_for(&graph.root, Kind::Topic, &t.origin.id), None),
                Job::Source(s) => (url_for(&graph.root, Kind::Source, &s.origin.id), None),
                Job::Caution(c) => (url_for(&graph.root, Kind::Caution, &c.origin.id), None),
                Job::Page(p) => (url_for(&graph.root, Kind::Page, &p.origin.id), None),
                Job::Tag(t) => (graph.tag_url(t), None),
            };
            Some((renderer.absolute(&url), lastmod))
        })
        .collect();
    entries.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&loc));
        xml.push_str("</loc>");
        if let Some(date) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&date);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn robots(site: &Site) -> String {
    let base = site.base_url.value.trim_end_matches('/');
    format!("User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n")
}

/// An Atom feed of the questions, newest review first.
fn atom_feed(graph: &Graph, site: &Site, renderer: &PageRenderer) -> String {
    let mut questions: Vec<&Question> = graph.content.questions.iter().collect();
    questions.sort_by(|a, b| {
        b.reviewed
            .on
            .value
            .cmp(&a.reviewed.on.value)
            .then_with(|| a.origin.id.cmp(&b.origin.id))
    });
    let updated = questions.first().map_or_else(
        || "1970-01-01".to_string(),
        |q| q.reviewed.on.value.to_string(),
    );
    let home = renderer.absolute(&graph.root);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <id>{}</id>\n  <link rel=\"alternate\" href=\"{}\"/>\n  <link rel=\"self\" href=\"{}feed.xml\"/>\n  <updated>{}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        xml_escape(&site.language),
        xml_escape(&site.title),
        xml_escape(&site.description),
        xml_escape(&home),
        xml_escape(&home),
        xml_escape(&home),
        updated,
        xml_escape(&site.title),
    );
    for q in questions.iter().take(50) {
        let url = renderer.absolute(&url_for(&graph.root, Kind::Question, &q.origin.id));
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            xml_escape(&q.question),
            xml_escape(&url),
            xml_escape(&url),
            q.reviewed.on.value,
            xml_escape(&q.summary),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// What patients can search: questions, glossary terms, cautions and pages.
fn search_documents(graph: &Graph, renderer: &PageRenderer) -> Vec<SearchDocument> {
    let root = &graph.root;
    let mut docs: Vec<SearchDocument> = graph
        .content
        .questions
        .par_iter()
        .map(|q| {
            let mut text = vec![renderer.question_text[q.origin.id.as_str()].clone()];
            text.extend(q.facts.iter().map(|f| f.claim.clone()));
            text.extend(q.tags.iter().map(|t| t.value.replace('-', " ")));
            let topic = graph
                .entities
                .get(q.topic.value.as_str())
                .map(|t| t.title.to_string());
            text.extend(topic.clone());
            SearchDocument {
                url: url_for(root, Kind::Question, &q.origin.id),
                title: q.question.clone(),
                section: topic.unwrap_or_default(),
                text: text.join("\n"),
            }
        })
        .collect();
    docs.extend(graph.content.glossary.iter().map(|t| SearchDocument {
        url: url_for(root, Kind::Glossary, &t.origin.id),
        title: t.term.clone(),
        section: "Glossary".into(),
        text: format!(
            "{}\n{}",
            t.aliases.join(", "),
            renderer.plain(&t.definition)
        ),
    }));
    docs.extend(graph.content.cautions.iter().map(|c| SearchDocument {
        url: url_for(root, Kind::Caution, &c.origin.id),
        title: c.title.clone(),
        section: "Caution".into(),
        text: renderer.plain(&c.message),
    }));
    docs.extend(graph.content.pages.iter().map(|p| SearchDocument {
        url: url_for(root, Kind::Page, &p.origin.id),
        title: p.title.clone(),
        section: "Page".into(),
        text: renderer.plain(&p.body),
    }));
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    docs
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn formats_money() {
        assert_eq!(format_number(640.0), "640");
        assert_eq!(format_number(1200.5), "1,200.50");
        assert_eq!(format_number(1_000_000.0), "1,000,000");
    }
}
