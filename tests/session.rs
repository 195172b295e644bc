//! Rebuilds in a session (what `cited serve` does after each edit) redo only
//! part of the work: whatever they skip, the output must equal a fresh build
//! of the same content, byte for byte.
//!
//! The property test keeps a small site as a model (the valid fixture's
//! entities), draws random sequences of edits of every kind an editor makes
//! (titles, summaries, answers, links added or removed in every kind of
//! markdown field, quotes, tags, related, topics, order, files added,
//! deleted or renamed, templates, site settings, source archives, a file
//! broken then fixed), writes the files each edit changes, and after each
//! edit builds once in the session and once from nothing. A good build must
//! equal the fresh one; a failed one must fail fresh too and leave the
//! output as it was; and either way the session must report exactly the
//! problems the fresh build reports (code, file, line, column, message,
//! help), though it checks again only what the edit can affect.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use cited::{BuildOptions, Report, render::RenderOptions};
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

const TODAY: Date = date(2026, 2, 1);

type Tree = BTreeMap<PathBuf, Vec<u8>>;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_tree(dir: &Path) -> Tree {
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

/// What differs between two outputs, for a failure message: the files only
/// one has, and the first differing file with the text around the first
/// difference.
fn difference(session: &Tree, fresh: &Tree) -> Option<String> {
    let only = |a: &Tree, b: &Tree| -> Vec<String> {
        a.keys()
            .filter(|p| !b.contains_key(*p))
            .map(|p| p.display().to_string())
            .collect()
    };
    let (extra, missing) = (only(session, fresh), only(fresh, session));
    if !extra.is_empty() || !missing.is_empty() {
        return Some(format!(
            "files only in the session's output: {extra:?}; only in the fresh build: {missing:?}"
        ));
    }
    let differing: Vec<&PathBuf> = fresh
        .iter()
        .filter(|(path, bytes)| session[*path] != **bytes)
        .map(|(path, _)| path)
        .collect();
    let first = differing.first()?;
    let (a, b) = (&session[*first], &fresh[*first]);
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let around = |bytes: &[u8]| {
        let start = at.saturating_sub(120);
        String::from_utf8_lossy(&bytes[start..(at + 120).min(bytes.len())]).into_owned()
    };
    Some(format!(
        "{} files differ from a fresh build: {differing:?}\nin {}, session:\n…{}…\nfresh:\n…{}…",
        differing.len(),
        first.display(),
        around(a),
        around(b)
    ))
}

// ---------------------------------------------------------------------------
// The model: the valid fixture's site, as values that edits change and that
// are written out as YAML.

/// Quotes that are in the fixture's archives, by source, text, attribution.
type QuoteText = (&'static str, &'static str, Option<&'static str>);

/// Facts a question may carry: a claim and its quotes, all verified.
const FACTS: &[(&str, &[QuoteText])] = &[
    (
        "Rising takes 4 to 12 hours.",
        &[(
            "baking-notes",
            "A sourdough loaf usually needs between 4 and 12 hours to rise",
            None,
        )],
    ),
    (
        "Stored properly, bread never goes stale.",
        &[
            (
                "baking-notes",
                "“Bread never goes stale if you store it properly,”",
                Some("Baker Ann"),
            ),
            (
                "baking-notes",
                "Stale bread is normal after two or three days, even when it is wrapped.",
                None,
            ),
        ],
    ),
    (
        "Yeast bread rises faster than sourdough.",
        &[(
            "baking-notes",
            "Yeast bread rises faster than sourdough but has a milder taste — most bakers agree on this.",
            None,
        )],
    ),
    (
        "Hot ovens can cause burns.",
        &[(
            "oven-guide",
            "Hot ovens can cause burns, so always use oven gloves.",
            None,
        )],
    ),
];

const STANCES: [&str; 3] = ["supports", "qualifies", "contradicts"];

const QUESTION_TITLES: &[&str] = &[
    "Does bread go stale?",
    "can bread go stale?",
    "How long does sourdough take to rise?",
    "What does a loaf cost?",
    "Yeast bread or sourdough?",
    "Why does the crust harden?",
    "Is \"fresh\" bread & butter <fine>?",
    "Does steam help the crust?",
];

const SUMMARIES: &[&str] = &[
    "Sources disagree on whether good storage stops bread going stale.",
    "Warm kitchens speed it up.",
    "It depends on the bakery.",
    "Yeast bread rises faster; sourdough tastes stronger.",
    "Keep it wrapped & dry <always>.",
];

/// Words for any markdown field; some mention glossary terms, which answers
/// link to the glossary by themselves.
const WORDS: &[&str] = &[
    "It depends on how warm the kitchen is.",
    "Sourdough uses a slow leavening, so it rises slowly.",
    "Prices depend on the bakery.",
    "One baker says bread keeps well; the course notes say stale bread is normal.",
    "Preheating the oven helps the crust.",
    "Test content only.",
];

const OTHER_TITLES: &[&str] = &[
    "Bread basics",
    "Buying bread",
    "About this site",
    "Hot ovens burn",
    "A guide to ovens",
    "Zest and crumbs",
];

const TAGS: &[&str] = &["storage", "timing", "sourdough", "cost", "crust"];

/// Ids that new and renamed questions take.
const NEW_IDS: &[&str] = &["new-question", "crust-question", "zz-last"];

#[derive(Clone, Debug)]
struct Markdown {
    words: &'static str,
    /// Link targets, each with its style: `[[id]]` or `[text](id)`.
    links: Vec<(String, bool)>,
}

impl Markdown {
    fn new(words: &'static str, links: &[&str]) -> Markdown {
        Markdown {
            words,
            links: links.iter().map(|l| (l.to_string(), true)).collect(),
        }
    }

    fn text(&self) -> String {
        let mut text = self.words.to_string();
        for (target, double_brackets) in &self.links {
            if *double_brackets {
                text.push_str(&format!(" See [[{target}]]."));
            } else {
                text.push_str(&format!(" Read [this page]({target})."));
            }
        }
        text
    }
}

#[derive(Clone, Debug)]
struct Question {
    title: &'static str,
    topic: String,
    order: Option<i64>,
    tags: Vec<&'static str>,
    summary: &'static str,
    answer: Markdown,
    /// Indexes into [`FACTS`], with the stance of each fact's last quote.
    facts: Vec<(usize, usize)>,
    related: Vec<String>,
    cautions: Vec<String>,
    reviewed_day: u8,
    /// Data blocks (cost, comparison, timeline), as YAML, kept as they are.
    data: &'static str,
}

#[derive(Clone, Debug)]
struct Titled {
    title: &'static str,
    markdown: Option<Markdown>,
    /// The rest of the file, as YAML, kept as it is.
    rest: &'static str,
}

/// The kinds of entity other than questions, by folder, with the field
/// holding their title and the one holding their markdown.
const OTHER_KINDS: &[(&str, &str, &str)] = &[
    ("topics", "title", "intro"),
    ("cautions", "title", "message"),
    ("glossary", "term", "definition"),
    ("pages", "title", "body"),
    ("sources", "title", ""),
];

#[derive(Clone, Debug)]
struct Model {
    site_title: &'static str,
    disclaimer: Markdown,
    questions: BTreeMap<String, Question>,
    /// Per kind of [`OTHER_KINDS`]: id → entity.
    others: [BTreeMap<String, Titled>; 5],
    /// Which built-in template or asset the site overrides, if any.
    template: usize,
    /// A file written as broken YAML until a `Fix`.
    broken: Option<String>,
    /// Which of [`ARCHIVE_VERSIONS`] the source archives are.
    archives: usize,
    /// Which of [`SOURCE_URLS`] the first source has.
    source_url: usize,
}

/// The `url` of the fixture's first source: each gives its quoted passages
/// other links to the original (or none), and nothing else changes.
const SOURCE_URLS: &[Option<&str>] = &[
    Some("https://example.org/baking-notes"),
    Some("https://example.org/notes/baking"),
    None,
];

/// Versions of the fixture's source archives, each a list of replacements
/// in one archive: as they are; moved down a line (every quote found
/// elsewhere); a quote's sentence reworded (that quote no longer found);
/// another's reworded in the other archive.
const ARCHIVE_VERSIONS: &[&[(&str, &str, &str)]] = &[
    &[],
    &[
        ("oven-guide.txt", "", "Notes for home bakers.\n"),
        ("baking-notes.txt", "", "Notes for home bakers.\n"),
    ],
    &[("oven-guide.txt", "can cause burns", "can cause bad burns")],
    &[(
        "baking-notes.txt",
        "after two or three days",
        "after three days",
    )],
];

fn titled(title: &'static str, markdown: Option<Markdown>, rest: &'static str) -> Titled {
    Titled {
        title,
        markdown,
        rest,
    }
}

impl Model {
    /// The valid fixture's site.
    fn fixture() -> Model {
        let question =
            |title, topic: &str, order, tags: &[&'static str], summary, answer| Question {
                title,
                topic: topic.to_string(),
                order,
                tags: tags.to_vec(),
                summary,
                answer,
                facts: Vec::new(),
                related: Vec::new(),
                cautions: Vec::new(),
                reviewed_day: 15,
                data: "",
            };
        let mut stale = question(
            QUESTION_TITLES[0],
            "basics",
            Some(2),
            &["storage"],
            SUMMARIES[0],
            Markdown::new(WORDS[3], &[]),
        );
        stale.facts = vec![(1, 2)];
        let mut rise = question(
            QUESTION_TITLES[2],
            "basics",
            Some(1),
            &["sourdough", "timing"],
            SUMMARIES[1],
            Markdown::new(WORDS[1], &["yeast-vs-sourdough"]),
        );
        rise.answer.links.push(("oven-guide".into(), false));
        rise.facts = vec![(0, 0)];
        rise.related = vec!["does-bread-go-stale".into()];
        rise.cautions = vec!["hot-oven".into()];
        rise.data = "timeline:\n  steps:\n    - when: Day one\n      what: Mix the dough.\n    - when: Day two\n      what: Shape and bake.\n  quotes:\n    - source: baking-notes\n      text: \"Day one: mix the dough. Day two: shape and bake the loaf.\"\n";
        let mut cost = question(
            QUESTION_TITLES[3],
            "buying",
            None,
            &["cost"],
            SUMMARIES[2],
            Markdown::new(WORDS[2], &[]),
        );
        cost.data = "cost:\n  currency: USD\n  per: loaf\n  typical: 6\n  low: 4\n  high: 9\n  basis: market prices in the course notes\n  factors: [The bakery]\n  quotes:\n    - source: baking-notes\n      text: A basic loaf at the market costs about $6 per loaf, and prices range from $4 to $9 depending on the bakery.\n";
        let mut yeast = question(
            QUESTION_TITLES[4],
            "buying",
            None,
            &["sourdough"],
            SUMMARIES[3],
            Markdown::new(WORDS[0], &[]),
        );
        yeast.related = vec!["how-long-to-rise".into()];
        yeast.data = "comparison:\n  with: Yeast bread\n  rows:\n    - aspect: Rising time\n      ours: Slower\n      theirs: Faster\n  quotes:\n    - source: baking-notes\n      text: Yeast bread rises faster than sourdough but has a milder taste — most bakers agree on this.\n";
        let questions = [
            ("does-bread-go-stale", stale),
            ("how-long-to-rise", rise),
            ("what-does-bread-cost", cost),
            ("yeast-vs-sourdough", yeast),
        ]
        .into_iter()
        .map(|(id, q)| (id.to_string(), q))
        .collect();
        let map = |entries: Vec<(&str, Titled)>| {
            entries
                .into_iter()
                .map(|(id, e)| (id.to_string(), e))
                .collect::<BTreeMap<_, _>>()
        };
        let others = [
            map(vec![
                (
                    "basics",
                    titled(
                        "Bread basics",
                        Some(Markdown::new(WORDS[1], &["leavening"])),
                        "order: 1\n",
                    ),
                ),
                (
                    "buying",
                    titled(
                        "Buying bread",
                        Some(Markdown::new(WORDS[2], &["how-long-to-rise"])),
                        "order: 2\n",
                    ),
                ),
            ]),
            map(vec![
                (
                    "check-labels",
                    titled(
                        "Check the label",
                        Some(Markdown::new(WORDS[2], &[])),
                        "severity: info\n",
                    ),
                ),
                (
                    "hot-oven",
                    titled(
                        "Hot ovens burn",
                        Some(Markdown::new(
                            WORDS[4],
                            &["preheating", "what-does-bread-cost"],
                        )),
                        "severity: danger\nquotes:\n  - source: oven-guide\n    text: Hot ovens can cause burns, so always use oven gloves.\n",
                    ),
                ),
            ]),
            map(vec![
                (
                    "leavening",
                    titled(
                        "leavening",
                        Some(Markdown::new("What makes dough rise, such as yeast.", &[])),
                        "aliases: [raising agent]\n",
                    ),
                ),
                (
                    "preheating",
                    titled(
                        "preheating",
                        Some(Markdown::new("Heating the oven before baking.", &[])),
                        "",
                    ),
                ),
                (
                    "sourdough",
                    titled(
                        "sourdough",
                        Some(Markdown::new(
                            "Bread raised with a starter.",
                            &["yeast-vs-sourdough"],
                        )),
                        "",
                    ),
                ),
            ]),
            map(vec![
                (
                    "about",
                    titled(
                        "About this site",
                        Some(Markdown::new(WORDS[5], &["baking-notes"])),
                        "",
                    ),
                ),
                (
                    "editorial-policy",
                    titled(
                        "Editorial policy",
                        Some(Markdown::new(WORDS[2], &["what-does-bread-cost"])),
                        "",
                    ),
                ),
            ]),
            map(vec![
                (
                    "baking-notes",
                    titled(
                        "Notes from a baking course",
                        None,
                        "publisher: Fixture Press\nurl: https://example.org/baking-notes\npublished: 2024-03-01\naccessed: 2026-01-15\narchive: baking-notes.txt\n",
                    ),
                ),
                (
                    "oven-guide",
                    titled("Oven safety guide", None, "archive: oven-guide.txt\n"),
                ),
            ]),
        ];
        Model {
            site_title: "Test Kitchen Answers",
            disclaimer: Markdown::new(WORDS[5], &["about"]),
            questions,
            others,
            template: 0,
            broken: None,
            archives: 0,
            source_url: 0,
        }
    }

    /// Every id, of every kind: what a link may point to.
    fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.questions.keys().cloned().collect();
        for kind in &self.others {
            ids.extend(kind.keys().cloned());
        }
        ids.sort();
        ids
    }

    fn question_id(&self, pick: &Pick) -> Option<String> {
        (!self.questions.is_empty()).then(|| {
            pick.get(&self.questions.keys().collect::<Vec<_>>())
                .to_string()
        })
    }

    /// The markdown field an edit names, and the id of the entity holding it
    /// (`None` for the site's disclaimer).
    fn markdown(&mut self, field: &Field) -> Option<(Option<String>, &mut Markdown)> {
        match field.kind {
            None => Some((None, &mut self.disclaimer)),
            Some(0) => {
                let id = self.question_id(&field.entity)?;
                let question = self.questions.get_mut(&id)?;
                Some((Some(id), &mut question.answer))
            }
            Some(kind) => {
                // Topics, cautions, glossary terms and pages.
                let entities = &mut self.others[(kind - 1) % 4];
                let ids: Vec<String> = entities.keys().cloned().collect();
                let id = field.entity.get(&ids).clone();
                let entity = entities.get_mut(&id)?;
                let markdown = entity
                    .markdown
                    .get_or_insert_with(|| Markdown::new(WORDS[0], &[]));
                Some((Some(id), markdown))
            }
        }
    }

    /// Every reference to question `from` made to point to `to`, or removed.
    fn retarget(&mut self, from: &str, to: Option<&str>) {
        let fix_list = |list: &mut Vec<String>| match to {
            Some(to) => list
                .iter_mut()
                .filter(|x| *x == from)
                .for_each(|x| *x = to.to_string()),
            None => list.retain(|x| x != from),
        };
        let fix_markdown = |markdown: &mut Markdown| match to {
            Some(to) => markdown
                .links
                .iter_mut()
                .filter(|(x, _)| x == from)
                .for_each(|(x, _)| *x = to.to_string()),
            None => markdown.links.retain(|(x, _)| x != from),
        };
        fix_markdown(&mut self.disclaimer);
        for question in self.questions.values_mut() {
            fix_list(&mut question.related);
            fix_markdown(&mut question.answer);
        }
        for kind in &mut self.others {
            for entity in kind.values_mut() {
                if let Some(markdown) = &mut entity.markdown {
                    fix_markdown(markdown);
                }
            }
        }
    }

    fn apply(&mut self, edit: &Edit) {
        match edit {
            Edit::Title(q, choice) => {
                if let Some(id) = self.question_id(q) {
                    self.questions.get_mut(&id).unwrap().title = QUESTION_TITLES[*choice];
                }
            }
            Edit::Summary(q, choice) => {
                if let Some(id) = self.question_id(q) {
                    self.questions.get_mut(&id).unwrap().summary = SUMMARIES[*choice];
                }
            }
            Edit::Words(field, choice) => {
                if let Some((_, markdown)) = self.markdown(field) {
                    markdown.words = WORDS[*choice];
                }
            }
            Edit::AddLink(field, to_question, target, double_brackets) => {
                let ids = if *to_question {
                    self.questions.keys().cloned().collect()
                } else {
                    self.ids()
                };
                if ids.is_empty() {
                    return;
                }
                let target = target.get(&ids).clone();
                if let Some((own, markdown)) = self.markdown(field)
                    && own.as_ref() != Some(&target)
                    && !markdown.links.iter().any(|(t, _)| *t == target)
                {
                    markdown.links.push((target, *double_brackets));
                }
            }
            Edit::RemoveLink(field, which) => {
                if let Some((_, markdown)) = self.markdown(field)
                    && !markdown.links.is_empty()
                {
                    markdown.links.remove(which.index(markdown.links.len()));
                }
            }
            Edit::Facts(q, facts) => {
                if let Some(id) = self.question_id(q) {
                    let mut chosen: Vec<(usize, usize)> = Vec::new();
                    for &(fact, stance) in facts {
                        if !chosen.iter().any(|(f, _)| *f == fact) {
                            chosen.push((fact, stance));
                        }
                    }
                    self.questions.get_mut(&id).unwrap().facts = chosen;
                }
            }
            Edit::Tags(q, tags) => {
                if let Some(id) = self.question_id(q) {
                    let mut chosen: Vec<&'static str> = tags.iter().map(|&t| TAGS[t]).collect();
                    chosen.dedup();
                    self.questions.get_mut(&id).unwrap().tags = chosen;
                }
            }
            Edit::Related(q, others) => {
                if let Some(id) = self.question_id(q) {
                    let ids: Vec<String> = self.questions.keys().cloned().collect();
                    let mut related: Vec<String> = Vec::new();
                    for other in others {
                        let other = other.get(&ids);
                        if *other != id && !related.contains(other) {
                            related.push(other.clone());
                        }
                    }
                    self.questions.get_mut(&id).unwrap().related = related;
                }
            }
            Edit::Cautions(q, carried) => {
                if let Some(id) = self.question_id(q) {
                    let all: Vec<String> = self.others[1].keys().cloned().collect();
                    let cautions = all
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| carried[*i % carried.len()])
                        .map(|(_, c)| c)
                        .collect();
                    self.questions.get_mut(&id).unwrap().cautions = cautions;
                }
            }
            Edit::Topic(q, topic) => {
                if let Some(id) = self.question_id(q) {
                    let topics: Vec<String> = self.others[0].keys().cloned().collect();
                    self.questions.get_mut(&id).unwrap().topic = topic.get(&topics).clone();
                }
            }
            Edit::Order(q, order) => {
                if let Some(id) = self.question_id(q) {
                    self.questions.get_mut(&id).unwrap().order = *order;
                }
            }
            Edit::Review(q, day) => {
                if let Some(id) = self.question_id(q) {
                    self.questions.get_mut(&id).unwrap().reviewed_day = *day;
                }
            }
            Edit::Add(new_id, title) => {
                let id = NEW_IDS[*new_id].to_string();
                if !self.ids().contains(&id) {
                    let question = Question {
                        title: QUESTION_TITLES[*title],
                        topic: "buying".into(),
                        order: None,
                        tags: vec!["crust"],
                        summary: SUMMARIES[1],
                        answer: Markdown::new(WORDS[4], &[]),
                        facts: vec![(3, 0)],
                        related: Vec::new(),
                        cautions: Vec::new(),
                        reviewed_day: 10,
                        data: "",
                    };
                    self.questions.insert(id, question);
                }
            }
            Edit::Delete(q) => {
                if let Some(id) = self.question_id(q) {
                    self.questions.remove(&id);
                    self.retarget(&id, None);
                }
            }
            Edit::Rename(q, new_id) => {
                let to = NEW_IDS[*new_id];
                if let Some(id) = self.question_id(q)
                    && !self.ids().iter().any(|x| x == to)
                {
                    let question = self.questions.remove(&id).unwrap();
                    self.questions.insert(to.to_string(), question);
                    self.retarget(&id, Some(to));
                }
            }
            Edit::OtherTitle(kind, entity, choice) => {
                let entities = &mut self.others[*kind];
                let ids: Vec<String> = entities.keys().cloned().collect();
                let id = entity.get(&ids);
                entities.get_mut(id).unwrap().title = OTHER_TITLES[*choice];
            }
            Edit::Template(variant) => self.template = *variant,
            Edit::SiteTitle(choice) => self.site_title = OTHER_TITLES[*choice],
            Edit::Break(file) => {
                let paths: Vec<String> = self.files().into_keys().collect();
                self.broken = Some(file.get(&paths).clone());
            }
            Edit::Fix => self.broken = None,
            Edit::Archives(version) => self.archives = *version,
            Edit::SourceUrl(url) => self.source_url = *url,
        }
    }

    /// The site's files (paths relative to its root) and their text.
    fn files(&self) -> BTreeMap<String, String> {
        let quoted = |text: &str| serde_json::to_string(text).unwrap();
        let list = |items: &[String]| {
            let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
            format!("[{}]", items.join(", "))
        };
        let mut files = BTreeMap::new();
        files.insert(
            "content/site.yaml".to_string(),
            format!(
                "title: {}\nbase_url: https://example.org/kitchen/\nlanguage: en\n\
                 description: A small fixture site about bread.\ndisclaimer: {}\n\
                 review:\n  max_age_days: 365\nreadability:\n  max_grade: 1\n",
                quoted(self.site_title),
                quoted(&self.disclaimer.text())
            ),
        );
        for (id, q) in &self.questions {
            let mut text = format!("question: {}\ntopic: {}\n", quoted(q.title), q.topic);
            if let Some(order) = q.order {
                text.push_str(&format!("order: {order}\n"));
            }
            if !q.tags.is_empty() {
                let tags: Vec<String> = q.tags.iter().map(|t| t.to_string()).collect();
                text.push_str(&format!("tags: {}\n", list(&tags)));
            }
            text.push_str(&format!(
                "summary: {}\nanswer: {}\n",
                quoted(q.summary),
                quoted(&q.answer.text())
            ));
            if !q.facts.is_empty() {
                text.push_str("facts:\n");
            }
            for &(fact, stance) in &q.facts {
                let (claim, quotes) = FACTS[fact];
                text.push_str(&format!("  - claim: {}\n    quotes:\n", quoted(claim)));
                for (i, (source, quote, attribution)) in quotes.iter().enumerate() {
                    text.push_str(&format!(
                        "      - source: {source}\n        text: {}\n",
                        quoted(quote)
                    ));
                    if let Some(attribution) = attribution {
                        text.push_str(&format!("        attribution: {attribution}\n"));
                    }
                    if i + 1 == quotes.len() {
                        text.push_str(&format!("        stance: {}\n", STANCES[stance]));
                    }
                }
            }
            if !q.related.is_empty() {
                text.push_str(&format!("related: {}\n", list(&q.related)));
            }
            if !q.cautions.is_empty() {
                text.push_str(&format!("cautions: {}\n", list(&q.cautions)));
            }
            text.push_str(&format!(
                "reviewed:\n  on: 2026-01-{:02}\n  by: Editorial team\n{}",
                q.reviewed_day, q.data
            ));
            files.insert(format!("content/questions/{id}.yaml"), text);
        }
        for (&(folder, title_field, markdown_field), entities) in
            OTHER_KINDS.iter().zip(&self.others)
        {
            for (id, entity) in entities {
                let mut text = format!("{title_field}: {}\n", quoted(entity.title));
                if let Some(markdown) = &entity.markdown {
                    text.push_str(&format!("{markdown_field}: {}\n", quoted(&markdown.text())));
                }
                let rest = match SOURCE_URLS[self.source_url] {
                    Some(url) => entity.rest.replace(SOURCE_URLS[0].unwrap(), url),
                    None => entity
                        .rest
                        .replace(&format!("url: {}\n", SOURCE_URLS[0].unwrap()), ""),
                };
                text.push_str(&rest);
                files.insert(format!("content/{folder}/{id}.yaml"), text);
            }
        }
        if let Some((path, built_in)) = TEMPLATE_OVERRIDES.get(self.template.wrapping_sub(1)) {
            let text =
                std::fs::read_to_string(manifest_dir().join("templates").join(built_in)).unwrap();
            let text = if path.ends_with(".css") {
                format!("/* this site's own */\n{text}")
            } else {
                format!("{text}\n<!-- this site's own -->\n")
            };
            files.insert(format!("templates/{path}"), text);
        }
        for archive in ["baking-notes.txt", "oven-guide.txt"] {
            let mut text = std::fs::read_to_string(
                manifest_dir()
                    .join("tests/fixtures/valid/content/sources")
                    .join(archive),
            )
            .unwrap();
            for (file, from, to) in ARCHIVE_VERSIONS[self.archives] {
                if *file == archive {
                    text = match from.is_empty() {
                        true => format!("{to}{text}"),
                        false => text.replacen(from, to, 1),
                    };
                }
            }
            files.insert(format!("content/sources/{archive}"), text);
        }
        if let Some(broken) = &self.broken
            && let Some(text) = files.get_mut(broken)
        {
            *text = "question: [broken\n".into();
        }
        files
    }
}

/// Templates and assets a site may override: its path under `templates/`,
/// and the built-in file it starts from.
const TEMPLATE_OVERRIDES: &[(&str, &str)] = &[
    ("base.html", "base.html"),
    ("partials/caution.html", "partials/caution.html"),
    ("assets/style.css", "assets/style.css"),
];

// ---------------------------------------------------------------------------
// Edits.

/// Which of the entities there are at the time an edit applies to: a
/// fraction of the list, so that it means something however entities come
/// and go. Shrinks towards the first.
#[derive(Clone, Copy, Debug)]
struct Pick(u16);

impl Pick {
    fn index(self, len: usize) -> usize {
        assert!(len > 0, "nothing to pick from");
        usize::from(self.0) * len / (usize::from(u16::MAX) + 1)
    }

    fn get<T>(self, items: &[T]) -> &T {
        &items[self.index(items.len())]
    }

    /// The pick of item `position` of `len`.
    fn at(position: usize, len: usize) -> Pick {
        let step = (usize::from(u16::MAX) + 1) / len;
        Pick(u16::try_from(position * step + step / 2).unwrap())
    }
}

fn pick() -> impl Strategy<Value = Pick> {
    any::<u16>().prop_map(Pick)
}

/// A markdown field: `kind` 0 is a question's answer, 1 to 4 a topic's
/// intro, a caution's message, a glossary definition, a page's body; `None`
/// the site's disclaimer.
#[derive(Clone, Debug)]
struct Field {
    kind: Option<usize>,
    entity: Pick,
}

#[derive(Clone, Debug)]
enum Edit {
    Title(Pick, usize),
    Summary(Pick, usize),
    Words(Field, usize),
    /// A link to an entity (`true`: to a question, the case to watch, since
    /// a question's title can change without a full rebuild), in one of the
    /// two styles.
    AddLink(Field, bool, Pick, bool),
    RemoveLink(Field, Pick),
    /// The facts a question carries (with their quotes), and each one's stance.
    Facts(Pick, Vec<(usize, usize)>),
    Tags(Pick, Vec<usize>),
    Related(Pick, Vec<Pick>),
    Cautions(Pick, Vec<bool>),
    Topic(Pick, Pick),
    Order(Pick, Option<i64>),
    Review(Pick, u8),
    Add(usize, usize),
    Delete(Pick),
    Rename(Pick, usize),
    /// The title of a topic, caution, glossary term, page or source.
    OtherTitle(usize, Pick, usize),
    Template(usize),
    SiteTitle(usize),
    Break(Pick),
    Fix,
    /// The source archives changed (see [`ARCHIVE_VERSIONS`]).
    Archives(usize),
    /// The first source's `url` changed (see [`SOURCE_URLS`]).
    SourceUrl(usize),
}

fn field() -> impl Strategy<Value = Field> {
    (prop::option::weighted(0.9, 0..5usize), pick())
        .prop_map(|(kind, entity)| Field { kind, entity })
}

fn edit() -> impl Strategy<Value = Edit> {
    let q = pick;
    prop_oneof![
        // What an editor changes most, and what is rebuilt in part.
        6 => (q(), 0..QUESTION_TITLES.len()).prop_map(|(q, c)| Edit::Title(q, c)),
        4 => (q(), 0..SUMMARIES.len()).prop_map(|(q, c)| Edit::Summary(q, c)),
        4 => (field(), 0..WORDS.len()).prop_map(|(f, c)| Edit::Words(f, c)),
        4 => (field(), prop::bool::weighted(0.7), pick(), any::<bool>())
            .prop_map(|(f, q, t, s)| Edit::AddLink(f, q, t, s)),
        2 => (field(), pick()).prop_map(|(f, w)| Edit::RemoveLink(f, w)),
        3 => (q(), prop::collection::vec((0..FACTS.len(), 0..STANCES.len()), 0..3))
            .prop_map(|(q, f)| Edit::Facts(q, f)),
        1 => (q(), prop::collection::vec(0..TAGS.len(), 0..3)).prop_map(|(q, t)| Edit::Tags(q, t)),
        1 => (q(), prop::collection::vec(pick(), 0..3)).prop_map(|(q, r)| Edit::Related(q, r)),
        1 => (q(), prop::collection::vec(any::<bool>(), 1..3)).prop_map(|(q, c)| Edit::Cautions(q, c)),
        1 => (q(), pick()).prop_map(|(q, t)| Edit::Topic(q, t)),
        1 => (q(), prop::option::of(0..3i64)).prop_map(|(q, o)| Edit::Order(q, o)),
        2 => (q(), 10..20u8).prop_map(|(q, d)| Edit::Review(q, d)),
        1 => (0..NEW_IDS.len(), 0..QUESTION_TITLES.len()).prop_map(|(i, t)| Edit::Add(i, t)),
        1 => q().prop_map(Edit::Delete),
        1 => (q(), 0..NEW_IDS.len()).prop_map(|(q, i)| Edit::Rename(q, i)),
        1 => (0..OTHER_KINDS.len(), pick(), 0..OTHER_TITLES.len())
            .prop_map(|(k, e, c)| Edit::OtherTitle(k, e, c)),
        1 => (0..=TEMPLATE_OVERRIDES.len()).prop_map(Edit::Template),
        1 => (0..OTHER_TITLES.len()).prop_map(Edit::SiteTitle),
        1 => pick().prop_map(Edit::Break),
        1 => Just(Edit::Fix),
        1 => (0..ARCHIVE_VERSIONS.len()).prop_map(Edit::Archives),
        1 => (0..SOURCE_URLS.len()).prop_map(Edit::SourceUrl),
    ]
}

// ---------------------------------------------------------------------------
// Running edits against a session and fresh builds.

/// A site on disk, written from a model, and a session building it.
struct World {
    _dir: tempfile::TempDir,
    root: PathBuf,
    session: cited::Session,
    options: BuildOptions,
    written: BTreeMap<String, String>,
    /// Whether the last [`World::write`] changed any file.
    changed: bool,
    /// What a file watcher would have reported since the last build: the
    /// files written or removed, and the folders made or removed.
    told: Vec<PathBuf>,
    /// The session's output after its last good build.
    last_good: Option<Tree>,
}

impl World {
    fn new() -> World {
        let dir = scratch_folder();
        let root = dir.path().join("site");
        let options = BuildOptions {
            root: root.clone(),
            out: dir.path().join("out"),
            today: TODAY,
            render: RenderOptions::default(),
            force: false,
        };
        World {
            _dir: dir,
            root,
            session: cited::Session::default(),
            options,
            written: BTreeMap::new(),
            changed: false,
            told: Vec::new(),
            last_good: None,
        }
    }

    /// Writes the files whose text differs from what is on disk, and
    /// deletes those the model no longer has (then any folder left empty).
    fn write(&mut self, model: &Model) {
        let files = model.files();
        for (path, text) in &files {
            if self.written.get(path) != Some(text) {
                let full = self.root.join(path);
                let folder = full.parent().unwrap();
                if !folder.exists() {
                    self.told.push(folder.to_path_buf());
                }
                std::fs::create_dir_all(folder).unwrap();
                std::fs::write(&full, text).unwrap();
                self.told.push(full);
            }
        }
        for path in self.written.keys().filter(|p| !files.contains_key(*p)) {
            std::fs::remove_file(self.root.join(path)).unwrap();
            self.told.push(self.root.join(path));
        }
        if !files.keys().any(|p| p.starts_with("templates/"))
            && std::fs::remove_dir_all(self.root.join("templates")).is_ok()
        {
            self.told.push(self.root.join("templates"));
        }
        self.changed = files != self.written;
        self.written = files;
    }

    /// Builds in the session and from nothing; checks they agree.
    fn build_and_compare(&mut self, what: &str) -> Result<(), TestCaseError> {
        // Only builds after a real change count in the tally.
        let counts = self.last_good.is_some() && self.changed;
        // As `cited serve` does: the session is told which files changed,
        // looks at those alone, and then makes sure nothing else did.
        self.session.expect_changes(std::mem::take(&mut self.told));
        let report = self.session.build(&self.options);
        prop_assert!(
            self.session.is_as_loaded(&self.root),
            "after {what}: the content is not as the session's load found it"
        );
        self.session.wait_for_search_index();
        let (fresh, fresh_problems) = fresh_build(&self.root, &self.written);
        let problems = problems_of(&report);
        if problems != fresh_problems {
            return Err(TestCaseError::fail(format!(
                "after {what}: the session reported other problems than a fresh build:\n\
                 session: {}\nfresh: {}",
                serde_json::to_string_pretty(&problems).unwrap(),
                serde_json::to_string_pretty(&fresh_problems).unwrap(),
            )));
        }
        let output = read_tree(&self.options.out);
        match (report.has_errors(), fresh) {
            (false, Some(fresh)) => {
                if let Some(difference) = difference(&output, &fresh) {
                    return Err(TestCaseError::fail(format!("after {what}: {difference}")));
                }
                let pages = fresh
                    .keys()
                    .filter(|p| p.extension().is_some_and(|e| e == "html"));
                if counts {
                    TALLY.good.fetch_add(1, Ordering::Relaxed);
                    if report.pages < pages.count() {
                        TALLY.partial.fetch_add(1, Ordering::Relaxed);
                    }
                }
                self.last_good = Some(output);
            }
            (true, None) => {
                if counts {
                    TALLY.failed.fetch_add(1, Ordering::Relaxed);
                }
                let before = self.last_good.clone().unwrap_or_default();
                prop_assert!(
                    output == before,
                    "after {what}: a failed build changed the output"
                );
            }
            (session_failed, _) => {
                return Err(TestCaseError::fail(format!(
                    "after {what}: the session's build {} but a fresh build {}:\n{}",
                    if session_failed {
                        "failed"
                    } else {
                        "succeeded"
                    },
                    if session_failed {
                        "succeeded"
                    } else {
                        "failed"
                    },
                    describe(&report),
                )));
            }
        }
        Ok(())
    }
}

/// A temporary folder, in memory where there is one: the test writes and
/// builds small sites thousands of times.
fn scratch_folder() -> tempfile::TempDir {
    let in_memory = Path::new("/dev/shm");
    if in_memory.is_dir()
        && let Ok(folder) = tempfile::tempdir_in(in_memory)
    {
        return folder;
    }
    tempfile::tempdir().unwrap()
}

/// How the builds of a run went, to show (and check) that it exercised
/// partial rebuilds, not only full ones.
#[derive(Default, Debug)]
struct Tally {
    good: AtomicUsize,
    partial: AtomicUsize,
    failed: AtomicUsize,
}

static TALLY: Tally = Tally {
    good: AtomicUsize::new(0),
    partial: AtomicUsize::new(0),
    failed: AtomicUsize::new(0),
};

fn describe(report: &Report) -> String {
    report.diagnostics.render(&report.files, false)
}

/// A build's problems as `cited check --format json` gives them (code,
/// file, line and column, severity, message, help), parsed.
fn problems_of(report: &Report) -> serde_json::Value {
    serde_json::from_str(&report.diagnostics.to_json()).unwrap()
}

/// The output of a fresh build of the site whose files are `files` (`None`
/// if it fails) and the problems it reported. Remembered by content: runs
/// revisit the same sites (every one starts from the fixture, and shrinking
/// replays edits).
fn fresh_build(root: &Path, files: &BTreeMap<String, String>) -> (Option<Tree>, serde_json::Value) {
    type Files = BTreeMap<String, String>;
    type Built = (Option<Tree>, serde_json::Value);
    static BUILT: OnceLock<Mutex<HashMap<Files, Built>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    if let Some(tree) = built.lock().unwrap().get(files) {
        return tree.clone();
    }
    let out = scratch_folder();
    let report = cited::build(&BuildOptions {
        root: root.to_path_buf(),
        out: out.path().join("public"),
        today: TODAY,
        render: RenderOptions::default(),
        force: false,
    });
    let tree = (!report.has_errors()).then(|| read_tree(&out.path().join("public")));
    let built_now = (tree, problems_of(&report));
    built
        .lock()
        .unwrap()
        .insert(files.clone(), built_now.clone());
    built_now
}

fn run_edits(edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut model = Model::fixture();
    let mut world = World::new();
    world.write(&model);
    world.build_and_compare("the first build")?;
    prop_assert!(world.last_good.is_some(), "the fixture builds");
    let fix = [Edit::Fix];
    // Always end fixed, so a change made while a file was broken must land.
    for (i, edit) in edits.iter().chain(&fix).enumerate() {
        model.apply(edit);
        world.write(&model);
        world.build_and_compare(&format!("edit {} ({edit:?})", i + 1))?;
    }
    Ok(())
}

/// A few hundred random sequences of edits; `PROPTEST_CASES` asks for more.
/// A failing sequence is shrunk to a short one and saved in
/// `tests/session.proptest-regressions`, which is replayed first next time.
#[test]
fn session_rebuilds_equal_fresh_builds() {
    let config = ProptestConfig {
        cases: 200,
        max_shrink_iters: 500,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        source_file: Some(file!()),
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let edits = prop::collection::vec(edit(), 1..6);
    let result = runner.run(&edits, |edits| run_edits(&edits));
    let (good, partial, failed) = (
        TALLY.good.load(Ordering::Relaxed),
        TALLY.partial.load(Ordering::Relaxed),
        TALLY.failed.load(Ordering::Relaxed),
    );
    eprintln!(
        "builds after an edit: {good} good ({partial} of them partial rebuilds), {failed} failed"
    );
    if let Err(error) = result {
        panic!("{error}");
    }
    assert!(
        partial * 5 >= good,
        "too few partial rebuilds to test them: {partial} of {good}"
    );
}

#[test]
fn the_model_writes_a_site_that_builds() {
    let mut world = World::new();
    world.write(&Model::fixture());
    let report = cited::build(&BuildOptions {
        root: world.root.clone(),
        out: world.options.out.clone(),
        today: TODAY,
        render: RenderOptions::default(),
        force: false,
    });
    assert!(!report.has_errors(), "{}", describe(&report));
    // With the get-help and safety-notes pages.
    assert_eq!(report.pages, 23);
}

/// Partial rebuilds stay partial: each edit renders again only the pages
/// that show what it changed (and the output still equals a fresh build).
#[test]
fn an_edit_renders_again_only_the_pages_that_show_it() {
    let mut model = Model::fixture();
    let mut world = World::new();
    world.write(&model);
    world.build_and_compare("the first build").unwrap();
    let cost = pick_of(&model, "what-does-bread-cost");
    let stale = pick_of(&model, "does-bread-go-stale");
    let answer = Field {
        kind: Some(0),
        entity: stale,
    };
    let edits = [
        // Only its own page shows the answer.
        (Edit::Words(answer, 0), 1),
        // ...and the source page shows its quotes.
        (Edit::Facts(stale, vec![(1, 1)]), 2),
        // Its page, home, its topic, its tag and the related question show
        // the summary (the source it quotes lists it by its title only).
        (Edit::Summary(stale, 3), 5),
        // The title too; its neighbour in the topic is the related question.
        (Edit::Title(stale, 1), 6),
        // The feed and sitemap are written every time anyway.
        (Edit::Review(stale, 12), 1),
        // This title is also in a caution's message (so on the caution's
        // page, and in the callout of the question carrying it) and in a
        // page's body: its page, home, its topic, its tag, the source its
        // cost block quotes, its neighbour in the topic, the caution, the
        // question carrying it, and the page.
        (Edit::Title(cost, 5), 9),
        // Other questions list its tags: everything.
        (Edit::Tags(stale, vec![0, 1]), 23),
    ];
    for (edit, pages) in edits {
        model.apply(&edit);
        world.write(&model);
        let report = world.session.build(&world.options);
        assert!(!report.has_errors(), "{edit:?}: {}", describe(&report));
        assert_eq!(report.pages, pages, "{edit:?}: pages rendered again");
        // Compare with a fresh build (the session's build is done: this one
        // finds nothing changed and renders everything).
        world.session.wait_for_search_index();
        let fresh = fresh_build(&world.root, &world.written).0.unwrap();
        assert_eq!(
            difference(&read_tree(&world.options.out), &fresh),
            None,
            "{edit:?}"
        );
    }
}

/// A title edit renders again the pages that show the question's place in
/// its topic (the questions before and after it, before and after the
/// edit; home while it is among a topic's first questions), not every
/// question of the topic; and the output is still a fresh build's, also
/// when the question moves across the topic, to its top and back.
#[test]
fn a_title_edit_renders_again_its_neighbours_not_its_whole_topic() {
    let mut model = Model::fixture();
    let template = model.questions["does-bread-go-stale"].clone();
    // A topic of 14 questions, in the order of their titles.
    for n in 0..14 {
        let title: &'static str = format!("Question {n:02} about flour?").leak();
        let question = Question {
            title,
            topic: "buying".into(),
            order: None,
            tags: vec!["crust"],
            related: Vec::new(),
            cautions: Vec::new(),
            ..template.clone()
        };
        model.questions.insert(format!("flour-{n:02}"), question);
    }
    let mut world = World::new();
    world.write(&model);
    world.build_and_compare("the first build").unwrap();
    let topic_size = (model.questions.values())
        .filter(|q| q.topic == "buying")
        .count();
    let edits: [(&'static str, &str); 4] = [
        // Its place is the same: its page, its topic, its tag, the source it
        // quotes, its two neighbours (home lists only a topic's first ten).
        ("Question 12 about flour, really?", "the same place"),
        // To the top of its topic: home too, and its old and new neighbours.
        ("A question about flour?", "the top"),
        // And back.
        ("Question 12 about flour?", "back"),
        // Among the first ten.
        ("Question 05 and a half about flour?", "the first ten"),
    ];
    let mut counts = Vec::new();
    for (title, place) in edits {
        model.questions.get_mut("flour-12").unwrap().title = title;
        world.write(&model);
        let report = world.session.build(&world.options);
        assert!(!report.has_errors(), "{place}: {}", describe(&report));
        counts.push(report.pages);
        world.session.wait_for_search_index();
        let fresh = fresh_build(&world.root, &world.written).0.unwrap();
        assert_eq!(
            difference(&read_tree(&world.options.out), &fresh),
            None,
            "{place}"
        );
    }
    assert!(topic_size > 14, "{topic_size}");
    // Own page, topic, tag and source, and: its two neighbours; home, its
    // old two and its new one (none before the top); home, its old one and
    // new two; home, its old two and new two.
    assert_eq!(counts, [6, 8, 8, 9], "pages rendered again per edit");
}

/// The [`Pick`] of question `id` among the model's questions.
/// A question added while the site does not build, then edited, is not in
/// the last good build: once the site builds again, it is built in full
/// (its topic, tag and home listings gain it), not as an edit of the
/// version a failed build read.
#[test]
fn a_question_added_while_the_site_is_broken_lands_in_every_listing() {
    let mut with_it = Model::fixture();
    with_it.apply(&Edit::Add(0, 0));
    let added = pick_of(&with_it, NEW_IDS[0]);
    let answer = Field {
        kind: Some(0),
        entity: added,
    };
    // A question is the broken file, so that the fix alone is an edit the
    // session may build in part.
    let paths: Vec<String> = Model::fixture().files().into_keys().collect();
    let stale = "content/questions/does-bread-go-stale.yaml";
    let broken = Pick::at(paths.iter().position(|p| p == stale).unwrap(), paths.len());
    // `run_edits` ends with the fix.
    let edits = [Edit::Break(broken), Edit::Add(0, 0), Edit::Words(answer, 0)];
    if let Err(failure) = run_edits(&edits) {
        panic!("{failure}");
    }
}

fn pick_of(model: &Model, id: &str) -> Pick {
    let ids: Vec<&String> = model.questions.keys().collect();
    let position = ids.iter().position(|x| *x == id).unwrap();
    Pick::at(position, ids.len())
}

/// A bug that makes a build panic is reported as an internal error, with a
/// plain exit code, and writes nothing. (A debug build of cited panics on
/// an answer holding the text in `CITED_DEBUG_PANIC_ON`, standing for any
/// bug.)
#[test]
fn a_panic_in_a_build_is_reported_as_an_internal_error() {
    let mut model = Model::fixture();
    model
        .questions
        .get_mut("does-bread-go-stale")
        .unwrap()
        .answer
        .words = "PANIC-MARKER-QX";
    let mut world = World::new();
    world.write(&model);
    let out = world.root.join("public");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cited"))
        .args(["build", "--root"])
        .arg(&world.root)
        .env("CITED_DEBUG_PANIC_ON", "PANIC-MARKER-QX")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{printed}");
    assert!(printed.contains("error[internal-error]"), "{printed}");
    assert!(printed.contains("please report it"), "{printed}");
    assert!(!out.exists(), "nothing is written");

    // Without the marker, the same site builds.
    model
        .questions
        .get_mut("does-bread-go-stale")
        .unwrap()
        .answer
        .words = WORDS[0];
    world.write(&model);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cited"))
        .args(["build", "--root"])
        .arg(&world.root)
        .env("CITED_DEBUG_PANIC_ON", "PANIC-MARKER-QX")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(out.join("index.html").is_file());
}
