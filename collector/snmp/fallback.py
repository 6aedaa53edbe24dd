"""Generic fallbacks for model, OS version and firmware on devices no
definition knows (or knows only in part): a model code after a known maker's
name in sysDescr or the ENTITY-MIB chassis description, a module or stack
row's model name, entPhysicalSoftwareRev, and "Version X" / "Firmware X" /
"V1.2.3" in sysDescr. Every claim here is weaker than a definition's
(35-60): a definition that reads the field wins.

Version or firmware: an ``os_version`` belongs to a named OS (see
``schemas/snmp_definitions.md``), so a version found here is claimed as the
winning OS's version when some source named an OS other than the generic
"Linux" and gave it no version, and as ``firmware`` when no OS is named (an
appliance). It runs after every other claim (:func:`late`)."""

from __future__ import annotations

import functools
import re

from collector.snmp.claims import VRP_RELEASE, clean
from collector.snmp.engine import GENERIC_OS_FAMILIES, Matched, View, built_on_os, generic_origin

#: A model code: letters and digits, joined by - / _ . + (``GS108T``,
#: ``DES-3200-28``, ``TL-SG3210``, ``CSS326-24G-2S+``), 3-32 characters.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9+]*(?:[-/_.][A-Za-z0-9+]+)*\+?")
#: Codes that are no model: versions, CPU architectures, kernel builds,
#: speeds, standards and dates.
_NOT_CODE = re.compile(
    r"(?i)^(?:v?\d+(?:\.\d+)+[\w+~-]*|\d+(?:[-_/]\d+)+|\d+[a-z]?|(?:x86|x64|i[3-6]86|amd64|arm|aarch|mips|ppc|sparc|riscv|s390)\w*|"
    r"rev\w*|ver\w*|build\w*|rel\w*|release\w*|fw\w*|sw\w*|hw\w*|r\d+|b\d+|"
    r"\d+(?:st|nd|rd|th)|\d+(?:m|g|k|t)b?(?:ps|it)?|[\d/]*\d+base[\w/-]*|11[abgnacx]+(?:/[abgnacx]+)*|802\.\w+|ipv[46]|snmpv?\d\w*|smp|preempt|"
    r"tru64|win(?:32|64|2k\w*)|os/?2|[zi]\d?/os|h\.?26[1-5]\w*|mpeg\w*|mjpe?g|\d{1,2}(?:am|pm)|20\d\d\w*|19\d\d\w*|[a-z]{1,2}\d)$")
#: Words between a maker's name and a model code ("NETGEAR ProSafe GS108T",
#: "D-Link Web Smart DES-1210"): product line words, never these, which say
#: the text is about software or an OS rather than a product.
_STOP = frozenset("""software operating system version firmware release kernel build hardware rev revision linux
 windows unix inc inc. ltd corp corporation co copyright by for of on the and running based ios os series""".split())
#: Names that lead sysDescr but are an OS or software, not the box's maker.
_NOT_MAKERS = frozenset(("linux", "freebsd", "openbsd", "netbsd", "darwin", "sunos", "the", "net-snmp", "vxworks",
                         "microsoft", "windows", "ucd-snmp", "busybox", "openwrt", "debian", "ubuntu", "unix"))


def model_code(token: str) -> str | None:
    """``token`` when it looks like a product code (a letter and a digit)."""
    token = token.strip(",;:()[]\"'")
    if not (3 <= len(token) <= 32) or not _CODE.fullmatch(token) or _NOT_CODE.match(token):
        return None
    if not re.search(r"\d", token) or not re.search(r"[A-Za-z]", token):
        return None
    return token


@functools.lru_cache(maxsize=1)
def _descriptors() -> frozenset[str]:
    """The one-word descriptors registrants put after their name ("Networks", "Systems")."""
    from collector.vendornames import STRONG

    return frozenset(w for w in STRONG if " " not in w)


def _lead_maker(words: list[str], n: int) -> str | None:
    """The maker the vendor table knows whose name is the first ``n`` words
    (sysDescr split with its commas apart); not an OS or a word of ``uname``'s."""
    from collector.vendornames import default

    lead = " ".join(words[:n])
    if len(lead) > 60 or lead.lower() in _NOT_MAKERS or any(w in (",", ":") for w in words[:n]):
        return None
    maker = default().known(lead)
    return maker if maker is not None and maker.lower() not in _NOT_MAKERS else None


def leading_maker(text: str | None) -> str | None:
    """The maker the vendor table knows whose name starts ``text`` ("3Com
    Router 3012 Software ...", "Cisco Adaptive Security Appliance ..."),
    whatever follows it."""
    words = (text or "")[:200].replace(",", " , ").split()
    return next((maker for n in (3, 2, 1) if len(words) >= n and (maker := _lead_maker(words, n))), None)


def maker_model(text: str | None) -> tuple[str, str] | None:
    """(maker, model code) when ``text`` starts with a maker the vendor
    table knows, then at most two product-line words, then a model code:
    "ZyXEL ES-2108 ...", "NETGEAR ProSafe GS108T ...", "Hewlett-Packard
    J9019B ..."."""
    if not text:
        return None
    words = text[:300].replace(",", " , ").split()
    for n in (3, 2, 1):
        maker = _lead_maker(words, n) if len(words) > n else None
        if maker is None:
            continue
        rest = words[n:n + 6]
        # "Avaya Inc., G250-BRI ...", "Enterasys Networks, Inc. B3G124-24 ...": the maker's legal form
        # and descriptor words are no product line
        # (a descriptor only when a comma or a legal form follows: "Cisco Network Analysis Module" is not)
        while rest:
            described = 0
            while described < len(rest) and rest[described].lower() in _descriptors():
                described += 1
            if rest[0] == "," or _LEGAL_WORD.match(rest[0]):
                rest = rest[1:]
            elif described and described < len(rest) and (rest[described] == "," or _LEGAL_WORD.match(rest[described])):
                rest = rest[described:]
            else:
                break
        for i, word in enumerate(rest[:3]):
            code = model_code(word)
            if code:
                return maker, _with_number(code, rest[i + 1:i + 2])
            if word in _CLASS_WORDS and i + 1 < len(rest) and _NUMBERED.match(rest[i + 1]):
                return maker, f"{word} {rest[i + 1].rstrip(',;:')}"  # "3Com Switch 4210 18-Port ...": "Switch 4210"
            if word in (",", ":") or word.lower().strip(":,") in _STOP or re.search(r"\d|[:;=]", word):
                break
        return None
    return None


#: A kind of box named with the model's number after it ("Switch 4210", "Router 3012")
_CLASS_WORDS = frozenset({"Switch", "Router", "Firewall", "Gateway"})
_NUMBERED = re.compile(r"^\d{3,5}[A-Z]{0,3}[,;:]?$")


#: A product-line code followed by the model number, both words of the model
#: ("ZXR10 5250-52TM-H"): the series is letters then digits, the number starts
#: with a digit and holds a letter ("5250-52TM-H", "2960X").
_SERIES = re.compile(r"^[A-Za-z]{2,8}\d{1,3}$")


def _with_number(code: str, after: list[str]) -> str:
    """``code`` and the model number after it when ``code`` is a series."""
    nxt = after[0].strip(",;:") if after else ""
    if _SERIES.match(code) and nxt[:1].isdigit() and re.search(r"[A-Za-z]", nxt) and model_code(nxt):
        return f"{code} {nxt}"
    return code


_LEGAL_WORD = re.compile(r"(?i)^(?:inc|corp|corporation|ltd|limited|co|gmbh|ag|llc|s\.?a)\.?,?$")
#: "SN: 3A0105S05525", "S/N: FTT16030013", "Ser#:127485", "Serial number: 60664..." (Recog's
#: examples: APC cards, TANDBERG codecs, Digi TransPort, ProCurve APs, NetScreen)
_SERIAL_LABEL = re.compile(r"(?i)(?<![\w/])(?:s/?n|ser(?:ial)?\s*#|serial(?:\s+(?:number|no\.?|num))?)\s*[:#=]\s*"
                           r"([A-Za-z0-9][A-Za-z0-9-]{4,31})(?![\w.])")
#: A serial a sysDescr states may be its network card's (an APC UPS's): under every
#: MIB object that holds one (ENTITY-MIB, a maker's identity object, 55 and up).
SERIAL_LABEL_CONFIDENCE = 40
#: A release written like a model code ("V5.2", "12.1X46-D10") or a port count ("48-Port"): no model.
_VERSIONISH = re.compile(r"(?i)^(?:v?\d+(?:\.\d+)|\d+-?ports?$)")
#: "Router Model: Vigor3912", "Model Number=GX-100", "Model Name: AB-12".
_MODEL_LABEL = re.compile(r"(?i)\bmodel(?:\s+(?:name|number|no\.?))?\s*[:=]\s*(\S{3,40})")


#: What may follow a bare product code in sysDescr: its release ("DSR1010 03.00.01.00",
#: "ERS-1612 (2.1.0.0)", "WJ-HD300 SWVer1.53", "USW-5-Flex, 4.0.80.10875"), perhaps after one
#: short label ("ESP-16 MI V3.13", "CSS326-24G-2S+ SwOS v2.13").
_RELEASE_TOKEN = re.compile(r"\(?(?:sw)?(?:ver\.?|v)?\d+(?:\.\d+)+[A-Za-z0-9.-]*\)?", re.I)
_LABEL_TOKEN = re.compile(r"[A-Za-z]{1,6}")


def bare_model(descr: str | None, sys_name: str | None = None) -> str | None:
    """The model when sysDescr is nothing but a product code ("DS-5100B",
    "S12704", "Sun-Blade-100"), perhaps then its release ("DSR1010
    03.00.01.00", "ESP-16 MI V3.13"): no underscore, not a V100R005-style
    release, not the host name, and upper case or a capital with its
    parts joined by a dash or a slash. Such a box says its model where others say their
    OS, which outranks a model from a table of sysObjectIDs."""
    text = (descr or "").strip()
    if not text or "_" in text:
        return None
    host = (sys_name or "").strip().casefold()
    if host and text.casefold() in (host, host.split(".")[0]):
        return None
    words = text.replace(", ", " ").split()
    head, rest = words[0], words[1:]
    if rest and not (_RELEASE_TOKEN.fullmatch(rest[-1]) and
                     (len(rest) == 1 or (len(rest) == 2 and _LABEL_TOKEN.fullmatch(rest[0])))):
        return None
    if host and head.casefold() in (host, host.split(".")[0]):
        return None
    code = model_code(head)
    if not code or code != head or re.search(VRP_RELEASE, head, re.I) or _RELEASE_TOKEN.fullmatch(head):
        return None
    letters = [c for c in head if c.isalpha()]
    upper = sum(c.isupper() for c in letters) * 2 >= len(letters)
    joined = head[0].isupper() and re.search(r"[A-Za-z][-/][A-Za-z0-9]", head) is not None
    return code if upper or joined else None


def descr_maker_model(view: View) -> None:
    """A model code after a known maker's name at the start of sysDescr
    (else later in it, not after "by" / "(c)" / "Copyright" or a list
    separator: weaker), or after a "Model:" label anywhere in it."""
    descr = view.system("sys_descr")
    bare = bare_model(descr, view.system("sys_name"))
    if bare:
        view.claim("heuristic", "model", bare, 52, "sysDescr is a bare model code" +
                   ("" if bare == (descr or "").strip() else ", then its release"))
    got = maker_model(descr)
    if got:
        view.claim("heuristic", "model", got[1], 48, f"sysDescr: maker {got[0]} then a model code")
        view.claim("heuristic", "vendor", got[0], 50, "sysDescr: starts with a maker's name")
    elif descr:
        maker = leading_maker(descr)
        if maker:
            # weaker than with a model code after it, and than the sysObjectID's maker (55-75)
            view.claim("heuristic", "vendor", maker, 45, "sysDescr: starts with a maker's name")
        # a maker's name later in sysDescr ("..., Release 1211P04 HP A5800-24G Switch")
        words = descr[:300].split()
        for i in range(1, min(len(words), 40)):
            if words[i - 1].endswith((",", ";")) or words[i - 1].lower() in ("by", "(c)", "copyright"):
                continue
            if i == 1 and words[0].lower() in _NOT_MAKERS:
                continue  # uname's "Linux <hostname> <release> ...": a host name, whatever it says
            got = maker_model(" ".join(words[i:]))
            if got:
                view.claim("heuristic", "model", got[1], 46, f"sysDescr: maker {got[0]} then a model code")
                break
    m = _MODEL_LABEL.search((descr or "")[:1024])
    if m and (code := model_code(m.group(1))):
        view.claim("heuristic", "model", code, 50, "sysDescr: \"Model:\" label")
    # an OS's name, then the box's code ("RouterOS RB4011iGS+")
    m = _os_names().match(descr or "")
    if m and (rest := (descr or "")[m.end():].split()) and (code := model_code(rest[0])) and not _VERSIONISH.match(code):
        view.claim("heuristic", "model", code, 46, f"sysDescr: the OS {m.group(1)!r} then a model code")
    m = _SERIAL_LABEL.search((descr or "")[:1024])
    if m and re.search(r"\d", m.group(1)):
        view.claim("heuristic", "serial", m.group(1), SERIAL_LABEL_CONFIDENCE, "sysDescr: serial number label")


def entity_model(view: View) -> None:
    """ENTITY-MIB beyond the chassis' entPhysicalModelName: a chassis that
    names its model only in entPhysicalName ("WS-C2960-24TT-L") or after the
    maker in entPhysicalDescr ("Juniper EX4300-48T Switch"); without a
    chassis row, the first stack or module row with a model name."""
    mibs = view.mibs
    if mibs.chassis:
        row = mibs.chassis[0]
        if clean(row.get("model")):
            return
        ev = f"ENTITY-MIB entPhysical.{row['index']} (chassis)"
        name = model_code(clean(row.get("name")) or "")
        if name:
            view.claim("entity", "model", name, 60, f"{ev} entPhysicalName")
            return
        got = maker_model(clean(row.get("descr")))
        if got:
            view.claim("entity", "model", got[1], 58, f"{ev} entPhysicalDescr: maker {got[0]} then a model code")
        return
    for row in mibs.entities[:2000]:
        if row.get("class") in (11, 9) and (model := clean(row.get("model"))) and model_code(model.split()[-1]):
            view.claim("entity", "model", model, 62,
                       f"ENTITY-MIB entPhysical.{row['index']} ({row['class_name']}) entPhysicalModelName")
            return


#: The weakest OS claim: below a maker's usual OS (36) and every reading.
DESCR_OS_CONFIDENCE = 33
#: OS names that are also plain words: this rule leaves them alone, as it does
#: the general-purpose OSes appliances are built on (a PDU's "Ubuntu 16.04 ...
#: PowerAlert", pfSense's "... FreeBSD 8.3"; :func:`engine.built_on_os`).
_NOT_OS_WORDS = frozenset({"Classic"})


@functools.lru_cache(maxsize=1)
def _os_name_list() -> tuple[str, ...]:
    """The OS names of the vocabulary (schemas/os_names.json) a sysDescr may
    state, the longest first ("IOS-XE" before "IOS"): not those appliances
    are built on (Linux)."""
    from collector.snmp.definitions import vocabulary

    return tuple(sorted((n for n in vocabulary()[1] if n not in _NOT_OS_WORDS and not built_on_os(n)),
                        key=lambda n: (-len(n), n)))


@functools.lru_cache(maxsize=1)
def _os_names() -> re.Pattern[str]:
    """Every OS name of :func:`_os_name_list` as a whole word."""
    names = _os_name_list()
    # a hyphen may be written as a space ("Cisco IOS XR Software" is IOS-XR)
    # (a hyphen may follow when a release does: "VSOS-V0600R0705B20180507", not "IOS-XE")
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n).replace(r"\-", "[- ]") for n in names) +
                      r")(?!\w)(?!-(?![vV]?\d))")


def descr_os(view: View) -> None:
    """sysDescr that names an OS of the vocabulary as a whole word, spelt as
    the vocabulary spells it or with a space for a hyphen ("H3C Comware
    Platform Software", "... Runtime AIX version 07.03", "IOS XR"), when
    nothing else named an OS."""
    if any(f.field == "os_name" for f in view.claims.facts):
        return
    descr = view.system("sys_descr")
    m = _os_names().search(descr[:1024]) if descr else None
    if m:
        name = _os_spelling().get(m.group(1).replace(" ", "-"), m.group(1))
        view.claim("heuristic", "os_name", name, DESCR_OS_CONFIDENCE,
                   f"sysDescr names the OS {m.group(1)!r} (schemas/os_names.json)")


@functools.lru_cache(maxsize=1)
def _os_spelling() -> dict[str, str]:
    """A hyphenated OS name, its spaces and hyphens all hyphens -> the
    vocabulary's name ("IOS-XR" -> "IOS-XR", "Linux-based-DrayOS" -> "Linux-based DrayOS")."""
    from collector.snmp.definitions import vocabulary

    return {n.replace(" ", "-"): n for n in vocabulary()[1] if "-" in n}


#: What may follow a model to make it a more specific one: a suffix of code
#: characters after "-" or "/" ("S5720" -> "S5720-36C-EI-AC"), or a model
#: number after a space ("ZXR10" -> "ZXR10 5250-52TM-H").
_REFINEMENT = re.compile(r"^(?:[-/][A-Za-z0-9][A-Za-z0-9+]*(?:[-/_.][A-Za-z0-9+]+)*|\s\d[A-Za-z0-9+]*(?:[-/_.][A-Za-z0-9+]+)*)$")


def refine_model(view: View) -> None:
    """The winning model, when a generic rule gave it, made more specific:
    another claim that is the winner plus a code suffix (ENTITY-MIB says the
    series "S5720", sysDescr the box "S5720-36C-EI-AC") wins just above it. A
    longer claim that adds words ("... Switch") or anything but a code is no
    refinement."""
    from collector.identity import best_facts

    claims = [f for f in view.claims.facts if f.field == "model"]
    winner = best_facts(claims).get("model")
    if winner is None or not generic_origin(view.origin.get(id(winner), "")):
        return  # a definition's model is what its authors chose to call the box ("DGS-1210-28", not ".../ME/B1")
    base = str(winner.value)
    longer = [f for f in claims if len(str(f.value)) <= len(base) + 24 and str(f.value).startswith(base)
              and _REFINEMENT.match(str(f.value)[len(base):])]
    if longer:
        best = max(longer, key=lambda f: (f.confidence, len(str(f.value))))
        view.claim("heuristic", "model", best.value, winner.confidence + 1,
                   f"{best.evidence}, more specific than {base!r} ({winner.evidence})")
    elif view.origin.get(id(winner)) == "glpi-sysobject":
        # GLPI's table spells a model its own way ("ICX 6430-24 Switch"); the box's own
        # words for the same model ("ICX6430-24" in sysDescr) are what its label says
        key = _model_key(base)
        # (not a case-only difference: Junos's "mx960 internet router" is an MX960 as GLPI writes it)
        own = [f for f in claims if view.origin.get(id(f)) != "glpi-sysobject"
               and str(f.value).casefold() != base.casefold() and _model_key(str(f.value)) == key]
        if own:
            best = max(own, key=lambda f: f.confidence)
            view.claim("heuristic", "model", best.value, winner.confidence + 1,
                       f"{best.evidence}: the box's own spelling of {base!r} ({winner.evidence})")


#: Words GLPI's sysObjectID table puts after a model ("... Switch", "... Access Point").
_TABLE_WORDS = re.compile(r"(?i)(?:\s+(?:switch|router|access\s+point|firewall|controller|module))+$")


def _model_key(model: str) -> str:
    """A model without its class word, case, spaces and hyphens."""
    return re.sub(r"[\s_-]+", "", _TABLE_WORDS.sub("", model)).casefold()


#: A release: dotted numbers; then letters and numbers ("6.4.3d", "7.1R2",
#: NetScreen's "6.2.0r4.0"), but not a word glued on (AIX's "07.03.0002.0003TCP/IP
#: Client Support"); a short letter field ("16.05.00.E", "4.1.3.Rel");
#: a dash or underscore field; Cisco's parentheses and what follows them
#: ("12.2(55)SE", "7.2(4)17", "5.2(1)CG2(1)").
_VERSION = (r"v?(?P<v>\d+(?:\.\d+)+(?:[A-Za-z]+(?![A-Za-z/])\d*(?:\.\d+)*)*(?:\.[A-Za-z][A-Za-z0-9]{0,3}(?![\w/]))?"
            r"(?:[-_][A-Za-z0-9.]+)?(?:\([\w.]+\)[A-Za-z0-9]*)*)")
#: "Version 1.2.3", "Software Version 1.2", "Firmware: 2.0.1", "FW 1.4", "OS 5.4" (Xerox),
#: "System Software 64.61.21", "SW:v3.0.0.46",
#: "Ver.1.01", "Rel 5.1", "Release 7.2", then a bare "V1.2.3" / "v1.2.3".
_DESCR_VERSIONS = (
    re.compile(r"(?i)(?<![\w-])(?:(?P<what>[\w-]{1,24})\s+)?(?:(?:sw|fw|software|firmware)[_-](?:ver(?:sion)?|rev(?:ision)?)|"
               r"version|ver\.?|firmware|fw|software|sw|os|rel\.?|release|revision|rev\.?)"
               r"\s*[:=]?\s*" + _VERSION),
    re.compile(r"(?<![\w.:-])(?:(?P<what>[\w-]{1,24})\s+)?[vV]" + _VERSION[2:]),
)
#: A bare release standing alone among the words ("RICOH Aficio 2035 1.05.1 / ...",
#: "SCO UnixWare 7.1.0"), read only when it is the only one and nothing is labelled.
_BARE_VERSION = re.compile(r"(?<![\w.:/()-])(?P<v>\d{1,4}(?:\.\d{1,6}){1,3}(?:[a-z]\d*|[A-Z]\d+)?)(?![\w.:/()%-])")
#: ``uname -a`` ("Linux AD-1800-FP2 2.6.30 #1 SMP ..."): its bare number is the kernel's.
UNAME = re.compile(r"(?i)(?:linux|sunos|darwin|freebsd|netbsd|openbsd|dragonfly|gnu|hp-ux|minix)\s")
#: What a bare dotted number may be instead: a date ("03.11.2011", "2011.03.11").
_DATE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.(?:19|20)\d\d|(?:19|20)\d\d\.\d{1,2}\.\d{1,2})$")
#: What a version must not be the version of.
_OTHER_PART = re.compile(r"(?i)^(?:hardware|hw|h/w|boot\w*|rom|bootrom|loader|kernel|linux|transport|pcb|mib|snmp|"
                         r"agent|board|cpld|fpga|bios|uboot|u-boot|protocol|ieee|api|driver|nic|engine|eng|iot|net|ui|nc)$")


@functools.lru_cache(maxsize=1)
def _os_then_version() -> re.Pattern[str]:
    """An OS name of :func:`_os_name_list`, then (after a space or a hyphen,
    and perhaps one more word) a release."""
    names = _os_name_list()
    # the word between is capitalised ("Enhanced"): uname's host name after its OS is not
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?:-|\s+)"
                      r"(?:(?P<what>[A-Z][A-Za-z]{1,11})\s+)?(?P<whole>" + _VERSION + r"(?:[-_][A-Za-z0-9]+)*|" + VRP_RELEASE +
                      r")(?![\w.])")


def descr_version(text: str | None) -> str | None:
    """The software or firmware version a sysDescr states, or None: the
    first, unless a later one is labelled software ("FW:V1.44 SW:v2.0.0.28":
    the image the box runs, not its boot firmware)."""
    if not text:
        return None
    labelled = False  # a version of another part ("Kernel Version 8.6.0") leaves no bare number to guess
    for pattern in _DESCR_VERSIONS:
        found: list[tuple[int, int, str]] = []
        for m in pattern.finditer(text[:1024]):
            labelled = True
            what = m.group("what")
            before = text[:m.start()].rstrip().lower()
            # the part a version belongs to may stand a word further back ("SNMP Agent SW v2.2")
            near = [w.strip(":,;()") for w in text[max(0, m.start() - 40):m.start("v")].split()[-3:]]
            if (what and _OTHER_PART.match(what)) or re.search(r"(?:hardware|hw|boot|rom)\s*$", before) or \
                    any(_OTHER_PART.match(w) for w in near):
                continue
            label = (what or "") + " " + m.group(0)[:12]
            found.append((0 if re.search(r"(?i)\b(?:software|sw)\b", label) else 1, len(found), m.group("v")))
            if len(found) >= 8:
                break
        if found:
            return min(found)[2]
    # an OS's name then its release, perhaps after one word ("SonicOS Enhanced 5.8.1.2-20o",
    # "Cumulus Linux 3.7.2 (Linux Kernel 4.1.33)", "VSOS-V0700R0600")
    # (not uname's host name: "Linux OpenWrt 5.4.143 #0 SMP ...", the number after it is the kernel)
    host = re.match(r"\S+\s+", text) if UNAME.match(text) else None
    for m in _os_then_version().finditer(text[:1024]):
        if host is not None and m.start() <= host.end():
            continue
        if not (m.group("what") and _OTHER_PART.match(m.group("what"))):
            whole = m.group("whole")
            return whole if re.fullmatch(VRP_RELEASE, whole) else re.sub(r"^[vV](?=\d)", "", whole)
    bare = {m.group("v") for m in _BARE_VERSION.finditer(text[:1024])}
    if not labelled and len(bare) == 1 and not _DATE.match(version := bare.pop()) and not UNAME.match(text):
        before = text[:text.index(version)].rstrip().lower()
        if not re.search(r"(?:hardware|hw|boot\w*|rom|kernel|linux|bios|mib|snmp|ieee|\bip|address)\s*[:=]?$", before):
            return version
    return None


def _has_version(view: View, os_name: str) -> bool:
    return any(f.field == "os_version" and view.claims.version_of.get(id(f), os_name).lower() == os_name.lower()
               for f in view.claims.facts)


def versions(view: View, matched: list[Matched]) -> None:
    """The winning OS's version, else (no OS named) the firmware, from the
    chassis' entPhysicalSoftwareRev, else from sysDescr. Not for an OS named
    only by the generic Linux definition (its version is the kernel, which it
    reads itself); for one named by a definition that says where its version
    lives and found nothing there, only the chassis' entPhysicalSoftwareRev (a
    release it does not state, like Windows XP's, is no sysDescr number to
    guess)."""
    facts = view.claims.facts
    generic_os = GENERIC_OS_FAMILIES
    readers = {m.definition.family for m in matched if "os_version" in m.definition.fields}
    os_name = view.claims.best("os_name")
    # the chassis row, else the stack or a top-level row of class other/unknown (the box
    # itself); a module's software may be its own
    chassis = view.mibs.chassis[0] if view.mibs.chassis else next(
        (r for r in view.mibs.entities[:2000] if clean(r.get("software_rev")) and
         (r.get("class") == 11 or (r.get("class") in (1, 2) and not r.get("contained_in")))), {})
    software = clean(chassis.get("software_rev"))
    if software and not re.match(r"(?:[vV](?:er\.?|ersion)?\s*)?\d+[.(]\d", software):
        # "1", "A0": a revision letter or a board number; "RGOS 10.4(3)p4
        # Release(...)": an OS's name and more, not a version by itself
        software = None
    descr = descr_version(view.system("sys_descr"))
    ev = f"ENTITY-MIB entPhysicalSoftwareRev.{chassis.get('index')}"
    if os_name:
        named_generic = any(f.field == "os_name" and str(f.value) == os_name and view.origin.get(id(f)) in generic_os
                            for f in facts)
        named_other = any(f.field == "os_name" and str(f.value) == os_name and view.origin.get(id(f)) not in generic_os
                          for f in facts)
        by_reader = any(f.field == "os_name" and str(f.value) == os_name and view.origin.get(id(f)) in readers
                        for f in facts)
        if (named_generic and not named_other) or _has_version(view, os_name):
            return
        if software:
            view.claim("entity", "os_version", software, 55, ev, os=os_name)
        elif descr and not by_reader:
            # a definition's own version sources that found nothing leave a sysDescr number a guess
            view.claim("heuristic", "os_version", descr, 45, "sysDescr version", os=os_name)
        return
    if any(f.field == "firmware" for f in facts):
        return
    if software:
        view.claim("entity", "firmware", software, 55, ev)
    elif descr:
        view.claim("heuristic", "firmware", descr, 45, "sysDescr version")


def networking_class(view: View) -> None:
    """GLPI's sysObjectID table says "network gear" (NETWORKING) and no model
    word says which: sysServices (RFC 3418) tells a layer-2-only device (a
    switch) from a layer-3 one that forwards and does not bridge (a router).
    Not where a Wi-Fi radio interface is listed (an access point or a Wi-Fi
    router bridges and routes)."""
    from collector.snmp.generic import _sysobject_ids, radio
    from collector.snmp.mibs import IP_FORWARDING, SYS_SERVICES

    oid = view.system("sys_object_id")
    entry = _sysobject_ids().get(oid or "")
    if not entry or entry[1] != "NETWORKING" or any(f.field == "device_class" for f in view.claims.facts):
        return
    if any(radio(i) for i in view.mibs.interfaces):
        return
    services = view.walk.int(SYS_SERVICES)
    if services is None:
        return
    ev = f"sysObjectID {oid} (GLPI sysObjectID table: NETWORKING), sysServices {services}"
    if services & 0x02 and not services & 0x04:
        view.claim("glpi-sysobject", "device_class", "switch", 47, f"{ev}: layer 2 only")
    elif services & 0x04 and not services & 0x02 and view.walk.int(IP_FORWARDING) == 1:
        view.claim("glpi-sysobject", "device_class", "router", 45, f"{ev}: layer 3, ipForwarding on")
