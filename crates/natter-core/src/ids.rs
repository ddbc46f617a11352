//! Identifiers: users, groups and conversation IDs in the client SDK's form
//! (`C2C<uid>`, `GROUP<groupID>`, `@TIM#SYSTEM`).

use std::fmt;

use crate::error::{Error, Result};
use crate::limits::MAX_ID_LEN;

pub const C2C_PREFIX: &str = "C2C";
pub const GROUP_PREFIX: &str = "GROUP";
pub const SYSTEM_CONVERSATION_ID: &str = "@TIM#SYSTEM";
/// WuKongIM's system account (its default `SystemUID`): the sender of its API's messages sent
/// with an empty `from_uid`. It is no user: WuKongIM issues it no token, and on Natter's server
/// API it names the app itself, as an empty `from_uid` does.
pub const WUKONGIM_SYSTEM_UID: &str = "____system";

/// What a topic's ID holds between its community's ID and its own part (Tencent's
/// `<communityID>@TOPIC#_<suffix>`): any group ID holding it is a topic's.
pub const TOPIC_MARK: &str = "@TOPIC#_";
/// How the ID of a community that has topics begins (Tencent's rule, which its SDK reads too).
pub const TOPIC_COMMUNITY_PREFIX: &str = "@TGS#_";

/// A user ID chosen by the app: 1–64 characters of letters, digits and `_ - . @`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid(String);

/// A group ID chosen by the app: like a uid, and may also hold `#` (Tencent's generated group
/// IDs look like `@TGS#2ABC`), so apps can move their groups over unchanged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(String);

impl Uid {
    /// Parses a uid; `field` names the request field in the error message.
    pub fn parse(value: &str, field: &str) -> Result<Self> {
        check_id(value, &field, "user ID", is_uid_char).map_err(Error::invalid_argument)?;
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl GroupId {
    pub fn parse(value: &str, field: &str) -> Result<Self> {
        check_id(value, &field, "group ID", is_group_char).map_err(Error::invalid_argument)?;
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The community whose topic this is, for a topic's ID (`<community>@TOPIC#_<suffix>`);
    /// `None` for a group's own.
    pub fn community(&self) -> Option<GroupId> {
        let (community, _) = self.0.split_once(TOPIC_MARK)?;
        Some(Self(community.to_owned()))
    }

    pub fn is_topic(&self) -> bool {
        self.0.contains(TOPIC_MARK)
    }
}

fn is_uid_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')
}

fn is_group_char(c: char) -> bool {
    is_uid_char(c) || c == '#'
}

/// Checks length and characters, returning a message that names the field. The field is
/// formatted only into an error: parsing a valid ID allocates nothing but the ID itself (it
/// runs once per row in every list).
fn check_id(
    value: &str,
    field: &dyn fmt::Display,
    what: &str,
    allowed: impl Fn(char) -> bool,
) -> std::result::Result<(), String> {
    if value.is_empty() {
        return Err(format!("{field}: {what} is empty"));
    }
    // Every allowed character is ASCII, so a valid ID's length in bytes is its length in
    // characters; only a longer one needs counting.
    if value.len() > MAX_ID_LEN && value.chars().count() > MAX_ID_LEN {
        return Err(format!(
            "{field}: {what} is longer than {MAX_ID_LEN} characters"
        ));
    }
    if let Some(bad) = value.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "{field}: {what} {value:?} has the character {bad:?}; allowed are letters, digits and _ - . @{}",
            if what == "group ID" { " #" } else { "" }
        ));
    }
    Ok(())
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of a channel, numbered as its `channel_type` on the server API and the WuKongIM
/// gateways. Personal and group are WuKongIM's own numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    Personal = 1,
    Group = 2,
    /// A user's system-notice channel (`@TIM#SYSTEM`). WuKongIM numbers its own channel types
    /// from 1 to 12 (3 is its customer-service type), so 100 clashes with none of them.
    System = 100,
}

impl ChannelKind {
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Personal),
            2 => Some(Self::Group),
            100 => Some(Self::System),
            _ => None,
        }
    }

    pub fn code(self) -> i64 {
        self as i64
    }
}

/// One user's conversation, named as the client SDK names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConversationId {
    /// A one-to-one conversation with this peer.
    C2c(Uid),
    Group(GroupId),
    /// The user's system-notice conversation.
    System,
}

impl ConversationId {
    /// A community topic's conversation (`GROUP<communityID>@TOPIC#_<suffix>`).
    pub fn is_topic(&self) -> bool {
        matches!(self, Self::Group(group) if group.is_topic())
    }

    /// Parses a client-form conversation ID. Every failure is `invalid_conversation_id` with a
    /// message that quotes the ID and says what is wrong with it.
    pub fn parse(value: &str) -> Result<Self> {
        let invalid = |why: String| Error::invalid_conversation_id(why);
        if value.is_empty() {
            return Err(invalid("conversationID is empty".into()));
        }
        if value == SYSTEM_CONVERSATION_ID {
            return Ok(Self::System);
        }
        if let Some(uid) = value.strip_prefix(C2C_PREFIX) {
            check_id(
                uid,
                &format_args!("conversationID {value:?}"),
                "user ID",
                is_uid_char,
            )
            .map_err(invalid)?;
            return Ok(Self::C2c(Uid(uid.to_owned())));
        }
        if let Some(group) = value.strip_prefix(GROUP_PREFIX) {
            check_id(
                group,
                &format_args!("conversationID {value:?}"),
                "group ID",
                is_group_char,
            )
            .map_err(invalid)?;
            return Ok(Self::Group(GroupId(group.to_owned())));
        }
        Err(invalid(format!(
            "conversationID {:?} must be C2C<userID>, GROUP<groupID> or @TIM#SYSTEM",
            truncate_for_message(value)
        )))
    }

    /// Names the conversation of `uid`'s view of a channel given by WuKongIM fields
    /// (`channel_type` 1 with the peer's uid, 2 with the group ID, or 100 with `@TIM#SYSTEM`).
    pub fn from_channel(channel_type: i64, channel_id: &str) -> Result<Self> {
        match ChannelKind::from_code(channel_type) {
            Some(ChannelKind::Personal) => Ok(Self::C2c(Uid::parse(channel_id, "channel_id")?)),
            Some(ChannelKind::Group) => Ok(Self::Group(GroupId::parse(channel_id, "channel_id")?)),
            Some(ChannelKind::System) if channel_id == SYSTEM_CONVERSATION_ID => Ok(Self::System),
            Some(ChannelKind::System) => Err(Error::invalid_argument(format!(
                "channel_id: the system channel (channel_type 100) is {SYSTEM_CONVERSATION_ID:?}, \
                 not {:?}",
                truncate_for_message(channel_id)
            ))),
            None => Err(Error::invalid_argument(format!(
                "channel_type: {channel_type} is not a channel type; use 1 (personal), 2 (group) \
                 or 100 (system)"
            ))),
        }
    }

    pub fn kind(&self) -> ChannelKind {
        match self {
            Self::C2c(_) => ChannelKind::Personal,
            Self::Group(_) => ChannelKind::Group,
            Self::System => ChannelKind::System,
        }
    }

    /// The `type` field of the client API's conversation object.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::C2c(_) => C2C_PREFIX,
            Self::Group(_) => GROUP_PREFIX,
            Self::System => SYSTEM_CONVERSATION_ID,
        }
    }
}

/// Keeps error messages short when a client sends a huge string.
fn truncate_for_message(value: &str) -> String {
    const SHOWN: usize = 80;
    if value.chars().count() <= SHOWN {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(SHOWN).collect::<String>())
    }
}

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::C2c(uid) => write!(f, "{C2C_PREFIX}{uid}"),
            Self::Group(group) => write!(f, "{GROUP_PREFIX}{group}"),
            Self::System => f.write_str(SYSTEM_CONVERSATION_ID),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use proptest::prelude::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(
            ConversationId::parse("C2Cbob").unwrap(),
            ConversationId::C2c(Uid("bob".into()))
        );
        assert_eq!(
            ConversationId::parse("GROUP@TGS#1a").unwrap(),
            ConversationId::Group(GroupId("@TGS#1a".into()))
        );
        assert_eq!(
            ConversationId::parse("@TIM#SYSTEM").unwrap(),
            ConversationId::System
        );
    }

    #[test]
    fn rejects_malformed_ids_with_a_message_naming_them() {
        let long = format!("C2C{}", "a".repeat(65));
        for bad in [
            "", "C2C", "GROUP", "c2cbob", "XYZbob", "C2Cbo b", "C2Ca#b", &long,
        ] {
            let err = ConversationId::parse(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidConversationId, "{bad:?}");
            assert!(err.message.contains("conversationID"), "{}", err.message);
        }
    }

    #[test]
    fn a_topic_names_its_community() {
        let topic = GroupId::parse("@TGS#_AB@TOPIC#_news", "topicID").unwrap();
        assert_eq!(topic.community().unwrap().as_str(), "@TGS#_AB");
        assert!(topic.is_topic());
        assert!(ConversationId::Group(topic).is_topic());
        let group = GroupId::parse("@TGS#_AB", "groupID").unwrap();
        assert_eq!(group.community(), None);
        assert!(!ConversationId::Group(group).is_topic());
    }

    #[test]
    fn accepts_ids_of_exactly_the_maximum_length() {
        let id = format!("C2C{}", "a".repeat(MAX_ID_LEN));
        assert!(ConversationId::parse(&id).is_ok());
    }

    proptest! {
        #[test]
        fn display_round_trips(uid in "[A-Za-z0-9_.@-]{1,64}", group in "[A-Za-z0-9_.@#-]{1,64}") {
            for id in [ConversationId::C2c(Uid(uid.clone())), ConversationId::Group(GroupId(group.clone()))] {
                prop_assert_eq!(ConversationId::parse(&id.to_string()).unwrap(), id);
            }
        }

        #[test]
        fn parse_never_panics(s in ".{0,200}") {
            let _ = ConversationId::parse(&s);
        }
    }
}
