//! Each quote's verdict against its archive, in an editor's words: what is
//! wrong (not found, too short, cut inside a word, other accents, curly
//! marks, a heading) and how to fix it, with the closest passage.
//!
//! The verdicts are worked out once by [`super::quotes`] (which must not
//! write messages); this rule only words them. A quote whose source is
//! unknown is reported as a reference, not searched for.

use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{Kind, Quote};

use super::quotes::{self, Verdict};
use super::{Context, references};

/// Each quote's source must exist; each quote must be verified.
pub fn check(ctx: &Context, file: &Path, quotes: &[Quote], out: &mut Diagnostics) {
    for quote in quotes {
        if !references::reference(ctx, file, &quote.source, Kind::Source, "source", out) {
            continue;
        }
        // No verdict: the archive's own problem is reported on the source,
        // or the quote has no `text`, reported when it was read.
        let Some(verdict) = ctx.verdict(quote) else {
            continue;
        };
        if let Some(diagnostic) = quote_diagnostic(file, quote, verdict) {
            out.push(diagnostic);
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
