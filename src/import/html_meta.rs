//! What a saved web page says about its article: the headline (WeChat's title, `og:title`, the
//! `<h1>`, `<title>`), the outlet and author, the publication date (`<meta>` tags, WeChat's
//! script, `<time>`), the address, and the short lines right under the headline.

use scraper::{ElementRef, Html};

use super::clean::tidy;
use super::dates::parse_date;
use super::document::PageInfo;
use super::html_walk::{sel, skip_tag, Walker};

fn first_text(html: &Html, selectors: &[&str]) -> Option<String> {
    selectors.iter().find_map(|s| {
        let s = sel(s)?;
        html.select(&s)
            .map(|e| tidy(&e.text().collect::<String>()))
            .find(|t| !t.is_empty())
    })
}

fn meta(html: &Html, names: &[&str]) -> Option<String> {
    let s = sel("meta")?;
    let metas: Vec<ElementRef<'_>> = html.select(&s).collect();
    names.iter().find_map(|name| {
        metas.iter().find_map(|m| {
            let key = m
                .attr("property")
                .or_else(|| m.attr("name"))
                .or_else(|| m.attr("itemprop"))?;
            if !key.eq_ignore_ascii_case(name) {
                return None;
            }
            let v = tidy(m.attr("content")?);
            (!v.is_empty()).then_some(v)
        })
    })
}

/// Headline, outlet, author, date and address from `<meta>`, WeChat's fields and `<title>`.
pub fn page_info(html: &Html) -> PageInfo {
    let mut info = PageInfo {
        title: first_text(html, &["#activity-name", ".rich_media_title"])
            .or_else(|| meta(html, &["og:title", "ArticleTitle", "twitter:title"]))
            .or_else(|| first_heading(html)),
        outlet: first_text(html, &["#js_name", ".rich_media_meta_nickname"]).or_else(|| {
            meta(
                html,
                &["og:site_name", "source", "ContentSource", "SiteName"],
            )
        }),
        author: meta(html, &["author", "article:author", "Author"])
            .or_else(|| first_text(html, &["#js_author_name", ".rich_media_meta_text"]))
            .filter(|a| a.chars().count() <= 30 && parse_date(a).is_none()),
        url: meta(html, &["og:url"]).or_else(|| {
            let s = sel("link[rel=canonical]")?;
            html.select(&s)
                .find_map(|e| e.attr("href").map(str::to_string))
        }),
        ..PageInfo::default()
    };
    info.date = meta(
        html,
        &[
            "article:published_time",
            "og:release_date",
            "publishdate",
            "PubDate",
            "pubdate",
            "publish_date",
            "datePublished",
            "weibo:article:create_at",
            "firstpublishedtime",
        ],
    )
    .and_then(|d| parse_date(&d))
    .or_else(|| {
        first_text(html, &["#publish_time", "em#publish_time"]).and_then(|d| parse_date(&d))
    })
    .or_else(|| script_date(html))
    .or_else(|| {
        let s = sel("time[datetime]")?;
        html.select(&s)
            .find_map(|e| e.attr("datetime").and_then(parse_date))
    });
    if info.outlet.is_none() || info.title.is_none() {
        if let Some(t) = first_text(html, &["title"]) {
            let (head, site) = split_title(&t);
            if info.title.is_none() && head.chars().count() >= 4 {
                info.title = Some(head);
            }
            if info.outlet.is_none() {
                info.outlet = site;
            }
        }
    }
    info.header_lines = header_lines(html);
    info
}

/// WeChat keeps the publication time in a script: `var ct = "1685950000"` or
/// `createTime = '2023-06-05 10:00'`.
fn script_date(html: &Html) -> Option<(i32, Option<u32>, Option<u32>)> {
    let s = sel("script")?;
    for script in html.select(&s) {
        let text: String = script.text().collect();
        for key in ["createTime = '", "createTime = \"", "publish_time = \""] {
            if let Some(at) = text.find(key) {
                if let Some(d) =
                    parse_date(&text[at + key.len()..(at + key.len() + 20).min(text.len())])
                {
                    return Some(d);
                }
            }
        }
        for key in ["var ct = \"", "var ct=\""] {
            if let Some(at) = text.find(key) {
                let digits: String = text[at + key.len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if let Ok(ts) = digits.parse::<i64>() {
                    return Some(super::dates::from_unix(ts));
                }
            }
        }
    }
    None
}

/// `停车难怎么破 - 人民网` → (`停车难怎么破`, `人民网`).
fn split_title(t: &str) -> (String, Option<String>) {
    for sep in [" - ", "--", "_", " | ", "|", "－", "——", " — "] {
        if let Some((head, rest)) = t.split_once(sep) {
            let site = rest.rsplit(sep).next().unwrap_or(rest).trim().to_string();
            return (
                head.trim().to_string(),
                Some(site).filter(|s| !s.is_empty() && s.chars().count() <= 20),
            );
        }
    }
    (t.trim().to_string(), None)
}

/// The article's `<h1>`, when no meta tag named the headline.
fn first_heading(html: &Html) -> Option<String> {
    let s = sel("h1")?;
    html.select(&s)
        .map(|e| tidy(&e.text().collect::<String>()))
        .find(|t| t.chars().count() >= 4)
}

/// The short lines right after the page's headline (`<h1>`), where news pages put
/// "2021-03-30 08:21 来源：人民网 作者：张三": up to eight, outside the article text.
fn header_lines(html: &Html) -> Vec<String> {
    let Some(h1) = sel("h1").and_then(|s| {
        html.select(&s)
            .find(|e| e.text().collect::<String>().trim().chars().count() >= 4)
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // The h1's following siblings and those of its ancestors, nearest first.
    let mut node = Some(*h1);
    while let Some(n) = node {
        let mut sib = n.next_sibling();
        while let Some(s) = sib {
            if let Some(e) = ElementRef::wrap(s) {
                if skip_tag(e.value().name()) {
                    sib = s.next_sibling();
                    continue;
                }
                let mut w = Walker::default();
                w.walk(s, false);
                w.flush();
                for b in w.blocks {
                    let t = b.text();
                    if t.chars().count() > 120 {
                        return out;
                    }
                    out.push(t);
                    if out.len() >= 8 {
                        return out;
                    }
                }
            }
            sib = s.next_sibling();
        }
        node = n.parent();
        if out.len() >= 2 {
            break;
        }
    }
    out
}
