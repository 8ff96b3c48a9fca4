//! `kamsite serve`: build, serve on 127.0.0.1, watch, rebuild, live reload.
//!
//! The site folder is watched recursively with a debounced watcher (editors
//! that save by writing a temporary file and renaming it over the original
//! produce a burst of events; the debouncer folds it into one change). A
//! change rebuilds the accounts it touches in place, or the whole site into
//! the other of two output folders (see [`rebuild`]). Open pages learn
//! about rebuilds over server-sent events: a good build reloads them, a
//! failed one shows an overlay with the diagnostics on every page while the
//! last good build stays served. Requests are answered only when addressed
//! to this computer (`hosts`), on a fixed number of threads ([`net`]).
//! The library reports what happens through a callback; the CLI prints it.
//!
//! Owns the dev server: the watcher and the rebuild plan ([`rebuild`]),
//! HTTP over a fixed set of threads ([`net`], `message`, `http`, `hosts`)
//! and the live-reload protocol (`live`). It sits above the pipeline and
//! may import it (`build_keeping_site`, `rebuild_accounts`, the build
//! options and errors), and from below only `write::TempDir`, `diag`,
//! `source::percent_decode` and `model::slug`; no stage imports `serve`.

mod hosts;
mod http;
mod live;
mod message;
pub mod net;
pub mod rebuild;

pub use rebuild::{Outcome, Plan, Preview, Rebuilder};

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::BuildError;
use crate::BuildSummary;
use crate::diag::Diagnostics;

/// How long the file system must be quiet before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(120);

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// The address to listen on: 127.0.0.1 unless the portal is to be
    /// reachable from elsewhere.
    pub interface: IpAddr,
    /// Which site to build: the internal portal by default.
    pub preview: Preview,
}

impl ServeOptions {
    pub fn new(root: PathBuf, port: u16) -> ServeOptions {
        ServeOptions {
            root,
            port,
            interface: IpAddr::V4(Ipv4Addr::LOCALHOST),
            preview: Preview::default(),
        }
    }
}

/// Whether `ip` is this computer's own: only this computer can connect.
pub fn is_loopback(ip: IpAddr) -> bool {
    hosts::is_loopback(ip)
}

/// What the server reports to its caller.
pub enum Event<'a> {
    /// The server is up at `url`.
    Listening { url: String },
    /// Files changed (site-relative paths); a rebuild follows.
    Changed { paths: Vec<String> },
    /// A build succeeded. `first` is the build at start-up.
    Built {
        summary: &'a BuildSummary,
        elapsed: Duration,
        first: bool,
    },
    /// A build failed; the last good build stays served.
    Failed {
        diagnostics: &'a Diagnostics,
        message: Option<&'a str>,
        elapsed: Duration,
    },
    /// The watcher reported a problem (the server keeps running).
    WatchError(String),
}

/// State shared by the watcher loop and the HTTP handlers.
pub(crate) struct Shared {
    /// The output folder of the last good build, if any.
    served: RwLock<Option<PathBuf>>,
    /// Held for reading while a file is read, and for writing while an
    /// incremental rebuild overwrites files in place.
    files: Arc<RwLock<()>>,
    /// Build generation and, when the last build failed, its problems.
    state: Mutex<live::State>,
    /// Sends to every open page's event stream.
    streams: net::Broadcast,
}

impl Shared {
    /// The state changes first: a page connecting meanwhile gets the new
    /// state as its `status`, and the event again (it reloads once).
    fn publish(&self, state: live::State) {
        let message = state.event();
        if let Ok(mut s) = self.state.lock() {
            *s = state;
        }
        self.streams.send(&message);
    }
}

/// Why `serve` could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The site folder cannot be opened.
    Root { path: PathBuf, source: std::io::Error },
    /// The folder for the two output folders cannot be made.
    WorkDir { path: PathBuf, source: std::io::Error },
    /// Nothing can listen on the address (another server has the port).
    Listen { addr: SocketAddr, source: std::io::Error },
    /// The site folder cannot be watched, natively or by polling.
    Watch { path: PathBuf, source: notify::Error },
    /// The server's threads cannot start.
    Start(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Root { path, source } => write!(f, "cannot open site folder {}: {source}", path.display()),
            ServeError::WorkDir { path, source } => write!(f, "cannot create {}: {source}", path.display()),
            ServeError::Listen { addr, source } => write!(
                f,
                "cannot listen on {}:{}: {source}; choose another port with --port",
                hosts::bracketed(addr.ip()),
                addr.port()
            ),
            ServeError::Watch { path, source } => write!(f, "cannot watch {}: {source}", path.display()),
            ServeError::Start(source) => write!(f, "cannot start the server: {source}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Root { source, .. }
            | ServeError::WorkDir { source, .. }
            | ServeError::Listen { source, .. } => Some(source),
            ServeError::Watch { source, .. } => Some(source),
            ServeError::Start(source) => Some(source),
        }
    }
}

/// Serve until `stop` is set (the CLI sets it on Ctrl-C). Errors only when
/// the server cannot start; build problems are reported and served.
pub fn run(opts: &ServeOptions, stop: &AtomicBool, report: &mut dyn FnMut(Event)) -> Result<(), ServeError> {
    let root = opts.root.canonicalize().map_err(|source| ServeError::Root {
        path: opts.root.clone(),
        source,
    })?;
    // The two output folders live here, removed on exit.
    let work = crate::write::TempDir::new("serve").map_err(|(path, source)| ServeError::WorkDir { path, source })?;

    let addr = SocketAddr::new(opts.interface, opts.port);
    let listener = net::Listener::bind(addr).map_err(|source| ServeError::Listen { addr, source })?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(opts.port);
    let shared = Arc::new(Shared {
        served: RwLock::new(None),
        files: Arc::default(),
        state: Mutex::new(live::State::default()),
        streams: listener.broadcaster(),
    });

    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let _watcher = watch(&root, tx)?;

    let mut builder = Rebuilder::new(&root, work.path(), shared.files.clone()).previewing(opts.preview.clone());
    let mut generation = 1;
    let outcome = builder.build();
    publish(&shared, &builder, generation, outcome, report, true);
    builder.prime();

    let site = http::Site::new(shared.clone(), hosts::Hosts::new(opts.interface, port));
    let server = listener
        .serve(net::Limits::default(), Arc::new(site))
        .map_err(ServeError::Start)?;
    // All interfaces: this computer's own address is the one to open.
    let shown = match opts.interface {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    report(Event::Listening {
        url: format!("http://{}:{port}/", hosts::bracketed(shown)),
    });

    while !stop.load(Ordering::SeqCst) {
        let first = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Fold everything that arrived meanwhile into one rebuild.
        let mut events = Vec::new();
        for result in std::iter::once(first).chain(rx.try_iter()) {
            match result {
                Ok(batch) => events.extend(batch.into_iter().map(|e| e.event)),
                Err(errors) => {
                    for e in errors {
                        report(Event::WatchError(e.to_string()));
                    }
                }
            }
        }
        let Some((paths, outcome)) = builder.apply(&events) else {
            continue;
        };
        generation += 1;
        report(Event::Changed { paths });
        publish(&shared, &builder, generation, outcome, report, false);
    }
    drop(server);
    Ok(())
}

/// Serve the build's result and tell open pages and the caller how it went.
fn publish(
    shared: &Shared,
    builder: &Rebuilder,
    generation: u64,
    outcome: Outcome,
    report: &mut dyn FnMut(Event),
    first: bool,
) {
    let elapsed = outcome.elapsed;
    match outcome.result {
        Ok(summary) => {
            if let Ok(mut served) = shared.served.write() {
                *served = builder.served().map(Path::to_path_buf);
            }
            shared.publish(live::State::ok(generation));
            report(Event::Built {
                summary: &summary,
                elapsed,
                first,
            });
        }
        Err(BuildError::Invalid(diagnostics)) => {
            shared.publish(live::State::failed(generation, &diagnostics, None));
            report(Event::Failed {
                diagnostics: &diagnostics,
                message: None,
                elapsed,
            });
        }
        Err(other) => {
            let message = other.to_string();
            let none = Diagnostics::default();
            shared.publish(live::State::failed(generation, &none, Some(&message)));
            report(Event::Failed {
                diagnostics: &none,
                message: Some(&message),
                elapsed,
            });
        }
    }
}

/// Keeps the watcher alive; native when the platform allows, polling otherwise.
#[allow(dead_code)]
enum Watcher {
    Native(notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::FileIdMap>),
}

fn watch(root: &Path, tx: mpsc::Sender<DebounceEventResult>) -> Result<Watcher, ServeError> {
    let native = new_debouncer(DEBOUNCE, None, tx.clone()).and_then(|mut d| {
        d.watch(root, RecursiveMode::Recursive)?;
        Ok(d)
    });
    match native {
        Ok(d) => Ok(Watcher::Native(d)),
        // Out of inotify watches, network file systems: polling still works.
        Err(_) => {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            let mut d = new_debouncer_opt::<_, notify::PollWatcher, _>(
                DEBOUNCE,
                None,
                tx,
                notify_debouncer_full::FileIdMap::new(),
                config,
            )
            .map_err(|source| ServeError::Watch {
                path: root.to_path_buf(),
                source,
            })?;
            d.watch(root, RecursiveMode::Recursive)
                .map_err(|source| ServeError::Watch {
                    path: root.to_path_buf(),
                    source,
                })?;
            Ok(Watcher::Poll(d))
        }
    }
}
