//! The preview's HTTP side, on one port: the built site's files, the
//! reload channel (server-sent events), the current diagnostics as JSON, the
//! overlay and quote-picker scripts, and each source's archive text for the
//! picker.
//!
//! Only files inside the output folder are ever served: `..` (plain or
//! percent-encoded) is refused, and so is any path whose real location,
//! symlinks followed, lies outside it. Any path that does not lead to a file
//! of the site, for whatever reason (missing, a name too long, through a
//! file), gets the site's own `404.html` with status 404; a URI over 8 KiB
//! gets 414.
//!
//! Everything under `/__cited/` is this server's own: only its routes answer
//! there, never the site's files, so the preview's world and the site's stay
//! apart. The archive texts the preview build writes into the output's
//! [`PREVIEW_DIR`] are served by their route alone, by source id.
//!
//! Only requests addressed to this machine are answered: the `Host` must be
//! a loopback name or address, or the address the request arrived on (so a
//! phone can reach `--interface 0.0.0.0` by the machine's network address).
//! Anything else, such as a web page's own name that a DNS rebinding attack
//! points at this machine, gets 421. A client gets a few seconds to send a
//! request's head, and to send each piece of its body; an idle connection is
//! closed after as long, so slow or silent clients cannot hold the server.
//!
//! This module answers requests; it must not build anything, or serve
//! anything but the output folder and its own few files.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::sync::{oneshot, watch};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::RequestBodyTimeout;

use super::LIVE_SCRIPT_URL;
use super::rebuild::LiveState;
use crate::render::{PREVIEW_DIR, preview_archive_path};

const LIVE_SCRIPT: &str = include_str!("live.js");
const LIVE_STYLE: &str = include_str!("live.css");
const PICKER_SCRIPT: &str = include_str!("picker.js");
const PICKER_STYLE: &str = include_str!("picker.css");
const LIVE_STYLE_URL: &str = "/__cited/live.css";
const PICKER_SCRIPT_URL: &str = "/__cited/picker.js";
const PICKER_STYLE_URL: &str = "/__cited/picker.css";
/// `{file}` is a source id and `.txt`; see [`archive_text`].
const ARCHIVE_TEXT_ROUTE: &str = "/__cited/sources/{file}";
const EVENTS_URL: &str = "/__cited/events";
const DIAGNOSTICS_URL: &str = "/__cited/diagnostics";

/// How long a client has to send a request's head (its line and headers),
/// from when it connects or from the end of its previous request on the same
/// connection: so also how long an idle connection stays open (a browser
/// opens another when it needs one). Browsers send a head at once; a client
/// that trickles it (slowloris) or sends nothing is cut off.
const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request's body may pause between two pieces. (No handler reads
/// a body today; a body left unread closes its connection after the answer.)
const REQUEST_BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest URI answered, as common servers allow (nginx: 8 KiB); a
/// longer one gets 414. No page of a site has an address anywhere near it.
const MAX_URI_BYTES: usize = 8 * 1024;

/// The same policy the site's pages declare, for the pages this server
/// makes itself.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'";

/// What every request handler can see.
#[derive(Clone)]
pub struct App {
    /// The built site (canonical path); replaced whole by each good build.
    site_dir: Arc<Path>,
    state: watch::Receiver<LiveState>,
}

impl App {
    pub fn new(site_dir: PathBuf, state: watch::Receiver<LiveState>) -> Self {
        App {
            site_dir: site_dir.into(),
            state,
        }
    }
}

/// The local address a request's connection arrived on, which its `Host`
/// may name.
#[derive(Clone, Copy, Debug)]
struct ArrivedOn(SocketAddr);

/// Serves until `stop` fires (or its sender is dropped), then finishes the
/// requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, app: App, mut stop: oneshot::Receiver<()>) {
    let router = Router::new()
        .route(LIVE_SCRIPT_URL, get(live_script))
        .route(LIVE_STYLE_URL, get(live_style))
        .route(PICKER_SCRIPT_URL, get(picker_script))
        .route(PICKER_STYLE_URL, get(picker_style))
        .route(ARCHIVE_TEXT_ROUTE, get(archive_text))
        .route(EVENTS_URL, get(events))
        .route(DIAGNOSTICS_URL, get(diagnostics))
        .fallback(site_file)
        .layer(middleware::from_fn(refuse_what_is_not_for_us))
        .with_state(app);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(REQUEST_HEAD_TIMEOUT);
    let connections = GracefulShutdown::new();
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of file descriptors, or a connection that failed
                    // while being accepted: try again shortly, not in a spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(local) = stream.local_addr() else {
            continue;
        };
        let service = RequestBodyTimeout::new(router.clone(), REQUEST_BODY_TIMEOUT);
        let service = hyper::service::service_fn(move |mut request: Request<_>| {
            request.extensions_mut().insert(ArrivedOn(local));
            service.clone().oneshot(request)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(connections.watch(connection));
    }
    drop(listener);
    connections.shutdown().await;
}

/// Answers 421 to a request not addressed to this machine, 414 to one whose
/// URI is too long; passes the others on.
async fn refuse_what_is_not_for_us(request: Request, next: Next) -> Response {
    let arrived_on = request.extensions().get::<ArrivedOn>().copied();
    if !addressed_here(&request, arrived_on) {
        let port = arrived_on.map_or(0, |a| a.0.port());
        return plain_text(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "This preview answers only requests addressed to this machine: \
                 open http://localhost:{port}/ here, or http://<this machine's address>:{port}/ \
                 from another device. (Other names are refused, so that no web page can \
                 read the preview through a name of its own.)\n"
            ),
        );
    }
    if request.uri().to_string().len() > MAX_URI_BYTES {
        return plain_text(
            StatusCode::URI_TOO_LONG,
            format!("This address is longer than the preview answers ({MAX_URI_BYTES} bytes).\n"),
        );
    }
    next.run(request).await
}

/// Whether the request names this machine: `localhost`, a loopback address,
/// or the address it arrived on, with any port (it may come through a
/// forwarded one). The target's own authority, when it has one, is what
/// counts; otherwise the `Host` header, which HTTP/1.1 requires.
fn addressed_here(request: &Request, arrived_on: Option<ArrivedOn>) -> bool {
    let named = match request.uri().authority() {
        Some(authority) => Some(authority.clone()),
        None => request
            .headers()
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .and_then(|host| host.parse::<axum::http::uri::Authority>().ok()),
    };
    let Some(named) = named else {
        return false;
    };
    let host = named.host();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(ip) => {
            ip.is_loopback()
                || arrived_on.is_some_and(|local| local.0.ip().to_canonical() == ip.to_canonical())
        }
        Err(_) => false,
    }
}

fn plain_text(status: StatusCode, text: String) -> Response {
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response();
    with_security_headers(&mut response);
    response
}

async fn live_script() -> Response {
    own_file("text/javascript; charset=utf-8", LIVE_SCRIPT)
}

async fn live_style() -> Response {
    own_file("text/css; charset=utf-8", LIVE_STYLE)
}

async fn picker_script() -> Response {
    own_file("text/javascript; charset=utf-8", PICKER_SCRIPT)
}

async fn picker_style() -> Response {
    own_file("text/css; charset=utf-8", PICKER_STYLE)
}

/// A source's archive text, exactly as its quotes are matched against it,
/// for the quote picker: `<id>.txt`, from the last good build (the preview
/// build writes it beside the pages, so it changes when they do).
async fn archive_text(
    State(app): State<App>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    if !app.state.borrow().has_site() {
        return plain_text(
            StatusCode::SERVICE_UNAVAILABLE,
            "The site has not built yet: fix the problems the preview shows.\n".into(),
        );
    }
    let not_found = || {
        plain_text(
            StatusCode::NOT_FOUND,
            "No source of the site has this id.\n".into(),
        )
    };
    let Some(id) = file
        .strip_suffix(".txt")
        .filter(|id| crate::load::is_valid_id(id))
    else {
        return not_found();
    };
    let path = format!("/{}", preview_archive_path(id));
    if !leads_inside(&app.site_dir, &path) {
        return not_found();
    }
    match tokio::fs::read(app.site_dir.join(&path[1..])).await {
        Ok(text) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                text,
            )
                .into_response();
            with_security_headers(&mut response);
            response
        }
        Err(_) => not_found(),
    }
}

fn own_file(content_type: &'static str, body: &'static str) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response();
    with_security_headers(&mut response);
    response
}

async fn diagnostics(State(app): State<App>) -> Response {
    let json = app.state.borrow().diagnostics.to_string();
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json,
    )
        .into_response()
}

/// The reload channel. On connect: `hello` (which build is served) and
/// `diagnostics` (the current problems, maybe `[]`). Then, as builds happen:
/// `diagnostics` whenever the problems change, and `reload` after every good
/// build. The stream ends when the preview stops.
async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut receiver = app.state.clone();
    let current = receiver.borrow_and_update().clone();
    let greeting = vec![hello_event(&current), diagnostics_event(&current)];
    let updates = stream::unfold((receiver, current), |(mut receiver, seen)| async move {
        // An error means the builder is gone: the preview is stopping.
        receiver.changed().await.ok()?;
        let now = receiver.borrow_and_update().clone();
        let events = events_between(&seen, &now);
        Some((stream::iter(events), (receiver, now)))
    })
    .flatten();
    let all = stream::iter(greeting).chain(updates).map(Ok);
    Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn hello_event(state: &LiveState) -> Event {
    Event::default()
        .event("hello")
        .retry(Duration::from_millis(500))
        .data(state.build_id())
}

fn diagnostics_event(state: &LiveState) -> Event {
    Event::default()
        .event("diagnostics")
        .data(&*state.diagnostics)
}

fn reload_event(state: &LiveState) -> Event {
    Event::default().event("reload").data(state.build_id())
}

/// What a page that saw `before` must be told to catch up with `now`.
/// Diagnostics go first, so the overlay is right before the page reloads.
fn events_between(before: &LiveState, now: &LiveState) -> Vec<Event> {
    let mut events = Vec::new();
    if before.diagnostics != now.diagnostics {
        events.push(diagnostics_event(now));
    }
    if before.builds != now.builds {
        events.push(reload_event(now));
    }
    events
}

/// A file of the built site, its `index.html` for a folder, or the 404 page.
async fn site_file(State(app): State<App>, request: Request) -> Response {
    if !app.state.borrow().has_site() {
        return not_built_yet();
    }
    let mut response = if is_site_file(&app.site_dir, request.uri().path()) {
        ServeDir::new(&*app.site_dir)
            .not_found_service(not_found_page(&app.site_dir))
            .oneshot(request)
            .await
            .into_response()
    } else {
        let mut response = not_found_page(&app.site_dir)
            .oneshot(request)
            .await
            .into_response();
        *response.status_mut() = StatusCode::NOT_FOUND;
        response
    };
    // Pages change with every build: the browser must ask again each time
    // (it still gets a cheap 304 when nothing changed).
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn not_found_page(site_dir: &Path) -> ServeFile {
    ServeFile::new(site_dir.join("404.html"))
}

/// Whether a URL path is a page or file of the site: it leads inside
/// `site_dir` (see [`leads_inside`]) and not into the preview's own
/// [`PREVIEW_DIR`], however spelt (`/%5F%5Fcited/`, `/./__cited/`), which
/// only this server's routes answer.
fn is_site_file(site_dir: &Path, url_path: &str) -> bool {
    let Ok(decoded) = percent_encoding::percent_decode_str(url_path).decode_utf8() else {
        return false;
    };
    // Also as a file system that ignores case or trailing dots would read it.
    let preview_only = decoded
        .split('/')
        .find(|part| !matches!(*part, "" | "."))
        .is_some_and(|first| {
            first
                .trim_end_matches(['.', ' '])
                .eq_ignore_ascii_case(PREVIEW_DIR)
        });
    !preview_only && leads_inside(site_dir, url_path)
}

/// Whether a URL path, once decoded and with symlinks followed, leads to a
/// file or folder (with its `index.html`) inside `site_dir`. Anything else
/// leads nowhere, whatever the reason: it does not exist, a name in it is
/// longer than the file system allows, it goes through a file or round a
/// loop of links, or it leaves the site.
fn leads_inside(site_dir: &Path, url_path: &str) -> bool {
    let Ok(decoded) = percent_encoding::percent_decode_str(url_path).decode_utf8() else {
        return false;
    };
    let mut candidate = site_dir.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return false,
            // A separator or drive letter of another platform, or a NUL.
            _ if part.contains(['\\', ':', '\0']) => return false,
            _ => candidate.push(part),
        }
    }
    let inside = |path: &Path| {
        path.canonicalize()
            .is_ok_and(|real| real.starts_with(site_dir))
    };
    if !inside(&candidate) {
        return false;
    }
    if candidate.is_dir() {
        // A folder is served as its index.html, which could be a link too.
        inside(&candidate.join("index.html"))
    } else {
        // `page.html/` names a folder, and there is none.
        !decoded.ends_with('/')
    }
}

/// What every page shows while no build has succeeded yet: the overlay
/// (loaded by the script) says why, and the page reloads once fixed.
fn not_built_yet() -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>The site has problems – cited preview</title>\n\
         <script src=\"{LIVE_SCRIPT_URL}\" defer></script>\n</head>\n<body>\n<main>\n\
         <h1>The site could not be built yet</h1>\n\
         <p>Fix the problems listed on this page (and in the terminal running \
         <code>cited serve</code>); it reloads by itself when the site builds.</p>\n\
         <noscript><p>The problems are also listed at \
         <a href=\"{DIAGNOSTICS_URL}\">{DIAGNOSTICS_URL}</a>.</p></noscript>\n\
         </main>\n</body>\n</html>\n"
    );
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response();
    with_security_headers(&mut response);
    response
}

fn with_security_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let temp = tempfile::tempdir().unwrap();
        let site = temp.path().canonicalize().unwrap().join("site");
        std::fs::create_dir_all(site.join("questions/cost")).unwrap();
        std::fs::write(site.join("questions/cost/index.html"), "cost").unwrap();
        std::fs::write(temp.path().join("secret.txt"), "secret").unwrap();
        (temp, site)
    }

    #[test]
    fn files_and_folders_inside_pass() {
        let (_temp, site) = site();
        assert!(is_site_file(&site, "/questions/cost/"));
        assert!(is_site_file(&site, "/questions/cost"));
        assert!(is_site_file(&site, "/questions/cost/index.html"));
    }

    #[test]
    fn paths_that_lead_nowhere_are_not_site_files() {
        let (_temp, site) = site();
        let long = "a".repeat(300);
        for path in [
            "/no/such/page/".to_string(),
            "/questions/".to_string(), // A folder without an index.html.
            "/questions/cost/index.html/more".to_string(),
            "/questions/cost/index.html/".to_string(),
            format!("/{long}"),
            format!("/questions/{long}/"),
            format!("/{}", ["b"; 3000].join("/")),
        ] {
            assert!(!is_site_file(&site, &path), "{path}");
        }
    }

    #[test]
    fn parent_folders_are_refused_however_spelt() {
        let (_temp, site) = site();
        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/questions/%2e%2e/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/..%5csecret.txt",
            "/%ff",
        ] {
            assert!(!is_site_file(&site, path), "{path}");
        }
    }

    #[test]
    fn the_previews_own_folder_is_no_site_file_however_spelt() {
        let (_temp, site) = site();
        std::fs::create_dir_all(site.join("__cited/sources")).unwrap();
        std::fs::write(site.join("__cited/sources/a.txt"), "text").unwrap();
        assert!(leads_inside(&site, "/__cited/sources/a.txt"));
        for path in [
            "/__cited/sources/a.txt",
            "/__cited/",
            "/__cited",
            "//__cited/sources/a.txt",
            "/./__cited/sources/a.txt",
            "/%5F%5Fcited/sources/a.txt",
            "/%5f%5fcited/sources/a.txt",
            "/__CITED/sources/a.txt",
            "/__cited./sources/a.txt",
        ] {
            assert!(!is_site_file(&site, path), "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_site_are_refused() {
        let (temp, site) = site();
        let outside = temp.path().join("secret.txt");
        std::os::unix::fs::symlink(&outside, site.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(temp.path(), site.join("up")).unwrap();
        std::fs::create_dir(site.join("folder")).unwrap();
        std::os::unix::fs::symlink(&outside, site.join("folder/index.html")).unwrap();
        std::os::unix::fs::symlink(temp.path().join("gone"), site.join("dangling")).unwrap();
        std::os::unix::fs::symlink(site.join("loop-b"), site.join("loop-a")).unwrap();
        std::os::unix::fs::symlink(site.join("loop-a"), site.join("loop-b")).unwrap();
        assert!(!is_site_file(&site, "/leak.txt"));
        assert!(!is_site_file(&site, "/up/secret.txt"));
        assert!(!is_site_file(&site, "/folder/"));
        assert!(!is_site_file(&site, "/dangling"));
        assert!(!is_site_file(&site, "/loop-a"));
    }

    #[test]
    fn events_tell_what_changed() {
        let before = LiveState::default();
        let mut now = before.clone();
        assert!(events_between(&before, &now).is_empty());
        now.builds += 1;
        assert_eq!(events_between(&before, &now).len(), 1);
        now.diagnostics = "[{}]".into();
        assert_eq!(events_between(&before, &now).len(), 2);
    }
}
