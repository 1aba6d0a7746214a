//! The listener's sockets and its few bytes of HTTP/1.1. Every page in the user's browser (and
//! every local user) can reach a loopback port, so a connection gets a short time to send its
//! request, a bounded head and body, and at most a few readers at once: a client that holds
//! connections open or sends endless headers costs a slot for two seconds, never memory or the
//! sign-in. Each answer closes its connection.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// How long a connection may take to send its whole request.
pub(super) const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// The largest request head (request line and headers).
pub(super) const MAX_HEAD: usize = 16 * 1024;
/// The largest body (the fragment relay's form).
pub(super) const MAX_BODY: usize = 64 * 1024;
/// Connections read at once; more are closed unanswered until one is done.
pub(super) const MAX_READERS: usize = 8;
/// How often the waiting thread looks for new connections.
const ACCEPT_EVERY: Duration = Duration::from_millis(20);

/// One request, read whole, with the connection to answer on.
pub(super) struct Incoming {
    pub method: String,
    /// The request target as sent (`/callback?code=..`).
    pub target: String,
    pub host: Option<String>,
    pub body: Vec<u8>,
    stream: TcpStream,
}

impl Incoming {
    /// Answers with an HTML page and closes the connection.
    pub fn respond(mut self, status: u16, html: &str) {
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
            reason(status),
            html.len()
        );
        let _ = self.stream.set_write_timeout(Some(READ_TIMEOUT));
        let written = self
            .stream
            .write_all(head.as_bytes())
            .and_then(|()| self.stream.write_all(html.as_bytes()))
            .and_then(|()| self.stream.flush());
        if let Err(err) = written {
            tracing::debug!("loopback listener could not answer the browser: {err}");
        }
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}

/// The bound sockets (one, or for `localhost` both loopback families) and the readers of
/// their connections.
pub(super) struct Sockets {
    listeners: Vec<TcpListener>,
    readers: Arc<AtomicUsize>,
    sender: mpsc::Sender<Incoming>,
    receiver: mpsc::Receiver<Incoming>,
}

impl Sockets {
    pub fn new(listeners: Vec<TcpListener>) -> std::io::Result<Self> {
        for listener in &listeners {
            listener.set_nonblocking(true)?;
        }
        let (sender, receiver) = mpsc::channel();
        Ok(Self {
            listeners,
            readers: Arc::default(),
            sender,
            receiver,
        })
    }

    pub fn addresses(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|listener| listener.local_addr().ok())
            .collect()
    }

    /// The next complete request, waiting at most `wait`; `None` when none came.
    pub fn next(&self, wait: Duration) -> Option<Incoming> {
        let until = Instant::now() + wait;
        loop {
            self.accept_waiting();
            let left = until.saturating_duration_since(Instant::now());
            match self.receiver.recv_timeout(left.min(ACCEPT_EVERY)) {
                Ok(incoming) => return Some(incoming),
                Err(mpsc::RecvTimeoutError::Timeout) if !left.is_zero() => {}
                Err(_) => return None,
            }
        }
    }

    /// Hands each waiting connection to a reader thread, while there are free ones.
    fn accept_waiting(&self) {
        for listener in &self.listeners {
            while let Ok((stream, _)) = listener.accept() {
                if self.readers.fetch_add(1, Ordering::SeqCst) >= MAX_READERS {
                    self.readers.fetch_sub(1, Ordering::SeqCst);
                    drop(stream);
                    continue;
                }
                let (readers, sender) = (self.readers.clone(), self.sender.clone());
                let spawned = std::thread::Builder::new()
                    .name("loopback-reader".into())
                    .spawn(move || {
                        if let Some(incoming) = read_request(stream) {
                            let _ = sender.send(incoming);
                        }
                        readers.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    self.readers.fetch_sub(1, Ordering::SeqCst);
                }
            }
        }
    }
}

/// Reads one request within [`READ_TIMEOUT`]; one too slow, too large or malformed is answered
/// with an error status (or, when it sent nothing, just closed).
pub(super) fn read_request(mut stream: TcpStream) -> Option<Incoming> {
    let _ = stream.set_nonblocking(false);
    let deadline = Instant::now() + READ_TIMEOUT;
    let mut buffer = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    let head_len = loop {
        if let Some(end) = find_head_end(&buffer) {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            refuse(stream, 431, "The request's headers are too large.");
            return None;
        }
        match read_some(&mut stream, &mut chunk, deadline) {
            Some(0) | None => {
                if !buffer.is_empty() {
                    refuse(stream, 408, "The request did not arrive in time.");
                }
                return None;
            }
            Some(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    };
    let head = match parse_head(&buffer[..head_len]) {
        Ok(head) => head,
        Err((status, why)) => {
            refuse(stream, status, why);
            return None;
        }
    };
    let Head {
        method,
        target,
        host,
        length,
    } = head;
    let mut body = buffer[head_len..].to_vec();
    while body.len() < length {
        match read_some(&mut stream, &mut chunk, deadline) {
            Some(0) | None => {
                refuse(stream, 408, "The request did not arrive in time.");
                return None;
            }
            Some(read) => body.extend_from_slice(&chunk[..read]),
        }
    }
    body.truncate(length);
    Some(Incoming {
        method,
        target,
        host,
        body,
        stream,
    })
}

/// A request's head, read.
pub(crate) struct Head {
    pub method: String,
    pub target: String,
    pub host: Option<String>,
    /// The body's length (at most [`MAX_BODY`]).
    pub length: usize,
}

/// Reads a request head (request line and headers, up to the blank line); `Err` carries the
/// status to refuse it with and why.
pub(crate) fn parse_head(head: &[u8]) -> Result<Head, (u16, &'static str)> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let parsed = request.parse(head);
    let (Ok(httparse::Status::Complete(_)), Some(method), Some(target)) =
        (parsed, request.method, request.path)
    else {
        return Err((400, "The request could not be read."));
    };
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(name))
            .and_then(|header| std::str::from_utf8(header.value).ok())
            .map(str::trim)
    };
    let length = match header("content-length").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(length)) if length <= MAX_BODY => length,
        Some(Ok(_)) => return Err((413, "The request is too large.")),
        Some(Err(_)) => return Err((400, "The request could not be read.")),
    };
    if header("transfer-encoding").is_some() {
        return Err((411, "Send the answer with a length."));
    }
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        host: header("host").map(str::to_string),
        length,
    })
}

/// One read, bounded by what is left of the deadline; `None` on a timeout or an error.
fn read_some(stream: &mut TcpStream, chunk: &mut [u8], deadline: Instant) -> Option<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return None;
    }
    stream.set_read_timeout(Some(left)).ok()?;
    stream.read(chunk).ok()
}

fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

fn refuse(stream: TcpStream, status: u16, why: &str) {
    Incoming {
        method: String::new(),
        target: String::new(),
        host: None,
        body: Vec::new(),
        stream,
    }
    .respond(status, &super::pages::failure("Bad request", why));
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        411 => "Length Required",
        413 => "Content Too Large",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    }
}
