//! `cited serve`: live preview for editors. (Being written; see issue 4.)

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;

/// Options of `cited serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
}

pub fn run(_root: &Path, _args: ServeArgs, _today: Date) -> ExitCode {
    eprintln!("error: cited serve is not available yet");
    ExitCode::FAILURE
}
