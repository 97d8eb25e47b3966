"""Shared test set-up.

w1thermsensor must not try to load kernel modules here (there is no 1-wire bus): the
variable is set before anything imports it.
"""

from __future__ import annotations

import os

os.environ.setdefault("W1THERMSENSOR_NO_KERNEL_MODULE", "1")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
