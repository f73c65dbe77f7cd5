"""The credential panel's Bedrock and Vertex rows: region / project, the winning credential
source, and a live check that goes through each cloud's own call (against the simulator)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from playground.config.schema import Config, ProviderConfig
from playground.tui.screens.credentials import CredentialPanel

from .conftest import fast_reliability, wait_until

ECHO = "sim/echo?tps=0&ttft_ms=0"
TOKEN = "ya29.a0-panel-access-token-0123456789abcdef"
BEDROCK_KEY = "ABSK" + "cGFuZWwtYmVkcm9jay1rZXk" * 3


@pytest.mark.parametrize(
    ("slug", "facts"),
    [
        ("vertex", "gcp: project sim-project · location europe-west4 · credentials: access token"),
        ("bedrock", "aws: region eu-central-1 · credentials: Bedrock API key"),
    ],
)
async def test_cloud_rows_show_where_and_which_credential_and_check_live(
    make_app, sim_url: str, slug: str, facts: str
) -> None:
    providers = {
        "vertex": ProviderConfig(
            base_url=f"{sim_url}/vertex",
            project="sim-project",
            location="europe-west4",
            api_key=TOKEN,
        ),
        "bedrock": ProviderConfig(
            base_url=f"{sim_url}/bedrock", region="eu-central-1", api_key=BEDROCK_KEY
        ),
    }
    app = make_app([ECHO], config=Config(reliability=fast_reliability(), providers=providers))
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.chat_panes) >= 1)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CredentialPanel))
        panel = app.screen
        await wait_until(pilot, lambda: slug in panel.cloud)
        table = panel.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(slug))
        await pilot.pause()
        detail = str(panel.query_one("#credential-detail").render())
        assert facts in " ".join(detail.split())
        await pilot.press("c")
        await wait_until(pilot, lambda: app.credential_states()[slug].live is not None)
        live = app.credential_states()[slug].live
        assert live.status == "ok", live
        detail = str(panel.query_one("#credential-detail").render())
        assert TOKEN not in detail and BEDROCK_KEY not in detail
