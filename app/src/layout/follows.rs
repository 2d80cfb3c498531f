//! Filter controls that show what the address says, without losing what someone typed.
//!
//! Filter forms are plain GET forms, so they work before the WASM has loaded. `prop:value`
//! does not suit them: the server leaves properties out of the HTML (so `?role=team_lead`
//! first paints as "All roles"), and hydration then sets them, wiping whatever someone typed
//! or picked while the page was loading. Instead the server writes the address's value into
//! the HTML (`value=` on an input, `selected` on an option), and this directive follows the
//! changes that come later without a reload (Clear, the sidebar's link).

use leptos::prelude::*;
use leptos::tachys::renderer::types::Element;

/// `use:follows=value` on an `<input>` or `<select>`: sets its value each time `value`
/// changes once the page is interactive, never at hydration.
pub fn follows(el: Element, value: Signal<String>) {
    #[cfg(feature = "hydrate")]
    Effect::watch(
        move || value.get(),
        move |now, _, _| {
            let _ = js_sys::Reflect::set(&el, &"value".into(), &now.into());
        },
        false,
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = (el, value);
}
