//! Requests to join a group that takes new members with approval, as its owner answers them
//! (Tencent's `getGroupApplicationList` and `handleGroupApplication`); asking is `joinGroup`, in
//! `client_groups.rs`.

use natter_core::wire;
use natter_core::{Error, GroupId, Result, Uid};
use natter_store::group_applications::{self, Decision};
use natter_store::profiles;

use crate::client_groups::{audience_if, check_request_message};
use crate::groups::group_notice;
use crate::{Natter, now_ms};

impl Natter {
    /// `GET /v1/group-applications`: the requests waiting for the user, to the groups they own.
    pub async fn group_applications(&self, uid: &Uid) -> Result<wire::GroupApplicationList> {
        let owner = uid.clone();
        let pending = self
            .read(move |db| group_applications::pending_for(db, &owner))
            .await?;
        Ok(wire::GroupApplicationList {
            application_list: pending
                .into_iter()
                .map(|application| wire::GroupApplication {
                    group_id: application.group.to_string(),
                    group_name: application.group_name,
                    applicant: application.applicant.to_string(),
                    applicant_nick: application.applicant_nick,
                    apply_message: application.message,
                    time: application.time_ms,
                })
                .collect(),
        })
    }

    /// `POST /v1/groups/{groupID}/applications/handle`: the owner approves a request (the
    /// applicant joins, and the group's tip tells everyone) or refuses it; the applicant finds
    /// the answer in `@TIM#SYSTEM`.
    pub async fn handle_group_application(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::HandleGroupApplication,
    ) -> Result<wire::Group> {
        let group = GroupId::parse(group_id, "groupID")?;
        let applicant = Uid::parse(&request.applicant, "applicant")?;
        let decision = match request.handle_action.as_str() {
            "Agree" => Decision::Agree,
            "Reject" => Decision::Reject,
            other => {
                return Err(Error::invalid_argument(format!(
                    "handleAction: {other:?} is not Agree or Reject"
                )));
            }
        };
        let message = request.handle_message.unwrap_or_default();
        check_request_message(&message, "handleMessage")?;
        let (id, by, asked, now_ms) = (group.clone(), uid.clone(), applicant.clone(), now_ms());
        let (joined, profile, audience) = self
            .write(move |db| {
                let joined = group_applications::handle(db, &id, &by, &asked, decision, now_ms)?;
                let audience = audience_if(db, &id, joined.is_some())?;
                Ok((joined, profiles::group_profile(db, &id)?, audience))
            })
            .await?;
        if let Some(change) = &joined {
            self.tell_joined(&group, change).await;
        }
        self.tell_group_changed(&profile, &audience);
        let kind = match decision {
            Decision::Agree => "groupJoinApproved",
            Decision::Reject => "groupJoinRejected",
        };
        let mut notice = group_notice(kind, &group, Some(uid));
        notice["message"] = message.into();
        self.notify_each(std::slice::from_ref(&applicant), &notice)
            .await;
        self.group_seen_by(&profile, uid).await
    }
}
