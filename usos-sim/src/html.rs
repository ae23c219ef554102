//! Text put into the stand-in's HTML pages (the demo host page, the OAuth
//! sign-in page) always goes through here.

/// `text` safe inside an element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
