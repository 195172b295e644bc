//! Where a build may write: `--out` worked out to the real place it leads
//! to, and refused when replacing that place could destroy anything.
//!
//! A build replaces its output folder whole. So before anything is written,
//! [`check_output`] follows the path as the kernel will (`..` and symlinks at
//! any level, also past the last folder that exists yet) and refuses:
//!
//! - the site's `content/` or `templates/`, anything inside them, and any
//!   folder that holds them (`bad-output`);
//! - the site's folder itself and any folder that holds it, such as `..` or
//!   `/` (`bad-output`); a folder inside the site, like the default
//!   `./public`, is fine;
//! - the home folder and any folder that holds it (`bad-output`);
//! - a file, or a path that goes through one (`output-not-a-folder`);
//! - an existing folder that is not empty and has no [`MARKER`], the file
//!   every build writes into its output (`not-a-cited-output`), unless the
//!   build is forced.
//!
//! Two paths are the same folder when their text is, and also when they are
//! the same folder on disk (device and inode), which catches a bind mount or
//! a case-insensitive file system.
//!
//! This module only looks: it must not create, write or remove anything.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};

/// The file that marks a folder as a cited output. Every build writes it at
/// the top of its output, staged with the rest, so it arrives with the site.
pub const MARKER: &str = ".cited-output";

/// What the marker says (its contents are not checked, only its presence as
/// a regular file).
pub const MARKER_TEXT: &str = "This folder is a site built by cited. Each `cited build` replaces \
the whole folder; cited refuses to replace a folder that is not empty and lacks this file.\n";

/// How many symlinks one path may go through, as Linux allows.
const MAX_SYMLINKS: usize = 40;

/// Works out where `out` leads and whether a build of the site in `root`
/// may replace it (see the module documentation). Returns that real path, or
/// reports why not and returns `None`. `force` lets a build replace a
/// non-empty folder without the marker, and nothing else.
pub fn check_output(
    root: &Path,
    out: &Path,
    force: bool,
    diagnostics: &mut Diagnostics,
) -> Option<PathBuf> {
    let refusal = |code: Code, message: String, help: &str| {
        Diagnostic::error(code, out, None)
            .message(message)
            .help(help)
    };
    match allowed_output(root, out, force) {
        Ok(real) => Some(real),
        Err(Refusal::Protected(real, reason)) => {
            diagnostics.push(refusal(
                Code::BadOutput,
                format!("refusing to build into {}: {reason}", real.display()),
                "a build replaces its output folder whole: build into a folder of its own, \
                 such as `public` in the site's folder (the default)",
            ));
            None
        }
        Err(Refusal::File(file)) => {
            diagnostics.push(refusal(
                Code::OutputNotAFolder,
                format!(
                    "cannot build into {}: {} is a file, not a folder",
                    out.display(),
                    file.display()
                ),
                "name a folder for the output; it is created if it does not exist",
            ));
            None
        }
        Err(Refusal::NotOurs(real)) => {
            diagnostics.push(refusal(
                Code::NotACitedOutput,
                format!(
                    "refusing to replace {}: it holds files but no `{MARKER}` marker, \
                     so cited did not make it",
                    real.display()
                ),
                "a build deletes everything in its output folder. Build into a new or empty \
                 folder instead; or, if this folder is an output of an older cited (older \
                 versions wrote no marker) or its files may go, run `cited build --force` once",
            ));
            None
        }
        Err(Refusal::Io(error)) => {
            diagnostics.push(refusal(
                Code::WriteFailed,
                format!("cannot work out where {} leads: {error}", out.display()),
                "check that each folder on the way exists as you meant and that you may open it",
            ));
            None
        }
    }
}

/// Why a build may not write where `--out` leads.
enum Refusal {
    /// It would replace the site's own files or the home folder (the real
    /// path, and which of them).
    Protected(PathBuf, String),
    /// This file is where a folder has to be.
    File(PathBuf),
    /// A folder with files in it and no marker.
    NotOurs(PathBuf),
    Io(io::Error),
}

impl From<Unreachable> for Refusal {
    fn from(unreachable: Unreachable) -> Refusal {
        match unreachable {
            Unreachable::ThroughFile(file) => Refusal::File(file),
            Unreachable::Io(error) => Refusal::Io(error),
        }
    }
}

/// The real path of `out`, if a build may replace what is there.
fn allowed_output(root: &Path, out: &Path, force: bool) -> Result<PathBuf, Refusal> {
    let real = real_path(out)?;
    if let Some(reason) = replaces_what_it_must_not(root, &real) {
        return Err(Refusal::Protected(real, reason));
    }
    let meta = match std::fs::metadata(&real) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(real),
        other => other.map_err(Refusal::Io)?,
    };
    if !meta.is_dir() {
        return Err(Refusal::File(real));
    }
    let has_marker = std::fs::symlink_metadata(real.join(MARKER)).is_ok_and(|m| m.is_file());
    let is_empty = || -> io::Result<bool> { Ok(std::fs::read_dir(&real)?.next().is_none()) };
    if force || has_marker || is_empty().map_err(Refusal::Io)? {
        Ok(real)
    } else {
        Err(Refusal::NotOurs(real))
    }
}

/// Why the build must never replace `out` (a real path), if it must not.
fn replaces_what_it_must_not(root: &Path, out: &Path) -> Option<String> {
    let real_or_absolute = |path: &Path| {
        real_path(path)
            .ok()
            .or_else(|| std::path::absolute(path).ok())
            .unwrap_or_else(|| path.to_path_buf())
    };
    let root = real_or_absolute(root);
    if is_within(&root, out) {
        return Some(if is_within(out, &root) {
            "it is the site's folder".to_string()
        } else {
            format!("it holds the site's folder ({})", root.display())
        });
    }
    for name in ["content", "templates"] {
        let folder = real_or_absolute(&root.join(name));
        if is_within(out, &folder) {
            let how = if is_within(&folder, out) {
                "is"
            } else {
                "is inside"
            };
            return Some(format!("it {how} the site's `{name}` folder"));
        }
        if is_within(&folder, out) {
            return Some(format!(
                "it holds the site's `{name}` folder ({})",
                folder.display()
            ));
        }
    }
    let home = std::env::home_dir().filter(|home| home.is_absolute());
    if let Some(home) = home.map(|home| real_or_absolute(&home))
        && is_within(&home, out)
    {
        return Some(if is_within(out, &home) {
            "it is your home folder".to_string()
        } else {
            format!("it holds your home folder ({})", home.display())
        });
    }
    None
}

/// Whether `inner` is `outer` or inside it. Both are real paths.
fn is_within(inner: &Path, outer: &Path) -> bool {
    if inner.starts_with(outer) {
        return true;
    }
    let Some(outer) = identity(outer) else {
        return false;
    };
    inner
        .ancestors()
        .any(|folder| identity(folder) == Some(outer))
}

/// What makes a folder the same folder however it is reached.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// Why a path cannot be resolved.
#[derive(Debug)]
pub enum Unreachable {
    /// The path goes through this file (e.g. `notes.txt/public`).
    ThroughFile(PathBuf),
    Io(io::Error),
}

/// Where `path` leads: an absolute path with no `.`, `..` or symlink in it.
/// Like `realpath`, but the path need not exist: from the first part that
/// does not exist on, the rest is taken as written, as `create_dir_all`
/// would create it (a later `..` may lead back to folders that exist, and
/// their symlinks are followed again).
pub fn real_path(path: &Path) -> Result<PathBuf, Unreachable> {
    let absolute = std::path::absolute(path).map_err(Unreachable::Io)?;
    // The parts still to walk, the next one last.
    let mut pending: Vec<PathBuf> = parts(&absolute);
    let mut real = PathBuf::new();
    let mut symlinks = 0;
    while let Some(part) = pending.pop() {
        match part.components().next() {
            Some(Component::Prefix(prefix)) => real = PathBuf::from(prefix.as_os_str()),
            // On Unix this starts again from `/` (an absolute symlink target).
            Some(Component::RootDir) => real.push(Component::RootDir),
            Some(Component::CurDir) | None => {}
            Some(Component::ParentDir) => {
                refuse_file(&real)?;
                real.pop();
            }
            Some(Component::Normal(name)) => {
                let next = real.join(name);
                match std::fs::symlink_metadata(&next) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        symlinks += 1;
                        if symlinks > MAX_SYMLINKS {
                            return Err(Unreachable::Io(io::Error::other(
                                "it goes through too many symlinks (a loop?)",
                            )));
                        }
                        let target = std::fs::read_link(&next).map_err(Unreachable::Io)?;
                        // A relative target starts from the link's folder, `real`.
                        pending.extend(parts(&target));
                    }
                    Ok(_) => real = next,
                    Err(error) if error.kind() == io::ErrorKind::NotFound => real = next,
                    Err(error) if error.kind() == io::ErrorKind::NotADirectory => {
                        return Err(Unreachable::ThroughFile(real));
                    }
                    Err(error) => return Err(Unreachable::Io(error)),
                }
            }
        }
    }
    Ok(real)
}

/// The components of `path`, each as a path of its own, last first.
fn parts(path: &Path) -> Vec<PathBuf> {
    path.components()
        .rev()
        .map(|c| PathBuf::from(c.as_os_str()))
        .collect()
}

/// `..` of a file is no folder.
fn refuse_file(path: &Path) -> Result<(), Unreachable> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_dir() => Err(Unreachable::ThroughFile(path.to_path_buf())),
        _ => Ok(()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn resolves_dotdot_and_symlinks_past_the_end_of_what_exists() {
        let temp = tempfile::tempdir().unwrap();
        let t = temp.path().canonicalize().unwrap();
        std::fs::create_dir_all(t.join("site/content")).unwrap();
        symlink("content", t.join("site/link")).unwrap();
        symlink("..", t.join("site/up")).unwrap();
        symlink("/", t.join("site/top")).unwrap();
        let real = |p: &str| real_path(&t.join(p)).unwrap();
        assert_eq!(real("site/missing/../content"), t.join("site/content"));
        assert_eq!(
            real("site/link/new/deeper"),
            t.join("site/content/new/deeper")
        );
        assert_eq!(real("site/up/site/./content/"), t.join("site/content"));
        assert_eq!(real("site/missing/../link"), t.join("site/content"));
        assert_eq!(real("site/top/.."), PathBuf::from("/"));
    }

    #[test]
    fn reports_a_file_on_the_way_and_a_symlink_loop() {
        let temp = tempfile::tempdir().unwrap();
        let t = temp.path().canonicalize().unwrap();
        std::fs::write(t.join("notes.txt"), "").unwrap();
        symlink("loop", t.join("loop")).unwrap();
        assert!(matches!(
            real_path(&t.join("notes.txt/public")),
            Err(Unreachable::ThroughFile(file)) if file == t.join("notes.txt")
        ));
        assert!(matches!(
            real_path(&t.join("notes.txt/..")),
            Err(Unreachable::ThroughFile(_))
        ));
        assert!(matches!(
            real_path(&t.join("loop/x")),
            Err(Unreachable::Io(_))
        ));
    }
}
