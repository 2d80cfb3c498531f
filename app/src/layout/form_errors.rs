//! What a form shows when its server function refuses: each field's message beside the field,
//! and any other refusal once, for the whole form.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The last refusal of a form's action(s), read by field or for the whole form. A callback
/// rather than a derived signal, and not generic over the closure: a `Signal` of one more type
/// brings a copy of the reactive system's code for that type into the browser's WASM, and a
/// generic one a copy of every form's view per closure (both measured larger). The closures
/// below track the actions themselves when they run it.
#[derive(Clone, Copy)]
pub struct FormErrors(Callback<(), Option<AppError>>);

impl FormErrors {
    /// The refusal `error` answers (for a form with more than one action).
    pub fn new(error: impl Fn() -> Option<AppError> + Send + Sync + 'static) -> Self {
        FormErrors(Callback::new(move |()| error()))
    }

    /// The message about field `name`, if the refusal is about it.
    pub fn field(self, name: &'static str) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
        move || self.0.run(()).and_then(|e| e.for_field(name))
    }

    /// The refusal, unless it is about one field (shown there instead).
    pub fn form(self) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
        move || self.0.run(()).filter(|e| !matches!(e, AppError::Field { .. })).map(|e| e.to_string())
    }
}

/// The errors of a form with one action: the last refusal of `action`.
pub fn errors_of<S>(action: ServerAction<S>) -> FormErrors
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    FormErrors::new(move || action.value().get().and_then(Result::err))
}
