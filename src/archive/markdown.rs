//! The text of a markdown archive: what a reader of the rendered page reads.
//!
//! Paragraphs, headings, list items, block quotes and table rows each become
//! one line (a soft line break inside a paragraph is a space; a hard one, a
//! new line); each line of a code block is a line. Emphasis marks, link
//! targets, images and raw HTML are dropped; the words of links, inline code
//! and table cells (separated by a space) are kept. This module must not read
//! files.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The text of `markdown`: one paragraph per line.
pub fn extract(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut lines: Vec<String> = vec![String::new()];
    let mut image_depth = 0usize;
    let mut in_code_block = false;
    let new_line = |lines: &mut Vec<String>| {
        if !lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.push(String::new());
        }
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            // An image's alt text describes a picture; it is not the source's words.
            _ if image_depth > 0 => {}
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                new_line(&mut lines);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                new_line(&mut lines);
            }
            Event::Text(text) if in_code_block => {
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        lines.push(String::new());
                    }
                    lines.last_mut().expect("never empty").push_str(line);
                }
            }
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::Item
                | Tag::BlockQuote(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition,
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            )
            | Event::HardBreak
            | Event::Rule => new_line(&mut lines),
            Event::End(TagEnd::TableCell) => lines.last_mut().expect("never empty").push('\t'),
            Event::Text(text) | Event::Code(text) | Event::InlineMath(text) => {
                lines.last_mut().expect("never empty").push_str(&text)
            }
            Event::DisplayMath(text) => {
                new_line(&mut lines);
                lines.last_mut().expect("never empty").push_str(&text);
                new_line(&mut lines);
            }
            Event::SoftBreak => lines.last_mut().expect("never empty").push(' '),
            // Markup, not words: raw HTML, footnote marks, task boxes.
            _ => {}
        }
    }
    super::paragraphs(lines.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_words_and_drops_the_syntax() {
        let text = extract(
            "# Feeding a starter\n\nThe starter **should** be fed\n[twice a day](https://example.org/feed).\n\n\
             - flour\n- water\n\n> A quoted\n> line.\n\n![a jar](jar.png)\n\n```\nmix 1:1\nwait\n```\n\n\
             | step | time |\n|---|---|\n| feed | 9am |\n\n<div>raw</div>\n",
        );
        assert_eq!(
            text,
            "Feeding a starter\nThe starter should be fed twice a day.\nflour\nwater\nA quoted line.\nmix 1:1\nwait\nstep time\nfeed 9am\n"
        );
    }
}
