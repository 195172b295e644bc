//! Dates that must be in order or in the past: a source accessed before it
//! was published, a next review before the last, a review in the future, a
//! review overdue. Also how a review's due date is worked out, which render
//! shows on each page. This rule compares dates; it must not decide what a
//! site's review interval is (that is resolved once, in [`super::Settings`]).

use std::path::Path;

use jiff::civil::Date;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Span};
use crate::model::{Review, Site, Source};

use super::Context;

pub use crate::schema::DEFAULT_REVIEW_MAX_AGE_DAYS;

/// The review intervals a site may set (the content model's table says so).
pub const REVIEW_MAX_AGE_DAYS_RANGE: std::ops::RangeInclusive<i64> =
    1..=crate::schema::MAX_REVIEW_MAX_AGE_DAYS;

/// The site's review interval in days: its `review.max_age_days` when that
/// is in [`REVIEW_MAX_AGE_DAYS_RANGE`] (the check reports it otherwise), else
/// the default.
pub fn review_max_age_days(site: Option<&Site>) -> i64 {
    site.and_then(|s| s.review_max_age_days.as_ref())
        .map(|d| d.value)
        .filter(|days| REVIEW_MAX_AGE_DAYS_RANGE.contains(days))
        .unwrap_or(DEFAULT_REVIEW_MAX_AGE_DAYS)
}

/// A source's `published` and `accessed` in order.
pub fn source(source: &Source, out: &mut Diagnostics) {
    if let (Some(published), Some(accessed)) = (&source.published, &source.accessed)
        && published.value > accessed.value
    {
        out.push(
            Diagnostic::error(Code::DateOrder, &source.origin.file, Some(accessed.span))
                .message(format!(
                    "the source was accessed ({}) before it was published ({})",
                    accessed.value, published.value
                ))
                .help("check both dates"),
        );
    }
}

/// A question's `reviewed`: in order, not in the future, not overdue.
pub fn review(ctx: &Context, file: &Path, review: &Review, out: &mut Diagnostics) {
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
    if review.on.value > ctx.today {
        out.push(
            Diagnostic::warning(Code::ReviewInFuture, file, Some(review.on.span))
                .message(format!(
                    "`reviewed.on` ({}) is in the future",
                    review.on.value
                ))
                .help("give the date the answer was actually reviewed"),
        );
    }
    let (due, span) = due_date(review, ctx.settings.max_age_days);
    if due < ctx.today {
        out.push(
            Diagnostic::warning(Code::ReviewOverdue, file, Some(span))
                .message(format!("this answer was due for review on {due}"))
                .help(
                    "review it against its sources, then update `reviewed.on` (and `next`, if set)",
                ),
        );
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

#[cfg(test)]
mod tests {
    use super::due_date;
    use crate::model::{Review, Spanned};
    use jiff::civil::{Date, date};

    #[test]
    fn due_dates_never_overflow() {
        let review = Review {
            on: Spanned {
                value: date(2026, 1, 15),
                span: Default::default(),
            },
            by: Default::default(),
            next: None,
            clinical: None,
        };
        assert_eq!(due_date(&review, 365).0, date(2027, 1, 15));
        for days in [10_000_000, i64::MAX, 7_304_484] {
            assert_eq!(due_date(&review, days).0, Date::MAX, "{days}");
        }
        for days in [-10_000_000, i64::MIN] {
            assert_eq!(due_date(&review, days).0, Date::MIN, "{days}");
        }
    }
}
