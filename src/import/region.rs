//! The region (`省/市/区`) an article is about, from the places it names: a gazetteer of
//! provinces, cities and districts (`data/gazetteer/divisions.tsv`, the National Bureau of
//! Statistics' division codes; source in the folder's README) matched by full name, and by
//! short name for provinces and cities (`湖北`, `武汉`). A district named in several cities
//! (`朝阳区`, `鼓楼区`) counts only where its city or province is named too. Places in the
//! title count three times, in the lead twice.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

const DATA: &str = include_str!("../../data/gazetteer/divisions.tsv");

/// Placeholder city entries of the code scheme (a municipality's or province's own districts).
const PLACEHOLDERS: &[&str] = &[
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

struct Place {
    code: String,
    name: String,
}

struct Gazetteer {
    places: Vec<Place>,
    by_code: HashMap<String, usize>,
    /// Pattern i names the places `names[i]` (a name several places share names them all).
    names: Vec<Vec<usize>>,
    /// `None` only if the compiled-in list could not be built into a matcher.
    ac: Option<AhoCorasick>,
    /// How many places share each district name.
    homonyms: HashMap<String, usize>,
}

fn short_forms(name: &str, level: usize) -> Vec<String> {
    let mut out = Vec::new();
    match level {
        2 => {
            for suffix in [
                "壮族自治区",
                "回族自治区",
                "维吾尔自治区",
                "自治区",
                "特别行政区",
                "省",
                "市",
            ] {
                if let Some(s) = name.strip_suffix(suffix) {
                    if s.chars().count() >= 2 {
                        out.push(s.to_string());
                    }
                    break;
                }
            }
        }
        4 => {
            if let Some(s) = name.strip_suffix('市') {
                if s.chars().count() >= 2 {
                    out.push(s.to_string());
                }
            }
        }
        _ => {
            // "观山湖区" → "观山湖"; two-character stems ("城北") are too common to trust.
            for suffix in ["新区", "区", "县"] {
                if let Some(s) = name.strip_suffix(suffix) {
                    if s.chars().count() >= 3 {
                        out.push(s.to_string());
                    }
                    break;
                }
            }
        }
    }
    out
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let mut places = Vec::new();
        for line in DATA.lines() {
            if line.starts_with('#') {
                continue;
            }
            if let Some((code, name)) = line.split_once('\t') {
                places.push(Place {
                    code: code.trim().to_string(),
                    name: name.trim().to_string(),
                });
            }
        }
        let by_code = places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        let mut patterns: Vec<String> = Vec::new();
        let mut names: Vec<Vec<usize>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut homonyms: HashMap<String, usize> = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            if PLACEHOLDERS.contains(&p.name.as_str()) {
                continue;
            }
            *homonyms.entry(p.name.clone()).or_default() += 1;
            for n in std::iter::once(p.name.clone()).chain(short_forms(&p.name, p.code.len())) {
                let k = *index.entry(n.clone()).or_insert_with(|| {
                    patterns.push(n);
                    names.push(Vec::new());
                    names.len() - 1
                });
                if !names[k].contains(&i) {
                    names[k].push(i);
                }
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Gazetteer {
            places,
            by_code,
            names,
            ac,
            homonyms,
        }
    })
}

/// The region of an article: `title`, `lead` and `body` texts, and `extra` (the outlet and the
/// lines under the headline), which only counts half.
pub fn find(title: &str, lead: &str, body: &str, extra: &str) -> Option<String> {
    let g = gazetteer();
    let ac = g.ac.as_ref()?;
    // Weighted mentions per place.
    let mut weight: HashMap<usize, f64> = HashMap::new();
    for (text, w) in [(title, 3.0), (lead, 2.0), (body, 1.0), (extra, 0.5)] {
        for m in ac.find_iter(text) {
            for &i in &g.names[m.pattern().as_usize()] {
                *weight.entry(i).or_default() += w;
            }
        }
    }
    let code = |i: usize| g.places[i].code.as_str();
    let named = |weight: &HashMap<usize, f64>, c: &str| {
        g.by_code
            .get(c)
            .and_then(|i| weight.get(i))
            .copied()
            .unwrap_or(0.0)
    };
    // A district sharing its name with others counts only where its city or province is named.
    let ambiguous: Vec<usize> = weight
        .keys()
        .copied()
        .filter(|&i| {
            let c = code(i);
            c.len() == 6
                && g.homonyms.get(&g.places[i].name).copied().unwrap_or(0) > 1
                && named(&weight, &c[..2]) == 0.0
                && named(&weight, &c[..4]) == 0.0
        })
        .collect();
    for i in ambiguous {
        weight.remove(&i);
    }
    let own = |c: &str| named(&weight, c);
    if weight.is_empty() {
        return None;
    }
    // Walk down: the province with the most mentions in it, then its city, then a district
    // named at least half as often as its city.
    let subtree = |prefix: &str| -> f64 {
        weight
            .iter()
            .filter(|(&i, _)| code(i).starts_with(prefix))
            .map(|(_, w)| w)
            .sum()
    };
    let best_under = |prefix: &str, len: usize| -> Option<String> {
        let mut kids: Vec<String> = weight
            .keys()
            .map(|&i| code(i))
            .filter(|c| c.len() >= len && c.starts_with(prefix))
            .map(|c| c[..len].to_string())
            .collect();
        kids.sort();
        kids.dedup();
        kids.into_iter()
            .map(|k| (subtree(&k), k))
            .filter(|(s, _)| *s > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, k)| k)
    };
    let prov = best_under("", 2)?;
    let mut chain = vec![prov.clone()];
    if let Some(city) = best_under(&prov, 4) {
        chain.push(city.clone());
        if let Some(d) = best_under(&city, 6) {
            if own(&d) * 2.0 >= own(&city) {
                chain.push(d);
            }
        }
    }
    let parts: Vec<String> = chain
        .iter()
        .filter_map(|c| g.by_code.get(c))
        .map(|&i| g.places[i].name.clone())
        .filter(|n| !PLACEHOLDERS.contains(&n.as_str()))
        .collect();
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_from_the_places_named() {
        let f = |t, l, b, e| find(t, l, b, e);
        assert_eq!(
            f(
                "观山湖区社区治理学校开班",
                "贵阳市观山湖区区委党校……",
                "",
                ""
            )
            .as_deref(),
            Some("贵州省/贵阳市/观山湖区")
        );
        assert_eq!(
            f("社区微课堂", "西宁市城北区31个社区", "", "").as_deref(),
            Some("青海省/西宁市/城北区")
        );
        assert_eq!(
            f("海淀区书记工作室", "北京市海淀区", "", "").as_deref(),
            Some("北京市/海淀区")
        );
        // 朝阳区 alone is ambiguous (Beijing, Changchun): the city decides.
        assert_eq!(
            f("", "长春市朝阳区某社区", "", "").as_deref(),
            Some("吉林省/长春市/朝阳区")
        );
        assert_eq!(f("朝阳区议事会", "", "", ""), None);
        assert_eq!(
            f("宝山区实训课堂", "", "", "来源：上海基层党建").as_deref(),
            Some("上海市/宝山区")
        );
        // A district named once in passing does not narrow an article about its city.
        assert_eq!(
            f(
                "武汉市社区书记提能计划",
                "在武汉社区学院，江汉区一位书记……",
                "武汉市1531名书记",
                ""
            )
            .as_deref(),
            Some("湖北省/武汉市")
        );
        assert_eq!(f("停车难", "小区车位少", "", ""), None);
    }
}
