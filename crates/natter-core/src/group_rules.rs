//! Who may do what to a group from a client, by Tencent Cloud Chat's rules for its group types.
//!
//! The app backend (the server API) is bound by none of this: it manages any group. A client
//! creates a group and becomes its owner; what the others may then do depends on the type:
//! - a work group (`Private`) is the friends' group: any member adds people and edits the
//!   profile, only the owner removes members, nobody dismisses it, and nobody can ask to join;
//! - a `Public` or `ChatRoom` (meeting) group is run by its owner: only the owner removes
//!   members, edits the profile or dismisses it, and cannot leave it; members are added by the
//!   app backend, or join by themselves when the group's join option allows it;
//! - `AVChatRoom` and `Community` groups follow the `Public` rules; an audio-video room starts
//!   with its creator alone, and anyone joins it freely.
//!
//!
//! The owner of any group but a work group may name admins (Tencent's `setGroupMemberRole`), who
//! share the owner's running of it: they remove members, edit the profile, answer requests to
//! join and mute members, but only ordinary members ([`check_on_member`]); naming admins,
//! handing the group over and dismissing it stay the owner's. A work group has no admins and
//! mutes no one, as Tencent's.

use crate::ids::TOPIC_MARK;
use crate::{Error, Result};

/// A group's type, as Tencent's `TYPES.GRP_*` spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupType {
    /// `Private`: Tencent's work group (`GRP_WORK`), the default.
    Work,
    Public,
    /// `ChatRoom`: Tencent's meeting group (`GRP_MEETING`).
    Meeting,
    AvChatRoom,
    Community,
}

impl GroupType {
    pub const ALL: [GroupType; 5] = [
        GroupType::Work,
        GroupType::Public,
        GroupType::Meeting,
        GroupType::AvChatRoom,
        GroupType::Community,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::Work => "Private",
            GroupType::Public => "Public",
            GroupType::Meeting => "ChatRoom",
            GroupType::AvChatRoom => "AVChatRoom",
            GroupType::Community => "Community",
        }
    }

    /// Whether a new group of this type may start with members other than its creator. An
    /// audio-video room takes none: users join it by themselves, as Tencent's rooms are joined
    /// and never added to.
    pub fn takes_members_at_creation(self) -> bool {
        self != GroupType::AvChatRoom
    }

    /// Whether users who were never members may see the group's profile: those of groups
    /// users can find and join, as Tencent's `searchGroupByID` and `getGroupProfile` show
    /// them; a work group's stays with its members.
    pub fn profile_is_public(self) -> bool {
        self != GroupType::Work
    }

    /// Whether members may send targeted messages (Tencent's `receiverList`): not in
    /// audio-video rooms and communities, as Tencent's.
    pub fn takes_targeted_messages(self) -> bool {
        !matches!(self, GroupType::AvChatRoom | GroupType::Community)
    }

    /// Meeting groups show new members the history from before they joined, as Tencent's do.
    pub fn new_members_see_history(self) -> bool {
        self == GroupType::Meeting
    }

    /// Whether a group of this type takes a join option. As Tencent's, only public groups and
    /// communities do: a work group's is always `DisableApply`, a meeting group's and an
    /// audio-video room's always `FreeAccess`, and an option given for them is set aside, as
    /// Tencent's SDK sets it aside.
    pub fn takes_join_option(self) -> bool {
        matches!(self, GroupType::Public | GroupType::Community)
    }

    /// The join option the rules apply to a group of this type with `set` stored.
    pub fn join_option(self, set: Option<JoinOption>) -> JoinOption {
        match set {
            Some(option) if self.takes_join_option() => option,
            _ => self.default_join_option(),
        }
    }

    /// The join option a group of this type has when none is set: Tencent's defaults.
    pub fn default_join_option(self) -> JoinOption {
        match self {
            GroupType::Work => JoinOption::DisableApply,
            GroupType::Public | GroupType::Community => JoinOption::NeedPermission,
            GroupType::Meeting | GroupType::AvChatRoom => JoinOption::FreeAccess,
        }
    }
}

/// How a group takes users who ask to join (Tencent's `TYPES.JOIN_OPTIONS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOption {
    FreeAccess,
    /// Users ask, and the owner or an admin approves ([`joins_by_approval`]).
    NeedPermission,
    DisableApply,
}

impl JoinOption {
    pub const ALL: [JoinOption; 3] = [
        JoinOption::FreeAccess,
        JoinOption::NeedPermission,
        JoinOption::DisableApply,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|option| option.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JoinOption::FreeAccess => "FreeAccess",
            JoinOption::NeedPermission => "NeedPermission",
            JoinOption::DisableApply => "DisableApply",
        }
    }
}

/// What a client asks to do to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupAction {
    AddMembers,
    RemoveMembers,
    EditProfile,
    Dismiss,
    /// Hand the group to another member (Tencent's `changeGroupOwner`).
    TransferOwnership,
    /// Join by asking: at once, or by a request the owner handles ([`joins_by_approval`]).
    Join,
    Quit,
    /// Approve or refuse a request to join (Tencent's `handleGroupApplication`).
    HandleApplication,
    /// Name or unname an admin (Tencent's `setGroupMemberRole`).
    SetRoles,
    /// Mute a member for a while, or unmute them (Tencent's `setGroupMemberMuteTime`).
    MuteMembers,
    /// Set a member's name card, the name they show in this group (Tencent's
    /// `setGroupMemberNameCard`).
    SetNameCards,
    /// Pin a message at the top of the group, or unpin one (Tencent's `pinGroupMessage`).
    PinMessages,
    /// Set, raise or lower the group's counters (Tencent's `setGroupCounters`, …).
    ChangeCounters,
    /// Set or delete the group's attributes (Tencent's `setGroupAttributes`, …).
    ChangeAttributes,
    /// Set a member's custom fields in this group (Tencent's `setGroupMemberCustomField`).
    SetMemberFields,
    /// Mark members of an audio-video group, or unmark them (Tencent's `markGroupMemberList`).
    MarkMembers,
    /// Create, change or delete a community's topics (Tencent's `createTopicInCommunity`, …).
    ManageTopics,
}

/// The least mark number (Tencent's `markType`: smaller numbers are Tencent's own).
pub const MIN_MEMBER_MARK: u64 = 1000;
/// Distinct marks one group's members carry at most, and members one mark names at most
/// (Tencent's limits).
pub const MAX_MARKS_PER_GROUP: usize = 10;
pub const MAX_MEMBERS_PER_MARK: usize = 1000;

/// A member's role in a group (Tencent's `GRP_MBR_ROLE_*`), in order of rank: a member acts on
/// another member only when they rank above them ([`check_on_member`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    /// The role of a member who owns the group or not, and whom the owner named an admin or
    /// not: owning outranks the admin mark (a new owner may still carry one).
    pub fn of(is_owner: bool, is_admin: bool) -> Self {
        match (is_owner, is_admin) {
            (true, _) => Role::Owner,
            (false, true) => Role::Admin,
            (false, false) => Role::Member,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "Member",
            Role::Admin => "Admin",
            Role::Owner => "Owner",
        }
    }

    /// The role named as [`Role::as_str`] names it.
    pub fn from_name(name: &str) -> Option<Self> {
        [Role::Member, Role::Admin, Role::Owner]
            .into_iter()
            .find(|role| role.as_str() == name)
    }
}

/// Where a user stands in the group: a user who is not a member has the role `Member`, and no
/// rights from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub is_member: bool,
    pub role: Role,
}

/// The facts about a group that the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupFacts {
    pub group_type: GroupType,
    pub join_option: JoinOption,
    pub dismissed: bool,
}

/// Whether a user standing so may do `action` to the group; the error says why not, and what
/// would do it instead. `Join` by a member and `Quit` by a non-member are the callers' to
/// answer (Tencent answers them without an error), so they pass here.
pub fn check(
    action: GroupAction,
    group: &str,
    facts: GroupFacts,
    standing: Standing,
) -> Result<()> {
    if facts.dismissed {
        return Err(Error::not_a_member(format!(
            "group \"{group}\" was dismissed; it can no longer change"
        )));
    }
    if group.contains(TOPIC_MARK) {
        return Err(Error::invalid_argument(format!(
            "\"{group}\" is a topic: its members, their roles and its owner are its community's, \
             changed in the community; the topic's own profile is changed with PATCH \
             /v1/groups/{{communityID}}/topics/{{topicID}}"
        )));
    }
    let work = facts.group_type == GroupType::Work;
    let member_needed = matches!(
        action,
        GroupAction::AddMembers
            | GroupAction::RemoveMembers
            | GroupAction::EditProfile
            | GroupAction::Dismiss
            | GroupAction::TransferOwnership
            | GroupAction::HandleApplication
            | GroupAction::SetRoles
            | GroupAction::MuteMembers
            | GroupAction::SetNameCards
            | GroupAction::PinMessages
            | GroupAction::ChangeCounters
            | GroupAction::ChangeAttributes
            | GroupAction::SetMemberFields
            | GroupAction::MarkMembers
            | GroupAction::ManageTopics
    );
    if member_needed && !standing.is_member {
        return Err(Error::permission_denied(format!(
            "you are not a member of group \"{group}\""
        )));
    }
    let owner_only = |what: &str| {
        if standing.role == Role::Owner {
            Ok(())
        } else {
            Err(Error::permission_denied(format!(
                "only the owner of group \"{group}\" can {what}"
            )))
        }
    };
    let managers_only = |what: &str| {
        if standing.role >= Role::Admin {
            Ok(())
        } else {
            Err(Error::permission_denied(format!(
                "only the owner and the admins of group \"{group}\" can {what}"
            )))
        }
    };
    match action {
        GroupAction::AddMembers if work => Ok(()),
        GroupAction::AddMembers => Err(Error::permission_denied(format!(
            "members are added to a {} group (\"{group}\") by the app backend (server API POST \
             /channel/subscriber_add), or join it themselves; only work groups take members \
             from their members",
            facts.group_type.as_str()
        ))),
        GroupAction::RemoveMembers => managers_only("remove members"),
        GroupAction::EditProfile if work => Ok(()),
        GroupAction::EditProfile => managers_only("change its profile"),
        GroupAction::Dismiss if work => Err(Error::permission_denied(format!(
            "a work group (\"{group}\") cannot be dismissed by its members; the app backend \
             dismisses it (server API POST /channel/delete)"
        ))),
        GroupAction::Dismiss => owner_only("dismiss it"),
        GroupAction::TransferOwnership => owner_only("hand it to another member"),
        GroupAction::Join if standing.is_member => Ok(()),
        GroupAction::Join => match facts.join_option {
            JoinOption::FreeAccess | JoinOption::NeedPermission if !work => Ok(()),
            _ if work => Err(Error::permission_denied(format!(
                "a work group (\"{group}\") cannot be joined by asking; one of its members adds you"
            ))),
            _ => Err(Error::permission_denied(format!(
                "group \"{group}\" takes no requests to join"
            ))),
        },
        GroupAction::Quit if standing.role == Role::Owner && !work => {
            Err(Error::permission_denied(format!(
                "the owner cannot leave a {} group (\"{group}\"); dismiss it instead",
                facts.group_type.as_str()
            )))
        }
        GroupAction::Quit => Ok(()),
        GroupAction::HandleApplication => managers_only("handle requests to join it"),
        GroupAction::SetRoles | GroupAction::MuteMembers if work => {
            Err(Error::permission_denied(format!(
                "a work group (\"{group}\") has no admins and mutes no one; only Public, \
                 ChatRoom, AVChatRoom and Community groups do"
            )))
        }
        GroupAction::SetRoles => owner_only("name its admins"),
        GroupAction::MuteMembers => managers_only("mute members"),
        GroupAction::SetNameCards | GroupAction::ChangeCounters | GroupAction::ChangeAttributes => {
            Ok(())
        }
        GroupAction::SetMemberFields if facts.group_type == GroupType::AvChatRoom => {
            Err(Error::permission_denied(format!(
                "an AVChatRoom group (\"{group}\") keeps no member custom fields"
            )))
        }
        GroupAction::SetMemberFields => Ok(()),
        GroupAction::MarkMembers if facts.group_type != GroupType::AvChatRoom => {
            Err(Error::permission_denied(format!(
                "a {} group (\"{group}\") marks no members; only AVChatRoom groups do",
                facts.group_type.as_str()
            )))
        }
        GroupAction::MarkMembers => owner_only("mark its members"),
        GroupAction::PinMessages => match facts.group_type {
            GroupType::AvChatRoom | GroupType::Community => Err(Error::permission_denied(format!(
                "a {} group (\"{group}\") pins no messages; only Private, Public and ChatRoom \
                 groups do",
                facts.group_type.as_str()
            ))),
            // A work group has no admins, and may have no owner once the owner left.
            GroupType::Work => Ok(()),
            _ => managers_only("pin messages"),
        },
        GroupAction::ManageTopics if facts.group_type != GroupType::Community => {
            Err(Error::invalid_argument(format!(
                "a {} group (\"{group}\") has no topics; only a Community created with \
                 isSupportTopic does",
                facts.group_type.as_str()
            )))
        }
        GroupAction::ManageTopics => managers_only("manage its topics"),
    }
}

/// Whether a user standing so (`by`) may do `action` to another member of the group, `target`
/// (`member` names them), once [`check`] let them do it at all. A member acts only on those they
/// rank above: the owner on everyone else, an admin on ordinary members. A member's own name
/// card and custom fields are their own to set.
pub fn check_on_member(
    action: GroupAction,
    group: &str,
    by: Standing,
    member: &str,
    target: Standing,
    is_self: bool,
) -> Result<()> {
    if !target.is_member {
        return Err(Error::invalid_argument(format!(
            "userID: {member} is not a member of group \"{group}\""
        )));
    }
    if matches!(
        action,
        GroupAction::SetNameCards | GroupAction::SetMemberFields
    ) && is_self
    {
        return Ok(());
    }
    if target.role == Role::Owner {
        return Err(Error::permission_denied(format!(
            "{member} owns group \"{group}\"; no one else changes the owner's standing (the owner \
             hands the group over with changeGroupOwner)"
        )));
    }
    if by.role > target.role {
        return Ok(());
    }
    Err(Error::permission_denied(match target.role {
        Role::Admin => {
            format!("{member} is an admin of group \"{group}\"; only the owner acts on an admin")
        }
        _ => format!("only the owner and the admins of group \"{group}\" act on another member"),
    }))
}

/// Whether a user who may join the group ([`GroupAction::Join`]) joins by a request that its
/// owner approves, rather than at once: the group takes new members with approval
/// (`NeedPermission`, a public group's default), as Tencent's.
pub fn joins_by_approval(facts: GroupFacts) -> bool {
    facts.join_option == JoinOption::NeedPermission
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const MEMBER: Standing = Standing {
        is_member: true,
        role: Role::Member,
    };
    const ADMIN: Standing = Standing {
        is_member: true,
        role: Role::Admin,
    };
    const OWNER: Standing = Standing {
        is_member: true,
        role: Role::Owner,
    };
    const STRANGER: Standing = Standing {
        is_member: false,
        role: Role::Member,
    };

    fn facts(group_type: GroupType) -> GroupFacts {
        GroupFacts {
            group_type,
            join_option: group_type.default_join_option(),
            dismissed: false,
        }
    }

    #[test]
    fn a_communitys_managers_manage_its_topics_and_a_topic_is_managed_only_as_a_topic() {
        let community = facts(GroupType::Community);
        assert!(check(GroupAction::ManageTopics, "c", community, OWNER).is_ok());
        assert!(check(GroupAction::ManageTopics, "c", community, ADMIN).is_ok());
        assert!(check(GroupAction::ManageTopics, "c", community, MEMBER).is_err());
        assert!(
            check(
                GroupAction::ManageTopics,
                "p",
                facts(GroupType::Public),
                OWNER
            )
            .is_err()
        );
        let topic = "@TGS#_c@TOPIC#_news";
        for action in [
            GroupAction::AddMembers,
            GroupAction::EditProfile,
            GroupAction::Quit,
            GroupAction::Dismiss,
            GroupAction::MuteMembers,
        ] {
            let refused = check(action, topic, community, OWNER).unwrap_err();
            assert!(
                refused.message.contains("is a topic"),
                "{action:?}: {refused:?}"
            );
        }
    }

    fn allowed(action: GroupAction, facts: GroupFacts, standing: Standing) -> bool {
        check(action, "g", facts, standing).is_ok()
    }

    #[test]
    fn a_work_group_is_run_by_its_members_but_not_dismissed_or_joined() {
        let work = facts(GroupType::Work);
        assert!(allowed(GroupAction::AddMembers, work, MEMBER));
        assert!(allowed(GroupAction::EditProfile, work, MEMBER));
        assert!(!allowed(GroupAction::RemoveMembers, work, MEMBER));
        assert!(allowed(GroupAction::RemoveMembers, work, OWNER));
        assert!(!allowed(GroupAction::Dismiss, work, OWNER));
        assert!(!allowed(GroupAction::TransferOwnership, work, MEMBER));
        assert!(allowed(GroupAction::TransferOwnership, work, OWNER));
        assert!(!allowed(GroupAction::Join, work, STRANGER));
        assert!(
            allowed(GroupAction::Quit, work, OWNER),
            "the owner may leave a work group"
        );
    }

    #[test]
    fn public_and_meeting_groups_are_run_by_their_owner() {
        for kind in [GroupType::Public, GroupType::Meeting] {
            let group = facts(kind);
            assert!(
                !allowed(GroupAction::AddMembers, group, OWNER),
                "{kind:?}: the backend adds"
            );
            assert!(!allowed(GroupAction::EditProfile, group, MEMBER));
            assert!(allowed(GroupAction::EditProfile, group, OWNER));
            assert!(!allowed(GroupAction::Dismiss, group, MEMBER));
            assert!(allowed(GroupAction::Dismiss, group, OWNER));
            assert!(!allowed(GroupAction::Quit, group, OWNER));
            assert!(allowed(GroupAction::Quit, group, MEMBER));
        }
    }

    #[test]
    fn only_an_audio_video_rooms_owner_marks_its_members() {
        let room = facts(GroupType::AvChatRoom);
        assert!(allowed(GroupAction::MarkMembers, room, OWNER));
        assert!(!allowed(GroupAction::MarkMembers, room, ADMIN));
        assert!(!allowed(GroupAction::MarkMembers, room, STRANGER));
        for kind in [GroupType::Work, GroupType::Public, GroupType::Community] {
            assert!(
                !allowed(GroupAction::MarkMembers, facts(kind), OWNER),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn joining_follows_the_join_option() {
        assert!(allowed(
            GroupAction::Join,
            facts(GroupType::Meeting),
            STRANGER
        ));
        let public = facts(GroupType::Public);
        assert!(
            allowed(GroupAction::Join, public, STRANGER) && joins_by_approval(public),
            "by a request the owner approves, by default"
        );
        assert!(!allowed(GroupAction::HandleApplication, public, MEMBER));
        assert!(allowed(GroupAction::HandleApplication, public, OWNER));
        let open = GroupFacts {
            join_option: JoinOption::FreeAccess,
            ..public
        };
        assert!(allowed(GroupAction::Join, open, STRANGER) && !joins_by_approval(open));
        let closed = GroupFacts {
            join_option: JoinOption::DisableApply,
            ..public
        };
        assert!(!allowed(GroupAction::Join, closed, STRANGER));
    }

    #[test]
    fn strangers_change_nothing_and_a_dismissed_group_nothing_at_all() {
        for action in [
            GroupAction::AddMembers,
            GroupAction::RemoveMembers,
            GroupAction::EditProfile,
            GroupAction::Dismiss,
        ] {
            let error = check(action, "g", facts(GroupType::Work), STRANGER).unwrap_err();
            assert_eq!(error.kind, ErrorKind::PermissionDenied, "{action:?}");
        }
        let dismissed = GroupFacts {
            dismissed: true,
            ..facts(GroupType::Meeting)
        };
        assert!(!allowed(GroupAction::Join, dismissed, STRANGER));
        assert!(!allowed(GroupAction::Dismiss, dismissed, OWNER));
    }

    #[test]
    fn admins_run_a_group_with_its_owner_but_name_no_admins_and_hand_nothing_over() {
        let public = facts(GroupType::Public);
        for action in [
            GroupAction::RemoveMembers,
            GroupAction::EditProfile,
            GroupAction::HandleApplication,
            GroupAction::MuteMembers,
        ] {
            assert!(allowed(action, public, ADMIN), "{action:?}");
            assert!(!allowed(action, public, MEMBER), "{action:?}");
        }
        for action in [
            GroupAction::SetRoles,
            GroupAction::Dismiss,
            GroupAction::TransferOwnership,
        ] {
            assert!(!allowed(action, public, ADMIN), "{action:?}");
            assert!(allowed(action, public, OWNER), "{action:?}");
        }
    }

    #[test]
    fn messages_are_pinned_by_a_work_groups_members_and_elsewhere_by_its_managers() {
        assert!(allowed(
            GroupAction::PinMessages,
            facts(GroupType::Work),
            MEMBER
        ));
        for kind in [GroupType::Public, GroupType::Meeting] {
            assert!(
                !allowed(GroupAction::PinMessages, facts(kind), MEMBER),
                "{kind:?}"
            );
            assert!(
                allowed(GroupAction::PinMessages, facts(kind), ADMIN),
                "{kind:?}"
            );
        }
        for kind in [GroupType::AvChatRoom, GroupType::Community] {
            assert!(
                !allowed(GroupAction::PinMessages, facts(kind), OWNER),
                "{kind:?}"
            );
        }
        assert!(!allowed(
            GroupAction::PinMessages,
            facts(GroupType::Work),
            STRANGER
        ));
    }

    #[test]
    fn a_work_group_has_no_admins_and_mutes_no_one() {
        let work = facts(GroupType::Work);
        assert!(!allowed(GroupAction::SetRoles, work, OWNER));
        assert!(!allowed(GroupAction::MuteMembers, work, OWNER));
        assert!(allowed(GroupAction::SetNameCards, work, MEMBER));
    }

    #[test]
    fn members_act_only_on_those_they_rank_above() {
        let on = |action, by, target, is_self| {
            check_on_member(action, "g", by, "bob", target, is_self).is_ok()
        };
        assert!(on(GroupAction::MuteMembers, ADMIN, MEMBER, false));
        assert!(!on(GroupAction::MuteMembers, ADMIN, ADMIN, false));
        assert!(on(GroupAction::MuteMembers, OWNER, ADMIN, false));
        assert!(
            !on(GroupAction::SetRoles, OWNER, OWNER, true),
            "the owner stays the owner"
        );
        assert!(!on(GroupAction::RemoveMembers, ADMIN, OWNER, false));
        assert!(
            on(GroupAction::SetNameCards, MEMBER, MEMBER, true),
            "one's own card"
        );
        assert!(!on(GroupAction::SetNameCards, MEMBER, MEMBER, false));
        assert!(on(GroupAction::SetNameCards, OWNER, OWNER, true));
        let error = check_on_member(GroupAction::MuteMembers, "g", OWNER, "bob", STRANGER, false)
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidArgument);
    }

    #[test]
    fn only_public_groups_and_communities_take_a_join_option() {
        let set = Some(JoinOption::NeedPermission);
        assert_eq!(
            GroupType::Public.join_option(set),
            JoinOption::NeedPermission
        );
        assert_eq!(
            GroupType::Community.join_option(set),
            JoinOption::NeedPermission
        );
        assert_eq!(
            GroupType::Work.join_option(Some(JoinOption::FreeAccess)),
            JoinOption::DisableApply
        );
        assert_eq!(GroupType::Meeting.join_option(set), JoinOption::FreeAccess);
        assert_eq!(
            GroupType::Public.join_option(None),
            JoinOption::NeedPermission
        );
    }

    #[test]
    fn types_and_join_options_read_as_tencent_spells_them() {
        for kind in GroupType::ALL {
            assert_eq!(GroupType::parse(kind.as_str()), Some(kind));
        }
        for option in JoinOption::ALL {
            assert_eq!(JoinOption::parse(option.as_str()), Some(option));
        }
        assert_eq!(
            GroupType::parse("Work"),
            None,
            "Tencent's wire name is Private"
        );
    }
}
