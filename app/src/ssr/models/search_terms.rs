//! The words a person is found by in Users: each word of their name without accents, their
//! email address and its local part, and their employee number, all lower-case, one row per
//! word in `user_search_terms`. A search word matches any term it begins: a range walk along
//! the table's key, so a search costs the same at 100 people and at 100,000. Each term row
//! carries the person's name, status, role, department and location too (migration 000013),
//! so the range alone answers a search's filters and its name order.

use crate::ssr::entities::{search_term, user};
use crate::ssr::raw::statement;
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, QuerySelect, Select, ExprTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, TransactionTrait, Value};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest term kept (the column's width); a longer word is cut, and so is a search for it.
const MAX_TERM_CHARS: usize = 320;
/// At most this many words of a search are used; the rest narrow nothing worth the cost.
const MAX_SEARCH_WORDS: usize = 4;

/// `text` lower-case with accents removed: "Łukasz Müller" and "lukasz muller" fold alike
/// except for letters that are not an accent on another (ł stays ł).
pub fn fold(text: &str) -> String {
    text.nfd().filter(|c| !is_combining_mark(*c)).collect::<String>().to_lowercase()
}

fn cut(word: &str) -> String {
    word.chars().take(MAX_TERM_CHARS).collect()
}

/// The words of a name: split at spaces, hyphens and apostrophes ("Anne-Marie O'Neill" is found
/// by "anne", "marie", "o", "neill", and by "o'neill" as typed).
fn name_words(name: &str) -> Vec<String> {
    let folded = fold(name);
    let mut words: Vec<String> = folded.split_whitespace().map(cut).collect();
    for word in folded.split_whitespace() {
        words.extend(word.split(['-', '\'', '’']).filter(|w| !w.is_empty() && *w != word).map(cut));
    }
    words
}

/// Every term `person` is found by, without repeats.
pub fn terms_of(person: &user::Model) -> Vec<String> {
    let mut terms = name_words(&person.name);
    if let Some(email) = &person.email_canonical {
        terms.push(cut(email));
        if let Some((local, _)) = email.split_once('@') {
            terms.push(cut(local));
        }
    }
    if let Some(number) = &person.employee_number_canonical {
        terms.push(cut(&fold(number)));
    }
    terms.sort();
    terms.dedup();
    terms
}

/// The words of what someone typed into the search box, folded like the terms.
pub fn search_words(typed: &str) -> Vec<String> {
    fold(typed).split_whitespace().take(MAX_SEARCH_WORDS).map(cut).collect()
}

/// `text` as an SQL string literal: quotes doubled, and no NUL (which no term holds). Safe
/// because every PostgreSQL connection sets `standard_conforming_strings` on
/// (`server/src/database.rs`), so a backslash is only a backslash; SQLite has no escapes.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\0', "").replace('\'', "''"))
}

/// `term >= word AND term < word + U+10FFFF` on `table`'s term: it compares bytes, so it is
/// one range of the key.
///
/// The bounds are written into the SQL as literals, not bound as parameters: PostgreSQL plans
/// a prepared statement once for any values, and that plan cannot tell a rare name from a
/// common one, so it walked every person in name order for a word almost no one has
/// (bench/README.md, "Users at 100k people"). Quoted by [`literal`].
fn term_range(table: &str, word: &str) -> String {
    format!("{table}.term >= {} AND {table}.term < {}", literal(word), literal(&format!("{word}\u{10FFFF}")))
}

/// The ids of people with a term that begins with `word`, as a subquery.
pub fn people_matching(word: &str) -> SelectStatement {
    Query::select().column("user_id").from("user_search_terms").and_where(Expr::cust(term_range("user_search_terms", word))).to_owned()
}

/// The people with a term that begins with `word`, one row each ("mar" begins both "maria" and
/// "martinez"), read from the terms alone. Their rows' copies of the person's name and filter
/// columns are equal, so `DISTINCT` over those columns leaves one row a person; the term itself
/// is not needed after and is left empty. It costs less than grouping the range by person
/// (which also sorted on every copied column to keep the smallest term), and so does its count,
/// `DISTINCT user_id`. Checking each row against the person's other terms instead read the
/// `user_id` index once per match, most of the index for a common word (bench/README.md,
/// "Users at 100k people").
pub fn people_with_term(word: &str) -> Select<search_term::Entity> {
    use search_term::Column as C;
    search_term::Entity::find()
        .select_only()
        .distinct()
        .column_as(Expr::cust("CAST('' AS TEXT)"), "term")
        .columns([C::UserId, C::Name, C::Status, C::Role, C::DepartmentId, C::LocationId])
        .filter(Expr::cust(term_range("user_search_terms", word)))
}

/// The people whose term is exactly `term`, one row each (a person's terms are unique), in the
/// key's order after the term: by name, then id. A page of them is a walk along the key from a
/// given name that stops after the page, however many people share the term (migration
/// 000014). The term is an SQL literal, as in [`term_range`].
pub fn people_in_term(term: &str) -> Select<search_term::Entity> {
    search_term::Entity::find().filter(Expr::cust(format!("user_search_terms.term = {}", literal(term))))
}

#[derive(FromQueryResult)]
struct TermBounds {
    first: Option<String>,
    last: Option<String>,
}

/// The term `word` begins, when it begins exactly one ("mül" begins only "muller"); `None`
/// when it begins none or several ("mar": "maria" and "martinez"). Two seeks of the key: the
/// smallest and the largest term in the word's range.
pub async fn only_term(db: &impl ConnectionTrait, word: &str) -> Result<Option<String>, DbErr> {
    let range = term_range("user_search_terms", word);
    let sql = format!(
        "SELECT (SELECT MIN(term) FROM user_search_terms WHERE {range}) AS first, \
         (SELECT MAX(term) FROM user_search_terms WHERE {range}) AS last"
    );
    let bounds = TermBounds::find_by_statement(statement(db, &sql, Vec::new())).one(db).await?;
    Ok(bounds.and_then(|b| if b.first == b.last { b.first } else { None }))
}

/// Narrows [`people_with_term`] to the people who also have a term that begins `word`. The
/// unary `+` keeps SQLite reading the leading word's range and looking each row up in this
/// word's list: given a bare column it walked this word's people instead, one probe of the
/// `user_id` index each.
pub fn also_with_term(word: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::cust("+user_search_terms.user_id").in_subquery(people_matching(word))
}

/// Stores `person`'s terms (replacing any they had).
pub async fn index(db: &impl ConnectionTrait, person: &user::Model) -> Result<(), DbErr> {
    index_many(db, std::slice::from_ref(person)).await
}

/// Stores the terms of each of `people` (replacing any they had), in two statements.
async fn index_many(db: &impl ConnectionTrait, people: &[user::Model]) -> Result<(), DbErr> {
    let ids: Vec<i32> = people.iter().map(|p| p.id).collect();
    db.execute(&Query::delete().from_table("user_search_terms").and_where(Expr::col("user_id").is_in(ids)).to_owned()).await?;
    let mut insert = Query::insert();
    insert.into_table("user_search_terms").columns(["term", "user_id", "name", "status", "role", "department_id", "location_id"]);
    let mut any = false;
    for person in people {
        for term in terms_of(person) {
            insert.values_panic([
                Value::from(term).into(),
                person.id.into(),
                person.name.clone().into(),
                person.status.into(),
                person.role.into(),
                person.department_id.into(),
                person.location_id.into(),
            ]);
            any = true;
        }
    }
    if any {
        db.execute(&insert).await?;
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct Unindexed {
    id: i32,
}

/// People indexed per transaction by [`backfill`]: a few thousand terms, well inside every
/// database's limit on values in one statement.
const BACKFILL_CHUNK: u64 = 500;

/// Indexes everyone who has no terms yet (accounts from before search, or written by an older
/// version), [`BACKFILL_CHUNK`] people per transaction. Answers how many were indexed.
pub async fn backfill(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let mut done = 0;
    let mut after = 0;
    loop {
        let sql = format!(
            "SELECT id FROM users WHERE id > $1 AND NOT EXISTS \
             (SELECT 1 FROM user_search_terms t WHERE t.user_id = users.id) ORDER BY id LIMIT {BACKFILL_CHUNK}"
        );
        let ids: Vec<i32> =
            Unindexed::find_by_statement(statement(db, &sql, vec![after.into()])).all(db).await?.into_iter().map(|u| u.id).collect();
        let Some(&last) = ids.last() else { return Ok(done) };
        after = last;
        let people = user::Entity::find().filter(user::Column::Id.is_in(ids)).all(db).await?;
        let txn = db.begin().await?;
        index_many(&txn, &people).await?;
        txn.commit().await?;
        done += people.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_word_is_quoted_as_a_literal() {
        assert_eq!(literal("o'neill"), "'o''neill'");
        assert_eq!(literal("a\0b"), "'ab'");
        let sql = people_matching("o'ne").to_string(sea_orm::sea_query::SqliteQueryBuilder);
        assert!(sql.contains("user_search_terms.term >= 'o''ne' AND user_search_terms.term < 'o''ne\u{10FFFF}'"), "{sql}");
    }

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("José MÜLLER Ñandú"), "jose muller nandu");
        assert_eq!(search_words("  Zoë   garcía "), vec!["zoe", "garcia"]);
    }

    #[test]
    fn a_person_is_found_by_each_name_word_their_address_and_their_number() {
        let person = user::Model {
            id: 1,
            email: Some("Anne-Marie.ONeill@Example.com".into()),
            email_canonical: Some("anne-marie.oneill@example.com".into()),
            employee_number: None,
            employee_number_canonical: Some("E-4577".into()),
            name: "Anne-Marie O'Néill".into(),
            first_name: None,
            last_name: None,
            job_title: None,
            phone: None,
            preferred_language: None,
            role: crate::domain::Role::Employee,
            department_id: None,
            location_id: None,
            status: crate::ssr::entities::user::Status::Active,
            password_hash: None,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            version: 0,
            last_sign_in_at: None,
            deactivated_at: None,
        };
        let terms = terms_of(&person);
        for expected in ["anne-marie", "anne", "marie", "o'neill", "neill", "anne-marie.oneill@example.com", "anne-marie.oneill", "e-4577"] {
            assert!(terms.contains(&expected.to_owned()), "{expected} in {terms:?}");
        }
    }
}
