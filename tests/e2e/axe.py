"""axe-core, the accessibility checker, run in a Playwright page."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# axe-core stays in node_modules (installed by `make install` from package-lock.json): the
# portal's static folder, which collectstatic publishes, never holds test tools.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" "))}));
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG violations on the page as loaded (empty when it has none).

    axe is evaluated through the DevTools protocol, not added as an inline script, so the
    page's Content-Security-Policy applies to the page alone.
    """
    assert AXE.exists(), f"{AXE} is missing: run `make install` (npm ci installs axe-core)"
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;true")
    return page.evaluate(RUN_AXE)
