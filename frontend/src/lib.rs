#![recursion_limit = "256"]
//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy pages (app/src/lazy_pages.rs) are loaded before the parts of the page they render
    // can be hydrated, so hydration waits for them.
    leptos::mount::hydrate_lazy(app::App);
}
