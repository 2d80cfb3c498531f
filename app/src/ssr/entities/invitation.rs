use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `email` or `shop_floor`.
    pub kind: String,
    pub email: Option<String>,
    pub email_canonical: Option<String>,
    pub employee_number: Option<String>,
    pub employee_number_canonical: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: String,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
    pub invited_by: i32,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// `pending`, `accepted` or `revoked`; a pending one past `expires_at` shows as Expired.
    pub status: String,
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

/// Stored values of `status`. A pending invitation past `expires_at` is shown as Expired, and
/// stored as `expired` once something needs its address again.
pub const PENDING: &str = "pending";
pub const EXPIRED: &str = "expired";
pub const ACCEPTED: &str = "accepted";
pub const REVOKED: &str = "revoked";

/// "Pending" as SQL, written out as it stands in the partial unique indexes on
/// `email_canonical` and `employee_number_canonical`. Bound as a value, it would hide those
/// indexes from the planner: SQLite re-plans the statement on every run to check, and
/// PostgreSQL's generic plans never use them.
pub const IS_PENDING: &str = "status = 'pending'";

/// Stored values of `kind`.
pub const KIND_EMAIL: &str = "email";
pub const KIND_SHOP_FLOOR: &str = "shop_floor";
