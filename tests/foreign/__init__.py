"""Servers zdcontract did not write: Stoplight Prism, and the hostile or odd HTTP peers of tests/foreign."""
