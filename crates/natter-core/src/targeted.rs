//! Targeted group messages (Tencent's `receiverList`): a group message that only the members
//! named, and its sender, get and see. Which group types take them is
//! [`crate::group_rules::GroupType::takes_targeted_messages`]; that the receivers are members,
//! the store's send.

use crate::mention::Mentions;
use crate::{ConversationId, Error, Result, Uid};

/// Receivers of one targeted message, as Tencent's SDK sends at most.
pub const MAX_RECEIVERS: usize = 50;

/// The receivers of a message, each once, or `None` for a message to every member (no list, or
/// an empty one, as Tencent's SDK reads it). Only a group message is targeted, and it neither
/// mentions members nor asks for read receipts: Tencent's refuses the first, and a receipt
/// would count the members it passed over as readers yet to read it.
///
/// `mentions` gives whom the message mentions; it is asked only of a targeted message, so that
/// every other send reads nothing more of its payload.
pub fn receivers(
    to: &ConversationId,
    list: Option<&[String]>,
    mentions: impl FnOnce() -> Mentions,
    needs_read_receipt: bool,
) -> Result<Option<Vec<Uid>>> {
    let Some(list) = list.filter(|list| !list.is_empty()) else {
        return Ok(None);
    };
    let refuse = |why: &str| Err(Error::invalid_argument(format!("receiverList: {why}")));
    if !matches!(to, ConversationId::Group(_)) {
        return refuse("only a group message is targeted at some of its members");
    }
    if list.len() > MAX_RECEIVERS {
        return refuse(&format!(
            "{} receivers; a targeted message has at most {MAX_RECEIVERS}",
            list.len()
        ));
    }
    if !mentions().is_empty() {
        return refuse("a targeted message cannot mention members (atUserList)");
    }
    if needs_read_receipt {
        return refuse("a targeted message takes no read receipts (needReadReceipt)");
    }
    let mut receivers: Vec<Uid> = Vec::with_capacity(list.len());
    for uid in list {
        let uid = Uid::parse(uid, "receiverList")?;
        if !receivers.contains(&uid) {
            receivers.push(uid);
        }
    }
    Ok(Some(receivers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GroupId;

    fn group() -> ConversationId {
        ConversationId::Group(GroupId::parse("team", "groupID").unwrap())
    }

    fn list(uids: &[&str]) -> Vec<String> {
        uids.iter().map(|uid| (*uid).to_owned()).collect()
    }

    #[test]
    fn no_list_or_an_empty_one_is_a_message_to_every_member() {
        assert_eq!(
            receivers(&group(), None, Mentions::default, false).unwrap(),
            None
        );
        assert_eq!(
            receivers(&group(), Some(&[]), Mentions::default, true).unwrap(),
            None
        );
    }

    #[test]
    fn receivers_come_once_each_in_the_order_named() {
        let named = list(&["bob", "carol", "bob"]);
        let found = receivers(&group(), Some(&named), Mentions::default, false).unwrap();
        let uids: Vec<&str> = found.iter().flatten().map(Uid::as_str).collect();
        assert_eq!(uids, ["bob", "carol"]);
    }

    #[test]
    fn refusals_name_the_field_and_the_reason() {
        let one = list(&["bob"]);
        let none = Mentions::default();
        let refused = |to: &ConversationId, named: &[String], mentions: &Mentions, receipt| {
            receivers(to, Some(named), || mentions.clone(), receipt)
                .unwrap_err()
                .message
        };
        let peer = ConversationId::C2c(Uid::parse("bob", "uid").unwrap());
        assert!(refused(&peer, &one, &none, false).contains("only a group message"));
        let many: Vec<String> = (0..=MAX_RECEIVERS).map(|n| format!("u{n}")).collect();
        assert!(refused(&group(), &many, &none, false).contains("at most 50"));
        let everyone = Mentions {
            everyone: true,
            users: Vec::new(),
        };
        assert!(refused(&group(), &one, &everyone, false).contains("atUserList"));
        assert!(refused(&group(), &one, &none, true).contains("needReadReceipt"));
        assert!(refused(&group(), &list(&["no spaces"]), &none, false).contains("receiverList"));
    }
}
