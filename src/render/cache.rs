//! What the preview's render stage keeps from one build to the next, so that
//! after an edit it works out again only the search documents the edit can
//! have changed.
//!
//! A question's search document ([`super::files::question_document`]) is
//! made from:
//!
//! - the question itself, which is parsed from its file and nothing else:
//!   the file's path and text stand for it;
//! - its page's URL, its topic's title, and the title of each entity its
//!   answer links to (the plain words show a link as its target's title):
//!   the ids asked for while making the plain words are noted, with their
//!   titles then;
//! - the words of each quote's passage, as the archive has them;
//! - the site's language, in which amounts of money are written.
//!
//! A kept document is reused only while every one of these is as it was,
//! compared value by value (no hash that could collide); anything else is
//! made afresh. This module decides what may be reused; it must not make a
//! document itself, and a document it reuses must be the one a fresh build
//! makes (`tests/session.rs` compares every rebuild's output, search index
//! included, with a fresh build's). A one-off build has no cache.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::SourceFiles;
use crate::link::{Graph, question_quotes};
use crate::model::Question;
use crate::search::SearchDocument;

/// The render stage's memory, kept by the preview's session between builds.
#[derive(Default)]
pub struct Cache {
    /// The site language the kept documents were made in.
    language: String,
    /// Each question's document and what it was made from, by question id.
    documents: HashMap<String, KeptDocument>,
}

/// One question's search document, and what it was made from.
struct KeptDocument {
    file: PathBuf,
    /// The question's file as it was read.
    text: Arc<str>,
    url: String,
    topic_title: Option<String>,
    /// The ids whose titles its plain words asked for, with the titles then
    /// (`None`: no such entity).
    linked: Vec<(String, Option<String>)>,
    /// Per quote, in [`question_quotes`]' order: its passage's words, or
    /// `None` where check did not locate it.
    passages: Vec<Option<String>>,
    document: Arc<SearchDocument>,
}

/// A question's search document made afresh, with the ids whose titles its
/// plain words asked for.
pub(super) struct MadeDocument {
    pub(super) document: SearchDocument,
    pub(super) linked: Vec<String>,
}

impl Cache {
    /// The search document of every question of `graph`, in content order:
    /// kept ones where nothing they were made from changed, the others from
    /// `make`. Keeps the documents made afresh for the next build, and
    /// forgets those of questions no longer there. (An entry is always a
    /// document with exactly what it was made from, so one left from an
    /// earlier build can only be reused when all of that holds again.)
    pub(super) fn question_documents(
        &mut self,
        graph: &Graph,
        files: &SourceFiles,
        language: &str,
        make: impl Fn(&Question) -> MadeDocument + Sync,
    ) -> Vec<Arc<SearchDocument>> {
        if self.language != language {
            self.documents.clear();
            self.language = language.to_string();
        }
        let kept = &self.documents;
        let results: Vec<(Arc<SearchDocument>, Option<KeptDocument>)> = graph
            .content
            .questions
            .par_iter()
            .map(|q| {
                let text = files.get(&q.origin.file);
                let previous = kept.get(q.origin.id.as_str());
                if let (Some(previous), Some(text)) = (previous, &text)
                    && previous.still_holds(graph, q, text)
                {
                    return (Arc::clone(&previous.document), None);
                }
                let made = make(q);
                let document = Arc::new(made.document);
                let keep =
                    text.map(|text| KeptDocument::new(graph, q, text, made.linked, &document));
                (document, keep)
            })
            .collect();
        // Kept documents stay where they are: only the fresh ones go in,
        // and those of questions no longer there go.
        let mut documents = Vec::with_capacity(results.len());
        for (q, (document, fresh)) in graph.content.questions.iter().zip(results) {
            if let Some(fresh) = fresh {
                self.documents.insert(q.origin.id.clone(), fresh);
            }
            documents.push(document);
        }
        if self.documents.len() != graph.content.questions.len() {
            let ids: std::collections::HashSet<&str> = (graph.content.questions.iter())
                .map(|q| q.origin.id.as_str())
                .collect();
            self.documents.retain(|id, _| ids.contains(id.as_str()));
        }
        documents
    }
}

impl KeptDocument {
    fn new(
        graph: &Graph,
        q: &Question,
        text: Arc<str>,
        mut linked: Vec<String>,
        document: &Arc<SearchDocument>,
    ) -> Self {
        linked.sort_unstable();
        linked.dedup();
        KeptDocument {
            file: q.origin.file.clone(),
            text,
            url: graph.url(&q.origin.id).unwrap_or_default().to_string(),
            topic_title: title(graph, &q.topic.value).map(str::to_string),
            linked: linked
                .into_iter()
                .map(|id| {
                    let title = title(graph, &id).map(str::to_string);
                    (id, title)
                })
                .collect(),
            passages: question_quotes(q)
                .map(|x| graph.passage(&x.source, &x.text).map(|p| p.text.clone()))
                .collect(),
            document: Arc::clone(document),
        }
    }

    /// Whether `q`, whose file now reads `text`, would make this document
    /// again in `graph`.
    fn still_holds(&self, graph: &Graph, q: &Question, text: &Arc<str>) -> bool {
        // The file's text first: it decides most cases, and the loader
        // hands an unchanged file's text back as the same allocation.
        self.text == *text
            && self.file == q.origin.file
            && graph.url(&q.origin.id).unwrap_or_default() == self.url
            && title(graph, &q.topic.value) == self.topic_title.as_deref()
            && self
                .linked
                .iter()
                .all(|(id, then)| title(graph, id) == then.as_deref())
            && question_quotes(q).count() == self.passages.len()
            && question_quotes(q).zip(&self.passages).all(|(x, then)| {
                graph.passage(&x.source, &x.text).map(|p| p.text.as_str()) == then.as_deref()
            })
    }
}

/// The title of entity `id`, as links and sections show it.
fn title<'g>(graph: &'g Graph, id: &str) -> Option<&'g str> {
    graph.entities.get(id).map(|e| e.title)
}
