//! What the preview's check stage keeps from one build to the next, so that
//! after an edit it checks again only what the edit can affect.
//!
//! Three things are kept:
//!
//! - **each question's findings** (its diagnostics and the allowances they
//!   used), reused while everything they were worked out from is as it was:
//!   the question's own file (its text: a question is parsed from nothing
//!   else), the [`SharedInputs`] every question's checks may read (the other
//!   kinds' files, source archives, which questions there are, the day),
//!   the titles of the entities its answer links to, and the question it
//!   was found a near duplicate of (that question's file, and how alike
//!   they are);
//! - **each quote's verdict**, by source and quote text, reused while the
//!   source's archive text is the same;
//! - **the near duplicates** among the questions, which depend on their
//!   titles alone (see [`duplicates::find_remembered`]).
//!
//! What changed is worked out once per check ([`Changes`]), by comparing
//! texts the loader hands over as shared allocations (an unchanged file's
//! text is the same `Arc`, so comparing it costs a pointer comparison), so
//! that a check after a one-question edit costs what the edit changed, not
//! what the site holds. Whole-site checks (settings, references between
//! other kinds, topic intros, stale allowances) are not kept: they run
//! every time and are cheap. This module decides what may be reused; it
//! must not check anything itself, and a finding it reuses must be the
//! finding a fresh check would make (`tests/session.rs` compares every
//! rebuild's diagnostics with a fresh build's).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use super::Context;
use super::duplicates::{self, NearDuplicate, NearDuplicates};
use super::evidence::Allowances;
use super::quotes::Verdict;
use crate::diagnostics::{Diagnostics, SourceFiles};
use crate::model::{Content, Question};

/// The check stage's memory, kept by the preview's session between builds.
#[derive(Default)]
pub struct Cache {
    /// The shared inputs the kept findings were worked out with.
    shared: Option<SharedInputs>,
    /// Per question of the last check, in the site's order (which the
    /// shared inputs hold: while they are the same, index `i` is the same
    /// question file), its text and title then and its findings.
    questions: Vec<KeptQuestion>,
    /// Each source's quote verdicts, by source id.
    pub(super) verdicts: HashMap<String, SourceVerdicts>,
    /// The near duplicates among the questions' titles.
    duplicates: duplicates::Memo,
}

/// Everything a question's checks read besides the question itself, the
/// titles its answer shows and its near duplicate, as the last check saw
/// it: if any of it changed, every question is checked again. Texts are
/// kept as the loader's shared allocations, so comparing an unchanged
/// file costs a pointer comparison, not a read of its text.
struct SharedInputs {
    today: Date,
    /// Every file but the questions: the site settings, sources, topics,
    /// cautions, glossary, pages and reviewers, by path, id and text.
    others: Vec<(PathBuf, String, Arc<str>)>,
    /// Each source's archive text (`None`: it has none).
    archives: Vec<Option<String>>,
    /// Which questions there are, in order (references and links name
    /// them), by file and id.
    questions: Vec<(PathBuf, String)>,
    /// The ids of files that exist but could not be read, sorted.
    unreadable: Vec<String>,
}

/// The origins of every file but the questions, in the content's order.
fn other_origins(content: &Content) -> impl Iterator<Item = &crate::model::Origin> {
    (content.site.iter().map(|e| &e.origin))
        .chain(content.sources.iter().map(|e| &e.origin))
        .chain(content.topics.iter().map(|e| &e.origin))
        .chain(content.cautions.iter().map(|e| &e.origin))
        .chain(content.glossary.iter().map(|e| &e.origin))
        .chain(content.pages.iter().map(|e| &e.origin))
        .chain(content.reviewers.iter().map(|e| &e.origin))
}

fn sorted_unreadable(content: &Content) -> Vec<&String> {
    let mut unreadable: Vec<&String> = content.unreadable_ids.iter().collect();
    unreadable.sort_unstable();
    unreadable
}

impl SharedInputs {
    /// `None` when a file of the content is not among `files` (so its text
    /// cannot stand for it): then nothing is reused.
    fn of(content: &Content, files: &SourceFiles, today: Date) -> Option<Self> {
        let others = other_origins(content)
            .map(|o| Some((o.file.clone(), o.id.clone(), files.get(&o.file)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(SharedInputs {
            today,
            others,
            archives: (content.sources.iter())
                .map(|s| s.archive_text.clone())
                .collect(),
            questions: (content.questions.iter())
                .map(|q| (q.origin.file.clone(), q.origin.id.clone()))
                .collect(),
            unreadable: sorted_unreadable(content).into_iter().cloned().collect(),
        })
    }

    /// Whether `content` has these shared inputs, compared field by field
    /// (an unchanged file's text by its allocation first).
    fn matches(&self, content: &Content, files: &SourceFiles, today: Date) -> bool {
        let mut others = other_origins(content);
        let same_others = (self.others.iter()).all(|(file, id, text)| {
            others.next().is_some_and(|o| {
                o.file == *file && o.id == *id && files.get(file).is_some_and(|now| now == *text)
            })
        }) && others.next().is_none();
        same_others
            && self.today == today
            && self.archives.len() == content.sources.len()
            && (self.archives.iter())
                .zip(&content.sources)
                .all(|(then, s)| *then == s.archive_text)
            && self.questions.len() == content.questions.len()
            && (self.questions.iter())
                .zip(&content.questions)
                .all(|((file, id), q)| *file == q.origin.file && *id == q.origin.id)
            && (self.unreadable.iter()).eq(sorted_unreadable(content))
    }
}

/// One question as the last check saw it.
struct KeptQuestion {
    /// Its file as it was read (`None`: not among the files; nothing of it
    /// is reused).
    text: Option<Arc<str>>,
    /// Its title then (other questions' answers may show it).
    title: String,
    /// Its findings, and what they were worked out from besides the shared
    /// inputs and its own text.
    findings: Option<QuestionFindings>,
}

/// One question's findings, and what they were worked out from besides the
/// shared inputs and the question's own file.
struct QuestionFindings {
    /// The question found most like this one (by index) and how alike they
    /// are; that question's file must be unchanged too.
    near_duplicate: Option<(usize, u64)>,
    /// The ids whose titles its checks read (see [`linked`]). Only a
    /// question's title can change while the shared inputs stay the same.
    linked: Vec<String>,
    diagnostics: Diagnostics,
    allowances: Allowances,
}

fn near_key(near: Option<&NearDuplicate>) -> Option<(usize, u64)> {
    near.map(|near| (near.other, near.similarity.to_bits()))
}

/// The ids whose titles the checks of `q` read: those its answer shows for
/// its links (its reading level is measured on that text). Found by turning
/// the answer into text exactly as the reading-level rule does, noting every
/// id it asks the title of, so none is missed.
fn linked(ctx: &Context, q: &Question) -> Vec<String> {
    let asked = std::cell::RefCell::new(Vec::new());
    let title_of = |id: &str| {
        asked.borrow_mut().push(id.to_string());
        ctx.entities.get(id).map(|(_, title)| title.to_string())
    };
    crate::markdown::to_plain_text(&q.answer, &title_of);
    let mut ids = asked.into_inner();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What changed since the last check, worked out once per check so that
/// deciding each question's reuse costs no more than a few comparisons.
pub(super) struct Changes<'a> {
    /// Per question, whether its file's text differs from last time.
    changed: Vec<bool>,
    /// The ids of the questions whose title differs from last time.
    retitled: HashSet<&'a str>,
}

/// Findings worked out in this build, with their key, for the cache
/// (`None`: the question's text is not among the files, so they cannot be
/// kept).
pub(super) struct QuestionFindingsToKeep(Option<QuestionFindings>);

impl Cache {
    /// Whether the findings kept may be reused, given this check's inputs
    /// (what changed since, if so); forgets them all if not.
    pub(super) fn start<'a>(
        &mut self,
        content: &'a Content,
        files: &SourceFiles,
        today: Date,
    ) -> Option<Changes<'a>> {
        let same = (self.shared.as_ref()).is_some_and(|s| s.matches(content, files, today))
            && self.questions.len() == content.questions.len();
        if !same {
            self.questions.clear();
            self.shared = SharedInputs::of(content, files, today);
            return None;
        }
        let changed: Vec<bool> = (content.questions.par_iter())
            .zip(self.questions.par_iter())
            .map(|(q, kept)| {
                let now = files.get(&q.origin.file);
                now.is_none() || kept.text.is_none() || now != kept.text
            })
            .collect();
        let retitled = (content.questions.iter())
            .zip(&self.questions)
            .zip(&changed)
            .filter(|((q, kept), changed)| **changed && q.question.value != kept.title)
            .map(|((q, _), _)| q.origin.id.as_str())
            .collect();
        Some(Changes { changed, retitled })
    }

    /// The findings of question `index` (`q`) if they may be reused: its
    /// file unchanged, its near duplicate the same (and that question's
    /// file unchanged), and none of the titles it shows changed.
    pub(super) fn reuse(
        &self,
        changes: &Changes,
        index: usize,
        q: &Question,
        near: Option<&NearDuplicate>,
    ) -> Option<(Diagnostics, Allowances)> {
        debug_assert_eq!(
            self.shared.as_ref().map(|s| &s.questions[index].0),
            Some(&q.origin.file)
        );
        let kept = self.questions.get(index)?.findings.as_ref()?;
        if changes.changed[index] || kept.near_duplicate != near_key(near) {
            return None;
        }
        if near.is_some_and(|near| changes.changed[near.other]) {
            return None;
        }
        if !changes.retitled.is_empty()
            && (kept.linked.iter()).any(|id| changes.retitled.contains(id.as_str()))
        {
            return None;
        }
        Some((kept.diagnostics.clone(), kept.allowances.clone()))
    }

    /// Keeps this check's questions: their texts, titles and findings (the
    /// fresh ones; a question whose findings were reused keeps them).
    pub(super) fn keep(
        &mut self,
        content: &Content,
        files: &SourceFiles,
        changes: Option<&Changes>,
        fresh: Vec<Option<QuestionFindingsToKeep>>,
    ) {
        if self.shared.is_none() {
            self.questions.clear();
            return;
        }
        match changes {
            // The same questions as last time: replace what changed.
            Some(changes) => {
                let now = (content.questions.iter()).zip(fresh).enumerate();
                for (index, (q, fresh)) in now {
                    let kept = &mut self.questions[index];
                    if changes.changed[index] {
                        kept.text = files.get(&q.origin.file);
                        kept.title.clone_from(&q.question.value);
                    }
                    if let Some(QuestionFindingsToKeep(findings)) = fresh {
                        kept.findings = findings;
                    }
                }
            }
            // Every question was checked afresh.
            None => {
                self.questions = (content.questions.iter())
                    .zip(fresh)
                    .map(|(q, fresh)| KeptQuestion {
                        text: files.get(&q.origin.file),
                        title: q.question.value.clone(),
                        findings: fresh.and_then(|QuestionFindingsToKeep(findings)| findings),
                    })
                    .collect();
            }
        }
    }

    /// The near duplicates among `content`'s questions, found again only
    /// where their titles changed.
    pub(super) fn near_duplicates(&mut self, content: &Content) -> NearDuplicates {
        duplicates::find_remembered(&content.questions, &mut self.duplicates)
    }
}

impl QuestionFindingsToKeep {
    pub(super) fn new(
        ctx: &Context,
        q: &Question,
        near: Option<&NearDuplicate>,
        diagnostics: &Diagnostics,
        allowances: &Allowances,
    ) -> Self {
        let findings = ctx.files.get(&q.origin.file).map(|_| QuestionFindings {
            near_duplicate: near_key(near),
            linked: linked(ctx, q),
            diagnostics: diagnostics.clone(),
            allowances: allowances.clone(),
        });
        QuestionFindingsToKeep(findings)
    }
}

/// The verdicts on one source's quotes, and the archive text they hold for.
pub(super) struct SourceVerdicts {
    pub(super) archive: String,
    pub(super) by_text: rustc_hash::FxHashMap<String, Verdict>,
}
