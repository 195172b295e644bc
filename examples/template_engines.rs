//! Template engines on cited's real question page: Tera 2 (what cited uses)
//! against minijinja, each rendering the default theme's `question.html`
//! (with `base.html` and the partials it includes) with the contexts cited
//! builds for the first N questions of a site.
//!
//! Run with
//!
//! ```text
//! cargo run --release --example template_engines -- SITE [N]
//! ```
//!
//! where SITE holds `content/` (e.g. one made by `bench/generate.py`) and N
//! is how many question pages to render (default 2,000). Prints, per engine,
//! the best of five rounds of turning the contexts (as JSON) into the
//! engine's values, and of rendering them, one thread; and how many pages
//! the two engines render alike once both escapes are undone (minijinja
//! escapes `'` and `/` too, Tera only `&<>"`).
//!
//! A scratch benchmark for choosing an engine: not part of a build. The
//! templates are cited's own, with the two Tera-only spellings they use
//! rewritten for minijinja at run time (`join(sep=…)` → `join(…)`,
//! `replace(from=…, to=…)` → `replace(…, …)`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The keys cited puts in Tera's global context.
const GLOBALS: [&str; 7] = cited::render::GLOBAL_CONTEXT_KEYS;

const ROUNDS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(args.first().expect("usage: template_engines SITE [N]"));
    let count: usize = args
        .get(1)
        .map_or(2_000, |n| n.parse().expect("N is a number"));

    let mut diagnostics = cited::Diagnostics::default();
    let mut loaded = cited::load::load(&root, &mut diagnostics);
    let mut theme = cited::theme::load(&root, &mut loaded.files, &mut diagnostics)
        .expect("the site's theme loads");
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let checked = cited::check::check(&loaded.content, &loaded.files, today, &mut diagnostics);
    let site = loaded
        .content
        .site
        .as_ref()
        .expect("the site has site.yaml");
    let urls = cited::urls::SiteUrls::new(&site.base_url).expect("a valid base_url");
    let graph = cited::link::Graph::with_quotes(&loaded.content, urls, &checked.located);
    let contexts = cited::render::question_contexts_for_benchmark(&graph, &mut theme, today, count);
    let pages: Vec<serde_json::Value> = contexts.iter().map(page_part).collect();
    let bytes: usize = pages.iter().map(|p| p.to_string().len()).sum();
    println!(
        "{} question pages of {}, contexts {:.1} MB as JSON",
        pages.len(),
        root.display(),
        bytes as f64 / 1e6
    );
    let Some(first) = contexts.first() else {
        return;
    };

    // Tera, set up as cited sets it up: the theme's own instance, whose
    // global context `question_contexts_for_benchmark` filled.
    let tera = &theme.tera;
    let (tera_convert, tera_contexts) = best_of(|| {
        pages
            .iter()
            .map(|p| tera::Context::from_serialize(p).expect("a JSON object"))
            .collect::<Vec<_>>()
    });
    let (tera_render, tera_html) = best_of(|| {
        tera_contexts
            .iter()
            .map(|c| {
                tera.render("question.html", c)
                    .expect("Tera renders the page")
            })
            .collect::<Vec<_>>()
    });

    // minijinja, with the same templates and globals.
    let mut env = minijinja::Environment::new();
    // Tera keeps a template's last line break; minijinja drops it by default.
    env.set_keep_trailing_newline(true);
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for name in [
        "base.html",
        "question.html",
        "partials/backlinks.html",
        "partials/care-cards.html",
        "partials/caution.html",
        "partials/question-list.html",
        "partials/quote.html",
        "partials/reviewers.html",
    ] {
        let source = std::fs::read_to_string(templates.join(name)).expect("a template");
        env.add_template_owned(name.to_string(), for_minijinja(&source))
            .expect("minijinja parses the template");
    }
    for key in GLOBALS {
        if let Some(value) = first.get(key) {
            env.add_global(key, minijinja::Value::from_serialize(value));
        }
    }
    let template = env
        .get_template("question.html")
        .expect("the question template");
    let (mini_convert, mini_contexts) = best_of(|| {
        pages
            .iter()
            .map(minijinja::Value::from_serialize)
            .collect::<Vec<_>>()
    });
    let (mini_render, mini_html) = best_of(|| {
        mini_contexts
            .iter()
            .map(|c| template.render(c).expect("minijinja renders the page"))
            .collect::<Vec<_>>()
    });

    let per_page = |d: Duration| d.as_secs_f64() * 1e6 / pages.len() as f64;
    println!("engine      contexts (µs/page)  render (µs/page)  total (ms)");
    for (name, convert, render) in [
        ("tera 2", tera_convert, tera_render),
        ("minijinja 2", mini_convert, mini_render),
    ] {
        println!(
            "{name:<11} {:>18.1} {:>17.1} {:>11.1}",
            per_page(convert),
            per_page(render),
            (convert + render).as_secs_f64() * 1e3
        );
    }
    let alike = tera_html
        .iter()
        .zip(&mini_html)
        .filter(|(a, b)| unescape(a) == unescape(b))
        .count();
    println!(
        "pages alike once unescaped: {alike} of {} (render ratio minijinja/tera: {:.2})",
        pages.len(),
        mini_render.as_secs_f64() / tera_render.as_secs_f64()
    );
    if alike < pages.len()
        && let Some((a, b)) = tera_html
            .iter()
            .zip(&mini_html)
            .find(|(a, b)| unescape(a) != unescape(b))
    {
        let (a, b) = (unescape(a), unescape(b));
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let from = at.saturating_sub(80);
        println!("first difference, tera:      {:?}", a.get(from..at + 80));
        println!("first difference, minijinja: {:?}", b.get(from..at + 80));
    }
}

/// A page's own context: what cited inserts per page, without the globals.
fn page_part(context: &serde_json::Value) -> serde_json::Value {
    let mut map = context.as_object().expect("a context is an object").clone();
    for key in GLOBALS {
        map.remove(key);
    }
    serde_json::Value::Object(map)
}

/// The fastest of [`ROUNDS`] runs of `work`, and its result.
fn best_of<T>(mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best: Option<(Duration, T)> = None;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let result = work();
        let took = started.elapsed();
        if best.as_ref().is_none_or(|(b, _)| took < *b) {
            best = Some((took, result));
        }
    }
    best.expect("at least one round")
}

/// A Tera template in minijinja's spelling: keyword arguments of `join` and
/// `replace` become positional.
fn for_minijinja(source: &str) -> String {
    source
        .replace("join(sep=", "join(")
        .replace("replace(from=", "replace(")
        .replace(", to=", ", ")
}

/// HTML with both engines' character references undone, to compare what the
/// pages say rather than how each escapes it.
fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
