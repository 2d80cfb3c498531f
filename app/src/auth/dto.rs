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

/// Who is signed in, as every page behind sign-in knows them: the frame shows the name and
/// role, the admin guards and the start page go by the role. The server knows it without a
/// query (the session layer resolved it), so no page waits for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInAs {
    pub id: i32,
    pub name: String,
    pub role: Role,
}

impl SignedInAs {
    /// Where this person lands after signing in.
    pub fn home_path(&self) -> &'static str {
        self.role.home_path()
    }
}

impl From<&CurrentUser> for SignedInAs {
    fn from(user: &CurrentUser) -> Self {
        SignedInAs { id: user.id, name: user.name.clone(), role: user.role }
    }
}
