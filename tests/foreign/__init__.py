"""Servers zdcontract did not write: Prism, and odd or hostile HTTP peers."""
