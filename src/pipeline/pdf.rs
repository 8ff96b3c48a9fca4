//! PDF: a joint business plan, printed by headless Chromium.
//!
//! The PDF is the customer build's plan page printed to A4, so it holds
//! exactly what the customer site holds (redacted the same way) and looks
//! like the page's print stylesheet. The customer site is rendered into a
//! private temporary folder, Chromium prints one page of it
//! ([`crate::chromium`]), and the folder is removed again.

use std::path::{Path, PathBuf};

use super::customer;
use super::options::{Audience, BuildError, BuildOptions};
use crate::chromium::{self, find_chromium, for_print};
use crate::diag::Diagnostics;
use crate::write::TempDir;

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
    let browser = find_chromium().map_err(printing)?;
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
    chromium::print(&browser, &page, &printed, tmp.path()).map_err(printing)?;

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

fn printing(e: chromium::PrintError) -> BuildError {
    BuildError::Output(e.to_string())
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
