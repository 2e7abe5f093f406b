"""Rendering of the summary report: CSV tables, server-side SVG charts, the HTML document."""
