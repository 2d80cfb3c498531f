//! The preferred languages a person may choose.

/// (stored code, name in that language), in the order the forms offer them.
pub const LANGUAGES: [(&str, &str); 12] = [
    ("en", "English"),
    ("cs", "Čeština"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("hu", "Magyar"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("tr", "Türkçe"),
];

/// The name of a stored language code.
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}
