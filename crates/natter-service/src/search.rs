//! Searching a user's messages (Tencent's `searchCloudMessages`): the checks of a search, and
//! its pages, over what the store finds.

use natter_core::limits::refuse_nul;
use natter_core::wire::{self, SearchMessagesRequest};
use natter_core::{ConversationId, Error, Result, Uid, message};
use natter_store::StoredMessage;
use natter_store::search::{self, Found, MessageSearch};

use crate::{Natter, present};

/// Words, and senders, one search may name: Tencent's limits.
const MAX_WORDS: usize = 5;
const MAX_SENDERS: usize = 5;
/// A word, in bytes.
const MAX_WORD_BYTES: usize = 100;
/// A page, of messages or of conversations.
const MAX_PAGE: u64 = 100;
const DEFAULT_PAGE: u64 = 10;

impl Natter {
    /// `POST /v1/messages/search`.
    pub async fn search_messages(
        &self,
        uid: &Uid,
        request: SearchMessagesRequest,
    ) -> Result<wire::SearchMessagesResponse> {
        let one_conversation = request.conversation_id.is_some();
        let (search, after, count) = checked(request)?;
        let searcher = uid.clone();
        let found = self
            .read(move |db| search::messages(db, &searcher, &search))
            .await?;
        let total_count = found.iter().map(|f| f.messages.len() as u64).sum();
        let (search_result_list, cursor) = if one_conversation {
            let Some(found) = found.into_iter().next() else {
                return Ok(wire::SearchMessagesResponse {
                    total_count: 0,
                    search_result_list: Vec::new(),
                    cursor: String::new(),
                });
            };
            let rest: Vec<_> = found
                .messages
                .iter()
                .filter(|stored| after.as_ref().is_none_or(|after| stored.seq < after.seq))
                .collect();
            let page = &rest[..rest.len().min(count)];
            let cursor = match page.last() {
                Some(last) if rest.len() > page.len() => Cursor::after_message(last),
                _ => String::new(),
            };
            let result = wire::SearchResult {
                conversation_id: found.conversation.to_string(),
                message_count: page.len() as u64,
                message_list: page
                    .iter()
                    .map(|stored| present::message(stored, &found.conversation))
                    .collect(),
            };
            (vec![result], cursor)
        } else {
            let rest: Vec<_> = found
                .iter()
                .filter(|found| {
                    after
                        .as_ref()
                        .is_none_or(|after| Cursor::of(found) < *after)
                })
                .collect();
            let page = &rest[..rest.len().min(count)];
            let cursor = match page.last() {
                Some(last) if rest.len() > page.len() => Cursor::of(last).to_string(),
                _ => String::new(),
            };
            let results = page
                .iter()
                .map(|found| wire::SearchResult {
                    conversation_id: found.conversation.to_string(),
                    message_count: found.messages.len() as u64,
                    // As Tencent's: a conversation's match only when it is its only one.
                    message_list: match found.messages.as_slice() {
                        [only] => vec![present::message(only, &found.conversation)],
                        _ => Vec::new(),
                    },
                })
                .collect();
            (results, cursor)
        };
        Ok(wire::SearchMessagesResponse {
            total_count,
            search_result_list,
            cursor,
        })
    }
}

/// Where a page ends, so the next starts after it however the matches changed meanwhile (an
/// offset would repeat a match when a new one came first): searching one conversation, the
/// last message's seq (the next page is older); searching all, the last conversation's newest
/// match and its ID, the order the conversations come in. Written `<time>.<seq>.<conversation>`
/// (`.` is in no conversation ID's first part).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Cursor {
    time_ms: i64,
    seq: u64,
    conversation: String,
}

impl Cursor {
    /// A conversation's place among the conversations found.
    fn of(found: &Found) -> Cursor {
        let newest = &found.messages[0];
        Cursor {
            time_ms: newest.time_ms,
            seq: 0,
            conversation: found.conversation.to_string(),
        }
    }

    fn after_message(stored: &StoredMessage) -> String {
        Cursor {
            time_ms: stored.time_ms,
            seq: stored.seq,
            conversation: String::new(),
        }
        .to_string()
    }

    fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.splitn(3, '.');
        Some(Cursor {
            time_ms: parts.next()?.parse().ok()?,
            seq: parts.next()?.parse().ok()?,
            conversation: parts.next()?.to_owned(),
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.time_ms, self.seq, self.conversation)
    }
}

/// Checks a search's words (at most 5, each 1–100 bytes: Tencent's limits) and how they
/// combine (`or`, the default, or `and`); whether all must be found.
pub(crate) fn words(words: &[String], match_type: Option<&str>) -> Result<bool> {
    if words.len() > MAX_WORDS {
        return Err(Error::invalid_argument(format!(
            "keywordList: at most {MAX_WORDS} words"
        )));
    }
    if let Some(index) = words
        .iter()
        .position(|word| word.is_empty() || word.len() > MAX_WORD_BYTES)
    {
        return Err(Error::invalid_argument(format!(
            "keywordList[{index}]: 1 to {MAX_WORD_BYTES} bytes"
        )));
    }
    for word in words {
        refuse_nul("keywordList", word)?;
    }
    match match_type {
        None | Some("or") => Ok(false),
        Some("and") => Ok(true),
        Some(other) => Err(Error::invalid_argument(format!(
            "keywordListMatchType: \"or\" or \"and\", not {other:?}"
        ))),
    }
}

/// The search a request asks for, where its page starts and how long it is; or what is wrong
/// with it.
fn checked(request: SearchMessagesRequest) -> Result<(MessageSearch, Option<Cursor>, usize)> {
    if request.keyword_list.is_empty()
        && request.sender_user_id_list.is_empty()
        && request.message_type_list.is_empty()
    {
        return Err(Error::invalid_argument(
            "keywordList: give words to look for, or senderUserIDList or messageTypeList",
        ));
    }
    let all_words = words(
        &request.keyword_list,
        request.keyword_list_match_type.as_deref(),
    )?;
    if request.sender_user_id_list.len() > MAX_SENDERS {
        return Err(Error::invalid_argument(format!(
            "senderUserIDList: at most {MAX_SENDERS} users"
        )));
    }
    let senders = request
        .sender_user_id_list
        .iter()
        .map(|uid| Uid::parse(uid, "senderUserIDList"))
        .collect::<Result<Vec<_>>>()?;
    if let Some(unknown) = request
        .message_type_list
        .iter()
        .find(|t| !message::TYPES.contains(&t.as_str()))
    {
        return Err(Error::invalid_argument(format!(
            "messageTypeList: {unknown:?} is not a message type (TIMTextElem, TIMImageElem, …)"
        )));
    }
    let conversation = request
        .conversation_id
        .as_deref()
        .map(ConversationId::parse)
        .transpose()?;
    let count = request.count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::invalid_argument(format!(
            "count: 1 to {MAX_PAGE}, not {count}"
        )));
    }
    let after = match request.cursor.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(Cursor::parse(cursor).ok_or_else(|| {
            Error::invalid_argument(format!(
                "cursor: {cursor:?} is not a cursor this search gave"
            ))
        })?),
    };
    let search = MessageSearch {
        words: request.keyword_list,
        all_words,
        senders,
        types: request.message_type_list,
        conversation,
        from_ms: request.from_time,
        to_ms: request.to_time,
    };
    Ok((search, after, count as usize))
}
