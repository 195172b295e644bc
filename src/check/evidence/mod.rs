//! The site's own words held to its quotes.
//!
//! Every sentence a reader sees is either a verified quote or the site's
//! wording, and the site's wording must stay within its quotes. Three rules
//! read it, each in its own file:
//!
//! - [`numbers`]: every number, in digits or in words, is in a quote behind it;
//! - [`qualifiers`]: no word of frequency, certainty, safety or praise that no
//!   quote behind it has;
//! - [`claim_words`]: no content word in a claim or summary (an answer, where
//!   the site asks) that no quote behind it has.
//!
//! Which quotes are "behind" a text: a claim's are its fact's quotes; a data
//! block's are the block's; a summary's and an answer's are all the
//! question's; a caution message's are the caution's; a topic intro's are
//! those of the topic's questions. Findings an editor has judged fine are
//! silenced by [`allow`]ances written next to the text.
//!
//! This module reads the model and reports; it never changes the text, and
//! it must not verify quotes (it reads their verdicts from the context).

pub mod allow;
pub mod claim_words;
pub mod numbers;
pub mod qualifiers;
pub mod words;

use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::path::Path;

use rust_decimal::Decimal;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity, Span};
use crate::model::{Allow, Caution, Content, Question, Quote, Spanned, Topic};

use super::Context;
use super::duplicates::NearDuplicate;
use super::locate::Locator;
use super::quotes::Verdict;
pub use allow::Allowances;
use qualifiers::Qualifiers;

/// The evidence settings of the site, resolved.
pub struct Settings {
    pub qualifiers: Qualifiers,
    /// The severity of a number in a summary, answer or caution message
    /// that no quote gives.
    pub numbers_in_prose: Severity,
    pub claim_words_in_answers: bool,
    /// The stems of every glossary term and alias: words the site explains,
    /// so they are not details a claim adds (the question's own words are
    /// set aside too, per question).
    glossary: FxHashSet<String>,
    /// Entries of `evidence.qualifiers` that cannot be used, and why.
    problems: Vec<(Span, String, String)>,
}

impl Settings {
    pub fn of(content: &Content) -> Self {
        let evidence = content.site.as_ref().map(|s| &s.evidence);
        let default = crate::model::EvidenceSettings::default();
        let evidence = evidence.unwrap_or(&default);
        let mut problems = Vec::new();
        for word in &evidence.qualifiers_add {
            if qualifiers::phrase_forms(word).is_empty() {
                problems.push((
                    word.span,
                    format!("`{}` has no word to flag", word.value),
                    "list words or short phrases, such as `miracle` or `clinically proven`"
                        .to_string(),
                ));
            }
        }
        let built_in: Vec<Vec<String>> = qualifiers::DEFAULT
            .iter()
            .map(|q| qualifiers::phrase_forms(q))
            .collect();
        for word in &evidence.qualifiers_remove {
            if !built_in.contains(&qualifiers::phrase_forms(word)) {
                problems.push((
                    word.span,
                    format!(
                        "`{}` is not a built-in qualifier, so removing it changes nothing",
                        word.value
                    ),
                    match crate::diagnostics::did_you_mean(
                        &word.value,
                        qualifiers::DEFAULT.iter().copied(),
                    ) {
                        Some(guess) => format!("did you mean `{guess}`?"),
                        None => format!(
                            "the built-in qualifiers are: {}",
                            qualifiers::DEFAULT.join(", ")
                        ),
                    },
                ));
            }
        }
        let glossary = content
            .glossary
            .iter()
            .flat_map(|t| std::iter::once(&t.term).chain(&t.aliases))
            .flat_map(|text| claim_words::stems_of(text).collect::<Vec<_>>())
            .collect();
        Settings {
            qualifiers: Qualifiers::new(
                evidence.qualifiers_add.iter().map(|w| w.value.as_str()),
                evidence.qualifiers_remove.iter().map(|w| w.value.as_str()),
            ),
            numbers_in_prose: if evidence.numbers_in_prose_are_errors {
                Severity::Error
            } else {
                Severity::Warning
            },
            claim_words_in_answers: evidence.claim_words_in_answers,
            glossary,
            problems,
        }
    }

    /// Reports the entries of `evidence.qualifiers` that cannot be used.
    pub fn report_problems(&self, file: &Path, out: &mut Diagnostics) {
        for (span, message, help) in &self.problems {
            out.push(
                Diagnostic::error(Code::BadSetting, file, Some(*span))
                    .message(message.clone())
                    .help(help.clone()),
            );
        }
    }
}

/// What one quote says, as the rules compare it: worked out once for each
/// quote of a question, then shared by every text that quote is behind.
struct QuoteWords<'q> {
    /// The quote's words as qualifier forms, in a row.
    forms: String,
    /// Its content words and its attribution's, lowercase (borrowed from
    /// the quote where they are lowercase as written, as most are).
    words: FxHashSet<Cow<'q, str>>,
    /// The stems of `words`, worked out the first time a word of a text is
    /// not among them as it is (most words of a faithful text are).
    stems: std::cell::OnceCell<FxHashSet<String>>,
    numbers: Vec<Decimal>,
    /// Verified against its archive, and not a heading: evidence.
    verified: bool,
}

impl<'q> QuoteWords<'q> {
    fn new(ctx: &Context, quote: &'q Quote) -> Self {
        let text = quote.text.value.as_str();
        // One reading of the text for all three rules.
        let words = words::of_text(text);
        let mut content: FxHashSet<Cow<str>> =
            FxHashSet::with_capacity_and_hasher(words.len(), Default::default());
        content.extend(claim_words::content_of(&words));
        if let Some(attribution) = &quote.attribution {
            content.extend(claim_words::content_of(&words::of_text(attribution)));
        }
        QuoteWords {
            forms: qualifiers::forms_in_a_row(&words),
            words: content,
            stems: std::cell::OnceCell::new(),
            numbers: (numbers::numbers_in(text, &words).into_iter())
                .map(|n| n.value)
                .collect(),
            verified: Self::is_evidence(ctx, quote),
        }
    }

    /// Only what the qualifiers rule needs (for a topic intro).
    fn forms_only(ctx: &Context, quote: &'q Quote) -> Self {
        QuoteWords {
            forms: qualifiers::quote_forms(&quote.text),
            words: FxHashSet::default(),
            stems: std::cell::OnceCell::new(),
            numbers: Vec::new(),
            verified: Self::is_evidence(ctx, quote),
        }
    }

    /// Verified against its archive, and not a heading (which is found but
    /// is no evidence, and is reported as such).
    fn is_evidence(ctx: &Context, quote: &Quote) -> bool {
        matches!(ctx.verdict(quote), Some(Verdict::Found(found)) if !found.is_heading)
    }

    fn stems(&self) -> &FxHashSet<String> {
        self.stems
            .get_or_init(|| self.words.iter().map(|w| words::stem(w)).collect())
    }

    fn of_all(ctx: &Context, quotes: impl IntoIterator<Item = &'q Quote>) -> Vec<Self> {
        quotes
            .into_iter()
            .map(|q| QuoteWords::new(ctx, q))
            .collect()
    }
}

/// The quotes behind a text.
struct Quoted<'w> {
    quotes: Vec<&'w QuoteWords<'w>>,
    /// Whether every quote is verified. A text is held to its quotes only
    /// then: a quote that is not in its source is reported as such, and what
    /// the text says beyond it would only repeat that problem.
    verified: bool,
}

impl<'w> Quoted<'w> {
    fn new(quotes: impl IntoIterator<Item = &'w QuoteWords<'w>>) -> Self {
        let quotes: Vec<&QuoteWords> = quotes.into_iter().collect();
        Quoted {
            verified: quotes.iter().all(|q| q.verified),
            quotes,
        }
    }

    /// Only the verified ones, for a topic intro: it speaks of many
    /// questions, and one broken quote among them (reported as such) must
    /// not keep it from being checked.
    fn verified_of(quotes: impl IntoIterator<Item = &'w QuoteWords<'w>>) -> Self {
        Quoted {
            quotes: quotes.into_iter().filter(|q| q.verified).collect(),
            verified: true,
        }
    }

    fn has_number(&self, value: Decimal) -> bool {
        self.quotes.iter().any(|q| q.numbers.contains(&value))
    }

    fn has_word(&self, lower: &str) -> bool {
        self.quotes.iter().any(|q| q.words.contains(lower))
    }

    fn has_stem(&self, stem: &str) -> bool {
        self.quotes.iter().any(|q| q.stems().contains(stem))
    }

    fn forms(&self) -> impl Iterator<Item = &str> {
        self.quotes.iter().map(|q| q.forms.as_str())
    }

    fn numbers(&self) -> impl Iterator<Item = &Decimal> {
        self.quotes.iter().flat_map(|q| &q.numbers)
    }
}

/// How a field's numbers are held to its quotes.
#[derive(Clone, Copy)]
enum NumberRule {
    /// Claims and data blocks: `number-not-quoted`, an error.
    Strict,
    /// Summaries, answers, caution messages: `prose-number-not-quoted`.
    Prose(Severity),
    /// Not checked (a topic intro).
    Off,
}

/// One text of the site's to check, and where its findings go.
struct Field<'a> {
    /// How messages name it: "the claim", "the summary", "the timeline".
    name: &'a str,
    value: &'a Spanned<String>,
    markdown: bool,
    /// The allowances next to it.
    allow: &'a [Allow],
    numbers: NumberRule,
    claim_words: bool,
}

/// The quotes a field is held to, and how messages name them.
struct Against<'a> {
    quoted: &'a Quoted<'a>,
    /// "none of its quotes", "no quote of the question".
    none: &'a str,
}

/// Checks one field, reporting into `out` what its allowances do not silence.
#[allow(clippy::too_many_arguments)]
fn check_field(
    ctx: &Context,
    file: &Path,
    field: &Field,
    against: &Against,
    known: &FxHashSet<String>,
    allowances: &mut Allowances,
    out: &mut Diagnostics,
) {
    let text = field.value.value.as_str();
    if text.trim().is_empty() || !against.quoted.verified {
        return;
    }
    let words = if field.markdown {
        words::of_markdown(text)
    } else {
        words::of_text(text)
    };
    let settings = &ctx.settings.evidence;
    // (where, the word named, the finding without its span)
    let mut findings: Vec<(std::ops::Range<usize>, String, Diagnostic)> = Vec::new();
    let name = field.name;
    let none = against.none;
    let code_of = |d: &Diagnostic| d.code.name().to_string();
    let allow_line = |code: &str, word: &str| {
        format!(
            "if it is right as it is, allow it next to the text: `allow: [{{code: {code}, word: \"{word}\", reason: ...}}]`"
        )
    };

    if !matches!(field.numbers, NumberRule::Off) {
        for number in numbers::numbers_in(text, &words) {
            if against.quoted.has_number(number.value) {
                continue;
            }
            let written = &text[number.range.clone()];
            let finding = match field.numbers {
                NumberRule::Strict => Diagnostic::error(Code::NumberNotQuoted, file, None)
                    .message(format!("{name} says {written}, which {none} gives"))
                    .help(format!(
                        "every number in {name} must be in one of its quotes, in digits or in words: add the quote that gives it, or correct the number{}",
                        quotes_give(against.quoted)
                    )),
                NumberRule::Prose(severity) => {
                    let d = Diagnostic::warning(Code::ProseNumberNotQuoted, file, None);
                    let d = Diagnostic { severity, ..d };
                    let help = format!(
                        "add the quote that gives it, or take the number out{}",
                        quotes_give(against.quoted)
                    );
                    let help = if severity == Severity::Warning {
                        format!("{help}; {}", allow_line(&code_of(&d), written))
                    } else {
                        help
                    };
                    d.message(format!("{name} says {written}, which {none} gives"))
                        .help(help)
                }
                NumberRule::Off => unreachable!("checked above"),
            };
            findings.push((number.range, written.to_string(), finding));
        }
    }

    for (at, count, phrase) in settings.qualifiers.find(text, &words) {
        if qualifiers::backed(phrase, against.quoted.forms()) {
            continue;
        }
        let range = words[at].range.start..words[at + count - 1].range.end;
        let written = text[range.clone()].to_lowercase();
        let d = Diagnostic::warning(Code::QualifierNotQuoted, file, None);
        let help = format!(
            "say who says it (\"one excerpt says ...\") and quote the words it rests on, or drop it; {}",
            allow_line(&code_of(&d), &written)
        );
        let d = d
            .message(format!("{name} says '{written}', which {none} says"))
            .help(help);
        findings.push((range, written, d));
    }

    if field.claim_words {
        let backed = |lower: &str| against.quoted.has_word(lower);
        let by_stem = |stem: &str| {
            against.quoted.has_stem(stem)
                || known.contains(stem)
                || settings.glossary.contains(stem)
        };
        for run in claim_words::unbacked(text, &words, backed, by_stem, &settings.qualifiers) {
            let range = words[run.start].range.start..words[run.end - 1].range.end;
            let written = text[range.clone()].to_lowercase();
            let d = Diagnostic::warning(Code::WordNotQuoted, file, None);
            let help = format!(
                "say only what the quotes say, or add the quote that says it; {}",
                allow_line(&code_of(&d), &written)
            );
            let d = d
                .message(format!("{name} says '{written}', which {none} says"))
                .help(help);
            findings.push((range, written, d));
        }
    }

    if findings.is_empty() {
        return;
    }
    findings.sort_by_key(|(range, _, _)| range.start);
    let file_text = ctx.files.get(file);
    let mut locator = Locator::new(file_text.as_deref(), text, field.value.span);
    for (range, word, mut finding) in findings {
        finding.span = Some(locator.locate(range));
        if finding.code == Code::NumberNotQuoted {
            out.push(finding); // An error: no allowance silences it.
        } else {
            allowances.report(file, field.allow, &word, finding, out);
        }
    }
}

/// ", the quotes give: 48, 4, 6" (or that they give none).
fn quotes_give(quoted: &Quoted) -> String {
    let mut shown: Vec<String> = Vec::new();
    for n in quoted.numbers() {
        let n = n.normalize().to_string();
        if !shown.contains(&n) {
            shown.push(n);
        }
    }
    if shown.is_empty() {
        return "; the quotes give no number".to_string();
    }
    format!("; the quotes give: {}", shown.join(", "))
}

/// Every evidence check of one question: its claims, summary, answer, data
/// blocks, and whether it is a near-duplicate of another.
pub fn question(
    ctx: &Context,
    q: &Question,
    near_duplicate: Option<&NearDuplicate>,
    out: &mut Diagnostics,
) -> Allowances {
    let file = q.origin.file.as_path();
    let settings = &ctx.settings.evidence;
    let mut allowances = Allowances::default();
    let known: FxHashSet<String> = claim_words::stems_of(&q.question).collect();
    // Each quote read once, for every text it is behind.
    let facts: Vec<Vec<QuoteWords>> = (q.facts.iter())
        .map(|f| QuoteWords::of_all(ctx, &f.quotes))
        .collect();
    let cost = q.cost.as_ref().map(|b| QuoteWords::of_all(ctx, &b.quotes));
    let comparison = (q.comparison.as_ref()).map(|b| QuoteWords::of_all(ctx, &b.quotes));
    let timeline = q
        .timeline
        .as_ref()
        .map(|b| QuoteWords::of_all(ctx, &b.quotes));

    for (fact, words) in q.facts.iter().zip(&facts) {
        let quoted = Quoted::new(words);
        let field = Field {
            name: "the claim",
            value: &fact.claim,
            markdown: false,
            allow: &fact.allow,
            numbers: NumberRule::Strict,
            claim_words: true,
        };
        let against = Against {
            quoted: &quoted,
            none: "none of its quotes",
        };
        check_field(ctx, file, &field, &against, &known, &mut allowances, out);
    }

    if let (Some(block), Some(words)) = (&q.cost, &cost) {
        let quoted = Quoted::new(words);
        cost_figures(file, block, &quoted, out);
        let texts = [&block.currency, &block.per]
            .into_iter()
            .chain(&block.basis)
            .chain(&block.factors);
        let allow = &block.allow;
        self::block(
            ctx,
            file,
            "the cost block",
            texts,
            allow,
            &quoted,
            &mut allowances,
            out,
        );
    }
    if let (Some(block), Some(words)) = (&q.comparison, &comparison) {
        let quoted = Quoted::new(words);
        let texts = std::iter::once(&block.with)
            .chain((block.rows.iter()).flat_map(|r| [&r.aspect, &r.ours, &r.theirs]));
        let allow = &block.allow;
        self::block(
            ctx,
            file,
            "the comparison",
            texts,
            allow,
            &quoted,
            &mut allowances,
            out,
        );
    }
    if let (Some(block), Some(words)) = (&q.timeline, &timeline) {
        let quoted = Quoted::new(words);
        let texts = block.steps.iter().flat_map(|s| [&s.when, &s.what]);
        let allow = &block.allow;
        self::block(
            ctx,
            file,
            "the timeline",
            texts,
            allow,
            &quoted,
            &mut allowances,
            out,
        );
    }

    let all = Quoted::new(
        (facts.iter().flatten())
            .chain(cost.iter().flatten())
            .chain(comparison.iter().flatten())
            .chain(timeline.iter().flatten()),
    );
    let against = Against {
        quoted: &all,
        none: "no quote of the question",
    };
    let prose = NumberRule::Prose(settings.numbers_in_prose);
    for (name, value, markdown, claim_words) in [
        ("the summary", &q.summary, false, true),
        (
            "the answer",
            &q.answer,
            true,
            settings.claim_words_in_answers,
        ),
    ] {
        let field = Field {
            name,
            value,
            markdown,
            allow: &q.allow,
            numbers: prose,
            claim_words,
        };
        check_field(ctx, file, &field, &against, &known, &mut allowances, out);
    }

    if let Some(dup) = near_duplicate {
        near_duplicate_finding(ctx, q, dup, &mut allowances, out);
    }
    allowances
}

/// The text fields of a data block: numbers strictly, and qualifiers.
#[allow(clippy::too_many_arguments)]
fn block<'a>(
    ctx: &Context,
    file: &Path,
    name: &str,
    texts: impl Iterator<Item = &'a Spanned<String>>,
    allow: &[Allow],
    quoted: &Quoted,
    allowances: &mut Allowances,
    out: &mut Diagnostics,
) {
    let against = Against {
        quoted,
        none: "none of its quotes",
    };
    let known = FxHashSet::default();
    for value in texts {
        let field = Field {
            name,
            value,
            markdown: false,
            allow,
            numbers: NumberRule::Strict,
            claim_words: false,
        };
        check_field(ctx, file, &field, &against, &known, allowances, out);
    }
}

/// A cost's `typical`, `low` and `high` must each be in one of its quotes.
fn cost_figures(file: &Path, cost: &crate::model::Cost, quoted: &Quoted, out: &mut Diagnostics) {
    let named = [
        ("typical", &cost.typical),
        ("low", &cost.low),
        ("high", &cost.high),
    ];
    for (name, value) in named {
        let Some(value) = value else { continue };
        if quoted.has_number(value.value.decimal()) {
            continue;
        }
        out.push(
            Diagnostic::error(Code::NumberNotQuoted, file, Some(value.span))
                .message(format!(
                    "the {name} cost {} does not appear in any of the cost's quotes",
                    value.value
                ))
                .help(if quoted.numbers().next().is_none() {
                    "add a quote that gives this number".to_string()
                } else {
                    format!(
                        "the quotes give: {}",
                        quoted
                            .numbers()
                            .map(|n| n.normalize().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
        );
    }
}

/// `near-duplicate-question` on `q`, unless an allowance on either question
/// names the other.
fn near_duplicate_finding(
    ctx: &Context,
    q: &Question,
    dup: &NearDuplicate,
    allowances: &mut Allowances,
    out: &mut Diagnostics,
) {
    let other = &ctx.content.questions[dup.other];
    let code = Code::NearDuplicateQuestion;
    let file = q.origin.file.as_path();
    if allowances.find(file, &q.allow, code, &other.origin.id)
        || allowances.find(&other.origin.file, &other.allow, code, &q.origin.id)
    {
        allowances.count_silenced();
        return;
    }
    out.push(
        Diagnostic::warning(code, file, Some(q.question.span))
            .message(format!(
                "this question asks much the same as `{}`: \"{}\"",
                other.origin.id, other.question.value
            ))
            .help(format!(
                "merge them, or make each ask something the other does not; if both are right, link them in `related` and allow it on one of them: `allow: [{{code: near-duplicate-question, word: {}, reason: ...}}]`",
                other.origin.id
            )),
    );
}

/// A caution's message: its numbers and qualifiers against its quotes.
pub fn caution(ctx: &Context, caution: &Caution, out: &mut Diagnostics) -> Allowances {
    let words = QuoteWords::of_all(ctx, &caution.quotes);
    let quoted = Quoted::new(&words);
    let field = Field {
        name: "the message",
        value: &caution.message,
        markdown: true,
        allow: &caution.allow,
        numbers: NumberRule::Prose(ctx.settings.evidence.numbers_in_prose),
        claim_words: false,
    };
    let none = "none of the caution's quotes";
    check_alone(ctx, &caution.origin.file, &field, &quoted, none, out)
}

/// A topic's intro: its qualifiers against the quotes of its questions.
pub fn topic(ctx: &Context, topic: &Topic, out: &mut Diagnostics) -> Allowances {
    let Some(intro) = &topic.intro else {
        return Allowances::default();
    };
    // The topic's quotes are read only while the intro has a qualifier that
    // none of those read so far backs: a big topic's quotes are not all read.
    let words = words::of_markdown(intro);
    let qualifiers = &ctx.settings.evidence.qualifiers;
    let mut wanted: Vec<&[String]> = (qualifiers.find(intro, &words).into_iter())
        .map(|(_, _, phrase)| phrase)
        .collect();
    if wanted.is_empty() {
        return Allowances::default();
    }
    let mut read: Vec<QuoteWords> = Vec::new();
    let quotes = (ctx.content.questions.iter())
        .filter(|q| q.topic.value == topic.origin.id)
        .flat_map(crate::link::question_quotes);
    for quote in quotes {
        let words = QuoteWords::forms_only(ctx, quote);
        if words.verified {
            wanted.retain(|phrase| {
                !qualifiers::backed(phrase, std::iter::once(words.forms.as_str()))
            });
            read.push(words);
        }
        if wanted.is_empty() {
            return Allowances::default();
        }
    }
    let quoted = Quoted::verified_of(&read);
    let field = Field {
        name: "the intro",
        value: intro,
        markdown: true,
        allow: &topic.allow,
        numbers: NumberRule::Off,
        claim_words: false,
    };
    let none = "no quote of the topic's questions";
    check_alone(ctx, &topic.origin.file, &field, &quoted, none, out)
}

/// Checks the one field of an entity that is not a question (a caution's
/// message, a topic's intro) against `quoted`, named `none` where none of
/// them says it; returns the allowances its findings used.
fn check_alone(
    ctx: &Context,
    file: &Path,
    field: &Field,
    quoted: &Quoted,
    none: &str,
    out: &mut Diagnostics,
) -> Allowances {
    let mut allowances = Allowances::default();
    let against = Against { quoted, none };
    let known = FxHashSet::default();
    check_field(ctx, file, field, &against, &known, &mut allowances, out);
    allowances
}
