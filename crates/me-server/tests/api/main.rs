//! Every route over real HTTP: a server on port 0 with a fresh database per
//! test, called with reqwest, every body checked against its JSON schema.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

mod stand_ins;

mod auth;
mod binary;
mod contract;
mod email;
mod github;
mod invites;
mod me;
mod platform;
mod postgres;
mod recent;
mod scopes;
mod second_factor;
mod signup;
mod transfer;
mod usage;
