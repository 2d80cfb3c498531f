use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// The signed-in person as the browser sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub department: Option<String>,
    pub location: Option<String>,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    /// A code from `domain::language::LANGUAGES`.
    pub preferred_language: Option<String>,
}

impl CurrentUser {
    /// Where this person lands after signing in.
    pub fn home_path(&self) -> &'static str {
        self.role.home_path()
    }
}
