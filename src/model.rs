//! The content model: plain data for every kind of entity a site holds.
//!
//! These types are what `load` produces and every later stage reads. They
//! carry the position of each value an editor may get wrong ([`Spanned`]) so
//! checks can point at it, and nothing else: no behaviour lives here.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::diagnostics::Span;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Markdown text plus what is needed to point into it: the raw bytes of the
/// file the text came from are `span.start..span.end`.
pub type Markdown = Spanned<String>;

/// Everything in `content/`, loaded and typed.
#[derive(Clone, Debug, Default)]
pub struct Content {
    pub site: Option<Site>,
    pub sources: Vec<Source>,
    pub topics: Vec<Topic>,
    pub questions: Vec<Question>,
    pub cautions: Vec<Caution>,
    pub glossary: Vec<GlossaryTerm>,
    pub pages: Vec<Page>,
    /// Ids of files that exist but could not be read; references to them are
    /// not reported again as unknown.
    pub unreadable_ids: std::collections::HashSet<String>,
}

/// The kinds of entity that have an id and a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Source,
    Topic,
    Question,
    Caution,
    Glossary,
    Page,
}

impl Kind {
    /// How the kind is named in messages: "`x` is a glossary term, not a topic".
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Source => "a source",
            Kind::Topic => "a topic",
            Kind::Question => "a question",
            Kind::Caution => "a caution",
            Kind::Glossary => "a glossary term",
            Kind::Page => "a page",
        }
    }
}

/// Where an entity came from. The id is the file stem.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub id: String,
    /// Relative to the site root, e.g. `content/questions/cost.yaml`.
    pub file: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Site {
    pub origin: Origin,
    pub title: String,
    pub base_url: Spanned<String>,
    pub language: Spanned<String>,
    pub description: String,
    pub disclaimer: Markdown,
    pub review_max_age_days: Option<Spanned<i64>>,
    pub readability_max_grade: Option<Spanned<f64>>,
    pub limits: Limits,
}

/// How large a content file may be before cited refuses to read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub yaml_bytes: u64,
    pub archive_bytes: u64,
}

pub const MB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            yaml_bytes: crate::schema::DEFAULT_YAML_MB as u64 * MB,
            archive_bytes: crate::schema::DEFAULT_ARCHIVE_MB as u64 * MB,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Source {
    pub origin: Origin,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<Spanned<String>>,
    pub published: Option<Spanned<Date>>,
    pub accessed: Option<Spanned<Date>>,
    /// The archive file name as written, relative to the source's YAML.
    pub archive: Spanned<String>,
    /// The archive's text, once `load` has read it.
    pub archive_text: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Topic {
    pub origin: Origin,
    pub title: String,
    /// Position among the topics; topics without one follow, by title.
    pub order: Option<i64>,
    pub intro: Option<Markdown>,
}

#[derive(Clone, Debug)]
pub struct Question {
    pub origin: Origin,
    pub question: String,
    pub topic: Spanned<String>,
    /// Position within the topic; questions without one follow, alphabetically.
    pub order: Option<i64>,
    pub tags: Vec<Spanned<String>>,
    pub summary: Spanned<String>,
    pub answer: Markdown,
    pub facts: Vec<Fact>,
    pub related: Vec<Spanned<String>>,
    pub cautions: Vec<Spanned<String>>,
    pub reviewed: Review,
    pub cost: Option<Cost>,
    pub comparison: Option<Comparison>,
    pub timeline: Option<Timeline>,
}

#[derive(Clone, Debug)]
pub struct Review {
    pub on: Spanned<Date>,
    pub by: String,
    pub next: Option<Spanned<Date>>,
}

/// A claim in our words, backed by verbatim quotes.
#[derive(Clone, Debug)]
pub struct Fact {
    pub claim: String,
    pub quotes: Vec<Quote>,
}

#[derive(Clone, Debug)]
pub struct Quote {
    pub source: Spanned<String>,
    pub text: Spanned<String>,
    pub attribution: Option<String>,
    pub stance: Stance,
}

/// How a quote bears on the claim it backs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stance {
    Supports,
    Qualifies,
    Contradicts,
}

impl Stance {
    pub const NAMES: [&'static str; 3] = ["supports", "qualifies", "contradicts"];

    pub fn name(self) -> &'static str {
        match self {
            Stance::Supports => "supports",
            Stance::Qualifies => "qualifies",
            Stance::Contradicts => "contradicts",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Cost {
    pub currency: String,
    pub per: String,
    pub typical: Option<Spanned<f64>>,
    pub low: Option<Spanned<f64>>,
    pub high: Option<Spanned<f64>>,
    pub basis: Option<String>,
    pub factors: Vec<String>,
    pub quotes: Vec<Quote>,
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub with: String,
    pub rows: Vec<ComparisonRow>,
    pub quotes: Vec<Quote>,
}

#[derive(Clone, Debug)]
pub struct ComparisonRow {
    pub aspect: Spanned<String>,
    pub ours: Spanned<String>,
    pub theirs: Spanned<String>,
}

#[derive(Clone, Debug)]
pub struct Timeline {
    pub steps: Vec<TimelineStep>,
    pub quotes: Vec<Quote>,
}

#[derive(Clone, Debug)]
pub struct TimelineStep {
    pub when: Spanned<String>,
    pub what: Spanned<String>,
}

#[derive(Clone, Debug)]
pub struct Caution {
    pub origin: Origin,
    pub title: String,
    pub severity: Severity,
    pub message: Markdown,
    pub quotes: Vec<Quote>,
}

/// How serious a caution is. Shown as a word, never by colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Danger,
}

impl Severity {
    pub const NAMES: [&'static str; 3] = ["info", "warning", "danger"];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Danger => "danger",
        }
    }
}

#[derive(Clone, Debug)]
pub struct GlossaryTerm {
    pub origin: Origin,
    pub term: String,
    pub aliases: Vec<String>,
    pub definition: Markdown,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub origin: Origin,
    pub title: String,
    pub body: Markdown,
}
