//! A minimal HTTP/1.1 client: one keep-alive connection, one request at a
//! time, no pipelining. It is deliberately small because it shares the
//! machine's cores with the server it measures.
//!
//! A request goes out in one `write` (head and body together); the answer is
//! read as a status line, headers, and a body delimited by `Content-Length`
//! or `Transfer-Encoding: chunked` (or, failing both, by the connection
//! closing). `Connection: close` from the server marks the connection as
//! spent so the caller reconnects.

use std::io::{self, Write};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest response body accepted.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Where to connect, from an `http://host:port` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `host:port`, for both `connect` and the `Host` header.
    pub authority: String,
}

impl Endpoint {
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url:?}: only http:// URLs are supported"))?;
        let authority = rest.trim_end_matches('/');
        if authority.is_empty() || authority.contains('/') {
            return Err(format!(
                "{url:?}: give the server's base URL, http://HOST:PORT, without a path"
            ));
        }
        let authority = if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        Ok(Endpoint { authority })
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

pub struct Conn {
    stream: TcpStream,
    host: String,
    /// Bytes read but not yet consumed.
    buf: Vec<u8>,
    /// The request being written, reused between requests.
    req: Vec<u8>,
    /// The server said `Connection: close` (or closed): reconnect before reuse.
    pub spent: bool,
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Conn {
    pub async fn connect(ep: &Endpoint) -> io::Result<Conn> {
        let stream = TcpStream::connect(&ep.authority).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            host: ep.authority.clone(),
            buf: Vec::with_capacity(8 * 1024),
            req: Vec::with_capacity(4 * 1024),
            spent: false,
        })
    }

    /// Sends one request and reads the whole response.
    pub async fn send(&mut self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> io::Result<Response> {
        if self.spent {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "connection closed by the server",
            ));
        }
        self.req.clear();
        write!(self.req, "{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host)?;
        if let Some(t) = token {
            write!(self.req, "Authorization: Bearer {t}\r\n")?;
        }
        if !body.is_empty() || method == "POST" {
            write!(
                self.req,
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            )?;
        }
        self.req.extend_from_slice(b"\r\n");
        self.req.extend_from_slice(body);
        let result = async {
            self.stream.write_all(&self.req).await?;
            self.read_response().await
        }
        .await;
        if result.is_err() {
            self.spent = true;
        }
        result
    }

    /// Reads more bytes into the buffer; end of stream is an error.
    async fn fill(&mut self) -> io::Result<()> {
        self.buf.reserve(8 * 1024);
        let n = self.stream.read_buf(&mut self.buf).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection mid-response",
            ));
        }
        Ok(())
    }

    /// Waits until `buf[from..]` holds a CRLF; returns the index just past it.
    async fn line_end(&mut self, from: usize) -> io::Result<usize> {
        let mut searched = from;
        loop {
            if let Some(i) = find(&self.buf[searched..], b"\r\n") {
                return Ok(searched + i + 2);
            }
            if self.buf.len() - from > MAX_HEAD {
                return Err(bad("line too long in the response"));
            }
            searched = self.buf.len().saturating_sub(1).max(from);
            self.fill().await?;
        }
    }

    async fn read_response(&mut self) -> io::Result<Response> {
        loop {
            // The head: up to the empty line.
            let head_end = loop {
                if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                    break i + 4;
                }
                if self.buf.len() > MAX_HEAD {
                    return Err(bad("response head too large"));
                }
                self.fill().await?;
            };
            let head = Head::parse(&self.buf[..head_end])?;
            if (100..200).contains(&head.status) {
                // An interim response (100 Continue): the real one follows.
                self.buf.drain(..head_end);
                continue;
            }
            if head.close {
                self.spent = true;
            }
            let (body, consumed) = if head.chunked {
                self.read_chunked(head_end).await?
            } else if let Some(n) = head.content_length {
                if n > MAX_BODY {
                    return Err(bad(format!("response body of {n} bytes is too large")));
                }
                while self.buf.len() < head_end + n {
                    self.fill().await?;
                }
                (self.buf[head_end..head_end + n].to_vec(), head_end + n)
            } else if head.status == 204 || head.status == 304 {
                (Vec::new(), head_end)
            } else {
                // Delimited by the end of the connection.
                loop {
                    self.buf.reserve(8 * 1024);
                    if self.stream.read_buf(&mut self.buf).await? == 0 {
                        break;
                    }
                    if self.buf.len() - head_end > MAX_BODY {
                        return Err(bad("response body too large"));
                    }
                }
                self.spent = true;
                (self.buf[head_end..].to_vec(), self.buf.len())
            };
            self.buf.drain(..consumed);
            return Ok(Response {
                status: head.status,
                body,
            });
        }
    }

    /// Decodes a chunked body starting at `at`; returns it and the index
    /// just past the trailers.
    async fn read_chunked(&mut self, mut at: usize) -> io::Result<(Vec<u8>, usize)> {
        let mut body = Vec::new();
        loop {
            let end = self.line_end(at).await?;
            let line = std::str::from_utf8(&self.buf[at..end - 2]).map_err(|_| bad("bad chunk size line"))?;
            let size_text = line.split(';').next().unwrap_or("").trim();
            let size =
                usize::from_str_radix(size_text, 16).map_err(|_| bad(format!("bad chunk size {size_text:?}")))?;
            at = end;
            if size == 0 {
                // Trailers, then an empty line.
                loop {
                    let end = self.line_end(at).await?;
                    let empty = end - at == 2;
                    at = end;
                    if empty {
                        return Ok((body, at));
                    }
                }
            }
            if body.len() + size > MAX_BODY {
                return Err(bad("response body too large"));
            }
            while self.buf.len() < at + size + 2 {
                self.fill().await?;
            }
            body.extend_from_slice(&self.buf[at..at + size]);
            if &self.buf[at + size..at + size + 2] != b"\r\n" {
                return Err(bad("chunk not followed by CRLF"));
            }
            at += size + 2;
        }
    }
}

struct Head {
    status: u16,
    content_length: Option<usize>,
    chunked: bool,
    close: bool,
}

impl Head {
    fn parse(bytes: &[u8]) -> io::Result<Head> {
        let text = std::str::from_utf8(bytes).map_err(|_| bad("response head is not UTF-8"))?;
        let mut lines = text.split("\r\n");
        let status_line = lines.next().unwrap_or("");
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or("");
        if !version.starts_with("HTTP/1.") {
            return Err(bad(format!("not an HTTP/1.x status line: {status_line:?}")));
        }
        let status = parts
            .next()
            .and_then(|s| (s.len() == 3).then(|| s.parse::<u16>().ok()).flatten())
            .ok_or_else(|| bad(format!("bad status line: {status_line:?}")))?;
        let mut head = Head {
            status,
            content_length: None,
            chunked: false,
            close: version == "HTTP/1.0",
        };
        for line in lines.filter(|l| !l.is_empty()) {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| bad(format!("bad header line: {line:?}")))?;
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                let n = value
                    .parse::<usize>()
                    .map_err(|_| bad(format!("bad Content-Length: {value:?}")))?;
                if head.content_length.is_some_and(|m| m != n) {
                    return Err(bad("conflicting Content-Length headers"));
                }
                head.content_length = Some(n);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                head.chunked = value
                    .rsplit(',')
                    .next()
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("chunked"));
            } else if name.eq_ignore_ascii_case("connection") {
                for token in value.split(',') {
                    let token = token.trim();
                    if token.eq_ignore_ascii_case("close") {
                        head.close = true;
                    } else if token.eq_ignore_ascii_case("keep-alive") && version == "HTTP/1.0" {
                        head.close = false;
                    }
                }
            }
        }
        Ok(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// A server that reads one request head (and its Content-Length body)
    /// per element of `answers`, then writes that element in pieces.
    async fn canned(answers: Vec<Vec<&'static [u8]>>) -> (Endpoint, tokio::task::JoinHandle<Vec<Vec<u8>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut seen = Vec::new();
            let mut buf = Vec::new();
            for pieces in answers {
                let head_end = loop {
                    if let Some(i) = find(&buf, b"\r\n\r\n") {
                        break i + 4;
                    }
                    let mut chunk = [0u8; 1024];
                    let n = s.read(&mut chunk).await.unwrap();
                    assert!(n > 0, "client hung up");
                    buf.extend_from_slice(&chunk[..n]);
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                while buf.len() < head_end + len {
                    let mut chunk = [0u8; 1024];
                    let n = s.read(&mut chunk).await.unwrap();
                    buf.extend_from_slice(&chunk[..n]);
                }
                seen.push(buf.drain(..head_end + len).collect());
                for p in pieces {
                    s.write_all(p).await.unwrap();
                    s.flush().await.unwrap();
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                }
            }
            seen
        });
        (
            Endpoint {
                authority: addr.to_string(),
            },
            task,
        )
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:8080").unwrap().authority,
            "127.0.0.1:8080"
        );
        assert_eq!(Endpoint::parse("http://localhost/").unwrap().authority, "localhost:80");
        assert!(Endpoint::parse("https://x:1").is_err());
        assert!(Endpoint::parse("http://x:1/v1").is_err());
        assert!(Endpoint::parse("127.0.0.1:1").is_err());
    }

    #[tokio::test]
    async fn keep_alive_content_length_and_chunked() {
        let (ep, server) = canned(vec![
            // Split inside the head and inside the body.
            vec![b"HTTP/1.1 201 Created\r\nconte", b"nt-length: 11\r\n\r\n{\"a\"", b":12345}"],
            // Chunked, with an extension and a trailer.
            vec![b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n3\r\nefg\r\n0\r\nX-T: 1\r\n\r\n"],
            // Two responses' worth of bytes never arrive at once here, but an
            // interim 100 does precede the real answer.
            vec![b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 Conflict\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"],
        ])
        .await;
        let mut c = Conn::connect(&ep).await.unwrap();
        let r = c.send("POST", "/v1/events", Some("tok"), b"[1]").await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (201, &b"{\"a\":12345}"[..]));
        assert!(!c.spent);
        let r = c.send("GET", "/metrics", None, b"").await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"abcdefg"[..]));
        let r = c.send("POST", "/v1/events", Some("tok"), b"{}").await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (409, &b"{}"[..]));
        assert!(c.spent, "Connection: close must spend the connection");
        assert!(c.send("GET", "/", None, b"").await.is_err());
        let seen = server.await.unwrap();
        let first = String::from_utf8(seen[0].clone()).unwrap();
        assert!(first.starts_with("POST /v1/events HTTP/1.1\r\n"), "{first}");
        assert!(first.contains("Authorization: Bearer tok\r\n"), "{first}");
        assert!(first.ends_with("Content-Length: 3\r\n\r\n[1]"), "{first}");
        assert!(!String::from_utf8(seen[1].clone()).unwrap().contains("Content-Length"));
    }

    #[tokio::test]
    async fn malformed_responses_are_errors() {
        for answer in [
            &b"HTTP/2 200 OK\r\n\r\n"[..],
            b"HTTP/1.1 2x1 Created\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 201 Created\r\nContent-Length: nope\r\n\r\n",
            b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ] {
            let (ep, server) = canned(vec![vec![answer]]).await;
            let mut c = Conn::connect(&ep).await.unwrap();
            let r = tokio::time::timeout(std::time::Duration::from_secs(5), async {
                let r = c.send("GET", "/", None, b"").await;
                server.await.unwrap();
                r
            })
            .await
            .expect("must not hang");
            assert!(r.is_err(), "{:?} was accepted", String::from_utf8_lossy(answer));
        }
    }
}
