//! Friend lists and friend requests: the client API's (`/v1/friends`, `/v1/friend-applications`),
//! with the client SDK's camelCase names, and the app backend's (`/user/friends…`), with the
//! server API's snake_case ones. The rules are `crate::friend_rules`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CustomField, Profile};
use crate::friend_rules::{Direction, Relation};

/// An entry of the user's friend list (Tencent's `Friend`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Friend {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// The name the user gives this friend (`''`: none).
    pub remark: String,
    /// Where the user found them: `AddSource_Type_…`.
    pub source: String,
    /// The note sent with the request that made the entry.
    pub wording: String,
    /// When the entry was made, in Unix milliseconds.
    pub add_time: i64,
    /// The user's friend groups this friend is in, oldest first.
    pub group_list: Vec<String>,
    /// The friend's profile as it is now.
    pub profile: Profile,
    /// What the user keeps about this friend, by key (Tencent's `friendCustomField`).
    pub friend_custom_field: Vec<CustomField>,
}

/// `GET /v1/friends`: the user's friend list, oldest entry first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendList {
    pub friend_list: Vec<Friend>,
}

/// `POST /v1/friends`: the user adds someone as a friend (Tencent's `addFriend`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"to": "bob", "source": "AddSource_Type_Web", "wording": "Hi, it's Alice", "remark": "Bobby", "type": "both"}))]
pub struct AddFriend {
    /// The user to add.
    pub to: String,
    /// Where the user found them: `AddSource_Type_` and a keyword of 1 to 8 bytes.
    pub source: String,
    /// A note to them, at most 256 bytes; shown with the request when they must consent.
    #[serde(default)]
    pub wording: String,
    /// The name to give them in the user's list, at most 96 bytes.
    #[serde(default)]
    pub remark: String,
    /// The user's friend group to put them in once added, made if need be (1 to 30 bytes).
    #[serde(default)]
    pub group_name: String,
    /// `both` (the default): each in the other's list; `single`: them in the user's list only.
    #[serde(default, rename = "type")]
    pub direction: Direction,
}

/// What an add did.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AddFriendStatus {
    /// The lists changed now: the user may add anyone, or had the user's consent already.
    Added,
    /// A friend request waits for their answer (Tencent's 30539).
    Pending,
}

/// The answer to `POST /v1/friends`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddedFriend {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub status: AddFriendStatus,
}

/// `POST /v1/friends/delete` and `POST /v1/friends/check`: users, and whose lists the call is
/// about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"userIDList": ["bob", "carol"], "type": "both"}))]
pub struct FriendIdList {
    /// 1 to 1,000 users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// `both` (the default): delete from both lists, or check both; `single`: the user's list
    /// only.
    #[serde(default, rename = "type")]
    pub direction: Direction,
}

/// A user a call left as it found them, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendFailure {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub message: String,
}

/// The answer to `POST /v1/friends/delete`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedFriends {
    /// Taken out of the user's list.
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<String>,
    /// Not in the user's list: nothing changed for them.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<FriendFailure>,
}

/// How one user stands towards the asking user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendRelation {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub relation: Relation,
}

/// The answer to `POST /v1/friends/check`, in the order asked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendRelations {
    pub result_list: Vec<FriendRelation>,
}

/// `POST /v1/friends/remark`: the user renames a friend in their list, or sets what they keep
/// about them (Tencent's `updateFriend`). At least one of the two.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"userID": "bob", "remark": "Bobby"}))]
pub struct FriendUpdate {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// At most 96 bytes; `''` takes the name away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Custom fields to set (Tencent's `friendCustomField`); the others keep their values, and an
    /// empty value removes a field. 20 at most per friend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friend_custom_field: Option<Vec<CustomField>>,
}

/// Which way a friend request goes, from the user's side.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum FriendApplicationType {
    /// Someone asked the user.
    Incoming,
    /// The user asked someone.
    Outgoing,
}

/// A friend request that waits (Tencent's `FriendApplication`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplication {
    /// The other user: who asked, or whom the user asked.
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    pub avatar: String,
    /// When it was asked (last asked, if asked again), in Unix milliseconds.
    pub time: i64,
    pub source: String,
    pub wording: String,
    #[serde(rename = "type")]
    pub application_type: FriendApplicationType,
}

/// `GET /v1/friend-applications`: the requests that wait, to the user and from them, newest
/// first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplicationList {
    pub application_list: Vec<FriendApplication>,
    /// Requests to the user made since they last marked them read.
    pub unread_count: u64,
}

/// `POST /v1/friend-applications/accept`: the user accepts a request (Tencent's
/// `acceptFriendApplication`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"userID": "alice", "type": "both", "remark": "Alice"}))]
pub struct AcceptFriendApplication {
    /// Who asked.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// `both` (the default): each in the other's list; `single`: the user in the asker's list
    /// only.
    #[serde(default, rename = "type")]
    pub direction: Direction,
    /// With `both`, the name to give the asker in the user's list (at most 96 bytes).
    #[serde(default)]
    pub remark: String,
}

/// `POST /v1/friend-applications/refuse` and `/delete`: one request, named by the other user
/// and, for a deletion, its way (a refusal is always of a request to the user).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"userID": "alice", "type": "incoming"}))]
pub struct FriendApplicationRef {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// `incoming` (the default): the request `userID` made to the user; `outgoing`: the user's
    /// request to `userID`.
    #[serde(default = "incoming", rename = "type")]
    pub application_type: FriendApplicationType,
}

fn incoming() -> FriendApplicationType {
    FriendApplicationType::Incoming
}

/// A user's friend group (Tencent's `FriendGroup`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendGroup {
    pub name: String,
    /// Its friends, by user ID.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    pub count: u64,
}

/// `GET /v1/friend-groups`: the user's friend groups, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FriendGroupList {
    pub friend_group_list: Vec<FriendGroup>,
}

/// `POST /v1/friend-groups` (create), `/add` and `/remove`: a group and friends.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Work", "userIDList": ["bob"]}))]
pub struct FriendGroupMembers {
    /// 1 to 30 bytes.
    pub name: String,
    /// 0 to 1,000 users (at least one to add or remove).
    #[serde(default, rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

/// What a change of a group's friends did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangedFriendGroup {
    /// The group as it now is.
    pub friend_group: FriendGroup,
    /// The users passed over: not the user's friends (create, add), or not in the group
    /// (remove).
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<FriendFailure>,
}

/// `POST /v1/friend-groups/delete`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Work"}))]
pub struct FriendGroupName {
    pub name: String,
}

/// `POST /v1/friend-groups/rename`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"oldName": "Work", "newName": "Colleagues"}))]
pub struct RenameFriendGroup {
    pub old_name: String,
    /// 1 to 30 bytes, not another group's.
    pub new_name: String,
}

/// `POST /user/friends/import`: the app backend puts users in a user's friend list, asking no one
/// (as when moving an app's friend lists to Natter).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"uid": "alice", "friends": [{"uid": "bob", "remark": "Bobby"}], "type": "both"}))]
pub struct FriendImport {
    /// Whose list.
    pub uid: String,
    /// 1 to 1,000 entries.
    pub friends: Vec<ImportedFriend>,
    /// `both` (the default): each friend lists the user too; `single`: the user's list only.
    #[serde(default, rename = "type")]
    pub direction: Direction,
}

/// An entry of a [`FriendImport`].
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportedFriend {
    pub uid: String,
    /// The name the user gives them (at most 96 bytes).
    #[serde(default)]
    pub remark: String,
    /// Where they met: `AddSource_Type_` and a keyword of 1 to 8 bytes.
    #[serde(default = "server_source")]
    pub source: String,
    /// The user's friend group to put them in, made if need be (1 to 30 bytes).
    #[serde(default)]
    pub group_name: String,
}

fn server_source() -> String {
    "AddSource_Type_Server".to_owned()
}

/// `POST /user/friends/delete`: the app backend takes users out of a user's friend list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"uid": "alice", "friend_uids": ["bob"], "type": "both"}))]
pub struct FriendRemoval {
    /// Whose list.
    pub uid: String,
    /// 1 to 1,000 users; those not in the list are passed over.
    pub friend_uids: Vec<String>,
    /// `both` (the default): the user leaves their lists too; `single`: the user's list only.
    #[serde(default, rename = "type")]
    pub direction: Direction,
}
