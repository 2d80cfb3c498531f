use crate::domain::password_policy::{MIN_PASSWORD_CHARS, check_password};
use leptos::prelude::*;

/// The live verdict on a new password, by the same rule the server applies.
#[component]
pub fn PasswordHint(
    #[prop(into)] id: String,
    password: ReadSignal<String>,
    #[prop(into)] email: String,
) -> impl IntoView {
    let verdict = Memo::new(move |_| {
        let password = password.get();
        if password.is_empty() {
            return (
                "hint",
                format!(
                    "At least {MIN_PASSWORD_CHARS} characters. Spaces, accents and emoji all count; \
                     no digits or symbols needed. A few unrelated words make a good password."
                ),
            );
        }
        match check_password(&password, &email) {
            Ok(()) => ("hint hint-good", format!("Good: {} characters.", password.chars().count())),
            Err(problem) => ("hint hint-bad", problem.to_string()),
        }
    });
    view! {
        <p id=id class=move || verdict.get().0 aria-live="polite">{move || verdict.get().1}</p>
    }
}
