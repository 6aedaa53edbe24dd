"""Package discovery only; everything else is declared in pyproject.toml.

Every package under collector/ is found (a hand-written list once left
collector.assess out of the wheel); plugins/, schemas/ and systemd/ are
top-level folders installed as collector.plugins, collector.schemas and
collector.systemd (package-dir in pyproject.toml). tests/test_packaging.py
checks that the built wheel holds every file of those folders.
"""

from setuptools import find_packages, setup

setup(packages=sorted(find_packages(include=["collector", "collector.*"])
                      + ["collector.plugins", "collector.schemas", "collector.systemd"]))
