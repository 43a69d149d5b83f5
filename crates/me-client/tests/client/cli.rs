//! The `me` binary, driven as a person or a script would: prompts answered
//! on standard input, the session kept in a config folder of the test's own.

use super::*;
use chrono::Duration;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_me");

struct Cli {
    config: tempfile::TempDir,
    url: String,
}

impl Cli {
    fn new(s: &Server) -> Cli {
        Cli { config: tempfile::tempdir().unwrap(), url: s.url.clone() }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("XDG_CONFIG_HOME", self.config.path())
            .env_remove("ME_API_URL")
            .env_remove("ME_API_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Runs `me args...` with `input` on standard input.
    fn run(&self, args: &[&str], input: &str) -> Output {
        let mut child = self.command(args).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], input: &str) -> String {
        let out = self.run(args, input);
        assert!(out.status.success(), "me {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn login(&self, email: &str, password: &str) -> String {
        self.ok(&["login", "--url", &self.url, "--email", email, "--password-stdin"], &format!("{password}\n"))
    }
}

/// Runs blocking process I/O off the async test's thread, so the in-process
/// server keeps answering.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test]
async fn login_whoami_profile_token_and_logout() {
    let s = server().await;
    signed_up(&s, "ada@example.com").await;
    let cli = Cli::new(&s);
    let cli = blocking(move || {
        assert!(cli.login("ada@example.com", PASSWORD).contains("Logged in"));
        let whoami = cli.ok(&["whoami"], "");
        assert!(whoami.contains("Ada Lovelace <ada@example.com>"), "{whoami}");
        let json: serde_json::Value = serde_json::from_str(&cli.ok(&["--json", "whoami"], "")).unwrap();
        assert_eq!(json["email"], "ada@example.com");
        assert!(cli.ok(&["profile", "set", "--title", "Countess"], "").contains("Updated"));
        let json: serde_json::Value = serde_json::from_str(&cli.ok(&["--json", "whoami"], "")).unwrap();
        assert_eq!(json["title"], "Countess");
        cli.ok(&["token", "refresh"], "");

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = cli.config.path().join("me/config.toml");
            assert_eq!(std::fs::metadata(path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        cli
    })
    .await;

    let wrong = blocking(move || {
        let out = cli
            .run(&["login", "--url", &cli.url, "--email", "ada@example.com", "--password-stdin"], "Wrong-Password-1\n");
        cli.ok(&["logout"], "");
        let after = cli.run(&["whoami"], "");
        (out, after)
    })
    .await;
    assert_eq!(wrong.0.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.0.stderr).contains("Invalid email or password"));
    assert_eq!(wrong.1.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.1.stderr).contains("not logged in"));
}

#[tokio::test]
async fn usage_errors_exit_2_and_the_environment_overrides_the_file() {
    let s = server().await;
    let client = signed_up(&s, "ada@example.com").await;
    let cli = Cli::new(&s);
    let token = client.token().unwrap();
    let url = s.url.clone();
    let (bogus, env) = blocking(move || {
        let bogus = cli.run(&["bogus"], "");
        let env =
            cli.command(&["--json", "whoami"]).env("ME_API_URL", &url).env("ME_API_TOKEN", &token).output().unwrap();
        (bogus, env)
    })
    .await;
    assert_eq!(bogus.status.code(), Some(2));
    assert!(env.status.success(), "{}", String::from_utf8_lossy(&env.stderr));
    assert!(String::from_utf8_lossy(&env.stdout).contains("ada@example.com"));
}

#[tokio::test]
async fn two_factor_setup_answered_from_the_test_then_login_with_a_code() {
    let s = server().await;
    signed_up(&s, "ada@example.com").await;
    let cli = Cli::new(&s);
    let cli = blocking(move || {
        cli.login("ada@example.com", PASSWORD);
        cli
    })
    .await;

    // Start the setup, read the key it prints, then answer its prompts.
    let mut child = cli.command(&["2fa", "setup"]).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (key, rest) = blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let key = loop {
            let line = lines.next().expect("the key is printed").unwrap();
            if let Some(key) = line.strip_prefix("Key: ") {
                break key.to_owned();
            }
        };
        (key, lines)
    })
    .await;
    assert_eq!(key.len(), 52);
    let answer = format!("{PASSWORD}\n{}\n", code(&s, &key));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answer.as_bytes()).unwrap();
    drop(stdin);
    let (status, tail) = blocking(move || {
        let tail: Vec<String> = rest.map(|l| l.unwrap()).collect();
        (child.wait().unwrap(), tail.join("\n"))
    })
    .await;
    assert!(status.success(), "{tail}");
    assert!(tail.contains("Two-factor auth is on"), "{tail}");

    // Logging in now asks for a code: given with --code, or answered at the prompt.
    s.clock.advance(Duration::seconds(30));
    let with_flag = code(&s, &key);
    s.clock.advance(Duration::seconds(30));
    let at_prompt = code(&s, &key);
    let url = s.url.clone();
    blocking(move || {
        let out = cli.ok(
            &["login", "--url", &url, "--email", "ada@example.com", "--code", &with_flag],
            &format!("{PASSWORD}\n"),
        );
        assert!(out.contains("Logged in"));
        let out =
            cli.ok(&["login", "--url", &url, "--email", "ada@example.com"], &format!("{PASSWORD}\n{at_prompt}\n"));
        assert!(out.contains("Logged in"));
        let json: serde_json::Value = serde_json::from_str(&cli.ok(&["--json", "whoami"], "")).unwrap();
        assert_eq!(json["twoFactorAuthEnabled"], true);
    })
    .await;
}

#[tokio::test]
async fn invites_recent_transfer_usage_and_delete() {
    let s = server().await;
    let ada = signed_up(&s, "ada@example.com").await;
    signed_up(&s, "bob@example.com").await;
    let org =
        ada.orgs().post(&me_wire::platform::OrgPost { name: "Engines".into(), ..Default::default() }).await.unwrap();
    let invite = me_wire::platform::OrgInvitePost {
        email: "bob@example.com".into(),
        role: "view".into(),
        application_roles: None,
        dashboard_roles: None,
        disallow_transfer: None,
    };
    ada.org(&org.id).invite_member(&invite).await.unwrap();
    let app = ada
        .applications()
        .post(&me_wire::platform::ApplicationPost { name: "Mill".into(), ..Default::default() })
        .await
        .unwrap();
    ada.devices(&app.id)
        .post(&me_wire::platform::ChildPost { name: "Gear".into(), ..Default::default() })
        .await
        .unwrap();

    let bob = Cli::new(&s);
    let ada_cli = Cli::new(&s);
    let (org_id, app_id) = (org.id.clone(), app.id.clone());
    let today = {
        use me_core::Clock;
        s.clock.now().format("%Y-%m-%d").to_string()
    };
    blocking(move || {
        bob.login("bob@example.com", PASSWORD);
        let list = bob.ok(&["invites"], "");
        assert!(list.contains("Engines as view"), "{list}");
        let invites: serde_json::Value = serde_json::from_str(&bob.ok(&["--json", "invites"], "")).unwrap();
        let id = invites[0]["id"].as_str().unwrap().to_owned();
        assert!(bob.ok(&["invites", "show", &id], "").contains("Engines invites you as view"));
        assert!(bob.ok(&["invites", "reject", &id], "").contains("Invitation rejected"));
        let again = bob.run(&["invites", "accept", &id], "");
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("(NotFound)"));

        ada_cli.login("ada@example.com", PASSWORD);
        assert!(ada_cli.ok(&["recent", "add", "application", &app_id], "").contains("Mill"));
        assert!(ada_cli.ok(&["recent", "application"], "").contains(&app_id));
        assert!(
            ada_cli.ok(&["transfer", "--to-org", &org_id, "--app", &app_id, "--strict"], "").contains("Transferred")
        );
        assert!(ada_cli.ok(&["transfer", "--to-sandbox", "--app", &app_id], "").contains("Transferred"));
        let chart = ada_cli.ok(&["usage", "devices", "--from", "2026-01-01", "--to", &today], "");
        assert!(chart.contains("day") && chart.contains('█'), "{chart}");
        let json: serde_json::Value =
            serde_json::from_str(&ada_cli.ok(&["--json", "usage", "breakdown", "--hourly"], "")).unwrap();
        assert!(json["counts"].as_array().unwrap().len() > 24 * 29);
        assert!(ada_cli.ok(&["usage", "payloads"], "").contains("No payloads"));
        let bad_date = ada_cli.run(&["usage", "devices", "--from", "yesterday"], "");
        assert_eq!(bad_date.status.code(), Some(1));

        // Deleting asks for the email unless --yes, then the password.
        let refused = ada_cli.run(&["account", "delete"], "not-me@example.com\n");
        assert_eq!(refused.status.code(), Some(1));
        assert!(ada_cli.ok(&["account", "delete", "--yes"], &format!("{PASSWORD}\n")).contains("deleted"));
    })
    .await;
}
