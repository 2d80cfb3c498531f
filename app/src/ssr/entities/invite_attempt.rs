use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invite_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub admin_id: i32,
    pub attempted_at: DateTimeUtc,
    /// The attempt's place in this admin's order: 1, 2, 3 …
    pub seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
