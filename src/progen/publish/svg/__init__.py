"""The programme's pictures as inline SVG: timeline, empty run chart, stakeholder map.

Plain SVG text with a viewBox, escaped as XML, laid out deterministically from the
model (spec order, fixed sizes) so the same programme always draws the same picture.
The same markup goes into the site and the handbook. The parts every picture shares
(the opening tag, colours, escaping, the time axis) are in markup.py and axis.py, which
the progress charts (results/chart_svg.py) draw with too.
"""

from progen.publish.svg.run_chart import run_chart_svg
from progen.publish.svg.stakeholder_map import map_svg, task_numbers
from progen.publish.svg.timeline import timeline_svg

__all__ = ["map_svg", "run_chart_svg", "task_numbers", "timeline_svg"]
