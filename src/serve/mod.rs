//! `cited serve`: a live preview for editors.
//!
//! It builds the site into a private temporary folder, serves that folder on
//! one port together with a reload channel (server-sent events), watches
//! `content/` and `templates/`, rebuilds on every change, and tells the open
//! pages to reload or to show the current diagnostics in an overlay.
//!
//! What it must not do:
//! - decide what a page contains or what is a problem: that is the build's
//!   job ([`crate::build`]); this module only runs it and shows its report;
//! - write anywhere but its own temporary folder (never `public/`, never the
//!   site), or leave that folder behind when it stops;
//! - serve anything outside the built output, or listen beyond loopback
//!   unless told to with `--interface`;
//! - stop serving because of a bad edit: a failed build leaves the last good
//!   site in place and only changes the diagnostics.
//!
//! The pieces: [`rebuild`] runs builds and publishes their outcome, [`watch`]
//! turns file-system events into rebuild requests, [`http`] answers
//! requests, and `live.js` (served only by this server) reloads pages and
//! draws the overlay.

mod http;
mod rebuild;
mod watch;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::civil::Date;

use rebuild::{Builder, LiveState};

/// Where the overlay script is served; every page built for the preview
/// loads it (see [`crate::render::RenderOptions::live_reload`]).
pub const LIVE_SCRIPT_URL: &str = "/__cited/live.js";

/// Options of `cited serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one and prints it)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but loopback makes the preview visible to your network
    #[arg(long, value_name = "ADDRESS", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub interface: IpAddr,
    /// Open the preview in a web browser once it is ready
    #[arg(long)]
    pub open: bool,
}

/// What [`Preview::start`] needs.
#[derive(Clone, Debug)]
pub struct PreviewOptions {
    /// The site: the folder holding `content/`.
    pub root: PathBuf,
    pub address: SocketAddr,
    pub today: Date,
}

/// The command: start the preview, wait for Ctrl-C, stop cleanly.
pub fn run(root: &Path, args: ServeArgs, today: Date) -> ExitCode {
    if !args.interface.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can see the preview",
            args.interface
        );
    }
    let options = PreviewOptions {
        root: root.to_path_buf(),
        address: SocketAddr::new(args.interface, args.port),
        today,
    };
    let preview = match Preview::start(options) {
        Ok(preview) => preview,
        Err(error) if error.kind() == io::ErrorKind::AddrInUse => {
            eprintln!(
                "error: port {} is in use, maybe by another preview: stop it, or pick \
                 another port with --port (0 picks a free one)",
                args.port
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("error: cannot start the preview: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Listen before saying so: a Ctrl-C right after "Serving" must stop the
    // preview cleanly, not kill it with its folder left behind.
    let stop = preview.listen_for_stop();
    let url = preview.url();
    eprintln!("Serving {url}  (press Ctrl-C to stop)");
    if args.open {
        open_in_browser(&url);
    }
    preview.wait_for(stop);
    eprintln!("Stopping…");
    preview.stop();
    ExitCode::SUCCESS
}

/// A running preview: the server, the watcher, the builder and the
/// temporary output folder. [`Preview::stop`] (or dropping it) ends all of
/// them and removes the folder.
pub struct Preview {
    address: SocketAddr,
    runtime: tokio::runtime::Runtime,
    server_stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    builder_messages: mpsc::Sender<rebuild::Message>,
    builder: Option<JoinHandle<()>>,
    // Declared last so it is removed after everything that writes into it
    // has stopped.
    _output: crate::write::LockedFolder,
}

impl Preview {
    /// Binds the address, builds the site once, and starts serving,
    /// watching and rebuilding. Returns once the first build is served.
    pub fn start(options: PreviewOptions) -> io::Result<Preview> {
        let root = std::path::absolute(&options.root)?;
        if !root.join("content").is_dir() {
            return Err(io::Error::other(format!(
                "{} has no content/ folder: run `cited serve` in a site's folder or pass --root",
                root.display()
            )));
        }
        // Bind before the first build, so a port in use fails at once.
        let listener = TcpListener::bind(options.address)?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cited-serve")
            .enable_all()
            .build()?;
        let output = private_output_folder()?;
        // Canonical, so the check that a served file lies inside the output
        // compares like with like.
        let site_dir = output.path().canonicalize()?.join("site");

        // Watch before the first build: on a big site it takes seconds, and
        // an edit saved meanwhile must still lead to a rebuild.
        let (builder_messages, inbox) = mpsc::channel();
        let to_builder = builder_messages.clone();
        let mut watcher = watch::start(&root, move |events| {
            // The builder is gone only when the preview is stopping.
            let _ = to_builder.send(rebuild::Message::Changed(events));
        })
        .map_err(|e| io::Error::other(format!("cannot watch the site's files: {e}")))?;
        let mut builder = Builder::new(root, site_dir.clone(), options.today);
        let (state_sender, state) = tokio::sync::watch::channel(LiveState::default());
        builder.build_and_publish(&state_sender, &[]);
        let builder = std::thread::Builder::new()
            .name("cited-rebuild".into())
            .spawn(move || {
                builder.run(
                    inbox,
                    move |events| watcher.relevant_changes(events),
                    state_sender,
                )
            })?;

        let app = http::App::new(site_dir, state);
        let (server_stop, stopped) = tokio::sync::oneshot::channel();
        let server = runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            io::Result::Ok(tokio::spawn(http::serve(listener, app, stopped)))
        })?;

        Ok(Preview {
            address,
            runtime,
            server_stop: Some(server_stop),
            server: Some(server),
            builder_messages,
            builder: Some(builder),
            _output: output,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The preview's home page, e.g. `http://127.0.0.1:1111/`. Served on
    /// every interface (`0.0.0.0`), it is this machine's loopback address: a
    /// browser sends the name it was given as `Host`, and the server answers
    /// only loopback names and the addresses it listens on.
    pub fn url(&self) -> String {
        let ip = match self.address.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}/", SocketAddr::new(ip, self.address.port()))
    }

    /// Starts listening for Ctrl-C (and, on Unix, SIGTERM): from now on they
    /// stop the preview cleanly rather than kill the process.
    pub fn listen_for_stop(&self) -> StopSignals {
        let _runtime = self.runtime.enter();
        StopSignals::listen()
    }

    /// Blocks until one of `signals` arrives.
    pub fn wait_for(&self, signals: StopSignals) {
        self.runtime.block_on(signals.recv());
    }

    /// Blocks until Ctrl-C (or, on Unix, SIGTERM).
    pub fn wait_for_stop_signal(&self) {
        self.wait_for(self.listen_for_stop());
    }

    /// Stops watching, lets a build in progress finish, closes the reload
    /// channels and the server, and removes the temporary output.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let _ = self.builder_messages.send(rebuild::Message::Stop);
        if let Some(builder) = self.builder.take() {
            // The builder owns the state sender: when it ends, every open
            // event stream ends too, so the server can shut down gracefully.
            let _ = builder.join();
        }
        if let Some(stop) = self.server_stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            // Bounded, so a client that holds a connection open cannot keep
            // the preview (and its temporary folder) alive.
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(3), server).await });
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// A new private folder for the built site. Each rebuild writes the whole
/// site again (13,000 files for 10,000 questions), which measured two to
/// three times slower on disk than in memory; so on Linux it goes in
/// memory-backed `/dev/shm`, unless `TMPDIR` names a place. The folders of
/// earlier previews that were killed before they could remove theirs are
/// removed first; the folder stays locked while this preview runs, so a
/// preview started meanwhile leaves it alone.
fn private_output_folder() -> io::Result<crate::write::LockedFolder> {
    const PREFIX: &str = "cited-serve-";
    let in_memory = Path::new("/dev/shm");
    let mut places = Vec::new();
    if cfg!(target_os = "linux") && std::env::var_os("TMPDIR").is_none() && in_memory.is_dir() {
        places.push(in_memory.to_path_buf());
    }
    places.push(std::env::temp_dir());
    let mut last_error = None;
    for place in places {
        crate::write::locked_folder::sweep(&place, PREFIX, |_| {});
        match crate::write::LockedFolder::create(&place, PREFIX) {
            Ok(folder) => return Ok(folder),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no folder for the preview")))
}

/// The signals that stop the preview, registered with the runtime (so the
/// default action, killing the process, no longer applies).
pub struct StopSignals {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignals {
    /// Must run inside the preview's runtime.
    fn listen() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt())
                .and_then(|interrupt| Ok((interrupt, signal(SignalKind::terminate())?)))
                .ok();
            StopSignals { signals }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    async fn recv(self) {
        #[cfg(unix)]
        if let Some((mut interrupt, mut terminate)) = self.signals {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Asks the desktop to open `url`; a failure is only a warning, since the
/// address is printed anyway.
fn open_in_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut command = std::process::Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        // Reap the opener when it exits, without holding up the server.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(error) => eprintln!("warning: cannot open a browser ({error}); open {url} yourself"),
    }
}
