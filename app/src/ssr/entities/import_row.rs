use sea_orm::entity::prelude::*;

/// One line of an imported file: what it asked for, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_rows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub import_id: i32,
    /// The row's number in the spreadsheet (the header is row 1).
    pub row_number: i32,
    pub kind: Kind,
    /// The email address or employee number, as the file gave it.
    pub identifier: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub employee_number: Option<String>,
    /// The role the row asks for; none on a row the preview refused.
    pub role: Option<crate::domain::Role>,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
    pub state: State,
    /// Why the row failed or was skipped, in the words the admin sees.
    pub reason: Option<String>,
    pub invitation_id: Option<i32>,
    pub done_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Kind {
    #[sea_orm(string_value = "email")]
    Email,
    #[sea_orm(string_value = "shop_floor")]
    ShopFloor,
    /// A row the preview refused: kept only so the result names every row.
    #[sea_orm(string_value = "refused")]
    Refused,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum State {
    #[sea_orm(string_value = "queued")]
    Queued,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "failed")]
    Failed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Refused by the preview; never tried.
    #[sea_orm(string_value = "skipped")]
    Skipped,
}
