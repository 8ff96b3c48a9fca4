//! Field values as CRMs export them: amounts, dates, ids.

use jiff::civil::Date;

use super::mapping::Format;

/// How `1/2/2026` reads: US month first unless the file shows otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlashOrder {
    MonthFirst,
    DayFirst,
}

pub fn slash_parts(s: &str) -> Option<(u32, u32)> {
    let mut it = s.split(' ').next()?.split('/');
    let a = it.next()?.parse().ok()?;
    let b = it.next()?.parse().ok()?;
    let y = it.next()?;
    (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) && it.next().is_none()).then_some((a, b))
}

/// Drop float noise from divisions: 60 / 100 is 0.6, not 0.6000000000000001.
pub fn round(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// A CRM id as compared: Salesforce's 18-character ids are its 15-character
/// ids plus a checksum, and reports show either.
pub fn record_id(format: Format, id: &str) -> String {
    let id = id.trim();
    if format == Format::Salesforce && id.len() == 18 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        id[..15].to_string()
    } else {
        id.to_string()
    }
}

/// HubSpot lists several associated companies as `a;b`: the first is the primary.
pub fn first_of_list(s: &str) -> String {
    s.split(';')
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("")
        .to_string()
}

pub fn parse_date(text: &str, format: Option<&str>, order: SlashOrder) -> Option<Date> {
    let t = text.trim();
    if let Some(f) = format
        && let Ok(tm) = jiff::fmt::strtime::parse(f, t)
        && let Ok(d) = tm.to_date()
    {
        return Some(d);
    }
    // ISO dates, also with a time after them (HubSpot: "2026-10-02 14:33").
    if t.len() >= 10 && t.is_char_boundary(10) {
        let (day, rest) = t.split_at(10);
        if (rest.is_empty() || rest.starts_with([' ', 'T']))
            && let Ok(d) = day.parse::<Date>()
        {
            return Some(d);
        }
    }
    let first = t.split(' ').next()?;
    let (sep, parts): (char, Vec<&str>) = if first.contains('/') {
        ('/', first.split('/').collect())
    } else if first.contains('.') {
        ('.', first.split('.').collect())
    } else {
        return None;
    };
    let [a, b, y] = parts[..] else { return None };
    let (a, b, y): (i8, i8, i16) = (a.parse().ok()?, b.parse().ok()?, y.parse().ok()?);
    if y < 1000 {
        return None;
    }
    let (month, day) = if sep == '.' || order == SlashOrder::DayFirst {
        (b, a)
    } else {
        (a, b)
    };
    Date::new(y, month, day).ok()
}

/// An amount as CRMs export it: `350000`, `350,000.00`, `USD 350,000`,
/// `1.234,50 €`. None for anything else.
pub fn parse_number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .trim_matches(|c: char| c.is_alphabetic() || "$€£¥".contains(c) || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\'' && *c != '_')
        .collect();
    if t.is_empty() {
        return None;
    }
    let dot = t.rfind('.');
    let comma = t.rfind(',');
    let plain = match (dot, comma) {
        (Some(d), Some(c)) if c > d => t.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => t.replace(',', ""),
        (None, Some(_)) => {
            let groups: Vec<&str> = t.trim_start_matches('-').split(',').collect();
            let thousands =
                groups.len() > 1 && (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
            if thousands {
                t.replace(',', "")
            } else {
                t.replace(',', ".")
            }
        }
        _ => t,
    };
    if !plain.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
        return None;
    }
    plain.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(parse_number("350000"), Some(350000.0));
        assert_eq!(parse_number("350,000.00"), Some(350000.0));
        assert_eq!(parse_number("USD 350,000.50"), Some(350000.5));
        assert_eq!(parse_number("1.234,50 €"), Some(1234.5));
        assert_eq!(parse_number("$1,500"), Some(1500.0));
        assert_eq!(parse_number("0,31"), Some(0.31));
        assert_eq!(parse_number("lots"), None);
        assert_eq!(parse_number("1e999"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn dates() {
        let d = |y, m, d| Some(Date::new(y, m, d).unwrap());
        assert_eq!(parse_date("2026-12-15", None, SlashOrder::MonthFirst), d(2026, 12, 15));
        assert_eq!(
            parse_date("2026-10-02 14:33", None, SlashOrder::MonthFirst),
            d(2026, 10, 2)
        );
        assert_eq!(
            parse_date("2026-10-02T14:33:00Z", None, SlashOrder::MonthFirst),
            d(2026, 10, 2)
        );
        assert_eq!(parse_date("12/15/2026", None, SlashOrder::MonthFirst), d(2026, 12, 15));
        assert_eq!(parse_date("15/12/2026", None, SlashOrder::DayFirst), d(2026, 12, 15));
        assert_eq!(parse_date("15.12.2026", None, SlashOrder::MonthFirst), d(2026, 12, 15));
        assert_eq!(parse_date("15/12/2026", None, SlashOrder::MonthFirst), None);
        assert_eq!(parse_date("2026-02-30", None, SlashOrder::MonthFirst), None);
        assert_eq!(parse_date("soon", None, SlashOrder::MonthFirst), None);
        assert_eq!(
            parse_date("15 Dec 2026", Some("%d %b %Y"), SlashOrder::MonthFirst),
            d(2026, 12, 15)
        );
    }

    #[test]
    fn salesforce_ids_compare_on_15_characters() {
        assert_eq!(record_id(Format::Salesforce, "0015g00000AbCdEAAA"), "0015g00000AbCdE");
        assert_eq!(record_id(Format::Salesforce, "0015g00000AbCdE"), "0015g00000AbCdE");
        assert_eq!(record_id(Format::Hubspot, "123456789012345678"), "123456789012345678");
    }
}
