//! The `cited` command line: parses arguments, runs the library, prints
//! diagnostics and a summary, and sets the exit code. No site logic here.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use cited::{BuildOptions, Report, render::RenderOptions};

// Building a site allocates many small strings from two or more threads at
// once; mimalloc measured faster than the system allocator for that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cited",
    version,
    about = "Build a cross-linked FAQ site from facts with verified source quotes",
    long_about = "cited reads YAML content (questions, facts with verbatim quotes, sources, cautions, \
glossary terms), checks every quote against its archived source, and writes an accessible static site.\n\n\
Every command works on the site in the current folder (the one holding content/), or the one named by --root."
)]
struct Cli {
    /// The site's folder: the one holding `content/`.
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the content and build the site (atomically: a failed build changes nothing)
    Build {
        /// Where to write the site [default: <root>/public]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print how long each stage took
        #[arg(long)]
        timings: bool,
        /// Replace the output folder even if cited did not make it (it has files
        /// but no .cited-output marker, e.g. an output of an older cited). Never
        /// lets a build replace the site's own files or your home folder
        #[arg(long)]
        force: bool,
    },
    /// Run every check without writing anything
    Check {
        /// How to print problems
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also list how every question's page reads (Flesch-Kincaid and
        /// SMOG grades, of its own text and with its quotes), hardest first,
        /// against the site's targets
        #[arg(long)]
        reading_levels: bool,
    },
    /// Build, serve on 127.0.0.1, and rebuild and reload on every change
    Serve(cited_serve_args::ServeArgs),
    /// Start a new site in DIR with an example of every kind of content
    Init {
        /// The folder to create (must be empty or not exist)
        dir: PathBuf,
    },
    /// Create a new content file with every field to fill in
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// The id: lowercase words joined by hyphens; it becomes the file name and URL
        id: String,
        /// For a question: the id of its topic
        #[arg(long, value_name = "TOPIC")]
        topic: Option<String>,
    },
    /// Write the JSON Schema of every kind of content file, for editors' YAML support
    Schema {
        /// Where to write them [default: <root>/schema]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the field reference (as in docs/content-format.md) instead
        #[arg(long)]
        markdown: bool,
    },
    /// Add a saved web page, PDF, markdown or text file as a source, or show a source's text
    #[command(subcommand)]
    Source(SourceCommand),
}

#[derive(Subcommand)]
enum SourceCommand {
    /// Copy FILE into content/sources/ and write its YAML with what the file says
    /// about itself (title; for a web page its address, publisher and date);
    /// prints a quote of it to paste into a fact. Never overwrites a file
    Add {
        /// The saved file: .html or .htm, .pdf, .md or .txt
        file: PathBuf,
        /// The source's id [default: made from its title]
        #[arg(long)]
        id: Option<String>,
        /// Where the original can be read [default: the address a web page gives]
        #[arg(long)]
        url: Option<String>,
    },
    /// Print the text of source ID's archive exactly as quotes are checked
    /// against it: one paragraph per line
    Text {
        /// The source's id (its file name without .yaml)
        id: String,
    },
}

mod cited_serve_args {
    pub use cited::serve::ServeArgs;
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// rustc-style, with the source line underlined (on standard error)
    Human,
    /// a JSON array of {file, line, column, end_line, end_column, severity, code, message, help}
    Json,
    /// GitHub Actions workflow commands: problems shown on the pull request's lines
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    Question,
    Topic,
    Caution,
    Glossary,
    Page,
    Source,
    Reviewer,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let today = today();
    match cli.command {
        Command::Build {
            out,
            timings,
            force,
        } => {
            let out = out.unwrap_or_else(|| cli.root.join("public"));
            let options = BuildOptions {
                root: cli.root.clone(),
                out: out.clone(),
                force,
                today,
                render: RenderOptions::default(),
            };
            let report = cited::build(&options);
            print_diagnostics(&report);
            if report.has_errors() {
                eprintln!(
                    "Build failed: {}{}. {} was left unchanged.",
                    report.diagnostics.summary(),
                    silenced(&report),
                    out.display()
                );
                return ExitCode::FAILURE;
            }
            if report.unchanged {
                eprintln!(
                    "Nothing changed since the last build: {} is up to date and was left as it was ({} pages, {} files; compared in {:.2} s) · {}{}",
                    out.display(),
                    report.pages,
                    report.files_written,
                    report.elapsed.as_secs_f64(),
                    report.diagnostics.summary(),
                    silenced(&report),
                );
            } else {
                eprintln!(
                    "Built {} pages ({} files) into {} in {:.2} s · {}{}",
                    report.pages,
                    report.files_written,
                    out.display(),
                    report.elapsed.as_secs_f64(),
                    report.diagnostics.summary(),
                    silenced(&report),
                );
            }
            if timings {
                for (stage, took) in &report.timings {
                    eprintln!("  {stage:<7} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            ExitCode::SUCCESS
        }
        Command::Check {
            format,
            reading_levels,
        } => {
            let report = if reading_levels {
                let (report, levels) = cited::check_with_reading_levels(&cli.root, today);
                print!("{}", reading_table(&levels));
                report
            } else {
                cited::check(&cli.root, today)
            };
            match format {
                Format::Json => println!("{}", report.diagnostics.to_json()),
                Format::Github => {
                    print!("{}", report.diagnostics.to_github());
                    eprintln!("{}", report.diagnostics.summary());
                }
                Format::Human => {
                    print_diagnostics(&report);
                    eprintln!(
                        "Checked in {:.2} s · {}{}",
                        report.elapsed.as_secs_f64(),
                        report.diagnostics.summary(),
                        silenced(&report),
                    );
                }
            }
            if report.has_errors() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Serve(args) => cited::serve::run(&cli.root, args, today),
        Command::Init { dir } => report_io(cited::scaffold::init(&dir), |()| {
            format!(
                "Created a new site in {}. Next: cd {} && cited serve",
                dir.display(),
                dir.display()
            )
        }),
        Command::New { kind, id, topic } => {
            let name = match kind {
                NewKind::Question => "question",
                NewKind::Topic => "topic",
                NewKind::Caution => "caution",
                NewKind::Glossary => "glossary",
                NewKind::Page => "page",
                NewKind::Source => "source",
                NewKind::Reviewer => "reviewer",
            };
            let kind = cited::schema::kind_named(name).expect("every NewKind is in the schema");
            let options = cited::scaffold::NewOptions { topic };
            report_io(
                cited::scaffold::new_entity(&cli.root, kind, &id, today, &options),
                |path| {
                    format!(
                        "Created {}: fill in its fields, then run `cited check`",
                        path.display()
                    )
                },
            )
        }
        Command::Source(command) => source_command(&cli.root, command, today),
        Command::Schema { out, markdown } => {
            if markdown {
                print!("{}", cited::schema::docs::reference());
                return ExitCode::SUCCESS;
            }
            let dir = out.unwrap_or_else(|| cli.root.join(cited::schema::json::SCHEMA_DIR));
            report_io(cited::scaffold::write_schemas(&dir), |written| {
                format!(
                    "Wrote {} schemas into {}; editors map content/<kind>/*.yaml to them (see the README)",
                    written.len(),
                    dir.display()
                )
            })
        }
    }
}

fn source_command(root: &std::path::Path, command: SourceCommand, today: Date) -> ExitCode {
    match command {
        SourceCommand::Add { file, id, url } => {
            let options = cited::sources::AddOptions { id, url, today };
            match cited::sources::add(root, &file, &options) {
                Ok(added) => {
                    eprintln!(
                        "Added {} (archive {}). Quote it by its id, `{}`:",
                        added.yaml.display(),
                        added.archive.display(),
                        added.id
                    );
                    print!("{}", added.skeleton);
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        SourceCommand::Text { id } => match cited::sources::text(root, &id) {
            Ok(text) => {
                let mut stdout = std::io::stdout().lock();
                match stdout
                    .write_all(text.as_bytes())
                    .and_then(|()| stdout.flush())
                {
                    Ok(()) => ExitCode::SUCCESS,
                    // A closed pipe (`| head`) is not an error worth a message.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("error: cannot write the text: {e}");
                        ExitCode::FAILURE
                    }
                }
            }
            Err(cited::sources::TextFailure::Unknown(message)) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
            Err(cited::sources::TextFailure::Problems { diagnostics, files }) => {
                let text = diagnostics.render(&files, true);
                let _ = anstream::stderr().write_all(text.as_bytes());
                eprintln!(
                    "The source `{id}` has no text to show: {}.",
                    diagnostics.summary()
                );
                ExitCode::FAILURE
            }
        },
    }
}

/// " · 2 findings allowed": how many findings editors' `allow` entries
/// silenced, when any were.
fn silenced(report: &Report) -> String {
    match report.silenced {
        0 => String::new(),
        1 => " · 1 finding allowed".to_string(),
        n => format!(" · {n} findings allowed"),
    }
}

fn report_io<T>(result: Result<T, String>, success: impl FnOnce(T) -> String) -> ExitCode {
    match result {
        Ok(value) => {
            eprintln!("{}", success(value));
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Diagnostics go to standard error, in colour only on a terminal (anstream
/// strips colour otherwise, and honours NO_COLOR and CLICOLOR_FORCE).
fn print_diagnostics(report: &Report) {
    if report.diagnostics.is_empty() {
        return;
    }
    let text = report.diagnostics.render(&report.files, true);
    let mut stderr = anstream::stderr();
    let _ = stderr.write_all(text.as_bytes());
}

/// Today, for overdue reviews. `SOURCE_DATE_EPOCH` (the reproducible-builds
/// convention) fixes it, so a rebuild of old content gives the same result.
fn today() -> Date {
    let from_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok());
    let now = from_epoch.unwrap_or_else(jiff::Timestamp::now);
    now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}

/// The reading levels as a plain table on standard output, one page a row,
/// hardest first; rows above the site's target say so in words.
fn reading_table(levels: &cited::check::ReadingLevels) -> String {
    use std::fmt::Write as _;
    let target = |name: &str, max: Option<f64>| max.map(|m| format!("{name} {m}"));
    let targets: Vec<String> = [
        target("grade", levels.max_grade),
        target("SMOG", levels.max_smog),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut out = format!(
        "Reading levels ({} pages; site's target: {})\n",
        levels.pages.len(),
        if targets.is_empty() {
            "none set".to_string()
        } else {
            targets.join(", ")
        }
    );
    out.push_str("grade  SMOG  with quotes  file\n");
    for page in &levels.pages {
        let _ = writeln!(
            out,
            "{:>5}  {:>4}  {:>5} / {:<4} {}{}",
            page.grade,
            page.smog,
            page.page_grade,
            page.page_smog,
            cited::diagnostics::display_path(&page.file),
            if page.above_target {
                "  above target"
            } else {
                ""
            }
        );
    }
    out
}
