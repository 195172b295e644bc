//! What an id may be. The file stem of every entity is its id: it becomes a
//! URL path segment, a folder of the built site and a link target, so it is
//! restricted to lowercase ASCII words joined by single hyphens, and it may
//! not take a name the site or a host's file system keeps for itself.
//!
//! `load` and `cited new` both ask [`id_problem`], so `new` refuses exactly
//! what a build would. This module only judges names; it touches no files.

use crate::diagnostics::Code;
use crate::model::Kind;

/// Folder names a plain page may not take: the site's own pages live there
/// (`/<page-id>/` would collide with `/tags/`, `/search/`...).
pub const RESERVED_PAGE_IDS: &[&str] = &[
    "questions",
    "topics",
    "sources",
    "cautions",
    "reviewers",
    "tags",
    "glossary",
    "search",
    "get-help",
    "assets",
    "schema",
    "404",
];

/// Names Windows will not create as files or folders, whatever the
/// extension (`con.yaml`, `questions/nul/`): a site is often edited or
/// deployed there.
const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why `id` cannot name an entity of `kind`: (code, message, help). `None`
/// when it can.
pub fn id_problem(kind: Kind, id: &str) -> Option<(Code, String, String)> {
    if !is_valid_id(id) {
        return Some((
            Code::BadId,
            format!("`{id}` is not a valid id: the file name is the id"),
            format!(
                "use lowercase letters, digits and single hyphens, e.g. rename the file to `{}.yaml`",
                suggest_id(id)
            ),
        ));
    }
    if WINDOWS_RESERVED.contains(&id) {
        return Some((
            Code::ReservedId,
            format!("`{id}` cannot be an id: Windows cannot create a file or folder of that name"),
            format!("rename the file, e.g. to `{id}-{}.yaml`", kind_word(kind)),
        ));
    }
    if kind == Kind::Page && RESERVED_PAGE_IDS.contains(&id) {
        return Some((
            Code::ReservedId,
            format!("a page cannot be called `{id}`: the site uses /{id}/ for its own pages"),
            format!("rename the file, e.g. to `about-{id}.yaml`"),
        ));
    }
    None
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Source => "source",
        Kind::Topic => "topic",
        Kind::Question => "question",
        Kind::Caution => "caution",
        Kind::Glossary => "term",
        Kind::Page => "page",
        Kind::Reviewer => "reviewer",
    }
}

/// Ids are URL path segments and link targets: lowercase ASCII words joined by single hyphens.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The nearest valid id to `id`, for the help text.
pub fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "my-id".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_ids() {
        assert!(id_problem(Kind::Question, "how-long").is_none());
        assert_eq!(
            id_problem(Kind::Question, "How_Long").unwrap().0,
            Code::BadId
        );
        assert_eq!(id_problem(Kind::Page, "tags").unwrap().0, Code::ReservedId);
        assert!(id_problem(Kind::Question, "tags").is_none());
        assert_eq!(
            id_problem(Kind::Glossary, "nul").unwrap().0,
            Code::ReservedId
        );
        assert_eq!(suggest_id("How Long?"), "how-long");
    }
}
