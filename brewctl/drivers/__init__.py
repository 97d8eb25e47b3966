"""Hardware drivers: DS18B20 probes (w1thermsensor) and GPIO outputs (gpiozero).

``probes`` and ``outputs`` talk to the hardware; ``timing`` holds their pure helpers;
``fake_w1`` is a fake 1-wire sysfs tree for tests and ``brewctl run --simulate`` (the GPIO
side of the simulation is gpiozero's own ``MockFactory``). See docs/drivers.md.
"""

from __future__ import annotations

import os

# Importing w1thermsensor otherwise runs `modprobe w1-gpio` when /sys/bus/w1/devices is missing
# and raises at import time. On a Pi the `dtoverlay=w1-gpio` line loads the modules at boot, and
# brewctl runs unprivileged, so the modprobe could only fail; a missing bus is reported by
# `brewctl sensors` and as missing probes instead. Set the variable to 0 to get the old behaviour.
os.environ.setdefault("W1THERMSENSOR_NO_KERNEL_MODULE", "1")
