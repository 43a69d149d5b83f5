//! What each command does, on top of the SDK.

use crate::config::Config;
use crate::{
    AccountCommand, Cli, Command, EmailCommand, InviteCommand, PasswordCommand, ProfileCommand, RecentCommand,
    TokenCommand, TransferArgs, TwoFactorCommand, UsageKind,
};
use crate::{chart, prompt};
use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, TimeZone, Utc};
use me_client::me::{BreakdownParams, CountsParams, FetchRecentParams, GetParams, PatchParams};
use me_client::{Client, DomainParams};
use me_wire::me::RecentItemList;
use me_wire::platform::{OrgInviteActionUser, RecentItemPost, ResourceTransfer};
use me_wire::{ChangePassword, DisableTwoFactorAuth, EnableTwoFactorAuth, MePatch, UserCredentials};
use serde::Serialize;

/// Prints `value` as JSON with `--json`, else runs `human`.
fn show<T: Serialize>(json: bool, value: &T, human: impl FnOnce(&T)) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        human(value);
    }
    Ok(())
}

fn none() -> DomainParams {
    DomainParams::default()
}

/// A client for the saved (or given) URL, with the session's token.
fn session(cli_url: &Option<String>) -> Result<(Client, Config)> {
    let config = Config::load()?;
    let url = cli_url.clone().unwrap_or_else(|| config.url());
    let client = Client::new(&url)?;
    match config.token() {
        Some(token) => client.set_token(token),
        None => bail!("not logged in: run `me login --email ...` (or set ME_API_TOKEN)"),
    }
    Ok((client, config))
}

fn is_code_request(e: &me_client::Error) -> bool {
    matches!(e, me_client::Error::Api { status: 401, message, .. } if message.contains("code is required"))
}

pub async fn run(cli: Cli) -> Result<()> {
    let json = cli.json;
    match cli.command {
        Command::Login { email, password_stdin: _, code } => {
            // Without a terminal the password is read from standard input
            // anyway; `--password-stdin` just says so.
            let mut config = Config::load()?;
            let url = cli.url.clone().unwrap_or_else(|| config.url());
            let client = Client::new(&url)?;
            let password = prompt::secret("Password")?;
            let mut credentials = UserCredentials {
                email: email.clone(),
                password: password.into(),
                two_factor_code: code.map(Into::into),
                ..Default::default()
            };
            let authed = match client.auth().authenticate_user(&credentials).await {
                Err(e) if is_code_request(&e) => {
                    credentials.two_factor_code = Some(prompt::line("Two-factor code")?.into());
                    client.auth().authenticate_user(&credentials).await?
                }
                other => other?,
            };
            config.url = Some(url.clone());
            config.token = Some(authed.token.clone());
            config.save()?;
            show(json, &authed, |_| println!("Logged in to {url} as {email}"))
        }
        Command::Logout => {
            let mut config = Config::load()?;
            config.token = None;
            config.save()?;
            show(json, &serde_json::json!({"success": true}), |_| println!("Logged out"))
        }
        Command::Whoami => {
            let (client, _) = session(&cli.url)?;
            let me = client.me().get(&GetParams::default()).await?;
            show(json, &me, |me| {
                println!("{} <{}>", me.full_name, me.email);
                println!("id:              {}", me.id);
                println!("email verified:  {}", me.email_verified);
                println!("two-factor auth: {}", if me.two_factor_auth_enabled { "on" } else { "off" });
                if let Some(gh) = &me.github_name {
                    println!("GitHub:          {gh}");
                }
                let s = &me.summary;
                println!(
                    "owns:            {} applications, {} devices, {} dashboards; member of {} organizations",
                    s.app_count.unwrap_or(0),
                    s.device_count.unwrap_or(0),
                    s.dash_count.unwrap_or(0),
                    s.org_count.unwrap_or(0)
                );
            })
        }
        Command::Profile {
            command: ProfileCommand::Set { first_name, last_name, title, company, phone, location, website },
        } => {
            let (client, _) = session(&cli.url)?;
            let patch = MePatch {
                first_name,
                last_name,
                title,
                company_name: company,
                phone_number: phone,
                location,
                url: website,
                ..Default::default()
            };
            if patch == MePatch::default() {
                bail!("nothing to change: give at least one of --first-name, --last-name, --title, ...");
            }
            let me = client.me().patch(&patch, &PatchParams::default()).await?;
            show(json, &me, |me| println!("Updated: {} <{}>", me.full_name, me.email))
        }
        Command::Password { command: PasswordCommand::Change { invalidate_others } } => {
            let (client, mut config) = session(&cli.url)?;
            let me = client.me().get(&GetParams::default()).await?;
            let current = prompt::secret("Current password")?;
            let new = prompt::secret("New password")?;
            let code = if me.two_factor_auth_enabled { Some(prompt::line("Two-factor code")?.into()) } else { None };
            let change = ChangePassword {
                password: current.into(),
                new_password: new.into(),
                two_factor_code: code,
                invalidate_existing_tokens: Some(invalidate_others),
                token_ttl: None,
            };
            let authed = client.me().change_password(&change, &none()).await?;
            config.token = Some(authed.token.clone());
            config.save()?;
            show(json, &authed, |_| println!("Password changed"))
        }
        Command::Token { command: TokenCommand::Refresh } => {
            let (client, mut config) = session(&cli.url)?;
            let authed = client.me().refresh_token(&none()).await?;
            config.token = Some(authed.token.clone());
            config.save()?;
            show(json, &authed, |_| println!("Token refreshed"))
        }
        Command::Account { command: AccountCommand::Delete { yes } } => {
            let (client, mut config) = session(&cli.url)?;
            let me = client.me().get(&GetParams::default()).await?;
            if !yes {
                let answer =
                    prompt::line(&format!("Delete {} and everything it owns? Type the email to confirm", me.email))?;
                if answer.trim().to_lowercase() != me.email {
                    bail!("not confirmed; nothing was deleted");
                }
            }
            let password = prompt::secret("Password")?;
            let code = if me.two_factor_auth_enabled { Some(prompt::line("Two-factor code")?.into()) } else { None };
            let credentials = UserCredentials {
                email: me.email.clone(),
                password: password.into(),
                two_factor_code: code,
                ..Default::default()
            };
            let done = client.me().delete(&credentials, &none()).await?;
            config.token = None;
            config.save()?;
            show(json, &done, |_| println!("Account {} deleted", me.email))
        }
        Command::TwoFactor { command: TwoFactorCommand::Setup } => {
            let (client, _) = session(&cli.url)?;
            let info = client.me().generate_two_factor_auth(&none()).await?;
            if !json {
                println!("Scan this with an authenticator app, or type the key.\n");
                println!("{}", qr(&info.key_uri)?);
                println!("Key: {}", info.key);
                println!("URI: {}\n", info.key_uri);
            }
            use std::io::Write;
            std::io::stdout().flush()?;
            let password = prompt::secret("Password")?;
            let code = prompt::line("Code from the app")?;
            let enable = EnableTwoFactorAuth {
                two_factor_auth_key: Some(info.key.clone()),
                password: password.into(),
                two_factor_code: code.into(),
            };
            let me = client.me().enable_two_factor_auth(&enable, &none()).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"key": info.key, "keyUri": info.key_uri, "me": me})
                    )?
                );
            } else {
                println!("Two-factor auth is on for {}", me.email);
            }
            Ok(())
        }
        Command::TwoFactor { command: TwoFactorCommand::Disable } => {
            let (client, _) = session(&cli.url)?;
            let password = prompt::secret("Password")?;
            let code = prompt::line("Two-factor code")?;
            let data = DisableTwoFactorAuth { password: password.into(), two_factor_code: code.into() };
            let me = client.me().disable_two_factor_auth(&data, &none()).await?;
            show(json, &me, |me| println!("Two-factor auth is off for {}", me.email))
        }
        Command::Email { command: EmailCommand::Verify } => {
            let (client, _) = session(&cli.url)?;
            let done = client.me().verify_email(&none()).await?;
            show(json, &done, |_| println!("If the address is not verified yet, a link is on its way"))
        }
        Command::Invites { command } => invites(&cli.url, json, command).await,
        Command::Recent { command, item_type, parent } => {
            let (client, _) = session(&cli.url)?;
            let list = match command {
                Some(RecentCommand::Add { item_type, id, parent }) => {
                    let item = RecentItemPost { item_type, parent_id: parent, item_id: id };
                    client.me().add_recent_item(&item, &none()).await?
                }
                None => {
                    let Some(item_type) = item_type else {
                        bail!("give an item type: application, device, flow, dashboard or organization");
                    };
                    let params = FetchRecentParams { parent_id: parent, ..Default::default() };
                    client.me().fetch_recent_items(&item_type, &params).await?
                }
            };
            show(json, &list, print_recent)
        }
        Command::Transfer(args) => transfer(&cli.url, json, args).await,
        Command::Usage { what, from, to, hourly, bytes } => usage(&cli.url, json, what, from, to, hourly, bytes).await,
    }
}

fn print_recent(list: &RecentItemList) {
    if list.items.is_empty() {
        println!("No recent {}s", list.item_type);
    }
    for item in &list.items {
        println!("{}  {}", item.id, item.name);
    }
}

async fn invites(url: &Option<String>, json: bool, command: Option<InviteCommand>) -> Result<()> {
    let (client, _) = session(url)?;
    let respond = |id: String, action: &str| (id, OrgInviteActionUser { action: action.to_owned() });
    let (id, action) = match command {
        None => {
            let list = client.me().invites(&none()).await?;
            return show(json, &list, |list| {
                if list.is_empty() {
                    println!("No invitations");
                }
                for i in list {
                    let by = i.invited_by.email.as_deref().unwrap_or("?");
                    let state = if i.expired { "expired" } else { "pending" };
                    println!("{}  {} as {} (from {by}, {state})", i.id, i.org_name, i.role);
                }
            });
        }
        Some(InviteCommand::Show { id }) => {
            let invite = client.me().invite(&id, &none()).await?;
            return show(json, &invite, |i| {
                println!("{} invites you as {} (sent {})", i.org_name, i.role, me_wire::time::format(&i.invite_date));
            });
        }
        Some(InviteCommand::Accept { id }) => respond(id, "accept"),
        Some(InviteCommand::Reject { id }) => respond(id, "reject"),
        Some(InviteCommand::Dismiss { id }) => respond(id, "dismiss"),
    };
    let result = client.me().respond_to_invite(&id, &action, &none()).await?;
    show(json, &result, |r| println!("Invitation {}", r.result))
}

async fn transfer(url: &Option<String>, json: bool, args: TransferArgs) -> Result<()> {
    let (client, _) = session(url)?;
    if args.apps.is_empty() && args.dashboards.is_empty() {
        bail!("name at least one --app or --dashboard");
    }
    let (destination_id, destination_type) = match args.to_org {
        Some(org) => (org, "organization"),
        None => (client.me().get(&GetParams::default()).await?.id, "user"),
    };
    let body = ResourceTransfer {
        destination_id,
        destination_type: destination_type.into(),
        application_ids: Some(args.apps),
        dashboard_ids: Some(args.dashboards),
        strict: Some(args.strict),
    };
    let done = client.me().transfer_resources(&body, &none()).await?;
    show(json, &done, |_| println!("Transferred"))
}

/// `2026-11-01` (the day's start, or with `end_of_day` its last millisecond)
/// or ms since the epoch.
fn parse_date(text: &str, end_of_day: bool) -> Result<String> {
    if text.chars().all(|c| c.is_ascii_digit()) {
        return Ok(text.to_owned());
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .with_context(|| format!("`{text}` is not a date like 2026-11-01 or ms since the epoch"))?;
    let start = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).context("midnight")?);
    let t = if end_of_day { start + chrono::Duration::days(1) - chrono::Duration::milliseconds(1) } else { start };
    Ok(t.timestamp_millis().to_string())
}

fn day(t: &chrono::DateTime<Utc>, hourly: bool) -> String {
    if hourly { t.format("%Y-%m-%d %H:00").to_string() } else { t.format("%Y-%m-%d").to_string() }
}

async fn usage(
    url: &Option<String>,
    json: bool,
    what: UsageKind,
    from: Option<String>,
    to: Option<String>,
    hourly: bool,
    bytes: bool,
) -> Result<()> {
    let (client, _) = session(url)?;
    let start = from.as_deref().map(|f| parse_date(f, false)).transpose()?;
    let end = to.as_deref().map(|t| parse_date(t, true)).transpose()?;
    let range = CountsParams { start: start.clone(), end: end.clone(), ..Default::default() };
    match what {
        UsageKind::Devices => {
            let counts = client.me().device_counts(&range).await?;
            show(json, &counts, |c| {
                let rows: Vec<_> = c
                    .counts
                    .iter()
                    .map(|d| (day(&d.date, false), d.total, vec![d.created.to_string(), d.deleted.to_string()]))
                    .collect();
                chart::bars(&["day", "devices", "created", "deleted"], &rows);
            })
        }
        UsageKind::Payloads => {
            let stats = client.me().payload_counts(&range).await?;
            show(json, &stats, |s| {
                let rows: Vec<_> = s
                    .iter()
                    .flat_map(|(kind, sources)| {
                        sources.iter().map(move |(source, n)| (format!("{kind} / {source}"), *n, vec![]))
                    })
                    .collect();
                if rows.is_empty() {
                    println!("No payloads in this range");
                }
                chart::bars(&["type / source", "payloads"], &rows);
            })
        }
        UsageKind::Breakdown => {
            let params = BreakdownParams {
                start,
                end,
                resolution: hourly.then(|| "3600000".to_owned()),
                as_bytes: bytes.then_some(true),
                ..Default::default()
            };
            let counts = client.me().payload_counts_breakdown(&params).await?;
            show(json, &counts, |c| {
                let rows: Vec<_> = c.counts.iter().map(|d| (day(&d.date, hourly), d.value, vec![])).collect();
                chart::bars(&[if hourly { "hour" } else { "day" }, if bytes { "bytes" } else { "payloads" }], &rows);
            })
        }
        UsageKind::Notebooks => {
            let counts = client.me().notebook_minute_counts(&range).await?;
            show(json, &counts, |c| {
                let rows: Vec<_> = c
                    .counts
                    .iter()
                    .map(|d| {
                        let runs = [d.completed, d.canceled, d.errored, d.timeout].map(|n| n.to_string()).to_vec();
                        (day(&d.date, false), d.minutes, runs)
                    })
                    .collect();
                chart::bars(&["day", "minutes", "completed", "canceled", "errored", "timeout"], &rows);
            })
        }
    }
}

/// The `otpauth://` URI as a QR code in text, two rows of modules a line.
fn qr(uri: &str) -> Result<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).context("making the QR code")?;
    Ok(code.render::<qrcode::render::unicode::Dense1x2>().quiet_zone(true).build())
}
