"""What every progen SVG is made of: the opening tag that makes it an accessible image
(a title and a description a screen reader reads out), the house colours and font, and
escaping, so text from a spec can never become markup."""

from __future__ import annotations

import html

FONT = "font-family=\"'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif\""
BLUE = "#005eb8"
DARK = "#212b32"
GREY = "#4c6272"
LIGHT = "#d8dde0"


def esc(text: object) -> str:
    """Text as SVG (XML) text or attribute value, quotes included."""
    return html.escape(str(text), quote=True)


def svg_open(width: float, height: float, label_id: str, title: str, desc: str, cls: str) -> str:
    """The `<svg>` tag, scaled to its container by the viewBox, with the title and
    description it is labelled by."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progen-svg {cls}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" role="img" '
        f'aria-labelledby="{label_id}-title {label_id}-desc" {FONT} font-size="12">'
        f'<title id="{label_id}-title">{esc(title)}</title>'
        f'<desc id="{label_id}-desc">{esc(desc)}</desc>'
    )
