//! Logic on the stored rows, beside their entities (which stay columns only): the one
//! spelling of each state a row can be in, and of each change from one state to the next.

pub mod import_row;
pub mod invitation;
pub mod search_terms;
pub mod setup_code;
pub mod user;
