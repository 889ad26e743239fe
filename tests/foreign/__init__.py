"""Servers zdcontract did not write: Stoplight Prism, and odd HTTP peers written here."""
