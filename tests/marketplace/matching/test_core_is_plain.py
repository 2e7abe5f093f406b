"""The matching core takes plain data and imports nothing from Django or the app's layers."""

import ast
import pathlib

import marketplace.matching

CORE = pathlib.Path(marketplace.matching.__file__).parent
FORBIDDEN = (
    "django",
    "rest_framework",
    "celery",
    "marketplace.models",
    "marketplace.selectors",
    "marketplace.services",
    "accounts",
    "notifications",
)


def imported_modules(path: pathlib.Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_module_of_the_matching_core_imports_django_or_the_app():
    modules = sorted(CORE.glob("*.py"))
    assert len(modules) >= 6
    offending = {
        path.name: sorted(
            name
            for name in imported_modules(path)
            if any(name == f or name.startswith(f"{f}.") for f in FORBIDDEN)
        )
        for path in modules
    }
    assert {name: found for name, found in offending.items() if found} == {}
