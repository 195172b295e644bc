//! Source quality: a site may set a minimum standard of evidence
//! (`evidence.warn_types`), and a claim whose every source is of such a type
//! (a clinic's website, a forum) is a warning.
//!
//! Also which claims fall short ([`weak_sources`]), which render reads so
//! that the page says so in plain words next to the quotes. This rule judges
//! the kind of sources only; whether the quotes say what the claim says is
//! [`super::evidence`].

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{Fact, Question, Site, Source, SourceType};

use super::Context;

/// The types of a fact's sources when every one of them is in the site's
/// `evidence.warn_types` (each type once, in the order first quoted);
/// `None` when one source meets the standard, or the site sets none.
pub fn weak_sources(
    site: Option<&Site>,
    sources: &HashMap<&str, &Source>,
    fact: &Fact,
) -> Option<Vec<SourceType>> {
    let warn = &site?.evidence.warn_types;
    if warn.is_empty() || fact.quotes.is_empty() {
        return None;
    }
    let mut types: Vec<SourceType> = Vec::new();
    for quote in &fact.quotes {
        // A quote of a source that does not exist is reported elsewhere.
        let kind = sources.get(quote.source.value.as_str())?.source_type;
        if !warn.contains(&kind) {
            return None;
        }
        if !types.contains(&kind) {
            types.push(kind);
        }
    }
    Some(types)
}

pub fn question(ctx: &Context, q: &Question, out: &mut Diagnostics) {
    let site = ctx.content.site.as_ref();
    for fact in &q.facts {
        let Some(types) = weak_sources(site, &ctx.sources, fact) else {
            continue;
        };
        let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
        out.push(
            Diagnostic::warning(Code::WeakEvidence, &q.origin.file, Some(fact.claim.span))
                .message(format!(
                    "this claim rests only on sources of a type the site does not accept on \
                     their own ({})",
                    names.join(", ")
                ))
                .help(
                    "back it with a better source too (a guideline, a review, a study), or say \
                     in the claim what those sources report; the page tells readers meanwhile",
                ),
        );
    }
}
