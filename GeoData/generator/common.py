"""Constants of the sample districts and the small exact helpers every part of the generator uses:
the coordinate quantum, exact predicates, the GCJ-02/BD-09 encodings, CSV and GeoJSON text."""
import csv
import datetime
import io
import json
import math
from fractions import Fraction

# --------------------------------------------------------------------------------------
# constants
# --------------------------------------------------------------------------------------
Q = 2.0 ** -20            # coordinate quantum (degrees); every vertex is an integer multiple of Q
DX = 0.0015               # lattice spacing, longitude (deg)
DY = 0.0012               # lattice spacing, latitude (deg)
JITTER = 0.16             # max jitter as a fraction of the spacing (<= 18 %)
MIN_CELL_AREA = 10000.0   # m^2
MAX_CELL_AREA = 40000.0   # m^2
MAX_MERGED_AREA = 39000.0
SNAP_LIMIT_M = 50.0
TRUTH_TIME = "2025-06-01T10:00:00+08:00"

# WGS84
WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563

# real names/codes (民政部 2025 乡镇级区划, copied from shared/data/shanghai_townships_mca_2025.json)
DISTRICTS = {
    "baoshan": {
        "prefix": "BS", "county": "310113", "county_name": "宝山区",
        # (code_9, name, seed position as fraction of lattice x, y)
        "streets": [("310113102", "大场镇", 0.32, 0.30),
                    ("310113112", "庙行镇", 0.35, 0.80),
                    ("310113111", "高境镇", 0.80, 0.55)],
        "lon0": 121.390, "lat0": 31.272, "nx": 52, "ny": 54,
        "target_quads": 1400, "target_cells": 1200, "quads_per_community": 70,
        "squads": (2, 2),
        # (name, y1 frac, y2 frac, turn x frac)
        "rivers": [("走马塘", 0.74, 0.64, 0.42), ("西泗塘", 0.30, 0.20, 0.60)],
        "n_markets": 5, "n_property": 10, "n_orders": 5000,
        "n_intersections": 5, "n_roads": 3, "n_community_pts": 4, "n_malls": 3,
        "roads": ["沪太路", "场中路", "汶水路", "共和新路", "长江西路", "纪蕴路", "大华路",
                  "真大路", "环镇北路", "场北路", "南大路", "江杨南路", "聚丰园路", "广中西路"],
        "property_companies": ["宝祥物业", "康居物业", "华庭物业", "嘉和物业"],
    },
    "huangpu": {
        "prefix": "HP", "county": "310101", "county_name": "黄浦区",
        "streets": [("310101013", "外滩街道", 0.80, 0.60),
                    ("310101002", "南京东路街道", 0.30, 0.75),
                    ("310101018", "豫园街道", 0.45, 0.20)],
        "lon0": 121.4595, "lat0": 31.2158, "nx": 34, "ny": 32,
        "target_quads": 580, "target_cells": 500, "quads_per_community": 45,
        "squads": (2, 1),
        "rivers": [("苏州河", 0.84, 0.76, 0.55)],
        "n_markets": 3, "n_property": 7, "n_orders": 3000,
        "n_intersections": 4, "n_roads": 3, "n_community_pts": 3, "n_malls": 3,
        "roads": ["南京东路", "中山东一路", "九江路", "汉口路", "福州路", "河南中路", "四川中路",
                  "江西中路", "方浜中路", "人民路", "福佑路", "旧校场路", "广东路", "延安东路"],
        "property_companies": ["外滩物业", "申江物业", "豫华物业"],
    },
}

COMMUNITY_NAME_POOL = [
    "乐安", "康泰", "和顺", "祥和", "锦绣", "翠湖", "春晖", "文华", "明珠", "瑞丰", "嘉园", "丰泽",
    "新苑", "馨园", "怡景", "金桥", "银杏", "紫藤", "青松", "海棠", "华庭", "秀水", "清风", "景苑",
    "兴业", "宏达", "福安", "永和", "长乐", "安居", "广德", "华盛", "欣荣", "凯旋", "东升", "南苑",
    "西城", "北辰", "新华", "友谊", "复兴", "振兴", "建设", "晨光", "朝阳", "桂花", "玉兰", "香樟",
]

# category, route  (rules.csv)
RULES = [
    ("乱设摊", "market>squad"),
    ("占道经营", "market>squad"),
    ("暴露垃圾", "property>squad"),
    ("违法搭建", "squad"),
    ("道路破损", ""),
    ("井盖缺失", ""),
    ("河道漂浮物", "river"),
    ("噪声扰民", "property"),
    ("乱张贴", "squad"),
    ("共享单车乱停放", ""),
    ("绿化损坏", "property>squad"),
    ("油烟扰民", "squad"),
    ("非机动车乱停放", "property"),
    ("违规户外广告", "squad"),
    ("河岸垃圾", "river>squad"),
    ("小区公共设施损坏", "property"),
    ("积水", ""),
    ("店招店牌破损", "market>squad"),
]
RULE_MAP = dict(RULES)
UNKNOWN_CATEGORIES = ["其他", "咨询建议"]
CATEGORY_WEIGHTS = {
    "乱设摊": 9, "占道经营": 9, "暴露垃圾": 12, "违法搭建": 4, "道路破损": 6, "井盖缺失": 2,
    "河道漂浮物": 2, "噪声扰民": 6, "乱张贴": 5, "共享单车乱停放": 8, "绿化损坏": 3, "油烟扰民": 3,
    "非机动车乱停放": 7, "违规户外广告": 3, "河岸垃圾": 2, "小区公共设施损坏": 5, "积水": 2,
    "店招店牌破损": 2,
}
CHANNELS = [("12345热线", 40), ("随申办", 20), ("网格巡查", 25), ("网格员上报", 10), ("微信公众号", 5)]

CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

ORDER_HEADER = ["id", "lon", "lat", "crs", "category", "received_at", "address", "channel", "description"]
FILES = ["cells.geojson", "zones.geojson", "points.geojson", "units.csv", "rules.csv",
         "orders.csv", "truth_orders.csv", "truth_expected.csv", "events.csv"]
CST = datetime.timezone(datetime.timedelta(hours=8))
# The moment the sample's handling history stops: later changes are not recorded, so orders
# still being handled then are open (yellow within their deadline, red past it).
HISTORY_END = datetime.datetime(2025, 12, 31, 23, 59, tzinfo=CST)


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------
def snap(v):
    return round(v / Q) * Q


def is_q(v):
    return (Fraction(v) / Fraction(Q)).denominator == 1


def metric(lat):
    """metres per degree (lon, lat) on the WGS84 ellipsoid at latitude `lat`."""
    e2 = WGS84_F * (2 - WGS84_F)
    s = math.sin(math.radians(lat))
    w = 1 - e2 * s * s
    n = WGS84_A / math.sqrt(w)
    m = WGS84_A * (1 - e2) / (w * math.sqrt(w))
    return n * math.cos(math.radians(lat)) * math.pi / 180.0, m * math.pi / 180.0


def cross_exact(a, b, p):
    ax, ay = Fraction(a[0]), Fraction(a[1])
    return (Fraction(b[0]) - ax) * (Fraction(p[1]) - ay) - (Fraction(b[1]) - ay) * (Fraction(p[0]) - ax)


def on_segment_exact(p, a, b):
    if cross_exact(a, b, p) != 0:
        return False
    return (min(a[0], b[0]) <= p[0] <= max(a[0], b[0])) and (min(a[1], b[1]) <= p[1] <= max(a[1], b[1]))


def ring_area_deg(ring):
    s = 0.0
    for k in range(len(ring) - 1):
        s += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1]
    return s / 2.0


def ring_area_exact(ring):
    s = Fraction(0)
    for k in range(len(ring) - 1):
        s += Fraction(ring[k][0]) * Fraction(ring[k + 1][1]) - Fraction(ring[k + 1][0]) * Fraction(ring[k][1])
    return s / 2


def fmt_dist(d):
    return "%.3f" % d


# GCJ-02 / BD-09 (public formulas)
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0


def _out_of_china(lon, lat):
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    if _out_of_china(lon, lat):
        return lon, lat
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - GCJ_EE * magic * magic
    sm = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sm) * math.pi)
    dlon = (dlon * 180.0) / (GCJ_A / sm * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_bd09(lon, lat):
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    th = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(th) + 0.0065, z * math.sin(th) + 0.006


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def feature_collection(features):
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def runs_of(items, keep):
    """The maximal runs of consecutive `items` for which `keep(item)` holds, in order (the key
    roads of generate.py and the road lines of addresses.py)."""
    runs, cur = [], []
    for x in items:
        if keep(x):
            cur.append(x)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs

