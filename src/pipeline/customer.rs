//! The customer build: one account's joint business plans for its customer.
//!
//! Same pipeline as the internal build, narrowed to one account:
//! load -> validate -> redact -> render. A customer build concerns only the
//! site-wide files and the account's own folder, so problems in other
//! accounts neither block it nor appear in its report, and review files
//! (never shared) are left out of the report too: the log of a customer build
//! does not echo other customers' or internal content.

use super::options::{BuildError, BuildOptions};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::config::today;
use crate::redact::CustomerSite;
use crate::write::OutputFile;
use crate::{load, redact, render};

/// A rendered customer site, in memory.
pub struct CustomerBuild {
    pub files: Vec<OutputFile>,
    pub view: CustomerSite,
    pub diagnostics: Diagnostics,
}

/// Does diagnostic `d` concern the customer build of account `slug`?
fn concerns(slug: &str, d: &Diagnostic) -> bool {
    match d.file.strip_prefix("accounts/") {
        None => true,
        Some(rest) => rest
            .strip_prefix(slug)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|r| !r.starts_with("reviews/")),
    }
}

/// Load, validate, redact and render the customer site of account `slug`
/// (draft plans included with `drafts`); `opts` says where the site is and
/// how its pages are made.
pub fn render(opts: &BuildOptions, slug: &str, drafts: bool) -> Result<CustomerBuild, BuildError> {
    let load::Loaded {
        mut site,
        theme,
        diagnostics: loaded,
    } = load::site_and_theme(&opts.root);
    if let Some(url) = &opts.pages.base_url {
        site.config.set_base_url(url);
    }
    let today = today(&site.config);
    let mut all = loaded;
    all.extend(super::validate_site(&site, today));
    let mut diags = Diagnostics::default();
    for d in all.into_sorted() {
        if concerns(slug, &d) {
            diags.push(d);
        }
    }

    let Some(doc) = site.accounts.iter().find(|a| a.slug == slug) else {
        // With errors, report those first: the account may be the broken one.
        if diags.has_errors() {
            return Err(BuildError::Invalid(diags));
        }
        let known = site.accounts.iter().map(|a| a.slug.as_str());
        return Err(BuildError::UnknownAccount {
            account: slug.to_string(),
            accounts: opts.root.join("accounts"),
            suggestion: crate::diag::did_you_mean(slug, known).map(str::to_string),
        });
    };
    // Without a theme, its problems (or site.yaml's theme name) are in `diags`.
    let Some(theme) = theme.filter(|_| !diags.has_errors()) else {
        return Err(BuildError::Invalid(diags));
    };
    let view = redact::customer(&site.config, doc, today, drafts);
    let rendered = render::Engine::new(&theme, opts.pages.live_reload)
        .and_then(|e| render::customer(&e.links(site.config.links), &view));
    match rendered {
        Ok(files) => Ok(CustomerBuild {
            files,
            view,
            diagnostics: diags,
        }),
        Err(d) => {
            diags.extend(d);
            Err(BuildError::Invalid(diags))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_accounts_own_files_concern_it() {
        let d = |f: &str| Diagnostic::at_path("x", f, "m");
        assert!(concerns("acme", &d("site.yaml")));
        assert!(concerns("acme", &d("templates/customer/plan.html")));
        assert!(concerns("acme", &d("accounts/acme/account.yaml")));
        assert!(concerns("acme", &d("accounts/acme/plans/2026.yaml")));
        assert!(concerns("acme", &d("accounts/acme/notes/a.md")));
        assert!(!concerns("acme", &d("accounts/acme/reviews/a.md")));
        assert!(!concerns("acme", &d("accounts/acme-two/account.yaml")));
        assert!(!concerns("acme", &d("accounts/beta/account.yaml")));
    }
}
