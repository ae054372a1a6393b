#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the verifier's bad plans: each is ../plan.json with one rule
broken, and the figures that follow from the change (weights, floor,
seats, movements, closures, the summary) updated by hand so that the case
breaks that rule only, unless its note says otherwise. The expected
violations are asserted in tests/test_verify.c. Run from any folder:

    python3 tests/data/verify/bad/mkbad.py

It rewrites every bad/*.json and bad/README.md; commit the output.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "plan.json")) as f:
    VALID = json.load(f)

CASES = []


def case(name, note):
    def wrap(fn):
        CASES.append((name, note, fn))
        return fn
    return wrap


def sortie(p, i):
    return p["sorties"][i - 1]


def clearance(p, i):
    return p["clearances"][i - 1]


def group(p, gid):
    return next(g for g in p["people"] if g["people"] == gid)


def site(p, sid):
    return next(x for x in p["sites"] if x["site"] == sid)


def times(x, ferry_dep, at_site, dep, arr):
    x["ferry"]["departure"] = ferry_dep
    x["ferry"]["arrival"] = at_site
    x["arrival_at_site"] = at_site
    x["departure"] = dep
    x["arrival"] = arr


# ---- plan and summary ----

@case("epoch", "the epoch is an hour late")
def _(p):
    p["epoch"] = "2024-06-01T00:00Z"


@case("completion", "summary.completion is not the last departure")
def _(p):
    p["summary"]["completion"] = "2024-06-07T09:00Z"


# ---- loads ----

@case("load-weight", "sortie 2 flies to HUB2, 4,866 km: its cabin load falls to 10,671 kg")
def _(p):
    x = sortie(p, 2)
    x["destination"] = "HUB2"
    x["arrival"] = "2024-06-05T12:46Z"  # 406 min
    x["load"]["acl_kg"] = 10671.146


@case("load-positions", "sortie 1 carries 5 pallets on 4 positions (the floor overflows too)")
def _(p):
    ld = sortie(p, 1)["load"]
    ld["pallets"][3] = {"id": 4, "gross_kg": 1361.0256, "height_m": 0.5,
                        "pieces": [{"cargo": "BLOCK", "count": 1}]}
    ld["pallets"].append({"id": 9, "gross_kg": 1361.0256, "height_m": 0.5,
                          "pieces": [{"cargo": "BLOCK", "count": 1}]})
    ld["weight_kg"] = 5905.128
    ld["floor_m"] = 25


@case("load-gross", "four 1,200 kg blocks on one pallet: 4,961 kg gross")
def _(p):
    ld = sortie(p, 1)["load"]
    ld["pallets"] = [ld["pallets"][0],
                     {"id": 2, "gross_kg": 4961.0256, "height_m": 1.0,
                      "pieces": [{"cargo": "BLOCK", "count": 4}]}]
    ld["weight_kg"] = 5422.0512
    ld["floor_m"] = 10
    ld["seats_available"] = 20
    n = 3
    for i in (2, 3):  # renumber the pallets of sorties 2 and 3
        for pl in sortie(p, i)["load"]["pallets"]:
            pl["id"] = n
            n += 1


@case("load-height", "a pallet of boxes stated 2.10 m high; the BIG takes 2.00 m")
def _(p):
    sortie(p, 2)["load"]["pallets"][0]["height_m"] = 2.1


@case("load-tallest", "a pallet of 1 m boxes stated 0.90 m high")
def _(p):
    sortie(p, 2)["load"]["pallets"][0]["height_m"] = 0.9


@case("load-volume", "six 1 m cubes on one pallet 1 m high (5.64 m3 of room)")
def _(p):
    ld = sortie(p, 2)["load"]
    ld["pallets"] = [{"id": 5, "gross_kg": 3161.0256, "height_m": 1.0,
                      "pieces": [{"cargo": "BOX", "count": 6}]},
                     {"id": 6, "gross_kg": 361.0256, "height_m": 0.5,
                      "pieces": [{"cargo": "AMMO", "count": 1}]}]


@case("load-floor", "the vehicle moves to sortie 1: 4 pallets and 2.5 m of vehicle on 20 m")
def _(p):
    a, b = sortie(p, 1)["load"], sortie(p, 2)["load"]
    a["cargo"] = b["cargo"]
    b["cargo"] = []
    a["weight_kg"] = 11744.1024
    a["floor_m"] = 22.5
    b["weight_kg"] = 4922.0512
    b["floor_m"] = 10
    b["seats_available"] = 20


@case("load-seats", "a block pallet moves to sortie 2: 17.5 m of floor leaves 5 seats for 14")
def _(p):
    a, b = sortie(p, 1)["load"], sortie(p, 2)["load"]
    pl = a["pallets"].pop(2)
    b["pallets"].insert(0, pl)
    a["weight_kg"] = 4383.0768
    a["floor_m"] = 15
    a["seats_available"] = 10
    b["weight_kg"] = 12283.0768
    b["floor_m"] = 17.5
    b["seats_available"] = 5


@case("load-door", "the 3.5 m high crated drone (to hand over) boards sortie 2; the door is 3 m")
def _(p):
    ld = sortie(p, 2)["load"]
    ld["cargo"].append({"cargo": "DRONE", "count": 1})
    ld["weight_kg"] = 10972.0512
    ld["floor_m"] = 12.7
    ld["seats_available"] = 14


@case("load-no-passengers", "the 1.1 demolition charges fly with the last ten people")
def _(p):
    a, d = sortie(p, 1)["load"], sortie(p, 4)["load"]
    d["pallets"] = [a["pallets"].pop(0)]
    a["weight_kg"] = 5283.0768
    a["floor_m"] = 15
    a["seats_available"] = 10
    d["weight_kg"] = 1461.0256
    d["floor_m"] = 5
    d["seats_available"] = 30
    p["milestones"][0]["cargo_out"] = 0.983  # 17,300 of 17,600 kg


@case("load-apart", "the fuel (3) joins the ammunition (1.4) on sortie 2")
def _(p):
    b, c = sortie(p, 2)["load"], sortie(p, 3)["load"]
    b["pallets"][1]["pieces"].append({"cargo": "FUEL", "count": 1})
    b["pallets"][1]["gross_kg"] = 1561.0256
    b["weight_kg"] = 11122.0512
    c["pallets"][1]["pieces"] = [{"cargo": "CRYPTO", "count": 1}]
    c["pallets"][1]["gross_kg"] = 261.0256
    c["weight_kg"] = 4361.0256


@case("load-sensitive", "the crypto gear flies on sortie 1, which carries nobody")
def _(p):
    a, c = sortie(p, 1)["load"], sortie(p, 3)["load"]
    a["pallets"][0]["pieces"].append({"cargo": "CRYPTO", "count": 1})
    a["pallets"][0]["gross_kg"] = 561.0256
    a["weight_kg"] = 5844.1024
    c["pallets"][1]["pieces"] = [{"cargo": "FUEL", "count": 1}]
    c["pallets"][1]["gross_kg"] = 361.0256
    c["weight_kg"] = 4461.0256
    c["passengers"] = [{"people": "OPS", "count": 11, "escort": False}]


@case("load-escort", "escorts on sortie 2, which carries nothing sensitive")
def _(p):
    sortie(p, 2)["load"]["passengers"][0]["escort"] = True


@case("evac-escort", "OPS are evacuees (their role so stated; ../s-evac.yaml): the one of "
      "them marked escort on sortie 3 and the crypto gear with evacuees alone aboard")
def _(p):
    group(p, "OPS")["role"] = "evacuee"


@case("load-stated-weight", "sortie 4 states 900 kg for ten passengers of 100 kg")
def _(p):
    sortie(p, 4)["load"]["weight_kg"] = 900


# ---- cargo and people accounted for ----

@case("cargo-left", "one block never flies (the verdict says so)")
def _(p):
    a = sortie(p, 1)["load"]
    a["pallets"][3] = {"id": 4, "gross_kg": 1361.0256, "height_m": 0.5,
                       "pieces": [{"cargo": "BLOCK", "count": 1}]}
    a["weight_kg"] = 4544.1024
    p["milestones"][0]["cargo_out"] = 0.9318
    p["summary"]["deadline_met"] = False


@case("cargo-twice", "five boxes on a pallet of sortie 2: seven of six fly")
def _(p):
    b = sortie(p, 2)["load"]
    b["pallets"][0]["pieces"][0]["count"] = 5
    b["pallets"][0]["gross_kg"] = 2661.0256
    b["weight_kg"] = 11422.0512
    p["milestones"][0]["cargo_out"] = 1.0284


@case("disposition", "furniture to hand over flies on sortie 2")
def _(p):
    b = sortie(p, 2)["load"]
    b["pallets"][1]["pieces"].append({"cargo": "FURN", "count": 1})
    b["pallets"][1]["gross_kg"] = 1661.0256
    b["weight_kg"] = 11222.0512


@case("people-movements", "SUP's movements put 12 on sortie 2, which carries 14")
def _(p):
    group(p, "SUP")["movements"][0]["count"] = 12


@case("commercial-date", "the first commercial flight is dated a year before the epoch "
      "(a fuzzing find: such a day once read past the sorties)")
def _(p):
    p["commercial"][0]["date"] = "2023-06-02"


@case("people-left", "one of SEC never leaves (the verdict says so)")
def _(p):
    d = sortie(p, 4)["load"]
    d["passengers"][0]["count"] = 7
    d["weight_kg"] = 900
    group(p, "SEC")["movements"][0]["count"] = 7
    p["summary"]["deadline_met"] = False


@case("people-ferry", "the ferry of sortie 1 flies in two of SUP, who are not augmentees")
def _(p):
    sortie(p, 1)["ferry"]["passengers"] = [{"people": "SUP", "count": 2}]


# ---- clearances ----

@case("clearance-lead", "clearance 1 filed by one day before departure")
def _(p):
    clearance(p, 1)["file_by"] = "2024-06-03T08:00Z"


@case("clearance-epoch", "clearance 1 filed by an hour before the epoch")
def _(p):
    clearance(p, 1)["file_by"] = "2024-05-31T22:00Z"


@case("clearance-opens", "sortie 1 leaves a day earlier, before clearances open")
def _(p):
    times(sortie(p, 1), "2024-06-03T00:24Z", "2024-06-03T06:00Z", "2024-06-03T08:00Z",
          "2024-06-03T13:36Z")
    r = clearance(p, 1)
    r.update(file_by="2024-06-01T08:00Z", window_from="2024-06-03T06:00Z",
             window_to="2024-06-04T06:00Z", date="2024-06-03")


@case("clearance-validity", "clearance 1's window is 12 h long; validity is 24 h")
def _(p):
    clearance(p, 1)["window_to"] = "2024-06-04T18:00Z"


@case("clearance-window", "clearance 1's window opens after the departure")
def _(p):
    clearance(p, 1).update(window_from="2024-06-04T09:00Z", window_to="2024-06-05T09:00Z")


@case("clearance-date", "clearance 1 dated the day after its departure")
def _(p):
    clearance(p, 1)["date"] = "2024-06-05"


@case("hours", "sortie 1 leaves at 05:30 local, before the permitted 06:00")
def _(p):
    times(sortie(p, 1), "2024-06-03T15:24Z", "2024-06-03T21:00Z", "2024-06-04T04:30Z",
          "2024-06-04T10:06Z")
    clearance(p, 1).update(file_by="2024-06-02T04:30Z", window_from="2024-06-03T21:00Z",
                           window_to="2024-06-04T21:00Z")


def move_s4(p, day, tail=1):
    """Sortie 4 (SEC and AUG, the last from BASE) on 2024-06-DD, 09:00 local."""
    d = "2024-06-%02d" % day
    x = sortie(p, 4)
    x["tail"] = tail
    times(x, d + "T00:24Z", d + "T06:00Z", d + "T08:00Z", d + "T13:36Z")
    clearance(p, 4).update(file_by="2024-06-%02dT08:00Z" % (day - 2),
                           window_from=d + "T06:00Z", window_to="2024-06-%02dT06:00Z" % (day + 1),
                           date=d)
    for g in ("SEC", "AUG"):
        group(p, g)["movements"][0].update(date=d, departure=d + "T08:00Z")
    site(p, "BASE")["closure"] = d + "T08:00Z"
    p["summary"]["completion"] = d + "T08:00Z"


@case("blackout", "sortie 4 leaves on the blackout day, 2024-06-08")
def _(p):
    move_s4(p, 8)


@case("cap-site", "sortie 2 leaves on the same day as sortie 1; BASE clears one a day")
def _(p):
    times(sortie(p, 2), "2024-06-04T04:24Z", "2024-06-04T10:00Z", "2024-06-04T12:00Z",
          "2024-06-04T17:36Z")
    clearance(p, 2).update(file_by="2024-06-02T12:00Z", window_from="2024-06-04T10:00Z",
                           window_to="2024-06-05T10:00Z", date="2024-06-04", count_site=2,
                           count_country=2)
    group(p, "SUP")["movements"][0].update(date="2024-06-04", departure="2024-06-04T12:00Z")


@case("cap-country", "two empty sorties from FOB on the day of sortie 4: three in the country")
def _(p):
    p["sorties"].append({
        "id": 5, "aircraft": "SMALL", "tail": 1, "site": "FOB", "destination": "HUB",
        "ferry": {"from": "HUB", "departure": "2024-06-07T01:40Z",
                  "arrival": "2024-06-07T09:00Z", "passengers": []},
        "arrival_at_site": "2024-06-07T09:00Z", "departure": "2024-06-07T10:00Z",
        "arrival": "2024-06-07T17:20Z", "clearance": 5,
        "load": {"weight_kg": 0, "acl_kg": 10000, "pallets": [], "cargo": [],
                 "passengers": [], "floor_m": 0, "seats_available": 20}})
    p["sorties"].append({
        "id": 6, "aircraft": "BIG", "tail": 2, "site": "FOB", "destination": "HUB",
        "ferry": {"from": "HUB", "departure": "2024-06-07T04:30Z",
                  "arrival": "2024-06-07T10:00Z", "passengers": []},
        "arrival_at_site": "2024-06-07T10:00Z", "departure": "2024-06-07T12:00Z",
        "arrival": "2024-06-07T17:30Z", "clearance": 6,
        "load": {"weight_kg": 0, "acl_kg": 15206.897, "pallets": [], "cargo": [],
                 "passengers": [], "floor_m": 0, "seats_available": 40}})
    for i, (dep, fr) in enumerate((("2024-06-07T10:00Z", "2024-06-07T09:00Z"),
                                   ("2024-06-07T12:00Z", "2024-06-07T10:00Z"))):
        p["clearances"].append({
            "id": 5 + i, "sortie": 5 + i, "site": "FOB", "airfield": "FOBX",
            "file_by": "2024-06-05T" + dep[11:], "window_from": fr,
            "window_to": "2024-06-08T" + fr[11:], "date": "2024-06-07",
            "count_site": 1 + i, "count_country": 2 + i})
    p["summary"].update(sorties=6, sorties_by_type={"BIG": 5, "SMALL": 1},
                        completion="2024-06-07T12:00Z")
    site(p, "FOB")["closure"] = "2024-06-07T12:00Z"


@case("clearance-contents", "clearance 1 states its call sign, route, passengers and weapons "
      "but no hazard class; sortie 1 carries the 1.1 demolition charges")
def _(p):
    clearance(p, 1).update(call_sign="BIG001", route="BASE-HUBX", passengers=0, hazards=[],
                           weapons=False)


# ---- caps per week and over time (against ../s-caps.yaml) ----

def fob_sorties(p, flights):
    """Append empty sorties from FOB: (aircraft, tail, date, departure hh:mm,
    ferry departure hh:mm, at site hh:mm, arrival hh:mm) each, with their
    clearances ranked by day; FOB's closure and the summary follow."""
    n = len(p["sorties"])
    for k, (ac, tail, day, dep, fdep, at, arr) in enumerate(flights):
        sid = n + 1 + k
        p["sorties"].append({
            "id": sid, "aircraft": ac, "tail": tail, "site": "FOB", "destination": "HUB",
            "ferry": {"from": "HUB", "departure": day + "T" + fdep + "Z",
                      "arrival": day + "T" + at + "Z", "passengers": []},
            "arrival_at_site": day + "T" + at + "Z", "departure": day + "T" + dep + "Z",
            "arrival": day + "T" + arr + "Z", "clearance": sid,
            "load": {"weight_kg": 0,
                     "acl_kg": 10000 if ac == "SMALL" else 15206.897,
                     "pallets": [], "cargo": [], "passengers": [], "floor_m": 0,
                     "seats_available": 20 if ac == "SMALL" else 40}})
        rank = sum(1 for f in flights[:k] if f[2] == day) + 1
        y, m, d = (int(x) for x in day.split("-"))
        fb = "%04d-%02d-%02d" % (y, m, d - 2)
        nx = "%04d-%02d-%02d" % (y, m, d + 1)
        p["clearances"].append({
            "id": sid, "sortie": sid, "site": "FOB", "airfield": "FOBX",
            "file_by": fb + "T" + dep + "Z", "window_from": day + "T" + at + "Z",
            "window_to": nx + "T" + at + "Z", "date": day,
            "count_site": rank, "count_country": rank})
    by_type = {"BIG": 0, "SMALL": 0}
    for x in p["sorties"]:
        by_type[x["aircraft"]] += 1
    last = max(x["departure"] for x in p["sorties"])
    fob = max(x["departure"] for x in p["sorties"] if x["site"] == "FOB")
    p["summary"].update(sorties=len(p["sorties"]),
                        sorties_by_type={k: v for k, v in by_type.items() if v},
                        completion=last)
    site(p, "FOB")["closure"] = fob


SMALL_AT_10 = ("10:00", "01:40", "09:00", "17:20")


@case("cap-weekly-country", "(s-caps.yaml) an empty sortie from FOB on 2024-06-10: five "
      "in the 7 days to then, the weekly cap is 4 (s-caps-calendar.yaml: FOB clears "
      "none before 2024-06-11)")
def _(p):
    fob_sorties(p, [("SMALL", 1, "2024-06-10") + SMALL_AT_10])


@case("cap-weekly-site", "(s-caps.yaml) empty sorties from FOB on 2024-06-11 and 2024-06-13; "
      "FOB clears one a week")
def _(p):
    fob_sorties(p, [("SMALL", 1, "2024-06-11") + SMALL_AT_10,
                    ("SMALL", 1, "2024-06-13") + SMALL_AT_10])


@case("cap-step", "(s-caps.yaml) two empty sorties from FOB on 2024-06-18; the country "
      "clears one a day from 2024-06-13")
def _(p):
    fob_sorties(p, [("SMALL", 1, "2024-06-18") + SMALL_AT_10,
                    ("BIG", 1, "2024-06-18", "12:00", "04:30", "10:00", "17:30")])


# ---- MOG, tails, itineraries ----

@case("mog-class", "sortie 3 lands while sortie 2 is on the ground; BASE takes one C17")
def _(p):
    x = sortie(p, 3)
    x["ferry"].update(departure="2024-06-04T23:24Z", arrival="2024-06-05T05:00Z")
    x["arrival_at_site"] = "2024-06-05T05:00Z"


@case("mog-reserved", "sortie 4 on 2024-06-12, when another force holds 2 of BASE's 2 slots")
def _(p):
    move_s4(p, 12)


@case("tail-count", "sortie 2 flies tail 3 of a type with 2")
def _(p):
    sortie(p, 2)["tail"] = 3


@case("tail-overlap", "sortie 3 on tail 2 ferries out while tail 2 flies sortie 2 (and MOG)")
def _(p):
    x = sortie(p, 3)
    x["tail"] = 2
    x["ferry"].update(departure="2024-06-04T23:24Z", arrival="2024-06-05T05:00Z")
    x["arrival_at_site"] = "2024-06-05T05:00Z"


@case("itinerary-from", "sortie 3 ferries from HUB2; tail 1 is at HUB")
def _(p):
    x = sortie(p, 3)
    x["ferry"].update({"from": "HUB2", "departure": "2024-06-05T22:14Z"})  # 406 min


@case("itinerary-flight", "sortie 1 lands at HUB after 5h 0m; the leg takes 5h 36m")
def _(p):
    sortie(p, 1)["arrival"] = "2024-06-04T13:00Z"


@case("itinerary-ground", "sortie 1 spends 1 h on the ground at BASE; the BIG needs 2 h")
def _(p):
    x = sortie(p, 1)
    x["ferry"].update(departure="2024-06-04T01:24Z", arrival="2024-06-04T07:00Z")
    x["arrival_at_site"] = "2024-06-04T07:00Z"


@case("itinerary-turn", "tail 1 turns at HUB in 1 h between sorties 3 and 4")
def _(p):
    x = sortie(p, 4)
    x["ferry"].update(departure="2024-06-06T13:36Z", arrival="2024-06-06T19:12Z")
    x["arrival_at_site"] = "2024-06-06T19:12Z"


@case("airfield-hours", "sortie 1 lands at BASE at 04:00 local; it opens at 05:00")
def _(p):
    x = sortie(p, 1)
    x["ferry"].update(departure="2024-06-03T21:24Z", arrival="2024-06-04T03:00Z")
    x["arrival_at_site"] = "2024-06-04T03:00Z"


# ---- tasks ----

def task(p, tid):
    return next(t for t in p["tasks"] if t["id"] == tid)


@case("task-duration", "CLEAN lasts 21 h; its duration is 1 d")
def _(p):
    task(p, "CLEAN")["end"] = "2024-06-03T20:00Z"


@case("task-precedence", "FINAL starts an hour before PACK's end plus 12 h")
def _(p):
    task(p, "FINAL").update(start="2024-06-03T10:00Z", end="2024-06-03T22:00Z")
    for g in ("SEC", "AUG"):
        group(p, g)["released"] = "2024-06-03T22:00Z"


@case("task-resource", "CLEAN runs beside PACK; BASE has one team")
def _(p):
    task(p, "CLEAN").update(start="2024-06-01T23:00Z", end="2024-06-02T23:00Z")


@case("task-missing", "CLEAN has no times")
def _(p):
    p["tasks"] = [t for t in p["tasks"] if t["id"] != "CLEAN"]


# ---- release times ----

@case("release-cargo", "the built-up pallet, ready on 2024-06-06, swaps with four boxes onto sortie 2")
def _(p):
    b, c = sortie(p, 2)["load"], sortie(p, 3)["load"]
    b["pallets"][0], c["pallets"][0] = (
        {"id": 5, "gross_kg": 3000, "height_m": 1.5, "pieces": [{"cargo": "PAL", "count": 1}]},
        {"id": 7, "gross_kg": 2161.0256, "height_m": 1.0, "pieces": [{"cargo": "BOX", "count": 4}]})
    b["weight_kg"] = 11761.0256
    c["weight_kg"] = 3722.0512


@case("release-people", "one of OPS leaves on sortie 2, half an hour before its release")
def _(p):
    b, c = sortie(p, 2)["load"], sortie(p, 3)["load"]
    b["passengers"].append({"people": "OPS", "count": 1, "escort": False})
    b["weight_kg"] = 11022.0512
    c["passengers"][0]["count"] = 9
    c["weight_kg"] = 4461.0256
    group(p, "OPS")["movements"] = [
        {"count": 1, "sortie": 2, "date": "2024-06-05", "departure": "2024-06-05T06:00Z"},
        {"count": 10, "sortie": 3, "date": "2024-06-06", "departure": "2024-06-06T07:00Z"}]


@case("manifest", "one of SEC leaves on sortie 2, 7 h after its release")
def _(p):
    b, d = sortie(p, 2)["load"], sortie(p, 4)["load"]
    b["passengers"].append({"people": "SEC", "count": 1, "escort": False})
    b["weight_kg"] = 11022.0512
    d["passengers"][0]["count"] = 7
    d["weight_kg"] = 900
    group(p, "SEC")["movements"] = [
        {"count": 1, "sortie": 2, "date": "2024-06-05", "departure": "2024-06-05T06:00Z"},
        {"count": 7, "sortie": 4, "date": "2024-06-07", "departure": "2024-06-07T08:00Z"}]
    p["milestones"][0]["personnel_out"] = 0.7692


@case("entry", "AUG's entry requested 11 h before arrival; the lead time is 1 d")
def _(p):
    group(p, "AUG")["entry_request_by"] = "2024-06-02T00:00Z"


# ---- sites: exits, commercial, security, ceiling ----

@case("exit-processing", "eight of SUP move to sortie 3: 19 leave BASE on 2024-06-06")
def _(p):
    b, c = sortie(p, 2)["load"], sortie(p, 3)["load"]
    b["passengers"][0]["count"] = 6
    b["weight_kg"] = 10122.0512
    c["passengers"].append({"people": "SUP", "count": 8, "escort": False})
    c["weight_kg"] = 5361.0256
    group(p, "SUP")["movements"] = [
        {"count": 6, "sortie": 2, "date": "2024-06-05", "departure": "2024-06-05T06:00Z"},
        {"count": 8, "sortie": 3, "date": "2024-06-06", "departure": "2024-06-06T07:00Z"}]


@case("commercial", "all four of FOBS on the commercial flight of 2024-06-02 (3 seats)")
def _(p):
    p["commercial"] = [p["commercial"][0]]
    p["commercial"][0]["passengers"][0]["count"] = 4
    group(p, "FOBS")["movements"] = [group(p, "FOBS")["movements"][0]]
    group(p, "FOBS")["movements"][0]["count"] = 4
    site(p, "FOB")["closure"] = "2024-06-02T11:00Z"


@case("security", "seven of SEC leave on sortie 3: one guards two")
def _(p):
    c, d = sortie(p, 3)["load"], sortie(p, 4)["load"]
    c["passengers"].append({"people": "SEC", "count": 7, "escort": False})
    c["weight_kg"] = 5261.0256
    d["passengers"][0]["count"] = 1
    d["weight_kg"] = 300
    group(p, "SEC")["movements"] = [
        {"count": 7, "sortie": 3, "date": "2024-06-06", "departure": "2024-06-06T07:00Z"},
        {"count": 1, "sortie": 4, "date": "2024-06-07", "departure": "2024-06-07T08:00Z"}]
    p["milestones"][0]["personnel_out"] = 0.9231


@case("ceiling", "FOBS leave a day later: 39 in the country when AUG arrive")
def _(p):
    for k, d in enumerate(("2024-06-03", "2024-06-04")):
        p["commercial"][k].update(date=d, departure=d + "T11:00Z")
        group(p, "FOBS")["movements"][k].update(date=d, departure=d + "T11:00Z")
    site(p, "FOB")["closure"] = "2024-06-04T11:00Z"


@case("deadline", "the last of FOBS leaves on 2024-06-21, after the deadline")
def _(p):
    p["commercial"][1].update(date="2024-06-21", departure="2024-06-21T11:00Z")
    group(p, "FOBS")["movements"][1].update(date="2024-06-21", departure="2024-06-21T11:00Z")
    site(p, "FOB")["closure"] = "2024-06-21T11:00Z"
    p["summary"].update(completion="2024-06-21T11:00Z", deadline_met=False)
    p["milestones"][0]["personnel_out"] = 0.7179


@case("site-close", "sortie 4 leaves BASE on 2024-06-19; BASE closes by 2024-06-18")
def _(p):
    move_s4(p, 19)


@case("milestone", "the built-up pallet waits for sortie 4: 0.83 of the cargo out by the milestone")
def _(p):
    c, d = sortie(p, 3)["load"], sortie(p, 4)["load"]
    pal = c["pallets"].pop(0)
    c["pallets"][0]["id"] = 7
    pal["id"] = 8
    d["pallets"] = [pal]
    c.update(weight_kg=1561.0256, floor_m=5, seats_available=30)
    d.update(weight_kg=4000, floor_m=5, seats_available=30)
    p["milestones"][0].update(met=False, cargo_out=0.8295, achieved="2024-06-07T08:00Z",
                              margin_hours=-9)
    p["summary"]["deadline_met"] = False


# ---- a second valid plan ----

def valid_ferry(p):
    """A second valid plan: AUG fly in on the ferry of sortie 1."""
    sortie(p, 1)["ferry"]["passengers"] = [{"people": "AUG", "count": 2}]
    group(p, "AUG")["arrivals"] = [{"count": 2, "sortie": 1}]


# ---- malformed plans (text, read errors) ----

MALFORMED = {
    "json-syntax": ("a trailing comma", '{\n  "format": "drawdown-plan",\n  "version": 1,\n}\n'),
    "not-object": ("a plan that is an array", "[1, 2]\n"),
    "not-plan": ("another file format", '{"format": "drawdown-loads", "version": 1}\n'),
}


def textual(name, note, old, new):
    MALFORMED[name] = (note, (old, new))


textual("unknown-key", "a misspelt sortie key: tial",
        '"id": 1, "aircraft": "BIG", "tail": 1,', '"id": 1, "aircraft": "BIG", "tial": 1,')
textual("wrong-type", "a tail given as a string",
        '"id": 2, "aircraft": "BIG", "tail": 2,', '"id": 2, "aircraft": "BIG", "tail": "2",')
textual("unknown-cargo", "a cargo id not in the inventory",
        '[{"cargo": "BOX", "count": 4}]', '[{"cargo": "BOXX", "count": 4}]')
textual("unknown-sortie", "a movement on a sortie the plan does not have",
        '"movements": [{"count": 8, "sortie": 4,', '"movements": [{"count": 8, "sortie": 9,')
textual("bad-time", "a time without Z",
        '"departure": "2024-06-04T08:00Z",', '"departure": "2024-06-04 08:00",')
textual("missing-key", "the clearances left out",
        '"clearances": [', '"clearance_requests": [')
textual("sortie-ids", "sorties numbered 1, 3, ...",
        '"id": 2, "aircraft": "BIG"', '"id": 3, "aircraft": "BIG"')
textual("duplicate-group", "a group listed twice",
        '{"people": "OPS", "site": "BASE", "count": 11,',
        '{"people": "SUP", "site": "BASE", "count": 11,')
textual("fleet-mix-type", "summary.fleet_mix given as a string",
        '"binding_detail": "nothing binds",',
        '"binding_detail": "nothing binds", "fleet_mix": "yes",')

textual("hazard-class", "clearance 1 declares hazard class 7, which the scenario does not have",
        '"date": "2024-06-04",\n     "count_site": 1, "count_country": 1},',
        '"date": "2024-06-04",\n     "count_site": 1, "count_country": 1, "hazards": ["1.1", "7"]},')

textual("objective-value", "summary.objective neither margin nor completion",
        '"binding_detail": "nothing binds",',
        '"binding_detail": "nothing binds", "objective": "soonest",')


def main():
    readme = ["# Bad plans for the verifier", "",
              "Each file is `../plan.json` with one thing broken (written by",
              "`mkbad.py`; the expected violations and errors are asserted in",
              "`tests/test_verify.c`).", "", "| file | what is broken |", "|---|---|"]
    for name, note, fn in CASES:
        p = copy.deepcopy(VALID)
        fn(p)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(p, f, indent=1)
            f.write("\n")
        readme.append("| `%s.json` | %s |" % (name, note))
    p = copy.deepcopy(VALID)
    valid_ferry(p)
    with open(os.path.join(HERE, "..", "plan-ferry.json"), "w") as f:
        json.dump(p, f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "..", "plan.json")) as f:
        text = f.read()
    readme += ["", "Malformed plans (read errors, exit status 2):", "",
               "| file | what is wrong |", "|---|---|"]
    for name, (note, body) in MALFORMED.items():
        if isinstance(body, tuple):
            old, new = body
            assert text.count(old) == 1, name
            body = text.replace(old, new)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            f.write(body)
        readme.append("| `%s.json` | %s |" % (name, note))
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write("\n".join(readme) + "\n")


main()
