//! Outgoing mail: password resets, comment notifications and order confirmations.
//!
//! A [`Mailer`] either talks SMTP (when an SMTP URL is configured) or writes every message as
//! an `.eml` file into an outbox folder, so tests and a local user can read the mails without a
//! mail server. [`read_outbox`] reads that folder back, decoding the message for easy searching.
//!
//! Encoding: mails are plain text (`text/plain; charset=utf-8`). Over SMTP lettre picks the
//! transfer encoding (7bit, quoted-printable or base64), because lettre does not negotiate
//! `8BITMIME` with the server. Outbox files use `8bit` whenever lettre accepts it (no line over
//! 998 bytes, no NUL), so the files are readable as they are; [`read_outbox`] still decodes
//! quoted-printable and base64 bodies and RFC 2047 encoded headers.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, anyhow};
use lettre::message::header::{ContentTransferEncoding, ContentType, MIME_VERSION_1_0};
use lettre::message::{Body, Mailbox};
use lettre::{Message, SmtpTransport, Transport};

/// How long an SMTP connection attempt or command may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// One plain-text email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Sends mail by SMTP when configured, else writes each message as an .eml file into the
/// outbox folder (so tests and a local user can read them). Cheap to clone; `send` blocks
/// (callers run it on a blocking thread).
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    from: Mailbox,
    delivery: Delivery,
}

enum Delivery {
    Smtp {
        transport: SmtpTransport,
        /// The SMTP URL with any password removed, for messages.
        display_url: String,
    },
    Outbox(PathBuf),
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Mailer");
        s.field("from", &self.inner.from.to_string());
        match &self.inner.delivery {
            Delivery::Smtp { display_url, .. } => s.field("smtp", display_url),
            Delivery::Outbox(dir) => s.field("outbox", dir),
        };
        s.finish()
    }
}

impl Mailer {
    /// `smtp_url`: e.g. "smtps://user:pass@smtp.example.com" or "smtp://localhost:2525"
    /// (lettre's `SmtpTransport::from_url` format); None -> outbox in `outbox_dir` (created if
    /// missing). `from`: e.g. "The Glow Edit <noreply@localhost>", validated here.
    pub fn new(smtp_url: Option<&str>, from: &str, outbox_dir: PathBuf) -> anyhow::Result<Mailer> {
        let from: Mailbox = from.trim().parse().map_err(|e| {
            anyhow!(
                "invalid sender address {from:?}: {e} \
                 (expected e.g. \"The Glow Edit <noreply@example.com>\")"
            )
        })?;
        let delivery = match smtp_url {
            Some(url) => {
                let display_url = redact_url(url);
                // lettre's error never echoes the URL, so the password cannot leak through it.
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| anyhow!("invalid SMTP URL {display_url}: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build();
                Delivery::Smtp {
                    transport,
                    display_url,
                }
            }
            None => {
                fs::create_dir_all(&outbox_dir).with_context(|| {
                    format!("cannot create mail outbox folder {}", outbox_dir.display())
                })?;
                Delivery::Outbox(outbox_dir)
            }
        };
        Ok(Mailer {
            inner: Arc::new(Inner { from, delivery }),
        })
    }

    /// Sends (or writes to the outbox) one mail. Blocks; run it on a blocking thread.
    pub fn send(&self, email: &Email) -> anyhow::Result<()> {
        let to: Mailbox = email
            .to
            .trim()
            .parse()
            .map_err(|e| anyhow!("invalid recipient address {:?}: {e}", email.to))?;
        let subject = one_line(&email.subject);
        match &self.inner.delivery {
            Delivery::Smtp {
                transport,
                display_url,
            } => {
                let message = self.build(to, &subject, Body::new(email.text.clone()))?;
                transport
                    .send(&message)
                    .with_context(|| format!("sending mail via {display_url} failed"))?;
                tracing::info!(to = %email.to, subject = %subject, "mail sent via SMTP");
            }
            Delivery::Outbox(dir) => {
                let body =
                    Body::new_with_encoding(email.text.clone(), ContentTransferEncoding::EightBit)
                        .unwrap_or_else(|_| Body::new(email.text.clone()));
                let message = self.build(to, &subject, body)?;
                let path = write_eml(dir, &message.formatted())?;
                let file = path.file_name().map(Path::new).unwrap_or(&path).display();
                tracing::info!(
                    to = %email.to,
                    subject = %subject,
                    file = %file,
                    "mail written to outbox"
                );
            }
        }
        Ok(())
    }

    /// Sends on the blocking pool without waiting for it; failures are logged with `what`
    /// the mail was. Call from within the server's runtime.
    pub fn send_in_background(&self, email: Email, what: &'static str) {
        let mailer = self.clone();
        actix_web::rt::spawn(async move {
            match actix_web::web::block(move || mailer.send(&email)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, what, "mail failed"),
                Err(e) => tracing::error!(error = %e, what, "mail task failed"),
            }
        });
    }

    /// The outbox folder when mail goes to files (None with SMTP).
    pub fn outbox(&self) -> Option<&Path> {
        match &self.inner.delivery {
            Delivery::Outbox(dir) => Some(dir),
            Delivery::Smtp { .. } => None,
        }
    }

    fn build(&self, to: Mailbox, subject: &str, body: Body) -> anyhow::Result<Message> {
        Message::builder()
            .from(self.inner.from.clone())
            .to(to)
            .subject(subject)
            .message_id(None)
            .header(MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| anyhow!("cannot build mail: {e}"))
    }
}

/// A subject is one header line: control characters (line breaks included) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `scheme://user:secret@host/...` -> `scheme://user:***@host/...`; anything else unchanged.
fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    let user = match userinfo.find(':') {
        Some(colon) => format!("{}:***", &userinfo[..colon]),
        None => userinfo.to_owned(),
    };
    format!("{}{}{}", &url[..rest_start], user, &url[rest_start + at..])
}

/// Writes `bytes` as a new uniquely named `.eml` file in `dir`, atomically: the data goes to a
/// temporary (non-`.eml`) file in the same folder first, which is then renamed.
fn write_eml(dir: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let id = rand::random::<u64>();
    // The time prefix makes the name order the creation order; the random part makes it unique.
    let name = format!("{nanos:020}-{id:016x}");
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(format!("{name}.eml"));
    let write = || -> io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &path)
    };
    if let Err(e) = write() {
        let _ = fs::remove_file(&tmp);
        return Err(
            anyhow::Error::new(e).context(format!("cannot write mail to outbox {}", dir.display()))
        );
    }
    Ok(path)
}

/// Test/inspection helper: every .eml in `dir`, oldest first (by modification time, then name),
/// as (file name, decoded full text). The text is the headers (unfolded, RFC 2047 encoded words
/// decoded) and the body (quoted-printable / base64 transfer encoding undone), with line endings
/// normalised to `\n`, so a test can search it for a URL. Bodies are assumed to be UTF-8
/// (invalid bytes are replaced).
pub fn read_outbox(dir: &Path) -> io::Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !name.ends_with(".eml") || name.starts_with('.') {
            continue;
        }
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(UNIX_EPOCH);
        found.push((modified, name, entry.path()));
    }
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    found
        .into_iter()
        .map(|(_, name, path)| Ok((name, decode_message(&fs::read(path)?))))
        .collect()
}

/// Decodes a raw single-part message into readable text (see [`read_outbox`]).
fn decode_message(raw: &[u8]) -> String {
    let (head, body) = split_head_body(raw);
    let head = String::from_utf8_lossy(head);
    let headers = unfold_headers(&head);

    let mut encoding = String::new();
    let mut out = String::new();
    for line in &headers {
        if let Some((name, value)) = line.split_once(':')
            && name
                .trim()
                .eq_ignore_ascii_case("content-transfer-encoding")
        {
            encoding = value.trim().to_ascii_lowercase();
        }
        out.push_str(&decode_encoded_words(line));
        out.push('\n');
    }
    out.push('\n');

    let body = match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => decode_base64(body),
        _ => body.to_vec(),
    };
    out.push_str(&String::from_utf8_lossy(&body).replace("\r\n", "\n"));
    out
}

/// Splits at the first empty line; a message without one is all headers.
fn split_head_body(raw: &[u8]) -> (&[u8], &[u8]) {
    let mut line_start = 0;
    while line_start < raw.len() {
        let line_end = raw[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |p| line_start + p);
        let line = &raw[line_start..line_end];
        if line.is_empty() || line == b"\r" {
            let body_start = (line_end + 1).min(raw.len());
            return (&raw[..line_start], &raw[body_start..]);
        }
        line_start = line_end + 1;
    }
    (raw, &[])
}

/// One entry per header field, continuation lines joined (the line break removed, the leading
/// whitespace kept, as RFC 5322 unfolding says).
fn unfold_headers(head: &str) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for line in head.lines() {
        match fields.last_mut() {
            Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
            _ => fields.push(line.to_owned()),
        }
    }
    fields
}

/// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`); whitespace between two adjacent
/// encoded words is dropped, and adjacent words' bytes are joined before charset decoding (a
/// multi-byte character may be split across words).
fn decode_encoded_words(s: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_charset = String::new();
    let mut gap = String::new(); // whitespace seen right after an encoded word
    let mut rest = s;
    let flush = |out: &mut String, pending: &mut Vec<u8>, charset: &str| {
        if !pending.is_empty() {
            out.push_str(&decode_charset(pending, charset));
            pending.clear();
        }
    };
    while !rest.is_empty() {
        if let Some((charset, bytes, after)) = parse_encoded_word(rest) {
            if !pending.is_empty() && !charset.eq_ignore_ascii_case(&pending_charset) {
                flush(&mut out, &mut pending, &pending_charset);
            }
            if pending.is_empty() {
                out.push_str(&gap);
            }
            gap.clear();
            pending.extend_from_slice(&bytes);
            pending_charset = charset;
            rest = after;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        if !pending.is_empty() && (c == ' ' || c == '\t') {
            gap.push(c);
            continue;
        }
        flush(&mut out, &mut pending, &pending_charset);
        out.push_str(&gap);
        gap.clear();
        out.push(c);
    }
    flush(&mut out, &mut pending, &pending_charset);
    out.push_str(&gap);
    out
}

/// Parses one encoded word at the start of `s`: (charset, decoded bytes, rest of `s`).
fn parse_encoded_word(s: &str) -> Option<(String, Vec<u8>, &str)> {
    let inner = s.strip_prefix("=?")?;
    let (charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    let text = &inner[..end];
    if charset.is_empty() || text.contains([' ', '\t']) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => decode_base64(text.as_bytes()),
        "Q" | "q" => decode_q(text.as_bytes()),
        _ => return None,
    };
    // RFC 2231 allows "charset*language".
    let charset = charset.split('*').next().unwrap_or(charset).to_owned();
    Some((charset, bytes, &inner[end + 2..]))
}

fn decode_charset(bytes: &[u8], charset: &str) -> String {
    let charset = charset.to_ascii_lowercase();
    if matches!(
        charset.as_str(),
        "iso-8859-1" | "latin1" | "iso8859-1" | "windows-1252"
    ) {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The "Q" encoding of RFC 2047: like quoted-printable, with `_` for space.
fn decode_q(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => match (
                text.get(i + 1).copied().and_then(hex_value),
                text.get(i + 2).copied().and_then(hex_value),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'='),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Quoted-printable (RFC 2045 6.7): `=XX` escapes, soft line breaks (`=` at the end of a line)
/// removed, trailing whitespace of encoded lines dropped. Hard line breaks become `\n`.
fn decode_quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut lines = body.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let trimmed_len = line
            .iter()
            .rposition(|&b| b != b' ' && b != b'\t')
            .map_or(0, |p| p + 1);
        let line = &line[..trimmed_len];
        let (line, soft_break) = match line.strip_suffix(b"=") {
            Some(l) => (l, true),
            None => (line, false),
        };
        let mut i = 0;
        while i < line.len() {
            if line[i] == b'='
                && let (Some(h), Some(l)) = (
                    line.get(i + 1).copied().and_then(hex_value),
                    line.get(i + 2).copied().and_then(hex_value),
                )
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
            out.push(line[i]);
            i += 1;
        }
        if !soft_break && lines.peek().is_some() {
            out.push(b'\n');
        }
    }
    out
}

/// Standard-alphabet base64; whitespace and anything outside the alphabet is skipped, decoding
/// stops at the first `=`.
fn decode_base64(text: &[u8]) -> Vec<u8> {
    fn value(b: u8) -> Option<u32> {
        match b {
            b'A'..=b'Z' => Some(u32::from(b - b'A')),
            b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in text {
        if b == b'=' {
            break;
        }
        let Some(v) = value(b) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "The Glow Edit <noreply@localhost>";

    fn outbox_mailer() -> (tempfile::TempDir, Mailer) {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(None, FROM, dir.path().join("outbox")).unwrap();
        (dir, mailer)
    }

    fn email(to: &str, subject: &str, text: &str) -> Email {
        Email {
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: text.to_owned(),
        }
    }

    fn token_url() -> String {
        let token: String = (0..64)
            .map(|i| char::from(b"0123456789abcdef"[(i * 7 + 3) % 16]))
            .collect();
        format!("http://127.0.0.1:1234/reset-password?token={token}")
    }

    /// Writes a message built with lettre's own encoding choice, like the SMTP path does.
    fn write_with_encoding(dir: &Path, subject: &str, text: &str, cte: ContentTransferEncoding) {
        let body = Body::new_with_encoding(text.to_owned(), cte).unwrap();
        assert_eq!(body.encoding(), cte);
        let message = Message::builder()
            .from(FROM.parse().unwrap())
            .to("Reader <reader@example.com>".parse().unwrap())
            .subject(subject)
            .header(MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .unwrap();
        write_eml(dir, &message.formatted()).unwrap();
    }

    #[test]
    fn a_mail_to_the_outbox_is_an_eml_with_to_from_subject_and_the_token_url_intact() {
        let (_tmp, mailer) = outbox_mailer();
        let outbox = mailer.outbox().unwrap().to_path_buf();
        assert!(outbox.is_dir(), "the outbox folder is created");
        let url = token_url();
        let text = format!("Hello,\n\nTo choose a new password, open:\n{url}\n\nThe Glow Edit\n");
        mailer
            .send(&email(
                "Ada Reader <ada@example.com>",
                "Reset your password",
                &text,
            ))
            .unwrap();

        let mails = read_outbox(&outbox).unwrap();
        assert_eq!(mails.len(), 1);
        let (name, text) = &mails[0];
        assert!(name.ends_with(".eml"), "{name}");
        assert!(
            text.contains("To: \"Ada Reader\" <ada@example.com>")
                || text.contains("To: Ada Reader <ada@example.com>"),
            "{text}"
        );
        assert!(
            text.contains("From: \"The Glow Edit\" <noreply@localhost>")
                || text.contains("From: The Glow Edit <noreply@localhost>"),
            "{text}"
        );
        assert!(text.contains("Subject: Reset your password\n"), "{text}");
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8"),
            "{text}"
        );
        assert!(text.contains(&format!("{url}\n")), "{text}");
        // Only the .eml is left in the folder: no temporary file.
        assert_eq!(fs::read_dir(&outbox).unwrap().count(), 1);
    }

    #[test]
    fn two_mails_give_two_files_read_back_oldest_first() {
        let (_tmp, mailer) = outbox_mailer();
        mailer
            .send(&email("a@example.com", "First", "one"))
            .unwrap();
        mailer
            .send(&email("b@example.com", "Second", "two"))
            .unwrap();
        let mails = read_outbox(mailer.outbox().unwrap()).unwrap();
        assert_eq!(mails.len(), 2);
        assert_ne!(mails[0].0, mails[1].0);
        assert!(mails[0].1.contains("Subject: First\n"));
        assert!(mails[0].1.contains("a@example.com"));
        assert!(mails[1].1.contains("Subject: Second\n"));
        assert!(mails[1].1.contains("b@example.com"));
    }

    #[test]
    fn a_malformed_recipient_is_an_error_and_writes_nothing() {
        let (_tmp, mailer) = outbox_mailer();
        for to in [
            "",
            "not an address",
            "a@b@c",
            "x@example.com\r\nBcc: y@example.com",
        ] {
            let err = mailer.send(&email(to, "Hi", "text")).unwrap_err();
            assert!(err.to_string().contains("invalid recipient"), "{err}");
        }
        assert_eq!(fs::read_dir(mailer.outbox().unwrap()).unwrap().count(), 0);
    }

    #[test]
    fn a_malformed_from_is_rejected_by_new() {
        let dir = tempfile::tempdir().unwrap();
        for from in [
            "",
            "The Glow Edit",
            "The Glow Edit <noreply>",
            "<@localhost>",
        ] {
            let err = Mailer::new(None, from, dir.path().to_path_buf()).unwrap_err();
            assert!(err.to_string().contains("invalid sender address"), "{err}");
        }
        Mailer::new(None, "noreply@localhost", dir.path().to_path_buf()).unwrap();
    }

    #[test]
    fn non_ascii_subject_and_body_round_trip_through_read_outbox() {
        let (_tmp, mailer) = outbox_mailer();
        let subject = "Crème – réinitialiser votre mot de passe, s'il vous plaît — merci ✨";
        let body = format!("Bonjour Zoë,\n\nCrème – réinitialiser : {}\n", token_url());
        mailer
            .send(&email("Zoë Crème <zoe@example.com>", subject, &body))
            .unwrap();
        let mails = read_outbox(mailer.outbox().unwrap()).unwrap();
        let text = &mails[0].1;
        assert!(text.contains(&format!("Subject: {subject}\n")), "{text}");
        assert!(text.contains("Zoë Crème"), "{text}");
        assert!(text.ends_with(&body), "{text}");
    }

    #[test]
    fn quoted_printable_and_base64_bodies_are_decoded_with_soft_line_breaks_undone() {
        let dir = tempfile::tempdir().unwrap();
        let url = token_url();
        let text = format!("Crème – réinitialiser:\n{url}\nbye = ok \n");
        write_with_encoding(
            dir.path(),
            "qp",
            &text,
            ContentTransferEncoding::QuotedPrintable,
        );
        write_with_encoding(dir.path(), "b64", &text, ContentTransferEncoding::Base64);
        let raw: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        assert!(
            raw.iter().all(|r| !r.contains(&url)),
            "encoded bodies do not contain the URL verbatim"
        );
        let mails = read_outbox(dir.path()).unwrap();
        assert_eq!(mails.len(), 2);
        for (_, decoded) in &mails {
            assert!(decoded.ends_with(&text), "{decoded}");
        }
    }

    #[test]
    fn read_outbox_ignores_temporary_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".123-abc.tmp"), "half a mail").unwrap();
        fs::write(dir.path().join("notes.txt"), "x").unwrap();
        fs::create_dir(dir.path().join("sub.eml")).unwrap();
        assert!(read_outbox(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn an_smtp_mailer_has_no_outbox_and_a_bad_url_error_hides_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::new(
            Some("smtp://localhost:2525"),
            FROM,
            dir.path().join("unused"),
        )
        .unwrap();
        assert!(mailer.outbox().is_none());
        assert!(!dir.path().join("unused").exists());

        let err = Mailer::new(Some("smtps://user:s3cret@"), FROM, dir.path().to_path_buf())
            .unwrap_err()
            .to_string();
        assert!(!err.contains("s3cret"), "{err}");
        let err = Mailer::new(
            Some("ftp://user:s3cret@host"),
            FROM,
            dir.path().to_path_buf(),
        )
        .unwrap_err()
        .to_string();
        assert!(!err.contains("s3cret"), "{err}");
        assert!(!format!("{mailer:?}").contains("s3cret"));
    }

    #[test]
    fn urls_are_redacted_and_encoded_words_decoded() {
        assert_eq!(
            redact_url("smtps://me:pw@smtp.example.com:465/x"),
            "smtps://me:***@smtp.example.com:465/x"
        );
        assert_eq!(redact_url("smtp://localhost:2525"), "smtp://localhost:2525");
        assert_eq!(
            decode_encoded_words("Subject: =?utf-8?b?Q3LDqG1l?= =?UTF-8?Q?_=E2=80=93?= ok"),
            "Subject: Crème – ok"
        );
        assert_eq!(decode_encoded_words("a =?x?= b"), "a =?x?= b");
    }
}
