//! Runs the real WuKongIM web SDK (`wukongimjssdk`, through the Node harness in `js/`) against
//! a small WebSocket server built on this crate, checks that each side accepts the other, and
//! with `--write DIR` records the frames as hex fixtures.
//!
//! ```sh
//! (cd crates/natter-wukongim/js && npm ci)
//! cargo run -p natter-wukongim --example record_sdk                 # check only
//! cargo run -p natter-wukongim --example record_sdk -- --write crates/natter-wukongim/tests/fixtures/wukongimjssdk-1.0.4
//! ```
//!
//! `--sdk BUNDLE` runs another build of the SDK instead of the pinned one (an ES module whose
//! default export is `WKSDK`), and `--proto-version N` makes the SDK ask for version N.
//!
//! The server answers CONNECT with a CONNACK this crate encodes, pushes two RECVs (the first
//! with a wrong msg key, which the SDK must drop without a RECVACK; the second sealed by this
//! crate, which it must acknowledge), answers SUB, SEND (after checking its msg key and
//! decrypting it) and PING, and once it has seen all of them sends DISCONNECT with reason 12,
//! "logged in on another device". The harness meanwhile subscribes, sends one text message,
//! waits for a PING to go out, and waits to be kicked. Anything missing or refused on either
//! side fails the run.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use natter_wukongim::header::FixedHeader;
use natter_wukongim::{
    ChannelType, ConnackPacket, DisconnectPacket, Flags, KeyPair, Packet, PacketType,
    ProtocolVersion, ReasonCode, RecvPacket, SendackPacket, Session, Setting, StreamFlag,
    SubackPacket, WukongCodec,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::codec::Encoder;

/// The recording server's X25519 secret: fixed, so the fixture tests can derive the session
/// from the recorded CONNECT and CONNACK and check the SDK's msg keys. Test use only.
pub const SERVER_SECRET: [u8; 32] = [0x5a; 32];
/// The salt (AES IV) the recording server sends.
pub const SALT: &str = "NatterFixtureIV0";
const NODE_ID: u64 = 7;
/// The message the SDK sends, and the one it is sent.
const SENT_TEXT: &str = "hello from the SDK";
const PUSHED_TEXT: &str = "hello from natter";
const FORGED_ID: u64 = 1000;
const PUSHED_ID: u64 = 1001;

struct Frame {
    /// `true`: client to server.
    from_client: bool,
    packet_type: PacketType,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct Recording {
    frames: Vec<Frame>,
    /// The SEND's payload, decrypted after its msg key checked out.
    sent_payload: Option<Vec<u8>>,
    recvacks: Vec<u64>,
    pings: usize,
    subs: usize,
}

impl Recording {
    fn complete(&self) -> bool {
        self.sent_payload.is_some()
            && self.recvacks.contains(&PUSHED_ID)
            && self.pings > 0
            && self.subs > 0
    }
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn pushed(session: &Session, message_id: u64, text: &str) -> RecvPacket {
    let mut recv = RecvPacket {
        flags: Flags {
            red_dot: true,
            ..Flags::default()
        },
        setting: Setting::default(),
        msg_key: String::new(),
        from_uid: "bob".into(),
        channel_id: "bob".into(),
        channel_type: ChannelType::Person,
        expire: 0,
        client_msg_no: format!("natter-{message_id}"),
        stream_flag: StreamFlag::Start,
        stream_no: String::new(),
        stream_id: 0,
        message_id,
        message_seq: (message_id - FORGED_ID + 1) as u32,
        timestamp: now().as_secs() as u32,
        topic: String::new(),
        payload: Bytes::from(format!(r#"{{"type":1,"content":"{text}"}}"#)),
    };
    session.seal_recv(&mut recv);
    recv
}

/// The server's side of one connection: what it answers each packet with.
fn answer(
    packet: Packet,
    codec: &mut WukongCodec,
    session: &mut Option<Session>,
    rec: &mut Recording,
) -> Result<Vec<Packet>, String> {
    Ok(match packet {
        Packet::Connect(connect) => {
            let version = ProtocolVersion::negotiate(connect.version).map_err(|e| e.to_string())?;
            codec.set_version(version);
            let keys = KeyPair::from_secret(SERVER_SECRET);
            let s = keys
                .session(&connect.client_key, SALT)
                .map_err(|e| e.to_string())?;
            let time_diff = now().as_millis() as i64 - connect.client_timestamp;
            let connack =
                ConnackPacket::accept(version, time_diff, keys.public_key(), SALT.into(), NODE_ID);
            let mut forged = pushed(&s, FORGED_ID, "forged");
            forged.msg_key = "0".repeat(32);
            let genuine = pushed(&s, PUSHED_ID, PUSHED_TEXT);
            *session = Some(s);
            vec![
                Packet::Connack(connack),
                Packet::Recv(forged),
                Packet::Recv(genuine),
            ]
        }
        Packet::Send(mut send) => {
            let s = session.as_ref().ok_or("SEND before CONNECT")?;
            s.open_send(&mut send)
                .map_err(|e| format!("the SDK's SEND: {e}"))?;
            rec.sent_payload = Some(send.payload.to_vec());
            vec![Packet::Sendack(SendackPacket {
                message_id: 2001,
                client_seq: send.client_seq,
                message_seq: 1,
                reason_code: ReasonCode::Success,
            })]
        }
        Packet::Recvack(ack) => {
            rec.recvacks.push(ack.message_id);
            vec![]
        }
        Packet::Ping => {
            rec.pings += 1;
            vec![Packet::Pong]
        }
        Packet::Sub(sub) => {
            rec.subs += 1;
            vec![Packet::Suback(SubackPacket {
                sub_no: sub.sub_no,
                channel_id: sub.channel_id,
                channel_type: sub.channel_type,
                action: sub.action,
                reason_code: ReasonCode::Success,
            })]
        }
        other => return Err(format!("unexpected {} from the SDK", other.packet_type())),
    })
}

async fn serve(listener: TcpListener) -> Result<Recording, String> {
    let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
    let mut ws = tokio_tungstenite::accept_async(tcp)
        .await
        .map_err(|e| e.to_string())?;
    let mut codec = WukongCodec::new();
    let mut session = None;
    let mut rec = Recording::default();
    let mut buf = BytesMut::new();
    let mut kicked = false;
    while let Some(message) = ws.next().await {
        match message.map_err(|e| e.to_string())? {
            Message::Binary(data) => buf.extend_from_slice(&data),
            Message::Close(_) => break,
            _ => continue,
        }
        // One WebSocket message may hold several frames, or part of one.
        while let Some(header) =
            FixedHeader::parse(&buf, codec.max_remaining()).map_err(|e| e.to_string())?
        {
            if buf.len() < header.frame_len() {
                break;
            }
            let raw = buf[..header.frame_len()].to_vec();
            let packet = codec
                .decode_frame(&mut buf)
                .map_err(|e| format!("the SDK's {}: {e}", header.packet_type))?
                .ok_or("a whole frame did not decode")?;
            rec.frames.push(Frame {
                from_client: true,
                packet_type: header.packet_type,
                bytes: raw,
            });
            let mut replies = answer(packet, &mut codec, &mut session, &mut rec)?;
            if rec.complete() && !kicked {
                kicked = true;
                replies.push(Packet::Disconnect(DisconnectPacket {
                    reason_code: ReasonCode::ConnectKick,
                    reason: "login in other device".into(),
                }));
            }
            for reply in replies {
                let mut out = BytesMut::new();
                codec.encode(&reply, &mut out).map_err(|e| e.to_string())?;
                rec.frames.push(Frame {
                    from_client: false,
                    packet_type: reply.packet_type(),
                    bytes: out.to_vec(),
                });
                ws.send(Message::Binary(out.freeze()))
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(rec)
}

/// The harness's script: the steps a gateway test would take, plus waiting to be kicked.
fn script(url: &str, options: &Options) -> serde_json::Value {
    let mut script = serde_json::json!({
        "url": url,
        "uid": "alice",
        "token": "alice-token",
        "heartbeatMs": 300,
        "steps": [
            {"op": "connect"},
            {"op": "waitStatus", "status": "connected"},
            {"op": "subscribe", "channelID": "room", "channelType": 7},
            {"op": "waitSubacks", "count": 1},
            {"op": "send", "channelID": "bob", "channelType": 1, "text": SENT_TEXT},
            {"op": "waitSendacks", "count": 1},
            {"op": "waitMessages", "count": 1},
            {"op": "waitFrames", "dir": "out", "type": 7, "count": 1},
            {"op": "waitStatus", "status": "kicked"},
        ]
    });
    if let Some(sdk) = &options.sdk {
        script["sdk"] = sdk.display().to_string().into();
    }
    if let Some(version) = options.proto_version {
        script["protoVersion"] = version.into();
    }
    script
}

fn check(rec: &Recording, events: &[serde_json::Value]) -> Result<(), String> {
    let sent = rec.sent_payload.as_deref().ok_or("the SDK sent no SEND")?;
    let sent: serde_json::Value = serde_json::from_slice(sent).map_err(|e| e.to_string())?;
    if sent["content"] != SENT_TEXT || sent["type"] != 1 {
        return Err(format!("the SEND decrypted to {sent}"));
    }
    if rec.recvacks != [PUSHED_ID] {
        return Err(format!(
            "RECVACKs for {:?}, expected only {PUSHED_ID}",
            rec.recvacks
        ));
    }
    let of = |name: &'static str| events.iter().filter(move |e| e["event"] == name);
    let messages: Vec<_> = of("message").collect();
    let pushed_id = PUSHED_ID.to_string();
    if messages.len() != 1
        || messages[0]["text"] != PUSHED_TEXT
        || messages[0]["messageID"].as_str() != Some(pushed_id.as_str())
    {
        return Err(format!("the SDK reported messages {messages:?}"));
    }
    if !of("sendack").any(|e| e["reasonCode"] == 1 && e["messageSeq"] == 1) {
        return Err("the SDK reported no successful SENDACK".into());
    }
    if !of("suback").any(|e| e["reasonCode"] == 1) {
        return Err("the SDK reported no successful SUBACK".into());
    }
    if !of("status").any(|e| e["status"] == "kicked" && e["reasonCode"] == 12) {
        return Err("the SDK did not report the kick with reason 12".into());
    }
    if !of("done").any(|e| e["ok"] == true) {
        return Err("the harness did not finish its steps".into());
    }
    Ok(())
}

/// Writes each packet type's first frame, each way, as `<type>.hex`.
fn write_fixtures(rec: &Recording, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    let mut recvs = 0;
    for frame in &rec.frames {
        let mut name = frame.packet_type.to_string().to_lowercase();
        if frame.packet_type == PacketType::Recv {
            // The forged RECV goes first, then the genuine one.
            recvs += 1;
            if recvs == 1 {
                name = "recv-forged".into();
            }
        }
        if written.contains(&name) {
            continue;
        }
        let hex: String = frame.bytes.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(dir.join(format!("{name}.hex")), format!("{hex}\n"))
            .map_err(|e| e.to_string())?;
        println!(
            "{} {name}.hex ({} bytes)",
            if frame.from_client {
                "SDK →"
            } else {
                "    ←"
            },
            frame.bytes.len()
        );
        written.push(name);
    }
    Ok(())
}

#[derive(Default)]
struct Options {
    write: Option<PathBuf>,
    sdk: Option<PathBuf>,
    proto_version: Option<u8>,
}

fn options(mut args: impl Iterator<Item = String>) -> Option<Options> {
    let mut options = Options::default();
    while let Some(flag) = args.next() {
        let value = args.next()?;
        match flag.as_str() {
            "--write" => options.write = Some(value.into()),
            "--sdk" => options.sdk = Some(std::fs::canonicalize(value).ok()?),
            "--proto-version" => options.proto_version = Some(value.parse().ok()?),
            _ => return None,
        }
    }
    Some(options)
}

async fn run(options: Options) -> Result<(), String> {
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
    if !harness.join("node_modules").exists() {
        return Err(format!("run `npm ci` in {} first", harness.display()));
    }
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "ws://{}/",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let server = tokio::spawn(serve(listener));

    let mut child = tokio::process::Command::new("node")
        .arg("harness.mjs")
        .arg("-")
        .current_dir(&harness)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("node: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    stdin
        .write_all(script(&url, &options).to_string().as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    drop(stdin);
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let (mut out, mut err) = (String::new(), String::new());
    let finished = tokio::time::timeout(Duration::from_secs(60), async {
        let (a, b) = tokio::join!(
            stdout.read_to_string(&mut out),
            stderr.read_to_string(&mut err)
        );
        a.and(b)?;
        child.wait().await
    })
    .await;
    let events: Vec<serde_json::Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let result = async {
        let status = finished
            .map_err(|_| "the harness took over 60 s".to_string())?
            .map_err(|e| e.to_string())?;
        let rec = tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .map_err(|_| "the server did not see the connection close".to_string())?
            .map_err(|e| e.to_string())??;
        if !status.success() {
            return Err(format!("the harness exited with {status}"));
        }
        check(&rec, &events)?;
        if let Some(dir) = &options.write {
            write_fixtures(&rec, dir)?;
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        eprintln!("--- harness events\n{out}--- SDK log (stderr)\n{err}");
    }
    result
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(options) = options(std::env::args().skip(1)) else {
        eprintln!("usage: record_sdk [--write DIR] [--sdk BUNDLE] [--proto-version N]");
        return ExitCode::from(2);
    };
    match run(options).await {
        Ok(()) => {
            println!(
                "wukongimjssdk accepted the CONNACK, RECV, SENDACK, SUBACK, PONG and DISCONNECT; its CONNECT, SEND, SUB, PING and RECVACK decoded and checked out"
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("record_sdk: {error}");
            ExitCode::FAILURE
        }
    }
}
