//! What the preview's link stage keeps from one build to the next, so that
//! after an edit it works out again only what the edit can change.
//!
//! Three things are kept, each with everything it was worked out from:
//!
//! - **each entity's URL**, by its id, with its kind, for the `base_url`
//!   they were made with (all dropped when it changes);
//! - **each markdown field's internal links** (the ids it links to), with
//!   the id of the entity holding it and the field's text, in the order of
//!   the site's fields: reused when the text is the same, compared in full;
//! - **each quoted source's worked-out passages** (anchors, words, links
//!   to the original; see [`passages::Kept`]), with the archive, `url` and
//!   places they were worked out from: reused when all of them are equal.
//!
//! A reused value is a function of what it was compared on and nothing
//! else, so it is what a fresh link would make; no digest stands for a text
//! and no rule says when to forget (`tests/session.rs` compares every
//! rebuild with a fresh build). Entries of entities that are gone are
//! dropped at each build. This module decides what may be reused; it must
//! not work anything out itself, and a one-off build keeps nothing.

use rustc_hash::FxHashMap;

use super::passages;
use crate::model::Kind;
use crate::urls::SiteUrls;

/// The link stage's memory, kept by the preview's session between builds.
#[derive(Default)]
pub struct Cache {
    /// Each entity's kind and URL by its id, and the site's URLs they were
    /// made with.
    pub(super) urls: Option<(SiteUrls, EntityUrls)>,
    /// Each markdown field's id, text and internal links, in the order of
    /// the site's fields at the last build.
    pub(super) links: Vec<(String, FieldLinks)>,
    /// Each quoted source's worked-out passages, by source id.
    pub(super) passages: FxHashMap<String, passages::Kept>,
}

/// Each entity's kind and URL, by its id.
pub(super) type EntityUrls = FxHashMap<String, (Kind, String)>;

/// The ids a markdown field links to, and the text they were read from.
#[derive(Default)]
pub(super) struct FieldLinks {
    pub(super) text: String,
    pub(super) links: Vec<String>,
}
