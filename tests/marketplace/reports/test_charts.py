"""The SVG charts: accessible markup, escaped labels, colours that pass WCAG 2.1 AA."""

import re

import pytest

from marketplace.reports import charts


def contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "colour", [charts.INK, charts.MUTED, *charts.SERIES_COLOURS, charts.NEGATIVE]
)
def test_chart_colours_reach_text_contrast_on_white(colour):
    assert contrast(colour) >= 4.5


def test_bar_chart_is_an_image_labelled_by_its_title_and_description():
    svg = charts.bar_chart(
        chart_id="c1",
        title="Lent & borrowed",
        description="Two bars",
        labels=["<Agency>"],
        series=[charts.Series("Lent", [1.5]), charts.Series("Borrowed", [0.5])],
    )
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Lent &amp; borrowed</title>' in svg
    assert "&lt;Agency&gt;" in svg and "<Agency>" not in svg
    assert "style=" not in svg


def test_bar_lengths_are_proportional_to_values():
    svg = charts.bar_chart(
        chart_id="c2",
        title="t",
        description="d",
        labels=["a", "b"],
        series=[charts.Series("s", [2.0, 1.0])],
    )
    widths = [
        float(w)
        for w in re.findall(
            r'<rect x="190" y="[\d.]+" width="([\d.]+)" height="14" fill="#163a5f"/>', svg
        )
    ]
    assert widths[0] == pytest.approx(2 * widths[1])


def test_column_chart_draws_negative_months_below_zero_in_another_colour():
    svg = charts.column_chart(
        chart_id="c3",
        title="t",
        description="d",
        labels=["2027-01", "2027-02"],
        values=[1000, -500],
    )
    assert charts.NEGATIVE in svg and charts.SERIES_COLOURS[0] in svg


def test_charts_of_all_zero_values_do_not_divide_by_zero():
    charts.column_chart(chart_id="c4", title="t", description="d", labels=["m"], values=[0])
    charts.bar_chart(
        chart_id="c5", title="t", description="d", labels=["a"], series=[charts.Series("s", [0])]
    )


@pytest.mark.parametrize(("language", "text"), [("sv", "0,13"), ("en", "0.13")])
def test_chart_numbers_follow_the_readers_locale(language, text):
    from django.utils import translation

    with translation.override(language):
        svg = charts.bar_chart(
            chart_id="c6",
            title="t",
            description="d",
            labels=["a"],
            series=[charts.Series("s", [0.13])],
        )
    assert f">{text}</text>" in svg


def test_long_agency_names_wrap_onto_lines_and_are_never_cut():
    name = "Myndigheten för samhällsskydd och beredskap i Västra Götalands län"
    svg = charts.bar_chart(
        chart_id="c7", title="t", description="d", labels=[name], series=[charts.Series("s", [1])]
    )
    spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert len(spans) >= 3
    assert " ".join(spans) == name.replace("ä", "&auml;") or " ".join(spans) == name
    assert "…" not in svg
