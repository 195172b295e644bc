//! The record a build leaves beside its output, so that the next `cited
//! build` into the same output can tell that nothing changed and skip the
//! work.
//!
//! A build's output depends on its inputs (every file under `content/` and
//! `templates/`: names, kinds, link targets and bytes), the binary that
//! built it, and the settings that reach the pages (the day the build runs,
//! the live-reload script); not on where the site or the output is. A good
//! build writes a record beside its output ([`record_path`]), last: a digest
//! of each of those (of the inputs, the bytes the build itself read, so an
//! edit while it ran is never taken for what it built), a digest of the
//! output's file names and sizes, and the problems it reported, to show
//! again. The output is taken to be as that build left it when it is the
//! same folder (device and inode: a build running at the same time that
//! swapped in its own output is noticed), has the same names and sizes, and
//! no entry of it changed after the record was written (its change time,
//! which no program can set back, is not later than the record's): a page
//! edited, deleted or added by hand is noticed. When all of that holds, the
//! output is the one the build would write, and it is left as it is.
//!
//! To tell, the next build lists the inputs; if any changed after the
//! record was written (by its change time), it builds at once; otherwise it
//! reads them all and compares their digest.
//!
//! The record is beside the output, not in it: the output stays exactly
//! what the pages make it (equal to a preview session's, and to a build on
//! another machine), and the record is not published with it. It is
//! replaced only if it is a record (a file of that name that is not is
//! left alone, and the build is not recorded).
//!
//! Anything unexpected (a file that cannot be read, a record that does not
//! parse, an input changed while the build ran) only means a full build:
//! this module never decides that a build may be skipped on a doubt. It
//! reads inputs without following links out of them and never blocks on a
//! FIFO; it must not check, render or write anything but its record.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity, SourceFiles, Span};
use crate::{BuildOptions, Report};

/// The largest record written: a site's problems are in it, and one with
/// tens of thousands of them would cost more to record than to build.
const RECORD_LIMIT: u64 = 8 * crate::model::MB;

/// Where the record of the builds into `out` is: `.<name>.cited.record`
/// beside it (where its staging folders are made too).
pub fn record_path(out: &Path) -> Option<PathBuf> {
    let out = std::path::absolute(out).ok()?;
    let name = out.file_name()?.to_str()?;
    Some(out.parent()?.join(format!(".{name}.cited.record")))
}

/// The folders of a site a build reads.
const INPUT_FOLDERS: [&str; 2] = ["content", "templates"];

/// What a good build wrote down about itself.
#[derive(Serialize, Deserialize)]
struct Record {
    /// Which binary built it: cited's version and its executable's identity.
    binary: String,
    /// The settings that reach the output.
    settings: String,
    /// The digest of every input file.
    inputs: String,
    /// The digest of the output's names, kinds and sizes.
    output: String,
    /// The output's folder (device and inode): another build that swaps in
    /// its output meanwhile replaces it.
    folder: (u64, u64),
    pages: usize,
    files: usize,
    silenced: usize,
    diagnostics: Vec<Problem>,
}

/// A diagnostic as the record keeps it.
#[derive(Serialize, Deserialize)]
struct Problem {
    error: bool,
    code: String,
    file: PathBuf,
    span: Option<[u32; 6]>,
    message: String,
    help: Option<String>,
}

/// The inputs of a build about to run, as they were before it read them.
pub struct Inputs {
    root: PathBuf,
    binary: String,
    settings: String,
    /// Every entry under the input folders, with its metadata.
    entries: Vec<Entry>,
}

impl Inputs {
    /// The inputs of a build with `options` (their names and metadata, not
    /// yet their bytes); `None` when any cannot be listed (the build then
    /// runs, and reports it).
    pub fn of(options: &BuildOptions) -> Option<Inputs> {
        let root = std::path::absolute(&options.root).ok()?;
        Some(Inputs {
            binary: binary_identity()?,
            settings: format!(
                "today={}\nlive_reload={:?}\n",
                options.today, options.render.live_reload,
            ),
            entries: input_entries(&root)?,
            root,
        })
    }

    /// If `out` holds the output of a build with these inputs, and is still
    /// as that build wrote it: a report of that build (its problems shown
    /// again), with [`Report::unchanged`] set.
    pub fn previous_build(&self, options: &BuildOptions) -> Option<Report> {
        let out = &options.out;
        let marker = std::fs::symlink_metadata(out.join(crate::write::MARKER)).ok()?;
        if !marker.is_file() {
            return None;
        }
        let file = open_regular(&record_path(out)?)?;
        let recorded_at = change_time(&file.metadata().ok()?);
        let mut text = Vec::new();
        file.take(RECORD_LIMIT + 1).read_to_end(&mut text).ok()?;
        let record: Record = serde_json::from_slice(&text).ok()?;
        if record.binary != self.binary || record.settings != self.settings {
            return None;
        }
        // An input changed since the record was written: no need to read
        // them all to know. (One changed while that build ran is found by
        // its bytes.)
        if (self.entries.iter()).any(|e| e.changed > recorded_at) {
            return None;
        }
        if record.inputs != self.digest(|_| None)? {
            return None;
        }
        if crate::write::folder_id(out) != Some(record.folder) {
            return None;
        }
        let output = output_state(out)?;
        if record.output != output.digest || output.last_change > recorded_at {
            return None;
        }
        let mut diagnostics = Diagnostics::default();
        for problem in &record.diagnostics {
            diagnostics.push(problem.diagnostic()?);
        }
        Some(Report {
            files: self.source_files(&diagnostics),
            diagnostics,
            pages: record.pages,
            files_written: record.files,
            silenced: record.silenced,
            unchanged: true,
            ..Report::default()
        })
    }

    /// Writes the record of a good build into its output, with the digest
    /// of the bytes the build read (the text it kept of each content file
    /// and template; the other inputs are read again). Does nothing when
    /// the build failed, or any input was added, removed, replaced or
    /// changed while it ran.
    pub fn record(&self, options: &BuildOptions, report: &Report) {
        if report.has_errors() || report.files_written == 0 {
            return;
        }
        // The text the build kept of a content file or template stands for
        // it: if the file changed after the build read it, the next build's
        // digest differs and it builds. Any other input (archives, assets)
        // is read again here and must be what the build read: unchanged
        // since it was listed, before the build began. (An entry added or
        // removed meanwhile changes the names the next build digests.)
        // Relisting every input instead cost as long as listing them.
        let read_by_the_build = |path: &Path| {
            let is_text = path.starts_with("templates") && !path.starts_with("templates/assets")
                || path.starts_with("content")
                    && matches!(
                        path.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml")
                    );
            is_text.then(|| report.files.digest(path)).flatten()
        };
        let Some(inputs) = self.digest_unchanged(read_by_the_build) else {
            return;
        };
        let out = &options.out;
        // The output must still be the one this build swapped in (not one
        // a build running at the same time put there since).
        let Some(folder) = report.output_folder else {
            return;
        };
        if crate::write::folder_id(out) != Some(folder) {
            return;
        }
        // What the build wrote is what the output holds: no need to walk
        // it (a tenth of a second at 100,000 pages). A build whose writer
        // kept no list (none does today) walks it.
        let output = match &report.written {
            Some(written) => written_digest(out, written),
            None => output_state(out).map(|state| state.digest),
        };
        let Some(output) = output else {
            return;
        };
        let Some(path) = record_path(out) else {
            return;
        };
        // Never replace a file of that name that is not a record.
        if std::fs::symlink_metadata(&path).is_ok()
            && read_regular(&path, RECORD_LIMIT + 1)
                .and_then(|text| serde_json::from_slice::<Record>(&text).ok())
                .is_none()
        {
            return;
        }
        let record = Record {
            binary: self.binary.clone(),
            settings: self.settings.clone(),
            inputs,
            output,
            folder,
            pages: report.pages,
            files: report.files_written,
            silenced: report.silenced,
            diagnostics: report.diagnostics.iter().map(Problem::of).collect(),
        };
        let Ok(json) = serde_json::to_vec(&record) else {
            return;
        };
        if json.len() as u64 > RECORD_LIMIT {
            return; // A build with that many problems is built again.
        }
        // Written beside and renamed into place, so a record is whole or
        // absent; created as the pages are (not private to its owner).
        let mut temp = path.clone().into_os_string();
        temp.push(format!(".{}", std::process::id()));
        let temp = PathBuf::from(temp);
        let written = std::fs::write(&temp, &json).and_then(|()| std::fs::rename(&temp, &path));
        if written.is_err() {
            // Without a record the next build is a full one: nothing is lost.
            let _ = std::fs::remove_file(&temp);
            let _ = std::fs::remove_file(&path);
        }
    }

    /// The digest of the inputs: each entry's kind, name and link target,
    /// and each file's bytes, from `known` (the digest of the text a build
    /// read) or else read now.
    fn digest(&self, known: impl Fn(&Path) -> Option<[u8; 32]> + Sync) -> Option<String> {
        self.digest_with(known, false)
    }

    /// [`Inputs::digest`], where a file read now must not have changed since
    /// it was listed (`None` if one did).
    fn digest_unchanged(&self, known: impl Fn(&Path) -> Option<[u8; 32]> + Sync) -> Option<String> {
        self.digest_with(known, true)
    }

    fn digest_with(
        &self,
        known: impl Fn(&Path) -> Option<[u8; 32]> + Sync,
        unchanged: bool,
    ) -> Option<String> {
        let file_digests: Vec<Option<[u8; 32]>> = (self.entries.par_iter())
            .map(|entry| {
                if entry.kind != EntryKind::File {
                    return Some(None);
                }
                let digest = match known(&entry.path) {
                    Some(digest) => digest,
                    None => {
                        let listed = unchanged.then_some(entry.changed);
                        file_digest(&self.root.join(&entry.path), listed)?
                    }
                };
                Some(Some(digest))
            })
            .collect::<Option<_>>()?;
        let mut digest = Sha256::new();
        for (entry, file) in self.entries.iter().zip(&file_digests) {
            entry.hash_name(&mut digest);
            if let Some(file) = file {
                digest.update(file);
            }
        }
        Some(hex(&digest.finalize()))
    }

    /// The text of the input files the diagnostics point into (and no
    /// other file: a record names only files under the input folders).
    fn source_files(&self, diagnostics: &Diagnostics) -> SourceFiles {
        let mut files = SourceFiles::default();
        let inputs: BTreeSet<&PathBuf> = (self.entries.iter())
            .filter(|e| e.kind == EntryKind::File)
            .map(|e| &e.path)
            .collect();
        let wanted: BTreeSet<&PathBuf> = diagnostics
            .iter()
            .map(|d| &d.file)
            .filter(|f| inputs.contains(*f))
            .collect();
        for file in wanted {
            if let Some(text) = read_regular(&self.root.join(file), LARGEST_INPUT)
                .and_then(|bytes| String::from_utf8(bytes).ok())
            {
                files.insert(file.clone(), Arc::from(text));
            }
        }
        files
    }
}

impl Problem {
    fn of(d: &Diagnostic) -> Problem {
        Problem {
            error: d.severity == Severity::Error,
            code: d.code.name().to_string(),
            file: d.file.clone(),
            span: d
                .span
                .map(|s| [s.line, s.column, s.end_line, s.end_column, s.start, s.end]),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }

    fn diagnostic(&self) -> Option<Diagnostic> {
        let code = Code::from_name(&self.code)?;
        let span = self
            .span
            .map(|[line, column, end_line, end_column, start, end]| Span {
                line,
                column,
                end_line,
                end_column,
                start,
                end,
            });
        let diagnostic = if self.error {
            Diagnostic::error(code, self.file.clone(), span)
        } else {
            Diagnostic::warning(code, self.file.clone(), span)
        };
        let diagnostic = diagnostic.message(self.message.clone());
        Some(match &self.help {
            Some(help) => diagnostic.help(help.clone()),
            None => diagnostic,
        })
    }
}

/// This binary: cited's version, and a digest of where its executable is,
/// its size and its modification time (another build of the same version
/// is another binary; the record shows neither path nor time).
fn binary_identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut digest = Sha256::new();
    digest.update(exe.as_os_str().as_encoded_bytes());
    digest.update(meta.len().to_le_bytes());
    digest.update(modified.as_nanos().to_le_bytes());
    Some(format!(
        "cited {} {}",
        env!("CARGO_PKG_VERSION"),
        hex(&digest.finalize())
    ))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    File,
    Folder,
    /// A symlink, by where it points (it is not followed).
    Link,
    /// A FIFO, device or socket: by its kind only (it is never opened).
    Other,
}

/// One entry under an input folder.
struct Entry {
    path: PathBuf,
    kind: EntryKind,
    /// For a link, where it points.
    target: Option<PathBuf>,
    /// When it last changed.
    changed: (i64, i64),
}

impl Entry {
    /// The entry at `full` (`path` relative to the site), of `file_type`,
    /// with its own metadata `meta`.
    fn new(
        full: &Path,
        path: PathBuf,
        file_type: std::fs::FileType,
        meta: &std::fs::Metadata,
    ) -> Option<Entry> {
        let (kind, target) = if file_type.is_symlink() {
            (EntryKind::Link, Some(std::fs::read_link(full).ok()?))
        } else if file_type.is_dir() {
            (EntryKind::Folder, None)
        } else if file_type.is_file() {
            (EntryKind::File, None)
        } else {
            (EntryKind::Other, None)
        };
        Some(Entry {
            path,
            kind,
            target,
            changed: change_time(meta),
        })
    }

    fn hash_name(&self, digest: &mut Sha256) {
        let kind = match self.kind {
            EntryKind::File => b'f',
            EntryKind::Folder => b'd',
            EntryKind::Link => b'l',
            EntryKind::Other => b'o',
        };
        digest.update([kind]);
        digest.update(self.path.as_os_str().as_encoded_bytes());
        digest.update([0]);
        if let Some(target) = &self.target {
            digest.update(target.as_os_str().as_encoded_bytes());
            digest.update([0]);
        }
    }
}

/// Every entry under the input folders, in a fixed order, with paths
/// relative to the site (a missing folder has none), and when each last
/// changed.
fn input_entries(root: &Path) -> Option<Vec<Entry>> {
    let mut entries = Vec::new();
    for folder in INPUT_FOLDERS {
        let top = root.join(folder);
        if std::fs::symlink_metadata(&top).is_err() {
            continue;
        }
        // The folder itself may be a link (the build follows it); nothing
        // under it is followed.
        let meta = std::fs::metadata(&top).ok()?;
        entries.push(Entry::new(
            &top,
            PathBuf::from(folder),
            meta.file_type(),
            &meta,
        )?);
        if !meta.is_dir() {
            continue;
        }
        let listed = walk(&top, &|_| true)?;
        let under: Vec<Entry> = (listed.into_par_iter())
            .map(|listed| {
                Entry::new(
                    &top.join(&listed.path),
                    Path::new(folder).join(&listed.path),
                    listed.file_type,
                    listed.meta.as_ref()?,
                )
            })
            .collect::<Option<_>>()?;
        entries.extend(under);
    }
    Some(entries)
}

/// One entry found by [`walk`].
struct Listed {
    /// Relative to the folder walked.
    path: PathBuf,
    file_type: std::fs::FileType,
    /// Its own metadata (a link's, not its target's), when asked for.
    meta: Option<std::fs::Metadata>,
}

/// Every entry under `top` (not `top` itself) in the order of a depth-first
/// walk that takes each folder's entries by name (as walkdir's
/// `sort_by_file_name`), without following links, with the metadata of
/// those `want_meta` asks for; `None` if any cannot be read. Each folder's
/// entries are looked at on every core: an output has one folder per
/// page, and walking it on one thread was a tenth of a 10,000-page build.
/// A tree deeper than [`DEEPEST`] is not walked (`None`: the build then
/// runs, and no record is kept), so a hostile one cannot overflow a stack.
fn walk(top: &Path, want_meta: &(dyn Fn(std::fs::FileType) -> bool + Sync)) -> Option<Vec<Listed>> {
    walk_under(top, Path::new(""), 0, want_meta)
}

/// How deep [`walk`] goes: far deeper than any site or output is.
const DEEPEST: usize = 64;

fn walk_under(
    folder: &Path,
    relative: &Path,
    depth: usize,
    want_meta: &(dyn Fn(std::fs::FileType) -> bool + Sync),
) -> Option<Vec<Listed>> {
    if depth > DEEPEST {
        return None;
    }
    let mut children = (std::fs::read_dir(folder).ok()?)
        .map(|entry| entry.ok())
        .collect::<Option<Vec<std::fs::DirEntry>>>()?;
    children.sort_unstable_by_key(|entry| entry.file_name());
    let subtrees: Vec<Vec<Listed>> = (children.into_par_iter())
        .map(|entry| {
            let file_type = entry.file_type().ok()?;
            let meta = match want_meta(file_type) {
                true => Some(entry.metadata().ok()?),
                false => None,
            };
            let path = relative.join(entry.file_name());
            let below = match file_type.is_dir() {
                true => walk_under(&entry.path(), &path, depth + 1, want_meta)?,
                false => Vec::new(),
            };
            let mut subtree = Vec::with_capacity(1 + below.len());
            subtree.push(Listed {
                path,
                file_type,
                meta,
            });
            subtree.extend(below);
            Some(subtree)
        })
        .collect::<Option<_>>()?;
    Some(subtrees.into_iter().flatten().collect())
}

/// The largest input file this module reads: far above what the site's
/// limits let a build read (a larger file fails the build, which reports
/// it), so a stray huge file costs no time here.
const LARGEST_INPUT: u64 = 1024 * crate::model::MB;

/// The SHA-256 of a regular file, read without following a link and
/// without waiting on a FIFO; with `listed`, only if the file's change time
/// after the read is still that one (so the bytes are those it had then).
fn file_digest(path: &Path, listed: Option<(i64, i64)>) -> Option<[u8; 32]> {
    let file = open_regular(path)?;
    let len = file.metadata().ok()?.len();
    if len > LARGEST_INPUT {
        return None;
    }
    // Read whole (content files are small): a fresh zeroed buffer per file
    // cost more than the hashing.
    let mut bytes = Vec::with_capacity(len as usize + 1);
    let mut reader = (&file).take(LARGEST_INPUT + 1);
    reader.read_to_end(&mut bytes).ok()?;
    if let Some(listed) = listed
        && change_time(&file.metadata().ok()?) != listed
    {
        return None;
    }
    Some(Sha256::digest(&bytes).into())
}

fn open_regular(path: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .ok()?;
    file.metadata().ok()?.is_file().then_some(file)
}

fn read_regular(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// An output as it is now.
struct OutputState {
    /// The digest of its entries' names, kinds and sizes (not their bytes,
    /// which would take as long to read as to write).
    digest: String,
    /// The latest change time of any entry.
    last_change: (i64, i64),
}

fn output_state(out: &Path) -> Option<OutputState> {
    use std::os::unix::fs::MetadataExt as _;
    let mut digest = Sha256::new();
    let mut last_change = (i64::MIN, 0);
    // A folder is known by its name (its entries are listed anyway; its
    // size is the file system's business): no need to ask for more.
    for entry in walk(out, &|file_type| !file_type.is_dir())? {
        let file = entry.meta.as_ref().map(|meta| (meta.mode(), meta.len()));
        hash_output_entry(&mut digest, &entry.path, file);
        if let Some(meta) = &entry.meta {
            last_change = last_change.max(change_time(meta));
        }
    }
    Some(OutputState {
        digest: hex(&digest.finalize()),
        last_change,
    })
}

/// One entry of an output, as its digest takes it: the path, then a
/// folder's mark or a file's mode and size.
fn hash_output_entry(digest: &mut Sha256, path: &Path, file: Option<(u32, u64)>) {
    digest.update(path.as_os_str().as_encoded_bytes());
    digest.update([0]);
    match file {
        None => digest.update([b'd']),
        Some((mode, len)) => {
            digest.update(mode.to_le_bytes());
            digest.update(len.to_le_bytes());
        }
    }
}

/// The digest [`output_state`] finds in an output holding exactly the
/// files a staged build wrote (`written`: paths relative to `out`, and
/// sizes), without walking it: every folder on those paths, each file with
/// the mode the build's files got (the marker's: all are created alike, and
/// that way a default ACL counts as the umask does), in the walk's order (a
/// path sorts before what is under it, names by their bytes, as [`Path`]'s
/// order compares components). `None` when the marker cannot be read (the
/// build is then not recorded).
fn written_digest(out: &Path, written: &[(String, u64)]) -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    let mode = std::fs::symlink_metadata(out.join(crate::write::MARKER))
        .ok()?
        .mode();
    let files: Vec<(PathBuf, u64)> = (written.iter())
        // Rebuilt from its components, as a walk would name it.
        .map(|(path, len)| (Path::new(path).components().collect(), *len))
        .collect();
    let mut folders: rustc_hash::FxHashSet<&Path> = Default::default();
    for (path, _) in &files {
        for folder in path.ancestors().skip(1) {
            if folder.as_os_str().is_empty() || !folders.insert(folder) {
                break;
            }
        }
    }
    let mut entries: Vec<(&Path, Option<u64>)> = (files.iter())
        .map(|(path, len)| (path.as_path(), Some(*len)))
        .chain(folders.into_iter().map(|folder| (folder, None)))
        .collect();
    // In the walk's order: a path's bytes with each separator taken as the
    // lowest byte compare as its components do (the paths are rebuilt from
    // components: no empty, `.` or trailing ones), and far faster than
    // `Path`'s order, which parses them again at every comparison.
    entries.par_sort_unstable_by(|a, b| walk_order(a.0, b.0));
    // A file written twice is in the output once.
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut digest = Sha256::new();
    for (path, len) in entries {
        hash_output_entry(&mut digest, path, len.map(|len| (mode, len)));
    }
    Some(hex(&digest.finalize()))
}

/// The order of [`Path`]s by their components, for normal relative paths.
fn walk_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let key = |byte: &u8| if *byte == b'/' { 0 } else { *byte };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    // Equal up to where they first differ: only that byte (or the length)
    // decides.
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(common), b.get(common)) {
        (Some(x), Some(y)) => key(x).cmp(&key(y)),
        _ => a.len().cmp(&b.len()),
    }
}

/// When a file last changed in any way (its bytes, name or mode): set by
/// the system, which no program can set back.
fn change_time(meta: &std::fs::Metadata) -> (i64, i64) {
    use std::os::unix::fs::MetadataExt as _;
    (meta.ctime(), meta.ctime_nsec())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive (whose text a build does not keep, so the record reads
    /// it again) edited after the build read it and before the record is
    /// written: the record must not say the output is that archive's
    /// build, or the next build would skip it and serve the old text.
    /// The record describes the output from the list of what the build
    /// wrote, and the next build walks the output to compare: both must
    /// give one digest, or no build would ever be found unchanged (or,
    /// worse, one differing from its record taken for it).
    #[test]
    fn what_a_build_wrote_has_the_digest_of_its_output_walked() {
        for root in [
            Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        ] {
            let out = tempfile::tempdir().unwrap();
            let options = BuildOptions {
                root: root.clone(),
                out: out.path().join("site"),
                force: false,
                today: jiff::civil::date(2026, 2, 1),
                render: crate::render::RenderOptions::default(),
            };
            let report = crate::Session::one_off().build(&options);
            assert!(!report.has_errors(), "{}", root.display());
            let written = report
                .written
                .as_ref()
                .expect("a staged build lists its files");
            assert_eq!(written.len(), report.files_written);
            let walked = output_state(&options.out).unwrap().digest;
            assert_eq!(
                written_digest(&options.out, written).as_deref(),
                Some(walked.as_str())
            );
            // And a file the build did not write is seen.
            std::fs::write(options.out.join("extra.html"), "").unwrap();
            assert_ne!(
                Some(output_state(&options.out).unwrap().digest),
                written_digest(&options.out, written)
            );
        }
    }

    /// Every pair of paths of up to three components, over names that sort
    /// differently by bytes and by components (`a-b` before `a/b` by bytes,
    /// after it by components), is ordered as [`Path`] orders it.
    #[test]
    fn walk_order_is_the_order_of_components() {
        let names = ["a", "a-b", "a.b", "ab", "b", "a0", "é"];
        let mut paths: Vec<PathBuf> = Vec::new();
        for first in names {
            paths.push(first.into());
            for second in names {
                paths.push(Path::new(first).join(second));
                for third in names {
                    paths.push(Path::new(first).join(second).join(third));
                }
            }
        }
        for a in &paths {
            for b in &paths {
                assert_eq!(walk_order(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn an_input_changed_while_the_build_ran_is_not_recorded_as_built() {
        let site = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        for entry in walkdir::WalkDir::new(&fixture) {
            let entry = entry.unwrap();
            let to = site
                .path()
                .join(entry.path().strip_prefix(&fixture).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let out = tempfile::tempdir().unwrap();
        let options = BuildOptions {
            root: site.path().to_path_buf(),
            out: out.path().join("site"),
            force: false,
            today: jiff::civil::date(2026, 2, 1),
            render: crate::render::RenderOptions::default(),
        };
        let build_and_record = |change_meanwhile: &dyn Fn()| {
            let inputs = Inputs::of(&options).unwrap();
            let report = crate::Session::one_off().build(&options);
            assert!(!report.has_errors());
            change_meanwhile();
            inputs.record(&options, &report);
            let now = Inputs::of(&options).unwrap();
            now.previous_build(&options).is_some()
        };
        assert!(build_and_record(&|| ()), "an unchanged site is recorded");
        // Made while the build runs, after it read the inputs and before
        // the record is written: each must keep the next build from being
        // skipped. An archive is read again by the record (its text is not
        // kept); a question's kept text stands for it, so it is not listed
        // again; a file added is not one the build read.
        let append = |path: PathBuf, line: &'static str| {
            move || {
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, format!("{text}\n{line}\n")).unwrap();
            }
        };
        let question = std::fs::read_dir(site.path().join("content/questions"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "yaml"))
            .unwrap();
        let added = site.path().join("content/questions/added-meanwhile.yaml");
        type Change = Box<dyn Fn()>;
        let changes: [(&str, Change); 3] = [
            (
                "an archive edited",
                Box::new(append(
                    site.path().join("content/sources/oven-guide.txt"),
                    "A line added meanwhile.",
                )),
            ),
            (
                "a question edited",
                Box::new(append(question, "# edited meanwhile")),
            ),
            (
                "a file added",
                Box::new(move || std::fs::write(&added, "question: Added?\n").unwrap()),
            ),
        ];
        for (change, make) in changes {
            assert!(
                !build_and_record(&*make),
                "{change} while the build ran is taken for what it built"
            );
        }
    }
}
