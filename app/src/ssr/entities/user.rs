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
    /// `Role::as_str()`.
    pub role: String,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
    /// `active` or `disabled` (deactivated).
    pub status: String,
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

pub const STATUS_ACTIVE: &str = "active";
/// Switched off by an admin: cannot sign in; data and history kept.
pub const STATUS_DEACTIVATED: &str = "disabled";
