"""The command line: each command loads only the modules it needs, and all are listed in --help."""

from __future__ import annotations

import argparse

from brewctl.cli import COMMAND_MODULES, build_parser


def top_commands(parser: argparse.ArgumentParser) -> set[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_every_command_is_mapped_to_the_modules_that_register_it() -> None:
    assert top_commands(build_parser()) == set(COMMAND_MODULES)
    for command in COMMAND_MODULES:
        assert command in top_commands(build_parser(command)), command


def test_profile_actions_from_both_modules_are_there_for_a_profile_command() -> None:
    parser = build_parser("profile")
    for argv in (["profile", "validate", "x.toml"], ["profile", "pause", "fv1"]):
        assert parser.parse_args(argv).func is not None


def test_an_unknown_command_builds_the_full_parser() -> None:
    assert top_commands(build_parser("nope")) == set(COMMAND_MODULES)
