"""Measurements of a page as a phone shows it: sideways scrolling and the size of tap targets."""

from __future__ import annotations

from typing import Any

MIN_TAP = 44  # CSS pixels: WCAG 2.5.5 and the platforms' guidelines

_SMALL_TARGETS = """(least) => {
  const targets = document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden]), '
    + 'label.tile, label.check');
  const small = [];
  for (const target of targets) {
    // A hidden radio or a checkbox is tapped through its label, so the label is the target.
    const box = target.matches('input[type=radio], input[type=checkbox]')
      ? target.closest('label') : target;
    if (!box) { small.push('an unlabelled ' + target.type); continue; }
    const rect = box.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;  // not shown (inside closed details)
    if (rect.width < least || rect.height < least) {
      const name = (box.innerText || box.getAttribute('name') || '').trim().slice(0, 30);
      const size = `${Math.round(rect.width)}x${Math.round(rect.height)}`;
      small.push(`${box.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return small;
}"""


def open_everything(page: Any) -> None:
    """Open every disclosure, so the forms inside are measured too."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def sideways(page: Any) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
    width: int = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


def small_targets(page: Any) -> list[str]:
    """The tap targets smaller than 44 × 44 CSS pixels."""
    found: list[str] = page.evaluate(_SMALL_TARGETS, MIN_TAP)
    return found


def large_font(page: Any, percent: int = 200) -> None:
    """What the phone's largest font setting does: every rem grows."""
    page.evaluate(f"() => {{ document.documentElement.style.fontSize = '{percent}%'; }}")
