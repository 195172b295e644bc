//! Page contexts: what each page shows, as plain serialisable structs.
//!
//! Each page gets its own entity and the few others it links to, never the
//! whole site. This module decides what a page says; the templates decide
//! how it looks, and `mod.rs` decides which pages there are.
//!
//! What many pages show alike (a link to an entity, a question in a list, a
//! caution, what quotes say of their source) is turned into a
//! [`tera::Value`] once per build and shared: Tera copies such a value into
//! a page's context by reference count, not field by field. Everything else
//! borrows from the content until Tera serialises it. A quote's paragraph
//! is not kept from page to page: with some 20,000 passages on a
//! 10,000-question site, keeping them all would cost more memory (~55 MB)
//! than the work it saves (a quoted passage is cited 1.4 times on average).

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Value;

use crate::check::review::{ReviewedBy, clinical_review, reviewed_by, reviewers_by_id};
use crate::check::{due_date, readability, review_max_age_days};
use crate::link::{Graph, Passage, by_title, collapse_white_space};
use crate::markdown::{self, RenderContext};
use crate::model::*;
use crate::theme::Theme;

use crate::urls::Section;

use super::amounts::Amounts;
use super::dates::Dates;
use super::{HOME_QUESTIONS_PER_TOPIC, Job, json_for_html, resolve};

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
}

/// A question in a list (related questions, a topic's, a tag's): built
/// once per question, shared as a [`Value`] by every list showing it.
#[derive(Serialize)]
struct QuestionSummary<'g> {
    title: &'g str,
    url: &'g str,
    summary: &'g str,
    topic: Option<Value>,
}

/// A quote as a page shows it: the archive's words (not the YAML's), with
/// "…" where it was cut from a sentence, the paragraph it comes from, and
/// links to its passage on the source's page and in the original.
#[derive(Serialize)]
struct QuoteContext<'g> {
    text: std::borrow::Cow<'g, str>,
    /// The quote starts inside a sentence of its source: "…" before it.
    cut_before: bool,
    /// The quote ends inside a sentence of its source: "…" after it.
    cut_after: bool,
    /// The source's page (`url`: its first part, for templates written
    /// before passages): a link.
    source: Value,
    /// The passage on the source's page: its part, and its anchor.
    passage_url: String,
    /// The passage in the original, with a text fragment, if the source has a `url`.
    original_url: Option<&'g str>,
    /// The paragraph the quote comes from, the quote marked; empty when the
    /// quote is the whole paragraph.
    context: Vec<Segment>,
    /// The paragraph is too long to show whole: `context` is the text
    /// around the quote, "…" where it is cut.
    context_cut: bool,
    attribution: Option<&'g str>,
    stance: &'static str,
    /// What kind of source it is, in words: "Clinical guideline".
    source_type: &'static str,
    /// What the source does not say about itself, in words: "publisher and
    /// date unknown"; empty when nothing is.
    unknowns: Value,
}

/// What every quote of one source shows of the source.
struct SourceView {
    link: Value,
    source_type: &'static str,
    unknowns: Value,
}

/// A piece of an archive's paragraph, quoted (`mark`) or not; templates
/// escape it like any text.
#[derive(Serialize, Debug, PartialEq)]
struct Segment {
    text: String,
    mark: bool,
}

#[derive(Serialize)]
struct FactContext<'g> {
    claim: &'g str,
    /// "agree", "qualified" or "disagree".
    status: &'static str,
    /// Whether the quotes come from several sources or from one.
    agreement: Agreement,
    supporting: Vec<QuoteContext<'g>>,
    qualifying: Vec<QuoteContext<'g>>,
    contradicting: Vec<QuoteContext<'g>>,
    /// Every source is of a type the site does not accept alone: those
    /// types, in words ("Commercial website"). Empty otherwise.
    weak_sources: Vec<&'static str>,
}

/// Who a fact's quotes come from, so that a page never calls a source
/// disagreeing with itself "sources disagree".
#[derive(Serialize)]
struct Agreement {
    /// "sources": from several sources; "one-source": all from one source,
    /// in one voice; "one-source-voices": all from one source, which quotes
    /// different people (`attribution`).
    kind: &'static str,
    /// The title of the one source, if there is one.
    source: Option<String>,
    /// The voices on the claim's side (supporting; and qualifying, when
    /// others contradict): attributions, or "the source itself".
    this_side: Vec<String>,
    /// The voices on the other side (contradicting; or qualifying, when
    /// none contradict).
    other_side: Vec<String>,
}

#[derive(Serialize)]
struct CautionContext {
    id: String,
    title: String,
    url: String,
    severity: &'static str,
    message_html: String,
    get_help: Vec<CareCardContext>,
}

#[derive(Serialize)]
struct ReviewContext {
    /// The day, `YYYY-MM-DD`, for `<time datetime>`.
    on: String,
    /// The day in words, in the site's language.
    on_words: String,
    /// The reviewers' names, joined: for templates written before reviewer files.
    by: String,
    /// Who reviewed it: [`ReviewerRef`]s.
    reviewers: Vec<Value>,
    /// A clinical review recorded apart (`reviewed.clinical`).
    clinical: Option<ClinicalContext>,
    /// Whether a clinician reviewed it (in `by` or apart).
    clinically_reviewed: bool,
    /// The site requires clinical review and this answer has none: the page
    /// says so.
    needs_clinical_review: bool,
    next_due: String,
    next_due_words: String,
    overdue: bool,
}

#[derive(Serialize)]
struct ClinicalContext {
    on: String,
    on_words: String,
    /// [`ReviewerRef`]s.
    reviewers: Vec<Value>,
}

/// A reviewer as a question page names them.
#[derive(Serialize, Clone)]
struct ReviewerRef {
    name: String,
    /// Their role ("Consultant dermatologist"); none for a plain name.
    role: Option<String>,
    /// Their page; none for a plain name.
    url: Option<String>,
    /// "clinical" or "editorial"; none for a plain name.
    kind: Option<&'static str>,
    team: bool,
}

/// A care card as a page shows it.
#[derive(Serialize)]
struct CareCardContext {
    /// "non-urgent", "urgent" or "emergency".
    level: &'static str,
    /// The level in words, as the NHS names it: "Urgent advice".
    label: &'static str,
    /// What to do: the editor's, or the level's own.
    action: String,
    when: Vec<String>,
}

/// A page's reading level, shown to editors (and to readers when the site
/// asks): whole grades, of the site's own text and of the page with its quotes.
#[derive(Serialize)]
struct ReadingContext {
    grade: i64,
    smog: i64,
    page_grade: i64,
    page_smog: i64,
}

/// A reviewer's page.
#[derive(Serialize)]
struct ReviewerPage {
    name: String,
    role: String,
    kind: &'static str,
    team: bool,
    credentials: Option<String>,
    registration: Option<String>,
    reviewed: Vec<ReviewedQuestion>,
}

#[derive(Serialize)]
struct ReviewedQuestion {
    title: String,
    url: String,
    on: String,
    on_words: String,
}

/// The care cards of one question or caution, on the get-help page.
#[derive(Serialize)]
struct GetHelpSection {
    title: String,
    url: String,
    cards: Vec<CareCardContext>,
    /// For a question: whether a clinician reviewed it. `None` for a caution.
    clinically_reviewed: Option<bool>,
}

/// A page's history entry.
#[derive(Serialize)]
struct ChangeContext {
    on: String,
    on_words: String,
    what: String,
}

#[derive(Serialize)]
struct CostContext<'g> {
    currency: &'g str,
    per: &'g str,
    typical: Option<String>,
    low: Option<String>,
    high: Option<String>,
    basis: Option<&'g str>,
    factors: Vec<&'g str>,
    quotes: Vec<QuoteContext<'g>>,
}

#[derive(Serialize)]
struct ComparisonContext<'g> {
    with: &'g str,
    rows: Vec<RowContext<'g>>,
    quotes: Vec<QuoteContext<'g>>,
}

#[derive(Serialize)]
struct RowContext<'g> {
    aspect: &'g str,
    ours: &'g str,
    theirs: &'g str,
}

#[derive(Serialize)]
struct TimelineContext<'g> {
    steps: Vec<StepContext<'g>>,
    quotes: Vec<QuoteContext<'g>>,
}

#[derive(Serialize)]
struct StepContext<'g> {
    when: &'g str,
    what: &'g str,
}

#[derive(Serialize)]
struct SourceSummary<'g> {
    title: &'g str,
    url: &'g str,
    publisher: Option<&'g str>,
    external_url: Option<&'g str>,
    source_type: &'static str,
}

#[derive(Serialize)]
struct QuestionContext<'g> {
    id: &'g str,
    title: &'g str,
    url: &'g str,
    summary: &'g str,
    answer_html: String,
    /// A link.
    topic: Option<Value>,
    /// Links.
    tags: Vec<Value>,
    facts: Vec<FactContext<'g>>,
    /// [`CautionContext`]s.
    cautions: Vec<Value>,
    /// [`QuestionSummary`]s.
    related: Vec<Value>,
    /// Links.
    backlinks: Vec<Value>,
    review: ReviewContext,
    cost: Option<CostContext<'g>>,
    comparison: Option<ComparisonContext<'g>>,
    timeline: Option<TimelineContext<'g>>,
    /// Links.
    previous: Option<Value>,
    next: Option<Value>,
    /// The Flesch-Kincaid grade, kept for templates written before `reading`:
    /// only when one may read it (see [`Theme::may_read`]).
    reading_grade: Option<f64>,
    reading: Option<ReadingContext>,
    /// [`SourceSummary`]s.
    sources: Vec<Value>,
    /// Care cards: the question's own, then its cautions'.
    get_help: Vec<CareCardContext>,
    /// Page history, newest first.
    changes: Vec<ChangeContext>,
    /// What the comparison table calls the subject.
    subject: &'g str,
}

#[derive(Serialize)]
struct TopicListing {
    /// How many questions the topic has; `questions` may show only the first few.
    total: usize,
    id: String,
    title: String,
    url: String,
    intro_html: Option<String>,
    /// [`QuestionSummary`]s.
    questions: Vec<Value>,
}

#[derive(Serialize)]
struct SourcePage {
    /// For the preview's quote picker (`data-cited-source`).
    id: String,
    title: String,
    /// What kind of source it is, in words.
    source_type: &'static str,
    author: Option<String>,
    conflicts: Option<String>,
    notes: Option<String>,
    /// What the source does not say about itself, in words.
    unknowns: String,
    publisher: Option<String>,
    url: Option<String>,
    published: Option<String>,
    published_words: Option<String>,
    accessed: Option<String>,
    accessed_words: Option<String>,
    /// Links.
    backlinks: Vec<Value>,
    /// The part of the quoted passages this page shows (1 on the source's
    /// own page).
    part: usize,
    /// The URL of the source's own page (part 1).
    own_page: String,
    /// Every part that shows passages, for the navigation between them;
    /// empty when there is only one.
    parts: Vec<PartLink>,
    /// How many passages of the source are quoted, on all its parts.
    passage_count: usize,
    /// This part's passages, grouped by paragraph, in the archive's order.
    blocks: Vec<PassageBlock>,
}

#[derive(Serialize)]
struct PartLink {
    number: usize,
    url: String,
    current: bool,
    passages: usize,
}

/// A paragraph of a source with the passages quoted from it.
#[derive(Serialize)]
struct PassageBlock {
    /// The paragraph, every quoted part marked.
    paragraph: Vec<Segment>,
    passages: Vec<PassageContext>,
}

#[derive(Serialize)]
struct PassageContext {
    /// Its element's id: links from question pages point here.
    anchor: String,
    text: String,
    cut_before: bool,
    cut_after: bool,
    original_url: Option<String>,
    /// The questions and cautions quoting it: links.
    citing: Vec<Value>,
}

#[derive(Serialize)]
struct PageMeta {
    title: String,
    description: String,
    url: String,
    /// Absolute URL, for the canonical link.
    canonical: String,
    kind: &'static str,
    /// "Report a problem with this page": the site's `feedback` address
    /// with this page's address in it.
    feedback_url: Option<String>,
}

/// Builds every page's context; shared by all rendering threads.
pub(super) struct PageRenderer<'g> {
    graph: &'g Graph<'g>,
    site: &'g Site,
    today: Date,
    max_age_days: i64,
    /// Each caution as pages show it (its message rendered), built once
    /// rather than on every question carrying it.
    cautions: FxHashMap<&'g str, Value>,
    reviewers: std::collections::HashMap<&'g str, &'g Reviewer>,
    /// Dates in words, in the site's language.
    pub(super) dates: Dates,
    /// Each question's summary and answer as plain words, for the reading
    /// level, the structured data and the search index: worked out with its
    /// page's HTML from one parse of the answer (or, for a question whose
    /// page is not rendered, when first asked for).
    question_text: FxHashMap<&'g str, OnceLock<PlainQuestion>>,
    /// Amounts of money, formatted for the site's language.
    pub(super) amounts: Amounts,
    sources: std::collections::HashMap<&'g str, &'g Source>,
    /// A link to each entity's page (title and URL), by id.
    links: FxHashMap<&'g str, Value>,
    /// Each question as lists show it, by id.
    summaries: FxHashMap<&'g str, Value>,
    /// What quotes show of each quoted source, by id.
    source_views: FxHashMap<&'g str, SourceView>,
    /// A link to each tag's page, by tag.
    tag_links: FxHashMap<&'g str, Value>,
    /// Each source as a question's list of sources shows it, by id.
    source_summaries: FxHashMap<&'g str, Value>,
    /// Each reviewer as a question's review names them, by id.
    reviewer_refs: FxHashMap<&'g str, Value>,
    /// Whether a template may read `question.reading_grade`: none of the
    /// built-in ones does, and working it out costs a pass over every
    /// answer's words.
    reading_grade: bool,
}

impl<'g> PageRenderer<'g> {
    /// A renderer for the pages of the graph's site. With `share`, what
    /// many pages show alike (links, question summaries, cautions, what
    /// quotes show of their sources) is made once, up front, for every
    /// entity: for a render of every page. Without, each page makes what it
    /// shows: for a render of a few pages, which would not pay for making
    /// it for the whole site. The pages come out the same either way.
    /// `theme` is what the pages are rendered with: what no template of it
    /// reads is not worked out.
    pub(super) fn new(
        graph: &'g Graph<'g>,
        site: &'g Site,
        theme: &Theme,
        today: Date,
        share: bool,
    ) -> Self {
        let mut renderer = PageRenderer {
            reading_grade: theme.may_read("question", "reading_grade"),
            graph,
            site,
            today,
            max_age_days: review_max_age_days(Some(site)),
            cautions: FxHashMap::default(),
            question_text: graph
                .content
                .questions
                .iter()
                .map(|q| (q.origin.id.as_str(), OnceLock::new()))
                .collect(),
            amounts: Amounts::new(&site.language),
            dates: Dates::new(&site.language),
            reviewers: reviewers_by_id(graph.content),
            sources: graph
                .content
                .sources
                .iter()
                .map(|s| (s.origin.id.as_str(), s))
                .collect(),
            links: FxHashMap::default(),
            summaries: FxHashMap::default(),
            source_views: FxHashMap::default(),
            tag_links: FxHashMap::default(),
            source_summaries: FxHashMap::default(),
            reviewer_refs: FxHashMap::default(),
        };
        if !share {
            return renderer;
        }
        renderer.links = (graph.entities.keys())
            .filter_map(|id| Some((*id, renderer.make_link(id)?)))
            .collect();
        renderer.summaries = (graph.content.questions.iter())
            .map(|q| (q.origin.id.as_str(), renderer.make_summary(q)))
            .collect();
        renderer.source_views = (graph.content.sources.iter())
            .filter_map(|s| {
                let id = s.origin.id.as_str();
                Some((id, renderer.make_source_view(id)?))
            })
            .collect();
        renderer.cautions = (graph.content.cautions.iter())
            .map(|c| (c.origin.id.as_str(), renderer.make_caution(c)))
            .collect();
        renderer.tag_links = (graph.tags.keys())
            .map(|tag| (*tag, renderer.make_tag_link(tag)))
            .collect();
        renderer.source_summaries = (graph.content.sources.iter())
            .map(|s| (s.origin.id.as_str(), renderer.make_source_summary(s)))
            .collect();
        renderer.reviewer_refs = (graph.content.reviewers.iter())
            .map(|r| (r.origin.id.as_str(), renderer.make_reviewer_ref(r)))
            .collect();
        renderer
    }

    /// A link to tag `tag`'s page (see [`PageRenderer::tag_link`]).
    fn make_tag_link(&self, tag: &str) -> Value {
        Value::from_serializable(&Link {
            title: tag.to_string(),
            url: self.graph.urls.tag(tag),
        })
    }

    /// A source as a question lists it (see [`PageRenderer::source_summary`]).
    fn make_source_summary(&self, s: &Source) -> Value {
        Value::from_serializable(&SourceSummary {
            title: &s.title,
            url: self.url(&s.origin.id),
            publisher: s.publisher.as_deref(),
            external_url: s.url.as_ref().map(|u| u.value.as_str()),
            source_type: s.source_type.describe(),
        })
    }

    /// A reviewer as a review names them (see [`PageRenderer::reviewer_ref`]).
    fn make_reviewer_ref(&self, r: &Reviewer) -> Value {
        Value::from_serializable(&ReviewerRef {
            name: r.name.clone(),
            role: Some(r.role.clone()),
            url: Some(self.url_of(&r.origin.id)),
            kind: Some(r.kind.name()),
            team: r.team,
        })
    }

    /// A link to a tag's page, shared when made up front.
    fn tag_link(&self, tag: &str) -> Value {
        match self.tag_links.get(tag) {
            Some(link) => link.clone(),
            None => self.make_tag_link(tag),
        }
    }

    /// A source as a question lists it, shared when made up front.
    fn source_summary(&self, s: &Source) -> Value {
        match self.source_summaries.get(s.origin.id.as_str()) {
            Some(summary) => summary.clone(),
            None => self.make_source_summary(s),
        }
    }

    /// A link to entity `id`'s page (see [`PageRenderer::link`]).
    fn make_link(&self, id: &str) -> Option<Value> {
        let e = self.graph.entities.get(id)?;
        let link = Link {
            title: e.title.to_string(),
            url: e.url.clone(),
        };
        Some(Value::from_serializable(&link))
    }

    /// A question as lists show it (see [`PageRenderer::summaries`]).
    fn make_summary(&self, q: &Question) -> Value {
        let summary = QuestionSummary {
            title: &q.question.value,
            url: self.url(&q.origin.id),
            summary: &q.summary.value,
            topic: self.link(&q.topic.value),
        };
        Value::from_serializable(&summary)
    }

    /// What quotes show of source `id`, if there is such a source.
    fn make_source_view(&self, id: &str) -> Option<SourceView> {
        let s = self.sources.get(id)?;
        Some(SourceView {
            link: self.link(id)?,
            source_type: s.source_type.describe(),
            unknowns: Value::from(unknowns(s, false)),
        })
    }

    /// A caution as pages show it (see [`PageRenderer::caution`]).
    fn make_caution(&self, c: &Caution) -> Value {
        let context = CautionContext {
            id: c.origin.id.clone(),
            title: c.title.clone(),
            url: self.url_of(&c.origin.id),
            severity: c.severity.name(),
            message_html: self.markdown(&c.message, None, None),
            get_help: self.care_cards(&c.get_help),
        };
        Value::from_serializable(&context)
    }

    /// The site whose pages these are.
    pub(super) fn site(&self) -> &'g Site {
        self.site
    }

    /// A question's summary and answer as plain words.
    pub(super) fn question_text(&self, q: &Question) -> &str {
        self.plain_question(q).map_or("", |p| p.text.as_str())
    }

    /// The ids whose titles [`PageRenderer::question_text`] of `q` asked
    /// for (each time one was asked), for the preview's cache.
    pub(super) fn question_text_links(&self, q: &Question) -> &[String] {
        self.plain_question(q).map_or(&[], |p| p.linked.as_slice())
    }

    fn plain_question(&self, q: &Question) -> Option<&PlainQuestion> {
        let slot = self.question_text.get(q.origin.id.as_str())?;
        // `None` only for a question not in the content the graph was made of.
        Some(slot.get_or_init(|| {
            let title_of = AskedTitles::new(self.graph);
            let answer = markdown::to_plain_text(&q.answer, &|id| title_of.title(id));
            PlainQuestion::new(q, &answer, title_of)
        }))
    }

    /// Frees what only pages share (links, lists, cautions), once every
    /// page is rendered: the search index, built next, needs the memory.
    pub(super) fn release_page_values(&mut self) {
        self.links = FxHashMap::default();
        self.summaries = FxHashMap::default();
        self.cautions = FxHashMap::default();
        self.source_views = FxHashMap::default();
        self.tag_links = FxHashMap::default();
        self.source_summaries = FxHashMap::default();
        self.reviewer_refs = FxHashMap::default();
    }

    /// The URL of an entity's page (worked out once, in the graph).
    fn url_of(&self, id: &str) -> String {
        self.url(id).to_string()
    }

    /// [`PageRenderer::url_of`], borrowed.
    fn url(&self, id: &str) -> &'g str {
        self.graph.url(id).unwrap_or_default()
    }

    fn markdown(
        &self,
        text: &str,
        linked: Option<&mut HashSet<String>>,
        skip_glossary_id: Option<&str>,
    ) -> String {
        let graph = self.graph;
        let resolve = |id: &str| resolve(graph, id);
        let glossary_url = |id: &str| graph.urls.entity(Kind::Glossary, id);
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
    pub(super) fn plain(&self, text: &str) -> String {
        let title_of = |id: &str| self.graph.entities.get(id).map(|e| e.title.to_string());
        markdown::to_plain_text(text, &title_of)
    }

    fn meta(&self, title: &str, description: &str, url: String, kind: &'static str) -> PageMeta {
        let canonical = self.graph.urls.absolute(&url);
        PageMeta {
            title: title.to_string(),
            description: description.to_string(),
            feedback_url: self
                .site
                .feedback
                .as_ref()
                .map(|template| crate::urls::feedback(template, &canonical)),
            canonical,
            url,
            kind,
        }
    }

    /// A review's reviewers as the page names them, with their names.
    fn reviewer_refs<'r>(&self, by: &'r Reviewers) -> (Vec<Value>, Vec<&'r str>)
    where
        'g: 'r,
    {
        reviewed_by(by, &self.reviewers)
            .into_iter()
            .map(|r| match r {
                ReviewedBy::Reviewer(r) => (self.reviewer_ref(r), r.name.as_str()),
                ReviewedBy::Name(name) => (
                    Value::from_serializable(&ReviewerRef {
                        name: name.to_string(),
                        role: None,
                        url: None,
                        kind: None,
                        team: false,
                    }),
                    name,
                ),
            })
            .unzip()
    }

    /// A reviewer as a review names them, shared when made up front.
    fn reviewer_ref(&self, r: &Reviewer) -> Value {
        match self.reviewer_refs.get(r.origin.id.as_str()) {
            Some(reviewer) => reviewer.clone(),
            None => self.make_reviewer_ref(r),
        }
    }

    fn review(&self, q: &Question) -> ReviewContext {
        let review = &q.reviewed;
        let (due, _) = due_date(review, self.max_age_days);
        let (reviewers, names) = self.reviewer_refs(&review.by);
        let clinical = clinical_review(review, &self.reviewers);
        let requires_clinical = self
            .site
            .require_clinical_review
            .as_ref()
            .is_some_and(|on| on.value);
        ReviewContext {
            on: review.on.value.to_string(),
            on_words: self.dates.words(review.on.value),
            by: names.join(", "),
            reviewers,
            clinical: review
                .clinical
                .as_ref()
                .and(clinical.as_ref())
                .map(|(on, by)| ClinicalContext {
                    on: on.to_string(),
                    on_words: self.dates.words(*on),
                    reviewers: by.iter().map(|r| self.reviewer_ref(r)).collect(),
                }),
            clinically_reviewed: clinical.is_some(),
            needs_clinical_review: requires_clinical && clinical.is_none(),
            next_due: due.to_string(),
            next_due_words: self.dates.words(due),
            overdue: due < self.today,
        }
    }

    /// Care cards as pages show them.
    fn care_cards(&self, cards: &[CareCard]) -> Vec<CareCardContext> {
        cards
            .iter()
            .map(|card| {
                let level = card.level.value;
                let (label, default_action) = match level {
                    CareLevel::NonUrgent => {
                        ("Non-urgent advice", "Contact your practitioner or GP")
                    }
                    CareLevel::Urgent => ("Urgent advice", "Get advice now"),
                    CareLevel::Emergency => (
                        "Immediate action required",
                        self.site
                            .get_help
                            .emergency_action
                            .as_deref()
                            .unwrap_or(DEFAULT_EMERGENCY_ACTION),
                    ),
                };
                CareCardContext {
                    level: level.name(),
                    label,
                    action: card
                        .action
                        .as_ref()
                        .map_or(default_action, |a| a.value.as_str())
                        .trim()
                        .to_string(),
                    when: card
                        .when
                        .iter()
                        .map(|w| w.value.trim().to_string())
                        .collect(),
                }
            })
            .collect()
    }

    /// The get-help page: per caution, then per question (in topic and
    /// reading order), the care cards it carries, with whether a clinician
    /// reviewed them.
    fn get_help_sections(&self) -> Vec<GetHelpSection> {
        let g = self.graph;
        let mut sections: Vec<GetHelpSection> = Vec::new();
        let mut cautions: Vec<&Caution> = g.content.cautions.iter().collect();
        cautions.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| by_title(&a.title, &b.title))
        });
        for c in cautions.into_iter().filter(|c| !c.get_help.is_empty()) {
            sections.push(GetHelpSection {
                title: c.title.clone(),
                url: self.url_of(&c.origin.id),
                cards: self.care_cards(&c.get_help),
                clinically_reviewed: None,
            });
        }
        for topic in &g.topics {
            let questions = g.topic_questions.get(topic.origin.id.as_str());
            for q in questions.into_iter().flatten() {
                if q.get_help.is_empty() {
                    continue;
                }
                sections.push(GetHelpSection {
                    title: q.question.value.clone(),
                    url: self.url_of(&q.origin.id),
                    cards: self.care_cards(&q.get_help),
                    clinically_reviewed: Some(
                        clinical_review(&q.reviewed, &self.reviewers).is_some(),
                    ),
                });
            }
        }
        sections
    }

    /// A question's care cards: its own, then those of its cautions.
    fn question_care_cards(&self, q: &Question) -> Vec<CareCardContext> {
        let mut cards = self.care_cards(&q.get_help);
        for id in &q.cautions {
            if let Some(c) = self
                .graph
                .content
                .cautions
                .iter()
                .find(|c| c.origin.id == id.value)
            {
                cards.extend(self.care_cards(&c.get_help));
            }
        }
        cards
    }

    /// Output path and context of one page.
    pub(super) fn page(&self, job: &Job) -> (String, tera::Context) {
        let g = self.graph;
        let urls = &g.urls;
        let mut context = tera::Context::new();
        let (path, meta) = match job {
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
                    urls.section(Section::Home),
                    "home",
                );
                ("index.html".to_string(), meta)
            }
            Job::Question(q) => {
                let question = self.question(q);
                context.insert("json_ld", &self.question_json_ld(q, &question));
                let meta = self.meta(
                    &q.question,
                    &q.summary,
                    question.url.to_string(),
                    "question",
                );
                context.insert("question", &question);
                (format!("questions/{}/index.html", q.origin.id), meta)
            }
            Job::Topic(t) => {
                context.insert("topic", &self.topic_listing(t));
                context.insert("backlinks", &self.backlinks(&t.origin.id));
                let url = self.url_of(&t.origin.id);
                let description = format!("Questions about {}", t.title.to_lowercase());
                let meta = self.meta(&t.title, &description, url, "topic");
                (format!("topics/{}/index.html", t.origin.id), meta)
            }
            Job::Source(s, part) => {
                context.insert("source", &self.source(s, *part));
                let url = urls.source_part(&s.origin.id, *part);
                let (title, path) = match part {
                    1 => (
                        s.title.clone(),
                        format!("sources/{}/index.html", s.origin.id),
                    ),
                    _ => (
                        format!("{}, part {part}", s.title),
                        format!("sources/{}/{part}/index.html", s.origin.id),
                    ),
                };
                let meta = self.meta(
                    &title,
                    &format!("What this site quotes from {}", s.title),
                    url,
                    "source",
                );
                (path, meta)
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
                let url = self.url_of(&c.origin.id);
                let description = self.plain(&c.message);
                let meta = self.meta(&c.title, &description, url, "caution");
                (format!("cautions/{}/index.html", c.origin.id), meta)
            }
            Job::Page(p) => {
                context.insert("body_html", &self.markdown(&p.body, None, None));
                context.insert("backlinks", &self.backlinks(&p.origin.id));
                let url = self.url_of(&p.origin.id);
                let meta = self.meta(&p.title, &self.site.description, url, "page");
                (format!("{}/index.html", p.origin.id), meta)
            }
            Job::Tag(tag) => {
                let questions = g.tags.get(tag).map(Vec::as_slice).unwrap_or(&[]);
                context.insert("tag", tag);
                context.insert("questions", &self.summaries(questions));
                let title = format!("Questions tagged “{tag}”");
                let meta = self.meta(&title, &title, urls.tag(tag), "tag");
                (format!("tags/{tag}/index.html"), meta)
            }
            Job::Tags => {
                let tags: Vec<_> = g
                    .tags
                    .iter()
                    .map(|(tag, qs)| {
                        serde_json::json!({ "name": tag, "url": urls.tag(tag), "count": qs.len() })
                    })
                    .collect();
                context.insert("tags", &tags);
                let meta = self.meta(
                    "All tags",
                    "Every tag, with its questions",
                    urls.section(Section::Tags),
                    "tags",
                );
                ("tags/index.html".to_string(), meta)
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
                    urls.section(Section::Glossary),
                    "glossary",
                );
                ("glossary/index.html".to_string(), meta)
            }
            Job::Search => {
                let meta = self.meta(
                    "Search",
                    "Search this site",
                    urls.section(Section::Search),
                    "search",
                );
                ("search/index.html".to_string(), meta)
            }
            Job::Reviewer(r) => {
                let id = r.origin.id.as_str();
                let reviewed: Vec<ReviewedQuestion> = g
                    .reviewer_questions
                    .get(id)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .map(|q| {
                        let clinical = q
                            .reviewed
                            .clinical
                            .as_ref()
                            .filter(|c| c.by.entries.iter().any(|e| e.value == id));
                        let on = clinical.map_or(q.reviewed.on.value, |c| c.on.value);
                        ReviewedQuestion {
                            title: q.question.value.clone(),
                            url: self.url_of(&q.origin.id),
                            on: on.to_string(),
                            on_words: self.dates.words(on),
                        }
                    })
                    .collect();
                context.insert(
                    "reviewer",
                    &ReviewerPage {
                        name: r.name.clone(),
                        role: r.role.clone(),
                        kind: r.kind.name(),
                        team: r.team,
                        credentials: r.credentials.clone(),
                        registration: r.registration.clone(),
                        reviewed,
                    },
                );
                context.insert("backlinks", &self.backlinks(id));
                let description = format!("{}, {}: the answers they reviewed", r.name, r.role);
                let meta = self.meta(&r.name, &description, self.url_of(id), "reviewer");
                (format!("reviewers/{id}/index.html"), meta)
            }
            Job::GetHelp => {
                context.insert("sections", &self.get_help_sections());
                let meta = self.meta(
                    "When to get help",
                    "When and where to get help, gathered from every page of this site",
                    urls.section(Section::GetHelp),
                    "get-help",
                );
                ("get-help/index.html".to_string(), meta)
            }
            Job::Cautions => {
                context.insert(
                    "cautions",
                    &self.caution_links(g.content.cautions.iter().collect()),
                );
                let meta = self.meta(
                    "Safety notes",
                    "Every safety note on this site, the most serious first",
                    urls.section(Section::Cautions),
                    "cautions",
                );
                ("cautions/index.html".to_string(), meta)
            }
            Job::NotFound => {
                let topics: Vec<_> = g
                    .topics
                    .iter()
                    .map(|t| Link {
                        title: t.title.clone(),
                        url: self.url_of(&t.origin.id),
                    })
                    .collect();
                context.insert("topics", &topics);
                let meta = self.meta(
                    "Page not found",
                    "This page does not exist",
                    urls.section(Section::NotFound),
                    "404",
                );
                ("404.html".to_string(), meta)
            }
        };
        context.insert("page", &meta);
        (path, context)
    }

    /// A link to an entity's page, shared when made up front (see
    /// [`PageRenderer::links`]).
    fn link(&self, id: &str) -> Option<Value> {
        match self.links.get(id) {
            Some(link) => Some(link.clone()),
            None => self.make_link(id),
        }
    }

    fn backlinks(&self, id: &str) -> Vec<Value> {
        self.graph
            .backlinks
            .get(id)
            .map(|ids| ids.iter().filter_map(|i| self.link(i)).collect())
            .unwrap_or_default()
    }

    /// The questions as lists show them, shared (see [`QuestionSummary`]).
    fn summaries(&self, questions: &[&Question]) -> Vec<Value> {
        questions
            .iter()
            .map(|q| match self.summaries.get(q.origin.id.as_str()) {
                Some(summary) => summary.clone(),
                None => self.make_summary(q),
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
            url: self.url_of(&topic.origin.id),
            intro_html: topic.intro.as_ref().map(|i| self.markdown(i, None, None)),
            questions: self.summaries(questions),
        }
    }

    /// Cautions in the order a reader needs them: the most serious first,
    /// then by title.
    fn caution_links(&self, mut cautions: Vec<&Caution>) -> Vec<Value> {
        cautions.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| by_title(&a.title, &b.title))
        });
        cautions.into_iter().map(|c| self.caution(c)).collect()
    }

    /// A caution as pages show it, shared when made up front.
    fn caution(&self, c: &Caution) -> Value {
        match self.cautions.get(c.origin.id.as_str()) {
            Some(caution) => caution.clone(),
            None => self.make_caution(c),
        }
    }

    /// A quote as a page shows it: the words of its passage (as the
    /// archive has them), and what it shows of its source, shared.
    fn quote<'q>(&'q self, quote: &'q Quote) -> QuoteContext<'q> {
        let source_id = quote.source.value.as_str();
        let attribution = quote.attribution.as_deref();
        let stance = quote.stance.name();
        let made;
        let view = match self.source_views.get(source_id) {
            Some(view) => Some(view),
            None => {
                made = self.make_source_view(source_id);
                made.as_ref()
            }
        };
        let (source, source_type, unknowns) = match view {
            Some(s) => (s.link.clone(), s.source_type, s.unknowns.clone()),
            None => (
                Value::from_serializable(&Link {
                    title: source_id.to_string(),
                    url: String::new(),
                }),
                SourceType::Unknown.describe(),
                Value::from(String::new()),
            ),
        };
        let archive = self
            .sources
            .get(source_id)
            .and_then(|s| s.archive_text.as_deref());
        let (Some(passage), Some(archive)) = (self.graph.passage(source_id, &quote.text), archive)
        else {
            // Not located (only when render runs on content check has not
            // seen): the editor's words, as written.
            return QuoteContext {
                text: collapse_white_space(quote.text.value.trim()).into(),
                cut_before: false,
                cut_after: false,
                passage_url: self.url_of(source_id),
                source,
                original_url: None,
                context: Vec::new(),
                context_cut: false,
                attribution,
                stance,
                source_type,
                unknowns,
            };
        };
        let found = &passage.found;
        let whole = archive[found.paragraph.clone()].trim() == archive[found.range.clone()].trim();
        let (context, context_cut) = match whole {
            true => (Vec::new(), false),
            false => {
                let window = Window::around(archive, &found.paragraph, &found.range);
                (
                    window.segments(archive, std::slice::from_ref(&found.range)),
                    window.is_cut(),
                )
            }
        };
        QuoteContext {
            text: passage.text.as_str().into(),
            cut_before: !found.starts_sentence,
            cut_after: !found.ends_sentence,
            passage_url: self.passage_url(source_id, passage),
            source,
            original_url: passage.original.as_deref(),
            context,
            context_cut,
            attribution,
            stance,
            source_type,
            unknowns,
        }
    }

    /// Where a passage is shown: its part of its source's page, at its anchor.
    fn passage_url(&self, source: &str, passage: &Passage) -> String {
        let urls = &self.graph.urls;
        urls.with_fragment(&urls.source_part(source, passage.part), &passage.anchor)
    }

    /// Whether a fact's quotes come from several sources, and who speaks on
    /// each side (see [`Agreement`]).
    fn agreement(&self, fact: &Fact) -> Agreement {
        let voice = |q: &Quote| match q.attribution.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_string(),
            _ => "the source itself".to_string(),
        };
        let voices = |quotes: &mut dyn Iterator<Item = &Quote>| {
            let mut names: Vec<String> = Vec::new();
            for q in quotes {
                let name = voice(q);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            names
        };
        let contradicted = fact.quotes.iter().any(|q| q.stance == Stance::Contradicts);
        let on_this_side = |q: &&Quote| match q.stance {
            Stance::Supports => true,
            Stance::Qualifies => contradicted,
            Stance::Contradicts => false,
        };
        let this_side = voices(&mut fact.quotes.iter().filter(on_this_side));
        let other_side = voices(&mut fact.quotes.iter().filter(|q| !on_this_side(q)));
        let sources: BTreeSet<&str> = fact
            .quotes
            .iter()
            .map(|q| q.source.value.as_str())
            .collect();
        let all_voices = voices(&mut fact.quotes.iter());
        let (kind, source) = match sources.into_iter().collect::<Vec<_>>().as_slice() {
            [only] => (
                if all_voices.len() > 1 {
                    "one-source-voices"
                } else {
                    "one-source"
                },
                Some(
                    self.graph
                        .entities
                        .get(only)
                        .map_or_else(|| only.to_string(), |e| e.title.to_string()),
                ),
            ),
            _ => ("sources", None),
        };
        Agreement {
            kind,
            source,
            this_side,
            other_side,
        }
    }

    fn question<'q>(&'q self, q: &'q Question) -> QuestionContext<'q> {
        let g = self.graph;
        let id = q.origin.id.as_str();
        let mut linked = HashSet::new();
        let title_of = AskedTitles::new(g);
        let (answer_html, plain) = {
            let resolve = |id: &str| resolve(g, id);
            let glossary_url = |id: &str| g.urls.entity(Kind::Glossary, id);
            markdown::to_html_and_plain_text(
                &q.answer,
                RenderContext {
                    resolve: &resolve,
                    glossary: Some(&g.glossary),
                    glossary_linked: Some(&mut linked),
                    skip_glossary_id: None,
                    glossary_url: &glossary_url,
                },
                &|id| title_of.title(id),
            )
        };
        if let Some(slot) = self.question_text.get(id) {
            slot.get_or_init(|| PlainQuestion::new(q, &plain, title_of));
        }
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
                    weak_sources: crate::check::source_quality::weak_sources(
                        Some(self.site),
                        &self.sources,
                        f,
                    )
                    .unwrap_or_default()
                    .into_iter()
                    .map(SourceType::describe)
                    .collect(),
                    claim: &f.claim.value,
                    status,
                    agreement: self.agreement(f),
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
        let quotes = |list: &'q [Quote]| -> Vec<QuoteContext<'q>> {
            list.iter().map(|x| self.quote(x)).collect()
        };
        let money = |v: &Option<Spanned<Number>>, currency: &str| {
            v.as_ref()
                .map(|v| self.amounts.format(&v.value.to_string(), currency))
        };
        let cited: BTreeSet<&str> = crate::link::question_quotes(q)
            .map(|x| x.source.value.as_str())
            .collect();
        let sources = cited
            .into_iter()
            .filter_map(|s| self.sources.get(s))
            .map(|s| self.source_summary(s))
            .collect();
        let plain = self.question_text(q);
        QuestionContext {
            id,
            title: &q.question.value,
            url: self.url(id),
            summary: &q.summary.value,
            answer_html,
            topic: self.link(&q.topic),
            tags: q.tags.iter().map(|t| self.tag_link(t)).collect(),
            facts,
            cautions,
            related: self.summaries(g.related.get(id).map(Vec::as_slice).unwrap_or(&[])),
            backlinks: self.backlinks(id),
            review: self.review(q),
            cost: q.cost.as_ref().map(|c| CostContext {
                currency: &c.currency.value,
                per: &c.per.value,
                typical: money(&c.typical, &c.currency),
                low: money(&c.low, &c.currency),
                high: money(&c.high, &c.currency),
                basis: c.basis.as_ref().map(|b| b.value.as_str()),
                factors: c.factors.iter().map(|f| f.value.as_str()).collect(),
                quotes: quotes(&c.quotes),
            }),
            comparison: q.comparison.as_ref().map(|c| ComparisonContext {
                with: &c.with.value,
                rows: c
                    .rows
                    .iter()
                    .map(|r| RowContext {
                        aspect: &r.aspect.value,
                        ours: &r.ours.value,
                        theirs: &r.theirs.value,
                    })
                    .collect(),
                quotes: quotes(&c.quotes),
            }),
            timeline: q.timeline.as_ref().map(|t| TimelineContext {
                steps: t
                    .steps
                    .iter()
                    .map(|s| StepContext {
                        when: &s.when.value,
                        what: &s.what.value,
                    })
                    .collect(),
                quotes: quotes(&t.quotes),
            }),
            previous: g.previous.get(id).and_then(|p| self.link(&p.origin.id)),
            next: g.next.get(id).and_then(|n| self.link(&n.origin.id)),
            reading_grade: self
                .reading_grade
                .then(|| readability::flesch_kincaid_grade(plain))
                .flatten(),
            // Worked out only for sites that show it: editors see it in
            // `cited check`, and a page need not pay for what it hides.
            reading: self
                .site
                .readability_show
                .then(|| self.reading(q))
                .flatten(),
            sources,
            get_help: self.question_care_cards(q),
            changes: {
                let mut changes: Vec<&Change> = q.changes.iter().collect();
                changes.sort_by_key(|c| std::cmp::Reverse(c.on.value));
                changes
                    .into_iter()
                    .map(|c| ChangeContext {
                        on: c.on.value.to_string(),
                        on_words: self.dates.words(c.on.value),
                        what: c.what.value.trim().to_string(),
                    })
                    .collect()
            },
            subject: q
                .subject
                .as_deref()
                .or(self.site.subject.as_deref())
                .unwrap_or("This treatment"),
        }
    }

    /// The page's reading level as whole grades: of its own text (summary,
    /// answer, claims) and of the whole page, its quotes too.
    fn reading(&self, q: &Question) -> Option<ReadingContext> {
        // The summary and answer as plain words are worked out once, in `new`.
        let mut own = readability::Counts::of(self.question_text(q));
        for fact in &q.facts {
            own.add(readability::Counts::of(&fact.claim));
        }
        let mut whole = own;
        for quote in crate::link::question_quotes(q) {
            whole.add(readability::Counts::of(&quote.text));
        }
        Some(ReadingContext {
            grade: readability::whole_grade(own.flesch_kincaid()?),
            smog: readability::whole_grade(own.smog()?),
            page_grade: readability::whole_grade(whole.flesch_kincaid()?),
            page_smog: readability::whole_grade(whole.smog()?),
        })
    }

    /// Part `part` of a source's page: its passages once each, in the
    /// archive's order, grouped by paragraph, with what cites each.
    fn source(&self, s: &Source, part: usize) -> SourcePage {
        let id = s.origin.id.as_str();
        let archive = s.archive_text.as_deref().unwrap_or_default();
        let all: &[Passage] = self
            .graph
            .passages
            .get(id)
            .map_or(&[], |p| p.passages.as_slice());
        let mut parts: Vec<PartLink> = Vec::new();
        for passage in all {
            match parts.last_mut() {
                Some(last) if last.number == passage.part => last.passages += 1,
                _ => parts.push(PartLink {
                    number: passage.part,
                    url: self.graph.urls.source_part(id, passage.part),
                    current: passage.part == part,
                    passages: 1,
                }),
            }
        }
        if parts.len() == 1 && parts[0].number == 1 {
            parts.clear(); // One page: nothing to navigate.
        }
        let mut blocks: Vec<PassageBlock> = Vec::new();
        let mut in_part = all.iter().filter(|p| p.part == part).peekable();
        while let Some(first) = in_part.next() {
            // The passages of one paragraph, unless it is so long that they
            // are far apart: each is then shown in the text around it.
            let mut members = vec![first];
            let mut quoted_end = first.found.range.end;
            while let Some(next) = in_part.next_if(|p| {
                p.found.paragraph.start == first.found.paragraph.start
                    && p.found.range.start <= quoted_end + 2 * CONTEXT_BYTES
            }) {
                quoted_end = quoted_end.max(next.found.range.end);
                members.push(next);
            }
            let paragraph = first.found.paragraph.start
                ..members
                    .iter()
                    .map(|p| p.found.paragraph.end)
                    .max()
                    .unwrap_or(first.found.paragraph.end);
            let marks: Vec<std::ops::Range<usize>> =
                members.iter().map(|p| p.found.range.clone()).collect();
            let window =
                Window::around(archive, &paragraph, &(first.found.range.start..quoted_end));
            blocks.push(PassageBlock {
                paragraph: window.segments(archive, &marks),
                passages: members
                    .into_iter()
                    .map(|p| PassageContext {
                        anchor: p.anchor.clone(),
                        text: p.text.clone(),
                        cut_before: !p.found.starts_sentence,
                        cut_after: !p.found.ends_sentence,
                        original_url: p.original.clone(),
                        citing: p.citing.iter().filter_map(|by| self.link(by)).collect(),
                    })
                    .collect(),
            });
        }
        SourcePage {
            id: id.to_string(),
            title: s.title.clone(),
            source_type: s.source_type.describe(),
            author: s.author.clone(),
            conflicts: s.conflicts.clone(),
            notes: s.notes.clone(),
            unknowns: unknowns(s, true),
            publisher: s.publisher.clone(),
            url: s.url.as_ref().map(|u| u.value.clone()),
            published: s.published.as_ref().map(|d| d.value.to_string()),
            published_words: s.published.as_ref().map(|d| self.dates.words(d.value)),
            accessed: s.accessed.as_ref().map(|d| d.value.to_string()),
            accessed_words: s.accessed.as_ref().map(|d| self.dates.words(d.value)),
            backlinks: self.backlinks(id),
            part,
            own_page: self.url_of(id),
            parts,
            passage_count: all.len(),
            blocks,
        }
    }

    /// schema.org data for search engines: the question as an FAQPage, and the
    /// page as a MedicalWebPage with its review date.
    ///
    /// Typed structs that borrow from the content, serialised straight to
    /// text: each object's fields are declared in the order of their keys
    /// (as a JSON map sorts them), which is the order pages have always had.
    fn question_json_ld(&self, q: &Question, ctx: &QuestionContext) -> String {
        let urls = &self.graph.urls;
        let url = urls.absolute(ctx.url);
        // Only reviewers with a file: a plain name says nothing of whether
        // it is a person or what they do, so no claim is made of it.
        let mut reviewers: Vec<ld::Agent> = reviewed_by(&q.reviewed.by, &self.reviewers)
            .into_iter()
            .chain(
                q.reviewed
                    .clinical
                    .iter()
                    .flat_map(|c| reviewed_by(&c.by, &self.reviewers)),
            )
            .filter_map(|r| match r {
                ReviewedBy::Reviewer(r) => Some(r),
                ReviewedBy::Name(_) => None,
            })
            .fold(Vec::<&Reviewer>::new(), |mut seen, r| {
                if !seen.iter().any(|s| std::ptr::eq(*s, r)) {
                    seen.push(r);
                }
                seen
            })
            .into_iter()
            .map(|r| match r.team {
                true => ld::Agent::Organization {
                    name: &r.name,
                    url: None,
                },
                false => ld::Agent::Person {
                    job_title: &r.role,
                    name: &r.name,
                },
            })
            .collect();
        let citation: Vec<ld::CreativeWork> = crate::link::question_quotes(q)
            .map(|x| x.source.value.as_str())
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .filter_map(|id| self.sources.get(id))
            .map(|s| ld::CreativeWork {
                kind: "CreativeWork",
                author: s.author.as_deref().map(|name| ld::Thing {
                    kind: "Thing",
                    name,
                }),
                date_published: s.published.as_ref().map(|d| d.value.to_string()),
                name: &s.title,
                publisher: s
                    .publisher
                    .as_deref()
                    .map(|name| ld::Agent::Organization { name, url: None }),
                url: s.url.as_ref().map(|u| u.value.as_str()),
            })
            .collect();
        let data = ld::Document {
            context: "https://schema.org",
            graph: (
                ld::FaqPage {
                    id: urls.absolute_with_fragment(ctx.url, "faq"),
                    kind: "FAQPage",
                    main_entity: [ld::Question {
                        kind: "Question",
                        accepted_answer: ld::Answer {
                            kind: "Answer",
                            text: self.question_text(q),
                        },
                        name: &q.question.value,
                    }],
                },
                ld::MedicalWebPage {
                    id: &url,
                    kind: "MedicalWebPage",
                    citation,
                    description: &q.summary.value,
                    in_language: &self.site.language.value,
                    is_part_of: ld::WebSite {
                        kind: "WebSite",
                        name: &self.site.title,
                        url: urls.base(),
                    },
                    last_reviewed: &ctx.review.on,
                    medical_audience: ld::MedicalAudience {
                        kind: "MedicalAudience",
                        audience_type: "Patient",
                    },
                    name: &q.question.value,
                    publisher: self
                        .site
                        .publisher
                        .as_ref()
                        .map(|p| ld::Agent::Organization {
                            name: &p.name,
                            url: p.url.as_ref().map(|u| u.value.as_str()),
                        }),
                    reviewed_by: match reviewers.len() {
                        0 | 1 => reviewers.pop().map(ld::OneOrMany::One),
                        _ => Some(ld::OneOrMany::Many(reviewers)),
                    },
                    url: &url,
                },
            ),
        };
        json_for_html(&data)
    }
}

/// The shapes of a question page's schema.org data ([`PageRenderer::question_json_ld`]).
/// Fields are in the order of their JSON keys, byte by byte ("@" first).
mod ld {
    use serde::Serialize;

    #[derive(Serialize)]
    pub(super) struct Document<'a> {
        #[serde(rename = "@context")]
        pub context: &'static str,
        #[serde(rename = "@graph")]
        pub graph: (FaqPage<'a>, MedicalWebPage<'a>),
    }

    #[derive(Serialize)]
    pub(super) struct FaqPage<'a> {
        #[serde(rename = "@id")]
        pub id: String,
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(rename = "mainEntity")]
        pub main_entity: [Question<'a>; 1],
    }

    #[derive(Serialize)]
    pub(super) struct Question<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(rename = "acceptedAnswer")]
        pub accepted_answer: Answer<'a>,
        pub name: &'a str,
    }

    #[derive(Serialize)]
    pub(super) struct Answer<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub text: &'a str,
    }

    #[derive(Serialize)]
    pub(super) struct MedicalWebPage<'a> {
        #[serde(rename = "@id")]
        pub id: &'a str,
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub citation: Vec<CreativeWork<'a>>,
        pub description: &'a str,
        #[serde(rename = "inLanguage")]
        pub in_language: &'a str,
        #[serde(rename = "isPartOf")]
        pub is_part_of: WebSite<'a>,
        #[serde(rename = "lastReviewed")]
        pub last_reviewed: &'a str,
        #[serde(rename = "medicalAudience")]
        pub medical_audience: MedicalAudience,
        pub name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub publisher: Option<Agent<'a>>,
        #[serde(rename = "reviewedBy", skip_serializing_if = "Option::is_none")]
        pub reviewed_by: Option<OneOrMany<Agent<'a>>>,
        pub url: &'a str,
    }

    #[derive(Serialize)]
    pub(super) struct WebSite<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub name: &'a str,
        pub url: &'a str,
    }

    #[derive(Serialize)]
    pub(super) struct MedicalAudience {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(rename = "audienceType")]
        pub audience_type: &'static str,
    }

    #[derive(Serialize)]
    pub(super) struct CreativeWork<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub author: Option<Thing<'a>>,
        #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
        pub date_published: Option<String>,
        pub name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub publisher: Option<Agent<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub url: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub(super) struct Thing<'a> {
        #[serde(rename = "@type")]
        pub kind: &'static str,
        pub name: &'a str,
    }

    /// A person or an organisation, tagged by `@type` (which sorts first).
    #[derive(Serialize)]
    #[serde(tag = "@type")]
    pub(super) enum Agent<'a> {
        Organization {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            url: Option<&'a str>,
        },
        Person {
            #[serde(rename = "jobTitle")]
            job_title: &'a str,
            name: &'a str,
        },
    }

    /// One value alone, or several in an array.
    #[derive(Serialize)]
    #[serde(untagged)]
    pub(super) enum OneOrMany<T> {
        One(T),
        Many(Vec<T>),
    }
}

/// A question's summary and answer as plain words
/// ([`PageRenderer::question_text`]), and the ids whose titles its answer's
/// words asked for.
struct PlainQuestion {
    text: String,
    linked: Vec<String>,
}

impl PlainQuestion {
    /// From the answer as plain words, made with `asked`.
    fn new(q: &Question, answer: &str, asked: AskedTitles) -> Self {
        PlainQuestion {
            text: format!("{}\n{}", q.summary.value, answer),
            linked: asked.asked.into_inner(),
        }
    }
}

/// Entities' titles for plain words, noting each id asked for.
struct AskedTitles<'g> {
    graph: &'g Graph<'g>,
    asked: std::cell::RefCell<Vec<String>>,
}

impl<'g> AskedTitles<'g> {
    fn new(graph: &'g Graph<'g>) -> Self {
        AskedTitles {
            graph,
            asked: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn title(&self, id: &str) -> Option<String> {
        self.asked.borrow_mut().push(id.to_string());
        self.graph.entities.get(id).map(|e| e.title.to_string())
    }
}

/// What an emergency care card says to do when the site sets nothing: no
/// country's number, which cited cannot know.
const DEFAULT_EMERGENCY_ACTION: &str = "Call the emergency services";

/// What a source does not say about itself, in words ("publisher and date
/// unknown"), so a reader is told rather than left to notice. With
/// `author`, its author too (a source page says everything it lacks).
fn unknowns(source: &Source, author: bool) -> String {
    let missing: Vec<&str> = [
        (author && source.author.is_none()).then_some("author"),
        source.publisher.is_none().then_some("publisher"),
        source.published.is_none().then_some("date"),
    ]
    .into_iter()
    .flatten()
    .collect();
    match missing.as_slice() {
        [] => String::new(),
        [one] => format!("{one} unknown"),
        [init @ .., last] => format!("{} and {last} unknown", init.join(", ")),
    }
}

/// How much of a long paragraph is shown either side of what is quoted
/// from it: a paragraph can be a whole archive on one line (text taken from
/// a PDF), and a page must not carry megabytes for one quote.
const CONTEXT_BYTES: usize = 400;

/// The part of a paragraph shown around a quoted range: all of it, or when
/// it is long, [`CONTEXT_BYTES`] either side of the quote, cut at white
/// space, with "…" where it is cut.
struct Window {
    range: std::ops::Range<usize>,
    cut_before: bool,
    cut_after: bool,
}

impl Window {
    fn around(
        archive: &str,
        paragraph: &std::ops::Range<usize>,
        quoted: &std::ops::Range<usize>,
    ) -> Window {
        let mut start = paragraph.start;
        if quoted.start.saturating_sub(paragraph.start) > CONTEXT_BYTES {
            let from = ceil_char(archive, quoted.start - CONTEXT_BYTES);
            // From the first white space on, so that no word is cut.
            start = archive[from..quoted.start]
                .find(char::is_whitespace)
                .map_or(quoted.start, |i| from + i);
        }
        let mut end = paragraph.end;
        if paragraph.end.saturating_sub(quoted.end) > CONTEXT_BYTES {
            let to = floor_char(archive, quoted.end + CONTEXT_BYTES);
            end = archive[quoted.end..to]
                .rfind(char::is_whitespace)
                .map_or(quoted.end, |i| quoted.end + i);
        }
        Window {
            cut_before: start > paragraph.start,
            cut_after: end < paragraph.end,
            range: start..end,
        }
    }

    fn is_cut(&self) -> bool {
        self.cut_before || self.cut_after
    }

    /// The window's text in pieces, `marks` marked, "…" where it is cut.
    fn segments(&self, archive: &str, marks: &[std::ops::Range<usize>]) -> Vec<Segment> {
        let ellipsis = || Segment {
            text: "…".to_string(),
            mark: false,
        };
        let mut pieces = Vec::new();
        if self.cut_before {
            pieces.push(ellipsis());
        }
        pieces.extend(segments(archive, &self.range, marks));
        if self.cut_after {
            pieces.push(ellipsis());
        }
        pieces
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The text of `paragraph` (a range of `archive`) in pieces, the parts in
/// `marks` marked (overlapping ones merged), white space collapsed and the
/// paragraph's ends trimmed.
fn segments(
    archive: &str,
    paragraph: &std::ops::Range<usize>,
    marks: &[std::ops::Range<usize>],
) -> Vec<Segment> {
    let mut marks: Vec<std::ops::Range<usize>> = marks
        .iter()
        .map(|m| m.start.max(paragraph.start)..m.end.min(paragraph.end))
        .filter(|m| m.start < m.end)
        .collect();
    marks.sort_by_key(|m| (m.start, m.end));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for mark in marks {
        match merged.last_mut() {
            Some(last) if mark.start <= last.end => last.end = last.end.max(mark.end),
            _ => merged.push(mark),
        }
    }
    let mut pieces = Vec::new();
    let mut at = paragraph.start;
    for mark in merged {
        pieces.push((at..mark.start, false));
        pieces.push((mark.clone(), true));
        at = mark.end;
    }
    pieces.push((at..paragraph.end, false));
    let last = pieces.len() - 1;
    pieces
        .into_iter()
        .enumerate()
        .filter_map(|(i, (range, mark))| {
            let mut text = collapse_white_space(&archive[range]);
            if i == 0 {
                text = text.trim_start().to_string();
            }
            if i == last {
                text.truncate(text.trim_end().len());
            }
            (!text.is_empty()).then_some(Segment { text, mark })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The structured data's structs must write their keys in the order a
    /// JSON map sorts them, as pages always had them: the same object read
    /// into a `serde_json::Value` (a sorted map) and written again must be
    /// the same text. Every optional field is filled, and a list of several
    /// reviewers given, so that every key is written.
    #[test]
    fn structured_data_keys_are_in_sorted_order() {
        let person = || ld::Agent::Person {
            job_title: "Consultant",
            name: "A",
        };
        let organisation = || ld::Agent::Organization {
            name: "B",
            url: Some("https://b.example/"),
        };
        let document = ld::Document {
            context: "https://schema.org",
            graph: (
                ld::FaqPage {
                    id: "https://x.example/q/#faq".into(),
                    kind: "FAQPage",
                    main_entity: [ld::Question {
                        kind: "Question",
                        accepted_answer: ld::Answer {
                            kind: "Answer",
                            text: "text",
                        },
                        name: "name",
                    }],
                },
                ld::MedicalWebPage {
                    id: "https://x.example/q/",
                    kind: "MedicalWebPage",
                    citation: vec![ld::CreativeWork {
                        kind: "CreativeWork",
                        author: Some(ld::Thing {
                            kind: "Thing",
                            name: "author",
                        }),
                        date_published: Some("2026-01-01".into()),
                        name: "work",
                        publisher: Some(organisation()),
                        url: Some("https://w.example/"),
                    }],
                    description: "d",
                    in_language: "en",
                    is_part_of: ld::WebSite {
                        kind: "WebSite",
                        name: "site",
                        url: "https://x.example/",
                    },
                    last_reviewed: "2026-01-02",
                    medical_audience: ld::MedicalAudience {
                        kind: "MedicalAudience",
                        audience_type: "Patient",
                    },
                    name: "name",
                    publisher: Some(organisation()),
                    reviewed_by: Some(ld::OneOrMany::Many(vec![organisation(), person()])),
                    url: "https://x.example/q/",
                },
            ),
        };
        let written = serde_json::to_string(&document).unwrap();
        let sorted: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(written, sorted.to_string());
        // And one reviewer alone is an object, not a list.
        let one = ld::OneOrMany::One(person());
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            r#"{"@type":"Person","jobTitle":"Consultant","name":"A"}"#
        );
    }

    #[test]
    fn a_long_paragraph_is_shown_around_the_quote() {
        let words = "wörd ".repeat(1000);
        let archive = format!("{words}the quoted part {words}");
        let start = archive.find("the quoted").unwrap();
        let quoted = start..start + "the quoted part".len();
        let window = Window::around(&archive, &(0..archive.len()), &quoted);
        assert!(window.cut_before && window.cut_after);
        let shown: Vec<(String, bool)> = window
            .segments(&archive, std::slice::from_ref(&quoted))
            .into_iter()
            .map(|s| (s.text, s.mark))
            .collect();
        assert_eq!(shown.len(), 5, "{shown:?}");
        assert_eq!(shown[0], ("…".to_string(), false));
        assert_eq!(shown[2], ("the quoted part".to_string(), true));
        assert_eq!(shown[4], ("…".to_string(), false));
        // Whole words, at most CONTEXT_BYTES either side.
        assert!(shown[1].0.len() <= CONTEXT_BYTES && shown[1].0.starts_with("wörd"));
        assert!(shown[3].0.len() <= CONTEXT_BYTES && shown[3].0.ends_with("wörd"));
        // A short paragraph is shown whole.
        let short = quoted.start - 10..quoted.end + 12;
        let window = Window::around(&archive, &short, &quoted);
        assert!(!window.is_cut());
        assert_eq!(window.range, short);
    }

    #[test]
    fn segments_mark_the_quoted_parts_of_a_paragraph() {
        let archive = "x\n  One  two\nthree four five.  \ny";
        let paragraph = 2..archive.len() - 2;
        let at = |word: &str| {
            let start = archive.find(word).unwrap();
            start..start + word.len()
        };
        let shown = |marks: &[std::ops::Range<usize>]| -> Vec<(String, bool)> {
            segments(archive, &paragraph, marks)
                .into_iter()
                .map(|s| (s.text, s.mark))
                .collect()
        };
        assert_eq!(
            shown(&[at("two\nthree")]),
            [
                ("One ".to_string(), false),
                ("two three".to_string(), true),
                (" four five.".to_string(), false)
            ]
        );
        // Overlapping marks merge; a mark at the start leaves no empty piece.
        assert_eq!(
            shown(&[at("two\nthree four"), at("One  two"), at("five.")]),
            [
                ("One two three four".to_string(), true),
                (" ".to_string(), false),
                ("five.".to_string(), true)
            ]
        );
    }
}
