//! Finding users, groups and group members by name or ID (Tencent's `searchCloudUsers`,
//! `searchCloudGroups`, `searchCloudGroupMembers`). A word matches a name that holds it (a
//! `LIKE` scan; case folded as `natter_core::search::fold` folds it) or an ID equal to it. Who
//! finds what follows who may see it: every user's profile is public; a Private (work) group
//! only to its members, the other types to anyone; group members only in the searcher's own
//! groups. AVChatRoom groups are never searched, as Tencent's.

use natter_core::group_rules::GroupType;
use natter_core::profile::Gender;
use natter_core::search::fold;
use natter_core::{ChannelKind, GroupId, Uid};

use crate::db::{Dialect, Value};
use crate::profiles::{GROUP_COLUMNS, profile_columns, read_group, read_profile};
use crate::search::like_escaped;
use crate::{Db, GroupProfile, Result, UserProfile};

/// The words to look for: any of them, or all with `all_words`.
#[derive(Debug, Clone)]
pub struct Words {
    pub words: Vec<String>,
    pub all_words: bool,
}

/// Which matches to answer: `count` of them after skipping `offset`, in ID order.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub offset: u64,
    pub count: u64,
}

/// Matches of one search: how many there are in all, and the window asked for.
#[derive(Debug, Clone)]
pub struct Matches<T> {
    pub total: u64,
    pub page: Vec<T>,
}

/// A member found, with the group they were found in.
#[derive(Debug, Clone)]
pub struct FoundMember {
    pub group: GroupId,
    pub group_name: String,
    pub group_type: String,
    pub group_avatar: String,
    pub profile: UserProfile,
    pub name_card: String,
}

/// What else a user must be to be found (Tencent's `userGenderType`, `miniBirthday` and
/// `maxBirthday`): each `None` narrows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserFilters {
    pub gender: Option<Gender>,
    /// Birthdays from the first to the second, both included, as users wrote them.
    pub birthdays: Option<(u32, u32)>,
}

impl UserFilters {
    /// The conditions, in `dialect`'s words, over the profile's JSON `u.details` (a field a user
    /// never set reads as its empty value). The values are written into the text: a gender is
    /// one of three names, a birthday a number.
    fn sql(self, dialect: Dialect) -> String {
        let field = |name: &str| match dialect {
            Dialect::Sqlite => format!("json_extract(u.details, '$.{name}')"),
            Dialect::Postgres => format!("(u.details::jsonb ->> '{name}')"),
        };
        let mut conditions = String::new();
        if let Some(gender) = self.gender {
            let name = serde_json::to_value(gender).unwrap_or_default();
            let name = name.as_str().unwrap_or_default();
            conditions.push_str(&format!(
                " AND COALESCE({}, 'Gender_Type_Unknown') = '{name}'",
                field("gender")
            ));
        }
        if let Some((first, last)) = self.birthdays {
            let birthday = match dialect {
                Dialect::Sqlite => field("birthday"),
                Dialect::Postgres => format!("{}::BIGINT", field("birthday")),
            };
            conditions.push_str(&format!(
                " AND COALESCE({birthday}, 0) BETWEEN {first} AND {last}"
            ));
        }
        conditions
    }
}

/// Users whose nick holds a word, or whose uid is one, and who pass `filters`.
pub fn users(
    db: &dyn Db,
    words: &Words,
    filters: UserFilters,
    window: Window,
) -> Result<Matches<UserProfile>> {
    let mut query = Query::default();
    let matching = query.words(words, &["u.nick"], "u.uid");
    let filtered = filters.sql(db.dialect());
    let from = format!("users u WHERE ({matching}){filtered}");
    let total = query.count(db, &from)?;
    let page = query.page(
        db,
        &format!("SELECT u.uid, {} FROM {from}", profile_columns!()),
        "u.uid",
        window,
        |row| read_profile(Uid::parse(&row.get::<String>(0)?, "uid")?, row, 1),
    )?;
    Ok(Matches { total, page })
}

/// Groups of `types` that `searcher` may see, not dismissed, whose name holds a word or whose
/// ID is one.
pub fn groups(
    db: &dyn Db,
    searcher: &Uid,
    words: &Words,
    types: &[GroupType],
    window: Window,
) -> Result<Matches<GroupProfile>> {
    let mut query = Query::default();
    let matching = query.words(words, &["ch.name"], "ch.key");
    let of_types = query.group_types(types);
    let work = query.bind(GroupType::Work.as_str().to_owned());
    let me = query.bind(searcher.to_string());
    let from = format!(
        "channels ch WHERE ch.kind = {group_kind} AND ch.dismissed = 0 \
         AND ch.community_id IS NULL AND {of_types} AND ({matching}) AND (ch.group_type <> {work} OR EXISTS (SELECT 1 \
         FROM conversations c WHERE c.channel_id = ch.id AND c.uid = {me} \
         AND c.left_seq IS NULL))",
        group_kind = ChannelKind::Group.code(),
    );
    let total = query.count(db, &from)?;
    let page = query.page(
        db,
        &format!("SELECT {GROUP_COLUMNS} FROM {from}"),
        "ch.key",
        window,
        |row| read_group(db, row),
    )?;
    Ok(Matches { total, page })
}

/// Current members of `searcher`'s own groups of `types` (and among `only`, when given) whose
/// nick or name card in the group holds a word, or whose uid is one; by group, then by uid.
pub fn members(
    db: &dyn Db,
    searcher: &Uid,
    words: &Words,
    types: &[GroupType],
    only: Option<&[GroupId]>,
    window: Window,
) -> Result<Matches<FoundMember>> {
    let mut query = Query::default();
    let matching = query.words(words, &["u.nick", "COALESCE(r.name_card, '')"], "u.uid");
    let of_types = query.group_types(types);
    let me = query.bind(searcher.to_string());
    let among = match only {
        Some(groups) => {
            let keys: Vec<String> = groups
                .iter()
                .map(|group| query.bind(group.to_string()))
                .collect();
            format!("ch.key IN ({})", keys.join(", "))
        }
        None => "1 = 1".to_owned(),
    };
    let from = format!(
        "conversations mine JOIN channels ch ON ch.id = mine.channel_id \
         JOIN conversations c ON c.channel_id = ch.id AND c.left_seq IS NULL \
         JOIN users u ON u.uid = c.uid \
         LEFT JOIN group_members r ON r.channel_id = c.channel_id AND r.uid = c.uid \
         WHERE mine.uid = {me} AND mine.left_seq IS NULL AND ch.kind = {group_kind} \
         AND ch.community_id IS NULL AND {of_types} AND {among} AND ({matching})",
        group_kind = ChannelKind::Group.code(),
    );
    let total = query.count(db, &from)?;
    let page = query.page(
        db,
        &format!(
            "SELECT ch.key, ch.name, ch.group_type, ch.avatar, u.uid, {}, \
             COALESCE(r.name_card, '') FROM {from}",
            profile_columns!()
        ),
        "ch.key, u.uid",
        window,
        |row| {
            Ok(FoundMember {
                group: GroupId::parse(&row.get::<String>(0)?, "groupID")?,
                group_name: row.get(1)?,
                group_type: row.get(2)?,
                group_avatar: row.get(3)?,
                profile: read_profile(Uid::parse(&row.get::<String>(4)?, "uid")?, row, 5)?,
                name_card: row.get(10)?,
            })
        },
    )?;
    Ok(Matches { total, page })
}

/// A search's SQL parameters, bound in order as the conditions are written.
#[derive(Default)]
struct Query {
    values: Vec<String>,
}

impl Query {
    /// Binds a value; its placeholder.
    fn bind(&mut self, value: String) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    /// The condition that the words hold: each is in one of `names` or equals `id`.
    fn words(&mut self, words: &Words, names: &[&str], id: &str) -> String {
        let each: Vec<String> = words
            .words
            .iter()
            .map(|word| {
                let pattern = self.bind(format!("%{}%", like_escaped(&fold(word))));
                let exact = self.bind(word.clone());
                let in_names: Vec<String> = names
                    .iter()
                    .map(|name| format!("natter_fold({name}) LIKE {pattern} ESCAPE '\\'"))
                    .collect();
                format!("({} OR {id} = {exact})", in_names.join(" OR "))
            })
            .collect();
        each.join(if words.all_words { " AND " } else { " OR " })
    }

    /// The condition that group `ch` is of one of `types`.
    fn group_types(&mut self, types: &[GroupType]) -> String {
        let names: Vec<String> = types
            .iter()
            .map(|kind| self.bind(kind.as_str().to_owned()))
            .collect();
        format!("ch.group_type IN ({})", names.join(", "))
    }

    fn params(&self) -> Vec<Value<'_>> {
        self.values.iter().map(Value::from).collect()
    }

    fn count(&self, db: &dyn Db, from: &str) -> Result<u64> {
        db.query_one(&format!("SELECT COUNT(*) FROM {from}"), &self.params())?
            .get(0)
    }

    fn page<T>(
        &self,
        db: &dyn Db,
        select: &str,
        order: &str,
        window: Window,
        read: impl Fn(&crate::db::Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let mut params = self.params();
        let limit = params.len() + 1;
        params.extend([
            Value::from(to_i64(window.count)),
            Value::from(to_i64(window.offset)),
        ]);
        db.query(
            &format!(
                "{select} ORDER BY {order} LIMIT ${limit} OFFSET ${}",
                limit + 1
            ),
            &params,
        )?
        .iter()
        .map(read)
        .collect()
    }
}
