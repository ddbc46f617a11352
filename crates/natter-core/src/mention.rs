//! Mentions in group messages ("@"): whom a message names, and what a mentioned member's
//! conversation shows for it until they read it.
//!
//! A Tencent client names them in a text payload's `atUserList` (`createTextAtMessage`), with
//! [`AT_ALL`] for everyone; a WuKongIM client in its content's `mention`
//! (`{"all": 1, "uids": [...]}`). Both are kept in the payload as sent, so each kind of client
//! reads the message as its SDK wrote it, and the server reads them from there.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ids::{ConversationId, Uid};
use crate::limits::MAX_MENTIONS;
use crate::message::TEXT;

/// Tencent's `TYPES.MSG_AT_ALL`: in `atUserList`, mentions every member.
pub const AT_ALL: &str = "__kImSDK_MesssageAtALL__";

/// Whom one message mentions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    pub everyone: bool,
    /// Each named user once, in the order first named.
    pub users: Vec<Uid>,
}

impl Mentions {
    pub fn is_empty(&self) -> bool {
        !self.everyone && self.users.is_empty()
    }

    /// Whether the message mentions `uid`: by name, or with everyone.
    pub fn reach(&self, uid: &Uid) -> bool {
        self.everyone || self.users.contains(uid)
    }
}

/// Tencent's `CONV_AT_*`: what one unread message's mention means to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtType {
    /// `CONV_AT_ME` (1): the message named them.
    Me = 1,
    /// `CONV_AT_ALL` (2): the message mentioned everyone.
    All = 2,
    /// `CONV_AT_ALL_AT_ME` (3): both.
    AllAndMe = 3,
}

impl AtType {
    pub fn of(named: bool, everyone: bool) -> Option<Self> {
        match (named, everyone) {
            (true, true) => Some(AtType::AllAndMe),
            (true, false) => Some(AtType::Me),
            (false, true) => Some(AtType::All),
            (false, false) => None,
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Checks the mentions a client's text payload makes: `atUserList` is an array of user IDs and
/// [`AT_ALL`], of at most [`MAX_MENTIONS`], and only a group message mentions anyone (Tencent's
/// `createTextAtMessage` is for groups only). Other types' payloads are the app's own: an
/// `atUserList` there means nothing to Natter, as to Tencent. A WuKongIM `mention` is the app's
/// own content to WuKongIM, which never refuses it: it is read when well formed and otherwise
/// left alone.
pub fn check(to: &ConversationId, message_type: &str, payload: &Value) -> Result<()> {
    let Some(list) = payload.get("atUserList").filter(|_| message_type == TEXT) else {
        return Ok(());
    };
    if !matches!(to, ConversationId::Group(_)) {
        return Err(Error::invalid_argument(
            "payload.atUserList: only a group message mentions members (@)",
        ));
    }
    tencent_mentions(list).map(|_| ())
}

/// Whom a stored message mentions: a text's `atUserList`, else WuKongIM content's `mention`. A
/// payload without either (almost every message) is told apart by a substring search, without
/// parsing.
pub fn mentions_in(message_type: &str, payload: &str) -> Mentions {
    if !payload.contains("\"atUserList\"") && !payload.contains("\"mention\"") {
        return Mentions::default();
    }
    serde_json::from_str::<Value>(payload)
        .map(|value| mentions_of(message_type, &value))
        .unwrap_or_default()
}

/// Whom a payload mentions, as [`mentions_in`] reads it.
pub fn mentions_of(message_type: &str, payload: &Value) -> Mentions {
    match payload.get("atUserList") {
        Some(list) if message_type == TEXT => tencent_mentions(list).unwrap_or_default(),
        _ if payload.get("type").is_some_and(Value::is_number) => payload
            .get("mention")
            .map(wukongim_mentions)
            .unwrap_or_default(),
        _ => Mentions::default(),
    }
}

fn tencent_mentions(list: &Value) -> Result<Mentions> {
    let invalid = |why: &str| Error::invalid_argument(format!("payload.atUserList: {why}"));
    let Some(items) = list.as_array() else {
        return Err(invalid("must be an array of user IDs"));
    };
    if items.len() > MAX_MENTIONS {
        return Err(invalid(&format!(
            "mentions {} users; a message mentions at most {MAX_MENTIONS}",
            items.len()
        )));
    }
    let mut mentions = Mentions::default();
    for (index, item) in items.iter().enumerate() {
        let field = format!("payload.atUserList[{index}]");
        let Some(text) = item.as_str() else {
            return Err(Error::invalid_argument(format!(
                "{field}: must be a user ID string"
            )));
        };
        if text == AT_ALL {
            mentions.everyone = true;
        } else {
            mentions.add(Uid::parse(text, &field)?);
        }
    }
    Ok(mentions)
}

/// WuKongIM's `{"all": 1, "uids": [...]}` (`all` may also be a boolean); uids that are not
/// user IDs are passed over.
fn wukongim_mentions(mention: &Value) -> Mentions {
    let mut mentions = Mentions {
        everyone: mention["all"].as_i64() == Some(1) || mention["all"] == Value::Bool(true),
        users: Vec::new(),
    };
    let uids = mention["uids"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    for uid in uids.iter().take(MAX_MENTIONS).filter_map(Value::as_str) {
        if let Ok(uid) = Uid::parse(uid, "mention.uids") {
            mentions.add(uid);
        }
    }
    mentions
}

impl Mentions {
    fn add(&mut self, uid: Uid) {
        if !self.users.contains(&uid) {
            self.users.push(uid);
        }
    }

    /// WuKongIM's `mention` for a Tencent client's text, so that WuKongIM's SDKs show it too.
    pub fn as_wukongim(&self) -> Option<Value> {
        (!self.is_empty()).then(|| {
            let uids: Vec<&str> = self.users.iter().map(Uid::as_str).collect();
            serde_json::json!({"all": u8::from(self.everyone), "uids": uids})
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::GroupId;
    use crate::message::CUSTOM;
    use serde_json::json;

    fn group() -> ConversationId {
        ConversationId::Group(GroupId::parse("g", "g").unwrap())
    }

    #[test]
    fn tencent_and_wukongim_mentions_read_alike() {
        let tencent = json!({"text": "@bob @all", "atUserList": ["bob", AT_ALL, "bob"]});
        let wukongim =
            json!({"type": 1, "content": "@bob", "mention": {"all": 1, "uids": ["bob"]}});
        for payload in [tencent, wukongim] {
            let mentions = mentions_in(TEXT, &payload.to_string());
            assert!(mentions.everyone);
            assert_eq!(mentions.users, vec![Uid::parse("bob", "u").unwrap()]);
        }
        assert!(mentions_in(TEXT, r#"{"text":"no one"}"#).is_empty());
        assert!(mentions_in(TEXT, r#"{"text":"\"atUserList\" is only text"}"#).is_empty());
        let custom = json!({"data": "d", "atUserList": ["bob"]}).to_string();
        assert!(
            mentions_in(CUSTOM, &custom).is_empty(),
            "the app's own field"
        );
        let wukongim_image = json!({"type": 2, "mention": {"uids": ["bob"]}}).to_string();
        assert_eq!(mentions_in(CUSTOM, &wukongim_image).users.len(), 1);
    }

    #[test]
    fn a_client_mentions_only_in_groups_and_only_user_ids() {
        let payload = json!({"text": "hi", "atUserList": ["bob"]});
        assert!(check(&group(), TEXT, &payload).is_ok());
        let c2c = ConversationId::parse("C2Cbob").unwrap();
        let refused = check(&c2c, TEXT, &payload).unwrap_err();
        assert!(refused.message.contains("only a group"));
        assert!(check(&c2c, TEXT, &json!({"text": "hi"})).is_ok());
        assert!(check(&c2c, CUSTOM, &json!({"atUserList": 1})).is_ok());
        let bad = check(
            &group(),
            TEXT,
            &json!({"text": "hi", "atUserList": ["bob", 7]}),
        );
        assert!(bad.unwrap_err().message.contains("atUserList[1]"));
        let too_many: Vec<String> = (0..=MAX_MENTIONS).map(|i| format!("u{i}")).collect();
        let over = check(
            &group(),
            TEXT,
            &json!({"text": "hi", "atUserList": too_many}),
        );
        assert!(over.unwrap_err().message.contains("at most"));
        let not_a_list = json!({"text": "hi", "atUserList": "bob"});
        assert!(check(&group(), TEXT, &not_a_list).is_err());
    }

    #[test]
    fn the_at_type_is_tencents() {
        assert_eq!(AtType::of(true, false).map(AtType::code), Some(1));
        assert_eq!(AtType::of(false, true).map(AtType::code), Some(2));
        assert_eq!(AtType::of(true, true).map(AtType::code), Some(3));
        assert_eq!(AtType::of(false, false), None);
    }
}
