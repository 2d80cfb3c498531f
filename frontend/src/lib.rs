#![recursion_limit = "256"]
//! The browser entry point: hydrates the server-rendered page.

use leptos::prelude::document;

/// Set on `<html>` once the page is hydrated: from then on every button and form works in the
/// browser, so tests wait for it rather than for a control the server already drew.
const HYDRATED: &str = "data-hydrated";

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // What `leptos::mount::hydrate_lazy` does, with the mark after it: lazy pages
    // (app/src/lazy_pages.rs) are loaded before the parts of the page they render can be
    // hydrated, so hydration is awaited (`hydrate_from_async` starts Leptos's executor itself).
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else { return };
        leptos::mount::hydrate_from_async(body, app::App).await.forget();
        if let Some(root) = document().document_element() {
            // Fails only for an invalid attribute name, which this is not.
            root.set_attribute(HYDRATED, "").ok();
        }
    });
}
