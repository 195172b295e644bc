//! Amounts of money as the site's readers write them: `$1,999.50` in
//! English, `1.999,50 €` in German, `640 XYZ` for a currency we know no
//! symbol for.
//!
//! The number is kept exactly as the editor wrote it: it arrives as its
//! decimal digits and goes through no floating-point value. It is grouped
//! and punctuated for the site's `language` by ICU4X's `icu_decimal` (CLDR
//! data, any locale, exact decimals of any length); a fraction shorter than
//! the currency's minor unit is padded (`1999.5` dollars is `$1,999.50`),
//! never rounded (`1.999` dollars stays `$1.999`). Which symbol a currency
//! has in a language, and on which side, is a small table of the pairs
//! tested below ([`symbol`]); any other pair shows the currency's code after
//! the number. This module formats; it must not decide what a page shows.

use std::str::FromStr;

use fixed_decimal::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;

/// Formats amounts for one site language. Made once per build: building the
/// number formatter loads its locale's data.
pub struct Amounts {
    language: String,
    region: String,
    numbers: DecimalFormatter,
}

/// Where a currency's symbol goes, and whether a space separates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placement {
    /// `$640`
    Before,
    /// `€ 640`
    BeforeSpaced,
    /// `640 €`
    AfterSpaced,
}

/// Between a symbol or code and the number: a space that does not break.
const NO_BREAK_SPACE: char = '\u{a0}';

impl Amounts {
    /// A formatter for `language` (a BCP 47 tag, checked by `check`); a tag
    /// ICU does not know is formatted as CLDR's root locale does.
    pub fn new(language: &str) -> Amounts {
        let locale = Locale::from_str(language).unwrap_or(Locale::UNKNOWN);
        let numbers = DecimalFormatter::try_new((&locale).into(), Default::default())
            .or_else(|_| DecimalFormatter::try_new(Locale::UNKNOWN.into(), Default::default()))
            .expect("the root locale's number format is compiled in");
        Amounts {
            language: locale.id.language.as_str().to_string(),
            region: locale
                .id
                .region
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
            numbers,
        }
    }

    /// `value` (decimal digits as written: `1999.5`, `-3`, `640.00`) in
    /// `currency` (an ISO 4217 code), e.g. `$1,999.50`. A value that is not
    /// such a number is shown as written, with the code.
    pub fn format(&self, value: &str, currency: &str) -> String {
        let code = currency.trim();
        let Some((symbol, placement, minor_digits)) = symbol(&self.language, &self.region, code)
        else {
            return match self.number(value, 0) {
                Some((_, number)) => format!("{number}{NO_BREAK_SPACE}{code}"),
                None => format!("{value}{NO_BREAK_SPACE}{code}"),
            };
        };
        let Some((sign, number)) = self.number(value, minor_digits) else {
            return format!("{value}{NO_BREAK_SPACE}{code}");
        };
        match placement {
            Placement::Before => format!("{sign}{symbol}{number}"),
            Placement::BeforeSpaced => format!("{symbol}{NO_BREAK_SPACE}{sign}{number}"),
            Placement::AfterSpaced => format!("{sign}{number}{NO_BREAK_SPACE}{symbol}"),
        }
    }

    /// The sign (as the language writes a minus, or nothing) and the digits
    /// of `value`, grouped and punctuated for the language, its fraction
    /// padded to `minor_digits` if it has one that is shorter.
    fn number(&self, value: &str, minor_digits: usize) -> Option<(String, String)> {
        let value = value.trim();
        let (negative, digits) = match value.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, value.strip_prefix('+').unwrap_or(value)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) || digits.ends_with('.') {
            return None;
        }
        let mut exact = digits.to_string();
        if !fraction.is_empty() && fraction.len() < minor_digits {
            exact.extend(std::iter::repeat_n('0', minor_digits - fraction.len()));
        }
        let absolute = Decimal::from_str(&exact).ok()?;
        let number = self.numbers.format(&absolute).to_string();
        let sign = if negative {
            let negated = Decimal::from_str(&format!("-{exact}")).ok()?;
            let signed = self.numbers.format(&negated).to_string();
            signed.strip_suffix(&number).unwrap_or("-").to_string()
        } else {
            String::new()
        };
        Some((sign, number))
    }
}

/// The symbol of `currency` in `language` (and `region`, when that changes
/// it: `$` is the US dollar in the US, `US$` in Britain), where it goes, and
/// how many digits its minor unit has. These are CLDR's, for the pairs
/// listed; `None` for any other.
fn symbol(
    language: &str,
    region: &str,
    currency: &str,
) -> Option<(&'static str, Placement, usize)> {
    use Placement::*;
    let found = match (language, currency) {
        ("en", "USD") if matches!(region, "" | "US") => ("$", Before),
        ("en", "USD") => ("US$", Before),
        ("en", "EUR") => ("€", Before),
        ("en", "GBP") => ("£", Before),
        ("en", "CAD") if region == "CA" => ("$", Before),
        ("en", "CAD") => ("CA$", Before),
        ("en", "AUD") if region == "AU" => ("$", Before),
        ("en", "AUD") => ("A$", Before),
        ("en", "JPY") => ("¥", Before),
        ("de", "EUR") => ("€", AfterSpaced),
        ("fr", "EUR") => ("€", AfterSpaced),
        ("es", "EUR") => ("€", AfterSpaced),
        ("it", "EUR") => ("€", AfterSpaced),
        ("nl", "EUR") => ("€", BeforeSpaced),
        ("pt", "BRL") if matches!(region, "" | "BR") => ("R$", BeforeSpaced),
        ("pt", "EUR") if region == "PT" => ("€", AfterSpaced),
        ("ja", "JPY") => ("￥", Before),
        _ => return None,
    };
    let minor_digits = if currency == "JPY" { 0 } else { 2 };
    Some((found.0, found.1, minor_digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NBSP: &str = "\u{a0}";

    fn format(language: &str, value: &str, currency: &str) -> String {
        Amounts::new(language).format(value, currency)
    }

    #[test]
    fn english_and_us_dollars() {
        assert_eq!(format("en", "640", "USD"), "$640");
        assert_eq!(format("en", "1999.5", "USD"), "$1,999.50");
        assert_eq!(format("en-US", "1999.50", "USD"), "$1,999.50");
        assert_eq!(format("en", "640.00", "USD"), "$640.00");
        assert_eq!(format("en", "-3", "USD"), "-$3");
    }

    #[test]
    fn exact_whatever_the_digits() {
        // Never rounded, never through a float.
        assert_eq!(format("en", "1.999", "USD"), "$1.999");
        assert_eq!(
            format("en", "99999999999999999999", "USD"),
            "$99,999,999,999,999,999,999"
        );
        assert_eq!(
            format("en", "0.000000000000000000001", "USD"),
            "$0.000000000000000000001"
        );
    }

    #[test]
    fn english_with_other_currencies_and_regions() {
        assert_eq!(format("en", "5", "EUR"), "€5");
        assert_eq!(format("en", "5", "GBP"), "£5");
        assert_eq!(format("en-GB", "1234.5", "GBP"), "£1,234.50");
        assert_eq!(format("en-GB", "5", "USD"), "US$5");
        assert_eq!(format("en-CA", "5", "CAD"), "$5");
        assert_eq!(format("en", "5", "CAD"), "CA$5");
        assert_eq!(format("en-AU", "5", "AUD"), "$5");
        assert_eq!(format("en", "5", "AUD"), "A$5");
        assert_eq!(format("en", "1500", "JPY"), "¥1,500");
    }

    #[test]
    fn euros_in_european_languages() {
        assert_eq!(format("de", "1999.5", "EUR"), format!("1.999,50{NBSP}€"));
        assert_eq!(format("de", "-5", "EUR"), format!("-5{NBSP}€"));
        // French groups with a narrow no-break space.
        assert_eq!(
            format("fr", "1999.5", "EUR"),
            format!("1\u{202f}999,50{NBSP}€")
        );
        // Spanish and Italian group only from five digits.
        assert_eq!(format("es", "1999.5", "EUR"), format!("1999,50{NBSP}€"));
        assert_eq!(format("es", "12345", "EUR"), format!("12.345{NBSP}€"));
        assert_eq!(format("it", "1999.5", "EUR"), format!("1999,50{NBSP}€"));
        assert_eq!(format("it", "12345.5", "EUR"), format!("12.345,50{NBSP}€"));
        assert_eq!(format("nl", "1999.5", "EUR"), format!("€{NBSP}1.999,50"));
        assert_eq!(format("nl", "-5", "EUR"), format!("€{NBSP}-5"));
        assert_eq!(format("pt-PT", "1999.5", "EUR"), format!("1999,50{NBSP}€"));
    }

    #[test]
    fn other_languages_and_currencies() {
        assert_eq!(
            format("pt-BR", "1999.5", "BRL"),
            format!("R${NBSP}1.999,50")
        );
        assert_eq!(format("pt", "640", "BRL"), format!("R${NBSP}640"));
        assert_eq!(format("ja", "1500", "JPY"), "￥1,500");
        // A yen has no minor unit: nothing to pad, nothing rounded.
        assert_eq!(format("ja", "1500.5", "JPY"), "￥1,500.5");
    }

    #[test]
    fn an_unknown_pair_shows_the_code_after_the_number() {
        assert_eq!(format("en", "640", "XYZ"), format!("640{NBSP}XYZ"));
        assert_eq!(format("en", "1999.5", "XYZ"), format!("1,999.5{NBSP}XYZ"));
        assert_eq!(format("de", "1999.5", "USD"), format!("1.999,5{NBSP}USD"));
        assert_eq!(format("sv", "5", "EUR"), format!("5{NBSP}EUR"));
        // A language ICU does not know: CLDR's root format.
        assert_eq!(format("tlh", "1999.5", "XYZ"), format!("1,999.5{NBSP}XYZ"));
        // Not a number: as written.
        assert_eq!(format("en", "1e3", "USD"), format!("1e3{NBSP}USD"));
        assert_eq!(format("en", "", "USD"), format!("{NBSP}USD"));
    }
}
