//! The system conversation `@TIM#SYSTEM`: notices from the app backend, and from Natter itself
//! when a group removes a member or is dismissed.

use natter_core::limits::MAX_NOTICE_RECIPIENTS;
use natter_core::wire::NoticeRequest;
use natter_core::{ConversationId, Error, Result, Uid};
use natter_store::{Sent, messaging};
use serde_json::Value;

use crate::messaging::decode_payload;
use crate::webhooks::Push;
use crate::{Natter, now_ms};

impl Natter {
    /// `POST /system/notices`: one notice into each listed user's system conversation, all in
    /// one transaction: an unknown uid fails the call and no one gets the notice.
    pub async fn send_notices(&self, request: NoticeRequest) -> Result<()> {
        if request.uids.is_empty() || request.uids.len() > MAX_NOTICE_RECIPIENTS {
            return Err(Error::invalid_argument(format!(
                "uids: give 1 to {MAX_NOTICE_RECIPIENTS} users, got {}",
                request.uids.len()
            )));
        }
        let uids = request
            .uids
            .iter()
            .map(|uid| Uid::parse(uid, "uids"))
            .collect::<Result<Vec<_>>>()?;
        let payload = decode_payload(&request.payload)?;
        let notices = self.store_notices(uids, payload, true).await?;
        for sent in notices {
            self.metrics.message_sent();
            self.notify_message(&sent).await;
        }
        Ok(())
    }

    /// Notices Natter itself leaves (group events), unread until read. A failure is logged, not
    /// returned: the group change it reports has already happened.
    pub(crate) async fn notify_each(&self, uids: &[Uid], notice: &Value) {
        self.leave_notices(uids, notice, true).await;
    }

    /// Notices of what the users did themselves (their own quitting), which their other devices
    /// read to follow it: no unread badge and no red dot for the app's push.
    pub(crate) async fn notify_each_silently(&self, uids: &[Uid], notice: &Value) {
        self.leave_notices(uids, notice, false).await;
    }

    async fn leave_notices(&self, uids: &[Uid], notice: &Value, counts_as_unread: bool) {
        if uids.is_empty() {
            return;
        }
        let stored = self.store_notices(uids.to_vec(), notice.to_string(), counts_as_unread);
        match stored.await {
            Ok(sent) => {
                for sent in sent {
                    self.notify_message(&sent).await;
                }
            }
            Err(error) => tracing::warn!(%error, "cannot leave system notices"),
        }
    }

    /// Stores one notice per user, with their webhook events, in one transaction.
    async fn store_notices(
        &self,
        uids: Vec<Uid>,
        payload: String,
        counts_as_unread: bool,
    ) -> Result<Vec<Sent>> {
        let outbox = self.outbox();
        let now_ms = now_ms();
        self.keep_linked_files(&[&payload]).await;
        let (notices, written) = self
            .write(move |db| {
                let notices =
                    messaging::send_notices(db, &uids, &payload, counts_as_unread, now_ms)?;
                let mut written = Vec::new();
                if let Some(outbox) = &outbox {
                    for sent in &notices {
                        let to = &ConversationId::System;
                        let push = &Push::Default;
                        written.extend(outbox.message(
                            db,
                            sent,
                            to,
                            counts_as_unread,
                            push,
                            now_ms,
                        )?);
                    }
                }
                written.dedup();
                Ok((notices, written))
            })
            .await?;
        self.wake_webhooks(&written);
        Ok(notices)
    }
}
