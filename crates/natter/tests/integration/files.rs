//! Uploads: the files behind image, file, audio and video messages. A device or the app backend
//! uploads; anyone with the link downloads, in parts too; bad uploads are refused with a clear
//! error and leave nothing behind; a file survives a restart.

use std::path::Path;
use std::time::Duration;

use crate::common::{Options, Resp, Server, User};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The start of a PNG of `width` × `height`: its signature and header chunk, which is all that
/// says how large it is.
fn png_head(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

async fn upload(user: &User, query: &str, content_type: &str, bytes: Vec<u8>) -> Resp {
    user.send(
        user.request(reqwest::Method::POST, &format!("/v1/files{query}"))
            .header("content-type", content_type)
            .body(bytes),
    )
    .await
}

/// The bytes at `url` (a path on the server), fetched without a token, and the answer's headers.
async fn download(server: &Server, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let anyone = server.anonymous();
    let answer = anyone
        .request(reqwest::Method::GET, url)
        .send()
        .await
        .unwrap();
    let headers = answer.headers().clone();
    (
        answer.status().as_u16(),
        headers,
        answer.bytes().await.unwrap().to_vec(),
    )
}

/// What is in the files folder besides uploads still being written (of which there must be none)
/// and the copies made from files.
fn stored_files(data_dir: &Path) -> Vec<String> {
    let dir = data_dir.join("files");
    assert_eq!(
        std::fs::read_dir(dir.join(".partial")).unwrap().count(),
        0,
        "no partial upload is left"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != ".partial" && name != ".variants")
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn an_uploaded_image_is_served_to_anyone_with_its_link_and_sent_in_a_message() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;

    let mut png = png_head(3, 2);
    png.extend([7u8; 100]);
    let stored = upload(&alice, "?name=cat%20photo.png", "image/png", png.clone())
        .await
        .ok();
    let id = stored["fileID"].as_str().unwrap();
    assert_eq!(id.len(), 32);
    assert_eq!(stored["url"], format!("/files/{id}/cat%20photo.png"));
    assert_eq!(stored["name"], "cat photo.png");
    assert_eq!(stored["size"], png.len());
    assert_eq!(stored["contentType"], "image/png");
    assert_eq!(
        (stored["width"].clone(), stored["height"].clone()),
        (json!(3), json!(2))
    );

    let url = stored["url"].as_str().unwrap();
    let (status, headers, bytes) = download(&server, url).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, png, "the exact bytes, without a token");
    assert_eq!(headers["content-type"], "image/png");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    // a player seeks with ranges
    let part = server
        .anonymous()
        .request(reqwest::Method::GET, url)
        .header("range", "bytes=1-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"PNG");

    // the image message, as the client SDK sends it after the upload
    let link = format!("{}{url}", server.base);
    let info = json!({"type": 0, "size": png.len(), "width": 3, "height": 2, "url": link});
    let payload = json!({"uuid": id, "imageFormat": 3, "imageInfoArray": [info, info, info]});
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "type": "TIMImageElem", "payload": payload}),
        )
        .await
        .ok();
    let history = bob.history("C2Calice").await;
    assert_eq!(history[0]["type"], "TIMImageElem");
    assert_eq!(history[0]["payload"]["imageInfoArray"][0]["url"], link);

    // a WuKongIM client of bob's reads it as WuKongIM's image content
    let synced = server
        .manager()
        .post(
            "/channel/messagesync",
            json!({"login_uid": "bob", "channel_id": "alice", "channel_type": 1,
                   "start_message_seq": 0, "end_message_seq": 0, "limit": 10, "pull_mode": 1}),
        )
        .await
        .ok();
    let payload = synced["messages"][0]["payload"].as_str().unwrap();
    let content: serde_json::Value =
        serde_json::from_slice(&BASE64.decode(payload).unwrap()).unwrap();
    assert_eq!(
        content,
        json!({"type": 2, "url": link, "width": 3, "height": 2})
    );
}

#[tokio::test]
async fn a_file_larger_than_a_request_body_streams_in_and_a_name_is_one_path_segment() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    // three times the largest JSON body, in bytes no image format has
    let big: Vec<u8> = (0..3 * (1 << 20)).map(|i: u32| (i % 251) as u8).collect();
    let stored = upload(&alice, "?name=..%2F..%2Fnotes.bin", "", big.clone())
        .await
        .ok();
    assert_eq!(
        stored["name"], ".._.._notes.bin",
        "the path separators are made `_`"
    );
    assert_eq!(stored["contentType"], "application/octet-stream");
    assert!(
        stored.get("width").is_none(),
        "no size for what is not an image"
    );
    let (status, _, bytes) = download(&server, stored["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(bytes == big, "the same {} bytes back", big.len());
    assert_eq!(
        stored_files(server.storage().data_dir()),
        [stored["fileID"].as_str().unwrap()]
    );
}

#[tokio::test]
async fn bad_uploads_are_refused_plainly_and_leave_nothing() {
    let server = Server::start_with(Options {
        max_upload_bytes: Some(1024),
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;

    upload(&alice, "", "text/plain", b"hi".to_vec())
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "name");
    upload(&alice, "?name=%20", "text/plain", b"hi".to_vec())
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "name");
    let long = "a".repeat(256);
    upload(
        &alice,
        &format!("?name={long}"),
        "text/plain",
        b"hi".to_vec(),
    )
    .await
    .expect_error_naming(400, 40001, "invalid_argument", "255");
    upload(&alice, "?name=a.txt", "text/plain", Vec::new())
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "empty");
    upload(&alice, "?name=a.bin", "", vec![1; 1025])
        .await
        .expect_error_naming(413, 41301, "payload_too_large", "1024 bytes");
    let anyone = server.anonymous();
    anyone
        .send(
            anyone
                .request(reqwest::Method::POST, "/v1/files?name=a.txt")
                .body("hi"),
        )
        .await
        .expect_error(401, 40101, "unauthenticated");
    // the app backend's upload is not for a user token
    alice
        .send(
            alice
                .request(reqwest::Method::POST, "/files?name=a.txt")
                .body("hi"),
        )
        .await
        .expect_error(403, 40301, "permission_denied");
    assert!(stored_files(server.storage().data_dir()).is_empty());

    // at the limit is fine; addresses no upload made find nothing
    let stored = upload(&alice, "?name=a.bin", "", vec![1; 1024]).await.ok();
    let id = stored["fileID"].as_str().unwrap();
    for path in [
        format!("/files/{id}/b.bin"),
        "/files/0123456789abcdef0123456789abcdef/a.bin".to_owned(),
        "/files/.partial/a.bin".to_owned(),
        format!("/files/{id}/..%2F..%2Ffiles"),
    ] {
        server
            .anonymous()
            .get(&path)
            .await
            .expect_error(404, 40401, "not_found");
    }
}

#[tokio::test]
async fn the_app_backend_uploads_files_that_survive_a_restart_and_removes_them() {
    let mut server = Server::start().await;
    let manager = server.manager();
    let stored = manager
        .send(
            manager
                .request(reqwest::Method::POST, "/files?name=report.pdf")
                .header("content-type", "application/pdf")
                .body(b"%PDF-1.7 ...".to_vec()),
        )
        .await
        .ok();
    let url = stored["url"].as_str().unwrap().to_owned();
    let address = server.base.trim_start_matches("http://").to_owned();
    server.restart_on(&address).await;
    let (status, headers, bytes) = download(&server, &url).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(bytes, b"%PDF-1.7 ...");

    // and removes one for good; an ID of no file is passed over, a malformed one refused
    let id = stored["fileID"].as_str().unwrap();
    let manager = server.manager();
    let unknown = "0123456789abcdef0123456789abcdef";
    manager
        .post("/files/delete", json!({"file_ids": [id, unknown]}))
        .await
        .ok();
    server
        .anonymous()
        .get(&url)
        .await
        .expect_error(404, 40401, "not_found");
    manager
        .post("/files/delete", json!({"file_ids": ["../files"]}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "file_ids[0]");
    manager
        .post("/files/delete", json!({"file_ids": []}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "file_ids");
    assert!(stored_files(server.storage().data_dir()).is_empty());
}

/// An upload over raw TCP of a body of `length` bytes, of which `parts` are sent with `pause`
/// after each; the whole answer.
async fn upload_slowly(
    server: &Server,
    token: &str,
    length: usize,
    parts: &[&[u8]],
    pause: Duration,
) -> String {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /v1/files?name=slow.txt HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for part in parts {
        stream.write_all(part).await.unwrap();
        tokio::time::sleep(pause).await;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    answer
}

#[tokio::test]
async fn an_upload_may_take_longer_than_a_request_but_not_pause_as_long() {
    let server = Server::start_with(Options {
        request_timeout_secs: Some(1),
        ..Options::default()
    })
    .await;
    let alice = server.user("alice").await;
    // bytes every 400 ms for 2 s: past the request timeout, never paused past it
    let parts: [&[u8]; 5] = [b"one ", b"two ", b"three ", b"four ", b"five"];
    let length = parts.iter().map(|part| part.len()).sum();
    let answer = upload_slowly(
        &server,
        &alice.token,
        length,
        &parts,
        Duration::from_millis(400),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    // half the body, then nothing for longer than the request timeout
    let answer = upload_slowly(
        &server,
        &alice.token,
        8,
        &[b"half"],
        Duration::from_millis(1500),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.contains("the upload stalled: no bytes for 1 s"),
        "{answer}"
    );
    assert_eq!(
        stored_files(server.storage().data_dir()).len(),
        1,
        "only the whole upload"
    );
}

/// An image of `width` × `height` encoded as `format`.
fn image_bytes(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let image = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 200])
    });
    let image = match format {
        image::ImageFormat::Jpeg => {
            image::DynamicImage::ImageRgb8(image::DynamicImage::ImageRgba8(image).to_rgb8())
        }
        _ => image::DynamicImage::ImageRgba8(image),
    };
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

/// What `url` serves as `variant`: the status, the content type and the bytes.
async fn variant_of(server: &Server, url: &str, variant: &str) -> (u16, String, Vec<u8>) {
    let (status, headers, body) = download(server, &format!("{url}?variant={variant}")).await;
    let content_type = headers
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, body)
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).unwrap();
    (image.width(), image.height())
}

/// `variant=large` and `variant=thumbnail` of an image are smaller copies, Tencent's 720 and 198
/// pixels on the shorter side, made on first request and kept; an image already that small, a
/// file that is no image, or one that does not decode, comes as it is; removing the file
/// removes its copies.
#[tokio::test]
async fn an_images_large_and_thumbnail_copies_are_made_on_first_request() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let photo = upload(
        &alice,
        "?name=photo.jpg",
        "image/jpeg",
        image_bytes(1000, 800, image::ImageFormat::Jpeg),
    )
    .await
    .ok();
    let url = photo["url"].as_str().unwrap();
    // A photo sent to a group is asked for by many at once: each gets the one copy, whole.
    let at_once =
        futures_util::future::join_all((0..12).map(|_| variant_of(&server, url, "large"))).await;
    assert!(
        at_once.windows(2).all(|pair| pair[0] == pair[1]),
        "every answer the same copy"
    );
    assert_eq!(at_once[0].0, 200);
    assert_eq!(
        photo["variants"],
        json!([
            {"variant": "large", "url": format!("{url}?variant=large"), "width": 900, "height": 720},
            {"variant": "thumbnail", "url": format!("{url}?variant=thumbnail"), "width": 248, "height": 198},
        ]),
        "the upload's answer says where the copies are and how large"
    );
    let (status, content_type, thumbnail) = variant_of(&server, url, "thumbnail").await;
    assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));
    assert_eq!(dimensions(&thumbnail), (248, 198));
    assert_eq!(dimensions(&at_once[0].2), (900, 720));
    assert_eq!(
        variant_of(&server, url, "thumbnail").await.2,
        thumbnail,
        "made once and kept"
    );

    // A PNG keeps its kind (and transparency); one already smaller than the large copy comes as
    // it is.
    let png_bytes = image_bytes(300, 200, image::ImageFormat::Png);
    let icon = upload(&alice, "?name=icon.png", "image/png", png_bytes.clone())
        .await
        .ok();
    let icon_url = icon["url"].as_str().unwrap();
    let (_, content_type, small) = variant_of(&server, icon_url, "thumbnail").await;
    assert_eq!(content_type, "image/png");
    assert_eq!(dimensions(&small), (297, 198));
    assert!(image::load_from_memory(&small).unwrap().color().has_alpha());
    assert_eq!(variant_of(&server, icon_url, "large").await.2, png_bytes);

    // Not an image, or not one that decodes: the file itself.
    let text = upload(&alice, "?name=notes.txt", "text/plain", b"hello".to_vec())
        .await
        .ok();
    let text_url = text["url"].as_str().unwrap();
    assert_eq!(
        text.get("variants"),
        None,
        "no copies of what is not an image"
    );
    assert_eq!(variant_of(&server, text_url, "thumbnail").await.2, b"hello");
    let mut broken = png_head(2000, 2000);
    broken.extend([7u8; 100]);
    let broken_file = upload(&alice, "?name=broken.png", "image/png", broken.clone())
        .await
        .ok();
    let broken_url = broken_file["url"].as_str().unwrap();
    let (status, _, served) = variant_of(&server, broken_url, "thumbnail").await;
    assert_eq!((status, served), (200, broken));

    let anyone = server.anonymous();
    anyone
        .get(&format!("{url}?variant=huge"))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "variant");

    // Removing the file removes its copies.
    let id = photo["fileID"].as_str().unwrap();
    let copies = server.storage().data_dir().join("files/.variants").join(id);
    assert!(copies.exists());
    server
        .manager()
        .post("/files/delete", json!({"file_ids": [id]}))
        .await
        .ok();
    assert_eq!(variant_of(&server, url, "thumbnail").await.0, 404);
    assert!(!copies.exists());
}

/// Makes the file at `url` (`/files/<fileID>/<name>`) look uploaded, and last linked to, `age`
/// ago: the time of its folder says when.
fn age_file(server: &Server, url: &str, age: Duration) {
    let id = url.split('/').nth(2).unwrap();
    let folder = server.storage().data_dir().join("files").join(id);
    std::fs::File::open(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .set_modified(std::time::SystemTime::now() - age)
        .unwrap();
}

/// With `--retention-days`, a file goes once no message has linked to it, nor anyone uploaded
/// it, for that long, as the messages do: one forwarded late in its life, sent or noticed by the
/// app backend or put in a message by an edit stays as long as that message; one a profile
/// shows stays; one never sent goes with its copies.
#[tokio::test]
async fn retention_removes_the_files_no_message_linked_to_within_it() {
    let mut server = Server::start_with(Options {
        retention_days: Some(1),
        ..Options::default()
    })
    .await;
    let [alice, bob] = server.users(["alice", "bob"]).await;
    let mut urls = std::collections::BTreeMap::new();
    for name in [
        "forwarded.png",
        "by-backend.png",
        "notice.png",
        "system.png",
        "edited.png",
        "avatar.png",
        "cover.png",
        "group.png",
        "never-sent.png",
        "fresh.png",
    ] {
        let png = image_bytes(400, 300, image::ImageFormat::Png);
        let stored = upload(&alice, &format!("?name={name}"), "image/png", png)
            .await
            .ok();
        urls.insert(name, stored["url"].as_str().unwrap().to_owned());
    }
    let thumbnail = format!("{}?variant=thumbnail", urls["never-sent.png"]);
    assert_eq!(
        variant_of(&server, &urls["never-sent.png"], "thumbnail")
            .await
            .0,
        200
    );
    let copies = server.storage().data_dir().join("files/.variants");
    assert_eq!(
        std::fs::read_dir(&copies).unwrap().count(),
        1,
        "a copy was made"
    );
    let two_days = Duration::from_secs(2 * 86_400);
    for (name, url) in &urls {
        if *name != "fresh.png" {
            age_file(&server, url, two_days);
        }
    }

    // linked to again now: a forward, messages and a notice of the app backend's, an edit
    let image = |name: &str| {
        let info = json!({"type": 0, "size": 0, "width": 400, "height": 300,
                          "url": format!("{}{}", server.base, urls[name])});
        json!({"uuid": "x", "imageFormat": 3, "imageInfoArray": [info]})
    };
    alice
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Cbob", "type": "TIMImageElem",
                   "payload": image("forwarded.png")}),
        )
        .await
        .ok();
    let manager = server.manager();
    manager
        .server_send(
            "bob",
            "alice",
            1,
            json!({"type": 2, "url": urls["by-backend.png"]}),
            None,
        )
        .await
        .ok();
    let from_the_app = json!({"type": 2, "url": urls["system.png"]});
    manager
        .server_send("", "alice", 1, from_the_app, None)
        .await
        .ok();
    let notice = json!({"title": "New sticker pack", "cover": urls["notice.png"]});
    manager
        .post(
            "/system/notices",
            json!({"uids": ["bob"], "payload": BASE64.encode(notice.to_string())}),
        )
        .await
        .ok();
    let card = |url: &str| json!({"data": json!({"card": url}).to_string()});
    let sent = bob
        .post(
            "/v1/messages",
            json!({"conversationID": "C2Calice", "type": "TIMCustomElem",
                   "payload": card("https://example.com/card.png")}),
        )
        .await
        .ok();
    bob.post(
        "/v1/messages/modify",
        json!({"conversationID": "C2Calice", "messageID": sent["message"]["messageID"],
               "version": 0, "type": "TIMCustomElem", "payload": card(&urls["edited.png"])}),
    )
    .await
    .ok();
    manager
        .post(
            "/user/profile",
            json!({"uid": "alice", "avatar": format!("{}{}", server.base, urls["avatar.png"]),
                   "custom_fields": {"cover": urls["cover.png"]}}),
        )
        .await
        .ok();
    manager.create_group("team", &["alice", "bob"]).await;
    manager
        .post(
            "/channel/info",
            json!({"channel_id": "team", "channel_type": 2,
                   "notice": format!("Our poster: {}", urls["group.png"])}),
        )
        .await
        .ok();

    // what a profile shows (an avatar, a custom field, a group's notice) is kept however long
    // ago it was linked to (the profiles' notices linked to them just now)
    for name in ["avatar.png", "cover.png", "group.png"] {
        age_file(&server, &urls[name], two_days);
    }

    // retention looks for expired files as the server starts, then hourly
    let address = server.base.trim_start_matches("http://").to_owned();
    server.restart_on(&address).await;
    let manager = server.manager();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while manager.metric("natter_files_expired_total").await == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no file expired");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for (name, url) in &urls {
        let expected = if *name == "never-sent.png" { 404 } else { 200 };
        assert_eq!(download(&server, url).await.0, expected, "{name}");
    }
    assert_eq!(download(&server, &thumbnail).await.0, 404);
    assert_eq!(
        std::fs::read_dir(copies).unwrap().count(),
        0,
        "the copy went with it"
    );
}

/// Uploads leave `--upload-min-free-bytes` free on their disk for the database and the logs: one
/// that would take the disk below it is refused with 503 and a retry hint, leaves nothing behind,
/// and messages still go.
#[tokio::test]
async fn uploads_leave_the_disk_room_the_database_needs() {
    let server = Server::start_with(Options {
        upload_min_free_bytes: Some(u64::MAX),
        ..Options::default()
    })
    .await;
    let [alice, _bob] = server.users(["alice", "bob"]).await;
    let refused = upload(&alice, "?name=cat.png", "image/png", png_head(3, 2)).await;
    let message = refused.expect_error(503, 50301, "unavailable");
    assert!(message.contains("--upload-min-free-bytes"), "{message}");
    assert!(stored_files(server.storage().data_dir()).is_empty());
    alice
        .send_text("C2Cbob", "the database still has its room")
        .await;
}
