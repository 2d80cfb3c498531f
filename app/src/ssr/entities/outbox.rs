use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub invitation_id: Option<i32>,
    pub to_address: String,
    /// What the message says, as JSON (`app::mail::templates::MailContent`), rendered when it
    /// is sent. Emptied once sent: it holds a one-time link.
    pub content: String,
    pub status: Status,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// The reminder an invitation gets before it expires, not the invitation itself.
    pub reminder: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Where a message is: waiting, leased to a worker, done, waiting to be tried again, given up,
/// or cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    #[sea_orm(string_value = "queued")]
    Queued,
    #[sea_orm(string_value = "sending")]
    Sending,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "retrying")]
    Retrying,
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Not to be sent: its invitation was revoked or resent with a new link first.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

impl Status {
    /// The value as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Retrying => "retrying",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
}
