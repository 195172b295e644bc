//! Dates in words, as the site's readers write them: "24 November 2026" in
//! British English, "November 24, 2026" in American English, "24. November
//! 2026" in German, from CLDR data through ICU4X's `icu_datetime`.
//!
//! Pages show the words and keep the date itself in `<time datetime>`
//! (the templates' part). This module formats; it must not decide which
//! dates a page shows.

use std::str::FromStr;

use icu_datetime::fieldsets::YMD;
use icu_datetime::input::Date as IcuDate;
use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
use icu_locale_core::Locale;
use jiff::civil::Date;

/// Formats dates for one site language. Made once per build: building the
/// formatter loads its locale's data.
pub struct Dates {
    formatter: DateTimeFormatter<YMD>,
}

impl Dates {
    /// A formatter for `language` (a BCP 47 tag, checked by `check`); a tag
    /// ICU does not know is formatted as CLDR's root locale does.
    pub fn new(language: &str) -> Dates {
        let locale = Locale::from_str(language).unwrap_or(Locale::UNKNOWN);
        let formatter =
            DateTimeFormatter::try_new(DateTimeFormatterPreferences::from(&locale), YMD::long())
                .or_else(|_| DateTimeFormatter::try_new(Locale::UNKNOWN.into(), YMD::long()))
                .expect("the root locale's date format is compiled in");
        Dates { formatter }
    }

    /// The date in words, e.g. "24 November 2026".
    pub fn words(&self, date: Date) -> String {
        match IcuDate::try_new_iso(date.year().into(), date.month() as u8, date.day() as u8) {
            Ok(iso) => self.formatter.format(&iso).to_string(),
            // Only a date jiff holds and ICU cannot (none in years 1 to 9999).
            Err(_) => date.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dates;
    use jiff::civil::date;

    #[test]
    fn dates_are_written_as_the_language_writes_them() {
        let day = date(2026, 11, 24);
        assert_eq!(Dates::new("en-GB").words(day), "24 November 2026");
        assert_eq!(Dates::new("en").words(day), "November 24, 2026");
        assert_eq!(Dates::new("de").words(day), "24. November 2026");
        assert_eq!(Dates::new("fr").words(day), "24 novembre 2026");
        // A tag ICU has no data for still gives the whole date.
        assert!(Dates::new("x-unknown").words(day).contains("2026"));
    }
}
