//! How the site's own words read: a summary must be one short sentence, and
//! summaries and answers should read at or below the site's grade. Both are
//! warnings. The grade itself is measured by [`super::readability`]; this
//! rule must not judge what the words say (that is [`super::evidence`]).

use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::markdown;
use crate::model::{Question, Spanned};

use super::{Context, readability};

/// A summary is the short answer: one plain sentence of at most 35 words.
pub fn summary(file: &Path, summary: &Spanned<String>, out: &mut Diagnostics) {
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

/// The question's own text (summary, answer, claims) at or below the
/// site's targets: Flesch-Kincaid `readability.max_grade`, SMOG
/// `readability.max_smog`. The message gives both grades, as whole school
/// grades, of the own text and of the page as a whole (its quotes too,
/// which an editor cannot reword, so they are reported, not held to the target).
///
/// `answer` is the answer's words as [`markdown::to_plain_text`] reads them
/// (links as their titles).
pub fn reading_level(
    ctx: &Context,
    file: &Path,
    q: &Question,
    answer: &str,
    out: &mut Diagnostics,
) {
    let (max_grade, max_smog) = (ctx.settings.max_grade, ctx.settings.max_smog);
    if max_grade.is_none() && max_smog.is_none() {
        return;
    }
    let Some(Own { grade, smog, above }) = own_reading(ctx, q, answer) else {
        return;
    };
    if !above {
        return;
    }
    let whole = page_counts(q, answer, true);
    let targets: Vec<String> = [
        max_grade.map(|m| format!("grade {m} (Flesch-Kincaid)")),
        max_smog.map(|m| format!("SMOG {m}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let whole_text = match (whole.flesch_kincaid(), whole.smog()) {
        (Some(g), Some(s)) => format!(
            "; with its quotes, the page reads at grade {} (SMOG {})",
            readability::whole_grade(g),
            readability::whole_grade(s)
        ),
        _ => String::new(),
    };
    out.push(
        Diagnostic::warning(Code::ReadingLevel, file, Some(q.answer.span))
            .message(format!(
                "this page's own text reads at grade {} (Flesch-Kincaid) and SMOG {}, above the \
                 site's target of {}{whole_text}",
                readability::whole_grade(grade),
                readability::whole_grade(smog),
                targets.join(" and "),
            ))
            .help("use shorter sentences and everyday words; link medical words to the glossary"),
    );
}

/// How one question's page reads, for editors (`cited check
/// --reading-levels`): whole grades of its own text and of the page with
/// its quotes, and whether its own text is above the site's targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageReading {
    pub file: std::path::PathBuf,
    pub question: String,
    pub grade: i64,
    pub smog: i64,
    pub page_grade: i64,
    pub page_smog: i64,
    pub above_target: bool,
}

/// Every question's [`PageReading`], hardest first (then by file), measured
/// exactly as [`reading_level`] measures it. Pages without a sentence to
/// measure are left out.
pub fn reading_levels(ctx: &Context) -> Vec<PageReading> {
    let title_of = |id: &str| title_of(ctx, id);
    let mut pages: Vec<PageReading> = ctx
        .content
        .questions
        .iter()
        .filter_map(|q| {
            let answer = markdown::to_plain_text(&q.answer, &title_of);
            let Own { grade, smog, above } = own_reading(ctx, q, &answer)?;
            let whole = page_counts(q, &answer, true);
            Some(PageReading {
                file: q.origin.file.clone(),
                question: q.question.to_string(),
                grade: readability::whole_grade(grade),
                smog: readability::whole_grade(smog),
                page_grade: readability::whole_grade(whole.flesch_kincaid()?),
                page_smog: readability::whole_grade(whole.smog()?),
                above_target: above,
            })
        })
        .collect();
    pages.sort_by(|a, b| (b.grade, b.smog, &a.file).cmp(&(a.grade, a.smog, &b.file)));
    pages
}

/// How a question's own text reads: the one measure the rule and the
/// report both take.
struct Own {
    grade: f64,
    smog: f64,
    /// Above the site's `readability.max_grade` or `max_smog`.
    above: bool,
}

/// The grades of `q`'s own text, `None` without a word to measure.
fn own_reading(ctx: &Context, q: &Question, answer: &str) -> Option<Own> {
    let own = page_counts(q, answer, false);
    let (grade, smog) = (own.flesch_kincaid()?, own.smog()?);
    let (max_grade, max_smog) = (ctx.settings.max_grade, ctx.settings.max_smog);
    Some(Own {
        grade,
        smog,
        above: max_grade.is_some_and(|max| grade > max) || max_smog.is_some_and(|max| smog > max),
    })
}

/// The title of the entity `id` names, as a link to it reads in plain text.
pub fn title_of(ctx: &Context, id: &str) -> Option<String> {
    ctx.entities.get(id).map(|(_, title)| title.to_string())
}

/// The words of a question's page: its summary, answer (`answer`, as
/// plain text) and claims (the site's own text), and with `quotes`, the
/// words of its quotes too.
pub fn page_counts(q: &Question, answer: &str, quotes: bool) -> readability::Counts {
    let mut counts = readability::Counts::of(&q.summary);
    counts.add(readability::Counts::of(answer));
    for fact in &q.facts {
        counts.add(readability::Counts::of(&fact.claim));
    }
    if quotes {
        for quote in crate::link::question_quotes(q) {
            counts.add(readability::Counts::of(&quote.text));
        }
    }
    counts
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

#[cfg(test)]
mod tests {
    use super::sentence_count;

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
