"""Clients generated from the document a running service serves, with tools no one here
wrote: openapi-python-client (Python), openapi-typescript checked by tsc (TypeScript), and
ajv (the JSON Schema validator of JavaScript clients and gateways). Generated here, at test
time, never committed; the examples are the README's ("Clients"), in clients/."""

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.request import urlopen

import pytest
from flask.testing import FlaskClient

from service.storage.store import EventStore
from tests.e2e.conftest import Serve
from tests.project import ROOT

CLIENTS = ROOT / "clients"
NODE_TOOLS = CLIENTS / "typescript" / "node_modules" / ".bin"


def generate_python_client(base: str, folder: Path) -> str:
    """openapi-python-client's package ``pact_client`` in ``folder``, as the documentation
    generates it: with its default settings (which format the code with ruff, from PATH).
    What the generator said."""
    document = folder / "openapi.json"
    with urlopen(f"{base}/openapi.json", timeout=30) as answer:
        document.write_bytes(answer.read())
    tools = Path(sys.executable).parent
    generated = subprocess.run(
        [tools / "openapi-python-client", "generate", "--path", document, "--output-path", folder / "pact_client",
         "--meta", "none"],
        check=True, capture_output=True, text=True, env={**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"},
    )  # fmt: skip
    return generated.stdout + generated.stderr


@pytest.fixture
def example(serve: Serve, tmp_path: Path) -> Iterator[tuple[ModuleType, str]]:
    """clients/python/example.py, on a client generated from a served instance's document."""
    base = serve("--workers", "1").url
    generate_python_client(base, tmp_path)
    sys.path.insert(0, str(tmp_path))
    try:
        spec = importlib.util.spec_from_file_location("pact_client_example", CLIENTS / "python" / "example.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module, base
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == "pact_client" or name.startswith("pact_client.")]:
            del sys.modules[name]


def test_a_generated_python_client_reads_registers_appends_and_parses_problems(
    example: tuple[ModuleType, str], token: str
) -> None:
    module, base = example

    status = module.gsomia_on_1_september_2019(base)
    timeline = module.gsomia_timeline(base)
    appended = module.register_and_give_notice(base, token, "client-pact")
    missing, again = module.the_problem_with(base, token, "client-pact")

    assert (status.phase, status.termination.state, status.termination.effective_on) == (
        "in_force",
        "pending",
        date(2019, 11, 23),
    )
    assert timeline.intervals[0].starts_on == date(2016, 1, 1) and len(timeline.intervals) > 3
    assert (appended.first_version, appended.version) == (2, 4)
    assert (missing.status, missing.type_) == (404, "/problems/agreement-not-found")
    assert (again.status, again.type_) == (409, "/problems/agreement-exists")


def test_both_generators_take_the_served_document_with_their_defaults(serve: Serve, tmp_path: Path) -> None:
    """No settings file and no flag: a time zone, for one, is a pattern, not an enum whose
    names (GMT+0, GMT-0, GMT0) would make clashing identifiers."""
    base = serve("--workers", "1").url
    said = generate_python_client(base, tmp_path)
    typescript = subprocess.run(
        [NODE_TOOLS / "openapi-typescript", f"{base}/openapi.json", "-o", tmp_path / "schema.d.ts"],
        capture_output=True,
        text=True,
    )

    assert "Warning" not in said and "Error" not in said, said
    assert (tmp_path / "pact_client" / "models" / "agreement_registered_payload.py").exists()
    assert typescript.returncode == 0, typescript.stderr
    assert "AgreementRegisteredPayload" in (tmp_path / "schema.d.ts").read_text()


def typescript_types(document: Path, folder: Path) -> None:
    """openapi-typescript's types of ``document`` in ``folder``/schema.d.ts, as the README makes them."""
    command = [
        NODE_TOOLS / "openapi-typescript",
        document,
        "--default-non-nullable",
        "false",
        "-o",
        folder / "schema.d.ts",
    ]
    subprocess.run(command, check=True, capture_output=True)


def type_check(folder: Path, example: str) -> subprocess.CompletedProcess[str]:
    (folder / "example.ts").write_text(example)
    (folder / "tsconfig.json").write_text((CLIENTS / "typescript" / "tsconfig.json").read_text())
    return subprocess.run([NODE_TOOLS / "tsc", "-p", folder / "tsconfig.json"], capture_output=True, text=True)


def test_typescript_types_check_the_example_and_refuse_a_payload_of_another_type(
    anonymous: FlaskClient, tmp_path: Path
) -> None:
    document = tmp_path / "openapi.json"
    document.write_bytes(anonymous.get("/openapi.json").get_data())
    typescript_types(document, tmp_path)
    example = (CLIENTS / "typescript" / "example.ts").read_text()

    checked = type_check(tmp_path, example)
    wrong_field = type_check(tmp_path, example.replace('notified_by: "Republic of Korea"', 'suspended_by: "Japan"'))
    wrong_type = type_check(tmp_path, example.replace('notified_by: "Republic of Korea"', "notified_by: 3"))

    assert checked.returncode == 0, checked.stdout
    assert wrong_field.returncode != 0 and "'suspended_by' does not exist" in wrong_field.stdout
    assert wrong_type.returncode != 0 and "not assignable to type 'string'" in wrong_type.stdout


# Every JSON read of the document, asked for real: path template -> a URL to ask.
READS = {
    "/agreements": "/agreements",
    "/agreements/{agreement_id}": "/agreements/kr-jp-gsomia",
    "/agreements/{agreement_id}/status": "/agreements/kr-jp-gsomia/status?on=2020-01-01",
    "/agreements/{agreement_id}/timeline": "/agreements/kr-jp-gsomia/timeline",
    "/agreements/{agreement_id}/history": "/agreements/kr-jp-gsomia/history?on=2019-09-01",
    "/agreements/{agreement_id}/events": "/agreements/kr-jp-gsomia/events?limit=1000",
    "/agreements/{agreement_id}/parties": "/agreements/kr-jp-gsomia/parties?on=2019-09-01",
    "/deadlines": "/deadlines",
    "/events": "/events?limit=1000",
    "/relations": "/relations?between=KOR,JPN&on=2019-09-01",
    "/parties": "/parties",
    "/parties/{party_id}/agreements": "/parties/JPN/agreements",
    "/datasets/dyads": "/datasets/dyads?granularity=year&limit=1000",
    "/datasets/events": "/datasets/events",
    "/datasets/timelines": "/datasets/timelines",
    "/datasets": "/datasets",
    "/datasets/datapackage.json": "/datasets/datapackage.json",
    "/healthz": "/healthz",
    "/readyz": "/readyz",
}
PROBLEMS = [
    "/agreements/no-such-pact/status",
    "/agreements/kr-jp-gsomia/status?on=2019-9-1",
    "/parties/XXX/agreements",
    "/nowhere",
]


def declared_schema(document: dict[str, Any], template: str, status: int, media_type: str) -> str:
    """The name of the schema the document declares for a GET of ``template`` answering ``status``."""
    responses = document["paths"][template]["get"]["responses"]
    schema = responses[str(status)]["content"][media_type]["schema"]
    return str(schema["$ref"]).rsplit("/", 1)[1]


def test_the_document_compiles_under_ajv_and_every_json_read_validates_against_it(
    anonymous: FlaskClient, seeded: EventStore, tmp_path: Path
) -> None:
    document = anonymous.get("/openapi.json").get_json()
    json_reads = {
        path
        for path, operations in document["paths"].items()
        if "application/json" in operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
    }
    answers = []
    for template, url in READS.items():
        answer = anonymous.get(url)
        assert answer.status_code == 200, (url, answer.get_data(as_text=True)[:300])
        schema = declared_schema(document, template, 200, "application/json")
        answers.append({"what": f"GET {url}", "schema": schema, "answer": answer.get_json()})
    for url in PROBLEMS:
        answer = anonymous.get(url)
        assert answer.mimetype == "application/problem+json", url
        answers.append({"what": f"GET {url} ({answer.status_code})", "schema": "Problem", "answer": answer.get_json()})
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    (tmp_path / "answers.json").write_text(json.dumps(answers))

    validated = subprocess.run(
        ["node", CLIENTS / "typescript" / "validate.mjs", tmp_path / "openapi.json", tmp_path / "answers.json"],
        capture_output=True,
        text=True,
        cwd=CLIENTS / "typescript",
    )

    assert json_reads == set(READS), "every JSON read is asked"
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert f"validated {len(READS) + len(PROBLEMS)} answers, 0 failed" in validated.stdout
