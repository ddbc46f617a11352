//! Cluster presence: which users hold a connection on which other node, so that a node builds
//! and publishes a user's events only when another node may need them. Plain data and pure
//! methods; the router in `lib.rs` feeds them what it hears and says.

use std::collections::{HashMap, HashSet};

use natter_core::Uid;
use serde::{Deserialize, Serialize};

/// The other nodes' users, as each announced them.
#[derive(Debug, Default)]
pub(crate) struct Others {
    nodes: HashMap<String, Picture>,
    /// How many other nodes hold each user: what the hot path asks.
    holders: HashMap<Uid, u32>,
}

/// One node's users.
#[derive(Debug, Default)]
struct Picture {
    users: HashSet<Uid>,
    /// Its whole list arrived (a snapshot), and every announcement since: not only what it
    /// announced since this node listened, nor a list with a hole.
    complete: bool,
    /// The number of its last announcement heard.
    last_seq: Option<u64>,
    /// A snapshot in parts is arriving: the next part continues it.
    filling: bool,
}

impl Others {
    /// Announcement `seq` of `node` arrived: one missed before it (NATS dropped it) leaves a
    /// hole in what is known of the node until its next snapshot.
    fn heard(&mut self, node: &str, seq: u64) -> (&mut Picture, &mut HashMap<Uid, u32>) {
        let picture = self.nodes.entry(node.to_owned()).or_default();
        let in_order = picture.last_seq.is_none_or(|last| seq == last + 1);
        if !in_order {
            picture.complete = false;
            picture.filling = false;
        }
        picture.last_seq = Some(seq);
        (picture, &mut self.holders)
    }

    /// The node has a first connection of these users.
    pub(crate) fn watch(&mut self, node: &str, seq: u64, uids: impl IntoIterator<Item = Uid>) {
        let (picture, holders) = self.heard(node, seq);
        picture.filling = false;
        Self::add(picture, holders, uids);
    }

    /// The node's last connection of these users closed.
    pub(crate) fn unwatch(&mut self, node: &str, seq: u64, uids: impl IntoIterator<Item = Uid>) {
        let (picture, holders) = self.heard(node, seq);
        picture.filling = false;
        for uid in uids {
            if picture.users.remove(&uid) {
                Self::release(holders, &uid);
            }
        }
    }

    /// Any other announcement of the node (it only counts in the order).
    pub(crate) fn other(&mut self, node: &str, seq: u64) {
        self.heard(node, seq).0.filling = false;
    }

    /// Part `part` of the node's whole list (`more`: parts follow). The first part replaces
    /// what was known of the node, which is incomplete until the last part arrives.
    pub(crate) fn snapshot(
        &mut self,
        node: &str,
        seq: u64,
        part: u32,
        more: bool,
        uids: impl IntoIterator<Item = Uid>,
    ) {
        let (picture, holders) = self.heard(node, seq);
        let continues = part > 0 && picture.filling;
        if part == 0 {
            for uid in picture.users.drain() {
                Self::release(holders, &uid);
            }
        }
        Self::add(picture, holders, uids);
        // A part without the ones before it adds its users, but completes nothing.
        picture.filling = more && (part == 0 || continues);
        picture.complete = !more && (part == 0 || continues);
    }

    /// The node left or fell silent: its users are no longer held there.
    pub(crate) fn forget(&mut self, node: &str) {
        if let Some(picture) = self.nodes.remove(node) {
            for uid in &picture.users {
                Self::release(&mut self.holders, uid);
            }
        }
    }

    /// This node could not hear the others for a while: what it knows of each may be out of
    /// date until their lists arrive again. Kept meanwhile (holding too many users only costs
    /// events that no one needed).
    pub(crate) fn outdated(&mut self) {
        for picture in self.nodes.values_mut() {
            picture.complete = false;
            picture.filling = false;
        }
    }

    pub(crate) fn holds(&self, uid: &Uid) -> bool {
        self.holders.contains_key(uid)
    }

    pub(crate) fn complete(&self, node: &str) -> bool {
        self.nodes.get(node).is_some_and(|picture| picture.complete)
    }

    fn add(
        picture: &mut Picture,
        holders: &mut HashMap<Uid, u32>,
        uids: impl IntoIterator<Item = Uid>,
    ) {
        for uid in uids {
            if picture.users.insert(uid.clone()) {
                *holders.entry(uid).or_default() += 1;
            }
        }
    }

    fn release(holders: &mut HashMap<Uid, u32>, uid: &Uid) {
        if let Some(count) = holders.get_mut(uid) {
            *count -= 1;
            if *count == 0 {
                holders.remove(uid);
            }
        }
    }
}

/// What the event bus reads on its hot path, behind one lock.
#[derive(Debug, Default)]
pub(crate) struct Presence {
    pub(crate) others: Others,
    /// Whether `others` is surely the whole picture: the link is up, this node has been in the
    /// cluster long enough to have heard every live node, and it has every such node's list.
    /// Until then every event goes out, as it did before presence.
    pub(crate) certain: bool,
}

impl Presence {
    /// Whether another node may hold a connection of the user.
    pub(crate) fn elsewhere(&self, uid: &Uid) -> bool {
        !self.certain || self.others.holds(uid)
    }
}

/// How far each other node has acknowledged this node's announcements.
#[derive(Debug, Default)]
pub(crate) struct Acks {
    acked: HashMap<String, u64>,
}

impl Acks {
    /// The node applied this node's announcements up to `seq` (they arrive in order, so each
    /// acknowledgement covers every earlier one).
    pub(crate) fn ack(&mut self, node: &str, seq: u64) {
        let acked = self.acked.entry(node.to_owned()).or_default();
        *acked = (*acked).max(seq);
    }

    pub(crate) fn forget(&mut self, node: &str) {
        self.acked.remove(node);
    }

    /// Whether every one of `peers` applied the announcement `seq`.
    pub(crate) fn all_reached<'a>(
        &self,
        mut peers: impl Iterator<Item = &'a String>,
        seq: u64,
    ) -> bool {
        peers.all(|peer| self.acked.get(peer).is_some_and(|acked| *acked >= seq))
    }
}

/// What a node says on `<cluster>.presence`. One subject for all of it, so that each node's
/// announcements reach every other node in the order they were made.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Announcement {
    pub(crate) node: String,
    /// Numbers this node's announcements: an acknowledgement of one covers every earlier one.
    pub(crate) seq: u64,
    pub(crate) what: What,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub(crate) enum What {
    /// First connections of these users on the node.
    Watch { uids: Vec<String> },
    /// Last connections of these users closed on the node.
    Unwatch { uids: Vec<String> },
    /// Every user the node holds, in parts (`more`: parts follow) so that no message grows
    /// past what NATS carries.
    Snapshot {
        uids: Vec<String>,
        part: u32,
        more: bool,
    },
    /// Asks a node (or every node, `of: None`) for its snapshot. `droppedForMs`: the asking
    /// node had taken the node for dead, that long after last hearing it, and skipped its
    /// users' events since; the node's devices must resync.
    #[serde(rename_all = "camelCase")]
    Ask {
        of: Option<String>,
        dropped_for_ms: Option<u64>,
    },
}

/// The answer to a `Watch` or `Snapshot`, on the announcing node's own subject.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Ack {
    pub(crate) node: String,
    pub(crate) seq: u64,
}

/// The uids of an announcement that parse (a node of a later version may allow others).
pub(crate) fn uids(texts: Vec<String>) -> impl Iterator<Item = Uid> {
    texts
        .into_iter()
        .filter_map(|text| Uid::parse(&text, "uid").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(name: &str) -> Uid {
        Uid::parse(name, "uid").unwrap()
    }

    fn uids(names: &[&str]) -> Vec<Uid> {
        names.iter().map(|name| uid(name)).collect()
    }

    #[test]
    fn a_user_is_held_elsewhere_while_any_other_node_holds_them() {
        let mut others = Others::default();
        others.watch("a", 1, uids(&["alice", "bob"]));
        others.watch("b", 1, uids(&["alice"]));
        others.watch("b", 2, uids(&["alice"]));
        others.unwatch("a", 2, uids(&["alice"]));
        assert!(others.holds(&uid("alice")), "still on b");
        others.unwatch("b", 3, uids(&["alice"]));
        assert!(!others.holds(&uid("alice")), "a repeated watch counts once");
        assert!(others.holds(&uid("bob")));
        others.unwatch("c", 1, uids(&["bob"]));
        assert!(others.holds(&uid("bob")), "c never had bob");
    }

    #[test]
    fn a_snapshot_replaces_what_was_known_of_its_node() {
        let mut others = Others::default();
        others.watch("a", 1, uids(&["alice", "bob"]));
        assert!(!others.complete("a"), "only what it announced since");
        others.snapshot("a", 2, 0, true, uids(&["bob"]));
        assert!(!others.complete("a"), "a part follows");
        others.snapshot("a", 3, 1, false, uids(&["carol"]));
        assert!(others.complete("a"));
        assert!(!others.holds(&uid("alice")));
        assert!(others.holds(&uid("bob")) && others.holds(&uid("carol")));
        others.watch("a", 4, uids(&["dave"]));
        assert!(others.complete("a"), "announcements in order keep it whole");
        others.outdated();
        assert!(!others.complete("a"));
        assert!(others.holds(&uid("bob")), "kept until the list comes again");
    }

    #[test]
    fn a_missed_announcement_leaves_a_hole_until_the_next_whole_snapshot() {
        let mut others = Others::default();
        others.snapshot("a", 1, 0, false, uids(&["alice"]));
        others.watch("a", 3, uids(&["carol"]));
        assert!(!others.complete("a"), "announcement 2 never came");
        others.snapshot("a", 4, 0, true, uids(&["bob"]));
        others.snapshot("a", 6, 1, false, uids(&["carol"]));
        assert!(!others.complete("a"), "part 1 came without 5 before it");
        assert!(others.holds(&uid("carol")), "its users still count");
        others.snapshot("a", 7, 0, false, uids(&["bob"]));
        assert!(others.complete("a"));
        assert!(!others.holds(&uid("carol")));
    }

    #[test]
    fn a_node_that_is_forgotten_takes_its_users_along() {
        let mut others = Others::default();
        others.snapshot("a", 1, 0, false, uids(&["alice", "bob"]));
        others.watch("b", 1, uids(&["bob"]));
        others.forget("a");
        assert!(!others.holds(&uid("alice")));
        assert!(others.holds(&uid("bob")), "b still holds bob");
        assert!(!others.complete("a"));
    }

    #[test]
    fn until_the_picture_is_certain_every_user_may_be_elsewhere() {
        let mut presence = Presence::default();
        presence.others.watch("a", 1, uids(&["alice"]));
        assert!(presence.elsewhere(&uid("bob")), "not certain yet");
        presence.certain = true;
        assert!(presence.elsewhere(&uid("alice")));
        assert!(!presence.elsewhere(&uid("bob")));
    }

    #[test]
    fn an_announcement_is_through_once_every_peer_acknowledged_it_or_a_later_one() {
        let mut acks = Acks::default();
        let peers = ["a".to_owned(), "b".to_owned()];
        acks.ack("a", 3);
        assert!(!acks.all_reached(peers.iter(), 3), "b has not answered");
        acks.ack("b", 5);
        acks.ack("a", 2);
        assert!(
            acks.all_reached(peers.iter(), 3),
            "an older ack does not go back"
        );
        assert!(!acks.all_reached(peers.iter(), 4), "a is at 3");
        acks.forget("a");
        assert!(!acks.all_reached(peers.iter(), 1), "a starts again");
        assert!(
            acks.all_reached(peers[1..].iter(), 5),
            "without a, b is enough"
        );
    }

    #[test]
    fn announcements_read_as_they_are_written() {
        let ask = Announcement {
            node: "n1".into(),
            seq: 4,
            what: What::Ask {
                of: Some("n2".into()),
                dropped_for_ms: Some(6000),
            },
        };
        let text = serde_json::to_string(&ask).unwrap();
        assert_eq!(
            text,
            r#"{"node":"n1","seq":4,"what":{"type":"ask","of":"n2","droppedForMs":6000}}"#
        );
        let back: Announcement = serde_json::from_str(&text).unwrap();
        assert!(matches!(back.what, What::Ask { of: Some(of), .. } if of == "n2"));
        let watch: Announcement = serde_json::from_str(
            r#"{"node":"n1","seq":5,"what":{"type":"watch","uids":["alice","no space"]}}"#,
        )
        .unwrap();
        let What::Watch { uids: texts } = watch.what else {
            panic!("a watch")
        };
        assert_eq!(super::uids(texts).collect::<Vec<_>>(), [uid("alice")]);
    }
}
