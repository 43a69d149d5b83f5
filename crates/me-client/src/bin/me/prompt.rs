//! Prompts: on a terminal, asked (secrets hidden); otherwise one line of
//! standard input each, so scripts and tests can answer them.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, IsTerminal, Write};

fn from_stdin(what: &str) -> Result<String> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line).with_context(|| format!("reading {what}"))?;
    if read == 0 {
        bail!("standard input ended before {what}");
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A secret, hidden as it is typed.
pub fn secret(label: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("{label}: ")).with_context(|| format!("reading {label}"))
    } else {
        from_stdin(label)
    }
}

/// A plain answer.
pub fn line(label: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!("{label}: ");
        std::io::stderr().flush()?;
    }
    from_stdin(label)
}
