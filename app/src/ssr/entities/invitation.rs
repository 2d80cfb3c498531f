use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: crate::domain::IdentityKind,
    pub email: Option<String>,
    pub email_canonical: Option<String>,
    pub employee_number: Option<String>,
    pub employee_number_canonical: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: crate::domain::Role,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
    pub invited_by: i32,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub status: Status,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub accepted_user_id: Option<i32>,
    /// Wrong setup codes tried against this (shop-floor) invitation.
    pub failed_attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The stored status. A pending invitation past `expires_at` is shown as Expired, and stored
/// as `Expired` by the next housekeeping sweep, a look at the Expired filter, or anything that
/// needs its address or number again, whichever comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "expired")]
    Expired,
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "revoked")]
    Revoked,
}

impl Status {
    /// The value as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Expired => "expired",
            Status::Accepted => "accepted",
            Status::Revoked => "revoked",
        }
    }
}
