//! The theme: Tera templates and static assets.
//!
//! The default theme is compiled into the binary, so a site with only
//! `content/` builds. A site's own `templates/` folder overrides any built-in
//! template or asset of the same name, and may add more. Assets are published
//! under content-hashed names so browsers can cache them forever. This module
//! loads and parses; it does not decide what a page contains.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};

/// The default theme's templates, by name.
const BUILT_IN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    (
        "partials/quote.html",
        include_str!("../templates/partials/quote.html"),
    ),
    (
        "partials/question-list.html",
        include_str!("../templates/partials/question-list.html"),
    ),
    (
        "partials/backlinks.html",
        include_str!("../templates/partials/backlinks.html"),
    ),
    (
        "partials/caution.html",
        include_str!("../templates/partials/caution.html"),
    ),
    ("home.html", include_str!("../templates/home.html")),
    ("question.html", include_str!("../templates/question.html")),
    ("topic.html", include_str!("../templates/topic.html")),
    ("source.html", include_str!("../templates/source.html")),
    ("caution.html", include_str!("../templates/caution.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("glossary.html", include_str!("../templates/glossary.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("404.html", include_str!("../templates/404.html")),
];

/// The default theme's assets, by file name.
const BUILT_IN_ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../templates/assets/style.css")),
    ("search.js", include_bytes!("../templates/assets/search.js")),
];

/// An asset as published: its hashed path under the output and its bytes.
pub struct Asset {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub struct Theme {
    pub tera: tera::Tera,
    /// Changes whenever a template or asset does, so a rebuild knows whether
    /// pages rendered with the previous theme can be kept.
    pub fingerprint: u64,
    /// Asset file name → URL of its hashed copy, e.g. "style.css" → "/assets/style.1a2b3c4d.css".
    pub asset_urls: BTreeMap<String, String>,
    pub assets: Vec<Asset>,
}

/// Loads the built-in theme with the site's overrides from `root/templates/`.
pub fn load(root: &Path, site_root_path: &str, diagnostics: &mut Diagnostics) -> Option<Theme> {
    let mut templates: BTreeMap<String, (String, Option<String>)> = BUILT_IN_TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), (text.to_string(), None)))
        .collect();
    let mut asset_files: BTreeMap<String, Vec<u8>> = BUILT_IN_ASSETS
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect();

    let overrides = root.join("templates");
    if overrides.is_dir() {
        for entry in walkdir::WalkDir::new(&overrides).sort_by_file_name() {
            let entry = match entry {
                Ok(e) if e.file_type().is_file() => e,
                Ok(_) => continue,
                Err(error) => {
                    diagnostics.push(
                        Diagnostic::error(Code::Unreadable, "templates", None)
                            .message(format!("cannot read templates: {error}")),
                    );
                    continue;
                }
            };
            let name = entry
                .path()
                .strip_prefix(&overrides)
                .unwrap_or(entry.path());
            let name = name.to_string_lossy().replace('\\', "/");
            if name
                .split('/')
                .any(|part| part.starts_with('.') || part.ends_with('~'))
            {
                continue; // editor swap files
            }
            let relative = Path::new("templates").join(&name);
            match std::fs::read(entry.path()) {
                Ok(bytes) if name.starts_with("assets/") => {
                    asset_files.insert(name["assets/".len()..].to_string(), bytes);
                }
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        templates.insert(
                            name.clone(),
                            (text, Some(relative.to_string_lossy().into_owned())),
                        );
                    }
                    Err(_) => diagnostics.push(
                        Diagnostic::error(Code::NotUtf8, relative, None)
                            .message("this template is not valid UTF-8")
                            .help("save it as UTF-8"),
                    ),
                },
                Err(error) => diagnostics.push(
                    Diagnostic::error(Code::Unreadable, relative, None)
                        .message(format!("cannot read this template: {error}")),
                ),
            }
        }
    }

    let fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        templates
            .iter()
            .for_each(|(name, (text, _))| (name, text).hash(&mut hasher));
        asset_files.hash(&mut hasher);
        hasher.finish()
    };
    let mut asset_urls = BTreeMap::new();
    let mut assets = Vec::new();
    for (name, bytes) in asset_files {
        let path = format!("assets/{}", hashed_name(&name, &bytes));
        asset_urls.insert(name, format!("{site_root_path}{path}"));
        assets.push(Asset { path, bytes });
    }

    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    let named: Vec<(String, String)> = templates
        .iter()
        .map(|(n, (t, _))| (n.clone(), t.clone()))
        .collect();
    if let Err(error) = tera.add_raw_templates(named) {
        // Tera names the template at fault; point at the site's file when it is one.
        let message = error_chain(&error);
        let file = templates
            .iter()
            .find(|(name, _)| message.contains(name.as_str()))
            .map(|(name, (_, path))| {
                path.clone()
                    .unwrap_or_else(|| format!("built-in template {name}"))
            })
            .unwrap_or_else(|| "templates".to_string());
        diagnostics.push(
            Diagnostic::error(Code::TemplateSyntax, file, None)
                .message(format!("a template does not parse: {message}"))
                .help("fix the template syntax (Tera 2), or delete the override to use the built-in one"),
        );
        return None;
    }
    Some(Theme {
        tera,
        fingerprint,
        asset_urls,
        assets,
    })
}

/// `style.css` with content hash `1a2b3c4d…` becomes `style.1a2b3c4d.css`.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// An error with its causes, on one line: Tera's top-level message alone
/// often only says "failed to render".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
