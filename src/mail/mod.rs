//! Outgoing mail: password resets, comment notifications and order confirmations.
//!
//! A [`Mailer`] either talks SMTP (when an SMTP URL is configured) or writes every message as
//! an `.eml` file into an outbox folder, so tests and a local user can read the mails without a
//! mail server (the app tests read that folder back with `read_outbox` in tests/app/common.rs).
//!
//! Encoding: mails are plain text (`text/plain; charset=utf-8`). Over SMTP lettre picks the
//! transfer encoding (7bit, quoted-printable or base64), because lettre does not negotiate
//! `8BITMIME` with the server. Outbox files use `8bit` whenever lettre accepts it (no line over
//! 998 bytes, no NUL), so the files are readable as they are (non-ASCII headers are still RFC
//! 2047 encoded words).

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
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
    Outbox {
        dir: PathBuf,
        /// One file at a time: threads creating files in one folder at once spin on the
        /// folder's lock in the kernel (a fifth of the CPU time of a burst of comment
        /// POSTs, measured with perf), where waiting here sleeps.
        one_at_a_time: Mutex<()>,
    },
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Mailer");
        s.field("from", &self.inner.from.to_string());
        match &self.inner.delivery {
            Delivery::Smtp { display_url, .. } => s.field("smtp", display_url),
            Delivery::Outbox { dir, .. } => s.field("outbox", dir),
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
                Delivery::Outbox {
                    dir: outbox_dir,
                    one_at_a_time: Mutex::new(()),
                }
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
            Delivery::Outbox { dir, one_at_a_time } => {
                let body =
                    Body::new_with_encoding(email.text.clone(), ContentTransferEncoding::EightBit)
                        .unwrap_or_else(|_| Body::new(email.text.clone()));
                let message = self.build(to, &subject, body)?;
                let bytes = message.formatted();
                let path = {
                    let _turn = one_at_a_time.lock().unwrap_or_else(|e| e.into_inner());
                    write_eml(dir, &bytes)?
                };
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
            Delivery::Outbox { dir, .. } => Some(dir),
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
/// temporary (non-`.eml`) file in the same folder first, which is then renamed, so a reader
/// of the folder never sees half a mail.
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
        // No fsync: a mail is as durable as the change it tells of, and SQLite's commits
        // (WAL, synchronous = NORMAL) survive a crash of the process, not of the machine.
        // An fsync per mail cost more than the comment it was about.
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

    /// The files in `dir` in name order (names start with the creation time), each as (file
    /// name, headers one `Name: value` a line, an empty line, the body), decoded by mailparse.
    fn read_outbox(dir: &Path) -> Vec<(String, String)> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|name| {
                let raw = fs::read(dir.join(&name)).unwrap();
                let mail = mailparse::parse_mail(&raw).unwrap();
                let mut text = String::new();
                for header in &mail.headers {
                    text.push_str(&format!("{}: {}\n", header.get_key(), header.get_value()));
                }
                text.push('\n');
                text.push_str(&mail.get_body().unwrap().replace("\r\n", "\n"));
                (name, text)
            })
            .collect()
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

        let mails = read_outbox(&outbox);
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
        let mails = read_outbox(mailer.outbox().unwrap());
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
    fn non_ascii_subject_and_body_round_trip_through_a_mail_parser() {
        let (_tmp, mailer) = outbox_mailer();
        let subject = "Crème – réinitialiser votre mot de passe, s'il vous plaît — merci ✨";
        let body = format!("Bonjour Zoë,\n\nCrème – réinitialiser : {}\n", token_url());
        mailer
            .send(&email("Zoë Crème <zoe@example.com>", subject, &body))
            .unwrap();
        let mails = read_outbox(mailer.outbox().unwrap());
        let text = &mails[0].1;
        assert!(text.contains(&format!("Subject: {subject}\n")), "{text}");
        assert!(text.contains("Zoë Crème"), "{text}");
        assert!(text.ends_with(&body), "{text}");
    }

    #[test]
    fn quoted_printable_and_base64_bodies_decode_back_to_the_text_with_soft_line_breaks_undone() {
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
        let mails = read_outbox(dir.path());
        assert_eq!(mails.len(), 2);
        for (_, decoded) in &mails {
            assert!(decoded.ends_with(&text), "{decoded}");
        }
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
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("smtps://me:pw@smtp.example.com:465/x"),
            "smtps://me:***@smtp.example.com:465/x"
        );
        assert_eq!(redact_url("smtp://localhost:2525"), "smtp://localhost:2525");
    }
}
