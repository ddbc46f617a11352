//! What a client sees of a conversation beside its state: the last message its user may see, the
//! folders holding it and the unread messages that mention them. A list page (or any other batch of
//! one user's conversations) is completed at once, in a fixed number of statements whatever its
//! size: on PostgreSQL every statement is a network round trip, and completing one conversation at
//! a time took two to four statements each, some 200 to 300 for a page of 100. A single
//! conversation is completed as a batch of one, so that a page and a conversation read alone cannot
//! disagree.

use std::collections::HashMap;
use std::sync::Arc;

use natter_core::Uid;

use crate::db::{parameter_list, values_rows};
use crate::rows::{
    LOADED_COLUMN_COUNT, Loaded, MESSAGE_COLUMNS, MESSAGES_FROM, not_hidden_from, read_loaded,
    read_message,
};
use crate::{Columns, ConversationView, Db, Result, StoredMessage, Value};

/// Conversations per statement, so that no statement binds more parameters than SQLite's
/// historical limit of 999 (a full resync may complete thousands of conversations).
const ROWS_PER_STATEMENT: usize = 200;

/// Completes one conversation of `uid`.
pub(crate) fn complete_view(db: &dyn Db, uid: &Uid, loaded: Loaded) -> Result<ConversationView> {
    let mut views = complete_views(db, uid, vec![loaded])?;
    Ok(views.pop().expect("one view per conversation"))
}

/// Completes conversations of `uid`, returned in their order, in at most five statements per
/// [`ROWS_PER_STATEMENT`] conversations: their last messages and their folders; only when
/// some group conversation has unread messages, the unread ones that mention the user; and
/// only when some conversation shows nothing in its latest membership window, the earlier
/// windows and their last messages.
pub(crate) fn complete_views(
    db: &dyn Db,
    uid: &Uid,
    batch: Vec<Loaded>,
) -> Result<Vec<ConversationView>> {
    let nothing_read = || ReadWithRow {
        last_message: None,
        maybe_in_a_folder: true,
    };
    complete_partly_read(
        db,
        uid,
        batch
            .into_iter()
            .map(|loaded| (loaded, nothing_read()))
            .collect(),
    )
}

/// Joins to a conversation loaded with its channel (`c`, `ch`) the message its user sees last
/// in the common case, where they deleted no message for themself and the newest is not one
/// kept from being the last (`excluded_from_last`): the one at the last seq they may see, if
/// their latest membership window, after their cleared history, reaches it.
/// A list page reads its last messages with its rows this way, one index lookup each, instead
/// of in a statement of their own; [`complete_partly_read`] looks for the rest.
pub(crate) const LAST_MESSAGE_JOIN: &str = "LEFT JOIN messages m ON c.hidden_count = 0 \
    AND m.channel_id = c.channel_id AND m.excluded_from_last = 0 \
    AND m.seq = CASE WHEN c.left_seq < ch.last_seq THEN c.left_seq ELSE ch.last_seq END \
    AND m.seq > c.cleared_to_seq AND m.seq >= c.join_seq \
    LEFT JOIN users su ON su.uid = m.from_uid";

/// 1 where a folder of its user holds the conversation `c`, else 0, so that a page none of
/// whose conversations is in a folder (most pages) needs no statement for them. For a statement
/// whose `$1` is the user. Whether the user files anything at all is asked first, once per
/// statement (an uncorrelated subquery, which SQLite and PostgreSQL both evaluate once), and
/// only then each row's own lookup: most users keep no folders, and in SQLite the lookup cost
/// about 1,250 instructions a row, some 4 % of reading a list page.
pub(crate) const IN_A_FOLDER: &str = "CASE WHEN EXISTS (SELECT 1 FROM folder_members \
    WHERE uid = $1) AND EXISTS (SELECT 1 FROM folder_members fm \
    WHERE fm.uid = c.uid AND fm.channel_id = c.channel_id) THEN 1 ELSE 0 END";

/// What a list page's statement read with a conversation's row.
pub(crate) struct ReadWithRow {
    /// Found by [`LAST_MESSAGE_JOIN`]; `None` may still have one, looked for later.
    last_message: Option<StoredMessage>,
    /// From [`IN_A_FOLDER`]; `false` means no folder holds it.
    maybe_in_a_folder: bool,
}

/// Reads a row of [`crate::rows::LOADED_COLUMNS`], [`IN_A_FOLDER`] and the [`MESSAGE_COLUMNS`]
/// of [`LAST_MESSAGE_JOIN`].
pub(crate) fn read_loaded_with_row(row: &dyn Columns) -> Result<(Loaded, ReadWithRow)> {
    let first_message_column = LOADED_COLUMN_COUNT + 1;
    let found: Option<i64> = row.get(first_message_column)?;
    let read = ReadWithRow {
        last_message: found
            .map(|_| read_message(row, first_message_column))
            .transpose()?,
        maybe_in_a_folder: row.get(LOADED_COLUMN_COUNT)?,
    };
    Ok((read_loaded(row)?, read))
}

/// Completes conversations of `uid` as [`complete_views`] does, where some of it was read with
/// their rows ([`ReadWithRow`]); only the rest is looked for.
pub(crate) fn complete_partly_read(
    db: &dyn Db,
    uid: &Uid,
    batch: Vec<(Loaded, ReadWithRow)>,
) -> Result<Vec<ConversationView>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let unknown: Vec<&Loaded> = batch
        .iter()
        .filter_map(|(loaded, read)| read.last_message.is_none().then_some(loaded))
        .collect();
    let mut looked_up = last_messages(db, uid, &unknown)?.into_iter();
    let foldered: Vec<i64> = batch
        .iter()
        .filter_map(|(loaded, read)| read.maybe_in_a_folder.then_some(loaded.channel.id))
        .collect();
    let folders = folders_of(db, uid, &foldered)?;
    let loaded: Vec<&Loaded> = batch.iter().map(|(loaded, _)| loaded).collect();
    let mut mentions = crate::mentions::unread_for(db, uid, &loaded)?;
    Ok(batch
        .into_iter()
        .map(|(loaded, read)| ConversationView {
            last_message: read
                .last_message
                .or_else(|| looked_up.next().flatten())
                .map(Arc::new),
            folders: folders.get(&loaded.channel.id).cloned().unwrap_or_default(),
            mentions: Some(mentions.remove(&loaded.channel.id).unwrap_or_default()),
            ..loaded.view
        })
        .collect())
}

/// Names of the user's folders holding each of these channels' conversations, in name order,
/// by channel (a channel in no folder is absent).
pub(crate) fn folders_of(
    db: &dyn Db,
    uid: &Uid,
    channel_ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>> {
    let mut folders: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in channel_ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT channel_id, name FROM folder_members WHERE uid = $1 AND channel_id IN ({}) \
             ORDER BY channel_id, name",
            parameter_list(2, chunk.len())
        );
        let mut params = vec![Value::from(uid.as_str())];
        params.extend(chunk.iter().map(|&id| Value::from(id)));
        for row in db.query(&sql, &params)? {
            folders.entry(row.get(0)?).or_default().push(row.get(1)?);
        }
    }
    Ok(folders)
}

/// Seqs `first..=last` of a channel, where the newest message a user may see is looked for.
#[derive(Debug, Clone, Copy)]
struct Window {
    channel_id: i64,
    first: u64,
    last: u64,
}

impl Window {
    /// Where `loaded`'s newest visible message within `first..=last` can be: nowhere when
    /// that is empty. The lookup reads down from `last` by the (channel_id, seq) index, past
    /// messages gone, deleted by the user for themself, or never shown as the last
    /// ([`LAST_MESSAGE_JOIN`] found none at `last` for one of these reasons).
    fn within(loaded: &Loaded, first: u64, last: u64) -> Option<Self> {
        (last >= first).then_some(Window {
            channel_id: loaded.channel.id,
            first,
            last,
        })
    }
}

/// The last message each conversation's user may see: the newest one not deleted for
/// themself, after their cleared history, in their latest membership window (a recalled one
/// shows as recalled).
pub(crate) fn last_messages(
    db: &dyn Db,
    uid: &Uid,
    batch: &[&Loaded],
) -> Result<Vec<Option<StoredMessage>>> {
    let latest: Vec<Option<Window>> = batch
        .iter()
        .map(|loaded| {
            let state = &loaded.view.state;
            let first = (state.cleared_to_seq + 1).max(state.join_seq);
            Window::within(
                loaded,
                first,
                state.last_visible_seq(loaded.channel.last_seq),
            )
        })
        .collect();
    let mut found = newest_seen(db, uid, &latest)?;
    // Nothing to show in the latest membership window (a rejoin with no message since): the
    // last message the user may see is where an earlier window ended.
    let empty: Vec<&Loaded> = batch
        .iter()
        .zip(&found)
        .filter_map(|(&loaded, message)| message.is_none().then_some(loaded))
        .collect();
    if empty.is_empty() {
        return Ok(found);
    }
    let earlier = earlier_windows(db, uid, &empty)?;
    let mut earlier_found = newest_seen(db, uid, &earlier)?.into_iter();
    for message in found.iter_mut().filter(|message| message.is_none()) {
        *message = earlier_found.next().flatten();
    }
    Ok(found)
}

/// Each conversation's latest earlier membership window that holds any message, up to the
/// last seq its user may see: `None` for personal channels and for a first window.
fn earlier_windows(db: &dyn Db, uid: &Uid, batch: &[&Loaded]) -> Result<Vec<Option<Window>>> {
    let up_to = |loaded: &Loaded| {
        let state = &loaded.view.state;
        state.last_visible_seq(loaded.channel.last_seq)
    };
    let (mut windows, mut seen) = (vec![None; batch.len()], vec![false; batch.len()]);
    for (index, chunk) in batch.chunks(ROWS_PER_STATEMENT).enumerate() {
        let chunk_at = index * ROWS_PER_STATEMENT;
        let sql = format!(
            "SELECT w.column1, mb.join_seq, mb.left_seq FROM memberships mb \
             JOIN (VALUES {}) w ON mb.channel_id = w.column2 AND mb.join_seq <= w.column3 \
             WHERE mb.uid = $1 AND mb.left_seq IS NOT NULL AND mb.left_seq >= mb.join_seq \
             ORDER BY w.column1, mb.join_seq DESC",
            values_rows(2, chunk.len(), &["BIGINT"; 3])
        );
        let mut params = vec![Value::from(uid.as_str())];
        for (slot, loaded) in chunk.iter().enumerate() {
            params.extend([
                Value::from((chunk_at + slot) as i64),
                Value::from(loaded.channel.id),
                Value::from(up_to(loaded)),
            ]);
        }
        for row in db.query(&sql, &params)? {
            let slot: usize = row.get(0)?;
            // A conversation's windows come latest first; only the latest counts.
            if std::mem::replace(&mut seen[slot], true) {
                continue;
            }
            let loaded = batch[slot];
            let (join, left): (u64, u64) = (row.get(1)?, row.get(2)?);
            let first = (loaded.view.state.cleared_to_seq + 1).max(join);
            windows[slot] = Window::within(loaded, first, left.min(up_to(loaded)));
        }
    }
    Ok(windows)
}

/// The newest message in each window that `uid` did not delete for themself (`None` where
/// there is no window or no such message), in one statement for all the windows.
fn newest_seen(
    db: &dyn Db,
    uid: &Uid,
    windows: &[Option<Window>],
) -> Result<Vec<Option<StoredMessage>>> {
    let mut found = vec![None; windows.len()];
    let wanted: Vec<(usize, Window)> = windows
        .iter()
        .enumerate()
        .filter_map(|(slot, window)| window.map(|window| (slot, window)))
        .collect();
    for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
        // First each window's seq, found through the (channel_id, seq) index, then those
        // messages by the same index. Materialized, because PostgreSQL would otherwise pull
        // the seq's subquery up into the join condition, run it twice per window and may
        // hash all of `messages` to join on it.
        let sql = format!(
            "WITH s AS MATERIALIZED (\
               SELECT w.column1 AS slot, w.column2 AS channel_id, (\
                 SELECT m.seq FROM messages m WHERE m.channel_id = w.column2 \
                 AND m.seq >= w.column3 AND m.seq <= w.column4 AND m.excluded_from_last = 0 \
                 AND {} \
                 ORDER BY m.seq DESC LIMIT 1) AS seq \
               FROM (VALUES {}) w) \
             SELECT s.slot, {MESSAGE_COLUMNS} FROM {MESSAGES_FROM} \
             JOIN s ON m.channel_id = s.channel_id AND m.seq = s.seq",
            not_hidden_from("$1"),
            values_rows(2, chunk.len(), &["BIGINT"; 4])
        );
        let mut params = vec![Value::from(uid.as_str())];
        for &(slot, window) in chunk {
            params.extend([
                Value::from(slot as i64),
                Value::from(window.channel_id),
                Value::from(window.first),
                Value::from(window.last),
            ]);
        }
        db.query_each(&sql, &params, &mut |row| {
            let slot: usize = row.get(0)?;
            found[slot] = Some(read_message(row, 1)?);
            Ok(())
        })?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    //! A page of the list completes all its conversations in a fixed number of statements,
    //! and completes each one as reading that conversation alone does, through every case of
    //! the last message: deleted for oneself, cleared history, recalled, left, and rejoined
    //! with no message since. On SQLite always, on PostgreSQL when the test server is set.

    use std::collections::HashMap;

    use natter_core::{ConversationId, GroupId, Uid};

    use crate::test_stores::{
        Counting, Watch, Watched, fresh_database, limits, make_users, new_message, on_both,
        postgres_admin, runtime,
    };
    use crate::{
        Change, ConversationUpdate, ConversationView, Db, Deletion, Dialect, FolderChange,
        ListQuery, NewMessage, Recall, Recaller, Result, Store, Value, Via, conversations, folders,
        groups, messaging, removal,
    };

    /// Peers with a one-to-one conversation each: more than the largest page, and more than
    /// one statement completes, so that a full resync takes several.
    const PEERS: usize = super::ROWS_PER_STATEMENT + 10;

    /// The most statements a page may take: the page, the last messages, the earlier
    /// membership windows and their last messages, the folders.
    const PAGE_STATEMENTS: usize = 5;

    fn me() -> Uid {
        Uid::parse("me", "uid").unwrap()
    }

    fn peer(index: usize) -> Uid {
        Uid::parse(&format!("p{index:03}"), "uid").unwrap()
    }

    fn with(index: usize) -> ConversationId {
        ConversationId::C2c(peer(index))
    }

    fn group(name: &str) -> GroupId {
        GroupId::parse(name, "group").unwrap()
    }

    fn text(from: &Uid, to: ConversationId, text: &str) -> NewMessage {
        new_message(from, to, &format!("{{\"text\":\"{text}\"}}"))
    }

    fn send(db: &dyn Db, from: &Uid, to: ConversationId, text_sent: &str) -> Result<i64> {
        Ok(messaging::send(db, &text(from, to, text_sent))?.message.id)
    }

    fn change(db: &dyn Db, conversation: ConversationId, change: Change) -> Result<()> {
        let update = ConversationUpdate {
            uid: me(),
            conversations: vec![conversation],
            change,
            now_ms: 2,
        };
        conversations::update(db, &update).map(drop)
    }

    /// Registers `me` and the first `peers` peers.
    fn register(db: &dyn Db, peers: usize) -> Result<()> {
        make_users(db, std::iter::once(me()).chain((0..peers).map(peer)))
    }

    /// `me` talks with every peer, then each special case happens in a conversation of its
    /// own; the folders hold a few of them.
    fn fill(db: &dyn Db) -> Result<()> {
        register(db, PEERS)?;
        for index in 0..PEERS {
            send(db, &peer(index), ConversationId::C2c(me()), "hello")?;
            if index % 3 == 0 {
                send(db, &me(), with(index), "hi")?;
            }
        }
        // Deleted for me: the newest message, and every message.
        let newest = send(db, &peer(0), ConversationId::C2c(me()), "hidden")?;
        removal::delete_for_me(db, &me(), &with(0), &[newest])?;
        let only = send(db, &me(), with(1), "all hidden")?;
        let first = db
            .query_one(
                "SELECT MIN(id) FROM messages WHERE from_uid = $1",
                crate::db::params![peer(1).as_str()],
            )?
            .get::<i64>(0)?;
        removal::delete_for_me(db, &me(), &with(1), &[first, only])?;
        // Cleared history, then nothing, or a newer message.
        change(db, with(2), Change::ClearHistory)?;
        change(db, with(3), Change::ClearHistory)?;
        send(db, &peer(3), ConversationId::C2c(me()), "after clearing")?;
        // Recalled by its sender.
        let recalled = send(db, &peer(4), ConversationId::C2c(me()), "recalled")?;
        removal::recall(
            db,
            &Recall {
                message_id: recalled,
                conversation: None,
                by: Recaller::Sender(peer(4)),
                window_ms: i64::MAX,
                now_ms: 3,
            },
        )?;
        // The newest message excluded from being the last (a call invitation): the one before
        // it shows.
        send(db, &peer(10), ConversationId::C2c(me()), "shown")?;
        messaging::send(
            db,
            &NewMessage {
                excluded_from_last_message: true,
                ..text(&peer(10), ConversationId::C2c(me()), "not shown")
            },
        )?;
        // Left a group while it went on; rejoined one with no message since; rejoined
        // another after deleting its newest message for oneself.
        for (name, member) in [("left", 5), ("rejoined", 6), ("rejoined_hidden", 7)] {
            groups::upsert(db, &group(name), &[me(), peer(member)], false, None, 0)?;
            send(
                db,
                &peer(member),
                ConversationId::Group(group(name)),
                "before",
            )?;
        }
        let hidden = send(
            db,
            &me(),
            ConversationId::Group(group("rejoined_hidden")),
            "mine",
        )?;
        removal::delete_for_me(
            db,
            &me(),
            &ConversationId::Group(group("rejoined_hidden")),
            &[hidden],
        )?;
        for (name, member) in [("left", 5), ("rejoined", 6), ("rejoined_hidden", 7)] {
            groups::leave_group(db, &group(name), &me(), 0)?;
            send(
                db,
                &peer(member),
                ConversationId::Group(group(name)),
                "while away",
            )?;
        }
        groups::add_members(db, &group("rejoined"), &[me()], false, 1)?;
        groups::add_members(db, &group("rejoined_hidden"), &[me()], false, 1)?;
        for (name, held) in [
            (
                "work",
                vec![with(0), with(8), ConversationId::Group(group("rejoined"))],
            ),
            ("home", vec![with(8), with(9)]),
        ] {
            folders::change(
                db,
                &me(),
                &FolderChange::Create {
                    name: name.to_owned(),
                    conversations: held,
                },
                4,
            )?;
        }
        Ok(())
    }

    /// The text of a view's last message, `None` without one.
    fn last_text(view: &ConversationView) -> Option<String> {
        view.last_message.as_ref().map(|message| {
            let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap();
            payload["text"].as_str().unwrap().to_owned()
        })
    }

    /// Reads the whole list a page of `limit` at a time; every page must take at most
    /// [`PAGE_STATEMENTS`] statements. Returns the statements each page took, and the views.
    fn pages(db: &dyn Db, limit: u32) -> Result<(Vec<usize>, Vec<ConversationView>)> {
        let (mut counts, mut views, mut after) = (Vec::new(), Vec::new(), None);
        loop {
            let counting = Counting::new(db);
            let query = ListQuery {
                after,
                limit,
                ..ListQuery::default()
            };
            let page = conversations::list(&counting, &me(), &query)?;
            counts.push(counting.statements());
            views.extend(page.conversations);
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok((counts, views)),
            }
        }
    }

    /// Each view is completed as reading its conversation alone completes it, and each case
    /// as it should be.
    fn check_views(db: &dyn Db, views: &[ConversationView]) -> Result<()> {
        for view in views {
            let alone = conversations::get(db, &me(), &view.id)?.unwrap();
            assert_eq!(view.last_message, alone.last_message, "{}", view.id);
            assert_eq!(view.folders, alone.folders, "{}", view.id);
        }
        let by_id: HashMap<String, &ConversationView> = views
            .iter()
            .map(|view| (view.id.to_string(), view))
            .collect();
        let last = |id: ConversationId| last_text(by_id[&id.to_string()]);
        let in_group = |name| ConversationId::Group(group(name));
        assert_eq!(last(with(0)).as_deref(), Some("hi"), "newest hidden");
        assert_eq!(last(with(1)), None, "everything hidden");
        assert_eq!(last(with(2)), None, "cleared");
        assert_eq!(last(with(3)).as_deref(), Some("after clearing"));
        assert_eq!(
            last(with(10)).as_deref(),
            Some("shown"),
            "excluded from last"
        );
        let recalled = by_id[&with(4).to_string()].last_message.as_ref();
        assert!(recalled.unwrap().revoked_by.is_some(), "shown as recalled");
        assert_eq!(last(in_group("left")).as_deref(), Some("before"));
        assert_eq!(last(in_group("rejoined")).as_deref(), Some("before"));
        assert_eq!(last(in_group("rejoined_hidden")).as_deref(), Some("before"));
        assert_eq!(by_id[&with(0).to_string()].folders, ["work"]);
        assert_eq!(by_id[&with(8).to_string()].folders, ["home", "work"]);
        assert_eq!(by_id[&in_group("rejoined").to_string()].folders, ["work"]);
        assert!(by_id[&with(1).to_string()].folders.is_empty());
        Ok(())
    }

    async fn check(store: &Store) {
        store.write(fill).await.unwrap();
        store
            .read(|db| {
                for limit in [20, 100, 200] {
                    let (counts, views) = pages(db, limit)?;
                    assert_eq!(views.len(), PEERS + 3, "the whole list in pages of {limit}");
                    assert!(
                        counts.iter().all(|&count| count <= PAGE_STATEMENTS),
                        "statements per page of {limit}: {counts:?}"
                    );
                    check_views(db, &views)?;
                }
                // A full resync completes more conversations than one statement takes.
                let resync = conversations::changes_since(db, &me(), 0, None)?;
                assert_eq!(resync.changed.len(), PEERS + 3, "the whole list resynced");
                check_views(db, &resync.changed)
            })
            .await
            .unwrap();
    }

    #[test]
    fn a_page_is_completed_in_fixed_statements_as_each_alone_on_sqlite() {
        runtime().block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open_sqlite(dir.path()).unwrap();
            check(&store).await;
            store.close().await;
        });
    }

    #[test]
    fn a_page_is_completed_in_fixed_statements_as_each_alone_on_postgres() {
        let Some(admin) = postgres_admin() else {
            return;
        };
        runtime().block_on(async {
            let store = Store::open_postgres(&fresh_database(&admin), limits(2))
                .await
                .unwrap();
            check(&store).await;
            store.close().await;
        });
    }

    /// Where the user deleted no message for themself and keeps no folders, a page reads its
    /// last messages with its rows, and needs no other statement.
    #[test]
    fn a_page_with_nothing_deleted_for_oneself_and_no_folders_is_one_statement() {
        const TALKING: usize = 3;
        runtime().block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open_sqlite(dir.path()).unwrap();
            store
                .write(|db| {
                    register(db, TALKING)?;
                    for index in 0..TALKING {
                        send(db, &peer(index), ConversationId::C2c(me()), "hello")?;
                    }
                    Ok(())
                })
                .await
                .unwrap();
            store
                .read(|db| {
                    let counting = Counting::new(db);
                    let query = ListQuery {
                        limit: 20,
                        ..ListQuery::default()
                    };
                    let page = conversations::list(&counting, &me(), &query)?;
                    assert_eq!(counting.statements(), 1, "the page alone");
                    let shown: Vec<Option<String>> =
                        page.conversations.iter().map(last_text).collect();
                    assert_eq!(shown, vec![Some("hello".to_owned()); TALKING]);
                    Ok(())
                })
                .await
                .unwrap();
            store.close().await;
        });
    }

    /// Plans each list query before it runs, as the database would run it first (on
    /// PostgreSQL, the custom plan for these values), and keeps the plan's text.
    #[derive(Default)]
    struct Plans(std::cell::RefCell<Vec<String>>);

    impl Watch for Plans {
        fn statement(&self, db: &dyn Db, sql: &str, params: &[Value<'_>]) -> Result<()> {
            if sql.contains("FROM conversations c") {
                let (explain, detail) = match db.dialect() {
                    Dialect::Sqlite => ("EXPLAIN QUERY PLAN", 3),
                    Dialect::Postgres => ("EXPLAIN", 0),
                };
                let lines = db.query(&format!("{explain} {sql}"), params)?;
                let plan = lines
                    .iter()
                    .map(|line| line.get::<String>(detail))
                    .collect::<Result<Vec<_>>>()?;
                self.0.borrow_mut().push(plan.join("\n"));
            }
            Ok(())
        }
    }

    /// A page of a long list reads the list's index in order and stops at the page's end,
    /// rather than sorting the whole list, once the database knows how the rows are spread;
    /// and it asks whether its user keeps folders once, not for each row.
    #[test]
    fn a_page_of_a_long_list_reads_its_index_in_order() {
        const TALKING: usize = 2_000;
        on_both(|place| async move {
            let store = place.open().await;
            store
                .write(|db| {
                    register(db, TALKING)?;
                    for index in 0..TALKING {
                        send(db, &peer(index), ConversationId::C2c(me()), "hello")?;
                    }
                    db.execute("ANALYZE", &[]).map(drop)
                })
                .await
                .unwrap();
            store
                .read(|db| {
                    let planning = Watched::watching(db, Plans::default());
                    let query = ListQuery {
                        limit: 20,
                        ..ListQuery::default()
                    };
                    let page = conversations::list(&planning, &me(), &query)?;
                    assert_eq!(page.conversations.len(), 20);
                    let plans = planning.watch.0.into_inner();
                    assert_eq!(plans.len(), 1, "{plans:?}");
                    let plan = &plans[0];
                    assert!(plan.contains("conversations_list"), "{plan}");
                    let sorts = ["Sort", "TEMP B-TREE FOR ORDER BY"];
                    assert!(!sorts.iter().any(|sort| plan.contains(sort)), "{plan}");
                    // Whether the user files anything is asked once for the page (SQLite's
                    // uncorrelated subquery, PostgreSQL's InitPlan), not once per row.
                    let asked_once = plan.lines().any(|line| {
                        line.starts_with("SCALAR SUBQUERY") || line.contains("InitPlan")
                    });
                    assert!(asked_once, "{plan}");
                    Ok(())
                })
                .await
                .unwrap();
            store.close().await;
        });
    }

    /// Deletes `named` for `me`, clearing history, in one call or one call each.
    fn delete(db: &dyn Db, named: &[ConversationId], one_call: bool) -> Result<()> {
        let deletion = |conversations: Vec<ConversationId>| Deletion {
            uid: me(),
            conversations,
            clear_history: true,
            only_listed: false,
            synced: true,
            actor: "test".into(),
            via: Via::Server,
            at_ms: 5,
        };
        if one_call {
            return conversations::delete(db, &deletion(named.to_vec())).map(drop);
        }
        for conversation in named {
            conversations::delete(db, &deletion(vec![conversation.clone()]))?;
        }
        Ok(())
    }

    /// What a deletion leaves of `me`: every conversation row, the folders, the channels
    /// marked for the purge job and the running unread total, as text.
    fn left_of_me(db: &dyn Db) -> Result<Vec<String>> {
        let queries = [
            "SELECT c.conversation_id, c.version, c.read_seq, c.deleted_to_seq, \
             c.cleared_to_seq, c.listed, c.deleted, c.deletion_synced, c.pinned, c.marks, \
             c.draft FROM conversations c WHERE c.uid = $1 ORDER BY c.conversation_id",
            "SELECT name, channel_id FROM folder_members WHERE uid = $1 ORDER BY name, channel_id",
            "SELECT c.conversation_id FROM purge_candidates p JOIN conversations c \
             ON c.channel_id = p.channel_id AND c.uid = $1 ORDER BY c.conversation_id",
            "SELECT unread_total, version FROM users WHERE uid = $1",
        ];
        let mut left = Vec::new();
        for sql in queries {
            for row in db.query(sql, &[Value::from(me().as_str())])? {
                left.push(format!("{:?}", row.0));
            }
        }
        Ok(left)
    }

    /// A delete of many conversations takes a fixed number of statements on PostgreSQL (one per
    /// row more on SQLite), and leaves the rows, folders, purge marks and unread total as
    /// deleting each alone would.
    #[test]
    fn a_delete_of_many_is_few_statements_and_as_each_alone() {
        on_both(|place| async move {
            let other = match place {
                crate::test_stores::Place::Sqlite(_) => crate::test_stores::Place::sqlite(),
                crate::test_stores::Place::Postgres(_) => {
                    crate::test_stores::Place::postgres().unwrap()
                }
            };
            let (together, alone) = (place.open().await, other.open().await);
            // Folders, groups, cleared and hidden cases among them; one named twice; one
            // conversation in a folder (with peer 9) kept.
            let mut named: Vec<ConversationId> =
                (0..100).filter(|&peer| peer != 9).map(with).collect();
            named.extend(
                ["left", "rejoined", "rejoined_hidden"]
                    .map(|name| ConversationId::Group(group(name))),
            );
            named.push(with(8));
            for (store, one_call) in [(&together, true), (&alone, false)] {
                store.write(fill).await.unwrap();
                let named = named.clone();
                let (statements, dialect) = store
                    .write(move |db| {
                        let counting = Counting::new(db);
                        delete(&counting, &named, one_call)?;
                        Ok((counting.statements(), db.dialect()))
                    })
                    .await
                    .unwrap();
                // SQLite writes each row by its own cached statement (no round trips there).
                let per_row = match dialect {
                    Dialect::Sqlite => 103,
                    Dialect::Postgres => 0,
                };
                if one_call {
                    assert!(
                        statements <= per_row + 10,
                        "statements for a delete of 103 on {dialect:?}: {statements}"
                    );
                }
            }
            let (left_together, left_alone) = (
                together.read(left_of_me).await.unwrap(),
                alone.read(left_of_me).await.unwrap(),
            );
            assert_eq!(left_together, left_alone);
            assert!(
                left_together.iter().any(|row| row.contains("home")),
                "{left_together:?}"
            );
            let page = together
                .read(|db| {
                    let query = ListQuery {
                        limit: 200,
                        ..ListQuery::default()
                    };
                    conversations::list(db, &me(), &query)
                })
                .await
                .unwrap();
            assert_eq!(page.conversations.len(), PEERS - 99, "the rest stay listed");
            together.close().await;
            alone.close().await;
        });
    }
}
