"""Deep fuzzing of every parser that reads untrusted input (``./dev.sh fuzz``).

Not collected by pytest (no ``test_*`` modules here); the default test run
replays the saved findings (``tests/test_fuzz_regressions.py``)."""
