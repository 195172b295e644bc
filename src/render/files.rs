//! The files of a site that are not pages: sitemap, robots.txt, the Atom
//! feed, and the documents of the search index.

use rayon::prelude::*;

use crate::link::{Graph, url_for};
use crate::markdown;
use crate::model::*;
use crate::search::SearchDocument;

use super::Job;
use super::pages::PageRenderer;

fn xml_escape(text: &str) -> String {
    markdown::html_escape(text)
}

pub(super) fn sitemap(graph: &Graph, jobs: &[Job], renderer: &PageRenderer) -> String {
    let mut entries: Vec<(String, Option<String>)> = jobs
        .iter()
        .filter_map(|job| {
            let (url, lastmod) = match job {
                Job::NotFound => return None,
                Job::Home => (graph.root.clone(), None),
                Job::Tags => (format!("{}tags/", graph.root), None),
                Job::Glossary => (format!("{}glossary/", graph.root), None),
                Job::Search => return None,
                Job::Question(q) => (
                    url_for(&graph.root, Kind::Question, &q.origin.id),
                    Some(q.reviewed.on.value.to_string()),
                ),
                Job::Topic(t) => (url_for(&graph.root, Kind::Topic, &t.origin.id), None),
                Job::Source(s) => (url_for(&graph.root, Kind::Source, &s.origin.id), None),
                Job::Caution(c) => (url_for(&graph.root, Kind::Caution, &c.origin.id), None),
                Job::Page(p) => (url_for(&graph.root, Kind::Page, &p.origin.id), None),
                Job::Tag(t) => (graph.tag_url(t), None),
            };
            Some((renderer.absolute(&url), lastmod))
        })
        .collect();
    entries.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        xml.push_str("  <url><loc>");
        xml.push_str(&xml_escape(&loc));
        xml.push_str("</loc>");
        if let Some(date) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&date);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub(super) fn robots(site: &Site) -> String {
    let base = site.base_url.value.trim_end_matches('/');
    format!("User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n")
}

/// An Atom feed of the questions, newest review first.
pub(super) fn atom_feed(graph: &Graph, site: &Site, renderer: &PageRenderer) -> String {
    let mut questions: Vec<&Question> = graph.content.questions.iter().collect();
    questions.sort_by(|a, b| {
        b.reviewed
            .on
            .value
            .cmp(&a.reviewed.on.value)
            .then_with(|| a.origin.id.cmp(&b.origin.id))
    });
    let updated = questions.first().map_or_else(
        || "1970-01-01".to_string(),
        |q| q.reviewed.on.value.to_string(),
    );
    let home = renderer.absolute(&graph.root);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <id>{}</id>\n  <link rel=\"alternate\" href=\"{}\"/>\n  <link rel=\"self\" href=\"{}feed.xml\"/>\n  <updated>{}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        xml_escape(&site.language),
        xml_escape(&site.title),
        xml_escape(&site.description),
        xml_escape(&home),
        xml_escape(&home),
        xml_escape(&home),
        updated,
        xml_escape(&site.title),
    );
    for q in questions.iter().take(50) {
        let url = renderer.absolute(&url_for(&graph.root, Kind::Question, &q.origin.id));
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            xml_escape(&q.question),
            xml_escape(&url),
            xml_escape(&url),
            q.reviewed.on.value,
            xml_escape(&q.summary),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// What patients can search: questions, glossary terms, cautions and pages.
pub(super) fn search_documents(graph: &Graph, renderer: &PageRenderer) -> Vec<SearchDocument> {
    let root = &graph.root;
    let mut docs: Vec<SearchDocument> = graph
        .content
        .questions
        .par_iter()
        .map(|q| {
            let mut text = vec![renderer.question_text[q.origin.id.as_str()].clone()];
            text.extend(q.facts.iter().map(|f| f.claim.clone()));
            text.extend(q.tags.iter().map(|t| t.value.replace('-', " ")));
            let topic = graph
                .entities
                .get(q.topic.value.as_str())
                .map(|t| t.title.to_string());
            text.extend(topic.clone());
            SearchDocument {
                url: url_for(root, Kind::Question, &q.origin.id),
                title: q.question.clone(),
                section: topic.unwrap_or_default(),
                text: text.join("\n"),
            }
        })
        .collect();
    docs.extend(graph.content.glossary.iter().map(|t| SearchDocument {
        url: url_for(root, Kind::Glossary, &t.origin.id),
        title: t.term.clone(),
        section: "Glossary".into(),
        text: format!(
            "{}\n{}",
            t.aliases.join(", "),
            renderer.plain(&t.definition)
        ),
    }));
    docs.extend(graph.content.cautions.iter().map(|c| SearchDocument {
        url: url_for(root, Kind::Caution, &c.origin.id),
        title: c.title.clone(),
        section: "Caution".into(),
        text: renderer.plain(&c.message),
    }));
    docs.extend(graph.content.pages.iter().map(|p| SearchDocument {
        url: url_for(root, Kind::Page, &p.origin.id),
        title: p.title.clone(),
        section: "Page".into(),
        text: renderer.plain(&p.body),
    }));
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    docs
}
