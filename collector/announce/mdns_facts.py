"""Facts from what one host announced over mDNS / DNS-SD.

Each service type's TXT keys are documented by their owners (Apple's
Bonjour Printing Specification for ``_ipp``, RFC 6763, pyatv's protocol notes
for AirPlay / RAOP / Companion Link, Google Cast's ``md``/``fn``, the HomeKit
Accessory Protocol's ``md``/``ci``); confidences follow the project's rule:
what the device states about itself in a structured field 80-90, a model
family guess 60-75, hints 35-55.
"""

from __future__ import annotations

import re

from collector.announce.apple import AppleModel, is_apple_model_id, lookup, macos_version
from collector.announce.mdns import HostAnnouncements
from collector.model import Fact, Identifier, Software
from collector.refdata.recog import Recog

SOURCE = "mdns"
#: HomeKit Accessory Protocol category (``ci=``) -> device class.
HAP_CATEGORY = {17: "camera", 18: "camera", 31: "media", 26: "media", 33: "router", 34: "media", 36: "media"}
_PRINTER_TYPES = {"_ipp._tcp", "_ipps._tcp", "_printer._tcp", "_pdl-datastream._tcp"}
_SCANNER_TYPES = {"_scanner._tcp", "_uscan._tcp", "_uscans._tcp"}
_MEDIA_TYPES = {"_spotify-connect._tcp": "Spotify Connect", "_amzn-wplay._tcp": "Amazon Alexa multi-room",
                "_googlecast._tcp": "Google Cast", "_raop._tcp": "AirPlay audio", "_sonos._tcp": "Sonos"}
_VERSION = re.compile(r"^\d{1,3}(?:\.\d{1,4}){0,3}$")
_DEVICE_OS_KEY = ("osvers", "ov")


def facts_for(host: HostAnnouncements, recog: Recog | None) -> tuple[list[Fact], list[Identifier], list[Software]]:
    facts: list[Fact] = []
    software: list[Software] = []
    identifiers = [Identifier("mdns_host", name[:255], SOURCE) for name in host.hostnames]
    if host.hostnames:
        short = host.hostnames[0].removesuffix(".local")
        facts.append(Fact("hostname", short, 60, SOURCE, f"mDNS host name {host.hostnames[0]}"))
    apple, apple_evidence = _apple_model(host, recog)
    if apple is not None:
        facts.extend(_apple_facts(apple, apple_evidence))
    for svc in host.services:
        t, txt = svc.service_type, svc.txt
        where = f"{svc.service_type} {svc.instance!r}"
        if t == "_airplay._tcp" and apple is None and txt.get("model"):
            # third-party AirPlay receivers (TVs, speakers) name their own model
            facts.append(Fact("model", txt["model"], 60, SOURCE, f"{where} model={txt['model']}"))
            facts.append(Fact("device_class", "media", 55, SOURCE, f"{where}: an AirPlay receiver"))
        if t == "_device-info._tcp" and txt.get("osxvers"):
            version = macos_version(txt["osxvers"])
            if version:
                ev = f"{where} osxvers={txt['osxvers']} (Darwin {txt['osxvers']} = macOS {version})"
                facts += [Fact("os_name", "macOS", 85, SOURCE, ev), Fact("os_version", version, 75, SOURCE, ev)]
        if t in ("_airplay._tcp", "_raop._tcp"):
            for key in _DEVICE_OS_KEY:
                version = txt.get(key)
                if version and _VERSION.match(version) and apple is not None and apple.os_name:
                    ev = f"{where} {key}={version} on {apple.model_id}"
                    facts += [Fact("os_name", apple.os_name, 85, SOURCE, ev), Fact("os_version", version, 85, SOURCE, ev)]
            srcvers = txt.get("srcvers") or txt.get("vs")
            if srcvers and _VERSION.match(srcvers):
                software.append(Software("AirPlay", srcvers, "Apple" if apple else None, SOURCE))
        if t == "_googlecast._tcp":
            facts += _cast_facts(txt, where)
        if t in ("_hap._tcp", "_homekit._tcp"):
            facts += _homekit_facts(txt, where)
        if t in _PRINTER_TYPES:
            facts += _printer_facts(txt, where, t)
        if t in _SCANNER_TYPES:
            facts.append(Fact("device_class", "printer", 60, SOURCE, f"{where}: announces a network scanner"))
            if txt.get("ty"):
                facts.append(Fact("model", txt["ty"], 75, SOURCE, f"{where} ty={txt['ty']}"))
        if t == "_http._tcp" and txt.get("vendor") and txt.get("model"):
            # Synology DSM and others put vendor/model/serial in their web UI's record
            ev = f"{where} vendor={txt['vendor']} model={txt['model']}"
            facts += [Fact("vendor", txt["vendor"], 75, SOURCE, ev), Fact("model", txt["model"], 75, SOURCE, ev)]
            if txt.get("serial"):
                facts.append(Fact("serial", txt["serial"], 70, SOURCE, ev + f" serial={txt['serial']}"))
        if t in _MEDIA_TYPES and apple is None and t != "_googlecast._tcp":
            facts.append(Fact("device_class", "media", 45, SOURCE, f"{where}: a {_MEDIA_TYPES[t]} receiver"))
    if recog is not None:
        facts += _recog_facts(host, recog)
    return facts, identifiers, software


_APPLE_KEYS = {"_device-info._tcp": ("model",), "_airplay._tcp": ("model",), "_raop._tcp": ("am",),
               "_companion-link._tcp": ("rpmd",)}


def _apple_model(host: HostAnnouncements, recog: Recog | None) -> tuple[AppleModel | None, str]:
    """The Apple hardware any Apple service of the host names; one Recog
    knows beats one known only by its family prefix."""
    best: tuple[AppleModel | None, str] = (None, "")
    for svc in host.services:
        for key in _APPLE_KEYS.get(svc.service_type, ()):
            model_id = svc.txt.get(key)
            found = lookup(model_id, recog) if model_id and is_apple_model_id(model_id) else None
            if found and (best[0] is None or (best[0].how == "prefix" and found.how == "recog")):
                best = (found, f"{svc.service_type} {svc.instance!r} {key}={model_id}; {found.evidence}")
    return best


def _apple_facts(found: AppleModel, evidence: str) -> list[Fact]:
    recog = found.how == "recog"
    out = [Fact("vendor", "Apple", 90, SOURCE, evidence)]
    if found.name:
        out.append(Fact("model", found.name, 85, SOURCE, evidence))
    else:
        out.append(Fact("model", found.model_id, 70, SOURCE, evidence))
    if found.device_class:
        out.append(Fact("device_class", found.device_class, 85 if recog else 70, SOURCE, evidence))
    if found.os_name:
        out.append(Fact("os_name", found.os_name, 80 if recog else 70, SOURCE, evidence))
    return out


def _cast_facts(txt: dict[str, str], where: str) -> list[Fact]:
    out = []
    model = txt.get("md")
    if model:
        ev = f"{where} md={model}"
        out.append(Fact("model", model, 85, SOURCE, ev))
        if model.lower().startswith(("chromecast", "google", "nest")):
            out.append(Fact("vendor", "Google", 85, SOURCE, ev))
    out.append(Fact("device_class", "media", 75, SOURCE, f"{where}: a Google Cast receiver"))
    if txt.get("fn"):
        out.append(Fact("description", txt["fn"], 50, SOURCE, f"{where} fn={txt['fn']}"))
    return out


def _homekit_facts(txt: dict[str, str], where: str) -> list[Fact]:
    out = []
    if txt.get("md"):
        out.append(Fact("model", txt["md"], 80, SOURCE, f"{where} md={txt['md']}"))
    ci = txt.get("ci", "")
    category = int(ci) if ci.isdigit() else None
    device_class = HAP_CATEGORY.get(category, "iot") if category is not None else "iot"
    out.append(Fact("device_class", device_class, 75, SOURCE, f"{where}: a HomeKit accessory, category ci={ci or '?'}"))
    return out


def _printer_facts(txt: dict[str, str], where: str, stype: str) -> list[Fact]:
    out = [Fact("device_class", "printer", 85, SOURCE, f"{where}: announces a print queue")]
    mfg, mdl = txt.get("usb_mfg"), txt.get("usb_mdl")
    ty = txt.get("ty")
    product = (txt.get("product") or "").strip("()") or None
    if mfg:
        out.append(Fact("vendor", mfg, 85, SOURCE, f"{where} usb_MFG={mfg}"))
    if mfg and mdl:
        model = mdl if mdl.lower().startswith(mfg.lower()) else f"{mfg} {mdl}"
        out.append(Fact("model", model, 85, SOURCE, f"{where} usb_MFG={mfg} usb_MDL={mdl}"))
    elif ty or product:
        out.append(Fact("model", (ty or product or ""), 80, SOURCE, f"{where} ty={ty} product={product}"))
    return out


def _recog_facts(host: HostAnnouncements, recog: Recog) -> list[Fact]:
    """Recog's mDNS device-info fingerprints on every device-info TXT string
    (the Apple models are already read above; this adds what else it knows)."""
    out = []
    for svc in host.services:
        if svc.service_type != "_device-info._tcp":
            continue
        for key, value in svc.txt.items():
            if key in ("model", "osxvers"):
                continue  # read above, with the project's own OS naming
            match = recog.match("mdns_device-info_txt", f"{key}={value}")
            if match is None:
                continue
            ev = f"Recog mdns_device-info_txt: {match.description} ({key}={value})"
            if match.values.get("hw.product"):
                out.append(Fact("model", match.values["hw.product"], 70, SOURCE, ev))
            if match.values.get("hw.vendor"):
                out.append(Fact("vendor", match.values["hw.vendor"], 70, SOURCE, ev))
    return out
