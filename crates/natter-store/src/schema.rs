//! The schema, written once for both databases. Each migration is SQL with a few words in
//! braces where the two spell a type differently; [`Dialect::render`] fills them in. Every
//! integer is 64-bit and every flag an integer 0 or 1 on both, so the shared SQL binds the same
//! values everywhere; text compares bytewise on both (`COLLATE "C"` on PostgreSQL, SQLite's
//! default).
//!
//! Each backend runs the migrations in order, one transaction each, records how many have run,
//! and refuses a database from a newer Natter.

use crate::db::Dialect;

/// Migrations in order; never edit a released one, append a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE users (
    uid        {text} PRIMARY KEY,
    -- The per-user counter that versions every change to this user's conversations.
    version    {int} NOT NULL DEFAULT 0,
    created_ms {int} NOT NULL
) {without_rowid};

CREATE TABLE devices (
    uid          {text} NOT NULL REFERENCES users(uid),
    device_flag  {int} NOT NULL,
    device_level {int} NOT NULL,
    -- First 8 bytes of the token's SHA-256: finds the row; the full hash is then compared in
    -- constant time.
    token_lookup {bytes} NOT NULL,
    token_hash   {bytes} NOT NULL UNIQUE,
    updated_ms   {int} NOT NULL,
    PRIMARY KEY (uid, device_flag)
) {without_rowid};
CREATE INDEX devices_by_token ON devices(token_lookup);

CREATE TABLE channels (
    id         {id},
    kind       {int} NOT NULL,       -- 1 personal, 2 group, 3 system
    key        {text} NOT NULL,      -- "a:b" (sorted uids), the group ID, or the system uid
    last_seq   {int} NOT NULL DEFAULT 0,
    dismissed  {int} NOT NULL DEFAULT 0,
    -- A group setting: members who join see the history from before their join.
    new_members_see_history {int} NOT NULL DEFAULT 0,
    -- Messages up to here were purged: no one could see them any more.
    purged_to_seq {int} NOT NULL DEFAULT 0,
    created_ms {int} NOT NULL,
    UNIQUE (kind, key)
);

CREATE TABLE messages (
    id            {id},
    channel_id    {int} NOT NULL REFERENCES channels(id),
    seq           {int} NOT NULL,
    from_uid      {text} NOT NULL,
    time_ms       {int} NOT NULL,
    client_msg_no {text},
    payload       {text} NOT NULL,
    UNIQUE (channel_id, seq)
);
CREATE UNIQUE INDEX messages_by_client_msg_no ON messages(from_uid, client_msg_no)
    WHERE client_msg_no IS NOT NULL;

-- One user's state in one channel: the watermarks of natter_core::rules plus preferences.
CREATE TABLE conversations (
    uid             {text} NOT NULL REFERENCES users(uid),
    channel_id      {int} NOT NULL REFERENCES channels(id),
    conversation_id {text} NOT NULL,    -- as this user names it: C2Cbob, GROUPteam, @TIM#SYSTEM
    read_seq        {int} NOT NULL DEFAULT 0,
    deleted_to_seq  {int} NOT NULL DEFAULT 0,
    cleared_to_seq  {int} NOT NULL DEFAULT 0,
    own_last_seq    {int} NOT NULL DEFAULT 0,
    join_seq        {int} NOT NULL DEFAULT 1,
    left_seq        {int},
    listed          {int} NOT NULL DEFAULT 0,
    deleted         {int} NOT NULL DEFAULT 0,
    deletion_synced {int} NOT NULL DEFAULT 0,
    activity_ms     {int} NOT NULL DEFAULT 0,
    pinned          {int} NOT NULL DEFAULT 0,
    archived        {int} NOT NULL DEFAULT 0,
    remind          {int} NOT NULL DEFAULT 0,
    marks           {int} NOT NULL DEFAULT 0,
    draft           {text} NOT NULL DEFAULT '',
    custom_data     {text} NOT NULL DEFAULT '',
    version         {int} NOT NULL DEFAULT 0,
    PRIMARY KEY (uid, channel_id)
) {without_rowid};
CREATE UNIQUE INDEX conversations_by_id ON conversations(uid, conversation_id);
CREATE INDEX conversations_list
    ON conversations(uid, listed, archived, pinned DESC, activity_ms DESC, channel_id DESC);
CREATE INDEX conversations_by_version ON conversations(uid, version);
CREATE INDEX conversations_members ON conversations(channel_id, left_seq);

-- Every window of group membership, for history visibility after leaving and rejoining.
CREATE TABLE memberships (
    channel_id {int} NOT NULL REFERENCES channels(id),
    uid        {text} NOT NULL,
    join_seq   {int} NOT NULL,
    left_seq   {int},
    PRIMARY KEY (channel_id, uid, join_seq)
) {without_rowid};

CREATE TABLE audit (
    id               {id},
    at_ms            {int} NOT NULL,
    actor            {text} NOT NULL,
    uid              {text} NOT NULL,
    conversation_ids {text} NOT NULL,   -- JSON array, client form
    clear_history    {int} NOT NULL,
    via              {text} NOT NULL,
    -- JSON: each deleted conversation's state just before the deletion, for admin restore.
    snapshots        {text} NOT NULL DEFAULT '[]'
);
CREATE INDEX audit_by_uid ON audit(uid, id);

-- Conversation folders ("conversation groups") of each user, and what they hold.
CREATE TABLE folders (
    uid        {text} NOT NULL,
    name       {text} NOT NULL,
    created_ms {int} NOT NULL,
    PRIMARY KEY (uid, name)
) {without_rowid};
CREATE TABLE folder_members (
    uid        {text} NOT NULL,
    name       {text} NOT NULL,
    channel_id {int} NOT NULL,
    PRIMARY KEY (uid, name, channel_id),
    FOREIGN KEY (uid, name) REFERENCES folders(uid, name) ON DELETE CASCADE ON UPDATE CASCADE
) {without_rowid};
CREATE INDEX folder_members_by_conversation ON folder_members(uid, channel_id);

CREATE TABLE settings (
    key   {text} PRIMARY KEY,
    value {text} NOT NULL
) {without_rowid};
"#,
    r#"
-- The element type of each message (TIMTextElem, TIMCustomElem, …) and its app data.
ALTER TABLE messages ADD COLUMN msg_type {text} NOT NULL DEFAULT 'TIMCustomElem';
ALTER TABLE messages ADD COLUMN cloud_custom_data {text} NOT NULL DEFAULT '';
"#,
    r#"
-- Profiles: what a list shows of people and groups. A change takes the next value of the
-- profile clock, so that sync finds the conversations it affects without rewriting a row per
-- member.
ALTER TABLE users ADD COLUMN nick {text} NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN avatar {text} NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN custom_fields {text} NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN profile_clock {int} NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN name {text} NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN avatar {text} NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN group_type {text} NOT NULL DEFAULT 'Private';
ALTER TABLE channels ADD COLUMN notice {text} NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN profile_clock {int} NOT NULL DEFAULT 0;
CREATE TABLE clocks (
    name  {text} PRIMARY KEY,
    value {int} NOT NULL
) {without_rowid};
INSERT INTO clocks (name, value) VALUES ('profiles', 0);
-- Who has a one-to-one conversation with a user (their profile's audience).
CREATE INDEX conversations_by_name ON conversations(conversation_id);

-- Recall and delete-for-me. A recalled message keeps its row (a stub: the payload is gone);
-- each member's view of a recall, or of their own deletion, is a row in message_changes,
-- versioned like their conversations, so that sync reports it.
ALTER TABLE messages ADD COLUMN revoked_by {text};
ALTER TABLE messages ADD COLUMN revoked_ms {int};
-- Messages that count as unread for no one: recalled ones, and silent ones (sent without
-- WuKongIM's red dot). While there are none, no read needs a recount.
ALTER TABLE channels ADD COLUMN uncounted_messages {int} NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN silent {int} NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN uncounted {int} NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN hidden_count {int} NOT NULL DEFAULT 0;
CREATE TABLE message_changes (
    uid        {text} NOT NULL,
    channel_id {int} NOT NULL,
    seq        {int} NOT NULL,
    change     {int} NOT NULL,   -- 1 recalled, 2 deleted by this user for themself
    message_id {int} NOT NULL,
    version    {int} NOT NULL,   -- the user's version when it happened, for sync
    PRIMARY KEY (uid, channel_id, seq, change)
) {without_rowid};
CREATE INDEX message_changes_by_version ON message_changes(uid, version);
ALTER TABLE audit ADD COLUMN action {text} NOT NULL DEFAULT 'delete';
ALTER TABLE audit ADD COLUMN message_ids {text} NOT NULL DEFAULT '[]';
"#,
    r#"
-- The system channel takes channel_type 100: 3 is WuKongIM's customer-service type.
UPDATE channels SET kind = 100 WHERE kind = 3;
-- WuKongIM's channel blacklists (list 1) and whitelists (list 2), by channel_type and
-- channel_id as the app backend names the channel: a group ID, or for a personal channel the
-- uid of the user who blocks or allows senders. Kept apart from channels so that a list can
-- name a user who has no conversation yet.
CREATE TABLE channel_lists (
    list       {int} NOT NULL,
    kind       {int} NOT NULL,
    channel    {text} NOT NULL,
    uid        {text} NOT NULL,
    created_ms {int} NOT NULL,
    PRIMARY KEY (list, kind, channel, uid)
) {without_rowid};
"#,
    r#"
-- Webhooks. The outbox: each event is written in the transaction of the change that causes it
-- and deleted once the app's receiver answered 200. One that keeps failing becomes a dead
-- letter (dead_ms set) and waits there until replayed. Its ID must never be reused, even once
-- the table is empty: receivers de-duplicate on it.
CREATE TABLE webhook_events (
    id               {serial},
    event            {text} NOT NULL,
    body             {text} NOT NULL,
    created_ms       {int} NOT NULL,
    -- Failures count towards the dead-letter age from here: its creation, or its last replay.
    failing_since_ms {int} NOT NULL,
    attempts         {int} NOT NULL DEFAULT 0,
    next_attempt_ms  {int} NOT NULL DEFAULT 0,
    last_error       {text} NOT NULL DEFAULT '',
    dead_ms          {int}
);
CREATE INDEX webhook_events_queue ON webhook_events(event, id) WHERE dead_ms IS NULL;
CREATE INDEX webhook_events_dead ON webhook_events(id) WHERE dead_ms IS NOT NULL;
-- The node that sends each kind of event, until when: one sender per kind in a cluster.
CREATE TABLE webhook_leases (
    event    {text} PRIMARY KEY,
    node     {int} NOT NULL,
    until_ms {int} NOT NULL
) {without_rowid};
-- The nodes and the devices connected to each, for msg.offline and user.onlinestatus. A
-- node's connections count while its heartbeat is fresh.
CREATE TABLE webhook_nodes (
    id           {int} PRIMARY KEY,
    heartbeat_ms {int} NOT NULL
) {without_rowid};
CREATE TABLE webhook_presence (
    connection  {int} PRIMARY KEY,
    node        {int} NOT NULL,
    uid         {text} NOT NULL,
    device_flag {int} NOT NULL,
    since_ms    {int} NOT NULL
) {without_rowid};
CREATE INDEX webhook_presence_by_uid ON webhook_presence(uid);
CREATE INDEX webhook_presence_by_node ON webhook_presence(node);
"#,
    r#"
-- Each user's unread total: natter_core::rules::ConversationState::counted_in_total summed
-- over their conversations (listed, not archived, remind AcceptAndNotify; the unread rule
-- for each). Every save of a conversation moves it by the difference in the same statement
-- that takes the version, so it is read in O(1) and travels with the change that moved it.
-- Filled here once from the existing rows.
ALTER TABLE users ADD COLUMN unread_total {int} NOT NULL DEFAULT 0;
UPDATE users SET unread_total = COALESCE((
    SELECT SUM({greatest}(0,
        {least}(COALESCE(c.left_seq, ch.last_seq), ch.last_seq)
        - {greatest}(c.read_seq, c.deleted_to_seq, c.cleared_to_seq, c.own_last_seq,
                     c.join_seq - 1)
        - c.uncounted))
    FROM conversations c JOIN channels ch ON ch.id = c.channel_id
    WHERE c.uid = users.uid AND c.listed = 1 AND c.archived = 0 AND c.remind NOT IN (1, 2)
), 0);
"#,
    r#"
-- A message reads the folders of all its members at once, by channel.
CREATE INDEX folder_members_by_channel ON folder_members(channel_id);
"#,
    r#"
-- Channels the purge job visits (crate::purge): a write that may raise the lowest point anyone
-- can see in a channel marks it here in its own transaction, and the job removes the mark once
-- the channel is purged through what it computed, unless `marks` moved in the meantime.
CREATE TABLE purge_candidates (
    channel_id {int} PRIMARY KEY REFERENCES channels(id),
    -- Bumped by every mark, so that a mark made while the job ran outlives the job's removal.
    marks      {int} NOT NULL DEFAULT 1
) {without_rowid};
-- Before this table no write marked anything: every channel with messages left is a candidate
-- once, so that the first purge after the upgrade still finds what the full scan found.
INSERT INTO purge_candidates (channel_id) SELECT id FROM channels WHERE last_seq > purged_to_seq;
"#,
    r#"
-- Sync ("what changed above version V") reads every row of its user since profiles got a clock
-- of their own: a conversation whose peer or group was renamed has changed without a new
-- version. So it used this index only to skip a sort of what it found, while every change to
-- a conversation row (each member's row, for each message to a group) rewrote two entries of
-- it. Reading the user's rows in key order is as fast for a full sync and faster for a small
-- one (docs/design.md, "Per-user version").
-- (IF EXISTS: running the migrations again from an earlier point finds it gone.)
DROP INDEX IF EXISTS conversations_by_version;
"#,
    r#"
-- The read receipt of a one-to-one conversation: how far the peer has read it (their
-- read_seq), kept in the user's own row by the peer's reads, so that the list, sync and
-- deliveries read it with the row instead of joining the peer's row for each conversation.
ALTER TABLE conversations ADD COLUMN peer_read_seq {int} NOT NULL DEFAULT 0;
UPDATE conversations SET peer_read_seq = COALESCE((
        SELECT p.read_seq FROM conversations p
        WHERE p.channel_id = conversations.channel_id AND p.uid <> conversations.uid), 0)
    WHERE channel_id IN (SELECT id FROM channels WHERE kind = 1);
"#,
    r#"
-- Groups created by a client (Tencent's createGroup): the creator owns the group, and the
-- group's type decides what its owner and members may do (natter_core::group_rules). NULL:
-- no owner (the app backend made the group, or the owner left their work group). An empty
-- join option is the type's default.
ALTER TABLE channels ADD COLUMN owner_uid {text};
ALTER TABLE channels ADD COLUMN introduction {text} NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN join_option {text} NOT NULL DEFAULT '';
"#,
    r#"
-- Whom each group message mentions ("@": Tencent's atUserList, WuKongIM's mention): a row per
-- named user, uid '' for everyone. Only such messages write here, so other sends cost nothing;
-- a completed conversation view reads its user's rows above its read floor
-- (crate::views::unread_mentions). The rows go with their message when it is purged or expires.
CREATE TABLE mentions (
    channel_id {int} NOT NULL,
    uid        {text} NOT NULL,
    seq        {int} NOT NULL,
    message_id {int} NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    from_uid   {text} NOT NULL,
    PRIMARY KEY (channel_id, uid, seq)
) {without_rowid};
CREATE INDEX mentions_by_message ON mentions(message_id);
"#,
    r#"
-- Messages changed after sending (Tencent's modifyMessage): how many times a member changed the
-- payload or custom data, so that a change made on an older version is refused rather than
-- overwriting another member's unseen (crate::editing).
ALTER TABLE messages ADD COLUMN version {int} NOT NULL DEFAULT 0;
"#,
    r#"
-- Requests to join a group that takes new members with approval (Tencent's joinGroup on a
-- NeedPermission group): one per user and group, pending until the owner handles it, which
-- removes it (crate::group_applications). Asking again replaces the message.
CREATE TABLE group_applications (
    channel_id {int} NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    uid        {text} NOT NULL,
    message    {text} NOT NULL,
    time_ms    {int} NOT NULL,
    PRIMARY KEY (channel_id, uid)
) {without_rowid};
"#,
    r#"
-- What sets a group member apart from the others (crate::group_members): an admin the owner named
-- (Tencent's setGroupMemberRole), a mute until a time (setGroupMemberMuteTime), a name card
-- (setGroupMemberNameCard). A row only for such members; leaving the group removes it, so a
-- member who comes back is an ordinary member again, as Tencent's. A group muted for all
-- (updateGroupProfile's muteAllMembers) takes messages from its owner and admins only.
ALTER TABLE channels ADD COLUMN mute_all {int} NOT NULL DEFAULT 0;
CREATE TABLE group_members (
    channel_id     {int} NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    uid            {text} NOT NULL,
    is_admin       {int} NOT NULL DEFAULT 0,
    muted_until_ms {int} NOT NULL DEFAULT 0,
    name_card      {text} NOT NULL DEFAULT '',
    PRIMARY KEY (channel_id, uid)
) {without_rowid};
"#,
    r#"
-- Friends (Tencent's relationship chain; crate::friends). A row per entry in a user's friend
-- list: `uid` lists `friend_uid`, under the name `remark`, found through `source` with the note
-- `wording`; a friendship both ways is two rows. A request waits in friend_requests, one per
-- pair and direction, until the asked user accepts or refuses it or either side deletes it;
-- `seen` once the asked user marked their requests read, `group_name` the friend group the asker
-- puts the asked user in. Who may add a user is their `allow_type`
-- (natter_core::friend_rules::AllowType; 1, asking for consent, by default). A user's friend
-- groups (crate::friend_groups) are named sets of their friends: friend_groups, and a row per
-- friend in one in friend_group_members, which a friend leaves with the user's list.
ALTER TABLE users ADD COLUMN allow_type {int} NOT NULL DEFAULT 1;
CREATE TABLE friends (
    uid        {text} NOT NULL,
    friend_uid {text} NOT NULL,
    remark     {text} NOT NULL,
    source     {text} NOT NULL,
    wording    {text} NOT NULL,
    added_ms   {int} NOT NULL,
    PRIMARY KEY (uid, friend_uid)
) {without_rowid};
CREATE INDEX friends_by_friend ON friends(friend_uid, uid);
CREATE TABLE friend_requests (
    from_uid {text} NOT NULL,
    to_uid   {text} NOT NULL,
    remark   {text} NOT NULL,
    source   {text} NOT NULL,
    wording  {text} NOT NULL,
    time_ms  {int} NOT NULL,
    seen     {int} NOT NULL DEFAULT 0,
    group_name {text} NOT NULL DEFAULT '',
    PRIMARY KEY (from_uid, to_uid)
) {without_rowid};
CREATE INDEX friend_requests_to ON friend_requests(to_uid, from_uid);
CREATE TABLE friend_groups (
    uid        {text} NOT NULL,
    name       {text} NOT NULL,
    created_ms {int} NOT NULL,
    PRIMARY KEY (uid, name)
) {without_rowid};
CREATE TABLE friend_group_members (
    uid        {text} NOT NULL,
    name       {text} NOT NULL,
    friend_uid {text} NOT NULL,
    PRIMARY KEY (uid, name, friend_uid)
) {without_rowid};
CREATE INDEX friend_group_members_by_friend ON friend_group_members(uid, friend_uid);
"#,
    r#"
-- Reactions to messages (Tencent's addMessageReaction): one row per message, reaction and
-- user who reacted so, in the order they did. They go with the message.
CREATE TABLE message_reactions (
    message_id  {int} NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    reaction_id {text} NOT NULL,
    uid         {text} NOT NULL,
    time_ms     {int} NOT NULL,
    PRIMARY KEY (message_id, reaction_id, uid)
) {without_rowid};
-- How many times a message's reactions changed: devices put pushes of its reactions in order.
ALTER TABLE messages ADD COLUMN reactions_version {int} NOT NULL DEFAULT 0;
"#,
    r#"
-- The status each user chose to show (Tencent's setSelfStatus), and how many times their
-- status changed (chosen, or online and offline: webhook_presence): devices put pushes of it in
-- order. A user without a row shows nothing, at version 0.
CREATE TABLE user_status (
    uid           {text} PRIMARY KEY REFERENCES users(uid),
    custom_status {text} NOT NULL,
    version       {int} NOT NULL
) {without_rowid};
-- Who hears of whose status changes (Tencent's subscribeUserStatus), oldest first per user.
CREATE TABLE status_subscriptions (
    subscriber {text} NOT NULL REFERENCES users(uid),
    target     {text} NOT NULL REFERENCES users(uid),
    since_ms   {int} NOT NULL,
    PRIMARY KEY (subscriber, target)
) {without_rowid};
CREATE INDEX status_subscriptions_by_target ON status_subscriptions(target);
"#,
    r#"
-- Read receipts of single messages (Tencent's needReadReceipt): whether the sender asked for
-- them, and one row per message and user who gave one. They go with the message.
ALTER TABLE messages ADD COLUMN needs_read_receipt {int} NOT NULL DEFAULT 0;
CREATE TABLE message_receipts (
    message_id {int} NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    uid        {text} NOT NULL,
    time_ms    {int} NOT NULL,
    PRIMARY KEY (message_id, uid)
) {without_rowid};
"#,
    r#"
-- Messages pinned at the top of a group (Tencent's pinGroupMessage), with who pinned them.
-- They go with the message.
CREATE TABLE pinned_messages (
    channel_id {int} NOT NULL REFERENCES channels(id),
    message_id {int} NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    pinned_by  {text} NOT NULL,
    pinned_ms  {int} NOT NULL,
    PRIMARY KEY (channel_id, message_id)
) {without_rowid};
"#,
    r#"
-- A group's counters (Tencent's setGroupCounters): named 64-bit integers the app keeps per group.
CREATE TABLE group_counters (
    channel_id {int} NOT NULL REFERENCES channels(id),
    key        {text} NOT NULL,
    value      {int} NOT NULL,
    PRIMARY KEY (channel_id, key)
) {without_rowid};
"#,
    r#"
-- Who follows whom (Tencent's followUser), one way, newest first per user.
CREATE TABLE follows (
    follower {text} NOT NULL REFERENCES users(uid),
    followee {text} NOT NULL REFERENCES users(uid),
    since_ms {int} NOT NULL,
    PRIMARY KEY (follower, followee)
) {without_rowid};
CREATE INDEX follows_by_followee ON follows(followee, since_ms);
"#,
    r#"
-- Each user's option for all their messages (Tencent's setAllReceiveMessageOpt): how they are
-- told of messages, in a window once or every day (natter_core::quiet_hours). No row: the default.
CREATE TABLE receive_options (
    uid      {text} PRIMARY KEY REFERENCES users(uid),
    remind   {int} NOT NULL,
    start_s  {int} NOT NULL,
    end_s    {int} NOT NULL,
    repeated {int} NOT NULL
) {without_rowid};
"#,
    r#"
-- Message extensions (Tencent's setMessageExtensions): key-value pairs members attach to a
-- message. They go with the message.
CREATE TABLE message_extensions (
    message_id {int} NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    key        {text} NOT NULL,
    value      {text} NOT NULL,
    PRIMARY KEY (message_id, key)
) {without_rowid};
"#,
    r#"
-- A member's custom fields in a group (Tencent's setGroupMemberCustomField), as a JSON object.
ALTER TABLE group_members ADD COLUMN custom_fields {text} NOT NULL DEFAULT '{}';
"#,
    r#"
-- A group's attributes (Tencent's setGroupAttributes): named strings the app keeps per group.
CREATE TABLE group_attributes (
    channel_id {int} NOT NULL REFERENCES channels(id),
    key        {text} NOT NULL,
    value      {text} NOT NULL,
    PRIMARY KEY (channel_id, key)
) {without_rowid};
"#,
    r#"
-- A group's custom fields (Tencent's groupCustomField), as a JSON object; '{}' for every other
-- channel.
ALTER TABLE channels ADD COLUMN custom_fields {text} NOT NULL DEFAULT '{}';
"#,
    r#"
-- The most members a group may have (Tencent's maxMemberNum), as its creator set it; 0 for no
-- limit, and for every other channel.
ALTER TABLE channels ADD COLUMN max_member_count {int} NOT NULL DEFAULT 0;
"#,
    r#"
-- What a user keeps about a friend (Tencent's friendCustomField), as a JSON object.
ALTER TABLE friends ADD COLUMN custom_fields {text} NOT NULL DEFAULT '{}';
"#,
    r#"
-- A user's standard profile fields (Tencent's gender, birthday, location, selfSignature,
-- language, level and role), as a JSON object; '{}' until they set one.
ALTER TABLE users ADD COLUMN details {text} NOT NULL DEFAULT '{}';
"#,
    r#"
-- Users removed from an AVChatRoom group with a duration (Tencent's deleteGroupMember), who may
-- not join it again until `until_ms`. A row whose time has passed keeps no one out.
CREATE TABLE group_bans (
    channel_id {int} NOT NULL REFERENCES channels(id),
    uid        {text} NOT NULL,
    until_ms   {int} NOT NULL,
    PRIMARY KEY (channel_id, uid)
) {without_rowid};
"#,
    r#"
-- Orders the changes to a group's attributes and counters: each change raises it by one, in the
-- order they commit. Their pushes carry it, and a client drops one older than the newest it
-- heard (two changes' pushes may arrive in either order, above all across nodes).
ALTER TABLE channels ADD COLUMN shared_data_revision {int} NOT NULL DEFAULT 0;
"#,
    r#"
-- WuKongIM's system accounts (/user/systemuids_*): uids trusted to send anywhere, as the app
-- backend does, and whom anyone may message one-to-one.
CREATE TABLE system_accounts (
    uid        {text} PRIMARY KEY,
    created_ms {int} NOT NULL
) {without_rowid};
"#,
    r#"
-- Messages that never become a conversation's last message (Tencent's
-- messageControlInfo.excludedFromLastMessage, as its call invitations are sent): the list shows
-- the newest message before them.
ALTER TABLE messages ADD COLUMN excluded_from_last {int} NOT NULL DEFAULT 0;
"#,
    r#"
-- When a member joined the group, for the window they are in now (Tencent's member joinTime):
-- set by each join, a rejoin included; 0 for windows opened before Natter kept it.
ALTER TABLE memberships ADD COLUMN joined_ms {int} NOT NULL DEFAULT 0;
"#,
    r#"
-- Marks on the members of audio-video groups (Tencent's markGroupMemberList;
-- crate::group_members): a row per member and mark, which a member leaving the group drops.
CREATE TABLE group_member_marks (
    channel_id {int} NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    mark       {int} NOT NULL,
    uid        {text} NOT NULL,
    PRIMARY KEY (channel_id, mark, uid)
) {without_rowid};
"#,
    r#"
-- Communities' topics (Tencent's isSupportTopic and createTopicInCommunity; crate::topics): a
-- topic is a group channel of its own, keyed by its ID (`<communityID>@TOPIC#_<suffix>`), whose
-- members are always its community's current members. supports_topics marks a community that
-- has them; community_id, on a topic's channel, is its community's channel; topic_data is a
-- topic's customData.
ALTER TABLE channels ADD COLUMN supports_topics {int} NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN community_id {int};
ALTER TABLE channels ADD COLUMN topic_data {text} NOT NULL DEFAULT '';
CREATE INDEX channels_by_community ON channels(community_id) WHERE community_id IS NOT NULL;
"#,
    r#"
-- The last batch of connection changes each node recorded (crate::presence::record): a batch
-- written again after its commit's answer was lost is known to have committed, and tells
-- nothing again.
ALTER TABLE webhook_nodes ADD COLUMN presence_batch {int} NOT NULL DEFAULT 0;
"#,
];

impl Dialect {
    /// A migration in this database's words.
    pub(crate) fn render(self, migration: &str) -> String {
        let words: &[(&str, &str)] = match self {
            Dialect::Sqlite => &[
                ("{id}", "INTEGER PRIMARY KEY"),
                ("{serial}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
                ("{int}", "INTEGER"),
                ("{text}", "TEXT"),
                ("{bytes}", "BLOB"),
                ("{without_rowid}", "WITHOUT ROWID"),
                ("{greatest}", "MAX"),
                ("{least}", "MIN"),
            ],
            Dialect::Postgres => &[
                (
                    "{id}",
                    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                ),
                (
                    "{serial}",
                    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                ),
                ("{int}", "BIGINT"),
                ("{text}", "TEXT COLLATE \"C\""),
                ("{bytes}", "BYTEA"),
                ("{without_rowid}", ""),
                ("{greatest}", "GREATEST"),
                ("{least}", "LEAST"),
            ],
        };
        words
            .iter()
            .fold(migration.to_owned(), |sql, (word, spelled)| {
                sql.replace(word, spelled)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_brace_word_is_rendered_in_both_dialects() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            for migration in MIGRATIONS {
                let sql = dialect.render(migration);
                let left = sql.split('{').skip(1).find(|after| {
                    after
                        .split_once('}')
                        .is_some_and(|(word, _)| !word.is_empty())
                });
                assert!(left.is_none(), "{dialect:?} left a word: {left:?}");
            }
        }
    }

    #[test]
    fn the_schema_opens_in_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for migration in MIGRATIONS {
            conn.execute_batch(&Dialect::Sqlite.render(migration))
                .unwrap();
        }
    }
}
