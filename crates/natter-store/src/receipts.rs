//! Read receipts of one-to-one conversations.
//!
//! How far a user has read a one-to-one conversation is their `read_seq`. Their peer's row
//! keeps a copy, `peer_read_seq` ([`ConversationView::peer_read_seq`]), written here by the
//! read that moves it forward, so that the list, sync and deliveries read the receipt with the
//! row rather than join the reader's row for every conversation (a join that cost a page of
//! 100 a tenth of its time). The same write gives the peer's conversation a new version: then
//! the peer's devices are pushed the conversation with the new receipt, and a device that was
//! offline gets it by sync, as every other change of the list. A receipt never moves back.

use natter_core::{ConversationId, Uid};

use crate::db::params;
use crate::rows::{self, Loaded};
use crate::{ConversationView, Db, Result, views};

/// The peer's conversation after a read receipt: whom to tell, and what they now see.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub peer: Uid,
    pub view: ConversationView,
}

/// The peers of the one-to-one conversations among `conversations`: the users whose rows a
/// read of them changes, to be locked with the reader's (see `crate::locks`).
pub(crate) fn peers<'a>(
    conversations: impl IntoIterator<Item = &'a ConversationId>,
) -> impl Iterator<Item = &'a Uid> {
    conversations
        .into_iter()
        .filter_map(|conversation| match conversation {
            ConversationId::C2c(peer) => Some(peer),
            _ => None,
        })
}

/// `reader` read further in `read`, already saved: each peer's conversation takes the new
/// receipt with a new version and comes back as the receipt to push. A peer who deleted the
/// conversation gets the receipt without a version or a push: a message that revives it brings
/// it along. Group and system conversations have no receipts.
pub(crate) fn give(db: &dyn Db, reader: &Uid, read: &[&Loaded]) -> Result<Vec<Receipt>> {
    let mut receipts = Vec::new();
    for loaded in read {
        let ConversationId::C2c(peer) = &loaded.view.id else {
            continue;
        };
        let Some(mut theirs) = rows::load(db, peer, &ConversationId::C2c(reader.clone()))? else {
            continue;
        };
        let read_seq = loaded.view.state.read_seq;
        if read_seq <= theirs.view.peer_read_seq {
            continue;
        }
        theirs.view.peer_read_seq = read_seq;
        // Only the receipt and the version move: the state columns are the peer's, and a write
        // of them here could overwrite a change of theirs made since the load.
        if !theirs.view.state.listed {
            db.execute(
                "UPDATE conversations SET peer_read_seq = $1 WHERE uid = $2 AND channel_id = $3",
                params![read_seq, peer.as_str(), loaded.channel.id],
            )?;
            continue;
        }
        let user = db.query_one(
            "UPDATE users SET version = version + 1 WHERE uid = $1 \
             RETURNING version, unread_total",
            params![peer.as_str()],
        )?;
        let (version, unread_total): (u64, u64) = (user.get(0)?, user.get(1)?);
        db.execute(
            "UPDATE conversations SET version = $1, peer_read_seq = $2 \
             WHERE uid = $3 AND channel_id = $4",
            params![version, read_seq, peer.as_str(), loaded.channel.id],
        )?;
        theirs.view.version = version;
        theirs.view.unread_total = Some(unread_total);
        let view = views::complete_views(db, peer, vec![theirs])?
            .pop()
            .ok_or_else(|| crate::StoreError::internal("a completed view went missing"))?;
        receipts.push(Receipt {
            peer: peer.clone(),
            view,
        });
    }
    Ok(receipts)
}
