//! serve: the connection level, below the handler. hyper answers a request head it cannot
//! parse before docmock's service sees it: 400 for a malformed request line, method, target
//! or header (a raw non-ASCII path is one), 431 for more than 100 headers or a head over its
//! buffer, 414 for a target over 64 KiB. [`Marked`] wraps each connection's stream and writes
//! docmock's own answer instead of each of those, with `x-docmock-error` and a JSON reason,
//! so every answer the server gives says it is docmock's.
//!
//! Raising hyper's limits instead would not do: `max_headers` moves the header array to the
//! heap for every request (hyper's docs: about 5% slower), and the rest (bytes that are not
//! HTTP) hyper must refuse anyway.

use std::io::IoSlice;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// hyper's own answers, byte for byte up to the `date` header it adds last (hyper 1, lower-case
/// header names: `http1::Builder::title_case_headers` is off), each with docmock's kind and
/// reason. A response docmock writes never matches: its answers carry a body.
const HYPER_ANSWERS: &[(&[u8], &str, &str)] = &[
    (
        b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n",
        "malformed-request",
        "the request is not valid HTTP/1.1: its request line, method, target or a header \
         could not be read (a request target must be ASCII; percent-encode other bytes)",
    ),
    (
        b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n",
        "headers-too-large",
        "the request has more than 100 headers, or its head is too large to read",
    ),
    (
        b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\n",
        "uri-too-long",
        "the request target is too long to read",
    ),
];

/// Which of hyper's own answers `head` starts, if any. The first byte after `HTTP/1.1 4`
/// decides for almost every response, so the success path pays one short comparison per write.
fn hyper_answer(head: &[u8]) -> Option<usize> {
    if !head.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    HYPER_ANSWERS
        .iter()
        .position(|(start, _, _)| head.starts_with(start))
}

/// docmock's answer in place of hyper's `index`-th one: same status, closing the connection.
fn replacement(index: usize) -> Vec<u8> {
    let (start, kind, reason) = HYPER_ANSWERS[index];
    let status_line = &start[..start.iter().position(|&b| b == b'\r').unwrap_or(0)];
    let body =
        serde_json::to_vec_pretty(&serde_json::json!({ "error": reason })).unwrap_or_default();
    let mut out = Vec::with_capacity(body.len() + 200);
    out.extend_from_slice(status_line);
    out.extend_from_slice(b"\r\nconnection: close\r\ncontent-type: application/json\r\n");
    out.extend_from_slice(format!("{}: {kind}\r\n", super::response::ERROR_HEADER).as_bytes());
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(&body);
    out
}

/// A connection's stream whose writes of hyper's own answers become docmock's.
pub(crate) struct Marked<S> {
    inner: S,
    /// docmock's answer being written in place of hyper's, how much of it is written, and the
    /// length of hyper's bytes reported written once it is all out.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> Marked<S> {
    pub(crate) fn new(inner: S) -> Self {
        Marked {
            inner,
            pending: None,
        }
    }
}

impl<S: AsyncWrite + Unpin> Marked<S> {
    /// Write the replacement until it is out; then report hyper's `len` bytes as written.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<usize>> {
        let Some((bytes, written, replaced)) = &mut self.pending else {
            return Poll::Ready(Ok(0));
        };
        while *written < bytes.len() {
            match ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..])) {
                Ok(0) => return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into())),
                Ok(n) => *written += n,
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
        let replaced = *replaced;
        self.pending = None;
        Poll::Ready(Ok(replaced))
    }

    /// Start replacing when `first` (the start of a write) is one of hyper's answers: the
    /// whole head, up to the blank line, is reported written.
    fn replace(&mut self, first: &[u8]) -> bool {
        let Some(index) = hyper_answer(first) else {
            return false;
        };
        let Some(end) = first.windows(4).position(|w| w == b"\r\n\r\n") else {
            return false;
        };
        self.pending = Some((replacement(index), 0, end + 4));
        true
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Marked<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Marked<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_some() || this.replace(buf) {
            return this.poll_pending(cx);
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &b[..]);
        if this.pending.is_some() || this.replace(first) {
            return this.poll_pending(cx);
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_bodiless_answers_are_recognised() {
        assert_eq!(
            hyper_answer(b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n"),
            Some(1)
        );
        assert_eq!(
            hyper_answer(b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nx-docmock-error: malformed-json\r\n"),
            None
        );
        assert_eq!(hyper_answer(b"HTTP/1.1 200 OK\r\n"), None);
    }

    #[test]
    fn a_replacement_is_a_complete_answer_with_the_error_header() {
        let answer = String::from_utf8(replacement(0)).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(
            head.contains("\r\nx-docmock-error: malformed-request"),
            "{head}"
        );
        assert!(
            head.ends_with(&format!("content-length: {}", body.len())),
            "{head}"
        );
        serde_json::from_str::<serde_json::Value>(body).unwrap();
    }
}
