//! The words of the site's text and of its quotes, as the evidence checks
//! compare them: where each word is, its lowercase form, and (for claim
//! words) its stem.
//!
//! Words are Unicode's (UAX #29, as quotes are verified): `short-term` is
//! two words, `1,200.50` and `don't` are one. In markdown, only the text a
//! reader sees as the site's own words counts: not `[[id]]` links (they show
//! another entity's title), code, or raw HTML. This module finds words; it
//! must not judge them.

use std::borrow::Cow;
use std::ops::Range;

use crate::check::quotes::word_indices;

/// A word of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'t> {
    /// Where it is, in bytes of the text (of the field's value).
    pub range: Range<usize>,
    /// As written.
    pub written: &'t str,
    /// Lowercase, apostrophes removed: the form compared with quotes
    /// (borrowed from the text when it is that already, as most words are).
    pub lower: Cow<'t, str>,
}

/// The words of plain text.
pub fn of_text(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::with_capacity(likely_words(text));
    push_words(text, 0, &mut words);
    words
}

/// The words of markdown that a reader sees as the site's own: the text of
/// paragraphs, lists, emphasis and `[text](id)` links; not the ids of
/// `[[id]]` links (a reader sees the other entity's title there; with
/// `[[id|text]]`, the text), link destinations, code spans, fenced code
/// blocks or HTML tags.
///
/// A light scan rather than a markdown parse: this runs on every answer of
/// the site, the parse is done elsewhere, and only where the words are
/// matters here (markup characters are no word characters anyway).
pub fn of_markdown(markdown: &str) -> Vec<Word<'_>> {
    let mut words = Vec::with_capacity(likely_words(markdown));
    let bytes = markdown.as_bytes();
    let mut visible_from = 0;
    let mut at = 0;
    let mut in_fence = false;
    while at < bytes.len() {
        let line_start = at == 0 || bytes[at - 1] == b'\n';
        // Where the hidden part that starts here ends, if one does.
        let hidden_end = if line_start
            && markdown[at..]
                .trim_start_matches([' ', '\t'])
                .starts_with("```")
        {
            in_fence = !in_fence;
            Some(markdown[at..].find('\n').map_or(bytes.len(), |n| at + n))
        } else if in_fence {
            Some(markdown[at..].find('\n').map_or(bytes.len(), |n| at + n))
        } else {
            match bytes[at] {
                b'[' if bytes.get(at + 1) == Some(&b'[') => markdown[at..].find("]]").map(|n| {
                    match markdown[at..at + n].find('|') {
                        // `[[id|text]]`: the text is the site's words.
                        Some(bar) => at + bar + 1,
                        None => at + n + 2,
                    }
                }),
                b']' if bytes.get(at + 1) == Some(&b'(') => {
                    markdown[at..].find(')').map(|n| at + n + 1)
                }
                b'`' => markdown[at + 1..].find('`').map(|n| at + n + 2),
                b'<' => markdown[at..]
                    .find('>')
                    .filter(|n| !markdown[at..at + n].contains('\n'))
                    .map(|n| at + n + 1),
                _ => None,
            }
        };
        match hidden_end {
            Some(end) => {
                push_words(&markdown[visible_from..at], visible_from, &mut words);
                at = end.max(at + 1);
                visible_from = at;
            }
            None => at += 1,
        }
    }
    if visible_from < bytes.len() {
        push_words(&markdown[visible_from..], visible_from, &mut words);
    }
    words
}

/// About how many words a text has (an English word and the space after it
/// average about six bytes): room made once, where growing the list word by
/// word showed in the evidence rules' profile (allocation was their largest
/// single cost).
fn likely_words(text: &str) -> usize {
    text.len() / 6 + 1
}

fn push_words<'t>(text: &'t str, offset: usize, out: &mut Vec<Word<'t>>) {
    for (at, word) in word_indices(text) {
        out.push(Word {
            range: offset + at..offset + at + word.len(),
            written: word,
            lower: lower(word),
        });
    }
}

/// Lowercase with apostrophes removed: `Patient's` → `patients`.
pub fn lower(word: &str) -> Cow<'_, str> {
    let plain = word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b',');
    if plain {
        return Cow::Borrowed(word);
    }
    if word.is_ascii() && !word.contains('\'') {
        return Cow::Owned(word.to_ascii_lowercase());
    }
    Cow::Owned(
        word.chars()
            .filter(|c| !matches!(c, '\'' | '\u{2019}'))
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// The form qualifiers are matched in: lowercase, and a final `s` taken off
/// words of more than three letters (not `ss`), so that `risks` is `risk`
/// and `works` is `work`, but `most` and `mostly`, `rare` and `rarer` stay
/// apart (they say different things).
pub fn form(lower: &str) -> &str {
    match lower.strip_suffix('s') {
        Some(stem) if lower.len() > 3 && !stem.ends_with('s') => stem,
        _ => lower,
    }
}

/// The stem claim words are compared by (the search index's Porter stemmer).
pub fn stem(lower: &str) -> String {
    crate::search::stem(lower)
}

/// Whether the text between two words is only white space or a hyphen, so
/// they read as one phrase (`twenty-five`, `no risk`).
pub fn adjacent(text: &str, before: &Word, after: &Word) -> bool {
    text.get(before.range.end..after.range.start)
        .is_some_and(|gap| {
            gap.chars()
                .all(|c| c.is_whitespace() || c == '-' || c == '‐')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_text_with_positions() {
        let words = of_text("Most short-term redness, don't worry: 1,200.50.");
        let lowers: Vec<&str> = words.iter().map(|w| w.lower.as_ref()).collect();
        assert_eq!(
            lowers,
            [
                "most", "short", "term", "redness", "dont", "worry", "1,200.50"
            ]
        );
        assert_eq!(words[0].range, 0..4);
    }

    #[test]
    fn markdown_words_skip_ids_and_code() {
        let text =
            "See [[how-long]] and [the guide](oven-guide), `code 12`.\n\n```\n48 hours\n```\n";
        let words = of_markdown(text);
        let lowers: Vec<&str> = words.iter().map(|w| w.lower.as_ref()).collect();
        assert_eq!(lowers, ["see", "and", "the", "guide"]);
        let guide = &words[3];
        assert_eq!(&text[guide.range.clone()], "guide");
    }

    #[test]
    fn forms_keep_degrees_apart() {
        assert_eq!(form("risks"), "risk");
        assert_eq!(form("works"), "work");
        assert_eq!(form("less"), "less");
        assert_eq!(form("mostly"), "mostly");
        assert_eq!(form("rarer"), "rarer");
        assert_eq!(form("is"), "is");
    }
}
