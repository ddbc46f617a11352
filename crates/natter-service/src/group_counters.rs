//! A group's counters (Tencent's `setGroupCounters`, `increaseGroupCounter`,
//! `decreaseGroupCounter`, `getGroupCounters`): the checks of a change, and the push of each
//! changed counter to every current member's devices.

use natter_core::limits::{MAX_COUNTER_KEY_BYTES, MAX_COUNTERS_PER_GROUP, refuse_nul};
use natter_core::wire::{self, ServerEvent};
use natter_core::{Error, GroupId, Result, Uid};
use natter_store::group_counters::{self, CounterChange, CountersChanged};

use crate::Natter;
use crate::events::{Frame, Recipients};

/// Which way a step moves a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterStep {
    Up,
    Down,
}

impl Natter {
    /// `POST /v1/groups/{groupID}/counters`: sets counters; answers them as set.
    pub async fn set_group_counters(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::SetGroupCountersRequest,
    ) -> Result<wire::GroupCounters> {
        let count = request.counters.len();
        if count == 0 || count > MAX_COUNTERS_PER_GROUP {
            return Err(Error::invalid_argument(format!(
                "counters: 1 to {MAX_COUNTERS_PER_GROUP} counters, not {count}"
            )));
        }
        for key in request.counters.keys() {
            check_key(key, "counters")?;
        }
        let group = GroupId::parse(group_id, "groupID")?;
        let changed = self
            .change_counters(uid, &group, CounterChange::Set(request.counters))
            .await?;
        Ok(wire::GroupCounters {
            group_id: group.to_string(),
            counters: changed.counters,
        })
    }

    /// `POST /v1/groups/{groupID}/counters/increase` and `/decrease`: moves one counter by a
    /// step; answers it as it now is.
    pub async fn step_group_counter(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupCounterStep,
        step: CounterStep,
    ) -> Result<wire::GroupCounter> {
        check_key(&request.key, "key")?;
        if request.value < 0 {
            return Err(Error::invalid_argument(format!(
                "value: a step of 0 or more, not {}; the other call moves the other way",
                request.value
            )));
        }
        let by = match step {
            CounterStep::Up => request.value,
            CounterStep::Down => -request.value,
        };
        let group = GroupId::parse(group_id, "groupID")?;
        let key = request.key;
        let changed = self
            .change_counters(
                uid,
                &group,
                CounterChange::Add {
                    key: key.clone(),
                    by,
                },
            )
            .await?;
        Ok(wire::GroupCounter {
            group_id: group.to_string(),
            value: changed.counters.get(&key).copied().unwrap_or_default(),
            key,
            revision: changed.revision,
        })
    }

    /// `POST /v1/groups/{groupID}/counters/get`: the group's counters, for a current member.
    pub async fn group_counters(
        &self,
        uid: &Uid,
        group_id: &str,
        request: wire::GroupCountersRequest,
    ) -> Result<wire::GroupCounters> {
        let group = GroupId::parse(group_id, "groupID")?;
        if let Some(keys) = &request.key_list {
            for key in keys {
                check_key(key, "keyList")?;
            }
        }
        let (reader, asked) = (uid.clone(), group.clone());
        let counters = self
            .read(move |db| group_counters::get(db, &reader, &asked, request.key_list.as_deref()))
            .await?;
        Ok(wire::GroupCounters {
            group_id: group.to_string(),
            counters,
        })
    }

    /// Writes a change, then tells every current member of each counter it set.
    async fn change_counters(
        &self,
        uid: &Uid,
        group: &GroupId,
        change: CounterChange,
    ) -> Result<CountersChanged> {
        let (by, changed_group) = (uid.clone(), group.clone());
        let changed = self
            .write(move |db| group_counters::change(db, &changed_group, &by, &change))
            .await?;
        for (key, value) in &changed.counters {
            let frame = Frame::new(
                ServerEvent::GroupCounterUpdated(wire::GroupCounter {
                    group_id: group.to_string(),
                    key: key.clone(),
                    value: *value,
                    revision: changed.revision,
                }),
                None,
            );
            for member in &changed.members {
                if self.events.may_be_online(member) {
                    self.events.publish(member, &frame, Recipients::All);
                }
            }
        }
        Ok(changed)
    }
}

/// A counter's key: 1–128 bytes.
fn check_key(key: &str, field: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_COUNTER_KEY_BYTES {
        return Err(Error::invalid_argument(format!(
            "{field}: a counter's key is 1 to {MAX_COUNTER_KEY_BYTES} bytes, not {}",
            key.len()
        )));
    }
    refuse_nul(field, key)
}
