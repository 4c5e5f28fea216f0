//! `anli import`: saved web pages (a news site, a WeChat article, a GBK government page), a text
//! paste, Word compilations written by docx-rs and by LibreOffice, PDFs printed by LibreOffice
//! (a report and a compilation), and bad inputs.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::cli::{anli, find_program, ok, soffice_convert, soffice_convert_with, stderr};
use common::*;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(name)
}

fn dry_run(f: &Fixture, files: &[&Path]) -> (std::process::Output, serde_json::Value) {
    let mut args = vec!["import", "--dry-run", "--json"];
    let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(files.iter().map(String::as_str));
    let o = anli(f, &args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o, v)
}

fn body_of(f: &Fixture, path: &str) -> String {
    std::fs::read_to_string(f.corpus().join(path)).unwrap()
}

#[test]
fn saved_pages_and_pastes_become_clean_cases() {
    let f = Fixture::standard();
    let inputs = [
        fixture("news-guanshanhu.html"),
        fixture("wechat-chengbei.html"),
        fixture("gov-wuhan-gbk.html"),
        fixture("paste-baoshan.txt"),
    ];
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let (o, v) = dry_run(&f, &refs);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !f.corpus().join("imported").exists(),
        "a dry run writes nothing"
    );
    let cases = v["cases"].as_array().expect("the JSON shape");
    assert_eq!(cases.len(), 4, "{v:#}");
    for c in cases {
        for key in [
            "path", "id", "title", "source", "region", "year", "topics", "kind", "sections",
            "warnings",
        ] {
            assert!(c.get(key).is_some(), "{key} in {c}");
        }
        for s in c["sections"].as_array().unwrap() {
            assert!(
                s["heading"].is_string() && s["kind"].is_string() && s["chars"].is_u64(),
                "{s}"
            );
        }
        assert_eq!(c["kind"], "报道");
        let topics = c["topics"].as_array().unwrap();
        assert!(!topics.is_empty(), "topics suggested: {c}");
        assert!(c["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("topics")));
    }
    let by_region = |r: &str| {
        cases
            .iter()
            .find(|c| c["region"] == r)
            .unwrap_or_else(|| panic!("{r}: {v:#}"))
    };
    let news = by_region("贵州省/贵阳市/观山湖区");
    assert_eq!(
        news["title"],
        "观山湖区委党校社区治理学校揭牌开班——首期50名社区工作者参加五天封闭培训"
    );
    assert_eq!(
        news["source"],
        "人民网－贵州频道，作者吴某某，2021年3月30日"
    );
    assert_eq!(
        news["year"], 2021,
        "the publication date, not a sidebar's 2019/2020"
    );
    let wechat = by_region("青海省/西宁市/城北区");
    assert_eq!(wechat["year"], 2023);
    assert!(wechat["source"].as_str().unwrap().starts_with("西宁组工"));
    let gbk = by_region("湖北省/武汉市");
    assert_eq!(gbk["title"], "武汉市实施社区党组织书记提能计划");
    assert_eq!(gbk["source"], "中国组织人事报，2024年5月17日");
    assert_eq!(gbk["year"], 2024);
    let kinds: Vec<&str> = gbk["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["other", "other", "other", "outcomes"]);
    let paste = by_region("上海市/宝山区");
    assert_eq!(paste["year"], 2024);
    let kinds: Vec<&str> = paste["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["other", "other", "outcomes", "lessons"]);

    // Written for real: valid case files with none of the pages' chrome, indexed at once.
    let o = anli(
        &f,
        &[
            "import",
            "--json",
            &inputs[0].display().to_string(),
            &inputs[1].display().to_string(),
            &inputs[2].display().to_string(),
            &inputs[3].display().to_string(),
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let mut all = String::new();
    for c in v["cases"].as_array().unwrap() {
        let text = body_of(&f, c["path"].as_str().unwrap());
        assert!(
            text.contains("# topics 是 anli 按检索结果推荐的主题"),
            "{text}"
        );
        all.push_str(&text);
    }
    for chrome in [
        "分享到",
        "相关新闻",
        "热点推荐",
        "网友评论",
        "网友A",
        "排行榜",
        "版权所有",
        "Copyright",
        "责编",
        "统计代码",
        "更多精彩",
        "长按识别",
        "阅读原文",
        "喜欢此内容",
        "留言",
        "隐藏的推广",
        "字号",
        "打印",
        "关闭窗口",
        "最新动态",
        "网站标识码",
        "相关阅读",
        "招录公告",
        "责任编辑",
        "首页",
        "当前位置",
        "（人民网 摄）",
        "人民网贵阳3月30日电",
    ] {
        assert!(!all.contains(chrome), "chrome “{chrome}” left in:\n{all}");
    }
    for text in [
        "三网融合",
        "一引领四联动",
        "15分钟党员学习圈",
        "| 教学专题 | 54个 |",
        "实训赋能12招",
    ] {
        assert!(all.contains(text), "article text “{text}” kept");
    }
    let check = anli(&f, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let found = ok(&anli(&f, &["search", "--json", "一引领四联动"]));
    assert!(found.contains("观山湖区委党校"), "indexed: {found}");
    // Importing the same page again gives a new id, never an overwrite.
    let again = anli(&f, &["import", "--json", &inputs[3].display().to_string()]);
    let v2: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(
        v2["cases"][0]["id"].as_str().unwrap().ends_with("-2"),
        "{v2}"
    );
}

fn docx_bytes(build: impl FnOnce(docx_rs::Docx) -> docx_rs::Docx) -> Vec<u8> {
    let d = docx_rs::Docx::new()
        .add_style(docx_rs::Style::new("Heading1", docx_rs::StyleType::Paragraph).name("heading 1"))
        .add_style(docx_rs::Style::new("Heading2", docx_rs::StyleType::Paragraph).name("heading 2"))
        .add_style(
            docx_rs::Style::new("Heading3", docx_rs::StyleType::Paragraph).name("heading 3"),
        );
    let mut out = std::io::Cursor::new(Vec::new());
    build(d).build().pack(&mut out).unwrap();
    out.into_inner()
}

fn para(text: &str) -> docx_rs::Paragraph {
    docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(text))
}

/// The compilation: a title and three cases, each with sections.
const COMPILATION: &[(&str, &[(&str, &str)])] = &[
    ("案例一：和写字楼错峰共用车位", &[
        ("背景", "小区建于1992年，车位只有90个，晚上车都停到消防通道上。"),
        ("主要做法", "社区党委召开居民议事会，与隔壁写字楼签订错峰停车协议，晚七点到早七点开放120个车位。"),
        ("成效", "夜间乱停车减少八成，消防通道保持畅通。"),
    ]),
    ("案例二：楼下建起充电车棚", &[
        ("背景", "老小区电动自行车三百多辆，居民从窗口拉线充电。"),
        ("主要做法", "社区联合物业在空地建集中充电车棚，装了60个智能充电桩。"),
        ("启示", "堵不如疏，先给居民一个方便充电的地方。"),
    ]),
    ("案例三：一楼住户同意了，老楼加装电梯", &[
        ("背景", "六层老楼，老人多，一楼住户担心挡光，坚决反对加装电梯。"),
        ("主要做法", "社区书记带着设计单位做日照模拟，楼上住户按楼层分摊出资。"),
        ("成效", "半年后电梯投入使用。"),
    ]),
];

fn compilation_docx_rs(outline: bool) -> Vec<u8> {
    docx_bytes(|mut d| {
        d = d.add_paragraph(para("某某区社区治理案例汇编（2023年）").style("Heading1"));
        d = d.add_paragraph(para("本书收录本区社区治理的典型案例。"));
        for (title, sections) in COMPILATION {
            d = d.add_paragraph(if outline {
                para(title).outline_lvl(1)
            } else {
                para(title).style("Heading2")
            });
            for (h, text) in *sections {
                d = d.add_paragraph(if outline {
                    para(h).outline_lvl(2)
                } else {
                    para(h).style("Heading3")
                });
                d = d.add_paragraph(para(text));
            }
        }
        d
    })
}

fn compilation_html() -> String {
    let mut html = String::from("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>汇编</title></head><body><h1>某某区社区治理案例汇编（2023年）</h1><p>本书收录本区社区治理的典型案例。</p>");
    for (title, sections) in COMPILATION {
        html.push_str(&format!("<h2>{title}</h2>"));
        for (h, text) in *sections {
            html.push_str(&format!("<h3>{h}</h3><p>{text}</p>"));
        }
    }
    html.push_str("</body></html>");
    html
}

/// Titles, section headings and kinds of an import's JSON.
fn outline_of(v: &serde_json::Value) -> Vec<(String, Vec<(String, String)>)> {
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["title"].as_str().unwrap().to_string(),
                c["sections"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        (
                            s["heading"].as_str().unwrap().to_string(),
                            s["kind"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn a_word_compilation_gives_one_case_per_case_heading() {
    let f = Fixture::standard();
    let work = tempfile::tempdir().unwrap();
    let styled = work.path().join("汇编-样式.docx");
    std::fs::write(&styled, compilation_docx_rs(false)).unwrap();
    let outlined = work.path().join("汇编-大纲.docx");
    std::fs::write(&outlined, compilation_docx_rs(true)).unwrap();
    let numbered = work.path().join("汇编-编号.docx");
    std::fs::write(
        &numbered,
        docx_bytes(|mut d| {
            for (title, sections) in COMPILATION {
                d = d.add_paragraph(para(title));
                for (i, (h, text)) in sections.iter().enumerate() {
                    let n = ["一", "二", "三"][i];
                    d = d.add_paragraph(para(&format!("{n}、{h}")));
                    d = d.add_paragraph(para(text));
                }
            }
            let table = docx_rs::Table::new(vec![
                docx_rs::TableRow::new(vec![
                    docx_rs::TableCell::new().add_paragraph(para("项目")),
                    docx_rs::TableCell::new().add_paragraph(para("数量")),
                ]),
                docx_rs::TableRow::new(vec![
                    docx_rs::TableCell::new().add_paragraph(para("充电桩")),
                    docx_rs::TableCell::new().add_paragraph(para("60个")),
                ]),
            ]);
            d.add_table(table)
        }),
    )
    .unwrap();
    let want: Vec<(String, Vec<(String, String)>)> = COMPILATION
        .iter()
        .map(|(t, secs)| {
            let title = t.split_once('：').unwrap().1.to_string();
            let secs = secs
                .iter()
                .map(|(h, _)| {
                    let kind = anli::case::SectionKind::classify(h).as_str().to_string();
                    (h.to_string(), kind)
                })
                .collect();
            (title, secs)
        })
        .collect();
    for file in [&styled, &outlined] {
        let (o, v) = dry_run(&f, &[file]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(outline_of(&v), want, "{}", file.display());
        assert_eq!(
            v["cases"][0]["source"],
            "《某某区社区治理案例汇编（2023年）》"
        );
        assert_eq!(v["cases"][0]["year"], 2023);
        assert_eq!(v["cases"][0]["kind"], serde_json::Value::Null);
    }
    let (o, v) = dry_run(&f, &[&numbered]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: Vec<(String, Vec<String>)> = outline_of(&v)
        .into_iter()
        .map(|(t, s)| (t, s.into_iter().map(|x| x.1).collect()))
        .collect();
    assert_eq!(got.len(), 3, "{v:#}");
    assert_eq!(got[0].1, ["background", "measures", "outcomes"]);
    assert_eq!(got[2].1, ["background", "measures", "outcomes"]);

    // Written: three files, `anli check` passes, the table kept as text.
    let o = anli(
        &f,
        &["import", "--kind", "示例", &numbered.display().to_string()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let files: Vec<_> = std::fs::read_dir(f.corpus().join("imported"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 3);
    let all: String = files
        .into_iter()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(all.contains("| 充电桩 | 60个 |"), "{all}");
    assert!(all.contains("kind: 示例"));
    assert!(anli(&f, &["check"]).status.success());

    // The same compilation made by a real office suite (LibreOffice turns the HTML into .docx)
    // imports to the same cases as the one docx-rs wrote.
    let Some(soffice) = find_program(&["soffice", "libreoffice"]) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice (.ci/run installs libreoffice-writer-nogui)"
        );
        eprintln!("skipped the LibreOffice comparison: soffice is not installed (Debian: apt-get install libreoffice-writer-nogui)");
        return;
    };
    let html = work.path().join("libreoffice.html");
    std::fs::write(&html, compilation_html()).unwrap();
    let o = soffice_convert(&soffice, &html, "docx:MS Word 2007 XML");
    let made = work.path().join("libreoffice.docx");
    assert!(
        made.is_file(),
        "LibreOffice converted: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (o, v) = dry_run(&f, &[&made]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(outline_of(&v), want, "LibreOffice's .docx");
    assert_eq!(
        v["cases"][0]["source"],
        "《某某区社区治理案例汇编（2023年）》"
    );

    // Saved as Word 97–2003 (.doc) and OpenDocument (.odt), the same compilation imports the
    // same way: LibreOffice turns it into .docx first.
    for (ext, filter) in [("doc", "doc:MS Word 97"), ("odt", "odt")] {
        let o = soffice_convert(&soffice, &html, filter);
        let made = work.path().join(format!("libreoffice.{ext}"));
        assert!(
            made.is_file(),
            "LibreOffice made .{ext}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        // Named as people name their files (the import must not rely on the scratch name).
        let named = work.path().join(format!("汇编.{ext}"));
        std::fs::rename(&made, &named).unwrap();
        let (o, v) = dry_run(&f, &[&named]);
        assert!(o.status.success(), ".{ext}: {}", stderr(&o));
        assert_eq!(outline_of(&v), want, ".{ext}");
    }
}

/// A news report as a web page: headline, date and source line, lead, sections, paragraphs long
/// enough to wrap in a PDF.
const REPORT_HTML: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>报道</title></head><body>
<h1>老旧小区加装电梯：一楼住户从反对到点头</h1>
<p>发布时间：2023年5月8日　来源：湖北日报　作者：李明</p>
<p>武汉市江岸区某社区的一栋老楼，今年春天装上了电梯。从第一次征求意见到电梯运行，用了整整十四个月，其中最难的一步，是让一楼住户点头。</p>
<h2>背景</h2>
<p>这栋楼建于1992年，七层，共42户，六十岁以上的老人有31位。住在六楼的王阿姨腿脚不好，每次下楼买菜都要歇三回。2021年底，楼里十几户人家凑在一起，想申请加装电梯，可一楼的三户都不同意：担心挡光、担心噪音，也担心房子贬值。第一次征求意见，同意的只有三十户，事情搁了下来。</p>
<h2>主要做法</h2>
<p>社区党委没有急着表决，而是先请设计单位到现场，把电梯井从楼道正前方挪开两米，又请第三方算了采光时长，拿着图纸和数据一户一户去谈。一楼住户提出的问题，一条一条写进协议：电梯运行时间、噪音标准、井道外墙的清洗，都写得清清楚楚。</p>
<p>资金上，按楼层定出分摊系数，二楼最少、七楼最多；申请了每台二十万元的政府补贴，又帮几位老人办了住房公积金提取。楼长带着账本挨家挨户核对，每一笔钱都贴在单元门口公示。</p>
<h2>成效</h2>
<p>2023年3月，电梯正式运行。一楼的三户中有两户在协议上签了字，另一户也没有再反对。楼里的老人说，现在下楼散步成了每天的习惯。</p>
</body></html>"#;

/// A street office's briefing: a large red name plate, the issue and date lines, then one
/// article with numbered parts (一、二、三 — parts of one article, not cases).
const BRIEFING_HTML: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>简报</title></head><body>
<p align="center" style="font-size:32pt;color:#c00000"><b>江汉区前进街道工作简报</b></p>
<p align="center">第12期</p>
<p>前进街道党工委办公室　　　　2022年9月15日</p>
<h1 align="center">楼道里的电动车搬进了新车棚</h1>
<p>今年以来，前进街道把电动自行车进楼入户充电作为消防安全整治的重点。春苑社区有12栋老楼，楼道里常年停着电动车，一到晚上，窗口垂下来的充电线就有二十多根。</p>
<h2>一、摸清底数</h2>
<p>社区网格员逐栋逐户登记，全社区共有电动自行车436辆，其中每天在楼道或家里充电的有131辆。居民说不是不想下楼充，是楼下没地方充。</p>
<h2>二、建棚装桩</h2>
<p>街道协调辖区供电所和一家充电企业，利用两处闲置空地建了集中充电车棚，装了80个智能充电口，充满自动断电，每小时收费0.3元。</p>
<h2>三、巡查劝导</h2>
<p>车棚建好后，社区组织志愿者每晚巡楼，发现楼道停车的先劝导，再贴提醒单。三个月后，楼道停放和飞线充电基本清零。</p>
</body></html>"#;

/// A PDF with one empty page and no text (what a scan without OCR gives the text layer).
const NO_TEXT_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// LibreOffice (to print PDFs) when it and pdftotext (to read them) are installed; `None`, with
/// the reason printed, where either is missing outside CI.
fn pdf_tools() -> Option<PathBuf> {
    let (Some(soffice), Some(_)) = (
        find_program(&["soffice", "libreoffice"]),
        find_program(&["pdftotext"]),
    ) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice and pdftotext (.ci/run installs libreoffice-writer-nogui and poppler-utils)"
        );
        eprintln!("skipped: PDF import needs soffice and pdftotext (Debian: apt-get install libreoffice-writer-nogui poppler-utils)");
        return None;
    };
    Some(soffice)
}

#[test]
fn pdfs_printed_from_a_report_and_a_compilation_import_like_their_sources() {
    let Some(soffice) = pdf_tools() else {
        return;
    };
    let f = Fixture::standard();
    let work = tempfile::tempdir().unwrap();
    let to_pdf = |name: &str, html: &str| {
        let input = work.path().join(format!("{name}.html"));
        std::fs::write(&input, html).unwrap();
        let o = soffice_convert_with(
            &soffice,
            &input,
            Some("HTML (StarWriter)"),
            "pdf:writer_pdf_Export",
        );
        let pdf = work.path().join(format!("{name}.pdf"));
        assert!(
            pdf.is_file(),
            "LibreOffice made {name}.pdf: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        pdf
    };

    // A report: read like the saved page it was printed from.
    let report = to_pdf("report", REPORT_HTML);
    let (o, v) = dry_run(&f, &[&report]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c = &v["cases"][0];
    assert_eq!(v["cases"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(c["title"], "老旧小区加装电梯：一楼住户从反对到点头");
    assert_eq!(c["year"], 2023);
    assert_eq!(c["region"], "湖北省/武汉市/江岸区");
    assert_eq!(c["kind"], "报道");
    assert!(
        c["source"].as_str().unwrap_or("").contains("湖北日报"),
        "{c}"
    );
    let kinds: Vec<&str> = c["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert!(
        kinds.ends_with(&["background", "measures", "outcomes"]),
        "{c}"
    );
    // Written, the wrapped lines are whole paragraphs again: each sentence in one piece.
    let o = anli(&f, &["import", &report.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = c["path"].as_str().unwrap();
    let body = body_of(&f, path);
    for sentence in [
        "社区党委没有急着表决，而是先请设计单位到现场，把电梯井从楼道正前方挪开两米，又请第三方算了采光时长，拿着图纸和数据一户一户去谈。",
        "楼长带着账本挨家挨户核对，每一笔钱都贴在单元门口公示。",
    ] {
        assert!(body.contains(sentence), "{sentence} in:\n{body}");
    }
    assert!(!body.contains("发布时间"), "the date line is not body text");
    assert!(anli(&f, &["check"]).status.success());

    // A briefing: the name plate is the source, not the title; its numbered parts stay one case.
    let briefing = to_pdf("briefing", BRIEFING_HTML);
    let (o, v) = dry_run(&f, &[&briefing]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(v["cases"].as_array().unwrap().len(), 1, "{v:#}");
    let c = &v["cases"][0];
    assert_eq!(c["title"], "楼道里的电动车搬进了新车棚");
    assert_eq!(c["year"], 2022);
    assert!(
        c["source"]
            .as_str()
            .unwrap_or("")
            .contains("江汉区前进街道工作简报"),
        "{c}"
    );
    let headings: Vec<&str> = c["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["heading"].as_str())
        .collect();
    assert!(
        headings.ends_with(&["一、摸清底数", "二、建棚装桩", "三、巡查劝导"]),
        "{headings:?}"
    );

    // A compilation: split at its case headings like the Word file.
    let compilation = to_pdf("compilation", &compilation_html());
    let (o, v) = dry_run(&f, &[&compilation]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want: Vec<(String, Vec<String>)> = COMPILATION
        .iter()
        .map(|(t, secs)| {
            (
                t.split_once('：').unwrap().1.to_string(),
                secs.iter().map(|(h, _)| h.to_string()).collect(),
            )
        })
        .collect();
    let got: Vec<(String, Vec<String>)> = outline_of(&v)
        .into_iter()
        .map(|(t, s)| (t, s.into_iter().map(|x| x.0).collect()))
        .collect();
    assert_eq!(got, want, "{v:#}");
    assert_eq!(
        v["cases"][0]["kind"],
        serde_json::Value::Null,
        "not a report"
    );

    // A PDF without a text layer (a scan) is refused, and says why.
    let scan = work.path().join("scan.pdf");
    std::fs::write(&scan, NO_TEXT_PDF).unwrap();
    let o = anli(&f, &["import", &scan.display().to_string()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("没有可提取的文字"), "{}", stderr(&o));
}

#[test]
fn a_case_handout_printed_to_pdf_comes_back_whole() {
    // anli's own one-case Word handout, printed by LibreOffice: two pages with
    // "第 X 页 共 Y 页" footers, numbered items with hanging indents, a metadata line.
    let Some(soffice) = pdf_tools() else {
        return;
    };
    let id = "property-06-dianti-daxiu";
    let original =
        std::fs::read_to_string(repo().join(format!("corpus/property/{id}.md"))).unwrap();
    let source = Fixture::new(&[("case.md", &original)]);
    let work = tempfile::tempdir().unwrap();
    let docx = work.path().join("handout.docx");
    let o = anli(
        &source,
        &[
            "packet",
            "case",
            id,
            "--format",
            "docx",
            "-o",
            &docx.display().to_string(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = soffice_convert(&soffice, &docx, "pdf");
    let pdf = work.path().join("handout.pdf");
    assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&o.stderr));
    let printed = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let printed: String = String::from_utf8_lossy(&printed.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        printed.contains("第1页") && printed.contains("共2页"),
        "the PDF has page footers to drop: {printed}"
    );

    let f = Fixture::new(&[]);
    let o = anli(&f, &["import", "--json", &pdf.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v["cases"][0];
    assert_eq!(
        c["title"], "一年困人37次还溜过一次梯，高层小区动用维修资金给16部电梯大修",
        "{v:#}"
    );
    let kinds: Vec<&str> = c["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    for k in ["background", "measures", "outcomes", "lessons"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let body = body_of(&f, c["path"].as_str().unwrap());
    // Paragraphs that wrap over several lines are whole.
    for sentence in [
        "从提出申请到资金到位用了21天，费用96万元，按维修资金分户核算的规则，由这4部电梯所在楼栋的业主按面积分摊。",
        "电梯相关的投诉从一年40多件降到3件。",
        "修好之后，维保合同和梯长制度要跟上，不然过几年又回到原样。",
    ] {
        assert!(body.contains(sentence), "{sentence} in:\n{body}");
    }
    // No page furniture in the text.
    assert!(!body.contains("页共"), "{body}");
    assert!(anli(&f, &["check"]).status.success());
}

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, bytes) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn bad_inputs_are_refused_by_name_and_nothing_is_written() {
    let f = Fixture::standard();
    let work = tempfile::tempdir().unwrap();
    let put = |name: &str, bytes: &[u8]| {
        let p = work.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let random: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    // A zip bomb: 40 MB of zeros in the document part, a few KB on disk.
    let zeros = vec![b' '; 40 * 1024 * 1024];
    let bad = [
        (put("renamed-zip.docx", &zip_with(&[("hello.txt", b"hi")])), "word/document.xml"),
        (put("random.docx", &random), "不是 zip"),
        (put("bomb.docx", &zip_with(&[("word/document.xml", &zeros)])), "压缩炸弹"),
        (put("broken.docx", &zip_with(&[("word/document.xml", b"<w:document><w:body><w:p><w:t>\xe5\x8d\x8a</w:p></w:body>")])), "XML 已损坏"),
        (put("empty.txt", b"  \n\n"), "文件是空的"),
        (put("random.txt", &random), "编码"),
        (put("chrome.html", "<html><body><div class=\"nav\"><a href=\"/\">首页</a><a href=\"/a\">新闻</a></div><ul class=\"hot\"><li><a href=\"/x\">热点一</a></li></ul><div class=\"footer\">版权所有</div></body></html>".as_bytes()), "没有找到正文"),
        (put("report.pdf", b"%PDF-1.4 ..."), "PDF"),
        (put("renamed.pdf", &random), "不是有效的 PDF"),
        (put("notes.doc", "只是改了扩展名的文字".as_bytes()), "不是有效的Word 97–2003 文档"),
    ];
    let good = fixture("paste-baoshan.txt");
    let mut args: Vec<String> = vec!["import".into(), "--json".into()];
    args.extend(bad.iter().map(|(p, _)| p.display().to_string()));
    args.push(good.display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = anli(&f, &refs);
    assert_eq!(o.status.code(), Some(1), "done, with files skipped");
    let err = stderr(&o);
    for (p, why) in &bad {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let line = err
            .lines()
            .find(|l| l.contains(&name))
            .unwrap_or_else(|| panic!("{name} named in:\n{err}"));
        assert!(line.contains(why), "{name}: “{why}” in “{line}”");
    }
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["cases"].as_array().unwrap().len(),
        1,
        "the good file still imported"
    );
    let written: Vec<_> = std::fs::read_dir(f.corpus().join("imported"))
        .unwrap()
        .collect();
    assert_eq!(written.len(), 1, "nothing written for the bad files");
}
