//! WuKongIM's two sender lists of a channel, and what a call of the server API does to one.

/// A channel's blacklist or whitelist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderList {
    /// These uids may not send.
    Blacklist = 1,
    /// When not empty, only these uids may send (enforced for groups).
    Whitelist = 2,
}

/// What a call does to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListChange {
    Add,
    /// Replace the whole list.
    Set,
    Remove,
    RemoveAll,
}
