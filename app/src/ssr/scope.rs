//! Which part of the organisation an admin administers.

use super::request::Actor;
use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Corporate Admin: everything.
    Organisation,
    /// Quality or HR Admin: their own department only.
    Department(i32),
}

impl Scope {
    /// The admin scope of `actor`; `Forbidden` for anyone without an admin role, and for a
    /// department admin who (through a data fault) has no department.
    pub fn of(actor: &Actor) -> Result<Scope, AppError> {
        use crate::domain::Role::*;
        match (actor.role, actor.department_id) {
            (CorporateAdmin, _) => Ok(Scope::Organisation),
            (QualityAdmin | HrAdmin, Some(department)) => Ok(Scope::Department(department)),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The department every listed row must belong to, if any.
    pub fn department(self) -> Option<i32> {
        match self {
            Scope::Organisation => None,
            Scope::Department(id) => Some(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn actor(role: Role, department_id: Option<i32>) -> Actor {
        Actor { user_id: 1, name: "A".into(), email: None, role, department_id }
    }

    #[test]
    fn a_corporate_admin_administers_the_whole_organisation() {
        assert_eq!(Scope::of(&actor(Role::CorporateAdmin, Some(3))), Ok(Scope::Organisation));
    }

    #[test]
    fn quality_and_hr_admins_administer_their_own_department() {
        assert_eq!(Scope::of(&actor(Role::QualityAdmin, Some(3))), Ok(Scope::Department(3)));
        assert_eq!(Scope::of(&actor(Role::HrAdmin, Some(4))), Ok(Scope::Department(4)));
    }

    #[test]
    fn a_department_admin_without_a_department_administers_nothing() {
        assert_eq!(Scope::of(&actor(Role::QualityAdmin, None)), Err(AppError::Forbidden));
    }

    #[test]
    fn team_leads_and_employees_are_not_admins() {
        assert_eq!(Scope::of(&actor(Role::TeamLead, Some(3))), Err(AppError::Forbidden));
        assert_eq!(Scope::of(&actor(Role::Employee, None)), Err(AppError::Forbidden));
    }
}
