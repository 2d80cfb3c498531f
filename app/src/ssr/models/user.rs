//! Accounts: the one spelling of "active", and of a new active account.

use crate::domain::{Identity, IdentityKind};
use crate::ssr::entities::user::{ActiveModel, Column, Entity, Model, Status};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// The names of these people (inviters, actors), by id, as the lists show them.
pub async fn names(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<HashMap<i32, String>, DbErr> {
    let rows: Vec<(i32, String)> = Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::Name)
        .filter(Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// How the account's holder is known: by email, else (a shop-floor worker) by employee number.
pub fn known_by(user: &Model) -> IdentityKind {
    if user.email.is_some() { IdentityKind::Email } else { IdentityKind::EmployeeNumber }
}

/// The account's email address or (a shop-floor worker's) employee number. Onboard never
/// writes an account with neither: one is reported as a database error, not guessed at.
pub fn identity(user: &Model) -> Result<Identity, DbErr> {
    let email = (user.email.as_deref(), user.email_canonical.as_deref());
    let number = (user.employee_number.as_deref(), user.employee_number_canonical.as_deref());
    Identity::stored(known_by(user), email, number).ok_or_else(|| DbErr::Custom(format!("account {} has no identity", user.id)))
}

/// Whether the account may sign in and act (it has not been switched off).
pub fn is_active(user: &Model) -> bool {
    user.status == Status::Active
}

/// A new active account: `row` holds who it is (identity, names, role, units); this adds the
/// status, the password hash and the times.
pub fn new_active(row: ActiveModel, password_hash: String, now: DateTime<Utc>) -> ActiveModel {
    ActiveModel {
        status: Set(Status::Active),
        password_hash: Set(Some(password_hash)),
        created_at: Set(now),
        updated_at: Set(now),
        ..row
    }
}
