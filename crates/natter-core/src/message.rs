//! Message types: the element types of the Tencent Cloud Chat SDKs, stored with each message so
//! that every client and both HTTP surfaces see the same thing.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::wire::GroupTipPayload;

pub const TEXT: &str = "TIMTextElem";
pub const CUSTOM: &str = "TIMCustomElem";
pub const IMAGE: &str = "TIMImageElem";
pub const SOUND: &str = "TIMSoundElem";
pub const VIDEO: &str = "TIMVideoFileElem";
pub const FILE: &str = "TIMFileElem";
/// A chat record: messages forwarded together (Tencent's merger message).
pub const RELAY: &str = "TIMRelayElem";
/// A group tip ([`crate::wire::GroupTipPayload`]): written by the server only.
pub const GROUP_TIP: &str = "TIMGroupTipElem";
/// A group system notice: Tencent's SDK hands the notices of `@TIM#SYSTEM` out as this type; no
/// one sends it.
pub const GROUP_SYSTEM_NOTICE: &str = "TIMGroupSystemNoticeElem";

/// Every element type a message may have (Tencent's `TYPES.MSG_*` values). Natter stores and
/// relays the payload of each; only text and custom payloads are checked for their shape: a
/// media payload links to a file (uploaded to Natter, or anywhere) as its sender's SDK wrote it.
pub const TYPES: &[&str] = &[
    TEXT,
    IMAGE,
    SOUND,
    FILE,
    "TIMFaceElem",
    VIDEO,
    "TIMLocationElem",
    GROUP_TIP,
    GROUP_SYSTEM_NOTICE,
    CUSTOM,
    RELAY,
];

/// The type of a message sent without one: an app-defined payload.
pub const DEFAULT_TYPE: &str = CUSTOM;

/// WuKongIM's content type of a command: the SDKs hand such messages to their CMD listeners.
pub const WUKONGIM_CMD_TYPE: i64 = 99;

/// The element type of a payload written for WuKongIM's clients (`{"type": 1, "content": …}`),
/// by its content type: text, image, voice, video, location and file have Tencent
/// counterparts; everything else is custom.
pub fn type_of_wukongim_payload(payload: &Value) -> &'static str {
    match payload["type"].as_i64() {
        Some(1) => TEXT,
        Some(2) => IMAGE,
        Some(4) => SOUND,
        Some(5) => VIDEO,
        Some(6) => "TIMLocationElem",
        Some(8) => FILE,
        _ => CUSTOM,
    }
}

/// A stored payload as WuKongIM's clients read it, on the gateways and on the server API: a
/// payload with a numeric `type` (WuKongIM's own) as it is; the client API's text
/// (`TIMTextElem` `{"text": t}`) as WuKongIM's text `{"type": 1, "content": t}`, its
/// `atUserList` as WuKongIM's `mention`; the client API's image, voice, video and file as
/// WuKongIM's media contents, and a chat record as its text ([`wukongim_media`]); a group tip
/// as a system message
/// ([`wukongim_group_tip`]); anything else as it is (without a `type`, WuKongIM's SDKs show it
/// as unknown content).
pub fn wukongim_content(message_type: &str, payload: &Value) -> Value {
    if payload.get("type").is_some_and(Value::is_number) {
        return payload.clone();
    }
    if message_type == GROUP_TIP
        && let Ok(tip) = serde_json::from_value::<GroupTipPayload>(payload.clone())
    {
        return wukongim_group_tip(&tip);
    }
    if let Some(media) = wukongim_media(message_type, payload) {
        return media;
    }
    match (message_type, payload.get("text")) {
        (TEXT, Some(Value::String(text))) => {
            let mut content = serde_json::json!({"type": 1, "content": text});
            if let Some(mention) = crate::mention::mentions_of(TEXT, payload).as_wukongim() {
                content["mention"] = mention;
            }
            content
        }
        _ => payload.clone(),
    }
}

/// A Tencent media payload, as the client SDK writes it, in the fields of WuKongIM's media
/// contents, which its SDKs decode (`WKImageContent` and the like): image 2 `{url, width,
/// height}` from the original of `imageInfoArray`; voice 4 `{url, timeTrad}` (seconds); video 5
/// `{url, cover, size, second, width, height}` (the size of the cover); file 8 `{url, name,
/// size}` (WuKongIM's SDKs define no file content: these are the fields apps give theirs); a
/// chat record as a text. `None` for another type, or a payload with nothing to give.
fn wukongim_media(message_type: &str, payload: &Value) -> Option<Value> {
    let text = |value: &Value| value.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let number = |value: &Value| value.as_u64().unwrap_or(0);
    let content = match message_type {
        IMAGE => {
            let images = payload["imageInfoArray"].as_array()?;
            // Tencent's type 0 is the original; an array without one offers its first.
            let image = images
                .iter()
                .find(|image| image["type"].as_u64() == Some(0))
                .or(images.first())?;
            let url = text(&image["url"]).or_else(|| text(&image["imageUrl"]))?;
            serde_json::json!({"type": 2, "url": url,
                "width": number(&image["width"]), "height": number(&image["height"])})
        }
        SOUND => {
            let url = text(&payload["url"]).or_else(|| text(&payload["remoteAudioUrl"]))?;
            serde_json::json!({"type": 4, "url": url, "timeTrad": number(&payload["second"])})
        }
        VIDEO => {
            let url = text(&payload["videoUrl"]).or_else(|| text(&payload["remoteVideoUrl"]))?;
            serde_json::json!({"type": 5, "url": url,
                "cover": text(&payload["thumbUrl"]).unwrap_or_default(),
                "size": number(&payload["videoSize"]), "second": number(&payload["videoSecond"]),
                "width": number(&payload["thumbWidth"]), "height": number(&payload["thumbHeight"])})
        }
        // WuKongIM's SDKs have no chat record: they read what Tencent shows clients that
        // cannot open one, its `compatibleText` (else its title), as a text.
        RELAY => {
            let words = text(&payload["compatibleText"]).or_else(|| text(&payload["title"]))?;
            serde_json::json!({"type": 1, "content": words})
        }
        FILE => {
            let url = text(&payload["fileUrl"]).or_else(|| text(&payload["remoteFileUrl"]))?;
            serde_json::json!({"type": 8, "url": url,
                "name": text(&payload["fileName"]).unwrap_or_default(),
                "size": number(&payload["fileSize"])})
        }
        _ => return None,
    };
    Some(content)
}

/// A group tip as WuKongIM's SDKs show a system message (a content type from 1000 to 2000):
/// `content` a sentence whose `{0}`, `{1}`… they fill with the `name` of each `extra` entry. The
/// content types are those of TangSengDaoDao, WuKongIM's own chat app, for the same changes:
/// member added 1002, removed 1003, group updated 1005, owner handed on 1008, member quit 1021.
/// TangSengDaoDao has no types of its own for an admin named or unnamed or a member muted; they
/// read as group updates (1005), which its SDKs word from `content` alike.
fn wukongim_group_tip(tip: &GroupTipPayload) -> Value {
    let named = |uid: &str| {
        let nick = tip
            .member_list
            .iter()
            .find(|member| member.user_id == uid)
            .map(|member| member.nick.as_str())
            .filter(|nick| !nick.is_empty());
        serde_json::json!({"uid": uid, "name": nick.unwrap_or(uid)})
    };
    let others = |from: usize| {
        (from..from + tip.user_id_list.len())
            .map(|index| format!("{{{index}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let operator = named(&tip.operator_id);
    let users = tip.user_id_list.iter().map(|uid| named(uid));
    let (content_type, content, extra): (u16, String, Vec<Value>) = match tip.operation_type {
        1 if tip.user_id_list == [tip.operator_id.clone()] => {
            (1002, "{0} joined the group".into(), vec![operator])
        }
        1 => (
            1002,
            format!("{{0}} added {}", others(1)),
            std::iter::once(operator).chain(users).collect(),
        ),
        2 => (1021, "{0} left the group".into(), vec![operator]),
        4 | 5 | 7 => {
            let muted = tip.member_list.first().and_then(|m| m.mute_time);
            let words = match (tip.operation_type, muted) {
                (4, _) => "{0} made {1} an admin",
                (5, _) => "{0} removed {1} as an admin",
                (_, Some(1..)) => "{0} muted {1}",
                _ => "{0} unmuted {1}",
            };
            let named = std::iter::once(operator).chain(users).take(2).collect();
            (1005, words.into(), named)
        }
        3 => (
            1003,
            format!("{{0}} removed {}", others(1)),
            std::iter::once(operator).chain(users).collect(),
        ),
        _ => match tip
            .new_group_profile
            .as_ref()
            .and_then(|p| p.owner_id.as_deref())
        {
            Some(owner) => (1008, "{0} is now the owner".into(), vec![named(owner)]),
            None => (1005, group_update_words(tip), vec![operator]),
        },
    };
    serde_json::json!({"type": content_type, "content": content, "extra": extra})
}

/// What a profile tip changed, in words after its operator (`{0}`).
fn group_update_words(tip: &GroupTipPayload) -> String {
    let Some(changes) = &tip.new_group_profile else {
        return "{0} changed the group".into();
    };
    let mut done = Vec::new();
    if let Some(name) = &changes.group_name {
        done.push(format!("renamed the group to \u{201c}{name}\u{201d}"));
    }
    for (changed, words) in [
        (&changes.notification, "changed the group notice"),
        (&changes.introduction, "changed the group's introduction"),
        (&changes.avatar, "changed the group's avatar"),
        (&changes.join_option, "changed how to join the group"),
    ] {
        if changed.is_some() {
            done.push(words.to_owned());
        }
    }
    if changes.group_custom_field.is_some() {
        done.push("changed the group's custom fields".to_owned());
    }
    match changes.mute_all_members {
        Some(true) => done.push("muted everyone".to_owned()),
        Some(false) => done.push("unmuted everyone".to_owned()),
        None => {}
    }
    match done.split_last() {
        None => "{0} changed the group".into(),
        Some((last, [])) => format!("{{0}} {last}"),
        Some((last, rest)) => format!("{{0}} {} and {last}", rest.join(", ")),
    }
}

/// The words a search finds a message by, as its type keeps them: a text's text (Tencent's or
/// WuKongIM's), a custom message's `data`, `description` and `extension` (and `text`, which
/// apps and the server API's senders often give a custom payload), a file's name, a location's
/// description, a chat record's title and abstracts. Images, voice, video and
/// stickers have none: a search by sender or type finds them.
pub fn searchable_text<'a>(message_type: &str, payload: &'a Value) -> Vec<&'a str> {
    let fields: &[&str] = match message_type {
        TEXT => &["text", "content"],
        CUSTOM => &["data", "description", "extension", "text"],
        FILE => &["fileName", "name"],
        "TIMLocationElem" => &["description"],
        RELAY => &["title"],
        _ => &[],
    };
    let mut words: Vec<&str> = fields
        .iter()
        .filter_map(|field| payload[field].as_str())
        .collect();
    if message_type == RELAY
        && let Some(abstracts) = payload["abstractList"].as_array()
    {
        words.extend(abstracts.iter().filter_map(Value::as_str));
    }
    words
}

/// Checks a message's type and that its payload (a JSON object) has that type's shape: text is
/// Tencent's `{text}` or WuKongIM's `{type: 1, content}`, custom is Tencent's
/// `{data?, description?, extension?}` with string values, or any WuKongIM content (a numeric
/// `type` with fields of the app's choosing).
pub fn check(message_type: &str, payload: &Value) -> Result<()> {
    if !TYPES.contains(&message_type) {
        return Err(Error::invalid_argument(format!(
            "type: {message_type:?} is not a message type; use one of {}",
            TYPES.join(", ")
        )));
    }
    let Some(fields) = payload.as_object() else {
        return Err(Error::invalid_argument("payload: must be a JSON object"));
    };
    let string_field = |name: &str, required: bool| match fields.get(name) {
        Some(Value::String(_)) => Ok(()),
        None if !required => Ok(()),
        _ => Err(Error::invalid_argument(format!(
            "payload.{name}: a {message_type} message needs a string {name}"
        ))),
    };
    match message_type {
        TEXT if fields.get("type") == Some(&Value::from(1)) => string_field("content", true),
        TEXT => string_field("text", true),
        CUSTOM if fields.get("type").is_some_and(Value::is_number) => Ok(()),
        CUSTOM => ["data", "description", "extension"]
            .into_iter()
            .try_for_each(|name| string_field(name, false)),
        _ => Ok(()),
    }
}

/// Refuses the types only the server writes, from a user's device: a member who could send a
/// group tip could tell everyone that someone was removed, and TUIKit would take them off its
/// member list. Tencent's SDKs have no way to create either.
pub fn check_sent_by_user(message_type: &str) -> Result<()> {
    if matches!(message_type, GROUP_TIP | GROUP_SYSTEM_NOTICE) {
        return Err(Error::invalid_argument(format!(
            "type: {message_type} is written by the server only (group changes and notices); \
             send another type"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_becomes_wukongim_text_and_wukongim_content_stays() {
        assert_eq!(
            wukongim_content(TEXT, &json!({"text": "hi"})),
            json!({"type": 1, "content": "hi"})
        );
        let own = json!({"type": 1, "content": "yo", "mention": {"all": 1}});
        assert_eq!(wukongim_content(TEXT, &own), own);
        let image = json!({"type": 2, "url": "u"});
        assert_eq!(wukongim_content("TIMImageElem", &image), image);
        let custom = json!({"data": "d"});
        assert_eq!(wukongim_content(CUSTOM, &custom), custom);
        let at = json!({"text": "@bob", "atUserList": ["bob", crate::mention::AT_ALL]});
        assert_eq!(
            wukongim_content(TEXT, &at),
            json!({"type": 1, "content": "@bob", "mention": {"all": 1, "uids": ["bob"]}})
        );
    }

    #[test]
    fn tencent_media_read_as_wukongim_media_contents_and_a_record_as_its_text() {
        let image = json!({"uuid": "f", "imageFormat": 3, "imageInfoArray": [
            {"type": 1, "url": "https://x/big.png", "width": 9, "height": 9},
            {"type": 0, "url": "https://x/a.png", "width": 640, "height": 480, "size": 5}]});
        assert_eq!(
            wukongim_content(IMAGE, &image),
            json!({"type": 2, "url": "https://x/a.png", "width": 640, "height": 480})
        );
        let sound = json!({"uuid": "f", "url": "https://x/a.m4a", "size": 9, "second": 4});
        assert_eq!(
            wukongim_content(SOUND, &sound),
            json!({"type": 4, "url": "https://x/a.m4a", "timeTrad": 4})
        );
        let video = json!({"videoUrl": "https://x/a.mp4", "videoSize": 100, "videoSecond": 7,
            "thumbUrl": "", "thumbWidth": 0, "thumbHeight": 0});
        assert_eq!(
            wukongim_content(VIDEO, &video),
            json!({"type": 5, "url": "https://x/a.mp4", "cover": "", "size": 100, "second": 7,
                "width": 0, "height": 0})
        );
        let file = json!({"uuid": "f", "fileName": "a.pdf", "fileUrl": "https://x/a.pdf",
            "remoteFileUrl": "https://x/a.pdf", "fileSize": 12, "downloadFlag": 2});
        assert_eq!(
            wukongim_content(FILE, &file),
            json!({"type": 8, "url": "https://x/a.pdf", "name": "a.pdf", "size": 12})
        );
        let record = json!({"title": "Chat records of Annie and Brian", "messageList": [],
            "compatibleText": "Upgrade to read this chat record", "downloadKey": "https://x/r"});
        assert_eq!(
            wukongim_content(RELAY, &record),
            json!({"type": 1, "content": "Upgrade to read this chat record"})
        );
        // a WuKongIM client's own image stays as it came; a payload with no URL too
        let own = json!({"type": 2, "url": "https://x/b.png", "width": 1, "height": 1});
        assert_eq!(wukongim_content(IMAGE, &own), own);
        let bare = json!({"imageInfoArray": []});
        assert_eq!(wukongim_content(IMAGE, &bare), bare);
    }

    #[test]
    fn a_search_reads_the_words_each_type_keeps() {
        assert_eq!(
            searchable_text(TEXT, &json!({"text": "pizza?"})),
            ["pizza?"]
        );
        assert_eq!(
            searchable_text(TEXT, &json!({"type": 1, "content": "pasta"})),
            ["pasta"]
        );
        assert_eq!(
            searchable_text(
                CUSTOM,
                &json!({"data": "d", "description": "e", "extension": 1})
            ),
            ["d", "e"]
        );
        assert_eq!(
            searchable_text(CUSTOM, &json!({"text": "seeded"})),
            ["seeded"]
        );
        assert_eq!(
            searchable_text(FILE, &json!({"fileName": "a.pdf"})),
            ["a.pdf"]
        );
        assert_eq!(
            searchable_text(
                RELAY,
                &json!({"title": "t", "abstractList": ["a: 1", "b: 2"]})
            ),
            ["t", "a: 1", "b: 2"]
        );
        assert!(searchable_text(IMAGE, &json!({"imageInfoArray": []})).is_empty());
    }

    #[test]
    fn group_tips_read_as_wukongim_system_messages() {
        let added = json!({"operationType": 1, "operatorID": "bob", "userIDList": ["carol", "dave"],
            "memberList": [{"userID": "carol", "nick": "Carol", "avatar": ""},
                           {"userID": "dave", "nick": "", "avatar": ""}], "memberCount": 4});
        assert_eq!(
            wukongim_content(GROUP_TIP, &added),
            json!({"type": 1002, "content": "{0} added {1}, {2}", "extra": [
                {"uid": "bob", "name": "bob"}, {"uid": "carol", "name": "Carol"},
                {"uid": "dave", "name": "dave"}]})
        );
        let renamed = json!({"operationType": 6, "operatorID": "bob", "userIDList": ["bob"],
            "memberList": [], "memberCount": 4,
            "newGroupProfile": {"groupName": "Crew", "notification": "8am"}});
        assert_eq!(
            wukongim_content(GROUP_TIP, &renamed)["content"],
            "{0} renamed the group to \u{201c}Crew\u{201d} and changed the group notice"
        );
        let hushed = json!({"operationType": 6, "operatorID": "bob", "userIDList": ["bob"],
            "memberList": [], "memberCount": 4, "newGroupProfile": {"muteAllMembers": true}});
        assert_eq!(
            wukongim_content(GROUP_TIP, &hushed)["content"],
            "{0} muted everyone"
        );
        let handed = json!({"operationType": 6, "operatorID": "alice", "userIDList": ["alice"],
            "memberList": [{"userID": "bob", "nick": "Bob", "avatar": ""}], "memberCount": 2,
            "newGroupProfile": {"ownerID": "bob"}});
        assert_eq!(
            wukongim_content(GROUP_TIP, &handed),
            json!({"type": 1008, "content": "{0} is now the owner",
                "extra": [{"uid": "bob", "name": "Bob"}]})
        );
        let muted = json!({"operationType": 7, "operatorID": "alice", "userIDList": ["bob"],
            "memberList": [{"userID": "bob", "nick": "Bob", "avatar": "", "muteTime": 60}],
            "memberCount": 2});
        assert_eq!(
            wukongim_content(GROUP_TIP, &muted),
            json!({"type": 1005, "content": "{0} muted {1}",
                "extra": [{"uid": "alice", "name": "alice"}, {"uid": "bob", "name": "Bob"}]})
        );
        let admin = json!({"operationType": 4, "operatorID": "alice", "userIDList": ["bob"],
            "memberList": [], "memberCount": 2});
        assert_eq!(
            wukongim_content(GROUP_TIP, &admin)["content"],
            "{0} made {1} an admin"
        );
        let quit = json!({"operationType": 2, "operatorID": "eve", "userIDList": ["eve"],
            "memberList": [], "memberCount": 1});
        assert_eq!(wukongim_content(GROUP_TIP, &quit)["type"], 1021);
        let forged = json!({"operationType": "x"});
        assert_eq!(
            wukongim_content(GROUP_TIP, &forged),
            forged,
            "not a tip's shape: as it is"
        );
    }

    #[test]
    fn text_needs_a_string_text_and_custom_takes_string_fields() {
        assert!(check(TEXT, &json!({"text": "hi"})).is_ok());
        assert!(check(TEXT, &json!({"type": 1, "content": "hi"})).is_ok());
        assert!(check(TEXT, &json!({"type": 1})).is_err());
        assert!(check(CUSTOM, &json!({"data": {"not": "a string"}})).is_err());
        let wukongim_card = json!({"type": 7, "data": {"uid": "bob"}, "extra": [1, 2]});
        assert!(check(CUSTOM, &wukongim_card).is_ok());
        assert_eq!(
            type_of_wukongim_payload(&json!({"type": 1, "content": "x"})),
            TEXT
        );
        assert_eq!(type_of_wukongim_payload(&json!({"type": 99})), CUSTOM);
        assert!(check(TEXT, &json!({"text": 1})).is_err());
        assert!(check(TEXT, &json!({})).is_err());
        assert!(check(CUSTOM, &json!({"data": "x", "extension": ""})).is_ok());
        assert!(check(CUSTOM, &json!({"anything": 1})).is_ok());
        assert!(check(CUSTOM, &json!({"data": {}})).is_err());
        assert!(check("TIMImageElem", &json!({"imageInfoArray": []})).is_ok());
        assert!(check("TIMNope", &json!({})).is_err());
        assert!(check(TEXT, &json!("hi")).is_err());
    }
}
