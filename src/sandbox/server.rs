//! A deliberately small HTTP/1.1 server for the sandbox. Written on `httparse` rather than a
//! framework because the sandbox must misbehave on purpose: drop a connection before
//! answering, stall, or send a broken body.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub peer: SocketAddr,
}

impl Request {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body read as `application/x-www-form-urlencoded` fields (the last of a repeated
    /// name wins).
    pub fn form(&self) -> std::collections::HashMap<String, String> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug)]
pub enum Reply {
    Respond {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// A 302 to another place (what a login portal in front of an API does).
    Redirect(String),
    /// A JSON answer with one extra header (LicenseSpring's `LicenseSignature`).
    JsonWithHeader {
        status: u16,
        header: (&'static str, String),
        body: Vec<u8>,
    },
    /// Send the head at once and the body a byte at a time, `every` apart.
    Drip {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
        every: std::time::Duration,
    },
    /// Close the connection without a word.
    Drop,
}

impl Reply {
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::Respond {
            status,
            content_type: "application/json; charset=utf-8",
            body: value.to_string().into_bytes(),
        }
    }

    pub fn html(status: u16, page: String) -> Self {
        Self::Respond {
            status,
            content_type: "text/html; charset=utf-8",
            body: page.into_bytes(),
        }
    }

    pub fn raw(status: u16, content_type: &'static str, body: &[u8]) -> Self {
        Self::Respond {
            status,
            content_type,
            body: body.to_vec(),
        }
    }
}

/// Serves connections on `listener` until the task is dropped, one task per connection.
pub async fn serve<H, F>(listener: TcpListener, handler: Arc<H>)
where
    H: Fn(Request) -> F + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let handler = handler.clone();
        tokio::spawn(async move {
            if let Err(err) = serve_connection(stream, peer, handler).await {
                tracing::debug!(%peer, "sandbox connection ended: {err}");
            }
        });
    }
}

async fn serve_connection<H, F>(
    mut stream: TcpStream,
    peer: SocketAddr,
    handler: Arc<H>,
) -> std::io::Result<()>
where
    H: Fn(Request) -> F + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    let request = match read_request(&mut stream, peer).await? {
        Ok(request) => request,
        Err(reply) => return write_reply(&mut stream, reply).await,
    };
    match handler(request).await {
        Reply::Drop => Ok(()),
        reply => write_reply(&mut stream, reply).await,
    }
}

/// Reads one request; an unreadable one yields the error reply to send instead.
async fn read_request(
    stream: &mut TcpStream,
    peer: SocketAddr,
) -> std::io::Result<Result<Request, Reply>> {
    let mut buffer = Vec::with_capacity(4096);
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MAX_HEAD {
            return Ok(Err(Reply::raw(
                431,
                "text/plain",
                b"request head too large",
            )));
        }
    };
    let mut header_slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut header_slots);
    if !matches!(
        parsed.parse(&buffer[..head_end]),
        Ok(httparse::Status::Complete(_))
    ) {
        return Ok(Err(Reply::raw(400, "text/plain", b"malformed request")));
    }
    let method = parsed.method.unwrap_or("GET").to_string();
    let target = parsed.path.unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    if header("transfer-encoding").is_some() {
        return Ok(Err(Reply::raw(411, "text/plain", b"send a Content-Length")));
    }
    let length: usize = match header("content-length").map(|v| v.trim().parse()) {
        None => 0,
        Some(Ok(length)) if length <= MAX_BODY => length,
        Some(_) => {
            return Ok(Err(Reply::raw(
                413,
                "text/plain",
                b"bad or too large Content-Length",
            )));
        }
    };
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; (length - body.len()).min(64 * 1024)];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    let parsed_url = url::Url::parse(&format!("http://sandbox{target}"))
        .unwrap_or_else(|_| url::Url::parse("http://sandbox/").expect("static URL"));
    Ok(Ok(Request {
        method,
        path: parsed_url.path().to_string(),
        query: parsed_url.query_pairs().into_owned().collect(),
        headers,
        body,
        peer,
    }))
}

async fn write_reply(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    let (status, content_type, body, extra_headers) = match reply {
        Reply::Respond {
            status,
            content_type,
            body,
        } => (status, content_type, body, String::new()),
        Reply::Redirect(location) => (
            302,
            "text/plain",
            Vec::new(),
            format!("Location: {location}\r\n"),
        ),
        Reply::JsonWithHeader {
            status,
            header: (name, value),
            body,
        } => (
            status,
            "application/json; charset=utf-8",
            body,
            format!("{name}: {value}\r\n"),
        ),
        Reply::Drip {
            status,
            content_type,
            body,
            every,
        } => {
            stream
                .write_all(head(status, content_type, body.len(), "").as_bytes())
                .await?;
            for byte in body {
                stream.flush().await?;
                tokio::time::sleep(every).await;
                stream.write_all(&[byte]).await?;
            }
            return stream.shutdown().await;
        }
        Reply::Drop => return Ok(()),
    };
    stream
        .write_all(head(status, content_type, body.len(), &extra_headers).as_bytes())
        .await?;
    stream.write_all(&body).await?;
    stream.shutdown().await
}

fn head(status: u16, content_type: &str, length: usize, extra_headers: &str) -> String {
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n{extra_headers}Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        reason(status),
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        300 => "Multiple Choices",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    }
}
