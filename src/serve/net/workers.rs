//! The workers of `kamsite serve`: a fixed pool of threads, each taking a
//! request whose head has arrived, answering it on its connection (blocking
//! again, with time limits) and closing it.

use std::io::Write;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use super::{Handler, Limits};
use crate::serve::message::{Request, Response};

/// A request for a worker, with its connection (blocking again).
pub(super) struct Job {
    pub(super) stream: std::net::TcpStream,
    pub(super) request: Request,
}

pub(super) fn worker(jobs: &Mutex<Receiver<Job>>, handler: &dyn Handler, limits: &Limits) {
    loop {
        let job = {
            let rx = jobs.lock().unwrap_or_else(|e| e.into_inner());
            match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.respond(&job.request)))
            .unwrap_or_else(|_| Response::text(500, "500 Internal Server Error\n"));
        send(job.stream, &response, job.request.method == "HEAD", limits);
    }
}

/// Write a response and close; a client that reads too slowly is cut off
/// after `send_timeout`.
fn send(mut stream: std::net::TcpStream, response: &Response, head_only: bool, limits: &Limits) {
    if stream.set_nonblocking(false).is_err() || stream.set_write_timeout(Some(limits.write_timeout)).is_err() {
        return;
    }
    let deadline = Instant::now() + limits.send_timeout;
    let body: &[u8] = if head_only { &[] } else { &response.body };
    if stream.write_all(&response.head()).is_err() {
        return;
    }
    for chunk in body.chunks(64 * 1024) {
        if Instant::now() > deadline || stream.write_all(chunk).is_err() {
            return;
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
}
