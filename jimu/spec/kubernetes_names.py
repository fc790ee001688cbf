"""What the Kubernetes API server accepts as names, label keys and values, and quantities.

The same rules as k8s.io/apimachinery/pkg/util/validation (IsQualifiedName, IsValidLabelValue,
IsDNS1123Subdomain, IsDNS1123Label) and resource.ParseQuantity, so a spec that validates does
not compile to a pod the cluster refuses. Each function returns the problems found (empty: fine),
worded to follow "<what> 'text' ...".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63

_DNS1123_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
            "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
            "P": Decimal("1e15"), "E": Decimal("1e18")}
# resource.Quantity: <signedNumber><suffix>, suffix binary SI, decimal SI or an exponent (1e3).
_QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?"
)

NAME_HINT = "use up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
QUALIFIED_NAME_HINT = f"optionally prefixed by a DNS subdomain and '/', e.g. 'example.com/gpu'; the name: {NAME_HINT}"
QUANTITY_HINT = "use a Kubernetes quantity such as '500m', '2', '1.5', '512Mi' or '4Gi'"


def dns1123_label_problems(text: str) -> list[str]:
    problems = []
    if len(text) > DNS1123_LABEL_MAX:
        problems.append(f"is {len(text)} characters long, more than {DNS1123_LABEL_MAX}")
    if not _DNS1123_LABEL.fullmatch(text):
        problems.append("must be lowercase letters, digits and '-', starting and ending with a letter or digit")
    return problems


def dns1123_subdomain_problems(text: str) -> list[str]:
    problems = []
    if len(text) > DNS1123_SUBDOMAIN_MAX:
        problems.append(f"is {len(text)} characters long, more than {DNS1123_SUBDOMAIN_MAX}")
    if not _DNS1123_SUBDOMAIN.fullmatch(text):
        problems.append(
            "must be lowercase letters, digits, '-' and '.', each dot-separated part starting and "
            "ending with a letter or digit"
        )
    return problems


def qualified_name_problems(text: str) -> list[str]:
    """A label or annotation key, a node selector key, a toleration key: [prefix/]name."""
    prefix, slash, name = text.rpartition("/")
    problems = []
    if slash:
        if not prefix:
            problems.append("has an empty prefix before '/'")
        elif "/" in prefix:
            problems.append("has more than one '/'")
        else:
            problems.extend(f"prefix {p}" for p in dns1123_subdomain_problems(prefix))
    if not name:
        problems.append("has an empty name")
        return problems
    if len(name) > QUALIFIED_NAME_MAX:
        problems.append(f"name is {len(name)} characters long, more than {QUALIFIED_NAME_MAX}")
    if not _NAME.fullmatch(name):
        problems.append(f"name {name!r} must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
    return problems


def label_value_problems(text: str) -> list[str]:
    """A label value or node selector value (empty is allowed)."""
    problems = []
    if len(text) > LABEL_VALUE_MAX:
        problems.append(f"is {len(text)} characters long, more than {LABEL_VALUE_MAX}")
    if text and not _NAME.fullmatch(text):
        problems.append("must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
    return problems


def parse_quantity(text: str) -> Decimal | None:
    """The value of a Kubernetes quantity ('1.5Gi' -> 1610612736), None if it is not one."""
    match = _QUANTITY.fullmatch(text)
    if match is None:
        return None
    try:
        number = Decimal(match["number"])
    except InvalidOperation:
        return None
    suffix = match["suffix"] or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    exponent = int(suffix[1:])
    if abs(exponent) > 100:  # Kubernetes caps quantities far below this
        return None
    return number.scaleb(exponent)


def resource_quantity_problems(text: str) -> list[str]:
    """A CPU or memory request/limit: a quantity that is not negative."""
    value = parse_quantity(text)
    if value is None:
        return ["is not a Kubernetes quantity"]
    if value < 0:
        return ["is negative"]
    return []
