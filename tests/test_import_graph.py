"""The code's dependencies, read from its import statements: they run one way.

`marketplace → accounts`, `marketplace → notifications`, `notifications → accounts`, and
every app may use `fastpaths`, which uses none of them. No module imports itself back
through others; the matching core imports no Django; the private internals of Django and
django-filter are read only in `fastpaths`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("accounts", "marketplace", "notifications", "fastpaths")
# What each package may import among the others.
ALLOWED = {
    "fastpaths": set(),
    "accounts": {"fastpaths"},
    "notifications": {"accounts", "fastpaths"},
    "marketplace": {"accounts", "notifications", "fastpaths"},
}
# Reads of private Django, django-filter and redis-py internals (see fastpaths' docstring).
PRIVATE_INTERNALS = re.compile(
    r"_iterable_class|results_iter|_state\.fields_cache|\bcleaned_data\s*=[^=]"
    r"|\.query\.(annotations|where|get_compiler)|get_compiler\(|FilterMethod"
    r"|_get_session_from_db|\._pools\b|_pool_class"
)


def _sources(package: str) -> list[Path]:
    return [path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for package in PACKAGES for path in _sources(package)}


def _known(name: str) -> str | None:
    """The project module an imported name lives in (a package's name is its __init__)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path) -> set[str]:
    """Every name the module imports when it runs, at the top or inside a function (names
    imported only for type checking are not run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _type_checking(node)
        for inner in ast.walk(node)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            # `from package import module` imports the module; `from module import name`,
            # the module.
            names.update(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            )
    return names


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        targets = {_known(name) for name in _imports(module, path)}
        graph[module] = {target for target in targets if target and target != module}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_no_module_imports_itself_back():
    assert _circles(_graph()) == []


def test_a_circle_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_dependencies_between_the_apps_run_one_way():
    wrong = sorted(
        f"{module} → {target}"
        for module, targets in _graph().items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[module.split(".")[0]] | {module.split(".")[0]}
    )
    assert wrong == []


def test_the_matching_core_imports_no_django():
    core = {
        module: path
        for module, path in MODULES.items()
        if module.startswith("marketplace.matching")
    }
    assert len(core) > 5
    found = sorted(
        f"{module} → {name}"
        for module, path in core.items()
        for name in _imports(module, path)
        if name.split(".")[0] in {"django", "rest_framework", "django_filters", "celery"}
        or (_known(name) or "").split(".")[0] in {"accounts", "notifications", "fastpaths"}
        or (
            (_known(name) or "").startswith("marketplace.")
            and not name.startswith("marketplace.matching")
        )
    )
    assert found == []


def test_private_django_internals_are_read_only_in_the_fast_paths():
    found = sorted(
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in ("accounts", "marketplace", "notifications")
        for path in _sources(package)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE_INTERNALS.search(line)
    )
    assert found == []
    assert any(PRIVATE_INTERNALS.search(path.read_text()) for path in _sources("fastpaths"))
