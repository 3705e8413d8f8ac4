//! Calendar arithmetic on Unix seconds: parsing and formatting dates, local hour and weekday.
//!
//! Proleptic Gregorian calendar, no leap seconds, fixed UTC offsets (Howard Hinnant's
//! `days_from_civil` algorithm).
//!
//! ```
//! use deepprl_data::time::{day_of_week, format_datetime, hour_of_day, parse_datetime};
//! let t = parse_datetime("2022-04-10 08:59:09").unwrap();
//! assert_eq!(t, 1_649_581_149);
//! assert_eq!(format_datetime(t), "2022-04-10 08:59:09");
//! assert_eq!(hour_of_day(t, 8 * 3600), 16); // Beijing time
//! assert_eq!(day_of_week(t, 0), 6); // a Sunday (Monday = 0)
//! ```

/// Days since 1970-01-01 of the civil date `y-m-d`.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(y, m, d)` of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn number(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Seconds since the epoch of `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`,
/// read as UTC; `None` if the text is not such a valid date.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, clock) = match text.split_once([' ', 'T']) {
        Some((d, c)) => (d, Some(c)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let y = number(parts.next()?, 4)?;
    let m = number(parts.next()?, 2)?;
    let d = number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y.into(), m)
    {
        return None;
    }
    let secs = match clock {
        None => 0,
        Some(c) => {
            let mut p = c.split(':');
            let (h, mi, s) = (number(p.next()?, 2)?, number(p.next()?, 2)?, number(p.next()?, 2)?);
            if p.next().is_some() || h > 23 || mi > 59 || s > 59 {
                return None;
            }
            i64::from(h * 3600 + mi * 60 + s)
        }
    };
    Some(days_from_civil(y.into(), m, d) * 86_400 + secs)
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of seconds since the epoch.
pub fn format_datetime(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// Local hour of day (0..=23) of `secs` at `offset_secs` from UTC.
pub fn hour_of_day(secs: i64, offset_secs: i64) -> u32 {
    ((secs + offset_secs).rem_euclid(86_400) / 3600) as u32
}

/// Local day of week (Monday = 0 ..= Sunday = 6) of `secs` at `offset_secs` from UTC.
pub fn day_of_week(secs: i64, offset_secs: i64) -> u32 {
    // 1970-01-01 was a Thursday (index 3).
    ((secs + offset_secs).div_euclid(86_400) + 3).rem_euclid(7) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_across_four_centuries() {
        for z in -200_000..200_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn rejects_invalid_dates() {
        for bad in ["2022-02-29", "2022-13-01", "2022-4-1", "2022-04-01 24:00:00", "x", ""] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert_eq!(parse_datetime("2024-02-29"), Some(days_from_civil(2024, 2, 29) * 86_400));
        assert_eq!(parse_datetime("1970-01-01T00:00:01"), Some(1));
    }

    #[test]
    fn local_hour_and_weekday_follow_the_offset() {
        let t = parse_datetime("2022-04-10 20:30:00").unwrap(); // Sunday
        assert_eq!((hour_of_day(t, 0), day_of_week(t, 0)), (20, 6));
        assert_eq!((hour_of_day(t, 8 * 3600), day_of_week(t, 8 * 3600)), (4, 0));
        assert_eq!(hour_of_day(-1, 0), 23);
    }
}
