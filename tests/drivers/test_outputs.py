"""OutputBank on gpiozero's MockFactory: physical pin levels, timing with an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from gpiozero import Device, GPIOPinInUse
from gpiozero.pins.mock import MockFactory, MockPin

from brewctl.config import OutputConfig, OutputKind, parse_config
from brewctl.drivers.outputs import OutputBank, exclusive_pairs
from brewctl.drivers.timing import OVERDRIVE
from brewctl.errors import FatalError

RELAY_LOW = OutputConfig(kind=OutputKind.RELAY, pin=17, active_high=False)  # usual relay board
SSR_HIGH = OutputConfig(kind=OutputKind.SSR, pin=18, active_high=True, period_s=10)
SOLENOID_LOW = OutputConfig(kind=OutputKind.SOLENOID, pin=27, active_high=False)
VALVE_LOW = OutputConfig(kind=OutputKind.MOTORIZED_VALVE, open_pin=22, close_pin=23, active_high=False, travel_s=15)
OUTPUTS = {"cool": RELAY_LOW, "heat": SSR_HIGH, "glycol": SOLENOID_LOW, "valve": VALVE_LOW}
OFF_LEVELS = {17: True, 18: False, 27: True, 22: True, 23: True}  # physical level meaning "off"


class FakeTime:
    """An injected clock; ``sleep`` advances it and records what was energised meanwhile."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.bank: OutputBank | None = None
        self.trace: list[tuple[float, float, dict[str, bool]]] = []  # (start, duration, energised)
        self.until = float("inf")

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        assert self.bank is not None
        self.trace.append((self.now, delay, self.bank.energised()))
        self.now += delay
        if self.now >= self.until:
            raise asyncio.CancelledError
        await asyncio.sleep(0)

    def on_time(self, channel: str, start: float, end: float) -> float:
        return sum(max(0.0, min(t + d, end) - max(t, start)) for t, d, states in self.trace if states.get(channel))


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def levels(factory: MockFactory) -> dict[int, bool]:
    return {pin: factory.pin(pin).state for pin in OFF_LEVELS}


async def test_enter_drives_every_pin_to_its_off_level(mock_factory: MockFactory) -> None:
    async with OutputBank(OUTPUTS) as bank:
        assert levels(mock_factory) == OFF_LEVELS
        assert bank.energised() == dict.fromkeys(["cool", "heat", "glycol", "valve.open", "valve.close"], False)
        assert bank.pin_states() == dict.fromkeys(OFF_LEVELS, False)
    assert levels(mock_factory) == OFF_LEVELS


async def test_relay_levels_follow_polarity(mock_factory: MockFactory) -> None:
    async with OutputBank(OUTPUTS) as bank:
        bank.set("cool", 1.0)
        bank.set("glycol", 0.5)
        assert mock_factory.pin(17).state is False, "active-low relay: on = pin low"
        assert mock_factory.pin(27).state is False
        assert bank.pin_states()[17] is True and bank.energised()["glycol"] is True
        bank.set("cool", 0.49)
        assert mock_factory.pin(17).state is True
        mock_factory.pin(17).assert_states([False, True, False, True])  # floating, off, on, off


async def test_an_exception_inside_leaves_every_pin_off(mock_factory: MockFactory) -> None:
    with pytest.raises(ZeroDivisionError):
        async with OutputBank(OUTPUTS) as bank:
            bank.set("cool", 1.0)
            bank.set("heat", 1.0)
            bank.set("glycol", 1.0)
            assert levels(mock_factory) == {17: False, 18: True, 27: False, 22: True, 23: False}  # valve homing
            1 / 0  # noqa: B018
    assert levels(mock_factory) == OFF_LEVELS
    # The pins were released: a new bank can claim them again.
    async with OutputBank(OUTPUTS):
        pass


async def test_cancelling_run_turns_everything_off(mock_factory: MockFactory) -> None:
    async with OutputBank(OUTPUTS) as bank:
        task = asyncio.create_task(bank.run())
        await asyncio.sleep(0)
        bank.set("cool", 1.0)
        bank.set("heat", 0.5)
        assert mock_factory.pin(17).state is False
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert levels(mock_factory) == OFF_LEVELS
        assert bank.commands()["cool"] == 0.0


async def test_all_off_is_idempotent_and_never_raises(mock_factory: MockFactory) -> None:
    async with OutputBank(OUTPUTS) as bank:
        bank.set("cool", 1.0)
        bank.set("glycol", 1.0)
        broken = bank._devices["cool"]

        def fail() -> None:
            raise OSError("line busy")

        original_off = broken.off
        broken.off = fail
        bank.all_off()  # must not raise, and must still switch the others off
        assert mock_factory.pin(27).state is True
        broken.off = original_off
        bank.all_off()
        bank.all_off()
        assert levels(mock_factory) == OFF_LEVELS


async def test_ssr_duty_is_time_proportioned_over_its_period(mock_factory: MockFactory, fake_time: FakeTime) -> None:
    async with OutputBank({"heat": SSR_HIGH}, clock=fake_time.clock, sleep=fake_time.sleep) as bank:
        fake_time.bank = bank
        start = fake_time.now
        fake_time.until = start + 100.0
        bank.set("heat", 0.3)
        with pytest.raises(asyncio.CancelledError):
            await bank.run()
    assert fake_time.on_time("heat", start, start + 100.0) == pytest.approx(30.0, abs=1e-6)
    # No polling: the loop sleeps exactly from edge to edge, on 3 s, off 7 s.
    assert [round(d, 6) for _, d, _ in fake_time.trace[:6]] == [3.0, 7.0] * 3
    assert levels(mock_factory)[18] is False


async def test_a_duty_change_applies_at_once(mock_factory: MockFactory, fake_time: FakeTime) -> None:
    async with OutputBank({"heat": SSR_HIGH}, clock=fake_time.clock, sleep=fake_time.sleep) as bank:
        bank.set("heat", 0.9)
        fake_time.now += 5.0
        bank.step()
        assert mock_factory.pin(18).state is True
        bank.set("heat", 0.2)  # 5 s into the period, past the new 2 s on-time
        assert mock_factory.pin(18).state is False
        bank.set("heat", 0.0)
        fake_time.now += 10.0
        bank.step()
        assert mock_factory.pin(18).state is False


class InterlockedPin(MockPin):
    """A mock pin that fails the test the moment both valve relays are energised (both low)."""

    valve_pins = (22, 23)

    def _change_state(self, value: bool) -> bool:
        changed = super()._change_state(value)
        if self.info.name in {f"GPIO{p}" for p in self.valve_pins}:
            pins = self.factory.pins
            states = [p.state for info, p in pins.items() if info.name in {f"GPIO{n}" for n in self.valve_pins}]
            assert not (len(states) == 2 and not any(states)), "both valve relays energised"
        return changed


def test_the_interlocked_pin_does_catch_both_relays_on(interlocked_factory: MockFactory) -> None:
    for pin in (22, 23):
        interlocked_factory.pin(pin).function = "output"
        interlocked_factory.pin(pin).state = True
    interlocked_factory.pin(22).state = False
    with pytest.raises(AssertionError, match="both valve relays"):
        interlocked_factory.pin(23).state = False


@pytest.fixture
def interlocked_factory() -> Iterator[MockFactory]:
    previous = Device.pin_factory
    factory = MockFactory(pin_class=InterlockedPin)
    Device.pin_factory = factory
    try:
        yield factory
    finally:
        factory.reset()
        Device.pin_factory = previous


async def test_valve_homes_closed_then_moves_to_targets(interlocked_factory: MockFactory, fake_time: FakeTime) -> None:
    travel = VALVE_LOW.travel_s
    async with OutputBank({"valve": VALVE_LOW}, clock=fake_time.clock, sleep=fake_time.sleep) as bank:
        fake_time.bank = bank
        t0 = fake_time.now
        fake_time.until = t0 + 60.0
        task = asyncio.create_task(bank.run())
        await asyncio.sleep(0)
        assert bank.energised() == {"valve.open": False, "valve.close": True}, "re-homing drives closed"
        bank.set("valve", 0.5)  # applies once home
        with pytest.raises(asyncio.CancelledError):
            await task
        home_s = (1 + OVERDRIVE) * travel
        assert fake_time.on_time("valve.close", t0, t0 + 60) == pytest.approx(home_s, abs=1e-6)
        assert fake_time.on_time("valve.open", t0, t0 + 60) == pytest.approx(0.5 * travel, abs=1e-6), (
            "the end switch stopped the valve at closed: opening starts from there"
        )
        assert bank.valve_openings()["valve"] == pytest.approx(0.5)
    assert all(not (s["valve.open"] and s["valve.close"]) for _, _, s in fake_time.trace)
    assert interlocked_factory.pin(22).state is True and interlocked_factory.pin(23).state is True


async def test_valve_reversal_goes_through_a_stop(interlocked_factory: MockFactory, fake_time: FakeTime) -> None:
    async with OutputBank({"valve": VALVE_LOW}, clock=fake_time.clock, sleep=fake_time.sleep) as bank:
        bank.set("valve", 0.0)
        fake_time.now += 30.0
        bank.step()  # home
        fake_time.now += 1.0
        bank.set("valve", 1.0)
        fake_time.now += 5.0
        bank.step()
        assert bank.energised() == {"valve.open": True, "valve.close": False}
        bank.set("valve", 0.0)  # reverse: the interlocked pins fail if both are ever on
        assert bank.energised() == {"valve.open": False, "valve.close": False}, "stop first"
        stopped = fake_time.now
        while True:
            delay = bank.step()
            if bank.energised()["valve.close"]:
                break
            fake_time.now += delay
            assert fake_time.now - stopped < 1.0
        assert fake_time.now - stopped >= bank.valve_rest_s, "the motor rests before reversing"
        assert bank.energised() == {"valve.open": False, "valve.close": True}
        opening = bank.valve_openings()["valve"]
        assert opening == pytest.approx(5.0 / VALVE_LOW.travel_s), "5 s of driving from the closed end"


async def test_all_off_holds_a_valve_where_it_is(mock_factory: MockFactory, fake_time: FakeTime) -> None:
    async with OutputBank({"valve": VALVE_LOW}, clock=fake_time.clock, sleep=fake_time.sleep) as bank:
        bank.set("valve", 0.0)
        fake_time.now += 30.0
        bank.step()
        fake_time.now += 1.0  # past the rest after homing
        bank.set("valve", 1.0)
        fake_time.now += 3.0
        bank.all_off()
        assert bank.energised() == {"valve.open": False, "valve.close": False}
        fake_time.now += 30.0
        assert bank.step() > 0 and bank.energised()["valve.open"] is False
        assert bank.valve_openings()["valve"] == pytest.approx(0.2)


async def test_exclusive_pair_is_never_on_together(mock_factory: MockFactory, caplog: pytest.LogCaptureFixture) -> None:
    async with OutputBank(OUTPUTS, exclusive=[("heat", "cool")]) as bank:
        bank.set("heat", 1.0)
        assert bank.energised()["heat"] is True
        bank.set("cool", 1.0)
        assert bank.energised()["heat"] is False and bank.energised()["cool"] is False
        bank.set("cool", 1.0)
        bank.step()
        assert [r.getMessage() for r in caplog.records].count(
            "outputs heat and cool both commanded on: both kept off"
        ) == 1
        bank.set("heat", 0.0)
        assert bank.energised()["cool"] is True


def test_exclusive_pairs_from_config() -> None:
    cfg = parse_config(
        {
            "probes": {"b": {"id": "28-0316a2795aff"}},
            "outputs": {"h": {"kind": "ssr", "pin": 18}, "c": {"kind": "relay", "pin": 17}},
            "fermenters": {"fv1": {"beer_probe": "b", "heater": "h", "cooler": "c"}},
        }
    )
    assert exclusive_pairs(cfg) == [("h", "c")]


def test_a_jackets_heat_wrap_and_its_glycol_valve_are_an_exclusive_pair() -> None:
    """The rig registry says which role cools: on a glycol or valve rig it is the valve, not a cooler."""
    cfg = parse_config(
        {
            "probes": {"b": {"id": "28-0316a2795aff"}, "b2": {"id": "28-0416a27c3bff"}},
            "outputs": {
                "wrap": {"kind": "ssr", "pin": 18},
                "sol": {"kind": "solenoid", "pin": 27},
                "wrap2": {"kind": "ssr", "pin": 24},
                "ball": {"kind": "motorized-valve", "open_pin": 22, "close_pin": 23},
            },
            "fermenters": {
                "fv2": {"rig": "glycol", "beer_probe": "b", "heater": "wrap", "valve": "sol"},
                "fv3": {"rig": "valve", "beer_probe": "b2", "heater": "wrap2", "valve": "ball"},
            },
        }
    )
    assert exclusive_pairs(cfg) == [("wrap", "sol"), ("wrap2", "ball")]


async def test_bad_commands_are_refused(mock_factory: MockFactory) -> None:
    async with OutputBank(OUTPUTS) as bank:
        with pytest.raises(ValueError, match="no output named 'nope'"):
            bank.set("nope", 1.0)
        bank.set("cool", 1.0)
        with pytest.raises(ValueError, match="finite"):
            bank.set("cool", float("nan"))
        assert mock_factory.pin(17).state is True, "NaN turned it off"
    with pytest.raises(ValueError, match="no output named"):
        OutputBank(OUTPUTS, exclusive=[("heat", "fridge")])


async def test_a_pin_already_in_use_releases_what_was_claimed(mock_factory: MockFactory) -> None:
    async with OutputBank({"other": OutputConfig(kind=OutputKind.RELAY, pin=22)}):
        with pytest.raises(GPIOPinInUse):
            async with OutputBank(OUTPUTS):
                pass
        # 17, 18 and 27 were claimed before 22 failed; they must be free again.
        async with OutputBank({"cool": RELAY_LOW, "heat": SSR_HIGH, "glycol": SOLENOID_LOW}):
            pass


async def test_a_failing_gpio_write_is_fatal_and_leaves_outputs_off(mock_factory: MockFactory) -> None:
    async with OutputBank(OUTPUTS) as bank:
        bank.set("glycol", 1.0)
        dev = bank._devices["cool"]
        type(dev)  # the real DigitalOutputDevice
        mock_factory.pin(17).function = "input"  # someone stole the line: writes now fail
        with pytest.raises(FatalError, match="GPIO write failed"):
            bank.set("cool", 1.0)
        assert mock_factory.pin(27).state is True


async def test_not_reentrant_and_step_needs_the_context(mock_factory: MockFactory) -> None:
    bank = OutputBank(OUTPUTS)
    with pytest.raises(RuntimeError, match="async with"):
        bank.set("cool", 1.0)
    async with bank:
        with pytest.raises(RuntimeError, match="re-entrant"):
            async with bank:
                pass


async def test_set_wakes_the_loop_to_replan_its_sleep(mock_factory: MockFactory) -> None:
    now = 0.0
    planned: list[float] = []

    async def sleep_forever(delay: float) -> None:
        planned.append(delay)
        await asyncio.Event().wait()  # only a wake-up ends it

    async with OutputBank({"heat": SSR_HIGH}, clock=lambda: now, sleep=sleep_forever) as bank:
        task = asyncio.create_task(bank.run())
        for _ in range(10):  # let the loop run a few turns
            await asyncio.sleep(0)
        assert planned == [bank.max_tick_s], "idle: nothing to time, only the safety net"
        bank.set("heat", 0.4)
        for _ in range(10):  # let the loop run a few turns
            await asyncio.sleep(0)
        assert planned == [bank.max_tick_s, 4.0], "re-planned to the end of the 4 s on-time"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert mock_factory.pin(18).state is False


async def test_ssr_periods_are_staggered(mock_factory: MockFactory, fake_time: FakeTime) -> None:
    two = {"h1": SSR_HIGH, "h2": OutputConfig(kind=OutputKind.SSR, pin=19, period_s=10)}
    async with OutputBank(two, clock=fake_time.clock, sleep=fake_time.sleep) as bank:
        bank.set("h1", 0.5)
        bank.set("h2", 0.5)
        seen = []
        for _ in range(40):
            fake_time.now += 0.5
            bank.step()
            on = bank.energised()
            seen.append((on["h1"], on["h2"]))
    assert all(a != b for a, b in seen), "half a period apart: exactly one heater on at a time"
    assert sum(a for a, _ in seen) == sum(b for _, b in seen) == 20


async def test_home_valves_rehomes_then_returns_to_the_target(mock_factory: MockFactory, fake_time: FakeTime) -> None:
    travel = VALVE_LOW.travel_s
    async with OutputBank({"valve": VALVE_LOW}, clock=fake_time.clock, sleep=fake_time.sleep) as bank:
        fake_time.bank = bank
        bank.set("valve", 0.5)
        fake_time.until = fake_time.now + 60.0
        with pytest.raises(asyncio.CancelledError):
            await bank.run()
        assert bank.valve_openings()["valve"] == pytest.approx(0.5)
        bank.set("valve", 0.5)  # run() stopped: all off; command again
        fake_time.trace.clear()
        bank.home_valves()
        assert bank.energised() == {"valve.open": False, "valve.close": True}
        t0 = fake_time.now
        fake_time.until = t0 + 60.0
        with pytest.raises(asyncio.CancelledError):
            await bank.run()
    assert fake_time.on_time("valve.close", t0, t0 + 60) == pytest.approx((1 + OVERDRIVE) * travel)
    assert fake_time.on_time("valve.open", t0, t0 + 60) == pytest.approx(0.5 * travel)
