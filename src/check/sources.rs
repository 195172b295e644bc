//! A source's own fields: its `url` must be an address a browser can open.
//! Its dates are [`super::dates`]'s; its archive is read (and refused) by
//! `load`, and its quotes are checked where they are written: this rule must
//! not read archives or quotes.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::Source;

pub fn check(source: &Source, out: &mut Diagnostics) {
    let file = &source.origin.file;
    if let Some(url) = &source.url
        && !is_web_url(url)
    {
        out.push(
            Diagnostic::error(Code::BadUrl, file, Some(url.span))
                .message(format!("`{}` is not an http or https URL", url.value))
                .help("a source's `url` must start with http:// or https://; leave it out if the source has none"),
        );
    }
}

/// An absolute http or https URL with a host, as the `url` crate (and so a
/// browser) reads it, with no white space or control character in what was
/// written (which a browser would drop or encode, so the link would not go
/// where the text says).
fn is_web_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    url::Url::parse(url).is_ok_and(|parsed| {
        matches!(parsed.scheme(), "http" | "https")
            && parsed.host_str().is_some_and(|host| !host.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::is_web_url;

    #[test]
    fn only_http_and_https_with_a_host() {
        assert!(is_web_url("https://example.org/a"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://exa mple.org/"));
        assert!(!is_web_url("ftp://example.org/"));
    }
}
