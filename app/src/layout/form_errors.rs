//! What a form shows when its server function refuses: each field's message beside the field,
//! and any other refusal once, for the whole form.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The last refusal of a form's action(s), read by field or for the whole form.
#[derive(Clone, Copy)]
pub struct FormErrors(Signal<Option<AppError>>);

impl FormErrors {
    /// The refusal `error` answers (for a form with more than one action).
    pub fn new(error: impl Fn() -> Option<AppError> + Send + Sync + 'static) -> Self {
        FormErrors(Signal::derive(error))
    }

    /// The last refusal of `action`.
    pub fn of<S>(action: ServerAction<S>) -> Self
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        FormErrors::new(move || action.value().get().and_then(Result::err))
    }

    /// The message about field `name`, if the refusal is about it.
    pub fn field(self, name: &'static str) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
        move || self.0.get().and_then(|e| e.for_field(name))
    }

    /// The refusal, unless it is about one field (shown there instead).
    pub fn form(self) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
        move || self.0.get().filter(|e| !matches!(e, AppError::Field { .. })).map(|e| e.to_string())
    }
}
