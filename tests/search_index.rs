//! Tests of the site-search index: the right document ranks first for the
//! words patients type (stems, plurals, case, typos, half-typed words), builds
//! are deterministic, one search stays small on a 10,000-question site, and
//! the browser's `search.js` ranks exactly as the Rust mirror does.

use std::path::Path;
use std::process::Command;

use cited::search::{
    IndexFile, RESULTS_PER_PAGE, SearchDocument, build_index, query, query_traced, stem, words,
};

mod common;

// Made-up documents at scale, shared with `examples/search_bench.rs`.
#[path = "support/synthetic_search.rs"]
mod synthetic_search;
use synthetic_search::synthetic_documents;

fn doc(url: &str, title: &str, section: &str, text: &str) -> SearchDocument {
    SearchDocument {
        url: url.to_owned(),
        title: title.to_owned(),
        section: section.to_owned(),
        text: text.to_owned(),
    }
}

/// A small microneedling site: questions, glossary terms, cautions, pages.
fn fixture() -> Vec<SearchDocument> {
    vec![
        doc(
            "/questions/what-is-microneedling/",
            "What is microneedling?",
            "The basics",
            "Microneedling is a treatment that makes many tiny punctures in the top layer of \
             the skin with fine needles. The skin responds by making new collagen and elastin. \
             It is also called collagen induction therapy. microneedling skin treatment needles",
        ),
        doc(
            "/questions/bruising/",
            "Is bruising normal after the treatment?",
            "Side effects",
            "Some pinpoint bleeding and mild bruising can happen, mostly around the eyes. \
             Bruises usually fade within a week. Needles that go deeper than recommended make \
             bleeding and bruising more likely.",
        ),
        doc(
            "/questions/cost/",
            "How much does a session cost?",
            "Cost and sessions",
            "The average price of one session in the US is about $640, and usually between $300 \
             and $700, depending on your location and the clinic. Most people need three to six \
             sessions, so the total price is higher.",
        ),
        doc(
            "/questions/number-of-sessions/",
            "How many sessions will I need?",
            "Cost and sessions",
            "Most people need three to six treatments spaced four to six weeks apart. Deep acne \
             scars may need more.",
        ),
        doc(
            "/questions/pregnancy/",
            "Can I have microneedling while pregnant or breastfeeding?",
            "Who should not have it",
            "Pregnancy is a reason to wait. Products used during treatment have not been tested \
             in pregnancy, and hormones make pigment changes more likely.",
        ),
        doc(
            "/questions/darker-skin/",
            "Is microneedling safe for darker skin?",
            "Who should not have it",
            "It is often chosen for darker skin because it does not heat the skin like lasers. \
             Overdoing treatments can still lead to hyperpigmentation, dark patches that can \
             take months to fade.",
        ),
        doc(
            "/questions/pain/",
            "Does it hurt?",
            "The treatment day",
            "A numbing cream is put on about 30 minutes before. Most people feel pressure and a \
             scratching feeling rather than pain. Bony areas are more sensitive.",
        ),
        doc(
            "/questions/recovery/",
            "How long does redness last?",
            "Recovery",
            "Skin looks red and slightly swollen for one to three days, like a mild sunburn. \
             Swelling depends on skin sensitivity and how deep the needles went. Most people \
             go back to work the next day.",
        ),
        doc(
            "/questions/home-devices/",
            "Can I use a derma roller at home?",
            "At home",
            "Home derma rollers have shorter needles. Poor hygiene and reused rollers raise the \
             risk of infection and scarring. A professional treatment uses sterile, single-use \
             needles.",
        ),
        doc(
            "/questions/acne-scars/",
            "Does microneedling help acne scars?",
            "Results",
            "Studies show improvement of atrophic acne scars after several sessions, as new \
             collagen fills in the scars. Active acne outbreaks should be treated first.",
        ),
        doc(
            "/questions/aftercare/",
            "How should I care for my skin afterwards?",
            "Recovery",
            "Use a gentle cleanser and moisturiser, avoid make-up for a day, and protect the \
             skin from the sun. Do not use retinoids or exfoliating acids for a few days.",
        ),
        doc(
            "/glossary/#isotretinoin",
            "Isotretinoin",
            "Glossary",
            "A strong acne medicine taken by mouth, also sold as Accutane. Wait at least six \
             months after stopping it before microneedling.",
        ),
        doc(
            "/glossary/#collagen",
            "Collagen",
            "Glossary",
            "A protein that gives skin its strength and firmness.",
        ),
        doc(
            "/cautions/hyperpigmentation/",
            "Risk of hyperpigmentation",
            "Caution",
            "Treatments too close together, or sun exposure while the skin heals, can cause \
             darker patches of skin, especially on darker skin types.",
        ),
        doc(
            "/cautions/infection/",
            "Infection after home treatment",
            "Caution",
            "Unsterile needles and poor hygiene can cause bacterial, viral or fungal infections.",
        ),
        doc(
            "/about/",
            "About this site",
            "Page",
            "This site explains microneedling in plain language, and every fact cites its \
             source.",
        ),
    ]
}

fn first_result(files: &[IndexFile], q: &str) -> Option<String> {
    query(files, q).into_iter().next()
}

#[track_caller]
fn assert_first(files: &[IndexFile], q: &str, expected: &str) {
    let results = query(files, q);
    assert_eq!(
        results.first().map(String::as_str),
        Some(expected),
        "first result for {q:?}; all results: {results:?}"
    );
}

#[test]
fn the_right_question_ranks_first() {
    let files = build_index(&fixture());
    let cases = [
        ("bruising", "/questions/bruising/"),
        ("pregnant", "/questions/pregnancy/"),
        ("pregnancy", "/questions/pregnancy/"),
        ("breastfeeding", "/questions/pregnancy/"),
        ("cost", "/questions/cost/"),
        ("how much does it cost", "/questions/cost/"),
        ("price", "/questions/cost/"),
        ("numbing cream", "/questions/pain/"),
        ("does it hurt", "/questions/pain/"),
        ("how long does redness last", "/questions/recovery/"),
        ("derma roller at home", "/questions/home-devices/"),
        ("acne scars", "/questions/acne-scars/"),
        ("accutane", "/glossary/#isotretinoin"),
        ("hyperpigmentation", "/cautions/hyperpigmentation/"),
        (
            "What is microneedling?",
            "/questions/what-is-microneedling/",
        ),
    ];
    for (q, expected) in cases {
        assert_first(&files, q, expected);
    }
}

#[test]
fn stems_plurals_and_case_find_the_same_question() {
    let files = build_index(&fixture());
    for q in ["bruise", "bruises", "Bruised", "BRUISING", "bruising?"] {
        assert_first(&files, q, "/questions/bruising/");
    }
    for q in ["costs", "COST", "Cost"] {
        assert_first(&files, q, "/questions/cost/");
    }
    for q in ["scar", "Scarring acne"] {
        assert_first(&files, q, "/questions/acne-scars/");
    }
    assert_eq!(query(&files, "session"), query(&files, "Sessions"));
}

#[test]
fn small_typos_still_find_the_question() {
    let files = build_index(&fixture());
    let correct = first_result(&files, "microneedling");
    assert_eq!(
        correct.as_deref(),
        Some("/questions/what-is-microneedling/")
    );
    assert_eq!(first_result(&files, "microneedeling"), correct);
    assert_eq!(first_result(&files, "micronedling"), correct);
    assert_first(&files, "hyperpigmentaion", "/cautions/hyperpigmentation/");
    assert_first(
        &files,
        "hyperpigmentaion dark skin",
        "/questions/darker-skin/",
    );
    assert_first(&files, "bruisng", "/questions/bruising/");
    assert_first(&files, "pregnent", "/questions/pregnancy/");
    assert_first(&files, "infecton", "/cautions/infection/");
}

#[test]
fn half_typed_words_match_as_the_person_types() {
    let files = build_index(&fixture());
    assert_first(&files, "pregn", "/questions/pregnancy/");
    assert_first(&files, "brui", "/questions/bruising/");
    assert_first(&files, "hyperpig", "/cautions/hyperpigmentation/");
    assert_first(&files, "numbing cre", "/questions/pain/");
    // A finished word (followed by a space) is not expanded.
    assert!(query(&files, "pregn ").is_empty());
}

#[test]
fn queries_without_meaningful_words_find_nothing() {
    let files = build_index(&fixture());
    assert!(query(&files, "").is_empty());
    assert!(query(&files, "   ").is_empty());
    assert!(query(&files, "what is the").is_empty());
    assert!(query(&files, "zzzzqqq").is_empty());
    assert!(!build_index::<SearchDocument>(&[]).is_empty());
    assert!(query(&build_index::<SearchDocument>(&[]), "bruising").is_empty());
}

#[test]
fn documents_matching_more_words_rank_higher() {
    let files = build_index(&fixture());
    // The glossary entry has "collagen" in its title and the isotretinoin
    // entry has "acne", but only the acne-scars answer has both.
    assert_first(&files, "collagen acne", "/questions/acne-scars/");
}

#[test]
fn builds_are_byte_identical_whatever_the_input_order() {
    let docs = fixture();
    let first = build_index(&docs);
    let second = build_index(&docs);
    assert_eq!(first, second);
    let mut reversed = docs.clone();
    reversed.reverse();
    assert_eq!(build_index(&reversed), first);

    let synthetic = synthetic_documents(3000, 7);
    assert_eq!(build_index(&synthetic), build_index(&synthetic));
}

/// The made-up documents are a test and benchmark tool (in `tests/support/`),
/// not part of the library a site is built with: no file of `src/` may
/// define or export them.
#[test]
fn the_synthetic_generator_is_no_part_of_the_library() {
    fn visit(folder: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let named = path.file_stem().is_some_and(|s| s == "synthetic");
                if named || text.contains("synthetic_documents") || text.contains("mod synthetic") {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    let mut found = Vec::new();
    visit(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(
        found.is_empty(),
        "the library holds the generator: {found:?}"
    );
}

#[test]
fn index_files_stay_under_search_and_are_json() {
    let files = build_index(&fixture());
    assert_eq!(files[0].path, "search/index/meta.json");
    for file in &files {
        assert!(file.path.starts_with("search/index/"), "{}", file.path);
        assert!(file.path.ends_with(".json"), "{}", file.path);
        serde_json::from_slice::<serde_json::Value>(&file.bytes)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.path));
    }
}

#[test]
fn one_search_on_a_10000_question_site_downloads_under_300_kb() {
    let files = build_index(&synthetic_documents(10_000, 1));
    let queries = [
        "bruise",
        "cost",
        "pregnant",
        "microneedeling",
        "hyperpigmentaion",
        "acne scars swelling",
        "how much does microneedling cost",
        "colla",
        "ka",
        "rema",
        "banaka",
    ];
    for q in queries {
        let outcome = query_traced(&files, q, RESULTS_PER_PAGE);
        assert!(
            outcome.fetched_bytes < 300_000,
            "{q:?} fetched {} bytes in {} files",
            outcome.fetched_bytes,
            outcome.fetched.len()
        );
    }
    let outcome = query_traced(&files, "bruise", RESULTS_PER_PAGE);
    assert_eq!(outcome.urls.len(), RESULTS_PER_PAGE);
    assert!(outcome.total > RESULTS_PER_PAGE);
}

/// Words whose stems exercise every step of the Porter stemmer.
const STEMMER_WORDS: &[&str] = &[
    "caresses",
    "ponies",
    "ties",
    "caress",
    "cats",
    "feed",
    "agreed",
    "disabled",
    "matting",
    "mating",
    "meeting",
    "milling",
    "messing",
    "meetings",
    "happy",
    "sky",
    "relational",
    "conditional",
    "rational",
    "valenci",
    "hesitanci",
    "digitizer",
    "conformabli",
    "radicalli",
    "differentli",
    "vileli",
    "analogousli",
    "vietnamization",
    "predication",
    "operator",
    "feudalism",
    "decisiveness",
    "hopefulness",
    "callousness",
    "formaliti",
    "sensitiviti",
    "sensibiliti",
    "triplicate",
    "formative",
    "formalize",
    "electriciti",
    "electrical",
    "hopeful",
    "goodness",
    "revival",
    "allowance",
    "inference",
    "airliner",
    "gyroscopic",
    "adjustable",
    "defensible",
    "irritant",
    "replacement",
    "adjustment",
    "dependent",
    "adoption",
    "homologou",
    "communism",
    "activate",
    "angulariti",
    "homologous",
    "effective",
    "bowdlerize",
    "probate",
    "rate",
    "cease",
    "controll",
    "roll",
    "generalizations",
    "oscillators",
    "yes",
    "eyes",
    "ying",
    "ies",
    "sses",
    "ed",
    "ing",
    "bled",
    "sing",
    "troubled",
    "sized",
    "hopping",
    "tanned",
    "falling",
    "hissing",
    "fizzed",
    "failing",
    "filing",
    "archaeology",
    "logical",
    "tion",
    "ation",
    "eeds",
    "syzygy",
    "boyish",
    "enjoying",
    "crying",
    "flies",
    "dying",
];

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Runs `search.js` under Node on index files written to disk and compares
/// every answer with the Rust mirror's.
#[test]
fn the_browser_script_agrees_with_the_rust_mirror() {
    if !node_available() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut docs = fixture();
    docs.extend(synthetic_documents(1500, 3));
    let files = build_index(&docs);
    for file in &files {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }

    let mut sample_words: Vec<String> = STEMMER_WORDS.iter().map(|w| w.to_string()).collect();
    for doc in &docs[..400] {
        sample_words.extend(words(&doc.title));
        sample_words.extend(words(&doc.text));
    }
    sample_words.sort();
    sample_words.dedup();
    let texts = [
        "Patient’s SKIN, isn't it? 3-day",
        "Café crème — naïve résumé",
        "ÉTÉ Σίσυφος İstanbul straße",
        "emoji 😀 between𝒜words and ½ ² numbers 12,5",
        "",
    ];
    let queries = [
        "bruise",
        "Bruises",
        "pregnant",
        "pregn",
        "cost",
        "costs ",
        "microneedeling",
        "hyperpigmentaion",
        "hyperpigmentaion dark skin",
        "numbing cre",
        "what is the",
        "",
        "skin infection needles",
        "bruisng",
        "bruse",
        "pregnent",
        "acne scars swelling",
        "ka",
        "kal",
        "rema",
        "banaka",
        "le ma",
        "collagen collagen",
        "infecton",
    ];
    let distance_pairs = [
        ("hyperpigmentaion", "hyperpigmentation"),
        ("form", "from"),
        ("abcdef", "ghijkl"),
        ("", "ab"),
        ("kitten", "sitting"),
    ];

    let driver = dir.path().join("driver.js");
    std::fs::write(&driver, NODE_DRIVER).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/assets/search.js");
    let input = serde_json::json!({
        "script": script,
        "base": format!("{}/search/index/", dir.path().display()),
        "words": sample_words,
        "texts": texts,
        "queries": queries,
        "distances": distance_pairs,
    });
    let answers = common::run_node(&driver, &input, dir.path());

    for (word, js_stem) in sample_words
        .iter()
        .zip(answers["stems"].as_array().unwrap())
    {
        assert_eq!(js_stem.as_str().unwrap(), stem(word), "stem of {word:?}");
    }
    for (text, js_words) in texts.iter().zip(answers["words"].as_array().unwrap()) {
        let js_words: Vec<String> = serde_json::from_value(js_words.clone()).unwrap();
        assert_eq!(js_words, words(text), "words of {text:?}");
    }
    for ((a, b), js_distance) in distance_pairs
        .iter()
        .zip(answers["distances"].as_array().unwrap())
    {
        assert_eq!(
            js_distance.as_u64().unwrap() as usize,
            cited::search::edit_distance(a, b, 2),
            "distance {a:?} {b:?}"
        );
    }
    let prefix = format!("{}/", dir.path().display());
    for (q, js) in queries.iter().zip(answers["queries"].as_array().unwrap()) {
        let rust = query_traced(&files, q, usize::MAX);
        let js_urls: Vec<String> = serde_json::from_value(js["urls"].clone()).unwrap();
        assert_eq!(js_urls, rust.urls, "results for {q:?}");
        let mut js_fetched: Vec<String> =
            serde_json::from_value::<Vec<String>>(js["fetched"].clone())
                .unwrap()
                .into_iter()
                .map(|path| path.strip_prefix(&prefix).unwrap().to_owned())
                .collect();
        let mut rust_fetched = rust.fetched.clone();
        js_fetched.sort();
        rust_fetched.sort();
        assert_eq!(js_fetched, rust_fetched, "files fetched for {q:?}");
    }

    let excerpt = &answers["excerpt"];
    assert_eq!(
        excerpt["marked"],
        serde_json::json!(["bruising", "Bruises", "bruising"])
    );
}

/// Loads search.js as a CommonJS module and answers the test's questions.
const NODE_DRIVER: &str = r#"
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const search = require(input.script);
(async () => {
  const out = {
    stems: input.words.map(search.stem),
    words: input.texts.map(search.words),
    distances: input.distances.map(([a, b]) => search.editDistance(a, b, 2)),
    queries: [],
  };
  for (const q of input.queries) {
    const fetched = [];
    const index = search.createIndex(input.base, async (url) => {
      fetched.push(url);
      return JSON.parse(fs.readFileSync(url, 'utf8'));
    });
    const found = await index.search(q);
    const docs = await index.documents(found.ranked);
    out.queries.push({ urls: docs.map((d) => d.url), fetched });
  }
  const index = search.createIndex(input.base, async (url) => JSON.parse(fs.readFileSync(url, 'utf8')));
  const found = await index.search('bruise');
  const [doc] = await index.documents(found.ranked.slice(0, 1));
  const pieces = search.excerpt(doc.text, found.terms);
  out.excerpt = { marked: pieces.filter((p) => p.mark).map((p) => p.text), pieces };
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"#;
