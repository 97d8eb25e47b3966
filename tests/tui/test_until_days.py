"""The hold-until form's "days ≥ [ ]": a minimum step time, checked on its own, kept on reopening."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from brewctl.core.profile import HoldUntilStep, StepTimeAtLeast
from brewctl.tui.app import Settings, make_app
from brewctl.tui.profile_draft import ProfileDraft
from brewctl.tui.profile_editor_screen import ProfileEditorScreen
from brewctl.tui.step_form_screen import StepFormScreen
from brewctl.tui.until_form import until_from_texts, until_texts
from tests.tui.conftest import screen_of, until


def test_days_field_reads_and_writes_the_file_condition() -> None:
    conditions, problems = until_from_texts({"gravity_le": "1.012", "days_ge": "2,5"})
    assert problems == [] and conditions[-1] == {"type": "step_time", "at_least": "2.5d"}
    assert until_texts(conditions) == {
        "gravity_le": "1.012", "stable_points": "", "stable_hours": "", "attenuation_ge": "", "days_ge": "2.5"
    }  # fmt: skip
    for bad in ("0", "-1", "x", "400"):
        _, problems = until_from_texts({"days_ge": bad})
        assert [key for key, _ in problems] == ["days_ge"], bad


async def test_days_at_least_in_the_hold_until_form(tmp_path: Path) -> None:
    app = make_app(settings=Settings(profiles_dir=tmp_path, recipes_dir=tmp_path))
    draft = ProfileDraft.new("Ale")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ProfileEditorScreen(draft))
        await pilot.pause()
        editor = app.screen
        await pilot.press("a")
        form = await screen_of(pilot, StepFormScreen)
        form.query_one("#type", Select).value = "hold_until"
        await pilot.pause()
        form.query_one("#f-max_duration", Input).value = "14d"
        form.query_one("#f-gravity_le", Input).value = "1.012"
        form.query_one("#f-days_ge", Input).value = "0"
        await pilot.pause()
        problems = str(form.query_one("#problems", Static).content)
        assert "days ≥: type the days the step runs at least" in problems, problems
        assert form.query_one("#f-days_ge", Input).has_class("-invalid")
        assert not form.query_one("#f-gravity_le", Input).has_class("-invalid")
        await pilot.press("ctrl+s")
        assert app.screen is form  # not accepted while a field is wrong
        form.query_one("#f-days_ge", Input).value = "3"
        form.query_one("#f-combine", Select).value = "all"
        await pilot.pause()
        assert str(form.query_one("#problems", Static).content) == ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is editor, what="the step accepted")
        assert draft.steps[1]["until"] == [
            {"type": "gravity", "at_or_below": 1.012},
            {"type": "step_time", "at_least": "3d"},
        ]
        profile, left = draft.check()
        assert profile is not None and left == []
        step = profile.steps[1]
        assert isinstance(step, HoldUntilStep) and StepTimeAtLeast(duration_s=3 * 86400.0) in step.until.conditions
        await pilot.press("enter")
        form = await screen_of(pilot, StepFormScreen)
        assert form.query_one("#f-days_ge", Input).value == "3"
