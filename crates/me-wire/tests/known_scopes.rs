//! The generated scope list must equal the schema's enumeration.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeSet;

fn collect(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Array(e)) = m.get("enum") {
                out.extend(e.iter().filter_map(|s| s.as_str().map(str::to_owned)));
            }
            m.values().for_each(|v| collect(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

#[test]
fn known_scopes_match_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../../../spec/userCredentials.json")).unwrap();
    let mut from_schema = BTreeSet::new();
    collect(&schema["properties"]["requestedScopes"], &mut from_schema);
    let ours: BTreeSet<String> = me_wire::KNOWN_SCOPES.iter().map(|s| s.to_string()).collect();
    assert_eq!(ours, from_schema);
    assert!(ours.contains("me.refreshToken") == from_schema.contains("me.refreshToken"));
}
