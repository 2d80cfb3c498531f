//! The one error type every server function returns.
//!
//! The browser only ever sees the sentence in `Display`; causes (database text, I/O) go to the
//! server log where the error is created, never over the wire.

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input in one field; `field` names the form field so the UI can show it beside it.
    #[error("{message}")]
    Field { field: String, message: String },
    /// Bad input that is not about one field.
    #[error("{0}")]
    Invalid(String),
    /// Sign-in failed; deliberately the same for an unknown email and a wrong password.
    #[error("The sign-in details are not right. Check the email or employee number and the password or PIN.")]
    InvalidCredentials,
    /// The one answer for an address that has an account or a pending invitation: the two
    /// are deliberately not told apart.
    #[error("This email address cannot be invited. It may already belong to an account or have a pending invitation.")]
    InvitationUnavailable,
    /// The shop-floor twin of `InvitationUnavailable`, for an employee number.
    #[error("This employee number cannot be used. It may already belong to an account or have a pending invitation.")]
    EmployeeNumberUnavailable,
    /// A shop-floor setup attempt with a wrong, dead or unknown employee number and code: one
    /// answer for all, so it tells nothing about which part was wrong.
    #[error("The employee number or setup code is not right, or the code is no longer valid. Check the handout, or ask your administrator for a new one.")]
    SetupCodeInvalid,
    /// Every way an invitation link can be unusable (unknown, expired, revoked, used, its unit
    /// gone) gets this one answer, so the page never tells which.
    #[error("This invitation link is no longer valid. Ask your administrator for a new invitation.")]
    InvitationLinkInvalid,
    /// Another hourly limit reached; the sentence says which and when to try again.
    #[error("{0}")]
    Limited(String),
    #[error("You can send up to {limit} invitations per hour. You can send the next one after {} UTC.", crate::when::clock(*retry_at))]
    RateLimited { limit: u32, retry_at: crate::when::Moment },
    /// Too many failed sign-ins for this account or from this device; the same words either
    /// way, and the same for an identifier no account has.
    #[error("Too many failed sign-in attempts. Try again in {}, or ask your administrator.", minutes_text(*minutes))]
    SignInLocked { minutes: i64 },
    /// A save based on an older read of a person: another admin changed them meanwhile.
    #[error("This person was changed by someone else; reload to see the change.")]
    Stale,
    /// A password-reset link that is unknown, used, expired, or whose account was switched off:
    /// one answer for all.
    #[error("This password reset link is no longer valid. Ask for a new one on the sign-in page.")]
    ResetLinkInvalid,
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// Too many passwords are being checked at this moment; nothing was done or counted.
    #[error("The server is busy. Please try again in a few seconds; nothing you entered was lost.")]
    Busy,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0} was not found.")]
    NotFound(String),
    /// Something failed on the server; the cause is logged, not sent.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached (or never came back from) the server function.
    #[error("The request could not be completed: {0}")]
    Transport(String),
}

impl AppError {
    /// A failure on the server: `cause` goes to the log, the browser gets only "Something went
    /// wrong". Every 500 is made here or from a database error, so none is left unexplained.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        AppError::Internal
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Field { field: field.to_owned(), message: message.into() }
    }

    /// The message for `field`, if this error is about that field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Field { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Field { .. } | AppError::Invalid(_) | AppError::Transport(_) | AppError::SetupCodeInvalid => 400,
            AppError::InvalidCredentials | AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::InvitationUnavailable | AppError::EmployeeNumberUnavailable | AppError::Stale => 409,
            AppError::InvitationLinkInvalid | AppError::ResetLinkInvalid => 410,
            AppError::RateLimited { .. } | AppError::SignInLocked { .. } | AppError::Limited(_) => 429,
            AppError::NotFound(_) => 404,
            AppError::Internal => 500,
            AppError::Busy => 503,
        }
    }
}

fn minutes_text(minutes: i64) -> String {
    if minutes == 1 { "1 minute".to_owned() } else { format!("{minutes} minutes") }
}

impl FromServerFnError for AppError {
    type Encoder = crate::wire::TextJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed or unexpected arguments are the client's fault, and safe to describe.
            ServerFnErrorErr::Args(msg) => AppError::Invalid(format!("The request was not valid: {msg}")),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::domain::password::HashingBusy> for AppError {
    fn from(_: crate::domain::password::HashingBusy) -> Self {
        tracing::warn!("the password hashing queue is full; answering 503");
        AppError::Busy
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}
