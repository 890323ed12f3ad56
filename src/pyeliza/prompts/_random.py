"""The one random generator of prompt composition: example picks, name fills, shuffles.

A ``random.Random()`` made per call seeds the Mersenne Twister (from the OS entropy pool or a clock value) at
about 100,000 instructions, more than the picks it then serves; prompts need variety, not separate streams.
Functions that take an ``rng`` still accept one (tests pass a seeded generator).
"""

from __future__ import annotations

import random

SHARED = random.Random()
