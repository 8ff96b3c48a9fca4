//! JSON Schemas of the site's file formats, for editors.
//!
//! Generated from the same Rust types the loader deserializes into, so the
//! schemas cannot drift from what `check` accepts. Descriptions come from the
//! types' doc comments. Editors with yaml-language-server (VS Code's YAML
//! extension, Neovim, Helix, JetBrains) use them for completion, hover help
//! and validation as you type. Fields that carry a source position in the
//! model (`Spanned<T>`) are described as their plain value here.

mod assessments;

use std::path::Path;

use schemars::generate::SchemaSettings;

use crate::config::RawConfig;
use crate::model::{Account, NoteMeta, Plan, ReviewMeta};
use crate::write::WriteError;

/// The folder `init` puts the schemas in, relative to the site root.
pub const SITE_SCHEMA_DIR: &str = ".kamsite/schemas";

/// What a schema file describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Site,
    Account,
    Note,
    Review,
    Plan,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Site, Kind::Account, Kind::Note, Kind::Review, Kind::Plan];

    /// The schema's file name, e.g. `account.schema.json`.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Site => "site.schema.json",
            Kind::Account => "account.schema.json",
            Kind::Note => "note.schema.json",
            Kind::Review => "review.schema.json",
            Kind::Plan => "plan.schema.json",
        }
    }

    /// Which kind of file a site-relative path is, if kamsite reads it as YAML.
    pub fn of_path(rel: &str) -> Option<Kind> {
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            ["site.yaml"] => Some(Kind::Site),
            ["accounts", _, "account.yaml"] => Some(Kind::Account),
            ["accounts", _, "notes", f] if f.ends_with(".md") => Some(Kind::Note),
            ["accounts", _, "reviews", f] if f.ends_with(".md") => Some(Kind::Review),
            ["accounts", _, "plans", f] if f.ends_with(".yaml") => Some(Kind::Plan),
            _ => None,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Site => "kamsite site.yaml",
            Kind::Account => "kamsite account.yaml",
            Kind::Note => "kamsite note front matter",
            Kind::Review => "kamsite win/loss review front matter",
            Kind::Plan => "kamsite joint business plan",
        }
    }
}

/// The JSON Schema (draft-07, which every yaml-language-server understands) of one file kind.
pub fn schema(kind: Kind) -> serde_json::Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = match kind {
        Kind::Site => generator.into_root_schema_for::<RawConfig>(),
        Kind::Account => generator.into_root_schema_for::<Account>(),
        Kind::Note => generator.into_root_schema_for::<NoteMeta>(),
        Kind::Review => generator.into_root_schema_for::<ReviewMeta>(),
        Kind::Plan => generator.into_root_schema_for::<Plan>(),
    };
    schema.insert("title".into(), kind.title().into());
    schema.to_value()
}

/// Pretty JSON text of a schema, with a trailing newline.
pub fn schema_text(kind: Kind) -> String {
    text_of(&schema(kind))
}

fn text_of(schema: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// The schema of one file kind for a site: the account schema names the
/// site's assessment frameworks and, per framework, its dimension ids and
/// scale (see `assessments::site_schema`).
pub fn site_schema(kind: Kind, config: &crate::config::SiteConfig) -> serde_json::Value {
    let mut s = schema(kind);
    if kind == Kind::Account {
        assessments::site_schema(&mut s, config);
    }
    s
}

/// Write every schema into `dir` (created if needed); returns the files written.
pub fn write_all(dir: &Path) -> Result<Vec<std::path::PathBuf>, WriteError> {
    write_all_for(dir, None)
}

/// [`write_all`], with the site's own ids when `config` is given.
pub fn write_all_for(
    dir: &Path,
    config: Option<&crate::config::SiteConfig>,
) -> Result<Vec<std::path::PathBuf>, WriteError> {
    std::fs::create_dir_all(dir).map_err(|e| WriteError::io("create", dir, e))?;
    let mut written = Vec::new();
    for kind in Kind::ALL {
        let path = dir.join(kind.file_name());
        let text = match config {
            Some(c) => text_of(&site_schema(kind, c)),
            None => schema_text(kind),
        };
        std::fs::write(&path, text).map_err(|e| WriteError::io("write", &path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// The `# yaml-language-server: $schema=...` line for a file at `rel` (site-relative),
/// pointing at the schemas `init` writes into [`SITE_SCHEMA_DIR`].
pub fn modeline(rel: &str, kind: Kind) -> String {
    let depth = rel.matches('/').count();
    format!(
        "# yaml-language-server: $schema={}{SITE_SCHEMA_DIR}/{}",
        "../".repeat(depth),
        kind.file_name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modelines_point_back_to_the_site_root() {
        assert_eq!(
            modeline("accounts/acme/account.yaml", Kind::Account),
            "# yaml-language-server: $schema=../../.kamsite/schemas/account.schema.json"
        );
        assert_eq!(
            modeline("site.yaml", Kind::Site),
            "# yaml-language-server: $schema=.kamsite/schemas/site.schema.json"
        );
    }

    #[test]
    fn kinds_of_paths() {
        assert_eq!(Kind::of_path("site.yaml"), Some(Kind::Site));
        assert_eq!(Kind::of_path("accounts/a/account.yaml"), Some(Kind::Account));
        assert_eq!(Kind::of_path("accounts/a/notes/x.md"), Some(Kind::Note));
        assert_eq!(Kind::of_path("accounts/a/reviews/x.md"), Some(Kind::Review));
        assert_eq!(Kind::of_path("accounts/a/plans/2026.yaml"), Some(Kind::Plan));
        assert_eq!(Kind::of_path("accounts/a/plans/2026.md"), None);
        assert_eq!(Kind::of_path("templates/base.html"), None);
    }

    #[test]
    fn schemas_are_closed_and_described() {
        let account = schema(Kind::Account);
        assert_eq!(account["additionalProperties"], false);
        assert!(account["properties"]["owner"]["description"].is_string(), "{account:#}");
        assert!(account["properties"]["name"].is_object());
        let site = schema(Kind::Site);
        assert!(site["properties"]["matrix"].is_object());
    }
}
