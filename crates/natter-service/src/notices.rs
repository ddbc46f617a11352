//! The system conversation `@TIM#SYSTEM`: notices from the app backend, and from Natter itself
//! when a group removes a member or is dismissed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter_core::limits::MAX_NOTICE_RECIPIENTS;
use natter_core::wire::NoticeRequest;
use natter_core::{Error, Result, Uid};
use serde_json::Value;

use crate::{Natter, now_ms};

impl Natter {
    /// `POST /system/notices`: one notice into each listed user's system conversation. Every
    /// uid is checked first; each notice is then stored durably before the call returns.
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
        let bytes = BASE64
            .decode(request.payload.as_bytes())
            .map_err(|error| Error::invalid_argument(format!("payload: not base64 ({error})")))?;
        let payload: Value = serde_json::from_slice(&bytes)
            .ok()
            .filter(Value::is_object)
            .ok_or_else(|| {
                Error::invalid_argument("payload: must be the base64 of a JSON object")
            })?;
        let payload = crate::messaging::compact_payload(&payload, "payload")?;
        for uid in uids {
            let sent = self
                .store
                .send_notice(uid, payload.clone(), now_ms())
                .await?;
            self.metrics.message_sent();
            self.notify_message(&sent).await;
        }
        Ok(())
    }

    /// A notice Natter itself leaves (group events). A failure is logged, not returned: the
    /// group change it reports has already happened.
    pub(crate) async fn notify_each(&self, uids: &[Uid], notice: &Value) {
        let payload = notice.to_string();
        for uid in uids {
            match self
                .store
                .send_notice(uid.clone(), payload.clone(), now_ms())
                .await
            {
                Ok(sent) => self.notify_message(&sent).await,
                Err(error) => tracing::warn!(%uid, %error, "cannot leave a system notice"),
            }
        }
    }
}
