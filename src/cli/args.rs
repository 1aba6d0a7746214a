//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::report::EXIT_CODES_HELP;

#[derive(Debug, Parser)]
#[command(name = "sso-launcher", version, about = "Open a provider's sign-on page, or hand out a fresh token, from saved accounts.", after_help = EXIT_CODES_HELP, override_usage = "sso-launcher [OPTIONS] [COMMAND]\n       sso-launcher [OPTIONS] sso-launcher://launch/ACCOUNT-ID")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Folder for accounts.toml and settings.toml.
    #[arg(
        long,
        global = true,
        env = "SSO_LAUNCHER_CONFIG_DIR",
        value_name = "DIR"
    )]
    pub config_dir: Option<PathBuf>,
    /// Folder for the audit log and lock files (default: beside an overridden config dir).
    #[arg(long, global = true, env = "SSO_LAUNCHER_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where secrets are kept: the OS keyring, a passphrase-encrypted file (vault.age), or
    /// memory (forgotten at exit; tests and demos). Without it: SSO_LAUNCHER_VAULT, else
    /// `vault` in settings.toml, else the keyring.
    #[arg(long, global = true, value_enum, value_name = "VAULT")]
    pub vault: Option<VaultChoice>,
    /// Print data as JSON on stdout, and errors as JSON on stderr.
    #[arg(long, global = true)]
    pub json: bool,
    /// Browser command for this run, with {url} where the URL goes (e.g. "firefox --private-window {url}").
    #[arg(long, global = true, value_name = "CMD")]
    pub browser: Option<String>,
    /// HTTP timeout in seconds for this run (default: settings.toml, else 30).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub http_timeout: Option<f64>,
    /// Run against the built-in sandbox with demo accounts, in a temporary folder and the memory vault.
    #[arg(long, global = true)]
    pub demo: bool,
    /// When a sign-in matches several accounts (AGS): the one to use, by its number from 1
    /// or part of its name. Without it, a terminal is asked, else the choices are listed.
    #[arg(long, global = true, value_name = "TEXT")]
    pub pick: Option<String>,
    /// Start with only the tray icon (the window stays hidden until opened from the tray).
    #[arg(long, global = true, visible_alias = "minimized")]
    pub minimised: bool,
    /// How the window draws: wgpu (default) or glow, for machines where wgpu fails.
    #[arg(
        long,
        global = true,
        env = "SSO_LAUNCHER_RENDERER",
        value_enum,
        default_value = "wgpu"
    )]
    pub renderer: RendererArg,
    /// More logging on stderr (-v, -vv). Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RendererArg {
    Wgpu,
    Glow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VaultChoice {
    Keyring,
    File,
    Memory,
}

/// The vaults secrets can move between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VaultTarget {
    Keyring,
    File,
}

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Move every secret to the other vault, then use it (settings.toml's `vault`). The old
    /// vault keeps them until the new one has them all; run it again if it was interrupted.
    Migrate {
        /// Where the secrets go.
        #[arg(long, value_enum)]
        to: VaultTarget,
    },
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, edit, list, check, import and export accounts.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Open the account's sign-on page with a fresh one-time link.
    Launch(LaunchArgs),
    /// Print a valid session token for scripts (signing in first when needed).
    Token(NameArg),
    /// Sign in afresh (through the browser for providers that sign in there).
    Login(LoginArgs),
    /// Sign out at the provider where it has a sign-out call, and forget the cached tokens.
    Logout(NameArg),
    /// List the services an AGS gateway offers and the parameters each sign-on needs.
    Discover(DiscoverArgs),
    /// Serve the strict local sandbox of the providers and print its base URLs as JSON.
    Sandbox(SandboxArgs),
    /// Check the vault, the config and data folders, the browser and the proxy.
    Doctor,
    /// Credential sets: secrets many accounts share (one API user acting for many customers).
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Move secrets between the OS keyring and the vault file.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Who opened what, when, for which ticket: the audit log, filtered.
    Audit(AuditArgs),
    /// Read and change settings.toml, checked as the window's Settings tab checks them.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Open the quick-launch window: a search box and the matching accounts (in the running
    /// app, which is started when none runs).
    Quick,
    /// Print shell completions.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only records from this moment on: RFC 3339 (2026-11-30T09:00:00Z) or a day
    /// (2026-11-30, from its midnight UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only records of accounts whose name contains this (ignoring case), or with this id.
    #[arg(long, value_name = "Q")]
    pub account: Option<String>,
    /// Only records for this ticket (ignoring case).
    #[arg(long, value_name = "T")]
    pub ticket: Option<String>,
    /// table (the default), json (the same as --json) or csv (for a spreadsheet).
    #[arg(long, value_enum)]
    pub format: Option<AuditFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Every setting: its value, or that the default applies.
    List,
    /// One setting's value (empty when the default applies).
    Get { key: String },
    /// Sets a setting: VALUE as TOML (true, 30, ["production"]) or else as text.
    Set { key: String, value: String },
    /// Removes a setting from settings.toml: the default applies again.
    Unset { key: String },
}

#[derive(Debug, Args)]
pub struct NameArg {
    /// Account id, name, or a unique start of a name (case-insensitive).
    pub name: String,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Account id, name, or a unique start of a name (case-insensitive).
    pub name: String,
    /// The ticket you work on (INC-123), kept in the audit log; needed when
    /// `require_ticket` is on.
    #[arg(long, value_name = "REF")]
    pub ticket: Option<String>,
}

#[derive(Debug, Args)]
pub struct LaunchArgs {
    /// Account id, name, or a unique start of a name (case-insensitive).
    pub name: String,
    /// Print the one-time link instead of opening a browser.
    #[arg(long, conflicts_with = "copy")]
    pub print_url: bool,
    /// Copy the one-time link to the clipboard; it is cleared when it expires.
    #[arg(long)]
    pub copy: bool,
    /// The ticket you work on (INC-123), kept in the audit log; needed when
    /// `require_ticket` is on.
    #[arg(long, value_name = "REF")]
    pub ticket: Option<String>,
    /// Launch an account whose stage asks first (`confirm_stages`, default production)
    /// without asking; without a terminal to ask on, such a launch needs it.
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// A saved AGS account whose gateway to ask (or give --base-url).
    #[arg(required_unless_present = "base_url")]
    pub name: Option<String>,
    /// The gateway's origin, https://host[:port], before an account exists.
    #[arg(long, conflicts_with = "name")]
    pub base_url: Option<String>,
    /// The tenant id (nv-tenant-id), with --base-url.
    #[arg(long, requires = "base_url")]
    pub tenant_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Save a new account. Secrets are prompted for, or read from stdin.
    Add(AddArgs),
    /// Change an account.
    Edit(EditArgs),
    /// List the accounts.
    List(ListArgs),
    /// Show one account (secrets only as set / not set).
    Show(NameArg),
    /// Remove an account, its keyring entries and cached tokens.
    Remove(RemoveArgs),
    /// Test a setup without opening anything: sign in and fetch a sign-on link; a browser
    /// sign-in is checked up to the browser (discovery, keys, redirect port) and a held
    /// session is renewed.
    Check(NameArg),
    /// Write all accounts (never secrets) as JSON to FILE or stdout.
    Export(ExportArgs),
    /// Add the accounts from an export file (JSON or TOML); a bad file changes nothing.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only the accounts this finds, best first, ranked as the window's search ranks them
    /// (name, tags, stage, provider, notes, the settings that name the customer).
    #[arg(long, value_name = "Q")]
    pub search: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file to write (stdout without it); its extension (.toml, .json) says the format
    /// unless --format does.
    pub file: Option<PathBuf>,
    /// Only accounts with this tag.
    #[arg(long, value_name = "T", conflicts_with = "search")]
    pub tag: Option<String>,
    /// Only the accounts the list's search finds for this.
    #[arg(long, value_name = "Q")]
    pub search: Option<String>,
    /// json (the default without a .toml file) or toml.
    #[arg(long, value_enum)]
    pub format: Option<ExportFormatArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    Json,
    Toml,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file written by `accounts export` (JSON or TOML).
    pub file: PathBuf,
    /// Say what the import would do, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// What to do with an account that is here already (the same id, else the same name):
    /// refuse (import nothing), skip it, replace it (keeping its id and secrets), or rename
    /// the imported one.
    #[arg(long, value_enum, default_value = "refuse")]
    pub on_conflict: OnConflictArg,
    /// For a CSV file: import the good rows and report the others (exit 3 when any was
    /// skipped); without it, a bad row imports nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnConflictArg {
    Refuse,
    Skip,
    Replace,
    Rename,
}

#[derive(Debug, Args)]
pub struct FieldArgs {
    /// A provider setting, KEY=VALUE (repeatable). Secrets are refused here.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A tag (repeatable); given tags replace the current ones.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Free-text notes.
    #[arg(long)]
    pub notes: Option<String>,
    /// Which of the customer's systems it reaches: production, staging, sandbox or your own
    /// word. Launching a stage listed in `confirm_stages` (default: production) asks first.
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// The credential set whose secrets (and shared settings) the account uses, by name.
    #[arg(long, value_name = "NAME")]
    pub credential: Option<String>,
    #[command(flatten)]
    pub secrets: SecretArgs,
}

/// Where secrets come from: never the command line, which other users can read.
#[derive(Debug, Args)]
pub struct SecretArgs {
    /// Read secrets as NAME=VALUE lines from stdin.
    #[arg(long)]
    pub secrets_from_stdin: bool,
    /// Prompt (without echo) for this secret (repeatable).
    #[arg(long = "prompt-secret", value_name = "NAME")]
    pub prompt_secrets: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Save a new credential set: secrets many accounts share (prompted, or read from stdin).
    Add(CredentialAddArgs),
    /// Change a set's shared settings or secrets; every account that uses it signs in afresh.
    Edit(CredentialEditArgs),
    /// List the sets, the accounts that use each and which secrets are stored.
    List,
    /// Remove a set and its secrets (refused while accounts use it).
    Remove(CredentialRemoveArgs),
}

#[derive(Debug, Args)]
pub struct CredentialAddArgs {
    /// The set's name (unique, case-insensitive), as accounts name it with --credential.
    pub name: String,
    #[arg(long, help = provider_help())]
    pub provider: String,
    /// A shared setting, KEY=VALUE (repeatable): only those the provider marks as shareable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub secrets: SecretArgs,
}

#[derive(Debug, Args)]
pub struct CredentialEditArgs {
    /// The set's name (case-insensitive).
    pub name: String,
    /// A shared setting, KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Remove a shared setting (repeatable).
    #[arg(long = "unset", value_name = "KEY")]
    pub unset: Vec<String>,
    #[command(flatten)]
    pub secrets: SecretArgs,
}

#[derive(Debug, Args)]
pub struct CredentialRemoveArgs {
    /// The set's name (case-insensitive).
    pub name: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The new account's name (unique, case-insensitive).
    pub name: String,
    #[arg(long, help = provider_help())]
    pub provider: String,
    /// Mark as a favourite.
    #[arg(long)]
    pub favourite: bool,
    #[command(flatten)]
    pub fields: FieldArgs,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Account id, name, or a unique start of a name (case-insensitive).
    pub name: String,
    /// Remove a setting (repeatable).
    #[arg(long = "unset", value_name = "KEY")]
    pub unset: Vec<String>,
    /// New name.
    #[arg(long)]
    pub rename: Option<String>,
    /// Mark as a favourite.
    #[arg(long, conflicts_with = "no_favourite")]
    pub favourite: bool,
    /// No longer a favourite.
    #[arg(long)]
    pub no_favourite: bool,
    /// Remove all tags.
    #[arg(long, conflicts_with = "tags")]
    pub clear_tags: bool,
    /// Remove the stage.
    #[arg(long, conflicts_with = "stage")]
    pub no_stage: bool,
    /// Go back to the account's own secrets (no credential set).
    #[arg(long, conflicts_with = "credential")]
    pub no_credential: bool,
    #[command(flatten)]
    pub fields: FieldArgs,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Account id, name, or a unique start of a name (case-insensitive).
    pub name: String,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
}

/// The command line with what derive cannot hold: `accounts add --help` lists every
/// provider's settings and secrets, from the field list the editor draws.
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    Cli::command().mut_subcommand("accounts", |accounts| {
        accounts.mut_subcommand("add", |add| {
            // The reference is laid out in columns: clap must not re-wrap it.
            add.term_width(0)
                .after_help("Run `sso-launcher accounts add --help` for each provider's settings and secrets.")
                .after_long_help(crate::cli::settings_help::settings_reference())
        })
    })
}

/// The `--provider` help: the registered providers' ids.
fn provider_help() -> String {
    let ids: Vec<&str> = crate::core::account::ProviderId::all()
        .map(crate::core::account::ProviderId::id)
        .collect();
    format!("{} (their settings: --help).", ids.join(", "))
}
