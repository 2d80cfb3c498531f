use super::UnitsPanel;
use crate::layout::CorporateAdminOnly;
use crate::organisation::dto::UnitKind;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrganisationPage() -> impl IntoView {
    view! {
        <Title text="Organisation · Onboard"/>
        <CorporateAdminOnly>
            <header class="page-header"><h1>"Organisation"</h1></header>
            <p class="lead">"Departments and locations can be pre-assigned when you invite someone. \
                Archived ones are no longer offered; people already in them keep them."</p>
            <div class="panels">
                <UnitsPanel kind=UnitKind::Department/>
                <UnitsPanel kind=UnitKind::Location/>
            </div>
        </CorporateAdminOnly>
    }
}
