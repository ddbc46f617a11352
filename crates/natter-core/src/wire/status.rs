//! User status (Tencent's `setSelfStatus`, `getUserStatus`, `subscribeUserStatus`): whether a
//! user is connected anywhere, and the status they chose to show.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user's status. `statusType` is Tencent's number: 1 online (a connection open on any node),
/// 2 offline (signed in on a device, no connection open), 3 unlogined (never signed in, or every
/// device signed out); 0 (unknown) is never sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"userID": "bob", "statusType": 1, "customStatus": "in a meeting", "version": 7}))]
pub struct UserStatus {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub status_type: u8,
    /// What the user chose to show (`""`: nothing). Kept until they change it.
    pub custom_status: String,
    /// Rises with every change of the user's status: a push and an answer may cross, so a
    /// device keeps what it holds when it hears a version at or below it.
    pub version: u64,
}

/// `POST /v1/user-status/self`: the status the user shows.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"customStatus": "in a meeting"}))]
pub struct SetSelfStatusRequest {
    /// At most 100 bytes, as Tencent's; `""` clears it.
    pub custom_status: String,
}

/// `POST /v1/user-status`, `/subscribe` and `/unsubscribe`: the users asked about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"userIDList": ["bob", "carol"]}))]
pub struct UserStatusRequest {
    /// 1–500 users to ask about, 1–100 to subscribe to; to unsubscribe, left out, `null` or
    /// empty means every user subscribed to.
    #[serde(default, rename = "userIDList")]
    pub user_id_list: Option<Vec<String>>,
}

/// A user a call could not answer for or act on, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserStatusFailure {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub message: String,
}

/// The answer to `POST /v1/user-status`, in the order asked.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserStatusList {
    pub success_user_list: Vec<UserStatus>,
    /// Users who do not exist.
    pub failure_user_list: Vec<UserStatusFailure>,
}

/// The answer to `POST /v1/user-status/subscribe` and `/unsubscribe`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserStatusSubscription {
    /// Users who do not exist, and the caller (whose own status reaches their devices anyway).
    pub failure_user_list: Vec<UserStatusFailure>,
}

/// `GET /v1/groups/{groupID}/online-count` (Tencent's `getGroupOnlineMemberCount`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"memberCount": 3}))]
pub struct GroupOnlineMemberCount {
    /// Current members with a connection open on any node.
    pub member_count: u64,
}
