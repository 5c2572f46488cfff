"""The standing layout rules of STYLE.md: small modules, no circle, private stays private."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "flask_ecwid_sso"
MAX_LINES = 300
PURE_CORE = {
    "api",
    "answers",
    "transport",
    "customers",
    "customer_shapes",
    "person",
    "profile",
    "signing",
    "webhooks",
    "app_payload",
    "exceptions",
    "redirects",
    "diagnostics",
    "doctor",
    "numbers",
    "payload_claims",
    "shared_state",
    "cache_backends",
    "deployment",
}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, ast.parse(path.read_text(), str(path))


def package_of(name: str, tree_is_package: bool) -> str:
    return name if tree_is_package else name.rpartition(".")[0]


def imports(name: str, tree: ast.Module, is_package: bool) -> Iterator[tuple[str, list[str]]]:
    """Every package module ``name`` imports (inside functions too), with the names it takes."""
    base = package_of(name, is_package)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if _type_checking_only(tree, node):
                continue
            if node.level:
                anchor = base.split(".")[: len(base.split(".")) - node.level + 1]
                module = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.startswith("flask_ecwid_sso"):
                yield module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("flask_ecwid_sso"):
                    yield alias.name, []


def _type_checking_only(tree: ast.Module, target: ast.AST) -> bool:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test)
            and any(child is target for child in ast.walk(node))
        ):
            return True
    return False


def graph() -> dict[str, set[str]]:
    names = {name for name, _ in modules()}
    edges: dict[str, set[str]] = {}
    for name, tree in modules():
        is_package = (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()
        targets = edges.setdefault(name, set())
        for module, taken in imports(name, tree, is_package):
            for candidate in (f"{module}.{item}" for item in taken):
                if candidate in names:
                    targets.add(candidate)
            if module in names and module != name:
                targets.add(module)
    return edges


def test_no_module_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_circle() -> None:
    edges = graph()
    # __init__ modules re-export: importing a package runs its __init__, so edges into a
    # package count, but a package's re-exports of its own children are not a circle.
    circles = []

    def visit(node: str, path: list[str]) -> None:
        for target in sorted(edges.get(node, ())):
            if target in path:
                circle = [*path[path.index(target) :], target]
                if not _only_reexports(circle):
                    circles.append(" -> ".join(circle))
            elif len(path) < 40:
                visit(target, [*path, target])

    for start in sorted(edges):
        visit(start, [start])
    assert circles == []


def _only_reexports(circle: list[str]) -> bool:
    return any(later.startswith(earlier + ".") for earlier, later in itertools.pairwise(circle))


def test_no_private_name_crosses_a_module_boundary() -> None:
    crossings = [
        f"{name} takes {item} from {module}"
        for name, tree in modules()
        for module, taken in imports(name, tree, name.endswith("testing") or "." not in name)
        for item in taken
        if item.startswith("_") and not item.startswith("__")
    ]
    assert crossings == []


def test_the_pure_core_never_imports_flask_and_the_product_never_imports_testing() -> None:
    offenders = []
    for name, tree in modules():
        short = name.removeprefix("flask_ecwid_sso.")
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                targets = [node.module or ""]
            elif isinstance(node, ast.ImportFrom):
                targets = [f".{node.module or ''}"]
            else:
                continue
            for target in targets:
                top = target.split(".")[0]
                if short in PURE_CORE and top in ("flask", "flask_login", "werkzeug"):
                    offenders.append(f"{name} imports {target}")
                if not short.startswith("testing") and "testing" in target.split("."):
                    offenders.append(f"{name} imports {target}")
    assert offenders == []
