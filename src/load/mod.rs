//! Load: find the content files, parse them, and read them into the model.
//!
//! This stage knows where files live (`content/<kind>/<id>.yaml`), what an id
//! may look like, and how to read a source's archive safely. It reports
//! syntax and shape problems (unknown or missing fields, wrong types, bad
//! ids, archives outside `content/`) and must not check anything that needs
//! a second file: that is `check`'s job.

mod entities;
mod fields;
mod files;
mod ids;
mod numbers;
mod syntax;
pub mod yaml;

pub use ids::{RESERVED_PAGE_IDS, id_problem, is_valid_id, suggest_id};

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::archive;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, SourceFiles, Span};
use crate::model::{Content, Limits, Origin};
use fields::Reader;

/// What loading produced: the typed content and the text of every file read,
/// so diagnostics can quote their source lines.
pub struct Loaded {
    pub content: Content,
    pub files: SourceFiles,
    /// Content files and archives (relative paths) whose text differs from
    /// the previous load with the same cache: changed, added or removed
    /// (an archive: whose extracted text differs). Every file on a first load.
    pub changed: Vec<PathBuf>,
    /// For each question parsed again because its text changed, the question
    /// as the previous load with the same cache gave it (when that load's
    /// content was given back, see [`ParseCache::give_back`]): what the
    /// preview compares the edit with.
    pub replaced_questions: Vec<crate::model::Question>,
}

/// Parsed files kept between loads, so that a rebuild after an edit parses
/// only the files whose text changed (`cited serve`). Parsing is the larger
/// part of loading; reading the files again to compare is cheap.
///
/// An entity is not copied between the cache and the content: a load moves
/// each unchanged file's entity out of the cache into the content, and
/// [`ParseCache::give_back`] moves them back once the build is done with the
/// content. A file whose entity was not given back is parsed again.
#[derive(Default)]
pub struct ParseCache {
    /// Each file's stamp, the size limit it was read under, and its
    /// parse, by its path relative to the site. (Keyed by the path's bytes:
    /// a `Path` hashes and compares component by component, which a load
    /// of a large site would do tens of thousands of times.)
    files: FxHashMap<OsString, CachedFile>,
    /// An empty list with room for the questions, kept from the last
    /// content given back.
    spare_questions: Vec<crate::model::Question>,
    /// Each archive's text (or why it has none), by the archive's real path:
    /// extracting a web page or PDF again after every edit elsewhere would
    /// slow the preview down for nothing.
    archives: HashMap<PathBuf, CachedArchive>,
    /// Hashes archives' bytes, to tell a file saved unchanged from an edit.
    hasher: std::collections::hash_map::RandomState,
    /// The files of `content/` as the last load listed them.
    listing: Option<files::Listing>,
    /// What changed since the last load, when the caller knows it (see
    /// [`ParseCache::expect_changes`]).
    expected: Option<Vec<PathBuf>>,
}

/// An archive as the last load read it.
#[derive(Clone)]
struct CachedArchive {
    stamp: FileStamp,
    limit: u64,
    format: archive::Format,
    digest: u64,
    outcome: Result<Arc<str>, archive::Problem>,
}

/// A content file as the last load read it.
struct CachedFile {
    stamp: FileStamp,
    /// The size limit it was read under: a new limit reads it again.
    limit: u64,
    /// Its parse; the entity is `None` while the content holds it.
    parsed: ParsedFile,
    /// Whether the content holds its entity (not given back yet).
    lent: bool,
}

impl CachedFile {
    /// Whether its parse can stand for the file: it has its entity, or
    /// parsing gave none.
    fn reusable(&self, limit: u64) -> bool {
        self.limit == limit && !self.lent
    }
}

impl ParseCache {
    /// Tells the next load that the files at `changed` (under the site's
    /// root, as a file watcher names them) are the only ones changed since
    /// the last: it then looks at those alone, not at every file's stamp,
    /// unless one of them needs a whole walk (a folder). The caller must
    /// make sure, after the build, that nothing else changed
    /// ([`ParseCache::is_as_loaded`]): a watcher can miss an event.
    pub fn expect_changes(&mut self, changed: Vec<PathBuf>) {
        self.expected = Some(changed);
    }

    /// Whether `content/` under `root` is still as the last load found it:
    /// the same files listed, with the same problems, each with the stamp
    /// the load kept. `false` when in doubt.
    pub fn is_as_loaded(&self, root: &Path) -> bool {
        let Some(listing) = &self.listing else {
            return false;
        };
        let content_dir = root.join("content");
        let now = files::find(root, &content_dir);
        if !now.same_as(listing) {
            return false;
        }
        now.files().par_iter().all(|file| {
            let stamp = FileStamp::of(&file.open);
            // One the cache does not hold (it could not be read, or is
            // a second file for an id) is read again by every load.
            (self.files.get(file.relative.as_os_str()))
                .is_none_or(|cached| stamp == Some(cached.stamp))
        })
    }

    /// Takes back the entities of a content this cache's last load made,
    /// so the next load can hand them out again without parsing their
    /// files. Entities of files the cache no longer has are dropped.
    pub fn give_back(&mut self, content: Content) {
        let Content {
            site,
            sources,
            topics,
            mut questions,
            cautions,
            glossary,
            pages,
            reviewers,
            unreadable_ids: _,
        } = content;
        let entities = (site.into_iter().map(|e| Entity::Site(Box::new(e))))
            .chain(sources.into_iter().map(|e| Entity::Source(Box::new(e))))
            .chain(topics.into_iter().map(Entity::Topic))
            .chain(questions.drain(..).map(|q| Entity::Question(Box::new(q))))
            .chain(cautions.into_iter().map(Entity::Caution))
            .chain(glossary.into_iter().map(Entity::GlossaryTerm))
            .chain(pages.into_iter().map(Entity::Page))
            .chain(reviewers.into_iter().map(Entity::Reviewer));
        for entity in entities {
            if let Some(cached) = self.files.get_mut(entity.origin().file.as_os_str())
                && cached.lent
            {
                cached.parsed.entity = Some(entity);
                cached.lent = false;
            }
        }
        // The next load's list of questions: a fresh one of that size
        // would be zeroed by the system page by page.
        self.spare_questions = questions;
    }
}

/// Size and modification time: when both are as before, the file is taken
/// as unchanged without reading it again. Editors always change the
/// modification time when they save.
#[derive(Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Reads `root/content/`. Every problem goes into `diagnostics`; what could be
/// read is returned all the same, so later stages can report their problems too.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Loaded {
    load_inner(root, None, diagnostics)
}

/// [`load`], reusing the parse of every file whose text is unchanged since
/// the previous call with the same `cache`.
pub fn load_cached(root: &Path, cache: &mut ParseCache, diagnostics: &mut Diagnostics) -> Loaded {
    load_inner(root, Some(cache), diagnostics)
}

fn load_inner(
    root: &Path,
    mut cache: Option<&mut ParseCache>,
    diagnostics: &mut Diagnostics,
) -> Loaded {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(Code::NoContent, "content", None)
                .message(format!("no content folder in {}", root.display()))
                .help("run cited in the folder that holds `content/`, pass `--root DIR`, or start a site with `cited init DIR`"),
        );
        let changed = cache
            .map(|c| {
                c.archives.clear();
                c.files.drain().map(|(path, _)| path.into()).collect()
            })
            .unwrap_or_default();
        return Loaded {
            content: Content::default(),
            files: SourceFiles::default(),
            changed,
            replaced_questions: Vec::new(),
        };
    }

    // With the watcher's word for what changed, the last listing is
    // updated for those files alone, and only they are looked at again.
    let changes = cache
        .as_deref_mut()
        .and_then(|c| Some((c.expected.take()?, c.listing.take()?)));
    let (listing, looked_at) = match changes {
        Some((changed, listing)) => match listing.updated(root, &content_dir, &changed) {
            Some(listing) => {
                let looked_at: FxHashSet<PathBuf> =
                    changed.iter().map(|p| files::relative(root, p)).collect();
                (listing, Some(looked_at))
            }
            None => (files::find(root, &content_dir), None),
        },
        None => (files::find(root, &content_dir), None),
    };
    let found = listing.files_to_read(diagnostics);
    let cached = cache.as_deref();
    let look = |file: &files::ContentFile| match &looked_at {
        // A link is looked at every time: the watcher names the file it
        // leads to, not the link.
        Some(_) if file.linked => Look::Stamp,
        Some(looked_at) if looked_at.contains(&file.relative) => Look::Text,
        Some(_) => Look::AsCached,
        None => Look::Stamp,
    };
    // The site settings first: they set how large the other files may be.
    let (site_files, entity_files): (Vec<&files::ContentFile>, Vec<&files::ContentFile>) =
        found.iter().partition(|f| f.kind == "site");
    let site: Vec<Loading> = site_files
        .iter()
        .map(|f| load_one(root, f, Limits::default().yaml_bytes, cached, look(f)))
        .collect();
    let limits = site
        .iter()
        .find_map(|l| match &l.parsed {
            Parse::Fresh(parsed) => match &parsed.entity {
                Some(Entity::Site(site)) => Some(site.limits),
                _ => None,
            },
            // Taken from the cache: read under the default limit, like now.
            Parse::Cached => cached
                .and_then(|c| c.files.get(l.relative.as_os_str())?.parsed.entity.as_ref())
                .and_then(|e| match e {
                    Entity::Site(site) => Some(site.limits),
                    _ => None,
                }),
        })
        .unwrap_or_default();
    let mut loaded: Vec<Loading> = site;
    loaded.extend(
        entity_files
            .par_iter()
            .map(|f| load_one(root, f, limits.yaml_bytes, cached, look(f)))
            .collect::<Vec<_>>(),
    );
    drop(found);
    if let Some(cache) = cache.as_deref_mut() {
        cache.listing = Some(listing);
    }

    let mut changed: Vec<PathBuf> = loaded
        .iter()
        .filter(|l| l.new)
        .map(|l| l.relative.clone())
        .collect();
    let mut replaced_questions = Vec::new();
    let parsed: Vec<ParsedFile> = match cache.as_deref_mut() {
        None => (loaded.into_iter())
            .filter_map(|l| match l.parsed {
                Parse::Fresh(parsed) => Some(parsed),
                Parse::Cached => None, // Only with a cache.
            })
            .collect(),
        Some(cache) => {
            let now_present: rustc_hash::FxHashSet<&std::ffi::OsStr> =
                loaded.iter().map(|l| l.relative.as_os_str()).collect();
            changed.extend(
                (cache.files.keys())
                    .filter(|p| !now_present.contains(p.as_os_str()))
                    .map(PathBuf::from),
            );
            cache
                .files
                .retain(|path, _| now_present.contains(path.as_os_str()));
            (loaded.into_iter())
                .map(|l| cache.lend(l, &mut replaced_questions))
                .collect()
        }
    };
    let mut loaded = assemble(
        root,
        &content_dir,
        parsed,
        changed,
        limits,
        cache,
        diagnostics,
    );
    loaded.replaced_questions = replaced_questions;
    loaded
}

impl ParseCache {
    /// The parse of one file for the content: a fresh one, kept (without
    /// its entity) for the next load; or the cached one, its entity moved
    /// out to the content. A question parsed again because its text changed
    /// leaves the previous version in `replaced`.
    ///
    /// The stamp kept was taken before the file was read: if the file
    /// changes after that, its stamp will differ next time and it is read
    /// again.
    fn lend(&mut self, loading: Loading, replaced: &mut Vec<crate::model::Question>) -> ParsedFile {
        let Loading {
            relative,
            parsed,
            stamp,
            limit,
            new,
        } = loading;
        match parsed {
            Parse::Cached => {
                let cached = (self.files.get_mut(relative.as_os_str()))
                    .expect("a file taken from the cache is in it");
                (cached.stamp, cached.limit) = (stamp.expect("a cached file has a stamp"), limit);
                let entity = cached.parsed.entity.take();
                cached.lent = entity.is_some();
                ParsedFile {
                    entity,
                    ..cached.parsed.without_entity()
                }
            }
            Parse::Fresh(parsed) => {
                let previous = match stamp {
                    Some(stamp) => self.files.insert(
                        relative.into_os_string(),
                        CachedFile {
                            stamp,
                            limit,
                            parsed: parsed.without_entity(),
                            lent: parsed.entity.is_some(),
                        },
                    ),
                    None => self.files.remove(relative.as_os_str()),
                };
                if new
                    && let Some(CachedFile {
                        parsed:
                            ParsedFile {
                                entity: Some(Entity::Question(question)),
                                ..
                            },
                        ..
                    }) = previous
                {
                    replaced.push(*question);
                }
                parsed
            }
        }
    }
}

/// One content file, parsed or to be taken from the cache.
struct Loading {
    /// Its path relative to the site.
    relative: PathBuf,
    parsed: Parse,
    stamp: Option<FileStamp>,
    /// The size limit it was read under: a new limit reads it again.
    limit: u64,
    /// Whether its text differs from the cached parse (or there was none).
    new: bool,
}

/// Where a file's parse comes from.
// Not boxed: in a one-off build every file is parsed afresh, and a box
// would be one more allocation per file for nothing.
#[allow(clippy::large_enum_variant)]
enum Parse {
    Fresh(ParsedFile),
    /// The cache's, which holds the file's entity and is as the file is now.
    Cached,
}

/// How a load tells whether a file changed since the cache's last load.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Look {
    /// By its stamp, and by its text if the stamp differs.
    Stamp,
    /// By its text: the watcher says it changed (and a stamp can miss a
    /// save within the file system's clock tick).
    Text,
    /// It did not: the watcher names every file that did.
    AsCached,
}

/// Reads and parses one file, unless `cache` holds it with the same stamp
/// (or, failing that, the same text) and limit; `look` says how to tell.
fn load_one(
    root: &Path,
    file: &files::ContentFile,
    limit: u64,
    cache: Option<&ParseCache>,
    look: Look,
) -> Loading {
    let relative = file.relative.clone();
    let cached = cache.and_then(|c| c.files.get(relative.as_os_str()));
    let stamp = match cached {
        Some(cached) if look == Look::AsCached => Some(cached.stamp),
        _ => cache.and_then(|_| FileStamp::of(&file.open)),
    };
    let loading = |parsed, new| Loading {
        relative: relative.clone(),
        parsed,
        stamp,
        limit,
        new,
    };
    if let (Some(stamp), Some(cached)) = (stamp, cached)
        && cached.reusable(limit)
        && stamp == cached.stamp
        && stamp.modified.is_some()
        && look != Look::Text
    {
        // Same size and modification time: unchanged, no need to read it.
        return loading(Parse::Cached, false);
    }
    let bytes = files::read_file(&file.open, limit, file.linked);
    let same_text = matches!((&bytes, cached), (Ok(bytes), Some(cached))
        if cached.limit == limit
            && cached.parsed.text.as_deref().map(str::as_bytes) == Some(bytes.as_slice()));
    match cached {
        // (Without a stamp it could not be kept: parsed again below.)
        Some(cached) if same_text && cached.reusable(limit) && stamp.is_some() => {
            loading(Parse::Cached, false)
        }
        // The same text, but its entity was not given back: parsed again,
        // to the same entity, so no change.
        _ => loading(
            Parse::Fresh(parse_file(root, file.kind, &file.path, bytes)),
            !same_text,
        ),
    }
}

/// Puts parsed files together into the content: ids unique across kinds,
/// the site settings present, archives read.
fn assemble(
    root: &Path,
    content_dir: &Path,
    parsed: Vec<ParsedFile>,
    mut changed: Vec<PathBuf>,
    limits: Limits,
    mut cache: Option<&mut ParseCache>,
    diagnostics: &mut Diagnostics,
) -> Loaded {
    let mut files = SourceFiles::default();
    let mut content = Content::default();

    // Sized once: a list that doubles as it grows holds up to twice the
    // questions, and both its old and new buffers while it moves.
    let questions = (parsed.iter())
        .filter(|f| matches!(f.entity, Some(Entity::Question(_))))
        .count();
    if let Some(cache) = cache.as_deref_mut() {
        content.questions = std::mem::take(&mut cache.spare_questions);
    }
    content.questions.reserve_exact(questions);
    let mut seen_ids: HashMap<String, PathBuf> = HashMap::new();
    for file in parsed {
        diagnostics.extend(file.diagnostics);
        if let Some(text) = file.text {
            files.insert(file.relative.clone(), text);
        }
        let Some(entity) = file.entity else {
            if file.kind != "site" {
                content.unreadable_ids.insert(file.id);
            }
            continue;
        };
        if let Some(id) = entity.id() {
            if let Some(first) = seen_ids.get(id) {
                diagnostics.push(
                    Diagnostic::error(Code::DuplicateId, &file.relative, None)
                        .message(format!("the id `{id}` is already used by {}", first.display()))
                        .help("ids are unique across all kinds, so that `[[id]]` needs no prefix: rename one of the files"),
                );
                continue;
            }
            seen_ids.insert(id.to_string(), file.relative.clone());
        }
        entity.add_to(&mut content);
    }

    if content.site.is_none()
        && !diagnostics
            .iter()
            .any(|d| d.file == Path::new("content/site.yaml"))
    {
        diagnostics.push(
            Diagnostic::error(Code::MissingFile, "content/site.yaml", None)
                .message("the site has no `content/site.yaml`")
                .help("create it with `title`, `base_url`, `language`, `description` and `disclaimer`"),
        );
    }

    // Archives are read in parallel: a PDF takes a while.
    let previous = cache.as_deref().map(|c| (&c.archives, &c.hasher));
    let read: Vec<ArchiveRead> = content
        .sources
        .par_iter()
        .map(|source| read_archive(root, content_dir, source, limits.archive_bytes, previous))
        .collect();
    let mut archives = HashMap::new();
    for (source, read) in content.sources.iter_mut().zip(read) {
        diagnostics.extend(read.diagnostics);
        // Set either way: a source taken from the parse cache still has
        // the text of the last load's archive.
        source.archive_text = (read.text.as_ref()).map(|(_, text)| text.to_string());
        if let Some((relative, text)) = &read.text {
            files.insert(relative.clone(), text.clone());
        }
        if read.new
            && let Some((relative, _)) = &read.text
        {
            changed.push(relative.clone());
        }
        if let Some((real, entry)) = read.cached {
            archives.insert(real, entry);
        }
    }
    if let Some(cache) = cache {
        cache.archives = archives;
    }
    changed.sort();
    changed.dedup();
    Loaded {
        content,
        files,
        changed,
        replaced_questions: Vec::new(),
    }
}

use files::relative;

/// One file after parsing: its entity if it could be read, its problems, its text.
struct ParsedFile {
    kind: &'static str,
    id: String,
    relative: PathBuf,
    text: Option<Arc<str>>,
    entity: Option<Entity>,
    diagnostics: Diagnostics,
}

// Each entity is moved from its parser thread (or the parse cache) into
// `Content`. The large ones are boxed until then: the list of parsed files
// would otherwise take the size of the largest entity per file, for every
// file of a large site at once, and moving it would copy that much.
enum Entity {
    Site(Box<crate::model::Site>),
    Source(Box<crate::model::Source>),
    Topic(crate::model::Topic),
    Question(Box<crate::model::Question>),
    Caution(crate::model::Caution),
    GlossaryTerm(crate::model::GlossaryTerm),
    Page(crate::model::Page),
    Reviewer(crate::model::Reviewer),
}

impl ParsedFile {
    /// Everything but the entity (cheap: the text is shared).
    fn without_entity(&self) -> ParsedFile {
        ParsedFile {
            kind: self.kind,
            id: self.id.clone(),
            relative: self.relative.clone(),
            text: self.text.clone(),
            entity: None,
            diagnostics: self.diagnostics.clone(),
        }
    }
}

impl Entity {
    /// Its id; the site settings have none.
    fn id(&self) -> Option<&str> {
        match self {
            Entity::Site(_) => None,
            _ => Some(&self.origin().id),
        }
    }

    fn origin(&self) -> &Origin {
        match self {
            Entity::Site(e) => &e.origin,
            Entity::Source(e) => &e.origin,
            Entity::Topic(e) => &e.origin,
            Entity::Question(e) => &e.origin,
            Entity::Caution(e) => &e.origin,
            Entity::GlossaryTerm(e) => &e.origin,
            Entity::Page(e) => &e.origin,
            Entity::Reviewer(e) => &e.origin,
        }
    }

    fn add_to(self, content: &mut Content) {
        match self {
            Entity::Site(e) => content.site = Some(*e),
            Entity::Source(e) => content.sources.push(*e),
            Entity::Topic(e) => content.topics.push(e),
            Entity::Question(e) => content.questions.push(*e),
            Entity::Caution(e) => content.cautions.push(e),
            Entity::GlossaryTerm(e) => content.glossary.push(e),
            Entity::Page(e) => content.pages.push(e),
            Entity::Reviewer(e) => content.reviewers.push(e),
        }
    }
}

fn parse_file(
    root: &Path,
    kind: &'static str,
    path: &Path,
    bytes: Result<Vec<u8>, files::ReadFailure>,
) -> ParsedFile {
    let relative = relative(root, path);
    let id = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let mut diagnostics = Diagnostics::default();
    let text = match bytes {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid_up_to = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                diagnostics.push(
                    Diagnostic::error(
                        Code::NotUtf8,
                        &relative,
                        Some(Span::from_bytes(&text, valid_up_to, valid_up_to)),
                    )
                    .message("this file is not valid UTF-8")
                    .help("save the file as UTF-8"),
                );
                return ParsedFile {
                    kind,
                    id: id.clone(),
                    relative,
                    text: Some(text.into()),
                    entity: None,
                    diagnostics,
                };
            }
        },
        Err(failure) => {
            diagnostics.push(failure.diagnostic(&relative, "limits.yaml_mb"));
            return ParsedFile {
                kind,
                id: id.clone(),
                relative,
                text: None,
                entity: None,
                diagnostics,
            };
        }
    };

    let entity_kind = crate::schema::kind_in_folder(kind).and_then(|k| k.kind);
    if let Some((code, message, help)) = entity_kind.and_then(|k| ids::id_problem(k, &id)) {
        diagnostics.push(
            Diagnostic::error(code, &relative, None)
                .message(message)
                .help(help),
        );
    }

    let shape = match kind {
        "site" => Some(&crate::schema::SITE),
        folder => crate::schema::kind_in_folder(folder).map(|k| k.shape),
    };
    let entity = match yaml::parse_as(&text, shape) {
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(error.code, &relative, error.span)
                    .message(error.message)
                    .help(error.help),
            );
            None
        }
        Ok(node) => {
            let origin = Origin {
                id: id.clone(),
                file: relative.clone(),
            };
            let mut reader = Reader::new(&relative, &text, &mut diagnostics);
            match kind {
                "site" => {
                    entities::site(&mut reader, &node, origin).map(|e| Entity::Site(Box::new(e)))
                }
                "sources" => entities::source(&mut reader, &node, origin)
                    .map(|e| Entity::Source(Box::new(e))),
                "topics" => entities::topic(&mut reader, &node, origin).map(Entity::Topic),
                "questions" => entities::question(&mut reader, &node, origin)
                    .map(|q| Entity::Question(Box::new(q))),
                "cautions" => entities::caution(&mut reader, &node, origin).map(Entity::Caution),
                "glossary" => {
                    entities::glossary_term(&mut reader, &node, origin).map(Entity::GlossaryTerm)
                }
                "pages" => entities::page(&mut reader, &node, origin).map(Entity::Page),
                "reviewers" => entities::reviewer(&mut reader, &node, origin).map(Entity::Reviewer),
                _ => unreachable!("find_content_files only yields known kinds"),
            }
        }
    };
    ParsedFile {
        kind,
        id: id.clone(),
        relative,
        text: Some(text.into()),
        entity,
        diagnostics,
    }
}

/// What reading one source's archive gave.
struct ArchiveRead {
    /// The archive's path relative to the site, and its text.
    text: Option<(PathBuf, Arc<str>)>,
    diagnostics: Diagnostics,
    /// Its real path and what to remember of it, for the next load.
    cached: Option<(PathBuf, CachedArchive)>,
    /// Whether its text (or its problem) differs from the previous load's.
    new: bool,
}

/// Reads a source's archive and extracts its text ([`crate::archive`]). The
/// archive must be a file inside `content/` (a relative path, no `..`, no
/// symlink leading out), of a format cited reads, and not a YAML file (not
/// the source's own, nor any other). `previous` is what the last load read,
/// reused when the file's stamp or bytes are unchanged.
fn read_archive(
    root: &Path,
    content_dir: &Path,
    source: &crate::model::Source,
    limit: u64,
    previous: Option<(
        &HashMap<PathBuf, CachedArchive>,
        &std::collections::hash_map::RandomState,
    )>,
) -> ArchiveRead {
    let mut read = ArchiveRead {
        text: None,
        diagnostics: Diagnostics::default(),
        cached: None,
        new: true,
    };
    let file = &source.origin.file;
    let span = Some(source.archive.span);
    let name = source.archive.value.as_str();
    let mut refuse = |code: Code, message: String, help: &str| {
        read.diagnostics.push(
            Diagnostic::error(code, file, span)
                .message(message)
                .help(help.to_string()),
        );
    };
    let written = Path::new(name);
    let escapes = written.is_absolute()
        || written.components().any(|c| {
            matches!(
                c,
                Component::ParentDir | Component::RootDir | Component::Prefix(_)
            )
        });
    if escapes {
        refuse(
            Code::ArchiveOutside,
            format!("the archive `{name}` is outside `content/`"),
            "put the archive beside the source's YAML and give its file name",
        );
        return read;
    }
    let yaml_dir = root
        .join(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| content_dir.to_path_buf());
    let path = yaml_dir.join(written);
    let format = match archive::Format::of(written) {
        Ok(format) => format,
        Err(problem) => {
            let (mut message, help) = problem.describe(name);
            if problem == archive::Problem::ContentFile && root.join(file) == path {
                message = format!("the archive `{name}` is this source's own YAML file");
            }
            refuse(problem.code(), message, &help);
            return read;
        }
    };
    let real = match (path.canonicalize(), content_dir.canonicalize()) {
        (Ok(real), Ok(content_real)) if real.starts_with(&content_real) => real,
        (Err(_), _) => {
            refuse(
                Code::ArchiveMissing,
                format!(
                    "the archive `{}` does not exist",
                    relative(root, &path).display()
                ),
                "save the source beside this YAML as a web page, PDF, markdown or text file, or add it with `cited source add FILE`",
            );
            return read;
        }
        _ => {
            refuse(
                Code::ArchiveOutside,
                format!("the archive `{name}` leads outside `content/` (through a symlink)"),
                "copy the archive into `content/sources/` instead of linking to it",
            );
            return read;
        }
    };
    // A link with an archive's name may still lead to a content file.
    if let Err(archive::Problem::ContentFile) = archive::Format::of(&real) {
        let (message, help) = archive::Problem::ContentFile.describe(name);
        refuse(Code::ArchiveIsContent, message, &help);
        return read;
    }

    let stamp = FileStamp::of(&real);
    let before = previous
        .and_then(|(archives, _)| archives.get(&real))
        .filter(|c| c.limit == limit && c.format == format);
    let outcome = match (stamp, before) {
        // Same size and modification time: unchanged, not even read.
        (Some(stamp), Some(before)) if stamp == before.stamp && stamp.modified.is_some() => {
            read.new = false;
            read.cached = Some((real.clone(), before.clone()));
            before.outcome.clone()
        }
        _ => {
            let bytes = match files::read_file(&path, limit, true) {
                Ok(bytes) => bytes,
                Err(failure) => {
                    let (code, message, help) = match failure {
                        files::ReadFailure::TooLarge { size, limit } => (
                            Code::FileTooLarge,
                            format!(
                                "the archive `{name}` is {:.1} MB, more than the {:.1} MB cited reads",
                                size as f64 / files::MB as f64,
                                limit as f64 / files::MB as f64
                            ),
                            "check that it is the file you meant; if it is, raise `limits.archive_mb` in content/site.yaml",
                        ),
                        files::ReadFailure::NotRegular(what) => (
                            Code::NotARegularFile,
                            format!("the archive `{name}` is {what}, not a regular file"),
                            "an archive is an ordinary file holding the source's text",
                        ),
                        files::ReadFailure::Io(error) => (
                            Code::ArchiveUnreadable,
                            format!("cannot read the archive `{name}`: {error}"),
                            "check that the file exists and that you may read it",
                        ),
                    };
                    refuse(code, message, help);
                    return read;
                }
            };
            let digest = previous.map(|(_, hasher)| {
                use std::hash::BuildHasher as _;
                hasher.hash_one(&bytes)
            });
            match (before, digest) {
                // Saved again without a change: the same text.
                (Some(before), Some(digest)) if before.digest == digest => {
                    read.new = false;
                    read.cached = stamp.map(|stamp| {
                        (
                            real.clone(),
                            CachedArchive {
                                stamp,
                                ..before.clone()
                            },
                        )
                    });
                    before.outcome.clone()
                }
                _ => {
                    let outcome = archive::extract(format, &bytes).map(Arc::<str>::from);
                    read.new = before.is_none_or(|b| b.outcome != outcome);
                    if let (Some(stamp), Some(digest)) = (stamp, digest) {
                        read.cached = Some((
                            real.clone(),
                            CachedArchive {
                                stamp,
                                limit,
                                format,
                                digest,
                                outcome: outcome.clone(),
                            },
                        ));
                    }
                    outcome
                }
            }
        }
    };
    match outcome {
        Ok(text) => read.text = Some((relative(root, &path), text)),
        Err(problem) => {
            let (message, help) = problem.describe(name);
            refuse(problem.code(), message, &help);
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site with the least settings and an empty `content/<folder>/`.
    fn site_with_folder(folder: &str) -> tempfile::TempDir {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(temp.path().join("content").join(folder)).unwrap();
        std::fs::write(
            temp.path().join("content/site.yaml"),
            "title: T\nbase_url: https://example.org/\nlanguage: en\n",
        )
        .unwrap();
        temp
    }

    /// A glossary term's file, its definition saying `word`.
    fn term_yaml(word: &str) -> String {
        format!("term: Crumb\ndefinition: The {word} inside of a loaf.\n")
    }

    /// Gives `path` the modification time `at`, as a save at that time would.
    fn set_modified(path: &Path, at: std::time::SystemTime) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(at).unwrap();
    }

    /// The table's complete example of every kind reads without a problem,
    /// and (through `Reader::finish`) the reader asks for every field the
    /// table lists: the table and the reader cannot drift apart.
    #[test]
    fn every_kind_reads_its_own_complete_example() {
        for kind in crate::schema::FILE_KINDS {
            let folder = kind.folder.unwrap_or("site");
            let path = match kind.folder {
                Some(folder) => PathBuf::from(format!("/site/content/{folder}/example.yaml")),
                None => PathBuf::from("/site/content/site.yaml"),
            };
            let text = crate::schema::example_yaml(kind.shape);
            let parsed = parse_file(
                Path::new("/site"),
                folder,
                &path,
                Ok(text.clone().into_bytes()),
            );
            let problems: Vec<_> = parsed.diagnostics.iter().collect();
            assert!(problems.is_empty(), "{}:\n{text}\n{problems:#?}", kind.name);
            assert!(parsed.entity.is_some(), "{} did not read", kind.name);
        }
    }

    /// `cited serve` reloads after every edit: an archive whose stamp is
    /// unchanged is not read again, one saved with the same bytes is not
    /// extracted again (and is no change), and an edited one is.
    #[test]
    fn archives_are_extracted_again_only_when_they_change() {
        let temp = site_with_folder("sources");
        let root = temp.path();
        let sources = root.join("content/sources");
        std::fs::write(sources.join("page.yaml"), "title: P\narchive: page.html\n").unwrap();
        let page = sources.join("page.html");
        let html = |word: &str| {
            format!(
                "<html><body><article><p>The {word} of this page is long enough to be the main text of it, \
                 as a reader view would find it, with more words to make it so.</p></article></body></html>"
            )
        };
        std::fs::write(&page, html("first")).unwrap();
        let text_of = |loaded: &Loaded| loaded.content.sources[0].archive_text.clone().unwrap();
        let archive = PathBuf::from("content/sources/page.html");

        let mut cache = ParseCache::default();
        let mut diagnostics = Diagnostics::default();
        let first = load_cached(root, &mut cache, &mut diagnostics);
        assert!(
            text_of(&first).contains("The first of this page"),
            "{diagnostics:?}"
        );
        assert!(first.changed.contains(&archive));
        cache.give_back(first.content);

        // Same length, same modification time: taken as unchanged, not read.
        let modified = std::fs::metadata(&page).unwrap().modified().unwrap();
        std::fs::write(&page, html("other")).unwrap();
        let file = std::fs::File::options().write(true).open(&page).unwrap();
        file.set_modified(modified).unwrap();
        let second = load_cached(root, &mut cache, &mut diagnostics);
        assert!(text_of(&second).contains("The first of this page"));
        assert!(!second.changed.contains(&archive));
        cache.give_back(second.content);

        // A new modification time: read, and its new text is a change.
        file.set_modified(modified + std::time::Duration::from_secs(5))
            .unwrap();
        let third = load_cached(root, &mut cache, &mut diagnostics);
        assert!(text_of(&third).contains("The other of this page"));
        assert!(third.changed.contains(&archive));
        cache.give_back(third.content);

        // Saved again with the same bytes: the same text, no change.
        file.set_modified(modified + std::time::Duration::from_secs(10))
            .unwrap();
        let fourth = load_cached(root, &mut cache, &mut diagnostics);
        assert!(text_of(&fourth).contains("The other of this page"));
        assert!(!fourth.changed.contains(&archive));
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    }

    /// A content file saved with the same bytes is no change, and the cache
    /// keeps its parse under its new stamp: the next load does not read it
    /// again. An edited one is parsed again, a removed one is a change.
    #[test]
    fn the_parse_cache_follows_saves_edits_and_removals() {
        let temp = site_with_folder("glossary");
        let root = temp.path();
        let term = root.join("content/glossary/crumb.yaml");
        let relative = PathBuf::from("content/glossary/crumb.yaml");
        std::fs::write(&term, term_yaml("soft")).unwrap();
        let definition = |loaded: &Loaded| loaded.content.glossary[0].definition.clone();
        let set_modified = |at| set_modified(&term, at);
        let mut cache = ParseCache::default();
        let mut diagnostics = Diagnostics::default();
        let first = load_cached(root, &mut cache, &mut diagnostics);
        assert!(definition(&first).contains("soft"), "{diagnostics:?}");
        cache.give_back(first.content);
        let modified = std::fs::metadata(&term).unwrap().modified().unwrap();

        // Saved again with the same bytes, a new modification time: no change.
        let saved = modified + std::time::Duration::from_secs(5);
        set_modified(saved);
        let second = load_cached(root, &mut cache, &mut diagnostics);
        assert!(!second.changed.contains(&relative));
        cache.give_back(second.content);

        // Other bytes of the same length under that same new stamp: taken as
        // unchanged, not read (so the cache took the new stamp).
        std::fs::write(&term, term_yaml("firm")).unwrap();
        set_modified(saved);
        let third = load_cached(root, &mut cache, &mut diagnostics);
        assert!(definition(&third).contains("soft"));
        assert!(!third.changed.contains(&relative));
        cache.give_back(third.content);

        // A new stamp: read, parsed again, a change.
        set_modified(saved + std::time::Duration::from_secs(5));
        let fourth = load_cached(root, &mut cache, &mut diagnostics);
        assert!(definition(&fourth).contains("firm"));
        assert!(fourth.changed.contains(&relative));
        cache.give_back(fourth.content);

        // Removed: a change, and gone from the content.
        std::fs::remove_file(&term).unwrap();
        let fifth = load_cached(root, &mut cache, &mut diagnostics);
        assert!(fifth.changed.contains(&relative));
        assert!(fifth.content.glossary.is_empty());
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    }

    /// Told which files changed (as `cited serve`'s watcher tells it), a
    /// load looks at those alone: a file it is told of is read even under
    /// its old stamp, new and removed files it is told of are found, a
    /// folder among the changes means a whole walk, and a change it is not
    /// told of is missed by the load but found by `is_as_loaded`.
    #[test]
    fn told_what_changed_a_load_looks_only_there_and_a_missed_change_is_found_after() {
        let temp = site_with_folder("glossary");
        let root = temp.path();
        let term = |name: &str| root.join(format!("content/glossary/{name}.yaml"));
        std::fs::write(term("crumb"), term_yaml("soft")).unwrap();
        std::fs::write(term("crust"), term_yaml("hard")).unwrap();
        let definitions = |loaded: &Loaded| -> Vec<String> {
            let glossary = loaded.content.glossary.iter();
            glossary.map(|t| t.definition.value.clone()).collect()
        };
        let mut cache = ParseCache::default();
        let mut diagnostics = Diagnostics::default();
        let first = load_cached(root, &mut cache, &mut diagnostics);
        assert_eq!(definitions(&first).len(), 2, "{diagnostics:?}");
        cache.give_back(first.content);
        assert!(cache.is_as_loaded(root));

        // Other bytes of the same length under the same stamp: told, read.
        let modified = std::fs::metadata(term("crumb"))
            .unwrap()
            .modified()
            .unwrap();
        std::fs::write(term("crumb"), term_yaml("firm")).unwrap();
        set_modified(&term("crumb"), modified);
        cache.expect_changes(vec![term("crumb")]);
        let second = load_cached(root, &mut cache, &mut diagnostics);
        assert!(definitions(&second)[0].contains("firm"));
        assert_eq!(
            second.changed,
            [PathBuf::from("content/glossary/crumb.yaml")]
        );
        cache.give_back(second.content);
        assert!(cache.is_as_loaded(root));

        // A new file and a removed one, told.
        std::fs::write(term("flour"), term_yaml("dry")).unwrap();
        std::fs::remove_file(term("crust")).unwrap();
        cache.expect_changes(vec![term("flour"), term("crust")]);
        let third = load_cached(root, &mut cache, &mut diagnostics);
        let now = definitions(&third);
        assert_eq!(now.len(), 2);
        assert!(now.iter().any(|d| d.contains("dry")) && !now.iter().any(|d| d.contains("hard")));
        cache.give_back(third.content);
        assert!(cache.is_as_loaded(root));

        // An edit it is not told of: the load keeps the old text, and the
        // check after it says so; a load not told anything finds it.
        std::fs::write(term("flour"), term_yaml("fine and dry")).unwrap();
        cache.expect_changes(vec![term("crumb")]);
        let fourth = load_cached(root, &mut cache, &mut diagnostics);
        assert!(!definitions(&fourth).iter().any(|d| d.contains("fine")));
        cache.give_back(fourth.content);
        assert!(!cache.is_as_loaded(root));
        let fifth = load_cached(root, &mut cache, &mut diagnostics);
        assert!(definitions(&fifth).iter().any(|d| d.contains("fine")));
        cache.give_back(fifth.content);
        assert!(cache.is_as_loaded(root));

        // A folder among the changes: a whole walk finds what is in it.
        std::fs::create_dir(root.join("content/pages")).unwrap();
        std::fs::write(
            root.join("content/pages/about.yaml"),
            "title: About\nbody: About this site.\n",
        )
        .unwrap();
        cache.expect_changes(vec![root.join("content/pages")]);
        let sixth = load_cached(root, &mut cache, &mut diagnostics);
        assert_eq!(sixth.content.pages.len(), 1);
        cache.give_back(sixth.content);
        assert!(cache.is_as_loaded(root));
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");

        // A folder of a file cited does not read, then the folder removed
        // (the watcher may name the folder alone): its warning goes too.
        let ignored = root.join("content/glossary/old");
        std::fs::create_dir(&ignored).unwrap();
        std::fs::write(ignored.join("note.yaml"), "term: x\n").unwrap();
        cache.expect_changes(vec![ignored.clone()]);
        let mut warned = Diagnostics::default();
        let seventh = load_cached(root, &mut cache, &mut warned);
        assert!(warned.iter().any(|d| d.code == Code::IgnoredFile));
        cache.give_back(seventh.content);
        std::fs::remove_dir_all(&ignored).unwrap();
        cache.expect_changes(vec![ignored]);
        let mut after = Diagnostics::default();
        let eighth = load_cached(root, &mut cache, &mut after);
        assert!(
            !after.iter().any(|d| d.code == Code::IgnoredFile),
            "{after:?}"
        );
        cache.give_back(eighth.content);
        assert!(cache.is_as_loaded(root));
    }

    /// A load lends each cached entity to its content: one given back is
    /// handed out again without reading its file; one not given back is
    /// parsed again from the file as it is now (and is no change if its
    /// text is the same). A question parsed again because it changed comes
    /// with the version it replaces, when that was given back.
    #[test]
    fn the_parse_cache_lends_entities_and_takes_them_back() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        // The valid fixture's settings and one of its questions: loading
        // reads each file on its own.
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/content");
        std::fs::create_dir_all(root.join("content/questions")).unwrap();
        std::fs::copy(fixture.join("site.yaml"), root.join("content/site.yaml")).unwrap();
        let path = root.join("content/questions/how-long-to-rise.yaml");
        std::fs::copy(fixture.join("questions/how-long-to-rise.yaml"), &path).unwrap();
        let relative = relative(root, &path);
        let id = path.file_stem().unwrap().to_str().unwrap().to_string();
        let summary = |loaded: &Loaded| {
            let q = loaded.content.questions.iter().find(|q| q.origin.id == id);
            q.unwrap().summary.value.clone()
        };
        let set_modified = |at| set_modified(&path, at);
        let mut cache = ParseCache::default();
        let mut diagnostics = Diagnostics::default();
        let first = load_cached(root, &mut cache, &mut diagnostics);
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
        let original = summary(&first);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();

        // Not given back: other bytes of the same length under the same
        // stamp are read and parsed all the same (the cache has no entity
        // to stand for them), and they are a change.
        let text = std::fs::read_to_string(&path).unwrap();
        let swapped = text.replacen(&original, &original.to_uppercase(), 1);
        assert_ne!(
            swapped, text,
            "the fixture's summary has lower-case letters"
        );
        std::fs::write(&path, &swapped).unwrap();
        set_modified(modified);
        let second = load_cached(root, &mut cache, &mut diagnostics);
        assert_eq!(summary(&second), original.to_uppercase());
        assert!(second.changed.contains(&relative));
        // The version it replaced was never given back.
        assert!(second.replaced_questions.is_empty());
        cache.give_back(second.content);

        // Given back: the same stamp hands the entity out again, unread.
        std::fs::write(&path, &text).unwrap();
        set_modified(modified);
        let third = load_cached(root, &mut cache, &mut diagnostics);
        assert_eq!(summary(&third), original.to_uppercase());
        assert!(!third.changed.contains(&relative));
        cache.give_back(third.content);

        // A new stamp: parsed again, with the version it replaces.
        set_modified(modified + std::time::Duration::from_secs(5));
        let fourth = load_cached(root, &mut cache, &mut diagnostics);
        assert_eq!(summary(&fourth), original);
        assert!(fourth.changed.contains(&relative));
        let replaced: Vec<&str> = (fourth.replaced_questions.iter())
            .map(|q| q.summary.value.as_str())
            .collect();
        assert_eq!(replaced, [original.to_uppercase()]);

        // Not given back, the same text under a new stamp: parsed again,
        // and no change.
        set_modified(modified + std::time::Duration::from_secs(10));
        let fifth = load_cached(root, &mut cache, &mut diagnostics);
        assert_eq!(summary(&fifth), original);
        assert!(!fifth.changed.contains(&relative));
        assert!(fifth.replaced_questions.is_empty());
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    }

    #[test]
    fn defaults_in_the_table_match_the_code() {
        let field = crate::schema::SITE_REVIEW.field("max_age_days");
        let crate::schema::Presence::Default(default) = field.presence else {
            panic!("max_age_days has no default in the table");
        };
        assert_eq!(
            default,
            crate::schema::DEFAULT_REVIEW_MAX_AGE_DAYS.to_string()
        );
        for (name, constant) in [
            ("yaml_mb", crate::schema::DEFAULT_YAML_MB),
            ("archive_mb", crate::schema::DEFAULT_ARCHIVE_MB),
        ] {
            let field = crate::schema::SITE_LIMITS.field(name);
            let crate::schema::Presence::Default(default) = field.presence else {
                panic!("{name} has no default in the table");
            };
            assert_eq!(default, constant.to_string(), "{name}");
        }
    }
}
