//! Times in bodies are RFC 3339 UTC with milliseconds and `Z`
//! (`2026-12-03T12:00:00.000Z`); times in query strings are ms since epoch.

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats a time the way every body carries it.
pub fn format(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses any RFC 3339 time (with an offset) into UTC.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// `#[serde(with = "me_wire::time::ms")]` for a required time field.
pub mod ms {
    use chrono::{DateTime, Utc};
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        super::parse(&s).ok_or_else(|| D::Error::custom(format!("`{s}` is not an ISO 8601 time")))
    }
}

/// `#[serde(default, with = "me_wire::time::ms_opt", skip_serializing_if = "Option::is_none")]`.
pub mod ms_opt {
    use chrono::{DateTime, Utc};
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => {
                super::parse(&s).map(Some).ok_or_else(|| D::Error::custom(format!("`{s}` is not an ISO 8601 time")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_with_millis_and_z() {
        let t = Utc.timestamp_millis_opt(1_764_763_200_123).unwrap();
        assert_eq!(format(&t), "2025-12-03T12:00:00.123Z");
        assert_eq!(parse("2025-12-03T13:00:00.123+01:00"), Some(t));
        assert_eq!(parse("yesterday"), None);
    }
}
