//! Markdown fields (answers, intros, messages, definitions, page bodies, the
//! disclaimer): every `[[id]]` and `[text](id)` link names an entity, no
//! markup the page would strip (scripts, event handlers, `javascript:`
//! links, images from elsewhere), no nesting deep enough to make the
//! sanitiser slow.
//!
//! Each problem points at its own characters in the file, found with one
//! [`Locator`] walk per field, so a field with thousands of links costs one
//! pass, not one per link. This rule never renders markdown.

use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::markdown;
use crate::model::Markdown;

use super::Context;
use super::locate::Locator;

/// `[[id]]` links, unsafe markup and deep nesting in one markdown field.
pub fn check(ctx: &Context, file: &Path, field: &Markdown, out: &mut Diagnostics) {
    report(ctx, file, field, markdown::scan(&field.value), out);
}

/// [`check`], on the field's [`markdown::Scan`] made by the caller (which
/// parsed the field for something else too).
pub fn report(
    ctx: &Context,
    file: &Path,
    field: &Markdown,
    scan: markdown::Scan,
    out: &mut Diagnostics,
) {
    let has_problem = scan.too_deep.is_some()
        || !scan.unsafe_markup.is_empty()
        || (scan.links.iter()).any(|link| !ctx.entities.contains_key(link.id.as_str()));
    if !has_problem {
        return; // Most fields: the file's text, to point at a problem, is not looked up.
    }
    let text = ctx.files.get(file);
    let mut locator = Locator::new(text.as_deref(), &field.value, field.span);
    for link in scan.links {
        if ctx.is_unreadable(&link.id) || ctx.entities.contains_key(link.id.as_str()) {
            continue;
        }
        let candidates = ctx.entities.keys().copied();
        let help = match did_you_mean(&link.id, candidates) {
            Some(guess) => format!("did you mean `[[{guess}]]`?"),
            None => "link to an entity by its id: the name of its file without .yaml".to_string(),
        };
        out.push(
            Diagnostic::error(Code::UnknownLink, file, Some(locator.locate(link.range)))
                .message(format!("this links to `{}`, which does not exist", link.id))
                .help(help),
        );
    }
    if let Some(deep) = scan.too_deep {
        out.push(
            Diagnostic::error(Code::DeepNesting, file, Some(locator.locate(deep.range)))
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
            Diagnostic::warning(Code::UnsafeHtml, file, Some(locator.locate(markup.range)))
                .message(format!("`{}` is removed from the page", markup.what))
                .help("pages allow plain markdown and safe HTML: no scripts, event handlers, javascript: links or images from other sites"),
        );
    }
}
