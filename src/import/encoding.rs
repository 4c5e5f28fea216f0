//! Decoding saved pages and pasted text: a byte-order mark or a `<meta charset>` names the
//! encoding; otherwise UTF-8 when the bytes are valid UTF-8, else GB18030 (a superset of GBK and
//! GB2312, which Chinese sites and Windows Notepad still write).

use std::path::Path;

use encoding_rs::{Encoding, GB18030, UTF_8};

use super::ImportError;

/// The encoding a page declares in its first bytes (`<meta charset="gbk">`, or the
/// `http-equiv` form), if any.
fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'>' | b'/'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// Decode `bytes` as text. `html` lets a `<meta charset>` decide. A text that decodes only with
/// many replacement characters in every candidate encoding is refused.
pub fn decode(path: &Path, bytes: &[u8], html: bool) -> Result<String, ImportError> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return checked(path, text.into_owned(), had_errors, enc);
    }
    let declared = if html { declared(bytes) } else { None };
    // A page that says UTF-8 but is not (re-saved by an editor) is tried as GB18030 too.
    let mut candidates: Vec<&'static Encoding> = Vec::new();
    if let Some(d) = declared {
        candidates.push(d);
    }
    for e in [UTF_8, GB18030] {
        if !candidates.contains(&e) {
            candidates.push(e);
        }
    }
    let mut best: Option<(String, usize, &'static Encoding)> = None;
    for enc in candidates {
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
            return Ok(text.into_owned());
        }
        let (text, _) = enc.decode_without_bom_handling(bytes);
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        if best.as_ref().is_none_or(|b| bad < b.1) {
            best = Some((text.into_owned(), bad, enc));
        }
    }
    let (text, _, enc) = best.unwrap_or_default_encoding();
    checked(path, text, true, enc)
}

trait OrDefault {
    fn unwrap_or_default_encoding(self) -> (String, usize, &'static Encoding);
}

impl OrDefault for Option<(String, usize, &'static Encoding)> {
    fn unwrap_or_default_encoding(self) -> (String, usize, &'static Encoding) {
        self.unwrap_or((String::new(), 0, UTF_8))
    }
}

/// Accept a text with a few undecodable bytes (a truncated save), refuse one with many.
fn checked(
    path: &Path,
    text: String,
    had_errors: bool,
    enc: &'static Encoding,
) -> Result<String, ImportError> {
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let total = text.chars().count().max(1);
        if bad * 50 > total {
            return Err(ImportError::Encoding {
                path: path.to_path_buf(),
                message: format!(
                    "按 {} 解码有 {bad} 处无法识别的字节（可能不是文本文件，或编码不是 UTF-8/GBK/GB18030）",
                    enc.name()
                ),
            });
        }
    }
    if text.contains('\0') {
        return Err(ImportError::Encoding {
            path: path.to_path_buf(),
            message: "含有二进制内容（不是文本文件）".into(),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_pages_and_texts_are_decoded() {
        let (gbk, _, _) = encoding_rs::GBK
            .encode("<html><head><meta charset=\"gb2312\"></head><body>社区议事会</body></html>");
        let t = decode(Path::new("a.html"), &gbk, true).unwrap();
        assert!(t.contains("社区议事会"));
        // Undeclared GBK text.
        let (gbk, _, _) = encoding_rs::GBK.encode("老旧小区加装电梯，一楼住户同意了。");
        let t = decode(Path::new("a.txt"), &gbk, false).unwrap();
        assert_eq!(t, "老旧小区加装电梯，一楼住户同意了。");
        // Declared UTF-8 but really GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=utf-8><p>停车难</p>");
        assert!(decode(Path::new("a.html"), &gbk, true)
            .unwrap()
            .contains("停车难"));
        let bom = [&[0xEF, 0xBB, 0xBF][..], "正文".as_bytes()].concat();
        assert_eq!(decode(Path::new("a.txt"), &bom, false).unwrap(), "正文");
    }

    #[test]
    fn binary_is_refused() {
        let bytes: Vec<u8> = (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let e = decode(Path::new("x.txt"), &bytes, false).unwrap_err();
        assert!(e.to_string().starts_with("x.txt:"), "{e}");
    }
}
