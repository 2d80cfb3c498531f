//! The PIN rule for shop-floor accounts, which sign in at shared terminals. Compiled into the
//! browser too, so a live hint can match the server.
//!
//! A PIN is 6 to 12 digits, refused when trivial: one digit repeated (111111), a run up or down
//! (123456, 987654, also wrapping: 890123), a short pattern repeated (121212, 123123, 112112),
//! one of the PINs people pick most, or containing the worker's own employee number (when that
//! has 4 or more digits). Guessing is held off by attempt limits per account, not by the PIN's
//! length alone.

pub const MIN_PIN_DIGITS: usize = 6;
pub const MAX_PIN_DIGITS: usize = 12;

/// Frequent PINs that the rules below do not already catch.
const COMMON_PINS: [&str; 12] = [
    "112233", "159753", "147258", "258369", "789456", "696969", "102030", "101010", "520520", "131313",
    "123654", "000007",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinProblem {
    NotDigits,
    TooShort { digits: usize },
    TooLong,
    Trivial,
    ContainsEmployeeNumber,
}

impl std::fmt::Display for PinProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PinProblem::NotDigits => f.write_str("A PIN is digits only."),
            PinProblem::TooShort { digits } => write!(f, "Use at least {MIN_PIN_DIGITS} digits ({digits} so far)."),
            PinProblem::TooLong => write!(f, "Use at most {MAX_PIN_DIGITS} digits."),
            PinProblem::Trivial => f.write_str("This PIN is too easy to guess. Avoid repeats, runs and patterns."),
            PinProblem::ContainsEmployeeNumber => f.write_str("Do not use your employee number in your PIN."),
        }
    }
}

fn is_run(digits: &[u8]) -> bool {
    let step = |a: u8, b: u8| (10 + b - a) % 10;
    let first = step(digits[0], digits[1]);
    matches!(first, 1 | 9) && digits.windows(2).all(|w| step(w[0], w[1]) == first)
}

fn repeats_a_short_pattern(digits: &[u8]) -> bool {
    (1..=3).any(|period| digits.len() % period == 0 && digits.iter().enumerate().all(|(i, d)| *d == digits[i % period]))
}

/// Checks `pin` for the worker with `employee_number`.
pub fn check_pin(pin: &str, employee_number: &str) -> Result<(), PinProblem> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinProblem::NotDigits);
    }
    let digits: Vec<u8> = pin.bytes().map(|b| b - b'0').collect();
    if digits.len() < MIN_PIN_DIGITS {
        return Err(PinProblem::TooShort { digits: digits.len() });
    }
    if digits.len() > MAX_PIN_DIGITS {
        return Err(PinProblem::TooLong);
    }
    if is_run(&digits) || repeats_a_short_pattern(&digits) || COMMON_PINS.contains(&pin) {
        return Err(PinProblem::Trivial);
    }
    let own: String = employee_number.chars().filter(char::is_ascii_digit).collect();
    if own.len() >= 4 && pin.contains(&own) {
        return Err(PinProblem::ContainsEmployeeNumber);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_to_twelve_digits_only() {
        assert_eq!(check_pin("48213", "E-77"), Err(PinProblem::TooShort { digits: 5 }));
        assert_eq!(check_pin("482139", "E-77"), Ok(()));
        assert_eq!(check_pin("4821397", "E-77"), Ok(()));
        assert_eq!(check_pin("4821397305614", "E-77"), Err(PinProblem::TooLong));
        assert_eq!(check_pin("48a139", "E-77"), Err(PinProblem::NotDigits));
    }

    #[test]
    fn repeats_runs_patterns_and_favourites_are_trivial() {
        for pin in ["111111", "123456", "987654", "890123", "121212", "123123", "112112", "112233", "159753"] {
            assert_eq!(check_pin(pin, ""), Err(PinProblem::Trivial), "{pin}");
        }
    }

    #[test]
    fn the_workers_own_number_is_refused_inside_a_pin() {
        assert_eq!(check_pin("90457723", "E-4577"), Err(PinProblem::ContainsEmployeeNumber));
        assert_eq!(check_pin("904577", "E-77"), Ok(()), "two digits say nothing");
    }
}
