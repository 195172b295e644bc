//! The link stage's backlinks: each entity that links to another is listed
//! on it once, however often it links there and whether or not another
//! entity shares its id (a site with that error is still linked, for the
//! preview), in the order of their titles.

mod common;

use common::fixture_with_edits;

/// What links to `target`, as the link stage lists it, in `site`; with
/// `extra`, after that page is added to what was loaded.
fn backlinks_of(site: &std::path::Path, target: &str, extra: Option<(&str, &str)>) -> Vec<String> {
    let mut problems = cited::Diagnostics::default();
    let mut loaded = cited::load::load(site, &mut problems);
    if let Some((id, body)) = extra {
        // Loading refuses a second entity with an id, so the site that has
        // one is made here, as a library user could make it.
        let mut page = loaded.content.pages[0].clone();
        page.origin.id = id.to_string();
        page.title = "Stale bread".to_string();
        page.body.value = body.to_string();
        loaded.content.pages.push(page);
    }
    let content = &loaded.content;
    let base_url = &content.site.as_ref().expect("the fixture's site").base_url;
    let urls = cited::urls::SiteUrls::new(&base_url.value).expect("the fixture's base_url");
    let graph = cited::link::Graph::new(content, urls);
    graph.backlinks[target]
        .iter()
        .map(|id| id.to_string())
        .collect()
}

#[test]
fn an_entity_linking_twice_is_listed_once() {
    let site = fixture_with_edits(&[
        (
            "content/questions/does-bread-go-stale.yaml",
            "stale bread is normal after a few days.",
            "stale bread is normal after a few days. See [[how-long-to-rise]], and [[how-long-to-rise]] again.",
        ),
        (
            "content/questions/yeast-vs-sourdough.yaml",
            "yeast bread is quicker to make.",
            "yeast bread is quicker to make; [[how-long-to-rise]] says why.",
        ),
    ]);
    assert_eq!(
        backlinks_of(site.path(), "how-long-to-rise", None),
        ["does-bread-go-stale", "yeast-vs-sourdough"]
    );
}

#[test]
fn two_entities_sharing_an_id_are_listed_once() {
    // A page with a question's id links where the question does, after
    // another question: the id is listed once, not once per entity.
    let site = fixture_with_edits(&[
        (
            "content/questions/does-bread-go-stale.yaml",
            "stale bread is normal after a few days.",
            "stale bread is normal after a few days. See [[how-long-to-rise]].",
        ),
        (
            "content/questions/yeast-vs-sourdough.yaml",
            "yeast bread is quicker to make.",
            "yeast bread is quicker to make; [[how-long-to-rise]] says why.",
        ),
    ]);
    let extra = ("does-bread-go-stale", "Read [[how-long-to-rise]] first.");
    assert_eq!(
        backlinks_of(site.path(), "how-long-to-rise", Some(extra)),
        ["does-bread-go-stale", "yeast-vs-sourdough"]
    );
}
