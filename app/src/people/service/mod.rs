//! The rules for a person after they join, over any sea-orm connection and an explicit acting
//! admin. Who may do what to whom is `crate::policy`; every function here asks it through
//! [`find_for`] first.
//!
//! - `details`: the person page;
//! - `assignment`: changing role, department and location, with a version check;
//! - `status`: deactivate and reactivate;
//! - `authority`: pending invitations revoked when their inviter loses authority;
//! - `recovery`: password reset links, PIN-reset handouts, and "Forgot password?";
//! - `unlock`: lifting the sign-in locks on a person's account.

mod assignment;
mod authority;
mod details;
mod recovery;
mod status;
mod unlock;

pub use assignment::{AssignmentChange, change_assignment};
pub use details::person_details;
pub use recovery::{
    RESET_COOKIE, complete_password_reset, complete_pin_reset, forgot_password, reset_clear_cookie, reset_cookie,
    reset_link_valid, reset_pin, reset_set_cookie, send_password_reset,
};
pub use status::{deactivate, reactivate};
pub use unlock::unlock;

use crate::error::AppError;
use crate::policy::{Action, Person, Scope, Target};
use crate::ssr::Actor;
use crate::ssr::entities::user;
use crate::ssr::models::user::known_by;
use sea_orm::{ConnectionTrait, EntityTrait};

/// What "That person was not found" says: the same for no one and for someone outside scope.
const NOT_FOUND: &str = "That person";

/// `person` as the policy sees a target.
pub(crate) fn target_of(person: &user::Model) -> Target {
    Target { department: person.department_id, role: person.role }
}

/// `person` as the policy's change rules see them.
pub(crate) fn policy_person(person: &user::Model) -> Person {
    Person { id: person.id, role: person.role, department: person.department_id, known_by: known_by(person) }
}

/// Person `id` if `actor` may see them (`NotFound` otherwise, as for no one, so ids cannot be
/// probed) and may take `action` on them (`Forbidden` otherwise).
pub async fn find_for(db: &impl ConnectionTrait, actor: &Actor, action: Action, id: i32) -> Result<user::Model, AppError> {
    let scope = Scope::of(actor)?;
    let found = user::Entity::find_by_id(id).one(db).await?;
    let person = scope.visible(found, |u| u.department_id, NOT_FOUND)?;
    scope.require(action, target_of(&person))?;
    Ok(person)
}

