//! Scenario units written as strings: durations (`"30s"`) and rates (`"2/min"`).

use s3sim_engine::SimDuration;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Read a duration written as a string, like `"250ms"`, `"30s"`, `"5m"`, `"24h"`, `"1h 30m"`.
///
/// ```
/// let d: s3sim_scenario::units::Dur = ron::from_str("\"5m\"").unwrap();
/// assert_eq!(d.0.as_secs_f64(), 300.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dur(pub SimDuration);

impl Dur {
    /// A duration of whole seconds.
    pub const fn secs(s: u64) -> Self {
        Dur(SimDuration::from_secs(s))
    }

    /// A duration of milliseconds.
    pub const fn millis(ms: u64) -> Self {
        Dur(SimDuration::from_millis(ms))
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Text {
            what: "a duration",
            example: "\"500ms\", \"30s\", \"5m\", \"2h\"",
            unit: "s",
            parse: parse_dur,
        })
    }
}

fn parse_dur(text: &str) -> Result<Dur, String> {
    if let Some(unit) = months_unit(text) {
        return Err(format!(
            "duration \"{text}\": \"{unit}\" is months in this format, which is rarely meant; \
             write \"{}\" for minutes, or \"months\" if months are meant",
            text.replacen(unit, "m", 1)
        ));
    }
    text.parse::<SimDuration>()
        .map(Dur)
        .map_err(|e| e.to_string())
}

/// A value written as a string (a duration, a rate), with a message that says how to
/// write it when a bare number or another type is given instead.
struct Text<T> {
    /// What the value is, for messages: "a duration".
    what: &'static str,
    /// How it is written: `"30s"`.
    example: &'static str,
    /// The unit a bare number most likely meant, appended in the suggestion.
    unit: &'static str,
    /// Parse the string.
    parse: fn(&str) -> Result<T, String>,
}

impl<T> Text<T> {
    fn bare_number<E: serde::de::Error>(&self, number: impl fmt::Display) -> E {
        E::custom(format!(
            "{} is written as a string with its unit: write \"{number}{}\", not {number} \
             (other forms: {})",
            self.what, self.unit, self.example
        ))
    }
}

impl<T> serde::de::Visitor<'_> for Text<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} written as a string, e.g. {}",
            self.what, self.example
        )
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<T, E> {
        Err(self.bare_number(n))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<T, E> {
        Err(self.bare_number(n))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<T, E> {
        Err(self.bare_number(n))
    }
}

/// The capital `M` unit of a duration (months, in humantime's format), as written
/// with the number before it, if any: `"90M"` was nearly always meant as 90 minutes,
/// and a run 4 000 times longer than intended is refused later with a message that
/// blames the bin instead.
fn months_unit(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let at = (0..bytes.len()).find(|&i| {
        let after = bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        bytes[i] == b'M'
            && !after
            && i > 0
            && bytes[..i]
                .trim_ascii_end()
                .last()
                .is_some_and(u8::is_ascii_digit)
    })?;
    Some(&text[at..=at])
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Read an event rate written as `"COUNT/UNIT"`: `"2/s"`, `"30/min"`, `"1/h"`, `"0.5/d"`.
///
/// ```
/// let r: s3sim_scenario::units::Rate = ron::from_str("\"30/min\"").unwrap();
/// assert_eq!(r.per_sec(), 0.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// The count as written, per `unit_secs` seconds: kept so that the rate prints
    /// back exactly as it was read.
    count: f64,
    unit_secs: f64,
}

impl Rate {
    /// `count` events a second, written `"COUNT/s"`.
    ///
    /// ```
    /// assert_eq!(s3sim_scenario::units::Rate::per_second(5500.0).to_string(), "5500/s");
    /// ```
    pub const fn per_second(count: f64) -> Rate {
        Rate {
            count,
            unit_secs: 1.0,
        }
    }

    /// Events per second.
    pub fn per_sec(self) -> f64 {
        self.count / self.unit_secs
    }
}

fn parse_rate(text: &str) -> Result<Rate, String> {
    let hint = "write a rate like \"2/s\", \"30/min\", \"1/h\" or \"5/d\"";
    let (count, unit) = text
        .split_once('/')
        .ok_or_else(|| format!("invalid rate \"{text}\": {hint}"))?;
    let count: f64 = count
        .trim()
        .parse()
        .map_err(|_| format!("invalid rate \"{text}\": \"{count}\" is not a number; {hint}"))?;
    let unit_secs = match unit.trim() {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hour" => 3_600.0,
        "d" | "day" => 86_400.0,
        other => {
            return Err(format!(
                "invalid rate \"{text}\": unknown unit \"{other}\"; {hint}"
            ));
        }
    };
    Ok(Rate { count, unit_secs })
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Text {
            what: "a rate",
            example: "\"2/s\", \"30/min\", \"1/h\", \"5/d\"",
            unit: "/s",
            parse: parse_rate,
        })
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit_secs {
            1.0 => "s",
            60.0 => "min",
            3_600.0 => "h",
            _ => "d",
        };
        write!(f, "{}/{unit}", self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capital_m_duration_is_refused_with_minutes_suggested() {
        let err = ron::from_str::<Dur>("\"90M\"").unwrap_err().to_string();
        assert!(err.contains("\"M\" is months"), "{err}");
        assert!(err.contains("write \"90m\" for minutes"), "{err}");
        let err = ron::from_str::<Dur>("\"1h 30 M\"").unwrap_err().to_string();
        assert!(err.contains("write \"1h 30 m\""), "{err}");
        let minutes: Dur = ron::from_str("\"90m\"").unwrap();
        assert_eq!(minutes, Dur(SimDuration::from_secs(5400)));
        assert!(ron::from_str::<Dur>("\"2months\"").is_ok());
    }

    #[test]
    fn rates_convert_to_per_second() {
        assert_eq!(parse_rate("2/s").unwrap().per_sec(), 2.0);
        assert_eq!(parse_rate("1/h").unwrap().per_sec(), 1.0 / 3600.0);
        assert_eq!(parse_rate("0.5 / d").unwrap().per_sec(), 0.5 / 86_400.0);
        assert_eq!(parse_rate("30/min").unwrap().to_string(), "30/min");
    }

    #[test]
    fn rates_print_back_exactly_as_read() {
        // 7.1 / 3600 * 3600 is 7.099999999999999 in floating point.
        assert_eq!(parse_rate("7.1/h").unwrap().to_string(), "7.1/h");
        assert_eq!(parse_rate("0.3/m").unwrap().to_string(), "0.3/min");
        let rate: Rate =
            ron::from_str(&ron::to_string(&parse_rate("7.1/d").unwrap()).unwrap()).unwrap();
        assert_eq!(rate, parse_rate("7.1/d").unwrap());
    }

    #[test]
    fn bad_rates_explain_the_expected_form() {
        assert!(
            parse_rate("fast")
                .unwrap_err()
                .contains("write a rate like")
        );
        assert!(
            parse_rate("x/s")
                .unwrap_err()
                .contains("\"x\" is not a number")
        );
        assert!(
            parse_rate("3/fortnight")
                .unwrap_err()
                .contains("unknown unit \"fortnight\"")
        );
    }
}
