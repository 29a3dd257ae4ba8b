"""Checks: the schema, the attribution rules, body links, and validating a whole site.

`validate.load_site` is the front door: every article read, checked and sorted into ready,
draft and invalid, with every finding collected in a ValidationReport (findings.py).
"""
