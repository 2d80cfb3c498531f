//! One way to open and close a modal dialog.

use leptos::html::{Button, Dialog};
use leptos::prelude::*;

/// A native `<dialog>` shown modally: the browser keeps focus inside it and closes it on Escape.
/// Give `dialog()` to the dialog's `node_ref` and, when a button opens it, `opener()` to that
/// button's, then call `return_focus` from the dialog's `on:close` so focus goes back there.
#[derive(Clone, Copy)]
pub struct Modal {
    dialog: NodeRef<Dialog>,
    opener: NodeRef<Button>,
}

impl Modal {
    pub fn new() -> Self {
        Self { dialog: NodeRef::new(), opener: NodeRef::new() }
    }

    pub fn dialog(self) -> NodeRef<Dialog> {
        self.dialog
    }

    pub fn opener(self) -> NodeRef<Button> {
        self.opener
    }

    pub fn open(self) {
        if let Some(dialog) = self.dialog.get() {
            // Fails only when it is already open, which is what was asked.
            let _ = dialog.show_modal();
        }
    }

    pub fn close(self) {
        if let Some(dialog) = self.dialog.get() {
            dialog.close();
        }
    }

    pub fn return_focus(self) {
        if let Some(button) = self.opener.get() {
            // A button that has left the page cannot take focus; the browser keeps it on the body.
            let _ = button.focus();
        }
    }
}

impl Default for Modal {
    fn default() -> Self {
        Self::new()
    }
}
