//! Themes: the embedded default theme plus a site's overrides, by name,
//! assembled once, as the site loads ([`site_and_theme`]); render gets the
//! [`Theme`] value and reads no file.
//!
//! Order of precedence for a template or static file of a given name:
//! the site's `templates/` (or `static/`), then `themes/<theme>/` of the site
//! when site.yaml names one, then the default theme built into the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::source::SourceFile;

/// A site as loaded, with its theme: what the pipeline hands on.
pub struct Loaded {
    pub site: Site,
    /// `None` when the theme could not be assembled (its problems are in
    /// `diagnostics`) or site.yaml names no valid theme (validation says so).
    pub theme: Option<Theme>,
    pub diagnostics: Diagnostics,
}

/// Load the site at `root` ([`super::load`]) and assemble its theme: every
/// problem of both, one run.
pub fn site_and_theme(root: &Path) -> Loaded {
    let (site, mut diagnostics) = super::load(root);
    let name = site.config.theme.as_deref();
    // A name that is no folder name is validation's to report.
    let theme = match name.is_none_or(is_theme_name) {
        true => load(root, name).map_err(|d| diagnostics.extend(d)).ok(),
        false => None,
    };
    Loaded {
        site,
        theme,
        diagnostics,
    }
}

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
    "assessment_parts.html",
    "assessments.html",
    "reviews.html",
    "review.html",
    "reviews_quarter.html",
    "reviews_competitor.html",
    "plans.html",
    "plan.html",
    "404.html",
    "search.html",
    "whitespace.html",
    "owners.html",
    "owner.html",
    "pipeline.html",
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
#[derive(Clone)]
pub struct TemplateSource {
    pub name: String,
    pub file: SourceFile,
}

/// Every template and static file a build uses, by name.
#[derive(Clone)]
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
        // A folder name, not a path: a theme comes from themes/ only.
        if !is_theme_name(name) {
            diags.push(
                Diagnostic::at_path(
                    "invalid-theme",
                    "site.yaml",
                    format!("theme `{name}` is not a folder name under themes/"),
                )
                .help(THEME_HELP),
            );
            return Err(diags);
        }
        let dir = root.join("themes").join(name);
        match crate::load::files::check_dir(root, &dir) {
            Ok(true) => layers.push(dir),
            Ok(false) => {
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
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        }
    }
    layers.push(root.to_path_buf());
    for layer in layers {
        for (rel, path) in files_under(root, &layer.join("templates"), &mut diags) {
            if let Some(file) = crate::load::read_source(root, &path, &mut diags) {
                templates.insert(rel.clone(), TemplateSource { name: rel, file });
            }
        }
        for (rel, path) in files_under(root, &layer.join("static"), &mut diags) {
            match crate::load::files::read(root, &path, None, crate::load::files::STATIC_LIMIT) {
                Ok(bytes) => {
                    static_files.insert(rel, bytes);
                }
                Err(r) => diags.push(r.at(root, &path)),
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

const THEME_HELP: &str = "write the name of a folder in themes/ (e.g. `theme: corporate` for themes/corporate/), or remove `theme:` to use the built-in theme";

/// A theme is named by its folder in themes/: one plain path segment.
pub fn is_theme_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && !name.chars().any(char::is_control)
}

/// Folders below templates/ or static/ kamsite follows.
const MAX_DEPTH: usize = 32;

/// Every file under `dir` (skipping names that start with `.`), as
/// (`/`-separated relative path, full path), sorted. Folders and files are
/// listed by [`crate::load::files`]: a link out of the site is refused.
fn files_under(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    match crate::load::files::check_dir(root, dir) {
        Ok(true) => {}
        Ok(false) => return Vec::new(),
        Err(d) => {
            diags.push(d);
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    // Depth first, without recursion: a deep tree cannot exhaust the stack.
    let mut pending = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, folder)) = pending.pop() {
        let mut refused = Vec::new();
        let entries = match crate::load::files::list(root, &folder, &mut refused) {
            Ok(entries) => entries.unwrap_or_default(),
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        refused.into_iter().for_each(|d| diags.push(d));
        for e in entries {
            let Some(name) = e.path.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if e.kind == crate::load::files::Kind::Dir {
                if rel.matches('/').count() >= MAX_DEPTH {
                    diags.push(
                        Diagnostic::at_path(
                            "too-deep",
                            &crate::diag::display_path(root, &e.path),
                            format!(
                                "folders nested more than {MAX_DEPTH} deep (a symbolic link to a folder above it?)"
                            ),
                        )
                        .help("flatten the folder, or remove the link that loops"),
                    );
                    continue;
                }
                pending.push((format!("{rel}/"), e.path));
            } else {
                out.push((rel, e.path));
            }
        }
    }
    out.sort();
    out
}
