//! PDF: a joint business plan, printed by headless Chromium.
//!
//! The PDF is the customer build's plan page printed to A4, so it holds
//! exactly what the customer site holds (redacted the same way) and looks
//! like the page's print stylesheet. The customer site is rendered into a
//! private temporary folder, Chromium prints one page of it, and the folder
//! is removed again.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::diag::Diagnostics;
use crate::{Audience, BuildError, BuildOptions, customer};

/// How long Chromium may take to print before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Browser names tried on PATH, in order.
const BROWSERS: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// What `kamsite pdf` wrote.
#[derive(Debug)]
pub struct PdfSummary {
    pub out: PathBuf,
    pub bytes: u64,
    pub title: String,
    pub period: String,
    pub diagnostics: Diagnostics,
}

/// Print the plan `period` (default: the newest in the customer view) of
/// `opts.account` to `out` (a file, or a folder to put `<slug>-<period>.pdf` in;
/// default: that name in the current folder).
pub fn pdf(opts: &BuildOptions, period: Option<&str>, out: Option<&Path>) -> Result<PdfSummary, BuildError> {
    let opts = BuildOptions {
        audience: Audience::Customer,
        live_reload: false,
        ..opts.clone()
    };
    let slug = opts.account.clone().unwrap_or_default();
    // Find the browser first: a missing Chromium is the likeliest problem.
    let browser = find_chromium().map_err(BuildError::Output)?;
    let built = customer::render(&opts)?;
    let plans = &built.view.plans;
    let drafts_hint = if opts.drafts {
        ""
    } else {
        " (draft plans are left out; pass --drafts to include them)"
    };
    let plan = match period {
        Some(p) => plans.iter().find(|x| x.period == p || x.id == p).ok_or_else(|| {
            let have: Vec<&str> = plans.iter().map(|x| x.period.as_str()).collect();
            BuildError::Output(format!(
                "account `{slug}` has no plan for period `{p}`{}{drafts_hint}",
                if have.is_empty() {
                    String::new()
                } else {
                    format!("; its plans: {}", have.join(", "))
                }
            ))
        })?,
        None => plans
            .last()
            .ok_or_else(|| BuildError::Output(format!("account `{slug}` has no plan to print{drafts_hint}")))?,
    };
    let dest = match out {
        Some(p) if p.is_dir() => p.join(format!("{slug}-{}.pdf", plan.id)),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(format!("{slug}-{}.pdf", plan.id)),
    };

    let tmp = TempDir::new()?;
    let site = tmp.path.join("site");
    for f in &built.files {
        let path = site.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
        }
        std::fs::write(&path, &f.bytes).map_err(|e| io_error("write", &path, &e))?;
    }
    let page = site.join("plans").join(&plan.id).join("index.html");
    let printed = tmp.path.join("plan.pdf");
    print(&browser, &page, &printed, &tmp.path)?;

    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
    }
    // Copy next to the destination, then rename: a reader never sees half a PDF.
    let partial = dest.with_extension("pdf.partial");
    std::fs::copy(&printed, &partial).map_err(|e| io_error("write", &partial, &e))?;
    std::fs::rename(&partial, &dest).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io_error("write", &dest, &e)
    })?;
    let bytes = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
    Ok(PdfSummary {
        out: dest,
        bytes,
        title: plan.title.clone(),
        period: plan.period.clone(),
        diagnostics: built.diagnostics,
    })
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> BuildError {
    BuildError::Output(format!("cannot {what} {}: {e}", path.display()))
}

/// The Chromium to drive: `$KAMSITE_CHROMIUM`, else the first browser on PATH.
pub fn find_chromium() -> Result<PathBuf, String> {
    if let Some(v) = std::env::var_os("KAMSITE_CHROMIUM").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(&v);
        let found = if p.components().count() > 1 {
            Some(p.clone())
        } else {
            on_path(&v)
        };
        return match found.filter(|f| f.is_file()) {
            Some(f) => Ok(f),
            None => Err(format!(
                "KAMSITE_CHROMIUM is set to `{}`, but no such program exists; point it at a Chromium or Chrome binary, or unset it",
                p.display()
            )),
        };
    }
    for name in BROWSERS {
        if let Some(p) = on_path(name.as_ref()) {
            return Ok(p);
        }
    }
    let mac = Path::new("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome");
    if mac.is_file() {
        return Ok(mac.to_path_buf());
    }
    Err(format!(
        "printing a PDF needs headless Chromium, and none was found (looked for {} on PATH and $KAMSITE_CHROMIUM). \
         Install it (Debian/Ubuntu: `apt-get install chromium`; Fedora: `dnf install chromium`; \
         macOS: `brew install --cask chromium`) or set KAMSITE_CHROMIUM to the browser's path",
        BROWSERS.join(", ")
    ))
}

fn on_path(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The flags every headless Chromium run of kamsite's needs on a machine
/// without a display or network (the browser tests use them too).
pub const HEADLESS_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
];

/// Run Chromium to print `page` to `pdf`; `work` holds its profile and log.
fn print(browser: &Path, page: &Path, pdf: &Path, work: &Path) -> Result<(), BuildError> {
    let profile = work.join("profile");
    let log_path = work.join("chromium.log");
    let log = std::fs::File::create(&log_path).map_err(|e| io_error("create", &log_path, &e))?;
    let log_err = log.try_clone().map_err(|e| io_error("create", &log_path, &e))?;
    let mut child = Command::new(browser)
        .args(HEADLESS_FLAGS)
        .args([
            "--no-pdf-header-footer",
            // Let web fonts and layout settle before printing.
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(file_url(page))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| BuildError::Output(format!("cannot start {}: {e}", browser.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(BuildError::Output(format!(
                    "{} did not finish printing within {} s",
                    browser.display(),
                    TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(BuildError::Output(format!("waiting for {}: {e}", browser.display()))),
        }
    };
    let ok = std::fs::read(pdf).map(|b| b.starts_with(b"%PDF")).unwrap_or(false);
    if ok {
        return Ok(());
    }
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let tail: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = tail[tail.len().saturating_sub(8)..].join("\n  ");
    Err(BuildError::Output(format!(
        "{} exited with {status} and wrote no PDF{}",
        browser.display(),
        if tail.is_empty() {
            String::new()
        } else {
            format!("; its output ends with:\n  {tail}")
        }
    )))
}

/// `file://` URL of an absolute path, with unsafe bytes percent-encoded.
fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let s = abs.to_string_lossy().replace('\\', "/");
    let mut url = String::from(if s.starts_with('/') { "file://" } else { "file:///" });
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~:".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// A private temporary folder, removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<TempDir, BuildError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!("kamsite-pdf-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&path).map_err(|e| io_error("create", &path, &e))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/plans/2026-H2/index.html")),
            "file:///tmp/a%20b/plans/2026-H2/index.html"
        );
        assert_eq!(file_url(Path::new("/tmp/ø")), "file:///tmp/%C3%B8");
    }
}
