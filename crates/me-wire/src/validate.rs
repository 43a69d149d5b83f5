//! The rules of the JSON schemas that serde alone does not enforce: lengths,
//! formats, enums, unique items. Every request body passes `validate()` before
//! any work is done; the message names the field so a caller can fix it.

use crate::known_scopes::is_known_scope;

/// A request body that can check itself against its schema.
pub trait Validate {
    /// `Err` carries a message for a `Validation` error.
    fn validate(&self) -> Result<(), String>;
}

/// Length in characters, as JSON Schema counts it.
fn chars(s: &str) -> usize {
    s.chars().count()
}

pub fn max_len(field: &str, value: &str, max: usize) -> Result<(), String> {
    if chars(value) > max {
        return Err(format!("{field} must be at most {max} characters"));
    }
    Ok(())
}

pub fn len_between(field: &str, value: &str, min: usize, max: usize) -> Result<(), String> {
    let n = chars(value);
    if n < min {
        return Err(format!("{field} must be at least {min} characters"));
    }
    if n > max {
        return Err(format!("{field} must be at most {max} characters"));
    }
    Ok(())
}

pub fn opt_max_len(field: &str, value: &Option<String>, max: usize) -> Result<(), String> {
    match value {
        Some(v) => max_len(field, v, max),
        None => Ok(()),
    }
}

/// `format: email`: one `@`, something before it, a dotted domain after it,
/// no spaces. Deliberately loose: the mailbox is proven by verification.
pub fn email(field: &str, value: &str) -> Result<(), String> {
    max_len(field, value, 1024)?;
    let bad = || Err(format!("{field} must be an email address"));
    let Some((local, domain)) = value.rsplit_once('@') else {
        return bad();
    };
    let domain_ok = !domain.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad();
    }
    Ok(())
}

/// `requestedScopes`: known names, no repeats.
pub fn scopes(field: &str, value: &Option<Vec<String>>) -> Result<(), String> {
    let Some(list) = value else { return Ok(()) };
    for (i, s) in list.iter().enumerate() {
        if !is_known_scope(s) {
            return Err(format!("{field}[{i}] `{s}` is not a known scope"));
        }
        if list[..i].contains(s) {
            return Err(format!("{field}[{i}] `{s}` is repeated"));
        }
    }
    Ok(())
}

/// The password policy of the schemas (`^(?=.*[A-Z])(?=.*[^A-Za-z0-9])(?=.*[0-9])(?=.*[a-z]).{12,}$`,
/// at most 2048 characters).
pub fn password_policy(field: &str, value: &str) -> Result<(), String> {
    let ok = chars(value) >= 12
        && chars(value) <= 2048
        && value.chars().any(|c| c.is_ascii_uppercase())
        && value.chars().any(|c| c.is_ascii_lowercase())
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| !c.is_ascii_alphanumeric())
        && !value.contains('\n');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{field} must be 12 to 2048 characters and contain an uppercase letter, \
             a lowercase letter, a digit and a symbol"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("email", "a@b.co").is_ok());
        assert!(email("email", "first.last+tag@sub.example.com").is_ok());
        for bad in ["", "a", "a@", "@b.co", "a@b", "a b@c.de", "a@.de", "a@de.", "a@b..c"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn policy() {
        assert!(password_policy("p", "Correct-Horse-9").is_ok());
        for bad in ["Short-1a", "alllowercase-123", "ALLUPPERCASE-123", "NoDigitsHere-!", "NoSymbols12345a"] {
            assert!(password_policy("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scope_lists() {
        assert!(scopes("s", &Some(vec!["all.User".into(), "me.get".into()])).is_ok());
        assert!(scopes("s", &Some(vec!["me.nope".into()])).is_err());
        assert!(scopes("s", &Some(vec!["me.get".into(), "me.get".into()])).is_err());
    }
}
