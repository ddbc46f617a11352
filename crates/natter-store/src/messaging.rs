//! Sending messages and reading history.

use std::sync::Arc;

use natter_core::rules::ConversationState;
use natter_core::{ChannelKind, ConversationId, GroupId, Uid};

use crate::db::{params, sql_once};
use crate::rows::{self, Channel, LOADED_COLUMNS, LOADED_FROM, MESSAGE_COLUMNS, MESSAGES_FROM};
use crate::{
    ConversationView, Db, Dialect, History, NewMessage, Page, RangeEnd, Result, Sent, SeqRange,
    Shown, StoreError, StoredMessage, SystemMessage, SystemTarget, UserRole, Value,
};
use crate::{sender_lists, system_accounts};

/// Appends the message with the channel's next seq and applies it to every current member's
/// conversation. Runs on the writer, so seqs of one channel are gapless and ordered.
pub fn send(db: &dyn Db, message: &NewMessage) -> Result<Sent> {
    if let Some(first) = earlier_send(db, message)? {
        return Ok(first);
    }
    // The server API sends on behalf of any `from_uid`; a uid that never had a token has no
    // conversation rows to deliver into.
    let permitted = may_send(db, &message.from, &message.to, message.by_app)?;
    let stored = StoredMessage {
        id: 0,
        seq: 0,
        from: message.from.to_string(),
        time_ms: message.time_ms,
        client_msg_no: message.client_msg_no.clone(),
        message_type: message.message_type.clone(),
        payload: message.payload.clone(),
        cloud_custom_data: message.cloud_custom_data.clone(),
        revoked_by: None,
        sender: permitted.shown,
        // A targeted message counts as unread for no one, as Tencent's by default.
        silent: !message.counts_as_unread || message.receivers.is_some(),
        version: 0,
        needs_read_receipt: message.needs_read_receipt,
        read_count: 0,
    };
    match &message.to {
        ConversationId::C2c(peer) => {
            let (kind, key) = (
                message.to.kind(),
                rows::channel_key(&message.from, &message.to),
            );
            let reach = Reach::of(message);
            if let Some(sent) = append(db, Target::Named(kind, &key), &stored, reach)? {
                return Ok(sent);
            }
            // The first message between the two: their channel and both rows first.
            let channel = rows::create_channel(db, kind, &key, message.time_ms)?;
            rows::insert(db, &message.from, channel.id, &message.to, 1)?;
            rows::insert(
                db,
                peer,
                channel.id,
                &ConversationId::C2c(message.from.clone()),
                1,
            )?;
            append_found(db, channel, &stored, reach)
        }
        ConversationId::Group(group) => {
            let channel =
                group_to_send_to(db, &message.from, group, permitted.trusted, message.time_ms)?;
            let reach = Reach::of(message);
            if let Some(receivers) = reach.receivers {
                check_receivers(db, &channel, group, receivers)?;
            }
            let channel_id = channel.id;
            let sent = append_found(db, channel, &stored, reach)?;
            crate::mentions::record(db, channel_id, &sent.message)?;
            Ok(sent)
        }
        ConversationId::System => Err(StoreError::SystemIsAppOnly),
    }
}

/// Who the app's own messages (system notices, and messages into a group from no member)
/// come from, as the client SDK names it; also the audit log's `uid` for their recalls.
pub const SYSTEM_SENDER: &str = "@TIM#SYSTEM";

/// Appends an app notice to each user's system conversation (`@TIM#SYSTEM`), all or nothing;
/// `counts_as_unread` as [`SystemMessage::counts_as_unread`].
pub fn send_notices(
    db: &dyn Db,
    uids: &[Uid],
    payload: &str,
    counts_as_unread: bool,
    time_ms: i64,
) -> Result<Vec<Sent>> {
    uids.iter()
        .map(|uid| {
            send_system(
                db,
                &SystemMessage {
                    to: SystemTarget::User(uid.clone()),
                    message_type: natter_core::message::CUSTOM.to_owned(),
                    payload: payload.to_owned(),
                    client_msg_no: None,
                    time_ms,
                    counts_as_unread,
                },
            )
        })
        .collect()
}

/// Appends a message from the app backend itself: into a user's system conversation (created
/// on the first one), or into a group, where every current member gets it and no member
/// sends it. A `client_msg_no` seen before in the same channel returns that message; seen in
/// another channel, it is a conflict, as for a user's numbers: the app is one sender, and a
/// client message number names one message of its sender.
pub fn send_system(db: &dyn Db, message: &SystemMessage) -> Result<Sent> {
    let channel = system_channel(db, &message.to, message.time_ms)?;
    if let Some(number) = &message.client_msg_no {
        let sql = sql_once!(format!(
            "SELECT m.channel_id, {MESSAGE_COLUMNS} FROM {MESSAGES_FROM} \
             WHERE m.from_uid = $1 AND m.client_msg_no = $2"
        ));
        if let Some(row) = db.query_opt(sql, params![SYSTEM_SENDER, number])? {
            if row.get::<i64>(0)? != channel.id {
                return Err(StoreError::ClientMsgNoReused {
                    sender: None,
                    number: number.clone(),
                });
            }
            return Ok(Sent {
                message: rows::read_message(&row, 1)?,
                duplicate: true,
                recipients: Vec::new(),
            });
        }
    }
    let stored = StoredMessage {
        id: 0,
        seq: 0,
        from: SYSTEM_SENDER.to_owned(),
        time_ms: message.time_ms,
        client_msg_no: message.client_msg_no.clone(),
        message_type: message.message_type.clone(),
        payload: message.payload.clone(),
        cloud_custom_data: String::new(),
        revoked_by: None,
        sender: Shown::default(),
        silent: !message.counts_as_unread,
        version: 0,
        needs_read_receipt: false,
        read_count: 0,
    };
    let channel_id = channel.id;
    let sent = append_found(db, channel, &stored, Reach::EVERYONE)?;
    if let SystemTarget::Group(_) = message.to {
        crate::mentions::record(db, channel_id, &sent.message)?;
    }
    Ok(sent)
}

/// Who receives a system message that is not kept, each with the conversation as they name it.
pub fn system_audience(db: &dyn Db, to: &SystemTarget) -> Result<Vec<(Uid, ConversationId)>> {
    match to {
        SystemTarget::User(uid) => {
            rows::require_user(db, uid, UserRole::NoticeRecipient)?;
            Ok(vec![(uid.clone(), ConversationId::System)])
        }
        SystemTarget::Group(group) => {
            let conversation = ConversationId::Group(group.clone());
            let channel = rows::find_channel(db, conversation.kind(), group.as_str())?
                .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?;
            current_members(db, channel.id)?
                .into_iter()
                .map(|uid| Ok((uid, conversation.clone())))
                .collect()
        }
    }
}

/// The channel a system message goes to: the user's system channel, or the group's.
fn system_channel(db: &dyn Db, to: &SystemTarget, time_ms: i64) -> Result<Channel> {
    match to {
        SystemTarget::User(uid) => {
            rows::require_user(db, uid, UserRole::NoticeRecipient)?;
            let conversation = ConversationId::System;
            let key = rows::channel_key(uid, &conversation);
            match rows::find_channel(db, conversation.kind(), &key)? {
                Some(channel) => Ok(channel),
                None => {
                    let channel = rows::create_channel(db, conversation.kind(), &key, time_ms)?;
                    rows::insert(db, uid, channel.id, &conversation, 1)?;
                    Ok(channel)
                }
            }
        }
        SystemTarget::Group(group) => {
            let conversation = ConversationId::Group(group.clone());
            let channel = rows::find_channel(db, conversation.kind(), group.as_str())?
                .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?;
            if channel.dismissed {
                return Err(StoreError::GroupDismissed(group.clone()));
            }
            Ok(channel)
        }
    }
}

/// The uids of a channel's current members, in uid order.
pub(crate) fn current_members(db: &dyn Db, channel_id: i64) -> Result<Vec<Uid>> {
    db.query(
        "SELECT uid FROM conversations WHERE channel_id = $1 AND left_seq IS NULL ORDER BY uid",
        params![channel_id],
    )?
    .iter()
    .map(|row| Ok(Uid::parse(&row.get::<String>(0)?, "uid")?))
    .collect()
}

/// The channel a message is appended to.
#[derive(Debug, Clone, Copy)]
enum Target<'a> {
    /// Found before (and locked, on PostgreSQL), by its id.
    Found(i64),
    /// By its kind and key: there may be none yet.
    Named(ChannelKind, &'a str),
}

/// Whom [`append`] delivers a message to, and how.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reach<'a> {
    /// A targeted message's receivers ([`NewMessage::receivers`]): only they and the sender
    /// get it. `None`: every current member.
    pub receivers: Option<&'a [Uid]>,
    /// It becomes its readers' last message, and moves their conversations up the list; not a
    /// message excluded from it ([`NewMessage::excluded_from_last_message`]).
    pub shown_as_last: bool,
}

impl<'a> Reach<'a> {
    /// Every current member, as their last message.
    pub(crate) const EVERYONE: Reach<'static> = Reach {
        receivers: None,
        shown_as_last: true,
    };

    fn of(message: &'a NewMessage) -> Self {
        Reach {
            receivers: message.receivers.as_deref(),
            shown_as_last: !message.excluded_from_last_message,
        }
    }

    fn reaches(&self, uid: &Uid, sender: &str) -> bool {
        self.receivers
            .is_none_or(|to| uid.as_str() == sender || to.contains(uid))
    }
}

/// [`append`] to a channel found before, which is there.
pub(crate) fn append_found(
    db: &dyn Db,
    channel: Channel,
    message: &StoredMessage,
    reach: Reach<'_>,
) -> Result<Sent> {
    append(db, Target::Found(channel.id), message, reach)?
        .ok_or_else(|| StoreError::internal("the channel a message was sent to is gone"))
}

/// The columns of a message as [`append`] inserts them.
const INSERTED_COLUMNS: &str = "channel_id, seq, from_uid, time_ms, client_msg_no, msg_type, \
    payload, cloud_custom_data, silent, needs_read_receipt";

/// How [`append`] finds its channel in SQL: the condition, on the values it binds first.
struct ChannelCondition {
    condition: &'static str,
    values: usize,
}

/// [`Target::Found`]: by its id.
const FOUND: ChannelCondition = ChannelCondition {
    condition: "id = $1",
    values: 1,
};

/// [`Target::Named`]: by its kind and key.
const NAMED: ChannelCondition = ChannelCondition {
    condition: "kind = $1 AND key = $2",
    values: 2,
};

/// [`append`]'s one statement on PostgreSQL, for a channel found by `channel`: the channel's
/// values, then whether the message is silent, then the message's columns; with `locking`, it
/// also locks the rows of the channel's users.
fn postgres_append_sql(channel: ChannelCondition, locking: bool) -> String {
    let silent = channel.values + 1;
    let raise = format!(
        "UPDATE channels SET last_seq = last_seq + 1, \
         uncounted_messages = uncounted_messages + ${silent} WHERE {} \
         RETURNING id, last_seq",
        channel.condition
    );
    // Bound through `SELECT`, the values are cast: PostgreSQL would type them as text.
    let cast = |at: usize, kind: &str| format!("CAST(${} AS {kind})", silent + at);
    let (locks, locked) = if locking {
        let members = crate::locks::members_locking("(SELECT id FROM ch)");
        (
            format!(", locked AS ({members})"),
            ", (SELECT COUNT(*) FROM locked)",
        )
    } else {
        (String::new(), "")
    };
    format!(
        "WITH ch AS ({raise}), \
         m AS (INSERT INTO messages ({INSERTED_COLUMNS}) \
               SELECT id, last_seq, {from}, {time}, {number}, {kind}, {payload}, {custom}, \
               {silent}, {receipt} FROM ch RETURNING id){locks} \
         SELECT ch.id, ch.last_seq, m.id{locked} FROM ch, m",
        from = cast(1, "TEXT"),
        time = cast(2, "BIGINT"),
        number = cast(3, "TEXT"),
        kind = cast(4, "TEXT"),
        payload = cast(5, "TEXT"),
        custom = cast(6, "TEXT"),
        receipt = cast(7, "BIGINT"),
        silent = cast(0, "BIGINT"),
    )
}

/// Stores `message` with the channel's next seq (its `id` and `seq` are set here) and delivers
/// it to the current members it `reach`es; `None` without such a channel. A silent message is
/// uncounted for everyone but its sender.
///
/// On PostgreSQL, where each statement is a round trip, one statement raises the channel's
/// last seq, inserts the message and locks the rows of the channel's users. That keeps
/// `crate::locks`' order: the update locks the channel's row (or waits for it, then adds to
/// the seq as committed) before the insert and the users' locks, which read the id it returns.
fn append(
    db: &dyn Db,
    target: Target<'_>,
    message: &StoredMessage,
    reach: Reach<'_>,
) -> Result<Option<Sent>> {
    let mut values = match target {
        Target::Found(id) => vec![Value::from(id)],
        Target::Named(kind, key) => vec![Value::from(kind.code()), Value::from(key)],
    };
    let (channel_id, seq, id): (i64, u64, i64) = if db.dialect() == Dialect::Postgres {
        values.extend([
            Value::from(message.silent),
            Value::from(&message.from),
            Value::from(message.time_ms),
            Value::from(message.client_msg_no.as_ref()),
            Value::from(&message.message_type),
            Value::from(&message.payload),
            Value::from(&message.cloud_custom_data),
            Value::from(message.needs_read_receipt),
        ]);
        let sql = match (target, db.locks_rows()) {
            (Target::Found(_), false) => sql_once!(postgres_append_sql(FOUND, false)),
            (Target::Found(_), true) => sql_once!(postgres_append_sql(FOUND, true)),
            (Target::Named(..), false) => sql_once!(postgres_append_sql(NAMED, false)),
            (Target::Named(..), true) => sql_once!(postgres_append_sql(NAMED, true)),
        };
        let Some(row) = db.query_opt(sql, &values)? else {
            return Ok(None);
        };
        (row.get(0)?, row.get(1)?, row.get(2)?)
    } else {
        // SQLite's one writer runs this alone, so reading the channel and then raising it
        // is the same as raising it with `RETURNING`, and cheaper: SQLite collects what
        // `RETURNING` returns in a temporary table, which cost more than the read. So is the
        // message's id read after the insert: `INSERT … RETURNING id` took 15,000 more
        // instructions a send (`BENCHMARKS.md`, round two, tenth pass).
        let find = match target {
            Target::Found(_) => sql_once!(format!(
                "SELECT id, last_seq + 1 FROM channels WHERE {}",
                FOUND.condition
            )),
            Target::Named(..) => sql_once!(format!(
                "SELECT id, last_seq + 1 FROM channels WHERE {}",
                NAMED.condition
            )),
        };
        let Some(row) = db.query_opt(find, &values)? else {
            return Ok(None);
        };
        let (channel_id, seq): (i64, u64) = (row.get(0)?, row.get(1)?);
        db.execute(
            "UPDATE channels SET last_seq = $1, uncounted_messages = uncounted_messages + $2 \
             WHERE id = $3",
            params![seq, message.silent, channel_id],
        )?;
        db.execute(
            sql_once!(format!(
                "INSERT INTO messages ({INSERTED_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            )),
            params![
                channel_id,
                seq,
                &message.from,
                message.time_ms,
                message.client_msg_no.as_ref(),
                &message.message_type,
                &message.payload,
                &message.cloud_custom_data,
                message.silent,
                message.needs_read_receipt,
            ],
        )?;
        let id = db.query_one("SELECT last_insert_rowid()", &[])?.get(0)?;
        (channel_id, seq, id)
    };
    if !reach.shown_as_last {
        // Rare, and so kept out of the insert every other message makes.
        db.execute(
            "UPDATE messages SET excluded_from_last = 1 WHERE id = $1",
            params![id],
        )?;
    }
    let message = StoredMessage {
        id,
        seq,
        ..message.clone()
    };
    let recipients = deliver(db, channel_id, &message, reach)?;
    Ok(Some(Sent {
        message,
        duplicate: false,
        recipients,
    }))
}

/// The first message sent with this sender's `client_msg_no`, if any. The same number in another
/// conversation is a conflict, not a retry.
fn earlier_send(db: &dyn Db, message: &NewMessage) -> Result<Option<Sent>> {
    let Some(number) = &message.client_msg_no else {
        return Ok(None);
    };
    let sql = sql_once!(format!(
        "SELECT m.channel_id, {MESSAGE_COLUMNS} FROM {MESSAGES_FROM} \
         WHERE m.from_uid = $1 AND m.client_msg_no = $2"
    ));
    let Some(row) = db.query_opt(sql, params![message.from.as_str(), number])? else {
        return Ok(None);
    };
    let channel_id: i64 = row.get(0)?;
    let stored = rows::read_message(&row, 1)?;
    // By the channel rather than the sender's conversation: the app may have sent it for a
    // sender who has none there (`NewMessage::by_app`).
    let key = rows::channel_key(&message.from, &message.to);
    let same_conversation = db
        .query_opt(
            "SELECT 1 FROM channels WHERE id = $1 AND kind = $2 AND key = $3",
            params![channel_id, message.to.kind().code(), &key],
        )?
        .is_some();
    if !same_conversation {
        return Err(StoreError::ClientMsgNoReused {
            sender: Some(message.from.clone()),
            number: number.clone(),
        });
    }
    Ok(Some(Sent {
        message: stored,
        duplicate: true,
        recipients: Vec::new(),
    }))
}

/// Who receives a message that is not kept, each with the conversation as they name it, and
/// how the message shows its sender: the same permission checks as a send at `now_ms` (`by_app`
/// as [`NewMessage::by_app`]), without creating anything. A targeted message (`receivers`)
/// reaches those members and the sender only.
pub fn audience(
    db: &dyn Db,
    sender: &Uid,
    to: &ConversationId,
    by_app: bool,
    receivers: Option<&[Uid]>,
    now_ms: i64,
) -> Result<(Shown, Vec<(Uid, ConversationId)>)> {
    let permitted = may_send(db, sender, to, by_app)?;
    let members = match to {
        ConversationId::C2c(peer) => vec![
            (sender.clone(), to.clone()),
            (peer.clone(), ConversationId::C2c(sender.clone())),
        ],
        ConversationId::Group(group) => {
            let channel = group_to_send_to(db, sender, group, permitted.trusted, now_ms)?;
            if let Some(receivers) = receivers {
                check_receivers(db, &channel, group, receivers)?;
            }
            let reach = Reach {
                receivers,
                ..Reach::EVERYONE
            };
            current_members(db, channel.id)?
                .into_iter()
                .filter(|uid| reach.reaches(uid, sender.as_str()))
                .map(|uid| (uid, to.clone()))
                .collect()
        }
        ConversationId::System => return Err(StoreError::SystemIsAppOnly),
    };
    Ok((permitted.shown, members))
}

/// A sender allowed to send, and how their messages show them.
struct Permitted {
    shown: Shown,
    /// The app sends on the sender's behalf ([`NewMessage::by_app`]), or the sender is a
    /// system account ([`crate::system_accounts`]): a group need not have them as a member.
    trusted: bool,
}

/// Checks that `sender` exists and may send to `to` (the lists allow it, unless the app sends
/// `by_app` or one side is a system account; a personal message goes to a user who exists and
/// is not the sender) and returns how their messages show them: the sender's profile, the
/// lists, the system accounts and the peer in one read.
fn may_send(db: &dyn Db, sender: &Uid, to: &ConversationId, by_app: bool) -> Result<Permitted> {
    let Some(owner) = sender_lists::owner_of(to) else {
        rows::require_shown_user(db, sender, UserRole::Sender)?;
        return Err(StoreError::SystemIsAppOnly);
    };
    let peer = match to {
        ConversationId::C2c(peer) => Some(peer),
        ConversationId::Group(_) | ConversationId::System => None,
    };
    // Columns: nick, avatar, the three list probes, the sender a system account, then for a
    // personal message the peer a system account and the peer exists.
    let sql = if peer.is_some() {
        sql_once!(format!(
            "SELECT u.nick, u.avatar, {}, {}, {}, EXISTS (SELECT 1 FROM users p WHERE p.uid = $4) \
             FROM users u WHERE u.uid = $3",
            sender_lists::PROBES,
            system_accounts::SENDER_PROBE,
            system_accounts::PEER_PROBE,
        ))
    } else {
        sql_once!(format!(
            "SELECT u.nick, u.avatar, {}, {} FROM users u WHERE u.uid = $3",
            sender_lists::PROBES,
            system_accounts::SENDER_PROBE,
        ))
    };
    let mut values = vec![
        Value::from(owner.kind().code()),
        Value::from(owner.channel()),
        Value::from(sender.as_str()),
    ];
    values.extend(peer.map(|peer| Value::from(peer.as_str())));
    let row = db
        .query_opt(sql, &values)?
        .ok_or_else(|| StoreError::UnknownUser {
            uid: sender.clone(),
            role: UserRole::Sender,
        })?;
    let system_sender: bool = row.get(5)?;
    let system_peer = peer.is_some() && row.get::<bool>(6)?;
    if !(by_app || system_sender || system_peer) {
        sender_lists::judge(sender, to, &owner, &row, 2)?;
    }
    if let Some(peer) = peer {
        if peer == sender {
            return Err(StoreError::MessageToSelf(sender.clone()));
        }
        if !row.get::<bool>(7)? {
            return Err(StoreError::UnknownUser {
                uid: peer.clone(),
                role: UserRole::Peer,
            });
        }
    }
    Ok(Permitted {
        shown: Shown {
            name: row.get(0)?,
            avatar: row.get(1)?,
            group_type: String::new(),
        },
        trusted: by_app || system_sender,
    })
}

/// The group's channel, once `sender` may send to it at `now_ms`: a current member of a group
/// that is not dismissed, and not muted there; a `trusted` sender ([`Permitted::trusted`])
/// sends to any group that is not dismissed.
fn group_to_send_to(
    db: &dyn Db,
    sender: &Uid,
    group: &GroupId,
    trusted: bool,
    now_ms: i64,
) -> Result<Channel> {
    let conversation = ConversationId::Group(group.clone());
    let channel = rows::find_channel(db, conversation.kind(), group.as_str())?
        .ok_or_else(|| StoreError::UnknownGroup(group.clone()))?;
    if trusted {
        if channel.dismissed {
            return Err(StoreError::GroupDismissed(group.clone()));
        }
        return Ok(channel);
    }
    match rows::load(db, sender, &conversation)? {
        None => Err(StoreError::NeverAMember {
            uid: sender.clone(),
            group: group.clone(),
        }),
        Some(_) if channel.dismissed => Err(StoreError::GroupDismissed(group.clone())),
        Some(loaded) if !loaded.view.state.is_member() => Err(StoreError::NoLongerAMember {
            uid: sender.clone(),
            group: group.clone(),
        }),
        Some(_) => {
            match group.community() {
                Some(community) => {
                    crate::topics::refuse_if_muted(db, &channel, group, &community, sender, now_ms)?
                }
                None => {
                    crate::group_members::refuse_if_muted(db, channel.id, group, sender, now_ms)?
                }
            }
            Ok(channel)
        }
    }
}

/// A targeted message's receivers ([`NewMessage::receivers`]): current members of a group
/// whose type takes targeted messages.
fn check_receivers(
    db: &dyn Db,
    channel: &Channel,
    group: &GroupId,
    receivers: &[Uid],
) -> Result<()> {
    let (facts, _) = crate::groups::group_facts(db, channel, group)?;
    if !facts.group_type.takes_targeted_messages() {
        return Err(StoreError::TargetedNotInGroupType {
            group: group.clone(),
            group_type: facts.group_type.as_str().to_owned(),
        });
    }
    let channel_id = channel.id;
    for uid in receivers {
        let member = db.exists(
            "SELECT 1 FROM conversations WHERE uid = $1 AND channel_id = $2 \
             AND left_seq IS NULL",
            params![uid.as_str(), channel_id],
        )?;
        if !member {
            return Err(StoreError::ReceiverNotAMember {
                uid: uid.clone(),
                group: group.clone(),
            });
        }
    }
    Ok(())
}

/// A current member as a message is delivered to them.
struct Member {
    uid: Uid,
    user: rows::UserCounters,
    loaded: rows::Loaded,
    /// The folders holding their conversation, in name order.
    folders: Vec<String>,
}

/// Applies the new message to each current member's conversation (and revives deleted ones):
/// their rows and folders in one read, then every save in one batch. The append locked their
/// users' rows, so what is read stays as read until the write commits. A targeted message
/// reaches only its receivers and its sender: it is hidden from the others, whose conversations
/// it leaves as they were (their unread count too, the message being silent). A message not
/// shown as the last moves no conversation up the list, and each reader's last message is
/// looked up again. Returns the members it reached, with their conversations now.
fn deliver(
    db: &dyn Db,
    channel_id: i64,
    message: &StoredMessage,
    reach: Reach<'_>,
) -> Result<Vec<(Uid, ConversationView)>> {
    let reaches = |uid: &Uid| reach.reaches(uid, &message.from);
    // The time that moves a conversation up the list (its activity only ever rises).
    let activity_ms = if reach.shown_as_last {
        message.time_ms
    } else {
        0
    };
    // A member's row comes once per folder holding it (once, with no name, in none), with
    // their user's row, which the save moves on.
    let sql = sql_once!(format!(
        "SELECT {LOADED_COLUMNS}, c.uid, f.name, mu.version, mu.unread_total FROM {LOADED_FROM} \
         JOIN users mu ON mu.uid = c.uid \
         LEFT JOIN folder_members f ON f.uid = c.uid AND f.channel_id = c.channel_id \
         WHERE c.channel_id = $1 AND c.left_seq IS NULL ORDER BY c.uid"
    ));
    let mut members: Vec<Member> = Vec::new();
    db.query_each(sql, params![channel_id], &mut |row| {
        let uid = row.text(rows::LOADED_COLUMN_COUNT)?;
        let folder: Option<String> = row.get(rows::LOADED_COLUMN_COUNT + 1)?;
        match members.last_mut() {
            Some(member) if member.uid.as_str() == uid => member.folders.extend(folder),
            _ => members.push(Member {
                uid: Uid::parse(uid, "uid")?,
                user: rows::UserCounters {
                    version: row.get(rows::LOADED_COLUMN_COUNT + 2)?,
                    unread_total: row.get(rows::LOADED_COLUMN_COUNT + 3)?,
                },
                loaded: rows::read_loaded(row)?,
                folders: folder.into_iter().collect(),
            }),
        }
        Ok(())
    })?;
    // Each member's folders in name order, sorted here: ordering the rows by name too would
    // make SQLite sort them in a temporary table on every message.
    for member in &mut members {
        member.folders.sort_unstable();
    }
    if members.is_empty() {
        // Into a group whose members all left: if each of them cleared their history past
        // the point they left, no one can see this message (`crate::purge`'s rule).
        crate::purge::mark_candidates(db, &[channel_id])?;
    }
    // Every member's is the same conversation, a topic's or not.
    let topic = members
        .first()
        .is_some_and(|member| member.loaded.view.id.is_topic());
    let mut counted = Vec::with_capacity(members.len());
    for member in &mut members {
        let state = &mut member.loaded.view.state;
        // What the conversation counted before this message raised the channel's last seq
        // (the row was read after the raise).
        counted.push(rows::Counted::of(state, message.seq - 1));
        let own = member.uid.as_str() == message.from;
        if reaches(&member.uid) {
            if topic {
                state.on_topic_message(message.seq, activity_ms, own);
            } else {
                state.on_message(message.seq, activity_ms, own);
            }
        }
        if message.silent && !own {
            state.exclude(message.seq, message.seq);
        }
    }
    let changes: Vec<rows::Saving<'_>> = members
        .iter()
        .zip(&counted)
        .map(|(member, &before)| rows::Saving {
            uid: &member.uid,
            before,
            state: &member.loaded.view.state,
            user: Some(member.user),
        })
        .collect();
    let saved = rows::save_all(
        db,
        channel_id,
        message.seq,
        rows::Written::Arrival,
        &changes,
    )?;
    if reach.receivers.is_some() {
        let passed_over: Vec<&Uid> = members
            .iter()
            .map(|member| &member.uid)
            .filter(|uid| !reaches(uid))
            .collect();
        crate::removal::hide_unaddressed(db, channel_id, message, &passed_over)?;
    }
    let message = Arc::new(message.clone());
    members
        .into_iter()
        .zip(saved)
        .filter(|(member, _)| reaches(&member.uid))
        .map(|(member, saved)| {
            let last_message = if reach.shown_as_last {
                Some(Arc::clone(&message))
            } else {
                let found = crate::views::last_messages(db, &member.uid, &[&member.loaded])?;
                found.into_iter().next().flatten().map(Arc::new)
            };
            let view = member.loaded.view;
            let conversation = ConversationView {
                id: view.id,
                state: view.state,
                version: saved.version,
                channel_last_seq: message.seq,
                last_message,
                folders: member.folders,
                shown: view.shown,
                peer_read_seq: view.peer_read_seq,
                unread_total: Some(saved.unread_total),
                mentions: None,
            };
            Ok((member.uid, conversation))
        })
        .collect()
}

/// Messages this user may see (inside a membership window, after their cleared history), the
/// `limit` nearest to where `page` points on its side, returned oldest first.
pub fn history(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    page: Page,
    limit: u32,
) -> Result<History> {
    let Some(loaded) = rows::load(db, uid, conversation)? else {
        return no_history_for(db, uid, conversation);
    };
    let channel_id = loaded.channel.id;
    let newest_before = |below: u64| SeqRange {
        first: 1,
        last: below.saturating_sub(1),
        from: RangeEnd::Newest,
    };
    let oldest_after = |above: u64| SeqRange {
        first: above.saturating_add(1),
        last: u64::MAX,
        from: RangeEnd::Oldest,
    };
    let range = match page {
        Page::Newest => newest_before(u64::MAX),
        Page::BeforeSeq(seq) => newest_before(seq),
        Page::BeforeMessage(id) => newest_before(
            db.query_opt(
                "SELECT seq FROM messages WHERE id = $1 AND channel_id = $2",
                params![id, channel_id],
            )?
            .ok_or_else(|| StoreError::UnknownMessage {
                conversation: conversation.clone(),
                message_id: id,
            })?
            .get(0)?,
        ),
        // Seqs grow with time in a channel: the newest message at or before the time bounds
        // the page. A time before every message leaves nothing.
        Page::UpToTime(time_ms) => {
            let last: Option<u64> = db
                .query_opt(
                    "SELECT seq FROM messages WHERE channel_id = $1 AND time_ms <= $2 \
                     ORDER BY seq DESC LIMIT 1",
                    params![channel_id, time_ms],
                )?
                .map(|row| row.get(0))
                .transpose()?;
            newest_before(last.map_or(0, |seq| seq + 1))
        }
        Page::AfterSeq(seq) => oldest_after(seq),
        Page::FromTime(time_ms) => {
            let first: Option<u64> = db
                .query_opt(
                    "SELECT seq FROM messages WHERE channel_id = $1 AND time_ms >= $2 \
                     ORDER BY seq LIMIT 1",
                    params![channel_id, time_ms],
                )?
                .map(|row| row.get(0))
                .transpose()?;
            oldest_after(first.map_or(u64::MAX, |seq| seq - 1))
        }
    };
    visible_messages(db, uid, &loaded, range, limit)
}

/// The messages this user may see with seqs in `range`, the `limit` nearest to the end it is
/// read from, returned oldest first; `is_complete` says none further in `range` were left out.
/// WuKongIM's `/channel/messagesync` reads history this way.
pub fn messages_in(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    range: SeqRange,
    limit: u32,
) -> Result<History> {
    match rows::load(db, uid, conversation)? {
        Some(loaded) => visible_messages(db, uid, &loaded, range, limit),
        None => no_history_for(db, uid, conversation),
    }
}

/// One user's side of a channel, whether or not they list the conversation: their state in it
/// (`None` when they have no conversation there) with the channel's last seq, and the
/// messages they may see in the range read. WuKongIM's `/conversation/syncByChannels` and
/// `/conversation/syncMessages` report channels this way.
#[derive(Debug, Clone)]
pub struct ChannelSide {
    pub state: Option<ConversationState>,
    pub channel_last_seq: u64,
    pub history: History,
}

/// [`ChannelSide`] of a channel, its messages read as [`messages_in`] reads them. A channel the
/// user has no conversation in (never a member of the group, no such group or peer, no message
/// between the two) shows them nothing and is not an error: these calls name many channels at
/// once, and one the user cannot see must not fail the others.
pub fn channel_side(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    range: SeqRange,
    limit: u32,
) -> Result<ChannelSide> {
    let Some(loaded) = rows::load(db, uid, conversation)? else {
        return Ok(ChannelSide {
            state: None,
            channel_last_seq: 0,
            history: History {
                messages: Vec::new(),
                is_complete: true,
            },
        });
    };
    let history = visible_messages(db, uid, &loaded, range, limit)?;
    Ok(ChannelSide {
        state: Some(loaded.view.state),
        channel_last_seq: loaded.view.channel_last_seq,
        history,
    })
}

/// The newest seq of the channel of `conversation` as `uid` names it (a one-to-one channel is
/// theirs and the peer's); 0 when it has no messages or does not exist, as WuKongIM's
/// `/channel/max_message_seq` answers.
pub fn newest_seq(db: &dyn Db, uid: &Uid, conversation: &ConversationId) -> Result<u64> {
    let key = rows::channel_key(uid, conversation);
    let channel = rows::find_channel(db, conversation.kind(), &key)?;
    Ok(channel.map_or(0, |channel| channel.last_seq))
}

/// Which message of a channel the app backend asks for, whoever may see it.
#[derive(Debug, Clone)]
pub enum ChannelMessage {
    /// Its newest (WuKongIM's `GET /channel/last_message`).
    Newest,
    /// Its message of this client number (`GET /message/byclientmsgno`).
    ByClientMsgNo(String),
}

/// A message of the channel of `conversation`, whoever may see it; `owner` names a one-to-one
/// channel (theirs and the peer's) or a system one (theirs), and is not needed for a group's.
/// `None` when there is no such message or channel.
pub fn channel_message(
    db: &dyn Db,
    owner: Option<&Uid>,
    conversation: &ConversationId,
    which: &ChannelMessage,
) -> Result<Option<StoredMessage>> {
    let key = match (owner, conversation) {
        (_, ConversationId::Group(group)) => group.to_string(),
        (Some(owner), named) => rows::channel_key(owner, named),
        // A one-to-one or system channel that no one names is no channel.
        (None, _) => return Ok(None),
    };
    let Some(channel) = rows::find_channel(db, conversation.kind(), &key)? else {
        return Ok(None);
    };
    let (condition, number) = match which {
        ChannelMessage::Newest => ("", None),
        ChannelMessage::ByClientMsgNo(number) => ("AND m.client_msg_no = $2", Some(number)),
    };
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM {MESSAGES_FROM} WHERE m.channel_id = $1 {condition} \
         ORDER BY m.seq DESC LIMIT 1"
    );
    let mut values = vec![Value::from(channel.id)];
    values.extend(number.map(|number| Value::from(number.as_str())));
    db.query_opt(&sql, &values)?
        .map(|row| rows::read_message(&row, 0))
        .transpose()
}

/// Messages named by seq, by ID or by client number, as WuKongIM's `POST /messages` names them.
#[derive(Debug, Clone, Default)]
pub struct NamedMessages {
    pub seqs: Vec<u64>,
    pub ids: Vec<i64>,
    pub client_msg_nos: Vec<String>,
}

impl NamedMessages {
    pub fn len(&self) -> usize {
        self.seqs.len() + self.ids.len() + self.client_msg_nos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// "the message is one of these", over `m`, for [`visible_messages_where`].
    fn condition(&self) -> Condition {
        let mut parts = Vec::new();
        let mut params = Vec::with_capacity(self.len());
        let mut any_of = |column: &str, values: Vec<ConditionValue>| {
            if !values.is_empty() {
                parts.push(format!(
                    "{column} IN ({})",
                    vec!["?"; values.len()].join(", ")
                ));
                params.extend(values);
            }
        };
        let seqs = self
            .seqs
            .iter()
            .map(|&seq| ConditionValue::Int(i64::try_from(seq).unwrap_or(i64::MAX)));
        any_of("m.seq", seqs.collect());
        any_of(
            "m.id",
            self.ids.iter().copied().map(ConditionValue::Int).collect(),
        );
        let numbers = self
            .client_msg_nos
            .iter()
            .cloned()
            .map(ConditionValue::Text);
        any_of("m.client_msg_no", numbers.collect());
        Condition {
            sql: parts.join(" OR "),
            params,
        }
    }
}

/// The messages of `conversation` among those `named` that this user may see, oldest first
/// (WuKongIM's `POST /messages` and `POST /message`), at most one a name: what they may not
/// see, or what does not exist, is left out.
pub fn messages_named(
    db: &dyn Db,
    uid: &Uid,
    conversation: &ConversationId,
    named: &NamedMessages,
) -> Result<Vec<StoredMessage>> {
    let Some(loaded) = rows::load(db, uid, conversation)? else {
        return Ok(no_history_for(db, uid, conversation)?.messages);
    };
    let everything = SeqRange {
        first: 1,
        last: u64::MAX,
        from: RangeEnd::Oldest,
    };
    // At most as many messages as names, as WuKongIM answers one a name.
    let most = u32::try_from(named.len()).unwrap_or(u32::MAX);
    let condition = named.condition();
    Ok(visible_messages_where(db, uid, &loaded, everything, most, &condition)?.messages)
}

fn visible_messages(
    db: &dyn Db,
    uid: &Uid,
    loaded: &rows::Loaded,
    range: SeqRange,
    limit: u32,
) -> Result<History> {
    visible_messages_where(db, uid, loaded, range, limit, &Condition::default())
}

/// A further condition on the messages read, in SQL over `m` (the messages) with its own
/// parameters, each written `?` in its text (numbered after the page's when it is read).
#[derive(Debug, Default)]
pub(crate) struct Condition {
    pub sql: String,
    pub params: Vec<ConditionValue>,
}

#[derive(Debug)]
pub(crate) enum ConditionValue {
    Int(i64),
    Text(String),
}

/// [`visible_messages`], of those that also meet `condition`.
pub(crate) fn visible_messages_where(
    db: &dyn Db,
    uid: &Uid,
    loaded: &rows::Loaded,
    range: SeqRange,
    limit: u32,
    condition: &Condition,
) -> Result<History> {
    let windows = visibility_windows(db, uid, loaded)?;
    let floor = loaded.view.state.cleared_to_seq;
    let last = range.last.min(loaded.channel.last_seq);
    let mut messages = Vec::with_capacity(limit as usize + 1);
    // The messages this user deleted for themself are left out (a test that costs nothing
    // for the many conversations without any).
    let with_uid = loaded.hidden_count > 0;
    let own_deletions = if with_uid {
        format!("AND {}", rows::not_hidden_from("$5"))
    } else {
        String::new()
    };
    let condition_sql = if condition.sql.is_empty() {
        String::new()
    } else {
        let mut number = if with_uid { 5 } else { 4 };
        let numbered = condition.sql.split('?').enumerate().map(|(index, part)| {
            if index == 0 {
                part.to_owned()
            } else {
                number += 1;
                format!("${number}{part}")
            }
        });
        format!("AND ({})", numbered.collect::<String>())
    };
    let order = match range.from {
        RangeEnd::Newest => "DESC",
        RangeEnd::Oldest => "ASC",
    };
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM {MESSAGES_FROM} WHERE m.channel_id = $1 AND m.seq >= $2 \
         AND m.seq <= $3 {own_deletions} {condition_sql} ORDER BY m.seq {order} LIMIT $4"
    );
    // Windows from the end the page is read from, so it fills with the nearest messages.
    let windows: Vec<_> = match range.from {
        RangeEnd::Newest => windows.into_iter().rev().collect(),
        RangeEnd::Oldest => windows,
    };
    for (window_first, window_last) in windows {
        let first = window_first.max(floor + 1).max(range.first);
        let last = window_last.min(last);
        let wanted = limit as usize + 1 - messages.len();
        if first > last || wanted == 0 {
            continue;
        }
        let mut page =
            params![loaded.channel.id, first, last, wanted as i64, uid.as_str()].to_vec();
        if !with_uid {
            page.truncate(4);
        }
        page.extend(condition.params.iter().map(|value| match value {
            ConditionValue::Int(n) => Value::Int(*n),
            ConditionValue::Text(text) => Value::Text(text),
        }));
        db.query_each(&sql, &page, &mut |row| {
            messages.push(rows::read_message(row, 0)?);
            Ok(())
        })?;
    }
    let is_complete = messages.len() <= limit as usize;
    messages.truncate(limit as usize);
    if range.from == RangeEnd::Newest {
        messages.reverse();
    }
    Ok(History {
        messages,
        is_complete,
    })
}

/// Why a user without a conversation row sees no history: an empty personal chat, a group they
/// never joined, or something that does not exist.
fn no_history_for(db: &dyn Db, uid: &Uid, conversation: &ConversationId) -> Result<History> {
    let empty = History {
        messages: Vec::new(),
        is_complete: true,
    };
    match conversation {
        ConversationId::C2c(peer) => {
            rows::require_user(db, peer, UserRole::Peer)?;
            Ok(empty)
        }
        ConversationId::Group(group) => {
            let key = rows::channel_key(uid, conversation);
            if rows::find_channel(db, conversation.kind(), &key)?.is_some() {
                Err(StoreError::NeverAMember {
                    uid: uid.clone(),
                    group: group.clone(),
                })
            } else {
                Err(StoreError::UnknownGroup(group.clone()))
            }
        }
        ConversationId::System => Ok(empty),
    }
}

/// The seq ranges (inclusive) this user belongs to, oldest first.
pub(crate) fn visibility_windows(
    db: &dyn Db,
    uid: &Uid,
    loaded: &rows::Loaded,
) -> Result<Vec<(u64, u64)>> {
    if !matches!(loaded.view.id, ConversationId::Group(_)) {
        return Ok(vec![(1, u64::MAX)]);
    }
    db.query(
        "SELECT join_seq, left_seq FROM memberships WHERE channel_id = $1 AND uid = $2 \
         ORDER BY join_seq",
        params![loaded.channel.id, uid.as_str()],
    )?
    .iter()
    .map(|row| Ok((row.get(0)?, row.get::<Option<u64>>(1)?.unwrap_or(u64::MAX))))
    .collect()
}

#[cfg(test)]
mod tests {
    //! A one-to-one send takes a fixed number of statements, on PostgreSQL each a round trip
    //! (and `BEGIN` and `COMMIT` besides), and delivers each member's folders with the read of
    //! their rows, the members' views sharing one copy of the message.

    use std::sync::Arc;

    use natter_core::{ConversationId, Uid};

    use crate::test_stores::{Counting, make_users, new_message, on_both};
    use crate::{Dialect, FolderChange, NewMessage, Result, Store, folders, messaging};

    /// Statements of a one-to-one send into an existing channel on PostgreSQL: the sender,
    /// the lists and the peer; the channel's seq, the message and the users' locks; the
    /// members' rows and folders; both saves.
    const POSTGRES_STATEMENTS: usize = 4;

    /// On SQLite, where a statement costs no round trip and `RETURNING` costs a temporary
    /// table: the read of the sender, lists and peer; the channel, then its seq raised; the
    /// message and its id; the members' rows, folders and users; two per save (the user's
    /// next version and total, and the row).
    const SQLITE_STATEMENTS: usize = 10;

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    fn message(from: &str, to: &str) -> NewMessage {
        new_message(&uid(from), ConversationId::C2c(uid(to)), "{}")
    }

    async fn check(store: &Store) {
        store
            .write(|db| {
                make_users(db, [uid("alice"), uid("bob")])?;
                messaging::send(db, &message("alice", "bob"))?;
                for name in ["work", "home"] {
                    let create = FolderChange::Create {
                        name: name.to_owned(),
                        conversations: vec![ConversationId::C2c(uid("alice"))],
                    };
                    folders::change(db, &uid("bob"), &create, 2)?;
                }
                Result::Ok(())
            })
            .await
            .unwrap();
        let (statements, dialect, sent) = store
            .write(|db| {
                let counting = Counting::new(db);
                let sent = messaging::send(&counting, &message("alice", "bob"))?;
                Ok((counting.statements(), db.dialect(), sent))
            })
            .await
            .unwrap();
        let expected = match dialect {
            Dialect::Postgres => POSTGRES_STATEMENTS,
            Dialect::Sqlite => SQLITE_STATEMENTS,
        };
        assert_eq!(statements, expected, "statements of a send on {dialect:?}");
        assert_eq!(sent.message.seq, 2);
        let recipients: Vec<(&str, &[String], u64)> = sent
            .recipients
            .iter()
            .map(|(uid, view)| {
                (
                    uid.as_str(),
                    view.folders.as_slice(),
                    view.unread_total.unwrap(),
                )
            })
            .collect();
        let folders = ["home".to_owned(), "work".to_owned()];
        assert_eq!(
            recipients,
            [("alice", &[][..], 0), ("bob", &folders[..], 2)],
            "each member's folders and unread total"
        );
        let last_messages: Vec<&Arc<_>> = sent
            .recipients
            .iter()
            .map(|(_, view)| view.last_message.as_ref().expect("a last message"))
            .collect();
        assert_eq!(*last_messages[0].as_ref(), sent.message);
        assert!(
            Arc::ptr_eq(last_messages[0], last_messages[1]),
            "the members' views share one copy of the message"
        );
    }

    #[test]
    fn a_one_to_one_send_takes_a_fixed_number_of_statements() {
        on_both(|place| async move {
            let store = place.open().await;
            check(&store).await;
            store.close().await;
        });
    }
}
