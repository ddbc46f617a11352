//! Friends, by Tencent Cloud Chat's rules for its relationship chain.
//!
//! A friendship is a list entry: `alice` has `bob` in her list, and he may or may not have her in
//! his. Adding "both ways" (the default) puts each in the other's list; adding "single" puts only
//! the added user in the adder's. Whether an add takes effect at once is the added user's choice
//! in their profile ([`AllowType`]): anyone, after their consent (a friend request they accept,
//! refuse or leave), or no one. A user who already has the adder in their list, or who asked the
//! adder first, has consented already. Blocking either way refuses the add.
//!
//! Nothing here reads or writes: the store gathers the [`AddFacts`] inside its write and applies
//! the [`AddOutcome`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::limits::{
    MAX_FRIEND_GROUP_NAME_BYTES, MAX_FRIEND_REMARK_BYTES, MAX_FRIEND_SOURCE_KEYWORD_BYTES,
    MAX_FRIEND_WORDING_BYTES,
};
use crate::{Error, Result};

/// Who may add a user as a friend: the user's choice in their profile, with Tencent's names.
/// A new user asks for consent, as Tencent's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum AllowType {
    #[serde(rename = "AllowType_Type_AllowAny")]
    AllowAny,
    #[default]
    #[serde(rename = "AllowType_Type_NeedConfirm")]
    NeedConfirm,
    #[serde(rename = "AllowType_Type_DenyAny")]
    DenyAny,
}

impl AllowType {
    /// The number the store keeps.
    pub fn code(self) -> i64 {
        match self {
            AllowType::AllowAny => 0,
            AllowType::NeedConfirm => 1,
            AllowType::DenyAny => 2,
        }
    }

    /// The type a stored number names; an unknown number (a newer server's) asks for consent.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => AllowType::AllowAny,
            2 => AllowType::DenyAny,
            _ => AllowType::NeedConfirm,
        }
    }
}

/// Whose lists an add or a deletion changes, or a check reads (Tencent's `Add_Type_Both`,
/// `Delete_Type_Single`, `CheckResult_Type_Both`, … each call's own names for the same two).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// The adder's list and the added user's.
    #[default]
    Both,
    /// The adder's list only.
    Single,
}

/// What the store knows, inside the write, about an add of `target` by `adder`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddFacts {
    /// The app forbids the adder to ask others to be friends (`AdminForbid_Type_SendOut`).
    pub adder_forbidden: bool,
    /// The adder blocks the target (the adder's blocklist holds them).
    pub adder_blocks_target: bool,
    /// The target blocks the adder.
    pub target_blocks_adder: bool,
    /// The adder's list holds the target already.
    pub adder_lists_target: bool,
    /// The target's list holds the adder: they chose the adder already.
    pub target_lists_adder: bool,
    /// The target asked the adder to be friends, and the request waits.
    pub target_asked_adder: bool,
    pub target_allows: AllowType,
}

/// What an add does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    /// The lists change now (the direction says whose).
    Added,
    /// A friend request waits for the target's answer (Tencent's 30539).
    Pending,
}

/// Why an add is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddRefusal {
    /// Tencent's 30001 for this case: the target is in the adder's list already.
    AlreadyFriends,
    /// Tencent's 30515: the adder blocks the target.
    AdderBlocksTarget,
    /// Tencent's 30525: the target blocks the adder.
    TargetBlocksAdder,
    /// Tencent's 30516: the target takes no friend requests.
    TargetDeniesAll,
    /// The app forbids the adder to ask (`AdminForbid_Type_SendOut`), and the target did not ask
    /// them first.
    AdderForbidden,
}

/// Whether an add takes effect now, waits for consent, or is refused; in Tencent's order:
/// blocking first, then an entry already there, then consent. An adder the app forbids to ask
/// is refused first, unless the add answers the target's own request.
pub fn judge_add(facts: AddFacts) -> std::result::Result<AddOutcome, AddRefusal> {
    if facts.adder_forbidden && !facts.target_asked_adder {
        return Err(AddRefusal::AdderForbidden);
    }
    if facts.adder_blocks_target {
        return Err(AddRefusal::AdderBlocksTarget);
    }
    if facts.target_blocks_adder {
        return Err(AddRefusal::TargetBlocksAdder);
    }
    if facts.adder_lists_target {
        return Err(AddRefusal::AlreadyFriends);
    }
    if facts.target_lists_adder || facts.target_asked_adder {
        return Ok(AddOutcome::Added);
    }
    match facts.target_allows {
        AllowType::AllowAny => Ok(AddOutcome::Added),
        AllowType::NeedConfirm => Ok(AddOutcome::Pending),
        AllowType::DenyAny => Err(AddRefusal::TargetDeniesAll),
    }
}

/// How `someone` stands towards the asking user, with Tencent's names for `checkFriend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Relation {
    #[serde(rename = "CheckResult_Type_NoRelation")]
    NoRelation,
    /// The asking user's list holds them; theirs does not hold the asking user.
    #[serde(rename = "CheckResult_Type_AWithB")]
    AWithB,
    /// Their list holds the asking user; the asking user's does not hold them.
    #[serde(rename = "CheckResult_Type_BWithA")]
    BWithA,
    #[serde(rename = "CheckResult_Type_BothWay")]
    BothWay,
}

impl Relation {
    /// The relation from the two lists; a `Single` check looks at the asking user's list only.
    pub fn of(check: Direction, mine_holds_them: bool, theirs_holds_me: bool) -> Self {
        match (mine_holds_them, theirs_holds_me && check == Direction::Both) {
            (false, false) => Relation::NoRelation,
            (true, false) => Relation::AWithB,
            (false, true) => Relation::BWithA,
            (true, true) => Relation::BothWay,
        }
    }
}

/// Checks an add's `source`: Tencent's `AddSource_Type_` and a keyword of 1 to 8 bytes that
/// says where the adder found the user (`AddSource_Type_Web`).
pub fn check_source(source: &str) -> Result<()> {
    const PREFIX: &str = "AddSource_Type_";
    let keyword = source.strip_prefix(PREFIX).unwrap_or_default();
    if keyword.is_empty() || keyword.len() > MAX_FRIEND_SOURCE_KEYWORD_BYTES {
        return Err(Error::invalid_argument(format!(
            "source: {source:?} is not {PREFIX} followed by a keyword of 1 to \
             {MAX_FRIEND_SOURCE_KEYWORD_BYTES} bytes (AddSource_Type_Web)"
        )));
    }
    Ok(())
}

/// Checks the note an adder writes to the user they ask (Tencent's `wording`).
pub fn check_wording(wording: &str) -> Result<()> {
    check_length("wording", wording, MAX_FRIEND_WORDING_BYTES)
}

/// Checks the name of a friend group: 1 to 30 bytes.
pub fn check_group_name(name: &str, field: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_argument(format!(
            "{field}: a friend group needs a name"
        )));
    }
    check_length(field, name, MAX_FRIEND_GROUP_NAME_BYTES)
}

/// Checks the name a user gives a friend in their own list (Tencent's `remark`).
pub fn check_remark(remark: &str) -> Result<()> {
    check_length("remark", remark, MAX_FRIEND_REMARK_BYTES)
}

fn check_length(field: &str, value: &str, max_bytes: usize) -> Result<()> {
    if value.len() > max_bytes {
        return Err(Error::invalid_argument(format!(
            "{field}: at most {max_bytes} bytes, got {}",
            value.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> AddFacts {
        AddFacts::default()
    }

    #[test]
    fn consent_follows_the_targets_allow_type() {
        for (allows, outcome) in [
            (AllowType::AllowAny, Ok(AddOutcome::Added)),
            (AllowType::NeedConfirm, Ok(AddOutcome::Pending)),
            (AllowType::DenyAny, Err(AddRefusal::TargetDeniesAll)),
        ] {
            let add = AddFacts {
                target_allows: allows,
                ..facts()
            };
            assert_eq!(judge_add(add), outcome, "{allows:?}");
        }
    }

    #[test]
    fn an_adder_the_app_forbids_only_answers_requests() {
        let forbidden = AddFacts {
            adder_forbidden: true,
            target_allows: AllowType::AllowAny,
            ..facts()
        };
        assert_eq!(judge_add(forbidden), Err(AddRefusal::AdderForbidden));
        let answering = AddFacts {
            target_asked_adder: true,
            ..forbidden
        };
        assert_eq!(judge_add(answering), Ok(AddOutcome::Added));
    }

    #[test]
    fn a_target_who_chose_the_adder_already_needs_no_request() {
        for chose in [
            AddFacts {
                target_lists_adder: true,
                ..facts()
            },
            AddFacts {
                target_asked_adder: true,
                ..facts()
            },
        ] {
            for allows in [AllowType::NeedConfirm, AllowType::DenyAny] {
                let add = AddFacts {
                    target_allows: allows,
                    ..chose
                };
                assert_eq!(judge_add(add), Ok(AddOutcome::Added));
            }
        }
    }

    #[test]
    fn blocking_either_way_refuses_before_anything_else() {
        let both = AddFacts {
            adder_blocks_target: true,
            target_blocks_adder: true,
            adder_lists_target: true,
            target_lists_adder: true,
            target_allows: AllowType::AllowAny,
            ..facts()
        };
        assert_eq!(judge_add(both), Err(AddRefusal::AdderBlocksTarget));
        let theirs = AddFacts {
            adder_blocks_target: false,
            ..both
        };
        assert_eq!(judge_add(theirs), Err(AddRefusal::TargetBlocksAdder));
        let listed = AddFacts {
            target_blocks_adder: false,
            ..theirs
        };
        assert_eq!(judge_add(listed), Err(AddRefusal::AlreadyFriends));
    }

    #[test]
    fn a_single_check_looks_at_the_asking_users_list_only() {
        assert_eq!(Relation::of(Direction::Both, true, true), Relation::BothWay);
        assert_eq!(Relation::of(Direction::Both, false, true), Relation::BWithA);
        assert_eq!(
            Relation::of(Direction::Single, true, true),
            Relation::AWithB
        );
        assert_eq!(
            Relation::of(Direction::Single, false, true),
            Relation::NoRelation
        );
    }

    #[test]
    fn a_source_is_the_prefix_and_a_short_keyword() {
        assert!(check_source("AddSource_Type_Web").is_ok());
        assert!(check_source("AddSource_Type_12345678").is_ok());
        for bad in ["", "Web", "AddSource_Type_", "AddSource_Type_123456789"] {
            assert!(check_source(bad).is_err(), "{bad:?}");
        }
    }
}
