//! A private working folder that a later run can tell apart from one in use.
//!
//! A build stages its output in a folder beside the real one, and the
//! preview builds into a folder in `/dev/shm`; a run that is killed (SIGKILL,
//! a crash, a power cut) never removes its folder. So each such folder holds
//! a lock file, [`LOCK_FILE`], locked with an advisory lock (`flock`) for as
//! long as the folder is used. The kernel drops the lock when the process
//! ends, however it ends; a later run that can take the lock knows the folder
//! is abandoned, and [`sweep`] removes it.
//!
//! What it must not do: remove anything it cannot prove is an abandoned
//! folder of this kind. [`sweep`] skips every entry that is not a real
//! folder (a symlink is never followed), that belongs to another user, that
//! has no lock file with [`LOCK_TEXT`] in it, or whose lock is held.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The lock file's name, inside the folder it guards.
pub const LOCK_FILE: &str = ".cited-lock";

/// What the lock file says, for anyone who finds an abandoned folder. A file
/// with other contents is not ours, so changing this text leaves the folders
/// of earlier versions behind: keep it as it is.
pub const LOCK_TEXT: &str = "cited is using this folder while this file is locked; \
a later run of cited removes the folder once nothing holds the lock.\n";

/// A folder this process made and holds: its lock file stays locked while
/// the value lives, and dropping it removes the folder. (Where the file
/// system has no advisory locks, it has no lock file, and is never swept.)
#[derive(Debug)]
pub struct LockedFolder {
    path: PathBuf,
    /// Closed only after the folder is removed (in `drop`), so no other run
    /// can take the lock while anything of the folder is left.
    lock: Option<File>,
}

impl LockedFolder {
    /// Makes a new folder in `parent`, named `prefix` and random letters, and
    /// locks it.
    pub fn create(parent: &Path, prefix: &str) -> io::Result<LockedFolder> {
        let folder = tempfile::Builder::new().prefix(prefix).tempdir_in(parent)?;
        // The lock file is locked under another name and then renamed, so
        // that whoever finds `LOCK_FILE` finds it locked. Until then the
        // folder has no lock file and is left alone by `sweep`.
        let unlocked = folder.path().join(format!("{LOCK_FILE}.new"));
        let lock = File::create_new(&unlocked)?;
        io::Write::write_all(&mut &lock, LOCK_TEXT.as_bytes())?;
        let lock = match lock_without_waiting(&lock) {
            Ok(()) => {
                std::fs::rename(&unlocked, folder.path().join(LOCK_FILE))?;
                Some(lock)
            }
            // A file system without advisory locks (some network and FUSE
            // ones): the folder still works, but without a lock file it can
            // never be proved abandoned, so no later run will remove it.
            Err(_) => {
                std::fs::remove_file(&unlocked)?;
                None
            }
        };
        Ok(LockedFolder {
            path: folder.keep(),
            lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Leaves the folder as a killed process would: in place, unlocked.
    #[cfg(test)]
    pub(crate) fn abandon(mut self) -> PathBuf {
        drop(self.lock.take());
        let path = std::mem::take(&mut self.path);
        std::mem::forget(self);
        path
    }
}

impl Drop for LockedFolder {
    fn drop(&mut self) {
        // `remove_dir_all` removes symlinks inside, never what they lead to.
        let _ = std::fs::remove_dir_all(&self.path);
        drop(self.lock.take());
    }
}

/// Removes the abandoned folders named `prefix…` in `parent`, calling
/// `before_removing` with each one while its lock is held (to rescue
/// anything in it first). Returns how many it removed. Never fails: a folder
/// it cannot prove abandoned, or cannot remove, is left alone.
pub fn sweep(parent: &Path, prefix: &str, mut before_removing: impl FnMut(&Path)) -> usize {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.as_encoded_bytes().starts_with(prefix.as_bytes()) {
            continue;
        }
        let path = entry.path();
        if let Some(_lock) = claim_if_abandoned(&path) {
            before_removing(&path);
            if std::fs::remove_dir_all(&path).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// The lock of `folder`, taken, if `folder` is a real folder of ours whose
/// lock nobody holds.
#[cfg(unix)]
fn claim_if_abandoned(folder: &Path) -> Option<File> {
    use rustix::fs::{Mode, OFlags};
    use std::os::unix::fs::MetadataExt;

    let no_follow = OFlags::NOFOLLOW | OFlags::CLOEXEC;
    // Fails on a symlink (NOFOLLOW) and on anything but a folder.
    let dir = rustix::fs::open(
        folder,
        OFlags::RDONLY | OFlags::DIRECTORY | no_follow,
        Mode::empty(),
    );
    let dir = File::from(dir.ok()?);
    let dir_meta = dir.metadata().ok()?;
    if dir_meta.uid() != rustix::process::geteuid().as_raw() {
        return None;
    }
    // Read and write: where `flock` is emulated with POSIX locks (NFS), an
    // exclusive lock needs a file open for writing.
    let lock = rustix::fs::openat(&dir, LOCK_FILE, OFlags::RDWR | no_follow, Mode::empty());
    let lock = File::from(lock.ok()?);
    let lock_meta = lock.metadata().ok()?;
    if !lock_meta.is_file() || lock_meta.len() != LOCK_TEXT.len() as u64 {
        return None;
    }
    let text = std::io::read_to_string(&lock).ok()?;
    if text != LOCK_TEXT {
        return None;
    }
    lock_without_waiting(&lock).ok()?;
    // Still the same folder and lock file at those names, not replaced
    // between opening and locking.
    let same = |path: &Path, meta: &std::fs::Metadata| {
        std::fs::symlink_metadata(path)
            .is_ok_and(|now| (now.dev(), now.ino()) == (meta.dev(), meta.ino()))
    };
    (same(folder, &dir_meta) && same(&folder.join(LOCK_FILE), &lock_meta)).then_some(lock)
}

/// Without advisory locks nothing can be proved abandoned: keep everything.
#[cfg(not(unix))]
fn claim_if_abandoned(_folder: &Path) -> Option<File> {
    None
}

#[cfg(unix)]
fn lock_without_waiting(file: &File) -> io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive)
        .map_err(io::Error::from)
}

#[cfg(not(unix))]
fn lock_without_waiting(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_folder_in_use_is_kept_and_an_abandoned_one_removed() {
        let parent = tempfile::tempdir().unwrap();
        let in_use = LockedFolder::create(parent.path(), ".x.cited-").unwrap();
        let abandoned = LockedFolder::create(parent.path(), ".x.cited-")
            .unwrap()
            .abandon();
        std::fs::write(abandoned.join("page.html"), "half a page").unwrap();

        let mut seen = Vec::new();
        assert_eq!(
            sweep(parent.path(), ".x.cited-", |p| seen.push(p.to_path_buf())),
            1
        );
        assert_eq!(seen, vec![abandoned.clone()]);
        assert!(!abandoned.exists());
        assert!(in_use.path().join(LOCK_FILE).is_file());

        let path = in_use.path().to_path_buf();
        drop(in_use);
        assert!(!path.exists(), "dropping removes the folder");
    }

    #[test]
    fn only_folders_carrying_our_lock_file_are_removed() {
        let parent = tempfile::tempdir().unwrap();
        let p = parent.path();
        // No lock file; a lock file with other text; a file; a symlink to an
        // abandoned folder of ours.
        std::fs::create_dir(p.join(".x.cited-bare")).unwrap();
        std::fs::create_dir(p.join(".x.cited-other")).unwrap();
        std::fs::write(p.join(".x.cited-other").join(LOCK_FILE), "not ours").unwrap();
        std::fs::write(p.join(".x.cited-file"), LOCK_TEXT).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let target = LockedFolder::create(elsewhere.path(), "t")
            .unwrap()
            .abandon();
        std::os::unix::fs::symlink(&target, p.join(".x.cited-link")).unwrap();
        // Abandoned and ours, but not named with the prefix.
        let unrelated = LockedFolder::create(p, ".y.cited-").unwrap().abandon();

        assert_eq!(sweep(p, ".x.cited-", |_| {}), 0);
        for name in [
            ".x.cited-bare",
            ".x.cited-other",
            ".x.cited-file",
            ".x.cited-link",
        ] {
            assert!(p.join(name).symlink_metadata().is_ok(), "{name} is kept");
        }
        assert!(
            target.join(LOCK_FILE).is_file(),
            "a symlink is never followed"
        );
        assert!(unrelated.is_dir());
    }
}
