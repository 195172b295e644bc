//! What the preview's check stage keeps from one build to the next, so that
//! after an edit it checks again only what the edit can affect.
//!
//! Two things are kept:
//!
//! - **each question's findings** (its diagnostics and the allowances they
//!   used), reused while everything they were worked out from is as it was:
//!   the question's own file (its text: a question is parsed from nothing
//!   else), the [`SharedInputs`] every question's checks may read (the other
//!   kinds' files, source archives, the set of ids, the day), the titles of
//!   the entities its answer links to, and the question it was found a
//!   near duplicate of (that question's file, and how alike they are);
//! - **each quote's verdict**, by source and quote text, reused while the
//!   source's archive text is the same.
//!
//! Whole-site checks (settings, references between other kinds, near
//! duplicates, topic intros, stale allowances) are not kept: they run every
//! time and are cheap. This module decides what may be reused; it must not
//! check anything itself, and a finding it reuses must be the finding a
//! fresh check would make (`tests/session.rs` compares every rebuild's
//! diagnostics with a fresh build's).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use sha2::{Digest as _, Sha256};

use super::Context;
use super::duplicates::NearDuplicate;
use super::evidence::Allowances;
use super::quotes::Verdict;
use crate::diagnostics::{Diagnostics, SourceFiles};
use crate::model::{Content, Kind, Question};

/// The check stage's memory, kept by the preview's session between builds.
#[derive(Default)]
pub struct Cache {
    /// The shared inputs the kept findings were worked out with.
    shared: Option<SharedInputs>,
    /// Each question's findings, by its file.
    questions: HashMap<PathBuf, QuestionFindings>,
    /// Each source's quote verdicts, by source id.
    pub(super) verdicts: HashMap<String, SourceVerdicts>,
}

/// A digest of everything a question's checks read besides the question
/// itself, the titles its answer shows and its near duplicate: if any of
/// it changed, every question is checked again.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct SharedInputs([u8; 32]);

impl SharedInputs {
    /// `None` when a file of the content is not among `files` (so its text
    /// cannot stand for it): then nothing is reused.
    pub(super) fn of(content: &Content, files: &SourceFiles, today: Date) -> Option<Self> {
        let mut digest = Sha256::new();
        let mut field = |bytes: &[u8]| {
            digest.update((bytes.len() as u64).to_le_bytes());
            digest.update(bytes);
        };
        field(today.to_string().as_bytes());
        // Every file but the questions: the site settings, sources,
        // topics, cautions, glossary, pages and reviewers, by path and text.
        let others = (content.site.iter().map(|e| &e.origin))
            .chain(content.sources.iter().map(|e| &e.origin))
            .chain(content.topics.iter().map(|e| &e.origin))
            .chain(content.cautions.iter().map(|e| &e.origin))
            .chain(content.glossary.iter().map(|e| &e.origin))
            .chain(content.pages.iter().map(|e| &e.origin))
            .chain(content.reviewers.iter().map(|e| &e.origin));
        for origin in others {
            field(origin.file.as_os_str().as_encoded_bytes());
            field(origin.id.as_bytes());
            field(files.get(&origin.file)?.as_bytes());
        }
        for source in &content.sources {
            match &source.archive_text {
                Some(text) => field(text.as_bytes()),
                None => field(b"\xffno archive"),
            }
        }
        // Which questions there are (references and links name them).
        for q in &content.questions {
            field(q.origin.file.as_os_str().as_encoded_bytes());
            field(q.origin.id.as_bytes());
        }
        let mut unreadable: Vec<&String> = content.unreadable_ids.iter().collect();
        unreadable.sort_unstable();
        for id in unreadable {
            field(id.as_bytes());
        }
        Some(SharedInputs(digest.finalize().into()))
    }
}

/// One question's findings, and what they were worked out from besides the
/// shared inputs.
struct QuestionFindings {
    /// The question's file as it was read.
    text: Arc<str>,
    near_duplicate: Option<NearDuplicateKey>,
    /// The ids whose titles its checks read (see [`linked`]), with their
    /// kind and title then (`None`: no such entity).
    linked: Vec<(String, Option<(Kind, String)>)>,
    diagnostics: Diagnostics,
    allowances: Allowances,
}

/// The question found most like this one, as the finding about it reads it.
#[derive(PartialEq)]
struct NearDuplicateKey {
    file: PathBuf,
    text: Option<Arc<str>>,
    similarity: u64,
}

impl NearDuplicateKey {
    fn of(ctx: &Context, near: Option<&NearDuplicate>) -> Option<Self> {
        let near = near?;
        let other = &ctx.content.questions[near.other];
        Some(NearDuplicateKey {
            file: other.origin.file.clone(),
            text: ctx.files.get(&other.origin.file),
            similarity: near.similarity.to_bits(),
        })
    }
}

/// The titles the checks of `q` read: those its answer shows for its links
/// (its reading level is measured on that text). Found by turning the
/// answer into text exactly as the reading-level rule does, noting every
/// id it asks the title of, so none is missed.
fn linked(ctx: &Context, q: &Question) -> Vec<(String, Option<(Kind, String)>)> {
    let asked = std::cell::RefCell::new(Vec::new());
    let title_of = |id: &str| {
        asked.borrow_mut().push(id.to_string());
        ctx.entities.get(id).map(|(_, title)| title.to_string())
    };
    crate::markdown::to_plain_text(&q.answer, &title_of);
    let mut ids = asked.into_inner();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let entity =
                (ctx.entities.get(id.as_str())).map(|(kind, title)| (*kind, title.to_string()));
            (id, entity)
        })
        .collect()
}

/// Findings worked out in this build, with their key, for the cache.
pub(super) struct QuestionFindingsToKeep(QuestionFindings);

impl Cache {
    /// The findings of `q` if they may be reused: kept under the same shared
    /// inputs (`shared_same`), from the same file text, with the same
    /// linked titles and near duplicate.
    pub(super) fn reuse(
        &self,
        ctx: &Context,
        q: &Question,
        near: Option<&NearDuplicate>,
    ) -> Option<(Diagnostics, Allowances)> {
        let kept = self.questions.get(&q.origin.file)?;
        let text = ctx.files.get(&q.origin.file)?;
        if kept.text != text || kept.near_duplicate != NearDuplicateKey::of(ctx, near) {
            return None;
        }
        let same_links = kept.linked.iter().all(|(id, then)| {
            let now = ctx.entities.get(id.as_str());
            match (then, now) {
                (None, None) => true,
                (Some((kind, title)), Some((kind_now, title_now))) => {
                    kind == kind_now && title == title_now
                }
                _ => false,
            }
        });
        same_links.then(|| (kept.diagnostics.clone(), kept.allowances.clone()))
    }

    /// Whether the findings kept were worked out with these shared inputs;
    /// forgets them all if not.
    pub(super) fn start(&mut self, shared: Option<SharedInputs>) -> bool {
        let same = shared.is_some() && self.shared == shared;
        if !same {
            self.questions.clear();
        }
        self.shared = shared;
        same
    }

    /// Keeps the findings of this build's questions (and only theirs).
    pub(super) fn keep(&mut self, content: &Content, fresh: Vec<Option<QuestionFindingsToKeep>>) {
        if self.shared.is_none() {
            self.questions.clear();
            return;
        }
        let mut previous = std::mem::take(&mut self.questions);
        for (q, fresh) in content.questions.iter().zip(fresh) {
            let findings = match fresh {
                Some(QuestionFindingsToKeep(findings)) => Some(findings),
                None => previous.remove(&q.origin.file),
            };
            if let Some(findings) = findings {
                self.questions.insert(q.origin.file.clone(), findings);
            }
        }
    }
}

impl QuestionFindingsToKeep {
    pub(super) fn new(
        ctx: &Context,
        q: &Question,
        near: Option<&NearDuplicate>,
        diagnostics: &Diagnostics,
        allowances: &Allowances,
    ) -> Option<Self> {
        Some(QuestionFindingsToKeep(QuestionFindings {
            text: ctx.files.get(&q.origin.file)?,
            near_duplicate: NearDuplicateKey::of(ctx, near),
            linked: linked(ctx, q),
            diagnostics: diagnostics.clone(),
            allowances: allowances.clone(),
        }))
    }
}

/// The verdicts on one source's quotes, and the archive text they hold for.
pub(super) struct SourceVerdicts {
    pub(super) archive: String,
    pub(super) by_text: HashMap<String, Verdict>,
}
