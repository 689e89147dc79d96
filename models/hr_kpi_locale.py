"""Numbers in the reader's language inside generated messages:
"91,41 %" for a Vietnamese user, never Python's "91.41 %"."""

from odoo.tools.misc import formatLang, get_lang


def fmt_number(env, value, digits=2):
    """``value`` with the decimal separator and grouping of ``env``'s language,
    trailing zeros dropped ("20", "91,41"); anything not a number unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    text = formatLang(env, value, digits=digits)
    point = get_lang(env).decimal_point or "."
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text
