//! The user's option for all their messages (Tencent's `setAllReceiveMessageOpt`,
//! `getAllReceiveMessageOpt`): checked, stored, and told to the user's devices.

use natter_core::quiet_hours::QuietHours;
use natter_core::rules::RemindType;
use natter_core::wire::{self, ServerEvent};
use natter_core::{Error, Result, Uid};
use natter_store::receive_options::{self, ReceiveOption};

use crate::Natter;
use crate::events::{Frame, Recipients};

impl Natter {
    /// `PUT /v1/receive-option`: answers the option as stored; every device of the user hears
    /// `allReceiveMessageOptUpdated`.
    pub async fn set_receive_option(
        &self,
        uid: &Uid,
        request: wire::ReceiveOption,
    ) -> Result<wire::ReceiveOption> {
        let remind = match request.message_remind_type.as_str() {
            "AcceptAndNotify" => RemindType::AcceptAndNotify,
            "AcceptNotNotify" => RemindType::AcceptNotNotify,
            other => {
                return Err(Error::invalid_argument(format!(
                    "messageRemindType: \"AcceptAndNotify\" or \"AcceptNotNotify\" for all \
                     messages, not {other:?}"
                )));
            }
        };
        if request.start_time < 0 || request.end_time < 0 {
            return Err(Error::invalid_argument(
                "startTime, endTime: Unix seconds, 0 or more",
            ));
        }
        let option = ReceiveOption {
            remind,
            window: QuietHours {
                start_s: request.start_time,
                end_s: request.end_time,
                repeated: request.is_repeated,
            },
        };
        let user = uid.clone();
        self.write(move |db| receive_options::set(db, &user, &option))
            .await?;
        let shown = present(&option);
        let event = ServerEvent::AllReceiveMessageOptUpdated(shown.clone());
        self.events
            .publish(uid, &Frame::new(event, None), Recipients::All);
        Ok(shown)
    }

    /// `GET /v1/receive-option`: the user's option, or the default.
    pub async fn receive_option(&self, uid: &Uid) -> Result<wire::ReceiveOption> {
        let user = uid.clone();
        let option = self.read(move |db| receive_options::get(db, &user)).await?;
        Ok(present(&option))
    }
}

fn present(option: &ReceiveOption) -> wire::ReceiveOption {
    wire::ReceiveOption {
        message_remind_type: option.remind.name().to_owned(),
        start_time: option.window.start_s,
        end_time: option.window.end_s,
        is_repeated: option.window.repeated,
    }
}
