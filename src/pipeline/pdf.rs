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
use crate::chromium::{self, PrintError, find_chromium, for_print, io_error};
use crate::diag::Diagnostics;
use crate::write::{OutputFile, TempDir};

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
/// account `slug` (draft plans included with `drafts`) to `out` (a file, or
/// a folder to put `<slug>-<period>.pdf` in; default: that name in the
/// current folder).
pub fn pdf(
    root: &Path,
    slug: &str,
    drafts: bool,
    period: Option<&str>,
    out: Option<&Path>,
) -> Result<PdfSummary, BuildError> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        audience: Audience::Customer {
            account: slug.to_string(),
            drafts,
        },
        ..BuildOptions::default()
    };
    // Find the browser first: a missing Chromium is the likeliest problem.
    let browser = find_chromium()?;
    let mut built = customer::render(&opts, slug, drafts)?;
    let plans = &built.view.plans;
    let found = match period {
        Some(p) => plans.iter().find(|x| x.period == p || x.id == p),
        None => plans.last(),
    };
    let Some(plan) = found else {
        return Err(BuildError::NoPlan {
            account: slug.to_string(),
            period: period.map(str::to_string),
            periods: plans.iter().map(|x| x.period.clone()).collect(),
            drafts,
        });
    };
    let dest = match out {
        Some(p) if p.is_dir() => p.join(format!("{slug}-{}.pdf", plan.id)),
        Some(p) => p.to_path_buf(),
        None => PathBuf::from(format!("{slug}-{}.pdf", plan.id)),
    };

    // Chromium reads the customer site from a private temporary folder,
    // holding the rendered files only; the page it prints is made fit for
    // paper first (see `for_print`).
    let tmp = TempDir::new("pdf").map_err(|(path, source)| PrintError::Io {
        action: "create",
        path,
        source,
    })?;
    let page_path = format!("plans/{}/index.html", plan.id);
    let site = tmp.path().join("site");
    for src in stage(&built.files, &site, &page_path)? {
        built.diagnostics.push(local_image(plan, &page_path, &src));
    }
    let printed = tmp.path().join("plan.pdf");
    chromium::print(&browser, &site.join(&page_path), &printed, tmp.path())?;
    place(&printed, &dest)?;
    let bytes = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
    Ok(PdfSummary {
        out: dest,
        bytes,
        title: plan.title.clone(),
        period: plan.period.clone(),
        diagnostics: built.diagnostics,
    })
}

/// Write the customer site's `files` into `site` for Chromium, the page at
/// `page_path` made fit for paper; the sources of the images left out of it.
fn stage(files: &[OutputFile], site: &Path, page_path: &str) -> Result<Vec<String>, PrintError> {
    let mut stripped = Vec::new();
    for f in files {
        let path = site.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_error("create", dir))?;
        }
        let bytes = if f.path == page_path {
            let (html, images) = for_print(&String::from_utf8_lossy(&f.bytes));
            stripped = images;
            html.into_bytes()
        } else {
            f.bytes.clone()
        };
        std::fs::write(&path, &bytes).map_err(io_error("write", &path))?;
    }
    Ok(stripped)
}

/// Put the `printed` PDF at `dest`: copied next to it, then renamed, so a
/// reader never sees half a PDF.
fn place(printed: &Path, dest: &Path) -> Result<(), PrintError> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_error("create", dir))?;
    }
    let partial = dest.with_extension("pdf.partial");
    std::fs::copy(printed, &partial).map_err(io_error("write", &partial))?;
    std::fs::rename(&partial, dest).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        io_error("write", dest)(e)
    })
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
