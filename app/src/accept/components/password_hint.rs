use super::CommonList;
use crate::domain::password_policy::MIN_PASSWORD_CHARS;
use leptos::prelude::*;

/// What a password that meets the rest of the rule gets until the list is here.
pub const CHECKING: &str = "Checking it against the most common passwords…";

/// The live verdict on a new password, by the same rule the server applies.
#[component]
pub fn PasswordHint(
    #[prop(into)] id: String,
    password: ReadSignal<String>,
    #[prop(into)] email: String,
) -> impl IntoView {
    let common = CommonList::new();
    Effect::new(move |_| {
        if !password.with(String::is_empty) {
            common.load();
        }
    });
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
        match common.check(&password, &email) {
            Ok(()) if !common.settled() => ("hint", CHECKING.to_owned()),
            Ok(()) => ("hint hint-good", format!("Good: {} characters.", password.chars().count())),
            Err(problem) => ("hint hint-bad", problem.to_string()),
        }
    });
    view! {
        <p id=id class=move || verdict.get().0 aria-live="polite">{move || verdict.get().1}</p>
    }
}
