//! Every kind of problem `cited` reports, one documented variant each.
//!
//! A code is the stable, greppable name an editor or a CI script sees
//! (`error[unknown-field]`). This list is the one place codes are defined:
//! `docs/diagnostics.md` is generated from it (with an example of each
//! message taken from the fixture that produces it), and a test fails when
//! a code has no fixture or the document is out of date. Add a variant here,
//! a case under `tests/fixtures/invalid/<code>/`, and bless the document.
//!
//! This module names problems; it must not decide when one occurs.

macro_rules! codes {
    ($(
        $group:literal {
            $( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+
        }
    )+) => {
        /// A kind of problem. See `docs/diagnostics.md` for each, with an example.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $( $( $(#[doc = $doc])+ $variant, )+ )+
        }

        impl Code {
            /// Every code, in the order of the documentation.
            pub const ALL: &'static [Code] = &[ $( $( Code::$variant, )+ )+ ];

            /// The name printed in messages and JSON, e.g. `unknown-field`.
            pub fn name(self) -> &'static str {
                match self { $( $( Code::$variant => $name, )+ )+ }
            }

            /// What the problem is and how to fix it, in plain words: the
            /// variant's doc comment as one paragraph.
            pub fn description(self) -> String {
                let doc: &[&str] = match self { $( $( Code::$variant => &[$($doc),+], )+ )+ };
                doc.iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ")
            }

            /// The part of the work that finds it, a heading of the documentation.
            pub fn group(self) -> &'static str {
                match self { $( $( Code::$variant => $group, )+ )+ }
            }

            /// The code with this name, if there is one.
            pub fn from_name(name: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.name() == name)
            }
        }
    };
}

codes! {
    "Reading files" {
        /// The site's folder has no `content/` folder. Run `cited` in the folder
        /// that holds `content/`, pass `--root DIR`, or start a site with `cited init`.
        NoContent = "no-content",
        /// A file the site needs, such as `content/site.yaml`, does not exist.
        /// Create it; the message says which fields it needs.
        MissingFile = "missing-file",
        /// A file or folder could not be read (permissions, or it vanished while
        /// being read). Check that it exists and that you may read it.
        Unreadable = "unreadable",
        /// A file is not valid UTF-8 text. Save it as UTF-8 in your editor.
        NotUtf8 = "not-utf8",
        /// A content file or archive is not a regular file (a named pipe, a device
        /// such as `/dev/zero`, a socket): cited refuses to read it rather than
        /// wait for it forever or read without end. Replace it with an ordinary file.
        NotARegularFile = "not-a-regular-file",
        /// A file is larger than the site's limit (`limits.yaml_mb`, 8 MB by
        /// default, or `limits.archive_mb`, 64 MB); it is not read. Check it is the
        /// file you meant; raise the limit in `content/site.yaml` if it is.
        FileTooLarge = "file-too-large",
        /// A file in `content/` is a symlink leading outside `content/`; cited
        /// reads nothing from outside the site. Copy the file in instead.
        SymlinkOutside = "symlink-outside",
        /// A file in `content/` that `cited` does not read, so it has no effect.
        /// Move it out of `content/` or give it the right place and extension.
        IgnoredFile = "ignored-file",
        /// A file name is not a valid id. Ids are lowercase letters, digits and
        /// single hyphens, because they become URLs: rename the file.
        BadId = "bad-id",
        /// Two files have the same id (ids are unique across all kinds, so a
        /// link needs no prefix). Rename one of them.
        DuplicateId = "duplicate-id",
        /// A plain page's id is a name the site uses for its own pages (such as
        /// `tags` or `search`). Rename the file.
        ReservedId = "reserved-id",
    }
    "YAML and fields" {
        /// The file is not valid YAML: a colon or a space missing, a line indented
        /// to no column above it, a quote or bracket never closed, a value that
        /// starts with one of YAML's own characters. The diagnostic points at the
        /// character at fault (which may be above the line where YAML gave up),
        /// says what is wrong in plain words, and the help shows what to write.
        YamlSyntax = "yaml-syntax",
        /// A line is indented with a tab. YAML indentation must be spaces. The
        /// diagnostic points at the tab, shown as `→`; replace it with spaces,
        /// lining the line up with the lines it belongs with (most editors can
        /// show tabs, and turn them into spaces).
        TabIndent = "tab-indent",
        /// The file uses a YAML feature content files do not allow: an alias
        /// (`*name`), an anchor (`&name`), a tag other than `!!str` (`!name`), a
        /// directive (a line starting with `%`), a second document (`---`), or
        /// nesting deeper than any content needs. Usually the value is text that
        /// starts with one of these characters: put it in quotes.
        YamlUnsupported = "yaml-unsupported",
        /// The same key appears twice in one mapping; YAML would silently keep
        /// only one of them. Remove or rename one.
        DuplicateKey = "duplicate-key",
        /// A field that this kind of file does not have, usually a typo: the help
        /// suggests the closest known field.
        UnknownField = "unknown-field",
        /// A required field is missing or empty. Add it with a value.
        MissingField = "missing-field",
        /// A field holds the wrong kind of value (text where a list is expected,
        /// a list where a number is expected...). Write the kind the message names.
        WrongType = "wrong-type",
        /// Text holds a control character (NUL, BEL, ESC, DEL and the like), from a
        /// YAML escape such as `\a` or `\x07` in a quoted value, or pasted into the
        /// file from another program (shown as `<U+0007>`). No page or feed can show
        /// it: remove it.
        ControlCharacter = "control-character",
        /// A date is not written `YYYY-MM-DD` (the help shows the date written so,
        /// when it can tell which date is meant), or is a day that does not exist
        /// (the message says why: "February has 28 days in 2026").
        BadDate = "bad-date",
        /// A number field (a cost's `typical`, `low` or `high`) is not a number
        /// written in digits: it has a currency sign (`$640`), thousands
        /// separators (`1,200`), an exponent (`1e3`), a minus sign, words, or
        /// more than 28 digits. Write the digits alone, with at most one decimal
        /// point (`typical: 1999.50`); the currency goes in `currency`.
        BadNumber = "bad-number",
        /// A field that takes one of a fixed set of words holds another word.
        /// Use one of the words the message lists.
        BadChoice = "bad-choice",
    }
    "Sources and their archives" {
        /// A source's `archive` points outside `content/` (an absolute path, `..`,
        /// or a symlink leading out). Copy the file beside the source's YAML.
        ArchiveOutside = "archive-outside",
        /// A source's `archive` file does not exist. Save the source's text beside
        /// its YAML and give its file name.
        ArchiveMissing = "archive-missing",
        /// A source's `archive` exists but cannot be read: a text or markdown file
        /// that is not UTF-8 (save it as UTF-8), or a PDF that is damaged or
        /// protected by a password (save an unprotected copy, e.g. with Print →
        /// Save as PDF, or archive the source as a web page or text).
        ArchiveUnreadable = "archive-unreadable",
        /// A source's `archive` is a kind of file cited cannot take text from: it
        /// reads `.txt`, `.md`, `.html` (or `.htm`) and `.pdf`, and the extension
        /// decides (a Word document, or a file without an extension, is refused).
        /// Save the source as a web page, PDF or text and name that file.
        ArchiveFormat = "archive-format",
        /// A source's `archive` names a YAML file: the source's own, or another
        /// content file. The archive is the source's text, saved beside its YAML
        /// as a web page, PDF or text: name that file.
        ArchiveIsContent = "archive-is-content",
        /// A source's archive is not what its extension says: a `.pdf` that holds
        /// a web page (a download that saved an error or sign-in page instead of
        /// the document), a `.txt` that holds a page's HTML or a PDF, a Word
        /// document renamed. Save the source again, or give the file the
        /// extension of what it holds.
        ArchiveMismatch = "archive-mismatch",
        /// A web page archive has no main text that cited can find: the page is
        /// empty, or shows its text only by running scripts (a saved web app).
        /// Copy the text from the page in a browser into a `.txt` file and archive
        /// that instead.
        HtmlWithoutText = "html-without-text",
        /// A PDF archive has no text layer: its pages are images, as in a scan,
        /// and cited cannot read words in an image. Archive the source as a web
        /// page or text if it has one, or run OCR on the PDF (such as
        /// `ocrmypdf in.pdf out.pdf`) and archive the result.
        PdfWithoutText = "pdf-without-text",
    }
    "References and links" {
        /// An id names nothing: a topic, related question, caution or source that
        /// does not exist. The help suggests the closest id.
        UnknownReference = "unknown-reference",
        /// An id names an entity of another kind than the field expects (a glossary
        /// term given as a topic).
        WrongKind = "wrong-kind",
        /// A question lists itself in `related`. Remove the entry.
        SelfReference = "self-reference",
        /// The same question is listed twice in `related`. Remove one.
        DuplicateRelated = "duplicate-related",
        /// A `[[id]]` or `[text](id)` link in markdown names nothing. The help
        /// suggests the closest id.
        UnknownLink = "unknown-link",
        /// A tag is not lowercase words joined by hyphens (tags become URLs).
        BadTag = "bad-tag",
        /// The same tag is listed twice on one question. Remove one.
        DuplicateTag = "duplicate-tag",
        /// Two glossary terms claim the same word (as their term or an alias), so
        /// a mention could link to either. Remove it from one of them.
        DuplicateGlossaryWord = "duplicate-glossary-word",
        /// Raw HTML or a link that the page cannot show as written (a script, an
        /// event handler, a `javascript:` link, an image from another site). It is
        /// removed from the page; remove it from the text.
        UnsafeHtml = "unsafe-html",
        /// Markdown or HTML nested more than 100 levels deep: lists in lists, quotes
        /// in quotes, `<div>` in `<div>`, or HTML tags left open. No reader needs that
        /// depth, and the HTML sanitiser's work grows with its square. Close every
        /// HTML tag you open and nest less deeply.
        DeepNesting = "deep-nesting",
    }
    "Quotes and numbers" {
        /// A quote is not, word for word, in its source's archive. The help shows
        /// the closest passage and what differs from it; copy the words exactly.
        QuoteNotFound = "quote-not-found",
        /// A quote has fewer than three words. A word or two occurs in almost any
        /// text and proves nothing: quote the phrase or sentence the claim rests on.
        QuoteTooShort = "quote-too-short",
        /// A quote is in the archive only where it starts or ends inside a longer
        /// word (`comfort` inside `discomfort`, `3` inside `3.5`). Quote whole words.
        QuoteInsideWord = "quote-inside-word",
        /// A quote is in the archive only with other accents (`cafe` where the
        /// source has `café`). Copy the words with their accents.
        QuoteAccents = "quote-accents",
        /// A quote's text starts with a curly quote mark (`text: “…”`) that the
        /// archive does not have: YAML takes only straight quotes as its own, so
        /// the marks became part of the quote. Put straight quotes `"…"` around it.
        QuoteCurlyMarks = "quote-curly-marks",
        /// A quote is a heading of its source (a whole line of fewer than eight
        /// words with no sentence punctuation at its end), which names a subject
        /// but states nothing. Quote the sentence under it that backs the claim.
        QuoteIsHeading = "quote-is-heading",
        /// A number the site states is not in any quote behind it. Add the quote
        /// that gives it, or correct the number.
        NumberNotQuoted = "number-not-quoted",
        /// A cost block's numbers are not in order: they must be low ≤ typical ≤ high.
        CostOrder = "cost-order",
    }
    "The site's own words against its quotes" {
        /// A number in a question's summary or answer (in digits or in words:
        /// `48`, `four to six`, `1,200`, `half`) is in no quote of the question.
        /// A warning unless the site sets `evidence.numbers_in_prose: error`. Add
        /// the quote that gives it, or take the number out.
        ProseNumberNotQuoted = "prose-number-not-quoted",
        /// A word of frequency, certainty, safety or praise (`mostly`, `rare`,
        /// `always`, `safe`, `better`, `works`...) is in the site's own text but in
        /// none of the quotes behind it. Attribute it ("one excerpt says it is
        /// rare"), quote it, or drop it. The list is the site's to change in
        /// `evidence.qualifiers`.
        QualifierNotQuoted = "qualifier-not-quoted",
        /// A claim or summary says something none of its quotes says: a content
        /// word (compared by its stem, with stop words, glossary terms and the
        /// question's own words set aside) is in no quote behind it, such as a
        /// claim that derma rollers are used "at home" over a quote about "derma
        /// roller users". Say only what the quotes say, or add the quote that
        /// says it.
        WordNotQuoted = "word-not-quoted",
        /// A question asks much the same as another (their important words are
        /// nearly the same). Merge them, or make each ask something the other
        /// does not; if both are right, allow it on one of them.
        NearDuplicateQuestion = "near-duplicate-question",
        /// An `allow` entry silences no finding: the text changed, or the code or
        /// word is not the one reported. Remove it, so that it hides nothing later.
        StaleAllow = "stale-allow",
    }
    "Settings, dates and reviews" {
        /// A source's `url` is not an absolute `http` or `https` address with a
        /// host, or has white space in it. Give the address as a browser shows it,
        /// or leave `url` out.
        BadUrl = "bad-url",
        /// `base_url` cannot be the address the site is published at: it must be
        /// an absolute `http` or `https` URL with a host, no user name or password,
        /// no query or fragment, no white space or control characters, written in
        /// its normal form. The message names the rule; the help shows the value
        /// to write.
        BadBaseUrl = "bad-base-url",
        /// `language` is not a BCP 47 language tag in the IANA registry. It becomes
        /// the pages' `lang`, which screen readers and search engines use: write a
        /// tag such as `en` or `en-GB`.
        BadLanguage = "bad-language",
        /// A setting in `site.yaml` has a value it cannot take (a negative number
        /// of days, a grade of zero). The message says what it accepts.
        BadSetting = "bad-setting",
        /// Two dates are in the wrong order: a source accessed before it was
        /// published, a next review before the last one.
        DateOrder = "date-order",
        /// `reviewed.on` is later than today. Give the day the review took place.
        ReviewInFuture = "review-in-future",
        /// An answer is past its review date. Review it against its sources and
        /// update `reviewed.on`.
        ReviewOverdue = "review-overdue",
        /// `reviewed.by` is a plain name, not the id of a reviewer file. It still
        /// builds, but the page cannot say who the reviewer is or what they do:
        /// create `content/reviewers/<id>.yaml` (`cited new reviewer <id>`) and
        /// write its id in `by`.
        ReviewerNameOnly = "reviewer-name-only",
        /// `reviewed.clinical.by` names a reviewer whose `kind` is `editorial`. A
        /// clinical review is one by a clinician: name a reviewer of kind
        /// `clinical`, or record the review in `reviewed.by` instead.
        NotAClinicalReviewer = "not-a-clinical-reviewer",
        /// The site requires clinical review (`review.require_clinical: true`) and
        /// this answer has none; its page says it has not been reviewed by a
        /// clinician. Have a clinician review it and record it in `reviewed`.
        NoClinicalReview = "no-clinical-review",
        /// The site requires clinical review, and this answer carries a care card
        /// (its own or a caution's) without a clinical review. Guidance on when to
        /// get help must be checked by a clinician before it is published.
        CareCardNotClinicallyReviewed = "care-card-not-clinically-reviewed",
        /// The site requires a care card on this question (its topic is in
        /// `get_help.require_for_topics`, or it carries a `danger` caution and
        /// `get_help.require_for_danger` is true), and it has none. Add `get_help`
        /// to the question or to one of its cautions.
        MissingCareCard = "missing-care-card",
        /// Every source of a claim is of a type the site does not accept on its
        /// own (`evidence.warn_types`, e.g. commercial sites or forums); the page
        /// says so next to the quotes. Back the claim with a better source too, or
        /// reword it as what those sources report.
        WeakEvidence = "weak-evidence",
    }
    "Wording" {
        /// A summary is more than one sentence or longer than 35 words. A summary
        /// is the short answer: one plain sentence.
        LongSummary = "long-summary",
        /// A page reads above the site's target school grade: Flesch-Kincaid
        /// above `readability.max_grade`, or SMOG above `readability.max_smog`.
        /// Use shorter sentences and everyday words.
        ReadingLevel = "reading-level",
    }
    "Building" {
        /// `--out` leads to a place the build must never replace, because a build
        /// replaces its output whole: the site's `content/` or `templates/` folder,
        /// a folder inside or around them, the site's folder itself or a folder
        /// holding it (such as `..` or `/`), or your home folder or a folder holding
        /// it. `..` and symlinks are followed before comparing, so no spelling gets
        /// round it, and `--force` does not either. Build into a folder of its own,
        /// such as `public` in the site's folder (the default).
        BadOutput = "bad-output",
        /// `--out` names a file, or a path through a file (`notes.txt/public`),
        /// so the output cannot be a folder there. Name a folder; it is created
        /// if it does not exist.
        OutputNotAFolder = "output-not-a-folder",
        /// `--out` names a folder that has files in it but no `.cited-output`
        /// file, the marker every build writes into its output, so cited did not
        /// make it and will not delete what is in it. Build into a new or empty
        /// folder. If the folder is the output of an older cited (older versions
        /// wrote no marker), or its files may go, run `cited build --force` once.
        NotACitedOutput = "not-a-cited-output",
        /// A template does not parse. The diagnostic points at the file holding
        /// the mistake (the site's own in `templates/`, or a built-in one) and
        /// its line.
        TemplateSyntax = "template-syntax",
        /// A template fails while rendering pages (an unknown variable, a filter
        /// given the wrong value). Reported once per mistake, at the line of the
        /// file that holds it (a parent or partial of the page's template, maybe),
        /// with the number of pages it broke. `cited check` finds it too: it
        /// renders each template on sample pages, writing nothing.
        TemplateRender = "template-render",
        /// The output could not be written (no space, no permission). The
        /// previous output is left as it was.
        WriteFailed = "write-failed",
        /// `cited` itself failed while building (it panicked): a bug in `cited`,
        /// not a mistake in the content. Please report it, with the message and
        /// the change that led to it. The next build starts afresh, and
        /// `cited serve` keeps serving the last good site meanwhile.
        InternalError = "internal-error",
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Tests and tools compare codes with their names: `d.code == "unknown-field"`.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.name()), "{} twice", code.name());
            assert!(
                crate::load::is_valid_id(code.name()),
                "{} is not kebab-case",
                code.name()
            );
            assert!(
                code.description().len() > 20,
                "{} has no description",
                code.name()
            );
            assert_eq!(Code::from_name(code.name()), Some(*code));
        }
    }
}
