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
/// file the text came from are `span.bytes()`.
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
    pub reviewers: Vec<Reviewer>,
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
    Reviewer,
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
            Kind::Reviewer => "a reviewer",
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
    /// `review.require_clinical`: every question needs a clinical review.
    pub require_clinical_review: Option<Spanned<bool>>,
    pub readability_max_grade: Option<Spanned<f64>>,
    /// `readability.max_smog`: the highest SMOG grade before a warning.
    pub readability_max_smog: Option<Spanned<f64>>,
    /// `readability.show`: whether published pages show their reading level
    /// (editors always see it in `cited check` and the preview).
    pub readability_show: bool,
    pub limits: Limits,
    pub evidence: EvidenceSettings,
    pub get_help: GetHelpSettings,
    /// Who publishes the site, shown on every page.
    pub publisher: Option<Publisher>,
    /// Where readers report a problem with a page: a URL or `mailto:`
    /// address in which `{url}` stands for the page's address.
    pub feedback: Option<Spanned<String>>,
    /// What the site is about ("Microneedling"), named in comparison tables.
    pub subject: Option<String>,
}

/// `publisher:` in the site settings.
#[derive(Clone, Debug)]
pub struct Publisher {
    pub name: String,
    pub url: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
}

/// `get_help:` in the site settings: care cards' wording and where the site
/// requires them.
#[derive(Clone, Debug, Default)]
pub struct GetHelpSettings {
    /// The action of an emergency care card ("Call 999"); a neutral default
    /// when the site gives none.
    pub emergency_action: Option<String>,
    /// Topics whose every question must carry a care card.
    pub require_for_topics: Vec<Spanned<String>>,
    /// Whether a question with a caution of severity `danger` must carry one.
    pub require_for_danger: Option<Spanned<bool>>,
}

/// A person or team who reviews answers, with a page listing what they reviewed.
#[derive(Clone, Debug)]
pub struct Reviewer {
    pub origin: Origin,
    pub name: String,
    pub role: String,
    pub credentials: Option<String>,
    pub registration: Option<String>,
    pub kind: ReviewerKind,
    /// A team (an editorial team, a panel) rather than one person: it is
    /// never presented as a person.
    pub team: bool,
}

/// Whether a reviewer checks the medicine (`clinical`) or the writing and
/// sourcing (`editorial`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewerKind {
    Clinical,
    Editorial,
}

impl ReviewerKind {
    pub const NAMES: [&'static str; 2] = ["clinical", "editorial"];

    pub fn name(self) -> &'static str {
        match self {
            ReviewerKind::Clinical => "clinical",
            ReviewerKind::Editorial => "editorial",
        }
    }
}

/// A care card: the publisher's own guidance on when and where to get
/// help, at one of the NHS's three levels. Not a quote.
#[derive(Clone, Debug)]
pub struct CareCard {
    pub level: Spanned<CareLevel>,
    /// The situations, each a short phrase completing "… if".
    pub when: Vec<Spanned<String>>,
    /// What to do; by default the level's own action.
    pub action: Option<Spanned<String>>,
}

/// How urgently to get help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CareLevel {
    NonUrgent,
    Urgent,
    Emergency,
}

impl CareLevel {
    pub const NAMES: [&'static str; 3] = ["non-urgent", "urgent", "emergency"];

    pub fn name(self) -> &'static str {
        match self {
            CareLevel::NonUrgent => "non-urgent",
            CareLevel::Urgent => "urgent",
            CareLevel::Emergency => "emergency",
        }
    }
}

/// One entry of a question's page history.
#[derive(Clone, Debug)]
pub struct Change {
    pub on: Spanned<Date>,
    pub what: Spanned<String>,
}

/// `evidence:` in the site settings: how strict the checks of the site's
/// own words against its quotes are. Resolved by `check`.
#[derive(Clone, Debug, Default)]
pub struct EvidenceSettings {
    /// Words added to the default list of qualifiers.
    pub qualifiers_add: Vec<Spanned<String>>,
    /// Words taken off the default list.
    pub qualifiers_remove: Vec<Spanned<String>>,
    /// Whether a number in a summary or answer that no quote gives is an
    /// error rather than a warning.
    pub numbers_in_prose_are_errors: bool,
    /// Whether answers are checked for content words no quote has, as claims
    /// and summaries are.
    pub claim_words_in_answers: bool,
    /// `evidence.warn_types`: types of source a claim may not rest on alone.
    pub warn_types: Vec<SourceType>,
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
    pub author: Option<String>,
    /// What kind of source it is, for readers to judge it by.
    pub source_type: SourceType,
    /// Conflicts of interest, in the editor's words.
    pub conflicts: Option<String>,
    pub notes: Option<String>,
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
    pub allow: Vec<Allow>,
}

#[derive(Clone, Debug)]
pub struct Question {
    pub origin: Origin,
    pub question: Spanned<String>,
    pub topic: Spanned<String>,
    /// Position within the topic; questions without one follow, alphabetically.
    pub order: Option<i64>,
    pub tags: Vec<Spanned<String>>,
    pub summary: Spanned<String>,
    pub answer: Markdown,
    pub facts: Vec<Fact>,
    pub related: Vec<Spanned<String>>,
    pub cautions: Vec<Spanned<String>>,
    /// What the question is about, for its comparison table; by default the site's.
    pub subject: Option<String>,
    pub reviewed: Review,
    /// Care cards: when and where to get help.
    pub get_help: Vec<CareCard>,
    /// Page history, as the editor wrote it.
    pub changes: Vec<Change>,
    /// Boxed: few questions have one, and held inline it would make every
    /// question a third larger (500 of 1,500 bytes).
    pub cost: Option<Box<Cost>>,
    pub comparison: Option<Comparison>,
    pub timeline: Option<Timeline>,
    /// Evidence findings an editor has judged fine in the summary, the
    /// answer or the question itself.
    pub allow: Vec<Allow>,
}

/// An editor's judgement that one finding of an evidence check is fine,
/// written next to the text it concerns: the finding's code, the word it
/// names, and why.
#[derive(Clone, Debug)]
pub struct Allow {
    pub code: Spanned<crate::diagnostics::Code>,
    pub word: Spanned<String>,
    pub reason: Spanned<String>,
}

#[derive(Clone, Debug)]
pub struct Review {
    pub on: Spanned<Date>,
    /// Reviewer ids, or (written as one plain value that names no reviewer
    /// file) a name, as sites wrote before reviewers had files.
    pub by: Reviewers,
    pub next: Option<Spanned<Date>>,
    /// A clinical review recorded apart from the latest review.
    pub clinical: Option<ClinicalReview>,
}

/// Who reviewed an answer, as written: `by: [jane-doe]` or `by: jane-doe`.
#[derive(Clone, Debug, Default)]
pub struct Reviewers {
    pub entries: Vec<Spanned<String>>,
    /// Written as one value rather than a list: it may be a plain name.
    pub single: bool,
}

/// `reviewed.clinical`: the latest review by a clinician.
#[derive(Clone, Debug)]
pub struct ClinicalReview {
    pub on: Spanned<Date>,
    pub by: Reviewers,
}

/// A claim in our words, backed by verbatim quotes.
#[derive(Clone, Debug)]
pub struct Fact {
    pub claim: Spanned<String>,
    pub quotes: Vec<Quote>,
    pub allow: Vec<Allow>,
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
    pub currency: Spanned<String>,
    pub per: Spanned<String>,
    pub typical: Option<Spanned<Number>>,
    pub low: Option<Spanned<Number>>,
    pub high: Option<Spanned<Number>>,
    pub basis: Option<Spanned<String>>,
    pub factors: Vec<Spanned<String>>,
    pub quotes: Vec<Quote>,
    pub allow: Vec<Allow>,
}

/// A number as the editor wrote it: exact (a decimal, never a binary
/// float), with the digits after the point kept (`1999.50` stays
/// `1999.50`). `load` reads it from digits only, so it is never negative
/// and never written with an exponent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(pub rust_decimal::Decimal);

impl Number {
    /// The most digits a number may have (the decimal type's precision).
    pub const MAX_DIGITS: usize = 28;

    /// The value, for arithmetic and comparison.
    pub fn decimal(self) -> rust_decimal::Decimal {
        self.0
    }

    /// The nearest binary float, for code that has not moved to exact
    /// numbers yet; never for display or comparison.
    pub fn to_f64(self) -> f64 {
        use rust_decimal::prelude::ToPrimitive;
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// The integer part's digits, without grouping (`1999` of `1999.50`).
    pub fn integer_digits(self) -> String {
        let text = self.to_string();
        text.split('.').next().unwrap_or("").to_string()
    }

    /// The digits after the point as written (`50` of `1999.50`), empty
    /// for a whole number.
    pub fn fraction_digits(self) -> String {
        let text = self.to_string();
        text.split_once('.')
            .map(|(_, f)| f.to_string())
            .unwrap_or_default()
    }
}

/// Exactly as written: `640`, `1999.50`, `99999999999999999999`.
impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub with: Spanned<String>,
    pub rows: Vec<ComparisonRow>,
    pub quotes: Vec<Quote>,
    pub allow: Vec<Allow>,
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
    pub allow: Vec<Allow>,
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
    pub get_help: Vec<CareCard>,
    pub allow: Vec<Allow>,
}

/// How serious a caution is. Shown as a word, never by colour alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
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

/// What kind of source something is: a reader weighs a guideline and a
/// forum post differently, so every quote says which it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceType {
    Guideline,
    SystematicReview,
    Study,
    ProfessionalBody,
    Government,
    News,
    Commercial,
    PatientReviews,
    Forum,
    Unknown,
}

impl SourceType {
    pub const NAMES: [&'static str; 10] = [
        "guideline",
        "systematic-review",
        "study",
        "professional-body",
        "government",
        "news",
        "commercial",
        "patient-reviews",
        "forum",
        "unknown",
    ];
    pub const ALL: [SourceType; 10] = [
        SourceType::Guideline,
        SourceType::SystematicReview,
        SourceType::Study,
        SourceType::ProfessionalBody,
        SourceType::Government,
        SourceType::News,
        SourceType::Commercial,
        SourceType::PatientReviews,
        SourceType::Forum,
        SourceType::Unknown,
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// How a page names it, in plain words.
    pub fn describe(self) -> &'static str {
        match self {
            SourceType::Guideline => "Clinical guideline",
            SourceType::SystematicReview => "Systematic review",
            SourceType::Study => "Research study",
            SourceType::ProfessionalBody => "Professional body",
            SourceType::Government => "Government or health service",
            SourceType::News => "News article",
            SourceType::Commercial => "Commercial website",
            SourceType::PatientReviews => "Patient reviews",
            SourceType::Forum => "Online forum",
            SourceType::Unknown => "Source of unknown type",
        }
    }
}
