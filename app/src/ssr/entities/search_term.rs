use sea_orm::entity::prelude::*;

/// One word a person is found by in Users, with a copy of the person's columns a search
/// filters and orders by (kept equal to `users` by a trigger, migration 000013). Keyed by
/// (term, name, user_id), so one term's people lie in name order (migration 000014).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_search_terms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub term: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub status: super::user::Status,
    pub role: crate::domain::Role,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
