"""Each plugin's test builds its own ``test_data/`` as a real build does.

``test_data/`` is a tiny network (``network.yaml`` if it needs one, ``sites/<slug>/site.yaml`` and its
``content/``): it is copied into a network folder of tmp_path, beside the project's themes and plugins,
and built by citoyens with real Pelican, every site in a process of its own (Pelican keeps process-wide
state, so a site is never built inside pytest's process).  The tests read back the output's bytes.

The fixtures of tests/conftest.py (the ``network`` folder, the build's clock, messages in English,
the templates rendered) are the same here: that file is loaded under a name of its own, both files
being called ``conftest``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parent.parent / "tests"
# tests/conftest.py imports the helpers beside it (browser.py), as pytest lets it when it loads that
# file itself: the folder on the path first.
if str(_TESTS) not in sys.path:
    sys.path.insert(0, str(_TESTS))
_spec = importlib.util.spec_from_file_location("citoyens_tests_conftest", _TESTS / "conftest.py")
_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tests)

Network = _tests.Network
network = _tests.network
source_date_epoch = _tests.source_date_epoch
english_messages = _tests.english_messages
rendered_templates = _tests.rendered_templates


@pytest.fixture
def plugin_network(request, network: Network) -> Network:
    """The network folder with the test's plugin's ``test_data/`` copied in, ready to build."""
    shutil.copytree(Path(request.path).parent / "test_data", network.root, dirs_exist_ok=True)
    return network
