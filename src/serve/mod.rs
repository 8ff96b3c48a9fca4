//! `kamsite serve`: build, serve on 127.0.0.1, watch, rebuild, live reload.
//!
//! The site folder is watched recursively with a debounced watcher (editors
//! that save by writing a temporary file and renaming it over the original
//! produce a burst of events; the debouncer folds it into one change). Each
//! change rebuilds the whole site with live reload enabled, into one of two
//! output folders in turn, so the folder being served is never half written.
//! Open pages learn about rebuilds over server-sent events: a good build
//! reloads them, a failed one shows an overlay with the diagnostics on every
//! page while the last good build stays served. The library reports what
//! happens through a callback; the CLI prints it.

mod http;
mod live;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::diag::Diagnostics;
use crate::{BuildError, BuildOptions, BuildSummary};

/// How long the file system must be quiet before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(120);

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
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
    /// One sender per open page (server-sent events stream).
    clients: Mutex<Vec<mpsc::Sender<String>>>,
}

impl Shared {
    fn publish(&self, state: live::State) {
        let message = state.event();
        if let Ok(mut s) = self.state.lock() {
            *s = state;
        }
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|tx| tx.send(message.clone()).is_ok());
        }
    }
}

/// Serve until `stop` is set (the CLI sets it on Ctrl-C). Errors only when
/// the server cannot start; build problems are reported and served.
pub fn run(opts: &ServeOptions, stop: &AtomicBool, report: &mut dyn FnMut(Event)) -> Result<(), String> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| format!("cannot open site folder {}: {e}", opts.root.display()))?;
    let work = WorkDir::create()?;

    let server = tiny_http::Server::http(("127.0.0.1", opts.port)).map_err(|e| {
        format!(
            "cannot listen on 127.0.0.1:{}: {e}; choose another port with --port",
            opts.port
        )
    })?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(opts.port);
    let server = Arc::new(server);
    let shared = Arc::new(Shared {
        served: RwLock::new(None),
        files: Arc::default(),
        state: Mutex::new(live::State::default()),
        clients: Mutex::new(Vec::new()),
    });

    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let _watcher = watch(&root, tx)?;

    let mut builder = Builder {
        root: root.clone(),
        outs: [work.path.join("a"), work.path.join("b")],
        next: 0,
        generation: 0,
        cache: None,
    };
    builder.rebuild(&shared, report, true);
    builder.prime(&shared);

    {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::spawn(move || http::accept(&server, &shared));
    }
    report(Event::Listening {
        url: format!("http://127.0.0.1:{port}/"),
    });

    while !stop.load(Ordering::SeqCst) {
        let first = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Fold everything that arrived meanwhile into one rebuild.
        let mut changed = Vec::new();
        for result in std::iter::once(first).chain(rx.try_iter()) {
            match result {
                Ok(events) => {
                    // Reads (our own builds open every file) are not changes.
                    for e in events.iter().filter(|e| is_change(&e.event.kind)) {
                        for p in &e.paths {
                            if let Some(rel) = relevant(&root, p)
                                && !changed.contains(&rel)
                            {
                                changed.push(rel);
                            }
                        }
                    }
                }
                Err(errors) => {
                    for e in errors {
                        report(Event::WatchError(e.to_string()));
                    }
                }
            }
        }
        if changed.is_empty() {
            continue;
        }
        changed.sort();
        let slugs = builder.incremental_slugs(&changed);
        report(Event::Changed { paths: changed });
        match slugs {
            Some(slugs) => builder.rebuild_accounts(&shared, report, &slugs),
            None => builder.rebuild(&shared, report, false),
        }
    }
    server.unblock();
    Ok(())
}

/// Builds the site into two folders in turn and publishes each result.
/// Keeps the loaded site, so a change inside account folders only reloads
/// those accounts and rewrites their pages and the aggregate pages in place.
struct Builder {
    root: PathBuf,
    outs: [PathBuf; 2],
    next: usize,
    generation: u64,
    /// The site as last loaded, and the folder being served.
    cache: Option<(crate::Workspace, PathBuf)>,
}

impl Builder {
    /// The account folders a change touches, when nothing else changed and
    /// no page or file disappears (then only a full build is right).
    fn incremental_slugs(&self, changed: &[String]) -> Option<Vec<String>> {
        if !self.cache.as_ref()?.0.is_current() {
            return None;
        }
        let mut slugs: Vec<String> = Vec::new();
        for path in changed {
            let rest = path.strip_prefix("accounts/")?;
            let (slug, inner) = rest.split_once('/')?;
            // A removed review or plan leaves its page behind: rebuild all.
            if !self.root.join(path).exists() || !crate::load::is_valid_slug(slug) {
                return None;
            }
            if !(inner == "account.yaml"
                || inner.starts_with("notes/")
                || inner.starts_with("reviews/")
                || inner.starts_with("plans/"))
            {
                return None;
            }
            if !slugs.iter().any(|s| s == slug) {
                slugs.push(slug.to_string());
            }
        }
        (!slugs.is_empty()).then_some(slugs)
    }

    /// Take the incremental path once before the first edit: rebuild one
    /// account as it is on disk (its pages come out the same) and report
    /// nothing. The first rebuild of a session finds no memory of its own
    /// size to reuse and faults fresh memory in; at 10k accounts the first
    /// edit was rebuilt in 168-200 ms after a full build, 134-136 ms after
    /// this (later edits 90-110 ms). It adds about 150 ms to the start.
    fn prime(&mut self, shared: &Shared) {
        let Some((ws, out)) = self.cache.as_mut() else {
            return;
        };
        let Some(slug) = ws.site.accounts.first().map(|a| a.slug.to_string()) else {
            return;
        };
        let opts = Self::incremental_opts(&self.root, out, shared);
        // A problem found here (the account changed since the full build)
        // stays with the workspace, and the watcher reports that change.
        let _ = crate::rebuild_accounts(&opts, ws, std::slice::from_ref(&slug));
    }

    /// How a rebuild of some accounts writes: in place in the served folder
    /// `out`, under the lock the HTTP server reads files under.
    fn incremental_opts(root: &Path, out: &Path, shared: &Shared) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            out: Some(out.to_path_buf()),
            live_reload: true,
            files_lock: Some(shared.files.clone()),
            ..BuildOptions::default()
        }
    }

    fn rebuild_accounts(&mut self, shared: &Shared, report: &mut dyn FnMut(Event), slugs: &[String]) {
        let Some((mut ws, out)) = self.cache.take() else {
            return self.rebuild(shared, report, false);
        };
        self.generation += 1;
        let opts = Self::incremental_opts(&self.root, &out, shared);
        let started = Instant::now();
        let result = crate::rebuild_accounts(&opts, &mut ws, slugs);
        let elapsed = started.elapsed();
        self.cache = Some((ws, out));
        self.publish(result, elapsed, shared, report, false, None);
    }

    fn rebuild(&mut self, shared: &Shared, report: &mut dyn FnMut(Event), first: bool) {
        self.generation += 1;
        let out = self.outs[self.next].clone();
        let opts = BuildOptions {
            root: self.root.clone(),
            out: Some(out.clone()),
            live_reload: true,
            ..BuildOptions::default()
        };
        let started = Instant::now();
        let (result, site) = crate::build_keeping_site(&opts);
        let elapsed = started.elapsed();
        // Incremental rebuilds start only from a good full build: its folder
        // holds every page, and its site loaded with a valid site.yaml.
        self.cache = if result.is_ok() {
            site.map(|s| (s, out.clone()))
        } else {
            None
        };
        self.publish(result, elapsed, shared, report, first, Some(out));
    }

    /// Tell open pages and the caller how a build went. `new_out`: the
    /// folder a full build wrote, served from now on if it succeeded.
    fn publish(
        &mut self,
        result: Result<BuildSummary, BuildError>,
        elapsed: Duration,
        shared: &Shared,
        report: &mut dyn FnMut(Event),
        first: bool,
        new_out: Option<PathBuf>,
    ) {
        match result {
            Ok(summary) => {
                if let Some(out) = new_out {
                    if let Ok(mut served) = shared.served.write() {
                        *served = Some(out);
                    }
                    self.next = 1 - self.next;
                }
                shared.publish(live::State::ok(self.generation));
                report(Event::Built {
                    summary: &summary,
                    elapsed,
                    first,
                });
            }
            Err(BuildError::Invalid(diagnostics)) => {
                shared.publish(live::State::failed(self.generation, &diagnostics, None));
                report(Event::Failed {
                    diagnostics: &diagnostics,
                    message: None,
                    elapsed,
                });
            }
            Err(BuildError::Output(message)) => {
                let none = Diagnostics::default();
                shared.publish(live::State::failed(self.generation, &none, Some(&message)));
                report(Event::Failed {
                    diagnostics: &none,
                    message: Some(&message),
                    elapsed,
                });
            }
        }
    }
}

/// Keeps the watcher alive; native when the platform allows, polling otherwise.
#[allow(dead_code)]
enum Watcher {
    Native(notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, notify_debouncer_full::FileIdMap>),
}

fn watch(root: &Path, tx: mpsc::Sender<DebounceEventResult>) -> Result<Watcher, String> {
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
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
            d.watch(root, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
            Ok(Watcher::Poll(d))
        }
    }
}

fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    )
}

/// The site-relative path of a changed file, unless it cannot affect the build:
/// hidden files and folders (.git, .kamsite, editor swap files), backups,
/// and the default build output `public/`.
fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    if rel.is_empty() || rel == "public" || rel.starts_with("public/") {
        return None;
    }
    let name = rel.rsplit('/').next().unwrap_or(&rel);
    let junk = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.chars().all(|c| c.is_ascii_digit());
    if junk || rel.split('/').any(|part| part.starts_with('.')) {
        return None;
    }
    Some(rel)
}

/// A private temporary folder for the two output folders, removed on exit.
struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    fn create() -> Result<WorkDir, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!("kamsite-serve-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(WorkDir { path })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_files_that_cannot_change_the_site() {
        let root = Path::new("/site");
        let rel = |p: &str| relevant(root, &root.join(p));
        assert_eq!(
            rel("accounts/acme/account.yaml").as_deref(),
            Some("accounts/acme/account.yaml")
        );
        assert_eq!(rel("site.yaml").as_deref(), Some("site.yaml"));
        assert_eq!(rel("templates/base.html").as_deref(), Some("templates/base.html"));
        for ignored in [
            "public/index.html",
            ".git/index",
            "accounts/acme/.account.yaml.swp",
            "accounts/acme/account.yaml~",
            "accounts/acme/4913",
            "accounts/acme/#account.yaml#",
            ".kamsite/schemas/account.schema.json",
        ] {
            assert_eq!(rel(ignored), None, "{ignored}");
        }
        assert_eq!(relevant(root, Path::new("/elsewhere/x")), None);
    }
}
