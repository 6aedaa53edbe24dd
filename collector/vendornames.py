"""Vendor names as people write them: one canonicaliser for every vendor
claim, whatever its source ("SEIKO EPSON CORPORATION", "Hewlett-Packard
Company", "Sangfor Technologies Co.,Ltd." -> "Epson", "HP", "Sangfor").

A name is looked up, by a spelling-insensitive key, in the brand table
(``vendors.json``, built by ``lan-collector data build`` from the project's
curated names, Recog's vendor vocabulary and a curated alias table, see
:mod:`collector.refdata.vendor_build`) after each of these documented steps,
the first hit winning:

1. tidy: drop comments, parenthesised notes and URLs; "X, a Y company" is
   X; "X dba Y" is Y; a leading "The";
2. strip legal forms at the end (Inc., Corp., Co., Ltd., GmbH, AG, S.A.,
   B.V., Oy, Pty, ... repeatedly: "Co.,Ltd.");
3. strip a leading Chinese city or province ("Hangzhou Hikvision ...");
4. strip descriptor words at the end, one at a time: *strong* ones
   (Technologies, Technology, Systems, Networks, Communications, Solutions,
   Group, Holdings, Industries, International, ...) whenever what remains is
   a name, *weak* ones (Digital, Electronics, Software, Wireless, Security,
   Computer, ...) only when that leads to a known brand; the same words as
   registrants write them in other languages ("Teleindustri", "Tecnologia",
   "Sistemas"; "Elettronica", "Informatik"), and a joining word left at the
   end ("de", "e", "und") goes with them;
5. no hit: the name after steps 1-4's strong stripping, with SHOUTED names
   put in title case (short words and words with digits stay upper case:
   "ZTE", "QNAP", "H3C").

The vocabulary decides where the rules would be wrong: "Extreme Networks"
and "Palo Alto Networks" are brands in it (step 2 hits before step 4), and
"Juniper Networks" reaches "Juniper". The result is stable and idempotent
(``canonical(canonical(x)) == canonical(x)``), which the tests check on the
whole IANA enterprise table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

#: Legal forms, matched case-insensitively at the end of a name after a
#: separator (so "AB" alone, or "Co" inside "Cisco", never matches).
_LEGAL = re.compile(
    r"[\s,]+(?:inc|incorporated|corp|corporation|co|company|cos|ltd|limited|llc|l\.l\.c|plc|gmbh|mbh|ag|kg|"
    r"gmbh\s*&\s*co\.?\s*kg|&\s*co|s\.?\s?a|s\.?a\.?s|sas|s\.?p\.?a|s\.?r\.?l|srl|s\.?l|sl|b\.?v|n\.?v|a/s|"
    r"a\.?s|as|asa|oy|oyj|ab|publ|\(publ\)|pty|pvt|private|pte|sdn\.?\s*bhd|bhd|k\.?k|ltda|s\.?a\.?\s*de\s*c\.?v|"
    r"de\s*c\.?v|e\.?v|s\.?r\.?o|spol\.?\s*s\s*r\.?\s*o|sp\.?\s*z\s*o\.?\s*o|zrt|kft|sarl|s\.?a\.?r\.?l|se|ulc|"
    r"lp|llp|l\.?p|p\.?c|pc|nv|sa|spa|sro|a\.?g|d\.?o\.?o|doo|ood|eood|jsc|ojsc|cjsc|pjsc|ooo|zao|oao|"
    r"corporation\s+limited|company\s+limited|co\.?,?\s*ltd)[.,]*$", re.I)
#: Descriptors that are never the brand ("Sangfor Technologies"), longest first.
STRONG = ("information and technology", "information & technology", "information technology", "info tech",
          "science and technology", "science & technology", "network technology", "network technologies",
          "communication technology", "communications technology", "technologies", "technology",
          "systems", "networks", "network", "communications", "communication", "solutions", "group",
          "holdings", "holding", "industries", "international", "enterprises", "worldwide", "america",
          "usa", "europe", "asia",
          # the same descriptors in the other languages registrants write them in
          "tecnologia", "tecnologias", "tecnologie", "tecnología", "tecnologías", "technologie", "technologien",
          "teknologi", "sistemas", "sistemi", "systeme", "systemer", "telecomunicacoes", "telecomunicações",
          "telecomunicaciones", "telecomunicazioni", "telekommunikation", "comunicacoes", "comunicações",
          "comunicaciones", "comunicazioni", "kommunikation", "teleindustri", "industrie", "industria",
          "industrias", "soluciones", "solucoes", "soluções", "soluzioni")
#: Descriptors that may be part of a brand ("Western Digital", "Sierra
#: Wireless"): stripped only when that reaches a known brand.
WEAK = ("digital", "electronics", "electronic", "electric", "software", "wireless", "security", "computer",
        "computers", "information", "telecom", "telecommunications", "business", "labs", "laboratories",
        "research", "products", "devices", "engineering", "microsystems", "power", "ups", "video", "broadband",
        "intelligent", "smart", "manufacturing", "microelectronics", "semiconductor", "instruments", "mobile",
        "enterprise", "document", "server", "storage", "automation", "new",
        # in other languages
        "elektronik", "elektronika", "eletronica", "eletrônica", "electronica", "electrónica", "elettronica",
        "electronique", "électronique", "informatique", "informatica", "informática", "informatik", "informatika",
        "technik", "telematica", "automacao", "automação", "automatisierung", "automatizacion")
#: A name is not reduced to one of these words alone ("Digital Systems" stays).
GENERIC = frozenset((
    "advanced", "applied", "digital", "data", "global", "integrated", "national", "united", "american",
    "network", "networks", "computer", "information", "smart", "secure", "open", "first", "new", "pacific",
    "dynamic", "intelligent", "innovative", "creative", "micro", "power", "total", "universal", "standard",
    "modern", "premier", "strategic", "trusted", "western", "eastern", "northern", "southern", "central",
    "interactive", "professional", "internet", "cyber", "net", "tele", "info", "media", "energy", "business",
    "security", "cloud", "wireless", "mobile", "electronic", "electronics", "industrial", "technical",
    "software", "hardware", "enterprise", "home", "next", "general", "international", "systems", "system",
    "technology", "technologies", "communications", "communication", "solutions", "group", "telecom",
    "research", "science", "the", "and", "of", "for", "in", "e", "i", "a"))
#: Chinese cities and provinces registrants put before the brand.
PLACES = frozenset((
    "shenzhen", "beijing", "shanghai", "hangzhou", "guangzhou", "zhejiang", "jiangsu", "fujian", "xiamen",
    "nanjing", "wuhan", "chengdu", "suzhou", "dongguan", "zhuhai", "qingdao", "tianjin", "hefei", "changsha",
    "jinan", "ningbo", "foshan", "zhongshan", "guangdong", "shandong", "sichuan", "hubei", "hunan", "anhui",
    "henan", "hebei", "liaoning", "shenyang", "dalian", "harbin", "kunming", "fuzhou", "wuxi", "changzhou",
    "chongqing", "xian", "taiyuan", "nanchang", "shijiazhuang", "zhengzhou"))
#: Joining words left at the end once a descriptor goes ("Engenharia de Sistemas", "Ingegneria dei
#: Sistemi", "Werk für Elektronik"), in the languages of the descriptors above: a word of its own
#: ("O&E Technology" keeps its "E").
_JOINERS = re.compile(r"(?:[\s,&/+-]+(?:and|of|for|&)?|\s+(?:de|dei|di|del|della|da|do|dos|das|e|y|en|em|für|fur|"
                      r"und|et|der|des|du|och|og))[\s,&/+-]*$", re.I)


def key(name: str) -> str:
    """Spelling-insensitive key: case-folded words of letters and digits (any script)."""
    return " ".join(re.findall(r"[^\W_]+", name.casefold().replace("&", " and ")))


def squash(name: str) -> str:
    """A looser key without word breaks ("D-Link" = "Dlink")."""
    return key(name).replace(" ", "")


def tidy(raw: str) -> str:
    """Step 1: one line without notes, URLs, "a ... company" and leading "The"."""
    name = " ".join(str(raw).replace("\x00", " ").split())
    name = re.split(r"\s#", name)[0]
    for _ in range(3):  # "(formerly ...)", "(https://...)", nested ones
        name = re.sub(r"\s*\([^()]*\)", " ", name)
    without_urls = re.sub(r"\bhttps?://\S+|\bwww\.\S+", " ", name, flags=re.I).strip(" ,;:.-")
    # a registrant that is only a web address keeps it ("www.example.com" -> "example.com")
    name = without_urls if key(without_urls) else re.sub(r"^(?:https?://)?(?:www\.)?", "", name, flags=re.I)
    dba = re.search(r"\b(?:d/b/a|dba|t/a|trading as)\s+(.+)$", name, re.I)
    if dba:
        name = dba.group(1)
    name = re.split(r",\s+(?:a|an)\s+\S.*\bcompany\b", name, flags=re.I)[0]
    name = re.sub(r"^the\s+(?=\S+\s)", "", " ".join(name.split()), flags=re.I)
    return _trim(name)


def _trim(name: str) -> str:
    return name.strip(" \t,;:.-\"'()")


def strip_legal(name: str) -> str:
    """Step 2: legal forms at the end, repeatedly ("Co.,Ltd.")."""
    for _ in range(6):
        shorter = _LEGAL.sub("", name).strip(" ,.-")
        if shorter == name or not shorter:
            break
        name = shorter
    return name


@functools.lru_cache(maxsize=4)
def _tail(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w).replace("\\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"[\s,-](?:{alternatives})$", re.I)


def _drop_tail(name: str, words: tuple[str, ...]) -> str | None:
    m = _tail(words).search(name)
    if m is None:
        return None
    rest = _JOINERS.sub("", name[:m.start() + 1]).strip(" ,.-&")
    return rest if _is_name(rest) else None


def _is_name(text: str) -> bool:
    k = key(text)
    return bool(k) and len(k.replace(" ", "")) >= 2 and k not in GENERIC and not k.isdigit()


def _drop_place(name: str) -> str | None:
    """Step 3: leading places, all of them ("Nanjing Xian ...")."""
    out = None
    for _ in range(3):
        first, _, rest = (out or name).partition(" ")
        if first.lower() not in PLACES or not _is_name(rest):
            break
        out = rest
    return out


#: Short words that are words, not acronyms, in SHOUTED names.
_SMALL_WORDS = frozenset(("and", "of", "the", "for", "de", "la", "le", "du", "des", "der", "die", "das", "und",
                          "von", "van", "en", "et", "y", "di", "da", "do", "dos"))
_SHORT_NOUNS = frozenset(("son", "sons", "ges", "mbh", "bros", "art", "lab", "net", "web", "one", "sun", "box"))


def _unshout_word(m: re.Match[str]) -> str:
    word = m.group(0)
    if word.lower() in _SMALL_WORDS:
        return word.lower() if m.start() else word.capitalize()
    if word.lower() in _SHORT_NOUNS:
        return word.capitalize()
    # acronyms and codes stay: "ZTE", "AKCP", "H3C"
    if len(word) <= 3 or any(c.isdigit() for c in word) or not re.search(r"[AEIOUY]", word):
        return word
    return word.capitalize()


def unshout(name: str) -> str:
    """SHOUTED names in title case; acronyms and codes stay ("ZTE", "AKCP")."""
    letters = [c for c in name if c.isalpha()]
    if not letters or any(c.islower() for c in letters) or len(letters) < 5:
        return name
    return re.sub(r"[A-Z][A-Z0-9']*", _unshout_word, name)


class VendorNames:
    """The brand table and the canonicaliser over it."""

    def __init__(self, brands: Iterable[str] = (), aliases: dict[str, str] | None = None) -> None:
        self.table: dict[str, str] = {}
        self.loose: dict[str, str | None] = {}
        for brand in brands:
            self.add(brand, brand)
        for alias, brand in (aliases or {}).items():
            self.add(alias, brand, replace=True)

    def add(self, name: str, brand: str, *, replace: bool = False) -> None:
        k = key(name)
        if not k or (k in self.table and not replace):
            return
        self.table[k] = brand
        s = k.replace(" ", "")
        if s in self.loose and self.loose[s] != brand:
            self.loose[s] = None  # two brands squash alike: no loose match for them
        else:
            self.loose[s] = brand

    def known(self, name: str) -> str | None:
        k = key(name)
        return self.table.get(k) or self.loose.get(k.replace(" ", "")) if k else None

    def explain(self, raw: Any) -> tuple[str | None, str]:
        """(brand, the step that gave it) for one raw vendor string. The
        rules' answer is taken again until it stays the same (idempotence)."""
        brand, how = self._explain(raw)
        for _ in range(4):
            if how != "rules" or brand is None:
                break
            again, how_again = self._explain(brand)
            if again == brand:
                break
            brand, how = again, ("rules" if how_again == "rules" else how_again)
        return brand, how

    def _explain(self, raw: Any) -> tuple[str | None, str]:
        if raw is None:
            return None, "empty"
        name = tidy(str(raw))[:200]
        if not key(name):
            return None, "empty"
        if (hit := self.known(name)) is not None:
            return hit, "table"
        name = strip_legal(name)
        if (hit := self.known(name)) is not None:
            return hit, "legal form"
        candidates = [name]
        if (placeless := _drop_place(name)) is not None:
            candidates.append(placeless)
        for cand in candidates:
            if cand is not name and (hit := self.known(cand)) is not None:
                return hit, "place"
            current: str | None = cand
            for _ in range(6):  # strong and weak words, one at a time, looking for a brand
                shorter = _drop_tail(current, STRONG) or _drop_tail(current, WEAK) if current else None
                if shorter is None:
                    break
                if (hit := self.known(shorter)) is not None:
                    return hit, "descriptor"
                current = shorter
        fallback = candidates[-1]
        for _ in range(6):  # the unknown name: only the strong words go
            shorter = _drop_tail(fallback, STRONG)
            if shorter is None:
                break
            fallback = shorter
        fallback = _trim(strip_legal(fallback))
        return (unshout(fallback) or None), "rules"

    def canonical(self, raw: Any) -> str | None:
        return self.explain(raw)[0]


@functools.lru_cache(maxsize=1)
def default() -> VendorNames:
    """The built table, plus the vendor names the device definitions use
    (project spellings by construction)."""
    from collector.refdata import DataError, load_json

    try:
        data = load_json("vendors.json")
    except DataError:
        data = {}
    names = VendorNames(data.get("brands", ()), data.get("aliases", {}))
    try:
        from collector.snmp.definitions import definitions

        for d in definitions():
            if d.vendor:
                names.add(d.vendor, d.vendor)
    except Exception:  # noqa: BLE001 (a broken user definition is reported where definitions load)
        pass
    return names


@functools.lru_cache(maxsize=8192)
def canonical_vendor(raw: str | None) -> str | None:
    """The brand for a vendor string from any source (None for junk)."""
    return default().canonical(raw) if raw else None
