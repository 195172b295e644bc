//! Which files of `content/` cited reads, and reading them safely.
//!
//! A content file is read only if it is a regular file inside `content/`
//! (a symlink is followed only when it leads to a file inside `content/`),
//! no larger than the site's limit; a FIFO, a device (`/dev/zero`), a
//! socket, or a link out of the site is refused with a diagnostic naming
//! it, before anything is read. Two files for one id (`cost.yaml` and
//! `cost.yml`, `site.yaml` and `site.yml`) are one error naming both. This
//! module finds and reads bytes; it must not parse them.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::schema;

/// One content file to read: its kind folder (`questions`, or `site`) and where it is.
#[derive(Clone, Debug)]
pub struct ContentFile {
    pub kind: &'static str,
    /// The path under `content/`, as found.
    pub path: PathBuf,
    /// The same, relative to the site (`content/questions/cost.yaml`).
    pub relative: PathBuf,
    /// What to open: the path itself, or for a symlink the file inside
    /// `content/` it leads to.
    pub open: PathBuf,
    /// Whether `path` is a symlink (already checked to stay inside `content/`).
    pub linked: bool,
}

pub use crate::model::MB;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadFailure {
    Io(std::io::Error),
    /// A FIFO, device, socket or folder: what it is.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
}

impl ReadFailure {
    /// The diagnostic for `file` (relative to the site); `setting` names the
    /// `site.yaml` setting that raises the limit.
    pub fn diagnostic(&self, file: &Path, setting: &str) -> Diagnostic {
        match self {
            ReadFailure::Io(error) => Diagnostic::error(Code::Unreadable, file, None)
                .message(format!("cannot read this file: {error}")),
            ReadFailure::NotRegular(what) => {
                Diagnostic::error(Code::NotARegularFile, file, None)
                    .message(format!("this is {what}, not a regular file: cited does not read it"))
                    .help("content files are ordinary files saved by an editor; replace it with one, or move it out of content/")
            }
            ReadFailure::TooLarge { size, limit } => {
                Diagnostic::error(Code::FileTooLarge, file, None)
                    .message(format!(
                        "this file is {}, more than the {} cited reads",
                        megabytes(*size),
                        megabytes(*limit)
                    ))
                    .help(format!(
                        "check that it is the file you meant; if it is, raise `{setting}` in content/site.yaml"
                    ))
            }
        }
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / MB as f64)
}

/// Reads a regular file of at most `limit` bytes, without blocking on a
/// FIFO and without following a symlink unless `follow` (the caller has
/// checked where it leads).
pub fn read_file(path: &Path, limit: u64, follow: bool) -> Result<Vec<u8>, ReadFailure> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer comes: never wait.
        let mut flags = rustix::fs::OFlags::NONBLOCK;
        if !follow {
            flags |= rustix::fs::OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }
    let file = options.open(path).map_err(|error| {
        // ELOOP: the path became a symlink since it was found.
        if error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            ReadFailure::NotRegular("a symlink")
        } else {
            ReadFailure::Io(error)
        }
    })?;
    let meta = file.metadata().map_err(ReadFailure::Io)?;
    if !meta.is_file() {
        return Err(ReadFailure::NotRegular(describe(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadFailure::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Read one byte past the limit, in case the file grew since `metadata`.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn describe(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// What a walk of `content/` found: every file to read, sorted, with its
/// kind, and what it reported (files that cited would not read are
/// reported, never skipped in silence). The preview keeps it between loads
/// (see [`Listing::updated`]).
#[derive(Clone)]
pub struct Listing {
    files: Vec<ContentFile>,
    problems: Vec<Diagnostic>,
}

impl Listing {
    /// The files to read (of two files for one id, the first: the second
    /// is reported), with the listing's problems put into `diagnostics`.
    pub fn files_to_read(&self, diagnostics: &mut Diagnostics) -> Vec<&ContentFile> {
        for problem in &self.problems {
            diagnostics.push(problem.clone());
        }
        drop_second_files_for_one_id(&self.files, diagnostics)
    }

    /// Every file found, including a second file for one id.
    pub fn files(&self) -> &[ContentFile] {
        &self.files
    }

    /// Whether `other` lists the same files, the same way, with the same
    /// problems.
    pub fn same_as(&self, other: &Listing) -> bool {
        let same_file = |a: &ContentFile, b: &ContentFile| {
            (a.kind, &a.relative, &a.open, a.linked) == (b.kind, &b.relative, &b.open, b.linked)
        };
        let mut problems: Vec<String> = self.problems.iter().map(|d| format!("{d:?}")).collect();
        let mut others: Vec<String> = other.problems.iter().map(|d| format!("{d:?}")).collect();
        problems.sort();
        others.sort();
        self.files.len() == other.files.len()
            && (self.files.iter().zip(&other.files)).all(|(a, b)| same_file(a, b))
            && problems == others
    }

    /// The listing as a walk would find it now, given that the files at
    /// `changed` (paths under `root`, as a file watcher reports them) are
    /// all that changed since it was made: each looked at again, nothing
    /// else. `None` when a change needs a whole walk: a folder made,
    /// removed or renamed, `content/` itself, anything not a file, or more
    /// changes than a walk takes longer for (each is looked up in the
    /// listing: a branch checked out in `content/` names thousands).
    pub fn updated(
        mut self,
        root: &Path,
        content_dir: &Path,
        changed: &[PathBuf],
    ) -> Option<Listing> {
        const MOST_CHANGES: usize = 64;
        if changed.len() > MOST_CHANGES {
            return None;
        }
        let content_real = content_dir.canonicalize().ok()?;
        for path in changed {
            let Ok(inside) = path.strip_prefix(content_dir) else {
                // Outside content/ (a template): not the listing's business,
                // unless it is content/ itself or above it.
                if content_dir.starts_with(path) {
                    return None;
                }
                continue;
            };
            if inside.as_os_str().is_empty() {
                return None;
            }
            // A walk does not go into clutter (`.git/`, `#autosave#`).
            let clutter = (inside.components())
                .any(|c| is_editor_clutter(c.as_os_str().to_str().unwrap_or("")));
            if clutter {
                continue;
            }
            let relative = relative(root, path);
            self.problems.retain(|problem| problem.file != relative);
            let listed =
                (self.files.iter()).position(|f| f.relative.as_os_str() == relative.as_os_str());
            // What it is now: `None` if it is gone (a file the listing
            // had, or a folder whose files it may have had: that needs a
            // walk).
            let now = match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_dir() => return None,
                Ok(meta) => Some(classify(
                    root,
                    content_dir,
                    &content_real,
                    path,
                    meta.is_symlink(),
                )),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    // A folder gone with files or problems of the listing
                    // in it: those need a walk to go too.
                    let under = |p: &Path| p != relative && p.starts_with(&relative);
                    if (self.files.iter()).any(|f| under(&f.relative))
                        || (self.problems.iter()).any(|d| under(&d.file))
                    {
                        return None;
                    }
                    None
                }
                Err(_) => return None,
            };
            if let Some(index) = listed {
                self.files.remove(index);
            }
            match now {
                Some(Classified::Read(file)) => {
                    let key = order_key(&file);
                    let at = (self.files)
                        .binary_search_by(|f| order_key(f).cmp(&key))
                        .unwrap_or_else(|at| at);
                    self.files.insert(at, file);
                }
                Some(Classified::Report(problem)) => self.problems.push(problem),
                Some(Classified::Beside) | None => {}
            }
        }
        Some(self)
    }
}

/// Walks `content/`: see [`Listing`].
pub fn find(root: &Path, content_dir: &Path) -> Listing {
    let content_real = content_dir
        .canonicalize()
        .unwrap_or_else(|_| content_dir.to_path_buf());
    let mut found = Vec::new();
    let mut problems = Vec::new();
    // Not sorted while walking: walkdir's sort works each file's name out
    // of its path again in every comparison. The list is sorted below.
    let walker = walkdir::WalkDir::new(content_dir)
        .into_iter()
        .filter_entry(|e| !is_editor_clutter(e.file_name().to_str().unwrap_or("")));
    // The walk only lists (it is one folder's entries at a time); what
    // each entry is, and whether it may be read, is worked out on every
    // core, each entry on its own.
    let mut entries = Vec::new();
    for entry in walker {
        match entry {
            // The root is `content/` itself, which may be a symlink: it is the site's.
            Ok(entry) if entry.depth() == 0 || entry.file_type().is_dir() => {}
            Ok(entry) => entries.push(entry),
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| "content".into());
                problems.push(
                    Diagnostic::error(Code::Unreadable, path, None)
                        .message(format!("cannot read this folder: {error}")),
                );
            }
        }
    }
    let classified: Vec<Classified> = (entries.par_iter())
        .map(|entry| {
            classify(
                root,
                content_dir,
                &content_real,
                entry.path(),
                entry.path_is_symlink(),
            )
        })
        .collect();
    for entry in classified {
        match entry {
            Classified::Read(file) => found.push(file),
            Classified::Beside => {}
            Classified::Report(problem) => problems.push(problem),
        }
    }
    found.par_sort_by_cached_key(order_key);
    Listing {
        files: found,
        problems,
    }
}

/// Folder by folder, each in name order, as a walk sorted by name would
/// give them: the order of the content's lists. That is the order of the
/// paths' bytes with each separator taken as the lowest byte (a path holds
/// no zero byte; these paths have no `.` or doubled `/`).
fn order_key(file: &ContentFile) -> Vec<u8> {
    let mut key = file.relative.as_os_str().as_encoded_bytes().to_vec();
    for byte in &mut key {
        if std::path::is_separator(char::from(*byte)) {
            *byte = 0;
        }
    }
    key
}

/// What a file of `content/` is to a load.
enum Classified {
    /// A content file to read.
    Read(ContentFile),
    /// An archive, read with the source beside it.
    Beside,
    /// Something not read, and why.
    Report(Diagnostic),
}

/// What the file at `path` (not a folder; `linked` if it is a symlink) is.
fn classify(
    root: &Path,
    content_dir: &Path,
    content_real: &Path,
    path: &Path,
    linked: bool,
) -> Classified {
    let rel = || relative(root, path);
    let mut open = path.to_path_buf();
    if linked {
        match path.canonicalize() {
            Ok(real) if !real.starts_with(content_real) => {
                return Classified::Report(
                    Diagnostic::error(Code::SymlinkOutside, rel(), None)
                        .message(format!(
                            "this is a link to {}, outside content/: cited does not read it",
                            real.display()
                        ))
                        .help("copy the file into content/ instead of linking to it"),
                );
            }
            Ok(real) if real.is_dir() => {
                return Classified::Report(
                    Diagnostic::warning(Code::IgnoredFile, rel(), None)
                        .message("this is a link to a folder: cited does not follow it")
                        .help("move the folder here instead of linking to it"),
                );
            }
            Ok(real) => open = real,
            Err(error) => {
                return Classified::Report(
                    Diagnostic::error(Code::Unreadable, rel(), None)
                        .message(format!("this link leads nowhere: {error}"))
                        .help("remove the link, or make it point at a file in content/"),
                );
            }
        }
    }
    let inside: Vec<&str> = path
        .strip_prefix(content_dir)
        .unwrap_or(path)
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    let is_yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    let kind = match inside.as_slice() {
        ["site.yaml" | "site.yml"] => Some("site"),
        [folder, _] if is_yaml => schema::kind_in_folder(folder).and_then(|k| k.folder),
        _ => None,
    };
    match (kind, inside.as_slice()) {
        (Some(kind), _) => Classified::Read(ContentFile {
            kind,
            relative: rel(),
            path: path.to_path_buf(),
            open,
            linked,
        }),
        // Archives sit beside the source that names them; they are read with it.
        (None, ["sources", ..]) if !is_yaml => Classified::Beside,
        (None, _) => Classified::Report(Diagnostic::warning(Code::IgnoredFile, rel(), None)
            .message("cited does not read this file")
            .help(format!(
                "content files are `content/site.yaml` and `content/<kind>/<id>.yaml` where kind is one of: {}",
                schema::entity_folders().collect::<Vec<_>>().join(", ")
            ))),
    }
}

/// `cost.yaml` and `cost.yml` (or `site.yaml` and `site.yml`) are two files
/// for one id: one error naming both, and only the first is read, so the
/// rest of the site is still checked against it.
fn drop_second_files_for_one_id<'a>(
    found: &'a [ContentFile],
    diagnostics: &mut Diagnostics,
) -> Vec<&'a ContentFile> {
    // Each (kind, id) to the first file found for it.
    let mut first: rustc_hash::FxHashMap<(&str, &std::ffi::OsStr), usize> =
        rustc_hash::FxHashMap::default();
    let mut second = vec![false; found.len()];
    for (index, file) in found.iter().enumerate() {
        let stem = file.path.file_stem().unwrap_or_default();
        match first.get(&(file.kind, stem)) {
            Some(&earlier) => {
                second[index] = true;
                diagnostics.push(
                    Diagnostic::error(Code::DuplicateId, file.relative.clone(), None)
                        .message(format!(
                            "two files for one id: {} and {}",
                            found[earlier].relative.display(),
                            file.relative.display()
                        ))
                        .help("keep one of them (cited reads only the first), and delete or rename the other"),
                );
            }
            None => {
                first.insert((file.kind, stem), index);
            }
        }
    }
    (found.iter().zip(second))
        .filter_map(|(file, second)| (!second).then_some(file))
        .collect()
}

/// Swap and backup files editors leave while saving; reading them would only
/// produce noise in `cited serve`.
fn is_editor_clutter(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#') || name.ends_with(".swp")
}

pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "title: x\n").unwrap();
        assert_eq!(read_file(&file, 100, false).unwrap(), b"title: x\n");
        assert!(matches!(
            read_file(&file, 4, false),
            Err(ReadFailure::TooLarge { size: 9, limit: 4 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_fifos_devices_and_unexpected_links() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yaml");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(matches!(
            read_file(&fifo, MB, false),
            Err(ReadFailure::NotRegular(_))
        ));
        assert!(matches!(
            read_file(Path::new("/dev/zero"), MB, true),
            Err(ReadFailure::NotRegular(_))
        ));
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
        assert!(matches!(
            read_file(&link, MB, false),
            Err(ReadFailure::NotRegular("a symlink"))
        ));
    }
}
