"""The Kubernetes manifests (deploy/kubernetes), checked offline: each overlay renders with
`kubectl kustomize`; every core resource validates against the schemas of the Kubernetes
version the docs name (the `kubernetes-validate` package), the CloudNativePG Cluster against
the operator's own CRD schema (vendored under deploy/kubernetes/crds); and the wiring no
schema can see holds. Each check is shown to catch a deliberate mistake of its kind."""

import copy
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import pytest
import yaml
from flask import Flask

from service.settings import SETTINGS

DEPLOY = Path(__file__).parents[2] / "deploy" / "kubernetes"
CLUSTER_CRD = DEPLOY / "crds" / "cloudnative-pg-1.30.0" / "postgresql.cnpg.io_clusters.yaml"
KUBERNETES = "1.32.0"  # the version docs/how-to/kubernetes.md names
OVERLAYS = ("dev", "production")
# Secrets an overlay does not hold, which the docs tell whoever deploys it to create.
PROVIDED = {"dev": set(), "production": {"pact-api", "pact-tls"}}
# What CloudNativePG makes for a Cluster named <name> (an owner given in initdb: -app).
CNPG_SECRETS = ("{}-app", "{}-ca", "{}-server", "{}-replication", "{}-superuser")
CNPG_SERVICES = ("{}-rw", "{}-ro", "{}-r")
# The image's own commands read these, besides libpq's PGPASSWORD.
READ_BY_THE_SERVICE = {setting.name for setting in SETTINGS} | {"PGPASSWORD"}
POSTGRES_PORT = 5432

Resource = dict[str, Any]


@cache
def rendered(overlay: str) -> tuple[Resource, ...]:
    assert shutil.which("kubectl"), "kubectl (with its kustomize) renders the overlays: install it"
    output = subprocess.run(
        ["kubectl", "kustomize", str(DEPLOY / "overlays" / overlay)], capture_output=True, text=True, check=True
    ).stdout
    return tuple(document for document in yaml.safe_load_all(output) if document)


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def resources(overlay: str) -> list[Resource]:
    """The overlay's resources, a copy each test may spoil."""
    return copy.deepcopy(list(rendered(overlay)))


# --- schemas --------------------------------------------------------------------------


@cache
def cluster_schema() -> Resource:
    """The Cluster CRD's schema, closed the way the API server's strict field validation
    closes it: an object that lists its properties takes no others, unless it says it
    keeps unknown fields."""
    crd = yaml.safe_load(CLUSTER_CRD.read_text())
    schema = next(version for version in crd["spec"]["versions"] if version["name"] == "v1")
    return _closed(schema["schema"]["openAPIV3Schema"])


def _closed(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if "properties" in schema and "additionalProperties" not in schema:
        if not schema.get("x-kubernetes-preserve-unknown-fields"):
            closed["additionalProperties"] = False
    return closed


def schema_problems(resources: list[Resource]) -> list[str]:
    problems = []
    for resource in resources:
        name = f"{resource['kind']} {resource['metadata']['name']}"
        if resource["apiVersion"].startswith("postgresql.cnpg.io/"):
            assert resource["kind"] == "Cluster", f"no schema vendored for {name}"
            errors = jsonschema.Draft7Validator(cluster_schema()).iter_errors(resource)
            problems += [f"{name}: {error.message} at {list(error.path)}" for error in errors]
            continue
        try:
            kubernetes_validate.validate(resource, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{name}: {error.message} at {list(error.path)}")
    return problems


# --- wiring ---------------------------------------------------------------------------


def of_kind(resources: list[Resource], kind: str) -> list[Resource]:
    return [resource for resource in resources if resource["kind"] == kind]


def pod_specs(resources: list[Resource]) -> Iterator[tuple[str, Resource, Resource]]:
    """Each workload's name, pod labels and pod spec."""
    for resource in resources:
        if resource["kind"] in ("Deployment", "Job"):
            template = resource["spec"]["template"]
            yield resource["metadata"]["name"], template["metadata"].get("labels", {}), template["spec"]


def containers(spec: Resource) -> list[Resource]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def ours(container: Resource) -> bool:
    """Whether a container runs this project's image (under whatever registry and tag)."""
    return bool(container["image"].split("/")[-1].split(":")[0] == "pact-chronology")


NOTHING = {"": "no pod has this label"}  # the selector of a peer that names no pods


def matches(selector: Resource, labels: Resource) -> bool:
    """Whether ``labels`` satisfy a label selector (matchLabels and In expressions)."""
    plain = selector.get("matchLabels", selector if "matchExpressions" not in selector else {})
    if any(labels.get(key) != value for key, value in plain.items()):
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", expression
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def selector_problems(resources: list[Resource]) -> list[str]:
    pods = [(name, labels, spec) for name, labels, spec in pod_specs(resources)]
    problems = []
    for service in of_kind(resources, "Service"):
        chosen = [(name, spec) for name, labels, spec in pods if matches(service["spec"]["selector"], labels)]
        if not chosen:
            problems.append(f"Service {service['metadata']['name']} selects no pod")
        for port in service["spec"]["ports"]:
            for name, spec in chosen:
                if not any(_has_port(container, port["targetPort"]) for container in spec["containers"]):
                    problems.append(f"Service {service['metadata']['name']}: {name} has no port {port['targetPort']}")
    for kind in ("PodDisruptionBudget", "Deployment"):
        for resource in of_kind(resources, kind):
            if not any(matches(resource["spec"]["selector"], labels) for _, labels, _ in pods):
                problems.append(f"{kind} {resource['metadata']['name']} selects no pod")
    for autoscaler in of_kind(resources, "HorizontalPodAutoscaler"):
        target = autoscaler["spec"]["scaleTargetRef"]
        if not [d for d in of_kind(resources, target["kind"]) if d["metadata"]["name"] == target["name"]]:
            problems.append(f"HorizontalPodAutoscaler {autoscaler['metadata']['name']} scales nothing")
    return problems


def _has_port(container: Resource, port: int | str) -> bool:
    return any(port in (declared.get("name"), declared["containerPort"]) for declared in container.get("ports", []))


def references(resources: list[Resource], kind: str) -> Iterator[tuple[str, str]]:
    """Every (resource, name) that refers to a Secret or a ConfigMap of that name."""
    key_ref, volume_key = ("secretKeyRef", "secret") if kind == "Secret" else ("configMapKeyRef", "configMap")
    for workload, _, spec in pod_specs(resources):
        for container in containers(spec):
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get(key_ref)
                if ref:
                    yield workload, ref["name"]
        for volume in spec.get("volumes", []):
            if volume_key in volume:
                yield workload, volume[volume_key].get("secretName", volume[volume_key].get("name"))
    if kind == "Secret":
        for cluster in of_kind(resources, "Cluster"):
            for role in cluster["spec"].get("managed", {}).get("roles", []):
                if "passwordSecret" in role:
                    yield cluster["metadata"]["name"], role["passwordSecret"]["name"]
        for ingress in of_kind(resources, "Ingress"):
            for tls in ingress["spec"].get("tls", []):
                yield ingress["metadata"]["name"], tls["secretName"]


def reference_problems(resources: list[Resource], overlay: str) -> list[str]:
    clusters = [cluster["metadata"]["name"] for cluster in of_kind(resources, "Cluster")]
    made = {pattern.format(cluster) for cluster in clusters for pattern in CNPG_SECRETS}
    problems = []
    for kind, known in (("Secret", made | PROVIDED[overlay]), ("ConfigMap", set())):
        held = {resource["metadata"]["name"] for resource in of_kind(resources, kind)} | known
        problems += [f"{who} needs {kind} {name}" for who, name in references(resources, kind) if name not in held]
    return problems


def port_problems(resources: list[Resource], app: Flask) -> list[str]:
    """Probes name the app's routes on a port the container has; the database URLs name a
    CloudNativePG Service on PostgreSQL's port; the Ingress and the cache name Service ports."""
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    services = {service["metadata"]["name"]: service for service in of_kind(resources, "Service")}
    clusters = [cluster["metadata"]["name"] for cluster in of_kind(resources, "Cluster")]
    databases = {pattern.format(cluster) for cluster in clusters for pattern in CNPG_SERVICES}
    problems = []
    for workload, _, spec in pod_specs(resources):
        for container in containers(spec):
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                check = container.get(probe, {}).get("httpGet") or container.get(probe, {}).get("tcpSocket")
                if check is None:
                    continue
                if not _has_port(container, check["port"]):
                    problems.append(f"{workload} {probe}: no port {check['port']}")
                if "path" in check and ours(container) and check["path"] not in routes:
                    problems.append(f"{workload} {probe}: the app serves no {check['path']}")
            for variable in container.get("env", []):
                if variable["name"] in ("DATABASE_URL", "PACT_REPLICA_URLS") and "value" in variable:
                    where = urlsplit(variable["value"])
                    if where.hostname not in databases or where.port != POSTGRES_PORT:
                        problems.append(f"{workload} {variable['name']}: {where.netloc} is no database Service")
    for ingress in of_kind(resources, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                problems += _service_port_problems(services, backend["name"], backend["port"].get("name"), "Ingress")
    for config in of_kind(resources, "ConfigMap"):
        for text in config.get("data", {}).values():
            for host, port in re.findall(r"^\s*server\s+([a-z0-9-]+):(\d+);", text, re.M):
                problems += _service_port_problems(services, host, int(port), f"ConfigMap {config['metadata']['name']}")
    return problems


def _service_port_problems(services: dict[str, Resource], name: str, port: int | str | None, who: str) -> list[str]:
    if name not in services:
        return [f"{who} names no Service {name}"]
    if not any(port in (declared.get("name"), declared["port"]) for declared in services[name]["spec"]["ports"]):
        return [f"{who}: Service {name} has no port {port}"]
    return []


def environment_problems(resources: list[Resource]) -> list[str]:
    return [
        f"{workload}: the service reads no {variable['name']}"
        for workload, _, spec in pod_specs(resources)
        for container in containers(spec)
        if ours(container)
        for variable in container.get("env", [])
        if variable["name"] not in READ_BY_THE_SERVICE
    ]


def network_problems(resources: list[Resource]) -> list[str]:
    """The API reaches PostgreSQL on its port and nothing else but DNS, PostgreSQL admits it,
    and the API admits only the cache."""
    pods = {name: labels for name, labels, _ in pod_specs(resources)}
    api, cache_labels = pods["pact-api"], pods["pact-cache"]
    cluster = {"cnpg.io/cluster": of_kind(resources, "Cluster")[0]["metadata"]["name"]}
    policies = of_kind(resources, "NetworkPolicy")
    problems = []
    egress = [p for p in policies if "Egress" in p["spec"]["policyTypes"] and matches(p["spec"]["podSelector"], api)]
    if not egress:
        problems.append("nothing limits where the API connects")
    for policy in egress:
        for rule in policy["spec"]["egress"]:
            ports = {port["port"] for port in rule["ports"]}
            to_database = all(matches(peer.get("podSelector", NOTHING), cluster) for peer in rule["to"])
            if not (to_database and ports == {POSTGRES_PORT}) and ports != {53}:
                problems.append(f"{policy['metadata']['name']} lets the API reach {rule['to']} on {sorted(ports)}")
    admitted = [
        rule
        for p in policies
        if "Ingress" in p["spec"]["policyTypes"] and matches(p["spec"]["podSelector"], cluster)
        for rule in p["spec"]["ingress"]
        if any(matches(peer.get("podSelector", NOTHING), api) for peer in rule["from"])
    ]
    if not any(POSTGRES_PORT in {port["port"] for port in rule["ports"]} for rule in admitted):
        problems.append("PostgreSQL does not admit the API on its port")
    to_api = [p for p in policies if "Ingress" in p["spec"]["policyTypes"] and matches(p["spec"]["podSelector"], api)]
    peers = [peer for p in to_api for rule in p["spec"]["ingress"] for peer in rule["from"]]
    if not to_api or not all(matches(peer.get("podSelector", NOTHING), cache_labels) for peer in peers):
        problems.append(f"the API admits more than the cache: {peers}")
    return problems


def all_problems(resources: list[Resource], overlay: str, app: Flask) -> list[str]:
    return [
        *schema_problems(resources),
        *selector_problems(resources),
        *reference_problems(resources, overlay),
        *port_problems(resources, app),
        *environment_problems(resources),
        *network_problems(resources),
    ]


# --- the tests ------------------------------------------------------------------------


def test_every_overlay_renders_validates_and_is_wired_right(
    resources: list[Resource], overlay: str, app: Flask
) -> None:
    kinds = {resource["kind"] for resource in resources}

    assert all_problems(resources, overlay, app) == []
    assert kinds >= {"Cluster", "Job", "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"}
    assert kinds >= {"NetworkPolicy", "Ingress", "ConfigMap"}


def test_production_runs_three_databases_in_synchronous_replication_and_two_api_servers() -> None:
    resources = list(rendered("production"))
    cluster = of_kind(resources, "Cluster")[0]["spec"]
    autoscaler = of_kind(resources, "HorizontalPodAutoscaler")[0]["spec"]

    assert cluster["instances"] == 3
    assert cluster["postgresql"]["synchronous"] == {"method": "any", "number": 1, "dataDurability": "required"}
    assert autoscaler["minReplicas"] >= 2


def _named(resources: list[Resource], kind: str, name: str) -> Resource:
    return next(r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name)


def _api_container(resources: list[Resource]) -> Resource:
    return _named(resources, "Deployment", "pact-api")["spec"]["template"]["spec"]["containers"][0]


def _api_variable(resources: list[Resource], name: str) -> Resource:
    return next(variable for variable in _api_container(resources)["env"] if variable["name"] == name)


MISTAKES: dict[str, Callable[[list[Resource]], None]] = {
    "a typo in a selector": lambda r: _named(r, "Service", "pact-api")["spec"]["selector"].update(
        {"app.kubernetes.io/name": "pact-apl"}
    ),
    "a wrong port": lambda r: _named(r, "Service", "pact-cache")["spec"]["ports"][0].update({"targetPort": 8000}),
    "a probe on a wrong port": lambda r: _api_container(r)["readinessProbe"]["httpGet"].update({"port": 8080}),
    "a probe on a route the app does not serve": lambda r: _api_container(r)["livenessProbe"]["httpGet"].update(
        {"path": "/health"}
    ),
    "a missing secret": lambda r: _api_variable(r, "PGPASSWORD")["valueFrom"]["secretKeyRef"].update(
        {"name": "pact-ap"}
    ),
    "a missing config map": lambda r: _named(r, "Deployment", "pact-cache")["spec"]["template"]["spec"]["volumes"][0][
        "configMap"
    ].update({"name": "pact-cash"}),
    "an unknown CloudNativePG field": lambda r: _named(r, "Cluster", "pact-db")["spec"].update({"instancez": 3}),
    "an unknown core field": lambda r: _api_container(r).update({"imagePullPolice": "Always"}),
    "a database URL to no database Service": lambda r: _api_variable(r, "DATABASE_URL").update(
        {"value": "postgresql://pact_api@pact-db:5432/pact"}
    ),
    "a variable the service does not read": lambda r: _api_container(r)["env"].append(
        {"name": "PACT_WORKER", "value": "2"}
    ),
    "the API let out to anywhere": lambda r: _named(r, "NetworkPolicy", "pact-clients-to-database-only")["spec"][
        "egress"
    ].append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443}]}),
    "PostgreSQL closed to the API": lambda r: _named(r, "NetworkPolicy", "pact-db-from-clients")["spec"]["ingress"][
        0
    ].update({"ports": [{"port": 5433, "protocol": "TCP"}]}),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_kind_of_mistake_is_caught(resources: list[Resource], overlay: str, app: Flask, mistake: str) -> None:
    MISTAKES[mistake](resources)

    assert all_problems(resources, overlay, app) != []
