//! A real browser against the web page: headless Chromium driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`, which `.ci/run` installs). A secretary types a problem in
//! everyday words, sees ranked results with highlights, filters by a topic, opens a case and
//! follows a similar case; an instructor builds a case packet and downloads the Word handout.
//! The results page is kept as `target/screenshots/results.png`.
//!
//! Skipped, with the reason printed, where chromedriver is not installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

use anli::server::ServerOptions;
use common::cli::find_program;
use common::live::{free_port, nginx_program, start_nginx, Killed, Live};
use common::*;

/// Click something that submits a form or follows a link, and wait until the browser has left
/// the current page (its root element goes stale), so the next lookup sees the new page.
async fn click_and_wait(c: &fantoccini::Client, target: &fantoccini::elements::Element) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    target.click().await.unwrap();
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the page did not change after the click");
}

/// Wait (up to 10 s) until `script` returns true in the page.
async fn until(c: &fantoccini::Client, script: &str) {
    for _ in 0..400 {
        if c.execute(script, vec![]).await.ok() == Some(serde_json::Value::Bool(true)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("not true after 10 s: {script}");
}

/// Headless Chromium under a fresh chromedriver, its window `size` wide and high, saving
/// downloads to `downloads`; `None`, the reason printed, where either is not installed.
async fn chromium(
    size: (u32, u32),
    downloads: Option<&Path>,
) -> Option<(Killed, fantoccini::Client)> {
    let (Some(driver_bin), Some(browser)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        eprintln!("skipped: chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)");
        return None;
    };
    let port = free_port();
    let driver = Killed(
        Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut options = serde_json::json!({
        "binary": browser,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 format!("--window-size={},{}", size.0, size.1), "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=zh-CN"]
    });
    if let Some(dir) = downloads {
        options["prefs"] = serde_json::json!({
            "download.default_directory": dir,
            "download.prompt_for_download": false,
        });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    for _ in 0..50 {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("could not connect to chromedriver");
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    target.join("screenshots")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secretary_searches_filters_and_reads_cases_in_chromium() {
    let downloads = tempfile::tempdir().unwrap();
    let Some((_driver, c)) = chromium((1280, 1600), Some(downloads.path())).await else {
        return;
    };

    // The service over the bundled corpus, on a free loopback port.
    let dir = tempfile::tempdir().unwrap();
    let state = indexed_state(
        bundled_library(dir.path()),
        ServerOptions::local(dir.path().join("packets")),
    );
    let live = Live::start(state).await;
    let base = live.url();

    // 1. The home page, a colloquial problem typed into the box.
    c.goto(&base).await.unwrap();
    let examples = c.find_all(Locator::Css(".examples a")).await.unwrap();
    assert!(examples.len() >= 3, "example queries for a first-time user");
    let problem = "楼道里总有人给电瓶车充电，怕着火，说了也不听";
    c.find(Locator::Css("#q"))
        .await
        .unwrap()
        .send_keys(problem)
        .await
        .unwrap();
    c.find(Locator::Css(".searchbox button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("ol.hits")).await.unwrap();

    // 2. Ranked results with highlights, the e-bike charging cases first.
    let hits = c.find_all(Locator::Css("li.hit")).await.unwrap();
    assert!(hits.len() >= 5, "{} hits", hits.len());
    let first_meta = hits[0]
        .find(Locator::Css(".meta"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        first_meta.contains("电动车充电") || first_meta.contains("消防安全"),
        "{first_meta}"
    );
    let marks = c.find_all(Locator::Css(".snippet em")).await.unwrap();
    assert!(!marks.is_empty(), "snippets highlight the matched words");
    let why = hits[0]
        .find(Locator::Css(".why"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(why.contains("匹配"), "{why}");
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(screenshot_dir()).unwrap();
    std::fs::write(screenshot_dir().join("results.png"), &png).unwrap();
    assert!(png.len() > 10_000);

    // 3. Filter by a topic: every hit carries it.
    let topic_links = c
        .find_all(Locator::Css("#facet-topic button"))
        .await
        .unwrap();
    let mut clicked = false;
    for a in topic_links {
        if a.attr("value").await.unwrap().as_deref() == Some("消防安全") {
            a.click().await.unwrap();
            clicked = true;
            break;
        }
    }
    assert!(clicked, "a 消防安全 filter is offered");
    c.wait()
        .for_element(Locator::Css(".active .chip"))
        .await
        .unwrap();
    let hits = c.find_all(Locator::Css("li.hit .meta")).await.unwrap();
    assert!(!hits.is_empty());
    for h in &hits {
        assert!(h.text().await.unwrap().contains("消防安全"));
    }

    // 4. Open a case, then follow a similar case.
    let title = c.find(Locator::Css("li.hit .hit-title a")).await.unwrap();
    let title_text = title.text().await.unwrap();
    title.click().await.unwrap();
    let h1 = c
        .wait()
        .for_element(Locator::Css("article.case h1"))
        .await
        .unwrap();
    assert_eq!(h1.text().await.unwrap(), title_text);
    let measures = c
        .find(Locator::Css(".sec-measures"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(measures.chars().count() > 100, "the remedy is shown");
    assert!(!measures.contains("**"), "Markdown is rendered: {measures}");
    let similar = c.find(Locator::Css(".similar a")).await.unwrap();
    let similar_title = similar.text().await.unwrap();
    similar.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let h1 = c
        .wait()
        .for_element(Locator::Css("article.case h1"))
        .await
        .unwrap();
    assert_eq!(h1.text().await.unwrap(), similar_title);
    assert_ne!(similar_title, title_text);

    // 5. A phone-sized window still shows the search box and results.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/?q=%E5%8A%A0%E6%A2%AF"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("li.hit")).await.unwrap();
    std::fs::write(
        screenshot_dir().join("results-phone.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // 6. An instructor puts two cases about elevators in a new packet, writes a note, puts the
    //    second case first and downloads the Word handout.
    c.set_window_size(1280, 1600).await.unwrap();
    c.goto(&format!("{base}/?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("li.hit")).await.unwrap();
    let hits = c.find_all(Locator::Css("li.hit")).await.unwrap();
    let first_id = hits[0].attr("data-id").await.unwrap().unwrap();
    let second_id = hits[1].attr("data-id").await.unwrap().unwrap();
    // No packet yet: the picker offers "＋ 新建案例包". Every form posts and redirects, so each
    // click waits for the next page to replace the current one before looking at it.
    let button = hits[0]
        .find(Locator::Css(".add-packet button"))
        .await
        .unwrap();
    click_and_wait(&c, &button).await;
    // The new-packet form asks for the title first, prefilled from the search.
    let title = c
        .wait()
        .for_element(Locator::Css("form.new-packet input[name=title]"))
        .await
        .unwrap();
    assert_eq!(title.prop("value").await.unwrap().unwrap(), "加装电梯专题");
    let create = c
        .find(Locator::Css("form.new-packet button"))
        .await
        .unwrap();
    click_and_wait(&c, &create).await;
    let notice = c.wait().for_element(Locator::Css(".notice")).await.unwrap();
    assert!(notice.text().await.unwrap().contains("已加入案例包"));
    // The picker now has that packet selected; add the second case to it.
    let second_button = format!("li.hit[data-id='{second_id}'] .add-packet button");
    let button = c.find(Locator::Css(&second_button)).await.unwrap();
    click_and_wait(&c, &button).await;
    let link = c
        .wait()
        .for_element(Locator::Css(".notice a"))
        .await
        .unwrap();
    click_and_wait(&c, &link).await;
    c.wait()
        .for_element(Locator::Css("ol.packet-cases"))
        .await
        .unwrap();
    let items = c.find_all(Locator::Css("li.pcase")).await.unwrap();
    assert_eq!(items.len(), 2, "both cases are in the packet");
    // Notes in both cases, typed one after the other: each is saved as it is left, and the
    // bar says 已保存. Nothing typed is lost (the issue: saving note 4 reset note 3).
    let note1 = "先请学员读背景，再分组讨论一楼住户的顾虑。";
    let note2 = "这个案例重点看分摊办法。";
    let box1 = items[0].find(Locator::Css(".note textarea")).await.unwrap();
    box1.send_keys(note1).await.unwrap();
    let box2 = items[1].find(Locator::Css(".note textarea")).await.unwrap();
    box2.click().await.unwrap();
    box2.send_keys(note2).await.unwrap();
    c.find(Locator::Css("h1"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &c,
        "return document.getElementById('save-status').textContent.startsWith('已保存')",
    )
    .await;
    let saved = c.find(Locator::Css("#save-status")).await.unwrap();
    assert!(saved.text().await.unwrap().starts_with("已保存"));
    c.refresh().await.unwrap();
    c.wait()
        .for_element(Locator::Css("li.pcase"))
        .await
        .unwrap();
    let values = c
        .execute(
            "return [...document.querySelectorAll('li.pcase .note textarea')].map(t => t.value)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        values,
        serde_json::json!([note1, note2]),
        "both notes saved"
    );
    // 移除 answers in place (the page does not jump); 撤销 brings the case back with its note.
    c.execute("window.scrollTo(0, 300); window.__stay = 1", vec![])
        .await
        .unwrap();
    let remove = format!("li.pcase[data-id='{second_id}'] button.remove");
    c.find(Locator::Css(&remove))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(&c, "return !!document.querySelector('.notice .undo')").await;
    let stayed = c
        .execute(
            "return [window.__stay, document.querySelectorAll('li.pcase').length]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        stayed,
        serde_json::json!([1, 1]),
        "same page, one case left"
    );
    c.find(Locator::Css(".notice .undo"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &c,
        "return document.querySelectorAll('li.pcase').length == 2",
    )
    .await;
    let restored = c
        .execute(
            &format!(
                "return document.querySelector(\"li.pcase[data-id='{second_id}'] textarea\").value"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(restored, serde_json::json!(note2), "the note came back");
    let up = format!("li.pcase[data-id='{second_id}'] button.up");
    c.find(Locator::Css(&up))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        &c,
        &format!("return document.querySelector('li.pcase').dataset.id == '{second_id}'"),
    )
    .await;
    let order: Vec<String> = {
        let mut v = Vec::new();
        for li in c.find_all(Locator::Css("li.pcase")).await.unwrap() {
            v.push(li.attr("data-id").await.unwrap().unwrap());
        }
        v
    };
    assert_eq!(order, [second_id.clone(), first_id.clone()]);
    std::fs::write(
        screenshot_dir().join("packet.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.find(Locator::Css("#dl-docx"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut docx = None;
    for _ in 0..100 {
        let found = std::fs::read_dir(downloads.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "docx"));
        if let Some(p) = found {
            docx = Some(p);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let docx = docx.expect("the browser downloaded a .docx");
    // The file can be seen while Chromium is still writing it: read until it is whole.
    let mut doc = docx_rs::read_docx(&std::fs::read(&docx).unwrap());
    for _ in 0..50 {
        if doc.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        doc = docx_rs::read_docx(&std::fs::read(&docx).unwrap());
    }
    let doc = doc.expect("a Word document");
    let text: Vec<String> = doc
        .document
        .children
        .iter()
        .filter_map(|c| match c {
            docx_rs::DocumentChild::Paragraph(p) => Some(p.raw_text()),
            _ => None,
        })
        .collect();
    let all = text.join("\n");
    assert!(
        all.contains("先请学员读背景，再分组讨论一楼住户的顾虑。"),
        "the note is in the handout"
    );
    // The ids only in the 资料说明 block at the end, in the packet's order.
    let about = &all[all.find("资料说明").expect(&all)..];
    let (at2, at1) = (about.find(&second_id), about.find(&first_id));
    assert!(at2.is_some() && at1.is_some() && at2 < at1, "{about}");

    c.close().await.unwrap();
    live.stop().await;
}

/// A secretary adds a case with the "添加案例" form, finds it, and edits it from its page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secretary_adds_and_edits_a_case_in_chromium() {
    let Some((_driver, c)) = chromium((1280, 1600), None).await else {
        return;
    };
    let f = Fixture::standard();
    let state = indexed_state(f.library(), ServerOptions::local(f.packets()));
    let live = Live::start(state).await;
    let base = live.url();

    c.goto(&base).await.unwrap();
    let add = c.find(Locator::LinkText("添加案例")).await.unwrap();
    click_and_wait(&c, &add).await;
    let form = Locator::Css("form.case-edit");
    let field = |name: &'static str| {
        Locator::Css(match name {
            "title" => "form.case-edit input[name=title]",
            "year" => "form.case-edit input[name=year]",
            _ => "form.case-edit input[name=region]",
        })
    };
    c.find(field("title"))
        .await
        .unwrap()
        .send_keys("楼道堆物清理：居民自己定公约")
        .await
        .unwrap();
    c.find(field("region"))
        .await
        .unwrap()
        .send_keys("浙江省/杭州市/西湖区")
        .await
        .unwrap();
    c.find(field("year"))
        .await
        .unwrap()
        .send_keys("2022")
        .await
        .unwrap();
    c.find(Locator::Css(
        "form.case-edit input[name=topics][value=消防安全]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    // The second section box is 做法.
    let bodies = c
        .find_all(Locator::Css("form.case-edit textarea[name=body]"))
        .await
        .unwrap();
    bodies[1]
        .send_keys("楼组长牵头开议事会，大家定下“楼道公约”，每月清一次。")
        .await
        .unwrap();
    let save = c
        .find(form)
        .await
        .unwrap()
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap();
    click_and_wait(&c, &save).await;
    let h1 = c
        .find(Locator::Css("article.case h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "楼道堆物清理：居民自己定公约");
    let page = c.source().await.unwrap();
    assert!(page.contains("楼道公约") && page.contains("浙江省/杭州市/西湖区"));

    // Edit it from its page.
    let edit = c.find(Locator::LinkText("编辑")).await.unwrap();
    click_and_wait(&c, &edit).await;
    let bodies = c
        .find_all(Locator::Css("form.case-edit textarea[name=body]"))
        .await
        .unwrap();
    let mut measures = None;
    for b in bodies {
        if b.prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("楼道公约")
        {
            measures = Some(b);
        }
    }
    let measures = measures.expect("the 做法 box holds the text");
    measures.clear().await.unwrap();
    measures
        .send_keys("楼组长牵头开议事会，定下“楼道公约”，每两周清一次。")
        .await
        .unwrap();
    let save = c
        .find(Locator::Css("form.case-edit button[type=submit]"))
        .await
        .unwrap();
    click_and_wait(&c, &save).await;
    assert!(c.source().await.unwrap().contains("每两周清一次"));
    let saved: Vec<_> = std::fs::read_dir(f.corpus().join("imported"))
        .unwrap()
        .collect();
    assert_eq!(saved.len(), 1);

    c.close().await.unwrap();
    live.stop().await;
}

/// The rules of axe-core (`tests/axe`, installed with `npm ci`), if installed.
fn axe_source() -> Option<String> {
    std::fs::read_to_string(repo().join("tests/axe/node_modules/axe-core/axe.min.js")).ok()
}

/// Run axe-core's WCAG 2.1 A/AA and best-practice rules on the page open in `c`: the
/// violations, each as `rule: elements`.
async fn axe_violations(c: &fantoccini::Client, axe: &str) -> Vec<String> {
    c.execute(axe, vec![]).await.unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })
               .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 5)
                 .map(n => n.target.join(' ')).join(' | '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// An nginx with its default limits (an 8 KB request line) in front of `upstream`, if nginx is
/// installed: the process and its address.
fn nginx_in_front(upstream: &str, dir: &Path) -> Option<(Killed, String)> {
    let nginx = nginx_program()?;
    let port = free_port();
    let proxy = start_nginx(
        &nginx,
        dir,
        &[(
            port,
            format!("proxy_pass {upstream}; proxy_set_header Host $host;"),
        )],
    );
    Some((proxy, format!("http://127.0.0.1:{port}")))
}

/// Type `text` into the search box (set at once: a 1,900-character description is pasted, not
/// typed) and submit it; wait for the next page.
async fn search_for(c: &fantoccini::Client, text: &str) {
    let q = c.find(Locator::Css("#q")).await.unwrap();
    c.execute(
        "arguments[0].value = arguments[1];",
        vec![serde_json::to_value(&q).unwrap(), serde_json::json!(text)],
    )
    .await
    .unwrap();
    let button = c.find(Locator::Css(".searchbox button")).await.unwrap();
    click_and_wait(c, &button).await;
}

/// A number a script computes on the page.
async fn number(c: &fantoccini::Client, script: &str) -> f64 {
    c.execute(script, vec![]).await.unwrap().as_f64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_forgive_and_pages_read_well_in_chromium() {
    let Some((_driver, c)) = chromium((1280, 1400), None).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let state = indexed_state(
        bundled_library(dir.path()),
        ServerOptions::local(dir.path().join("packets")),
    );
    let live = Live::start(state).await;
    let direct = live.url();
    // Behind nginx with its defaults, as README recommends (only the loopback address may
    // write, so the packet pages are read-only through it).
    let proxy_dir = tempfile::tempdir().unwrap();
    let proxy = nginx_in_front(&direct, proxy_dir.path());
    let base = match &proxy {
        Some((_, addr)) => addr.clone(),
        None => {
            eprintln!("nginx is not installed: the long description goes to the service directly");
            direct.clone()
        }
    };
    let axe = axe_source();
    if axe.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have axe-core (.ci/run runs `npm ci` in tests/axe)"
        );
        eprintln!("skipped the axe-core checks: run `npm ci` in tests/axe");
    }

    std::fs::create_dir_all(screenshot_dir()).unwrap();
    let mut violations: Vec<String> = Vec::new();
    let mut check = |page: &'static str, found: Vec<String>| {
        violations.extend(found.into_iter().map(|v| format!("{page}: {v}")));
    };

    // The home page: one h1, and every page type passes axe-core.
    c.goto(&base).await.unwrap();
    assert_eq!(c.find_all(Locator::Css("h1")).await.unwrap().len(), 1);
    if let Some(axe) = &axe {
        check("home", axe_violations(&c, axe).await);
    }

    // Traditional characters.
    search_for(&c, "停車難").await;
    let meta = c.find(Locator::Css("li.hit .meta")).await.unwrap();
    assert!(meta.text().await.unwrap().contains("停车管理"));
    assert!(!c
        .find_all(Locator::Css(".snippet em"))
        .await
        .unwrap()
        .is_empty());
    if let Some(axe) = &axe {
        check("results", axe_violations(&c, axe).await);
    }

    // Pinyin.
    search_for(&c, "tingche").await;
    let note = c.find(Locator::Css(".corrected")).await.unwrap();
    let text = note.text().await.unwrap();
    assert!(text.contains("按拼音") && text.contains("停车"), "{text}");
    assert!(!c.find_all(Locator::Css("li.hit")).await.unwrap().is_empty());

    // A typo, and the link back to the query as typed.
    search_for(&c, "加装电悌").await;
    let note = c.find(Locator::Css(".corrected")).await.unwrap();
    assert!(note.text().await.unwrap().contains("加装电梯"));
    let back = note.find(Locator::Css("a")).await.unwrap();
    click_and_wait(&c, &back).await;
    assert!(c
        .find_all(Locator::Css(".corrected"))
        .await
        .unwrap()
        .is_empty());
    if let Some(axe) = &axe {
        check("literal results", axe_violations(&c, axe).await);
    }

    // Browsing a topic without typing.
    c.goto(&base).await.unwrap();
    let mut chip = None;
    for a in c.find_all(Locator::Css(".chips a")).await.unwrap() {
        if a.text().await.unwrap().starts_with("停车管理") {
            chip = Some(a);
            break;
        }
    }
    click_and_wait(&c, &chip.expect("a 停车管理 chip")).await;
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.contains("停车管理"), "{h1}");
    let listed = c.find_all(Locator::Css("li.hit")).await.unwrap();
    assert!(listed.len() >= 5);
    if let Some(axe) = &axe {
        check("topic listing", axe_violations(&c, axe).await);
    }

    // A 1,900-character description through nginx: posted, so the request line stays short.
    let long: String = "我们小区是九十年代的老房子，没有地下车库，晚上回来车根本没地方停，只好停在消防通道上，物业说管不了，居民之间经常为抢车位吵架。"
        .chars()
        .cycle()
        .take(1_900)
        .collect();
    c.goto(&base).await.unwrap();
    search_for(&c, &long).await;
    let hits = c.find_all(Locator::Css("li.hit")).await.unwrap();
    assert!(hits.len() >= 5, "results for the long description");
    let source = c.source().await.unwrap();
    assert!(!source.contains("414"), "no 414 from the proxy");
    if proxy.is_some() {
        // The same description in a link is what nginx refuses.
        c.goto(&format!("{base}/?q={}", long)).await.unwrap();
        let refused = c.source().await.unwrap();
        assert!(refused.contains("414"), "nginx's default limit is in force");
    }

    // A 360-px phone: no horizontal scroll, text at least 17 px, controls at least 16 px, tap
    // targets at least 44 px.
    c.set_window_size(360, 800).await.unwrap();
    c.goto(&format!("{base}/?q=%E5%81%9C%E8%BD%A6%E9%9A%BE"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("li.hit")).await.unwrap();
    let inner = number(&c, "return window.innerWidth;").await;
    let scroll = number(&c, "return document.documentElement.scrollWidth;").await;
    assert!(
        scroll <= inner,
        "the page is {scroll} px wide in a {inner} px window"
    );
    let body_px = number(
        &c,
        "return parseFloat(getComputedStyle(document.body).fontSize);",
    )
    .await;
    assert!(body_px >= 17.0, "body text {body_px} px");
    let smallest_control = number(
        &c,
        "return Math.min(...[...document.querySelectorAll('textarea, select, input:not([type=hidden])')]
           .map(e => parseFloat(getComputedStyle(e).fontSize)));",
    )
    .await;
    assert!(
        smallest_control >= 16.0,
        "a control at {smallest_control} px"
    );
    let smallest_text = number(
        &c,
        "let m = 99; const w = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
         while (w.nextNode()) { const n = w.currentNode; if (!n.textContent.trim()) continue;
           const e = n.parentElement; if (!e.offsetParent && getComputedStyle(e).position !== 'fixed') continue;
           m = Math.min(m, parseFloat(getComputedStyle(e).fontSize)); }
         return m;",
    )
    .await;
    assert!(smallest_text >= 14.0, "text at {smallest_text} px");
    let small_targets: Vec<String> = serde_json::from_value(
        c.execute(
            "return [...document.querySelectorAll('main button, main a, header a')]
               .filter(e => e.offsetParent && !e.closest('.snippet, .summary, p.count, p.why, .sec-measures'))
               .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 24; })
               .map(e => e.outerHTML.slice(0, 80));",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert!(
        small_targets.is_empty(),
        "small tap targets: {small_targets:?}"
    );
    std::fs::write(
        screenshot_dir().join("results-360.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // The case page on the phone, with the query's words marked.
    let first = c.find(Locator::Css("li.hit .hit-title a")).await.unwrap();
    click_and_wait(&c, &first).await;
    assert!(!c
        .find_all(Locator::Css("article.case mark"))
        .await
        .unwrap()
        .is_empty());
    let scroll = number(&c, "return document.documentElement.scrollWidth;").await;
    assert!(scroll <= inner, "the case page is {scroll} px wide");
    assert_eq!(c.find_all(Locator::Css("h1")).await.unwrap().len(), 1);
    if let Some(axe) = &axe {
        check("case", axe_violations(&c, axe).await);
    }

    // Printed: the print rules applied (as the print preview does), the header is gone.
    c.set_window_size(1280, 1400).await.unwrap();
    let hidden = c
        .execute(
            "for (const s of [...document.styleSheets]) {
               const print = [...s.cssRules].filter(r => r.media && [...r.media].includes('print'));
               for (const r of print) for (const x of [...r.cssRules]) s.insertRule(x.cssText, s.cssRules.length);
             }
             return getComputedStyle(document.querySelector('header.top')).display;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, "none", "the printed case has no site header");
    std::fs::write(
        screenshot_dir().join("case-print.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // The packet list and an empty search.
    c.goto(&format!("{base}/packets")).await.unwrap();
    assert_eq!(c.find_all(Locator::Css("h1")).await.unwrap().len(), 1);
    if let Some(axe) = &axe {
        check("packets", axe_violations(&c, axe).await);
    }
    c.goto(&format!(
        "{base}/?topic=%E5%81%9C%E8%BD%A6%E7%AE%A1%E7%90%86&year=1990"
    ))
    .await
    .unwrap();
    let empty = c
        .find(Locator::Css(".empty"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(empty.contains("去掉筛选条件"), "{empty}");
    if let Some(axe) = &axe {
        check("empty results", axe_violations(&c, axe).await);
    }

    assert!(violations.is_empty(), "axe-core: {violations:#?}");
    c.close().await.unwrap();
    drop(proxy);
    live.stop().await;
}
