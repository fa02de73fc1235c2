"""Build dbt_project/seeds/admin_divisions.csv and county_divisions.csv (GB/T 2260 divisions).

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca && unzip -q /tmp/cpca/cpca-0.5.5-py3-none-any.whl -d /tmp/cpca/x
    .venv/bin/python scripts/build_division_seeds.py /tmp/cpca/x/cpca/resources dbt_project/seeds

The codes and names are the National Bureau of Statistics' 2020 list as shipped in the PyPI package
cpca 0.5.5 (resources/adcodes.csv and 56_nations.csv; © 2018 QinYuan Du, MIT licence). English
names: the official names of the provincial-level divisions (below), pinyin (pypinyin, a dev
dependency) for prefectures and counties, with the type in English. The product reads only the
CSVs; neither cpca nor pypinyin is needed to run it.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from pypinyin import lazy_pinyin

PROVINCES_EN = {
    "北京市": "Beijing", "天津市": "Tianjin", "河北省": "Hebei", "山西省": "Shanxi", "内蒙古自治区": "Inner Mongolia",
    "辽宁省": "Liaoning", "吉林省": "Jilin", "黑龙江省": "Heilongjiang", "上海市": "Shanghai", "江苏省": "Jiangsu",
    "浙江省": "Zhejiang", "安徽省": "Anhui", "福建省": "Fujian", "江西省": "Jiangxi", "山东省": "Shandong",
    "河南省": "Henan", "湖北省": "Hubei", "湖南省": "Hunan", "广东省": "Guangdong", "广西壮族自治区": "Guangxi",
    "海南省": "Hainan", "重庆市": "Chongqing", "四川省": "Sichuan", "贵州省": "Guizhou", "云南省": "Yunnan",
    "西藏自治区": "Tibet", "陕西省": "Shaanxi", "甘肃省": "Gansu", "青海省": "Qinghai", "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang", "台湾省": "Taiwan", "香港特别行政区": "Hong Kong", "澳门特别行政区": "Macao",
}
# How the English name of an agency of each kind of division reads: "Guangdong Provincial …".
PROVINCE_ADJECTIVE = {"省": "Provincial", "自治区": "Autonomous Region", "市": "Municipal", "特别行政区": "SAR"}
TYPE_EN = {"市": "City", "自治州": "Autonomous Prefecture", "地区": "Prefecture", "盟": "League",
           "区": "District", "县": "County", "旗": "Banner", "自治县": "Autonomous County", "自治旗": "Autonomous Banner",
           "林区": "Forestry District", "特区": "Special District", "新区": "New District"}
PREFECTURE_ADJECTIVE = {"市": "Municipal", "自治州": "Prefecture", "地区": "Prefecture", "盟": "League"}
COUNTY_ADJECTIVE = {"区": "District", "县": "County", "市": "Municipal", "旗": "Banner", "自治县": "County",
                    "自治旗": "Banner", "林区": "Forestry District", "特区": "Special District", "新区": "New District"}


def pinyin(name: str) -> str:
    return "".join(lazy_pinyin(name)).capitalize()


def short(name: str, ethnic_re: re.Pattern[str]) -> str:
    for suffix in ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                while (m := ethnic_re.search(stem)) and m.start() >= 2:
                    stem = stem[: m.start()]
            return stem
    return name


def kind(name: str) -> str:
    return next((s for s in ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟") if name.endswith(s)), "")


def main(resources: Path, seeds: Path) -> None:
    nations = [line.strip() for line in (resources / "56_nations.csv").open(encoding="utf-8") if line.strip()]
    ethnic = sorted({n[:-1] if n.endswith("族") else n for n in nations} - {"汉"}, key=len, reverse=True)
    ethnic_re = re.compile("(?:" + "|".join(ethnic) + ")族?$")
    names = {r["adcode"][:6]: r["name"] for r in csv.DictReader((resources / "adcodes.csv").open(encoding="utf-8"))}
    provinces = {code[:2]: name for code, name in names.items() if code.endswith("0000")}

    rows = []
    for code, name in sorted(names.items()):
        if code.endswith("0000"):
            k = kind(name)
            rows.append((code, name, short(name, ethnic_re), k, "province", code, name,
                         PROVINCES_EN[name], PROVINCE_ADJECTIVE.get(k, "Provincial")))
        elif code.endswith("00") and name not in ("市辖区", "县") and "直辖县级" not in name:
            k = kind(name)
            s = short(name, ethnic_re)
            en = f"{pinyin(s)}" if k == "市" else f"{pinyin(s)} {TYPE_EN.get(k, '')}".strip()
            rows.append((code, name, s, k, "prefecture", code[:2] + "0000", provinces[code[:2]], en,
                         PREFECTURE_ADJECTIVE.get(k, "Municipal")))
    with (seeds / "admin_divisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "short_name", "kind", "level", "province_code", "province", "name_en", "adjective_en"])
        w.writerows(rows)

    suffixes = ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗")
    counties = []
    for code, name in sorted(names.items()):
        if code.endswith("00") or name == "市辖区":
            continue
        province = provinces[code[:2]]
        prefecture = names.get(code[:4] + "00", "")
        if prefecture in ("市辖区", "县") or "直辖县级" in prefecture:
            prefecture = province if province.endswith("市") else ""
        k = next((s for s in suffixes if name.endswith(s)), "")
        s = name[: -len(k)] if k and len(name) - len(k) >= 2 else name
        en = f"{pinyin(s)} {TYPE_EN.get(k, '')}".strip() if k != "市" else pinyin(s)
        counties.append((code, name, s, k, prefecture, province, en, COUNTY_ADJECTIVE.get(k, "County")))
    with (seeds / "county_divisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "short_name", "kind", "prefecture", "province", "name_en", "adjective_en"])
        w.writerows(counties)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
