//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder of test data under `tests/`.
pub fn data(rel: &str) -> PathBuf {
    root().join("tests").join(rel)
}

/// The built `docmock` binary with a clean environment, run from `dir`.
pub fn docmock(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docmock"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .current_dir(dir);
    cmd
}

/// stdout, stderr and exit code as one text, for snapshots.
pub fn transcript(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A running `docmock serve --port 0 ARGS`, killed when dropped. Its stderr (the request log)
/// goes to a file the test can read.
pub struct MockServer {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, as the server printed it.
    pub base: String,
    /// The rest of stdout (kept open: a server may still write to it).
    stdout: Option<std::io::BufReader<std::process::ChildStdout>>,
    stderr: PathBuf,
    _logs: tempfile::TempDir,
}

impl MockServer {
    /// Serve from the repository root.
    pub fn start(args: &[&str]) -> MockServer {
        MockServer::start_in(&root(), args)
    }

    /// Serve from `dir` (relative docs paths are read from there).
    pub fn start_in(dir: &Path, args: &[&str]) -> MockServer {
        MockServer::start_verb(dir, "serve", args)
    }

    /// A running `docmock proxy --port 0 ARGS` in `dir`.
    pub fn proxy_in(dir: &Path, args: &[&str]) -> MockServer {
        MockServer::start_verb(dir, "proxy", args)
    }

    fn start_verb(dir: &Path, verb: &str, args: &[&str]) -> MockServer {
        use std::io::BufRead;
        let logs = tempfile::tempdir().unwrap();
        let stderr = logs.path().join("stderr.log");
        let mut child = docmock(dir)
            .arg(verb)
            .args(["--port", "0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("docmock serve starts");
        let mut line = String::new();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| {
                panic!(
                    "no address in {line:?}; stderr: {}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                )
            })
            .to_string();
        assert!(
            line.starts_with("docmock serving ") || line.starts_with("docmock proxying "),
            "{line}"
        );
        MockServer {
            child,
            base,
            stdout: Some(stdout),
            stderr,
            _logs: logs,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server process, for signals and its exit status.
    pub fn process(&mut self) -> &mut std::process::Child {
        &mut self.child
    }

    /// Stop with SIGTERM as Ctrl-C would and wait: the exit code and the rest of stdout.
    pub fn terminate(&mut self) -> (Option<i32>, String) {
        use std::io::Read;
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        let mut stdout = String::new();
        if let Some(mut out) = self.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        (status.code(), stdout)
    }

    /// What the server logged so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a stub answered: status, headers and body text, from the router or over HTTP alike.
pub struct Answer {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; panics with the text when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// A response received over HTTP (from [`MockServer`]).
    pub async fn from_reqwest(response: reqwest::Response) -> Answer {
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.unwrap(),
        }
    }
}

/// The settings `docmock serve` starts with when no flag changes them (bound to loopback, so
/// only loopback host names are answered). Its request log is left out: the tests that read it
/// run the binary.
pub fn serve_config() -> docmock::serve::Config {
    docmock::serve::Config {
        allowed_hosts: Some(Vec::new()),
        ..docmock::serve::Config::default()
    }
}

/// docmock's stub server inside the test: the router `docmock serve` serves, driven with
/// `tower::ServiceExt::oneshot`, without a process or a socket. For answers; what needs a
/// process or a connection (start-up, signals, `--watch`, timeouts, raw HTTP) uses
/// [`MockServer`].
pub struct Stub {
    router: axum::Router,
    /// The server's state: its journal, its route table.
    pub server: std::sync::Arc<docmock::serve::Server>,
}

impl Stub {
    /// `docmock serve`: the embedded default docs.
    pub fn embedded() -> Stub {
        Stub::with_config(None, serve_config())
    }

    /// `docmock serve DIR`; a relative `dir` is read from the repository root, as
    /// [`MockServer::start`] does.
    pub fn from_dir(dir: impl AsRef<Path>) -> Stub {
        Stub::with_config(Some(dir.as_ref()), serve_config())
    }

    /// The docs in `dir` (`None`: the embedded ones) loaded as `docmock serve` loads them
    /// (default aliases, page limit; extraction errors leave their pages out), served with
    /// `config`.
    pub fn with_config(dir: Option<&Path>, config: docmock::serve::Config) -> Stub {
        use docmock::extract::{DocsLocation, Options};
        let location = match dir {
            None => DocsLocation::Embedded,
            Some(dir) => DocsLocation::Dir(root().join(dir)),
        };
        let extraction = docmock::extract::load(&location, &Options::default())
            .unwrap_or_else(|e| panic!("cannot read docs from {location}: {e}"));
        let server = docmock::serve::Server::new(&extraction.docs, config);
        Stub {
            router: docmock::serve::router(server.clone()),
            server,
        }
    }

    pub fn get(&self, path: impl AsRef<str>) -> Call<'_> {
        self.request(axum::http::Method::GET, path)
    }

    pub fn post(&self, path: impl AsRef<str>) -> Call<'_> {
        self.request(axum::http::Method::POST, path)
    }

    pub fn put(&self, path: impl AsRef<str>) -> Call<'_> {
        self.request(axum::http::Method::PUT, path)
    }

    pub fn patch(&self, path: impl AsRef<str>) -> Call<'_> {
        self.request(axum::http::Method::PATCH, path)
    }

    pub fn delete(&self, path: impl AsRef<str>) -> Call<'_> {
        self.request(axum::http::Method::DELETE, path)
    }

    /// A request for `path` (with its query), sent by [`Call::send`].
    pub fn request(&self, method: axum::http::Method, path: impl AsRef<str>) -> Call<'_> {
        Call {
            router: &self.router,
            request: axum::http::Request::builder()
                .method(method)
                .uri(path.as_ref()),
            body: Vec::new(),
        }
    }
}

/// A request to a [`Stub`] being built, as `reqwest::RequestBuilder` builds one.
pub struct Call<'a> {
    router: &'a axum::Router,
    request: axum::http::request::Builder,
    body: Vec<u8>,
}

impl Call<'_> {
    pub fn header<V>(mut self, name: &str, value: V) -> Self
    where
        axum::http::HeaderValue: TryFrom<V>,
        <axum::http::HeaderValue as TryFrom<V>>::Error: Into<axum::http::Error>,
    {
        self.request = self.request.header(name, value);
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// A JSON body with its content type.
    pub fn json_body(self, body: &serde_json::Value) -> Self {
        self.header("content-type", "application/json")
            .body(body.to_string())
    }

    /// Answer it with the router. Like an HTTP client, it names the host (a loopback one,
    /// unless the test names another) and gives a body's length.
    pub async fn send(self) -> Answer {
        use axum::http::header;
        use tower::ServiceExt;
        let length = self.body.len();
        let mut request = self
            .request
            .body(axum::body::Body::from(self.body))
            .expect("a valid request");
        let headers = request.headers_mut();
        headers
            .entry(header::HOST)
            .or_insert(axum::http::HeaderValue::from_static("127.0.0.1:4010"));
        if length > 0 {
            headers
                .entry(header::CONTENT_LENGTH)
                .or_insert(axum::http::HeaderValue::from(length));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the stub's answer has a body");
        Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// Send `call` to its stub (reads as the HTTP tests do: `send(stub.get("/x")).await`).
pub async fn send(call: Call<'_>) -> Answer {
    call.send().await
}

/// An https server on an ephemeral loopback port whose certificate (for `127.0.0.1` and
/// `localhost`) a CA made for this test signed; `ca` is that CA's certificate in PEM, as a
/// user would give it to `--ca-cert`. Served on a thread of its own until the test ends.
pub struct HttpsTarget {
    /// `https://127.0.0.1:PORT`
    pub base: String,
    pub ca: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn serve_https(app: axum::Router) -> HttpsTarget {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "docmock test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("test-ca.pem");
    std::fs::write(&ca, ca_cert.pem()).unwrap();

    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let address = serve_on_thread(app, move |tcp| TlsListener { tcp, acceptor });
    HttpsTarget {
        base: format!("https://{address}"),
        ca,
        _dir: dir,
    }
}

/// Serve `app` over plain HTTP on an ephemeral loopback port, on a thread of its own, for the
/// rest of the test run.
pub fn serve_http(app: axum::Router) -> std::net::SocketAddr {
    serve_on_thread(app, |tcp| tcp)
}

/// Serve `app` on a thread of its own, on the listener `wrap` makes of a loopback one.
fn serve_on_thread<L>(
    app: axum::Router,
    wrap: impl FnOnce(tokio::net::TcpListener) -> L + Send + 'static,
) -> std::net::SocketAddr
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(tcp.local_addr().unwrap()).unwrap();
            axum::serve(wrap(tcp), app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// TCP connections that completed a TLS handshake (one refused by the client is dropped).
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, address)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, address);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
