//! Reactions to messages (Tencent's `addMessageReaction`, `removeMessageReaction`,
//! `getMessageReactions`, `getAllUserListOfMessageReaction`): any member who sees a message
//! reacts to it, and every member's devices hear the reaction as it now is.

use natter_core::limits::{
    MAX_MESSAGES_PER_REACTION_CALL, MAX_REACTION_ID_BYTES, MAX_REACTION_USERS_PER_PAGE,
    MAX_USERS_PER_REACTION_SUMMARY,
};
use natter_core::wire::{self, ServerEvent};
use natter_core::{ConversationId, Error, Result, Uid};
use natter_store::reactions::{self, ReactionChange, ReactionSummary};
use natter_store::{Db, profiles};

use crate::events::{Frame, Recipients};
use crate::removal::parse_message_id;
use crate::{Actor, Natter, now_ms, present};

impl Natter {
    /// `POST /v1/messages/reactions` (`add`) and `/remove`: answers the reaction as it now is.
    pub async fn react(
        &self,
        actor: &Actor,
        request: wire::ReactionRequest,
        add: bool,
    ) -> Result<wire::MessageReactions> {
        let conversation = ConversationId::parse(&request.conversation_id)?;
        let change = ReactionChange {
            by: actor.uid.clone(),
            conversation: conversation.clone(),
            message_id: parse_message_id(&request.message_id, "messageID")?,
            reaction_id: reaction_id(request.reaction_id)?,
            add,
            now_ms: now_ms(),
        };
        let (changed, shown) = self
            .write_on_messages("messageID", move |db| {
                let changed = reactions::change(db, &change)?;
                let first =
                    &changed.users[..changed.users.len().min(MAX_USERS_PER_REACTION_SUMMARY)];
                let shown = profiles::users(db, first)?;
                Ok((changed, shown))
            })
            .await?;
        let shown: Vec<wire::UserProfile> = shown.iter().map(present::user).collect();
        let reaction_for = |uid: &Uid| wire::Reaction {
            reaction_id: changed.reaction_id.clone(),
            total_user_count: changed.users.len() as u64,
            partial_user_list: shown.clone(),
            reacted_by_myself: changed.users.contains(uid),
        };
        for (uid, member_conversation) in &changed.members {
            if !self.events.may_be_online(uid) {
                continue;
            }
            let event = ServerEvent::MessageReactionsUpdated(wire::MessageReactions {
                conversation_id: member_conversation.to_string(),
                message_id: changed.message_id.to_string(),
                reaction_list: vec![reaction_for(uid)],
                version: changed.version,
            });
            self.events
                .publish(uid, &Frame::new(event, None), Recipients::All);
        }
        Ok(wire::MessageReactions {
            conversation_id: conversation.to_string(),
            message_id: changed.message_id.to_string(),
            reaction_list: vec![reaction_for(&actor.uid)],
            version: changed.version,
        })
    }

    /// `POST /v1/messages/reactions/list`: the reactions to some messages of a conversation.
    pub async fn message_reactions(
        &self,
        uid: &Uid,
        request: wire::MessageReactionsRequest,
    ) -> Result<wire::MessageReactionsList> {
        let conversation = ConversationId::parse(&request.conversation_id)?;
        let count = request.message_id_list.len();
        if count == 0 || count > MAX_MESSAGES_PER_REACTION_CALL {
            return Err(Error::invalid_argument(format!(
                "messageIDList: 1 to {MAX_MESSAGES_PER_REACTION_CALL} messages, not {count}"
            )));
        }
        let message_ids = request
            .message_id_list
            .iter()
            .map(|id| parse_message_id(id, "messageIDList"))
            .collect::<Result<Vec<_>>>()?;
        let max_users = match request.max_user_count_per_reaction {
            None => MAX_USERS_PER_REACTION_SUMMARY,
            Some(n) if n as usize <= MAX_USERS_PER_REACTION_SUMMARY => n as usize,
            Some(n) => {
                return Err(Error::invalid_argument(format!(
                    "maxUserCountPerReaction: 0 to {MAX_USERS_PER_REACTION_SUMMARY}, not {n}"
                )));
            }
        };
        let (reader, asked) = (uid.clone(), conversation.clone());
        let answers = self
            .read(move |db| {
                let found = reactions::summaries(db, &reader, &asked, &message_ids, max_users)?;
                found
                    .into_iter()
                    .map(|found| {
                        let reaction_list = found
                            .reactions
                            .iter()
                            .map(|summary| reaction(db, summary))
                            .collect::<natter_store::Result<Vec<_>>>()?;
                        Ok(wire::MessageReactions {
                            conversation_id: asked.to_string(),
                            message_id: found.message_id.to_string(),
                            reaction_list,
                            version: found.version,
                        })
                    })
                    .collect::<natter_store::Result<Vec<_>>>()
            })
            .await?;
        Ok(wire::MessageReactionsList {
            result_list: answers,
        })
    }

    /// `POST /v1/messages/reactions/users`: a page of the users who reacted to a message so.
    pub async fn reaction_users(
        &self,
        uid: &Uid,
        request: wire::ReactionUsersRequest,
    ) -> Result<wire::ReactionUsers> {
        let conversation = ConversationId::parse(&request.conversation_id)?;
        let message_id = parse_message_id(&request.message_id, "messageID")?;
        let reaction_id = reaction_id(request.reaction_id)?;
        let count = match request.count {
            None => MAX_REACTION_USERS_PER_PAGE,
            Some(n) if (1..=MAX_REACTION_USERS_PER_PAGE as u64).contains(&n) => n as usize,
            Some(n) => {
                return Err(Error::invalid_argument(format!(
                    "count: 1 to {MAX_REACTION_USERS_PER_PAGE}, not {n}"
                )));
            }
        };
        let from = usize::try_from(request.next_seq).unwrap_or(usize::MAX);
        let reader = uid.clone();
        let (page, next) = self
            .read(move |db| {
                let (uids, next) = reactions::users(
                    db,
                    &reader,
                    &conversation,
                    message_id,
                    &reaction_id,
                    from,
                    count,
                )?;
                Ok((profiles::users(db, &uids)?, next))
            })
            .await?;
        Ok(wire::ReactionUsers {
            user_list: page.iter().map(present::user).collect(),
            next_seq: next.map_or(0, |next| next as u64),
            is_completed: next.is_none(),
        })
    }
}

/// A reaction ID as given: 1–128 bytes.
fn reaction_id(id: String) -> Result<String> {
    if id.is_empty() || id.len() > MAX_REACTION_ID_BYTES {
        return Err(Error::invalid_argument(format!(
            "reactionID: 1 to {MAX_REACTION_ID_BYTES} bytes"
        )));
    }
    Ok(id)
}

fn reaction(db: &dyn Db, summary: &ReactionSummary) -> natter_store::Result<wire::Reaction> {
    Ok(wire::Reaction {
        reaction_id: summary.reaction_id.clone(),
        total_user_count: summary.total,
        partial_user_list: profiles::users(db, &summary.first_users)?
            .iter()
            .map(present::user)
            .collect(),
        reacted_by_myself: summary.by_me,
    })
}
