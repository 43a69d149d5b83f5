//! Ids in MongoDB ObjectId layout: 4-byte seconds, 5 random bytes chosen once
//! per process, 3-byte counter. Sortable by creation second, unique across
//! instances without coordination.

use chrono::{DateTime, Utc};
use rand::RngCore;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct IdGen {
    process: [u8; 5],
    counter: AtomicU32,
}

impl IdGen {
    pub fn new() -> Self {
        let mut process = [0u8; 5];
        rand::thread_rng().fill_bytes(&mut process);
        IdGen { process, counter: AtomicU32::new(rand::thread_rng().next_u32()) }
    }

    pub fn next(&self, now: DateTime<Utc>) -> String {
        let secs = now.timestamp().clamp(0, u32::MAX as i64) as u32;
        let count = self.counter.fetch_add(1, Ordering::Relaxed) & 0x00ff_ffff;
        let mut bytes = [0u8; 12];
        bytes[..4].copy_from_slice(&secs.to_be_bytes());
        bytes[4..9].copy_from_slice(&self.process);
        bytes[9..].copy_from_slice(&count.to_be_bytes()[1..]);
        hex::encode(bytes)
    }
}

impl Default for IdGen {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ids_are_object_ids_and_unique() {
        let g = IdGen::new();
        let t = Utc.timestamp_opt(0x575e_c868, 0).unwrap();
        let a = g.next(t);
        let b = g.next(t);
        assert!(me_wire::id::is_id(&a));
        assert!(a.starts_with("575ec868"));
        assert_ne!(a, b);
        assert_eq!(a[..18], b[..18]);
    }
}
