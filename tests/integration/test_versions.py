"""Questionnaire versions: content-addressed, new on change, bound to rounds, immutable."""

from __future__ import annotations

import shutil
from pathlib import Path

from backend.surveys.services import list_versions, load_version, sync_folder


async def test_changed_definition_is_a_new_version(app, surveys_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(surveys_dir / "force-profile.yaml", folder)
    first = await sync_folder(folder)
    assert first.created == ["force-profile 2026.1"] and not first.problems
    again = await sync_folder(folder)
    assert again.created == [] and again.unchanged == ["force-profile 2026.1"]

    # a changed label (same version label!) is different content, so a new version
    path = folder / "force-profile.yaml"
    text = path.read_text()
    assert "Which best describes your organisation?" in text
    path.write_text(text.replace("Which best describes your organisation?", "What kind of force are you?", 1))
    changed = await sync_folder(folder)
    assert changed.created == ["force-profile 2026.1"]
    versions = [v for v in await list_versions() if v.slug == "force-profile"]
    assert len(versions) == 2 and versions[0].content_hash != versions[1].content_hash
    newest, oldest = versions[0].id, versions[1].id
    assert (await load_version(newest)).question("force_type").label["en"].startswith("What kind")
    assert (await load_version(oldest)).question("force_type").label["en"].startswith("Which best")

    # an invalid file is reported, not loaded
    path.write_text(text.replace("type: single_choice", "type: single_choise", 1))
    bad = await sync_folder(folder)
    assert bad.created == [] and bad.problems and "did you mean" in str(bad.problems[0])
