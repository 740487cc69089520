#!/usr/bin/env python3
"""Wire-fidelity check of the vital-onboard emulator against the official Python SDKs.

Drives the emulator through BOTH official SDKs (PyPI `vital==2.1.569`, module `vital`,
and `junction-api-sdk==2.0.0`, module `junction`) and checks that
  * each SDK parses every response into its typed model without error,
  * the raw JSON also conforms to the OpenAPI response schema (junction-openapi.json),
  * error responses surface as the SDK's typed errors with the expected status codes.

Usage:
    python check.py BASE_URL [API_KEY] [--sdk vital|junction|both] [--spec PATH]
    # or: VITAL_BASE_URL=http://127.0.0.1:PORT VITAL_API_KEY=testkey python check.py

Setup (once):
    python3 -m venv /tmp/sdkcheck/venv
    /tmp/sdkcheck/venv/bin/pip install -r tests/sdk_fidelity/requirements.txt
Emulator:
    vital-onboard emulator --port 0 --users 20 --api-key testkey   # prints "listening on URL"

Each check prints one line "PASS ..." or "FAIL ... -- reason"; "NOTE ..." lines are
informational and not counted.  Last line: "N passed, M failed"; exit 1 if M > 0.
An SDK "rejected client-side" means it raised before sending any HTTP request.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import time
import traceback
import uuid
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import httpx

# The legacy `vital` SDK declares pydantic-v1 style Config keys; pydantic v2 warns about them on import.
warnings.filterwarnings("ignore", message="Valid config keys have changed in V2", category=UserWarning)

# --------------------------------------------------------------------------------------
# results

PASSED = 0
FAILED = 0


def report(ok: bool, name: str, reason: str = "") -> None:
    global PASSED, FAILED
    reason = " | ".join(x.strip() for x in reason.splitlines())
    if ok:
        PASSED += 1
        print(f"PASS {name}" + (f" -- {reason}" if reason else ""), flush=True)
    else:
        FAILED += 1
        print(f"FAIL {name} -- {reason}", flush=True)


def note(name: str, msg: str) -> None:
    msg = " | ".join(x.strip() for x in msg.splitlines())
    print(f"NOTE {name} -- {msg}", flush=True)


class CheckFailed(Exception):
    pass


def expect(cond: bool, msg: str) -> None:
    if not cond:
        raise CheckFailed(msg)


def short(obj: Any, n: int = 300) -> str:
    s = obj if isinstance(obj, str) else json.dumps(obj, default=str)
    return s if len(s) <= n else s[:n] + "..."


# --------------------------------------------------------------------------------------
# minimal OpenAPI 3.1 / JSON-schema validator (only what the Junction spec uses)

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


class Spec:
    def __init__(self, path: Path):
        self.doc = json.loads(path.read_text())
        self.schemas = self.doc["components"]["schemas"]
        self.version = self.doc.get("info", {}).get("version", "?")

    def response_schema(self, method: str, path: str, status: int) -> Optional[dict]:
        op = self.doc["paths"][path][method.lower()]
        resp = op["responses"].get(str(status))
        if resp is None:
            return None
        return resp.get("content", {}).get("application/json", {}).get("schema", {})

    def declared_statuses(self, method: str, path: str) -> List[str]:
        return list(self.doc["paths"][path][method.lower()]["responses"].keys())

    def deref(self, s: dict) -> dict:
        while "$ref" in s:
            s = self.schemas[s["$ref"].split("/")[-1]]
        return s

    def validate(self, value: Any, schema: dict, where: str = "$", errs: Optional[List[str]] = None,
                 notes: Optional[List[str]] = None) -> List[str]:
        """Returns a list of violations; `notes` collects non-violations worth showing (extra keys)."""
        if errs is None:
            errs = []
        if notes is None:
            notes = []
        name = schema["$ref"].split("/")[-1] if "$ref" in schema else None
        s = self.deref(schema)
        tag = f" ({name})" if name else (f" ({s['title']})" if "title" in s and "properties" in s else "")
        if "anyOf" in s or "oneOf" in s:
            alts = s.get("anyOf") or s.get("oneOf")
            alt_errs = []
            for alt in alts:
                e: List[str] = []
                self.validate(value, alt, where, e, [])
                if not e:
                    self.validate(value, alt, where, [], notes)
                    return errs
                alt_errs.append(e)
            best = min(alt_errs, key=len)
            errs.append(f"{where}: matches none of anyOf{tag}: " + "; ".join(best[:3]))
            return errs
        for sub in s.get("allOf", []):
            self.validate(value, sub, where, errs, notes)
        if "const" in s and value != s["const"]:
            errs.append(f"{where}: {short(value, 60)} != const {s['const']!r}")
        if "enum" in s and value not in s["enum"]:
            errs.append(f"{where}: {short(value, 60)} not in enum {s.get('title', '')}")
        t = s.get("type")
        if t is None:
            return errs
        types = t if isinstance(t, list) else [t]
        ok_type = any(_is_type(value, tt) for tt in types)
        if not ok_type:
            errs.append(f"{where}: expected {t}{tag}, got {type(value).__name__} {short(value, 60)}")
            return errs
        if isinstance(value, str):
            fmt = s.get("format")
            if fmt in ("uuid", "uuid4") and not UUID_RE.match(value):
                errs.append(f"{where}: {value!r} is not a {fmt}")
            elif fmt == "date-time" and not DATETIME_RE.match(value):
                errs.append(f"{where}: {value!r} is not an RFC 3339 date-time")
            elif fmt == "date" and not DATE_RE.match(value):
                errs.append(f"{where}: {value!r} is not a date")
            if "minLength" in s and len(value) < s["minLength"]:
                errs.append(f"{where}: shorter than {s['minLength']}")
        if isinstance(value, list):
            if "minItems" in s and len(value) < s["minItems"]:
                errs.append(f"{where}: fewer than {s['minItems']} items")
            if "items" in s:
                for i, v in enumerate(value):
                    self.validate(v, s["items"], f"{where}[{i}]", errs, notes)
        if isinstance(value, dict):
            props = s.get("properties", {})
            for req in s.get("required", []):
                if req not in value:
                    errs.append(f"{where}: required field '{req}' missing{tag}")
            for k, v in value.items():
                if k in props:
                    self.validate(v, props[k], f"{where}.{k}", errs, notes)
                else:
                    ap = s.get("additionalProperties")
                    if isinstance(ap, dict):
                        self.validate(v, ap, f"{where}.{k}", errs, notes)
                    elif ap is False:
                        errs.append(f"{where}: unexpected field '{k}'{tag}")
                    elif props:
                        notes.append(f"{where}.{k} not in spec{tag}")
                if "propertyNames" in s:
                    self.validate(k, s["propertyNames"], f"{where}<key {k!r}>", errs, notes)
        return errs


def _is_type(v: Any, t: str) -> bool:
    return {
        "string": lambda: isinstance(v, str),
        "integer": lambda: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda: isinstance(v, bool),
        "array": lambda: isinstance(v, list),
        "object": lambda: isinstance(v, dict),
        "null": lambda: v is None,
    }[t]()


# --------------------------------------------------------------------------------------
# HTTP capture: every request the SDK really sends goes through these hooks


class Capture:
    def __init__(self) -> None:
        self.sent: List[httpx.Request] = []
        self.responses: List[httpx.Response] = []

    def on_request(self, request: httpx.Request) -> None:
        self.sent.append(request)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)

    def mark(self) -> int:
        return len(self.sent)

    def last(self) -> httpx.Response:
        return self.responses[-1]


def last_json(cap: Capture) -> Any:
    r = cap.last()
    try:
        return r.json()
    except Exception:
        return r.text


# --------------------------------------------------------------------------------------
# SDK adapters


class Sdk:
    name: str

    def __init__(self, name: str, client: Any, cap: Capture, ApiError, BadRequestError,
                 UnprocessableEntityError, parse_errors: tuple, models: Dict[str, Any]):
        self.name = name
        self.c = client
        self.cap = cap
        self.ApiError = ApiError
        self.BadRequestError = BadRequestError
        self.UnprocessableEntityError = UnprocessableEntityError
        self.parse_errors = parse_errors
        self.models = models


RO = {"max_retries": 0}  # no SDK retries: every request seen by the hooks is exactly one call


def make_http(cap: Capture) -> httpx.Client:
    return httpx.Client(timeout=15.0, event_hooks={"request": [cap.on_request], "response": [cap.on_response]})


def load_vital(base_url: str, key: str) -> Sdk:
    import pydantic
    from vital import Vital
    from vital.core.api_error import ApiError
    from vital.errors import BadRequestError, UnprocessableEntityError
    from vital import types as T

    cap = Capture()
    # vital 2.1.569: Vital(api_key=..., base_url=...) -- base_url overrides `environment`
    # (VitalEnvironment.PRODUCTION = https://api.tryvital.io); paths are appended as base_url + "/v2/...".
    client = Vital(api_key=key, base_url=base_url, httpx_client=make_http(cap), timeout=15.0)
    models = {n: getattr(T, n) for n in (
        "PaginatedUsersResponse", "ClientFacingUser", "ClientFacingUserKey", "ClientFacingProviderWithStatus",
        "UserSuccessResponse", "ClientFacingProviderDetailed", "LinkTokenExchangeResponse", "SourceLink",
        "DemoConnectionStatus", "HttpValidationError", "VitalTokenCreatedResponse")}
    print(f"# SDK vital ({_dist_version('vital')}) -> {base_url}")
    return Sdk("vital", client, cap, ApiError, BadRequestError, UnprocessableEntityError,
               (pydantic.ValidationError,), models)


def load_junction(base_url: str, key: str) -> Sdk:
    import pydantic
    from junction import Junction
    from junction.core.api_error import ApiError
    from junction.core.parse_error import ParsingError
    from junction.errors import BadRequestError, UnprocessableEntityError
    from junction import types as T

    cap = Capture()
    # junction-api-sdk 2.0.0: Junction(api_key=..., base_url=...) -- base_url overrides `environment`
    # (JunctionEnvironment.PRODUCTION = https://api.us.junction.com).
    client = Junction(api_key=key, base_url=base_url, httpx_client=make_http(cap), timeout=15.0, max_retries=0)
    models = {n: getattr(T, n) for n in (
        "PaginatedUsersResponse", "ClientFacingUser", "ClientFacingProviderWithStatus",
        "UserSuccessResponse", "ClientFacingProviderDetailed", "LinkTokenExchangeResponse", "SourceLink",
        "DemoConnectionStatus", "HttpValidationError", "VitalTokenCreatedResponse")}
    print(f"# SDK junction ({_dist_version('junction-api-sdk')}) -> {base_url}")
    return Sdk("junction", client, cap, ApiError, BadRequestError, UnprocessableEntityError,
               (ParsingError, pydantic.ValidationError), models)


def _dist_version(dist: str) -> str:
    try:
        from importlib.metadata import version
        return f"{dist}=={version(dist)}"
    except Exception:
        return dist


# --------------------------------------------------------------------------------------
# the checks


class Runner:
    def __init__(self, sdk: Sdk, spec: Optional[Spec]):
        self.sdk = sdk
        self.spec = spec
        self.state: Dict[str, Any] = {}
        self.seen_notes: set = set()

    # one SDK call that should succeed (2xx) and parse into `model`
    def call_ok(self, label: str, method: str, spec_path: str, model: str, fn: Callable[[], Any],
                asserts: Optional[Callable[[Any, Any], None]] = None,
                from_raw: Optional[Callable[[Any], None]] = None) -> Any:
        """`from_raw` pulls ids needed by later steps out of the raw JSON, so that one parse failure
        does not cascade into unrelated failures."""
        name = f"[{self.sdk.name}] {method} {spec_path} {label}".rstrip()
        cap = self.sdk.cap
        m = cap.mark()
        result = None
        try:
            result = fn()
            raw = last_json(cap)
            expect(_is_model(result, self.sdk.models, model), f"SDK returned {type(result).__name__}, not {model}")
            if asserts:
                asserts(result, raw)
            report(True, name, f"parsed as {model}")
        except self.sdk.parse_errors as e:
            report(False, name, f"SDK could not parse {cap.last().status_code} response into {model}: "
                                f"{_parse_err(e)}; body={short(last_json(cap))}")
        except self.sdk.ApiError as e:
            report(False, name, f"SDK raised {type(e).__name__} status={e.status_code} body={short(e.body)}")
        except CheckFailed as e:
            report(False, name, str(e))
        except Exception as e:  # noqa: BLE001
            report(False, name, f"unexpected {type(e).__name__}: {e}")
        if cap.mark() > m:
            r = cap.last()
            if from_raw and 200 <= r.status_code < 300:
                try:
                    from_raw(r.json())
                except Exception:  # noqa: BLE001
                    pass
            self.spec_check(name, method, spec_path, r)
        return result

    # one SDK call that should fail with `status`
    def call_err(self, label: str, method: str, spec_path: str, status: int, err_cls: Any,
                 fn: Callable[[], Any], asserts: Optional[Callable[[Any], None]] = None) -> None:
        name = f"[{self.sdk.name}] {method} {spec_path} {label}"
        cap = self.sdk.cap
        m = cap.mark()
        try:
            try:
                res = fn()
            except self.sdk.ApiError as e:
                sent = cap.mark() > m
                expect(sent, f"SDK raised {type(e).__name__} without sending a request")
                expect(e.status_code == status,
                       f"emulator answered {e.status_code} (expected {status}); body={short(e.body)}")
                expect(isinstance(e, err_cls),
                       f"SDK raised {type(e).__name__}, expected {err_cls.__name__}")
                if asserts:
                    asserts(e)
                report(True, name, f"sent; server answered {e.status_code}, SDK raised {type(e).__name__}; "
                                   f"detail={short(_detail(e.body), 160)}")
            except CheckFailed:
                raise
            except Exception as e:  # noqa: BLE001
                if cap.mark() == m:
                    report(True, name, f"rejected client-side before sending: {type(e).__name__}: {short(str(e), 200)}")
                    note(name, "SDK validated client-side; emulator path not exercised by this SDK")
                elif isinstance(e, self.sdk.parse_errors):
                    report(False, name, f"SDK could not parse the {cap.last().status_code} error body: "
                                        f"{_parse_err(e)}; body={short(last_json(cap))}")
                else:
                    report(False, name, f"unexpected {type(e).__name__}: {e}")
            else:
                r = cap.last() if cap.mark() > m else None
                report(False, name, f"SDK call succeeded ({r.status_code if r else 'no request'}) "
                                    f"and returned {short(repr(res), 200)}; expected {status}")
        except CheckFailed as e:
            report(False, name, str(e))
        except Exception as e:  # noqa: BLE001
            report(False, name, f"unexpected {type(e).__name__}: {e}")
        if cap.mark() > m:
            r = cap.last()
            self.spec_check(name, method, spec_path, r)

    def spec_check(self, name: str, method: str, spec_path: str, resp: httpx.Response) -> None:
        if self.spec is None:
            return
        sname = f"{name} [spec]"
        st = resp.status_code
        declared = self.spec.declared_statuses(method, spec_path)
        ctype = resp.headers.get("content-type", "")
        try:
            body = resp.json()
        except Exception:
            report(False, sname, f"{st} body is not JSON (content-type {ctype!r}): {short(resp.text)}")
            return
        if not ctype.startswith("application/json"):
            report(False, sname, f"content-type {ctype!r}, spec says application/json")
            return
        schema = self.spec.response_schema(method, spec_path, st)
        if schema is None:
            # undocumented status: spec declares only `declared`; check the generic error shape
            ok = isinstance(body, dict) and "detail" in body
            note(sname, f"status {st} not declared by spec (declares {','.join(declared)})")
            report(ok, sname, f"undocumented {st} with {{detail: ...}} body" if ok
                   else f"undocumented {st} without a 'detail' key: {short(body)}")
            return
        notes: List[str] = []
        errs = self.spec.validate(body, schema, "$", [], notes)
        notes += _style_notes(body)
        if st == 422 and not errs:
            errs += _fastapi_422_errs(body)
        # style notes: each kind printed once per SDK (first endpoint where it shows up)
        for n in notes:
            k = re.sub(r"^\S*?(\.\w+)?: ", r"\1: ", re.sub(r"\[\d+\]", "[*]", n))
            k = re.sub(r"^\$\S*\.(\w+) ", r"\1 ", k)
            k = re.sub(r", e\.g\. '.*?' ", " ", re.sub(r"with \d+ fractional", "with N fractional", k))
            if k not in self.seen_notes:
                self.seen_notes.add(k)
                note(sname, re.sub(r"\[\d+\]", "[*]", n) + " [shown once per SDK]")
        target = schema.get("$ref", "").split("/")[-1] or schema.get("title", "inline schema")
        report(not errs, sname, f"{st} body conforms to {target} (spec v{self.spec.version})" if not errs
               else f"{st} body violates {target}: " + "; ".join(errs[:6]) + (f" (+{len(errs) - 6} more)" if len(errs) > 6 else ""))

    # ---------------------------------------------------------------------------------
    def run(self) -> None:
        c = self.sdk.c
        st = self.state
        tag = uuid.uuid4().hex[:8]

        # list users, two pages
        def a_list(res, raw):
            expect(res.offset == 0 and res.limit == 5, f"offset/limit echoed as {res.offset}/{res.limit}")
            expect(len(res.users) == min(5, res.total), f"{len(res.users)} users for total {res.total}")
            expect(res.total >= 26, f"total {res.total} < 26 seeded users")
            st["page1"] = [u.user_id for u in res.users]
        self.call_ok("(offset=0, limit=5)", "GET", "/v2/user", "PaginatedUsersResponse",
                     lambda: c.user.get_all(offset=0, limit=5, request_options=RO), a_list,
                     lambda raw: st.setdefault("page1", [u.get("user_id") for u in raw.get("users", [])]))

        def a_defaults(res, raw):
            expect(res.offset == 0 and res.limit == 100,
                   f"no offset/limit sent: echoed {res.offset}/{res.limit}, spec defaults are 0/100")
        self.call_ok("(no params: spec defaults)", "GET", "/v2/user", "PaginatedUsersResponse",
                     lambda: c.user.get_all(request_options=RO), a_defaults)

        def a_list2(res, raw):
            expect(res.offset == 2 and res.limit == 2, f"offset/limit echoed as {res.offset}/{res.limit}")
            ids = [u.user_id for u in res.users]
            expect(ids == st.get("page1", [])[2:4], f"page offset=2 gives {ids}, expected {st.get('page1', [])[2:4]}")
        self.call_ok("(offset=2, limit=2)", "GET", "/v2/user", "PaginatedUsersResponse",
                     lambda: c.user.get_all(offset=2, limit=2, request_options=RO), a_list2)

        # resolve by client_user_id
        def a_resolve(res, raw):
            expect(res.client_user_id == "mrn-100232", f"client_user_id {res.client_user_id}")
            st["mrn"] = res.user_id
        self.call_ok("(mrn-100232)", "GET", "/v2/user/resolve/{client_user_id}", "ClientFacingUser",
                     lambda: c.user.get_by_client_user_id("mrn-100232", request_options=RO), a_resolve,
                     lambda raw: st.setdefault("mrn", raw.get("user_id")))

        # get user
        def a_get(res, raw):
            expect(res.user_id == st.get("mrn"), f"user_id {res.user_id} != {st.get('mrn')}")
            expect(res.client_user_id == "mrn-100232", f"client_user_id {res.client_user_id}")
            expect(isinstance(res.created_on, dt.datetime), "created_on not a datetime")
        self.call_ok("", "GET", "/v2/user/{user_id}", "ClientFacingUser",
                     lambda: c.user.get(st.get("mrn") or str(uuid.uuid4()), request_options=RO), a_get)

        # search by client_user_id fragment and by UUID
        def a_search(res, raw):
            expect(isinstance(res, list), "not a list")
            cids = sorted(u.client_user_id for u in res)
            expect("trial-cgm-007" in cids and "trial-cgm-008" in cids, f"found {cids}")
        self.call_ok("(query_id=trial-cgm)", "GET", "/v2/team/users/search", "List[ClientFacingUser]",
                     lambda: c.team.get_user_by_id(query_id="trial-cgm", request_options=RO), a_search)

        def a_search2(res, raw):
            expect([u.user_id for u in res] == [st.get("mrn")], f"found {[u.user_id for u in res]}")
        self.call_ok("(query_id=<uuid>)", "GET", "/v2/team/users/search", "List[ClientFacingUser]",
                     lambda: c.team.get_user_by_id(query_id=st.get("mrn") or "xx", request_options=RO), a_search2)

        # connected providers of a seeded user (one connected, one in error)
        def a_prov_seed(res, raw):
            expect(list(res.keys()) == ["providers"], f"keys {list(res.keys())}")
            expect(len(res["providers"]) >= 1, "no providers")
        self.call_ok("(seeded mrn-100232)", "GET", "/v2/user/providers/{user_id}",
                     "Dict[str, List[ClientFacingProviderWithStatus]]",
                     lambda: c.user.get_connected_providers(st.get("mrn") or str(uuid.uuid4()), request_options=RO),
                     a_prov_seed)

        # create user
        cuid = f"sdkcheck-{self.sdk.name}-{tag}"
        create_model = "ClientFacingUserKey" if "ClientFacingUserKey" in self.sdk.models else "ClientFacingUser"

        def a_create(res, raw):
            expect(res.client_user_id == cuid, f"client_user_id {res.client_user_id}")
            expect(UUID_RE.match(res.user_id or "") is not None, f"user_id {res.user_id!r} not a UUID")
            st["new"] = res.user_id
        self.call_ok(f"(create {cuid})", "POST", "/v2/user", create_model,
                     lambda: c.user.create(client_user_id=cuid, request_options=RO), a_create,
                     lambda raw: st.setdefault("new", raw.get("user_id")))
        new = st.get("new") or str(uuid.uuid4())

        # duplicate create -> 400 BadRequestError with detail.user_id
        def a_dup(e):
            d = e.body.get("detail") if isinstance(e.body, dict) else None
            expect(isinstance(d, dict), f"body.detail is not an object: {short(e.body)}")
            expect(d.get("user_id") == new, f"detail.user_id {d.get('user_id')!r} != created {new}")
        self.call_err("(duplicate client_user_id)", "POST", "/v2/user", 400, self.sdk.BadRequestError,
                      lambda: c.user.create(client_user_id=cuid, request_options=RO), a_dup)

        # create with every optional UserCreateBody field; they must come back (GET) in
        # ClientFacingUser shape: fallback_time_zone -> FallbackTimeZone{id,...},
        # fallback_birth_date -> FallbackBirthDate{value,...}, ingestion_start/end -> date strings
        cuid2 = f"sdkcheck-{self.sdk.name}-opt-{tag}"
        self.call_ok("(create with fallback_time_zone, fallback_birth_date, ingestion_start/end)", "POST",
                     "/v2/user", create_model,
                     lambda: c.user.create(client_user_id=cuid2, fallback_time_zone="Europe/London",
                                           fallback_birth_date="1980-02-03", ingestion_start="2024-01-01",
                                           ingestion_end="2025-01-01", request_options=RO),
                     None, lambda raw: st.setdefault("opt", raw.get("user_id")))

        def a_opt(res, raw):
            got = {
                "fallback_time_zone.id": getattr(res.fallback_time_zone, "id", None),
                "fallback_birth_date.value": getattr(res.fallback_birth_date, "value", None),
                "ingestion_start": res.ingestion_start, "ingestion_end": res.ingestion_end,
            }
            want = {"fallback_time_zone.id": "Europe/London", "fallback_birth_date.value": "1980-02-03",
                    "ingestion_start": "2024-01-01", "ingestion_end": "2025-01-01"}
            bad = {k: got[k] for k in want if got[k] != want[k]}
            expect(not bad, "optional create fields not stored/returned: " + ", ".join(
                f"{k}={v!r} (sent {want[k]!r})" for k, v in bad.items()) + f"; raw: {short({k.split('.')[0]: raw.get(k.split('.')[0]) for k in want}, 240)}")
        self.call_ok("(user created with optional fields)", "GET", "/v2/user/{user_id}", "ClientFacingUser",
                     lambda: c.user.get(st.get("opt") or str(uuid.uuid4()), request_options=RO), a_opt)

        # link token with every option
        redirect = "https://example.com/vital/callback?x=1"

        def a_token(res, raw):
            expect(bool(res.link_token), "empty link_token")
            expect(bool(res.link_web_url), "empty link_web_url")
            from urllib.parse import parse_qs, urlparse
            q = parse_qs(urlparse(res.link_web_url).query)
            expect(q.get("token") == [res.link_token],
                   f"link_web_url token param {q.get('token')} != link_token {res.link_token!r}")
            st["token"] = res.link_token
        self.call_ok("(filter_on_providers, redirect_url, on_error, on_close)", "POST", "/v2/link/token",
                     "LinkTokenExchangeResponse",
                     lambda: c.link.token(user_id=new, filter_on_providers=["oura", "fitbit"], redirect_url=redirect,
                                          on_error="redirect", on_close="redirect", request_options=RO), a_token,
                     lambda raw: st.setdefault("token", raw.get("link_token")))
        if self.sdk.cap.sent:
            body = json.loads(self.sdk.cap.sent[-1].content or b"{}")
            note(f"[{self.sdk.name}] POST /v2/link/token", f"request body sent: {short(body)}")

        # link providers for that token
        def a_lprov(res, raw):
            slugs = sorted(p.slug for p in res)
            expect(slugs == ["fitbit", "oura"], f"filter_on_providers [oura, fitbit] not applied: got {slugs}")
        self.call_ok("(x-vital-link-token)", "GET", "/v2/link/providers", "List[SourceLink]",
                     lambda: c.link.get_all_providers(vital_link_token=st.get("token", "missing"), request_options=RO),
                     a_lprov)
        if self.sdk.cap.sent:
            h = self.sdk.cap.sent[-1].headers
            if "x-vital-api-key" in h:
                note(f"[{self.sdk.name}] GET /v2/link/providers",
                     "SDK also sends x-vital-api-key with the link token (emulator accepted it)")

        # demo connection
        def a_demo(res, raw):
            expect(res.success is True, f"success={res.success}")
        self.call_ok("(oura)", "POST", "/v2/link/connect/demo", "DemoConnectionStatus",
                     lambda: c.link.connect_demo_provider(user_id=new, provider="oura", request_options=RO), a_demo)

        # connected providers of the new user
        def a_prov(res, raw):
            slugs = [p.slug for p in res.get("providers", [])]
            expect("oura" in slugs, f"oura not connected after demo connect: {slugs}")
        self.call_ok("(after demo connect)", "GET", "/v2/user/providers/{user_id}",
                     "Dict[str, List[ClientFacingProviderWithStatus]]",
                     lambda: c.user.get_connected_providers(new, request_options=RO), a_prov)

        # the user's connected_sources should now show oura too
        def a_get_new(res, raw):
            slugs = [s.provider.slug for s in res.connected_sources]
            expect("oura" in slugs, f"connected_sources {slugs}")
        self.call_ok("(new user, after demo connect)", "GET", "/v2/user/{user_id}", "ClientFacingUser",
                     lambda: c.user.get(new, request_options=RO), a_get_new)

        # deregister provider
        def a_dereg(res, raw):
            expect(res.success is True, f"success={res.success}")
        self.call_ok("(oura)", "DELETE", "/v2/user/{user_id}/{provider}", "UserSuccessResponse",
                     lambda: c.user.deregister_provider(new, "oura", request_options=RO), a_dereg)

        def a_prov_after(res, raw):
            slugs = [p.slug for p in res.get("providers", [])]
            expect("oura" not in slugs, f"oura still listed after deregister: {slugs}")
        self.call_ok("(after deregister)", "GET", "/v2/user/providers/{user_id}",
                     "Dict[str, List[ClientFacingProviderWithStatus]]",
                     lambda: c.user.get_connected_providers(new, request_options=RO), a_prov_after)

        # providers catalogue
        def a_providers(res, raw):
            slugs = [p.slug for p in res]
            expect("oura" in slugs and len(slugs) >= 4, f"slugs {slugs}")
        self.call_ok("", "GET", "/v2/providers", "List[ClientFacingProviderDetailed]",
                     lambda: c.providers.get_all(request_options=RO), a_providers)

        # ---- bad requests
        U422 = self.sdk.UnprocessableEntityError

        def loc_is(*loc):
            def f(e):
                d = _detail(e.body)
                expect(isinstance(d, list) and d, f"422 detail is not a non-empty list: {short(d)}")
                locs = [list(x.get("loc", [])) for x in d if isinstance(x, dict)]
                expect(list(loc) in [l[:len(loc)] for l in locs], f"no error at loc {list(loc)}: {locs}")
            return f

        self.call_err("(limit=501)", "GET", "/v2/user", 422, U422,
                      lambda: c.user.get_all(limit=501, request_options=RO), loc_is("query", "limit"))
        self.call_err("(user_id not a UUID)", "POST", "/v2/link/token", 422, U422,
                      lambda: c.link.token(user_id="not-a-uuid", request_options=RO), loc_is("body", "user_id"))
        self.call_err("(provider=not_a_provider)", "POST", "/v2/link/token", 422, U422,
                      lambda: c.link.token(user_id=new, provider="not_a_provider", request_options=RO),
                      loc_is("body", "provider"))
        self.call_err("(filter_on_providers=[])", "POST", "/v2/link/token", 422, U422,
                      lambda: c.link.token(user_id=new, filter_on_providers=[], request_options=RO),
                      loc_is("body", "filter_on_providers"))
        self.call_err("(on_error=close)", "POST", "/v2/link/token", 422, U422,
                      lambda: c.link.token(user_id=new, on_error="close", request_options=RO),
                      loc_is("body", "on_error"))

        # extra spec-declared validations (not in the original list): query_id minLength 2, user_id uuid
        self.call_err("(query_id=x, minLength 2)", "GET", "/v2/team/users/search", 422, U422,
                      lambda: c.team.get_user_by_id(query_id="x", request_options=RO), loc_is("query", "query_id"))
        self.call_err("(user_id not a UUID)", "GET", "/v2/user/{user_id}", 422, U422,
                      lambda: c.user.get("not-a-uuid", request_options=RO), loc_is("path", "user_id"))

        self.call_err("(fallback_birth_date='03/02/1980', spec format date)", "POST", "/v2/user", 422, U422,
                      lambda: c.user.create(client_user_id=f"sdkcheck-{self.sdk.name}-baddate-{tag}",
                                            fallback_birth_date="03/02/1980", request_options=RO),
                      loc_is("body", "fallback_birth_date"))

        unknown = str(uuid.uuid4())

        def a_404(e):
            expect(isinstance(e.body, dict) and "detail" in e.body, f"body has no 'detail': {short(e.body)}")
        self.call_err("(unknown user)", "POST", "/v2/link/token", 404, self.sdk.ApiError,
                      lambda: c.link.token(user_id=unknown, request_options=RO), a_404)

        # app codes for the Junction Connect app: the spec's pattern, the app link, the expiry
        code_re = re.compile(r"^(sk|pk)(eu|us)([\da-f]{8})")

        def a_code(res, raw):
            expect(bool(code_re.match(res.code)), f"code {res.code!r} does not match the spec's pattern")
            expect(res.exchange_url == f"tryvital://tryvital?code={res.code}",
                   f"exchange_url {res.exchange_url!r}")
            left = (res.expires_at - dt.datetime.now(dt.timezone.utc)).total_seconds()
            expect(3500 < left <= 3700, f"default expiry not an hour ahead: {res.expires_at} ({left:.0f}s)")
        self.call_ok("(default expiry)", "POST", "/v2/link/code/create", "VitalTokenCreatedResponse",
                     lambda: c.link.code_create(user_id=new, request_options=RO), a_code)
        at = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=30)).replace(microsecond=0)

        def a_code_at(res, raw):
            expect(res.expires_at == at, f"expires_at {res.expires_at} != asked {at}")
        self.call_ok("(expires_at in 30 min)", "POST", "/v2/link/code/create", "VitalTokenCreatedResponse",
                     lambda: c.link.code_create(user_id=new, expires_at=at, request_options=RO), a_code_at)
        self.call_err("(user_id not a UUID)", "POST", "/v2/link/code/create", 422, U422,
                      lambda: c.link.code_create(user_id="not-a-uuid", request_options=RO),
                      loc_is("query", "user_id"))
        self.call_err("(unknown user)", "POST", "/v2/link/code/create", 404, self.sdk.ApiError,
                      lambda: c.link.code_create(user_id=unknown, request_options=RO), a_404)

        # delete user, then it is gone
        def a_del(res, raw):
            expect(res.success is True, f"success={res.success}")
        self.call_ok("", "DELETE", "/v2/user/{user_id}", "UserSuccessResponse",
                     lambda: c.user.delete(new, request_options=RO), a_del)
        self.call_err("(after delete)", "GET", "/v2/user/{user_id}", 404, self.sdk.ApiError,
                      lambda: c.user.get(new, request_options=RO), a_404)


def _is_model(result: Any, models: Dict[str, Any], model: str) -> bool:
    if model.startswith("List["):
        inner = models[model[5:-1]]
        return isinstance(result, list) and all(isinstance(x, inner) for x in result)
    if model.startswith("Dict[str, List["):
        inner = models[model[len("Dict[str, List["):-2]]
        return isinstance(result, dict) and all(
            isinstance(v, list) and all(isinstance(x, inner) for x in v) for v in result.values())
    return isinstance(result, models[model])


def _detail(body: Any) -> Any:
    if hasattr(body, "detail"):
        return body.detail
    if isinstance(body, dict):
        return body.get("detail")
    return body


def _parse_err(e: Exception) -> str:
    cause = getattr(e, "cause", None) or e
    errs = getattr(cause, "errors", None)
    if callable(errs):
        try:
            return "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']} (input {short(x.get('input'), 60)})"
                             for x in errs()[:5])
        except Exception:
            pass
    return f"{type(cause).__name__}: {str(cause)[:300]}"


FRAC_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d{7,})")


def _style_notes(body: Any, where: str = "$") -> List[str]:
    """Legal per spec but unlike the real service (informational only)."""
    out: List[str] = []
    if isinstance(body, dict):
        for k, v in body.items():
            if k == "logo" and v == "":
                out.append(f"{where}.logo is an empty string (legal: spec type is string; spec examples carry a URL)")
            out += _style_notes(v, f"{where}.{k}")
    elif isinstance(body, list):
        for i, v in enumerate(body):
            out += _style_notes(v, f"{where}[{i}]")
    elif isinstance(body, str):
        m = FRAC_RE.match(body)
        if m:
            out.append(f"{where}: date-time with {len(m.group(1))} fractional-second digits, e.g. {body!r} "
                       "(legal RFC 3339; spec examples use whole seconds and +00:00; pydantic truncates to "
                       "microseconds, stricter parsers may reject)")
    return out


def _fastapi_422_errs(body: Any) -> List[str]:
    # The spec leaves `detail` untyped; the real API sends FastAPI/pydantic [{loc, msg, type}].
    d = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(d, list):
        return [f"$.detail is {type(d).__name__}, real API sends a list of {{loc,msg,type}}"]
    out = []
    for i, x in enumerate(d):
        if not (isinstance(x, dict) and isinstance(x.get("loc"), list) and isinstance(x.get("msg"), str)
                and isinstance(x.get("type"), str)):
            out.append(f"$.detail[{i}] lacks loc/msg/type: {short(x, 100)}")
    return out


# --------------------------------------------------------------------------------------


def find_spec(explicit: Optional[str]) -> Optional[Path]:
    cands = [explicit, os.environ.get("VITAL_OPENAPI_SPEC")]
    here = Path(__file__).resolve().parent
    cands += [str(p / "shared" / "reference" / "junction-openapi.json") for p in here.parents]
    cands.append("/work/shared/reference/junction-openapi.json")
    for c in cands:
        if c and Path(c).is_file():
            return Path(c)
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base_url", nargs="?", default=os.environ.get("VITAL_BASE_URL"))
    ap.add_argument("api_key", nargs="?", default=os.environ.get("VITAL_API_KEY", "testkey"))
    ap.add_argument("--sdk", choices=["vital", "junction", "both"], default="both")
    ap.add_argument("--spec", default=None, help="path to junction-openapi.json (default: shared/reference)")
    args = ap.parse_args()
    if not args.base_url:
        ap.error("base URL required (argv or VITAL_BASE_URL)")
    base = args.base_url.rstrip("/")
    t0 = time.monotonic()

    spec_path = find_spec(args.spec)
    spec = Spec(spec_path) if spec_path else None
    print(f"# spec: {spec_path} (v{spec.version})" if spec else "# spec: not found, schema checks skipped")

    loaders = {"vital": load_vital, "junction": load_junction}
    names = ["vital", "junction"] if args.sdk == "both" else [args.sdk]
    per_sdk: Dict[str, tuple] = {}
    for n in names:
        p0, f0 = PASSED, FAILED
        try:
            sdk = loaders[n](base, args.api_key)
        except Exception as e:  # noqa: BLE001
            report(False, f"[{n}] import/construct SDK", f"{type(e).__name__}: {e}")
            continue
        try:
            Runner(sdk, spec).run()
        except Exception:  # noqa: BLE001
            report(False, f"[{n}] runner crashed", traceback.format_exc(limit=3).replace("\n", " | "))
        per_sdk[n] = (PASSED - p0, FAILED - f0)
    for n, (p, f) in per_sdk.items():
        print(f"# {n}: {p} passed, {f} failed")
    print(f"# elapsed {time.monotonic() - t0:.1f}s")
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
