//! Changing a message after it was sent (Tencent's `modifyMessage`): any member who can see it
//! may change its payload (text, custom, location and face messages) or its custom data, on the
//! version they hold. Every member who can see it gets a `message_changes` row at their next
//! version, which sync reports with the message as it now is.

use natter_core::ConversationId;

use crate::db::params;
use crate::removal::{channel_rows, deleted_by, locate, record_change, sees, visible_message};
use crate::rows::{self, MODIFIED};
use crate::{Db, Modification, Modified, Result, StoreError, views};

/// The types whose payload may change, as Tencent's: the others point at files.
const MODIFIABLE_TYPES: &[&str] = &[
    natter_core::message::TEXT,
    natter_core::message::CUSTOM,
    "TIMLocationElem",
    "TIMFaceElem",
];

/// Changes a message for every member. Refused when the member cannot see it, when it was
/// recalled, when its type's payload cannot change, and when someone changed it since
/// `change.version` (the refusal carries the message as it now is).
pub fn modify(db: &dyn Db, change: &Modification) -> Result<Modified> {
    // The channel's row first, as every write that changes its messages takes it: two changes
    // of one message then run one after the other, and the second sees the first's version.
    let channel_id = locate(db, change.message_id)?.channel_id;
    crate::locks::lock_channel(db, channel_id)?;
    let mut message =
        visible_message(db, &change.by, &change.conversation, change.message_id)?.message;
    if message.revoked_by.is_some() {
        return Err(StoreError::RecalledMessage(message.id));
    }
    if message.version != change.version {
        return Err(StoreError::ModifiedMeanwhile(Box::new(message)));
    }
    if let Some((message_type, payload)) = &change.payload {
        if *message_type != message.message_type {
            return Err(StoreError::OtherMessageType {
                message_id: message.id,
                message_type: message.message_type,
                given: message_type.clone(),
            });
        }
        if !MODIFIABLE_TYPES.contains(&message.message_type.as_str()) {
            return Err(StoreError::PayloadNotModifiable {
                message_type: message.message_type,
            });
        }
        message.payload = payload.clone();
    }
    if let Some(data) = &change.cloud_custom_data {
        message.cloud_custom_data = data.clone();
    }
    message.version += 1;
    db.execute(
        "UPDATE messages SET payload = $1, cloud_custom_data = $2, version = $3 WHERE id = $4",
        params![
            &message.payload,
            &message.cloud_custom_data,
            message.version,
            message.id
        ],
    )?;
    if change.payload.is_some() && matches!(change.conversation, ConversationId::Group(_)) {
        // Whom it mentions is read from the payload: the new one's mentions replace the old.
        db.execute(
            "DELETE FROM mentions WHERE message_id = $1",
            params![message.id],
        )?;
        crate::mentions::record(db, channel_id, &message)?;
    }

    let mut members = Vec::new();
    for (uid, mut loaded) in channel_rows(db, channel_id)? {
        if !sees(db, &uid, &loaded, message.seq)? || deleted_by(db, &uid, channel_id, message.seq)?
        {
            continue;
        }
        // A new version of the conversation, so that sync reports the change (and the last
        // message, when it is this one) to devices that were away.
        let before = loaded.counted();
        rows::save_loaded(db, &uid, &mut loaded, before)?;
        record_change(
            db,
            &uid,
            channel_id,
            &message,
            MODIFIED,
            loaded.view.version,
        )?;
        members.push((uid.clone(), views::complete_view(db, &uid, loaded)?));
    }
    Ok(Modified { message, members })
}
