//! `--out` can never destroy data, and staging folders of killed runs are
//! cleaned up.
//!
//! Every test runs the real `cited` binary in a temporary folder `T` that
//! holds the site (`T/site`, a copy of `tests/fixtures/valid`) and whatever
//! else the case needs beside it. A refused build must exit 1 with its code
//! and leave every file under `T` exactly as it was.

// Symlinks, advisory locks and SIGKILL are Unix things.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The name of the file that marks a folder as a cited output.
const MARKER: &str = ".cited-output";
/// The lock file inside a staging or preview folder while a run uses it.
const LOCK_FILE: &str = ".cited-lock";

/// A temporary folder holding a copy of the valid fixture site in `site/`.
struct Scene {
    temp: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        let temp = tempfile::tempdir().unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        common::copy_dir(&fixture, &temp.path().join("site"));
        Scene { temp }
    }

    /// `T/<relative>`; `path("")` is `T` itself.
    fn path(&self, relative: &str) -> PathBuf {
        let base = self.temp.path().canonicalize().unwrap();
        if relative.is_empty() {
            base
        } else {
            base.join(relative)
        }
    }

    fn site(&self) -> PathBuf {
        self.path("site")
    }

    /// Runs `cited ARGS` in `T/<cwd>`.
    fn cited(&self, cwd: &str, args: &[&str]) -> Output {
        self.cited_with(cwd, args, &[])
    }

    fn cited_with(&self, cwd: &str, args: &[&str], env: &[(&str, &Path)]) -> Output {
        let mut command = self.command(cwd, args);
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().unwrap()
    }

    fn command(&self, cwd: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cited"));
        command
            .args(args)
            .current_dir(self.path(cwd))
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            // 2026-02-01, the day the fixture's reviews are current on.
            .env("SOURCE_DATE_EPOCH", "1769904000")
            // Never the real home folder: a home that holds nothing of the test.
            .env("HOME", self.temp.path().join("no-home"));
        command
    }

    /// Everything under `T`: each path with its kind and contents.
    fn snapshot(&self) -> BTreeMap<PathBuf, Entry> {
        snapshot(&self.path(""))
    }

    /// Adds `count` questions to the site, so that a build of it takes long
    /// enough to be stopped in the middle.
    fn enlarge(&self, count: usize) {
        let questions = self.site().join("content/questions");
        let template = std::fs::read_to_string(questions.join("does-bread-go-stale.yaml")).unwrap();
        for i in 0..count {
            let text = template.replace(
                "question: Does bread go stale?",
                &format!("question: Does loaf number {i} go stale?"),
            );
            std::fs::write(questions.join(format!("stale-loaf-{i}.yaml")), text).unwrap();
        }
    }
}

#[derive(Debug, PartialEq)]
enum Entry {
    Folder,
    File(Vec<u8>),
    Symlink(PathBuf),
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let kind = e.file_type();
            let entry = if kind.is_symlink() {
                Entry::Symlink(std::fs::read_link(e.path()).unwrap())
            } else if kind.is_dir() {
                Entry::Folder
            } else {
                Entry::File(std::fs::read(e.path()).unwrap())
            };
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), entry)
        })
        .collect()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The build exited 1, reporting `code`.
fn assert_refused(output: &Output, code: &str) {
    let printed = text(output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the build must fail:\n{printed}"
    );
    assert!(
        printed.contains(&format!("error[{code}]")),
        "the build must report `{code}`:\n{printed}"
    );
}

fn assert_built(output: &Output) {
    assert!(
        output.status.success(),
        "the build must succeed:\n{}",
        text(output)
    );
}

/// A refused build leaves every file under `T` as it was, and says `code`.
fn assert_refused_and_untouched(scene: &Scene, cwd: &str, args: &[&str], code: &str) {
    let before = scene.snapshot();
    let output = scene.cited(cwd, args);
    assert_refused(&output, code);
    let after = scene.snapshot();
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert!(
        changed.is_empty(),
        "`cited {}` in {cwd} changed {changed:?}",
        args.join(" ")
    );
}

/// Folders named like staging folders of `public`, beside it.
fn staging_folders(parent: &Path) -> Vec<PathBuf> {
    named_like(parent, ".public.cited-")
}

fn named_like(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

// ---------------------------------------------------------------------------
// Spellings of an output that would replace the site's own files.

#[test]
fn refuses_content_reached_through_a_missing_folder_and_dotdot() {
    let scene = Scene::new();
    assert_refused_and_untouched(
        &scene,
        "site",
        &["build", "--out", "public/../content"],
        "bad-output",
    );
}

#[test]
fn refuses_content_reached_through_an_existing_output_and_dotdot() {
    let scene = Scene::new();
    assert_built(&scene.cited("site", &["build"]));
    assert_refused_and_untouched(
        &scene,
        "site",
        &["build", "--out", "public/../content"],
        "bad-output",
    );
}

#[test]
fn refuses_content_spelled_plainly_with_a_trailing_slash_or_a_dot() {
    let scene = Scene::new();
    for out in ["content", "content/", "./content/.", "content/questions"] {
        assert_refused_and_untouched(&scene, "site", &["build", "--out", out], "bad-output");
    }
}

#[test]
fn refuses_the_site_folder_by_its_name_from_inside() {
    let scene = Scene::new();
    assert_refused_and_untouched(&scene, "site", &["build", "--out", "../site"], "bad-output");
}

#[test]
fn refuses_the_site_folder_itself() {
    let scene = Scene::new();
    let site = scene.site();
    for out in [".", "./", site.to_str().unwrap()] {
        assert_refused_and_untouched(&scene, "site", &["build", "--out", out], "bad-output");
    }
}

#[test]
fn refuses_a_folder_that_holds_the_site() {
    let scene = Scene::new();
    assert_refused_and_untouched(&scene, "site", &["build", "--out", ".."], "bad-output");
    assert_refused_and_untouched(&scene, "site", &["build", "--out", "/"], "bad-output");
}

#[test]
fn refuses_a_symlink_to_content() {
    let scene = Scene::new();
    symlink("content", scene.site().join("public")).unwrap();
    // The default output, `./public`, is that symlink here.
    assert_refused_and_untouched(&scene, "site", &["build"], "bad-output");
}

#[test]
fn refuses_a_missing_folder_under_a_symlink_to_content() {
    let scene = Scene::new();
    symlink("content", scene.site().join("shortcut")).unwrap();
    assert_refused_and_untouched(
        &scene,
        "site",
        &["build", "--out", "shortcut/new-output"],
        "bad-output",
    );
}

#[test]
fn refuses_content_reached_through_a_symlink_to_the_parent() {
    let scene = Scene::new();
    symlink("..", scene.site().join("up")).unwrap();
    assert_refused_and_untouched(
        &scene,
        "site",
        &["build", "--out", "up/site/content"],
        "bad-output",
    );
}

#[test]
fn refuses_content_when_the_site_root_is_given_through_a_symlink() {
    let scene = Scene::new();
    symlink("site", scene.path("linked-site")).unwrap();
    assert_refused_and_untouched(
        &scene,
        "",
        &["--root", "linked-site", "build", "--out", "site/content"],
        "bad-output",
    );
    assert_refused_and_untouched(
        &scene,
        "",
        &["--root", "site", "build", "--out", "linked-site/content"],
        "bad-output",
    );
    assert_refused_and_untouched(
        &scene,
        "",
        &["--root", "linked-site", "build", "--out", "site"],
        "bad-output",
    );
}

#[test]
fn refuses_content_when_the_site_root_is_given_with_dotdot() {
    let scene = Scene::new();
    std::fs::create_dir(scene.site().join("extra")).unwrap();
    assert_refused_and_untouched(
        &scene,
        "",
        &["--root", "site/extra/..", "build", "--out", "site/content"],
        "bad-output",
    );
}

#[test]
fn refuses_content_and_templates_that_are_symlinks_to_elsewhere() {
    let scene = Scene::new();
    let site = scene.site();
    std::fs::rename(site.join("content"), scene.path("real-content")).unwrap();
    symlink("../real-content", site.join("content")).unwrap();
    std::fs::create_dir_all(scene.path("real-templates/assets")).unwrap();
    std::fs::write(scene.path("real-templates/assets/extra.css"), "p {}").unwrap();
    symlink("../real-templates", site.join("templates")).unwrap();
    // The site builds as it is...
    assert_built(&scene.cited("site", &["build", "--out", "../elsewhere"]));
    // ...but never into the folders its links lead to, however spelled.
    for out in [
        "../real-content",
        "../real-content/sources",
        "../real-templates",
        "../real-templates/new",
    ] {
        assert_refused_and_untouched(&scene, "site", &["build", "--out", out], "bad-output");
    }
}

#[test]
fn refuses_templates_and_what_is_inside_them() {
    let scene = Scene::new();
    std::fs::create_dir_all(scene.site().join("templates/assets")).unwrap();
    std::fs::write(scene.site().join("templates/assets/extra.css"), "p {}").unwrap();
    for out in ["templates", "templates/assets", "public/../templates/new"] {
        assert_refused_and_untouched(&scene, "site", &["build", "--out", out], "bad-output");
    }
}

#[test]
fn refuses_the_home_folder_even_with_force() {
    let scene = Scene::new();
    let home = scene.path("home");
    std::fs::create_dir_all(home.join("Documents")).unwrap();
    std::fs::write(home.join("Documents/tax-return.pdf"), "numbers").unwrap();
    let before = scene.snapshot();
    for force in [&[][..], &["--force"][..]] {
        let args = [&["build"], force, &["--out", home.to_str().unwrap()]].concat();
        let output = scene.cited_with("site", &args, &[("HOME", &home)]);
        assert_refused(&output, "bad-output");
        assert_eq!(scene.snapshot(), before);
    }
}

#[test]
fn refuses_an_output_that_is_a_file() {
    let scene = Scene::new();
    std::fs::write(scene.site().join("notes.txt"), "my notes").unwrap();
    for out in ["notes.txt", "notes.txt/public"] {
        assert_refused_and_untouched(
            &scene,
            "site",
            &["build", "--out", out],
            "output-not-a-folder",
        );
    }
}

// ---------------------------------------------------------------------------
// Outputs that are fine.

#[test]
fn builds_into_the_default_public_folder_and_marks_it() {
    let scene = Scene::new();
    assert_built(&scene.cited("site", &["build"]));
    let public = scene.site().join("public");
    assert!(public.join("index.html").is_file());
    assert!(
        public.join(MARKER).is_file(),
        "the output carries the marker"
    );
    // The marker lets the next build replace it.
    std::fs::write(public.join("stale.html"), "from an earlier build").unwrap();
    assert_built(&scene.cited("site", &["build"]));
    assert!(!public.join("stale.html").exists());
    assert!(staging_folders(&scene.site()).is_empty());
}

#[test]
fn builds_elsewhere_on_disk_into_a_new_or_empty_folder() {
    let scene = Scene::new();
    let new = scene.path("elsewhere/deep/site-output");
    assert_built(&scene.cited("site", &["build", "--out", new.to_str().unwrap()]));
    assert!(new.join("index.html").is_file());
    assert!(new.join(MARKER).is_file());
    std::fs::create_dir(scene.path("empty")).unwrap();
    assert_built(&scene.cited("site", &["build", "--out", "../empty"]));
    assert!(scene.path("empty/index.html").is_file());
}

#[test]
fn builds_through_a_symlink_to_an_output_elsewhere() {
    let scene = Scene::new();
    assert_built(&scene.cited("site", &["build", "--out", "../www"]));
    symlink("../www", scene.site().join("public")).unwrap();
    std::fs::write(scene.path("www/stale.html"), "from an earlier build").unwrap();
    assert_built(&scene.cited("site", &["build"]));
    assert!(scene.path("www/index.html").is_file());
    assert!(!scene.path("www/stale.html").exists());
    assert!(
        scene.site().join("public").is_symlink(),
        "the link itself stays"
    );
}

#[test]
fn refuses_a_folder_cited_did_not_make_unless_forced() {
    let scene = Scene::new();
    std::fs::create_dir(scene.path("documents")).unwrap();
    std::fs::write(scene.path("documents/letter.txt"), "Dear Sir").unwrap();
    assert_refused_and_untouched(
        &scene,
        "site",
        &["build", "--out", "../documents"],
        "not-a-cited-output",
    );
    let refused = scene.cited("site", &["build", "--out", "../documents"]);
    assert!(
        text(&refused).contains("--force"),
        "the help names --force:\n{}",
        text(&refused)
    );

    assert_built(&scene.cited("site", &["build", "--force", "--out", "../documents"]));
    assert!(scene.path("documents/index.html").is_file());
    assert!(scene.path("documents").join(MARKER).is_file());
    assert!(!scene.path("documents/letter.txt").exists());
}

#[test]
fn an_output_of_an_older_version_is_refused_with_a_way_forward() {
    let scene = Scene::new();
    assert_built(&scene.cited("site", &["build"]));
    // What an older cited left: a site without the marker.
    std::fs::remove_file(scene.site().join("public").join(MARKER)).unwrap();
    let before = scene.snapshot();
    let output = scene.cited("site", &["build"]);
    assert_refused(&output, "not-a-cited-output");
    assert_eq!(scene.snapshot(), before);
    assert!(
        text(&output).contains("older"),
        "says what to do with an older output:\n{}",
        text(&output)
    );
}

// ---------------------------------------------------------------------------
// Staging folders of earlier runs.

/// Starts `cited build` on the (enlarged) site, waits until it is writing
/// pages into its staging folder, and kills it with SIGKILL. Returns that
/// folder.
fn kill_a_build_midway(scene: &Scene) -> PathBuf {
    let mut child: Child = scene
        .command("site", &["build"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = loop {
        let found = staging_folders(&scene.site());
        if let Some(folder) = found.first()
            && walkdir::WalkDir::new(folder)
                .into_iter()
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().ends_with(".html"))
        {
            break folder.clone();
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it could be stopped: enlarge the site"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        staging.is_dir(),
        "the killed build left its staging folder, as a crash would"
    );
    staging
}

#[test]
fn a_killed_build_leaves_nothing_behind_after_the_next_build() {
    let scene = Scene::new();
    scene.enlarge(1500);
    let stale = kill_a_build_midway(&scene);

    assert_built(&scene.cited("site", &["build"]));
    assert!(!stale.exists(), "the stale staging folder is removed");
    assert_eq!(staging_folders(&scene.site()), Vec::<PathBuf>::new());

    // The output is complete: the same as a build into a fresh folder.
    assert_built(&scene.cited("site", &["build", "--out", "../reference"]));
    let output = snapshot(&scene.site().join("public"));
    let reference = snapshot(&scene.path("reference"));
    assert_eq!(
        output.keys().collect::<Vec<_>>(),
        reference.keys().collect::<Vec<_>>()
    );
    assert!(output == reference, "the output equals a fresh build");
}

#[test]
fn a_staging_folder_whose_lock_is_held_is_kept() {
    let scene = Scene::new();
    scene.enlarge(1500);
    let busy = kill_a_build_midway(&scene);
    // Stand in for a build still running: hold its lock.
    let lock = std::fs::File::open(busy.join(LOCK_FILE)).unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();

    assert_built(&scene.cited("site", &["build"]));
    assert!(busy.is_dir(), "a folder in use is never removed");
    assert!(busy.join(LOCK_FILE).is_file());

    drop(lock);
    assert_built(&scene.cited("site", &["build"]));
    assert!(!busy.exists(), "once free, it is removed");
}

#[test]
fn folders_that_only_look_like_staging_folders_are_kept() {
    let scene = Scene::new();
    let site = scene.site();
    // Named like one, but without the lock file: not provably ours.
    std::fs::create_dir(site.join(".public.cited-foreign")).unwrap();
    std::fs::write(site.join(".public.cited-foreign/data.txt"), "keep me").unwrap();
    // A symlink named like one, to a folder that does hold a lock file.
    std::fs::create_dir(scene.path("victim")).unwrap();
    std::fs::write(scene.path("victim").join(LOCK_FILE), "").unwrap();
    std::fs::write(scene.path("victim/data.txt"), "keep me").unwrap();
    symlink("../victim", site.join(".public.cited-link")).unwrap();
    // A file named like one.
    std::fs::write(site.join(".public.cited-file"), "keep me").unwrap();

    assert_built(&scene.cited("site", &["build"]));
    assert_eq!(
        std::fs::read_to_string(site.join(".public.cited-foreign/data.txt")).unwrap(),
        "keep me"
    );
    assert!(site.join(".public.cited-link").is_symlink());
    assert_eq!(
        std::fs::read_to_string(scene.path("victim/data.txt")).unwrap(),
        "keep me"
    );
    assert!(scene.path("victim").join(LOCK_FILE).is_file());
    assert!(site.join(".public.cited-file").is_file());
}

/// A running `cited serve` whose TMPDIR is `T/tmp`, started and waited for
/// until it serves.
fn start_preview(scene: &Scene) -> Child {
    use std::io::BufRead;
    let mut child = scene
        .command("site", &["serve", "--port", "0"])
        .env("TMPDIR", scene.path("tmp"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the preview stopped before serving"
        );
        if line.starts_with("Serving ") {
            break;
        }
    }
    // Keep reading, so the preview never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    child
}

#[test]
fn a_killed_preview_leaves_nothing_behind_after_the_next_one_starts() {
    let scene = Scene::new();
    let tmp = scene.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    // Not ours: no lock file.
    std::fs::create_dir(tmp.join("cited-serve-foreign")).unwrap();
    std::fs::write(tmp.join("cited-serve-foreign/data.txt"), "keep me").unwrap();

    let mut first = start_preview(&scene);
    let stale = named_like(&tmp, "cited-serve-");
    assert_eq!(stale.len(), 2, "the foreign folder and the preview's own");
    first.kill().unwrap();
    first.wait().unwrap();

    let mut second = start_preview(&scene);
    let now = named_like(&tmp, "cited-serve-");
    second.kill().unwrap();
    second.wait().unwrap();
    let kept: Vec<_> = stale.iter().filter(|f| now.contains(f)).collect();
    assert_eq!(
        kept,
        vec![&tmp.join("cited-serve-foreign")],
        "only the killed preview's folder was removed"
    );
    assert_eq!(now.len(), 2, "the foreign folder and the new preview's");
    assert_eq!(
        std::fs::read_to_string(tmp.join("cited-serve-foreign/data.txt")).unwrap(),
        "keep me"
    );
}
