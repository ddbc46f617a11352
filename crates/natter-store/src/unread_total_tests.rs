//! The running unread total (`users.unread_total`, kept by every save) always equals the sum
//! the unread rule gives over the user's conversations, recomputed the way `GET /v1/unread`
//! summed it before there was a running total, whatever operations ran before: random
//! sequences of sends (one-to-one, group, silent, targeted, never the last message, system
//! notices, app messages into the group), reads, unread marks, archives, mutes, pins, marks, drafts, cleared histories,
//! deletions with and without history, restores, recalls, deletions for oneself, folder
//! changes, and group joins, leaves, kicks, dismissals and resets. After each sequence the
//! migration's fill statement recomputes every total from the rows and must agree. On SQLite
//! always, and on PostgreSQL when `NATTER_TEST_POSTGRES` names a server (as
//! `scripts/with-services.sh` sets it), where concurrent writers must not lose increments
//! either.

use natter_core::rules::{RemindType, marks};
use natter_core::{ChannelKind, ConversationId, GroupId, Uid};
use proptest::prelude::*;

use crate::db::params;
use crate::rows::{self, LOADED_COLUMNS, LOADED_FROM};
use crate::schema::MIGRATIONS;
use crate::test_stores::{
    concurrent_runtime, fresh_database, limits, make_users, new_message, on_both, postgres_admin,
    runtime,
};
use crate::{
    Change, ConversationUpdate, Db, Deletion, FolderChange, NewMessage, Recall, Recaller, Result,
    Store, StoreError, SystemMessage, SystemTarget, Via, conversations, folders, groups, messaging,
    removal,
};

pub(crate) const USERS: usize = 4;
const GROUP: &str = "g";

pub(crate) fn uid(index: usize) -> Uid {
    Uid::parse(&format!("u{index}"), "uid").unwrap()
}

pub(crate) fn group() -> GroupId {
    GroupId::parse(GROUP, "group").unwrap()
}

/// `peer` below [`USERS`] names a one-to-one conversation, [`USERS`] the group, and above it
/// the system conversation.
pub(crate) fn conversation(peer: usize) -> ConversationId {
    match peer {
        peer if peer < USERS => ConversationId::C2c(uid(peer)),
        USERS => ConversationId::Group(group()),
        _ => ConversationId::System,
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Send {
        from: usize,
        to: usize,
        silent: bool,
    },
    /// A message excluded from being its conversation's last (a call invitation).
    NotLast {
        from: usize,
        to: usize,
    },
    /// A group message targeted at the users of the bits of `receivers` (non-zero).
    Targeted {
        from: usize,
        receivers: u8,
    },
    Notice {
        to: usize,
        silent: bool,
    },
    IntoGroup {
        silent: bool,
    },
    Update {
        who: usize,
        peer: usize,
        change: u8,
        value: u8,
    },
    MarkAllRead {
        who: usize,
        kind: u8,
    },
    Delete {
        who: usize,
        peers: Vec<usize>,
        clear: bool,
    },
    Restore {
        who: usize,
        peer: usize,
    },
    Recall {
        from: usize,
        by_sender: bool,
    },
    DeleteForMe {
        who: usize,
        peer: usize,
        oldest: bool,
    },
    Folder {
        who: usize,
        peer: usize,
        add: bool,
    },
    Leave {
        who: usize,
    },
    Kick {
        who: usize,
    },
    Join {
        who: usize,
    },
    Dismiss,
    Reset {
        members: u8,
    },
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    let who = 0..USERS;
    let peer = 0..=USERS + 1;
    prop_oneof![
        8 => (0..USERS, 0..=USERS, any::<bool>(), any::<u8>()).prop_map(
            |(from, to, silent, odds)| Op::Send {
                from,
                to,
                // Silent messages are rarer than counted ones, as in use.
                silent: silent && odds % 3 == 0,
            }
        ),
        2 => (0..USERS, 1u8..16).prop_map(|(from, receivers)| Op::Targeted { from, receivers }),
        1 => (0..USERS, 0..=USERS).prop_map(|(from, to)| Op::NotLast { from, to }),
        2 => (who.clone(), any::<bool>()).prop_map(|(to, silent)| Op::Notice { to, silent }),
        1 => any::<bool>().prop_map(|silent| Op::IntoGroup { silent }),
        6 => (who.clone(), peer.clone(), 0u8..9, any::<u8>())
            .prop_map(|(who, peer, change, value)| Op::Update { who, peer, change, value }),
        1 => (who.clone(), 0u8..4).prop_map(|(who, kind)| Op::MarkAllRead { who, kind }),
        2 => (who.clone(), proptest::collection::vec(peer.clone(), 1..4), any::<bool>())
            .prop_map(|(who, peers, clear)| Op::Delete { who, peers, clear }),
        2 => (who.clone(), peer.clone()).prop_map(|(who, peer)| Op::Restore { who, peer }),
        2 => (who.clone(), any::<bool>())
            .prop_map(|(from, by_sender)| Op::Recall { from, by_sender }),
        2 => (who.clone(), peer.clone(), any::<bool>())
            .prop_map(|(who, peer, oldest)| Op::DeleteForMe { who, peer, oldest }),
        1 => (who.clone(), peer, any::<bool>())
            .prop_map(|(who, peer, add)| Op::Folder { who, peer, add }),
        1 => who.clone().prop_map(|who| Op::Leave { who }),
        1 => who.clone().prop_map(|who| Op::Kick { who }),
        2 => who.prop_map(|who| Op::Join { who }),
        1 => Just(Op::Dismiss),
        1 => (0u8..16).prop_map(|members| Op::Reset { members }),
    ]
}

/// Runs one operation. It may be refused (a conversation not listed, a group dismissed): then
/// the writer undoes whatever it did.
pub(crate) fn apply(db: &dyn Db, op: &Op) -> Result<()> {
    match op {
        Op::Send { from, to, silent } => messaging::send(
            db,
            &NewMessage {
                counts_as_unread: !silent,
                ..new_message(&uid(*from), conversation(*to), "{}")
            },
        )
        .map(drop),
        Op::NotLast { from, to } => messaging::send(
            db,
            &NewMessage {
                excluded_from_last_message: true,
                ..new_message(&uid(*from), conversation(*to), "{}")
            },
        )
        .map(drop),
        Op::Targeted { from, receivers } => {
            let receivers = (0..USERS)
                .filter(|user| receivers & (1 << user) != 0)
                .map(uid)
                .collect();
            let message = NewMessage {
                receivers: Some(receivers),
                ..new_message(&uid(*from), conversation(USERS), "{}")
            };
            messaging::send(db, &message).map(drop)
        }
        Op::Notice { to, silent } => messaging::send_system(
            db,
            &SystemMessage {
                to: SystemTarget::User(uid(*to)),
                message_type: natter_core::message::CUSTOM.to_owned(),
                payload: "{}".into(),
                client_msg_no: None,
                time_ms: 1,
                counts_as_unread: !silent,
            },
        )
        .map(drop),
        Op::IntoGroup { silent } => messaging::send_system(
            db,
            &SystemMessage {
                to: SystemTarget::Group(group()),
                message_type: natter_core::message::CUSTOM.to_owned(),
                payload: "{}".into(),
                client_msg_no: None,
                time_ms: 1,
                counts_as_unread: !silent,
            },
        )
        .map(drop),
        Op::Update {
            who,
            peer,
            change,
            value,
        } => {
            let change = match change {
                0 => Change::MarkRead {
                    up_to: (value % 2 == 0).then_some(u64::from(*value / 8)),
                },
                1 => Change::SetUnread(u64::from(*value % 5)),
                2 => Change::Archive(value % 2 == 0),
                3 => Change::Remind(RemindType::from_code(i64::from(value % 3))),
                4 => Change::ClearHistory,
                5 => Change::Pin(value % 2 == 0),
                6 => Change::Mark {
                    mark: marks::HIDE,
                    enable: value % 2 == 0,
                },
                7 => Change::Draft(if value % 2 == 0 {
                    "d".into()
                } else {
                    "".into()
                }),
                _ => Change::CustomData("c".into()),
            };
            conversations::update(
                db,
                &ConversationUpdate {
                    uid: uid(*who),
                    conversations: vec![conversation(*peer)],
                    change,
                    now_ms: 2,
                },
            )
            .map(drop)
        }
        Op::MarkAllRead { who, kind } => {
            let kind = match kind {
                0 => None,
                1 => Some(ChannelKind::Personal),
                2 => Some(ChannelKind::Group),
                _ => Some(ChannelKind::System),
            };
            conversations::mark_all_read(db, &uid(*who), kind).map(drop)
        }
        Op::Delete { who, peers, clear } => {
            let mut named: Vec<ConversationId> = peers.iter().map(|p| conversation(*p)).collect();
            named.dedup();
            conversations::delete(
                db,
                &Deletion {
                    uid: uid(*who),
                    conversations: named,
                    clear_history: *clear,
                    only_listed: false,
                    synced: true,
                    actor: "test".into(),
                    via: Via::Client,
                    at_ms: 3,
                },
            )
            .map(drop)
        }
        Op::Restore { who, peer } => {
            conversations::restore_deleted(db, &uid(*who), &conversation(*peer)).map(drop)
        }
        Op::Recall { from, by_sender } => {
            let newest = db.query_opt(
                "SELECT id FROM messages WHERE from_uid = $1 ORDER BY id DESC LIMIT 1",
                params![uid(*from).as_str()],
            )?;
            let Some(row) = newest else {
                return Ok(());
            };
            let by = if *by_sender {
                Recaller::Sender(uid(*from))
            } else {
                Recaller::App {
                    name: "test".into(),
                }
            };
            removal::recall(
                db,
                &Recall {
                    message_id: row.get(0)?,
                    conversation: None,
                    by,
                    window_ms: i64::MAX,
                    now_ms: 4,
                },
            )
            .map(drop)
        }
        Op::DeleteForMe { who, peer, oldest } => {
            let Some(loaded) = rows::load(db, &uid(*who), &conversation(*peer))? else {
                return Ok(());
            };
            let order = if *oldest { "ASC" } else { "DESC" };
            let found = db.query_opt(
                &format!(
                    "SELECT id FROM messages WHERE channel_id = $1 ORDER BY seq {order} LIMIT 1"
                ),
                params![loaded.channel.id],
            )?;
            match found {
                Some(row) => {
                    let id: i64 = row.get(0)?;
                    removal::delete_for_me(db, &uid(*who), &conversation(*peer), &[id]).map(drop)
                }
                None => Ok(()),
            }
        }
        Op::Folder { who, peer, add } => {
            let (uid, name) = (uid(*who), "f".to_owned());
            let conversations = vec![conversation(*peer)];
            let change = if *add {
                if folders::list(db, &uid)?.is_empty() {
                    FolderChange::Create {
                        name,
                        conversations,
                    }
                } else {
                    FolderChange::Add {
                        name,
                        conversations,
                    }
                }
            } else {
                FolderChange::Remove {
                    name,
                    conversations,
                }
            };
            folders::change(db, &uid, &change, 5).map(drop)
        }
        Op::Leave { who } => groups::leave_group(db, &group(), &uid(*who), 0).map(drop),
        Op::Kick { who } => groups::remove_members(db, &group(), &[uid(*who)]).map(drop),
        Op::Join { who } => groups::add_members(db, &group(), &[uid(*who)], false, 1).map(drop),
        Op::Dismiss => groups::dismiss(db, &group()).map(drop),
        Op::Reset { members } => {
            let members: Vec<Uid> = (0..USERS)
                .filter(|index| members & (1 << index) != 0)
                .map(uid)
                .collect();
            groups::upsert(db, &group(), &members, true, None, 6).map(drop)
        }
    }
}

/// The total as `GET /v1/unread` summed it before the running total: the unread rule over
/// the listed conversations, archived and muted ones left out.
fn summed(db: &dyn Db, uid: &Uid) -> Result<u64> {
    let sql =
        format!("SELECT {LOADED_COLUMNS} FROM {LOADED_FROM} WHERE c.uid = $1 AND c.listed = 1");
    Ok(rows::query_loaded(db, &sql, params![uid.as_str()])?
        .iter()
        .filter(|loaded| {
            let prefs = &loaded.view.state.prefs;
            !prefs.archived && prefs.remind.counts_in_total()
        })
        .map(|loaded| loaded.view.unread())
        .sum())
}

/// The statement of the migration that fills every user's total from the rows.
fn fill_statement(db: &dyn Db) -> String {
    let migration = MIGRATIONS
        .iter()
        .find(|migration| migration.contains("ADD COLUMN unread_total"))
        .expect("the migration that adds the running total");
    let start = migration
        .find("UPDATE users SET unread_total")
        .expect("the fill statement");
    let end = start + migration[start..].find(';').expect("its end");
    db.dialect().render(&migration[start..end])
}

pub(crate) async fn setup(store: &Store) {
    store
        .write(|db| {
            make_users(db, (0..USERS).map(uid))?;
            let members: Vec<Uid> = (0..USERS).map(uid).collect();
            groups::upsert(db, &group(), &members, false, None, 0).map(drop)
        })
        .await
        .unwrap();
}

async fn totals(store: &Store) -> Vec<(u64, u64)> {
    store
        .read(|db| {
            (0..USERS)
                .map(|index| {
                    let user = uid(index);
                    Ok((
                        conversations::total_unread(db, &user)?.total,
                        summed(db, &user)?,
                    ))
                })
                .collect()
        })
        .await
        .unwrap()
}

async fn check(store: &Store, ops: Vec<Op>) {
    setup(store).await;
    for (step, op) in ops.into_iter().enumerate() {
        let applied = op.clone();
        // A refusal changed nothing; only a broken store fails the test.
        if let Err(StoreError::Internal(error)) = store.write(move |db| apply(db, &applied)).await {
            panic!("step {step} ({op:?}): {error}");
        }
        for (index, (kept, recounted)) in totals(store).await.into_iter().enumerate() {
            assert_eq!(
                kept, recounted,
                "u{index}'s running total after step {step} ({op:?})"
            );
        }
    }
    // The migration computes the same totals from the rows.
    let kept = totals(store).await;
    store
        .write(|db| {
            db.execute("UPDATE users SET unread_total = 0", &[])?;
            db.execute(&fill_statement(db), &[])?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(totals(store).await, kept, "the migration's totals");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_running_total_matches_the_sum_on_sqlite(ops in proptest::collection::vec(op(), 1..60)) {
        runtime().block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open_sqlite(dir.path()).unwrap();
            check(&store, ops).await;
            store.close().await;
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn the_running_total_matches_the_sum_on_postgres(ops in proptest::collection::vec(op(), 1..40)) {
        let Some(admin) = postgres_admin() else {
            return Ok(());
        };
        runtime().block_on(async {
            let store = Store::open_postgres(&fresh_database(&admin), limits(2)).await.unwrap();
            check(&store, ops).await;
            store.close().await;
        });
    }
}

/// A total that a bug left below zero does not fail the user's next write: that write
/// recounts it from the rows (and the write itself still counts).
async fn check_repair(store: &Store) {
    setup(store).await;
    let sends = [
        Op::Send {
            from: 1,
            to: 0,
            silent: false,
        },
        Op::Send {
            from: 2,
            to: 0,
            silent: false,
        },
    ];
    for op in sends {
        store.write(move |db| apply(db, &op)).await.unwrap();
    }
    store
        .write(|db| {
            db.execute(
                "UPDATE users SET unread_total = -5 WHERE uid = $1",
                params![uid(0).as_str()],
            )
        })
        .await
        .unwrap();
    let op = Op::Send {
        from: 3,
        to: 0,
        silent: false,
    };
    store.write(move |db| apply(db, &op)).await.unwrap();
    let (kept, recounted) = totals(store).await[0];
    assert_eq!((kept, recounted), (3, 3));
}

#[test]
fn a_total_below_zero_is_recounted_at_the_next_write() {
    on_both(|place| async move {
        let store = place.open().await;
        check_repair(&store).await;
        store.close().await;
    });
}

/// Many transactions at once move the same users' totals (sends into the group and to one
/// user, reads, archives): on PostgreSQL they run concurrently, and none may lose another's
/// change to the total.
#[test]
fn concurrent_writers_keep_the_total_on_postgres() {
    let Some(admin) = postgres_admin() else {
        return;
    };
    concurrent_runtime().block_on(async {
        let store = std::sync::Arc::new(
            Store::open_postgres(&fresh_database(&admin), limits(8))
                .await
                .unwrap(),
        );
        setup(&store).await;
        let mut tasks = Vec::new();
        for worker in 0..8usize {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for round in 0..25usize {
                    let op = match (worker + round) % 5 {
                        0 | 1 => Op::Send {
                            from: 1 + worker % (USERS - 1),
                            to: USERS,
                            silent: false,
                        },
                        2 => Op::Send {
                            from: 1 + worker % (USERS - 1),
                            to: 0,
                            silent: false,
                        },
                        3 => Op::Update {
                            who: 0,
                            peer: USERS,
                            change: 0,
                            value: 1,
                        },
                        _ => Op::Update {
                            who: 0,
                            peer: 1 + round % (USERS - 1),
                            change: 2,
                            value: round as u8,
                        },
                    };
                    let applied = op.clone();
                    if let Err(StoreError::Internal(error)) =
                        store.write(move |db| apply(db, &applied)).await
                    {
                        panic!("{op:?}: {error}");
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        for (index, (kept, recounted)) in totals(&store).await.into_iter().enumerate() {
            assert_eq!(kept, recounted, "u{index}'s running total");
        }
        store.close().await;
    });
}
