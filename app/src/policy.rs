//! Who may do what to whom: the one answer every service asks, and the one every form's
//! choices come from, so what the browser offers is what the server allows.
//!
//! - A Corporate Admin administers the whole organisation; a Quality or HR Admin only their own
//!   department; Team Leads and Employees administer nothing.
//! - An invitation may grant Quality Admin, HR Admin, Team Lead or Employee; Corporate Admins
//!   are only made by the server's CLI. A shop-floor worker (no email) may only be a Team Lead
//!   or an Employee.
//! - A Quality or HR Admin invites only into their own department, and a Quality or HR Admin
//!   role needs a department.
//! - Departments and locations are managed by the Corporate Admin only.
//! - Every action on a person or an invitation ([`Action`]) is allowed within the actor's
//!   scope, and a department admin never acts on a Corporate Admin. Only the Corporate Admin
//!   acts on an admin's account: a Quality or HR Admin may not change, deactivate, reactivate,
//!   reset or unlock a peer admin of their own department. Changing a person's role
//!   or department has more rules ([`check_change`]): nobody changes their own, only the
//!   Corporate Admin moves people between departments, and the roles on offer are those an
//!   invitation may grant.

use crate::domain::{IdentityKind, Role};
use crate::error::AppError;

/// Which part of the organisation an admin administers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Corporate Admin: everything.
    Organisation,
    /// Quality or HR Admin: their own department only.
    Department(i32),
}

impl Scope {
    /// The admin scope of someone with `role` in `department`; `Forbidden` for anyone without
    /// an admin role, and for a department admin who (through a data fault) has no department.
    pub fn for_role(role: Role, department: Option<i32>) -> Result<Scope, AppError> {
        match (role, department) {
            (Role::CorporateAdmin, _) => Ok(Scope::Organisation),
            (Role::QualityAdmin | Role::HrAdmin, Some(own)) => Ok(Scope::Department(own)),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The department every row this admin sees must belong to, if any.
    pub fn department(self) -> Option<i32> {
        match self {
            Scope::Organisation => None,
            Scope::Department(id) => Some(id),
        }
    }

    /// Whether a row in `department` (or in none) is this admin's to see and act on.
    pub fn covers(self, department: Option<i32>) -> bool {
        match self {
            Scope::Organisation => true,
            Scope::Department(own) => department == Some(own),
        }
    }

    /// The imports admin `viewer` sees: every one for the Corporate Admin (`None`); for a
    /// Quality or HR Admin, those they started themselves into their own department, as
    /// `(starter, department)`.
    pub fn imports_seen_by(self, viewer: i32) -> Option<(i32, i32)> {
        self.department().map(|own| (viewer, own))
    }

    /// Whether admin `viewer` sees an import `starter` began into `department` (see
    /// [`imports_seen_by`](Self::imports_seen_by)).
    pub fn sees_import(self, viewer: i32, starter: i32, department: Option<i32>) -> bool {
        self.imports_seen_by(viewer).is_none_or(|seen| Some(seen) == department.map(|d| (starter, d)))
    }

    /// `found` if it lies within this scope (`department` says where a row belongs). A row
    /// outside it gets the same `NotFound` as no row at all, so ids cannot be probed.
    pub fn visible<T>(self, found: Option<T>, department: impl Fn(&T) -> Option<i32>, what: &str) -> Result<T, AppError> {
        found.filter(|row| self.covers(department(row))).ok_or_else(|| AppError::NotFound(what.to_owned()))
    }
}

#[cfg(feature = "ssr")]
impl Scope {
    /// The admin scope of the person making a request.
    pub fn of(actor: &crate::ssr::Actor) -> Result<Scope, AppError> {
        Scope::for_role(actor.role, actor.department_id)
    }
}

/// What an admin can do to a person or an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Invite,
    Resend,
    Revoke,
    ChangeAssignment,
    Deactivate,
    Reactivate,
    /// Send a password reset (email users) or issue a PIN-reset handout (shop-floor workers).
    ResetAccess,
    Unlock,
}

impl Action {
    /// Whether this acts on someone's account, rather than on an invitation.
    pub fn on_account(self) -> bool {
        matches!(self, Action::ChangeAssignment | Action::Deactivate | Action::Reactivate | Action::ResetAccess | Action::Unlock)
    }

    pub const ALL: [Action; 8] = [
        Action::Invite,
        Action::Resend,
        Action::Revoke,
        Action::ChangeAssignment,
        Action::Deactivate,
        Action::Reactivate,
        Action::ResetAccess,
        Action::Unlock,
    ];
}

/// Who or what an action is done to: the department it belongs to, and the role the person
/// holds (or the invitation grants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub department: Option<i32>,
    pub role: Role,
}

impl Scope {
    /// Whether this admin may take `action` on `target`. Every action is scoped the same way;
    /// a department admin never acts on a Corporate Admin (who may sit in their department),
    /// nor on the account of any admin: only the Corporate Admin acts on an admin.
    pub fn permits(self, action: Action, target: Target) -> bool {
        let for_the_corporate_admin = target.role == Role::CorporateAdmin || (action.on_account() && target.role.is_admin());
        self.covers(target.department) && (self == Scope::Organisation || !for_the_corporate_admin)
    }

    /// `Forbidden` unless [`permits`](Self::permits).
    pub fn require(self, action: Action, target: Target) -> Result<(), AppError> {
        if self.permits(action, target) { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

/// Whether someone with `role` in `department` may take `action` on `target`: no admin role,
/// no action.
pub fn may(role: Role, department: Option<i32>, action: Action, target: Target) -> bool {
    Scope::for_role(role, department).is_ok_and(|scope| scope.permits(action, target))
}

/// A person as a change of role or department finds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i32,
    pub role: Role,
    pub department: Option<i32>,
    /// How they are known: a shop-floor worker has no email address, so holds no admin role.
    pub known_by: IdentityKind,
}

/// The roles `person` may be given: those an invitation of their kind may grant, and the one
/// they hold (a Corporate Admin stays one unless changed to another role).
pub fn assignable_roles(person: Person) -> Vec<Role> {
    let mut roles: Vec<Role> = invitable_roles(person.known_by).to_vec();
    if !roles.contains(&person.role) {
        roles.insert(0, person.role);
    }
    roles
}

/// Checks a change of `person`'s role and department by `actor_id` in `scope` (which must
/// already permit [`Action::ChangeAssignment`] on them).
pub fn check_change(scope: Scope, actor_id: i32, person: Person, role: Role, department: Option<i32>) -> Result<(), AppError> {
    if person.id == actor_id && role != person.role {
        return Err(AppError::field("role", "You cannot change your own role."));
    }
    if person.id == actor_id && department != person.department {
        return Err(AppError::field("department", "You cannot change your own department."));
    }
    if !assignable_roles(person).contains(&role) {
        return Err(match person.known_by {
            IdentityKind::EmployeeNumber if role.is_admin() => {
                AppError::field("role", "Admin roles need an email address: choose Team Lead or Employee.")
            }
            _ => AppError::field("role", "Choose a role from the list."),
        });
    }
    if !scope.covers(department) {
        return Err(AppError::field("department", "Only the Corporate Admin moves people between departments."));
    }
    if role.is_department_admin() && department.is_none() {
        return Err(AppError::field(
            "department",
            format!("Choose a department: a {} administers their department.", role.label()),
        ));
    }
    Ok(())
}

/// The roles an invitation of `kind` may grant, in the order the spec lists them.
pub fn invitable_roles(kind: IdentityKind) -> &'static [Role] {
    match kind {
        IdentityKind::Email => &[Role::QualityAdmin, Role::HrAdmin, Role::TeamLead, Role::Employee],
        // Admin roles need an email address.
        IdentityKind::EmployeeNumber => &[Role::TeamLead, Role::Employee],
    }
}

/// The role an admin chose (its stored name), if an invitation of `kind` may grant it.
pub fn check_role(kind: IdentityKind, chosen: &str) -> Result<Role, AppError> {
    let role = Role::parse(chosen);
    match role {
        Some(role) if invitable_roles(kind).contains(&role) => Ok(role),
        Some(_) if kind == IdentityKind::EmployeeNumber => {
            Err(AppError::field("role", "Admin roles need an email address: choose Team Lead or Employee."))
        }
        _ => Err(AppError::field("role", "Choose a role.")),
    }
}

/// The department an admin in `scope` may invite someone with `role` into. A Quality or HR
/// Admin's department comes from their session: a request naming any other (or none) is
/// refused. A Quality or HR Admin role needs a department.
pub fn check_department(scope: Scope, role: Role, department: Option<i32>) -> Result<(), AppError> {
    if !scope.covers(department) {
        return Err(AppError::field("department", "You can only invite people into your own department."));
    }
    if role.is_department_admin() && department.is_none() {
        return Err(AppError::field(
            "department",
            format!("Choose a department: a {} administers their department.", role.label()),
        ));
    }
    Ok(())
}

/// Departments and locations are the Corporate Admin's to add, rename and archive.
pub fn may_manage_units(role: Role) -> bool {
    role == Role::CorporateAdmin
}

/// `Forbidden` unless `role` may manage departments and locations.
pub fn require_unit_manager(role: Role) -> Result<(), AppError> {
    if may_manage_units(role) { Ok(()) } else { Err(AppError::Forbidden) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corporate_admin_administers_the_whole_organisation() {
        assert_eq!(Scope::for_role(Role::CorporateAdmin, Some(3)), Ok(Scope::Organisation));
        assert!(Scope::Organisation.covers(None) && Scope::Organisation.covers(Some(9)));
    }

    #[test]
    fn quality_and_hr_admins_administer_their_own_department() {
        assert_eq!(Scope::for_role(Role::QualityAdmin, Some(3)), Ok(Scope::Department(3)));
        assert_eq!(Scope::for_role(Role::HrAdmin, Some(4)), Ok(Scope::Department(4)));
        assert!(Scope::Department(3).covers(Some(3)));
        assert!(!Scope::Department(3).covers(Some(4)) && !Scope::Department(3).covers(None));
    }

    #[test]
    fn the_corporate_admin_sees_every_import_and_a_department_admin_only_their_own_in_their_department() {
        assert!(Scope::Organisation.sees_import(1, 7, Some(3)) && Scope::Organisation.sees_import(1, 7, None));
        assert!(Scope::Department(3).sees_import(5, 5, Some(3)));
        assert!(!Scope::Department(3).sees_import(5, 6, Some(3)), "another admin's import");
        assert!(!Scope::Department(3).sees_import(5, 5, Some(4)), "their own, since moved to another department");
        assert!(!Scope::Department(3).sees_import(5, 5, None));
    }

    #[test]
    fn a_row_outside_the_scope_looks_like_no_row_at_all() {
        let own = Scope::Department(3);
        assert_eq!(own.visible(Some(3), |d| Some(*d), "That row"), Ok(3));
        assert_eq!(own.visible(Some(4), |d| Some(*d), "That row"), own.visible(None, |d: &i32| Some(*d), "That row"));
        assert_eq!(Scope::Organisation.visible(Some(4), |d| Some(*d), "That row"), Ok(4));
    }

    #[test]
    fn a_department_admin_without_a_department_administers_nothing() {
        assert_eq!(Scope::for_role(Role::QualityAdmin, None), Err(AppError::Forbidden));
    }

    #[test]
    fn team_leads_and_employees_are_not_admins() {
        assert_eq!(Scope::for_role(Role::TeamLead, Some(3)), Err(AppError::Forbidden));
        assert_eq!(Scope::for_role(Role::Employee, None), Err(AppError::Forbidden));
    }

    #[test]
    fn corporate_admin_is_never_invitable() {
        for kind in [IdentityKind::Email, IdentityKind::EmployeeNumber] {
            assert!(!invitable_roles(kind).contains(&Role::CorporateAdmin));
            assert!(check_role(kind, Role::CorporateAdmin.as_str()).is_err());
        }
    }

    #[test]
    fn only_email_invitations_may_grant_an_admin_role() {
        let admins: Vec<_> = invitable_roles(IdentityKind::Email).iter().copied().filter(|r| r.is_admin()).collect();
        assert_eq!(admins, vec![Role::QualityAdmin, Role::HrAdmin]);
        assert!(invitable_roles(IdentityKind::EmployeeNumber).iter().all(|r| !r.is_admin()));
        let refused = check_role(IdentityKind::EmployeeNumber, "quality_admin").unwrap_err();
        assert!(refused.for_field("role").is_some_and(|m| m.contains("need an email address")));
    }

    #[test]
    fn a_department_admin_invites_only_into_their_own_department() {
        let own = Scope::Department(3);
        assert!(check_department(own, Role::Employee, Some(3)).is_ok());
        assert!(check_department(own, Role::Employee, Some(4)).is_err());
        assert!(check_department(own, Role::Employee, None).is_err());
        assert!(check_department(Scope::Organisation, Role::Employee, None).is_ok());
        assert!(check_department(Scope::Organisation, Role::HrAdmin, None).is_err());
    }

    /// Every acting role x target (own department, another, none) x action.
    #[test]
    fn who_may_do_what_to_whom() {
        let (own, other) = (Some(3), Some(4));
        for action in Action::ALL {
            for (role, expected) in [
                (Role::CorporateAdmin, [true, true, true]),
                (Role::QualityAdmin, [true, false, false]),
                (Role::HrAdmin, [true, false, false]),
                (Role::TeamLead, [false, false, false]),
                (Role::Employee, [false, false, false]),
            ] {
                for (department, allowed) in [own, other, None].into_iter().zip(expected) {
                    let target = Target { department, role: Role::Employee };
                    assert_eq!(may(role, own, action, target), allowed, "{role:?} {action:?} {department:?}");
                }
            }
        }
    }

    #[test]
    fn a_department_admin_never_acts_on_a_corporate_admin() {
        let boss = Target { department: Some(3), role: Role::CorporateAdmin };
        assert!(Action::ALL.iter().all(|a| !may(Role::QualityAdmin, Some(3), *a, boss)));
        assert!(Action::ALL.iter().all(|a| may(Role::CorporateAdmin, None, *a, boss)));
    }

    #[test]
    fn only_the_corporate_admin_acts_on_an_admins_account() {
        for peer in [Role::QualityAdmin, Role::HrAdmin] {
            let target = Target { department: Some(3), role: peer };
            for action in Action::ALL {
                let allowed = may(Role::QualityAdmin, Some(3), action, target);
                assert_eq!(allowed, !action.on_account(), "{action:?} on a {peer:?}");
                assert!(may(Role::CorporateAdmin, None, action, target), "{action:?}");
            }
        }
    }

    fn person(id: i32, role: Role, department: Option<i32>, has_email: bool) -> Person {
        let known_by = if has_email { IdentityKind::Email } else { IdentityKind::EmployeeNumber };
        Person { id, role, department, known_by }
    }

    #[test]
    fn nobody_changes_their_own_role_or_department_but_may_keep_them() {
        let me = person(1, Role::CorporateAdmin, None, true);
        assert!(check_change(Scope::Organisation, 1, me, Role::Employee, None).unwrap_err().for_field("role").is_some());
        assert!(check_change(Scope::Organisation, 1, me, Role::CorporateAdmin, Some(3)).unwrap_err().for_field("department").is_some());
        assert!(check_change(Scope::Organisation, 1, me, Role::CorporateAdmin, None).is_ok());
    }

    #[test]
    fn only_the_corporate_admin_moves_people_between_departments() {
        let worker = person(2, Role::Employee, Some(3), true);
        assert!(check_change(Scope::Department(3), 1, worker, Role::TeamLead, Some(3)).is_ok());
        let moved = check_change(Scope::Department(3), 1, worker, Role::TeamLead, Some(4)).unwrap_err();
        assert!(moved.for_field("department").is_some_and(|m| m.contains("Only the Corporate Admin")));
        assert!(check_change(Scope::Department(3), 1, worker, Role::Employee, None).is_err());
        assert!(check_change(Scope::Organisation, 1, worker, Role::Employee, Some(4)).is_ok());
    }

    #[test]
    fn the_roles_on_offer_are_the_invitable_ones_and_corporate_admin_is_never_granted() {
        let worker = person(2, Role::Employee, Some(3), true);
        assert!(check_change(Scope::Organisation, 1, worker, Role::CorporateAdmin, Some(3)).is_err());
        assert!(check_change(Scope::Organisation, 1, worker, Role::HrAdmin, None).unwrap_err().for_field("department").is_some());
        let shop_floor = person(3, Role::Employee, Some(3), false);
        assert_eq!(assignable_roles(shop_floor), vec![Role::TeamLead, Role::Employee]);
        let refused = check_change(Scope::Organisation, 1, shop_floor, Role::QualityAdmin, Some(3)).unwrap_err();
        assert!(refused.for_field("role").is_some_and(|m| m.contains("need an email address")));
        let boss = person(4, Role::CorporateAdmin, None, true);
        assert_eq!(assignable_roles(boss)[0], Role::CorporateAdmin);
        assert!(check_change(Scope::Organisation, 1, boss, Role::Employee, None).is_ok());
    }

    #[test]
    fn only_the_corporate_admin_manages_units() {
        assert!(may_manage_units(Role::CorporateAdmin));
        assert!([Role::QualityAdmin, Role::HrAdmin, Role::TeamLead, Role::Employee].into_iter().all(|r| !may_manage_units(r)));
    }
}
