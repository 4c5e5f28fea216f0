//! Word documents (.docx, as Word, WPS and LibreOffice write them): a zip of XML parts, read
//! with limits so that a zip bomb or a runaway part is refused instead of filling memory.
//!
//! Headings come from the paragraph's outline level, else its style's (following `basedOn`),
//! else the style's name (`heading 2`, `标题 2`, `Title`); paragraphs without either may still be
//! numbered headings (see [`super::numbering`]). Tables become rows of cell texts; a table of
//! contents is skipped.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::clean::tidy;
use super::document::{Block, Document, PageInfo};
use super::numbering::heading_rank;
use super::ImportError;

/// Largest XML part read (uncompressed). Real compilations of a hundred cases are a few MB.
pub const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// Most entries a .docx may hold.
const MAX_ENTRIES: usize = 10_000;

/// Read a .docx.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Document, ImportError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ImportError::bad_docx(
            path,
            "这是旧版 Word 文件（.doc），请用 Word 或 WPS 打开后“另存为”.docx 再导入",
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(ImportError::bad_docx(
            path,
            "文件不是 zip 格式（可能是改了扩展名的其他文件）",
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::bad_docx(path, format!("压缩包无法打开：{e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ImportError::bad_docx(path, "压缩包里的文件太多"));
    }
    let main = main_part(path, &mut zip)?;
    let document = part(path, &mut zip, &main)?.ok_or_else(|| {
        ImportError::bad_docx(
            path,
            "缺少正文部分 word/document.xml（这个压缩包不是 Word 文档）",
        )
    })?;
    let styles = match part(path, &mut zip, "word/styles.xml")? {
        Some(xml) => read_styles(path, &xml)?,
        None => Styles::default(),
    };
    let mut info = PageInfo::default();
    if let Some(core) = part(path, &mut zip, "docProps/core.xml")? {
        read_core(&core, &mut info);
    }
    let blocks = read_body(path, &document, &styles)?;
    Ok(Document {
        blocks,
        info,
        structured: true,
    })
}

/// The main document part named by `_rels/.rels` (`word/document.xml` almost always).
fn main_part(path: &Path, zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<String, ImportError> {
    let fallback = "word/document.xml".to_string();
    let Some(rels) = part(path, zip, "_rels/.rels")? else {
        return Ok(fallback);
    };
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let ty = attr(&e, b"Type").unwrap_or_default();
                if ty.ends_with("/officeDocument") {
                    if let Some(target) = attr(&e, b"Target") {
                        return Ok(target.trim_start_matches('/').to_string());
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(fallback),
            _ => {}
        }
    }
}

/// The text of part `name`, `None` when absent; refused when larger than [`MAX_PART_BYTES`]
/// (checked on the declared size and again while inflating, which a zip bomb may lie about).
fn part(
    path: &Path,
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ImportError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ImportError::bad_docx(path, format!("{name} 无法读取：{e}"))),
    };
    let too_big = || {
        ImportError::bad_docx(
            path,
            format!(
                "{name} 解压后超过 {} MB（可能是“压缩炸弹”或损坏的文件）",
                MAX_PART_BYTES / 1024 / 1024
            ),
        )
    };
    if file.size() > MAX_PART_BYTES {
        return Err(too_big());
    }
    let mut buf = Vec::with_capacity(file.size() as usize);
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ImportError::bad_docx(path, format!("{name} 解压失败：{e}")))?;
    if buf.len() as u64 > MAX_PART_BYTES {
        return Err(too_big());
    }
    let text = String::from_utf8(buf)
        .map_err(|_| ImportError::bad_docx(path, format!("{name} 不是 UTF-8 编码的 XML")))?;
    Ok(Some(text))
}

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned())
        })
    })
}

fn xml_error(path: &Path, part: &str, reader_pos: u64, e: impl std::fmt::Display) -> ImportError {
    ImportError::bad_docx(
        path,
        format!("{part} 的 XML 已损坏（第 {reader_pos} 字节附近）：{e}"),
    )
}

#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    outline: Option<u8>,
    based_on: Option<String>,
}

#[derive(Debug, Default)]
struct Styles(HashMap<String, Style>);

impl Styles {
    /// The heading level of paragraph style `id`: 0 a title, 1.. headings; `None` body text.
    fn level(&self, id: &str) -> Option<u8> {
        let mut cur = Some(id.to_string());
        for _ in 0..10 {
            let style = self.0.get(cur.as_deref()?)?;
            if let Some(o) = style.outline {
                return (o < 9).then_some(o + 1);
            }
            if let Some(l) = level_from_name(&style.name) {
                return Some(l);
            }
            cur = style.based_on.clone();
        }
        None
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.0.get(id).map_or(id, |s| s.name.as_str())
    }
}

/// `heading 2`, `Heading2`, `标题 2`, `标题2` → 2; `Title`, `标题` → 0.
fn level_from_name(name: &str) -> Option<u8> {
    let n = name.trim().to_lowercase();
    if n == "title" || n == "标题" {
        return Some(0);
    }
    for prefix in ["heading", "标题"] {
        if let Some(rest) = n.strip_prefix(prefix) {
            if let Ok(l) = rest.trim().parse::<u8>() {
                return (1..=9).contains(&l).then_some(l);
            }
        }
    }
    None
}

fn read_styles(path: &Path, xml: &str) -> Result<Styles, ImportError> {
    let mut styles = Styles::default();
    let mut reader = Reader::from_str(xml);
    let mut cur: Option<(String, Style)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(path, "word/styles.xml", reader.buffer_position(), e))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"style" => {
                    if let Some((id, s)) = cur.take() {
                        styles.0.insert(id, s);
                    }
                    let id = attr(&e, b"styleId").unwrap_or_default();
                    cur = Some((id, Style::default()));
                }
                b"name" => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.name = attr(&e, b"val").unwrap_or_default();
                    }
                }
                b"basedOn" => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.based_on = attr(&e, b"val");
                    }
                }
                b"outlineLvl" => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.outline = attr(&e, b"val").and_then(|v| v.parse().ok());
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"style" => {
                if let Some((id, s)) = cur.take() {
                    styles.0.insert(id, s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(styles)
}

/// Title and author from `docProps/core.xml` (best effort: a broken one is ignored).
fn read_core(xml: &str, info: &mut PageInfo) {
    let mut reader = Reader::from_str(xml);
    let mut field: Option<&'static str> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                field = match e.local_name().as_ref() {
                    b"title" => Some("title"),
                    b"creator" => Some("creator"),
                    _ => None,
                }
            }
            Ok(Event::Text(t)) => {
                let text = t.decode().map(|s| tidy(&s)).unwrap_or_default();
                match field {
                    Some("title") if !text.is_empty() => info.title = Some(text),
                    Some("creator") if !text.is_empty() => info.author = Some(text),
                    _ => {}
                }
            }
            Ok(Event::End(_)) => field = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

/// A paragraph being read.
#[derive(Default)]
struct Para {
    style: Option<String>,
    outline: Option<u8>,
    text: String,
}

/// A table being read: rows of cells.
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
}

fn read_body(path: &Path, xml: &str, styles: &Styles) -> Result<Vec<Block>, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut blocks = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut in_text = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(path, "word/document.xml", reader.buffer_position(), e))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"p" => paras.push(Para::default()),
                b"t" => in_text = true,
                b"tbl" => tables.push(Table::default()),
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.rows.push(Vec::new());
                    }
                }
                b"tc" => {
                    if let Some(row) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                        row.push(String::new());
                    }
                }
                _ => para_property(&e, &mut paras),
            },
            Event::Empty(e) => para_property(&e, &mut paras),
            Event::Text(t) if in_text => {
                let s = t.decode().map_err(|e| {
                    xml_error(path, "word/document.xml", reader.buffer_position(), e)
                })?;
                if let Some(p) = paras.last_mut() {
                    p.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().unwrap_or_default();
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string),
                };
                if let (Some(c), Some(p)) = (c, paras.last_mut()) {
                    p.text.push_str(&c);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    if let Some(p) = paras.pop() {
                        finish_para(p, styles, &mut paras, &mut tables, &mut blocks);
                    }
                }
                b"tbl" => {
                    if let Some(t) = tables.pop() {
                        let rows: Vec<Vec<String>> = t
                            .rows
                            .into_iter()
                            .map(|r| r.into_iter().map(|c| tidy(&c)).collect::<Vec<_>>())
                            .filter(|r| r.iter().any(|c| !c.is_empty()))
                            .collect();
                        match (tables.last_mut(), rows.is_empty()) {
                            (_, true) => {}
                            // A table inside a cell: its text joins the cell.
                            (Some(outer), false) => {
                                if let Some(cell) = outer.rows.last_mut().and_then(|r| r.last_mut())
                                {
                                    let text: Vec<String> =
                                        rows.iter().map(|r| r.join(" ")).collect();
                                    cell.push_str(&text.join(" "));
                                }
                            }
                            (None, false) => blocks.push(Block::Table(rows)),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

/// Paragraph properties and in-text breaks and tabs.
fn para_property(e: &BytesStart<'_>, paras: &mut [Para]) {
    let Some(p) = paras.last_mut() else { return };
    match e.local_name().as_ref() {
        b"pStyle" => p.style = attr(e, b"val"),
        b"outlineLvl" => p.outline = attr(e, b"val").and_then(|v| v.parse().ok()),
        b"tab" => p.text.push(' '),
        b"br" | b"cr" => p.text.push('\n'),
        _ => {}
    }
}

fn finish_para(
    p: Para,
    styles: &Styles,
    paras: &mut [Para],
    tables: &mut [Table],
    blocks: &mut Vec<Block>,
) {
    // A paragraph in a text box joins the paragraph around it; in a table, its cell.
    if let Some(outer) = paras.last_mut() {
        outer.text.push(' ');
        outer.text.push_str(&p.text);
        return;
    }
    if let Some(cell) = tables
        .last_mut()
        .and_then(|t| t.rows.last_mut())
        .and_then(|r| r.last_mut())
    {
        if !cell.is_empty() {
            cell.push(' ');
        }
        cell.push_str(&p.text);
        return;
    }
    let style_name = p.style.as_deref().map(|s| styles.name(s).to_lowercase());
    if style_name
        .as_deref()
        .is_some_and(|n| n.starts_with("toc") || n.starts_with("目录"))
    {
        return;
    }
    let level = match p.outline {
        Some(o) if o < 9 => Some(o + 1),
        Some(_) => None,
        None => p.style.as_deref().and_then(|s| styles.level(s)),
    };
    for (i, line) in p.text.split('\n').enumerate() {
        let text = tidy(line);
        if text.is_empty() {
            continue;
        }
        if text == "目录" && level.is_some() {
            continue;
        }
        let block = match (level, i) {
            (Some(level), 0) => Block::Heading {
                level,
                text,
                numbered: false,
            },
            _ => match heading_rank(&text) {
                Some(rank) => Block::Heading {
                    level: rank as u8,
                    text,
                    numbered: true,
                },
                None => Block::Para(text),
            },
        };
        blocks.push(block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docx(children: Vec<docx_rs::Paragraph>) -> Vec<u8> {
        let mut d = docx_rs::Docx::new()
            .add_style(
                docx_rs::Style::new("Heading1", docx_rs::StyleType::Paragraph).name("heading 1"),
            )
            .add_style(docx_rs::Style::new("a3", docx_rs::StyleType::Paragraph).name("标题 2"));
        for p in children {
            d = d.add_paragraph(p);
        }
        let mut out = Cursor::new(Vec::new());
        d.build().pack(&mut out).unwrap();
        out.into_inner()
    }

    fn para(text: &str) -> docx_rs::Paragraph {
        docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(text))
    }

    #[test]
    fn headings_by_style_name_outline_and_numbering() {
        let bytes = docx(vec![
            para("案例汇编").style("Heading1"),
            para("和写字楼错峰共用车位").style("a3"),
            para("大纲级别的标题").outline_lvl(2),
            para("（一）摸清底数"),
            para("社区党委召开议事会。"),
        ]);
        let doc = read(Path::new("t.docx"), &bytes).unwrap();
        let levels: Vec<(Option<u8>, String)> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { level, text, .. } => (Some(*level), text.clone()),
                other => (None, other.text()),
            })
            .collect();
        assert_eq!(
            levels,
            vec![
                (Some(1), "案例汇编".to_string()),
                (Some(2), "和写字楼错峰共用车位".to_string()),
                (Some(3), "大纲级别的标题".to_string()),
                (Some(4), "（一）摸清底数".to_string()),
                (None, "社区党委召开议事会。".to_string()),
            ]
        );
    }

    #[test]
    fn bad_inputs_are_refused_with_reasons() {
        let p = Path::new("x.docx");
        let e = read(p, b"random bytes, not a zip").unwrap_err();
        assert!(e.to_string().contains("不是 zip"), "{e}");
        let e = read(p, &[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap_err();
        assert!(e.to_string().contains(".doc"), "{e}");
        // A zip without a document part.
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            w.start_file("hello.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, b"hi").unwrap();
            w.finish().unwrap();
        }
        let e = read(p, buf.get_ref()).unwrap_err();
        assert!(e.to_string().contains("word/document.xml"), "{e}");
    }
}
