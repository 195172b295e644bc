#!/usr/bin/env python3
"""Rewrites a site written by bench/generate.py so that its own words are
drawn from its quotes, as a faithful site's are.

    python3 bench/faithful.py SITE_DIR

generate.py writes each claim, summary and answer as random sentences that
have nothing to do with the quotes beside them, and asks the same question
many times (about 1,800 distinct questions in 10,000), so `cited check`'s
evidence checks rightly report most of them (some 175,000 warnings at 10,000
questions), and printing those dominates a benchmark. This rewrites, in
place: each claim as the first sentence of its own quote, each summary as
the first claim, each answer as the claims (keeping the generated [[links]]),
each comparison cell as a few words of the block's quote, each question as a
unique one. Use it to measure the checks' false positives and their cost on
a site that should pass them. Standard library only."""
import json, os, re, sys

root = sys.argv[1]
qdir = os.path.join(root, "content", "questions")

def first_sentence(text):
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    s = m.group(1) if m else text.rstrip(",;: ") + "."
    return s[0].upper() + s[1:]

for name in sorted(os.listdir(qdir)):
    path = os.path.join(qdir, name)
    y = open(path, encoding="utf-8").read()
    facts = re.findall(r'  - claim: (".*")\n    quotes:\n      - source: \S+\n        text: (".*")\n', y)
    claims = [first_sentence(json.loads(t)) for _, t in facts]
    for (old, _), new in zip(facts, claims):
        y = y.replace(f"  - claim: {old}\n", f"  - claim: {json.dumps(new)}\n", 1)
    links = re.findall(r"\[\[[^\]]+\]\]", y)
    answer = " ".join(claims) + " See " + " and ".join(links) + "."
    y = re.sub(r"^answer: \|\n(?:  .*\n|\n)+?(?=^\S)", "answer: |\n  " + answer + "\n", y, flags=re.M)
    y = re.sub(r'^summary: ".*"$', "summary: " + json.dumps(claims[0]), y, flags=re.M)
    words = re.findall(r"[a-z]+", claims[0].lower())[:6]
    qid = name[:-5].rsplit("-", 1)[1]
    y = re.sub(r'^question: ".*"$', "question: " + json.dumps(f"What about {' '.join(words)} (case {qid})?"), y, flags=re.M)
    m = re.search(r"^comparison:\n(?:  .*\n)+", y, re.M)
    if m:
        block = m.group(0)
        qt = json.loads(re.search(r'text: (".*")', block).group(1)).rstrip(".").split()
        n = [0]
        def cell(mm):
            n[0] += 1
            part = " ".join(qt[(n[0] * 3) % max(1, len(qt) - 3):][:3])
            return f"{mm.group(1)}{json.dumps(part.capitalize())}"
        new = re.sub(r'((?:ours|theirs): )".*"', cell, block)
        y = y.replace(block, new)
    open(path, "w", encoding="utf-8").write(y)
