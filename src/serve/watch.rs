//! Watches the files a build reads (`content/` and `templates/`, theme
//! assets included) and turns the debounced events into the list of
//! changed paths worth a rebuild. Editor clutter (swap, backup and lock
//! files) is left out, and a folder that is deleted and made again is
//! watched again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// How long the watcher holds each file event before passing it on, and how
/// often it looks. Kept short: it counts in the time from a save to the
/// page. Bursts (an editor writing a temporary file and renaming it over
/// the real one) are folded into one rebuild by the builder, which waits
/// for the events to pause (see `rebuild::QUIET`).
const DEBOUNCE: Duration = Duration::from_millis(6);
const TICK: Duration = Duration::from_millis(2);

/// The folders under the site root that a build reads.
const SITE_FOLDERS: [&str; 2] = ["content", "templates"];

pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
}

/// Starts watching the site at `root` (an absolute path); changes go to
/// `on_events`, as the debouncer delivers them (on its own thread).
pub fn start(
    root: &Path,
    on_events: impl FnMut(DebounceEventResult) + Send + 'static,
) -> notify::Result<Watcher> {
    let debouncer = new_debouncer(DEBOUNCE, Some(TICK), on_events)?;
    let mut watcher = Watcher {
        debouncer,
        root: root.to_path_buf(),
    };
    // The root itself, not recursively, only to notice `content/` or
    // `templates/` being created, removed or renamed.
    watcher.debouncer.watch(root, RecursiveMode::NonRecursive)?;
    for folder in SITE_FOLDERS {
        watcher.watch_folder(&root.join(folder));
    }
    Ok(watcher)
}

impl Watcher {
    /// The changed files among `events` that a build reads. A watcher error
    /// counts as a change to everything, since something may have been
    /// missed.
    pub fn relevant_changes(&mut self, events: DebounceEventResult) -> Vec<PathBuf> {
        let events = match events {
            Ok(events) => events,
            Err(errors) => {
                for error in errors {
                    eprintln!("warning: watching files: {error}");
                }
                return vec![self.root.join("content")];
            }
        };
        let mut changed = Vec::new();
        for event in events {
            if matches!(event.kind, EventKind::Access(_)) {
                continue; // Reading a file changes nothing.
            }
            for path in &event.paths {
                if let Some(folder) = self.site_folder_itself(path) {
                    self.watch_folder(&folder);
                }
                if self.is_read_by_build(path) {
                    changed.push(path.clone());
                }
            }
        }
        changed
    }

    /// `content/` or `templates/` if `path` is that folder.
    fn site_folder_itself(&self, path: &Path) -> Option<PathBuf> {
        SITE_FOLDERS
            .iter()
            .map(|folder| self.root.join(folder))
            .find(|folder| folder == path)
    }

    fn is_read_by_build(&self, path: &Path) -> bool {
        let inside_site_folder = SITE_FOLDERS
            .iter()
            .any(|folder| path.starts_with(self.root.join(folder)));
        let clutter = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(is_editor_clutter);
        inside_site_folder && !clutter
    }

    /// (Re)starts watching `folder` recursively if it exists. A watch dies
    /// with its folder, so a folder made again needs a new one.
    fn watch_folder(&mut self, folder: &Path) {
        let _ = self.debouncer.unwatch(folder);
        if folder.is_dir()
            && let Err(error) = self.debouncer.watch(folder, RecursiveMode::Recursive)
        {
            eprintln!(
                "warning: cannot watch {}: {error}; changes there need a restart",
                folder.display()
            );
        }
    }
}

/// Files editors write beside the real one while saving: swap, backup and
/// lock files. The build does not read them, so they never need a rebuild.
fn is_editor_clutter(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name == "4913" // Vim's test of whether it may write in a folder.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_clutter_is_recognised() {
        for name in [
            ".cost.yaml.swp",
            "cost.yaml~",
            ".#cost.yaml",
            "#cost.yaml#",
            "4913",
            ".goutputstream-ABC123",
        ] {
            assert!(is_editor_clutter(name), "{name}");
        }
        for name in ["cost.yaml", "style.css", "base.html"] {
            assert!(!is_editor_clutter(name), "{name}");
        }
    }
}
