//! `me`: the Me API at a terminal. Every command has `--json` for scripts;
//! errors print the server's message and exit 1 (2 for usage errors).

mod chart;
mod commands;
mod config;
mod prompt;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "me", version, about = "The Losant Me API from the command line")]
pub struct Cli {
    /// Print the raw JSON answer.
    #[arg(long, global = true)]
    pub json: bool,
    /// API base URL (overrides the saved one and ME_API_URL).
    #[arg(long, global = true)]
    pub url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Log in and save the session.
    Login {
        #[arg(long)]
        email: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
        /// The two-factor code, when the account has 2FA on.
        #[arg(long)]
        code: Option<String>,
    },
    /// Forget the saved session.
    Logout,
    /// Show who is logged in.
    Whoami,
    /// Change the profile.
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Change the password.
    Password {
        #[command(subcommand)]
        command: PasswordCommand,
    },
    /// Token operations.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Account operations.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Two-factor auth.
    #[command(name = "2fa")]
    TwoFactor {
        #[command(subcommand)]
        command: TwoFactorCommand,
    },
    /// Email verification.
    Email {
        #[command(subcommand)]
        command: EmailCommand,
    },
    /// Organisation invitations addressed to you.
    Invites {
        #[command(subcommand)]
        command: Option<InviteCommand>,
    },
    /// Recently used items: `me recent TYPE [--parent ID]`, `me recent add TYPE ID`.
    #[command(args_conflicts_with_subcommands = true)]
    Recent {
        #[command(subcommand)]
        command: Option<RecentCommand>,
        /// application, device, flow, dashboard or organization.
        item_type: Option<String>,
        #[arg(long)]
        parent: Option<String>,
    },
    /// Move applications and dashboards.
    Transfer(TransferArgs),
    /// Usage counters, as a table and a bar chart.
    Usage {
        what: UsageKind,
        /// First day (`2026-11-01`) or ms since the epoch.
        #[arg(long)]
        from: Option<String>,
        /// Last day (`2026-11-30`, inclusive) or ms since the epoch.
        #[arg(long)]
        to: Option<String>,
        /// Hourly buckets (breakdown only).
        #[arg(long)]
        hourly: bool,
        /// Bytes instead of counts (breakdown only).
        #[arg(long)]
        bytes: bool,
    },
}

#[derive(Subcommand)]
pub enum ProfileCommand {
    /// Set profile fields.
    Set {
        #[arg(long)]
        first_name: Option<String>,
        #[arg(long)]
        last_name: Option<String>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        location: Option<String>,
        #[arg(long)]
        website: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum PasswordCommand {
    /// Change the password (prompts for the current and the new one).
    Change {
        /// Log out every other session.
        #[arg(long)]
        invalidate_others: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Replace the saved token with a fresh one.
    Refresh,
}

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Delete the account and everything it owns.
    Delete {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
pub enum TwoFactorCommand {
    /// Generate a key, show it as a QR code, and turn 2FA on with a code.
    Setup,
    /// Turn 2FA off.
    Disable,
}

#[derive(Subcommand)]
pub enum EmailCommand {
    /// Mail a verification link to your address.
    Verify,
}

#[derive(Subcommand)]
pub enum InviteCommand {
    Show { id: String },
    Accept { id: String },
    Reject { id: String },
    Dismiss { id: String },
}

#[derive(Subcommand)]
pub enum RecentCommand {
    /// Put an item first in its recent list.
    Add {
        item_type: String,
        id: String,
        #[arg(long)]
        parent: Option<String>,
    },
}

#[derive(Args)]
pub struct TransferArgs {
    /// Move into this organisation.
    #[arg(long, conflicts_with = "to_sandbox", required_unless_present = "to_sandbox")]
    pub to_org: Option<String>,
    /// Move into your own sandbox.
    #[arg(long)]
    pub to_sandbox: bool,
    #[arg(long = "app")]
    pub apps: Vec<String>,
    #[arg(long = "dashboard")]
    pub dashboards: Vec<String>,
    /// All or nothing.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum UsageKind {
    Devices,
    Payloads,
    Breakdown,
    Notebooks,
}

fn main() -> ExitCode {
    // `me usage devices | head` closes the pipe early: end quietly, as Unix
    // tools do, instead of panicking on the next write.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<me_client::Error>() {
                Some(me_client::Error::Api { message, kind, .. }) => eprintln!("error: {message} ({kind})"),
                _ => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}
