//! Headings recognised by their numbering when no style marks them, as Word compilations and
//! WPS documents often write them: `第一部分`, `案例三`, `一、`, `（二）`, `1.`, `（1）`.

/// The rank of a numbered heading, outermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// `第一部分`, `第二篇`, `第三章`: a part of a compilation.
    Part = 1,
    /// `案例三`, `【案例3】`, `典型案例一`: one case.
    Case = 2,
    /// `一、`
    Chinese = 3,
    /// `（一）`
    ParenChinese = 4,
    /// `1.`, `1、`
    Arabic = 5,
    /// `（1）`
    ParenArabic = 6,
}

const CN_DIGITS: &str = "〇零一二三四五六七八九十百两";

fn cn_number_len(s: &str) -> usize {
    s.chars()
        .take_while(|c| CN_DIGITS.contains(*c))
        .map(char::len_utf8)
        .sum()
}

fn arabic_len(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// The rank of `line` as a numbered heading, if it is one: short, numbered, not a sentence.
pub fn heading_rank(line: &str) -> Option<Rank> {
    let l = line.trim();
    let n = l.chars().count();
    if !(2..=60).contains(&n) {
        return None;
    }
    if let Some(rank) = case_or_part(l) {
        return Some(rank);
    }
    // Below the case level a heading is short and is not a sentence.
    if n > 30
        || l.trim_end_matches(['。', '；', '，'])
            .contains(['。', '；'])
    {
        return None;
    }
    if l.ends_with(['；', '，', ';', ',']) {
        return None;
    }
    let rest_is_title = |rest: &str| {
        let r = rest.trim_start_matches([' ', '　']);
        !r.is_empty() && !r.starts_with(|c: char| c.is_ascii_digit() || c == '%' || c == '.')
    };
    let k = cn_number_len(l);
    if k > 0 {
        let rest = &l[k..];
        if let Some(r) = rest.strip_prefix('、') {
            return rest_is_title(r).then_some(Rank::Chinese);
        }
    }
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(inner) = l.strip_prefix(open) {
            let k = cn_number_len(inner);
            if k > 0 {
                if let Some(r) = inner[k..].strip_prefix(close) {
                    return rest_is_title(r).then_some(Rank::ParenChinese);
                }
            }
            let k = arabic_len(inner);
            if k > 0 && k <= 2 {
                if let Some(r) = inner[k..].strip_prefix(close) {
                    return rest_is_title(r).then_some(Rank::ParenArabic);
                }
            }
        }
    }
    let k = arabic_len(l);
    if k > 0 && k <= 2 {
        let rest = &l[k..];
        for sep in ["、", ".", "．"] {
            if let Some(r) = rest.strip_prefix(sep) {
                // "1.5万" is a number, not a heading.
                return rest_is_title(r).then_some(Rank::Arabic);
            }
        }
    }
    None
}

/// `案例三：…`, `【案例3】…`, `典型案例一 …`, `第一部分 …`.
fn case_or_part(l: &str) -> Option<Rank> {
    let l = l.trim_start_matches(['【', '[', '〔']);
    let l = l.strip_prefix("典型").unwrap_or(l);
    if let Some(rest) = l.strip_prefix("案例") {
        let rest = rest.trim_start();
        let k = cn_number_len(rest).max(arabic_len(rest));
        if k > 0 {
            let after = rest[k..].trim_start();
            let ok = after.is_empty()
                || after.starts_with([
                    '：', ':', '】', ']', '〕', '、', '.', '．', ' ', '　', '—', '-',
                ])
                || after.starts_with(|c: char| crate::import::clean::is_han(c));
            return ok.then_some(Rank::Case);
        }
    }
    if let Some(rest) = l.strip_prefix('第') {
        let k = cn_number_len(rest).max(arabic_len(rest));
        if k > 0 {
            let after = &rest[k..];
            if ["部分", "篇", "章", "编", "单元"]
                .iter()
                .any(|u| after.starts_with(u))
                && l.chars().count() <= 40
            {
                return Some(Rank::Part);
            }
        }
    }
    None
}

/// `line` without its leading numbering or case marker (`案例三：停车` → `停车`).
pub fn strip_numbering(line: &str) -> &str {
    let l = line.trim();
    let t = l.trim_start_matches(['【', '[', '〔']);
    let t = t.strip_prefix("典型").unwrap_or(t);
    if let Some(rest) = t.strip_prefix("案例") {
        let rest = rest.trim_start();
        let k = cn_number_len(rest).max(arabic_len(rest));
        if k > 0 {
            return rest[k..]
                .trim_start_matches(|c: char| c.is_whitespace() || "：:】]〕、.．—-".contains(c));
        }
    }
    if let Some(rest) = t.strip_prefix('第') {
        let k = cn_number_len(rest).max(arabic_len(rest));
        for u in ["部分", "篇", "章", "编", "单元"] {
            if let Some(r) = rest[k..].strip_prefix(u) {
                if k > 0 {
                    return r
                        .trim_start_matches(|c: char| c.is_whitespace() || "：:、.．".contains(c));
                }
            }
        }
    }
    let k = cn_number_len(l);
    if k > 0 {
        if let Some(r) = l[k..].strip_prefix('、') {
            return r.trim_start();
        }
    }
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(inner) = l.strip_prefix(open) {
            let k = cn_number_len(inner).max(arabic_len(inner));
            if k > 0 {
                if let Some(r) = inner[k..].strip_prefix(close) {
                    return r.trim_start();
                }
            }
        }
    }
    let k = arabic_len(l);
    if k > 0 {
        for sep in ["、", ".", "．"] {
            if let Some(r) = l[k..].strip_prefix(sep) {
                return r.trim_start();
            }
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks() {
        for (l, r) in [
            ("案例三：和写字楼错峰共用车位", Some(Rank::Case)),
            ("【案例3】加装电梯", Some(Rank::Case)),
            ("典型案例一 红色物业", Some(Rank::Case)),
            ("第一部分 停车治理", Some(Rank::Part)),
            ("一、基本情况", Some(Rank::Chinese)),
            ("（二）主要做法", Some(Rank::ParenChinese)),
            ("(三)成效", Some(Rank::ParenChinese)),
            ("1.建立议事会", Some(Rank::Arabic)),
            ("2、摸清底数", Some(Rank::Arabic)),
            ("（1）先摸底", Some(Rank::ParenArabic)),
            ("1.5万元用于补偿", None),
            ("社区党委召开居民议事会。会上大家发言踊跃。", None),
            ("一、摸底。社区党委逐户走访，了解需求；", None),
            ("案例研究表明", None),
            ("2021年，社区开始试点", None),
        ] {
            assert_eq!(heading_rank(l), r, "{l}");
        }
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(
            strip_numbering("案例三：和写字楼错峰共用车位"),
            "和写字楼错峰共用车位"
        );
        assert_eq!(strip_numbering("【案例3】加装电梯"), "加装电梯");
        assert_eq!(strip_numbering("一、基本情况"), "基本情况");
        assert_eq!(strip_numbering("（二）主要做法"), "主要做法");
        assert_eq!(strip_numbering("第一部分 停车治理"), "停车治理");
        assert_eq!(strip_numbering("停车治理"), "停车治理");
    }
}
