//! The site's settings (`content/site.yaml`): values the loader could read
//! but the site cannot use — a `base_url` that cannot be the site's address,
//! a language tag not in the registry, a review interval or reading grade
//! out of range, a qualifier to add that is no word.
//!
//! This rule reports; what the checks do with an out-of-range value (fall
//! back to the default) is decided where settings are resolved, in
//! [`super::Settings`].

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::Site;
use crate::urls::SiteUrls;

use super::{Context, DEFAULT_REVIEW_MAX_AGE_DAYS, REVIEW_MAX_AGE_DAYS_RANGE};

pub fn check(ctx: &Context, site: &Site, out: &mut Diagnostics) {
    let file = &site.origin.file;
    // An empty value is a missing field, reported where it was read.
    if !site.base_url.is_empty()
        && let Err(error) = SiteUrls::new(&site.base_url)
    {
        out.push(
            Diagnostic::error(Code::BadBaseUrl, file, Some(site.base_url.span))
                .message(error.message())
                .help(error.help()),
        );
    }
    if !site.language.is_empty()
        && let Err(problem) = language_tag(&site.language)
    {
        out.push(
            Diagnostic::error(Code::BadLanguage, file, Some(site.language.span))
                .message(problem.message)
                .help(problem.help),
        );
    }
    if let Some(days) = &site.review_max_age_days
        && !REVIEW_MAX_AGE_DAYS_RANGE.contains(&days.value)
    {
        out.push(
            Diagnostic::error(Code::BadSetting, file, Some(days.span))
                .message(format!(
                    "`review.max_age_days` is {}: it must be a number of days from {} to {} (ten years)",
                    days.value,
                    REVIEW_MAX_AGE_DAYS_RANGE.start(),
                    REVIEW_MAX_AGE_DAYS_RANGE.end()
                ))
                .help(format!(
                    "the default is {DEFAULT_REVIEW_MAX_AGE_DAYS} (three years); until this is fixed, reviews are due after the default"
                )),
        );
    }
    // Written so that NaN (`.nan` in YAML) and infinity are refused too.
    if let Some(grade) = &site.readability_max_grade
        && !(grade.value > 0.0 && grade.value.is_finite())
    {
        out.push(
            Diagnostic::error(Code::BadSetting, file, Some(grade.span))
                .message("`readability.max_grade` must be a positive school grade")
                .help("patient information is usually written for grade 6 to 8"),
        );
    }
    if let Some(smog) = &site.readability_max_smog
        && !(smog.value > 0.0 && smog.value.is_finite())
    {
        out.push(
            Diagnostic::error(Code::BadSetting, file, Some(smog.span))
                .message("`readability.max_smog` must be a positive school grade")
                .help("patient information is usually written for a SMOG grade of 9 or below"),
        );
    }
    if let Some(feedback) = &site.feedback
        && let Err(why) = feedback_address(feedback)
    {
        out.push(
            Diagnostic::error(Code::BadSetting, file, Some(feedback.span))
                .message(format!("`feedback` cannot be a link: {why}"))
                .help(
                    "write an `https:` address or a `mailto:` address, with `{url}` where the \
                     page's address goes, e.g. `feedback: \"mailto:editor@example.org?subject=Problem with {url}\"`",
                ),
        );
    }
    if let Some(publisher) = &site.publisher {
        if let Some(url) = &publisher.url
            && !is_web_address(url)
        {
            out.push(
                Diagnostic::error(Code::BadSetting, file, Some(url.span))
                    .message("`publisher.url` is not an absolute http or https address")
                    .help("give the address of the publisher's contact page as a browser shows it"),
            );
        }
        if let Some(email) = &publisher.email
            && !is_email(email)
        {
            out.push(
                Diagnostic::error(Code::BadSetting, file, Some(email.span))
                    .message(format!(
                        "`publisher.email` `{}` is not an email address",
                        email.value
                    ))
                    .help("write the address alone, e.g. `email: editor@example.org`"),
            );
        }
    }
    for topic in &site.get_help.require_for_topics {
        super::references::reference(
            ctx,
            file,
            topic,
            crate::model::Kind::Topic,
            "topic in `get_help.require_for_topics`",
            out,
        );
    }
    ctx.settings.evidence.report_problems(file, out);
}

/// An absolute http(s) URL with a host, nothing else.
fn is_web_address(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| !h.is_empty())
            && !text.chars().any(char::is_whitespace)
    })
}

/// One plain address: something@host, no spaces, no `mailto:`.
fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(user), Some(host), None)
        if !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.'))
        && !text.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ':' | '?')
        })
}

/// Whether `feedback` can be made into a link: an https or mailto address
/// once `{url}` is filled in. Why not, in plain words.
pub fn feedback_address(template: &str) -> Result<(), String> {
    let sample = template.replace("{url}", "https://example.org/page/");
    let Ok(url) = url::Url::parse(&sample) else {
        return Err("it is not an address".into());
    };
    match url.scheme() {
        "https" | "http" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        "mailto" if url.path().contains('@') => Ok(()),
        "mailto" => Err("the `mailto:` address has no `@`".into()),
        other => Err(format!(
            "`{other}:` addresses are not allowed (only https and mailto)"
        )),
    }
}

/// Why a `language` is refused, in plain words.
struct LanguageProblem {
    message: String,
    help: String,
}

/// `language` must be a well-formed BCP 47 tag whose subtags are in the IANA
/// registry: it becomes `<html lang>`, which screen readers use to pick a voice.
fn language_tag(language: &str) -> Result<(), LanguageProblem> {
    const EXAMPLES: &str = "write a BCP 47 language tag, e.g. `en`, `en-GB`, `fr` or `pt-BR`";
    let tag = match language_tags::LanguageTag::parse(language) {
        Ok(tag) => tag,
        Err(error) => {
            // `en_GB` is the common slip: a POSIX locale name.
            let dashed = language.trim().replace('_', "-");
            let help = match language_tags::LanguageTag::parse(&dashed) {
                Ok(tag) if dashed != language && tag.validate().is_ok() => {
                    format!("write `language: {dashed}`")
                }
                _ => EXAMPLES.to_string(),
            };
            let message = if language.trim().is_empty() {
                "`language` is empty".to_string()
            } else {
                format!(
                    "`{}` is not a BCP 47 language tag: {error}",
                    language.escape_debug()
                )
            };
            return Err(LanguageProblem { message, help });
        }
    };
    tag.validate().map_err(|error| LanguageProblem {
        message: format!(
            "`{}` is not a registered language tag: {error}",
            language.escape_debug()
        ),
        help: EXAMPLES.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::language_tag;

    #[test]
    fn language_tags_are_registered_bcp_47() {
        assert!(language_tag("en").is_ok());
        assert!(language_tag("pt-BR").is_ok());
        let slip = language_tag("en_GB").err().unwrap();
        assert_eq!(slip.help, "write `language: en-GB`");
        assert!(language_tag("xx-notatag-at-all-really").is_err());
    }
}
