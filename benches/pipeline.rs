//! Micro-benchmarks of the pipeline stages on the bundled example site, so a
//! change can be compared before and after: `cargo bench --bench pipeline`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn site_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content"))
}

fn pipeline(c: &mut Criterion) {
    let root = site_root();
    c.bench_function("load", |b| b.iter(|| kamsite::load::load(root)));

    let (site, _) = kamsite::load::load(root);
    let today = kamsite::today(&site.config);
    c.bench_function("validate+analyze", |b| {
        b.iter(|| {
            let d = kamsite::validate::site(&site, today);
            let p = kamsite::analyze::analyze(&site, today);
            (d.error_count(), p.accounts.len())
        })
    });

    let portfolio = kamsite::analyze::analyze(&site, today);
    let theme = kamsite::load::theme::load(root, site.config.theme.as_deref()).expect("the example's theme loads");
    let engine = kamsite::render::Engine::new(&theme, false)
        .expect("the example's templates compile")
        .links(site.config.links);
    c.bench_function("render internal", |b| {
        b.iter(|| {
            kamsite::render::internal(&engine, &portfolio)
                .map(|(files, _)| files.len())
                .unwrap_or(0)
        })
    });

    let note = site
        .accounts
        .iter()
        .flat_map(|a| a.notes.iter())
        .map(|n| n.body())
        .max_by_key(|b| b.len())
        .unwrap_or_default();
    c.bench_function("markdown note", |b| {
        b.iter(|| kamsite::render::markdown::to_html(&note, "n-"))
    });
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
