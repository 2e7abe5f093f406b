"""Every URL pattern of the project, read from the URL configuration."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def _walk(resolver: URLResolver, prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or None
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            yield from _walk(pattern, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or prefix + str(pattern.pattern)
            yield (f"{namespace}:{name}" if namespace else name), prefix + str(pattern.pattern)


def project_routes() -> dict[str, str]:
    """Route name -> path pattern, for every route except Django admin's own pages."""
    return {
        name: path
        for name, path in _walk(get_resolver(), "", None)
        if not name.startswith("admin:")
    }
