"""What the web page tests share."""

import re
from html import unescape
from typing import Any


def field_errors(response: Any, field_id: str) -> list[str]:
    """The messages shown next to one field (the element the field's aria-describedby names)."""
    html = response.content.decode()
    match = re.search(rf'<div class="errors" id="{field_id}_error">(.*?)</div>', html, re.S)
    found = re.findall(r"<p>(.*?)</p>", match.group(1)) if match else []
    return [unescape(text) for text in found]
