//! Finding users, groups and group members by name or ID (Tencent's `searchCloudUsers`,
//! `searchCloudGroups`, `searchCloudGroupMembers`): the checks of a search and its pages, over
//! what the store finds (`natter_store::directory`).

use natter_core::group_rules::GroupType;
use natter_core::profile::Gender;
use natter_core::wire::{self, DirectorySearch};
use natter_core::{Error, GroupId, Result, Uid};
use natter_store::directory::{self, UserFilters, Window, Words};

use crate::search::words;
use crate::{Natter, present};

/// A page of matches: Tencent's default and limit.
const DEFAULT_PAGE: u64 = 20;
const MAX_PAGE: u64 = 100;
/// Groups one member search may be narrowed to.
const MAX_GROUPS: usize = 100;

impl Natter {
    /// `POST /v1/search/users`.
    pub async fn search_users(&self, request: DirectorySearch) -> Result<wire::UserSearchResult> {
        for (given, field) in [
            (request.group_type_list.is_some(), "groupTypeList"),
            (request.group_id_list.is_some(), "groupIDList"),
        ] {
            if given {
                return Err(Error::invalid_argument(format!(
                    "{field}: a search of users has no groups to narrow"
                )));
            }
        }
        let (words, window) = checked(&request)?;
        let filters = UserFilters {
            gender: match request.user_gender_type {
                None => None,
                Some(Gender::Unknown) => {
                    return Err(Error::invalid_argument(
                        "userGenderType: Gender_Type_Female or Gender_Type_Male; leave it out for \
                         any",
                    ));
                }
                gender => gender,
            },
            birthdays: match (request.mini_birthday, request.max_birthday) {
                (None, None) => None,
                (first, last) => Some((first.unwrap_or(0), last.unwrap_or(u32::MAX))),
            },
        };
        let found = self
            .read(move |db| directory::users(db, &words, filters, window))
            .await?;
        Ok(wire::UserSearchResult {
            cursor: next_cursor(window, found.page.len(), found.total),
            total_count: found.total,
            search_result_list: found.page.iter().map(present::profile).collect(),
        })
    }

    /// `POST /v1/search/groups`: the groups `uid` may see.
    pub async fn search_groups(
        &self,
        uid: &Uid,
        request: DirectorySearch,
    ) -> Result<wire::GroupSearchResult> {
        if request.group_id_list.is_some() {
            return Err(Error::invalid_argument(
                "groupIDList: a search of groups finds them by keywordList",
            ));
        }
        refuse_user_filters(&request)?;
        let (words, window) = checked(&request)?;
        let types = group_types(request.group_type_list.as_deref())?;
        let searcher = uid.clone();
        let found = self
            .read(move |db| directory::groups(db, &searcher, &words, &types, window))
            .await?;
        Ok(wire::GroupSearchResult {
            cursor: next_cursor(window, found.page.len(), found.total),
            total_count: found.total,
            // As Tencent's search: no `selfInfo` (getGroupProfile tells the user's standing).
            search_result_list: found
                .page
                .iter()
                .map(|group| present::group(group, None))
                .collect(),
        })
    }

    /// `POST /v1/search/group-members`: the members found, by group.
    pub async fn search_group_members(
        &self,
        uid: &Uid,
        request: DirectorySearch,
    ) -> Result<wire::GroupMemberSearchResult> {
        refuse_user_filters(&request)?;
        let (words, window) = checked(&request)?;
        let types = group_types(request.group_type_list.as_deref())?;
        let only = match &request.group_id_list {
            None => None,
            Some(ids) if ids.is_empty() || ids.len() > MAX_GROUPS => {
                return Err(Error::invalid_argument(format!(
                    "groupIDList: 1 to {MAX_GROUPS} groups, not {}",
                    ids.len()
                )));
            }
            Some(ids) => Some(
                ids.iter()
                    .map(|id| GroupId::parse(id, "groupIDList"))
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        let searcher = uid.clone();
        let found = self
            .read(move |db| {
                directory::members(db, &searcher, &words, &types, only.as_deref(), window)
            })
            .await?;
        let mut by_group: Vec<wire::GroupMembersFound> = Vec::new();
        for member in &found.page {
            let shown = wire::FoundMember {
                user_id: member.profile.uid.to_string(),
                nick: member.profile.nick.clone(),
                name_card: member.name_card.clone(),
                avatar: member.profile.avatar.clone(),
            };
            match by_group.last_mut() {
                Some(last) if last.group_info.group_id == member.group.as_str() => {
                    last.member_list.push(shown);
                }
                _ => by_group.push(wire::GroupMembersFound {
                    group_info: wire::GroupProfile {
                        group_id: member.group.to_string(),
                        name: member.group_name.clone(),
                        avatar: member.group_avatar.clone(),
                        group_type: member.group_type.clone(),
                    },
                    member_list: vec![shown],
                }),
            }
        }
        Ok(wire::GroupMemberSearchResult {
            cursor: next_cursor(window, found.page.len(), found.total),
            total_count: found.total,
            search_result_list: by_group,
        })
    }
}

/// Refuses a search of groups or members that names what only users have.
fn refuse_user_filters(request: &DirectorySearch) -> Result<()> {
    for (given, field) in [
        (request.user_gender_type.is_some(), "userGenderType"),
        (request.mini_birthday.is_some(), "miniBirthday"),
        (request.max_birthday.is_some(), "maxBirthday"),
    ] {
        if given {
            return Err(Error::invalid_argument(format!(
                "{field}: only a search of users narrows by it"
            )));
        }
    }
    Ok(())
}

/// The words (1–5 of them: a search of people and groups needs words) and the page asked for.
fn checked(request: &DirectorySearch) -> Result<(Words, Window)> {
    if request.keyword_list.is_empty() {
        return Err(Error::invalid_argument(
            "keywordList: give 1 to 5 words to look for",
        ));
    }
    let all_words = words(
        &request.keyword_list,
        request.keyword_list_match_type.as_deref(),
    )?;
    let count = request.count.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&count) {
        return Err(Error::invalid_argument(format!(
            "count: 1 to {MAX_PAGE}, not {count}"
        )));
    }
    // The cursor is how many matches the pages before held: a search is read again for each
    // page, so matches made in between may shift a page by as many.
    let offset = match request.cursor.as_deref() {
        None | Some("") => 0,
        Some(cursor) => cursor.parse().map_err(|_| {
            Error::invalid_argument(format!(
                "cursor: {cursor:?} is not a cursor this search gave"
            ))
        })?,
    };
    let words = Words {
        words: request.keyword_list.clone(),
        all_words,
    };
    Ok((words, Window { offset, count }))
}

/// The group types a search takes: those named (not AVChatRoom, which is never searched), or
/// every other.
fn group_types(named: Option<&[String]>) -> Result<Vec<GroupType>> {
    let searchable = |kind: &GroupType| *kind != GroupType::AvChatRoom;
    let Some(named) = named else {
        return Ok(GroupType::ALL.into_iter().filter(searchable).collect());
    };
    named
        .iter()
        .map(|name| match GroupType::parse(name).filter(searchable) {
            Some(kind) => Ok(kind),
            None => Err(Error::invalid_argument(format!(
                "groupTypeList: {name:?} is not a type searched; use Private, Public, ChatRoom or \
                 Community"
            ))),
        })
        .collect()
}

/// Where the page after this one starts; empty when this was the last.
fn next_cursor(window: Window, returned: usize, total: u64) -> String {
    let next = window.offset + returned as u64;
    if returned > 0 && next < total {
        next.to_string()
    } else {
        String::new()
    }
}
