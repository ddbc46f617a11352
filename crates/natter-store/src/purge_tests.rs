//! The purge job visits only candidate channels: a channel with nothing new since its last
//! purge is not read, each write that raises what no one can see marks its channel, a mark made
//! while the job ran outlives the job, and a database upgraded from before candidates loses
//! nothing. After random operations, a purge leaves nothing the old full scan would still have
//! purged. On SQLite always, and on PostgreSQL when `NATTER_TEST_POSTGRES` names a server.

use natter_core::ConversationId;
use proptest::prelude::*;

use super::{Candidate, candidates, purge_batch, purgeable_by_full_scan, settle};
use crate::db::params;
use crate::rows;
use crate::schema::MIGRATIONS;
use crate::test_stores::{Place, concurrent_runtime, limits, on_both, runtime};
use crate::unread_total_tests::{Op, USERS, apply, conversation, op, setup, uid};
use crate::{Result, Store, StoreError};

/// Runs an operation that must be accepted.
async fn run(store: &Store, op: Op) {
    let shown = format!("{op:?}");
    store
        .write(move |db| apply(db, &op))
        .await
        .unwrap_or_else(|error| panic!("{shown}: {error}"));
}

fn send(from: usize, to: usize) -> Op {
    Op::Send {
        from,
        to,
        silent: false,
    }
}

fn clear(who: usize, peer: usize) -> Op {
    Op::Update {
        who,
        peer,
        change: 4,
        value: 0,
    }
}

async fn candidate_count(store: &Store) -> u64 {
    store
        .read(|db| {
            db.query_one("SELECT COUNT(*) FROM purge_candidates", &[])?
                .get(0)
        })
        .await
        .unwrap()
}

/// The channel of `who`'s conversation `with`.
async fn channel(store: &Store, who: usize, with: ConversationId) -> i64 {
    store
        .read(move |db| Ok(rows::load(db, &uid(who), &with)?.unwrap().channel.id))
        .await
        .unwrap()
}

/// The seqs of the messages left in the channel, and what it records as purged.
async fn left_in(store: &Store, channel_id: i64) -> (Vec<u64>, u64) {
    store
        .read(move |db| {
            let seqs = db
                .query(
                    "SELECT seq FROM messages WHERE channel_id = $1 ORDER BY seq",
                    params![channel_id],
                )?
                .iter()
                .map(|row| row.get(0))
                .collect::<Result<_>>()?;
            let purged = db
                .query_one(
                    "SELECT purged_to_seq FROM channels WHERE id = $1",
                    params![channel_id],
                )?
                .get(0)?;
            Ok((seqs, purged))
        })
        .await
        .unwrap()
}

async fn all_candidates(store: &Store) -> Vec<Candidate> {
    store
        .read(|db| candidates(db, i64::MIN, 1000))
        .await
        .unwrap()
}

#[test]
fn clearing_history_makes_a_candidate_and_the_purge_deletes_exactly_what_no_one_sees() {
    on_both(|place| async move {
        let store = place.open().await;
        setup(&store).await;
        for _ in 0..6 {
            run(&store, send(0, 1)).await;
        }
        let c2c = channel(&store, 0, conversation(1)).await;
        assert_eq!(candidate_count(&store).await, 0, "a send raises nothing");
        assert_eq!(store.purge(2, None).await.unwrap(), 0);

        run(&store, clear(1, 0)).await;
        assert_eq!(candidate_count(&store).await, 1, "u1 cleared: a candidate");
        assert_eq!(store.purge(2, None).await.unwrap(), 0, "u0 still sees all");
        assert_eq!(candidate_count(&store).await, 0, "visited, then settled");

        for _ in 0..4 {
            run(&store, send(0, 1)).await;
        }
        run(&store, clear(0, 1)).await;
        assert_eq!(candidate_count(&store).await, 1, "u0 cleared: a candidate");
        // Batches of 2 over 6 messages: the last batch comes up short only after them all.
        assert_eq!(store.purge(2, None).await.unwrap(), 6);
        assert_eq!(left_in(&store, c2c).await, ((7..=10).collect(), 6));

        // Nothing changed since: the job reads no channel at all.
        assert!(all_candidates(&store).await.is_empty());
        assert_eq!(store.purge(2, None).await.unwrap(), 0);
        assert_eq!(left_in(&store, c2c).await, ((7..=10).collect(), 6));
        store.close().await;
    });
}

#[test]
fn deleting_a_conversation_with_its_history_makes_a_candidate() {
    on_both(|place| async move {
        let store = place.open().await;
        setup(&store).await;
        for _ in 0..3 {
            run(&store, send(1, 0)).await;
        }
        let c2c = channel(&store, 0, conversation(1)).await;
        run(&store, clear(0, 1)).await;
        let delete = |who: usize, peer: usize| Op::Delete {
            who,
            peers: vec![peer],
            clear: true,
        };
        run(&store, delete(1, 0)).await;
        assert_eq!(candidate_count(&store).await, 1);
        assert_eq!(store.purge(10, None).await.unwrap(), 3);
        assert_eq!(left_in(&store, c2c).await, (vec![], 3));
        assert_eq!(candidate_count(&store).await, 0);
        store.close().await;
    });
}

#[test]
fn leaving_makes_a_candidate_and_messages_no_member_can_see_are_purged() {
    on_both(|place| async move {
        let store = place.open().await;
        setup(&store).await;
        let group = channel(&store, 0, conversation(USERS)).await;
        for _ in 0..3 {
            run(&store, send(0, USERS)).await;
        }
        for who in 0..USERS - 1 {
            run(&store, clear(who, USERS)).await;
        }
        assert_eq!(store.purge(10, None).await.unwrap(), 0, "u3 sees them");
        run(&store, clear(USERS - 1, USERS)).await;
        assert_eq!(store.purge(10, None).await.unwrap(), 3);
        assert_eq!(left_in(&store, group).await, (vec![], 3));

        // Everyone leaves having cleared everything: what the app sends into the group now
        // is seen by no one.
        for who in 0..USERS {
            run(&store, Op::Kick { who }).await;
        }
        assert_eq!(candidate_count(&store).await, 1, "leaving marks the group");
        assert_eq!(store.purge(10, None).await.unwrap(), 0);
        assert_eq!(candidate_count(&store).await, 0);
        run(&store, Op::IntoGroup { silent: false }).await;
        run(&store, Op::IntoGroup { silent: false }).await;
        assert_eq!(
            candidate_count(&store).await,
            1,
            "a message no member gets marks"
        );
        assert_eq!(store.purge(10, None).await.unwrap(), 2);
        assert_eq!(left_in(&store, group).await, (vec![], 5));
        store.close().await;
    });
}

#[test]
fn a_candidate_marked_again_while_the_purge_ran_survives_it() {
    on_both(|place| async move {
        let store = place.open().await;
        setup(&store).await;
        for _ in 0..4 {
            run(&store, send(0, 1)).await;
        }
        let c2c = channel(&store, 0, conversation(1)).await;
        run(&store, clear(0, 1)).await;
        run(&store, clear(1, 0)).await;

        // The job reads the candidate and purges through seq 4…
        let [read] = all_candidates(&store).await[..] else {
            panic!("one candidate");
        };
        let target = read.target().expect("seqs 1 to 4 are purgeable");
        assert_eq!(target.through_seq, 4);
        // …while two more messages arrive and both clear them again (marking the channel)…
        for _ in 0..2 {
            run(&store, send(1, 0)).await;
        }
        run(&store, clear(0, 1)).await;
        run(&store, clear(1, 0)).await;
        let purged = store
            .write(move |db| purge_batch(db, target, 10))
            .await
            .unwrap();
        assert_eq!(purged, 4);
        store.write(move |db| settle(db, read)).await.unwrap();
        // …so the channel stays a candidate, and the next run purges the rest.
        assert_eq!(candidate_count(&store).await, 1, "the new mark survived");
        assert_eq!(left_in(&store, c2c).await, (vec![5, 6], 4));
        assert_eq!(store.purge(10, None).await.unwrap(), 2);
        assert_eq!(left_in(&store, c2c).await, (vec![], 6));
        assert_eq!(candidate_count(&store).await, 0);
        store.close().await;
    });
}

#[test]
fn the_first_purge_after_upgrading_purges_what_was_purgeable_before() {
    on_both(|place| async move {
        let store = place.open().await;
        setup(&store).await;
        for _ in 0..5 {
            run(&store, send(0, 1)).await;
        }
        let c2c = channel(&store, 0, conversation(1)).await;
        run(&store, send(2, 0)).await;
        run(&store, clear(0, 1)).await;
        run(&store, clear(1, 0)).await;
        // The database as the version before the candidates table left it: no such table (nor
        // the columns of later ones), and the migrations from the one that made
        // it on still to apply.
        let previous = MIGRATIONS
            .iter()
            .position(|migration| migration.contains("CREATE TABLE purge_candidates"))
            .expect("the migration that makes the candidates table");
        store
            .write(move |db| {
                db.execute("ALTER TABLE webhook_nodes DROP COLUMN presence_batch", &[])?;
                db.execute("DROP INDEX channels_by_community", &[])?;
                for column in ["supports_topics", "community_id", "topic_data"] {
                    db.execute(&format!("ALTER TABLE channels DROP COLUMN {column}"), &[])?;
                }
                db.execute("DROP TABLE group_member_marks", &[])?;
                db.execute("ALTER TABLE memberships DROP COLUMN joined_ms", &[])?;
                db.execute("ALTER TABLE messages DROP COLUMN excluded_from_last", &[])?;
                db.execute("DROP TABLE system_accounts", &[])?;
                db.execute("ALTER TABLE channels DROP COLUMN shared_data_revision", &[])?;
                db.execute("DROP TABLE group_bans", &[])?;
                db.execute("ALTER TABLE users DROP COLUMN details", &[])?;
                db.execute("ALTER TABLE channels DROP COLUMN max_member_count", &[])?;
                db.execute("ALTER TABLE channels DROP COLUMN custom_fields", &[])?;
                db.execute("DROP TABLE group_attributes", &[])?;
                db.execute("ALTER TABLE group_members DROP COLUMN custom_fields", &[])?;
                db.execute("DROP TABLE message_extensions", &[])?;
                db.execute("DROP TABLE receive_options", &[])?;
                db.execute("DROP TABLE follows", &[])?;
                db.execute("DROP TABLE group_counters", &[])?;
                db.execute("DROP TABLE pinned_messages", &[])?;
                db.execute("DROP TABLE message_receipts", &[])?;
                db.execute("ALTER TABLE messages DROP COLUMN needs_read_receipt", &[])?;
                db.execute("DROP TABLE status_subscriptions", &[])?;
                db.execute("DROP TABLE user_status", &[])?;
                db.execute("DROP TABLE message_reactions", &[])?;
                db.execute("ALTER TABLE messages DROP COLUMN reactions_version", &[])?;
                db.execute("DROP TABLE friend_group_members", &[])?;
                db.execute("DROP TABLE friend_groups", &[])?;
                db.execute("DROP TABLE friend_requests", &[])?;
                db.execute("DROP TABLE friends", &[])?;
                db.execute("ALTER TABLE users DROP COLUMN allow_type", &[])?;
                db.execute("DROP TABLE group_members", &[])?;
                db.execute("DROP TABLE group_applications", &[])?;
                db.execute("DROP TABLE mentions", &[])?;
                db.execute("ALTER TABLE messages DROP COLUMN version", &[])?;
                db.execute("DROP TABLE purge_candidates", &[])?;
                db.execute("ALTER TABLE conversations DROP COLUMN peer_read_seq", &[])?;
                for column in ["owner_uid", "introduction", "join_option", "mute_all"] {
                    db.execute(&format!("ALTER TABLE channels DROP COLUMN {column}"), &[])?;
                }
                match db.dialect() {
                    crate::Dialect::Sqlite => {
                        db.execute(&format!("PRAGMA user_version = {previous}"), &[])?
                    }
                    crate::Dialect::Postgres => db.execute(
                        "UPDATE natter_schema SET version = $1",
                        params![previous as i64],
                    )?,
                };
                Ok(())
            })
            .await
            .unwrap();
        store.close().await;

        let store = place.open().await;
        assert_eq!(
            candidate_count(&store).await,
            2,
            "every channel with messages"
        );
        assert_eq!(store.purge(10, None).await.unwrap(), 5);
        assert_eq!(left_in(&store, c2c).await, (vec![], 5));
        assert_eq!(candidate_count(&store).await, 0);
        store.close().await;
    });
}

/// After each operation a purge runs; then the full scan finds nothing left to purge (every
/// write that raised the invisible prefix marked its channel) and no candidate is left.
async fn check(store: &Store, ops: Vec<Op>) {
    setup(store).await;
    for (step, op) in ops.into_iter().enumerate() {
        let applied = op.clone();
        if let Err(StoreError::Internal(error)) = store.write(move |db| apply(db, &applied)).await {
            panic!("step {step} ({op:?}): {error}");
        }
        store.purge(3, None).await.unwrap();
        let missed = store.read(purgeable_by_full_scan).await.unwrap();
        assert!(
            missed.is_empty(),
            "after step {step} ({op:?}) the full scan still purges {missed:?}"
        );
        assert_eq!(
            candidate_count(store).await,
            0,
            "after step {step} ({op:?})"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn candidates_find_everything_the_full_scan_finds_on_sqlite(
        ops in proptest::collection::vec(op(), 1..50)
    ) {
        runtime().block_on(async {
            let place = Place::sqlite();
            let store = place.open().await;
            check(&store, ops).await;
            store.close().await;
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn candidates_find_everything_the_full_scan_finds_on_postgres(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let Some(place) = Place::postgres() else {
            return Ok(());
        };
        runtime().block_on(async {
            let store = place.open().await;
            check(&store, ops).await;
            store.close().await;
        });
    }
}

/// On PostgreSQL, writers clear histories, delete conversations with their history, leave
/// and rejoin while purges run beside them: no mark is lost to a purge that ran meanwhile, so
/// one more purge afterwards leaves nothing the full scan would purge.
#[test]
fn marks_made_during_concurrent_purges_are_kept_on_postgres() {
    let Some(place) = Place::postgres() else {
        return;
    };
    concurrent_runtime().block_on(async {
        let store = std::sync::Arc::new(match &place {
            Place::Postgres(url) => Store::open_postgres(url, limits(8)).await.unwrap(),
            Place::Sqlite(_) => unreachable!(),
        });
        setup(&store).await;
        let mut tasks = Vec::new();
        for worker in 0..USERS {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for round in 0..30usize {
                    let peer = (worker + 1 + round % (USERS - 1)) % USERS;
                    let op = match round % 6 {
                        0 | 1 => send(worker, if round % 4 == 0 { USERS } else { peer }),
                        2 => clear(worker, if round % 4 == 2 { USERS } else { peer }),
                        3 => Op::Delete {
                            who: worker,
                            peers: vec![peer, USERS],
                            clear: true,
                        },
                        4 => Op::Leave { who: worker },
                        _ => Op::Join { who: worker },
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
        for _ in 0..2 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..20 {
                    store.purge(2, None).await.unwrap();
                    tokio::task::yield_now().await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        store.purge(2, None).await.unwrap();
        let missed = store.read(purgeable_by_full_scan).await.unwrap();
        assert!(missed.is_empty(), "the full scan still purges {missed:?}");
        assert_eq!(candidate_count(&store).await, 0);
        store.close().await;
    });
}
