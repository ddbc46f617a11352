//! The real binary under kill -9 and SIGTERM: nothing acknowledged is lost, seqs never gap, and
//! a graceful stop exits 0.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::process::Process;
use crate::common::{Endpoint, Storage, User, random_token};
use serde_json::json;
use tokio::sync::Mutex;

/// One acknowledged send: who sent it, where, and what the server answered.
#[derive(Debug, Clone)]
struct Acked {
    channel: &'static str,
    seq: u64,
    message_id: String,
    client_msg_id: String,
}

/// The three channels of the burst, each named by the member who reads it back.
const CHANNELS: [(&str, &str, &str); 3] = [
    // (channel, reader, conversation ID as the reader sees it)
    ("u0-u1", "u0", "C2Cu1"),
    ("u2-u3", "u2", "C2Cu3"),
    ("group", "u4", "GROUPburst"),
];

/// (sender, conversation ID as the sender sees it, channel)
const SENDERS: [(&str, &str, &str); 6] = [
    ("u0", "C2Cu1", "u0-u1"),
    ("u1", "C2Cu0", "u0-u1"),
    ("u2", "C2Cu3", "u2-u3"),
    ("u3", "C2Cu2", "u2-u3"),
    ("u4", "GROUPburst", "group"),
    ("u5", "GROUPburst", "group"),
];

/// What a burst left behind: the acknowledged sends, and the ones cut off without an answer.
struct Outcome {
    acked: Vec<Acked>,
    unanswered: Vec<(&'static str, &'static str, String)>,
}

/// Creates the users and the group of the burst.
async fn set_up(endpoint: &Endpoint) -> HashMap<&'static str, User> {
    let mut users = HashMap::new();
    for uid in ["u0", "u1", "u2", "u3", "u4", "u5"] {
        users.insert(uid, endpoint.user(uid).await);
    }
    endpoint
        .manager()
        .create_group("burst", &["u4", "u5"])
        .await;
    users
}

/// Twelve concurrent senders (two per user) send until the server goes away; once `threshold`
/// sends are acknowledged, `stop` takes the server down.
async fn burst_until_stopped<F: Future<Output = ()>>(
    users: &HashMap<&'static str, User>,
    threshold: usize,
    stop: impl FnOnce() -> F,
) -> Outcome {
    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let unanswered = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for (lane, &(uid, conversation, channel)) in SENDERS.iter().chain(SENDERS.iter()).enumerate() {
        let user = users[uid].clone();
        let (acked, unanswered, count) = (acked.clone(), unanswered.clone(), count.clone());
        tasks.spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(30);
            for n in 0.. {
                let client_msg_id = format!("{uid}-{lane}-{n}");
                let body = json!({
                    "conversationID": conversation,
                    "payload": {"n": n, "lane": lane},
                    "clientMsgID": client_msg_id,
                });
                match user.try_post("/v1/messages", body).await {
                    Ok(answer) if answer.status == 200 => {
                        let message = &answer.body["message"];
                        acked.lock().await.push(Acked {
                            channel,
                            seq: message["seq"].as_u64().unwrap(),
                            message_id: message["messageID"].as_str().unwrap().to_owned(),
                            client_msg_id,
                        });
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    // Cut off mid-request, or refused while draining: maybe stored, maybe not.
                    Err(_) => {
                        unanswered
                            .lock()
                            .await
                            .push((uid, conversation, client_msg_id));
                        break;
                    }
                    Ok(answer) if answer.status == 503 => {
                        unanswered
                            .lock()
                            .await
                            .push((uid, conversation, client_msg_id));
                        break;
                    }
                    Ok(answer) => panic!("a send failed: {}", answer.text),
                }
                assert!(Instant::now() < deadline, "the server never went away");
            }
        });
    }
    let waited = Instant::now();
    while count.load(Ordering::SeqCst) < threshold {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "the burst is too slow"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    stop().await;
    tasks.join_all().await;
    let outcome = Outcome {
        acked: acked.lock().await.clone(),
        unanswered: unanswered.lock().await.clone(),
    };
    eprintln!(
        "{} acknowledged, {} unanswered when the server went away",
        outcome.acked.len(),
        outcome.unanswered.len()
    );
    outcome
}

/// On the restarted server: every acknowledged message is at its seq, each channel's seqs are
/// 1..=n without gap or duplicate, and retrying the unanswered sends stores each exactly once.
async fn verify(endpoint: &Endpoint, users: &HashMap<&'static str, User>, outcome: &Outcome) {
    let user = |uid: &str| User::on(endpoint, uid, &users[uid].token);
    let mut stored = BTreeMap::new();
    for (channel, reader, conversation) in CHANNELS {
        let history = user(reader).history(conversation).await;
        let seqs = crate::common::seqs(&history);
        let n = seqs.len() as u64;
        assert_eq!(
            seqs,
            (1..=n).collect::<Vec<_>>(),
            "{channel}: 1..=n, no gap"
        );
        let by_seq: HashMap<u64, (&str, &str)> = history
            .iter()
            .map(|m| {
                let id = m["messageID"].as_str().unwrap();
                let number = m["clientMsgID"].as_str().unwrap();
                (m["seq"].as_u64().unwrap(), (id, number))
            })
            .collect();
        let ids: HashSet<&str> = by_seq.values().map(|(id, _)| *id).collect();
        assert_eq!(ids.len() as u64, n, "{channel}: no duplicate messages");
        let acked: Vec<&Acked> = outcome
            .acked
            .iter()
            .filter(|a| a.channel == channel)
            .collect();
        assert!(!acked.is_empty(), "{channel} had acknowledged sends");
        for ack in &acked {
            assert_eq!(
                by_seq.get(&ack.seq).copied(),
                Some((ack.message_id.as_str(), ack.client_msg_id.as_str())),
                "{channel}: acknowledged {ack:?} survives at its seq"
            );
        }
        eprintln!("{channel}: {n} stored, {} acknowledged", acked.len());
        stored.insert(channel, n);
    }

    for (uid, conversation, client_msg_id) in &outcome.unanswered {
        user(uid)
            .post(
                "/v1/messages",
                json!({"conversationID": conversation, "payload": {"retry": true},
                       "clientMsgID": client_msg_id}),
            )
            .await
            .ok();
    }
    for (channel, reader, conversation) in CHANNELS {
        let history = user(reader).history(conversation).await;
        let seqs = crate::common::seqs(&history);
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "{channel}"
        );
        assert!(seqs.len() as u64 >= stored[channel]);
        let numbers: Vec<&str> = history
            .iter()
            .filter_map(|m| m["clientMsgID"].as_str())
            .collect();
        let unique: HashSet<&str> = numbers.iter().copied().collect();
        assert_eq!(
            unique.len(),
            numbers.len(),
            "{channel}: each clientMsgID once"
        );
        let retried = outcome.unanswered.iter().filter(|(uid, ..)| {
            SENDERS
                .iter()
                .any(|(sender, _, c)| sender == uid && *c == channel)
        });
        for (_, _, number) in retried {
            assert!(
                unique.contains(number.as_str()),
                "{channel}: retried {number}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_burst_loses_no_acknowledged_message_and_leaves_no_gap() {
    let storage = Storage::new();
    let manager_token = random_token("manager");
    let first = Process::start_on(&storage, &manager_token).await;
    let users = set_up(&first.endpoint).await;
    let outcome = burst_until_stopped(&users, 300, || first.sigkill()).await;

    let second = Process::start_on(&storage, &manager_token).await;
    verify(&second.endpoint, &users, &outcome).await;
    let status = second.sigterm().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_mid_burst_drains_and_exits_zero() {
    let storage = Storage::new();
    let manager_token = random_token("manager");
    let first = Process::start_on(&storage, &manager_token).await;
    let users = set_up(&first.endpoint).await;
    let (status_to, status) = tokio::sync::oneshot::channel();
    let outcome = burst_until_stopped(&users, 100, || async move {
        let _ = status_to.send(first.sigterm().await);
    })
    .await;
    let status = status.await.unwrap();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(status.code(), Some(0));

    let second = Process::start_on(&storage, &manager_token).await;
    verify(&second.endpoint, &users, &outcome).await;
    assert!(second.sigterm().await.success());
}

/// A client that sent part of a request and then nothing more (a stalled or hostile one) does
/// not hold a stopping server: it waits for it a while, then exits 0 all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_does_not_wait_for_good_on_a_half_sent_request() {
    use tokio::io::AsyncWriteExt;

    let storage = Storage::new();
    let server = Process::start_on(&storage, &random_token("manager")).await;
    let address = server
        .endpoint
        .base
        .trim_start_matches("http://")
        .to_owned();
    let mut stalled = tokio::net::TcpStream::connect(&address).await.unwrap();
    stalled
        .write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    let status = server.sigterm().await;
    assert!(status.success(), "exit status {status:?}");
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "it took {:?} to stop",
        started.elapsed()
    );
    drop(stalled);
}

/// The bytes of upload `n` of lane `lane`: large enough that a kill often lands mid-upload, and
/// each different, so that a file can be told from any other.
fn upload_body(lane: usize, n: usize) -> Vec<u8> {
    (0..192 * 1024)
        .map(|i| ((i * 31 + lane * 7 + n * 13) % 251) as u8)
        .collect()
}

/// Uploads under kill -9: every acknowledged file is served whole after the restart, and every
/// file the server has is some upload's bytes in full: one the kill cut short is never served.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_uploads_loses_no_acknowledged_file_and_keeps_no_partial_one() {
    const LANES: usize = 4;
    let storage = Storage::new();
    let manager_token = random_token("manager");
    let first = Process::start_on(&storage, &manager_token).await;
    let uploader = first.endpoint.user("uploader").await;
    let acked = Arc::new(Mutex::new(Vec::<(String, usize, usize)>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut lanes = tokio::task::JoinSet::new();
    for lane in 0..LANES {
        let (uploader, acked, count) = (uploader.clone(), acked.clone(), count.clone());
        lanes.spawn(async move {
            for n in 0..1_000 {
                let answer = uploader
                    .request(
                        reqwest::Method::POST,
                        &format!("/v1/files?name=l{lane}-{n}.bin"),
                    )
                    .header("content-type", "application/octet-stream")
                    .body(upload_body(lane, n))
                    .send()
                    .await;
                let Ok(answer) = answer else {
                    return; // the server is gone
                };
                if !answer.status().is_success() {
                    return;
                }
                let stored: serde_json::Value = answer.json().await.unwrap();
                let url = stored["url"].as_str().unwrap().to_owned();
                acked.lock().await.push((url, lane, n));
                count.fetch_add(1, Ordering::SeqCst);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while count.load(Ordering::SeqCst) < 24 {
        assert!(Instant::now() < deadline, "too few uploads acknowledged");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.sigkill().await;
    while lanes.join_next().await.is_some() {}

    let second = Process::start_on(&storage, &manager_token).await;
    let anyone = second.endpoint.anonymous();
    let acked = acked.lock().await;
    for (url, lane, n) in acked.iter() {
        let answer = anyone
            .request(reqwest::Method::GET, url)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{url}");
        let bytes = answer.bytes().await.unwrap();
        assert!(
            bytes.as_ref() == upload_body(*lane, *n),
            "{url}: not the bytes uploaded"
        );
    }
    // Every file in place is whole, acknowledged or not (the kill may land after the move).
    let files = storage.data_dir().join("files");
    let mut in_place = 0;
    for folder in std::fs::read_dir(&files).unwrap() {
        let folder = folder.unwrap().path();
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // unfinished uploads and copies, which nothing serves as a file
        }
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap();
            let stored_as = file.file_name().to_string_lossy().into_owned();
            let (lane, n) = stored_as
                .trim_start_matches('l')
                .trim_end_matches(".bin")
                .split_once('-')
                .unwrap();
            let bytes = std::fs::read(file.path()).unwrap();
            assert!(
                bytes == upload_body(lane.parse().unwrap(), n.parse().unwrap()),
                "{name}/{stored_as}: a file in place that is not its upload in full"
            );
            in_place += 1;
        }
    }
    assert!(
        in_place >= acked.len(),
        "{in_place} files for {} acknowledged",
        acked.len()
    );
    assert!(second.sigterm().await.success());
}
