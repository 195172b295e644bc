//! How quotes are shown, end to end on parsed HTML: ellipses computed from
//! the archive, the paragraph a quote comes from (`<details>` with the quoted
//! words in `<mark>`), deep links to the original with an exactly encoded
//! text fragment, source pages that show each quoted passage once (in the
//! archive's order, anchored, with the questions citing it, in parts for a
//! long archive), honest wording when the two sides of a disagreement come
//! from one source, search that finds words only a quote or a data block
//! shows, and amounts formatted for the site's language and currency.

mod common;
use common::fixture_with_files as site_with;
use common::{select, text, texts};

use std::path::{Path, PathBuf};

use cited::search::{IndexFile, query};
use cited::{BuildOptions, Report, Severity, render::RenderOptions};
use jiff::civil::{Date, date};
use scraper::{ElementRef, Html, Selector};

const TODAY: Date = date(2026, 2, 1);

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A source with a URL whose archive holds commas, dashes, an ampersand,
/// curly quotes, a hyphen and accented letters, and a sentence whose first
/// words occur earlier in it.
const TALK_SOURCE: &str = "title: Kitchen talk
url: https://example.com/talk?id=7
archive: kitchen-talk.txt
";

const TALK_ARCHIVE: &str = "The oven was hot. The oven was hot and the bread was ready, said the baker.
Crème fraîche & butter – the “classic” pairing, says Zoë.
Fresh bread keeps for two days in a paper bag, and for a week in the freezer – longer in a well-sealed tin, some say.
";

/// A question quoting the talk (and the fixture's course notes) every way a
/// quote can be cut.
const TALK_QUESTION: &str = "question: How do bakers talk?
topic: basics
summary: Bakers say a lot about bread.
answer: |
  They talk about ovens and butter.
facts:
  - claim: The oven was hot and the bread was ready.
    quotes:
      - source: kitchen-talk
        text: The oven was hot and the bread was ready, said the baker.
  - claim: Crème fraîche and butter are a classic pairing.
    quotes:
      - source: kitchen-talk
        text: Crème fraîche & butter – the “classic” pairing, says Zoë.
  - claim: Fresh bread keeps for two days in a paper bag.
    quotes:
      - source: kitchen-talk
        text: keeps for two days in a paper bag, and for a week in the freezer – longer in a well-sealed tin
  - claim: Stale bread is normal even when it is wrapped.
    quotes:
      - source: baking-notes
        text: even when it is wrapped.
reviewed:
  on: 2026-01-15
  by: Editorial team
";

fn talk_site() -> tempfile::TempDir {
    site_with(&[
        ("content/sources/kitchen-talk.yaml", TALK_SOURCE),
        ("content/sources/kitchen-talk.txt", TALK_ARCHIVE),
        ("content/questions/how-do-bakers-talk.yaml", TALK_QUESTION),
    ])
}

fn build(root: &Path, out: &Path) -> Report {
    cited::build(&BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        force: false,
        today: TODAY,
        render: RenderOptions::default(),
    })
}

/// A site built into a temporary folder that lives as long as this does.
struct Built {
    _out_dir: tempfile::TempDir,
    out: PathBuf,
}

#[track_caller]
fn built(root: &Path) -> Built {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let report = build(root, &out);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "the site must build: {errors:#?}");
    Built {
        _out_dir: out_dir,
        out,
    }
}

impl Built {
    fn page(&self, path: &str) -> Html {
        let file = self.out.join(path).join("index.html");
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        Html::parse_document(&text)
    }

    fn exists(&self, path: &str) -> bool {
        self.out.join(path).join("index.html").is_file()
    }

    fn search_index(&self) -> Vec<IndexFile> {
        walkdir::WalkDir::new(self.out.join("search/index"))
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| IndexFile {
                path: e
                    .path()
                    .strip_prefix(&self.out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                bytes: std::fs::read(e.path()).unwrap(),
            })
            .collect()
    }
}

fn select_in<'a>(element: &ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    element.select(&Selector::parse(css).unwrap()).collect()
}

fn attr(element: &ElementRef, name: &str) -> String {
    element.value().attr(name).unwrap_or_default().to_string()
}

/// The quote figures of the fact whose claim is `claim`.
fn fact_quotes<'a>(html: &'a Html, claim: &str) -> Vec<ElementRef<'a>> {
    let fact = select(html, ".fact")
        .into_iter()
        .find(|f| select_in(f, ".claim").iter().any(|c| text(c) == claim))
        .unwrap_or_else(|| panic!("no fact claims {claim:?}"));
    select_in(&fact, "figure.quote")
}

/// The one quote of the fact whose claim is `claim`.
fn quote<'a>(html: &'a Html, claim: &str) -> ElementRef<'a> {
    let quotes = fact_quotes(html, claim);
    assert_eq!(quotes.len(), 1, "{claim}");
    quotes[0]
}

/// The quoted words as shown, ellipses included.
fn shown(quote: &ElementRef) -> String {
    text(&select_in(quote, "blockquote")[0])
}

/// The link to the passage in the original, if the quote has one.
fn original_link(quote: &ElementRef) -> Option<String> {
    select_in(quote, "a.original")
        .first()
        .map(|a| attr(a, "href"))
}

// ---------------------------------------------------------------------------
// Ellipses

#[test]
fn a_quote_cut_inside_a_sentence_shows_an_ellipsis_at_that_end() {
    let site = built(talk_site().path());
    let html = site.page("questions/how-do-bakers-talk");
    // Neither end cut: a whole sentence.
    assert_eq!(
        shown(&quote(&html, "The oven was hot and the bread was ready.")),
        "The oven was hot and the bread was ready, said the baker."
    );
    // Both ends cut.
    assert_eq!(
        shown(&quote(
            &html,
            "Fresh bread keeps for two days in a paper bag."
        )),
        "…keeps for two days in a paper bag, and for a week in the freezer – longer in a well-sealed tin…"
    );
    // Cut at the start only.
    assert_eq!(
        shown(&quote(
            &html,
            "Stale bread is normal even when it is wrapped."
        )),
        "…even when it is wrapped."
    );
    // Cut at the end only (the fixture's question).
    let html = site.page("questions/how-long-to-rise");
    assert_eq!(
        shown(&quote(&html, "Rising takes 4 to 12 hours.")),
        "A sourdough loaf usually needs between 4 and 12 hours to rise…"
    );
}

// ---------------------------------------------------------------------------
// Context

#[test]
fn each_quote_expands_to_its_paragraph_with_the_quoted_words_marked() {
    let site = built(talk_site().path());
    let html = site.page("questions/how-do-bakers-talk");
    let cut = quote(&html, "Fresh bread keeps for two days in a paper bag.");
    let details = select_in(&cut, "details.context");
    assert_eq!(details.len(), 1, "one <details> per quote");
    assert_eq!(
        texts_in(&details[0], "summary"),
        ["Show the whole paragraph"]
    );
    assert!(
        attr(&details[0], "open").is_empty(),
        "closed until the reader opens it"
    );
    let paragraph = &select_in(&details[0], "p")[0];
    assert_eq!(
        text(paragraph),
        "Fresh bread keeps for two days in a paper bag, and for a week in the freezer – longer in a well-sealed tin, some say."
    );
    assert_eq!(
        texts_in(paragraph, "mark"),
        [
            "keeps for two days in a paper bag, and for a week in the freezer – longer in a well-sealed tin"
        ]
    );
    // The rest of the paragraph is plain, escaped text.
    let talk = site_with(&[
        ("content/sources/kitchen-talk.yaml", TALK_SOURCE),
        (
            "content/sources/kitchen-talk.txt",
            "Some say <b>bread</b> & butter is best for breakfast, <i>others</i> disagree.\n",
        ),
        (
            "content/questions/how-do-bakers-talk.yaml",
            &TALK_QUESTION
                .split("facts:")
                .next()
                .map(|head| {
                    format!(
                        "{head}facts:\n  - claim: Bread and butter is best.\n    quotes:\n      - source: kitchen-talk\n        text: bread</b> & butter is best for breakfast\nreviewed:\n  on: 2026-01-15\n  by: Editorial team\n"
                    )
                })
                .unwrap(),
        ),
    ]);
    let site = built(talk.path());
    let raw =
        std::fs::read_to_string(site.out.join("questions/how-do-bakers-talk/index.html")).unwrap();
    assert!(!raw.contains("<b>bread"), "archive text is escaped");
    let html = Html::parse_document(&raw);
    let paragraph = &select(&html, ".fact details.context p")[0];
    assert_eq!(
        text(paragraph),
        "Some say <b>bread</b> & butter is best for breakfast, <i>others</i> disagree."
    );
    assert_eq!(
        texts_in(paragraph, "mark"),
        ["bread</b> & butter is best for breakfast"]
    );
    assert!(select_in(paragraph, "b").is_empty());
}

#[test]
fn a_quote_that_is_its_whole_paragraph_has_no_context_to_expand() {
    let site = built(talk_site().path());
    let html = site.page("questions/how-long-to-rise");
    // The timeline quote is its line's whole text.
    let timeline = select(&html, ".timeline figure.quote");
    assert_eq!(timeline.len(), 1);
    assert!(select_in(&timeline[0], "details").is_empty());
    // The fact's quote is part of its line: the line is there to expand.
    let cut = quote(&html, "Rising takes 4 to 12 hours.");
    assert_eq!(select_in(&cut, "details.context").len(), 1);
}

fn texts_in(element: &ElementRef, css: &str) -> Vec<String> {
    select_in(element, css).iter().map(text).collect()
}

// ---------------------------------------------------------------------------
// Text fragments

#[test]
fn quotes_link_to_the_passage_in_the_original_with_an_exact_text_fragment() {
    let site = built(talk_site().path());
    let html = site.page("questions/how-do-bakers-talk");
    // Its first words occur earlier in the archive ("The oven was hot."), so
    // the start takes words until it is the first place they occur; the end
    // is the shortest run of three words found nowhere else before it.
    assert_eq!(
        original_link(&quote(&html, "The oven was hot and the bread was ready.")).as_deref(),
        Some(
            "https://example.com/talk?id=7#:~:text=The%20oven%20was%20hot%20and,said%20the%20baker"
        )
    );
    // Short: the whole quote, `&`, `–`, curly quotes, `,` and accents
    // percent-encoded, the closing full stop left out.
    assert_eq!(
        original_link(&quote(
            &html,
            "Crème fraîche and butter are a classic pairing."
        ))
        .as_deref(),
        Some(
            "https://example.com/talk?id=7#:~:text=Cr%C3%A8me%20fra%C3%AEche%20%26%20butter%20%E2%80%93%20the%20%E2%80%9Cclassic%E2%80%9D%20pairing%2C%20says%20Zo%C3%AB"
        )
    );
    // Long: a start and an end, the hyphen encoded.
    assert_eq!(
        original_link(&quote(
            &html,
            "Fresh bread keeps for two days in a paper bag."
        ))
        .as_deref(),
        Some("https://example.com/talk?id=7#:~:text=keeps%20for%20two,well%2Dsealed%20tin")
    );
    // The fixture's source: its URL, then the passage.
    assert_eq!(
        original_link(&quote(
            &html,
            "Stale bread is normal even when it is wrapped."
        ))
        .as_deref(),
        Some("https://example.org/baking-notes#:~:text=even%20when%20it%20is%20wrapped")
    );
}

#[test]
fn a_source_without_a_url_has_no_link_to_the_original() {
    let site = built(talk_site().path());
    let html = site.page("cautions/hot-oven");
    let quotes = select(&html, "figure.quote");
    assert_eq!(quotes.len(), 1);
    assert_eq!(original_link(&quotes[0]), None);
    // It still links to its passage on the source's page, where the
    // caution is listed as quoting it.
    let link = attr(&select_in(&quotes[0], "figcaption a.passage")[0], "href");
    let (page, anchor) = link.split_once('#').unwrap();
    assert_eq!(page, "/kitchen/sources/oven-guide/");
    let source = site.page("sources/oven-guide");
    let passage = select(&source, &format!("li.passage#{anchor}"));
    assert_eq!(passage.len(), 1);
    assert_eq!(texts_in(&passage[0], ".citing a"), ["Hot ovens burn"]);
    assert!(select_in(&passage[0], "a.original").is_empty());
}

// ---------------------------------------------------------------------------
// Source pages

/// The passages of a source page: (anchor id, the questions citing it).
fn passages(html: &Html) -> Vec<(String, Vec<String>)> {
    select(html, "li.passage")
        .iter()
        .map(|p| (attr(p, "id"), texts_in(p, ".citing a")))
        .collect()
}

#[test]
fn a_source_page_shows_each_quoted_passage_once_in_the_archives_order() {
    let again = "question: Is four hours enough?
topic: basics
summary: Between 4 and 12 hours.
answer: |
  It depends.
facts:
  - claim: Rising takes 4 to 12 hours.
    quotes:
      - source: baking-notes
        text: A sourdough loaf usually needs between 4 and 12 hours to rise
reviewed:
  on: 2026-01-15
  by: Editorial team
";
    let site_dir = site_with(&[("content/questions/is-four-hours-enough.yaml", again)]);
    let site = built(site_dir.path());
    let html = site.page("sources/baking-notes");
    let found = passages(&html);
    // Six quoted lines, each once, in the archive's order, each with the
    // questions citing it in the site's reading order.
    let citing: Vec<Vec<String>> = found.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(
        citing,
        [
            vec![
                "How long does sourdough take to rise?",
                "Is four hours enough?"
            ],
            vec!["What does a loaf cost?"],
            vec!["Does bread go stale?"],
            vec!["Does bread go stale?"],
            vec!["Yeast bread or sourdough?"],
            vec!["How long does sourdough take to rise?"],
        ]
    );
    // Each passage within its paragraph, the quoted words marked.
    let first = &select(&html, ".passage-block")[0];
    assert_eq!(
        texts_in(first, "blockquote mark"),
        ["A sourdough loaf usually needs between 4 and 12 hours to rise"]
    );
    assert_eq!(
        text(&select_in(first, "blockquote")[0]),
        "A sourdough loaf usually needs between 4 and 12 hours to rise, depending on the warmth of the kitchen."
    );
    // Anchors are unique, and each question's quote links to its passage.
    let ids: Vec<&String> = found.iter().map(|(id, _)| id).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let question = site.page("questions/how-long-to-rise");
    let link = select_in(
        &quote(&question, "Rising takes 4 to 12 hours."),
        "figcaption a.passage",
    )
    .first()
    .map(|a| attr(a, "href"))
    .unwrap();
    assert_eq!(
        link,
        format!("/kitchen/sources/baking-notes/#{}", found[0].0)
    );
}

#[test]
fn passage_anchors_stay_the_same_when_other_content_changes() {
    let before = built(manifest_dir().join("tests/fixtures/valid").as_path());
    let before_ids: Vec<String> = passages(&before.page("sources/baking-notes"))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // Another question quotes a passage earlier in the archive than most.
    let site_dir = talk_site();
    let after = built(site_dir.path());
    let after_ids: Vec<String> = passages(&after.page("sources/baking-notes"))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(after_ids.len(), before_ids.len() + 1);
    for id in &before_ids {
        assert!(after_ids.contains(id), "{id} is gone: {after_ids:?}");
    }
}

#[test]
fn a_long_source_is_shown_in_parts_each_passage_once() {
    // Sixty lines of about 80 bytes: a 5 kB archive, quoted on its 1st, 2nd
    // and 40th lines.
    let archive: String = (1..=60)
        .map(|n| {
            format!(
                "Line number {n} of the long guide says that bread number {n} is fine to eat.\n"
            )
        })
        .collect();
    let question = "question: Is the bread fine?
topic: basics
summary: The guide says so.
answer: |
  It is fine.
facts:
  - claim: The guide says the bread is fine.
    quotes:
      - source: long-guide
        text: Line number 1 of the long guide says that bread number 1 is fine to eat.
      - source: long-guide
        text: Line number 2 of the long guide
      - source: long-guide
        text: Line number 40 of the long guide says that bread number 40 is fine to eat.
reviewed:
  on: 2026-01-15
  by: Editorial team
";
    let site_dir = site_with(&[
        (
            "content/sources/long-guide.yaml",
            "title: The long guide\narchive: long-guide.txt\n",
        ),
        ("content/sources/long-guide.txt", &archive),
        ("content/questions/is-the-bread-fine.yaml", question),
    ]);
    let site = built(site_dir.path());
    let first = site.page("sources/long-guide");
    assert_eq!(passages(&first).len(), 2, "lines 1 and 2 are in part 1");
    // The 40th line starts past 3 kB: part 2. Part 3 quotes nothing, so it
    // has no page.
    assert!(site.exists("sources/long-guide/2"));
    assert!(!site.exists("sources/long-guide/3"));
    let second = site.page("sources/long-guide/2");
    let found = passages(&second);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, ["Is the bread fine?"]);
    // Both parts link to each other, the current one marked.
    let nav = |html: &Html| -> Vec<(String, String, bool)> {
        select(html, "nav.parts a")
            .iter()
            .map(|a| {
                (
                    text(a),
                    attr(a, "href"),
                    a.value().attr("aria-current").is_some(),
                )
            })
            .collect()
    };
    let expected = |current: usize| -> Vec<(String, String, bool)> {
        vec![
            (
                "Part 1".to_string(),
                "/kitchen/sources/long-guide/".to_string(),
                current == 1,
            ),
            (
                "Part 2".to_string(),
                "/kitchen/sources/long-guide/2/".to_string(),
                current == 2,
            ),
        ]
    };
    assert_eq!(nav(&first), expected(1));
    assert_eq!(nav(&second), expected(2));
    // The question links each quote to its part's passage.
    let html = site.page("questions/is-the-bread-fine");
    let links: Vec<String> = fact_quotes(&html, "The guide says the bread is fine.")
        .iter()
        .map(|q| attr(&select_in(q, "figcaption a.passage")[0], "href"))
        .collect();
    assert_eq!(links.len(), 3);
    assert!(links[0].starts_with("/kitchen/sources/long-guide/#"));
    assert!(links[1].starts_with("/kitchen/sources/long-guide/#"));
    assert_eq!(
        links[2],
        format!("/kitchen/sources/long-guide/2/#{}", found[0].0)
    );
    // The parts are in the sitemap.
    let sitemap = std::fs::read_to_string(site.out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/kitchen/sources/long-guide/2/</loc>"));
}

// ---------------------------------------------------------------------------
// Disagreement honesty

#[test]
fn one_source_disagreeing_with_itself_is_not_called_sources_disagreeing() {
    // The fixture: Baker Ann, quoted in the course notes, against the notes'
    // own words.
    let site = built(manifest_dir().join("tests/fixtures/valid").as_path());
    let html = site.page("questions/does-bread-go-stale");
    assert_eq!(
        texts(&html, ".fact .badge"),
        ["Views quoted in one source disagree"]
    );
    assert_eq!(
        texts(&html, ".fact .agreement-note"),
        [
            "One source, Notes from a baking course, holds both views: Baker Ann says this; the source itself says otherwise."
        ]
    );

    // The same passages, without the attribution: one source, one voice.
    let stale = std::fs::read_to_string(
        manifest_dir().join("tests/fixtures/valid/content/questions/does-bread-go-stale.yaml"),
    )
    .unwrap()
    .replace("        attribution: Baker Ann\n", "");
    let site_dir = site_with(&[("content/questions/does-bread-go-stale.yaml", &stale)]);
    let site = built(site_dir.path());
    let html = site.page("questions/does-bread-go-stale");
    assert_eq!(
        texts(&html, ".fact .badge"),
        ["Passages of one source disagree"]
    );
    assert_eq!(
        texts(&html, ".fact .agreement-note"),
        ["Both views come from one source: Notes from a baking course."]
    );

    // Two sources: the usual wording, no note.
    let two = stale.replace(
        "      - source: baking-notes\n        text: Stale bread",
        "      - source: oven-guide\n        text: Hot ovens can cause burns, so always use oven gloves.\n        stance: contradicts\n      - source: baking-notes\n        text: Stale bread",
    );
    let site_dir = site_with(&[("content/questions/does-bread-go-stale.yaml", &two)]);
    let site = built(site_dir.path());
    let html = site.page("questions/does-bread-go-stale");
    assert_eq!(texts(&html, ".fact .badge"), ["Sources disagree"]);
    assert!(texts(&html, ".fact .agreement-note").is_empty());

    // A qualification from the same source says so.
    let qualified = stale.replace("stance: contradicts", "stance: qualifies");
    let site_dir = site_with(&[("content/questions/does-bread-go-stale.yaml", &qualified)]);
    let site = built(site_dir.path());
    let html = site.page("questions/does-bread-go-stale");
    assert_eq!(
        texts(&html, ".fact .badge"),
        ["With a qualification from the same source"]
    );
    assert_eq!(
        texts(&html, ".fact .agreement-note"),
        ["Both come from one source: Notes from a baking course."]
    );
}

// ---------------------------------------------------------------------------
// Search

#[test]
fn search_finds_words_shown_only_in_a_quote_or_a_data_block() {
    let comparison = std::fs::read_to_string(
        manifest_dir().join("tests/fixtures/valid/content/questions/yeast-vs-sourdough.yaml"),
    )
    .unwrap()
    .replace(
        "    - aspect: Taste\n",
        "    - aspect: Crumb\n      ours: Chewy\n      theirs: Airy\n    - aspect: Taste\n",
    );
    let site_dir = site_with(&[("content/questions/yeast-vs-sourdough.yaml", &comparison)]);
    let site = built(site_dir.path());
    let index = site.search_index();
    // "market" is only in the cost question's quote and its basis.
    assert_eq!(
        query(&index, "market"),
        ["/kitchen/questions/what-does-bread-cost/"]
    );
    // "chewy" only in a comparison table.
    assert_eq!(
        query(&index, "chewy"),
        ["/kitchen/questions/yeast-vs-sourdough/"]
    );
    // "cause" only in the caution's quote.
    assert_eq!(query(&index, "cause"), ["/kitchen/cautions/hot-oven/"]);
}

// ---------------------------------------------------------------------------
// Amounts

/// The cost table's amounts, exactly (no-break spaces kept).
fn cost_cells(site: &Built) -> Vec<String> {
    select(&site.page("questions/what-does-bread-cost"), ".cost td")
        .iter()
        .map(|td| td.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn amounts_are_formatted_for_the_sites_language_and_currency() {
    let site = built(manifest_dir().join("tests/fixtures/valid").as_path());
    assert_eq!(cost_cells(&site), ["$6", "$4", "$9"]);

    let fixture = |path: &str| {
        std::fs::read_to_string(manifest_dir().join("tests/fixtures/valid").join(path)).unwrap()
    };
    let cost = fixture("content/questions/what-does-bread-cost.yaml")
        .replace("typical: 6", "typical: 1999.5")
        .replace("low: 4", "low: 1000")
        .replace("high: 9", "high: 2500.25");
    let notes = fixture("content/sources/baking-notes.txt").replace(
        "A basic loaf at the market costs about $6 per loaf, and prices range from $4 to $9 depending on the bakery.",
        "A basic loaf at the market costs about $1,999.50 per loaf, and prices range from $1,000 to $2,500.25 depending on the bakery.",
    );
    let cost = cost.replace(
        "costs about $6 per loaf, and prices range from $4 to $9 depending",
        "costs about $1,999.50 per loaf, and prices range from $1,000 to $2,500.25 depending",
    );
    let site_dir = site_with(&[
        ("content/questions/what-does-bread-cost.yaml", &cost),
        ("content/sources/baking-notes.txt", &notes),
    ]);
    let site = built(site_dir.path());
    assert_eq!(cost_cells(&site), ["$1,999.50", "$1,000", "$2,500.25"]);

    // In German, in euros.
    let german = fixture("content/site.yaml").replace("language: en", "language: de");
    let euros = cost.replace("currency: USD", "currency: EUR");
    let site_dir = site_with(&[
        ("content/site.yaml", &german),
        ("content/questions/what-does-bread-cost.yaml", &euros),
        ("content/sources/baking-notes.txt", &notes),
    ]);
    let site = built(site_dir.path());
    assert_eq!(
        cost_cells(&site),
        ["1.999,50\u{a0}€", "1.000\u{a0}€", "2.500,25\u{a0}€"]
    );

    // A currency without a known symbol: its code.
    let unknown = cost.replace("currency: USD", "currency: XYZ");
    let site_dir = site_with(&[
        ("content/questions/what-does-bread-cost.yaml", &unknown),
        ("content/sources/baking-notes.txt", &notes),
    ]);
    let site = built(site_dir.path());
    assert_eq!(
        cost_cells(&site),
        ["1,999.5\u{a0}XYZ", "1,000\u{a0}XYZ", "2,500.25\u{a0}XYZ"]
    );
}

// ---------------------------------------------------------------------------
// Partial rebuilds

fn read_tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// `cited serve` rebuilds only what an edit of a question can change; when
/// the edit leaves a part of a source unquoted (or quotes one for the first
/// time), the output must still be what a fresh build makes: no page of a
/// part left behind.
#[test]
fn a_partial_rebuild_removes_a_part_no_longer_quoted() {
    let archive: String = (1..=60)
        .map(|n| {
            format!(
                "Line number {n} of the long guide says that bread number {n} is fine to eat.\n"
            )
        })
        .collect();
    let question = |lines: &[usize]| {
        let quotes: String = lines
            .iter()
            .map(|n| {
                format!("      - source: long-guide\n        text: Line number {n} of the long guide says that bread number {n} is fine to eat.\n")
            })
            .collect();
        format!(
            "question: Is the bread fine?\ntopic: basics\nsummary: The guide says so.\nanswer: |\n  It is fine.\nfacts:\n  - claim: The guide says the bread is fine.\n    quotes:\n{quotes}reviewed:\n  on: 2026-01-15\n  by: Editorial team\n"
        )
    };
    let site = site_with(&[
        (
            "content/sources/long-guide.yaml",
            "title: The long guide\narchive: long-guide.txt\n",
        ),
        ("content/sources/long-guide.txt", &archive),
        (
            "content/questions/is-the-bread-fine.yaml",
            &question(&[1, 40]),
        ),
    ]);
    let out_dir = tempfile::tempdir().unwrap();
    let options = |out: PathBuf| BuildOptions {
        root: site.path().to_path_buf(),
        out,
        force: false,
        today: TODAY,
        render: RenderOptions::default(),
    };
    let mut session = cited::Session::default();
    let in_session = out_dir.path().join("session");
    let fresh = out_dir.path().join("fresh");
    assert!(!session.build(&options(in_session.clone())).has_errors());
    assert!(in_session.join("sources/long-guide/2/index.html").is_file());
    for lines in [&[1][..], &[1, 40], &[1, 55]] {
        std::fs::write(
            site.path().join("content/questions/is-the-bread-fine.yaml"),
            question(lines),
        )
        .unwrap();
        let report = session.build(&options(in_session.clone()));
        assert!(!report.has_errors(), "{:?}", report.diagnostics);
        session.wait_for_search_index();
        let _ = std::fs::remove_dir_all(&fresh);
        assert!(!build(site.path(), &fresh).has_errors());
        let (a, b) = (read_tree(&in_session), read_tree(&fresh));
        let only_in_session: Vec<_> = a.keys().filter(|p| !b.contains_key(*p)).collect();
        assert!(
            only_in_session.is_empty(),
            "quoting lines {lines:?}: left behind {only_in_session:?}"
        );
        assert_eq!(a.len(), b.len(), "quoting lines {lines:?}");
        for (path, bytes) in &b {
            assert!(
                a[path] == *bytes,
                "quoting lines {lines:?}: {path:?} differs"
            );
        }
    }
}
