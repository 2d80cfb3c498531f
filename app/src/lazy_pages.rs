//! Pages whose browser code is loaded when they are first shown, not with the first page.
//!
//! `cargo leptos build --split` cuts each [`LazyRoute`]'s view, and whatever only it uses, out
//! of the main WASM into files of its own; the router fetches them beside the page's data, and
//! Leptos's server integration names them in `preload` links when it renders that page, so a
//! page opened straight from its address does not wait for the main WASM to ask for them. The
//! main WASM keeps what a person meets first: sign-in, setup and the invitation page for
//! workers and invitees, and the signed-in frame with the Users heading and its Invite dialog
//! for admins. The admin pages below and the recovery pages reached from a link or an email
//! are the lazy ones.
//!
//! Each page creates its own resources inside its view, as before: only leaves are lazy, under
//! parents that are not, so on the server and in the browser the resources are created in the
//! same order and hydration finds their data.

use crate::audit::components::AuditLogPage;
use crate::imports::components::{ImportJobPage, ImportPage, ImportsList};
use crate::invitations::components::InvitationsList;
use crate::organisation::components::OrganisationPage;
use crate::people::components::{ForgotPasswordPage, NewPinPage, PersonPage, ResetPasswordPage};
use crate::users::components::{ProfilePage, UsersList};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

pub struct UsersListRoute;

#[lazy_route]
impl LazyRoute for UsersListRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <UsersList/> }.into_any() }
}

pub struct InvitationsListRoute;

#[lazy_route]
impl LazyRoute for InvitationsListRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <InvitationsList/> }.into_any() }
}

pub struct ImportRoute;

#[lazy_route]
impl LazyRoute for ImportRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <ImportPage/> }.into_any() }
}

pub struct ImportsListRoute;

#[lazy_route]
impl LazyRoute for ImportsListRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <ImportsList/> }.into_any() }
}

pub struct ImportJobRoute;

#[lazy_route]
impl LazyRoute for ImportJobRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <ImportJobPage/> }.into_any() }
}

pub struct PersonRoute;

#[lazy_route]
impl LazyRoute for PersonRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <PersonPage/> }.into_any() }
}

pub struct OrganisationRoute;

#[lazy_route]
impl LazyRoute for OrganisationRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <OrganisationPage/> }.into_any() }
}

pub struct AuditLogRoute;

#[lazy_route]
impl LazyRoute for AuditLogRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <AuditLogPage/> }.into_any() }
}

pub struct ProfileRoute;

#[lazy_route]
impl LazyRoute for ProfileRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <ProfilePage/> }.into_any() }
}

pub struct ForgotPasswordRoute;

#[lazy_route]
impl LazyRoute for ForgotPasswordRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <ForgotPasswordPage/> }.into_any() }
}

pub struct ResetPasswordRoute;

#[lazy_route]
impl LazyRoute for ResetPasswordRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <ResetPasswordPage/> }.into_any() }
}

pub struct NewPinRoute;

#[lazy_route]
impl LazyRoute for NewPinRoute {
    fn data() -> Self { Self }
    fn view(this: Self) -> AnyView { let _ = this; view! { <NewPinPage/> }.into_any() }
}
