//! One-time setup codes for shop-floor workers: short, read aloud or typed from a handout.
//!
//! Twelve characters from Crockford's base-32 alphabet (no I, L, O or U), 60 random bits, shown
//! in groups of four. Typing is forgiving: case, spaces and hyphens do not matter, and O, I and
//! L are read as 0, 1 and 1. Only a hash of the normalised code is stored.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const CODE_CHARS: usize = 12;

/// A freshly generated code. Not `Debug`, not `Serialize`: it is shown once, on the handout.
pub struct SetupCode(String);

impl SetupCode {
    pub fn generate() -> SetupCode {
        let mut bytes = [0u8; CODE_CHARS];
        getrandom::fill(&mut bytes).expect("the OS random generator is available");
        // 256 is a multiple of 32, so `% 32` is unbiased.
        SetupCode(bytes.iter().map(|b| ALPHABET[usize::from(b % 32)] as char).collect())
    }

    /// Grouped for reading aloud: `7K4M-QX2P-9RTW`.
    pub fn display(&self) -> String {
        self.0.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }

    /// The form the database keeps a hash of.
    pub fn normalised(&self) -> &str {
        &self.0
    }
}

/// What someone typed, in the form codes are hashed in; `None` if it cannot be a code.
pub fn normalise_typed(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    (code.len() == CODE_CHARS && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet_and_read_back_from_their_display() {
        let code = SetupCode::generate();
        assert_eq!(code.normalised().len(), CODE_CHARS);
        assert!(!code.normalised().contains(['I', 'L', 'O', 'U']));
        assert_eq!(code.display().len(), CODE_CHARS + 2);
        assert_eq!(normalise_typed(&code.display()).as_deref(), Some(code.normalised()));
        assert_ne!(SetupCode::generate().normalised(), code.normalised());
    }

    #[test]
    fn typing_is_forgiving_about_case_spacing_and_look_alike_letters() {
        assert_eq!(normalise_typed(" 7k4m qx2p-9rtw ").as_deref(), Some("7K4MQX2P9RTW"));
        assert_eq!(normalise_typed("O1IL-0000-0000").as_deref(), Some("011100000000"));
    }

    #[test]
    fn anything_else_is_not_a_code() {
        assert_eq!(normalise_typed("7K4M-QX2P"), None);
        assert_eq!(normalise_typed("7K4M-QX2P-9RTU"), None);
        assert_eq!(normalise_typed("7K4M-QX2P-9RT!"), None);
    }
}
