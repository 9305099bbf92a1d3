//! The SQLite and PostgreSQL migration sets must describe the same schema.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use glowpress::db::DbConn;

use crate::common::{Backend, Site, postgres_admin_url, skip};

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    primary_key: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

/// (table, column, type, nullable), with the types of both dialects named alike. Each
/// backend's own full-text index is left out: SQLite's FTS5 tables (`search_*` and their
/// shadow tables), PostgreSQL's tsvector columns (see migrations/*/…_search).
type Column = (String, String, String, bool);

fn normalise(data_type: &str) -> String {
    match data_type.to_ascii_lowercase().as_str() {
        "integer" | "int" | "int4" | "serial" => "integer",
        "bigint" | "int8" => "bigint",
        "text" | "character varying" | "varchar" => "text",
        "boolean" | "bool" => "boolean",
        "timestamp" | "timestamp without time zone" => "timestamp",
        other => return other.to_owned(),
    }
    .to_owned()
}

fn columns(conn: &mut DbConn) -> BTreeSet<Column> {
    match conn {
        DbConn::Sqlite(conn) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             p.\"notnull\" AS not_null, p.pk AS primary_key \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND m.name <> '__diesel_schema_migrations' \
             AND m.name NOT LIKE 'search\\_%' ESCAPE '\\'",
        )
        .load::<SqliteColumn>(conn)
        .unwrap()
        .into_iter()
        .map(|c| {
            let nullable = c.not_null == 0 && c.primary_key == 0;
            (
                c.table_name,
                c.column_name,
                normalise(&c.data_type),
                nullable,
            )
        })
        .collect(),
        DbConn::Pg(conn) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name, \
             data_type::text AS data_type, is_nullable::text AS is_nullable \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
             AND data_type <> 'tsvector'",
        )
        .load::<PgColumn>(conn)
        .unwrap()
        .into_iter()
        .map(|c| {
            let nullable = c.is_nullable == "YES";
            (
                c.table_name,
                c.column_name,
                normalise(&c.data_type),
                nullable,
            )
        })
        .collect(),
    }
}

#[test]
fn both_migration_sets_describe_the_same_tables_and_columns() {
    let sqlite = Site::new(Backend::Sqlite).unwrap();
    let sqlite_columns = sqlite.with_conn(columns);
    assert!(
        sqlite_columns
            .iter()
            .any(|(t, c, _, _)| t == "posts" && c == "slug")
    );

    if postgres_admin_url().is_none() {
        return skip("the PostgreSQL half of the migration parity check");
    }
    let postgres = Site::new(Backend::Postgres).unwrap();
    let postgres_columns = postgres.with_conn(columns);
    let only_sqlite: Vec<_> = sqlite_columns.difference(&postgres_columns).collect();
    let only_postgres: Vec<_> = postgres_columns.difference(&sqlite_columns).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "schemas differ:\n only in SQLite: {only_sqlite:?}\n only in PostgreSQL: {only_postgres:?}"
    );
}
