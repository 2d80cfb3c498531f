#![recursion_limit = "256"]
//! Onboard: components and server functions shared by the server and the browser.

pub mod accept;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod domain;
pub mod dto;
pub mod error;
pub mod imports;
pub mod invitations;
pub mod layout;
pub mod lazy_pages;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod organisation;
pub mod people;
pub mod policy;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod state;
pub mod users;
pub mod when;
pub mod wire;

use accept::components::{AcceptPage, SetupPage};
use auth::components::SignInPage;
use layout::{Home, NotFound, SignedInLayout};
use lazy_pages::*;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};
use users::components::UsersSection;

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" id="leptos" href=assets::stylesheet_href(&options)/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every page: scripts only with this response's nonce, everything else from this origin.
    #[cfg(feature = "ssr")]
    ssr::csp::apply_to_page();
    view! {
        <Title text="Onboard"/>
        // Pages wait for their data before the first byte is sent, so access checks can still
        // set the status code (302 to sign-in, 403) on the server.
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/invitation") view=AcceptPage ssr=SsrMode::Async/>
                <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/new-pin") view={Lazy::<NewPinRoute>::new()} ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=Home ssr=SsrMode::Async/>
                    <ParentRoute path=path!("users") view=UsersSection ssr=SsrMode::Async>
                        <Route path=path!("") view={Lazy::<UsersListRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("invitations") view={Lazy::<InvitationsListRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("import") view={Lazy::<ImportRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("imports") view={Lazy::<ImportsListRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("imports/:id") view={Lazy::<ImportJobRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!(":id") view={Lazy::<PersonRoute>::new()} ssr=SsrMode::Async/>
                    </ParentRoute>
                    <Route path=path!("organisation") view={Lazy::<OrganisationRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("audit-log") view={Lazy::<AuditLogRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("profile") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
