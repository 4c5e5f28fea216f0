//! Other office files — Word 97–2003 (.doc), WPS (.wps), RTF and OpenDocument (.odt) — turned
//! into .docx by LibreOffice (`soffice --convert-to docx`, an optional external program) and
//! then read like any Word file. Without LibreOffice such a file is refused with what to do.
//!
//! The file is checked to be what its name says before LibreOffice sees it (LibreOffice would
//! happily "convert" random bytes as plain text). Each conversion runs in a private scratch
//! folder with a profile of its own, at most [`TIMEOUT`].

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::document::Document;
use super::external::{run, Limits, Ran, Scratch};
use super::{docx, ImportError};

/// How long one conversion may take (LibreOffice's first start with a new profile is slow).
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// The OLE compound file signature (.doc and .wps).
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether `bytes` look like a file of extension `ext`.
fn looks_like(ext: &str, bytes: &[u8]) -> bool {
    match ext {
        "doc" | "wps" => bytes.starts_with(OLE),
        "rtf" => bytes.starts_with(b"{\\rtf"),
        "odt" => bytes.starts_with(b"PK\x03\x04"),
        _ => false,
    }
}

/// What a file of extension `ext` is called in messages.
fn kind_name(ext: &str) -> &'static str {
    match ext {
        "doc" => "Word 97–2003 文档（.doc）",
        "wps" => "WPS 文档（.wps）",
        "rtf" => "RTF 文档（.rtf）",
        _ => "OpenDocument 文档（.odt）",
    }
}

/// Convert the file (`bytes`, named `path`, extension `ext`) and read it as a Word file.
pub fn read(path: &Path, ext: &str, bytes: &[u8]) -> Result<Document, ImportError> {
    let unsupported = |message: String| ImportError::Unsupported {
        path: path.to_path_buf(),
        message,
    };
    if !looks_like(ext, bytes) {
        return Err(unsupported(format!(
            "不是有效的{}：文件内容和扩展名对不上",
            kind_name(ext)
        )));
    }
    let io = |e: std::io::Error| unsupported(format!("无法运行 LibreOffice：{e}"));
    let scratch = Scratch::new().map_err(io)?;
    let input = scratch.write(&format!("input.{ext}"), bytes).map_err(io)?;
    let limits = Limits {
        time: TIMEOUT,
        memory: None,
        write_files: true,
        output: 1024 * 1024,
    };
    let mut ran = Ran::Missing;
    for program in ["soffice", "libreoffice"] {
        let mut command = Command::new(program);
        command
            .arg(format!(
                "-env:UserInstallation=file://{}",
                scratch.path().join("profile").display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--nologo",
                "--nolockcheck",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
            ])
            .arg(scratch.path())
            .arg(&input)
            .env("HOME", scratch.path());
        ran = run(&mut command, limits).map_err(io)?;
        if !matches!(ran, Ran::Missing) {
            break;
        }
    }
    match ran {
        Ran::Missing => {
            return Err(unsupported(format!(
                "导入{}要用 LibreOffice 转换，这台电脑上没有找到。请在 Word 或 WPS 里打开它，\
                 “另存为”.docx 再导入；或安装 LibreOffice（Debian/Ubuntu：sudo apt install \
                 libreoffice-writer-nogui）",
                kind_name(ext)
            )))
        }
        Ran::TimedOut => {
            return Err(unsupported(format!(
                "LibreOffice 转换了 {} 秒还没完成，已停止（文件可能损坏）",
                TIMEOUT.as_secs()
            )))
        }
        Ran::Exited(..) => {}
    }
    let converted = scratch.path().join("input.docx");
    let docx_bytes = std::fs::read(&converted).map_err(|_| {
        unsupported(format!(
            "LibreOffice 打不开这个文件，可能已损坏或加了密码；请在 Word 或 WPS 里打开它，“另存为”.docx 再导入（{}）",
            kind_name(ext)
        ))
    })?;
    docx::read(path, &docx_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_checked_against_their_extension() {
        let mut ole = OLE.to_vec();
        ole.extend_from_slice(&[0; 64]);
        assert!(looks_like("doc", &ole) && looks_like("wps", &ole));
        assert!(looks_like("rtf", r"{\rtf1\ansi 停车难}".as_bytes()));
        assert!(looks_like("odt", b"PK\x03\x04mimetype"));
        assert!(!looks_like("doc", "这只是一段文字".as_bytes()));
        assert!(!looks_like("odt", &ole));
    }

    #[test]
    fn a_renamed_text_file_is_refused_before_libreoffice_sees_it() {
        let e = read(Path::new("汇编.doc"), "doc", "这只是一段文字".as_bytes()).unwrap_err();
        let message = e.to_string();
        assert!(message.starts_with("汇编.doc: "), "{message}");
        assert!(message.contains("不是有效的Word 97–2003 文档"), "{message}");
    }
}
