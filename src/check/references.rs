//! Ids that must name an entity of the right kind (a question's topic,
//! related questions and cautions; a quote's source), the tags of a
//! question, and glossary words claimed by two terms.
//!
//! A reference to a file that exists but could not be read is not reported
//! again: that file's own problem is. This rule never reads quotes or text.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::load::is_valid_id;
use crate::model::{GlossaryTerm, Kind, Question, Spanned};

use super::Context;

/// A question's topic, tags, related questions and cautions.
pub fn question(ctx: &Context, q: &Question, out: &mut Diagnostics) {
    let file = &q.origin.file;
    reference(ctx, file, &q.topic, Kind::Topic, "topic", out);
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
            reference(ctx, file, other, Kind::Question, "related question", out);
        }
    }
    for caution in &q.cautions {
        reference(ctx, file, caution, Kind::Caution, "caution", out);
    }
}

/// An id that must name an entity of `kind`; true when it does.
pub fn reference(
    ctx: &Context,
    file: &Path,
    id: &Spanned<String>,
    kind: Kind,
    role: &str,
    out: &mut Diagnostics,
) -> bool {
    // Empty: a missing required field, already reported where it was read.
    if id.value.is_empty() || ctx.is_unreadable(&id.value) {
        return false; // Its own file's problems are reported already.
    }
    match ctx.entities.get(id.value.as_str()).map(|(kind, _)| kind) {
        Some(found) if *found == kind => return true,
        Some(found) => out.push(
            Diagnostic::error(Code::WrongKind, file, Some(id.span))
                .message(format!(
                    "`{}` is {}, not {}",
                    id.value,
                    found.noun(),
                    kind.noun()
                ))
                .help(suggestion(ctx, &id.value, kind)),
        ),
        None => out.push(
            Diagnostic::error(Code::UnknownReference, file, Some(id.span))
                .message(format!("unknown {role} `{}`", id.value))
                .help(suggestion(ctx, &id.value, kind)),
        ),
    }
    false
}

/// The closest id of the kind, or what ids of the kind look like.
fn suggestion(ctx: &Context, wrong: &str, kind: Kind) -> String {
    let mut ids: Vec<&str> = ctx
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

/// Each word (a term or an alias) links to one definition.
pub fn glossary(terms: &[GlossaryTerm], out: &mut Diagnostics) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for term in terms {
        for word in std::iter::once(&term.term).chain(&term.aliases) {
            let key = word.trim().to_lowercase();
            match seen.get(&key) {
                Some(other) if *other != term.origin.id => out.push(
                    Diagnostic::error(Code::DuplicateGlossaryWord, &term.origin.file, None)
                        .message(format!(
                            "`{word}` is also defined by the glossary term `{other}`"
                        ))
                        .help("each word links to one definition: remove it from one of the terms"),
                ),
                _ => {
                    seen.insert(key, &term.origin.id);
                }
            }
        }
    }
}
