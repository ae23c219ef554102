//! USOS dates ("YYYY-MM-DD") and date-times ("YYYY-MM-DD HH:MM:SS", Polish local
//! time), parsed strictly and formatted the way the university's instruction
//! writes them ("3.09.2025, 22:18").

use std::fmt;

use mcard_common::poland_time;
use serde::{Deserialize, Deserializer};

use crate::i18n::Lang;

/// A calendar date as USOS sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// A date and a wall-clock time in Poland, as USOS sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// Why a date string was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a USOS date: \"{}\"", self.0)
    }
}

fn number(text: &str, digits: usize) -> Option<u16> {
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// Parses "YYYY-MM-DD", rejecting impossible dates such as 2025-02-30.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let error = || DateError(text.to_owned());
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(error());
        };
        let year = number(y, 4).ok_or_else(error)?;
        let month = number(m, 2).ok_or_else(error)? as u8;
        let day = number(d, 2).ok_or_else(error)? as u8;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(error());
        }
        Ok(Date { year, month, day })
    }

    /// "31.10.2025" in Polish and Ukrainian, "31 Oct 2025" in English.
    pub fn format(&self, lang: Lang) -> String {
        match lang.texts().dates.months {
            None => format!("{}.{:02}.{}", self.day, self.month, self.year),
            Some(months) => format!(
                "{} {} {}",
                self.day,
                months[usize::from(self.month - 1)],
                self.year
            ),
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian calendar).
    pub fn days_since_epoch(&self) -> i64 {
        poland_time::days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let (year, month, day) = poland_time::civil_from_days(days);
        Date {
            year: year.clamp(0, 9_999) as u16,
            month,
            day,
        }
    }
}

impl DateTime {
    /// Parses "YYYY-MM-DD HH:MM:SS".
    pub fn parse(text: &str) -> Result<DateTime, DateError> {
        let error = || DateError(text.to_owned());
        let (date, time) = text.split_once(' ').ok_or_else(error)?;
        let date = Date::parse(date).map_err(|_| error())?;
        let mut parts = time.split(':');
        let (Some(h), Some(m), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(error());
        };
        let hour = number(h, 2).ok_or_else(error)? as u8;
        let minute = number(m, 2).ok_or_else(error)? as u8;
        let second = number(s, 2).ok_or_else(error)? as u8;
        if hour > 23 || minute > 59 || second > 59 {
            return Err(error());
        }
        Ok(DateTime {
            date,
            hour,
            minute,
            second,
        })
    }

    /// "3.09.2025, 22:18" in Polish, "3 Sep 2025, 22:18" in English.
    pub fn format(&self, lang: Lang) -> String {
        format!(
            "{}, {}:{:02}",
            self.date.format(lang),
            self.hour,
            self.minute
        )
    }

    /// The wall clock `seconds` after 1970-01-01 00:00:00 (no time zone).
    pub fn from_wall_clock_seconds(seconds: i64) -> DateTime {
        let in_day = seconds.rem_euclid(86_400);
        DateTime {
            date: Date::from_days_since_epoch(seconds.div_euclid(86_400)),
            hour: (in_day / 3_600) as u8,
            minute: (in_day % 3_600 / 60) as u8,
            second: (in_day % 60) as u8,
        }
    }

    /// The wall clock in Poland at `unix_seconds` (UTC), by
    /// `mcard_common::poland_time` (plain arithmetic, not the browser's
    /// `Intl`, whose first use costs tens of milliseconds just when the
    /// first status is drawn).
    pub fn in_poland(unix_seconds: i64) -> DateTime {
        DateTime::from_wall_clock_seconds(poland_time::wall_from_unix(unix_seconds))
    }

    /// The moment (Unix seconds, UTC) this Polish wall clock stands for
    /// (the first of a repeated hour).
    pub fn poland_to_unix_seconds(&self) -> i64 {
        poland_time::unix_from_wall(self.wall_clock_seconds())
    }

    /// Seconds since 1970-01-01 00:00:00 of the same wall clock (no time zone).
    pub fn wall_clock_seconds(&self) -> i64 {
        self.date.days_since_epoch() * 86_400
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

/// A span of waiting, rounded to what a person cares about:
/// "45 s", "3 min 20 s", "1 h 5 min", a number never parted from its unit
/// at the end of a line (no-break spaces).
pub fn format_waiting(seconds: i64, lang: Lang) -> String {
    let seconds = seconds.max(0);
    let (h, m, s) = (seconds / 3_600, seconds % 3_600 / 60, seconds % 60);
    let dates = &lang.texts().dates;
    let (hours, minutes, secs) = (dates.hours, dates.minutes, dates.seconds);
    if h > 0 {
        format!("{h}\u{a0}{hours} {m}\u{a0}{minutes}")
    } else if m > 0 {
        format!("{m}\u{a0}{minutes} {s}\u{a0}{secs}")
    } else {
        format!("{s}\u{a0}{secs}")
    }
}

/// A time of day as "HH:MM:SS".
pub fn format_clock(hour: u32, minute: u32, second: u32) -> String {
    format!("{hour:02}:{minute:02}:{second:02}")
}

impl fmt::Display for DateTime {
    /// As USOS writes it: "2025-09-03 22:18:00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.date.year, self.date.month, self.date.day, self.hour, self.minute, self.second
        )
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_instruction() {
        let ordered = DateTime::parse("2025-09-03 22:18:00").unwrap();
        assert_eq!(ordered.format(Lang::Pl), "3.09.2025, 22:18");
        assert_eq!(ordered.format(Lang::En), "3 Sep 2025, 22:18");
        let expires = Date::parse("2025-10-31").unwrap();
        assert_eq!(expires.format(Lang::Pl), "31.10.2025");
        assert_eq!(expires.format(Lang::En), "31 Oct 2025");
        assert_eq!(expires.format(Lang::Uk), "31.10.2025");
    }

    #[test]
    fn single_digit_hour_is_not_padded_but_minutes_are() {
        let t = DateTime::parse("2026-01-05 07:04:09").unwrap();
        assert_eq!(t.format(Lang::Pl), "5.01.2026, 7:04");
    }

    #[test]
    fn rejects_what_is_not_a_usos_date() {
        for bad in [
            "",
            "2025-9-3",
            "2025-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-10-31T10:00:00",
            "31.10.2025",
            "2025-10-31 24:00:00",
            "2025-10-31 10:00",
            "+025-10-31",
            "2025-10-31-01",
        ] {
            assert!(
                Date::parse(bad).is_err() || DateTime::parse(bad).is_err(),
                "{bad}"
            );
        }
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2025-02-29").is_err());
        assert!(DateTime::parse("2025-10-31 10:00").is_err());
    }

    #[test]
    fn formats_waiting_and_clock() {
        assert_eq!(format_waiting(-5, Lang::Pl), "0\u{a0}s");
        assert_eq!(format_waiting(45, Lang::Pl), "45\u{a0}s");
        assert_eq!(format_waiting(200, Lang::Pl), "3\u{a0}min 20\u{a0}s");
        assert_eq!(format_waiting(3_900, Lang::Pl), "1\u{a0}godz. 5\u{a0}min");
        assert_eq!(format_waiting(3_900, Lang::En), "1\u{a0}h 5\u{a0}min");
        assert_eq!(format_waiting(3_900, Lang::Uk), "1\u{a0}год 5\u{a0}хв");
        assert_eq!(format_waiting(200, Lang::Uk), "3\u{a0}хв 20\u{a0}с");
        assert_eq!(format_clock(7, 4, 9), "07:04:09");
    }

    #[test]
    fn polish_time_changes_on_the_last_sundays_of_march_and_october() {
        let utc = |text: &str| DateTime::parse(text).unwrap().wall_clock_seconds();
        let poland = |text: &str| DateTime::in_poland(utc(text)).to_string();
        assert_eq!(poland("2025-03-30 00:59:59"), "2025-03-30 01:59:59");
        assert_eq!(poland("2025-03-30 01:00:00"), "2025-03-30 03:00:00");
        assert_eq!(poland("2025-10-26 00:59:59"), "2025-10-26 02:59:59");
        assert_eq!(poland("2025-10-26 01:00:00"), "2025-10-26 02:00:00");
        assert_eq!(poland("2025-12-31 23:30:00"), "2026-01-01 00:30:00");
        assert_eq!(poland("2026-07-01 12:00:00"), "2026-07-01 14:00:00");
        // Back: the repeated hour counts as summer time; a skipped time as
        // the hour before it.
        let back = |text: &str| DateTime::parse(text).unwrap().poland_to_unix_seconds();
        assert_eq!(back("2025-10-26 02:30:00"), utc("2025-10-26 00:30:00"));
        assert_eq!(back("2025-10-26 03:30:00"), utc("2025-10-26 02:30:00"));
        assert_eq!(back("2025-03-30 02:30:00"), utc("2025-03-30 01:30:00"));
        assert_eq!(back("2025-09-03 22:18:00"), utc("2025-09-03 20:18:00"));
    }

    #[test]
    fn counts_days_and_seconds() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::parse("2000-03-01").unwrap().days_since_epoch(),
            11_017
        );
        let a = DateTime::parse("2025-12-31 23:59:00").unwrap();
        let b = DateTime::parse("2026-01-01 00:04:30").unwrap();
        assert_eq!(b.wall_clock_seconds() - a.wall_clock_seconds(), 330);
    }
}
