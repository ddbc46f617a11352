//! A group's counters (Tencent's `setGroupCounters`, `increaseGroupCounter`,
//! `decreaseGroupCounter`, `getGroupCounters`) and attributes (`initGroupAttributes`,
//! `setGroupAttributes`, `deleteGroupAttributes`, `getGroupAttributes`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Set counters of the group, adding those it does not have yet.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SetGroupCountersRequest {
    /// 1–20 counters, each key 1–128 bytes, each value a 64-bit signed integer.
    pub counters: BTreeMap<String, i64>,
}

/// Raise or lower one counter (from 0 when the group does not have it yet).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupCounterStep {
    pub key: String,
    /// How much to raise or lower it by: 0 or more.
    pub value: i64,
}

/// Which counters to read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct GroupCountersRequest {
    /// Only these keys; every counter of the group when left out.
    #[serde(rename = "keyList", default)]
    pub key_list: Option<Vec<String>>,
}

/// Counters of one group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GroupCounters {
    #[serde(rename = "groupID")]
    pub group_id: String,
    pub counters: BTreeMap<String, i64>,
}

/// One counter of a group as it now is: the answer to a raise or a lowering, and
/// `groupCounterUpdated`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GroupCounter {
    #[serde(rename = "groupID")]
    pub group_id: String,
    pub key: String,
    pub value: i64,
    /// The change's place among all changes to the group's attributes and counters: higher is
    /// later, whichever node made it. Pushes of two changes may arrive in either order; a client
    /// drops one whose revision is below the newest it heard for the same group (and counter).
    pub revision: i64,
}

/// Attributes to give a group: all of them (`PUT`), or some to set (`POST`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupAttributesRequest {
    /// Keys 1–32 bytes, values up to 4,096 bytes; 16 keys and 16 KiB at most in the group.
    pub group_attributes: BTreeMap<String, String>,
}

/// Which attributes to read or delete.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct GroupAttributeKeys {
    /// Only these keys; every attribute of the group when left out.
    #[serde(rename = "keyList", default)]
    pub key_list: Option<Vec<String>>,
}

/// Attributes of one group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupAttributes {
    #[serde(rename = "groupID")]
    pub group_id: String,
    pub group_attributes: BTreeMap<String, String>,
}

/// A group's attributes after a change (`groupAttributesUpdated`), and what it changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupAttributesChanged {
    #[serde(rename = "groupID")]
    pub group_id: String,
    /// Every attribute of the group as it now is.
    pub group_attributes: BTreeMap<String, String>,
    /// Keys set to a new value, or added.
    pub updated_key_list: Vec<String>,
    /// Keys that went.
    pub deleted_key_list: Vec<String>,
    /// The change's place among the group's changes, as [`GroupCounter::revision`].
    pub revision: i64,
}
