//! How each kind of content file is read into the model.
//!
//! Which fields a mapping has, and which are required, comes from the
//! content model's table (`crate::schema`); this file says how each field
//! becomes a typed value. Reading a mapping always ends with
//! `Reader::finish`, which proves (under test) that every field of the table
//! was read. Checks that need more than one field or more than one file
//! (references, quotes, numbers, dates in order) belong to `check`, not here.

use super::fields::{FromNode, Reader, one_of};
use super::yaml::Node;
use crate::model::*;
use crate::schema;

impl FromNode for Quote {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::QUOTE)?;
        let source = r.required(&f, "source");
        let text = r.required(&f, "text");
        let attribution = r.optional(&f, "attribution");
        let stance = r
            .defaulted(&f, "stance")
            .and_then(|word: Spanned<String>| stance_named(r, &word));
        r.finish(f);
        Some(Quote {
            source: source?,
            text: text?,
            attribution,
            stance: stance?,
        })
    }
}

fn stance_named(r: &mut Reader, word: &Spanned<String>) -> Option<Stance> {
    one_of(
        r,
        word,
        &Stance::NAMES,
        &[Stance::Supports, Stance::Qualifies, Stance::Contradicts],
    )
}

impl FromNode for Fact {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::FACT)?;
        let claim = r.required(&f, "claim");
        let quotes = r.non_empty_list(&f, "quotes");
        let allow = r.list(&f, "allow");
        r.finish(f);
        Some(Fact {
            claim: claim?,
            quotes: quotes?,
            allow,
        })
    }
}

impl FromNode for Allow {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::ALLOW)?;
        let code = r.required(&f, "code").and_then(|name: Spanned<String>| {
            let codes: Vec<crate::diagnostics::Code> = schema::ALLOWABLE_CODES
                .iter()
                .map(|n| crate::diagnostics::Code::from_name(n).expect("a code"))
                .collect();
            let code = one_of(r, &name, &schema::ALLOWABLE_CODES, &codes)?;
            Some(Spanned {
                value: code,
                span: name.span,
            })
        });
        let word = r.required(&f, "word");
        let reason = r.required(&f, "reason");
        r.finish(f);
        Some(Allow {
            code: code?,
            word: word?,
            reason: reason?,
        })
    }
}

impl FromNode for Review {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::REVIEW)?;
        let on = r.required(&f, "on");
        let by = r.required(&f, "by");
        let next = r.optional(&f, "next");
        let clinical = r.optional(&f, "clinical");
        r.finish(f);
        Some(Review {
            on: on?,
            by: by?,
            next,
            clinical,
        })
    }
}

impl FromNode for ClinicalReview {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::CLINICAL_REVIEW)?;
        let on = r.required(&f, "on");
        let by = r.required(&f, "by");
        r.finish(f);
        Some(ClinicalReview { on: on?, by: by? })
    }
}

/// `by: [jane-doe, editorial-team]`, or one value: `by: jane-doe`, or a
/// plain name as sites wrote before reviewers had files (`by: Editorial
/// team`; `check` tells an id from a name).
impl FromNode for Reviewers {
    fn placeholder() -> Option<Self> {
        Some(Reviewers::default())
    }

    fn is_blank(&self) -> bool {
        self.entries.iter().all(|e| e.value.trim().is_empty())
    }

    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        if matches!(node.value, super::yaml::Value::List(_)) {
            let entries: Vec<Spanned<String>> = Vec::from_node(r, node)?;
            return Some(Reviewers {
                entries,
                single: false,
            });
        }
        let one: Spanned<String> = Spanned::from_node(r, node)?;
        Some(Reviewers {
            entries: vec![one],
            single: true,
        })
    }
}

impl FromNode for CareCard {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::CARE_CARD)?;
        let level = r.required(&f, "level").and_then(|word: Spanned<String>| {
            let level = one_of(
                r,
                &word,
                &CareLevel::NAMES,
                &[
                    CareLevel::NonUrgent,
                    CareLevel::Urgent,
                    CareLevel::Emergency,
                ],
            )?;
            Some(Spanned {
                value: level,
                span: word.span,
            })
        });
        let when = r.non_empty_list(&f, "when");
        let action = r.optional(&f, "action");
        r.finish(f);
        Some(CareCard {
            level: level?,
            when: when?,
            action,
        })
    }
}

impl FromNode for Change {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::CHANGE)?;
        let on = r.required(&f, "on");
        let what = r.required(&f, "what");
        r.finish(f);
        Some(Change {
            on: on?,
            what: what?,
        })
    }
}

impl FromNode for Cost {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::COST)?;
        let currency = r.required(&f, "currency");
        let per = r.required(&f, "per");
        let typical = r.optional(&f, "typical");
        let low = r.optional(&f, "low");
        let high = r.optional(&f, "high");
        let basis = r.optional(&f, "basis");
        let factors = r.list(&f, "factors");
        let quotes = r.non_empty_list(&f, "quotes");
        let allow = r.list(&f, "allow");
        r.finish(f);
        Some(Cost {
            currency: currency?,
            per: per?,
            typical,
            low,
            high,
            basis,
            factors,
            quotes: quotes?,
            allow,
        })
    }
}

impl FromNode for ComparisonRow {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::COMPARISON_ROW)?;
        let aspect = r.required(&f, "aspect");
        let ours = r.required(&f, "ours");
        let theirs = r.required(&f, "theirs");
        r.finish(f);
        Some(ComparisonRow {
            aspect: aspect?,
            ours: ours?,
            theirs: theirs?,
        })
    }
}

impl FromNode for Comparison {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::COMPARISON)?;
        let with = r.required(&f, "with");
        let rows = r.non_empty_list(&f, "rows");
        let quotes = r.non_empty_list(&f, "quotes");
        let allow = r.list(&f, "allow");
        r.finish(f);
        Some(Comparison {
            with: with?,
            rows: rows?,
            quotes: quotes?,
            allow,
        })
    }
}

impl FromNode for TimelineStep {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::TIMELINE_STEP)?;
        let when = r.required(&f, "when");
        let what = r.required(&f, "what");
        r.finish(f);
        Some(TimelineStep {
            when: when?,
            what: what?,
        })
    }
}

impl FromNode for Timeline {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::TIMELINE)?;
        let steps = r.non_empty_list(&f, "steps");
        let quotes = r.non_empty_list(&f, "quotes");
        let allow = r.list(&f, "allow");
        r.finish(f);
        Some(Timeline {
            steps: steps?,
            quotes: quotes?,
            allow,
        })
    }
}

/// `review:` in the site settings.
struct SiteReview {
    max_age_days: Option<Spanned<i64>>,
    require_clinical: Option<Spanned<bool>>,
}

impl FromNode for SiteReview {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::SITE_REVIEW)?;
        // The default (the table's) is applied where it is used, so that a
        // diagnostic never points at a value the editor did not write.
        let max_age_days = r.optional(&f, "max_age_days");
        let require_clinical = r.optional(&f, "require_clinical");
        r.finish(f);
        Some(SiteReview {
            max_age_days,
            require_clinical,
        })
    }
}

/// `readability:` in the site settings.
struct SiteReadability {
    max_grade: Option<Spanned<f64>>,
    max_smog: Option<Spanned<f64>>,
    show: bool,
}

impl FromNode for SiteReadability {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::SITE_READABILITY)?;
        let max_grade = r.optional(&f, "max_grade");
        let max_smog = r.optional(&f, "max_smog");
        let show = r.defaulted(&f, "show");
        r.finish(f);
        Some(SiteReadability {
            max_grade,
            max_smog,
            show: show.unwrap_or(false),
        })
    }
}

impl FromNode for Publisher {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::SITE_PUBLISHER)?;
        let name = r.required(&f, "name");
        let url = r.optional(&f, "url");
        let email = r.optional(&f, "email");
        r.finish(f);
        Some(Publisher {
            name: name?,
            url,
            email,
        })
    }
}

impl FromNode for GetHelpSettings {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::SITE_GET_HELP)?;
        let emergency_action = r.optional(&f, "emergency_action");
        let require_for_topics = r.list(&f, "require_for_topics");
        // As written (absent is the table's `false`), so a finding can name it.
        let require_for_danger = r.optional(&f, "require_for_danger");
        r.finish(f);
        Some(GetHelpSettings {
            emergency_action,
            require_for_topics,
            require_for_danger,
        })
    }
}

/// `evidence.qualifiers:` in the site settings.
struct SiteQualifiers {
    add: Vec<Spanned<String>>,
    remove: Vec<Spanned<String>>,
}

impl FromNode for SiteQualifiers {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::SITE_QUALIFIERS)?;
        let add = r.list(&f, "add");
        let remove = r.list(&f, "remove");
        r.finish(f);
        Some(SiteQualifiers { add, remove })
    }
}

impl FromNode for EvidenceSettings {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::SITE_EVIDENCE)?;
        let numbers_are_errors =
            r.defaulted(&f, "numbers_in_prose")
                .and_then(|word: Spanned<String>| {
                    one_of(r, &word, &schema::NUMBERS_IN_PROSE, &[false, true])
                });
        let claim_words_in_answers = r.defaulted(&f, "claim_words_in_answers");
        let warn_type_words: Vec<Spanned<String>> = r.list(&f, "warn_types");
        let warn_types = warn_type_words
            .iter()
            .filter_map(|word| one_of(r, word, &SourceType::NAMES, &SourceType::ALL))
            .collect();
        let qualifiers: Option<SiteQualifiers> = r.optional(&f, "qualifiers");
        r.finish(f);
        let (qualifiers_add, qualifiers_remove) =
            qualifiers.map_or_else(Default::default, |q| (q.add, q.remove));
        Some(EvidenceSettings {
            qualifiers_add,
            qualifiers_remove,
            numbers_in_prose_are_errors: numbers_are_errors.unwrap_or(false),
            claim_words_in_answers: claim_words_in_answers.unwrap_or(false),
            warn_types,
        })
    }
}

/// `limits:` in the site settings, in bytes.
struct SiteLimits(Limits);

impl FromNode for SiteLimits {
    fn from_node(r: &mut Reader, node: &Node) -> Option<Self> {
        let f = r.fields(node, &schema::SITE_LIMITS)?;
        let yaml_mb = r.bounded(&f, "yaml_mb");
        let archive_mb = r.bounded(&f, "archive_mb");
        r.finish(f);
        let defaults = Limits::default();
        Some(SiteLimits(Limits {
            yaml_bytes: yaml_mb.map_or(defaults.yaml_bytes, |mb| mb.value as u64 * MB),
            archive_bytes: archive_mb.map_or(defaults.archive_bytes, |mb| mb.value as u64 * MB),
        }))
    }
}

pub fn site(r: &mut Reader, node: &Node, origin: Origin) -> Option<Site> {
    let f = r.fields(node, &schema::SITE)?;
    let title = r.required(&f, "title");
    let base_url = r.required(&f, "base_url");
    let language = r.required(&f, "language");
    let description = r.optional(&f, "description");
    let disclaimer: Option<Markdown> = r.optional(&f, "disclaimer");
    // Its effect (a disclaimer becomes required) is the table's `required_when`.
    let _require_disclaimer: Option<bool> = r.defaulted(&f, "require_disclaimer");
    let review: Option<SiteReview> = r.optional(&f, "review");
    let readability: Option<SiteReadability> = r.optional(&f, "readability");
    let limits: Option<SiteLimits> = r.optional(&f, "limits");
    let evidence: Option<EvidenceSettings> = r.optional(&f, "evidence");
    let subject = r.optional(&f, "subject");
    let publisher = r.optional(&f, "publisher");
    let feedback = r.optional(&f, "feedback");
    let get_help: Option<GetHelpSettings> = r.optional(&f, "get_help");
    r.finish(f);
    let (review_max_age_days, require_clinical_review) = review
        .map(|r| (r.max_age_days, r.require_clinical))
        .unwrap_or_default();
    let (readability_max_grade, readability_max_smog, readability_show) = readability
        .map(|r| (r.max_grade, r.max_smog, r.show))
        .unwrap_or_default();
    Some(Site {
        origin,
        title: title?,
        base_url: base_url?,
        language: language?,
        description: description.unwrap_or_default(),
        disclaimer: disclaimer.unwrap_or_else(|| Spanned {
            value: String::new(),
            span: Default::default(),
        }),
        review_max_age_days,
        require_clinical_review,
        readability_max_grade,
        readability_max_smog,
        readability_show,
        limits: limits.map(|l| l.0).unwrap_or_default(),
        evidence: evidence.unwrap_or_default(),
        get_help: get_help.unwrap_or_default(),
        publisher,
        feedback,
        subject,
    })
}

pub fn source(r: &mut Reader, node: &Node, origin: Origin) -> Option<Source> {
    let f = r.fields(node, &schema::SOURCE)?;
    let title = r.required(&f, "title");
    let archive = r.required(&f, "archive");
    let source_type = r
        .defaulted(&f, "type")
        .and_then(|word: Spanned<String>| one_of(r, &word, &SourceType::NAMES, &SourceType::ALL));
    let publisher = r.optional(&f, "publisher");
    let author = r.optional(&f, "author");
    let conflicts = r.optional(&f, "conflicts");
    let notes = r.optional(&f, "notes");
    let url = r.optional(&f, "url");
    let published = r.optional(&f, "published");
    let accessed = r.optional(&f, "accessed");
    r.finish(f);
    Some(Source {
        origin,
        title: title?,
        publisher,
        author,
        source_type: source_type?,
        conflicts,
        notes,
        url,
        published,
        accessed,
        archive: archive?,
        archive_text: None,
    })
}

pub fn topic(r: &mut Reader, node: &Node, origin: Origin) -> Option<Topic> {
    let f = r.fields(node, &schema::TOPIC)?;
    let title = r.required(&f, "title");
    let order = r.optional(&f, "order");
    let intro = r.optional(&f, "intro");
    let allow = r.list(&f, "allow");
    r.finish(f);
    Some(Topic {
        origin,
        title: title?,
        order,
        intro,
        allow,
    })
}

pub fn question(r: &mut Reader, node: &Node, origin: Origin) -> Option<Question> {
    let f = r.fields(node, &schema::QUESTION)?;
    let question = r.required(&f, "question");
    let topic = r.required(&f, "topic");
    let order = r.optional(&f, "order");
    let tags = r.list(&f, "tags");
    let summary = r.required(&f, "summary");
    let answer = r.required(&f, "answer");
    let facts = r.list(&f, "facts");
    let related = r.list(&f, "related");
    let cautions = r.list(&f, "cautions");
    let subject = r.optional(&f, "subject");
    let reviewed = r.required(&f, "reviewed");
    let get_help = r.list(&f, "get_help");
    let changes = r.list(&f, "changes");
    let cost = r.optional(&f, "cost").map(Box::new);
    let comparison = r.optional(&f, "comparison");
    let timeline = r.optional(&f, "timeline");
    let allow = r.list(&f, "allow");
    r.finish(f);
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
        subject,
        reviewed: reviewed?,
        get_help,
        changes,
        cost,
        comparison,
        timeline,
        allow,
    })
}

pub fn caution(r: &mut Reader, node: &Node, origin: Origin) -> Option<Caution> {
    let f = r.fields(node, &schema::CAUTION)?;
    let title = r.required(&f, "title");
    let severity = r
        .required(&f, "severity")
        .and_then(|word: Spanned<String>| {
            one_of(
                r,
                &word,
                &Severity::NAMES,
                &[Severity::Info, Severity::Warning, Severity::Danger],
            )
        });
    let message = r.required(&f, "message");
    let quotes = r.list(&f, "quotes");
    let get_help = r.list(&f, "get_help");
    let allow = r.list(&f, "allow");
    r.finish(f);
    Some(Caution {
        origin,
        title: title?,
        severity: severity?,
        message: message?,
        quotes,
        get_help,
        allow,
    })
}

pub fn glossary_term(r: &mut Reader, node: &Node, origin: Origin) -> Option<GlossaryTerm> {
    let f = r.fields(node, &schema::GLOSSARY_TERM)?;
    let term = r.required(&f, "term");
    let aliases = r.list(&f, "aliases");
    let definition = r.required(&f, "definition");
    r.finish(f);
    Some(GlossaryTerm {
        origin,
        term: term?,
        aliases,
        definition: definition?,
    })
}

pub fn page(r: &mut Reader, node: &Node, origin: Origin) -> Option<Page> {
    let f = r.fields(node, &schema::PAGE)?;
    let title = r.required(&f, "title");
    let body = r.required(&f, "body");
    r.finish(f);
    Some(Page {
        origin,
        title: title?,
        body: body?,
    })
}

pub fn reviewer(r: &mut Reader, node: &Node, origin: Origin) -> Option<Reviewer> {
    let f = r.fields(node, &schema::REVIEWER)?;
    let name = r.required(&f, "name");
    let role = r.required(&f, "role");
    let kind = r.required(&f, "kind").and_then(|word: Spanned<String>| {
        one_of(
            r,
            &word,
            &ReviewerKind::NAMES,
            &[ReviewerKind::Clinical, ReviewerKind::Editorial],
        )
    });
    let team = r.defaulted(&f, "team");
    let credentials = r.optional(&f, "credentials");
    let registration = r.optional(&f, "registration");
    r.finish(f);
    Some(Reviewer {
        origin,
        name: name?,
        role: role?,
        credentials,
        registration,
        kind: kind?,
        team: team.unwrap_or(false),
    })
}
