//! `links: files`: a link to a page folder names the folder's `index.html`.
//!
//! Pages link to each other relatively (`../accounts/acme/`), which a web
//! server answers with the folder's index.html. A browser that opens the
//! site from disk (file://) shows the folder instead, so when the site has
//! no address (no base_url) every relative link that ends in `/` gets
//! `index.html` appended, before its `#fragment` or `?query`: from
//! templates, notes and charts alike, since it is done on the rendered page.

/// `html` with each relative `href="…/"` written `href="…/index.html"`.
pub fn to_files(html: String) -> String {
    const KEY: &str = "href=\"";
    if !html.contains(KEY) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + html.len() / 64);
    let mut rest = html.as_str();
    while let Some(at) = rest.find(KEY) {
        let start = at + KEY.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        push_file_link(&mut out, &rest[..end]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `url`, with `index.html` after its path when that is a relative folder.
fn push_file_link(out: &mut String, url: &str) {
    let split = url.find(['#', '?']).unwrap_or(url.len());
    let (path, tail) = url.split_at(split);
    let relative = !path.is_empty() && !path.starts_with('/') && !path.contains(':') && !path.contains("&#");
    out.push_str(path);
    if relative {
        if path.ends_with('/') {
            out.push_str("index.html");
        } else if path == "." || path == ".." || path.ends_with("/.") || path.ends_with("/..") {
            out.push_str("/index.html");
        }
    }
    out.push_str(tail);
}

#[cfg(test)]
mod tests {
    use super::to_files;

    #[test]
    fn relative_folder_links_name_their_index_file() {
        let page = r##"<a href="../accounts/">A</a> <a href="acme/#note-x">N</a> <a href="matrix/?q=1">M</a>
<a href="../">Home</a> <a href="..">Up</a> <a href="">Self</a> <a href="#top">Top</a>
<a href="/abs/">Abs</a> <a href="https://example.com/">Ext</a> <a href="mailto:a@b.c">Mail</a>
<a href="style.css">File</a> <a href="../data/accounts.json">Data</a> <a href="//cdn.example/x/">Cdn</a>"##;
        let got = to_files(page.to_string());
        assert_eq!(
            got,
            r##"<a href="../accounts/index.html">A</a> <a href="acme/index.html#note-x">N</a> <a href="matrix/index.html?q=1">M</a>
<a href="../index.html">Home</a> <a href="../index.html">Up</a> <a href="">Self</a> <a href="#top">Top</a>
<a href="/abs/">Abs</a> <a href="https://example.com/">Ext</a> <a href="mailto:a@b.c">Mail</a>
<a href="style.css">File</a> <a href="../data/accounts.json">Data</a> <a href="//cdn.example/x/">Cdn</a>"##
        );
        // Text that only looks like a link is left alone.
        assert_eq!(to_files("no links / here".into()), "no links / here");
    }
}
