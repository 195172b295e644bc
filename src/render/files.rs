//! The files of a site that are not pages: sitemap, robots.txt, the Atom
//! feed, and the documents of the search index.
//!
//! The XML files are written by hand (they are small and fixed in shape), so
//! every piece of text in them goes through [`xml_text`], which also keeps
//! out the characters XML 1.0 forbids: one control character would make
//! the whole feed unreadable to a feed reader.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::SourceFiles;
use crate::link::Graph;
use crate::model::*;
use crate::search::SearchDocument;
use crate::urls::{Section, SiteUrls};

use super::Job;
use super::cache::{Cache, MadeDocument};
use super::pages::PageRenderer;

/// Text for XML content or a quoted attribute: markup characters escaped,
/// characters XML 1.0 does not allow (controls other than tab and line
/// breaks, U+FFFE, U+FFFF) dropped, and the C1 and DEL controls it
/// discourages dropped too. Content should never hold them (loading refuses
/// them); this is the last line of defence.
pub(super) fn xml_text(text: &str) -> String {
    let plain = |b: &u8| {
        b.is_ascii() && !b.is_ascii_control() && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
    };
    // Most text (every URL of the sitemap) has nothing to change.
    if text.as_bytes().iter().all(plain) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub(super) fn sitemap(graph: &Graph, jobs: &[Job]) -> String {
    let urls = &graph.urls;
    let entity = |id: &str| graph.url(id).unwrap_or_default().to_string();
    let mut entries: Vec<(String, Option<String>)> = jobs
        .iter()
        .filter_map(|job| {
            let (url, lastmod) = match job {
                Job::NotFound => return None,
                Job::Home => (urls.section(Section::Home), None),
                Job::Tags => (urls.section(Section::Tags), None),
                Job::Glossary => (urls.section(Section::Glossary), None),
                Job::Search => return None,
                Job::Question(q) => (entity(&q.origin.id), Some(last_updated(q).0.to_string())),
                Job::Reviewer(r) => (entity(&r.origin.id), None),
                Job::GetHelp => (urls.section(Section::GetHelp), None),
                Job::Cautions => (urls.section(Section::Cautions), None),
                Job::Topic(t) => (entity(&t.origin.id), None),
                Job::Source(s, part) => (urls.source_part(&s.origin.id, *part), None),
                Job::Caution(c) => (entity(&c.origin.id), None),
                Job::Page(p) => (entity(&p.origin.id), None),
                Job::Tag(t) => (urls.tag(t), None),
            };
            Some((urls.absolute(&url), lastmod))
        })
        .collect();
    entries.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_text(&loc));
        xml.push_str("</loc>");
        if let Some(date) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&xml_text(&date));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub(super) fn robots(urls: &SiteUrls) -> String {
    let sitemap = urls.absolute(&urls.section(Section::Sitemap));
    format!("User-agent: *\nAllow: /\nSitemap: {sitemap}\n")
}

/// When a question's page last changed: its latest review or the latest
/// entry of its page history, whichever is later, with what changed then
/// (when the history says).
pub(super) fn last_updated(q: &Question) -> (jiff::civil::Date, Option<&str>) {
    let change = q.changes.iter().max_by_key(|c| c.on.value);
    match change {
        Some(c) if c.on.value >= q.reviewed.on.value => (c.on.value, Some(c.what.value.trim())),
        _ => (q.reviewed.on.value, None),
    }
}

/// An Atom feed of the questions, the latest update (review or change) first.
pub(super) fn atom_feed(graph: &Graph, site: &Site) -> String {
    let urls = &graph.urls;
    let mut questions: Vec<(&Question, (jiff::civil::Date, Option<&str>))> = graph
        .content
        .questions
        .iter()
        .map(|q| (q, last_updated(q)))
        .collect();
    questions.sort_by(|(a, a_updated), (b, b_updated)| {
        b_updated
            .0
            .cmp(&a_updated.0)
            .then_with(|| a.origin.id.cmp(&b.origin.id))
    });
    let updated = questions.first().map_or_else(
        || "1970-01-01".to_string(),
        |(_, updated)| updated.0.to_string(),
    );
    let home = urls.base();
    let feed = urls.absolute(&urls.section(Section::Feed));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <id>{}</id>\n  <link rel=\"alternate\" href=\"{}\"/>\n  <link rel=\"self\" href=\"{}\"/>\n  <updated>{}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        xml_text(&site.language),
        xml_text(&site.title),
        xml_text(&site.description),
        xml_text(home),
        xml_text(home),
        xml_text(&feed),
        updated,
        xml_text(&site.title),
    );
    for (q, (updated, change)) in questions.iter().take(50) {
        let url = urls.absolute(graph.url(&q.origin.id).unwrap_or_default());
        let summary = match change {
            Some(what) => format!("Updated: {what} {}", q.summary.value),
            None => q.summary.value.clone(),
        };
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            xml_text(&q.question),
            xml_text(&url),
            xml_text(&url),
            updated,
            xml_text(&summary),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// What patients can search: questions, glossary terms, cautions and pages,
/// each with every word its page shows of it: a question's summary, answer,
/// claims, quotes (the archive's words, as shown) and data blocks. With
/// `cache` (the preview's), a question's document is reused from the last
/// build wherever nothing it is made from changed.
pub(super) fn search_documents(
    graph: &Graph,
    renderer: &PageRenderer,
    cache: Option<(&mut Cache, &SourceFiles)>,
) -> Vec<Arc<SearchDocument>> {
    let url = |id: &str| graph.url(id).unwrap_or_default().to_string();
    let make = |q: &Question| question_document(graph, renderer, q);
    let mut docs: Vec<Arc<SearchDocument>> = match cache {
        Some((cache, files)) => {
            let language = &renderer.site().language.value;
            cache.question_documents(graph, files, language, make)
        }
        None => (graph.content.questions.par_iter())
            .map(|q| Arc::new(make(q).document))
            .collect(),
    };
    let others = graph.content.glossary.iter().map(|t| SearchDocument {
        url: url(&t.origin.id),
        title: t.term.clone(),
        section: "Glossary".into(),
        text: format!(
            "{}\n{}",
            t.aliases.join(", "),
            renderer.plain(&t.definition)
        ),
    });
    let others = others.chain(graph.content.cautions.iter().map(|c| {
        let mut text = vec![renderer.plain(&c.message)];
        text.extend(c.quotes.iter().flat_map(|x| quote_text(graph, x)));
        SearchDocument {
            url: url(&c.origin.id),
            title: c.title.clone(),
            section: "Caution".into(),
            text: text.join("\n"),
        }
    }));
    let others = others.chain(graph.content.pages.iter().map(|p| SearchDocument {
        url: url(&p.origin.id),
        title: p.title.clone(),
        section: "Page".into(),
        text: renderer.plain(&p.body),
    }));
    docs.extend(others.map(Arc::new));
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    docs
}

/// A question's search document, and the ids whose titles its answer's
/// plain words asked for (what the preview's cache must watch).
fn question_document(graph: &Graph, renderer: &PageRenderer, q: &Question) -> MadeDocument {
    let mut text = vec![renderer.question_text(q).to_string()];
    text.extend(q.facts.iter().map(|f| f.claim.value.clone()));
    text.extend(data_block_text(q, renderer));
    text.extend(crate::link::question_quotes(q).flat_map(|x| quote_text(graph, x)));
    text.extend(q.tags.iter().map(|t| t.value.replace('-', " ")));
    let topic = graph
        .entities
        .get(q.topic.value.as_str())
        .map(|t| t.title.to_string());
    text.extend(topic.clone());
    MadeDocument {
        document: SearchDocument {
            url: graph.url(&q.origin.id).unwrap_or_default().to_string(),
            title: q.question.value.clone(),
            section: topic.unwrap_or_default(),
            text: text.join("\n"),
        },
        linked: renderer.question_text_links(q).to_vec(),
    }
}

/// A quote's words as its page shows them (the archive's, where check found
/// it), and who is quoted.
fn quote_text(graph: &Graph, quote: &Quote) -> Vec<String> {
    let words = match graph.passage(&quote.source, &quote.text) {
        Some(passage) => passage.text.clone(),
        None => quote.text.value.clone(),
    };
    std::iter::once(words)
        .chain(quote.attribution.clone())
        .collect()
}

/// The words of a question's cost, comparison and timeline, as shown.
fn data_block_text(q: &Question, renderer: &PageRenderer) -> Vec<String> {
    let mut text = Vec::new();
    if let Some(cost) = &q.cost {
        text.push(format!("{} {}", cost.currency.value, cost.per.value));
        for value in [&cost.typical, &cost.low, &cost.high].into_iter().flatten() {
            text.push(
                renderer
                    .amounts
                    .format(&value.value.to_string(), &cost.currency),
            );
        }
        text.extend(cost.basis.as_ref().map(|b| b.value.clone()));
        text.extend(cost.factors.iter().map(|f| f.value.clone()));
    }
    if let Some(comparison) = &q.comparison {
        text.push(comparison.with.value.clone());
        for row in &comparison.rows {
            text.extend([&row.aspect, &row.ours, &row.theirs].map(|c| c.value.clone()));
        }
    }
    if let Some(timeline) = &q.timeline {
        for step in &timeline.steps {
            text.extend([&step.when, &step.what].map(|c| c.value.clone()));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::xml_text;

    #[test]
    fn xml_text_escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            xml_text("a <b> & \"c\" 'd'"),
            "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;"
        );
        assert_eq!(xml_text("tab\tline\nreturn\r"), "tab\tline\nreturn\r");
        assert_eq!(
            xml_text("nul\u{0} bell\u{7} esc\u{1b} del\u{7f} c1\u{85}\u{9f} \u{fffe}\u{ffff}"),
            "nul bell esc del c1 "
        );
        assert_eq!(xml_text("é \u{10000} \u{fffd}"), "é \u{10000} \u{fffd}");
    }
}
