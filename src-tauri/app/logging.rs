//! Logging: human-readable lines on stderr and in daily-rotated files in the log folder.
//!
//! `RUST_LOG` sets the filter for both (default: `info` for the window, `warn` on stderr for
//! headless commands). Panics are logged with a backtrace before the process unwinds.
//! File writes are synchronous on purpose: the last lines before a crash are the ones that
//! matter, and a background writer would lose them.
//!
//! Secrets cannot reach a log line by accident: they are `crm_core::secret::Secret`, whose
//! `Debug` prints `<redacted>` and which has no `Display`.

use std::io::IsTerminal;
use std::path::Path;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

/// `keep_files` daily files are kept (settings `log.keep_files`).
pub fn init(log_dir: &Path, keep_files: u32, stderr_default: &str) {
    let filter = |default: &str| {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default))
    };
    // tracing-appender prunes old files by listing the folder, and complains if it is missing.
    let _ = std::fs::create_dir_all(log_dir);
    // Colours only for a person at a terminal; piped stderr (scripts, tests) stays plain text.
    let stderr = fmt::layer()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .with_filter(filter(stderr_default));
    let file = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("crm-desk")
        .filename_suffix("log")
        .max_log_files(keep_files.max(1) as usize)
        .build(log_dir);
    let (file_layer, file_problem) = match file {
        Ok(appender) => (
            Some(
                fmt::layer()
                    .with_ansi(false)
                    .with_writer(appender)
                    .with_filter(filter("info")),
            ),
            None,
        ),
        Err(e) => (None, Some(e)),
    };
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init();
    if let Some(e) = file_problem {
        tracing::warn!(log_dir = %log_dir.display(), "cannot write log files, logging to stderr only: {e}");
    }

    std::panic::set_hook(Box::new(|panic| {
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!(target: "panic", "{panic}\n{backtrace}");
    }));
}
