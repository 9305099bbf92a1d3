//! Accounts: the model, roles and the queries the account pages use.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::accounts::email;
use crate::db::schema::users;
use crate::db::{DbConn, lower};

/// WordPress's roles, most powerful first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Editor,
    Author,
    Subscriber,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Editor, Role::Author, Role::Subscriber];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
            Role::Subscriber => "subscriber",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Editor => "Editor",
            Role::Author => "Author",
            Role::Subscriber => "Subscriber",
        }
    }

    /// Unknown values are the least powerful role.
    pub fn parse(text: &str) -> Role {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .unwrap_or(Role::Subscriber)
    }

    /// Whether this role includes everything `other` may do.
    pub fn at_least(self, other: Role) -> bool {
        self <= other
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub created_at: PrimitiveDateTime,
    /// Set by an administrator: the account cannot log in and has no sessions.
    pub disabled_at: Option<PrimitiveDateTime>,
}

impl User {
    pub fn role(&self) -> Role {
        Role::parse(&self.role)
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// By username or email, ignoring case.
pub fn find_by_login(conn: &mut DbConn, login: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(
            lower(users::username)
                .eq(login.trim().to_lowercase())
                .or(users::email_normalized.eq(email::normalize(login))),
        )
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    let normalized = email::normalize(email);
    crate::on_backend!(conn, |c| users::table
        .filter(users::email_normalized.eq(&normalized))
        .select(User::as_select())
        .first(c)
        .optional())
}

pub fn username_taken(conn: &mut DbConn, username: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(lower(users::username).eq(username.trim().to_lowercase())),
    ))
    .get_result(conn)
}

pub fn email_taken(conn: &mut DbConn, email: &str, except_user: Option<i32>) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::email_normalized.eq(email::normalize(email)))
            .filter(users::id.ne(except_user.unwrap_or(-1))),
    ))
    .get_result(conn)
}

pub fn admin_exists(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::role.eq(Role::Admin.as_str())),
    ))
    .get_result(conn)
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
}

pub fn insert(conn: &mut DbConn, new: &NewUser, now: PrimitiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(users::table)
        .values((
            users::username.eq(new.username.trim()),
            users::email.eq(new.email.trim()),
            users::email_normalized.eq(email::normalize(new.email)),
            users::display_name.eq(new.display_name.trim()),
            users::password_hash.eq(new.password_hash),
            users::role.eq(new.role.as_str()),
            users::created_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)
}

pub fn set_password_hash(conn: &mut DbConn, id: i32, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .map(drop)
}

pub fn set_display_name(conn: &mut DbConn, id: i32, name: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::display_name.eq(name.trim()))
        .execute(conn)
        .map(drop)
}

pub fn set_email(conn: &mut DbConn, id: i32, email: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email.trim()),
            users::email_normalized.eq(email::normalize(email)),
        ))
        .execute(conn)
        .map(drop)
}

/// Re-normalises the stored addresses SQL's `lower()` spelled differently from
/// `email::normalize` (non-ASCII letters, blanks), e.g. rows from before the column existed.
/// A row whose address now collides with another account's is left as it is and logged.
/// Returns how many rows were updated.
pub fn normalize_stored_emails(conn: &mut DbConn) -> QueryResult<usize> {
    let stored: Vec<(i32, String, String)> = users::table
        .select((users::id, users::email, users::email_normalized))
        .load(conn)?;
    let mut updated = 0;
    for (id, address, normalized) in stored {
        let wanted = email::normalize(&address);
        if wanted == normalized {
            continue;
        }
        match diesel::update(users::table.find(id))
            .set(users::email_normalized.eq(&wanted))
            .execute(conn)
        {
            Ok(_) => updated += 1,
            Err(e) if is_unique_violation(&e) => tracing::warn!(
                user_id = id,
                "the email address of this account is, ignoring case, another account's; \
                 change one of them"
            ),
            Err(e) => return Err(e),
        }
    }
    Ok(updated)
}

/// Whether a unique index refused the write (a username or email taken in a race).
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Admin.at_least(Role::Editor));
        assert!(Role::Editor.at_least(Role::Editor));
        assert!(!Role::Author.at_least(Role::Editor));
        assert_eq!(Role::parse("nonsense"), Role::Subscriber);
        assert_eq!(Role::parse("editor"), Role::Editor);
    }
}
