//! Validity times: OpenSSL's lenient reading of UTCTime and
//! GeneralizedTime, and `ASN1_TIME_print`.

use super::der::{Tlv, TAG_GENERALIZED_TIME, TAG_UTC_TIME};

/// A broken-down UTC time, like OpenSSL's `struct tm` (month 1-12 here).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tm {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `ASN1_TIME_print`: `Nov  7 08:40:00 2026 GMT`. The day is padded with a
/// space to two characters (`%2d`), fractional seconds of a GeneralizedTime
/// are copied as written, and a time with an offset is converted to UTC.
/// `Bad time value` for anything OpenSSL cannot read.
pub(super) fn asn1_time_print(time: Tlv<'_>) -> String {
    let (tag, text) = (time.tag, time.content);
    let generalized = tag == TAG_GENERALIZED_TIME;
    let Some(tm) = parse_asn1_time(tag, text) else {
        return "Bad time value".to_owned();
    };
    let mut fraction = "";
    if generalized && text.len() > 15 && text[14] == b'.' {
        let digits = text[15..].iter().take_while(|b| b.is_ascii_digit()).count();
        fraction = std::str::from_utf8(&text[14..15 + digits]).unwrap_or("");
    }
    format!(
        "{} {:>2} {:02}:{:02}:{:02}{} {} GMT",
        MONTHS[tm.month as usize - 1],
        tm.day,
        tm.hour,
        tm.minute,
        tm.second,
        fraction,
        tm.year
    )
}

fn is_leap_year(year: i64) -> bool {
    year % 400 == 0 || (year % 100 != 0 && year % 4 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// OpenSSL's lenient (non-RFC 5280) reading of a UTCTime
/// `YYMMDDHHMM[SS](Z|±hhmm)` (years 50-99 are 19xx) or GeneralizedTime
/// `YYYYMMDDHHMM[SS[.fff]](Z|±hhmm)`, converted to UTC.
fn parse_asn1_time(tag: u8, text: &[u8]) -> Option<Tm> {
    // Field ranges, indexed century, year, month, day, hour, minute, second,
    // offset hours, offset minutes.
    const MIN: [u32; 9] = [0, 0, 1, 1, 0, 0, 0, 0, 0];
    const MAX: [u32; 9] = [99, 99, 12, 31, 23, 59, 59, 12, 59];
    let (generalized, first_field, min_len) = match tag {
        TAG_UTC_TIME => (false, 1, 11),
        TAG_GENERALIZED_TIME => (true, 0, 13),
        _ => return None,
    };
    if text.len() < min_len {
        return None;
    }
    let two_digits = |at: usize| -> Option<u32> {
        let (a, b) = (*text.get(at)?, *text.get(at + 1)?);
        if !a.is_ascii_digit() || !b.is_ascii_digit() {
            return None;
        }
        Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    };

    let mut tm = Tm::default();
    let mut at = 0;
    for field in first_field..=6 {
        // Seconds may be left out.
        if field == 6 && matches!(text.get(at), Some(b'Z' | b'+' | b'-')) {
            break;
        }
        let n = two_digits(at)?;
        at += 2;
        // There must be something after every field.
        if at >= text.len() || n < MIN[field] || n > MAX[field] {
            return None;
        }
        match field {
            0 => tm.year = i64::from(n) * 100,
            1 if generalized => tm.year += i64::from(n),
            1 => tm.year = if n < 50 { 2000 } else { 1900 } + i64::from(n),
            2 => tm.month = n,
            3 if n > days_in_month(tm.year, tm.month) => return None,
            3 => tm.day = n,
            4 => tm.hour = n,
            5 => tm.minute = n,
            _ => tm.second = n,
        }
    }
    if generalized && text[at] == b'.' {
        at += 1;
        let digits = text[at..].iter().take_while(|b| b.is_ascii_digit()).count();
        at += digits;
        if digits == 0 || at >= text.len() {
            return None;
        }
    }
    match text[at] {
        b'Z' => at += 1,
        sign @ (b'+' | b'-') => {
            at += 1;
            if at + 4 != text.len() {
                return None;
            }
            let (hours, minutes) = (two_digits(at)?, two_digits(at + 2)?);
            if hours > MAX[7] || minutes > MAX[8] {
                return None;
            }
            at += 4;
            let offset = i64::from(hours * 3600 + minutes * 60);
            // The time is local time at that offset: subtract it to get UTC.
            if offset != 0 {
                tm = shift_seconds(tm, if sign == b'+' { -offset } else { offset })?;
            }
        }
        _ => return None,
    }
    (at == text.len()).then_some(tm)
}

/// `OPENSSL_gmtime_adj` for offsets of less than a day; it refuses results
/// outside the years 1900-9999.
fn shift_seconds(tm: Tm, seconds: i64) -> Option<Tm> {
    let total = i64::from(tm.hour * 3600 + tm.minute * 60 + tm.second) + seconds;
    let mut out = tm;
    let in_day = total.rem_euclid(86_400) as u32;
    (out.hour, out.minute, out.second) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    match total.div_euclid(86_400) {
        1 if out.day == days_in_month(out.year, out.month) => {
            out.day = 1;
            out.month = if out.month == 12 { 1 } else { out.month + 1 };
            out.year += i64::from(out.month == 1);
        }
        1 => out.day += 1,
        -1 if out.day == 1 => {
            out.month = if out.month == 1 { 12 } else { out.month - 1 };
            out.year -= i64::from(out.month == 12);
            out.day = days_in_month(out.year, out.month);
        }
        -1 => out.day -= 1,
        _ => {}
    }
    (1900..=9999).contains(&out.year).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert_info::der::{der, read_tlv, TAG_OCTET_STRING};

    fn time(tag: u8, text: &str) -> String {
        let encoded = der(tag, text.as_bytes());
        asn1_time_print(read_tlv(&encoded).unwrap().0)
    }

    #[test]
    fn times_print_like_asn1_time_print() {
        assert_eq!(time(TAG_UTC_TIME, "261127084000Z"), "Nov 27 08:40:00 2026 GMT");
        // single-digit days are padded with a space
        assert_eq!(time(TAG_UTC_TIME, "260307010203Z"), "Mar  7 01:02:03 2026 GMT");
        assert_eq!(time(TAG_UTC_TIME, "500101000000Z"), "Jan  1 00:00:00 1950 GMT");
        assert_eq!(time(TAG_UTC_TIME, "491231235959Z"), "Dec 31 23:59:59 2049 GMT");
        assert_eq!(time(TAG_GENERALIZED_TIME, "20500101000000Z"), "Jan  1 00:00:00 2050 GMT");
        // seconds may be left out; fractions are copied
        assert_eq!(time(TAG_UTC_TIME, "2603070102Z"), "Mar  7 01:02:00 2026 GMT");
        assert_eq!(time(TAG_GENERALIZED_TIME, "20260307010203.250Z"), "Mar  7 01:02:03.250 2026 GMT");
        // offsets are applied, and then there is no "GMT"
        assert_eq!(time(TAG_UTC_TIME, "261231230000-0130"), "Jan  1 00:30:00 2027 GMT");
        assert_eq!(time(TAG_GENERALIZED_TIME, "20240301003000+0100"), "Feb 29 23:30:00 2024 GMT");
        assert_eq!(time(TAG_UTC_TIME, "260307010203+0000"), "Mar  7 01:02:03 2026 GMT");
        for bad in ["2613070102Z", "260230010203Z", "2603070102", "26030701020Z", "260307010203+01", "2603070102031Z"] {
            assert_eq!(time(TAG_UTC_TIME, bad), "Bad time value", "{bad}");
        }
        assert_eq!(time(TAG_GENERALIZED_TIME, "20260307010203.Z"), "Bad time value");
        assert_eq!(time(TAG_GENERALIZED_TIME, "20230229000000Z"), "Bad time value");
        assert_eq!(time(TAG_OCTET_STRING, "20260307010203Z"), "Bad time value");
    }
}
