//! Page contexts: what each page shows, as plain serialisable structs.
//!
//! Each page gets its own entity and the few others it links to, never the
//! whole site. This module decides what a page says; the templates decide
//! how it looks, and `mod.rs` decides which pages there are.

use std::collections::{BTreeSet, HashMap, HashSet};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::check::{due_date, readability, review_max_age_days};
use crate::link::{Graph, by_title};
use crate::markdown::{self, RenderContext};
use crate::model::*;

use crate::urls::Section;

use super::{HOME_QUESTIONS_PER_TOPIC, Job, json_for_html, resolve};

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
pub(super) struct QuestionSummary {
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
pub(super) struct PageRenderer<'g> {
    graph: &'g Graph<'g>,
    site: &'g Site,
    today: Date,
    max_age_days: i64,
    /// Each caution's message, rendered once rather than on every question carrying it.
    caution_html: HashMap<&'g str, String>,
    /// Each question's summary and answer as plain words, worked out once for
    /// the reading level, the structured data and the search index.
    pub(super) question_text: HashMap<&'g str, String>,
}

impl<'g> PageRenderer<'g> {
    /// A renderer for pages of `questions` (and of everything else): their
    /// plain text is worked out up front, in parallel.
    pub(super) fn new(
        graph: &'g Graph<'g>,
        site: &'g Site,
        today: Date,
        questions: impl IntoIterator<Item = &'g Question>,
    ) -> Self {
        let mut renderer = PageRenderer {
            graph,
            site,
            today,
            max_age_days: review_max_age_days(Some(site)),
            caution_html: HashMap::new(),
            question_text: HashMap::new(),
        };
        let questions: Vec<&Question> = questions.into_iter().collect();
        renderer.question_text = questions
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

    /// The URL of an entity's page (worked out once, in the graph).
    fn url_of(&self, id: &str) -> String {
        self.graph.url(id).unwrap_or_default().to_string()
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
        PageMeta {
            title: title.to_string(),
            description: description.to_string(),
            canonical: self.graph.urls.absolute(&url),
            url,
            kind,
        }
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
                let meta = self.meta(&q.question, &q.summary, question.url.clone(), "question");
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
            Job::Source(s) => {
                context.insert("source", &self.source(s));
                let url = self.url_of(&s.origin.id);
                let meta = self.meta(
                    &s.title,
                    &format!("What this site quotes from {}", s.title),
                    url,
                    "source",
                );
                (format!("sources/{}/index.html", s.origin.id), meta)
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
                title: q.question.value.clone(),
                url: self.url_of(&q.origin.id),
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
            url: self.url_of(&topic.origin.id),
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
            url: self.url_of(&c.origin.id),
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
                    claim: f.claim.value.clone(),
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
        // Exact numbers: render is to show `Number::to_string()` grouped for
        // the site's language (another change); until then, as before.
        let money =
            |v: &Option<Spanned<Number>>| v.as_ref().map(|v| format_number(v.value.to_f64()));
        let cited: BTreeSet<&str> = crate::link::question_quotes(q)
            .map(|x| x.source.value.as_str())
            .collect();
        let sources = cited
            .into_iter()
            .filter_map(|s| g.content.sources.iter().find(|x| x.origin.id == s))
            .map(|s| SourceSummary {
                title: s.title.clone(),
                url: self.url_of(&s.origin.id),
                publisher: s.publisher.clone(),
                external_url: s.url.as_ref().map(|u| u.value.clone()),
            })
            .collect();
        let plain = &self.question_text[id];
        QuestionContext {
            id: id.to_string(),
            title: q.question.value.clone(),
            url: self.url_of(id),
            summary: q.summary.value.clone(),
            answer_html,
            topic: self.link(&q.topic),
            tags: q
                .tags
                .iter()
                .map(|t| Link {
                    title: t.value.clone(),
                    url: g.urls.tag(t),
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
                currency: c.currency.value.clone(),
                per: c.per.value.clone(),
                typical: money(&c.typical),
                low: money(&c.low),
                high: money(&c.high),
                basis: c.basis.as_ref().map(|b| b.value.clone()),
                factors: c.factors.iter().map(|f| f.value.clone()).collect(),
                quotes: quotes(&c.quotes),
            }),
            comparison: q.comparison.as_ref().map(|c| ComparisonContext {
                with: c.with.value.clone(),
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
        let urls = &self.graph.urls;
        let url = urls.absolute(&ctx.url);
        let answer = &self.question_text[q.origin.id.as_str()];
        let data = serde_json::json!({
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "FAQPage",
                    "@id": urls.absolute_with_fragment(&ctx.url, "faq"),
                    "mainEntity": [{
                        "@type": "Question",
                        "name": q.question.value,
                        "acceptedAnswer": { "@type": "Answer", "text": answer },
                    }],
                },
                {
                    "@type": "MedicalWebPage",
                    "@id": url,
                    "url": url,
                    "name": q.question.value,
                    "description": q.summary.value,
                    "inLanguage": self.site.language.value,
                    "lastReviewed": ctx.review.on,
                    "reviewedBy": { "@type": "Organization", "name": ctx.review.by },
                    "isPartOf": { "@type": "WebSite", "name": self.site.title, "url": urls.base() },
                },
            ],
        });
        json_for_html(&data)
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
