//! Who reviewed an answer: `reviewed.by` and `reviewed.clinical.by` name
//! reviewer files (or, written the old way, a plain name), a clinical review
//! is by clinicians, and a site that requires clinical review gets one on
//! every answer.
//!
//! Also how a review's reviewers are resolved ([`reviewed_by`]) and whether
//! an answer has a clinical review ([`clinical_review`]), which render reads
//! so that a page never claims a review the checks did not see. This rule
//! judges reviews only; dates in order and overdue reviews are
//! [`super::dates`].

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::load::is_valid_id;
use crate::model::{Content, Kind, Question, Review, Reviewer, ReviewerKind, Reviewers};

use super::Context;
use super::references::reference;

/// One entry of `reviewed.by`, resolved.
#[derive(Clone, Copy, Debug)]
pub enum ReviewedBy<'a> {
    Reviewer(&'a Reviewer),
    /// A plain name, written before the site had reviewer files.
    Name(&'a str),
}

/// The site's reviewers by id.
pub fn reviewers_by_id(content: &Content) -> HashMap<&str, &Reviewer> {
    content
        .reviewers
        .iter()
        .map(|r| (r.origin.id.as_str(), r))
        .collect()
}

/// What each entry of `by` is: a reviewer's file, or (one value, which is
/// no reviewer's id and, on a site with reviewer files, does not look like
/// an id) a plain name. Entries that are neither are left out: check
/// reports them, and a build with them never renders.
pub fn reviewed_by<'a>(
    by: &'a Reviewers,
    reviewers: &HashMap<&str, &'a Reviewer>,
) -> Vec<ReviewedBy<'a>> {
    by.entries
        .iter()
        .filter_map(|entry| match reviewers.get(entry.value.as_str()) {
            Some(reviewer) => Some(ReviewedBy::Reviewer(reviewer)),
            None if is_plain_name(by, &entry.value, !reviewers.is_empty()) => {
                Some(ReviewedBy::Name(entry.value.trim()))
            }
            None => None,
        })
        .collect()
}

/// Whether a `by` value that names no reviewer is meant as a name: it is
/// written as one value, and either the site has no reviewer files yet or
/// it could not be an id (`Editorial team`).
fn is_plain_name(by: &Reviewers, value: &str, site_has_reviewers: bool) -> bool {
    by.single && (!site_has_reviewers || !is_valid_id(value))
}

/// The latest clinical review of an answer: `reviewed.clinical` when given,
/// else `reviewed` itself when one of its reviewers is clinical.
pub fn clinical_review<'a>(
    review: &'a Review,
    reviewers: &HashMap<&str, &'a Reviewer>,
) -> Option<(Date, Vec<&'a Reviewer>)> {
    let clinicians = |by: &'a Reviewers| -> Vec<&'a Reviewer> {
        reviewed_by(by, reviewers)
            .into_iter()
            .filter_map(|r| match r {
                ReviewedBy::Reviewer(r) if r.kind == ReviewerKind::Clinical => Some(r),
                _ => None,
            })
            .collect()
    };
    if let Some(clinical) = &review.clinical {
        let by = clinicians(&clinical.by);
        return (!by.is_empty()).then_some((clinical.on.value, by));
    }
    let by = clinicians(&review.by);
    (!by.is_empty()).then_some((review.on.value, by))
}

/// A question's reviewers, its clinical review, and the site's requirement of one.
pub fn question(ctx: &Context, q: &Question, out: &mut Diagnostics) {
    let file = &q.origin.file;
    let review = &q.reviewed;
    by(ctx, file, &review.by, "reviewed.by", out);
    if let Some(clinical) = &review.clinical
        && by(ctx, file, &clinical.by, "reviewed.clinical.by", out)
    {
        for entry in &clinical.by.entries {
            let Some(reviewer) = ctx.reviewers.get(entry.value.as_str()) else {
                continue;
            };
            if reviewer.kind != ReviewerKind::Clinical {
                out.push(
                    Diagnostic::error(Code::NotAClinicalReviewer, file, Some(entry.span))
                        .message(format!(
                            "`{}` ({}) is an editorial reviewer, not a clinical one",
                            entry.value, reviewer.name
                        ))
                        .help(
                            "name a reviewer whose `kind` is `clinical` here, or record this \
                             review in `reviewed.by`",
                        ),
                );
            }
        }
    }
    // A question with a care card gets the stronger finding of
    // `care_cards` instead: one message per mistake.
    if ctx.settings.require_clinical
        && clinical_review(review, &ctx.reviewers).is_none()
        && !super::care_cards::carries_care_card(ctx, q)
    {
        let span = review.by.entries.first().map(|e| e.span);
        out.push(
            Diagnostic::warning(Code::NoClinicalReview, file, span)
                .message(
                    "this answer has not been reviewed by a clinician, which the site requires",
                )
                .help(
                    "have a clinical reviewer check it, then name them in `reviewed.by` (or in \
                     `reviewed.clinical`, with the day); until then its page says it has not been \
                     reviewed by a clinician",
                ),
        );
    }
}

/// Checks the entries of a `by`; true when every entry is a reviewer's id.
fn by(ctx: &Context, file: &Path, by: &Reviewers, field: &str, out: &mut Diagnostics) -> bool {
    let site_has_reviewers = !ctx.reviewers.is_empty();
    let mut all_ids = true;
    for entry in &by.entries {
        if ctx.reviewers.contains_key(entry.value.as_str()) {
            continue;
        }
        all_ids = false;
        if field == "reviewed.by" && is_plain_name(by, &entry.value, site_has_reviewers) {
            let id = crate::load::suggest_id(&entry.value);
            out.push(
                Diagnostic::warning(Code::ReviewerNameOnly, file, Some(entry.span))
                    .message(format!(
                        "`{field}` is the name `{}`, not a reviewer's id: pages cannot say who \
                         that is or what they do",
                        entry.value.trim()
                    ))
                    .help(format!(
                        "create content/reviewers/{id}.yaml (`cited new reviewer {id}`) with its \
                         name, role and kind, then write `by: [{id}]`"
                    )),
            );
        } else {
            reference(ctx, file, entry, Kind::Reviewer, "reviewer", out);
        }
    }
    all_ids
}
