//! What a run of the pipeline reports ([`Report`]), and the bookkeeping
//! that gathers it stage by stage (`Run`): problems found, time per
//! stage, pages and files written. It must not run any stage itself.

use std::time::{Duration, Instant};

use crate::{Diagnostics, SourceFiles, write};

/// What a build or check found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Diagnostics,
    /// The text of the files the diagnostics point into.
    pub files: SourceFiles,
    /// HTML pages written (0 for a check or a failed build).
    pub pages: usize,
    /// All files written, pages included.
    pub files_written: usize,
    pub elapsed: Duration,
    /// How long each stage took, in order, for `--timings`.
    pub timings: Vec<(&'static str, Duration)>,
    /// Findings of the evidence checks that editors' `allow` entries silenced.
    pub silenced: usize,
    /// Nothing changed since the last build into the same output: it was
    /// left as it was, and these are that build's figures and problems.
    pub unchanged: bool,
    /// The removal of the output this build replaced, still under way:
    /// dropping the report waits for it.
    pub(crate) removal: write::Removal,
    /// The folder a whole new output was swapped in as.
    pub(crate) output_folder: Option<write::FolderId>,
    /// Every file of that output (path relative to it, and size), as the
    /// build wrote them.
    pub(crate) written: Option<Vec<(String, u64)>>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// One run of the pipeline: the problems found so far and the time each
/// stage took, for `--timings`.
pub(crate) struct Run {
    pub(crate) diagnostics: Diagnostics,
    started: Instant,
    lap: Instant,
    timings: Vec<(&'static str, Duration)>,
    pub(crate) pages: usize,
    pub(crate) files_written: usize,
    pub(crate) silenced: usize,
    pub(crate) removal: write::Removal,
    pub(crate) output_folder: Option<write::FolderId>,
    pub(crate) written: Option<Vec<(String, u64)>>,
}

impl Run {
    pub(crate) fn start() -> Run {
        Run {
            diagnostics: Diagnostics::default(),
            started: Instant::now(),
            lap: Instant::now(),
            timings: Vec::new(),
            pages: 0,
            files_written: 0,
            silenced: 0,
            removal: write::Removal::default(),
            output_folder: None,
            written: None,
        }
    }

    pub(crate) fn stage(&mut self, name: &'static str) {
        self.timings.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }

    pub(crate) fn finish(mut self, files: SourceFiles) -> Report {
        self.diagnostics.sort();
        Report {
            diagnostics: self.diagnostics,
            files,
            pages: self.pages,
            files_written: self.files_written,
            elapsed: self.started.elapsed(),
            timings: self.timings,
            silenced: self.silenced,
            unchanged: false,
            removal: self.removal,
            output_folder: self.output_folder,
            written: self.written,
        }
    }
}
