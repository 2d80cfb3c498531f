//! The common-password list in the browser. It is not part of the browser's program (it was a
//! tenth of what every page downloaded): it is fetched once, when someone first uses a new
//! password field, from an address named by its hash, which the browser keeps for a year. A
//! hint given before it arrives is redone when it does. When the fetch fails, hints stop
//! waiting for it and the next keystroke asks again; the server checks with its own copy
//! whatever the browser said.

use crate::domain::password_policy::{CommonPasswords, PasswordProblem, check_password_with};
use leptos::prelude::*;
use std::sync::Arc;

/// The list as far as this page has it.
#[derive(Clone, Copy)]
pub struct CommonList {
    list: RwSignal<Option<Arc<CommonPasswords>>>,
    /// The last fetch failed: hints give the rest of the rule's verdict meanwhile.
    failed: RwSignal<bool>,
    /// A fetch has started and not failed: one is enough.
    asked: StoredValue<bool>,
}

impl CommonList {
    pub fn new() -> Self {
        Self { list: RwSignal::new(None), failed: RwSignal::new(false), asked: StoredValue::new(false) }
    }

    /// Starts fetching the list unless it is on its way or here. A failed fetch is tried again
    /// the next time this is called, at the next keystroke.
    pub fn load(self) {
        if self.asked.get_value() || self.list.with_untracked(Option::is_some) {
            return;
        }
        self.asked.set_value(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match fetch_list().await {
                Ok(list) => self.list.set(Some(Arc::new(list))),
                Err(err) => {
                    self.failed.set(true);
                    leptos::logging::warn!("the common-password list could not be fetched: {}", err.as_string().unwrap_or_default());
                    self.asked.set_value(false);
                }
            }
        });
    }

    /// Whether a hint can be final: the list has arrived, or the last fetch failed (tracked).
    pub fn settled(self) -> bool {
        self.list.with(Option::is_some) || self.failed.get()
    }

    /// The password rule with as much of the list as is here (tracked: it is checked again when
    /// the list arrives).
    pub fn check(self, password: &str, email: &str) -> Result<(), PasswordProblem> {
        self.list.with(|list| check_password_with(password, email, list.as_deref()))
    }
}

impl Default for CommonList {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "hydrate")]
async fn fetch_list() -> Result<CommonPasswords, wasm_bindgen::JsValue> {
    use crate::domain::password_policy::common_list_path;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&common_list_path())).await?.dyn_into()?;
    if !response.ok() {
        return Err(JsValue::from_str(&format!("status {}", response.status())));
    }
    let text = JsFuture::from(response.text()?).await?;
    let text = text.as_string().ok_or_else(|| JsValue::from_str("the answer is not text"))?;
    Ok(CommonPasswords::parse(&text))
}
