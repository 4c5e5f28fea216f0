//! A real browser against the web page: headless Chromium driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`, which `.ci/run` installs). A secretary types a problem in
//! everyday words, sees ranked results with highlights, filters by a topic, opens a case and
//! follows a similar case; an instructor builds a case packet and downloads the Word handout.
//! The results page is kept as `target/screenshots/results.png`.
//!
//! Skipped, with the reason printed, where chromedriver is not installed.

mod common;

use std::net::TcpListener as StdListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};

use anli::server::ServerOptions;
use common::cli::find_program;
use common::*;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

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

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    target.join("screenshots")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secretary_searches_filters_and_reads_cases_in_chromium() {
    let (Some(driver_bin), Some(browser)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        eprintln!("skipped: chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)");
        return;
    };

    // The service over the bundled corpus, on a free loopback port.
    let dir = tempfile::tempdir().unwrap();
    let state = indexed_state(
        bundled_library(dir.path()),
        ServerOptions::local(dir.path().join("packets")),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(anli::server::serve(listener, state, async {
        let _ = stopped.await;
    }));

    // chromedriver.
    let port = free_port();
    let _driver = Driver(
        Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let downloads = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": browser,
            "prefs": {
                "download.default_directory": downloads.path(),
                "download.prompt_for_download": false,
            },
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--lang=zh-CN"]
        }),
    );
    let mut client = None;
    for _ in 0..50 {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = client.expect("connected to chromedriver");

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
    let note = items[0]
        .find(Locator::Css("form.note textarea"))
        .await
        .unwrap();
    note.send_keys("先请学员读背景，再分组讨论一楼住户的顾虑。")
        .await
        .unwrap();
    let save = items[0]
        .find(Locator::Css("form.note button"))
        .await
        .unwrap();
    click_and_wait(&c, &save).await;
    let up = c
        .wait()
        .for_element(Locator::Css("li.pcase button.up"))
        .await
        .unwrap();
    click_and_wait(&c, &up).await;
    c.wait()
        .for_element(Locator::Css("li.pcase"))
        .await
        .unwrap();
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
    let doc = docx_rs::read_docx(&std::fs::read(&docx).unwrap()).expect("a Word document");
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
    assert!(
        all.contains(&format!("案例编号：{second_id}, {first_id}")),
        "{all}"
    );

    c.close().await.unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
