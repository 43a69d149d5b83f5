//! Ids are 24 hex characters in MongoDB ObjectId layout.

/// Whether `s` has the shape of an id (`^[A-Fa-f\d]{24}$`).
pub fn is_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    #[test]
    fn id_shape() {
        assert!(super::is_id("575ec8687ae143cd83dc4a97"));
        assert!(super::is_id("575EC8687AE143CD83DC4A97"));
        assert!(!super::is_id("575ec8687ae143cd83dc4a9"));
        assert!(!super::is_id("575ec8687ae143cd83dc4a9g"));
    }
}
