//! Which requests `serve` answers: those addressed to this computer by a
//! loopback name or address with the port it listens on, or to the
//! `--interface` address it was given. A web page elsewhere can point a host
//! name of its own at 127.0.0.1 (DNS rebinding) and have the browser fetch
//! from `serve` as if from the same site; the browser then names that host
//! in `Host`, and the request is refused. A page of another site that
//! fetches from `serve` directly names itself in `Origin`, refused the same
//! way.

use std::net::IpAddr;

use super::message::{Request, Response};

/// What requests may name in `Host` and `Origin`.
pub(super) struct Hosts {
    interface: IpAddr,
    port: u16,
}

impl Hosts {
    pub(super) fn new(interface: IpAddr, port: u16) -> Hosts {
        Hosts { interface, port }
    }

    /// A `Host` value this server answers to: `localhost` or a name under
    /// it (browsers resolve those to loopback themselves, never through
    /// DNS), a loopback address, or the interface address (any address
    /// when listening on all of them: an address typed in is not a name
    /// someone else's DNS can move); with this server's port, which may be
    /// left out only when it is 80.
    pub(super) fn allows_host(&self, value: &str) -> bool {
        let Some((name, port)) = split_host(value) else {
            return false;
        };
        if port.unwrap_or(80) != self.port {
            return false;
        }
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        if name == "localhost" || name.strip_suffix(".localhost").is_some_and(is_dns_name) {
            return true;
        }
        let ip = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(&name)
            .parse::<IpAddr>();
        match ip {
            Ok(ip) => is_loopback(ip) || ip == self.interface || self.interface.is_unspecified(),
            Err(_) => false,
        }
    }

    /// An `Origin` value of a page this server served: `http://` and an
    /// allowed host.
    pub(super) fn allows_origin(&self, value: &str) -> bool {
        value
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
            .and_then(|_| value.get(7..))
            .is_some_and(|host| !host.contains('/') && self.allows_host(host))
    }

    /// The answer to a request not addressed to this server, or `None`.
    pub(super) fn refuse(&self, request: &Request) -> Option<Response> {
        let url = format!("http://127.0.0.1:{}/", self.port);
        let Some(host) = &request.host else {
            return Some(Response::text(
                400,
                &format!("400 Bad Request: a Host header is required; open {url}\n"),
            ));
        };
        if !self.allows_host(host) {
            let also = if is_loopback(self.interface) {
                String::new()
            } else {
                format!(", or the address {}", bracketed(self.interface))
            };
            return Some(Response::text(
                403,
                &format!(
                    "403 Forbidden: kamsite serve answers only requests for localhost, 127.0.0.1 or [::1]{also} \
                     on port {}, and this one was for `{}`. A page of another site may be trying to read \
                     the portal through your browser. Open {url} instead.\n",
                    self.port,
                    shown(host)
                ),
            ));
        }
        if let Some(origin) = &request.origin
            && !self.allows_origin(origin)
        {
            return Some(Response::text(
                403,
                &format!(
                    "403 Forbidden: kamsite serve answers only its own pages, and this request came from \
                     a page of `{}`.\n",
                    shown(origin)
                ),
            ));
        }
        None
    }
}

/// Whether `ip` is this computer's own (127.0.0.0/8, ::1, or ::ffff:127.x.x.x).
pub(super) fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// An address as it goes in a URL: IPv6 in brackets.
pub(super) fn bracketed(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// `name` or `[v6]`, and the port when one is given.
fn split_host(value: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if value.starts_with('[') {
        let end = value.find(']')? + 1;
        let rest = &value[end..];
        match rest.strip_prefix(':') {
            Some(p) => (&value[..end], Some(p)),
            None if rest.is_empty() => (&value[..end], None),
            None => return None,
        }
    } else {
        match value.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (value, None),
        }
    };
    if name.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    Some((name, port))
}

/// Dot-separated labels of letters, digits and `-`.
fn is_dns_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|label| {
            !label.is_empty() && label.len() <= 63 && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A header value as shown in an answer: printable ASCII, at most 100 characters.
fn shown(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(host: Option<&str>, origin: Option<&str>) -> Request {
        Request {
            method: "GET".into(),
            target: "/".into(),
            host: host.map(String::from),
            origin: origin.map(String::from),
        }
    }

    #[test]
    fn loopback_names_with_the_port_only() {
        let h = Hosts::new("127.0.0.1".parse().unwrap(), 1111);
        for ok in [
            "localhost:1111",
            "LocalHost:1111",
            "localhost.:1111",
            "portal.localhost:1111",
            "a.b.localhost:1111",
            "127.0.0.1:1111",
            "127.0.0.2:1111",
            "[::1]:1111",
            "[::ffff:127.0.0.1]:1111",
        ] {
            assert!(h.allows_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "localhost.evil.example:1111",
            "evillocalhost:1111",
            ".localhost:1111",
            "a..localhost:1111",
            "localhost:1112",
            "localhost",
            "127.0.0.1",
            "127.0.0.1:80",
            "10.0.0.5:1111",
            "[::1]",
            "[::1]x:1111",
            "::1:1111",
            "localhost:",
            "localhost:+1111",
            "localhost:99999",
            ":1111",
            "",
            "user@localhost:1111",
        ] {
            assert!(!h.allows_host(bad), "{bad}");
        }
        // On port 80 a browser leaves the port out.
        let h80 = Hosts::new("127.0.0.1".parse().unwrap(), 80);
        assert!(h80.allows_host("localhost") && h80.allows_host("127.0.0.1:80"));
    }

    #[test]
    fn the_interface_address_is_allowed_and_any_address_on_all_interfaces() {
        let lan = Hosts::new("192.168.1.20".parse().unwrap(), 1111);
        assert!(lan.allows_host("192.168.1.20:1111"));
        assert!(lan.allows_host("localhost:1111"));
        assert!(!lan.allows_host("192.168.1.21:1111"));
        assert!(
            !lan.allows_host("mybox.lan:1111"),
            "names can be rebound; addresses cannot"
        );
        let all = Hosts::new("0.0.0.0".parse().unwrap(), 1111);
        assert!(all.allows_host("192.168.1.21:1111") && all.allows_host("[fe80::1]:1111"));
        assert!(!all.allows_host("evil.example:1111"));
    }

    #[test]
    fn origins_must_be_pages_of_this_server() {
        let h = Hosts::new("127.0.0.1".parse().unwrap(), 1111);
        assert!(h.allows_origin("http://127.0.0.1:1111"));
        assert!(h.allows_origin("HTTP://localhost:1111"));
        for bad in [
            "null",
            "https://127.0.0.1:1111",
            "http://evil.example:1111",
            "http://127.0.0.1:1112",
            "http://127.0.0.1:1111/path",
            "http://",
            "",
        ] {
            assert!(!h.allows_origin(bad), "{bad}");
        }
    }

    #[test]
    fn refusals_say_why() {
        let h = Hosts::new("127.0.0.1".parse().unwrap(), 1111);
        assert!(h.refuse(&request(Some("localhost:1111"), None)).is_none());
        assert!(
            h.refuse(&request(Some("localhost:1111"), Some("http://127.0.0.1:1111")))
                .is_none()
        );
        let r = h.refuse(&request(Some("evil.example:1111"), None)).unwrap();
        let body = String::from_utf8(r.body).unwrap();
        assert_eq!(r.status, 403);
        assert!(
            body.contains("`evil.example:1111`") && body.contains("http://127.0.0.1:1111/"),
            "{body}"
        );
        let r = h
            .refuse(&request(Some("127.0.0.1:1111"), Some("http://evil.example")))
            .unwrap();
        assert_eq!(r.status, 403);
        assert!(String::from_utf8(r.body).unwrap().contains("`http://evil.example`"));
        assert_eq!(h.refuse(&request(None, None)).unwrap().status, 400);
        let shown = h.refuse(&request(Some("a\u{1b}[31mb"), None)).unwrap();
        assert!(!String::from_utf8(shown.body).unwrap().contains('\u{1b}'));
    }
}
