//! The fields of every kind of content file, and how each is read.
//!
//! This is the one place that says which fields an entity has and which are
//! required; `docs/content-format.md` documents the same. Checks that need
//! more than one field or more than one file (references, quotes, numbers,
//! dates in order) belong to `check`, not here.

use super::fields::{FromNode, Reader, one_of};
use super::yaml::Node;
use crate::model::*;

impl FromNode for Quote {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(
            node,
            "a quote",
            &["source", "text", "attribution", "stance"],
        )?;
        let source = r.required(&f, "source");
        let text = r.required(&f, "text");
        let attribution = r.optional(&f, "attribution");
        let stance = match f.get("stance") {
            Some(n) => Some(one_of(
                r,
                n,
                &Stance::NAMES,
                &[Stance::Supports, Stance::Qualifies, Stance::Contradicts],
            )?),
            None => Some(Stance::Supports),
        };
        Some(Quote {
            source: source?,
            text: text?,
            attribution,
            stance: stance?,
        })
    }
}

impl FromNode for Fact {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, "a fact", &["claim", "quotes"])?;
        let claim = r.required(&f, "claim");
        let quotes = r.non_empty_list(&f, "quotes");
        Some(Fact {
            claim: claim?,
            quotes: quotes?,
        })
    }
}

impl FromNode for Review {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, "`reviewed`", &["on", "by", "next"])?;
        let on = r.required(&f, "on");
        let by = r.required(&f, "by");
        let next = r.optional(&f, "next");
        Some(Review {
            on: on?,
            by: by?,
            next,
        })
    }
}

impl FromNode for Cost {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let known = [
            "currency", "per", "typical", "low", "high", "basis", "factors", "quotes",
        ];
        let f = r.fields(node, "a cost block", &known)?;
        let currency = r.required(&f, "currency");
        let per = r.required(&f, "per");
        let typical = r.optional(&f, "typical");
        let low = r.optional(&f, "low");
        let high = r.optional(&f, "high");
        let basis = r.optional(&f, "basis");
        let factors = r.list(&f, "factors");
        let quotes = r.non_empty_list(&f, "quotes");
        Some(Cost {
            currency: currency?,
            per: per?,
            typical,
            low,
            high,
            basis,
            factors,
            quotes: quotes?,
        })
    }
}

impl FromNode for ComparisonRow {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, "a comparison row", &["aspect", "ours", "theirs"])?;
        let aspect = r.required(&f, "aspect");
        let ours = r.required(&f, "ours");
        let theirs = r.required(&f, "theirs");
        Some(ComparisonRow {
            aspect: aspect?,
            ours: ours?,
            theirs: theirs?,
        })
    }
}

impl FromNode for Comparison {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, "a comparison block", &["with", "rows", "quotes"])?;
        let with = r.required(&f, "with");
        let rows = r.non_empty_list(&f, "rows");
        let quotes = r.non_empty_list(&f, "quotes");
        Some(Comparison {
            with: with?,
            rows: rows?,
            quotes: quotes?,
        })
    }
}

impl FromNode for TimelineStep {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, "a timeline step", &["when", "what"])?;
        let when = r.required(&f, "when");
        let what = r.required(&f, "what");
        Some(TimelineStep {
            when: when?,
            what: what?,
        })
    }
}

impl FromNode for Timeline {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, "a timeline block", &["steps", "quotes"])?;
        let steps = r.non_empty_list(&f, "steps");
        let quotes = r.non_empty_list(&f, "quotes");
        Some(Timeline {
            steps: steps?,
            quotes: quotes?,
        })
    }
}

pub fn site(r: &mut Reader, node: &Node, origin: Origin) -> Option<Site> {
    let known = [
        "title",
        "base_url",
        "language",
        "description",
        "disclaimer",
        "review",
        "readability",
    ];
    let f = r.fields(node, "the site settings", &known)?;
    let title = r.required(&f, "title");
    let base_url = r.required(&f, "base_url");
    let language = r.required(&f, "language");
    let description = r.required(&f, "description");
    let disclaimer = r.required(&f, "disclaimer");
    let review_max_age_days = match f.get("review") {
        Some(n) => {
            let review = r.fields(n, "`review`", &["max_age_days"])?;
            r.optional(&review, "max_age_days")
        }
        None => None,
    };
    let readability_max_grade = match f.get("readability") {
        Some(n) => {
            let readability = r.fields(n, "`readability`", &["max_grade"])?;
            r.optional(&readability, "max_grade")
        }
        None => None,
    };
    Some(Site {
        origin,
        title: title?,
        base_url: base_url?,
        language: language?,
        description: description?,
        disclaimer: disclaimer?,
        review_max_age_days,
        readability_max_grade,
    })
}

pub fn source(r: &mut Reader, node: &Node, origin: Origin) -> Option<Source> {
    let known = [
        "title",
        "publisher",
        "url",
        "published",
        "accessed",
        "archive",
    ];
    let f = r.fields(node, "a source", &known)?;
    let title = r.required(&f, "title");
    let publisher = r.optional(&f, "publisher");
    let url = r.optional(&f, "url");
    let published = r.optional(&f, "published");
    let accessed = r.optional(&f, "accessed");
    let archive = r.required(&f, "archive");
    Some(Source {
        origin,
        title: title?,
        publisher,
        url,
        published,
        accessed,
        archive: archive?,
        archive_text: None,
    })
}

pub fn topic(r: &mut Reader, node: &Node, origin: Origin) -> Option<Topic> {
    let f = r.fields(node, "a topic", &["title", "order", "intro"])?;
    let title = r.required(&f, "title");
    let order = r.required(&f, "order");
    let intro = r.optional(&f, "intro");
    Some(Topic {
        origin,
        title: title?,
        order: order?,
        intro,
    })
}

pub fn question(r: &mut Reader, node: &Node, origin: Origin) -> Option<Question> {
    let known = [
        "question",
        "topic",
        "order",
        "tags",
        "summary",
        "answer",
        "facts",
        "related",
        "cautions",
        "reviewed",
        "cost",
        "comparison",
        "timeline",
    ];
    let f = r.fields(node, "a question", &known)?;
    let question = r.required(&f, "question");
    let topic = r.required(&f, "topic");
    let order = r.optional(&f, "order");
    let tags = r.list(&f, "tags");
    let summary = r.required(&f, "summary");
    let answer = r.required(&f, "answer");
    let facts = r.list(&f, "facts");
    let related = r.list(&f, "related");
    let cautions = r.list(&f, "cautions");
    let reviewed = r.required(&f, "reviewed");
    let cost = r.optional(&f, "cost");
    let comparison = r.optional(&f, "comparison");
    let timeline = r.optional(&f, "timeline");
    Some(Question {
        origin,
        question: question?,
        topic: topic?,
        order,
        tags,
        summary: summary?,
        answer: answer?,
        facts,
        related,
        cautions,
        reviewed: reviewed?,
        cost,
        comparison,
        timeline,
    })
}

pub fn caution(r: &mut Reader, node: &Node, origin: Origin) -> Option<Caution> {
    let f = r.fields(
        node,
        "a caution",
        &["title", "severity", "message", "quotes"],
    )?;
    let title = r.required(&f, "title");
    let severity = match f.get("severity") {
        Some(n) => one_of(
            r,
            n,
            &Severity::NAMES,
            &[Severity::Info, Severity::Warning, Severity::Danger],
        ),
        None => r.required::<String>(&f, "severity").and(None),
    };
    let message = r.required(&f, "message");
    let quotes = r.list(&f, "quotes");
    Some(Caution {
        origin,
        title: title?,
        severity: severity?,
        message: message?,
        quotes,
    })
}

pub fn glossary_term(r: &mut Reader, node: &Node, origin: Origin) -> Option<GlossaryTerm> {
    let f = r.fields(node, "a glossary term", &["term", "aliases", "definition"])?;
    let term = r.required(&f, "term");
    let aliases = r.list(&f, "aliases");
    let definition = r.required(&f, "definition");
    Some(GlossaryTerm {
        origin,
        term: term?,
        aliases,
        definition: definition?,
    })
}

pub fn page(r: &mut Reader, node: &Node, origin: Origin) -> Option<Page> {
    let f = r.fields(node, "a page", &["title", "body"])?;
    let title = r.required(&f, "title");
    let body = r.required(&f, "body");
    Some(Page {
        origin,
        title: title?,
        body: body?,
    })
}
