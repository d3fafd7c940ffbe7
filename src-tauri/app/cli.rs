//! The headless face of the binary: `crm-desk <command>`. Later issues add `sync`, `leads` and
//! `account` as variants of [`Command`].

use crate::ipc::views::AppInfo;
use crate::state::AppState;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// CRM Desk: your Odoo pipeline, offline-first. Without a command, opens the app window.
#[derive(Debug, Parser)]
#[command(name = "crm-desk", version, about)]
pub struct Args {
    /// Keep all data (database, settings, logs) in this folder instead of the platform's
    /// app-data folder.
    #[arg(long, global = true, env = crm_core::paths::DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the version, data folder and database schema version.
    Info {
        /// Print JSON (for scripts) instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: &Command, state: &AppState) -> ExitCode {
    match *command {
        Command::Info { json } => info(state, json),
    }
}

fn info(state: &AppState, json: bool) -> ExitCode {
    let info = match AppInfo::of(state) {
        Ok(info) => info,
        Err(e) => {
            eprintln!("crm-desk: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    if let Some(notice) = &info.database_notice {
        eprintln!("crm-desk: warning: {}", notice.message);
    }
    if let Some(problem) = &info.settings_problem {
        eprintln!("crm-desk: warning: {problem}");
    }
    if json {
        match serde_json::to_string_pretty(&info) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("crm-desk: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        println!("CRM Desk {}", info.version);
        println!("data folder:     {}", info.data_dir);
        println!("database:        {}", info.database_file);
        println!("schema version:  {}", info.schema_version);
        println!("settings:        {}", info.settings_file);
        println!("logs:            {}", info.log_dir);
    }
    ExitCode::SUCCESS
}
