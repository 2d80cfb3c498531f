use sea_orm::entity::prelude::*;

/// An import from a spreadsheet, as a job any server instance can carry on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The admin who started it: its invitations are theirs and count toward their limit.
    pub admin_id: i32,
    pub file_name: String,
    pub total_rows: i32,
    pub state: State,
    pub created_at: DateTimeUtc,
    /// When the job can go on: now, or when the admin's hourly limit frees.
    pub next_run_at: DateTimeUtc,
    /// The server instance working on it, until `lease_until`.
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// The department admin's own department, for the Audit log's scope.
    pub department_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum State {
    /// Rows are waiting to be sent.
    #[sea_orm(string_value = "running")]
    Running,
    /// Every row is done.
    #[sea_orm(string_value = "finished")]
    Finished,
    /// The admin cancelled the rows not yet sent.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}
