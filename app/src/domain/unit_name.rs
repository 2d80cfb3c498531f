//! Names of departments and locations.

/// A department or location name: trimmed, inner white space collapsed, 1 to 120 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitName(String);

pub const MAX_UNIT_NAME: usize = 120;

impl UnitName {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err("Enter a name.".into());
        }
        if name.chars().count() > MAX_UNIT_NAME {
            return Err(format!("Use at most {MAX_UNIT_NAME} characters."));
        }
        if name.chars().any(|c| c.is_control() || super::person_name::is_invisible_format(c)) {
            return Err("The name contains characters that are not allowed.".into());
        }
        Ok(UnitName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form that uniqueness is checked on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrounding_and_repeated_spaces_are_folded() {
        let name = UnitName::parse("  Quality   Assurance ").unwrap();
        assert_eq!(name.as_str(), "Quality Assurance");
        assert_eq!(name.key(), "quality assurance");
    }

    #[test]
    fn an_empty_or_overlong_name_is_rejected() {
        assert!(UnitName::parse("   ").is_err());
        assert!(UnitName::parse(&"x".repeat(121)).is_err());
        assert!(UnitName::parse(&"x".repeat(120)).is_ok());
    }

    #[test]
    fn text_direction_overrides_are_rejected() {
        assert!(UnitName::parse("Paint\u{202E}pohS").is_err());
        assert!(UnitName::parse("Paint\u{200B}Shop").is_err());
    }

    #[test]
    fn control_characters_are_rejected() {
        assert!(UnitName::parse("Line\u{0007}One").is_err());
    }
}
