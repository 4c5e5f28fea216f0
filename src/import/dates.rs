//! Publication dates as pages write them: `2021-03-30`, `2021/3/30 08:21`, `2021.03.30`,
//! `2021年3月30日`, ISO 8601 with time and zone, and Unix timestamps.

/// A date as (year, month, day); month and day when known.
pub type Date = (i32, Option<u32>, Option<u32>);

fn digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// The first full date (year, month and day) in `s`, years 1949–2100.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut rest = s;
    while !rest.is_empty() {
        let start = rest.find(|c: char| c.is_ascii_digit())?;
        let from = &rest[start..];
        let (y, after) = digits(from);
        if y.len() == 4 {
            if let Some(d) = date_after_year(y, after) {
                return Some(d);
            }
        }
        rest = after;
    }
    None
}

fn date_after_year(y: &str, after: &str) -> Option<Date> {
    let year: i32 = y.parse().ok()?;
    if !(1949..=2100).contains(&year) {
        return None;
    }
    let (sep, after) = split_sep(after)?;
    let (m, after) = digits(after);
    let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
    let after = match sep {
        "年" => after.strip_prefix('月')?,
        _ => after.strip_prefix(sep)?,
    };
    let (d, after) = digits(after);
    let day: u32 = d.parse().ok().filter(|d| (1..=31).contains(d))?;
    if sep == "年" && !after.starts_with('日') && !after.starts_with('号') {
        return None;
    }
    Some((year, Some(month), Some(day)))
}

fn split_sep(s: &str) -> Option<(&'static str, &str)> {
    for sep in ["-", "/", ".", "年"] {
        if let Some(rest) = s.strip_prefix(sep) {
            return Some((sep, rest.trim_start()));
        }
    }
    None
}

/// A Unix timestamp (seconds) as a date in China Standard Time.
pub fn from_unix(ts: i64) -> Date {
    let days = (ts + 8 * 3600).div_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, Some(m), Some(d))
}

/// `2021年3月30日`.
pub fn format(d: Date) -> String {
    match d {
        (y, Some(m), Some(day)) => format!("{y}年{m}月{day}日"),
        (y, Some(m), None) => format!("{y}年{m}月"),
        (y, _, _) => format!("{y}年"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for (s, want) in [
            ("2021-03-30 08:21", Some((2021, Some(3), Some(30)))),
            ("发布时间：2021/3/30", Some((2021, Some(3), Some(30)))),
            (
                "2023年06月05日 10:00 来源：西宁市委组织部",
                Some((2023, Some(6), Some(5))),
            ),
            ("2024-05-17T08:00:00+08:00", Some((2024, Some(5), Some(17)))),
            ("浏览次数 1234 次", None),
            ("2021年，社区开始", None),
            ("1850-01-01", None),
        ] {
            assert_eq!(parse_date(s), want, "{s}");
        }
        assert_eq!(from_unix(1_685_950_000), (2023, Some(6), Some(5)));
        assert_eq!(format((2021, Some(3), Some(30))), "2021年3月30日");
    }
}
