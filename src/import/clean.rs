//! Cleaning text taken from pages and documents: characters as the analyzer expects them,
//! invisible and spacing characters gone, and the lines and insertions that are page chrome
//! (share buttons, "相关推荐", editor credits, "扫码关注") recognised.

use std::collections::HashMap;

/// Tidy one line of text: full-width letters and digits become half-width (what the analyzer
/// folds them to anyway, and what the corpus writes), the ideographic space and no-break spaces
/// become spaces, invisible characters go, runs of spaces shrink to one, and an ASCII comma,
/// colon, semicolon, question or exclamation mark after a Chinese character becomes the
/// full-width one Chinese text uses.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    let mut pending_space = false;
    for c in s.chars() {
        let c = match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\t' | '\n' | '\r' => ' ',
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => continue,
            c if c.is_control() => continue,
            ',' | ':' | ';' | '?' | '!' if prev.is_some_and(is_han) => match c {
                ',' => '，',
                ':' => '：',
                ';' => '；',
                '?' => '？',
                _ => '！',
            },
            c => c,
        };
        if c == ' ' {
            pending_space = prev.is_some();
            continue;
        }
        // No space between two Chinese characters (a Word or PDF line break), none doubled.
        if pending_space {
            let cjk = |x: char| is_han(x) || is_cjk_punct(x);
            if !(prev.is_some_and(cjk) && cjk(c)) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
        prev = Some(c);
    }
    out.trim().to_string()
}

/// A Chinese character.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '“' | '”' | '‘' | '’' | '…' | '—')
}

/// Lines that end the article: what follows them on a page is never the article.
const ENDERS: &[&str] = &[
    "相关推荐",
    "热点推荐",
    "相关阅读",
    "延伸阅读",
    "推荐阅读",
    "相关新闻",
    "热门推荐",
    "猜你喜欢",
    "精彩推荐",
    "热门评论",
    "网友评论",
    "最新评论",
    "发表评论",
    "我要评论",
    "全部评论",
    "往期回顾",
    "往期推荐",
    "更多精彩",
    "免责声明",
    "版权声明",
];

/// Whether a short line starts the page's tail (related links, comments, disclaimers).
pub fn ends_article(line: &str) -> bool {
    let l = strip_decoration(line);
    l.chars().count() <= 12 && ENDERS.iter().any(|e| l.starts_with(e))
}

/// Prefixes of whole lines that are chrome: credits, share bars, sign-up prompts.
const CHROME_PREFIXES: &[&str] = &[
    "责任编辑",
    "责编",
    "编辑：",
    "编辑:",
    "审核：",
    "审核:",
    "校对：",
    "校对:",
    "终审",
    "初审",
    "监制",
    "分享到",
    "分享：",
    "分享至",
    "扫码",
    "扫一扫",
    "长按",
    "点击关注",
    "点击上方",
    "点击下方",
    "点击阅读原文",
    "阅读原文",
    "点击进入",
    "关注我们",
    "欢迎关注",
    "喜欢此内容",
    "返回搜狐",
    "打开APP",
    "打开app",
    "下载APP",
    "下载客户端",
    "举报",
    "当前位置",
    "您当前的位置",
    "您的位置",
    "首页 >",
    "首页>",
    "首页 ›",
    "本文来源",
    "本文转载",
    "本文转自",
    "转载请注明",
    "未经授权",
    "未经许可",
    "原标题",
    "图片来源",
    "来源|",
    "Copyright",
    "copyright",
    "版权所有",
    "©",
    "ICP",
    "京ICP",
    "网站地图",
    "联系我们",
    "关于我们",
    "违法和不良信息举报",
    "上一篇",
    "下一篇",
    "返回顶部",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "【字号",
    "字号：",
    "▲",
    "↓",
    "↑",
];

/// Exact short lines that are buttons or labels.
const CHROME_LINES: &[&str] = &[
    "分享",
    "微信",
    "微博",
    "QQ",
    "QQ空间",
    "朋友圈",
    "复制链接",
    "评论",
    "点赞",
    "转发",
    "收藏",
    "首页",
    "广告",
    "展开全文",
    "查看更多",
    "加载更多",
    "返回",
    "更多",
    "推荐",
    "热点",
    "新闻",
    "登录",
    "注册",
    "搜索",
    "导航",
    "视频",
    "图片",
    "专题",
    "预览时标签不可点",
    "微信扫一扫",
    "关注该公众号",
    "知道了",
    "取消",
    "允许",
    "写留言",
    "留言",
    "写评论",
    "在看",
    "分享到：",
    "阅读",
    "赞",
    "小程序",
    "视频小程序",
];

/// Whether a whole line is page chrome rather than article text.
pub fn is_chrome_line(line: &str) -> bool {
    let l = strip_decoration(line);
    if l.is_empty() {
        return true;
    }
    let n = l.chars().count();
    if CHROME_LINES.contains(&l) {
        return true;
    }
    if n <= 40 && CHROME_PREFIXES.iter().any(|p| l.starts_with(p)) {
        return true;
    }
    // "（责编：张三、李四）", "(编辑 王五)".
    let inner = l
        .trim_start_matches(['(', '（', '[', '【'])
        .trim_end_matches([')', '）', ']', '】']);
    if inner.len() < l.len() && n <= 30 {
        for p in [
            "责编",
            "编辑",
            "审核",
            "校对",
            "来源",
            "作者",
            "记者",
            "通讯员",
        ] {
            if inner.starts_with(p) && !inner.contains('。') {
                return true;
            }
        }
    }
    // A line of separators or a bare page counter ("1 2 3 下一页").
    if l.chars().all(|c| !c.is_alphanumeric()) {
        return true;
    }
    n <= 20 && (l.contains("下一页") || l.contains("上一页"))
}

/// Sentences and bracketed insertions that spam pastes carry inside a paragraph.
const INSERTIONS: &[&str] = &[
    "更多精彩内容请关注",
    "更多精彩请关注",
    "欢迎关注",
    "点击关注",
    "关注公众号",
    "长按识别二维码",
    "扫描二维码",
    "本文来源于网络",
    "本文转载自",
    "如有侵权请联系删除",
    "如有侵权，请联系删除",
    "转载请注明出处",
    "未经授权禁止转载",
    "返回搜狐，查看更多",
    "点击阅读原文",
    "下载APP阅读全文",
];

/// Remove spam insertions from inside a paragraph: a sentence or bracketed part that holds one
/// of [`INSERTIONS`] goes, and a bracketed "本文来源/图片来源/记者 … 摄" credit too.
pub fn strip_insertions(para: &str) -> String {
    let mut out = String::with_capacity(para.len());
    // Split into sentences (keeping the end mark) and bracketed parts.
    let mut piece = String::new();
    let mut depth = 0usize;
    let flush = |piece: &mut String, out: &mut String| {
        let p = std::mem::take(piece);
        if !is_insertion(&p) {
            out.push_str(&p);
        }
    };
    for c in para.chars() {
        match c {
            '（' | '(' | '【' | '[' if depth == 0 => {
                flush(&mut piece, &mut out);
                depth = 1;
                piece.push(c);
            }
            '（' | '(' | '【' | '[' => {
                depth += 1;
                piece.push(c);
            }
            '）' | ')' | '】' | ']' if depth > 0 => {
                piece.push(c);
                depth -= 1;
                if depth == 0 {
                    flush(&mut piece, &mut out);
                }
            }
            '。' | '！' | '？' | '!' | '?' if depth == 0 => {
                piece.push(c);
                flush(&mut piece, &mut out);
            }
            c => piece.push(c),
        }
    }
    flush(&mut piece, &mut out);
    out.trim().to_string()
}

fn is_insertion(piece: &str) -> bool {
    if INSERTIONS.iter().any(|i| piece.contains(i)) {
        return true;
    }
    let bracketed = piece.starts_with(['（', '(', '【', '[']);
    if bracketed && piece.chars().count() <= 40 {
        let inner = piece.trim_start_matches(['（', '(', '【', '[']);
        return [
            "本文来源",
            "来源：",
            "来源:",
            "图片来源",
            "责编",
            "编辑：",
            "广告",
        ]
        .iter()
        .any(|p| inner.starts_with(p))
            || (inner.contains('摄') && !inner.contains('。'));
    }
    false
}

/// Remove decoration around a line: spaces, bullets, brackets of a button.
fn strip_decoration(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || "•·|｜>›»«<-—_=*#【】[]".contains(c))
}

/// Indexes of paragraphs that repeat: a short line seen at least twice on a page is a label,
/// a slogan or a sidebar entry, not article text.
pub fn repeated_lines(paras: &[&str]) -> Vec<bool> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in paras {
        *counts.entry(p.trim()).or_default() += 1;
    }
    paras
        .iter()
        .map(|p| {
            let p = p.trim();
            p.chars().count() <= 40 && counts.get(p).copied().unwrap_or(0) >= 2
        })
        .collect()
}

/// A news lead's dateline, removed from the paragraph: `人民网贵阳3月30日电（记者 张三）`,
/// `【新华网讯】`, `本报讯（通讯员 李四）`. Returns the text without it, and the people it names.
pub fn strip_dateline(para: &str) -> (String, Option<String>) {
    let p = para.trim();
    if let Some(rest) = p.strip_prefix('【') {
        if let Some((tag, after)) = rest.split_once('】') {
            if tag.chars().count() <= 16 && (tag.ends_with('讯') || tag.ends_with('电')) {
                return (after.trim().to_string(), None);
            }
        }
    }
    let head: String = p.chars().take(40).collect();
    for mark in ["电（", "讯（", "电(", "讯(", "电 （", "讯 （"] {
        if let Some(at) = head.find(mark) {
            let after = &p[at + mark.len()..];
            let close = after.find(['）', ')']);
            if let Some(close) = close {
                let credit = &after[..close];
                let rest = &after[close..];
                let rest = rest
                    .strip_prefix('）')
                    .or_else(|| rest.strip_prefix(')'))
                    .unwrap_or(rest);
                let people = credit
                    .replace("记者", " ")
                    .replace("通讯员", " ")
                    .replace("实习生", " ");
                let people = people.split_whitespace().collect::<Vec<_>>().join("、");
                return (
                    rest.trim().to_string(),
                    Some(people).filter(|s| !s.is_empty()),
                );
            }
        }
    }
    for mark in ["本报讯", "本台讯", "本网讯"] {
        if let Some(rest) = p.strip_prefix(mark) {
            return (rest.trim_start_matches([' ', '：', ':']).to_string(), None);
        }
    }
    (p.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_folds_widths_and_spaces() {
        assert_eq!(
            tidy("　　２０２１年，ＡＢＣ社区\u{200B}有 120 个车位"),
            "2021年，ABC社区有 120 个车位"
        );
        assert_eq!(tidy("社区,居民:好"), "社区，居民：好");
        assert_eq!(tidy("老旧 小区\n停车"), "老旧小区停车");
        assert_eq!(tidy("a  b"), "a b");
    }

    #[test]
    fn chrome_lines_and_enders() {
        for l in [
            "责任编辑：张三",
            "（责编：李四、王五）",
            "分享到：",
            "微信",
            "首页 > 新闻 > 正文",
            "扫码关注我们",
            "Copyright © 2021 某某网",
            "———————",
            "1 2 3 下一页",
        ] {
            assert!(is_chrome_line(l), "{l}");
        }
        for l in ["社区党委召开居民议事会。", "一、主要做法", "停车难怎么破？"]
        {
            assert!(!is_chrome_line(l), "{l}");
        }
        assert!(ends_article("相关推荐"));
        assert!(ends_article("【热点推荐】"));
        assert!(!ends_article("相关推荐工作已经做了三年，居民很满意。"));
    }

    #[test]
    fn insertions_are_cut_out_of_paragraphs() {
        assert_eq!(
            strip_insertions("社区建了车棚。更多精彩内容请关注某某公众号！居民很满意。"),
            "社区建了车棚。居民很满意。"
        );
        assert_eq!(
            strip_insertions("议事会开了三次（本文来源：某某网）。"),
            "议事会开了三次。"
        );
        assert_eq!(
            strip_insertions("居民在议事会上发言（张三 摄）"),
            "居民在议事会上发言"
        );
        assert_eq!(strip_insertions("（一）建立议事会"), "（一）建立议事会");
    }

    #[test]
    fn datelines_are_removed() {
        let (t, who) =
            strip_dateline("人民网贵阳3月30日电（记者 张三 李四）3月22日，社区治理学校揭牌。");
        assert_eq!(t, "3月22日，社区治理学校揭牌。");
        assert_eq!(who.as_deref(), Some("张三、李四"));
        let (t, _) = strip_dateline("【新华网讯】社区开了议事会。");
        assert_eq!(t, "社区开了议事会。");
    }

    #[test]
    fn repeated_short_lines_are_found() {
        let r = repeated_lines(&["学习强国", "正文第一段很长很长。", "学习强国"]);
        assert_eq!(r, vec![true, false, true]);
    }
}
