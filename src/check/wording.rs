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

/// The summary and the answer at or below the site's `readability.max_grade`.
pub fn reading_level(ctx: &Context, file: &Path, q: &Question, out: &mut Diagnostics) {
    let Some(max) = ctx.settings.max_grade else {
        return;
    };
    for (field, text) in [("summary", &q.summary), ("answer", &q.answer)] {
        let title_of = |id: &str| ctx.entities.get(id).map(|(_, title)| title.to_string());
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
