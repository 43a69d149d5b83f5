//! Where `me` keeps its session: `$XDG_CONFIG_HOME/me/config.toml` (or
//! `~/.config/me/config.toml`), mode 0600. `ME_API_URL` and `ME_API_TOKEN`
//! override the file.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;

pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Config {
    pub url: Option<String>,
    pub token: Option<String>,
}

pub fn path() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME").context("neither XDG_CONFIG_HOME nor HOME is set")?;
            PathBuf::from(home).join(".config")
        }
    };
    Ok(base.join("me").join("config.toml"))
}

impl Config {
    /// The saved session, or an empty one.
    pub fn load() -> Result<Config> {
        let path = path()?;
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).with_context(|| format!("reading {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Writes the session, readable by its owner only.
    pub fn save(&self) -> Result<()> {
        let path = path()?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let text = toml::to_string(self)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(text.as_bytes())?;
        Ok(())
    }

    /// The URL in force: `ME_API_URL`, the file, the default.
    pub fn url(&self) -> String {
        std::env::var("ME_API_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(|| self.url.clone())
            .unwrap_or_else(|| DEFAULT_URL.to_owned())
    }

    /// The token in force: `ME_API_TOKEN`, then the file.
    pub fn token(&self) -> Option<String> {
        std::env::var("ME_API_TOKEN").ok().filter(|t| !t.is_empty()).or_else(|| self.token.clone())
    }
}
