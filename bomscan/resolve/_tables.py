"""Hand-curated word tables for the resolver's normaliser.

Kept small and explicit on purpose: every entry changes which vendor names collide, so each
list says why it exists. Generic-word synonym classes are a compact subset of rigour's
``symbols.yml`` (opensanctions/rigour @8f4044dd, MIT licence, (c) OpenSanctions Datenbanken
GmbH), restricted to words that appear in electronics/telecom supplier names. Legal forms live
in the generated ``_legal_forms.py``.
"""

from __future__ import annotations

# Words that join name parts. Kept in the normalised form (so "Bank of China" keeps its
# "of" and a trailing country after "of" is not mistaken for a branch qualifier) but given
# zero weight when scoring.
CONNECTORS = frozenset(
    "the and of for de du des del della di da do dos das la le les el y et und in".split()
)

# Legal forms we always recognise, in addition to rigour's table (these are the ones vendor
# ledgers use most; rigour spells some only with dots, which our tokeniser already merges).
EXTRA_LEGAL_FORMS = {
    "co": "Co",
    "company": "Co",
    "corp": "Corp",
    "corporation": "Corp",
    "incorporated": "Inc",
    "inc": "Inc",
    "ltd": "Ltd",
    "limited": "Ltd",
    "co ltd": "CoLtd",
    "company limited": "CoLtd",
    "corp ltd": "CoLtd",
    "corporation limited": "CoLtd",
    "llc": "LLC",
    "plc": "PLC",
    "gmbh": "GmbH",
    "ag": "AG",
    "sa": "SA",
    "spa": "SpA",
    "srl": "SRL",
    "sarl": "SARL",
    "sas": "SAS",
    "bv": "BV",
    "nv": "NV",
    "ab": "AB",
    "as": "AS",
    "oy": "Oy",
    "oyj": "Oyj",
    "kk": "KK",
    "pte": "Pte",
    "pte ltd": "PteLtd",
    "pty": "Pty",
    "pty ltd": "PtyLtd",
    "pvt": "Pvt",
    "pvt ltd": "PvtLtd",
    "private limited": "PvtLtd",
    "sdn bhd": "SdnBhd",
    "bhd": "Bhd",
    "llp": "LLP",
    "lp": "LP",
    "jsc": "JSC",
    "ojsc": "OJSC",
    "pjsc": "PJSC",
    "cjsc": "CJSC",
    "oao": "OAO",
    "zao": "ZAO",
    "ooo": "OOO",
    "pt": "PT",
    "tbk": "Tbk",
    "kg": "KG",
    "gmbh and co kg": "GmbHCoKG",
    "sa de cv": "SAdeCV",
    "sp z oo": "SpZoo",
    "se": "SE",
    "na": "NA",
    "bvba": "BVBA",
    # Chinese / Japanese forms (also handled as suffixes inside Han runs)
    "股份有限公司": "JSC",
    "有限责任公司": "LLC",
    "有限責任公司": "LLC",
    "有限公司": "Ltd",
    "股份公司": "JSC",
    "公司": "Co",
    "株式会社": "KK",
}

# Han-script legal-form suffixes, longest first (peeled off the end of a Han run).
HAN_LEGAL_SUFFIXES = (
    "集团股份有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "总公司",
    "分公司",
    "公司",
    "有限",
    "股份",
    "株式会社",
)

# Generic words: canonical form -> variants. These never carry a match on their own (a name
# made only of them keeps them as its distinctive content, see normalise.py). Variants include
# Chinese forms so a Chinese name's "技术" lines up with an English alias's "technology".
GENERIC_CLASSES: dict[str, tuple[str, ...]] = {
    "technology": (
        "technology",
        "technologies",
        "tech",
        "tec",
        "techn",
        "technical",
        "technological",
        "technologie",
        "tecnologia",
        "tecnologias",
        "technik",
        "teknologi",
        "teknoloji",
        "技术",
        "科技",
        "技術",
    ),
    "digital": ("digital", "digitale", "数字", "數字", "数码"),
    "electronics": (
        "electronics",
        "electronic",
        "elec",
        "electronica",
        "elektronik",
        "elektronisch",
        "elettronica",
        "电子",
        "電子",
    ),
    "electric": ("electric", "electrical", "电气", "電氣"),
    "microelectronics": ("microelectronics", "microelectronic", "微电子"),
    "optoelectronics": ("optoelectronics", "optoelectronic", "光电"),
    "communications": (
        "communications",
        "communication",
        "comms",
        "comm",
        "telecommunications",
        "telecommunication",
        "telecom",
        "telecoms",
        "通信",
        "通讯",
        "通訊",
    ),
    "information": ("information", "info", "informatics", "informatica", "信息", "資訊"),
    "network": ("network", "networks", "networking", "netzwerk", "网络", "網絡"),
    "systems": ("systems", "system", "sistemas", "sistema", "systeme", "系统", "系統"),
    "solutions": ("solutions", "solution", "soluciones", "solusi"),
    "group": ("group", "groupe", "grupo", "gruppe", "gruppo", "grp", "集团", "集團"),
    "international": (
        "international",
        "intl",
        "internacional",
        "internationale",
        "internazionale",
        "国际",
        "國際",
    ),
    "industrial": (
        "industrial",
        "industries",
        "industry",
        "industria",
        "industrie",
        "实业",
        "工业",
    ),
    "holdings": ("holdings", "holding", "控股"),
    "global": ("global", "worldwide"),
    "science": ("science", "sciences", "scientific", "科学"),
    "intelligent": ("intelligent", "intelligence", "smart", "智能", "智慧"),
    "software": ("software", "软件", "軟件"),
    "devices": ("devices", "device", "设备", "設備", "equipment", "终端"),
    "semiconductor": ("semiconductor", "semiconductors", "semi", "半导体"),
    "products": ("products", "product", "produkte", "productos"),
    "services": ("services", "service", "servicios", "服务"),
    "trading": ("trading", "trade", "impex", "贸易"),
    "manufacturing": ("manufacturing", "mfg", "manufacturer", "制造"),
    "enterprises": ("enterprises", "enterprise", "企业"),
    "development": ("development", "dev", "发展"),
    "engineering": ("engineering", "engineers", "工程"),
    "security": ("security", "安防"),
    "power": ("power",),
    "components": ("components", "component", "元件", "器件"),
    "instruments": ("instruments", "instrument", "仪器"),
    "innovation": ("innovation", "innovations", "innovative", "创新"),
    "research": ("research", "研究"),
    "laboratories": ("laboratories", "laboratory", "labs", "lab"),
    "automation": ("automation",),
    "precision": ("precision",),
    "cloud": ("cloud", "云"),
    "computer": ("computer", "computers", "computing"),
    "media": ("media",),
    "america": (),
}
GENERIC_CLASSES.pop("america")

# Generic words so common in company names that a name adding one says little ("HiSilicon
# Technologies" is HiSilicon). Other generic words name a line of business, and a name adding
# one the alias lacks ("Dahua *Electronics*") is weaker evidence; see score.py.
UBIQUITOUS_GENERIC = frozenset(
    "technology group holdings international global science development industrial "
    "enterprises innovation".split()
)

# Han-script generic suffixes, longest first (peeled off the end of a Han run).
HAN_GENERIC_SUFFIXES = tuple(
    sorted(
        {v for vs in GENERIC_CLASSES.values() for v in vs if not v.isascii() and len(v) >= 2},
        key=len,
        reverse=True,
    )
)

# Chinese registration places (provinces and large cities). Chinese company names usually begin
# with the place of registration ("Hangzhou Hikvision", "浙江大华"), which says nothing about
# identity, so these are dropped wherever they qualify a name and never count as a conflict.
CN_PLACES_LATIN = (
    "hangzhou zhejiang shenzhen beijing shanghai xiamen hefei anhui guangdong guangzhou jiangsu "
    "nanjing suzhou wuhan hubei chengdu sichuan chongqing tianjin fujian fuzhou shandong qingdao "
    "jinan dongguan ningbo wuxi xian shaanxi hunan changsha henan zhengzhou hebei shijiazhuang "
    "liaoning shenyang dalian jilin changchun heilongjiang harbin yunnan kunming guangxi nanning "
    "guizhou guiyang jiangxi nanchang shanxi taiyuan hainan haikou xinjiang urumqi ningxia qinghai "
    "gansu lanzhou zhuhai foshan huizhou zhongshan binjiang pudong haidian changzhou nantong "
    "xuzhou yantai weifang wenzhou jinhua shaoxing taizhou jiaxing huzhou quanzhou"
).split() + ["inner mongolia", "xi an"]

CN_PLACES_HAN = tuple(
    sorted(
        (
            "杭州 浙江 深圳 北京 上海 厦门 合肥 安徽 广东 广州 江苏 南京 苏州 武汉 湖北 成都 四川 重庆 "
            "天津 福建 福州 山东 青岛 济南 东莞 宁波 无锡 西安 陕西 湖南 长沙 河南 郑州 河北 石家庄 辽宁 "
            "沈阳 大连 吉林 长春 黑龙江 哈尔滨 云南 昆明 广西 南宁 贵州 贵阳 江西 南昌 山西 太原 海南 海口 "
            "新疆 宁夏 青海 甘肃 兰州 珠海 佛山 惠州 中山 常州 温州 金华 绍兴 嘉兴 湖州 泉州 內蒙古 内蒙古"
        ).split(),
        key=len,
        reverse=True,
    )
)

# Branch / market qualifiers: countries and regions. Dropped when they qualify a name
# (in parentheses, or trailing after the distinctive part) but remembered: two names whose
# qualifiers are both present and disjoint ("(Hong Kong)" vs "(Singapore)") are penalised.
# Not dropped after a connector ("Bank of China") or at the start ("China Mobile").
REGIONS = (
    "usa|us|united states|united states of america|america|north america|latin america|"
    "south america|americas|canada|mexico|méxico|brazil|brasil|argentina|chile|colombia|peru|"
    "uk|united kingdom|great britain|britain|england|scotland|ireland|europe|eu|emea|"
    "germany|deutschland|france|italy|italia|spain|espana|portugal|netherlands|nederland|holland|"
    "belgium|belgie|luxembourg|switzerland|schweiz|suisse|austria|osterreich|sweden|sverige|"
    "norway|norge|denmark|danmark|finland|suomi|iceland|poland|polska|czech|czech republic|"
    "slovakia|hungary|romania|bulgaria|greece|turkey|turkiye|russia|ukraine|kazakhstan|"
    "middle east|uae|dubai|saudi arabia|qatar|israel|egypt|morocco|south africa|nigeria|kenya|"
    "africa|india|pakistan|bangladesh|sri lanka|asia|asia pacific|apac|japan|korea|south korea|"
    "taiwan|hong kong|hk|macau|macao|china|prc|singapore|malaysia|indonesia|thailand|vietnam|"
    "philippines|australia|new zealand|chad|oceania|nordic|nordics|benelux|iberia|"
    "香港|澳门|台湾|中国|美国|欧洲|日本|新加坡|英国|德国"
).split("|")

# Roman numerals treated as series markers (numbers), not as name content.
ROMAN = frozenset("ii iii iv vi vii viii ix xi xii xiii xiv xv xvi xvii xviii xix xx".split())
ROMAN_SINGLE = frozenset({"i", "v", "x"})

# Spellings of the same region, so "U.S." and "United States" (or "(HK)" and "Hong Kong") agree.
REGION_SYNONYMS = {
    "us": "usa",
    "united states": "usa",
    "united states of america": "usa",
    "america": "usa",
    "united kingdom": "uk",
    "great britain": "uk",
    "britain": "uk",
    "hk": "hong kong",
    "香港": "hong kong",
    "macao": "macau",
    "澳门": "macau",
    "deutschland": "germany",
    "德国": "germany",
    "nederland": "netherlands",
    "holland": "netherlands",
    "schweiz": "switzerland",
    "suisse": "switzerland",
    "sverige": "sweden",
    "norge": "norway",
    "danmark": "denmark",
    "suomi": "finland",
    "italia": "italy",
    "espana": "spain",
    "brasil": "brazil",
    "polska": "poland",
    "osterreich": "austria",
    "belgie": "belgium",
    "turkiye": "turkey",
    "prc": "china",
    "中国": "china",
    "美国": "usa",
    "欧洲": "europe",
    "日本": "japan",
    "新加坡": "singapore",
    "英国": "uk",
    "台湾": "taiwan",
    "eu": "europe",
    "apac": "asia pacific",
    "nordics": "nordic",
}

# Number words, so "Brigade Forty-Four" = "Brigade 44" and "1st" = "First".
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
