//! Check: everything that needs more than one value to be right.
//!
//! The checks are small rules, one concern per file, run in a fixed order
//! over a read-only [`Context`] (the entity index, each quote's verdict
//! against its archive, the site's resolved settings):
//!
//! - [`settings`]: the site's settings (`base_url`, `language`, ranges);
//! - [`sources`]: a source's own fields (its `url`);
//! - [`dates`]: dates in order, reviews in the future or overdue;
//! - [`references`]: ids that must name an entity (topic, related,
//!   cautions, quote sources), tags, glossary words claimed twice;
//! - [`quote_messages`]: each quote's verdict, in an editor's words;
//! - [`markdown_fields`]: `[[id]]` links, unsafe HTML and deep nesting;
//! - [`evidence`]: the site's own words held to its quotes (numbers,
//!   qualifiers, claim words), with the allowances editors wrote;
//! - [`duplicates`]: questions that ask much the same;
//! - [`review`]: reviewers named, clinical reviews where the site needs them;
//! - [`care_cards`]: care cards where the site requires them, reviewed;
//! - [`source_quality`]: claims resting only on sources the site does not
//!   accept alone;
//! - [`wording`]: summary length and reading level.
//!
//! Every problem is reported with the position of the value at fault. This
//! stage reads the model and never changes it.

mod cache;
pub mod care_cards;
pub mod dates;
pub mod duplicates;
pub mod evidence;
pub mod locate;
pub mod markdown_fields;
pub mod quote_messages;
pub mod quotes;
pub mod readability;
pub mod references;
pub mod review;
pub mod settings;
pub mod source_quality;
pub mod sources;
pub mod wording;

use std::collections::HashMap;

use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::diagnostics::{Diagnostics, SourceFiles};
use crate::model::*;
use quotes::{Archive, Located, Verdict};

pub use crate::schema::DEFAULT_REVIEW_MAX_AGE_DAYS;
pub use cache::Cache;
pub use dates::{REVIEW_MAX_AGE_DAYS_RANGE, due_date, review_max_age_days};

/// What the check found besides its diagnostics.
#[derive(Debug, Default)]
pub struct Checked<'a> {
    /// Where each verified quote is in its archive, for render.
    pub located: Located<'a>,
    /// How many findings editors' `allow` entries silenced.
    pub silenced: usize,
}

/// Runs every check over `content`. `today` decides which reviews are overdue.
pub fn check<'a>(
    content: &'a Content,
    files: &'a SourceFiles,
    today: Date,
    out: &mut Diagnostics,
) -> Checked<'a> {
    check_with(content, files, today, None, out)
}

/// [`check`], for a build that follows another of the same site (the
/// preview): reuses the findings and quote verdicts `cache` kept from the
/// previous check wherever what they were worked out from is unchanged (see
/// [`Cache`]), and keeps this check's for the next one. Finds exactly what
/// [`check`] finds.
pub fn check_incremental<'a>(
    content: &'a Content,
    files: &'a SourceFiles,
    today: Date,
    cache: &mut Cache,
    out: &mut Diagnostics,
) -> Checked<'a> {
    check_with(content, files, today, Some(cache), out)
}

fn check_with<'a>(
    content: &'a Content,
    files: &'a SourceFiles,
    today: Date,
    mut cache: Option<&mut Cache>,
    out: &mut Diagnostics,
) -> Checked<'a> {
    let changes = cache
        .as_deref_mut()
        .and_then(|cache| cache.start(content, files, today));
    // A one-off check looks for near-duplicate questions while it verifies
    // the quotes: they do not depend on each other, and each has parts that
    // run on one thread. The preview takes both from its cache, in turn.
    let (ctx, found_near_duplicates) = match cache.as_deref_mut() {
        Some(cache) => (
            Context::with_verdicts(content, files, today, Some(&mut cache.verdicts)),
            None,
        ),
        None => {
            let (ctx, found) = rayon::join(
                || Context::new(content, files, today),
                || duplicates::find(&content.questions),
            );
            (ctx, Some(found))
        }
    };
    if let Some(site) = &content.site {
        settings::check(&ctx, site, out);
        markdown_fields::check(&ctx, &site.origin.file, &site.disclaimer, out);
    }
    for source in &content.sources {
        sources::check(source, out);
        dates::source(source, out);
    }
    for topic in &content.topics {
        if let Some(intro) = &topic.intro {
            markdown_fields::check(&ctx, &topic.origin.file, intro, out);
        }
    }
    let near_duplicates = match (found_near_duplicates, cache.as_deref_mut()) {
        (Some(found), _) => found,
        (None, Some(cache)) => cache.near_duplicates(content),
        (None, None) => duplicates::find(&content.questions),
    };
    // Questions are most of a site and independent of each other: check them in parallel.
    let kept = cache.as_deref().zip(changes.as_ref());
    let keeping = cache.is_some();
    type Findings = (
        Diagnostics,
        evidence::Allowances,
        Option<cache::QuestionFindingsToKeep>,
    );
    let per_question: Vec<Findings> = content
        .questions
        .par_iter()
        .enumerate()
        .map(|(index, q)| {
            let near = near_duplicates.of(index);
            let reused = kept.and_then(|(cache, changes)| cache.reuse(changes, index, q, near));
            if let Some((d, allowances)) = reused {
                return (d, allowances, None);
            }
            let mut d = Diagnostics::default();
            let allowances = question(&ctx, q, near, &mut d);
            let keep =
                keeping.then(|| cache::QuestionFindingsToKeep::new(&ctx, q, near, &d, &allowances));
            (d, allowances, keep)
        })
        .collect();
    let mut allowances = evidence::Allowances::default();
    let mut to_keep = Vec::with_capacity(per_question.len());
    for (d, used, keep) in per_question {
        out.extend(d);
        allowances.extend(used);
        to_keep.push(keep);
    }
    if let Some(cache) = cache {
        cache.keep(content, files, changes.as_ref(), to_keep);
    }
    for caution in &content.cautions {
        let file = &caution.origin.file;
        markdown_fields::check(&ctx, file, &caution.message, out);
        quote_messages::check(&ctx, file, &caution.quotes, out);
        allowances.extend(evidence::caution(&ctx, caution, out));
    }
    for topic in &content.topics {
        allowances.extend(evidence::topic(&ctx, topic, out));
    }
    references::glossary(&content.glossary, out);
    for term in &content.glossary {
        markdown_fields::check(&ctx, &term.origin.file, &term.definition, out);
    }
    for page in &content.pages {
        markdown_fields::check(&ctx, &page.origin.file, &page.body, out);
    }
    let silenced = allowances.silenced();
    evidence::allow::stale(content, &allowances, out);
    Checked {
        located: ctx.located(),
        silenced,
    }
}

/// Every check of one question; returns the allowances its findings used.
fn question(
    ctx: &Context,
    q: &Question,
    near_duplicate: Option<&duplicates::NearDuplicate>,
    out: &mut Diagnostics,
) -> evidence::Allowances {
    let file = &q.origin.file;
    references::question(ctx, q, out);
    for fact in &q.facts {
        quote_messages::check(ctx, file, &fact.quotes, out);
    }
    let blocks = [
        q.cost.as_ref().map(|b| &b.quotes),
        q.comparison.as_ref().map(|b| &b.quotes),
        q.timeline.as_ref().map(|b| &b.quotes),
    ];
    for quotes in blocks.into_iter().flatten() {
        quote_messages::check(ctx, file, quotes, out);
    }
    if let Some(cost) = &q.cost {
        evidence::numbers::cost_order(file, cost, out);
    }
    dates::review(ctx, file, &q.reviewed, out);
    review::question(ctx, q, out);
    care_cards::question(ctx, q, out);
    source_quality::question(ctx, q, out);
    // The answer is parsed once, for its links and markup and for the
    // words its reading level is measured on.
    let title_of = |id: &str| wording::title_of(ctx, id);
    let (scan, answer_text) = crate::markdown::scan_and_plain_text(&q.answer, &title_of);
    markdown_fields::report(ctx, file, &q.answer, scan, out);
    wording::summary(file, &q.summary, out);
    wording::reading_level(ctx, file, q, &answer_text, out);
    evidence::question(ctx, q, near_duplicate, out)
}

/// How every question's page reads, with the site's targets, for editors
/// (`cited check --reading-levels`); published pages never show it unless
/// the site asks (`readability.show`).
pub struct ReadingLevels {
    pub pages: Vec<wording::PageReading>,
    pub max_grade: Option<f64>,
    pub max_smog: Option<f64>,
}

/// Measures every question's page as the reading-level rule does.
pub fn reading_levels(content: &Content, files: &SourceFiles, today: Date) -> ReadingLevels {
    // The measure reads titles and settings, never a quote's verdict: the
    // quotes, verified by the check this follows, are not verified again.
    let ctx = Context::of(content, files, today, FxHashMap::default());
    ReadingLevels {
        pages: wording::reading_levels(&ctx),
        max_grade: ctx.settings.max_grade,
        max_smog: ctx.settings.max_smog,
    }
}

/// What every rule may read: the content, the entity index, the quotes'
/// verdicts and the site's settings, all worked out once.
pub struct Context<'a> {
    pub content: &'a Content,
    pub files: &'a SourceFiles,
    pub today: Date,
    /// Every id, with its kind and its title.
    pub entities: FxHashMap<&'a str, (Kind, &'a str)>,
    /// The site's reviewers, by id.
    pub reviewers: HashMap<&'a str, &'a Reviewer>,
    /// The site's sources, by id.
    pub sources: HashMap<&'a str, &'a Source>,
    /// Per source with a readable archive, the verdict on each of its quotes
    /// (by the quote's text as written).
    verdicts: FxHashMap<&'a str, Option<FxHashMap<&'a str, Verdict>>>,
    pub settings: Settings,
}

/// The site's settings as the checks apply them: defaults filled in, values
/// out of range replaced by the default (and reported by [`settings`]).
pub struct Settings {
    pub max_age_days: i64,
    pub max_grade: Option<f64>,
    pub max_smog: Option<f64>,
    /// `review.require_clinical`.
    pub require_clinical: bool,
    pub evidence: evidence::Settings,
}

impl<'a> Context<'a> {
    pub fn new(content: &'a Content, files: &'a SourceFiles, today: Date) -> Self {
        Self::with_verdicts(content, files, today, None)
    }

    /// [`Context::new`], taking the quotes' verdicts from `kept` where their
    /// source's archive is unchanged, and keeping the new ones there.
    fn with_verdicts(
        content: &'a Content,
        files: &'a SourceFiles,
        today: Date,
        kept: Option<&mut HashMap<String, cache::SourceVerdicts>>,
    ) -> Self {
        Self::of(content, files, today, verdicts(content, kept))
    }

    /// The context with the quotes' verdicts given.
    fn of(
        content: &'a Content,
        files: &'a SourceFiles,
        today: Date,
        verdicts: FxHashMap<&'a str, Option<FxHashMap<&'a str, Verdict>>>,
    ) -> Self {
        let mut entities = FxHashMap::default();
        let origins = (content.sources.iter())
            .map(|e| (&e.origin, Kind::Source, e.title.as_str()))
            .chain((content.topics.iter()).map(|e| (&e.origin, Kind::Topic, e.title.as_str())))
            .chain(
                (content.questions.iter())
                    .map(|e| (&e.origin, Kind::Question, e.question.as_str())),
            )
            .chain((content.cautions.iter()).map(|e| (&e.origin, Kind::Caution, e.title.as_str())))
            .chain((content.glossary.iter()).map(|e| (&e.origin, Kind::Glossary, e.term.as_str())))
            .chain((content.pages.iter()).map(|e| (&e.origin, Kind::Page, e.title.as_str())))
            .chain(
                (content.reviewers.iter()).map(|e| (&e.origin, Kind::Reviewer, e.name.as_str())),
            );
        for (origin, kind, title) in origins {
            entities.insert(origin.id.as_str(), (kind, title));
        }
        let site = content.site.as_ref();
        Context {
            content,
            files,
            today,
            entities,
            reviewers: review::reviewers_by_id(content),
            sources: content
                .sources
                .iter()
                .map(|s| (s.origin.id.as_str(), s))
                .collect(),
            verdicts,
            settings: Settings {
                max_age_days: review_max_age_days(site),
                max_grade: site
                    .and_then(|s| s.readability_max_grade.as_ref())
                    .map(|g| g.value),
                max_smog: site
                    .and_then(|s| s.readability_max_smog.as_ref())
                    .map(|g| g.value),
                require_clinical: site
                    .and_then(|s| s.require_clinical_review.as_ref())
                    .is_some_and(|on| on.value),
                evidence: evidence::Settings::of(content),
            },
        }
    }

    /// The verdict on a quote: `None` when its source has no readable
    /// archive (reported on the source) or the quote has no text.
    pub fn verdict(&self, quote: &Quote) -> Option<&Verdict> {
        let Some(Some(verdicts)) = self.verdicts.get(quote.source.value.as_str()) else {
            return None;
        };
        verdicts.get(quote.text.value.as_str())
    }

    /// Whether `id` names a file that exists but could not be read (its own
    /// problems are reported already).
    pub fn is_unreadable(&self, id: &str) -> bool {
        self.content.unreadable_ids.contains(id)
    }

    /// Where each verified quote is, for render: the verdicts, moved.
    fn located(self) -> Located<'a> {
        Located::of_verdicts(
            (self.verdicts.into_iter()).filter_map(|(source, verdicts)| Some((source, verdicts?))),
        )
    }
}

/// Each source's quotes verified against its archive: the archive is
/// normalised and searched once for all of them. With `kept`, a quote whose
/// verdict was kept for the same archive text is not verified again, and
/// the verdicts on the quotes there are now are kept for next time.
fn verdicts<'a>(
    content: &'a Content,
    kept: Option<&mut HashMap<String, cache::SourceVerdicts>>,
) -> FxHashMap<&'a str, Option<FxHashMap<&'a str, Verdict>>> {
    let mut quoted: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
    let all_quotes = (content.questions.iter())
        .flat_map(crate::link::question_quotes)
        .chain(content.cautions.iter().flat_map(|c| &c.quotes));
    for quote in all_quotes {
        if !quote.text.value.is_empty() {
            quoted
                .entry(quote.source.value.as_str())
                .or_default()
                .push(quote.text.value.as_str());
        }
    }
    let previous = kept.as_deref();
    // Per source: the verdicts on its quotes, and which of them were
    // worked out in this check (not taken from `kept`).
    type SourceVerdicts<'a> = Option<(FxHashMap<&'a str, Verdict>, Vec<&'a str>)>;
    let worked_out: Vec<(&str, SourceVerdicts)> = content
        .sources
        .par_iter()
        .map(|s| {
            let id = s.origin.id.as_str();
            let verdicts = s.archive_text.as_deref().map(|text| {
                let mut texts = quoted.get(id).cloned().unwrap_or_default();
                if texts.is_empty() {
                    return (FxHashMap::default(), Vec::new()); // Not quoted: nothing to normalise for.
                }
                texts.sort_unstable();
                texts.dedup();
                let same_archive = previous
                    .and_then(|p| p.get(id))
                    .filter(|p| p.archive == text)
                    .map(|p| &p.by_text);
                let mut known: FxHashMap<&str, Verdict> =
                    FxHashMap::with_capacity_and_hasher(texts.len(), Default::default());
                let mut unknown: Vec<&str> = Vec::new();
                for quote in texts {
                    match same_archive.and_then(|by_text| by_text.get(quote)) {
                        Some(verdict) => {
                            known.insert(quote, verdict.clone());
                        }
                        None => unknown.push(quote),
                    }
                }
                if !unknown.is_empty() {
                    let verdicts = Archive::new(text).verify_all(&unknown);
                    known.extend(unknown.iter().copied().zip(verdicts));
                }
                (known, unknown)
            });
            (id, verdicts)
        })
        .collect();
    if let Some(kept) = kept {
        // Verdicts already kept for the same archive stay (one on a quote no
        // longer written is still right for that archive, and is there if
        // the quote comes back); the new ones are added; a source whose
        // archive changed, or that is gone, starts again.
        let sources: FxHashMap<&str, &Source> = (content.sources.iter())
            .map(|s| (s.origin.id.as_str(), s))
            .collect();
        kept.retain(|id, kept| {
            sources
                .get(id.as_str())
                .and_then(|s| s.archive_text.as_deref())
                .is_some_and(|archive| kept.archive == archive)
        });
        for (s, (_, now)) in content.sources.iter().zip(&worked_out) {
            let (Some(archive), Some((verdicts, new))) = (&s.archive_text, now) else {
                continue;
            };
            let kept = kept
                .entry(s.origin.id.clone())
                .or_insert_with(|| cache::SourceVerdicts {
                    archive: archive.clone(),
                    by_text: FxHashMap::default(),
                });
            for text in new {
                kept.by_text
                    .insert(text.to_string(), verdicts[text].clone());
            }
        }
    }
    (worked_out.into_iter())
        .map(|(id, verdicts)| (id, verdicts.map(|(verdicts, _)| verdicts)))
        .collect()
}
