//! PDF: the text layer, read by poppler's `pdftotext -bbox-layout` (an external program; without
//! it a PDF is refused with what to install). Every line comes with its box; `pdf_layout`
//! turns the lines into headings and paragraphs.
//!
//! A scanned PDF has no text layer and is refused. `pdftotext` runs on a private temporary copy,
//! at most [`TIMEOUT`], with its memory, CPU time and file writes limited and its output
//! capped.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use quick_xml::events::{BytesStart, Event};

use super::document::Document;
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

/// Run `pdftotext -bbox-layout` on the bytes (through a private temporary file) and return
/// its XHTML.
fn pdftotext(path: &Path, bytes: &[u8]) -> Result<String, ImportError> {
    let unsupported = |message: String| ImportError::Unsupported {
        path: path.to_path_buf(),
        message,
    };
    let tmp = TempPdf::write(bytes).map_err(|e| ImportError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut command = Command::new("pdftotext");
    command
        .args(["-bbox-layout", "-enc", "UTF-8", "-q"])
        .arg(&tmp.0)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    limit_child(&mut command);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(unsupported(
                "导入 PDF 要用 poppler 的 pdftotext 程序，这台电脑上没有找到。\
                 请安装 poppler-utils（Debian/Ubuntu：sudo apt install poppler-utils；\
                 macOS：brew install poppler），或改用原来的 Word 文件"
                    .to_string(),
            ))
        }
        Err(e) => return Err(unsupported(format!("无法运行 pdftotext：{e}"))),
    };
    // Read the output on another thread while this one watches the clock.
    let Some(stdout) = child.stdout.take() else {
        return Err(unsupported("无法读取 pdftotext 的输出".to_string()));
    };
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.take(MAX_OUTPUT).read_to_end(&mut out).map(|_| out)
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(unsupported(format!(
                    "pdftotext 读了 {} 秒还没读完，已停止（文件可能损坏）",
                    TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(unsupported(format!("无法运行 pdftotext：{e}"))),
        }
    };
    let out = reader
        .join()
        .map_err(|_| unsupported("读取 pdftotext 的输出时出错".to_string()))?
        .map_err(|e| unsupported(format!("读取 pdftotext 的输出时出错：{e}")))?;
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

/// The PDF comes from whoever uploaded it: `pdftotext` runs with at most [`CHILD_MEMORY`] of
/// memory and [`TIMEOUT`] of CPU, and may not write files (its text goes to a pipe).
#[cfg(unix)]
fn limit_child(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let cpu = TIMEOUT.as_secs() as libc::rlim_t;
    // SAFETY: between fork and exec the closure only calls setrlimit, which is
    // async-signal-safe, on the child's own limits; nothing is allocated.
    unsafe {
        command.pre_exec(move || {
            let set = |resource, limit: libc::rlim_t| {
                let r = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(resource, &r) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            };
            set(libc::RLIMIT_AS, CHILD_MEMORY as libc::rlim_t)?;
            set(libc::RLIMIT_CPU, cpu)?;
            set(libc::RLIMIT_FSIZE, 0)
        });
    }
}

#[cfg(not(unix))]
fn limit_child(_: &mut Command) {}

/// Most memory `pdftotext` may map.
const CHILD_MEMORY: u64 = 2 * 1024 * 1024 * 1024;

/// A temporary copy of the PDF, removed on drop.
struct TempPdf(std::path::PathBuf);

impl TempPdf {
    fn write(bytes: &[u8]) -> std::io::Result<TempPdf> {
        use std::io::Write;
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir();
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("anli-import-{}-{n}.pdf", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let tmp = TempPdf(path);
                    f.write_all(bytes)?;
                    return Ok(tmp);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

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
