//! Link: the cross-link graph of a checked site.
//!
//! Works out, once, everything a page shows about other pages: URLs and
//! titles of every entity, symmetric `related`, backlinks (what links here),
//! the questions carrying each caution, reviewed by each reviewer, in each
//! topic and under each tag,
//! previous/next within a topic, the glossary matcher, and each source's
//! quoted passages ([`passages`]: each place quoted once, with the questions
//! and cautions citing it). Rendering reads this; nothing here renders.

mod cache;
mod passages;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use rayon::prelude::*;

use crate::check::quotes::Located;
use crate::markdown::{self, GlossaryMatcher};
use crate::model::*;
use crate::urls::SiteUrls;

pub use cache::Cache;
pub use passages::{PART_BYTES, Passage, SourcePassages, collapse_white_space};

/// An entity as other pages see it.
#[derive(Clone, Debug)]
pub struct EntityRef<'a> {
    pub kind: Kind,
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
}

/// The graph's maps hash with `FxHash`: their keys are the site's own ids,
/// and rendering looks them up many times per page.
pub struct Graph<'a> {
    pub content: &'a Content,
    /// Every URL of the site, from its validated `base_url`.
    pub urls: SiteUrls,
    pub entities: FxHashMap<&'a str, EntityRef<'a>>,
    pub topics: Vec<&'a Topic>,
    pub topic_questions: FxHashMap<&'a str, Vec<&'a Question>>,
    pub tags: BTreeMap<&'a str, Vec<&'a Question>>,
    pub related: FxHashMap<&'a str, Vec<&'a Question>>,
    pub backlinks: FxHashMap<&'a str, Vec<&'a str>>,
    pub caution_questions: FxHashMap<&'a str, Vec<&'a Question>>,
    /// The questions each reviewer reviewed (in `reviewed.by` or
    /// `reviewed.clinical.by`), in reading order.
    pub reviewer_questions: FxHashMap<&'a str, Vec<&'a Question>>,
    pub previous: FxHashMap<&'a str, &'a Question>,
    pub next: FxHashMap<&'a str, &'a Question>,
    pub glossary: GlossaryMatcher,
    /// Each quoted source's passages, by source id.
    pub passages: FxHashMap<&'a str, SourcePassages<'a>>,
}

impl<'a> Graph<'a> {
    /// The graph of a site whose quotes' places are not known: quotes are
    /// then shown as written, without passages (for tests of other parts).
    pub fn new(content: &'a Content, urls: SiteUrls) -> Self {
        Graph::with_quotes(content, urls, &Located::default())
    }

    /// The graph, with each source's quoted passages from where `check`
    /// found the quotes.
    pub fn with_quotes(content: &'a Content, urls: SiteUrls, located: &Located) -> Self {
        Graph::reusing(content, urls, located, None)
    }

    /// The graph with each source's quoted passages, reusing what `cache`
    /// (the preview's) kept from the previous build where its inputs are
    /// unchanged, and keeping this build's for the next (see [`Cache`]).
    /// Without a cache (a one-off build) everything is worked out and
    /// nothing kept; either way the graph is the same.
    pub fn reusing(
        content: &'a Content,
        urls: SiteUrls,
        located: &Located,
        mut cache: Option<&mut Cache>,
    ) -> Self {
        let mut entities = FxHashMap::default();
        entities.reserve(content.questions.len() + content.sources.len());
        // The preview keeps each entity's URL for the `base_url` it was made
        // with: all are dropped when that changes, or when twice as many
        // are kept as the site has entities (those of removed ones go then).
        let entity_count = content.sources.len()
            + content.topics.len()
            + content.questions.len()
            + content.cautions.len()
            + content.glossary.len()
            + content.pages.len()
            + content.reviewers.len();
        let mut kept_urls = cache.as_deref_mut().map(|cache| {
            let kept = cache
                .urls
                .take()
                .filter(|(base, kept)| *base == urls && kept.len() <= 2 * entity_count.max(1000));
            &mut cache
                .urls
                .insert(kept.unwrap_or_else(|| (urls.clone(), FxHashMap::default())))
                .1
        });
        let mut add = |kind: Kind, origin: &'a Origin, title: &'a str| {
            let url = match kept_urls.as_deref_mut() {
                None => urls.entity(kind, &origin.id),
                Some(kept) => match kept.get(origin.id.as_str()) {
                    Some((kept_kind, url)) if *kept_kind == kind => url.clone(),
                    _ => {
                        let url = urls.entity(kind, &origin.id);
                        kept.insert(origin.id.clone(), (kind, url.clone()));
                        url
                    }
                },
            };
            entities.insert(
                origin.id.as_str(),
                EntityRef {
                    kind,
                    id: &origin.id,
                    title,
                    url,
                },
            );
        };
        for e in &content.sources {
            add(Kind::Source, &e.origin, &e.title);
        }
        for e in &content.topics {
            add(Kind::Topic, &e.origin, &e.title);
        }
        for e in &content.questions {
            add(Kind::Question, &e.origin, &e.question);
        }
        for e in &content.cautions {
            add(Kind::Caution, &e.origin, &e.title);
        }
        for e in &content.glossary {
            add(Kind::Glossary, &e.origin, &e.term);
        }
        for e in &content.pages {
            add(Kind::Page, &e.origin, &e.title);
        }
        for e in &content.reviewers {
            add(Kind::Reviewer, &e.origin, &e.name);
        }

        let mut topics: Vec<&Topic> = content.topics.iter().collect();
        topics.sort_by(|a, b| {
            (a.order.unwrap_or(i64::MAX), a.order.is_none())
                .cmp(&(b.order.unwrap_or(i64::MAX), b.order.is_none()))
                .then_with(|| by_title(&a.title, &b.title))
                .then_with(|| a.origin.id.cmp(&b.origin.id))
        });

        // Questions in reading order: by their `order`, then alphabetically.
        let mut questions: Vec<&Question> = content.questions.iter().collect();
        // The same order as `by_title`, with each key worked out once rather
        // than lowercased again in every comparison.
        questions.sort_by_cached_key(|q| {
            (
                q.order.unwrap_or(i64::MAX),
                q.question.to_lowercase(),
                q.question.as_str(),
                q.origin.id.as_str(),
            )
        });

        let mut topic_questions: FxHashMap<&str, Vec<&Question>> = FxHashMap::default();
        let mut tags: BTreeMap<&str, Vec<&Question>> = BTreeMap::new();
        let mut caution_questions: FxHashMap<&str, Vec<&Question>> = FxHashMap::default();
        let mut reviewer_questions: FxHashMap<&str, Vec<&Question>> = FxHashMap::default();
        for &q in &questions {
            let reviewers = (q.reviewed.by.entries.iter())
                .chain(q.reviewed.clinical.iter().flat_map(|c| &c.by.entries));
            for reviewer in reviewers {
                let Some(entity) = entities.get(reviewer.value.as_str()) else {
                    continue; // A plain name: no page lists it.
                };
                if entity.kind != Kind::Reviewer {
                    continue;
                }
                let list = reviewer_questions.entry(entity.id).or_default();
                // `q` is added only in this turn of the loop: if it is in
                // the list already, it is the last one.
                if !list.last().is_some_and(|last| std::ptr::eq(*last, q)) {
                    list.push(q);
                }
            }
            topic_questions
                .entry(q.topic.value.as_str())
                .or_default()
                .push(q);
            for tag in &q.tags {
                let list = tags.entry(tag.value.as_str()).or_default();
                if !list.last().is_some_and(|last| std::ptr::eq(*last, q)) {
                    list.push(q);
                }
            }
            for caution in &q.cautions {
                caution_questions
                    .entry(caution.value.as_str())
                    .or_default()
                    .push(q);
            }
        }

        let mut previous = FxHashMap::default();
        let mut next = FxHashMap::default();
        previous.reserve(questions.len());
        next.reserve(questions.len());
        for list in topic_questions.values() {
            for pair in list.windows(2) {
                next.insert(pair[0].origin.id.as_str(), pair[1]);
                previous.insert(pair[1].origin.id.as_str(), pair[0]);
            }
        }

        let by_id: FxHashMap<&str, &Question> = content
            .questions
            .iter()
            .map(|q| (q.origin.id.as_str(), q))
            .collect();
        let mut related: FxHashMap<&str, Vec<&Question>> = FxHashMap::default();
        related.reserve(questions.len());
        // How long each question's own list is.
        let mut own_lengths: FxHashMap<&str, usize> = FxHashMap::default();
        own_lengths.reserve(questions.len());
        // A question's own list first, in the editor's order...
        for q in &content.questions {
            let list = related.entry(q.origin.id.as_str()).or_default();
            for other in &q.related {
                if let Some(o) = by_id.get(other.value.as_str())
                    && !std::ptr::eq(*o, q)
                    && !list.iter().any(|x| std::ptr::eq(*x, *o))
                {
                    list.push(o);
                }
            }
            own_lengths.insert(q.origin.id.as_str(), list.len());
        }
        // ...then the questions that list it, which it didn't list back.
        // `q` is added to others' lists only in this turn of the loop: if it
        // is in one already, it is in that question's own list or last.
        for &q in &questions {
            for other in &q.related {
                let Some(&o) = by_id.get(other.value.as_str()) else {
                    continue;
                };
                let id = o.origin.id.as_str();
                let list = related.entry(id).or_default();
                let own = &list[..own_lengths.get(id).copied().unwrap_or(0).min(list.len())];
                if !std::ptr::eq(o, q)
                    && !own.iter().any(|x| std::ptr::eq(*x, q))
                    && !list.last().is_some_and(|x| std::ptr::eq(*x, q))
                {
                    list.push(q);
                }
            }
        }

        // Parsing every markdown field is the costly part: do it in parallel,
        // and in the preview only for the fields whose text changed.
        let fields: Vec<(&str, &str)> = markdown_fields(content).collect();
        let mut backlinks: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        // Each (target, from) once, whatever the order of the fields.
        let mut linked: FxHashSet<(&str, &str)> = FxHashSet::default();
        let mut add_backlinks = |from: &'a str, ids: &[String]| {
            for id in ids {
                let Some(target) = entities.get(id.as_str()) else {
                    continue;
                };
                // A target linked only from itself still gets its (empty) list.
                let list = backlinks.entry(target.id).or_default();
                if from != target.id && linked.insert((target.id, from)) {
                    list.push(from);
                }
            }
        };
        match cache.as_deref_mut() {
            None => {
                let found: Vec<Vec<String>> =
                    fields.par_iter().map(|(_, text)| link_ids(text)).collect();
                for ((from, _), ids) in fields.iter().zip(&found) {
                    add_backlinks(from, ids);
                }
            }
            Some(cache) => {
                let kept = links_reusing(&fields, &mut cache.links);
                for ((from, _), (_, field)) in fields.iter().zip(&kept) {
                    add_backlinks(from, &field.links);
                }
                cache.links = kept.into_iter().collect();
            }
        }
        backlinks.par_iter_mut().for_each(|(_, list)| {
            list.sort_by(|a, b| by_title(entities[a].title, entities[b].title));
        });

        // Each source's quotes in reading order: questions, then cautions.
        let mut quoted: FxHashMap<&str, Vec<passages::Citation>> = FxHashMap::default();
        for &q in &questions {
            for quote in question_quotes(q) {
                quoted
                    .entry(quote.source.value.as_str())
                    .or_default()
                    .push(passages::Citation {
                        text: &quote.text.value,
                        by: &q.origin.id,
                    });
            }
        }
        let mut cautions: Vec<&Caution> = content.cautions.iter().collect();
        cautions.sort_by(|a, b| {
            by_title(&a.title, &b.title).then_with(|| a.origin.id.cmp(&b.origin.id))
        });
        for c in cautions {
            for quote in &c.quotes {
                quoted
                    .entry(quote.source.value.as_str())
                    .or_default()
                    .push(passages::Citation {
                        text: &quote.text.value,
                        by: &c.origin.id,
                    });
            }
        }
        let passages: FxHashMap<&str, SourcePassages> = match cache {
            None => (content.sources.par_iter())
                .filter_map(|s| {
                    let citations = quoted.get(s.origin.id.as_str())?;
                    let passages = passages::of_source(s, citations, located, None);
                    Some((s.origin.id.as_str(), passages))
                })
                .collect(),
            Some(cache) => {
                // Each quoted source with its slot of the cache, taken out
                // (a source no longer quoted loses its slot).
                let mut old = std::mem::take(&mut cache.passages);
                let mut slots: Vec<(&Source, &[passages::Citation], Option<passages::Kept>)> =
                    (content.sources.iter())
                        .filter_map(|s| {
                            let citations = quoted.get(s.origin.id.as_str())?;
                            Some((s, citations.as_slice(), old.remove(&s.origin.id)))
                        })
                        .collect();
                let passages = (slots.par_iter_mut())
                    .map(|(s, citations, slot)| {
                        let passages = passages::of_source(s, citations, located, Some(slot));
                        (s.origin.id.as_str(), passages)
                    })
                    .collect();
                cache.passages = (slots.into_iter())
                    .filter_map(|(s, _, slot)| Some((s.origin.id.clone(), slot?)))
                    .collect();
                passages
            }
        };

        let glossary = GlossaryMatcher::new(content.glossary.iter().flat_map(|t| {
            std::iter::once((t.origin.id.as_str(), t.term.as_str()))
                .chain(t.aliases.iter().map(|a| (t.origin.id.as_str(), a.as_str())))
        }));

        Graph {
            content,
            urls,
            entities,
            topics,
            topic_questions,
            tags,
            related,
            backlinks,
            caution_questions,
            reviewer_questions,
            previous,
            next,
            glossary,
            passages,
        }
    }

    /// The passage a quote of `source` written as `text` quotes, if check
    /// found it.
    pub fn passage(&self, source: &str, text: &str) -> Option<&Passage<'a>> {
        self.passages.get(source)?.get(text)
    }

    /// The root-relative URL of an entity's page, worked out once in
    /// [`Graph::new`]; `None` for an id that names nothing.
    pub fn url(&self, id: &str) -> Option<&str> {
        self.entities.get(id).map(|e| e.url.as_str())
    }
}

/// The ids a markdown text links to, in order.
fn link_ids(text: &str) -> Vec<String> {
    markdown::internal_links(text)
        .into_iter()
        .map(|l| l.id)
        .collect()
}

/// Each field's internal links, in the order of `fields`, each with the id
/// of its entity: those of a field whose text is the one `kept` has for its
/// entity are taken from there, the others read afresh (in parallel). What
/// was kept for entities no longer here is dropped.
fn links_reusing(
    fields: &[(&str, &str)],
    kept: &mut FxHashMap<String, cache::FieldLinks>,
) -> Vec<(String, cache::FieldLinks)> {
    let mut old = std::mem::take(kept);
    let fresh: Vec<Option<Vec<String>>> = fields
        .par_iter()
        .map(|(from, text)| match old.get(*from) {
            Some(field) if field.text == *text => None,
            _ => Some(link_ids(text)),
        })
        .collect();
    let field_links = |text: &str, links| cache::FieldLinks {
        text: text.to_string(),
        links,
    };
    (fields.iter().zip(fresh))
        .map(|(&(from, text), fresh)| match fresh {
            Some(links) => (from.to_string(), field_links(text, links)),
            // Found equal above; gone only if two fields have one id (then
            // the first took it).
            None => old
                .remove_entry(from)
                .unwrap_or_else(|| (from.to_string(), field_links(text, link_ids(text)))),
        })
        .collect()
}

/// Every quote a question carries: in facts and in its data blocks.
pub fn question_quotes(q: &Question) -> impl Iterator<Item = &Quote> {
    q.facts
        .iter()
        .flat_map(|f| &f.quotes)
        .chain(q.cost.iter().flat_map(|c| &c.quotes))
        .chain(q.comparison.iter().flat_map(|c| &c.quotes))
        .chain(q.timeline.iter().flat_map(|t| &t.quotes))
}

/// Every markdown field in the content, with the id of the entity holding it.
fn markdown_fields(content: &Content) -> impl Iterator<Item = (&str, &str)> {
    let topics = content.topics.iter().filter_map(|t| {
        t.intro
            .as_ref()
            .map(|i| (t.origin.id.as_str(), i.value.as_str()))
    });
    let questions = content
        .questions
        .iter()
        .map(|q| (q.origin.id.as_str(), q.answer.value.as_str()));
    let cautions = content
        .cautions
        .iter()
        .map(|c| (c.origin.id.as_str(), c.message.value.as_str()));
    let glossary = content
        .glossary
        .iter()
        .map(|g| (g.origin.id.as_str(), g.definition.value.as_str()));
    let pages = content
        .pages
        .iter()
        .map(|p| (p.origin.id.as_str(), p.body.value.as_str()));
    topics
        .chain(questions)
        .chain(cautions)
        .chain(glossary)
        .chain(pages)
}

/// Alphabetical order for titles as a reader expects it: ignoring case.
pub fn by_title(a: &str, b: &str) -> std::cmp::Ordering {
    // Most titles are ASCII: compared without making lowercase copies (for
    // ASCII, `to_lowercase` is `to_ascii_lowercase`, byte for byte).
    let ignoring_case = if a.is_ascii() && b.is_ascii() {
        (a.bytes().map(|b| b.to_ascii_lowercase())).cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
    };
    ignoring_case.then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `by_title` without its ASCII shortcut: what it must agree with.
    fn by_lowercase_copies(a: &str, b: &str) -> std::cmp::Ordering {
        a.to_lowercase()
            .cmp(&b.to_lowercase())
            .then_with(|| a.cmp(b))
    }

    #[test]
    fn titles_order_as_their_lowercase_copies_do() {
        let titles = [
            "",
            "a",
            "A",
            "ab",
            "aB",
            "Ab",
            "a b",
            "a-b",
            "Z",
            "z",
            "_",
            "[",
            "`",
            "~",
            "1",
            "é",
            "É",
            "e",
            "Ελλάς",
            "ΣΑΣ",
            "σας",
            "Straße",
            "STRASSE",
            "İ",
            "i",
            "ﬁ",
        ];
        for a in titles {
            for b in titles {
                assert_eq!(by_title(a, b), by_lowercase_copies(a, b), "{a:?} {b:?}");
            }
        }
    }
}
