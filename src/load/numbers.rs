//! Reading a number field (a cost's `typical`, `low`, `high`) into an exact
//! [`Number`], as the editor wrote it.
//!
//! YAML would read `1.999` as a binary float and `99999999999999999999` as
//! one that no longer holds those digits; `1e400` as infinity. So the value
//! is read from the characters written in the file, never from YAML's
//! typing: digits with at most one decimal point, nothing else. Anything
//! else is refused with a message that says what to write instead (`$640`:
//! "write the number alone: `typical: 640`; the currency goes in
//! `currency`"). This module reads one value; whether a number is backed by
//! a quote is `check`'s business.

use rust_decimal::Decimal;

use super::fields::{FromNode, Reader};
use super::yaml::{Node, Value};
use crate::diagnostics::Code;
use crate::model::Number;

impl FromNode for Number {
    fn from_node(reader: &mut Reader, node: &Node) -> Option<Self> {
        let written = match &node.value {
            Value::String(text) => text.clone(),
            Value::Int(_) | Value::Float(_) => reader
                .text
                .get(node.span.bytes())
                .unwrap_or_default()
                .to_string(),
            other => {
                reader.error(
                    Code::WrongType,
                    node.span,
                    format!("expected a number, found {}", other.kind()),
                    "write the number in digits, e.g. `640` or `1999.50`",
                );
                return None;
            }
        };
        let field = field_name(reader.text, node.span.bytes().start);
        match parse(&written) {
            Ok(number) => Some(number),
            Err(problem) => {
                let (message, help) = problem.explain(&written, field.as_deref());
                reader.error(Code::BadNumber, node.span, message, help);
                None
            }
        }
    }
}

/// Why a written number is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    /// A currency sign or code with the number (`$640`, `640 USD`).
    Currency { digits: String },
    /// Thousands separators (`1,200`).
    Grouping { digits: String },
    /// An exponent (`1e3`, `1e400`); `digits` when it can be written out.
    Exponent { digits: Option<String> },
    /// A minus sign.
    Negative,
    /// More digits than [`Number::MAX_DIGITS`].
    TooLong { digits: usize },
    /// Words or signs around digits (`about 640`), or no digits at all.
    NotDigits { digits: Option<String> },
}

impl Problem {
    /// The message and the help, naming the field when it is known.
    fn explain(&self, written: &str, field: Option<&str>) -> (String, String) {
        // A value pasted by mistake can be long: show its start.
        let trimmed = written.trim();
        let shown: String = match trimmed.char_indices().nth(40) {
            Some((cut, _)) => format!("{}…", &trimmed[..cut]),
            None => trimmed.to_string(),
        };
        let write = |digits: &str| match field {
            Some(field) => format!("`{field}: {digits}`"),
            None => format!("`{digits}`"),
        };
        match self {
            Problem::Currency { digits } => (
                format!("`{shown}` is not a number: it holds the currency"),
                format!(
                    "write the number alone: {}; the currency goes in `currency`",
                    write(digits)
                ),
            ),
            Problem::Grouping { digits } => (
                format!("`{shown}` is written with thousands separators"),
                format!(
                    "write the digits alone: {} (the page groups them for readers)",
                    write(digits)
                ),
            ),
            Problem::Exponent {
                digits: Some(digits),
            } => (
                format!("`{shown}` is written with an exponent"),
                format!("write the number out in digits: {}", write(digits)),
            ),
            Problem::Exponent { digits: None } => (
                format!("`{shown}` is written with an exponent, and is too large to be an amount"),
                format!(
                    "write the number out in digits, at most {} of them, e.g. {}",
                    Number::MAX_DIGITS,
                    write("640")
                ),
            ),
            Problem::Negative => (
                format!("`{shown}` is negative: an amount is zero or more"),
                format!(
                    "write the amount without a minus sign, e.g. {}",
                    write("640")
                ),
            ),
            Problem::TooLong { digits } => (
                format!(
                    "`{shown}` has {digits} digits: a number may have at most {}",
                    Number::MAX_DIGITS
                ),
                "check the number: no price has that many digits".to_string(),
            ),
            Problem::NotDigits {
                digits: Some(digits),
            } => (
                format!("`{shown}` is not a number: it has words or signs with the digits"),
                format!(
                    "write the number alone, in digits: {}; say more in `basis`",
                    write(digits)
                ),
            ),
            Problem::NotDigits { digits: None } => (
                format!("`{shown}` is not a number written in digits"),
                format!("write the number in digits, e.g. {}", write("640")),
            ),
        }
    }
}

/// Reads digits with at most one decimal point (`640`, `1999.50`, `0.5`)
/// into an exact number; anything else is a [`Problem`].
pub fn parse(written: &str) -> Result<Number, Problem> {
    let text = written.trim();
    let plain = text.strip_prefix('+').unwrap_or(text);
    if is_digits_with_point(plain) {
        return exact(plain);
    }
    if let Some(rest) = text.strip_prefix('-')
        && (is_digits_with_point(rest) || rest.parse::<f64>().is_ok())
    {
        return Err(Problem::Negative);
    }
    if has_exponent(plain) {
        let digits = Decimal::from_scientific(plain)
            .ok()
            .map(|d| d.normalize().to_string())
            .filter(|d| d.len() <= Number::MAX_DIGITS);
        return Err(Problem::Exponent { digits });
    }
    let core = digits_in(text);
    let has_currency = text
        .chars()
        .any(|c| matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₩' | '¢'))
        || text
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() == 3 && w.bytes().all(|b| b.is_ascii_uppercase()));
    match core {
        Some(digits) if has_currency => Err(Problem::Currency { digits }),
        Some(digits) if is_grouped(text.trim_matches(|c: char| !c.is_ascii_digit())) => {
            Err(Problem::Grouping { digits })
        }
        digits => Err(Problem::NotDigits { digits }),
    }
}

fn exact(digits: &str) -> Result<Number, Problem> {
    let count = digits.bytes().filter(u8::is_ascii_digit).count();
    if count > Number::MAX_DIGITS {
        return Err(Problem::TooLong { digits: count });
    }
    // `1.` and `.5` are numbers too; the decimal type wants digits on both sides.
    let mut normal = digits.to_string();
    if normal.starts_with('.') {
        normal.insert(0, '0');
    }
    if normal.ends_with('.') {
        normal.pop();
    }
    Decimal::from_str_exact(&normal)
        .map(Number)
        .map_err(|_| Problem::TooLong { digits: count })
}

fn is_digits_with_point(text: &str) -> bool {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let points = text.bytes().filter(|&b| b == b'.').count();
    digits > 0 && points <= 1 && digits + points == text.len()
}

fn has_exponent(text: &str) -> bool {
    let Some(at) = text.find(['e', 'E']) else {
        return false;
    };
    let (mantissa, exponent) = (&text[..at], &text[at + 1..]);
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    is_digits_with_point(mantissa)
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

/// `1,200` or `1,200,000.50`: digit groups of three after the first.
fn is_grouped(text: &str) -> bool {
    let whole = text.split('.').next().unwrap_or(text);
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The one number in `text`, as the digits to write (`$1,200.50` →
/// `1200.50`), if there is exactly one.
fn digits_in(text: &str) -> Option<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || (c == '.' && between_digits) {
            current.push(c);
        } else if c == ',' && between_digits && is_group_after(&chars[i + 1..]) {
            // A thousands separator: left out of the digits to write.
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    match runs.as_slice() {
        [one] if one.bytes().filter(u8::is_ascii_digit).count() <= Number::MAX_DIGITS => {
            Some(one.clone())
        }
        _ => None,
    }
}

/// Whether `rest` starts with exactly three digits: what follows a
/// thousands separator (`5,6` is two numbers, not 56).
fn is_group_after(rest: &[char]) -> bool {
    rest.len() >= 3
        && rest[..3].iter().all(char::is_ascii_digit)
        && !rest.get(3).is_some_and(char::is_ascii_digit)
}

/// The key a value belongs to, read back from the file (`typical` in
/// `  typical: $640`), for a help that shows the line to write.
fn field_name(text: &str, value_start: usize) -> Option<String> {
    let before = text.get(..value_start)?;
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let key = line.trim_end().strip_suffix(':')?;
    let key = key.rsplit(['{', ',', ' ', '-']).next()?.trim();
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> String {
        parse(text).unwrap().to_string()
    }

    #[test]
    fn keeps_the_number_as_written() {
        assert_eq!(ok("640"), "640");
        assert_eq!(ok("1.999"), "1.999");
        assert_eq!(ok("1999.50"), "1999.50");
        assert_eq!(ok("99999999999999999999"), "99999999999999999999");
        assert_eq!(ok("0.5"), "0.5");
        assert_eq!(ok(".5"), "0.5");
        assert_eq!(ok("+640"), "640");
        assert_eq!(
            parse("1999.5").unwrap(),
            parse("1999.50").unwrap(),
            "equal by value"
        );
        assert!(parse("700").unwrap() > parse("640.99").unwrap());
    }

    #[test]
    fn refuses_what_is_not_digits_and_says_what_to_write() {
        assert_eq!(
            parse("$640"),
            Err(Problem::Currency {
                digits: "640".into()
            })
        );
        assert_eq!(
            parse("640 USD"),
            Err(Problem::Currency {
                digits: "640".into()
            })
        );
        assert_eq!(
            parse("1,200"),
            Err(Problem::Grouping {
                digits: "1200".into()
            })
        );
        assert_eq!(
            parse("1e3"),
            Err(Problem::Exponent {
                digits: Some("1000".into())
            })
        );
        assert_eq!(parse("1e400"), Err(Problem::Exponent { digits: None }));
        assert_eq!(parse("-5"), Err(Problem::Negative));
        assert_eq!(parse(&"9".repeat(29)), Err(Problem::TooLong { digits: 29 }));
        assert_eq!(
            parse("about 640"),
            Err(Problem::NotDigits {
                digits: Some("640".into())
            })
        );
        assert_eq!(
            parse("six hundred"),
            Err(Problem::NotDigits { digits: None })
        );
        assert_eq!(parse("5,6"), Err(Problem::NotDigits { digits: None }));
        let (message, help) = Problem::Currency {
            digits: "640".into(),
        }
        .explain("$640", Some("typical"));
        assert_eq!(message, "`$640` is not a number: it holds the currency");
        assert_eq!(
            help,
            "write the number alone: `typical: 640`; the currency goes in `currency`"
        );
        let long = "9".repeat(100_000);
        let (message, _) = parse(&long).unwrap_err().explain(&long, Some("high"));
        assert!(message.len() < 120, "{message}");
    }

    #[test]
    fn finds_the_field_a_value_belongs_to() {
        let text = "cost:\n  typical: $640\n";
        assert_eq!(
            field_name(text, text.find('$').unwrap()).as_deref(),
            Some("typical")
        );
        assert_eq!(field_name("{low: 3}", 6).as_deref(), Some("low"));
        assert_eq!(field_name("- 3", 2), None);
    }
}
