use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: Option<String>,
    #[sea_orm(unique)]
    pub email_canonical: Option<String>,
    pub employee_number: Option<String>,
    #[sea_orm(unique)]
    pub employee_number_canonical: Option<String>,
    pub name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub preferred_language: Option<String>,
    pub role: crate::domain::Role,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
    pub status: Status,
    pub password_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Goes up with every change an admin makes: a save based on an older read is refused.
    pub version: i32,
    pub last_sign_in_at: Option<DateTimeUtc>,
    pub deactivated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Whether the account may be used. "Deactivated" is the one word for the other state, in the
/// code and on every page; it is stored as `disabled`, the value the first release wrote, and
/// `deactivated_at` says since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    #[sea_orm(string_value = "active")]
    Active,
    /// Switched off by an admin: cannot sign in; data and history kept.
    #[sea_orm(string_value = "disabled")]
    Deactivated,
}

impl Status {
    /// The value as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deactivated => "disabled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status;
    use crate::domain::Role;
    use sea_orm::{ActiveEnum, Iterable};

    /// The stored values are written twice, in the `string_value`s the database reads and in
    /// `as_str` (which the browser's forms use for roles): they must never drift apart.
    #[test]
    fn every_role_and_status_is_stored_as_its_as_str() {
        assert_eq!(Role::iter().count(), Role::ALL.len());
        for role in Role::iter() {
            assert_eq!(role.to_value(), role.as_str());
        }
        for status in Status::iter() {
            assert_eq!(status.to_value(), status.as_str());
        }
    }
}
