//! How server functions answer: JSON, as server_fn's own `Json`, read in the browser as text.
//!
//! server_fn's `Json` reads an answer with `serde_json::from_slice`, while Leptos reads the data
//! a page arrives with (each resource's value) with `serde_json::from_str`. The two readers
//! are separate copies of the decoding code for every type the browser receives, so a type
//! that arrives both ways (the signed-in person, the invitation page, the Invite dialog's
//! choices, every error) was in the browser's download twice. [`Json`] reads answers as text
//! too, so there is one copy. On the wire nothing changes: the same bytes, the same
//! `application/json`.
//!
//! Every server function names it: `#[server(endpoint = "...", output = crate::wire::Json)]`;
//! `AppError` uses [`TextJsonEncoding`] for the errors it answers with.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON in the body of a `POST` answer, read as text.
pub type Json = Post<TextJsonEncoding>;

pub struct TextJsonEncoding;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(<serde_json::Error as serde::de::Error>::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn an_answer_reads_back_as_it_was_written() {
        let error = AppError::field("email", "Enter an email address.");
        let bytes = <TextJsonEncoding as Encodes<AppError>>::encode(&error).unwrap();
        assert_eq!(bytes, serde_json::to_vec(&error).unwrap(), "the same bytes as server_fn's Json");
        assert_eq!(<TextJsonEncoding as Decodes<AppError>>::decode(bytes).unwrap(), error);
    }

    #[test]
    fn an_answer_that_is_not_text_is_a_decoding_error() {
        assert!(<TextJsonEncoding as Decodes<String>>::decode(Bytes::from_static(b"\"\xff\"")).is_err());
    }
}
