//! YAML mistakes an editor makes, and what `cited check` says about each.
//!
//! One case per mistake: a file of the valid fixture broken the way an
//! editor breaks it (a tab, a missing colon, an unclosed quote, a deleted
//! `quotes:` line, a date written the local way...), the diagnostic it must
//! give (code, line and column of the character at fault), and words its
//! message and help must hold, so that each says in plain words what is
//! wrong and what to write instead. Every parser error kind an editor can
//! produce has a case here; kinds an editor cannot tell apart share words.

mod common;

use std::path::{Path, PathBuf};

use cited::Diagnostic;
use jiff::civil::date;
use proptest::prelude::*;

/// The question the cases break, as the valid fixture has it.
const QUESTION: &str = "content/questions/how-long-to-rise.yaml";

struct Case {
    name: &'static str,
    /// The file broken, under the site.
    file: &'static str,
    /// `(from, to)`: each `from` must be in the fixture's file; the first is replaced.
    edits: &'static [(&'static str, &'static str)],
    code: &'static str,
    /// Line and column (characters, from 1) the diagnostic points at.
    at: (usize, usize),
    /// Words the message must hold.
    message: &'static [&'static str],
    /// Words the help must hold.
    help: &'static [&'static str],
}

const fn question(
    name: &'static str,
    edits: &'static [(&'static str, &'static str)],
    code: &'static str,
    at: (usize, usize),
    message: &'static [&'static str],
    help: &'static [&'static str],
) -> Case {
    Case {
        name,
        file: QUESTION,
        edits,
        code,
        at,
        message,
        help,
    }
}

const CASES: &[Case] = &[
    // --- Tabs: the tab itself is pointed at, on the line that has it.
    question(
        "a tab indents a line of the answer",
        &[("  so it rises", "\tso it rises")],
        "tab-indent",
        (8, 1),
        &["indented with a tab"],
        &["spaces", "2 spaces"],
    ),
    question(
        "a tab indents the first line of the answer (the parser blames `answer: |`)",
        &[("  It depends", "\tIt depends")],
        "tab-indent",
        (7, 1),
        &["indented with a tab"],
        &["spaces"],
    ),
    question(
        "a tab indents a field",
        &[("  on: 2026-01-15", "\ton: 2026-01-15")],
        "tab-indent",
        (18, 1),
        &["indented with a tab"],
        &["spaces"],
    ),
    question(
        "a tab after spaces indents a field (the parser blames the line above)",
        &[("  by: [jane-crust]", "  \tby: [jane-crust]")],
        "tab-indent",
        (19, 3),
        &["indented with a tab"],
        &["spaces"],
    ),
    question(
        "a tab indents a list item",
        &[("  - claim:", "\t- claim:")],
        "tab-indent",
        (11, 1),
        &["indented with a tab"],
        &["spaces"],
    ),
    question(
        "a tab separates two dashes",
        &[("tags: [sourdough, timing]", "tags:\n  -\t- sourdough")],
        "tab-indent",
        (5, 4),
        &["tab"],
        &["spaces"],
    ),
    // --- Colons.
    question(
        "a missing colon after a field name",
        &[("summary: Usually", "summary Usually")],
        "yaml-syntax",
        (5, 8),
        &["colon", "`summary`"],
        &["summary: Usually between 4 and 12 hours."],
    ),
    question(
        "a missing space after a colon",
        &[("topic: basics", "topic:basics")],
        "yaml-syntax",
        (2, 7),
        &["space", "colon"],
        &["topic: basics"],
    ),
    question(
        "a missing colon in a block (the parser blames the next line)",
        &[("  on: 2026-01-15", "  on 2026-01-15")],
        "yaml-syntax",
        (18, 5),
        &["colon", "`on`"],
        &["on: 2026-01-15"],
    ),
    question(
        "a missing colon after the first field of a list item",
        &[("- source: baking-notes", "- source baking-notes")],
        "yaml-syntax",
        (13, 15),
        &["colon", "`source`"],
        &["source: baking-notes"],
    ),
    question(
        "a list item without a space after the dash",
        &[(
            "tags: [sourdough, timing]",
            "tags:\n  - sourdough\n  -timing",
        )],
        "yaml-syntax",
        (6, 4),
        &["space", "`-`"],
        &["- timing"],
    ),
    question(
        "a line of text that is not indented under its field",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: Usually between 4\nand 12 hours.",
        )],
        "yaml-syntax",
        (6, 1),
        &["`field: value`"],
        &["`summary`", "indent"],
    ),
    question(
        "a misspelt field without its colon",
        &[("summary: Usually", "sumary Usually")],
        "yaml-syntax",
        (5, 7),
        &["colon", "`sumary`"],
        &["summary: Usually between 4 and 12 hours."],
    ),
    question(
        "a value on the line below its field, not indented",
        &[("summary: Usually", "summary:\nUsually")],
        "yaml-syntax",
        (6, 1),
        &["`field: value`"],
        &[
            "indent it under `summary:`",
            "summary: Usually between 4 and 12 hours.",
        ],
    ),
    question(
        "a fact's text without `claim:`",
        &[("  - claim: Rising", "  - Rising")],
        "yaml-syntax",
        (11, 5),
        &["no field name"],
        &["claim: Rising takes 4 to 12 hours.", "a fact is written"],
    ),
    question(
        "a list item's dash without its space before a field",
        &[("  - claim: Rising", "  -claim: Rising")],
        "yaml-syntax",
        (11, 4),
        &["space", "`-claim:`"],
        &["- claim:"],
    ),
    question(
        "a field of a list item between its dash and its first field",
        &[("  - claim: Rising", "   - claim: Rising")],
        "yaml-syntax",
        (12, 5),
        &["between the `-`", "`claim:`"],
        &["5 spaces"],
    ),
    question(
        "a colon and a space inside a value",
        &[("summary: Usually", "summary: Note: usually")],
        "yaml-syntax",
        (5, 14),
        &["`: `"],
        &["summary: \"Note: usually between 4 and 12 hours.\""],
    ),
    // --- Structure the parser cannot read.
    question(
        "the `quotes:` line of a fact deleted",
        &[(
            "    quotes:\n      - source: baking-notes",
            "      - source: baking-notes",
        )],
        "yaml-syntax",
        (12, 7),
        &["`claim`"],
        &["quotes:", "a fact is written", "- claim:", "- source:"],
    ),
    question(
        "a field indented under the one above",
        &[("topic: basics", "  topic: basics")],
        "yaml-syntax",
        (2, 3),
        &["`question`"],
        &["same column as `question:`"],
    ),
    question(
        "a field indented less than the fields of its block",
        &[("  by: [jane-crust]", " by: [jane-crust]")],
        "yaml-syntax",
        (19, 2),
        &["1 space"],
        &["2 spaces", "`on:`"],
    ),
    question(
        "a line of the answer indented less than its first line",
        &[("  so it rises", " so it rises")],
        "yaml-syntax",
        (8, 2),
        &["`answer`"],
        &["2 spaces"],
    ),
    question(
        "a list item indented less than the items above",
        &[(
            "    - when: Day two\n      what: Shape",
            "   - when: Day two\n     what: Shape",
        )],
        "yaml-syntax",
        (24, 4),
        &["column"],
        &["same column"],
    ),
    question(
        "a list item indented more than the items above",
        &[(
            "    - when: Day two\n      what: Shape",
            "     - when: Day two\n       what: Shape",
        )],
        "yaml-syntax",
        (24, 6),
        &["column"],
        &["same column"],
    ),
    question(
        "a `key: value` where a list item was expected",
        &[(
            "  quotes:\n    - source: baking-notes\n      text: \"Day",
            "    note: fresh\n  quotes:\n    - source: baking-notes\n      text: \"Day",
        )],
        "yaml-syntax",
        (26, 5),
        &["`steps`", "list"],
        &["`- `"],
    ),
    question(
        "a list item where a field was expected",
        &[("  by: [jane-crust]", "  - by: [jane-crust]")],
        "yaml-syntax",
        (19, 3),
        &["list item"],
        &["`reviewed`"],
    ),
    question(
        "text after a value in brackets",
        &[("summary: Usually", "summary: [Draft] Usually")],
        "yaml-syntax",
        (5, 18),
        &["after"],
        &["summary: \"[Draft] Usually between 4 and 12 hours.\""],
    ),
    // --- Quotes.
    question(
        "an unclosed double quote",
        &[("shape and bake the loaf.\"", "shape and bake the loaf.")],
        "yaml-syntax",
        (28, 13),
        &["`\"`", "never closed"],
        &["`\"`"],
    ),
    question(
        "a quoted text ended with a curly quote mark",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Usually between 4 and 12 hours.\u{201d}",
        )],
        "yaml-syntax",
        (5, 42),
        &["curly", "`\u{201d}`"],
        &["straight `\"`"],
    ),
    question(
        "a quoted text not closed on its line, closed by the next quote",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Usually between 4 and 12 hours.\nanswer2: \"x\"",
        )],
        "yaml-syntax",
        (5, 10),
        &["not closed on its line"],
        &["on this line"],
    ),
    question(
        "an unclosed single quote",
        &[("summary: Usually", "summary: 'Usually")],
        "yaml-syntax",
        (5, 10),
        &["`'`", "never closed"],
        &["''"],
    ),
    question(
        "an apostrophe inside single quotes",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: 'Don't wait more than 12 hours.'",
        )],
        "yaml-syntax",
        (5, 14),
        &["`'`"],
        &["''", "summary: \"Don't wait more than 12 hours.\""],
    ),
    question(
        "quote marks inside double quotes",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"The \"slow\" rise takes 4 to 12 hours.\"",
        )],
        "yaml-syntax",
        (5, 15),
        &["`\"`"],
        &["summary: 'The \"slow\" rise takes 4 to 12 hours.'"],
    ),
    question(
        "quoted words followed by more text",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Usually\" between 4 and 12 hours.",
        )],
        "yaml-syntax",
        (5, 18),
        &["`\"`"],
        &["summary: '\"Usually\" between 4 and 12 hours.'"],
    ),
    question(
        "a backslash in double quotes",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"See C:\\Users\\notes\"",
        )],
        "yaml-syntax",
        (5, 17),
        &["`\\U`"],
        &["\\\\", "single quotes"],
    ),
    question(
        "an unknown escape in double quotes",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"4\\12 hours\"",
        )],
        "yaml-syntax",
        (5, 12),
        &["`\\1`"],
        &["\\\\"],
    ),
    question(
        "half a character code in double quotes",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Rises \\uD83D fast\"",
        )],
        "yaml-syntax",
        (5, 17),
        &["`\\uD83D`"],
        &["\\\\"],
    ),
    question(
        "a quoted text still open at a `---` line",
        &[
            ("summary: Usually", "summary: \"Usually"),
            ("  so it rises", "---\n  so it rises"),
        ],
        "yaml-syntax",
        (5, 10),
        &["`\"`"],
        &["`\"`"],
    ),
    question(
        "a comment at the end of a line of a text that goes on",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: Usually between 4 # check this\n  and 12 hours.",
        )],
        "yaml-syntax",
        (5, 28),
        &["comment", "`summary`"],
        &["move the comment"],
    ),
    question(
        "a comment line inside a text",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: Usually between 4\n  # check this\n  and 12 hours.",
        )],
        "yaml-syntax",
        (6, 3),
        &["comment", "`summary`"],
        &["move the comment"],
    ),
    question(
        "a comment line inside a text on its own lines",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary:\n  Usually between 4\n  # check this\n  and 12 hours.",
        )],
        "yaml-syntax",
        (7, 3),
        &["comment", "`summary`"],
        &["move the comment"],
    ),
    question(
        "an item of a list without its dash",
        &[(
            "tags: [sourdough, timing]",
            "tags:\n  - sourdough\n  timing",
        )],
        "yaml-syntax",
        (6, 3),
        &["`tags`", "list"],
        &["`- `"],
    ),
    question(
        "a zero after `|`",
        &[("answer: |", "answer: |0")],
        "yaml-syntax",
        (6, 10),
        &["`|`", "0"],
        &["remove the number"],
    ),
    question(
        "a block of text indented less than its `|4` says",
        &[("answer: |", "answer: |4")],
        "yaml-syntax",
        (7, 3),
        &["`4`", "`answer`"],
        &["remove the `4`"],
    ),
    question(
        "a character code out of range in double quotes",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Rises \\U00110000 fast\"",
        )],
        "yaml-syntax",
        (5, 17),
        &["`\\U00110000`"],
        &["\\\\"],
    ),
    question(
        "the second half of a character code alone in double quotes",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Rises \\uDC00 fast\"",
        )],
        "yaml-syntax",
        (5, 17),
        &["`\\uDC00`"],
        &["\\\\"],
    ),
    question(
        "two halves of a character code that do not match",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Rises \\uD83D\\u0041 fast\"",
        )],
        "yaml-syntax",
        (5, 17),
        &["`\\uD83D`"],
        &["\\\\"],
    ),
    question(
        "half a character code followed by a broken second half",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: \"Rises \\uD83D\\uZZZZ fast\"",
        )],
        "yaml-syntax",
        (5, 17),
        &["`\\uD83D`"],
        &["\\\\"],
    ),
    question(
        "a quoted item followed by more in brackets",
        &[(
            "tags: [sourdough, timing]",
            "tags: [\"sourdough\" bread, timing]",
        )],
        "yaml-syntax",
        (4, 18),
        &["`\"`"],
        &["commas"],
    ),
    // --- Brackets.
    question(
        "an unclosed `[` (the parser blames a later line)",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: [Usually between 4 and 12 hours.",
        )],
        "yaml-syntax",
        (5, 10),
        &["`[`", "never closed"],
        &["`]`", "summary: \"[Usually between 4 and 12 hours.\""],
    ),
    question(
        "an unclosed `[` at the end of the file",
        &[
            ("related: [does-bread-go-stale]\n", ""),
            // The care cards and history after the timeline go, so that the
            // `[` is on the file's last line.
            (CARE_CARDS_AND_HISTORY, ""),
            (
                "bake the loaf.\"\n",
                "bake the loaf.\"\nrelated: [does-bread-go-stale\n",
            ),
        ],
        "yaml-syntax",
        (28, 10),
        &["`[`", "never closed"],
        &["`]`"],
    ),
    question(
        "a `[` closed by `}`",
        &[("tags: [sourdough, timing]", "tags: [sourdough, timing}")],
        "yaml-syntax",
        (4, 25),
        &["`[`", "`}`"],
        &["`]`"],
    ),
    question(
        "a `]` that closes nothing",
        &[("tags: [sourdough, timing]", "tags: [sourdough, timing]]")],
        "yaml-syntax",
        (4, 26),
        &["`]`"],
        &["remove"],
    ),
    question(
        "a dash inside brackets",
        &[("tags: [sourdough, timing]", "tags: [sourdough, - timing]")],
        "yaml-syntax",
        (4, 19),
        &["`-`"],
        &["comma"],
    ),
    question(
        "a colon in an item of a list in brackets",
        &[(
            "tags: [sourdough, timing]",
            "tags: [sourdough: x: y, timing]",
        )],
        "yaml-syntax",
        (4, 20),
        &["`:`"],
        &["quotes"],
    ),
    question(
        "no space after a colon before a bracket in braces",
        &[("tags: [sourdough, timing]", "tags: [{sourdough:[timing]}]")],
        "yaml-syntax",
        (4, 18),
        &["space"],
        &["sourdough: [timing]"],
    ),
    question(
        "a comment without a space before `#`",
        &[(
            "tags: [sourdough, timing]",
            "tags: [sourdough, timing]#bread",
        )],
        "yaml-syntax",
        (4, 26),
        &["`#`"],
        &["space"],
    ),
    question(
        "a value that starts with a comma",
        &[("summary: Usually", "summary: , usually")],
        "yaml-syntax",
        (5, 10),
        &["`,`"],
        &["summary: \", usually between 4 and 12 hours.\""],
    ),
    question(
        "an item in brackets that is a dash alone",
        &[("tags: [sourdough, timing]", "tags: [-, timing]")],
        "yaml-syntax",
        (4, 8),
        &["`-`"],
        &["\"-\""],
    ),
    // --- Characters YAML reserves or refuses.
    question(
        "a value that starts with `@`",
        &[("summary: Usually", "summary: @baker says usually")],
        "yaml-syntax",
        (5, 10),
        &["`@`"],
        &["summary: \"@baker says usually between 4 and 12 hours.\""],
    ),
    question(
        "a value that starts with a backtick",
        &[("summary: Usually", "summary: `Rise` usually")],
        "yaml-syntax",
        (5, 10),
        &["`"],
        &["summary: \"`Rise` usually between 4 and 12 hours.\""],
    ),
    question(
        "a value that starts with `%`",
        &[("summary: Usually", "summary: %50 of loaves usually")],
        "yaml-syntax",
        (5, 10),
        &["`%`"],
        &["summary: \"%50 of loaves usually between 4 and 12 hours.\""],
    ),
    question(
        "a raw control character pasted into the file",
        &[("summary: Usually", "summary: Usu\u{7}ally")],
        "control-character",
        (5, 13),
        &["U+0007"],
        &["delete"],
    ),
    question(
        "a byte-order mark inside the file",
        &[("topic: basics", "\u{feff}topic: basics")],
        "yaml-syntax",
        (2, 1),
        &["byte-order mark"],
        &["delete"],
    ),
    question(
        "text after a block scalar's `|`",
        &[("answer: |\n  It depends", "answer: | It depends")],
        "yaml-syntax",
        (6, 11),
        &["`|`"],
        &["next line"],
    ),
    question(
        "a line starting with `... ` in the answer",
        &[("  Read more", "... Read more")],
        "yaml-syntax",
        (9, 1),
        &["`...`"],
        &["indent"],
    ),
    // --- Advanced YAML features, which content files do not use.
    question(
        "an alias (markdown emphasis at the start of a value)",
        &[("summary: Usually", "summary: *Usually* between")],
        "yaml-unsupported",
        (5, 10),
        &["`*`"],
        &["summary: \"*Usually* between between 4 and 12 hours.\""],
    ),
    question(
        "an anchor, which YAML would drop from the text",
        &[("summary: Usually", "summary: &nbsp;Usually")],
        "yaml-unsupported",
        (5, 10),
        &["`&nbsp;Usually`"],
        &["summary: \"&nbsp;Usually between 4 and 12 hours.\""],
    ),
    question(
        "a tag",
        &[("summary: Usually", "summary: !important Usually")],
        "yaml-unsupported",
        (5, 10),
        &["`!important`"],
        &["summary: \"!important Usually between 4 and 12 hours.\""],
    ),
    question(
        "a tag with an undeclared handle",
        &[("summary: Usually", "summary: !e!x Usually")],
        "yaml-unsupported",
        (5, 10),
        &["`!`"],
        &["summary: \"!e!x Usually between 4 and 12 hours.\""],
    ),
    question(
        "an anchor without a name",
        &[("summary: Usually", "summary: & Usually")],
        "yaml-unsupported",
        (5, 10),
        &["`&`"],
        &["summary: \"& Usually between 4 and 12 hours.\""],
    ),
    question(
        "a line of the answer that starts with `%` (a directive)",
        &[("  Read more", "%50 of loaves rise overnight. Read more")],
        "yaml-unsupported",
        (9, 1),
        &["`%`"],
        &["indent"],
    ),
    question(
        "a first line that starts with `%`",
        &[("question: How", "% of loaves rise overnight\nquestion: How")],
        "yaml-unsupported",
        (1, 1),
        &["`%`"],
        &["quotes"],
    ),
    question(
        "a `%YAML` line without `---` after it",
        &[("question: How", "%YAML 1.2\nquestion: How")],
        "yaml-unsupported",
        (1, 1),
        &["`%`"],
        &["removed"],
    ),
    question(
        "a tag followed by a comma",
        &[("summary: Usually", "summary: !note,Usually")],
        "yaml-unsupported",
        (5, 10),
        &["`!`"],
        &["summary: \"!note,Usually between 4 and 12 hours.\""],
    ),
    question(
        "a tag of two exclamation marks alone",
        &[("summary: Usually", "summary: !! Usually")],
        "yaml-unsupported",
        (5, 10),
        &["`!`"],
        &["summary: \"!! Usually between 4 and 12 hours.\""],
    ),
    question(
        "a tag in angle brackets never closed",
        &[("summary: Usually", "summary: !<note Usually")],
        "yaml-unsupported",
        (5, 10),
        &["`!`"],
        &["summary: \"!<note Usually between 4 and 12 hours.\""],
    ),
    question(
        "a value that starts with `?`",
        &[("summary: Usually", "summary: ? Usually")],
        "yaml-syntax",
        (5, 10),
        &["`?`"],
        &["summary: \"? Usually between 4 and 12 hours.\""],
    ),
    question(
        "a `---` line in the answer starts a second document",
        &[("  Read more", "---\n  Read more")],
        "yaml-unsupported",
        (9, 1),
        &["`---`"],
        &["indent"],
    ),
    // --- Shapes: the file parses, but a field holds the wrong kind of value.
    question(
        "a list where a block of fields is expected",
        &[("  on: 2026-01-15\n  by:", "  - on: 2026-01-15\n    by:")],
        "wrong-type",
        (18, 3),
        &["`reviewed`", "list"],
        &["reviewed:", "on: 2026-11-24", "`- `"],
    ),
    question(
        "a block of fields where a list is expected",
        &[(
            "  - claim: Rising takes 4 to 12 hours.\n    quotes:\n      - source: baking-notes\n        text: A sourdough",
            "  claim: Rising takes 4 to 12 hours.\n  quotes:\n    - source: baking-notes\n      text: A sourdough",
        )],
        "wrong-type",
        (11, 3),
        &["`facts`", "list"],
        &["- claim:", "`- `"],
    ),
    question(
        "text where a list is expected",
        &[("tags: [sourdough, timing]", "tags: sourdough")],
        "wrong-type",
        (4, 7),
        &["`tags`", "list"],
        &["tags: [sourdough]"],
    ),
    question(
        "text where a block of fields is expected",
        &[(
            "reviewed:\n  on: 2026-01-15\n  by: [jane-crust]",
            "reviewed: 2026-01-15",
        )],
        "wrong-type",
        (17, 11),
        &["`reviewed`"],
        &["on:", "by:"],
    ),
    question(
        "a list where text is expected",
        &[(
            "summary: Usually between 4 and 12 hours.",
            "summary: [Usually between 4 and 12 hours.]",
        )],
        "wrong-type",
        (5, 10),
        &["`summary`", "list"],
        &["summary: \"[Usually between 4 and 12 hours.]\""],
    ),
    question(
        "a fact written as text",
        &[(
            "  - claim: Rising takes 4 to 12 hours.\n    quotes:\n      - source: baking-notes\n        text: A sourdough loaf usually needs between 4 and 12 hours to rise\n",
            "  - Rising takes 4 to 12 hours.\n",
        )],
        "wrong-type",
        (11, 5),
        &["fact"],
        &["- claim: Rising takes 4 to 12 hours.", "quotes:"],
    ),
    question(
        "an empty `quotes:` (its quotes not indented under it)",
        &[(
            "      - source: baking-notes\n        text: A sourdough",
            "  - source: baking-notes\n    text: A sourdough",
        )],
        "missing-field",
        (12, 5),
        &["`quotes`"],
        &["indented", "- source:", "text:"],
    ),
    question(
        "a fact without quotes",
        &[(
            "    quotes:\n      - source: baking-notes\n        text: A sourdough loaf usually needs between 4 and 12 hours to rise\n",
            "",
        )],
        "missing-field",
        (11, 5),
        &["`quotes`"],
        &["quotes:", "- source:", "text:"],
    ),
    question(
        "a missing field",
        &[("summary: Usually between 4 and 12 hours.\n", "")],
        "missing-field",
        (1, 1),
        &["`summary`"],
        &["summary:", "one plain sentence"],
    ),
    question(
        "an empty field",
        &[("summary: Usually between 4 and 12 hours.", "summary:")],
        "missing-field",
        (5, 1),
        &["`summary`"],
        &["summary: Most redness goes within two days."],
    ),
    Case {
        name: "the first field of a file without its colon",
        file: "content/topics/basics.yaml",
        edits: &[("title: ", "title ")],
        code: "yaml-syntax",
        at: (1, 6),
        message: &["colon", "`title`"],
        help: &["title: Bread basics"],
    },
    Case {
        name: "a file that is one line of text (its colon missing)",
        file: "content/topics/basics.yaml",
        edits: &[
            ("title: ", "title "),
            (
                "\norder: 1\nintro: |\n  Start here. Words like [[leavening]] are explained in the glossary.",
                "",
            ),
        ],
        code: "wrong-type",
        at: (1, 6),
        message: &["colon", "`title`"],
        help: &["title: Bread basics"],
    },
    // --- Dates: a format problem is told from a day that does not exist.
    question(
        "a date written day/month/year",
        &[("on: 2026-01-15", "on: 30/11/2025")],
        "bad-date",
        (18, 7),
        &["`30/11/2025`", "YYYY-MM-DD"],
        &["2025-11-30"],
    ),
    question(
        "a date that could be read two ways",
        &[("on: 2026-01-15", "on: 01/02/2026")],
        "bad-date",
        (18, 7),
        &["YYYY-MM-DD"],
        &["2026-02-01", "2026-01-02"],
    ),
    question(
        "a date with a time",
        &[("on: 2026-01-15", "on: 2026-01-15T10:00")],
        "bad-date",
        (18, 7),
        &["time"],
        &["2026-01-15"],
    ),
    question(
        "a date with the month in words",
        &[("on: 2026-01-15", "on: Jan 15 2026")],
        "bad-date",
        (18, 7),
        &["YYYY-MM-DD"],
        &["2026-01-15"],
    ),
    question(
        "a date without leading zeros",
        &[("on: 2026-01-15", "on: 2026-1-5")],
        "bad-date",
        (18, 7),
        &["YYYY-MM-DD"],
        &["2026-01-05"],
    ),
    question(
        "a year alone",
        &[("on: 2026-01-15", "on: 2026")],
        "bad-date",
        (18, 7),
        &["YYYY-MM-DD"],
        &["2026-"],
    ),
    question(
        "the 30th of February",
        &[("on: 2026-01-15", "on: 2025-02-30")],
        "bad-date",
        (18, 7),
        &["February", "28 days", "2025"],
        &["2025-02-28"],
    ),
    question(
        "the 30th of February in a leap year",
        &[("on: 2026-01-15", "on: 2024-02-30")],
        "bad-date",
        (18, 7),
        &["February", "29 days", "2024"],
        &[],
    ),
    question(
        "the 31st of April",
        &[("on: 2026-01-15", "on: 2025-04-31")],
        "bad-date",
        (18, 7),
        &["April", "30 days"],
        &[],
    ),
    question(
        "a thirteenth month",
        &[("on: 2026-01-15", "on: 2025-13-01")],
        "bad-date",
        (18, 7),
        &["month", "13"],
        &["01 to 12"],
    ),
    // --- Booleans, choices, whole numbers: each says what to write.
    Case {
        name: "yes for true",
        file: "content/site.yaml",
        edits: &[("language: en", "language: en\nrequire_disclaimer: yes")],
        code: "wrong-type",
        at: (4, 21),
        message: &["`require_disclaimer`", "true or false"],
        help: &["require_disclaimer: true"],
    },
    Case {
        name: "a choice in capitals",
        file: "content/cautions/hot-oven.yaml",
        edits: &[("severity: danger", "severity: Danger")],
        code: "bad-choice",
        at: (2, 11),
        message: &["`Danger`", "`severity`"],
        help: &["severity: danger"],
    },
    question(
        "a choice misspelt",
        &[(
            "        text: A sourdough",
            "        stance: support\n        text: A sourdough",
        )],
        "bad-choice",
        (14, 17),
        &["`support`", "`stance`"],
        &["stance: supports"],
    ),
    question(
        "a whole number written in words",
        &[("order: 1", "order: first")],
        "wrong-type",
        (3, 8),
        &["`order`", "whole number"],
        &["order: 1"],
    ),
    question(
        "a whole number with a fraction",
        &[("order: 1", "order: 1.5")],
        "wrong-type",
        (3, 8),
        &["`order`", "1.5"],
        &["order: 1"],
    ),
    Case {
        name: "a whole number written as text",
        file: "content/site.yaml",
        edits: &[("max_age_days: 365", "max_age_days: a year")],
        code: "wrong-type",
        at: (8, 17),
        message: &["`max_age_days`", "whole number"],
        help: &["max_age_days: 365"],
    },
];

/// Every error kind of the parser an editor can produce, and the case
/// above that produces it (a test checks that it does). Kinds that share
/// words share them in `src/load/syntax.rs`; these are the ones an editor
/// cannot produce, and why:
///
/// - `InputIo`, `InputDecoding`, `InputByteLimitExceeded`,
///   `InputOffsetsWithoutSlice`, `InputSlicingUnavailable`,
///   `ExpectedStreamStart`, `Custom`, `MissingIncludeResolver`,
///   `MultipleDocumentsUnsupported`, `TooManyComments`: failures of other
///   inputs, parser stacks or features than cited's (a string, one parser,
///   no comment events);
/// - `TabInIndentation`, `InvalidIndentation`, `InvalidQuotedScalarIndent`,
///   `InvalidFlowScalarIndent`: strict indentation only, which cited does
///   not ask for;
/// - `UnknownAnchor`: cited asks for unresolved aliases as events, and
///   refuses them with the words of every alias;
/// - `RecursionLimitExceeded`: cited refuses nesting deeper than 128 first;
/// - `DirectiveDisallowed`: cited does not disallow directives;
/// - `TabNotAllowed`: a tab after an explicit key's `?`;
/// - `AnchorCountOverflow`, `DirectiveByteLimitExceeded`,
///   `TooManyReservedDirectiveParams`: limits no content file reaches;
/// - `ExpectedFlowSequenceSeparator`, `UnexpectedEofFlowSequence`,
///   `UnexpectedEofFlowMapping`, `UnexpectedEofImplicitFlowMapping`,
///   `UnexpectedEof`, `UnexpectedEofBlockSequence`, `ExpectedNodeContent`,
///   `UnexpectedEndOfPlainScalar`, `ExpectedWhitespace`, `InvalidSimpleKey`,
///   `InvalidMappingValueWhitespace`, `BlockSequenceEntryNotAllowed`: the
///   scanner reports these mistakes with the kinds above first;
/// - the other directive and tag kinds (`DuplicateVersionDirective`,
///   `InvalidTagEscape`...): need `%YAML`, `%TAG` or `!<…>` written out,
///   and share the words of the directive and tag cases here.
const KINDS: &[(&str, &str)] = &[
    ("TabInBlockIndentation", "a tab indents a field"),
    (
        "TabAtBlockScalarStart",
        "a tab indents the first line of the answer (the parser blames `answer: |`)",
    ),
    (
        "TabInPlainScalar",
        "a tab after spaces indents a field (the parser blames the line above)",
    ),
    ("InvalidBlockEntryWhitespace", "a tab separates two dashes"),
    ("SimpleKeyExpected", "a missing colon after a field name"),
    (
        "MappingValueNotAllowed",
        "a colon and a space inside a value",
    ),
    (
        "ExpectedBlockMappingKey",
        "a field indented less than the fields of its block",
    ),
    (
        "ExpectedBlockSequenceEntry",
        "a `key: value` where a list item was expected",
    ),
    (
        "CommentInterceptedScalar",
        "a comment at the end of a line of a text that goes on",
    ),
    (
        "InvalidBlockScalarHeader",
        "text after a block scalar's `|`",
    ),
    ("ZeroBlockScalarIndent", "a zero after `|`"),
    (
        "InvalidBlockScalarIndent",
        "a block of text indented less than its `|4` says",
    ),
    ("UnclosedQuotedScalar", "an unclosed double quote"),
    (
        "DocumentIndicatorInQuotedScalar",
        "a quoted text still open at a `---` line",
    ),
    (
        "InvalidTrailingSingleQuotedScalar",
        "an apostrophe inside single quotes",
    ),
    (
        "InvalidTrailingDoubleQuotedScalar",
        "quote marks inside double quotes",
    ),
    (
        "UnknownQuotedScalarEscape",
        "an unknown escape in double quotes",
    ),
    (
        "InvalidQuotedScalarHexEscape",
        "a backslash in double quotes",
    ),
    (
        "MissingLowSurrogate",
        "half a character code in double quotes",
    ),
    (
        "UnpairedLowSurrogate",
        "the second half of a character code alone in double quotes",
    ),
    (
        "InvalidLowSurrogate",
        "two halves of a character code that do not match",
    ),
    (
        "InvalidLowSurrogateHexEscape",
        "half a character code followed by a broken second half",
    ),
    (
        "InvalidUnicodeEscape",
        "a character code out of range in double quotes",
    ),
    (
        "UnclosedFlowCollection",
        "an unclosed `[` at the end of the file",
    ),
    (
        "InvalidColonPlacement",
        "an unclosed `[` (the parser blames a later line)",
    ),
    ("MismatchedFlowCollectionEnd", "a `[` closed by `}`"),
    ("MisplacedFlowCollectionEnd", "a `]` that closes nothing"),
    ("BlockEntryInFlowCollection", "a dash inside brackets"),
    (
        "ExpectedFlowMappingSeparator",
        "a colon in an item of a list in brackets",
    ),
    (
        "FlowMappingValueAdjacentCollection",
        "no space after a colon before a bracket in braces",
    ),
    (
        "PlainScalarStartsWithDashFlowIndicator",
        "an item in brackets that is a dash alone",
    ),
    (
        "CommentNotSeparated",
        "a comment without a space before `#`",
    ),
    (
        "UnexpectedEofBlockMapping",
        "a value that starts with a comma",
    ),
    ("MappingKeyNotAllowed", "a value that starts with `?`"),
    ("UnexpectedCharacter", "a value that starts with `@`"),
    ("BomInsideDocument", "a byte-order mark inside the file"),
    (
        "InvalidDocumentEnd",
        "a line starting with `... ` in the answer",
    ),
    (
        "MissingDocumentEndBeforeDirective",
        "a line of the answer that starts with `%` (a directive)",
    ),
    ("MissingDirectiveName", "a first line that starts with `%`"),
    (
        "ExpectedDocumentStart",
        "a `%YAML` line without `---` after it",
    ),
    ("UndeclaredTagHandle", "a tag with an undeclared handle"),
    ("InvalidTagTerminator", "a tag followed by a comma"),
    ("MissingTagUri", "a tag of two exclamation marks alone"),
    (
        "UnclosedVerbatimTag",
        "a tag in angle brackets never closed",
    ),
    ("MissingAnchorOrAliasName", "an anchor without a name"),
];

/// Each kind in [`KINDS`] is what the parser says of its case: the table
/// cannot claim a kind it does not test.
#[test]
fn every_parser_error_kind_an_editor_makes_has_a_case() {
    use serde_saphyr::granit_parser::{Options, Parser};
    let mut wrong = Vec::new();
    for (kind, name) in KINDS {
        let case = CASES
            .iter()
            .find(|c| c.name == *name)
            .unwrap_or_else(|| panic!("no case named {name:?}"));
        let text = broken(case);
        // The options cited parses with.
        let mut options = Options::default();
        options.emit_unresolved_aliases = true;
        options.emit_anchor_events = true;
        let error = Parser::new_from_str_with_options(&text, options).find_map(Result::err);
        let found = error.map(|e| format!("{:?}", e.kind()));
        if !found.as_deref().is_some_and(|f| f.starts_with(kind)) {
            wrong.push(format!("{name}: the parser says {found:?}, not {kind}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

/// The file as the case breaks it.
fn broken(case: &Case) -> String {
    let mut text = std::fs::read_to_string(fixture().join(case.file)).unwrap();
    for (from, to) in case.edits {
        assert!(
            text.contains(from),
            "{}: no `{from}` in {}",
            case.name,
            case.file
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// What is wrong with one diagnostic against its case, if anything.
fn mismatch(case: &Case, d: &Diagnostic) -> Option<String> {
    let at = d.span.map(|s| (s.line as usize, s.column as usize));
    let mut wrong = Vec::new();
    if at != Some(case.at) {
        wrong.push(format!("at {at:?}, expected {:?}", Some(case.at)));
    }
    for word in case.message {
        if !d.message.contains(word) {
            wrong.push(format!("the message lacks {word:?}"));
        }
    }
    let help = d.help.as_deref().unwrap_or_default();
    for word in case.help {
        if !help.contains(word) {
            wrong.push(format!("the help lacks {word:?}"));
        }
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

#[test]
fn each_yaml_mistake_is_explained_where_it_is() {
    let site = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), site.path());
    let today = date(2026, 2, 1);
    let mut failures = Vec::new();
    for case in CASES {
        let path = site.path().join(case.file);
        let original = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, broken(case)).unwrap();
        let report = cited::check(site.path(), today);
        std::fs::write(&path, original).unwrap();

        let in_file: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.file == Path::new(case.file))
            .collect();
        let with_code: Vec<&Diagnostic> = in_file
            .iter()
            .copied()
            .filter(|d| d.code == case.code)
            .collect();
        let problems: Vec<String> = with_code.iter().filter_map(|d| mismatch(case, d)).collect();
        if with_code.is_empty() || problems.len() == with_code.len() {
            let shown = in_file
                .iter()
                .map(|d| {
                    format!(
                        "  {:?}[{}] at {:?}: {}\n    help: {}",
                        d.severity,
                        d.code,
                        d.span.map(|s| (s.line, s.column)),
                        d.message,
                        d.help.as_deref().unwrap_or("-")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            failures.push(format!(
                "{}: expected `{}` at {:?}{}\n{shown}",
                case.name,
                case.code,
                case.at,
                if problems.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", problems.join(" | "))
                }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

/// A YAML syntax error stops the file at its first mistake: exactly one
/// diagnostic, so the editor is not sent after echoes of it.
#[test]
fn a_syntax_error_is_one_diagnostic() {
    let site = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), site.path());
    for case in CASES
        .iter()
        .filter(|c| c.code == "yaml-syntax" || c.code == "tab-indent")
    {
        let path = site.path().join(case.file);
        let original = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, broken(case)).unwrap();
        let report = cited::check(site.path(), date(2026, 2, 1));
        std::fs::write(&path, original).unwrap();
        let in_file = report
            .diagnostics
            .iter()
            .filter(|d| d.file == Path::new(case.file))
            .count();
        assert_eq!(in_file, 1, "{}", case.name);
    }
}

/// The terminal shows the tab as `→`, underlined, and JSON keeps the
/// column of the tab character itself.
#[test]
fn a_tab_is_shown_and_underlined() {
    let site = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), site.path());
    let path = site.path().join(QUESTION);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("  by: [jane", "  \tby: [jane", 1)).unwrap();
    let report = cited::check(site.path(), date(2026, 2, 1));
    let out = report.diagnostics.render(&report.files, false);
    let lines: Vec<&str> = out.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("by: [jane-crust]"))
        .unwrap_or_else(|| panic!("no source line in:\n{out}"));
    assert!(
        lines[source].ends_with("│   →by: [jane-crust]"),
        "the tab is not shown as →:\n{out}"
    );
    let arrow = lines[source].chars().position(|c| c == '→').unwrap();
    let underline = lines[source + 1];
    let marks: Vec<usize> = underline
        .chars()
        .enumerate()
        .filter(|(_, c)| *c == '━')
        .map(|(i, _)| i)
        .collect();
    assert_eq!(marks, [arrow], "the underline is not under the tab:\n{out}");

    let json: serde_json::Value = serde_json::from_str(&report.diagnostics.to_json()).unwrap();
    let tab = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "tab-indent")
        .unwrap_or_else(|| panic!("no tab-indent in {json:#}"));
    assert_eq!(
        (tab["line"].as_u64(), tab["column"].as_u64()),
        (Some(19), Some(3))
    );
    assert_eq!(
        (tab["end_line"].as_u64(), tab["end_column"].as_u64()),
        (Some(19), Some(4))
    );
}

/// Pieces an editor's slips are made of: YAML's own characters, tabs,
/// line breaks, multi-byte and invisible characters.
const PIECES: &[&str] = &[
    "\t", ":", ": ", "#", " #", "[", "]", "{", "}", "\"", "'", "\\", "\\u", "-", "- ", "\n",
    "\r\n", "  ", "&", "*", "!", "|", ">", "%", "@", "`", "?", ",", "...", "---", "é", "→",
    "\u{feff}", "\u{7}", "\u{202e}", "…", "😀",
];

/// Random slips in a question file: the parser's words are explained
/// without a panic, at a span inside the file, and with a help.
fn slipped(edits: &[(usize, usize, usize)]) -> String {
    let mut text = std::fs::read_to_string(fixture().join(QUESTION)).unwrap();
    for &(at, piece, delete) in edits {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let end = text[at..]
            .char_indices()
            .nth(delete)
            .map_or(text.len(), |(i, _)| at + i);
        text.replace_range(at..end, PIECES[piece % PIECES.len()]);
    }
    text
}

#[test]
fn any_slip_is_explained_without_a_panic() {
    let config = ProptestConfig {
        cases: 2000,
        ..ProptestConfig::default()
    };
    let edits = prop::collection::vec((0usize..2000, 0usize..100, 0usize..4), 1..6);
    proptest!(config, |(edits in edits)| {
        let text = slipped(&edits);
        if let Err(error) = cited::load::yaml::parse_as(&text, Some(&cited::schema::QUESTION)) {
            let span = error.span.expect("a syntax error has a place");
            let bytes = span.bytes();
            prop_assert!(bytes.start <= bytes.end && bytes.end <= text.len(), "{span:?} in {text:?}");
            prop_assert!(text.is_char_boundary(bytes.start) && text.is_char_boundary(bytes.end));
            prop_assert!(!error.message.is_empty() && !error.help.is_empty(), "{error:?} in {text:?}");
        }
    });
}

/// The same through the whole loader, fields and all, a few hundred times.
#[test]
fn any_slip_is_reported_without_a_panic() {
    let site = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), site.path());
    let path = site.path().join(QUESTION);
    let config = ProptestConfig {
        cases: 300,
        ..ProptestConfig::default()
    };
    let edits = prop::collection::vec((0usize..2000, 0usize..100, 0usize..3), 1..4);
    proptest!(config, |(edits in edits)| {
        let text = slipped(&edits);
        std::fs::write(&path, &text).unwrap();
        let report = cited::check(site.path(), date(2026, 2, 1));
        for d in report.diagnostics.iter().filter(|d| d.file == Path::new(QUESTION)) {
            prop_assert!(!d.message.is_empty(), "{d:?} in {text:?}");
            if let Some(span) = d.span {
                let bytes = span.bytes();
                prop_assert!(bytes.start <= bytes.end && bytes.end <= text.len(), "{d:?} in {text:?}");
            }
        }
        // The terminal rendering of them all, too.
        let _ = report.diagnostics.render(&report.files, false);
    });
}

/// What the valid fixture's how-long-to-rise.yaml holds after its timeline.
const CARE_CARDS_AND_HISTORY: &str = "get_help:
  - level: non-urgent
    when: [the dough has not risen after a day]
  - level: urgent
    when: [the starter smells of nail varnish, the dough is pink or orange]
    action: Throw it away and ask a baker today
changes:
  - on: 2026-01-15
    what: Added when to get help.
  - on: 2025-12-01
    what: First published.
";
