//! A group's attributes (Tencent's `initGroupAttributes`, `setGroupAttributes`,
//! `deleteGroupAttributes`, `getGroupAttributes`): the checks of a change, and the push of the
//! attributes as they now are to every current member's devices.

use std::collections::BTreeMap;

use natter_core::limits::{
    MAX_GROUP_ATTRIBUTE_KEY_BYTES, MAX_GROUP_ATTRIBUTE_VALUE_BYTES, refuse_nul,
};
use natter_core::wire::{self, ServerEvent};
use natter_core::{Error, GroupId, Result, Uid};
use natter_store::group_attributes::{self, AttributeEdit};

use crate::Natter;
use crate::events::{Frame, Recipients};

impl Natter {
    /// `PUT /v1/groups/{groupID}/attributes` (`replace`) and `POST` (merge): answers the
    /// attributes given.
    pub async fn set_group_attributes(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupAttributesRequest,
        replace: bool,
    ) -> Result<wire::GroupAttributes> {
        for (key, value) in &request.group_attributes {
            check_key(key, "groupAttributes")?;
            if value.len() > MAX_GROUP_ATTRIBUTE_VALUE_BYTES {
                return Err(Error::invalid_argument(format!(
                    "groupAttributes: the value of {key:?} is {} bytes; at most \
                     {MAX_GROUP_ATTRIBUTE_VALUE_BYTES}",
                    value.len()
                )));
            }
            refuse_nul("groupAttributes", value)?;
        }
        if !replace && request.group_attributes.is_empty() {
            return Err(Error::invalid_argument(
                "groupAttributes: give at least one attribute to set",
            ));
        }
        let given = request.group_attributes;
        let edit = if replace {
            AttributeEdit::Replace(given.clone())
        } else {
            AttributeEdit::Merge(given.clone())
        };
        let group = GroupId::parse(group_id, "groupID")?;
        self.change_attributes(uid, &group, edit).await?;
        Ok(wire::GroupAttributes {
            group_id: group.to_string(),
            group_attributes: given,
        })
    }

    /// `POST /v1/groups/{groupID}/attributes/delete`: deletes keys, or every key; answers the
    /// attributes left.
    pub async fn delete_group_attributes(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupAttributeKeys,
    ) -> Result<wire::GroupAttributes> {
        if let Some(keys) = &request.key_list {
            for key in keys {
                check_key(key, "keyList")?;
            }
        }
        let group = GroupId::parse(group_id, "groupID")?;
        let left = self
            .change_attributes(uid, &group, AttributeEdit::Delete(request.key_list))
            .await?;
        Ok(wire::GroupAttributes {
            group_id: group.to_string(),
            group_attributes: left,
        })
    }

    /// `POST /v1/groups/{groupID}/attributes/get`: the group's attributes, for a current member.
    pub async fn group_attributes(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupAttributeKeys,
    ) -> Result<wire::GroupAttributes> {
        let group = GroupId::parse(group_id, "groupID")?;
        let (reader, asked) = (uid.clone(), group.clone());
        let attributes = self
            .read(move |db| group_attributes::get(db, &reader, &asked, request.key_list.as_deref()))
            .await?;
        Ok(wire::GroupAttributes {
            group_id: group.to_string(),
            group_attributes: attributes,
        })
    }

    /// Writes a change; when it changed anything, tells every current member. The attributes
    /// as they now are.
    async fn change_attributes(
        &self,
        uid: &Uid,
        group: &GroupId,
        edit: AttributeEdit,
    ) -> Result<BTreeMap<String, String>> {
        let (by, changed_group) = (uid.clone(), group.clone());
        let changed = self
            .write(move |db| group_attributes::change(db, &changed_group, &by, &edit))
            .await?;
        if let Some(revision) = changed.revision {
            let frame = Frame::new(
                ServerEvent::GroupAttributesUpdated(wire::GroupAttributesChanged {
                    group_id: group.to_string(),
                    group_attributes: changed.attributes.clone(),
                    updated_key_list: changed.updated,
                    deleted_key_list: changed.deleted,
                    revision,
                }),
                None,
            );
            for member in &changed.members {
                if self.events.may_be_online(member) {
                    self.events.publish(member, &frame, Recipients::All);
                }
            }
        }
        Ok(changed.attributes)
    }
}

/// An attribute's key: 1–32 bytes.
fn check_key(key: &str, field: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_GROUP_ATTRIBUTE_KEY_BYTES {
        return Err(Error::invalid_argument(format!(
            "{field}: an attribute's key is 1 to {MAX_GROUP_ATTRIBUTE_KEY_BYTES} bytes, not {}",
            key.len()
        )));
    }
    refuse_nul(field, key)
}
