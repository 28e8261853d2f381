//! What a client trusts at an https target: the public web roots (as reqwest's default) and
//! the certificate authorities the user names with `--ca-cert` (a company CA, or the
//! self-signed certificate of a development server). One [`rustls::ClientConfig`] from it
//! serves verify's client, the proxy's and `serve --fallback`'s.

use super::VerifyError;
use crate::extract::files::read_at_most;
use rustls::crypto::ring;
use rustls::{CertificateError, ClientConfig, RootCertStore};
use rustls_pki_types::pem::{self, SectionKind};
use rustls_pki_types::CertificateDer;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// CA certificates trusted besides the public web roots, read from PEM files.
#[derive(Debug, Clone, Default)]
pub struct CaCerts {
    certificates: Vec<CertificateDer<'static>>,
}

/// A CA file larger than this is refused unread: a bundle of every public CA is ~250 KiB.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl CaCerts {
    /// Every `CERTIFICATE` block of each file (other blocks, such as keys, are passed over).
    /// A file that cannot be read, holds no certificate, or has a block that does not decode
    /// or is no certificate a CA could have is an error naming the file and the block's line.
    ///
    /// ```
    /// use docmock::verify::tls::CaCerts;
    /// // none named: the public web roots only
    /// assert!(CaCerts::from_pem_files(&[]).unwrap().client_config().is_ok());
    /// let error = CaCerts::from_pem_files(&["no-such-ca.pem".into()]).unwrap_err();
    /// assert!(error.to_string().starts_with("cannot use the CA file no-such-ca.pem: "));
    /// ```
    pub fn from_pem_files(paths: &[PathBuf]) -> Result<CaCerts, VerifyError> {
        let mut certificates = Vec::new();
        for path in paths {
            certificates.extend(read_pem_file(path)?);
        }
        Ok(CaCerts { certificates })
    }

    /// The TLS settings of a client to the target (ring's crypto, TLS 1.2 and 1.3).
    pub fn client_config(&self) -> Result<ClientConfig, VerifyError> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for (i, certificate) in self.certificates.iter().enumerate() {
            roots
                .add(certificate.clone())
                .map_err(|e| VerifyError::Tls(format!("CA certificate {}: {e}", i + 1)))?;
        }
        Ok(
            ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| VerifyError::Tls(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth(),
        )
    }
}

fn read_pem_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, VerifyError> {
    let bad = |message: String| VerifyError::CaFile {
        path: path.to_path_buf(),
        message,
    };
    let text = read_at_most(path, MAX_FILE_BYTES)
        .map_err(|e| bad(e.to_string()))?
        .ok_or_else(|| bad(format!("larger than {MAX_FILE_BYTES} bytes")))?;
    let mut certificates = Vec::new();
    let mut rest: &[u8] = &text;
    loop {
        let start = text.len() - rest.len();
        let section = pem::from_buf(&mut rest);
        // the block's first line: the last BEGIN line read (from_buf passes over other text)
        let line = || {
            let read = &text[start..text.len() - rest.len()];
            let begin = read
                .windows(10)
                .rposition(|w| w == b"-----BEGIN")
                .map_or(start + read.len(), |at| start + at);
            1 + text[..begin].iter().filter(|&&b| b == b'\n').count()
        };
        match section {
            Ok(Some((SectionKind::Certificate, der))) => {
                let certificate = CertificateDer::from(der);
                RootCertStore::empty()
                    .add(certificate.clone())
                    .map_err(|e| bad(format!("line {}: not a CA certificate: {e}", line())))?;
                certificates.push(certificate);
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(bad(format!("line {}: {}", line(), pem_error(&e)))),
        }
    }
    if certificates.is_empty() {
        return Err(bad(
            "no certificate in it: expected PEM blocks `-----BEGIN CERTIFICATE-----`".into(),
        ));
    }
    Ok(certificates)
}

fn pem_error(error: &pem::Error) -> String {
    match error {
        pem::Error::MissingSectionEnd { end_marker } => format!(
            "the block has no end line `-----END {}-----`",
            String::from_utf8_lossy(end_marker)
        ),
        pem::Error::IllegalSectionStart { .. } => {
            "expected a begin line such as `-----BEGIN CERTIFICATE-----`".into()
        }
        pem::Error::Base64Decode(_) => "the block is not base64".into(),
        other => other.to_string(),
    }
}

/// An error and its causes, as `Error::source` gives them.
pub type Cause = dyn std::error::Error + 'static;

/// Why a connection to the target failed, from the innermost cause of `error`; when the
/// target's certificate is not trusted, how to trust it.
pub fn explain(error: &Cause) -> String {
    let mut cause = error;
    let mut untrusted = false;
    loop {
        untrusted |= matches!(
            cause.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer
            ))
        );
        match wrapped(cause) {
            Some(next) => cause = next,
            None => break,
        }
    }
    let mut text = cause.to_string();
    if untrusted {
        text.push_str(" (to trust the CA that signed the target's certificate: --ca-cert FILE)");
    }
    text
}

/// The error `error` wraps. An `io::Error` holding another error is followed to it: its own
/// `source()` skips what it holds (tokio-rustls puts rustls' error in one, hyper-rustls that
/// in another).
fn wrapped(error: &Cause) -> Option<&Cause> {
    match error
        .downcast_ref::<std::io::Error>()
        .and_then(|e| e.get_ref())
    {
        Some(inner) => Some(inner),
        None => error.source(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<usize, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, text).unwrap();
        read_pem_file(&path)
            .map(|c| c.len())
            .map_err(|e| e.to_string().replace(&path.display().to_string(), "ca.pem"))
    }

    /// A real certificate (made by rcgen), so that blocks read must also be certificates.
    fn block() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.self_signed(&key).unwrap().pem()
    }

    #[test]
    fn every_certificate_block_is_read_and_other_blocks_passed_over() {
        let block = block();
        let key = "-----BEGIN PRIVATE KEY-----\nAAECAw==\n-----END PRIVATE KEY-----\n";
        let text = format!("# bundle\n{block}\n{key}{block}");
        assert_eq!(read(&text), Ok(2));
        // without a final newline
        assert_eq!(read(block.trim_end()), Ok(1));
    }

    #[test]
    fn a_file_without_certificates_or_with_a_broken_block_names_file_and_line() {
        let block = block();
        let lines = block.lines().count();
        assert_eq!(
            read("not a certificate\n"),
            Err(
                "cannot use the CA file ca.pem: no certificate in it: expected PEM blocks \
                 `-----BEGIN CERTIFICATE-----`"
                    .into()
            )
        );
        let unended = format!("{block}\n-----BEGIN CERTIFICATE-----\nAAECAw==\n");
        assert_eq!(
            read(&unended),
            Err(format!(
                "cannot use the CA file ca.pem: line {}: the block has no end line \
                 `-----END CERTIFICATE-----`",
                lines + 2
            ))
        );
        let broken = "-----BEGIN CERTIFICATE-----\n!!not base64!!\n-----END CERTIFICATE-----\n";
        assert_eq!(
            read(&format!("{block}{broken}")),
            Err(format!(
                "cannot use the CA file ca.pem: line {}: the block is not base64",
                lines + 1
            ))
        );
        let not_der = "-----BEGIN CERTIFICATE-----\nAAECAw==\n-----END CERTIFICATE-----\n";
        let error = read(&format!("{block}\n\n{not_der}")).unwrap_err();
        assert!(
            error.starts_with(&format!(
                "cannot use the CA file ca.pem: line {}: not a CA certificate: ",
                lines + 3
            )),
            "{error}"
        );
        let missing = Path::new("/nonexistent/ca.pem");
        let error = read_pem_file(missing).unwrap_err().to_string();
        assert!(
            error.starts_with("cannot use the CA file /nonexistent/ca.pem: "),
            "{error}"
        );
    }
}
