use sea_orm::entity::prelude::*;

/// A one-time way back into an existing account: a password-reset link (email users) or a
/// PIN-reset setup code (shop-floor workers). Only a hash of the secret is kept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_resets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub kind: Kind,
    #[sea_orm(unique)]
    pub secret_hash: String,
    /// The admin who issued it; `None` when the person asked for it ("Forgot password?").
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    /// Wrong codes tried against a PIN reset.
    pub failed_attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Kind {
    #[sea_orm(string_value = "password")]
    Password,
    #[sea_orm(string_value = "pin")]
    Pin,
}
