use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// One active person in the Users tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub employee_number: Option<String>,
    pub role: Role,
    pub department: Option<String>,
    pub location: Option<String>,
    /// Cannot sign in right now after repeated failures (for everyone, or from some client).
    pub locked: bool,
}
