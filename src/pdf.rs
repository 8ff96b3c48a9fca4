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
use crate::write::TempDir;
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
    let mut built = customer::render(&opts)?;
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

    // Chromium reads the customer site from a private temporary folder,
    // holding the rendered files only; the page it prints is made fit for
    // paper first (see `for_print`).
    let tmp = TempDir::new("pdf").map_err(|(path, e)| io_error("create", &path, &e))?;
    let site = tmp.path().join("site");
    let page_path = format!("plans/{}/index.html", plan.id);
    let mut stripped = Vec::new();
    for f in &built.files {
        let path = site.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, &e))?;
        }
        let bytes = if f.path == page_path {
            let (html, images) = for_print(&String::from_utf8_lossy(&f.bytes));
            stripped = images;
            html.into_bytes()
        } else {
            f.bytes.clone()
        };
        std::fs::write(&path, &bytes).map_err(|e| io_error("write", &path, &e))?;
    }
    for src in stripped {
        built.diagnostics.push(local_image(plan, &page_path, &src));
    }
    let page = site.join(&page_path);
    let printed = tmp.path().join("plan.pdf");
    print(&browser, &page, &printed, tmp.path())?;

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

/// The page Chromium prints, fit for paper and for the customer: no image
/// from a local file (named by an absolute or relative path: it would be
/// embedded in the PDF from wherever it points), and no link to a page of
/// the site (in a PDF it would be a `file://` link into a temporary folder).
/// A Content-Security-Policy keeps images to `data:` and the web, in case a
/// template names one some other way. Returns the page and the sources of
/// the images left out.
fn for_print(html: &str) -> (String, Vec<String>) {
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

/// The warning for an image left out of the PDF: at the image in the
/// plan's narrative when it is there, else at the page.
fn local_image(plan: &crate::redact::CustomerPlan, page: &str, src: &str) -> crate::diag::Diagnostic {
    use crate::diag::{Diagnostic, Severity};
    use crate::source::Pos;
    let message = format!("image `{src}` is a local file: left out of the PDF");
    let help = "a PDF for the customer embeds no file from this computer: use an image from the web (https://...), or leave it out";
    let found = plan
        .narrative_file
        .as_ref()
        .and_then(|f| f.text.find(src).map(|off| (f, f.line_col(off))));
    let d = match found {
        Some((file, (line, column))) => {
            let mut d = Diagnostic::warning("local-image", file, Pos::new(line, column), message);
            d.len = src.len().max(1);
            d
        }
        None => {
            let mut d = Diagnostic::at_path("local-image", page, message);
            d.severity = Severity::Warning;
            d
        }
    };
    d.help(help)
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
