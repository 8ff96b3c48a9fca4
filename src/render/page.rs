//! Page chrome: what every portal page's template sees besides its own
//! values: `site` (site-wide values), `nav` (the portal's navigation),
//! `root` (the way back to the site's root) and `page` (path, title,
//! section, template).

use serde::Serialize;
use tera::Context;

use crate::analyze::Portfolio;
use crate::config::Links;

/// Site-wide values every template sees as `site`.
#[derive(Serialize)]
pub struct SiteInfo<'a> {
    pub title: &'a str,
    /// Our company's name (site.yaml `company`, else the title).
    pub company: &'a str,
    pub base_url: &'a str,
    /// `files` or `folders`: how links to pages are written (site.yaml `links`).
    pub links: &'static str,
    pub currency: &'a str,
    pub language: &'a str,
    pub today: String,
    pub audience: &'static str,
    pub generator: &'static str,
    /// site.yaml `noindex`: pages carry `<meta name="robots" content="noindex, nofollow">`.
    pub noindex: bool,
    /// site.yaml has `assessments`: the portal has an `/assessments/` page.
    pub assessments: bool,
    /// site.yaml has `offerings`: the portal has a `/whitespace/` page.
    pub whitespace: bool,
}

impl<'a> SiteInfo<'a> {
    /// The internal portal's site-wide values.
    pub fn internal(p: &'a Portfolio) -> SiteInfo<'a> {
        let cfg = p.config;
        SiteInfo {
            title: &cfg.title,
            company: &cfg.company,
            base_url: &cfg.base_url,
            links: match cfg.links {
                Links::Files => "files",
                Links::Folders => "folders",
            },
            currency: &cfg.currency,
            language: &cfg.language,
            today: p.today.to_string(),
            audience: "internal",
            generator: concat!("kamsite ", env!("CARGO_PKG_VERSION")),
            noindex: cfg.noindex,
            assessments: !cfg.assessments.is_empty(),
            whitespace: !cfg.offerings.is_empty(),
        }
    }
}

/// Navigation entry of the portal header.
#[derive(Serialize)]
struct NavItem {
    title: &'static str,
    href: &'static str,
    section: &'static str,
}

const NAV: &[NavItem] = &[
    NavItem {
        title: "Dashboard",
        href: "",
        section: "dashboard",
    },
    NavItem {
        title: "Matrix",
        href: "matrix/",
        section: "matrix",
    },
    NavItem {
        title: "Tiers",
        href: "tiers/",
        section: "tiers",
    },
    NavItem {
        title: "Accounts",
        href: "accounts/",
        section: "accounts",
    },
    NavItem {
        title: "Assessments",
        href: "assessments/",
        section: "assessments",
    },
    NavItem {
        title: "Reviews",
        href: "reviews/",
        section: "reviews",
    },
    NavItem {
        title: "Plans",
        href: "plans/",
        section: "plans",
    },
    NavItem {
        title: "Pipeline",
        href: "pipeline/",
        section: "pipeline",
    },
    NavItem {
        title: "Whitespace",
        href: "whitespace/",
        section: "whitespace",
    },
    NavItem {
        title: "Owners",
        href: "owners/",
        section: "owners",
    },
    NavItem {
        title: "Search",
        href: "search/",
        section: "search",
    },
];

#[derive(Serialize)]
struct PageInfo<'a> {
    path: &'a str,
    title: &'a str,
    section: &'a str,
    template: &'a str,
}

/// A portal page's context with its chrome in it; the page adds its own values.
pub fn page(path: &str, template: &'static str, title: &str, section: &str, site: &SiteInfo) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", site);
    let nav: Vec<&NavItem> = NAV
        .iter()
        .filter(|n| n.section != "assessments" || site.assessments)
        .filter(|n| n.section != "whitespace" || site.whitespace)
        .collect();
    ctx.insert("nav", &nav);
    ctx.insert("root", &root_prefix(path));
    ctx.insert(
        "page",
        &PageInfo {
            path,
            title,
            section,
            template,
        },
    );
    ctx
}

/// `../` repeated for the depth of `path` (e.g. `accounts/acme/index.html` -> `../../`).
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}
