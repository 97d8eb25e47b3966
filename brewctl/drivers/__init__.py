"""Hardware drivers: DS18B20 probes (w1thermsensor) and GPIO outputs (gpiozero).

``probes`` and ``outputs`` talk to the hardware; ``timing`` holds their pure helpers;
``fake_w1`` is a fake 1-wire sysfs tree for tests and ``brewctl run --simulate`` (the GPIO
side of the simulation is gpiozero's own ``MockFactory``). See docs/drivers.md.
"""
