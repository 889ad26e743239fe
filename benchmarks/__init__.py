"""zdcontract's performance benchmarks (issue 7): ``python -m benchmarks [--quick]``.

Benchmarks, not timed tests: they print medians and ratios against the targets and write
them as JSON; nothing here fails because a figure is slow. See docs/performance.md.
"""
