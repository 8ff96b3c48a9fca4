//! Connections for `kamsite serve`, on a fixed number of threads whatever
//! clients do.
//!
//! One network thread waits on every socket at once: it accepts
//! connections, reads request heads, and holds the live-reload streams and
//! writes their events. A request whose head has arrived goes to one of a
//! fixed pool of workers, which answers it and closes the connection (no
//! keep-alive: on loopback a new connection costs next to nothing, and an
//! idle one never holds a worker). So a client that connects and sends
//! nothing, or sends its head a byte at a time, holds a small buffer, not a
//! thread, and only for [`Limits::head_timeout`]. Past
//! [`Limits::max_pending`] such connections the oldest is answered 503 to
//! make room for the new one; past [`Limits::queue`] requests waiting for a
//! worker, and past [`Limits::max_streams`] live-reload streams, the new
//! one is answered 503.

//!
//! [`Listener`] binds and starts the server; the network thread is
//! `network.rs`, the workers `workers.rs`. Imports only `serve::message`.

mod network;
mod workers;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use mio::net::TcpListener;
use mio::{Interest, Poll, Token, Waker};

use super::message::{Request, Response};
use network::Network;
use workers::{Job, worker};

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);

/// What the server holds at most, and for how long.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Threads that answer requests.
    pub workers: usize,
    /// Connections whose request head has not fully arrived.
    pub max_pending: usize,
    /// Requests waiting for a worker.
    pub queue: usize,
    /// Open live-reload streams.
    pub max_streams: usize,
    /// Time a connection has to send its request head.
    pub head_timeout: Duration,
    /// Time one write of a response may block, and a whole response may take.
    pub write_timeout: Duration,
    pub send_timeout: Duration,
    /// Keep-alive comment interval on the live-reload streams.
    pub ping: Duration,
    /// Bytes kept for a live-reload stream that does not read; past them it is closed.
    pub max_stream_backlog: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            workers: 8,
            max_pending: 256,
            queue: 64,
            max_streams: 32,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(60),
            ping: Duration::from_secs(15),
            max_stream_backlog: 1024 * 1024,
        }
    }
}

/// What to do with a request, decided on the network thread (quickly).
pub enum Route {
    /// Answer on a worker ([`Handler::respond`]).
    Worker,
    /// Keep the connection as a live-reload stream, starting with these bytes.
    Stream(Vec<u8>),
    /// Answer at once (a refusal: small).
    Now(Response),
}

pub trait Handler: Send + Sync + 'static {
    fn route(&self, request: &Request) -> Route;
    fn respond(&self, request: &Request) -> Response;
}

/// A bound listening socket, not yet answering (connections wait in the
/// system's queue until [`Listener::serve`]).
pub struct Listener {
    listener: TcpListener,
    poll: Poll,
    waker: Arc<Waker>,
    events: (Sender<Vec<u8>>, Receiver<Vec<u8>>),
}

/// Sends an event to every open live-reload stream.
#[derive(Clone)]
pub struct Broadcast {
    tx: Sender<Vec<u8>>,
    waker: Arc<Waker>,
}

impl Broadcast {
    pub fn send(&self, event: &str) {
        if self.tx.send(event.as_bytes().to_vec()).is_ok() {
            let _ = self.waker.wake();
        }
    }
}

/// The running server; dropping it stops the network thread (workers end
/// once their request is answered).
pub struct Server {
    stop: Arc<AtomicBool>,
    waker: Arc<Waker>,
    network: Option<JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.waker.wake();
        if let Some(t) = self.network.take() {
            let _ = t.join();
        }
    }
}

impl Listener {
    pub fn bind(addr: SocketAddr) -> io::Result<Listener> {
        let mut listener = TcpListener::bind(addr)?;
        let poll = Poll::new()?;
        poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        Ok(Listener {
            listener,
            poll,
            waker,
            events: mpsc::channel(),
        })
    }

    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn broadcaster(&self) -> Broadcast {
        Broadcast {
            tx: self.events.0.clone(),
            waker: self.waker.clone(),
        }
    }

    /// Start the network thread and the workers.
    pub fn serve(self, limits: Limits, handler: Arc<dyn Handler>) -> io::Result<Server> {
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<Job>(limits.queue);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        for i in 0..limits.workers.max(1) {
            let (jobs, handler, limits) = (jobs_rx.clone(), handler.clone(), limits.clone());
            std::thread::Builder::new()
                .name(format!("serve-worker-{i}"))
                .spawn(move || worker(&jobs, &*handler, &limits))?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let waker = self.waker.clone();
        let network = {
            let stop = stop.clone();
            let Listener {
                listener,
                poll,
                events: (_, events),
                ..
            } = self;
            let mut net = Network::new(poll, listener, events, jobs_tx, handler, limits);
            std::thread::Builder::new()
                .name("serve-network".into())
                .spawn(move || net.run(&stop))?
        };
        Ok(Server {
            stop,
            waker,
            network: Some(network),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::message::MAX_HEAD;
    use std::io::{Read, Write};
    use std::net::TcpStream as Client;
    use std::time::Instant;

    struct Echo;

    impl Handler for Echo {
        fn route(&self, request: &Request) -> Route {
            match request.target.as_str() {
                "/stream" => Route::Stream(b"HTTP/1.1 200 OK\r\n\r\nstart\n".to_vec()),
                "/refuse" => Route::Now(Response::text(403, "no\n")),
                _ => Route::Worker,
            }
        }

        fn respond(&self, request: &Request) -> Response {
            Response::text(200, &format!("hello {}\n", request.target))
        }
    }

    fn start(limits: Limits) -> (Server, Broadcast, SocketAddr) {
        let listener = Listener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let broadcast = listener.broadcaster();
        let server = listener.serve(limits, Arc::new(Echo)).unwrap();
        (server, broadcast, addr)
    }

    fn get(addr: SocketAddr, path: &str) -> String {
        let mut c = Client::connect(addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(c, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        let _ = c.read_to_string(&mut out);
        out
    }

    /// What the server sends on `c` until it closes the connection.
    fn rest(c: &mut Client) -> String {
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut out = Vec::new();
        let _ = c.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn answers_on_workers_and_refuses_at_once() {
        let (_server, _, addr) = start(Limits::default());
        let r = get(addr, "/page");
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
        assert!(
            r.contains("Content-Length: 12\r\n") && r.ends_with("hello /page\n"),
            "{r}"
        );
        let r = get(addr, "/refuse");
        assert!(
            r.starts_with("HTTP/1.1 403 Forbidden\r\n") && r.ends_with("no\n"),
            "{r}"
        );
        let mut c = Client::connect(addr).unwrap();
        c.write_all(b"BREW /\r\n\r\n").unwrap();
        assert!(rest(&mut c).starts_with("HTTP/1.1 400 Bad Request"));
        let mut c = Client::connect(addr).unwrap();
        c.write_all(b"HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let r = rest(&mut c);
        assert!(
            r.starts_with("HTTP/1.1 200 OK") && r.ends_with("\r\n\r\n"),
            "no body: {r}"
        );
    }

    #[test]
    fn a_head_that_does_not_arrive_in_time_is_answered_408() {
        let limits = Limits {
            head_timeout: Duration::from_millis(200),
            ..Limits::default()
        };
        let (_server, _, addr) = start(limits);
        let mut slow = Client::connect(addr).unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        let r = rest(&mut slow);
        assert!(r.starts_with("HTTP/1.1 408 Request Timeout"), "{r}");
        assert!(get(addr, "/after").ends_with("hello /after\n"));
    }

    #[test]
    fn a_head_too_large_is_answered_431() {
        let (_server, _, addr) = start(Limits::default());
        let mut c = Client::connect(addr).unwrap();
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(MAX_HEAD));
        c.write_all(big.as_bytes()).unwrap();
        assert!(rest(&mut c).starts_with("HTTP/1.1 431"));
    }

    #[test]
    fn past_the_pending_limit_the_oldest_connection_makes_room() {
        let limits = Limits {
            max_pending: 4,
            ..Limits::default()
        };
        let (_server, _, addr) = start(limits);
        let mut idle: Vec<Client> = (0..6).map(|_| Client::connect(addr).unwrap()).collect();
        // A normal request still gets through, past six idle connections.
        assert!(get(addr, "/busy").ends_with("hello /busy\n"));
        // The two oldest were told why and closed; the others are waiting.
        for c in &mut idle[..2] {
            assert!(rest(c).starts_with("HTTP/1.1 503"), "the oldest make room");
        }
        for c in &mut idle[3..] {
            c.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
            let mut b = [0u8; 1];
            assert!(c.read(&mut b).is_err(), "a newer idle connection stays open");
        }
    }

    #[test]
    fn streams_get_broadcasts_and_are_capped() {
        let limits = Limits {
            max_streams: 2,
            ..Limits::default()
        };
        let (_server, broadcast, addr) = start(limits);
        let open = || {
            let mut c = Client::connect(addr).unwrap();
            c.write_all(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            c
        };
        let read_until = |c: &mut Client, what: &str| {
            let mut seen = String::new();
            let mut b = [0u8; 256];
            while !seen.contains(what) {
                let n = c.read(&mut b).unwrap();
                assert!(n > 0, "closed before {what:?}: {seen}");
                seen.push_str(&String::from_utf8_lossy(&b[..n]));
            }
        };
        let (mut a, mut b) = (open(), open());
        read_until(&mut a, "start\n");
        read_until(&mut b, "start\n");
        let mut third = open();
        assert!(
            rest(&mut third).starts_with("HTTP/1.1 503"),
            "a third stream is refused"
        );
        broadcast.send("event: reload\n\n");
        read_until(&mut a, "event: reload");
        read_until(&mut b, "event: reload");
        // A closed stream makes room.
        drop(a);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut c = open();
            let mut buf = [0u8; 64];
            let n = c.read(&mut buf).unwrap_or(0);
            let got = String::from_utf8_lossy(&buf[..n]).into_owned();
            if got.contains("start") {
                break;
            }
            // The server may not have seen `a` close yet: try again.
            assert!(got.contains("503") || n == 0, "{got}");
            assert!(Instant::now() < deadline, "the closed stream's place was not freed");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
