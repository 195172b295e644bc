//! The text layer of a PDF, laid out again as paragraphs.
//!
//! `pdf-extract` decodes the glyphs of every page (fonts, encodings,
//! ToUnicode maps) and reports each with its position and size; its own
//! plain-text output follows the order in which the PDF draws, which
//! interleaves the lines of two columns when a PDF draws row by row. So
//! this module lays the glyphs out itself:
//!
//! 1. **Runs**: glyphs on one baseline, each close after the last, make a
//!    run; a gap wider than an em-width or so (a column gutter) starts a new
//!    run. A gap wider than an eighth of an em is a word space.
//! 2. **Blocks**: a run joins the block just above it that it overlaps
//!    horizontally, in the same font size, whatever the order the PDF drew
//!    them in; so each column's lines stay together. A block is split where
//!    the space between two lines is clearly more than the document's usual
//!    line spacing: a paragraph break.
//! 3. **Reading order**: the blocks of a page are ordered by cutting the
//!    page recursively at its widest white gap, across (between rows of
//!    blocks) or down (a column gutter): columns are read one after the
//!    other, a heading across both comes first.
//! 4. **Page furniture**: page numbers and running headers or footers (the
//!    same line in the top or bottom margin of several pages) are dropped.
//! 5. **Paragraphs**: a block is one paragraph, its lines joined by a space.
//!    A paragraph that ends without a full stop (or other closing mark) and
//!    is followed, at the top of the next column or page, by one starting
//!    in lower case, continues there.
//!
//! **Hyphens at line ends.** A soft hyphen (U+00AD) at a line end always
//! joins the word. For a hyphen `-` after a letter, followed by a line that
//! starts with a lower-case letter, the document decides: the hyphen is
//! dropped (`tempera-` + `ture` → `temperature`) when the joined word occurs
//! elsewhere in the document; kept (`well-` + `known` → `well-known`) when
//! the hyphenated form does, or else when the part after the hyphen is a
//! word the document uses on its own (`known`); dropped otherwise. Before a
//! capital or a digit (`COVID-` + `19`) the hyphen is kept. This can be
//! wrong for a compound whose second half is not used alone in the
//! document, or a word split at a syllable that is also a word:
//! `cited source text` shows the result.
//!
//! What it cannot do: read text drawn as images (a scan:
//! [`Problem::PdfWithoutText`]), rotated or vertical text in reading order,
//! tables as tables (each row's cells may become runs of their own), or a
//! paragraph set directly above columns without space between them (its
//! last line may join the first column).
//!
//! `pdf-extract` can panic on a damaged PDF, and recurses into form
//! XObjects and page-tree parents without limit: a PDF that draws a form
//! inside itself, or whose page tree loops, is refused before extraction,
//! and extraction runs on a thread of its own with a large stack, its
//! panics caught and reported as an unreadable PDF. This module must not
//! read files.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use pdf_extract::{Document, MediaBox, Object, ObjectId, OutputDev, OutputError, Transform};

use super::Problem;

/// The text of the PDF in `bytes`, one paragraph per line.
pub fn extract(bytes: &[u8]) -> Result<String, Problem> {
    let bytes = bytes.to_vec();
    let pages = guarded(move || {
        let mut document = open(&bytes)?;
        defuse(&mut document)?;
        check_structure(&document)?;
        let mut collector = Collector::default();
        if let Err(error) = pdf_extract::output_doc(&document, &mut collector) {
            return Err(Problem::PdfUnreadable(if collector.glyphs > MAX_GLYPHS {
                format!(
                    "it holds more than the {} million characters cited reads from a PDF",
                    MAX_GLYPHS / 1_000_000
                )
            } else {
                format!("it is damaged ({error})")
            }));
        }
        Ok(collector.pages)
    })?;
    let text = super::tidy(&lay_out(pages));
    if !text.chars().any(char::is_alphanumeric) {
        return Err(Problem::PdfWithoutText);
    }
    Ok(text)
}

/// The title in the PDF's document information, if it has one.
pub fn title(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.to_vec();
    guarded(move || {
        let document = open(&bytes)?;
        let title = document
            .trailer
            .get_deref(b"Info", &document)
            .and_then(Object::as_dict)
            .and_then(|info| info.get_deref(b"Title", &document))
            .ok()
            .and_then(|title| pdf_extract::decode_text_string(title).ok());
        Ok(title)
    })
    .ok()
    .flatten()
    .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
    .filter(|t| !t.is_empty())
}

fn open(bytes: &[u8]) -> Result<Document, Problem> {
    let document = Document::load_mem(bytes).map_err(|e| {
        Problem::PdfUnreadable(format!("it is damaged or not a PDF cited can read ({e})"))
    })?;
    if document.is_encrypted() {
        return Err(Problem::PdfUnreadable(
            "it is protected by a password".into(),
        ));
    }
    if document.get_pages().is_empty() {
        return Err(Problem::PdfUnreadable("it has no pages".into()));
    }
    Ok(document)
}

/// Runs `work` on a thread of its own with a large stack, turning a panic
/// into [`Problem::PdfUnreadable`] without printing it.
fn guarded<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    quiet_panics_on_marked_threads();
    let worker = std::thread::Builder::new()
        .name("cited-pdf".into())
        .stack_size(256 << 20)
        .spawn(move || {
            QUIET.with(|quiet| quiet.set(true));
            work()
        })
        .map_err(|e| Problem::PdfUnreadable(format!("cannot start reading it ({e})")))?;
    worker.join().unwrap_or_else(|_| {
        Err(Problem::PdfUnreadable(
            "it is damaged or built in a way cited cannot read".into(),
        ))
    })
}

thread_local! {
    /// Set on the threads whose panics are expected and reported otherwise.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent on [`QUIET`] threads and
/// hands every other panic to the hook that was there before.
fn quiet_panics_on_marked_threads() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// How much a PDF's streams may unpack to, in all: far more than the
/// drawing and fonts of a long book, far less than a compressed stream of
/// zeros (a "zip bomb") could take.
const UNPACKED_LIMIT: usize = 128 << 20;

/// Unpacks the PDF's streams once, within [`UNPACKED_LIMIT`], so that
/// `pdf-extract` (which unpacks without a limit) finds them unpacked; and
/// empties its images, which hold no text but which `pdf-extract` would
/// unpack and read as drawing instructions.
fn defuse(document: &mut Document) -> Result<(), Problem> {
    use std::io::Read as _;
    let mut left = UNPACKED_LIMIT;
    for object in document.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image") {
            stream.set_plain_content(Vec::new());
            continue;
        }
        let flate_only = stream
            .filters()
            .is_ok_and(|f| f == [b"FlateDecode".as_slice()])
            && stream.dict.get(b"DecodeParms").is_err();
        if !flate_only {
            continue; // Rare filters and predictors: left to lopdf.
        }
        let mut unpacked = Vec::new();
        let read = flate2::read::ZlibDecoder::new(stream.content.as_slice())
            .take(left as u64 + 1)
            .read_to_end(&mut unpacked);
        if unpacked.len() > left {
            return Err(Problem::PdfUnreadable(format!(
                "it unpacks to more than the {} MB cited reads from a PDF",
                UNPACKED_LIMIT >> 20
            )));
        }
        // A stream damaged midway keeps what could be read, as lopdf does.
        if read.is_ok() || !unpacked.is_empty() {
            left -= unpacked.len();
            stream.set_plain_content(unpacked);
        }
    }
    Ok(())
}

/// Refuses a PDF that would send `pdf-extract` into endless recursion: a
/// page whose chain of parents loops or is absurdly deep, or a form
/// XObject that draws itself (directly or through others) or nests deeper
/// than any real document.
fn check_structure(document: &Document) -> Result<(), Problem> {
    const MAX_DEPTH: usize = 64;
    for page in document.get_pages().values() {
        let mut at = *page;
        let mut steps = 0;
        while let Ok(parent) = document
            .get_dictionary(at)
            .and_then(|d| d.get(b"Parent"))
            .and_then(Object::as_reference)
        {
            steps += 1;
            if steps > 256 {
                return Err(Problem::PdfUnreadable("its page tree loops".into()));
            }
            at = parent;
        }
    }

    // Forms, and the forms each may draw: those named in its own resources,
    // or (when it has none and so borrows its drawer's) in any resources.
    let xobject_dict = |resources: &Object| -> Vec<ObjectId> {
        let Ok(resources) = resolve(document, resources).as_dict() else {
            return Vec::new();
        };
        let Ok(xobjects) = resources
            .get(b"XObject")
            .map(|x| resolve(document, x))
            .and_then(Object::as_dict)
        else {
            return Vec::new();
        };
        xobjects
            .iter()
            .filter_map(|(_, v)| v.as_reference().ok())
            .collect()
    };
    let forms: HashMap<ObjectId, &pdf_extract::Stream> = document
        .objects
        .iter()
        .filter_map(|(id, object)| {
            let stream = object.as_stream().ok()?;
            let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).ok()?;
            (subtype == b"Form").then_some((*id, stream))
        })
        .collect();
    if forms.is_empty() {
        return Ok(());
    }
    let mut anywhere: HashSet<ObjectId> = HashSet::new();
    for object in document.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        if let Ok(resources) = dict.get(b"Resources") {
            anywhere.extend(xobject_dict(resources));
        }
    }
    let mut edges: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
    for (id, stream) in &forms {
        let draws = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone())
            .windows(2)
            .any(|w| w == b"Do");
        if !draws {
            continue;
        }
        let targets = match stream.dict.get(b"Resources") {
            Ok(resources) => xobject_dict(resources),
            Err(_) => anywhere.iter().copied().collect(),
        };
        edges.insert(
            *id,
            targets
                .into_iter()
                .filter(|t| forms.contains_key(t))
                .collect(),
        );
    }
    // Depth-first, without recursion: a form met again on the current path
    // is a loop; the longest path is the nesting depth.
    let mut depth_of: HashMap<ObjectId, usize> = HashMap::new();
    for start in forms.keys() {
        if depth_of.contains_key(start) {
            continue;
        }
        let mut on_path: HashSet<ObjectId> = HashSet::from([*start]);
        let mut stack: Vec<(ObjectId, usize)> = vec![(*start, 0)];
        while let Some((form, next)) = stack.pop() {
            let targets = edges.get(&form).map(Vec::as_slice).unwrap_or_default();
            if let Some(&target) = targets.get(next) {
                stack.push((form, next + 1));
                if on_path.contains(&target) {
                    return Err(Problem::PdfUnreadable(
                        "it draws a form inside itself, endlessly".into(),
                    ));
                }
                if !depth_of.contains_key(&target) {
                    on_path.insert(target);
                    stack.push((target, 0));
                }
                continue;
            }
            let depth = 1 + targets
                .iter()
                .filter_map(|t| depth_of.get(t))
                .max()
                .copied()
                .unwrap_or(0);
            if depth > MAX_DEPTH {
                return Err(Problem::PdfUnreadable(
                    "its forms are nested deeper than any real document's".into(),
                ));
            }
            depth_of.insert(form, depth);
            on_path.remove(&form);
        }
    }
    Ok(())
}

fn resolve<'a>(document: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => document.get_object(*id).unwrap_or(object),
        _ => object,
    }
}

/// One glyph as drawn: where its baseline starts and ends, in points from
/// the page's top-left corner, its size, and where its text is in the
/// page's `text` (kept apart so a page of glyphs is one allocation).
#[derive(Clone, Debug)]
struct Glyph {
    x: f64,
    end: f64,
    y: f64,
    size: f64,
    text: std::ops::Range<usize>,
}

#[derive(Default)]
struct PageGlyphs {
    height: f64,
    glyphs: Vec<Glyph>,
    text: String,
}

/// The most glyphs cited reads from one PDF: thousands of pages of text,
/// and a bound on the memory a hostile PDF can make it use.
const MAX_GLYPHS: usize = 10_000_000;

/// Receives the glyphs from `pdf-extract`.
#[derive(Default)]
struct Collector {
    pages: Vec<PageGlyphs>,
    glyphs: usize,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(PageGlyphs {
            height: (media_box.ury - media_box.lly).abs(),
            ..PageGlyphs::default()
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let Some(page) = self.pages.last_mut() else {
            return Ok(());
        };
        // The size as drawn: the side of the square of the same area as the
        // font's em square after the text matrix.
        let vx = font_size * (trm.m11 + trm.m21);
        let vy = font_size * (trm.m12 + trm.m22);
        let size = (vx * vy).abs().sqrt();
        let (x, y) = (trm.m31, page.height - trm.m32);
        let end = x + width * size;
        if text.is_empty() || ![x, y, size, end].iter().all(|v| v.is_finite()) || size < 0.5 {
            return Ok(());
        }
        self.glyphs += 1;
        if self.glyphs > MAX_GLYPHS {
            // Stops the extraction; `extract` says why.
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        let start = page.text.len();
        page.text.push_str(text);
        page.glyphs.push(Glyph {
            x,
            end,
            y,
            size,
            text: start..page.text.len(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A piece of one line: glyphs on one baseline, close together.
#[derive(Clone, Debug)]
struct Run {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// A paragraph candidate: runs of one column, one under the other.
#[derive(Clone, Debug)]
struct Block {
    page: usize,
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
    size: f64,
    lines: Vec<Run>,
}

impl Block {
    fn new(page: usize, run: Run) -> Block {
        Block {
            page,
            x0: run.x0,
            x1: run.x1,
            top: run.y - run.size,
            bottom: run.y + run.size * 0.25,
            size: run.size,
            lines: vec![run],
        }
    }

    fn push(&mut self, run: Run) {
        self.x0 = self.x0.min(run.x0);
        self.x1 = self.x1.max(run.x1);
        self.top = self.top.min(run.y - run.size);
        self.bottom = self.bottom.max(run.y + run.size * 0.25);
        self.lines.push(run);
    }

    fn last(&self) -> &Run {
        self.lines.last().expect("a block has a line")
    }
}

/// The pages' glyphs as paragraphs, one per line.
fn lay_out(pages: Vec<PageGlyphs>) -> String {
    let heights: Vec<f64> = pages.iter().map(|p| p.height).collect();
    let mut blocks: Vec<Block> = Vec::new();
    for (number, page) in pages.into_iter().enumerate() {
        blocks.extend(blocks_of(number, runs_of(&page)));
    }
    let blocks = split_at_paragraph_gaps(blocks);
    let blocks = drop_page_furniture(blocks, &heights);
    let mut ordered: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut by_page: Vec<Vec<Block>> = vec![Vec::new(); heights.len()];
    for block in blocks {
        by_page[block.page].push(block);
    }
    for page in by_page {
        ordered.extend(reading_order(page));
    }
    let lexicon = Lexicon::of(&ordered);
    let mut paragraphs: Vec<(String, &Block)> = Vec::new();
    for block in &ordered {
        let mut text = String::new();
        for line in &block.lines {
            join(&mut text, &line.text, &lexicon);
        }
        match paragraphs.last_mut() {
            Some((previous, above)) if continues(previous, &text, above, block) => {
                join(previous, &text, &lexicon);
                *above = block;
            }
            _ => paragraphs.push((text, block)),
        }
    }
    super::paragraphs(paragraphs.iter().map(|(text, _)| text.as_str()))
}

/// Glyphs in the order drawn, gathered into runs.
fn runs_of(page: &PageGlyphs) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut space_pending = false;
    for glyph in &page.glyphs {
        let text = &page.text[glyph.text.clone()];
        let blank = text.trim().is_empty();
        let continues = runs.last().is_some_and(|run| {
            (glyph.y - run.y).abs() <= 0.35 * run.size
                && glyph.x >= run.x1 - 0.5 * run.size
                && glyph.x - run.x1 <= 1.2 * run.size
        });
        match runs.last_mut() {
            Some(run) if continues => {
                if blank {
                    space_pending = true;
                } else {
                    if (space_pending || glyph.x - run.x1 > 0.12 * run.size)
                        && !run.text.ends_with(' ')
                    {
                        run.text.push(' ');
                    }
                    run.text.push_str(text);
                    space_pending = false;
                }
                run.x1 = run.x1.max(glyph.end);
            }
            _ if blank => {}
            _ => {
                space_pending = false;
                runs.push(Run {
                    x0: glyph.x,
                    x1: glyph.end,
                    y: glyph.y,
                    size: glyph.size,
                    text: text.to_string(),
                });
            }
        }
    }
    runs.retain(|r| !r.text.trim().is_empty());
    runs
}

/// How many recently grown blocks a run may join: enough for any columns,
/// few enough that a page of a million scattered glyphs stays linear.
const OPEN_BLOCKS: usize = 48;

/// Runs gathered into blocks: each joins the nearest block above it that
/// it overlaps, in the same size, at most a few lines' height up.
fn blocks_of(page: usize, runs: Vec<Run>) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    // Indexes of blocks, most recently grown last.
    let mut open: Vec<usize> = Vec::new();
    for run in runs {
        let best = open
            .iter()
            .rev()
            .filter_map(|&i| {
                let block = &blocks[i];
                let last = block.last();
                let dy = run.y - last.y;
                let same_size = (run.size / last.size - 1.0).abs() <= 0.1;
                let overlaps = run.x0 < block.x1 && run.x1 > block.x0;
                (same_size && overlaps && dy > 0.5 * last.size && dy <= 2.6 * last.size)
                    .then_some((i, dy))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i);
        let index = match best {
            Some(i) => {
                blocks[i].push(run);
                open.retain(|&o| o != i);
                i
            }
            None => {
                blocks.push(Block::new(page, run));
                blocks.len() - 1
            }
        };
        open.push(index);
        if open.len() > OPEN_BLOCKS {
            open.remove(0);
        }
    }
    blocks
}

/// Splits blocks where the space between two lines is clearly more than
/// the document's usual line spacing (the median, in font sizes).
fn split_at_paragraph_gaps(blocks: Vec<Block>) -> Vec<Block> {
    let mut ratios: Vec<f64> = blocks
        .iter()
        .flat_map(|b| b.lines.windows(2).map(|w| (w[1].y - w[0].y) / w[0].size))
        .collect();
    if ratios.is_empty() {
        return blocks;
    }
    ratios.sort_by(f64::total_cmp);
    let usual = ratios[ratios.len() / 2];
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        let page = block.page;
        let mut lines = block.lines.into_iter();
        let mut current = Block::new(page, lines.next().expect("a block has a line"));
        for line in lines {
            let ratio = (line.y - current.last().y) / current.last().size;
            if ratio > usual * 1.3 {
                out.push(std::mem::replace(&mut current, Block::new(page, line)));
            } else {
                current.push(line);
            }
        }
        out.push(current);
    }
    out
}

/// Drops page numbers and running headers and footers: blocks of one line
/// in the top or bottom 8% of a page that are a number ("12", "Page 3 of
/// 9"), or whose words (numbers aside) recur in that margin on another page.
fn drop_page_furniture(blocks: Vec<Block>, heights: &[f64]) -> Vec<Block> {
    let in_margin = |b: &Block| {
        let height = heights.get(b.page).copied().unwrap_or(0.0);
        b.lines.len() == 1 && (b.bottom < height * 0.08 || b.top > height * 0.92)
    };
    let key = |b: &Block| -> String {
        b.lines[0]
            .text
            .chars()
            .filter(|c| !c.is_numeric())
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut pages_with: HashMap<String, HashSet<usize>> = HashMap::new();
    for block in blocks.iter().filter(|b| in_margin(b)) {
        pages_with.entry(key(block)).or_default().insert(block.page);
    }
    blocks
        .into_iter()
        .filter(|b| {
            if !in_margin(b) {
                return true;
            }
            let key = key(b);
            let is_number = matches!(key.as_str(), "" | "page" | "page of" | "of" | "-" | "- -");
            let recurs = pages_with.get(&key).is_some_and(|pages| pages.len() > 1);
            !(is_number || recurs)
        })
        .collect()
}

/// Pages with more blocks than this keep the order in which they were
/// drawn: the cuts below cost time in the square of the blocks.
const MAX_BLOCKS_TO_ORDER: usize = 600;

/// The blocks of one page in reading order (a recursive cut at the widest
/// white gap, a column gutter preferred over a gap between rows).
fn reading_order(blocks: Vec<Block>) -> Vec<Block> {
    if blocks.len() > MAX_BLOCKS_TO_ORDER {
        return blocks;
    }
    let mut order = Vec::with_capacity(blocks.len());
    let mut pending: Vec<Vec<usize>> = vec![(0..blocks.len()).collect()];
    // Depth-first, first part first: a stack of parts still to cut.
    while let Some(part) = pending.pop() {
        match cut(&blocks, &part) {
            Some((first, second)) => {
                pending.push(second);
                pending.push(first);
            }
            None => {
                let mut part = part;
                part.sort_by(|&a, &b| {
                    blocks[a]
                        .top
                        .total_cmp(&blocks[b].top)
                        .then(blocks[a].x0.total_cmp(&blocks[b].x0))
                });
                order.extend(part);
            }
        }
    }
    let mut slots: Vec<Option<Block>> = blocks.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The widest white gap through a part of a page: down (left part first)
/// or across (upper part first).
fn cut(blocks: &[Block], part: &[usize]) -> Option<(Vec<usize>, Vec<usize>)> {
    if part.len() < 2 {
        return None;
    }
    let widest = |start: fn(&Block) -> f64, end: fn(&Block) -> f64| -> Option<(f64, f64)> {
        let mut sorted: Vec<usize> = part.to_vec();
        sorted.sort_by(|&a, &b| start(&blocks[a]).total_cmp(&start(&blocks[b])));
        let mut reach = end(&blocks[sorted[0]]);
        let mut best: Option<(f64, f64)> = None; // (gap, where)
        for &i in &sorted[1..] {
            let gap = start(&blocks[i]) - reach;
            if gap > 0.0 && best.is_none_or(|(g, _)| gap > g) {
                best = Some((gap, reach + gap / 2.0));
            }
            reach = reach.max(end(&blocks[i]));
        }
        best
    };
    let down = widest(|b| b.x0, |b| b.x1);
    let across = widest(|b| b.top, |b| b.bottom);
    let split = |at: f64, start: fn(&Block) -> f64| -> (Vec<usize>, Vec<usize>) {
        part.iter().partition(|&&i| start(&blocks[i]) < at)
    };
    match (down, across) {
        // A gutter wins unless a gap between rows is much wider.
        (Some((gap, at)), Some((row_gap, _))) if gap * 2.0 >= row_gap => Some(split(at, |b| b.x0)),
        (Some((_, at)), None) => Some(split(at, |b| b.x0)),
        (_, Some((_, at))) => Some(split(at, |b| b.top)),
        (None, None) => None,
    }
}

/// Whether the paragraph `next` (the block `below`) continues `previous`
/// (the block `above`) across a column or page: `previous` ends without a
/// closing mark, `next` starts in lower case, in the same size, and is not
/// simply the next block down the same column.
fn continues(previous: &str, next: &str, above: &Block, below: &Block) -> bool {
    let open_end =
        previous.trim_end().chars().last().is_some_and(|c| {
            !matches!(c, '.' | '!' | '?' | ':' | ';' | '"' | '”' | '’' | ')' | '…')
        });
    let lower_start = next.chars().next().is_some_and(char::is_lowercase);
    let same_size = (below.size / above.size - 1.0).abs() <= 0.1;
    let moved_on = below.page != above.page || below.top < above.top;
    open_end && lower_start && same_size && moved_on
}

/// The words a document uses, to decide on hyphens at line ends.
struct Lexicon {
    words: HashSet<String>,
    compounds: HashSet<String>,
}

impl Lexicon {
    /// The words of every line, except those touching a hyphen at a line
    /// end (the fragments being decided on).
    fn of(blocks: &[Block]) -> Lexicon {
        let mut lexicon = Lexicon {
            words: HashSet::new(),
            compounds: HashSet::new(),
        };
        let lines: Vec<&str> = blocks
            .iter()
            .flat_map(|b| b.lines.iter().map(|l| l.text.as_str()))
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            let breaks_after = line.trim_end().ends_with(['-', '\u{2010}']);
            let broken_before = i > 0 && lines[i - 1].trim_end().ends_with(['-', '\u{2010}']);
            for (t, token) in tokens.iter().enumerate() {
                if (breaks_after && t + 1 == tokens.len()) || (broken_before && t == 0) {
                    continue;
                }
                let token = token
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                if token.contains('-') {
                    lexicon.compounds.insert(token.clone());
                }
                lexicon.words.extend(
                    token
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .map(str::to_string),
                );
            }
        }
        lexicon
    }
}

/// Appends the line `next` to the paragraph `text`: with a space, or, after
/// a hyphen at the line's end, as the module's doc says.
fn join(text: &mut String, next: &str, lexicon: &Lexicon) {
    let next = next.trim();
    if text.is_empty() {
        text.push_str(next);
        return;
    }
    if text.ends_with('\u{00AD}') {
        text.pop();
        text.push_str(next);
        return;
    }
    let hyphen = text.ends_with(['-', '\u{2010}']);
    let before = text
        .trim_end_matches(['-', '\u{2010}'])
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string();
    let after: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
    let letter_before = before.chars().last().is_some_and(char::is_alphabetic);
    if !(hyphen && letter_before && !after.is_empty()) {
        text.push(' ');
        text.push_str(next);
        return;
    }
    let keep_hyphen = if after.chars().next().is_some_and(char::is_lowercase) {
        let joined = format!("{before}{after}").to_lowercase();
        let compound = format!("{before}-{after}").to_lowercase();
        if lexicon.words.contains(&joined) {
            false
        } else {
            lexicon.compounds.contains(&compound) || lexicon.words.contains(&after.to_lowercase())
        }
    } else {
        true // COVID-19, Anglo-Saxon
    };
    if !keep_hyphen {
        text.pop();
    }
    text.push_str(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(words: &[&str]) -> Lexicon {
        Lexicon {
            words: words.iter().map(|w| w.to_string()).collect(),
            compounds: HashSet::new(),
        }
    }

    #[test]
    fn joins_hyphenated_line_ends_by_the_documents_words() {
        let words = lexicon(&["temperature", "known"]);
        let joined = |first: &str, second: &str| {
            let mut text = first.to_string();
            join(&mut text, second, &words);
            text
        };
        assert_eq!(
            joined("the tempera-", "ture is even"),
            "the temperature is even"
        );
        assert_eq!(joined("a well-", "known rule"), "a well-known rule");
        assert_eq!(
            joined("lactic acid bac-", "teria rather"),
            "lactic acid bacteria rather"
        );
        assert_eq!(joined("COVID-", "19 cases"), "COVID-19 cases");
        assert_eq!(joined("soft\u{AD}", "ware"), "software");
        assert_eq!(joined("a dash -", "and more"), "a dash - and more");
        assert_eq!(joined("plain", "line"), "plain line");
    }

    fn run(x0: f64, x1: f64, y: f64, text: &str) -> Run {
        Run {
            x0,
            x1,
            y,
            size: 10.0,
            text: text.into(),
        }
    }

    #[test]
    fn keeps_columns_drawn_row_by_row_apart() {
        // Two columns drawn row by row, as some PDFs do.
        let runs = vec![
            run(50.0, 250.0, 100.0, "left one"),
            run(300.0, 500.0, 100.0, "right one"),
            run(50.0, 250.0, 112.0, "left two"),
            run(300.0, 500.0, 112.0, "right two"),
        ];
        let blocks = reading_order(blocks_of(0, runs));
        let texts: Vec<Vec<&str>> = blocks
            .iter()
            .map(|b| b.lines.iter().map(|l| l.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![vec!["left one", "left two"], vec!["right one", "right two"]]
        );
    }
}
