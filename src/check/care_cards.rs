//! Care cards (`get_help`): a site that requires clinical review requires
//! it of every question carrying a care card, its own or a caution's; and
//! a site may require a care card on the questions of some topics, or on
//! every question with a `danger` caution.
//!
//! This rule judges where care cards must be; what a card holds is read
//! and checked by `load` (its level, its situations). It never reads quotes.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{Caution, Question, Severity, Spanned};

use super::Context;
use super::review::clinical_review;

/// The cautions a question carries, that exist.
fn cautions_of<'a>(ctx: &Context<'a>, q: &'a Question) -> Vec<(&'a Spanned<String>, &'a Caution)> {
    q.cautions
        .iter()
        .filter_map(|id| {
            ctx.content
                .cautions
                .iter()
                .find(|c| c.origin.id == id.value)
                .map(|c| (id, c))
        })
        .collect()
}

/// Whether a question shows a care card: its own, or one of its cautions'.
pub fn carries_care_card(ctx: &Context, q: &Question) -> bool {
    !q.get_help.is_empty()
        || cautions_of(ctx, q)
            .iter()
            .any(|(_, c)| !c.get_help.is_empty())
}

pub fn question(ctx: &Context, q: &Question, out: &mut Diagnostics) {
    let file = &q.origin.file;
    let cautions = cautions_of(ctx, q);
    // Where the question's first care card is written: its own, or the
    // caution id that brings one.
    let first_card = q.get_help.first().map(|card| card.level.span).or_else(|| {
        cautions
            .iter()
            .find(|(_, c)| !c.get_help.is_empty())
            .map(|(id, _)| id.span)
    });
    if let Some(span) = first_card
        && ctx.settings.require_clinical
        && clinical_review(&q.reviewed, &ctx.reviewers).is_none()
    {
        out.push(
            Diagnostic::error(Code::CareCardNotClinicallyReviewed, file, Some(span))
                .message(
                    "this question carries a care card (when to get help), and no clinician has \
                     reviewed it, which the site requires",
                )
                .help(
                    "have a clinical reviewer check the question and its care cards, and name \
                     them in `reviewed`",
                ),
        );
    }
    if first_card.is_some() {
        return;
    }
    let settings = &ctx.content.site.as_ref().map(|s| &s.get_help);
    let Some(settings) = settings else {
        return;
    };
    let by_topic = settings
        .require_for_topics
        .iter()
        .any(|t| t.value == q.topic.value);
    let danger = settings
        .require_for_danger
        .as_ref()
        .is_some_and(|on| on.value)
        .then(|| {
            cautions
                .iter()
                .find(|(_, c)| c.severity == Severity::Danger)
        })
        .flatten();
    let (span, why) = match (by_topic, danger) {
        (true, _) => (
            q.topic.span,
            format!(
                "the site requires a care card on every question of the topic `{}`",
                q.topic.value
            ),
        ),
        (false, Some((id, _))) => (
            id.span,
            format!(
                "the site requires a care card on every question with a `danger` caution, and \
                 this one carries `{}`",
                id.value
            ),
        ),
        (false, None) => return,
    };
    out.push(
        Diagnostic::warning(Code::MissingCareCard, file, Some(span))
            .message(format!("this question has no care card: {why}"))
            .help(
                "add `get_help:` to the question (or to its caution) with a `level` and `when` \
                 to get help, e.g.\n  get_help:\n    - level: urgent\n      when: [the redness spreads]",
            ),
    );
}
