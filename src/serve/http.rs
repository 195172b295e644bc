//! The preview's HTTP side, on one port: the built site's files, the
//! reload channel (server-sent events), the current diagnostics as JSON, and
//! the overlay script.
//!
//! Only files inside the output folder are ever served: `..` (plain or
//! percent-encoded) is refused, and so is any path whose real location,
//! symlinks followed, lies outside it. Unknown paths get the site's own
//! `404.html` with status 404.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::{oneshot, watch};
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

use super::LIVE_SCRIPT_URL;
use super::rebuild::LiveState;

const LIVE_SCRIPT: &str = include_str!("live.js");
const LIVE_STYLE: &str = include_str!("live.css");
const LIVE_STYLE_URL: &str = "/__cited/live.css";
const EVENTS_URL: &str = "/__cited/events";
const DIAGNOSTICS_URL: &str = "/__cited/diagnostics";

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

/// Serves until `stop` fires (or its sender is dropped), then finishes the
/// requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, app: App, stop: oneshot::Receiver<()>) {
    let router = Router::new()
        .route(LIVE_SCRIPT_URL, get(live_script))
        .route(LIVE_STYLE_URL, get(live_style))
        .route(EVENTS_URL, get(events))
        .route(DIAGNOSTICS_URL, get(diagnostics))
        .fallback(site_file)
        .with_state(app);
    let shutdown = async {
        let _ = stop.await;
    };
    if let Err(error) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("error: the preview server stopped: {error}");
    }
}

async fn live_script() -> Response {
    own_file("text/javascript; charset=utf-8", LIVE_SCRIPT)
}

async fn live_style() -> Response {
    own_file("text/css; charset=utf-8", LIVE_STYLE)
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
    let mut response = if stays_inside(&app.site_dir, request.uri().path()) {
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

/// Whether the file a URL path names lies inside `site_dir` once decoded and
/// with symlinks followed. A path that does not exist passes: the file
/// server answers it with the 404 page.
fn stays_inside(site_dir: &Path, url_path: &str) -> bool {
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
    let inside = |path: &Path| match path.canonicalize() {
        Ok(real) => real.starts_with(site_dir),
        Err(_) => !path.is_symlink(), // A dangling link is refused outright.
    };
    // A folder is served as its index.html, which could be a link too.
    inside(&candidate) && (!candidate.is_dir() || inside(&candidate.join("index.html")))
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
        assert!(stays_inside(&site, "/"));
        assert!(stays_inside(&site, "/questions/cost/"));
        assert!(stays_inside(&site, "/questions/cost/index.html"));
        assert!(stays_inside(&site, "/no/such/page/"));
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
            assert!(!stays_inside(&site, path), "{path}");
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
        assert!(!stays_inside(&site, "/leak.txt"));
        assert!(!stays_inside(&site, "/up/secret.txt"));
        assert!(!stays_inside(&site, "/folder/"));
        assert!(!stays_inside(&site, "/dangling"));
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
