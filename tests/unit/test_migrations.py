"""The tables and the migrations agree: Piccolo's `migrations new --auto` would find nothing to
do in any app. A change to a table without its migration fails here; so does a raw migration
whose effect Piccolo's picture of the schema does not know (see the `RecordOnly` migrations)."""

from __future__ import annotations

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from backend.piccolo_conf import APP_REGISTRY


@pytest.mark.parametrize("app_name", [config.app_name for config in APP_REGISTRY.app_configs.values()])
async def test_auto_migration_finds_no_change(app_name: str) -> None:
    config = APP_REGISTRY.get_app_config(app_name)
    alter = await AutoMigrationManager(auto_input="n").get_alter_statements(app_config=config)
    assert [statement for a in alter for statement in a.statements] == []
