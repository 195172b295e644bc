//! The incremental session behind `cited serve`: successive builds of one
//! site into one output, each redoing only what the edit since the last one
//! can affect.
//!
//! The build itself is the pipeline in `lib.rs`; a session only keeps what
//! the last build learned (parsed files, the content, the output) and works
//! out the [`render::Scope`] of a change. It must not check or render
//! anything itself, and whatever it skips must leave the output exactly as
//! a fresh build would (a test compares them byte for byte).

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::{BuildOptions, link, load, markdown, model, render, search, write};

/// Successive builds of one site into one output, as `cited serve` makes
/// them. A session keeps what the last build learned, so that after a small
/// edit the next build redoes only what the edit can affect:
///
/// - files whose text did not change are not parsed again;
/// - when the only change is inside questions, in what no other page shows
///   (answer, facts, quotes, data blocks), only those questions' pages, the
///   pages of the sources they quote, and the site-wide files (search index,
///   sitemap, feed) are rendered again, and written in place.
///
/// Any other change (a title, a summary, a topic, tags, links, a review
/// date, a new or deleted file, a template, the site settings) rebuilds
/// everything. Checks always run on the whole site.
#[derive(Default)]
pub struct Session {
    cache: load::ParseCache,
    previous: Option<PreviousBuild>,
    /// The search index of the last scoped build, being written in the
    /// background; the next build waits for it.
    search_writer: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Session {
    /// The output's owner may delete it next (`cited serve` on Ctrl-C):
    /// finish writing into it first.
    fn drop(&mut self) {
        self.wait_for_search_index();
    }
}

/// What a successful build leaves for the next one to compare against.
struct PreviousBuild {
    content: model::Content,
    out: PathBuf,
    today: Date,
    live_reload: Option<String>,
    theme_fingerprint: u64,
}

impl Session {
    /// Builds the site, reusing what the previous build of this session can
    /// lend (see [`Session`]).
    pub fn build(&mut self, options: &BuildOptions) -> crate::Report {
        self.wait_for_search_index();
        crate::run_build(self, options)
    }

    /// The parse cache, for the load stage.
    pub(crate) fn cache(&mut self) -> &mut load::ParseCache {
        &mut self.cache
    }

    /// Keeps what a successful build produced, for the next one to compare against.
    pub(crate) fn remember(
        &mut self,
        content: model::Content,
        options: &BuildOptions,
        theme_fingerprint: u64,
        deferred_search: Option<Vec<search::SearchDocument>>,
    ) {
        if let Some(documents) = deferred_search {
            let out = options.out.clone();
            self.search_writer = Some(std::thread::spawn(move || {
                write_search_index(&out, &documents)
            }));
        }
        self.previous = Some(PreviousBuild {
            content,
            out: options.out.clone(),
            today: options.today,
            live_reload: options.render.live_reload.clone(),
            theme_fingerprint,
        });
    }

    /// Waits until the search index of the previous build is written.
    pub fn wait_for_search_index(&mut self) {
        if let Some(writer) = self.search_writer.take() {
            let _ = writer.join();
        }
    }

    /// The pages an edit can affect, when the edit is confined to questions
    /// (see [`Session`]); `None` means build everything.
    pub(crate) fn scope_of_change(
        &self,
        loaded: &load::Loaded,
        graph: &link::Graph,
        options: &BuildOptions,
        theme_fingerprint: u64,
    ) -> Option<render::Scope> {
        let previous = self.previous.as_ref()?;
        let same_build = previous.out == options.out
            && previous.today == options.today
            && previous.live_reload == options.render.live_reload
            && previous.theme_fingerprint == theme_fingerprint
            && options.out.is_dir();
        if !same_build || loaded.changed.is_empty() {
            return None;
        }
        let by_id = |content: &'_ model::Content| -> std::collections::HashMap<String, usize> {
            content
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| (q.origin.id.clone(), i))
                .collect()
        };
        let (old_index, new_index) = (by_id(&previous.content), by_id(&loaded.content));
        let mut scope = render::Scope::default();
        for path in &loaded.changed {
            if path.parent() != Some(Path::new("content/questions")) {
                return None;
            }
            let id = path.file_stem()?.to_str()?;
            let old = &previous.content.questions[*old_index.get(id)?];
            let new = &loaded.content.questions[*new_index.get(id)?];
            if linked_to(old) != linked_to(new) {
                return None; // It moved in the graph: other pages' lists change.
            }
            scope.entities.insert(id.to_string());
            let cited = |q: &model::Question| -> Vec<String> {
                link::question_quotes(q)
                    .map(|x| x.source.value.clone())
                    .collect()
            };
            if quotes_of(old) != quotes_of(new) {
                scope.entities.extend(cited(old));
                scope.entities.extend(cited(new));
            }
            if (&old.question, &old.summary.value) != (&new.question, &new.summary.value) {
                // Every page that shows its title or summary.
                scope.home = true;
                scope.entities.insert(new.topic.value.clone());
                if old.question != new.question {
                    // Its place in the topic, and its neighbours' previous/next links.
                    let siblings = graph.topic_questions.get(new.topic.value.as_str());
                    scope
                        .entities
                        .extend(siblings.into_iter().flatten().map(|q| q.origin.id.clone()));
                }
                scope.tags.extend(new.tags.iter().map(|t| t.value.clone()));
                scope
                    .entities
                    .extend(new.cautions.iter().map(|c| c.value.clone()));
                scope.entities.extend(cited(new));
                let related = graph.related.get(id).into_iter().flatten();
                scope.entities.extend(related.map(|q| q.origin.id.clone()));
                // Pages that link to it show its title; pages it links to list it
                // under "Pages that link here".
                let targets: Vec<String> = markdown::internal_links(&new.answer)
                    .into_iter()
                    .map(|l| l.id)
                    .collect();
                let linking = graph.backlinks.get(id).into_iter().flatten().copied();
                for from in linking.chain(targets.iter().map(String::as_str)) {
                    match graph.entities.get(from).map(|e| e.kind) {
                        Some(model::Kind::Glossary) => scope.glossary = true,
                        _ => {
                            scope.entities.insert(from.to_string());
                        }
                    }
                }
                if loaded.content.site.as_ref().is_some_and(|s| {
                    markdown::internal_links(&s.disclaimer)
                        .iter()
                        .any(|l| l.id == id)
                }) {
                    return None; // Shown in every page's footer.
                }
            }
        }
        Some(scope)
    }
}

/// Writes a fresh search index into an existing output, then removes the
/// index folders the new one replaces. The preview keeps working if this
/// fails: search then answers from the previous index.
fn write_search_index(out: &Path, documents: &[search::SearchDocument]) {
    let index = search::build_index(documents);
    let keep: std::collections::HashSet<&str> = index
        .iter()
        .filter_map(|f| f.path.strip_prefix(search::INDEX_DIR)?.split('/').next())
        .collect();
    let output = write::InPlace::new(out);
    for file in &index {
        let _ = write::Output::put(&output, &file.path, &file.bytes);
    }
    if output.commit().is_err() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(out.join(search::INDEX_DIR)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if entry.path().is_dir() && !keep.contains(name.to_string_lossy().as_ref()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn quotes_of(q: &model::Question) -> Vec<(String, String, Option<String>, &'static str)> {
    link::question_quotes(q)
        .map(|x| {
            (
                x.source.value.clone(),
                x.text.value.clone(),
                x.attribution.clone(),
                x.stance.name(),
            )
        })
        .collect()
}

/// Where a question sits in the link graph: what it links to and what lists
/// it. If none of this changed, an edit to it changes what other pages say of
/// it (at most its title and summary), not which pages mention it.
fn linked_to(q: &model::Question) -> impl PartialEq + use<> {
    let values =
        |list: &[model::Spanned<String>]| list.iter().map(|v| v.value.clone()).collect::<Vec<_>>();
    let links: Vec<String> = markdown::internal_links(&q.answer)
        .into_iter()
        .map(|l| l.id)
        .collect();
    (
        (q.topic.value.clone(), q.order),
        (
            values(&q.tags),
            values(&q.related),
            values(&q.cautions),
            links,
        ),
    )
}
