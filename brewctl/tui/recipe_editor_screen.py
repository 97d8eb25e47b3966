"""Placeholder: the recipe editor lands with the recipe format."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

__all__ = ["RecipeEditorScreen", "recipe_label"]


def recipe_label(path: Path) -> str:
    return path.name


class RecipeEditorScreen(Screen[None]):
    @classmethod
    def open(cls, path: Path, settings: object) -> RecipeEditorScreen:
        return cls()

    @classmethod
    def new(cls, settings: object) -> RecipeEditorScreen:
        return cls()
