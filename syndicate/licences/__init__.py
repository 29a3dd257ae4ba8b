"""Licences: the profiles (what each licence allows, on which channels) and the channel gate.

`profiles.load_registry` reads the profiles; `gate.decide` says whether one article may go to one
channel (endpoint), and why not, with whom to ask.
"""
