//! The QR code as vector paths, drawn from the module matrix so the widget can
//! render it as crisp SVG elements (no HTML string is ever injected).

use qrcode::{Color, EcLevel, QrCode};

/// Modules of light margin around the code, as the QR standard asks.
pub const QUIET_ZONE: u32 = 4;

/// A QR code ready to draw: a square of `size` units, dark modules in `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrPicture {
    /// Width and height in modules, the quiet zone included.
    pub size: u32,
    /// SVG path data of the dark modules, one unit per module.
    pub path: String,
}

/// Encodes `text`; `None` only if it is too long for any QR code.
pub fn qr_picture(text: &str) -> Option<QrPicture> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (index, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let x = index % width + QUIET_ZONE as usize;
            let y = index / width + QUIET_ZONE as usize;
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some(QrPicture {
        size: width as u32 + 2 * QUIET_ZONE,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_becomes_a_small_square_code() {
        let picture = qr_picture("87aa907615be4d5e81767a4575b92725").unwrap();
        // 32 bytes at level M fit version 3: 29 modules, plus the quiet zone.
        assert_eq!(picture.size, 29 + 2 * QUIET_ZONE);
        // The top-left finder pattern's corner module is dark.
        assert!(picture.path.starts_with("M4 4h1v1h-1z"));
    }

    #[test]
    fn different_tokens_draw_different_codes() {
        let a = qr_picture("87aa907615be4d5e81767a4575b92725").unwrap();
        let b = qr_picture("a9b3cf041004428da07000dee3bf506c").unwrap();
        assert_ne!(a.path, b.path);
    }
}
