//! Finding users, groups and group members by name or ID (Tencent's `searchCloudUsers`,
//! `searchCloudGroups`, `searchCloudGroupMembers`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Group, GroupProfile, Profile};

/// What to look for (`POST /v1/search/users`, `/groups`, `/group-members`): words, each found
/// in a name (letters in either case, in every script that has case) or equal to an ID; a page
/// of the matches.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DirectorySearch {
    /// 1–5 words, each 1–100 bytes.
    pub keyword_list: Vec<String>,
    /// `or` (the default): any of the words; `and`: all of them.
    #[serde(default)]
    pub keyword_list_match_type: Option<String>,
    /// Groups and members only: only groups of these types (`Private`, `Public`, `ChatRoom`,
    /// `Community`); all of them when left out. AVChatRoom groups are never searched.
    #[serde(default)]
    pub group_type_list: Option<Vec<String>>,
    /// Members only: only these of the user's groups (1–100 IDs); all of them when left out.
    #[serde(rename = "groupIDList", default)]
    pub group_id_list: Option<Vec<String>>,
    /// Users only: only users of this gender, `Gender_Type_Female` or `Gender_Type_Male`.
    #[serde(default)]
    pub user_gender_type: Option<crate::profile::Gender>,
    /// Users only: only users whose birthday, as they wrote it, is at least this (0 when left
    /// out while `maxBirthday` is given).
    #[serde(default)]
    pub mini_birthday: Option<u32>,
    /// Users only: only users whose birthday is at most this (4,294,967,295 when left out while
    /// `miniBirthday` is given).
    #[serde(default)]
    pub max_birthday: Option<u32>,
    /// Where the page starts: the `cursor` of the page before; none for the first.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1–100 (default 20).
    #[serde(default)]
    pub count: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserSearchResult {
    /// By user ID.
    pub search_result_list: Vec<Profile>,
    /// Where the next page starts; empty on the last page.
    pub cursor: String,
    /// How many users match in all.
    pub total_count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupSearchResult {
    /// By group ID; `selfRole` and `selfNameCard` are empty (`GET /v1/groups/{groupID}` tells
    /// the user's standing).
    pub search_result_list: Vec<Group>,
    pub cursor: String,
    pub total_count: u64,
}

/// A member found, as a list of results shows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FoundMember {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    /// Their name in this group; empty when they set none.
    pub name_card: String,
    pub avatar: String,
}

/// The members found in one group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembersFound {
    pub group_info: GroupProfile,
    /// By user ID.
    pub member_list: Vec<FoundMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupMemberSearchResult {
    /// By group ID; a page holds `count` members, so a group may go on on the next page.
    pub search_result_list: Vec<GroupMembersFound>,
    pub cursor: String,
    /// How many members match in all (a user in two groups counts twice).
    pub total_count: u64,
}
