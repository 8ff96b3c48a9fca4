//! Headless Chromium: finding it, making a page fit for paper, and printing
//! it to PDF.
//!
//! The mechanics under `kamsite pdf` (wired in [`crate::pipeline::pdf`]):
//! this module knows HTML files and a browser, nothing of the site. It
//! imports nothing from the other stages.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

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

/// Why Chromium could not print a page.
#[derive(Debug)]
pub enum PrintError {
    /// `$KAMSITE_CHROMIUM` names no program.
    NotAtEnv(PathBuf),
    /// No browser on PATH (nor where macOS keeps Chrome).
    NotFound,
    /// A file or folder of the print run could not be made.
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The browser did not start.
    Start { browser: PathBuf, source: std::io::Error },
    /// The browser ran past its time limit (120 s) and was stopped.
    Timeout { browser: PathBuf },
    /// Waiting for the browser failed.
    Wait { browser: PathBuf, source: std::io::Error },
    /// The browser ended without writing a PDF; the last lines of its log.
    NoPdf {
        browser: PathBuf,
        status: ExitStatus,
        log_tail: String,
    },
}

impl std::fmt::Display for PrintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrintError::NotAtEnv(p) => write!(
                f,
                "KAMSITE_CHROMIUM is set to `{}`, but no such program exists; point it at a Chromium or Chrome binary, or unset it",
                p.display()
            ),
            PrintError::NotFound => write!(
                f,
                "printing a PDF needs headless Chromium, and none was found (looked for {} on PATH and $KAMSITE_CHROMIUM). \
                 Install it (Debian/Ubuntu: `apt-get install chromium`; Fedora: `dnf install chromium`; \
                 macOS: `brew install --cask chromium`) or set KAMSITE_CHROMIUM to the browser's path",
                BROWSERS.join(", ")
            ),
            PrintError::Io { action, path, source } => write!(f, "cannot {action} {}: {source}", path.display()),
            PrintError::Start { browser, source } => write!(f, "cannot start {}: {source}", browser.display()),
            PrintError::Timeout { browser } => write!(
                f,
                "{} did not finish printing within {} s",
                browser.display(),
                TIMEOUT.as_secs()
            ),
            PrintError::Wait { browser, source } => write!(f, "waiting for {}: {source}", browser.display()),
            PrintError::NoPdf {
                browser,
                status,
                log_tail,
            } => {
                write!(f, "{} exited with {status} and wrote no PDF", browser.display())?;
                if !log_tail.is_empty() {
                    write!(f, "; its output ends with:\n  {log_tail}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PrintError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PrintError::Io { source, .. } | PrintError::Start { source, .. } | PrintError::Wait { source, .. } => {
                Some(source)
            }
            _ => None,
        }
    }
}

/// A [`PrintError::Io`] for `path`.
pub fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> PrintError {
    let path = path.to_path_buf();
    move |source| PrintError::Io { action, path, source }
}

/// The Chromium to drive: `$KAMSITE_CHROMIUM`, else the first browser on PATH.
pub fn find_chromium() -> Result<PathBuf, PrintError> {
    if let Some(v) = std::env::var_os("KAMSITE_CHROMIUM").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(&v);
        let found = if p.components().count() > 1 {
            Some(p.clone())
        } else {
            on_path(&v)
        };
        return found.filter(|f| f.is_file()).ok_or(PrintError::NotAtEnv(p));
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
    Err(PrintError::NotFound)
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
pub fn print(browser: &Path, page: &Path, pdf: &Path, work: &Path) -> Result<(), PrintError> {
    let profile = work.join("profile");
    let log_path = work.join("chromium.log");
    let log = std::fs::File::create(&log_path).map_err(io_error("create", &log_path))?;
    let log_err = log.try_clone().map_err(io_error("create", &log_path))?;
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
        .map_err(|source| PrintError::Start {
            browser: browser.to_path_buf(),
            source,
        })?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PrintError::Timeout {
                    browser: browser.to_path_buf(),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(source) => {
                return Err(PrintError::Wait {
                    browser: browser.to_path_buf(),
                    source,
                });
            }
        }
    };
    let ok = std::fs::read(pdf).map(|b| b.starts_with(b"%PDF")).unwrap_or(false);
    if ok {
        return Ok(());
    }
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let tail: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = tail[tail.len().saturating_sub(8)..].join("\n  ");
    Err(PrintError::NoPdf {
        browser: browser.to_path_buf(),
        status,
        log_tail: tail,
    })
}

/// The page Chromium prints, fit for paper and for the customer: no image
/// from a local file (named by an absolute or relative path: it would be
/// embedded in the PDF from wherever it points), and no link to a page of
/// the site (in a PDF it would be a `file://` link into a temporary folder).
/// A Content-Security-Policy keeps images to `data:` and the web, in case a
/// template names one some other way. Returns the page and the sources of
/// the images left out.
pub fn for_print(html: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(html.len() + 200);
    let mut stripped = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tag_and_after = &rest[start..];
        let end = tag_end(tag_and_after);
        let tag = &tag_and_after[..end];
        rest = &tag_and_after[end..];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "img" => match attribute(tag, "src") {
                Some((_, src)) if is_remote(&src) || src.trim_start().to_ascii_lowercase().starts_with("data:") => {
                    out.push_str(tag)
                }
                Some((_, src)) => stripped.push(src),
                None => out.push_str(tag),
            },
            "a" => match attribute(tag, "href") {
                Some((span, href)) if !is_remote(&href) && !href.starts_with('#') => {
                    out.push_str(&tag[..span.start]);
                    out.push_str(&tag[span.end..]);
                }
                _ => out.push_str(tag),
            },
            "head" => {
                out.push_str(tag);
                out.push_str(PRINT_POLICY);
            }
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    (out, stripped)
}

/// Images from `data:` URLs and the web only; the page's own stylesheets
/// and fonts, from the temporary folder.
const PRINT_POLICY: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
     img-src data: http: https:; style-src 'self' 'unsafe-inline'; font-src 'self' data:\">";

fn is_remote(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// The length of the tag at the start of `s` (to its `>`, quotes minded).
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The attribute `name` of `tag`: its whole span (with the space before it)
/// and its value, entity-decoded where it matters for a URL.
fn attribute(tag: &str, name: &str) -> Option<(std::ops::Range<usize>, String)> {
    let lower = tag.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let after = lower[from..].trim_start();
        if !before_ok || !after.starts_with('=') {
            continue;
        }
        let value_start = from + (lower[from..].len() - after.len()) + 1;
        let value_rest = &tag[value_start..];
        let trimmed = value_rest.trim_start();
        let skip = value_rest.len() - trimmed.len();
        let (value, len) = match trimmed.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let close = trimmed[1..].find(q).map(|i| i + 2).unwrap_or(trimmed.len());
                (&trimmed[1..close.saturating_sub(1).max(1)], close)
            }
            _ => {
                let end = trimmed
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(trimmed.len());
                (&trimmed[..end], end)
            }
        };
        let value = value.replace("&amp;", "&").replace("&#x2F;", "/").replace("&#47;", "/");
        return Some(((at - 1)..(value_start + skip + len), value));
    }
    None
}

/// `file://` URL of an absolute path, with unsafe bytes percent-encoded.
pub fn file_url(path: &Path) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_page_has_no_local_image_and_no_link_into_the_site() {
        let page = "<html><head><title>t</title></head><body>\
            <a class=\"c-name\" href=\"../../\">Acme</a> <a href='https://e.com/x?a=1&amp;b=2'>web</a> <a href=\"#kpis\">k</a>\
            <img src=\"/etc/secret.png\" alt=\"a\"><img alt=\"b > c\" src='../../../../home/u/.ssh/x.png'>\
            <IMG SRC=file:///etc/x.png><img src=\"data:image/png;base64,AA\"><img src=\"https://e.com/i.png\">\
            <p title=\"src=x\">text</p></body></html>";
        let (html, stripped) = for_print(page);
        assert_eq!(
            stripped,
            ["/etc/secret.png", "../../../../home/u/.ssh/x.png", "file:///etc/x.png"]
        );
        assert!(html.contains("<a class=\"c-name\">Acme</a>"), "{html}");
        assert!(html.contains("href='https://e.com/x?a=1&amp;b=2'"), "{html}");
        assert!(html.contains("<a href=\"#kpis\">"), "{html}");
        assert!(html.contains("<img src=\"data:image/png;base64,AA\">"), "{html}");
        assert!(html.contains("<img src=\"https://e.com/i.png\">"), "{html}");
        assert!(html.contains("<p title=\"src=x\">text</p>"), "{html}");
        assert!(
            !html.contains("secret") && !html.contains(".ssh") && !html.contains("file:"),
            "{html}"
        );
        assert!(
            html.contains("<head><meta http-equiv=\"Content-Security-Policy\""),
            "{html}"
        );
    }

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/plans/2026-H2/index.html")),
            "file:///tmp/a%20b/plans/2026-H2/index.html"
        );
        assert_eq!(file_url(Path::new("/tmp/ø")), "file:///tmp/%C3%B8");
    }
}
