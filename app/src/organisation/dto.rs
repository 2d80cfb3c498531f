use serde::{Deserialize, Serialize};

/// The two kinds of organisational unit an invitation can pre-assign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitKind {
    Department,
    Location,
}

impl UnitKind {
    pub fn singular(self) -> &'static str {
        match self {
            UnitKind::Department => "department",
            UnitKind::Location => "location",
        }
    }

    pub fn plural_title(self) -> &'static str {
        match self {
            UnitKind::Department => "Departments",
            UnitKind::Location => "Locations",
        }
    }

    #[cfg(feature = "ssr")]
    pub fn table(self) -> &'static str {
        match self {
            UnitKind::Department => "departments",
            UnitKind::Location => "locations",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: i32,
    pub name: String,
    pub archived: bool,
}
