//! The network thread of `kamsite serve`: one thread waits on every socket
//! at once. It accepts connections, reads request heads (each with a
//! deadline), hands complete requests to the workers, answers refusals at
//! once, and holds the live-reload streams and writes their events.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use super::workers::Job;
use super::{Handler, LISTENER, Limits, Route, WAKER};
use crate::serve::message::{MAX_HEAD, Response, head_end, parse_head};

/// A connection whose request head has not fully arrived.
struct Pending {
    stream: TcpStream,
    head: Vec<u8>,
}

/// An open live-reload stream and what it has not taken yet.
struct Stream {
    stream: TcpStream,
    out: Vec<u8>,
}

pub(super) struct Network {
    poll: Poll,
    listener: TcpListener,
    events: Receiver<Vec<u8>>,
    jobs: SyncSender<Job>,
    handler: Arc<dyn Handler>,
    limits: Limits,
    pending: HashMap<Token, Pending>,
    /// Pending connections in the order they came, with their deadlines
    /// (tokens no longer pending are skipped).
    order: VecDeque<(Token, Instant)>,
    streams: HashMap<Token, Stream>,
    next_token: usize,
    /// Accepting failed (out of file descriptors): try again shortly.
    retry_accept: bool,
}

impl Network {
    pub(super) fn new(
        poll: Poll,
        listener: TcpListener,
        events: Receiver<Vec<u8>>,
        jobs: SyncSender<Job>,
        handler: Arc<dyn Handler>,
        limits: Limits,
    ) -> Network {
        Network {
            poll,
            listener,
            events,
            jobs,
            handler,
            limits,
            pending: HashMap::new(),
            order: VecDeque::new(),
            streams: HashMap::new(),
            // 0 and 1 are the listener and the waker.
            next_token: 2,
            retry_accept: false,
        }
    }

    pub(super) fn run(&mut self, stop: &AtomicBool) {
        let mut events = Events::with_capacity(256);
        let mut next_ping = Instant::now() + self.limits.ping;
        while !stop.load(Ordering::SeqCst) {
            let now = Instant::now();
            let mut wake_at = next_ping;
            if let Some(&(_, deadline)) = self.order.front() {
                wake_at = wake_at.min(deadline);
            }
            let mut timeout = wake_at.saturating_duration_since(now);
            if self.retry_accept {
                timeout = timeout.min(Duration::from_millis(50));
            }
            if let Err(e) = self.poll.poll(&mut events, Some(timeout))
                && e.kind() != io::ErrorKind::Interrupted
            {
                return;
            }
            // Events first, to the streams open before they were sent: a
            // stream opened after an event was sent started with the state
            // that event announced.
            while let Ok(event) = self.events.try_recv() {
                self.send_to_streams(&event);
            }
            if self.retry_accept {
                self.accept();
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(),
                    WAKER => {}
                    token if self.pending.contains_key(&token) => self.read_head(token),
                    token => self.stream_ready(token),
                }
            }
            self.expire();
            if Instant::now() >= next_ping {
                self.send_to_streams(b": ping\n\n");
                next_ping = Instant::now() + self.limits.ping;
            }
        }
    }

    fn token(&mut self) -> Token {
        self.next_token = self.next_token.checked_add(1).unwrap_or(2);
        Token(self.next_token)
    }

    fn accept(&mut self) {
        self.retry_accept = false;
        loop {
            let mut stream = match self.listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.retry_accept = true;
                    return;
                }
            };
            if self.pending.len() >= self.limits.max_pending {
                self.evict_oldest();
            }
            let token = self.token();
            if self
                .poll
                .registry()
                .register(&mut stream, token, Interest::READABLE)
                .is_err()
            {
                continue;
            }
            self.pending.insert(
                token,
                Pending {
                    stream,
                    head: Vec::new(),
                },
            );
            self.order.push_back((token, Instant::now() + self.limits.head_timeout));
            // The head is often there already.
            self.read_head(token);
        }
    }

    fn evict_oldest(&mut self) {
        while let Some((token, _)) = self.order.pop_front() {
            if self.pending.contains_key(&token) {
                self.refuse(
                    token,
                    Response::text(503, "503 Service Unavailable: too many connections are open\n"),
                );
                return;
            }
        }
    }

    /// Close the pending connections whose head did not arrive in time.
    fn expire(&mut self) {
        let now = Instant::now();
        while let Some(&(token, deadline)) = self.order.front() {
            if deadline > now {
                return;
            }
            self.order.pop_front();
            if self.pending.contains_key(&token) {
                self.refuse(
                    token,
                    Response::text(408, "408 Request Timeout: the request did not arrive in time\n"),
                );
            }
        }
    }

    /// Answer a pending connection at once (no worker) and close it.
    fn refuse(&mut self, token: Token, response: Response) {
        if let Some(mut p) = self.pending.remove(&token) {
            let _ = self.poll.registry().deregister(&mut p.stream);
            answer_now(&mut p.stream, &response);
        }
    }

    fn read_head(&mut self, token: Token) {
        let Some(p) = self.pending.get_mut(&token) else {
            return;
        };
        let mut chunk = [0u8; 4096];
        loop {
            match p.stream.read(&mut chunk) {
                Ok(0) => {
                    if let Some(mut p) = self.pending.remove(&token) {
                        let _ = self.poll.registry().deregister(&mut p.stream);
                    }
                    return;
                }
                Ok(n) => {
                    let searched = p.head.len().saturating_sub(3);
                    p.head.extend_from_slice(&chunk[..n]);
                    if let Some(end) = head_end(&p.head, searched) {
                        p.head.truncate(end);
                        return self.dispatch(token);
                    }
                    if p.head.len() > MAX_HEAD {
                        return self.refuse(token, Response::text(431, "431 Request Header Fields Too Large\n"));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    if let Some(mut p) = self.pending.remove(&token) {
                        let _ = self.poll.registry().deregister(&mut p.stream);
                    }
                    return;
                }
            }
        }
    }

    /// A whole head has arrived: route the request.
    fn dispatch(&mut self, token: Token) {
        let Some(mut p) = self.pending.remove(&token) else {
            return;
        };
        let _ = self.poll.registry().deregister(&mut p.stream);
        let request = match parse_head(&p.head) {
            Ok(r) => r,
            Err(why) => {
                return answer_now(
                    &mut p.stream,
                    &Response::text(400, &format!("400 Bad Request: {why}\n")),
                );
            }
        };
        let head_only = request.method == "HEAD";
        match self.handler.route(&request) {
            Route::Now(mut response) => {
                if head_only {
                    response.body.clear();
                }
                answer_now(&mut p.stream, &response)
            }
            Route::Stream(start) => {
                if self.streams.len() >= self.limits.max_streams {
                    return answer_now(
                        &mut p.stream,
                        &Response::text(
                            503,
                            "503 Service Unavailable: too many pages are open for live reload; close some\n",
                        ),
                    );
                }
                let token = self.token();
                let interest = Interest::READABLE | Interest::WRITABLE;
                if self.poll.registry().register(&mut p.stream, token, interest).is_ok() {
                    self.streams.insert(
                        token,
                        Stream {
                            stream: p.stream,
                            out: start,
                        },
                    );
                    self.flush(token);
                }
            }
            Route::Worker => {
                let stream: std::net::TcpStream = p.stream.into();
                match self.jobs.try_send(Job { stream, request }) {
                    Ok(()) => {}
                    Err(TrySendError::Full(job)) => {
                        let mut stream = TcpStream::from_std(job.stream);
                        answer_now(
                            &mut stream,
                            &Response::text(503, "503 Service Unavailable: the server is busy; try again\n"),
                        );
                    }
                    Err(TrySendError::Disconnected(_)) => {}
                }
            }
        }
    }

    fn stream_ready(&mut self, token: Token) {
        let Some(s) = self.streams.get_mut(&token) else {
            return;
        };
        // A page sends nothing on its stream: reading tells when it closed.
        let mut chunk = [0u8; 1024];
        let closed = loop {
            match s.stream.read(&mut chunk) {
                Ok(0) => break true,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break false,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break true,
            }
        };
        if closed {
            self.close_stream(token);
        } else {
            self.flush(token);
        }
    }

    fn send_to_streams(&mut self, bytes: &[u8]) {
        let tokens: Vec<Token> = self.streams.keys().copied().collect();
        for token in tokens {
            if let Some(s) = self.streams.get_mut(&token) {
                s.out.extend_from_slice(bytes);
            }
            self.flush(token);
        }
    }

    /// Write what a stream has not taken; close it on error, or when it
    /// holds more than a page that reads would ever leave.
    fn flush(&mut self, token: Token) {
        let Some(s) = self.streams.get_mut(&token) else {
            return;
        };
        let mut failed = false;
        while !s.out.is_empty() {
            match s.stream.write(&s.out) {
                Ok(0) => {
                    failed = true;
                    break;
                }
                Ok(n) => {
                    s.out.drain(..n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        if failed || s.out.len() > self.limits.max_stream_backlog {
            self.close_stream(token);
        }
    }

    fn close_stream(&mut self, token: Token) {
        if let Some(mut s) = self.streams.remove(&token) {
            let _ = self.poll.registry().deregister(&mut s.stream);
        }
    }
}

/// Write a small response without waiting (what does not fit is dropped) and close.
fn answer_now(stream: &mut TcpStream, response: &Response) {
    let mut bytes = response.head();
    bytes.extend_from_slice(&response.body);
    let mut sent = 0;
    while sent < bytes.len() {
        match stream.write(&bytes[sent..]) {
            Ok(0) => break,
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
}
