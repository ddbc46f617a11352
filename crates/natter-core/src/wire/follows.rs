//! Following (Tencent's `followUser`, `unfollowUser`, `getMyFollowersList`,
//! `getMyFollowingList`, `getMutualFollowersList`, `getUserFollowInfo`, `checkFollowType`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Users to follow or stop following.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FollowRequest {
    /// 1–20 users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

/// How a follow or unfollow went for one user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowResult {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// 0 when it was done; else the error code of the API that says why (40001 oneself or a
    /// malformed ID, 40401 no such user or not followed, 40901 the user follows 5,000 already).
    pub result_code: u32,
    /// Why not, or `""`.
    pub result_info: String,
}

/// One result per user asked about, in that order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowResultList {
    pub result_list: Vec<FollowResult>,
}

/// Which of the user's relations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum FollowListType {
    /// Those who follow the user.
    Followers,
    /// Those the user follows.
    Following,
    /// Those both.
    Mutual,
}

/// A user of a follow list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowedUser {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// When the follow began, seconds since the epoch (for a mutual follower, the user's own).
    pub follow_time: i64,
    pub nick: String,
    pub avatar: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowList {
    /// Newest follow first.
    pub result_list: Vec<FollowedUser>,
    /// Where the next page starts; empty on the last page.
    pub next_cursor: String,
}

/// Users to ask about: 1–100; for counts, left out or empty: the user themself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct FollowQuestion {
    #[serde(rename = "userIDList", default)]
    pub user_id_list: Vec<String>,
}

/// How many follow a user, whom they follow, and how many both.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowInfo {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub followers_count: u64,
    pub following_count: u64,
    pub mutual_followers_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowInfoList {
    /// In the order asked.
    pub follow_info_list: Vec<FollowInfo>,
}

/// How one user stands to the asking user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowType {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Tencent's: 0 neither follows the other, 1 they follow the user, 2 the user follows them,
    /// 3 both.
    pub follow_type: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowTypeList {
    /// In the order asked.
    pub result_list: Vec<FollowType>,
}

/// One of the user's lists changed by one user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowListChange {
    pub list_type: FollowListType,
    /// Added to the list, or taken out of it.
    pub is_add: bool,
}
