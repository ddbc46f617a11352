//! Searching a user's messages (Tencent's `searchCloudMessages`): the messages they can see,
//! in every conversation they have or in one, by words, senders, types and time.
//!
//! SQL narrows each conversation's messages by sender, type and time, and by the words'
//! appearing anywhere in the payload's JSON (`LIKE`); the words are then looked for where each
//! type keeps its text (`natter_core::message::searchable_text`), so a word that is only a
//! field's name finds nothing. Case is folded as `natter_core::search::fold` folds it, in SQL
//! (`natter_fold`) and in Rust alike.

use natter_core::search::fold;
use natter_core::{ConversationId, Uid, message};

use crate::messaging::{Condition, ConditionValue, visible_messages_where};
use crate::rows::{self, LOADED_COLUMNS, LOADED_FROM};
use crate::{Db, RangeEnd, Result, SeqRange, StoredMessage};

/// The most matches a search reads in one conversation; a conversation with more counts this
/// many.
pub const MAX_MATCHES_PER_CONVERSATION: u32 = 1000;

/// What to look for. Every part given must hold; no part finds every message.
#[derive(Debug, Clone, Default)]
pub struct MessageSearch {
    /// Words the message's text contains: any of them, or all with `all_words`.
    pub words: Vec<String>,
    pub all_words: bool,
    /// Only messages from these users.
    pub senders: Vec<Uid>,
    /// Only messages of these types (`TIMTextElem`, …).
    pub types: Vec<String>,
    /// Only this conversation.
    pub conversation: Option<ConversationId>,
    /// Only messages sent in this time, in ms since the epoch, both ends included.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// The matches in one conversation, newest first.
#[derive(Debug, Clone)]
pub struct Found {
    pub conversation: ConversationId,
    pub messages: Vec<StoredMessage>,
}

/// The conversations of `uid` with matches, the one with the newest match first (at the same
/// time, the greater ID first).
pub fn messages(db: &dyn Db, uid: &Uid, search: &MessageSearch) -> Result<Vec<Found>> {
    let loaded = match &search.conversation {
        Some(conversation) => rows::load(db, uid, conversation)?.into_iter().collect(),
        None => db.query_map(
            &format!("SELECT {LOADED_COLUMNS} FROM {LOADED_FROM} WHERE c.uid = $1"),
            crate::db::params![uid.as_str()],
            rows::read_loaded,
        )?,
    };
    let condition = condition(search);
    let words: Vec<String> = search.words.iter().map(|word| fold(word)).collect();
    let newest = SeqRange {
        first: 1,
        last: u64::MAX,
        from: RangeEnd::Newest,
    };
    let mut found = Vec::new();
    for loaded in loaded {
        let history = visible_messages_where(
            db,
            uid,
            &loaded,
            newest,
            MAX_MATCHES_PER_CONVERSATION,
            &condition,
        )?;
        let mut messages: Vec<StoredMessage> = history
            .messages
            .into_iter()
            .filter(|message| has_words(message, &words, search.all_words))
            .collect();
        if messages.is_empty() {
            continue;
        }
        messages.reverse();
        found.push(Found {
            conversation: loaded.view.id,
            messages,
        });
    }
    // Newest match first; at the same time, by conversation (from the last), so that pages of
    // the list follow one order.
    found.sort_by_cached_key(|found| {
        std::cmp::Reverse((found.messages[0].time_ms, found.conversation.to_string()))
    });
    Ok(found)
}

/// The SQL of a search's senders, types, time and (roughly) words, with its parameters;
/// recalled messages, whose content is gone, never match.
fn condition(search: &MessageSearch) -> Condition {
    let mut parts = vec!["m.revoked_by IS NULL".to_owned()];
    let mut params = Vec::new();
    let next = |value: ConditionValue, params: &mut Vec<ConditionValue>| {
        params.push(value);
        "?".to_owned()
    };
    if !search.senders.is_empty() {
        let list: Vec<String> = search
            .senders
            .iter()
            .map(|uid| next(ConditionValue::Text(uid.to_string()), &mut params))
            .collect();
        parts.push(format!("m.from_uid IN ({})", list.join(", ")));
    }
    if !search.types.is_empty() {
        let list: Vec<String> = search
            .types
            .iter()
            .map(|t| next(ConditionValue::Text(t.clone()), &mut params))
            .collect();
        parts.push(format!("m.msg_type IN ({})", list.join(", ")));
    }
    if let Some(from) = search.from_ms {
        parts.push(format!(
            "m.time_ms >= {}",
            next(ConditionValue::Int(from), &mut params)
        ));
    }
    if let Some(to) = search.to_ms {
        parts.push(format!(
            "m.time_ms <= {}",
            next(ConditionValue::Int(to), &mut params)
        ));
    }
    if !search.words.is_empty() {
        let likes: Vec<String> = search
            .words
            .iter()
            .map(|word| {
                let pattern = format!("%{}%", like_escaped(&json_escaped(&fold(word))));
                let param = next(ConditionValue::Text(pattern), &mut params);
                format!("natter_fold(m.payload) LIKE {param} ESCAPE '\\'")
            })
            .collect();
        let joiner = if search.all_words { " AND " } else { " OR " };
        parts.push(format!("({})", likes.join(joiner)));
    }
    Condition {
        sql: parts.join(" AND "),
        params,
    }
}

/// The word as it appears inside a JSON string (the payload is stored as JSON text).
fn json_escaped(word: &str) -> String {
    let quoted = serde_json::to_string(word).expect("a string serialises");
    quoted[1..quoted.len() - 1].to_owned()
}

/// `%`, `_` and the escape itself, taken literally by `LIKE … ESCAPE '\'`.
pub(crate) fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Whether the message's text holds the words (any, or all); a search without words takes
/// every message.
fn has_words(message: &StoredMessage, words: &[String], all: bool) -> bool {
    if words.is_empty() {
        return true;
    }
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    let text: Vec<String> = message::searchable_text(&message.message_type, &payload)
        .iter()
        .map(|text| fold(text))
        .collect();
    let holds = |word: &String| text.iter().any(|t| t.contains(word.as_str()));
    if all {
        words.iter().all(holds)
    } else {
        words.iter().any(holds)
    }
}
