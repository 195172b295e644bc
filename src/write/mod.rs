//! Write: put the built site in place atomically, and only where it may go.
//!
//! Before anything is written, [`check_output`] works out where `--out`
//! really leads and refuses a place whose replacement could destroy
//! anything (the site's own files, a folder cited did not make, a file).
//!
//! Files are written into a staging folder beside the output; only when the
//! whole build succeeded is it swapped in, with one `renameat2(RENAME_EXCHANGE)`
//! where the file system allows it. A failed build drops the staging folder
//! and leaves the previous output exactly as it was. The previous output,
//! once swapped out, is removed on a thread of its own while the build
//! finishes ([`Removal`]). The staging folder is a
//! [`LockedFolder`], so one left by a killed build is removed by the next
//! build ([`locked_folder::sweep`]), and one in use by a build running at the
//! same time is not. Every output carries the [`MARKER`] file.
//!
//! This module writes bytes; it does not decide what they are.

mod destination;
pub mod locked_folder;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use destination::{MARKER, MARKER_TEXT, Unreachable, check_output, real_path};
pub use locked_folder::LockedFolder;

/// Where rendered files go. Implemented by [`Staging`] (a whole build,
/// swapped in at the end) and [`InPlace`] (a few files replacing their old
/// versions in an existing output, for `cited serve`).
pub trait Output: Sync {
    /// Writes one file, `path` relative to the output root (e.g.
    /// `questions/cost/index.html`). Safe to call from many threads.
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Where one build's files go: a whole new tree swapped in at the end, or a
/// few files replaced in an existing output.
pub enum Target {
    Staged(Staging),
    InPlace(InPlace),
}

impl Target {
    pub fn output(&self) -> &dyn Output {
        match self {
            Target::Staged(staging) => staging,
            Target::InPlace(in_place) => in_place,
        }
    }

    /// Puts what was written in place. Dropping a target instead changes
    /// nothing.
    pub fn commit(self) -> io::Result<Committed> {
        match self {
            Target::Staged(staging) => {
                let files = staging.files_written();
                let folder = folder_id(&staging.site);
                let written = std::mem::take(&mut *lock(&staging.written));
                staging.commit().map(|removal| Committed {
                    files,
                    removal,
                    folder,
                    written: Some(written),
                })
            }
            Target::InPlace(in_place) => in_place.commit().map(|files| Committed {
                files,
                removal: Removal::default(),
                folder: None,
                written: None,
            }),
        }
    }
}

/// What a commit did.
pub struct Committed {
    /// How many files were written.
    pub files: usize,
    /// The removal of what it replaced, under way.
    pub removal: Removal,
    /// For a whole new output: its folder's identity (see [`folder_id`]),
    /// which tells it from an output another build swapped in since.
    pub folder: Option<FolderId>,
    /// For a whole new output: every file in it (path relative to it, and
    /// size), so that it need not be walked to be described.
    pub written: Option<Vec<(String, u64)>>,
}

/// A folder's device and inode: the same for as long as it exists, through
/// renames, and never shared with another folder meanwhile.
pub type FolderId = (u64, u64);

/// The identity of the folder at `path` (following a link to it).
pub fn folder_id(path: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path).ok()?;
    meta.is_dir().then(|| (meta.dev(), meta.ino()))
}

/// A build's output while it is being written: the folder `site/` inside a
/// [`LockedFolder`] named `.<output name>.cited-…` beside the output. Whatever
/// the swap displaces (the previous output) lands in that folder too, so
/// everything a build leaves behind is in one folder that proves whether it
/// is still in use.
pub struct Staging {
    folder: LockedFolder,
    site: PathBuf,
    out: PathBuf,
    files: AtomicUsize,
    /// Each file written (the marker included) and its size.
    written: std::sync::Mutex<Vec<(String, u64)>>,
}

impl Staging {
    /// A fresh staging folder beside `out` (same file system, so the swap is
    /// a rename), holding the output marker. First removes the staging
    /// folders of earlier builds that were killed before they finished.
    /// `out` must be a real path that [`check_output`] accepted.
    pub fn new(out: &Path) -> io::Result<Staging> {
        let out = absolute(out)?;
        let parent = out
            .parent()
            .ok_or_else(|| io::Error::other("the output folder has no parent folder"))?;
        std::fs::create_dir_all(parent)?;
        sweep_abandoned(&out);
        let folder = LockedFolder::create(parent, &staging_prefix(&out))?;
        let site = folder.path().join("site");
        std::fs::create_dir(&site)?;
        std::fs::write(site.join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            folder,
            site,
            out,
            files: AtomicUsize::new(1),
            written: std::sync::Mutex::new(vec![(MARKER.to_string(), MARKER_TEXT.len() as u64)]),
        })
    }

    /// Files written so far, the marker included.
    pub fn files_written(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Makes the staged site the output. The old output, if any, is removed
    /// only after the new one is in place, on a thread of its own, so that
    /// the build goes on meanwhile: the returned [`Removal`] waits for it
    /// when dropped. Until then the staging folder holding it stays locked.
    pub fn commit(self) -> io::Result<Removal> {
        let displaced = swap_into_place(&self.site, &self.out, self.folder.path())?;
        let folder = self.folder;
        Ok(Removal(Some(std::thread::spawn(move || {
            if let Some(old) = displaced {
                let _ = remove_tree(&old);
            }
            drop(folder); // Removes what is left, then lets go of the lock.
        }))))
    }
}

/// Removes the staging folders beside `out` of builds that were killed
/// before they finished (putting back a previous output one of them holds).
/// A build does it when it starts writing; one that finds nothing changed
/// does it too.
pub fn sweep_abandoned(out: &Path) {
    let Ok(out) = absolute(out) else {
        return;
    };
    let Some(parent) = out.parent() else {
        return;
    };
    locked_folder::sweep(parent, &staging_prefix(&out), |abandoned| {
        restore_previous_output(abandoned, &out)
    });
}

/// The start of the names of the staging folders for `out`.
fn staging_prefix(out: &Path) -> String {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    format!(".{name}.cited-")
}

/// The removal of a previous output, on a thread of its own. Dropping it
/// waits until the removal is done, so that nothing a build displaced
/// outlives the build's report.
#[derive(Debug, Default)]
pub struct Removal(Option<std::thread::JoinHandle<()>>);

impl Drop for Removal {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            let _ = thread.join();
        }
    }
}

/// A build killed between the two renames of the fallback swap (see
/// [`swap_into_place`]) leaves the previous output as `old` in its staging
/// folder and no output: put it back rather than lose it.
fn restore_previous_output(abandoned: &Path, out: &Path) {
    let old = abandoned.join(DISPLACED);
    let out_missing =
        std::fs::symlink_metadata(out).is_err_and(|e| e.kind() == io::ErrorKind::NotFound);
    if out_missing && is_real_dir(&old) {
        let _ = std::fs::rename(&old, out);
    }
}

/// Where, in the staging folder, the fallback swap parks the previous output.
const DISPLACED: &str = "old";

impl Output for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        debug_assert!(!path.starts_with('/') && !path.split('/').any(|p| p == ".."));
        let full = self.site.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, bytes)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        lock(&self.written).push((path.to_string(), bytes.len() as u64));
        Ok(())
    }
}

/// Replaces some files of an existing output. Nothing is written until
/// [`InPlace::commit`], so a failed render changes nothing; then each file
/// is replaced atomically (written beside, renamed over), so a reader sees
/// the old page or the new one, never half of one.
pub struct InPlace {
    out: PathBuf,
    files: std::sync::Mutex<Vec<(String, Vec<u8>)>>,
}

impl InPlace {
    pub fn new(out: &Path) -> InPlace {
        InPlace {
            out: out.to_path_buf(),
            files: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Writes the files put so far; returns how many.
    pub fn commit(self) -> io::Result<usize> {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        for (path, bytes) in &files {
            let full = self.out.join(path);
            let parent = full.parent().unwrap_or(&self.out);
            std::fs::create_dir_all(parent)?;
            let mut temp = tempfile::NamedTempFile::new_in(parent)?;
            io::Write::write_all(&mut temp, bytes)?;
            temp.persist(&full).map_err(|e| e.error)?;
        }
        Ok(files.len())
    }
}

impl Output for InPlace {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        lock(&self.files).push((path.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// A list many rendering threads add to; one that panicked while holding
/// it left it whole (a push either happened or not).
fn lock<T>(list: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    list.lock().unwrap_or_else(|e| e.into_inner())
}

/// Puts `staged` in the place of `out`; `spare` is a folder on the same file
/// system for the previous output to pass through. Returns where the
/// previous output now is (inside `spare`), for the caller to remove.
fn swap_into_place(staged: &Path, out: &Path, spare: &Path) -> io::Result<Option<PathBuf>> {
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::rename(staged, out).map(|()| None)
        }
        Err(e) => Err(e),
        Ok(meta) if !meta.is_dir() => Err(io::Error::other(format!(
            "{} exists and is not a folder; refusing to replace it",
            out.display()
        ))),
        Ok(_) => {
            if exchange(staged, out).is_err() {
                // File systems without RENAME_EXCHANGE: two renames, with a
                // moment in between where the output is missing (a build
                // killed then is repaired by the next one's sweep).
                let old = spare.join(DISPLACED);
                std::fs::rename(out, &old)?;
                if let Err(e) = std::fs::rename(staged, out) {
                    let _ = std::fs::rename(&old, out);
                    return Err(e);
                }
                return Ok(Some(old));
            }
            // `staged` now holds the previous output.
            Ok(Some(staged.to_path_buf()))
        }
    }
}

/// Removes a previous output. A site is thousands of small folders; removing
/// its top-level entries in parallel, and the entries of each section too,
/// takes this off the end of every build.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    entries(dir)?.par_iter().try_for_each(|path| {
        if is_real_dir(path) {
            entries(path)?
                .par_iter()
                .try_for_each(|child| remove_entry(child))?;
            std::fs::remove_dir(path)
        } else {
            std::fs::remove_file(path)
        }
    })?;
    std::fs::remove_dir(dir)
}

fn entries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect()
}

/// A folder, not a symlink to one (which is removed, never followed).
fn is_real_dir(path: &Path) -> bool {
    path.is_dir() && !path.is_symlink()
}

fn remove_entry(path: &Path) -> io::Result<()> {
    if is_real_dir(path) {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other(
        "atomic exchange is only available on Linux",
    ))
}

fn absolute(path: &Path) -> io::Result<PathBuf> {
    if path.is_absolute() {
        Ok(path.to_path_buf())
    } else {
        Ok(std::env::current_dir()?.join(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_existing_output_and_cleans_up() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.put("a/index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("old.html").exists());
        let left: Vec<_> = std::fs::read_dir(parent.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the output remains");
    }

    #[test]
    fn a_previous_output_left_in_a_killed_swap_is_put_back() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("public");
        // A build killed between the two renames of the fallback swap: the
        // previous output sits in its staging folder, and there is no output.
        let killed = LockedFolder::create(parent.path(), ".public.cited-")
            .unwrap()
            .abandon();
        std::fs::create_dir(killed.join(DISPLACED)).unwrap();
        std::fs::write(killed.join(DISPLACED).join("index.html"), "previous").unwrap();

        let staging = Staging::new(&out).unwrap();
        assert!(!killed.exists(), "the killed build's folder is removed");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "previous",
            "the previous output is back in place"
        );
        drop(staging);
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropping_leaves_previous_output() {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("old.html"), "old").unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.put("new.html", b"new").unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("old.html")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 1);
    }
}
