use serde::{Deserialize, Serialize};

/// What a person may do in Onboard. Stored as `as_str()` (on the server an active enum, so a
/// row holds a role or fails to load, never an unknown text); shown as `label()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(32))"))]
pub enum Role {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "corporate_admin"))]
    CorporateAdmin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "quality_admin"))]
    QualityAdmin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "hr_admin"))]
    HrAdmin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "team_lead"))]
    TeamLead,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "employee"))]
    Employee,
}

impl Role {
    /// Every role, most authority first.
    pub const ALL: [Role; 5] = [Role::CorporateAdmin, Role::QualityAdmin, Role::HrAdmin, Role::TeamLead, Role::Employee];

    pub fn label(self) -> &'static str {
        match self {
            Role::CorporateAdmin => "Corporate Admin",
            Role::QualityAdmin => "Quality Admin",
            Role::HrAdmin => "HR Admin",
            Role::TeamLead => "Team Lead",
            Role::Employee => "Employee",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::CorporateAdmin => "corporate_admin",
            Role::QualityAdmin => "quality_admin",
            Role::HrAdmin => "hr_admin",
            Role::TeamLead => "team_lead",
            Role::Employee => "employee",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Admins see the admin pages (Users, Invitations, Audit log).
    pub fn is_admin(self) -> bool {
        matches!(self, Role::CorporateAdmin | Role::QualityAdmin | Role::HrAdmin)
    }

    /// Where a person with this role lands after signing in.
    pub fn home_path(self) -> &'static str {
        if self.is_admin() { "/users" } else { "/profile" }
    }

    /// Quality and HR Admins administer their own department only.
    pub fn is_department_admin(self) -> bool {
        matches!(self, Role::QualityAdmin | Role::HrAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn an_unknown_role_name_is_rejected() {
        assert_eq!(Role::parse("superuser"), None);
        assert_eq!(Role::parse("Quality Admin"), None);
    }

    #[test]
    fn only_the_three_admin_roles_are_admins() {
        let admins: Vec<_> = Role::ALL.into_iter().filter(|r| r.is_admin()).collect();
        assert_eq!(admins, vec![Role::CorporateAdmin, Role::QualityAdmin, Role::HrAdmin]);
        assert!(!Role::CorporateAdmin.is_department_admin());
    }
}
