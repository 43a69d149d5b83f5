//! Secrets the server keeps in its data folder when the environment gives
//! none: generated once, written with mode 0600, read on every later start.

use anyhow::{bail, Context};
use rand::RngCore;
use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Write};
use std::path::Path;

/// The secret in `dir/name`, creating it (32 random bytes, hex) if absent.
/// Two processes starting at once agree: only one creates the file.
pub fn load_or_create(dir: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating data folder {}", dir.display()))?;
    let path = dir.join(name);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(&path) {
        Ok(mut file) => {
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let text = hex::encode(bytes);
            file.write_all(text.as_bytes())
                .and_then(|_| file.sync_all())
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(text.into_bytes())
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            let mut text = String::new();
            std::fs::File::open(&path)
                .and_then(|mut f| f.read_to_string(&mut text))
                .with_context(|| format!("reading {}", path.display()))?;
            let text = text.trim();
            if text.len() < 32 {
                bail!("{} is shorter than 32 characters; delete it to have a new one made", path.display());
            }
            Ok(text.as_bytes().to_vec())
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn created_once_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let a = super::load_or_create(dir.path(), "token-secret").unwrap();
        let b = super::load_or_create(dir.path(), "token-secret").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("token-secret")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
