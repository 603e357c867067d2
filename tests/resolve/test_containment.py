"""Names that contain a listed name (subsidiaries with a place, a legal form or a line of
business; pinyin legal names; Traditional characters), and the traps that must stay clear of
findings, as a compliance user meets them in a supplier master."""

from __future__ import annotations

import pytest

from bomscan.resolve import DEFAULT_THRESHOLD, REVIEW_THRESHOLD, AliasRecord, Resolver
from bomscan.resolve.gate import NameGate
from bomscan.rules import load_rulesets, shipped_rules_dir

ALIASES = [
    AliasRecord("hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd."),
    AliasRecord("hikvision", "杭州海康威视数字技术股份有限公司"),
    AliasRecord("huawei", "Huawei Technologies Co., Ltd."),
    AliasRecord("huawei", "华为技术有限公司"),
    AliasRecord("zte", "ZTE Corporation"),
    AliasRecord("kaspersky", "Kaspersky Lab"),
    AliasRecord("dahua", "Zhejiang Dahua Technology Co., Ltd."),
    AliasRecord("dahua", "浙江大华技术股份有限公司"),
    AliasRecord("dahua", "Dahua", weak=True),
    AliasRecord("pacific", "Pacific Industrial Holdings Ltd"),
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(ALIASES)


@pytest.fixture(scope="module")
def shipped() -> Resolver:
    return Resolver(load_rulesets([shipped_rules_dir()]).alias_records())


def match(r: Resolver, name: str):
    return r.match(name, min_score=REVIEW_THRESHOLD)


@pytest.mark.parametrize(
    ("name", "entity", "adds"),
    [
        ("Huawei Technologies Düsseldorf GmbH", "huawei", "place 'dusseldorf'"),
        ("Huawei Software Technologies Co., Ltd.", "huawei", "only legal forms"),
        ("Huawei Device Co., Ltd.", "huawei", "only legal forms"),
        ("Guangdong Huawei Zhongchuang Technology Co., Ltd.", "huawei", "'zhongchuang'"),
        ("Huawei Technologies Coöperatief U.A.", "huawei", "other words"),
        ("Hikvision Europe Logistics B.V.", "hikvision", ""),
        ("ZTE Kangxun Telecom Co., Ltd.", "zte", "'kangxun'"),
        ("华为终端有限公司", "huawei", ""),
    ],
)
def test_a_name_holding_a_specific_listed_name_is_a_finding(resolver, name, entity, adds):
    m = match(resolver, name)
    assert m is not None and m.entity_id == entity
    assert m.score >= DEFAULT_THRESHOLD, m.reason
    assert adds in m.reason


@pytest.mark.parametrize(
    "name",
    [
        "Dahua Hotel Shanghai",  # an ordinary name (the rules call "Dahua" weak) plus a word
        "Zhejiang Dahua Vision Co., Ltd.",
        "Pacific Plumbing Supplies Inc",  # English words only
        "Hua Wei Plastics Co Ltd",  # two syllables pieced together, not the coined name
        "Kaspersky Street Bakery",  # names a street
        "大华银行",  # United Overseas Bank: 大华 cut from a longer Han word
    ],
)
def test_an_ordinary_or_pieced_name_with_other_words_is_only_for_review(resolver, name):
    m = match(resolver, name)
    assert m is not None, "listed for review, with its reason"
    assert REVIEW_THRESHOLD <= m.score < DEFAULT_THRESHOLD, m.reason


def test_an_ordinary_name_with_only_qualifiers_is_a_finding(resolver):
    m = match(resolver, "Dahua Technology Düsseldorf GmbH")
    assert m.entity_id == "dahua" and m.score >= DEFAULT_THRESHOLD
    assert "place 'dusseldorf'" in m.reason


def test_a_three_letter_name_counts_only_at_the_start(resolver):
    assert match(resolver, "ZTE Kangxun Telecom").score >= DEFAULT_THRESHOLD
    m = match(resolver, "Smartphone ZTE Repairs Ltd")
    assert m is None or m.score < DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi", "hikvision"),
        ("HUAWEI JISHU YOUXIAN GONGSI", "huawei"),
        ("華為技術有限公司", "huawei"),  # Traditional characters
        ("杭州海康威視數字技術股份有限公司", "hikvision"),
    ],
)
def test_pinyin_and_traditional_names_meet_the_chinese_alias(resolver, name, entity):
    m = match(resolver, name)
    assert m is not None and m.entity_id == entity and m.score >= DEFAULT_THRESHOLD, m


def test_a_pinyin_match_shows_the_chinese_it_spells(resolver):
    m = match(resolver, "Haikang Weishi Shuzi Jishu Youxian Gongsi")
    assert "杭州海康威视数字技术股份有限公司" in m.alias and "pinyin" in m.alias


@pytest.mark.parametrize(
    "name",
    [
        "DAHUA ELECTRONICS CORPORATION",  # Flushing, NY; on the Denied Persons List
        "大华银行",  # United Overseas Bank
        "Sensata Technologies",
        "Hikari Trading Co., Ltd.",
        "Pico Technology",
    ],
)
def test_traps_are_never_findings(shipped, name):
    m = match(shipped, name)
    assert m is None or m.score < DEFAULT_THRESHOLD, m.reason


@pytest.mark.parametrize(
    "name",
    [
        "SENSE",  # a charity, against SenseTime ("Sense Time")
        "Talent Investment Ltd",  # against Huawei Investment & Holding: a generic word
        "MOBILE MINI, INC",  # against China Mobile International: an ordinary word
    ],
)
def test_real_ledger_lookalikes_are_not_even_possible_matches(shipped, name):
    assert match(shipped, name) is None


def test_the_name_gate_lets_every_containing_name_through(resolver):
    gate = NameGate(resolver)
    names = ["Huawei Technologies Düsseldorf GmbH", "Dahua Hotel Shanghai", "ZTE Kangxun"]
    assert all(gate.passes(n) for n in names)


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("Huawei Technologies Düsseldorf GmbH", "huawei"),
        ("Hikvision Technology Italy S.r.l.", "hikvision"),
        ("ZTE Kangxun Telecom Co., Ltd.", "zte"),
    ],
)
def test_shipped_rules_find_subsidiaries_that_carry_the_name(shipped, name, entity):
    """The shipped rules keep coined names specific (no weak alias makes 'Huawei' an
    ordinary word), so a subsidiary with a place or a line of business is a finding."""
    m = match(shipped, name)
    assert m is not None and m.score >= DEFAULT_THRESHOLD, m
    assert m.entity_id == entity or entity in m.reason or m.entity_id.startswith(entity)


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("HuaweiTe", "huawei"),  # a registry's short name: the name, then "Te(chnologies)"
        ("HikvisionCo", "hikvision"),
        ("ZTE Corp KangxunTec", "zte"),
    ],
)
def test_a_listed_name_run_together_with_a_word_cut_short_is_found(resolver, name, entity):
    m = match(resolver, name)
    assert m is not None and m.entity_id == entity and m.score >= DEFAULT_THRESHOLD, m
    assert NameGate(resolver).passes(name)  # the gate lets it through, as the resolver finds it


@pytest.mark.parametrize("name", ["Huaweiland Tours", "Kasperskyxyzzy Ltd"])
def test_a_word_that_only_starts_like_a_listed_name_is_not_cut(resolver, name):
    m = match(resolver, name)
    assert m is None or m.score < DEFAULT_THRESHOLD, m.reason


def test_a_chinese_name_holding_a_coined_two_character_name_is_a_finding(shipped):
    """华为 is 'Huawei', which the rules list on its own: inside a longer Han word it is
    that name; 大华 (a weak 'Dahua') stays two characters that happen to meet."""
    m = match(shipped, "华为云计算技术有限公司")
    assert m is not None and m.entity_id == "huawei" and m.score >= DEFAULT_THRESHOLD, m
    m = match(shipped, "大华银行")
    assert m is None or m.score < DEFAULT_THRESHOLD


def test_a_pinyin_spelling_the_rules_never_write_is_ordinary(shipped):
    """ "Guotou" spells 国投 (SDIC Intelligence's short name), and many Chinese companies
    besides: a name holding it with other words is for review, not a finding."""
    m = match(shipped, "Guotou Ruixin Logistics Co., Ltd.")
    assert m is None or m.score < DEFAULT_THRESHOLD, m.reason


def test_a_coined_name_also_written_as_two_words_stays_specific(shipped):
    """ "Sense Time" is SenseTime written apart, so "sensetime" is not two ordinary words."""
    m = match(shipped, "SenseTime Research")
    assert m.entity_id == "sensetime" and m.score >= DEFAULT_THRESHOLD, m.reason
    assert match(shipped, "SENSE") is None


def test_a_russian_name_of_kaspersky_and_its_look_alike(shipped):
    assert match(shipped, "АО «Лаборатория Касперского»").score == 1.0
    # an unrelated НПО of the same name (Moscow arbitration court, 2016-2017): review only
    m = match(shipped, 'АО «Научно-Производственное Объединение "Лаборатория Касперского"»')
    assert m is not None and m.entity_id == "kaspersky-ao" and m.score < DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("乌鲁木齐市公安局交通警察支队", "xuar-urumqi-psb"),  # a detachment of a listed bureau
        ("新疆维吾尔自治区公安厅", "xuar-psb"),
        ("Xinjiang Public Security Bureau", "xuar-psb"),
    ],
)
def test_xinjiang_bureaus_by_their_chinese_and_treasury_names(shipped, name, entity):
    m = match(shipped, name)
    assert m is not None and m.entity_id == entity and m.score >= DEFAULT_THRESHOLD, m


def test_another_citys_public_security_bureau_is_not_a_xinjiang_one(shipped):
    m = match(shipped, "北京市公安局交通管理局")
    assert m is None or m.score < DEFAULT_THRESHOLD, m.reason


def test_a_listed_word_is_not_read_as_a_shorter_name_run_together():
    """ "Huaweinet" is Ningbo Huawei Computer & Net's core, not Huawei plus "net"."""
    r = Resolver(
        [
            AliasRecord("parent", "Huawei Technologies Co., Ltd."),
            AliasRecord("ningbo", "Ningbo Huawei Computer & Net Co., Ltd."),
        ]
    )
    assert match(r, "Acme Huaweinet").entity_id == "ningbo"


@pytest.mark.parametrize("name", ["Machineman Ltd", "Machinese", "Machineco"])
def test_an_ordinary_name_run_together_is_only_for_review(name):
    """The cut word is a word added (never a place: "man" and "se" are also cities), so an
    ordinary listed name run together with one is a possible match, not a finding."""
    r = Resolver([AliasRecord("m", "OJSC Machine Engineering Technologies")])
    m = match(r, name)
    assert m is not None and m.score < DEFAULT_THRESHOLD, m.reason
