//! A mail server for tests: it speaks enough SMTP on a local port for a real client to
//! deliver to it, and keeps every message it accepts, parsed, for the test to read.

use mail_parser::MessageParser;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A message as the server received it: the envelope, then the message itself.
#[derive(Clone, Debug)]
pub struct Received {
    pub sender: String,
    pub recipients: Vec<String>,
    pub raw: String,
}

impl Received {
    fn parsed(&self) -> mail_parser::Message<'_> {
        MessageParser::default()
            .parse(self.raw.as_bytes())
            .unwrap_or_else(|| panic!("not a message: {}", self.raw))
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The plain-text part, decoded, its lines ending as they were written rather than as
    /// SMTP carries them.
    pub fn text(&self) -> String {
        self.parsed().body_text(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default()
    }

    /// The HTML part, decoded, lines as [`Received::text`].
    pub fn html(&self) -> String {
        self.parsed().body_html(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default()
    }

    /// A header's raw value, unfolded and trimmed.
    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = self.parsed();
        let raw = parsed.header_raw(name)?;
        Some(raw.replace("\r\n", "").trim().to_owned())
    }
}

/// The server, listening until the test ends.
pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
        let port = listener.local_addr().expect("its address").port();
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let keep = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, keep.clone()));
            }
        });
        SmtpServer { port, received }
    }

    /// Every message accepted so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

async fn session(stream: tokio::net::TcpStream, received: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"220 sink.test ESMTP\r\n").await?;
    let (mut sender, mut recipients) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let verb = line.split(' ').next().unwrap_or_default().to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                (sender, recipients) = (String::new(), Vec::new());
                b"250 OK\r\n"
            }
            "MAIL" => {
                sender = address_in(&line);
                b"250 OK\r\n"
            }
            "RCPT" => {
                recipients.push(address_in(&line));
                b"250 OK\r\n"
            }
            "DATA" => {
                writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut raw = String::new();
                while let Some(data) = lines.next_line().await? {
                    if data == "." {
                        break;
                    }
                    // A line that starts with a dot had one added for the wire.
                    raw.push_str(data.strip_prefix('.').unwrap_or(&data));
                    raw.push_str("\r\n");
                }
                let message = Received { sender: sender.clone(), recipients: recipients.clone(), raw };
                if let Ok(mut all) = received.lock() {
                    all.push(message);
                }
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                writer.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        writer.write_all(answer).await?;
    }
    Ok(())
}

/// `user@example.fr` out of `MAIL FROM:<user@example.fr> SIZE=123`.
fn address_in(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(a, _)| a.to_owned())
        .unwrap_or_default()
}
