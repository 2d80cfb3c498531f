use serde::{Deserialize, Serialize};

/// The two kinds of organisational unit an invitation can pre-assign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitKind {
    Department,
    Location,
}

impl UnitKind {
    /// The kind as a form sends it: serde's name for the variant. Written out, not taken from
    /// `Debug`, which the browser's build prints as nothing (`scripts/build.sh`).
    pub fn form_value(self) -> &'static str {
        match self {
            UnitKind::Department => "Department",
            UnitKind::Location => "Location",
        }
    }

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

/// A department's id, as a form or a service names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DepartmentId(pub i32);

/// A location's id, as a form or a service names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocationId(pub i32);

impl From<i32> for DepartmentId {
    fn from(id: i32) -> Self {
        DepartmentId(id)
    }
}

impl From<i32> for LocationId {
    fn from(id: i32) -> Self {
        LocationId(id)
    }
}

impl DepartmentId {
    /// The department a form's select chose ("" for none).
    pub fn parse_optional(value: &str) -> Result<Option<Self>, crate::error::AppError> {
        optional_id("department", value).map(|id| id.map(DepartmentId))
    }
}

impl LocationId {
    /// The location a form's select chose ("" for none).
    pub fn parse_optional(value: &str) -> Result<Option<Self>, crate::error::AppError> {
        optional_id("location", value).map(|id| id.map(LocationId))
    }
}

fn optional_id(field: &str, value: &str) -> Result<Option<i32>, crate::error::AppError> {
    match value.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| crate::error::AppError::field(field, "Choose an option from the list.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_select_gives_an_id_none_or_a_field_error() {
        assert_eq!(DepartmentId::parse_optional(" 7 "), Ok(Some(DepartmentId(7))));
        assert_eq!(LocationId::parse_optional(""), Ok(None));
        assert!(LocationId::parse_optional("north").unwrap_err().for_field("location").is_some());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_kind_is_sent_by_the_name_the_server_reads() {
        for kind in [UnitKind::Department, UnitKind::Location] {
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.form_value()));
        }
    }
}
