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
        cache: Option<&mut Cache>,
    ) -> Self {
        // The cache's three parts, each lent to the part of the work that
        // reuses it: those parts run side by side on the thread pool.
        let (kept_urls, mut kept_links, kept_passages) = match cache {
            Some(Cache {
                urls,
                links,
                passages,
            }) => (Some(urls), Some(links), Some(passages)),
            None => (None, None, None),
        };
        let order = reading_order(content);
        let questions: Vec<&Question> = order.iter().map(|&i| &content.questions[i]).collect();
        // The quoted passages (the costliest part, per source), the entities
        // and the backlinks (which need them and the links of every markdown
        // field), and the lists of questions do not depend on each other:
        // they run side by side, so that none waits for the others' one pass
        // over the whole site.
        let fields: Vec<(&str, &str)> = markdown_fields(content).collect();
        let (passages, ((entities, backlinks), lists)) = rayon::join(
            || quoted_passages(content, &questions, located, kept_passages),
            || {
                rayon::join(
                    || {
                        let (entities, fresh_links) = rayon::join(
                            || entity_refs(content, &urls, kept_urls),
                            || match kept_links.as_deref_mut() {
                                None => fields.par_iter().map(|(_, text)| link_ids(text)).collect(),
                                Some(kept) => {
                                    update_links(&fields, kept);
                                    Vec::new()
                                }
                            },
                        );
                        let links: Vec<&[String]> = match kept_links.as_deref() {
                            None => fresh_links.iter().map(Vec::as_slice).collect(),
                            Some(kept) => kept
                                .iter()
                                .map(|(_, field)| field.links.as_slice())
                                .collect(),
                        };
                        let backlinks = backlinks(content, &entities, &fields, &links);
                        (entities, backlinks)
                    },
                    || Lists::new(content, &order, &questions),
                )
            },
        );
        let Lists {
            topics,
            topic_questions,
            tags,
            related,
            caution_questions,
            reviewer_questions,
            previous,
            next,
            glossary,
        } = lists;

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

/// The graph's lists and maps that one pass over the site makes, each
/// cheap: worked out on one thread while others find passages and links.
struct Lists<'a> {
    topics: Vec<&'a Topic>,
    topic_questions: FxHashMap<&'a str, Vec<&'a Question>>,
    tags: BTreeMap<&'a str, Vec<&'a Question>>,
    related: FxHashMap<&'a str, Vec<&'a Question>>,
    caution_questions: FxHashMap<&'a str, Vec<&'a Question>>,
    reviewer_questions: FxHashMap<&'a str, Vec<&'a Question>>,
    previous: FxHashMap<&'a str, &'a Question>,
    next: FxHashMap<&'a str, &'a Question>,
    glossary: GlossaryMatcher,
}

impl<'a> Lists<'a> {
    /// `questions` are the site's in reading order (`order`, their indices
    /// in `content.questions`); `kept_urls` the preview's entity URLs, if any.
    fn new(content: &'a Content, order: &[usize], questions: &[&'a Question]) -> Self {
        let (related, mut lists) = rayon::join(
            || related_questions(content, order),
            || Lists::of_questions(content, questions),
        );
        lists.related = related;
        lists
    }

    /// Every list but `related`, in one pass over the questions.
    fn of_questions(content: &'a Content, questions: &[&'a Question]) -> Self {
        // A reviewer named in a review is one whose id is the reviewer's
        // (ids are the site's entities', and a reviewer's wins over any other
        // entity's of the same id, as it does in the entity map).
        let reviewer_ids: FxHashSet<&str> = (content.reviewers.iter())
            .map(|r| r.origin.id.as_str())
            .collect();
        let mut topics: Vec<&Topic> = content.topics.iter().collect();
        topics.sort_by(|a, b| {
            (a.order.unwrap_or(i64::MAX), a.order.is_none())
                .cmp(&(b.order.unwrap_or(i64::MAX), b.order.is_none()))
                .then_with(|| by_title(&a.title, &b.title))
                .then_with(|| a.origin.id.cmp(&b.origin.id))
        });

        let mut topic_questions: FxHashMap<&str, Vec<&Question>> = FxHashMap::default();
        let mut tags: BTreeMap<&str, Vec<&Question>> = BTreeMap::new();
        let mut caution_questions: FxHashMap<&str, Vec<&Question>> = FxHashMap::default();
        let mut reviewer_questions: FxHashMap<&str, Vec<&Question>> = FxHashMap::default();
        for &q in questions {
            let reviewers = (q.reviewed.by.entries.iter())
                .chain(q.reviewed.clinical.iter().flat_map(|c| &c.by.entries));
            for reviewer in reviewers {
                let Some(&id) = reviewer_ids.get(reviewer.value.as_str()) else {
                    continue; // A plain name, or another entity's id: no page lists it.
                };
                let list = reviewer_questions.entry(id).or_default();
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

        let glossary = GlossaryMatcher::new(content.glossary.iter().flat_map(|t| {
            std::iter::once((t.origin.id.as_str(), t.term.as_str()))
                .chain(t.aliases.iter().map(|a| (t.origin.id.as_str(), a.as_str())))
        }));

        Lists {
            topics,
            topic_questions,
            tags,
            related: FxHashMap::default(),
            caution_questions,
            reviewer_questions,
            previous,
            next,
            glossary,
        }
    }
}

/// Every entity as other pages see it, by id. With `kept` (the preview's),
/// each URL is taken from there when it was made for this entity's kind
/// and the same `base_url`, and kept there when it is made.
fn entity_refs<'a>(
    content: &'a Content,
    urls: &SiteUrls,
    kept: Option<&mut Option<(SiteUrls, cache::EntityUrls)>>,
) -> FxHashMap<&'a str, EntityRef<'a>> {
    let mut entities = FxHashMap::default();
    entities.reserve(content.questions.len() + content.sources.len());
    // The preview keeps each entity's URL for the `base_url` it was made
    // with: all are dropped when that changes, or when twice as many are
    // kept as the site has entities (those of removed ones go then).
    let entity_count = entity_count(content);
    let mut kept_urls = kept.map(|kept| {
        let reusable = kept
            .take()
            .filter(|(base, kept)| base == urls && kept.len() <= 2 * entity_count.max(1000));
        &mut kept
            .insert(reusable.unwrap_or_else(|| (urls.clone(), FxHashMap::default())))
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
    entities
}

/// How many entities the site has (more than its distinct ids where two
/// share one).
fn entity_count(content: &Content) -> usize {
    content.sources.len()
        + content.topics.len()
        + content.questions.len()
        + content.cautions.len()
        + content.glossary.len()
        + content.pages.len()
        + content.reviewers.len()
}

/// The site's questions in reading order, as indices in
/// `content.questions`: see [`reading_order_key`].
fn reading_order(content: &Content) -> Vec<usize> {
    let mut questions: Vec<usize> = (0..content.questions.len()).collect();
    // Each key worked out once rather than lowercased again in every
    // comparison.
    questions.par_sort_by_cached_key(|&i| reading_order_key(&content.questions[i]));
    questions
}

/// Where a question goes in its topic's reading order: by its `order`
/// (questions without one last), then by title as [`by_title`] orders
/// them, then by id. The one definition of that order: a preview rebuild
/// works out from it which neighbours a retitled question had.
pub fn reading_order_key(q: &Question) -> (i64, String, &str, &str) {
    (
        q.order.unwrap_or(i64::MAX),
        q.question.to_lowercase(),
        q.question.as_str(),
        q.origin.id.as_str(),
    )
}

/// Each question's related questions, by its id: its own list first, in
/// the editor's order, then the questions that list it and that it did not
/// list back, in reading order (`order`, indices in `content.questions`).
/// Worked out by each question's index: one lookup per `related` entry.
fn related_questions<'a>(
    content: &'a Content,
    order: &[usize],
) -> FxHashMap<&'a str, Vec<&'a Question>> {
    let index_of: FxHashMap<&str, usize> = (content.questions.iter().enumerate())
        .map(|(i, q)| (q.origin.id.as_str(), i))
        .collect();
    let mut lists: Vec<Vec<&Question>> = vec![Vec::new(); content.questions.len()];
    // How long each question's own list is.
    let mut own_lengths = vec![0; content.questions.len()];
    // Each question's `related` entries that name a question, as indices,
    // looked up once for both passes below.
    let mut named: Vec<Vec<usize>> = Vec::with_capacity(content.questions.len());
    // A question's own list first, in the editor's order...
    for (i, q) in content.questions.iter().enumerate() {
        let indices: Vec<usize> = (q.related.iter())
            .filter_map(|other| index_of.get(other.value.as_str()).copied())
            .collect();
        let list = &mut lists[i];
        for &o in &indices {
            let o = &content.questions[o];
            if !std::ptr::eq(o, q) && !list.iter().any(|x| std::ptr::eq(*x, o)) {
                list.push(o);
            }
        }
        own_lengths[i] = list.len();
        named.push(indices);
    }
    // ...then the questions that list it, which it didn't list back.
    // `q` is added to others' lists only in this turn of the loop: if it
    // is in one already, it is in that question's own list or last.
    for &i in order {
        let q = &content.questions[i];
        for &o in &named[i] {
            let list = &mut lists[o];
            let own = &list[..own_lengths[o].min(list.len())];
            if !std::ptr::eq(&content.questions[o], q)
                && !own.iter().any(|x| std::ptr::eq(*x, q))
                && !list.last().is_some_and(|x| std::ptr::eq(*x, q))
            {
                list.push(q);
            }
        }
    }
    (content.questions.iter().zip(lists))
        .map(|(q, list)| (q.origin.id.as_str(), list))
        .collect()
}

/// What links to each entity that something links to: the ids of the
/// entities whose markdown `fields` link to it (`links`, in the order of
/// the fields), each once, sorted by their titles.
fn backlinks<'a>(
    content: &Content,
    entities: &FxHashMap<&'a str, EntityRef<'a>>,
    fields: &[(&'a str, &str)],
    links: &[&[String]],
) -> FxHashMap<&'a str, Vec<&'a str>> {
    // Sized once: a big site's maps would otherwise grow and rehash a dozen times.
    let mut backlinks: FxHashMap<&str, Vec<&str>> =
        FxHashMap::with_capacity_and_hasher(entities.len(), Default::default());
    // Each (target, from) once. Where no two entities share an id (a site
    // without errors), each id has one field, whose links are read one after
    // another: the target's list then holds `from` only as its last entry.
    // Otherwise a set of the pairs seen decides, whatever the fields' order.
    let ids_distinct = entities.len() == entity_count(content);
    let mut linked: FxHashSet<(&str, &str)> = FxHashSet::default();
    if !ids_distinct {
        linked.reserve(links.iter().map(|ids| ids.len()).sum());
    }
    for (&(from, _), ids) in fields.iter().zip(links) {
        for id in *ids {
            let Some(target) = entities.get(id.as_str()) else {
                continue;
            };
            // A target linked only from itself still gets its (empty) list.
            let list = backlinks.entry(target.id).or_default();
            let first = if ids_distinct {
                list.last() != Some(&from)
            } else {
                linked.insert((target.id, from))
            };
            if from != target.id && first {
                list.push(from);
            }
        }
    }
    backlinks.par_iter_mut().for_each(|(_, list)| {
        if list.len() > 1 {
            // Each title looked up once, not in every comparison; the sort
            // is stable, as it was when it looked them up.
            let mut titled: Vec<(&str, &str)> =
                list.iter().map(|id| (entities[id].title, *id)).collect();
            titled.sort_by(|a, b| by_title(a.0, b.0));
            list.clear();
            list.extend(titled.into_iter().map(|(_, id)| id));
        }
    });
    backlinks
}

/// Each quoted source's passages, by source id, from its quotes in reading
/// order: the questions' (`questions` in reading order), then the
/// cautions' (by title). With `kept` (the preview's), each source's
/// worked-out passages are reused where their inputs are unchanged (see
/// [`passages::of_source`]); a source no longer quoted loses its slot.
fn quoted_passages<'a>(
    content: &'a Content,
    questions: &[&'a Question],
    located: &Located,
    kept: Option<&mut FxHashMap<String, passages::Kept>>,
) -> FxHashMap<&'a str, SourcePassages<'a>> {
    let mut quoted: FxHashMap<&str, Vec<passages::Citation>> = FxHashMap::default();
    for &q in questions {
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
    cautions
        .sort_by(|a, b| by_title(&a.title, &b.title).then_with(|| a.origin.id.cmp(&b.origin.id)));
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
    match kept {
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
            let mut old = std::mem::take(cache);
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
            *cache = (slots.into_iter())
                .filter_map(|(s, _, slot)| Some((s.origin.id.clone(), slot?)))
                .collect();
            passages
        }
    }
}

/// The ids a markdown text links to, in order.
fn link_ids(text: &str) -> Vec<String> {
    markdown::internal_links(text)
        .into_iter()
        .map(|l| l.id)
        .collect()
}

/// Brings `kept` (the preview's) up to date with `fields`: afterwards it
/// holds, in the order of `fields`, each field's entity id, text and
/// internal links. Where it lines up with `fields` already (no entity
/// added, removed or moved since), each field is compared in place; else
/// each entry is first moved to its entity's place (what was kept for
/// entities no longer here is dropped). A field whose text differs from
/// what is kept for it is read afresh (in parallel).
fn update_links(fields: &[(&str, &str)], kept: &mut Vec<(String, cache::FieldLinks)>) {
    let lined_up = kept.len() == fields.len()
        && (kept.iter().zip(fields)).all(|((kept_id, _), (id, _))| kept_id == id);
    if !lined_up {
        let mut by_id: FxHashMap<String, cache::FieldLinks> =
            std::mem::take(kept).into_iter().collect();
        // An entity not seen before (or a second field of one id) starts
        // with an empty text and no links: right for an empty field, and
        // compared like any other.
        *kept = (fields.iter())
            .map(|&(id, _)| {
                (by_id.remove_entry(id))
                    .unwrap_or_else(|| (id.to_string(), cache::FieldLinks::default()))
            })
            .collect();
    }
    (kept.par_iter_mut())
        .zip(fields)
        .for_each(|((_, field), &(_, text))| {
            if field.text != text {
                field.links = link_ids(text);
                field.text = text.to_string();
            }
        });
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
