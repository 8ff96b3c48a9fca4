//! Themes: the embedded default theme plus a site's overrides, by name.
//!
//! Order of precedence for a template or static file of a given name:
//! the site's `templates/` (or `static/`), then `themes/<theme>/` of the site
//! when site.yaml names one, then the default theme built into the binary.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics, SourceFile};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

macro_rules! embed_bytes {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../themes/default/static/", $name)) as &[u8])),*]
    };
}

/// The default theme's templates, compiled into the binary.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = embed![
    "base.html",
    "components.html",
    "index.html",
    "accounts.html",
    "rows/account.html",
    "account.html",
    "matrix.html",
    "rows/matrix.html",
    "tiers.html",
    "rows/tier.html",
    "reviews_parts.html",
    "reviews.html",
    "review.html",
    "reviews_quarter.html",
    "reviews_competitor.html",
    "plans.html",
    "plan.html",
    "404.html",
    "search.html",
    "customer/base.html",
    "customer/index.html",
    "customer/plan.html",
];

/// The default theme's static files, copied to the output root.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = embed_bytes![
    "style.css",
    "search.js",
    "favicon.svg",
    "plans.css",
    "customer.css",
    "fonts/Roboto-Regular.ttf",
    "fonts/LICENSE.txt",
];

/// A template as Tera gets it, with the file it came from for diagnostics.
pub struct TemplateSource {
    pub name: String,
    pub file: SourceFile,
}

pub struct Theme {
    pub templates: BTreeMap<String, TemplateSource>,
    pub static_files: BTreeMap<String, Vec<u8>>,
}

/// Assemble the theme for the site at `root`.
pub fn load(root: &Path, theme: Option<&str>) -> Result<Theme, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut templates = BTreeMap::new();
    for (name, text) in DEFAULT_TEMPLATES {
        let file = SourceFile::new(format!("themes/default/templates/{name}"), *text);
        templates.insert(
            name.to_string(),
            TemplateSource {
                name: name.to_string(),
                file,
            },
        );
    }
    let mut static_files: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();

    let mut layers = Vec::new();
    if let Some(name) = theme.filter(|t| *t != "default") {
        let dir = root.join("themes").join(name);
        if !dir.is_dir() {
            diags.push(
                Diagnostic::at_path(
                    "unknown-theme",
                    "site.yaml",
                    format!("theme `{name}` not found: no folder themes/{name}/"),
                )
                .help("create themes/<name>/templates/, or remove `theme:` to use the built-in theme"),
            );
            return Err(diags);
        }
        layers.push(dir);
    }
    layers.push(root.to_path_buf());
    for layer in layers {
        for (rel, path) in files_under(&layer.join("templates")) {
            if let Some(file) = crate::load::read_source(root, &path, &mut diags) {
                templates.insert(rel.clone(), TemplateSource { name: rel, file });
            }
        }
        for (rel, path) in files_under(&layer.join("static")) {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    static_files.insert(rel, bytes);
                }
                Err(e) => diags.push(Diagnostic::at_path(
                    "unreadable",
                    &crate::diag::display_path(root, &path),
                    format!("cannot read file: {e}"),
                )),
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Theme {
        templates,
        static_files,
    })
}

/// Every file under `dir`, as (`/`-separated relative path, full path), sorted.
fn files_under(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<(String, std::path::PathBuf)> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_string_lossy().replace('\\', "/");
            (!rel.split('/').any(|p| p.starts_with('.'))).then(|| (rel, e.path().to_path_buf()))
        })
        .collect();
    out.sort();
    out
}
