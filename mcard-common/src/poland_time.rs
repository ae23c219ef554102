//! Polish wall-clock time, as USOS writes every date-time (without an
//! offset), from UTC and back: CET, or CEST from the last Sunday of March to
//! the last Sunday of October, each change at 01:00 UTC (the EU's rule since
//! 1996). Plain arithmetic: the widget needs it without the browser's `Intl`
//! (whose first use costs tens of milliseconds just when the first status
//! is drawn), and the gateway to tell how old an order is.
//!
//! "Wall seconds" are seconds since 1970-01-01 00:00:00 of the wall clock,
//! as if it were UTC.

/// Days since 1970-01-01 of a date (proleptic Gregorian calendar; Howard
/// Hinnant's days_from_civil).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The Unix second (UTC) at 01:00 UTC on the last Sunday of `month`.
fn change_at(year: i64, month: u8) -> i64 {
    let last = days_from_civil(
        year,
        i64::from(month),
        i64::from(days_in_month(year, month)),
    );
    // 1970-01-01 was a Thursday: day 0 is weekday 4 (Sunday = 0).
    let weekday = (last + 4).rem_euclid(7);
    (last - weekday) * 86_400 + 3_600
}

/// Poland's offset from UTC at `unix` seconds: 2 h in summer time, else 1 h.
pub fn offset_seconds(unix: i64) -> i64 {
    let (year, _, _) = civil_from_days(unix.div_euclid(86_400));
    if (change_at(year, 3)..change_at(year, 10)).contains(&unix) {
        7_200
    } else {
        3_600
    }
}

/// The Polish wall clock at `unix` seconds (UTC), as wall seconds.
pub fn wall_from_unix(unix: i64) -> i64 {
    unix + offset_seconds(unix)
}

/// The moment (Unix seconds, UTC) a Polish wall clock stands for. In the
/// hour that repeats when summer time ends, the first (summer) one; a time
/// skipped when it begins counts as the hour before it.
pub fn unix_from_wall(wall: i64) -> i64 {
    let summer = wall - 7_200;
    if offset_seconds(summer) == 7_200 {
        summer
    } else {
        wall - 3_600
    }
}

/// Wall seconds of a USOS date-time, "YYYY-MM-DD HH:MM:SS", strictly
/// (`None` for anything else, an impossible date among it).
pub fn parse_wall(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 19
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b' '
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i64> {
        let part = text.get(from..to)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let month_ok = (1..=12).contains(&month);
    if !month_ok || day < 1 || day > i64::from(days_in_month(year, month as u8)) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(text: &str) -> i64 {
        parse_wall(text).unwrap()
    }

    #[test]
    fn the_clock_changes_on_the_last_sundays_of_march_and_october() {
        // UTC moments written as wall seconds of UTC.
        let utc = wall;
        assert_eq!(
            wall_from_unix(utc("2025-03-30 00:59:59")),
            wall("2025-03-30 01:59:59")
        );
        assert_eq!(
            wall_from_unix(utc("2025-03-30 01:00:00")),
            wall("2025-03-30 03:00:00")
        );
        assert_eq!(
            wall_from_unix(utc("2025-10-26 00:59:59")),
            wall("2025-10-26 02:59:59")
        );
        assert_eq!(
            wall_from_unix(utc("2025-10-26 01:00:00")),
            wall("2025-10-26 02:00:00")
        );
        assert_eq!(
            wall_from_unix(utc("2025-12-31 23:30:00")),
            wall("2026-01-01 00:30:00")
        );
        assert_eq!(
            unix_from_wall(wall("2025-10-26 02:30:00")),
            utc("2025-10-26 00:30:00")
        );
        assert_eq!(
            unix_from_wall(wall("2025-10-26 03:30:00")),
            utc("2025-10-26 02:30:00")
        );
        assert_eq!(
            unix_from_wall(wall("2025-03-30 02:30:00")),
            utc("2025-03-30 01:30:00")
        );
        assert_eq!(
            unix_from_wall(wall("2025-09-03 22:18:00")),
            utc("2025-09-03 20:18:00")
        );
    }

    #[test]
    fn only_usos_date_times_parse() {
        assert_eq!(parse_wall("1970-01-01 00:00:01"), Some(1));
        assert_eq!(
            parse_wall("2024-02-29 12:00:00"),
            Some(wall("2024-02-28 12:00:00") + 86_400)
        );
        for bad in [
            "",
            "2025-02-30 10:00:00",
            "2025-13-01 10:00:00",
            "2025-10-31 24:00:00",
            "2025-10-31T10:00:00",
            "2025-10-31 10:00",
            "+025-10-31 10:00:00",
            "2025-1a-31 10:00:00",
        ] {
            assert_eq!(parse_wall(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        /// The same wall clock as the IANA time zone database's
        /// Europe/Warsaw, at any moment from 2000 to 2100, and back.
        #[test]
        fn agrees_with_the_time_zone_database(unix in 946_684_800i64..4_102_444_800) {
            use chrono::TimeZone;
            let expected = chrono_tz::Europe::Warsaw
                .timestamp_opt(unix, 0)
                .unwrap()
                .format("%Y-%m-%d %H:%M:%S")
                .to_string();
            let ours = wall_from_unix(unix);
            proptest::prop_assert_eq!(Some(ours), parse_wall(&expected));
            let back = unix_from_wall(ours);
            proptest::prop_assert!(back == unix || back == unix - 3_600, "{} {}", unix, back);
        }

        #[test]
        fn days_go_there_and_back(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            proptest::prop_assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
    }
}
