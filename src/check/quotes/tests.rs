//! The verdicts on quotes, from the hostile cases of issue 9 to the places
//! render needs.

use super::*;

fn found(archive: &str, quote: &str) -> Found {
    match Archive::new(archive).verify(quote) {
        Verdict::Found(found) => found,
        other => panic!("{quote:?} is not verified: {other:?}"),
    }
}

fn verdict(archive: &str, quote: &str) -> Verdict {
    Archive::new(archive).verify(quote)
}

const RISKS: &str = "Overdoing it can cause irritation, redness and inflammation, leading to discomfort. \
    Costs are about $1,200.50 per course, or 3.5 sessions. It can't hurt much.";

#[test]
fn finds_quotes_typeset_differently() {
    let archive = "He said \"no risks at all\" -\nreally.";
    let place = found(archive, "said “no risks at all” – really.");
    assert_eq!(&archive[place.range], "said \"no risks at all\" -\nreally.");
}

#[test]
fn refuses_quotes_too_short_to_prove_anything() {
    for quote in [
        "a",
        ".",
        "redness",
        "to discomfort",
        "   ",
        "\u{201C}\u{201D}",
    ] {
        assert!(
            matches!(verdict(RISKS, quote), Verdict::TooShort { .. }),
            "{quote:?}"
        );
    }
    assert_eq!(
        verdict(RISKS, "to discomfort."),
        Verdict::TooShort { words: 2 }
    );
    assert!(matches!(
        verdict(RISKS, "leading to discomfort"),
        Verdict::Found(_)
    ));
}

#[test]
fn a_quote_inside_longer_words_is_not_verified() {
    for (quote, word) in [
        ("comfort. Costs are", "discomfort"),
        ("ding to discomfort", "leading"),
        ("Overdoing it ca", "can"),
        ("are about $1", "1,200.50"),
        ("course, or 3", "3.5"),
        ("3.5 sessions. It can", "can't"),
    ] {
        let expected = Verdict::InsideWords {
            words: vec![word.to_string()],
        };
        assert_eq!(verdict(RISKS, quote), expected, "{quote:?}");
    }
    let both = verdict(RISKS, "doing it can cause irritation, red");
    assert_eq!(
        both,
        Verdict::InsideWords {
            words: vec!["Overdoing".into(), "redness".into()]
        }
    );
}

#[test]
fn a_quote_may_start_and_end_with_punctuation() {
    let archive = "\"There are no risks or downtime if it is performed properly,\" notes Dr. Katz.";
    let place = found(
        archive,
        "\"There are no risks or downtime if it is performed properly,\"",
    );
    assert!(place.starts_sentence);
    assert!(!place.ends_sentence);
    found(archive, "properly,\" notes Dr. Katz.");
}

#[test]
fn tries_every_occurrence_overlapping_ones_too() {
    // The first occurrences are inside words, the last on boundaries; the
    // pattern overlaps itself.
    let archive = "xab ab ab ab";
    let place = found(archive, "ab ab ab");
    assert_eq!(place.range, 4..12);
    let place = found("discomfort at rest, and comfort at rest", "comfort at rest");
    assert_eq!(place.range, 24..39);
}

#[test]
fn accents_are_letters_not_decoration() {
    // "cafe" with a combining accent in the archive, or in the quote.
    let combining = "We met at The cafe\u{0301} on the corner.";
    let composed = "We met at The caf\u{00E9} on the corner.";
    for archive in [combining, composed] {
        match verdict(archive, "at The cafe on") {
            Verdict::Accents { differences } => {
                assert_eq!(differences.len(), 1);
                assert_eq!(differences[0].quote, "cafe");
            }
            other => panic!("{other:?}"),
        }
        // NFC and NFD spellings of the same words are the same quote.
        for quote in ["at The cafe\u{0301} on", "at The caf\u{00E9} on"] {
            let place = found(archive, quote);
            assert!(archive[place.range].starts_with("at The caf"));
        }
    }
    assert!(matches!(
        verdict("We met at The cafe on the corner.", "at The café on"),
        Verdict::Accents { .. }
    ));
    // Only the base letters of a composed character do not match either.
    assert!(!matches!(
        verdict(combining, "met at The caf"),
        Verdict::Found(_)
    ));
}

#[test]
fn a_quote_across_a_line_break_is_one_place() {
    let archive = "First line of text\nsecond line of text.\n\nNext paragraph here.";
    let place = found(archive, "line of text second line");
    assert_eq!(&archive[place.range.clone()], "line of text\nsecond line");
    assert_eq!(
        &archive[place.paragraph],
        "First line of text\nsecond line of text."
    );
    assert!(!place.starts_sentence && !place.ends_sentence);
}

#[test]
fn maps_the_match_back_through_normalisation() {
    let archive =
        "  Preamble.\r\n\u{00A0}\u{00A0}“Cafe\u{0301}s  are\u{00AD} open,” she said — daily.";
    let place = found(archive, "\"Cafés are open,\" she said - daily.");
    assert_eq!(
        &archive[place.range.clone()],
        "“Cafe\u{0301}s  are\u{00AD} open,” she said — daily."
    );
    assert_eq!(
        &archive[place.paragraph],
        "\u{00A0}\u{00A0}“Cafe\u{0301}s  are\u{00AD} open,” she said — daily."
    );
    assert!(place.starts_sentence && place.ends_sentence);
}

#[test]
fn knows_sentence_ends_for_ellipses() {
    let archive = "Most redness goes within 48 hours. Peeling may take longer, says Dr. Ng.";
    let place = found(archive, "Most redness goes within 48 hours");
    assert!(place.starts_sentence && place.ends_sentence);
    let place = found(archive, "redness goes within 48 hours.");
    assert!(!place.starts_sentence && place.ends_sentence);
    let place = found(archive, "Peeling may take longer");
    assert!(place.starts_sentence && !place.ends_sentence);
    let place = found(archive, "take longer, says Dr.");
    assert!(!place.ends_sentence);
}

#[test]
fn a_short_whole_line_without_a_full_stop_is_a_heading() {
    let archive = "Risks that May Occur From Microneedling\nSwelling and redness can occur after treatment.\n";
    assert!(found(archive, "Risks that May Occur From Microneedling").is_heading);
    assert!(!found(archive, "Risks that May Occur").is_heading);
    assert!(!found(archive, "Swelling and redness can occur after treatment.").is_heading);
    let long = "One two three four five six seven eight nine\n";
    assert!(!found(long, "One two three four five six seven eight nine").is_heading);
}

#[test]
fn curly_quotes_typed_as_yaml_quote_marks_are_named() {
    let archive = "Microneedling is generally safe for most skin types.";
    assert_eq!(
        verdict(archive, "“Microneedling is generally safe”"),
        Verdict::CurlyMarks { mark: '“' }
    );
    assert_eq!(
        verdict(archive, "‘Microneedling is generally safe’"),
        Verdict::CurlyMarks { mark: '‘' }
    );
    // Where the archive has the marks, the quote is verified with them.
    let quoted = "\"Microneedling is generally safe,\" she said.";
    found(quoted, "“Microneedling is generally safe,”");
}

#[test]
fn a_missing_quote_gets_the_aligned_passage_and_what_differs() {
    let archive = "Intro text here. Within 48 hours, the majority of the redness you experience after microneedling will go away. Peeling may take longer.";
    match verdict(
        archive,
        "Within 48 hours the majority of the redness you experience after microneedling goes away.",
    ) {
        Verdict::NotFound {
            closest: Some(closest),
            has_ellipsis: false,
        } => {
            assert_eq!(
                closest.passage,
                "Within 48 hours, the majority of the redness you experience after microneedling will go away."
            );
            assert_eq!(
                closest.differences,
                vec![
                    Difference {
                        archive: "hours,".into(),
                        quote: "hours".into()
                    },
                    Difference {
                        archive: "will go".into(),
                        quote: "goes".into()
                    },
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        verdict(archive, "Within 48 hours ... will go away."),
        Verdict::NotFound {
            has_ellipsis: true,
            ..
        }
    ));
    assert!(matches!(
        verdict(archive, "nothing alike whatsoever zzz"),
        Verdict::NotFound { closest: None, .. }
    ));
}

#[test]
fn verifies_many_quotes_in_one_pass() {
    let archive = "Alpha beta gamma delta. Epsilon zeta eta theta.";
    let quotes = [
        "beta gamma delta",
        "Epsilon zeta eta",
        "beta gamma delta",
        "alpha beta",
        "zeta eta thet",
    ];
    let verdicts = Archive::new(archive).verify_all(&quotes);
    assert_eq!(verdicts.len(), 5);
    assert_eq!(verdicts[0], verdicts[2]);
    assert!(
        matches!(&verdicts[1], Verdict::Found(f) if &archive[f.range.clone()] == "Epsilon zeta eta")
    );
    assert_eq!(verdicts[3], Verdict::TooShort { words: 2 });
    assert!(matches!(verdicts[4], Verdict::InsideWords { .. }));
}

#[test]
fn an_empty_archive_verifies_nothing() {
    assert!(matches!(
        verdict("", "some three words"),
        Verdict::NotFound { closest: None, .. }
    ));
    assert!(matches!(
        verdict(" \n\t", "some three words"),
        Verdict::NotFound { closest: None, .. }
    ));
}

#[test]
fn quotes_that_begin_alike_are_each_found_where_they_are_whole() {
    // The search looks for the quotes' beginnings first: these four share
    // theirs, which occurs where none but one of them is whole.
    let archive = "In most cases the redness fades within a day or two. \
        In most cases the redness fades within a week. \
        Xin most cases the redness fades within hours. In most cases the redness fades within hours.";
    let quotes = [
        "In most cases the redness fades within a week",
        "in most cases the redness fades within hours",
        "In most cases the redness fades within a day",
        "In most cases the redness fades within a month",
        "In most cases the redness fades within hours.",
    ];
    let verdicts = Archive::new(archive).verify_all(&quotes);
    let at = |verdict: &Verdict| match verdict {
        Verdict::Found(found) => Some(found.range.clone()),
        _ => None,
    };
    let week = archive.find(quotes[0]).unwrap();
    assert_eq!(at(&verdicts[0]), Some(week..week + quotes[0].len()));
    assert_eq!(
        verdicts[1],
        Verdict::InsideWords {
            words: vec!["Xin".to_string()]
        }
    );
    assert_eq!(at(&verdicts[2]), Some(0..quotes[2].len()));
    assert!(matches!(verdicts[3], Verdict::NotFound { .. }));
    let hours = archive.rfind(quotes[4]).unwrap();
    assert_eq!(at(&verdicts[4]), Some(hours..archive.len()));
}

#[test]
fn a_beginning_cut_inside_a_character_is_cut_before_it() {
    // The 24th byte is inside `é`: the search's beginning ends before it.
    let quote = "Crème brûlée, le café crème, thé glacé et gâteau";
    assert!(!quote.is_char_boundary(SEARCH_PREFIX_BYTES));
    let archive = format!("Au menu. {quote}. Bon appétit.");
    let place = found(&archive, quote);
    assert_eq!(&archive[place.range], quote);
}
