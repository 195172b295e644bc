//! Check: everything that needs more than one value to be right.
//!
//! References between entities (topic, related, cautions, quote sources,
//! `[[id]]` links), quotes against their archives, numbers in cost blocks
//! against their quotes, URLs, review dates and reading level. Every problem
//! is reported with the position of the value at fault; this stage reads the
//! model and never changes it.

pub mod quotes;
pub mod readability;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, SourceFiles, Span, did_you_mean};
use crate::load::is_valid_id;
use crate::markdown;
use crate::model::*;
use crate::urls::SiteUrls;
use quotes::{Archive, Located, Verdict};

pub use crate::schema::DEFAULT_REVIEW_MAX_AGE_DAYS;

/// The review intervals a site may set (the content model's table says so).
pub const REVIEW_MAX_AGE_DAYS_RANGE: std::ops::RangeInclusive<i64> =
    1..=crate::schema::MAX_REVIEW_MAX_AGE_DAYS;

/// Runs every check over `content`. `today` decides which reviews are overdue.
/// Returns where each verified quote is in its archive, for render.
pub fn check<'a>(
    content: &'a Content,
    files: &'a SourceFiles,
    today: Date,
    diagnostics: &mut Diagnostics,
) -> Located<'a> {
    let checker = Checker::new(content, files, today);
    if let Some(site) = &content.site {
        checker.site(site, diagnostics);
    }
    for source in &content.sources {
        checker.source(source, diagnostics);
    }
    for topic in &content.topics {
        if let Some(intro) = &topic.intro {
            checker.markdown(&topic.origin.file, intro, diagnostics);
        }
    }
    // Questions are most of a site and independent of each other: check them in parallel.
    let per_question: Vec<Diagnostics> = content
        .questions
        .par_iter()
        .map(|q| {
            let mut d = Diagnostics::default();
            checker.question(q, &mut d);
            d
        })
        .collect();
    for d in per_question {
        diagnostics.extend(d);
    }
    for caution in &content.cautions {
        checker.markdown(&caution.origin.file, &caution.message, diagnostics);
        checker.quotes(&caution.origin.file, &caution.quotes, diagnostics);
    }
    checker.glossary(&content.glossary, diagnostics);
    for page in &content.pages {
        checker.markdown(&page.origin.file, &page.body, diagnostics);
    }
    checker.located()
}

/// The site's review interval in days: its `review.max_age_days` when that
/// is in [`REVIEW_MAX_AGE_DAYS_RANGE`] (the check reports it otherwise), else
/// the default.
pub fn review_max_age_days(site: Option<&Site>) -> i64 {
    site.and_then(|s| s.review_max_age_days.as_ref())
        .map(|d| d.value)
        .filter(|days| REVIEW_MAX_AGE_DAYS_RANGE.contains(days))
        .unwrap_or(DEFAULT_REVIEW_MAX_AGE_DAYS)
}

struct Checker<'a> {
    content: &'a Content,
    files: &'a SourceFiles,
    today: Date,
    /// Every id, with its kind and its title.
    entities: HashMap<&'a str, (Kind, &'a str)>,
    /// Per source with a readable archive, the verdict on each of its quotes
    /// (by the quote's text as written), all worked out in `new`.
    verdicts: HashMap<&'a str, Option<HashMap<&'a str, Verdict>>>,
    max_age_days: i64,
    max_grade: Option<f64>,
}

impl<'a> Checker<'a> {
    fn new(content: &'a Content, files: &'a SourceFiles, today: Date) -> Self {
        let mut entities = HashMap::new();
        let origins = content
            .sources
            .iter()
            .map(|e| (&e.origin, Kind::Source, e.title.as_str()))
            .chain(
                content
                    .topics
                    .iter()
                    .map(|e| (&e.origin, Kind::Topic, e.title.as_str())),
            )
            .chain(
                content
                    .questions
                    .iter()
                    .map(|e| (&e.origin, Kind::Question, e.question.as_str())),
            )
            .chain(
                content
                    .cautions
                    .iter()
                    .map(|e| (&e.origin, Kind::Caution, e.title.as_str())),
            )
            .chain(
                content
                    .glossary
                    .iter()
                    .map(|e| (&e.origin, Kind::Glossary, e.term.as_str())),
            )
            .chain(
                content
                    .pages
                    .iter()
                    .map(|e| (&e.origin, Kind::Page, e.title.as_str())),
            );
        for (origin, kind, title) in origins {
            entities.insert(origin.id.as_str(), (kind, title));
        }
        // Each source's quotes, so that its archive is normalised and searched
        // once for all of them.
        let mut quoted: HashMap<&str, Vec<&str>> = HashMap::new();
        let all_quotes = content
            .questions
            .iter()
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
        let verdicts = content
            .sources
            .par_iter()
            .map(|s| {
                let id = s.origin.id.as_str();
                let verdicts = s.archive_text.as_deref().map(|text| {
                    let mut texts = quoted.get(id).cloned().unwrap_or_default();
                    if texts.is_empty() {
                        return HashMap::new(); // Not quoted: nothing to normalise for.
                    }
                    texts.sort_unstable();
                    texts.dedup();
                    let verdicts = Archive::new(text).verify_all(&texts);
                    texts.into_iter().zip(verdicts).collect()
                });
                (id, verdicts)
            })
            .collect();
        let site = content.site.as_ref();
        Checker {
            content,
            files,
            today,
            entities,
            verdicts,
            max_age_days: review_max_age_days(site),
            max_grade: site
                .and_then(|s| s.readability_max_grade.as_ref())
                .map(|g| g.value),
        }
    }

    fn site(&self, site: &Site, out: &mut Diagnostics) {
        let file = &site.origin.file;
        // An empty value is a missing field, reported where it was read.
        if !site.base_url.is_empty()
            && let Err(error) = SiteUrls::new(&site.base_url)
        {
            out.push(
                Diagnostic::error(Code::BadBaseUrl, file, Some(site.base_url.span))
                    .message(error.message())
                    .help(error.help()),
            );
        }
        if !site.language.is_empty()
            && let Err(problem) = language_tag(&site.language)
        {
            out.push(
                Diagnostic::error(Code::BadLanguage, file, Some(site.language.span))
                    .message(problem.message)
                    .help(problem.help),
            );
        }
        if let Some(days) = &site.review_max_age_days
            && !REVIEW_MAX_AGE_DAYS_RANGE.contains(&days.value)
        {
            out.push(
                Diagnostic::error(Code::BadSetting, file, Some(days.span))
                    .message(format!(
                        "`review.max_age_days` is {}: it must be a number of days from {} to {} (ten years)",
                        days.value,
                        REVIEW_MAX_AGE_DAYS_RANGE.start(),
                        REVIEW_MAX_AGE_DAYS_RANGE.end()
                    ))
                    .help(format!(
                        "the default is {DEFAULT_REVIEW_MAX_AGE_DAYS} (three years); until this is fixed, reviews are due after the default"
                    )),
            );
        }
        // Written so that NaN (`.nan` in YAML) and infinity are refused too.
        if let Some(grade) = &site.readability_max_grade
            && !(grade.value > 0.0 && grade.value.is_finite())
        {
            out.push(
                Diagnostic::error(Code::BadSetting, file, Some(grade.span))
                    .message("`readability.max_grade` must be a positive school grade")
                    .help("patient information is usually written for grade 6 to 8"),
            );
        }
        self.markdown(file, &site.disclaimer, out);
    }

    fn source(&self, source: &Source, out: &mut Diagnostics) {
        let file = &source.origin.file;
        if let Some(url) = &source.url
            && !is_web_url(url)
        {
            out.push(
                Diagnostic::error(Code::BadUrl, file, Some(url.span))
                    .message(format!("`{}` is not an http or https URL", url.value))
                    .help("a source's `url` must start with http:// or https://; leave it out if the source has none"),
            );
        }
        if let (Some(published), Some(accessed)) = (&source.published, &source.accessed)
            && published.value > accessed.value
        {
            out.push(
                Diagnostic::error(Code::DateOrder, file, Some(accessed.span))
                    .message(format!(
                        "the source was accessed ({}) before it was published ({})",
                        accessed.value, published.value
                    ))
                    .help("check both dates"),
            );
        }
    }

    fn question(&self, q: &Question, out: &mut Diagnostics) {
        let file = &q.origin.file;
        self.reference(file, &q.topic, Kind::Topic, "topic", out);
        let mut tags = HashSet::new();
        for tag in &q.tags {
            if !is_valid_id(tag) {
                out.push(
                    Diagnostic::error(Code::BadTag, file, Some(tag.span))
                        .message(format!(
                            "the tag `{}` is not lowercase words joined by hyphens",
                            tag.value
                        ))
                        .help(format!(
                            "tags are part of URLs (/tags/<tag>/): write `{}`",
                            crate::load::suggest_id(tag)
                        )),
                );
            } else if !tags.insert(tag.value.as_str()) {
                out.push(
                    Diagnostic::warning(Code::DuplicateTag, file, Some(tag.span))
                        .message(format!("the tag `{}` is listed twice", tag.value))
                        .help("remove one of them"),
                );
            }
        }
        let mut related = HashSet::new();
        for other in &q.related {
            if other.value == q.origin.id {
                out.push(
                    Diagnostic::error(Code::SelfReference, file, Some(other.span))
                        .message("a question cannot be related to itself")
                        .help("remove this entry from `related`"),
                );
            } else if !related.insert(other.value.as_str()) {
                out.push(
                    Diagnostic::warning(Code::DuplicateRelated, file, Some(other.span))
                        .message(format!("`{}` is listed twice in `related`", other.value))
                        .help("remove one of them"),
                );
            } else {
                self.reference(file, other, Kind::Question, "related question", out);
            }
        }
        for caution in &q.cautions {
            self.reference(file, caution, Kind::Caution, "caution", out);
        }
        for fact in &q.facts {
            self.quotes(file, &fact.quotes, out);
        }
        if let Some(cost) = &q.cost {
            self.quotes(file, &cost.quotes, out);
            self.cost_numbers(file, cost, out);
        }
        if let Some(comparison) = &q.comparison {
            self.quotes(file, &comparison.quotes, out);
            let cells = comparison
                .rows
                .iter()
                .flat_map(|r| [&r.aspect, &r.ours, &r.theirs]);
            numbers_backed_by_quotes(file, "comparison", cells, &comparison.quotes, out);
        }
        if let Some(timeline) = &q.timeline {
            self.quotes(file, &timeline.quotes, out);
            let cells = timeline.steps.iter().flat_map(|s| [&s.when, &s.what]);
            numbers_backed_by_quotes(file, "timeline", cells, &timeline.quotes, out);
        }
        self.review(file, &q.reviewed, out);
        self.markdown(file, &q.answer, out);
        self.summary(file, &q.summary, out);
        self.readability(file, q, out);
    }

    /// An id that must name an entity of `kind`; true when it does.
    fn reference(
        &self,
        file: &Path,
        id: &Spanned<String>,
        kind: Kind,
        role: &str,
        out: &mut Diagnostics,
    ) -> bool {
        // Empty: a missing required field, already reported where it was read.
        if id.value.is_empty() || self.content.unreadable_ids.contains(id.value.as_str()) {
            return false; // Its own file's problems are reported already.
        }
        match self.entities.get(id.value.as_str()).map(|(kind, _)| kind) {
            Some(found) if *found == kind => return true,
            Some(found) => out.push(
                Diagnostic::error(Code::WrongKind, file, Some(id.span))
                    .message(format!(
                        "`{}` is {}, not {}",
                        id.value,
                        found.noun(),
                        kind.noun()
                    ))
                    .help(self.suggestion(&id.value, kind)),
            ),
            None => out.push(
                Diagnostic::error(Code::UnknownReference, file, Some(id.span))
                    .message(format!("unknown {role} `{}`", id.value))
                    .help(self.suggestion(&id.value, kind)),
            ),
        }
        false
    }

    fn suggestion(&self, wrong: &str, kind: Kind) -> String {
        let mut ids: Vec<&str> = self
            .entities
            .iter()
            .filter(|(_, (k, _))| *k == kind)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        match did_you_mean(wrong, ids.iter().copied()) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => {
                if ids.is_empty() {
                    format!(
                        "there is no {} yet: create one in content/",
                        &kind.noun()[2..]
                    )
                } else {
                    let shown: Vec<&str> = ids.into_iter().take(8).collect();
                    format!(
                        "ids of this kind are the file names, e.g. {}",
                        shown.join(", ")
                    )
                }
            }
        }
    }

    fn quotes(&self, file: &Path, quotes: &[Quote], out: &mut Diagnostics) {
        for quote in quotes {
            if !self.reference(file, &quote.source, Kind::Source, "source", out) {
                continue;
            }
            let source = quote.source.value.as_str();
            let Some(Some(verdicts)) = self.verdicts.get(source) else {
                continue; // The archive's own problem is reported on the source.
            };
            let Some(verdict) = verdicts.get(quote.text.value.as_str()) else {
                continue; // A missing `text`, reported when it was read.
            };
            if let Some(diagnostic) = quote_diagnostic(file, quote, verdict) {
                out.push(diagnostic);
            }
        }
    }

    /// Where each verified quote is, for render.
    fn located(self) -> Located<'a> {
        let mut located = Located::default();
        for (source, verdicts) in self.verdicts {
            for (text, verdict) in verdicts.into_iter().flatten() {
                if let Verdict::Found(found) = verdict {
                    located.insert(source, text, found);
                }
            }
        }
        located
    }

    fn cost_numbers(&self, file: &Path, cost: &Cost, out: &mut Diagnostics) {
        let quoted: Vec<f64> = cost
            .quotes
            .iter()
            .flat_map(|q| quotes::numbers_in(&q.text))
            .collect();
        let named = [
            ("typical", &cost.typical),
            ("low", &cost.low),
            ("high", &cost.high),
        ];
        for (name, value) in named {
            let Some(value) = value else { continue };
            if !quoted.iter().any(|n| (n - value.value).abs() < 1e-9) {
                out.push(
                    Diagnostic::error(Code::NumberNotQuoted, file, Some(value.span))
                        .message(format!(
                            "the {name} cost {} does not appear in any of the cost's quotes",
                            value.value
                        ))
                        .help(if quoted.is_empty() {
                            "add a quote that gives this number".to_string()
                        } else {
                            format!(
                                "the quotes give: {}",
                                quoted
                                    .iter()
                                    .map(|n| n.to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }),
                );
            }
        }
        let ordered = [&cost.low, &cost.typical, &cost.high];
        let present: Vec<&Spanned<f64>> = ordered.iter().filter_map(|v| v.as_ref()).collect();
        for pair in present.windows(2) {
            if pair[0].value > pair[1].value {
                out.push(
                    Diagnostic::error(Code::CostOrder, file, Some(pair[1].span))
                        .message(format!(
                            "{} is less than {}: costs must be low ≤ typical ≤ high",
                            pair[1].value, pair[0].value
                        ))
                        .help(
                            "check which number is the low end, the typical cost and the high end",
                        ),
                );
            }
        }
    }

    fn review(&self, file: &Path, review: &Review, out: &mut Diagnostics) {
        if let Some(next) = &review.next
            && next.value <= review.on.value
        {
            out.push(
                Diagnostic::error(Code::DateOrder, file, Some(next.span))
                    .message(format!(
                        "the next review ({}) is not after the last one ({})",
                        next.value, review.on.value
                    ))
                    .help("`reviewed.next` is when the answer must be looked at again, after `reviewed.on`"),
            );
        }
        if review.on.value > self.today {
            out.push(
                Diagnostic::warning(Code::ReviewInFuture, file, Some(review.on.span))
                    .message(format!(
                        "`reviewed.on` ({}) is in the future",
                        review.on.value
                    ))
                    .help("give the date the answer was actually reviewed"),
            );
        }
        let (due, span) = due_date(review, self.max_age_days);
        if due < self.today {
            out.push(
                Diagnostic::warning(Code::ReviewOverdue, file, Some(span))
                    .message(format!("this answer was due for review on {due}"))
                    .help("review it against its sources, then update `reviewed.on` (and `next`, if set)"),
            );
        }
    }

    fn summary(&self, file: &Path, summary: &Spanned<String>, out: &mut Diagnostics) {
        let words = summary.split_whitespace().count();
        let sentences = sentence_count(summary);
        if words > 35 || sentences > 1 {
            out.push(
                Diagnostic::warning(Code::LongSummary, file, Some(summary.span))
                    .message(format!(
                        "the summary is {sentences} sentence(s), {words} words"
                    ))
                    .help("a summary is the short answer: one plain sentence of at most 35 words"),
            );
        }
    }

    fn readability(&self, file: &Path, q: &Question, out: &mut Diagnostics) {
        let Some(max) = self.max_grade else { return };
        for (field, text) in [("summary", &q.summary), ("answer", &q.answer)] {
            let title_of = |id: &str| self.entities.get(id).map(|(_, title)| title.to_string());
            let plain = markdown::to_plain_text(text, &title_of);
            if let Some(grade) = readability::flesch_kincaid_grade(&plain)
                && grade > max
            {
                out.push(
                    Diagnostic::warning(Code::ReadingLevel, file, Some(text.span))
                        .message(format!("the {field} reads at grade {grade:.1}, above the site's {max}"))
                        .help("use shorter sentences and everyday words; link medical words to the glossary"),
                );
            }
        }
    }

    /// `[[id]]` links and unsafe markup in a markdown field.
    fn markdown(&self, file: &Path, field: &Markdown, out: &mut Diagnostics) {
        let text = self.files.get(file);
        let locate = |range: Range<usize>| locate_in_file(text.as_deref(), field, range);
        let scan = markdown::scan(&field.value);
        for link in scan.links {
            if self.content.unreadable_ids.contains(&link.id)
                || self.entities.contains_key(link.id.as_str())
            {
                continue;
            }
            let candidates = self.entities.keys().copied();
            let help = match did_you_mean(&link.id, candidates) {
                Some(guess) => format!("did you mean `[[{guess}]]`?"),
                None => {
                    "link to an entity by its id: the name of its file without .yaml".to_string()
                }
            };
            out.push(
                Diagnostic::error(Code::UnknownLink, file, Some(locate(link.range)))
                    .message(format!("this links to `{}`, which does not exist", link.id))
                    .help(help),
            );
        }
        if let Some(deep) = scan.too_deep {
            out.push(
                Diagnostic::error(Code::DeepNesting, file, Some(locate(deep.range)))
                    .message(format!(
                        "the markup nests more than {} levels deep here, at {}",
                        markdown::MAX_NESTING,
                        deep.what
                    ))
                    .help("close every HTML tag you open, and nest lists, quotes and emphasis a few levels at most"),
            );
        }
        for markup in scan.unsafe_markup {
            out.push(
                Diagnostic::warning(Code::UnsafeHtml, file, Some(locate(markup.range)))
                    .message(format!("`{}` is removed from the page", markup.what))
                    .help("pages allow plain markdown and safe HTML: no scripts, event handlers, javascript: links or images from other sites"),
            );
        }
    }

    fn glossary(&self, terms: &[GlossaryTerm], out: &mut Diagnostics) {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for term in terms {
            self.markdown(&term.origin.file, &term.definition, out);
            for word in std::iter::once(&term.term).chain(&term.aliases) {
                let key = word.trim().to_lowercase();
                match seen.get(&key) {
                    Some(other) if *other != term.origin.id => out.push(
                        Diagnostic::error(Code::DuplicateGlossaryWord, &term.origin.file, None)
                            .message(format!("`{word}` is also defined by the glossary term `{other}`"))
                            .help("each word links to one definition: remove it from one of the terms"),
                    ),
                    _ => {
                        seen.insert(key, &term.origin.id);
                    }
                }
            }
        }
    }
}

/// The problem with a quote, if its verdict is one, in an editor's words.
fn quote_diagnostic(file: &Path, quote: &Quote, verdict: &Verdict) -> Option<Diagnostic> {
    let source = quote.source.value.as_str();
    let span = Some(quote.text.span);
    let diagnostic = match verdict {
        Verdict::Found(found) if found.is_heading => {
            Diagnostic::warning(Code::QuoteIsHeading, file, span)
                .message(format!("this quote is a heading of `{source}`, not a statement"))
                .help("a heading names a subject and is no evidence: quote the sentence under it that says what the claim rests on")
        }
        Verdict::Found(_) => return None,
        Verdict::TooShort { words } => Diagnostic::error(Code::QuoteTooShort, file, span)
            .message(format!(
                "this quote has {words} word{}: a quote needs at least {}",
                if *words == 1 { "" } else { "s" },
                quotes::MIN_WORDS
            ))
            .help("a word or two can be found in almost any text and proves nothing: quote the phrase or sentence the claim rests on"),
        Verdict::InsideWords { words } => Diagnostic::error(Code::QuoteInsideWord, file, span)
            .message(format!(
                "this quote is in the archive of `{source}` only as part of {}",
                words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ))
            .help("a quote must start and end with whole words: quote each word whole, as the source writes it"),
        Verdict::CurlyMarks { mark } => Diagnostic::error(Code::QuoteCurlyMarks, file, span)
            .message(format!(
                "this text starts with {mark}, so the quote marks are part of the quote, and `{source}` does not have them there"
            ))
            .help("YAML only takes straight quotes as its own: put straight quotes \"…\" around the text, or none"),
        Verdict::Accents { differences } => Diagnostic::error(Code::QuoteAccents, file, span)
            .message(format!(
                "this quote is in the archive of `{source}` only with other accents"
            ))
            .help(format!(
                "{}: copy the words with their accents as the source writes them",
                describe_differences(differences)
            )),
        Verdict::NotFound {
            closest,
            has_ellipsis,
        } => {
            let mut help = match closest {
                Some(closest) => {
                    let mut help = format!(
                        "the closest passage of `{source}` is:\n  \"{}\"\n",
                        closest.passage
                    );
                    if !closest.differences.is_empty() {
                        help.push_str(&format!("{}\n", describe_differences(&closest.differences)));
                    }
                    help.push_str("quote the source word for word (white space, curly quotes and dashes may differ)");
                    help
                }
                None => format!("no passage of `{source}` shares a word with it: check the quote's `source`"),
            };
            if *has_ellipsis {
                help.push_str("\na quote cannot leave words out with \"...\": quote each part as a quote of its own");
            }
            Diagnostic::error(Code::QuoteNotFound, file, span)
                .message(format!("this quote is not in the archive of `{source}`"))
                .help(help)
        }
    };
    Some(diagnostic)
}

/// What differs between an archive and a quote, on one line: "the archive
/// has 'hours,' where the quote has 'hours'; ...".
fn describe_differences(differences: &[quotes::Difference]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = differences
        .iter()
        .take(SHOWN)
        .map(|d| match (d.archive.is_empty(), d.quote.is_empty()) {
            (false, false) => format!(
                "the archive has '{}' where the quote has '{}'",
                d.archive, d.quote
            ),
            (false, true) => format!("the archive has '{}' that the quote leaves out", d.archive),
            _ => format!("the quote adds '{}'", d.quote),
        })
        .collect();
    if differences.len() > SHOWN {
        parts.push(format!("and {} more", differences.len() - SHOWN));
    }
    parts.join("; ")
}

/// Every number written in a data block's text must appear in one of the
/// block's quotes: a table or timeline never states a figure no source gives.
fn numbers_backed_by_quotes<'a>(
    file: &Path,
    block: &str,
    cells: impl Iterator<Item = &'a Spanned<String>>,
    block_quotes: &[Quote],
    out: &mut Diagnostics,
) {
    let quoted: Vec<f64> = block_quotes
        .iter()
        .flat_map(|q| quotes::numbers_in(&q.text))
        .collect();
    for cell in cells {
        for number in quotes::numbers_in(cell) {
            if !quoted.iter().any(|n| (n - number).abs() < 1e-9) {
                out.push(
                    Diagnostic::error(Code::NumberNotQuoted, file, Some(cell.span))
                        .message(format!("the {block} says {number}, which none of its quotes gives"))
                        .help(format!("every number in a {block} must appear in one of the {block}'s quotes: add the quote that gives it, or correct the number")),
                );
            }
        }
    }
}

/// When an answer is due for review: `next` if given, else `on` plus the
/// site's maximum age; with the span to point at. Total for any number of
/// days: past the calendar's end (or start), the last (or first) date.
pub fn due_date(review: &Review, max_age_days: i64) -> (Date, Span) {
    match &review.next {
        Some(next) => (next.value, next.span),
        None => {
            let on = review.on.value;
            let past_the_end = if max_age_days < 0 {
                Date::MIN
            } else {
                Date::MAX
            };
            let due = jiff::Span::new()
                .try_days(max_age_days)
                .ok()
                .and_then(|span| on.checked_add(span).ok())
                .unwrap_or(past_the_end);
            (due, review.on.span)
        }
    }
}

/// Sentences in a short text: a word ending in . ! or ? followed by a word
/// starting with a capital, unless it is a title or abbreviation ("Dr. Katz").
fn sentence_count(text: &str) -> usize {
    const ABBREVIATIONS: [&str; 10] = [
        "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "e.g.", "i.e.", "vs.", "approx.",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    let ends = words.windows(2).filter(|pair| {
        let ends_sentence = pair[0].ends_with(['.', '!', '?'])
            && !ABBREVIATIONS.contains(&pair[0].to_lowercase().as_str());
        ends_sentence && pair[1].starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
    });
    ends.count() + 1
}

/// An absolute http or https URL with a host, as the `url` crate (and so a
/// browser) reads it, with no white space or control character in what was
/// written (which a browser would drop or encode, so the link would not go
/// where the text says).
fn is_web_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    url::Url::parse(url).is_ok_and(|parsed| {
        matches!(parsed.scheme(), "http" | "https")
            && parsed.host_str().is_some_and(|host| !host.is_empty())
    })
}

/// Why a `language` is refused, in plain words.
struct LanguageProblem {
    message: String,
    help: String,
}

/// `language` must be a well-formed BCP 47 tag whose subtags are in the IANA
/// registry: it becomes `<html lang>`, which screen readers use to pick a voice.
fn language_tag(language: &str) -> Result<(), LanguageProblem> {
    const EXAMPLES: &str = "write a BCP 47 language tag, e.g. `en`, `en-GB`, `fr` or `pt-BR`";
    let tag = match language_tags::LanguageTag::parse(language) {
        Ok(tag) => tag,
        Err(error) => {
            // `en_GB` is the common slip: a POSIX locale name.
            let dashed = language.trim().replace('_', "-");
            let help = match language_tags::LanguageTag::parse(&dashed) {
                Ok(tag) if dashed != language && tag.validate().is_ok() => {
                    format!("write `language: {dashed}`")
                }
                _ => EXAMPLES.to_string(),
            };
            let message = if language.trim().is_empty() {
                "`language` is empty".to_string()
            } else {
                format!(
                    "`{}` is not a BCP 47 language tag: {error}",
                    language.escape_debug()
                )
            };
            return Err(LanguageProblem { message, help });
        }
    };
    tag.validate().map_err(|error| LanguageProblem {
        message: format!(
            "`{}` is not a registered language tag: {error}",
            language.escape_debug()
        ),
        help: EXAMPLES.to_string(),
    })
}

/// Where a piece of a markdown field is in its file. The field's text is the
/// YAML value after unquoting and unindenting, so we find the piece's own
/// characters inside the value's span; failing that, point at the field.
fn locate_in_file(file_text: Option<&str>, field: &Markdown, range: Range<usize>) -> Span {
    let (Some(text), Some(piece)) = (file_text, field.value.get(range.clone())) else {
        return field.span;
    };
    let Some(raw) = text.get(field.span.start..field.span.end) else {
        return field.span;
    };
    // Which occurrence of the piece this is, counted in the markdown.
    let nth = field.value[..range.start].matches(piece).count();
    match raw.match_indices(piece).nth(nth) {
        Some((offset, _)) => {
            let start = field.span.start + offset;
            Span::from_bytes(text, start, start + piece.len())
        }
        None => field.span,
    }
}

#[cfg(test)]
mod tests {
    use super::{due_date, sentence_count};
    use crate::model::{Review, Spanned};
    use jiff::civil::{Date, date};

    #[test]
    fn due_dates_never_overflow() {
        let review = Review {
            on: Spanned {
                value: date(2026, 1, 15),
                span: Default::default(),
            },
            by: "Editorial team".into(),
            next: None,
        };
        assert_eq!(due_date(&review, 365).0, date(2027, 1, 15));
        for days in [10_000_000, i64::MAX, 7_304_484] {
            assert_eq!(due_date(&review, days).0, Date::MAX, "{days}");
        }
        for days in [-10_000_000, i64::MIN] {
            assert_eq!(due_date(&review, days).0, Date::MIN, "{days}");
        }
    }

    #[test]
    fn counts_sentences_but_not_titles() {
        assert_eq!(sentence_count("Dr. Katz says there are no risks."), 1);
        assert_eq!(
            sentence_count("It heals. Most redness goes within 48 hours."),
            2
        );
        assert_eq!(sentence_count("About $640 per session, e.g. in the US."), 1);
    }
}
