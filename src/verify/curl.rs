//! A ready-to-run `curl` command for a request verify sent, so a failed case can be reproduced
//! at a terminal. Credentials are masked unless asked for: the command lands in CI logs and
//! JSON reports.

use super::request::PreparedRequest;

/// Whether credentials appear in the command as sent or masked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Secrets {
    /// `Authorization: ***` (the default).
    #[default]
    Masked,
    /// The values as sent (`--show-secrets`).
    Shown,
}

/// Headers whose values are credentials: the standard ones, and any name that says it holds
/// a key, token, secret or password.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || ["token", "secret", "password", "api-key", "apikey"]
        .iter()
        .any(|word| name.contains(word))
}

/// `curl -i -X METHOD 'URL' -H 'Name: value' ... --data-raw 'BODY'`, each argument quoted for
/// a POSIX shell.
///
/// ```
/// use docmock::verify::curl::{command, Secrets};
/// use docmock::verify::request::PreparedRequest;
/// let request = PreparedRequest {
///     method: "POST".into(),
///     path: "/a?b=1".into(),
///     headers: vec![("Authorization".into(), "Bearer x".into())],
///     body: Some(b"{\"it's\":1}".to_vec()),
/// };
/// assert_eq!(
///     command("http://127.0.0.1:3000/", &request, Secrets::Masked),
///     r#"curl -i -X POST 'http://127.0.0.1:3000/a?b=1' -H 'Authorization: ***' --data-raw '{"it'\''s":1}'"#
/// );
/// ```
pub fn command(base: &str, request: &PreparedRequest, secrets: Secrets) -> String {
    let mut words = vec!["curl".to_string(), "-i".to_string()];
    match request.method.as_str() {
        "GET" => {}
        // `-X HEAD` waits for a body that never comes.
        "HEAD" => words.push("--head".into()),
        method => {
            words.push("-X".into());
            words.push(method.to_string());
        }
    }
    words.push(quote(&format!(
        "{}{}",
        base.trim_end_matches('/'),
        request.path
    )));
    for (name, value) in &request.headers {
        let value = match secrets {
            Secrets::Masked if is_secret_header(name) => "***",
            _ => value.as_str(),
        };
        words.push("-H".into());
        words.push(quote(&format!("{name}: {value}")));
    }
    if let Some(body) = &request.body {
        words.push("--data-raw".into());
        words.push(quote(&String::from_utf8_lossy(body)));
    }
    words.join(" ")
}

/// Single-quoted for a POSIX shell: `'` becomes `'\''`.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_unless_shown_and_other_headers_are_kept() {
        let request = PreparedRequest {
            method: "GET".into(),
            path: "/me".into(),
            headers: vec![
                ("X-Api-Key".into(), "k".into()),
                ("Accept".into(), "application/json".into()),
            ],
            body: None,
        };
        assert_eq!(
            command("http://h", &request, Secrets::Masked),
            "curl -i 'http://h/me' -H 'X-Api-Key: ***' -H 'Accept: application/json'"
        );
        assert_eq!(
            command("http://h", &request, Secrets::Shown),
            "curl -i 'http://h/me' -H 'X-Api-Key: k' -H 'Accept: application/json'"
        );
    }
}
