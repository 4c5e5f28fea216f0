//! PDF: the text layer, read by poppler's `pdftotext -bbox-layout` (an external program; without
//! it a PDF is refused with what to install). Every line comes with its box; `pdf_layout`
//! turns the lines into headings and paragraphs.
//!
//! A scanned PDF has no text layer and is refused. `pdftotext` runs on a private temporary copy,
//! at most [`TIMEOUT`], with its memory, CPU time and file writes limited and its output
//! capped.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use quick_xml::events::{BytesStart, Event};

use super::document::Document;
use super::external::{run, Limits, Ran, Scratch};
use super::pdf_layout::{document, push_word, Line};
use super::ImportError;

/// How long `pdftotext` may take on one file.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// Most bytes of `pdftotext` output read (the input is at most 50 MB).
const MAX_OUTPUT: u64 = 256 * 1024 * 1024;

/// Read a PDF file (`bytes`, named `path`) into a document.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Document, ImportError> {
    // Readers accept the header anywhere in the first kilobyte.
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ImportError::Unsupported {
            path: path.to_path_buf(),
            message: "不是有效的 PDF 文件（开头没有 %PDF- 标记）".to_string(),
        });
    }
    let xml = pdftotext(path, bytes)?;
    let (lines, page_heights) = parse_bbox(&xml).map_err(|m| ImportError::Unsupported {
        path: path.to_path_buf(),
        message: format!("pdftotext 的输出无法读取：{m}"),
    })?;
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(ImportError::no_article(
            path,
            "PDF 里没有可提取的文字（可能是扫描件或图片）；请用原来的 Word 文件，或先做文字识别（OCR）",
        ));
    }
    Ok(document(lines, &page_heights))
}

/// Run `pdftotext -bbox-layout` on the bytes (through a private temporary copy) and return
/// its XHTML.
fn pdftotext(path: &Path, bytes: &[u8]) -> Result<String, ImportError> {
    let unsupported = |message: String| ImportError::Unsupported {
        path: path.to_path_buf(),
        message,
    };
    let io = |e: std::io::Error| unsupported(format!("无法运行 pdftotext：{e}"));
    let scratch = Scratch::new().map_err(io)?;
    let copy = scratch.write("input.pdf", bytes).map_err(io)?;
    let mut command = Command::new("pdftotext");
    command
        .args(["-bbox-layout", "-enc", "UTF-8", "-q"])
        .arg(&copy)
        .arg("-");
    let limits = Limits {
        time: TIMEOUT,
        memory: Some(CHILD_MEMORY),
        write_files: false,
        output: MAX_OUTPUT,
    };
    let (status, out) = match run(&mut command, limits).map_err(io)? {
        Ran::Exited(status, out) => (status, out),
        Ran::Missing => {
            return Err(unsupported(
                "导入 PDF 要用 poppler 的 pdftotext 程序，这台电脑上没有找到。\
                 请安装 poppler-utils（Debian/Ubuntu：sudo apt install poppler-utils；\
                 macOS：brew install poppler），或改用原来的 Word 文件"
                    .to_string(),
            ))
        }
        Ran::TimedOut => {
            return Err(unsupported(format!(
                "pdftotext 读了 {} 秒还没读完，已停止（文件可能损坏）",
                TIMEOUT.as_secs()
            )))
        }
    };
    // pdftotext's exit codes: 1 the PDF could not be opened, 3 its permissions forbid copying.
    match status.code() {
        Some(0) => {}
        Some(3) => {
            return Err(unsupported(
                "这个 PDF 设置了不许复制文字，读不出正文；请用原来的 Word 文件".to_string(),
            ))
        }
        _ => {
            return Err(unsupported(
                "pdftotext 读不了这个文件：PDF 可能已损坏或加了密码".to_string(),
            ))
        }
    }
    String::from_utf8(out).map_err(|_| unsupported("pdftotext 的输出不是 UTF-8".to_string()))
}

/// Most memory `pdftotext` may map.
const CHILD_MEMORY: u64 = 2 * 1024 * 1024 * 1024;

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<f32> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| std::str::from_utf8(&a.value).ok()?.parse().ok())
}

/// The lines of `pdftotext -bbox-layout` output, and each page's height.
pub fn parse_bbox(xml: &str) -> Result<(Vec<Line>, Vec<f32>), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut lines = Vec::new();
    let mut pages: Vec<f32> = Vec::new();
    let mut line: Option<Line> = None;
    let mut word: Option<String> = None;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"page" => {
                pages.push(attr(&e, b"height").unwrap_or(842.0));
            }
            Event::Start(e) if e.name().as_ref() == b"line" => {
                line = Some(Line {
                    page: pages.len().saturating_sub(1),
                    x0: attr(&e, b"xMin").unwrap_or(0.0),
                    x1: attr(&e, b"xMax").unwrap_or(0.0),
                    y0: attr(&e, b"yMin").unwrap_or(0.0),
                    y1: attr(&e, b"yMax").unwrap_or(0.0),
                    text: String::new(),
                });
            }
            Event::Start(e) if e.name().as_ref() == b"word" => word = Some(String::new()),
            Event::Text(t) => {
                if let Some(w) = word.as_mut() {
                    w.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(w) = word.as_mut() {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => w.push(c),
                        _ => w.push_str(
                            quick_xml::escape::resolve_predefined_entity(&name).unwrap_or(""),
                        ),
                    }
                }
            }
            Event::End(e) if e.name().as_ref() == b"word" => {
                if let (Some(l), Some(w)) = (line.as_mut(), word.take()) {
                    push_word(&mut l.text, &w);
                }
            }
            Event::End(e) if e.name().as_ref() == b"line" => lines.extend(line.take()),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((lines, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_output_is_read_into_lines() {
        let xml = r#"<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title></title></head><body><doc>
<page width="595" height="842"><flow><block xMin="56" yMin="30" xMax="560" yMax="62">
<line xMin="56" yMin="30" xMax="560" yMax="62"><word xMin="56" yMin="30" xMax="90" yMax="62">14</word><word xMin="95" yMin="32" xMax="161" yMax="61">部电梯&amp;楼道</word></line>
</block></flow></page></doc></body></html>"#;
        let (lines, pages) = parse_bbox(xml).unwrap();
        assert_eq!(pages, [842.0]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "14部电梯&楼道");
        assert_eq!((lines[0].page, lines[0].y0, lines[0].y1), (0, 30.0, 62.0));
    }
}
