//! Read receipts of single messages (Tencent's `sendMessageReadReceipt`,
//! `getMessageReadReceiptList`, `getGroupMessageReadMemberList`): a reader gives theirs for
//! messages that asked, and each sender's devices hear the counts as they now are.

use natter_core::limits::{MAX_MESSAGES_PER_RECEIPT_CALL, MAX_RECEIPT_MEMBERS_PER_PAGE};
use natter_core::wire::{self, ServerEvent};
use natter_core::{ConversationId, Error, Result, Uid};
use natter_store::message_receipts::{self, Readers, ReceiptCount};

use crate::events::{Frame, Recipients};
use crate::removal::parse_message_id;
use crate::{Natter, now_ms};

impl Natter {
    /// `POST /v1/messages/read-receipts`: `reader` gives their receipts for messages of a
    /// conversation; each sender's devices hear `messageReadReceiptReceived`.
    pub async fn give_read_receipts(
        &self,
        reader: &Uid,
        request: wire::MessageReceiptsRequest,
    ) -> Result<wire::Empty> {
        let (conversation, message_ids) = messages_of(request)?;
        let (reader, asked) = (reader.clone(), conversation.clone());
        let time = now_ms();
        let given = self
            .write_on_messages("messageIDList", move |db| {
                message_receipts::give(db, &reader, &asked, &message_ids, time)
            })
            .await?;
        for given in given {
            if !self.events.may_be_online(&given.sender) {
                continue;
            }
            let event = ServerEvent::MessageReadReceiptReceived {
                conversation_id: given.conversation.to_string(),
                receipt_list: given.counts.iter().map(receipt).collect(),
                time,
            };
            self.events
                .publish(&given.sender, &Frame::new(event, None), Recipients::All);
        }
        Ok(wire::Empty {})
    }

    /// `POST /v1/messages/read-receipts/list`: the counts of the user's own messages that asked
    /// for receipts, among those named.
    pub async fn read_receipts(
        &self,
        uid: &Uid,
        request: wire::MessageReceiptsRequest,
    ) -> Result<wire::MessageReceiptList> {
        let (conversation, message_ids) = messages_of(request)?;
        let (sender, asked) = (uid.clone(), conversation.clone());
        let counts = self
            .read(move |db| message_receipts::counts(db, &sender, &asked, &message_ids))
            .await?;
        Ok(wire::MessageReceiptList {
            conversation_id: conversation.to_string(),
            receipt_list: counts.iter().map(receipt).collect(),
        })
    }

    /// `POST /v1/messages/read-receipts/members`: a page of the members who read a group
    /// message of the user's, or of those who have not.
    pub async fn receipt_members(
        &self,
        uid: &Uid,
        request: wire::ReceiptMembersRequest,
    ) -> Result<wire::ReceiptMembers> {
        let conversation = ConversationId::parse(&request.conversation_id)?;
        if !matches!(conversation, ConversationId::Group(_)) {
            return Err(Error::invalid_argument(format!(
                "conversationID: {conversation} is not a group; a one-to-one message's receipt \
                 is its readCount"
            )));
        }
        let message_id = parse_message_id(&request.message_id, "messageID")?;
        let count = match request.count {
            None => MAX_RECEIPT_MEMBERS_PER_PAGE,
            Some(n) if (1..=MAX_RECEIPT_MEMBERS_PER_PAGE as u64).contains(&n) => n as usize,
            Some(n) => {
                return Err(Error::invalid_argument(format!(
                    "count: 1 to {MAX_RECEIPT_MEMBERS_PER_PAGE}, not {n}"
                )));
            }
        };
        let after = match request.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(Uid::parse(cursor, "cursor")?),
        };
        let which = match request.filter {
            wire::ReceiptFilter::Read => Readers::Read,
            wire::ReceiptFilter::Unread => Readers::Unread,
        };
        let sender = uid.clone();
        let (page, more) = self
            .read_on_messages("messageID", move |db| {
                message_receipts::readers(
                    db,
                    &sender,
                    &conversation,
                    message_id,
                    which,
                    after.as_ref(),
                    count,
                )
            })
            .await?;
        Ok(wire::ReceiptMembers {
            cursor: match (more, page.last()) {
                (true, Some(last)) => last.to_string(),
                _ => String::new(),
            },
            is_completed: !more,
            user_id_list: page.iter().map(Uid::to_string).collect(),
        })
    }
}

/// The conversation and the 1–100 message IDs a receipt call names.
fn messages_of(request: wire::MessageReceiptsRequest) -> Result<(ConversationId, Vec<i64>)> {
    let conversation = ConversationId::parse(&request.conversation_id)?;
    let count = request.message_id_list.len();
    if count == 0 || count > MAX_MESSAGES_PER_RECEIPT_CALL {
        return Err(Error::invalid_argument(format!(
            "messageIDList: 1 to {MAX_MESSAGES_PER_RECEIPT_CALL} messages, not {count}"
        )));
    }
    let message_ids = request
        .message_id_list
        .iter()
        .map(|id| parse_message_id(id, "messageIDList"))
        .collect::<Result<Vec<_>>>()?;
    Ok((conversation, message_ids))
}

fn receipt(count: &ReceiptCount) -> wire::MessageReceipt {
    wire::MessageReceipt {
        message_id: count.message_id.to_string(),
        read_count: count.read,
        unread_count: count.unread,
    }
}
