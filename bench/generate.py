#!/usr/bin/env python3
"""Generate a synthetic but valid and faithful `cited` site for benchmarking.

    python3 bench/generate.py N OUT_DIR [--seed S] [--check]

Writes OUT_DIR/content/... (see docs/content-format.md):

  site.yaml, ~20 topics, ~10 sources (each with a .txt archive of a few
  thousand words of English-like prose, its type and for half an author),
  N questions, ~50 glossary terms, 5 cautions, 3 pages and the reviewers:
  an editorial team and one named editorial reviewer per 1,000 questions
  (two at least; invented people, no credentials).

Every question has 3 facts (each with one quote: a verbatim 10-25 word
substring of an archive that starts at a sentence and holds at least one
whole sentence), 3 related questions, 2 tags from a pool of ~200, and a
`reviewed` block naming its reviewers by id (`by: [id]`; a named editor,
with the team on one in ten, or the team alone on one in ten). One
question in 20 has a cost block, one in 20 a comparison block and one in
20 a timeline; one in 10 carries a caution.

The site says only what its quotes say, as a real one should, so that
`cited check`'s evidence rules find nothing to report and the benchmark
times the checks on a site that passes them: each claim is the first
sentence of its own quote; the summary is the first claim (chosen to read
at grade 6 or below); the answer (~57 words of markdown: paragraphs, bold,
a list) is the whole sentences of the question's quotes, its two [[id]]
links and a pointer to three glossary terms; a comparison's cells are
words of the block's quote; a caution's message is its quote's sentences;
a topic's intro is the summary of its first question. Numbers appear in
prose only where a quote gives them. Every question is a distinct
combination (form x concern x body part x treatment x circumstance, over
300,000 of them), so no two are near-duplicates.

Output is deterministic for a given (N, seed): the same bytes every time.
Standard library only (Python 3.11). `--check` re-verifies the written site's
internal consistency (quotes are substrings of their archives, claims are
sentences of their quotes, questions distinct, ids unique, references
resolve, every review names reviewers by id and every reviewer reviews)
and exits non-zero on any problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import textwrap

# --------------------------------------------------------------------------
# Vocabulary (short, common words keep the reading grade low)
# --------------------------------------------------------------------------

NOUNS = """
skin face cheek nose chin neck hand arm leg back spot mark line scar pore
cream gel oil soap balm mask wash lotion tool pen roller needle pin tip
doctor nurse clinic office room chair light lamp towel glove cloth bowl
day week month year hour minute night morning evening time season
step plan test check visit talk note list sheet card book page form
water salt sugar juice tea milk bread rice fruit leaf seed root plant
sun rain wind cold heat dust smoke air shade cloud storm frost
friend parent child sister brother family team group crowd person
price cost fee bill deal budget cash card
pain itch sting burn rash bump blister flake patch crust
result change sign trace hint fact rule guide tip plan goal
""".split()

VERBS = """
helps makes keeps takes gives finds shows needs feels looks brings holds
tells asks moves lifts turns cleans dries cools warms soothes calms heals
fades grows builds fills smooths treats covers guards saves sets starts
stops checks marks tests tracks plans wants uses leaves tries
""".split()

ADJS = """
red soft dry wet warm cool calm clean clear fresh smooth rough thin thick
light dark mild strong small large short long quick slow new old good
bad safe plain fine firm tight loose pale bright dull even full deep
simple gentle common rare early late kind sharp dense
""".split()

ADVS = """
often soon slowly gently mostly rarely always sometimes daily nearly
quickly simply almost only still just usually later first
""".split()

PREPS = "in on at with after before for from under over near by".split()
DETS = "the a this that each every some one".split()
CONJ = "and but so yet or".split()
STARTS = [
    "Most of the time", "In many cases", "For some people", "After a while",
    "In the first week", "At the clinic", "On most days", "In short",
    "As a rule", "Now and then", "By the end", "At home",
]

# Domain terms for the glossary (term, alias); answers mention them.
GLOSSARY = [
    ("Collagen", "collagen fibres"), ("Elastin", None), ("Dermis", "dermal"),
    ("Epidermis", "epidermal"), ("Keratin", None), ("Melanin", None),
    ("Sebum", None), ("Serum", "serums"), ("Retinol", "retinoids"),
    ("Peptide", "peptides"), ("Hyaluronic acid", None), ("Niacinamide", None),
    ("Exfoliation", "exfoliate"), ("Erythema", None), ("Edema", "swelling"),
    ("Hyperpigmentation", "dark spots"), ("Hypopigmentation", None),
    ("Keloid", "keloids"), ("Milia", None), ("Rosacea", None),
    ("Eczema", None), ("Psoriasis", None), ("Acne", "breakouts"),
    ("Comedone", "comedones"), ("Sunscreen", "sunblock"),
    ("Anaesthetic", "numbing cream"), ("Topical", None),
    ("Platelet-rich plasma", "PRP"), ("Radiofrequency", None),
    ("Chemical peel", "peels"), ("Laser", "lasers"), ("Dermatologist", None),
    ("Aesthetician", "esthetician"), ("Downtime", None),
    ("Wound healing", None), ("Inflammation", "inflamed"),
    ("Infection", "infections"), ("Sterile", "sterilised"),
    ("Pigment", "pigments"), ("Texture", None), ("Fine lines", None),
    ("Wrinkle", "wrinkles"), ("Stretch marks", None), ("Atrophic scar", None),
    ("Barrier", "skin barrier"), ("Moisturiser", "moisturizer"),
    ("Occlusive", None), ("Antioxidant", "antioxidants"),
    ("Patch test", None), ("Photosensitivity", None),
]

TOPIC_WORDS = [
    "Basics", "Costs", "Recovery", "Side effects", "Safety", "Results",
    "Aftercare", "Preparation", "Home devices", "Clinics", "Skin types",
    "Scars", "Pigment changes", "Ageing", "Acne and breakouts", "Combinations", "Pain",
    "Sessions", "Products", "Evidence", "Alternatives", "Hair",
]

PUBLISHERS = [
    "Skin Health Review", "Clinic Notes Weekly", "The Derm Letter",
    "Patient Voices Forum", "Open Care Journal", "Beauty Science Digest",
    "City Skin Clinic", "National Health Pages", "Practice Bulletin",
    "Home Care Guide", "Research Roundup", "Consumer Price Watch",
]

TREATMENTS = [
    "chemical peels", "laser resurfacing", "dermabrasion", "Botox",
    "fillers", "retinoid creams", "light therapy", "facials",
]

# Questions are combinations of a form, a concern, a body part, a treatment
# and a circumstance. Every slot adds a content word no other slot or form
# has (no shared stems: "peeling" and "a peel" would make two questions the
# same words), and no slot is ever empty, so two distinct combinations never
# share 90% of their words' weight (cited's near-duplicate rule).
QUESTION_FORMS = [
    "How long does {n} on my {p} last after {t} {w}?",
    "Is {n} on my {p} normal after {t} {w}?",
    "Can I use {t} with {n} on my {p} {w}?",
    "What eases {n} on my {p} after {t} {w}?",
    "Does {t} fade {n} on my {p} {w}?",
    "When should I worry about {n} on my {p} after {t} {w}?",
    "How much does {t} cost for {n} on my {p} {w}?",
    "Why does {n} appear on my {p} after {t} {w}?",
    "What is the best care for {n} on my {p} after {t} {w}?",
    "How soon can I treat {n} on my {p} after {t} {w}?",
]
Q_NOUNS = [
    "redness", "swelling", "scaling", "itching", "dryness", "bruising",
    "tightness", "breakouts", "dark spots", "crusting", "flaking", "pain",
    "sun damage", "fine lines", "large pores", "uneven tone", "acne scars",
    "stretch marks", "dull skin", "a rash",
]
Q_PARTS = [
    "cheeks", "nose", "chin", "neck", "forehead", "jawline", "lips",
    "temples", "scalp", "chest", "back", "shoulders", "arms", "hands", "legs",
    "knees",
]
Q_TREATS = [
    "microneedling", "a session", "a home roller", "a peel", "a facial",
    "a laser", "a consultation", "a touch-up", "a clinic visit",
]
Q_WHEN = [
    "as a teen", "as an adult", "as a runner", "as a smoker",
    "while pregnant", "in winter", "in summer", "at the gym", "on a budget",
    "before a wedding", "with allergies", "with diabetes",
]


def question_text(k: int) -> str:
    """The k-th combination of the question slots, a distinct question for
    each k below `question_count()`."""
    k, w = divmod(k, len(Q_WHEN))
    k, t = divmod(k, len(Q_TREATS))
    k, p = divmod(k, len(Q_PARTS))
    f, n = divmod(k, len(Q_NOUNS))
    return QUESTION_FORMS[f].format(n=Q_NOUNS[n], p=Q_PARTS[p],
                                    t=Q_TREATS[t], w=Q_WHEN[w])


def question_count() -> int:
    return (len(QUESTION_FORMS) * len(Q_NOUNS) * len(Q_PARTS)
            * len(Q_TREATS) * len(Q_WHEN))


SEVERITIES = ["info", "warning", "danger", "warning", "info"]
CAUTION_TITLES = [
    "Avoid active infections", "Stop if pain is severe",
    "Do not share devices", "Protect skin from the sun",
    "Check with a doctor first",
]
PAGES = [
    ("about", "About this site"),
    ("editorial-policy", "Editorial policy"),
    ("how-we-check-sources", "How we check sources"),
]

TODAY = dt.date(2026, 11, 20)

# Reviewers (content/reviewers/): an editorial team and named editorial
# reviewers, as a careful editor's site names them (`by: [id]`, never a bare
# name). The people are invented, as everything here is: editors of the
# writing and sourcing, with no credentials or registration and no clinical
# review claimed. One named reviewer per QUESTIONS_PER_EDITOR questions (two
# at least), so that a reviewer's page lists about as many answers at 1k as
# at 100k, as a real editor's would.
TEAM = ("editorial-team", "Editorial team", "editors of this site")
QUESTIONS_PER_EDITOR = 1000
FIRST_NAMES = [
    "Ada", "Ben", "Cara", "Dev", "Elin", "Femi", "Gus", "Hana", "Ivo", "Jade",
    "Kofi", "Lena", "Milo", "Nia", "Omar", "Pia", "Ravi", "Sara", "Theo", "Uma",
]
SURNAMES = [
    "Park", "Osei", "Lund", "Rao", "Moss", "Vidal", "Kerr", "Ito", "Novak",
    "Quinn", "Adeyemi", "Berg", "Costa", "Doyle", "Eze", "Fox", "Gill",
    "Haas", "Iqbal", "Jensen",
]
EDITOR_ROLES = ["Health editor", "Senior health editor", "Sourcing editor",
                "Content editor"]

# Each publisher's source type (docs/content-format.md), as an editor
# records it: only kinds a health site may rest a claim on alone, so no
# weak-evidence note whatever `evidence.warn_types` says.
SOURCE_TYPES = {
    "Skin Health Review": "systematic-review", "Clinic Notes Weekly": "news",
    "The Derm Letter": "professional-body", "Patient Voices Forum": "news",
    "Open Care Journal": "study", "Beauty Science Digest": "news",
    "City Skin Clinic": "professional-body", "National Health Pages": "government",
    "Practice Bulletin": "guideline", "Home Care Guide": "government",
    "Research Roundup": "systematic-review", "Consumer Price Watch": "news",
}


def slug(s: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s


def ystr(s: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=True)


def block(s: str, indent: int) -> str:
    """A YAML literal block scalar (`|`), indented by `indent` spaces."""
    pad = " " * indent
    lines = s.rstrip("\n").split("\n")
    return "|\n" + "\n".join((pad + ln) if ln else "" for ln in lines) + "\n"


def syllables(token: str) -> int:
    """Vowel groups less a silent final "e" (not "-le"), at least one: the
    count of cited's src/check/readability.rs, so the grades agree."""
    letters = [c for c in token.lower() if c.isascii() and c.isalpha()]
    vowel = set("aeiouy")
    count, previous = 0, False
    for c in letters:
        if c in vowel and not previous:
            count += 1
        previous = c in vowel
    if (len(letters) >= 3 and letters[-1] == "e"
            and letters[-2] not in vowel
            and (letters[-2] != "l" or letters[-3] in vowel)):
        count -= 1
    return max(1, count)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of a plain text, as cited measures it."""
    words = syl = sentences = 0
    in_sentence = False
    for token in text.split():
        if any(c.isascii() and c.isalnum() for c in token) or not token.isascii():
            words += 1
            syl += syllables(token)
            in_sentence = True
        if token.endswith((".", "!", "?")) or (
                len(token) > 1 and token[-2] in ".!?" and token[-1] in ')"'):
            if in_sentence:
                sentences += 1
            in_sentence = False
    if in_sentence:
        sentences += 1
    if not words:
        return 0.0
    return (0.39 * words / max(1, sentences) + 11.8 * syl / words - 15.59)


def sentences_of(quote: str) -> list[str]:
    """The whole sentences a quote holds, from its start (a quote starts at
    a sentence; its tail may stop mid-sentence and is left out)."""
    out, cur = [], []
    for tok in quote.split():
        cur.append(tok)
        if tok.endswith("."):
            out.append(" ".join(cur))
            cur = []
    return out


def norm(s: str) -> str:
    """Quote normalisation from docs/content-format.md."""
    s = s.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"',
                     0x2013: "-", 0x2014: "-"})
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------
# Prose
# --------------------------------------------------------------------------

class Prose:
    def __init__(self, rng: random.Random):
        self.r = rng

    def np(self) -> str:
        r = self.r
        det = r.choice(DETS)
        if r.random() < 0.5:
            words = f"{r.choice(ADJS)} {r.choice(NOUNS)}"
        else:
            words = r.choice(NOUNS)
        if det == "a" and words[0] in "aeiou":
            det = "an"
        return f"{det} {words}"

    def clause(self) -> str:
        r = self.r
        c = f"{self.np()} {r.choice(VERBS)} {self.np()}"
        if r.random() < 0.5:
            c += f" {r.choice(PREPS)} {self.np()}"
        if r.random() < 0.25:
            c = f"{c} {r.choice(ADVS)}"
        return c

    def sentence(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.2:
            s = f"{r.choice(STARTS)}, {self.clause()}"
        elif x < 0.4:
            s = f"{self.clause()}, {r.choice(CONJ)} {self.clause()}"
        else:
            s = self.clause()
        return s[0].upper() + s[1:] + "."

    def paragraph(self, n: int) -> str:
        return " ".join(self.sentence() for _ in range(n))


def cost_sentence(r: random.Random) -> tuple[str, dict]:
    low = r.randrange(100, 400, 10)
    typical = low + r.randrange(50, 300, 5)
    high = typical + r.randrange(50, 400, 5)
    per = r.choice(["session", "visit", "treatment"])
    s = (f"In one survey of clinics the typical price was {typical} dollars "
         f"per {per}, with a low of {low} and a high of {high}.")
    return s, {"typical": typical, "low": low, "high": high, "per": per}


def timeline_sentence(r: random.Random) -> tuple[str, list]:
    a = r.randint(2, 4)
    b = r.randint(5, 14)
    c = r.choice([21, 28, 30, 42, 60, 90])
    n1, n2, n3 = r.sample(["redness", "swelling", "peeling", "tightness",
                           "dryness", "itching"], 3)
    s = (f"Within {a} days most of the {n1} fades, after {b} days the "
         f"{n2} is gone, and by {c} days new collagen forms.")
    steps = [
        (f"Within {a} days", f"Most {n1} fades"),
        (f"After {b} days", f"The {n2} is gone"),
        (f"By {c} days", "New collagen forms"),
    ]
    return s, steps


def make_archive(r: random.Random, words_target: int):
    """Returns (text, plain_sentences, cost_sentences, timeline_sentences)."""
    p = Prose(r)
    paras: list[str] = []
    costs: list[tuple[str, dict]] = []
    times: list[tuple[str, list]] = []
    words = 0
    while words < words_target:
        sents = [p.sentence() for _ in range(r.randint(4, 8))]
        if r.random() < 0.35:
            s, d = cost_sentence(r)
            sents.insert(r.randrange(len(sents) + 1), s)
            costs.append((s, d))
        if r.random() < 0.35:
            s, d = timeline_sentence(r)
            sents.insert(r.randrange(len(sents) + 1), s)
            times.append((s, d))
        para = " ".join(sents)
        words += len(para.split())
        paras.append(textwrap.fill(para, width=78))
    text = "\n\n".join(paras) + "\n"
    return text, costs, times


class Archive:
    def __init__(self, sid: str, text: str, costs, times):
        self.sid = sid
        self.text = text
        self.tokens = text.split()
        self.costs = costs
        self.times = times
        # token indices that start a sentence
        self.starts = [0] + [i + 1 for i, t in enumerate(self.tokens[:-30])
                             if t.endswith(".")]

    def quote(self, r: random.Random) -> str:
        """10-25 words from a sentence start, holding a whole sentence at
        least (its first sentence is a claim)."""
        while True:
            i = r.choice(self.starts)
            n = r.randint(10, 25)
            text = " ".join(self.tokens[i:i + n])
            if sentences_of(text):
                return text


# --------------------------------------------------------------------------
# Site
# --------------------------------------------------------------------------

def person_name(r: random.Random) -> str:
    """An invented name (a source's author)."""
    return f"{r.choice(FIRST_NAMES)} {r.choice(SURNAMES)}"


def date_between(r: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=r.randint(0, (b - a).days))


def quote_yaml(q: dict, indent: int) -> str:
    pad = " " * indent
    out = f"{pad}- source: {q['source']}\n{pad}  text: {ystr(q['text'])}\n"
    if q.get("attribution"):
        out += f"{pad}  attribution: {ystr(q['attribution'])}\n"
    if q.get("stance"):
        out += f"{pad}  stance: {q['stance']}\n"
    return out


def generate(n: int, out: str, seed: int) -> None:
    r = random.Random(seed)
    content = os.path.join(out, "content")
    marker = os.path.join(out, ".bench-generated")
    if os.path.exists(content):
        # never delete a content/ folder this script did not write
        if not os.path.exists(marker):
            sys.exit(f"generate.py: {content} exists and was not written by "
                     "this script; refusing to replace it")
        shutil.rmtree(content)
    os.makedirs(out, exist_ok=True)
    with open(marker, "w") as f:
        f.write("written by bench/generate.py; content/ may be replaced\n")
    for d in ["sources", "topics", "questions", "cautions", "glossary", "pages",
              "reviewers"]:
        os.makedirs(os.path.join(content, d))

    def write(rel: str, text: str) -> None:
        with open(os.path.join(content, rel), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write(text)

    prose = Prose(r)
    # Draws of their own for what was added later (source types and authors,
    # reviewers), so the rest of the site is what it was for the same seed.
    meta = random.Random(f"metadata-{seed}")

    # ---- site
    write("site.yaml", (
        f"title: {ystr(f'Benchmark site ({n} questions)')}\n"
        "base_url: https://bench.example.org/\n"
        "language: en\n"
        f"description: {ystr('A synthetic site generated to benchmark cited.')}\n"
        "disclaimer: " + block(
            "General information, not medical advice. This site is "
            "synthetic: see [[about]].", 2) +
        "review:\n  max_age_days: 3650\n"  # the longest allowed: no review falls due
        "readability:\n  max_grade: 9\n"))

    # ---- sources and archives
    n_sources = 10
    archives: list[Archive] = []
    pubs = r.sample(PUBLISHERS, n_sources)
    for i in range(n_sources):
        sid = f"{slug(pubs[i])}-{i + 1:02d}"
        text, costs, times = make_archive(r, r.randint(2500, 4500))
        write(f"sources/{sid}.txt", text)
        published = date_between(r, dt.date(2018, 1, 1), dt.date(2025, 6, 30))
        accessed = date_between(r, dt.date(2025, 7, 1), TODAY)
        write(f"sources/{sid}.yaml", (
            f"title: {ystr(pubs[i] + ': ' + prose.np().capitalize())}\n"
            f"archive: {sid}.txt\n"
            f"publisher: {ystr(pubs[i])}\n"
            f"url: https://{slug(pubs[i])}.example.com/articles/{i + 1}\n"
            f"published: {published.isoformat()}\n"
            f"accessed: {accessed.isoformat()}\n"
            f"type: {SOURCE_TYPES[pubs[i]]}\n"
            + (f"author: {ystr(person_name(meta))}\n" if meta.random() < 0.5 else "")))
        archives.append(Archive(sid, text, costs, times))
    cost_archives = [a for a in archives if a.costs]
    time_archives = [a for a in archives if a.times]
    assert cost_archives and time_archives

    def any_quote(**extra) -> dict:
        a = r.choice(archives)
        return {"source": a.sid, "text": a.quote(r), **extra}

    def easy_quote() -> dict:
        """A quote whose first sentence reads at grade 6 or below (it is
        the summary's claim)."""
        while True:
            q = any_quote()
            if grade(sentences_of(q["text"])[0]) <= 6:
                return q

    # ---- topics
    n_topics = 20
    topic_names = TOPIC_WORDS[:n_topics]
    topics = [slug(t) for t in topic_names]

    # ---- questions: ids first (links need them); distinct combinations
    if n > question_count():
        sys.exit(f"generate.py: at most {question_count()} distinct questions")
    qids: list[str] = []
    qtexts: list[str] = []
    seen = set()
    for i, k in enumerate(r.sample(range(question_count()), n)):
        qt = question_text(k)
        base = "-".join(slug(qt).split("-")[:6])
        qid = f"{base}-{i + 1}"
        assert qid not in seen
        seen.add(qid)
        qids.append(qid)
        qtexts.append(qt)

    # ---- glossary
    gloss_ids = []
    for term, alias in GLOSSARY:
        gid = slug(term)
        gloss_ids.append(gid)
        y = f"term: {ystr(term)}\n"
        if alias:
            y += f"aliases: [{ystr(alias)}]\n"
        y += "definition: " + block(
            f"{term} is {prose.np()}. {prose.sentence()}", 2)
        write(f"glossary/{gid}.yaml", y)

    # ---- tags
    tag_pool = sorted({slug(f"{a} {b}") for a in ADJS[:20] for b in Q_NOUNS[:10]})
    tag_pool = r.sample(tag_pool, 200)

    # ---- cautions
    cautions = []
    for i, title in enumerate(CAUTION_TITLES):
        cid = slug(title)
        cautions.append(cid)
        q = any_quote()
        msg = f"{' '.join(sentences_of(q['text']))} See [[{gloss_ids[i]}]]."
        write(f"cautions/{cid}.yaml", (
            f"title: {ystr(title)}\n"
            f"severity: {SEVERITIES[i]}\n"
            "message: " + block(msg, 2) +
            "quotes:\n" + quote_yaml(q, 2)))

    # ---- pages
    for pid, title in PAGES:
        body = (f"{prose.paragraph(4)}\n\n"
                f"## {prose.np().capitalize()}\n\n{prose.paragraph(3)} "
                f"Read [[{topics[0]}]] or [[{qids[0]}]].\n")
        write(f"pages/{pid}.yaml", f"title: {ystr(title)}\n"
              "body: " + block(body, 2))

    # ---- reviewers
    editors = []
    firsts = meta.sample(FIRST_NAMES, len(FIRST_NAMES))
    lasts = meta.sample(SURNAMES, len(SURNAMES))
    # distinct first names while there are enough, distinct people always
    names = [f"{firsts[k % len(firsts)]} {lasts[(k + k // len(firsts)) % len(lasts)]}"
             for k in range(max(2, -(-n // QUESTIONS_PER_EDITOR)))]
    assert len(set(names)) == len(names), "more editors than names: add names"
    for k, name in enumerate(names):
        rid = slug(name)
        editors.append(rid)
        write(f"reviewers/{rid}.yaml", (
            f"name: {ystr(name)}\n"
            f"role: {ystr(EDITOR_ROLES[k % len(EDITOR_ROLES)])}\n"
            "kind: editorial\n"))
    write(f"reviewers/{TEAM[0]}.yaml", (
        f"name: {ystr(TEAM[1])}\n"
        f"role: {ystr(TEAM[2])}\n"
        "kind: editorial\n"
        "team: true\n"))

    def reviewers_of() -> list[str]:
        """Who signs a review: one named editor, with the team on one in
        ten, or the team alone on one in ten."""
        x = meta.random()
        if x < 0.1:
            return [TEAM[0]]
        editor = meta.choice(editors)
        return [editor, TEAM[0]] if x < 0.2 else [editor]

    # ---- questions
    topic_summary: dict[str, tuple[str, str]] = {}  # a topic's first question
    for i, (qid, qt) in enumerate(zip(qids, qtexts)):
        topic = topics[i % n_topics] if i < n_topics else r.choice(topics)
        tags = r.sample(tag_pool, 2)
        others = [j for j in r.sample(range(n), min(n, 6)) if j != i]
        links = [qids[j] for j in others[:2]]
        related = [qids[j] for j in r.sample(range(n), min(n, 5)) if j != i][:3]
        terms = r.sample(GLOSSARY, 3)
        mention = [(t[1] if t[1] and r.random() < 0.3 else t[0].lower())
                   for t in terms]

        # The facts first: the summary and the answer are made of them.
        quotes = [easy_quote(), any_quote(), any_quote()]
        if i % 17 == 5:
            quotes[2]["attribution"] = "Dr. " + r.choice(
                ["Lee", "Patel", "Garcia", "Okafor", "Smith"])
        if i % 13 == 4:
            quotes[1]["stance"] = r.choice(["qualifies", "contradicts"])
        said = [sentences_of(q["text"]) for q in quotes]
        claims = [s[0] for s in said]

        # ~57 words of markdown: the quotes' sentences in 2 paragraphs and
        # a list, the links, and three glossary terms to ask about.
        p1 = f"{' '.join(said[0])} See [[{links[0]}]] for more."
        p2 = f"**{claims[1]}** {' '.join(said[1][1:])}".rstrip()
        items = "\n".join(f"- {s}" for s in said[2])
        p3 = (f"Ask about {mention[0]}, {mention[1]} and {mention[2]} at "
              f"your visit. Also read [[{links[1]}]].")
        answer = f"{p1}\n\n{p2}\n\n{items}\n\n{p3}\n"
        topic_summary.setdefault(topic, (qid, claims[0]))

        y = [f"question: {ystr(qt)}\n",
             f"topic: {topic}\n",
             f"tags: [{', '.join(tags)}]\n",
             f"summary: {ystr(claims[0])}\n",
             "answer: " + block(answer, 2),
             "facts:\n"]
        for q, claim in zip(quotes, claims):
            y.append(f"  - claim: {ystr(claim)}\n    quotes:\n")
            y.append(quote_yaml(q, 6))
        y.append(f"related: [{', '.join(related)}]\n")
        if i % 10 == 6:
            y.append(f"cautions: [{r.choice(cautions)}]\n")
        on = date_between(r, dt.date(2025, 6, 1), TODAY)
        y.append(f"reviewed:\n  on: {on.isoformat()}\n"
                 f"  by: [{', '.join(reviewers_of())}]\n")
        if i % 4 == 0:
            nxt = on + dt.timedelta(days=r.randint(1825, 3650))  # never overdue
            y.append(f"  next: {nxt.isoformat()}\n")

        if i % 20 == 3:
            a = r.choice(cost_archives)
            s, d = r.choice(a.costs)
            y.append(
                "cost:\n  currency: USD\n"
                f"  per: {d['per']}\n"
                f"  typical: {d['typical']}\n  low: {d['low']}\n"
                f"  high: {d['high']}\n"
                f"  basis: {ystr('a survey of clinic prices')}\n"
                f"  factors: [{ystr('Your location')}, "
                f"{ystr('The size of the area')}]\n"
                "  quotes:\n" + quote_yaml({"source": a.sid, "text": s}, 4))
        if i % 20 == 7:
            q = any_quote()
            # each cell a few words of the quote, in its order
            words = q["text"].rstrip(".").replace(",", "").split()
            cells = [" ".join(words[j:j + 3]).capitalize()
                     for j in (3 * k % (len(words) - 2) for k in range(6))]
            rows = ""
            for k, aspect in enumerate(["What it improves", "Downtime", "Feel"]):
                rows += (f"    - aspect: {ystr(aspect)}\n"
                         f"      ours: {ystr(cells[2 * k])}\n"
                         f"      theirs: {ystr(cells[2 * k + 1])}\n")
            y.append(
                f"comparison:\n  with: {ystr(r.choice(TREATMENTS))}\n"
                "  rows:\n" + rows +
                "  quotes:\n" + quote_yaml(q, 4))
        if i % 20 == 11:
            a = r.choice(time_archives)
            s, steps = r.choice(a.times)
            st = "".join(f"    - when: {ystr(w)}\n      what: {ystr(t)}\n"
                         for w, t in steps)
            y.append("timeline:\n  steps:\n" + st +
                     "  quotes:\n" + quote_yaml({"source": a.sid, "text": s}, 4))
        write(f"questions/{qid}.yaml", "".join(y))

    # ---- topics (written last: an intro is its first question's summary)
    for i, (tid, name) in enumerate(zip(topics, topic_names)):
        first, said = topic_summary.get(tid, (qids[i % n], ""))
        intro = " ".join(x for x in [f"Questions about {name.lower()}.", said,
                                     f"Start with [[{first}]]."] if x)
        write(f"topics/{tid}.yaml", (
            f"title: {ystr(name)}\n"
            f"order: {i + 1}\n"
            "intro: " + block(intro, 2)))


# --------------------------------------------------------------------------
# Self-check (no YAML parser in the standard library: a targeted scan)
# --------------------------------------------------------------------------

def check(out: str) -> list[str]:
    content = os.path.join(out, "content")
    errs: list[str] = []
    ids: dict[str, str] = {}
    kinds = ["sources", "topics", "questions", "cautions", "glossary", "pages",
             "reviewers"]
    files: dict[str, dict[str, str]] = {}
    for k in kinds:
        files[k] = {}
        for fn in sorted(os.listdir(os.path.join(content, k))):
            if not fn.endswith(".yaml"):
                continue
            i = fn[:-5]
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i):
                errs.append(f"{k}/{fn}: bad id")
            if i in ids:
                errs.append(f"{k}/{fn}: id also used in {ids[i]}")
            ids[i] = k
            with open(os.path.join(content, k, fn), encoding="utf-8") as f:
                files[k][i] = f.read()
    archives = {}
    for sid in files["sources"]:
        with open(os.path.join(content, "sources", sid + ".txt"),
                  encoding="utf-8") as f:
            archives[sid] = norm(f.read())
    nq = 0
    words = []
    reviewed: dict[str, int] = {}  # reviewer -> answers it signed
    questions_seen: dict[str, str] = {}
    for k in kinds:
        for i, y in files[k].items():
            where = f"{k}/{i}.yaml"
            if "\t" in y:
                errs.append(f"{where}: tab")
            for m in re.finditer(r"- source: (\S+)\n\s+text: (\".*\")\n", y):
                sid, text = m.group(1), json.loads(m.group(2))
                nq += 1
                nw = len(text.split())
                if sid not in archives:
                    errs.append(f"{where}: unknown source {sid}")
                elif norm(text) not in archives[sid]:
                    errs.append(f"{where}: quote not in {sid}: {text!r}")
                if not (10 <= nw <= 25) and "dollars" not in text:
                    errs.append(f"{where}: quote has {nw} words")
            for m in re.finditer(r"\[\[([^\]]+)\]\]", y):
                if m.group(1) not in ids:
                    errs.append(f"{where}: unknown link [[{m.group(1)}]]")
            for key, kind in [("topic", "topics")]:
                for m in re.finditer(rf"^{key}: (\S+)$", y, re.M):
                    if ids.get(m.group(1)) != kind:
                        errs.append(f"{where}: bad {key} {m.group(1)}")
            for key, kind in [("related", "questions"),
                              ("cautions", "cautions")]:
                for m in re.finditer(rf"^{key}: \[(.*)\]$", y, re.M):
                    for x in m.group(1).split(", "):
                        if ids.get(x) != kind:
                            errs.append(f"{where}: bad {key} {x}")
                        if x == i:
                            errs.append(f"{where}: {key} lists itself")
            m = re.search(r"^tags: \[(.*)\]$", y, re.M)
            if m:
                tags = m.group(1).split(", ")
                if len(set(tags)) != len(tags) or not all(
                        re.fullmatch(r"[a-z0-9-]+", t) for t in tags):
                    errs.append(f"{where}: bad tags")
            for m in re.finditer(r"^\s*(on|next|published|accessed): (\S+)$",
                                 y, re.M):
                try:
                    dt.date.fromisoformat(m.group(2))
                except ValueError:
                    errs.append(f"{where}: bad date {m.group(2)}")
            if k == "reviewers":
                for req in ["name", "role"]:
                    if not re.search(rf'^{req}: ".+"$', y, re.M):
                        errs.append(f"{where}: missing {req}")
                # invented people: never a clinician, a credential or a number
                if not re.search(r"^kind: editorial$", y, re.M):
                    errs.append(f"{where}: not an editorial reviewer")
                if re.search(r"^(credentials|registration):", y, re.M):
                    errs.append(f"{where}: credentials for an invented person")
            if k == "sources":
                m = re.search(r"^type: (\S+)$", y, re.M)
                if not m or m.group(1) not in SOURCE_TYPES.values():
                    errs.append(f"{where}: no type, or one not in SOURCE_TYPES")
            if k == "questions":
                # reviewers by id, never a bare name (cited's reviewer-name-only)
                m = re.search(r"^  by: \[(.*)\]$", y, re.M)
                by = m.group(1).split(", ") if m else []
                if not by:
                    errs.append(f"{where}: reviewed.by is not a list of reviewer ids")
                for x in by:
                    reviewed[x] = reviewed.get(x, 0) + 1
                    if ids.get(x) != "reviewers":
                        errs.append(f"{where}: reviewed by {x!r}, not a reviewer's id")
                if len(set(by)) != len(by):
                    errs.append(f"{where}: a reviewer named twice")
                m = re.search(r'^question: (".*")$', y, re.M)
                if m:
                    qt = json.loads(m.group(1))
                    if qt in questions_seen:
                        errs.append(f"{where}: same question as "
                                    f"{questions_seen[qt]}")
                    questions_seen[qt] = where
                facts = re.findall(r'^  - claim: (".*")\n    quotes:\n'
                                   r'      - source: \S+\n'
                                   r'        text: (".*")\n', y, re.M)
                claims = [json.loads(c) for c, _ in facts]
                for claim, text in facts:
                    if sentences_of(json.loads(text))[:1] != [json.loads(claim)]:
                        errs.append(f"{where}: claim is not the first "
                                    f"sentence of its quote: {claim}")
                m = re.search(r'^summary: (".*")$', y, re.M)
                if m and json.loads(m.group(1)) not in claims:
                    errs.append(f"{where}: summary is none of the claims")
                for req in ["question", "topic", "summary", "answer",
                            "reviewed"]:
                    if not re.search(rf"^{req}:", y, re.M):
                        errs.append(f"{where}: missing {req}")
                on = re.search(r"^  on: (\S+)$", y, re.M)
                nx = re.search(r"^  next: (\S+)$", y, re.M)
                if on and nx and nx.group(1) <= on.group(1):
                    errs.append(f"{where}: next not after on")
                m = re.search(r"^cost:\n((?:  .*\n)+)", y, re.M)
                if m:
                    blk = m.group(1)
                    qt = " ".join(json.loads(t) for t in
                                  re.findall(r"text: (\".*\")", blk))
                    for key in ["typical", "low", "high"]:
                        v = re.search(rf"^  {key}: (\d+)$", blk, re.M)
                        if v and not re.search(rf"\b{v.group(1)}\b", qt):
                            errs.append(f"{where}: cost {key} not in quote")
                m = re.search(r"^timeline:\n((?:  .*\n)+)", y, re.M)
                if m:
                    blk = m.group(1)
                    qt = " ".join(json.loads(t) for t in
                                  re.findall(r"text: (\".*\")", blk))
                    for num in re.findall(r"when: \"\D*(\d+)", blk):
                        if not re.search(rf"\b{num}\b", qt):
                            errs.append(f"{where}: timeline {num} not in quote")
                m = re.search(r"^answer: \|\n((?:  .*\n|\n)+?)(?=^\S)", y, re.M)
                if m:
                    words.append(len(m.group(1).split()))
    if len(files["questions"]) and words:
        print(f"check: {len(ids)} entities, {len(files['questions'])} "
              f"questions, {nq} quotes, answers {min(words)}-{max(words)} "
              f"words (mean {sum(words) / len(words):.0f}), "
              f"{len(files['reviewers'])} reviewers signing "
              f"{min(reviewed.values(), default=0)}-{max(reviewed.values(), default=0)} "
              "answers each", file=sys.stderr)
    for rid in files["reviewers"]:
        if rid not in reviewed:
            errs.append(f"reviewers/{rid}.yaml: reviews no answer")
    return errs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of questions")
    ap.add_argument("out", help="site folder to write (OUT/content/...)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true",
                    help="verify the generated site's consistency afterwards")
    a = ap.parse_args()
    if a.n < 10:
        ap.error("N must be at least 10")
    generate(a.n, a.out, a.seed)
    if a.check:
        errs = check(a.out)
        for e in errs[:50]:
            print("error:", e, file=sys.stderr)
        if errs:
            print(f"{len(errs)} problems", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
