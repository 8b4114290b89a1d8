from pathlib import Path

import pytest

from course import create_app, store
from tests.helpers import sign_up

FIXTURE = Path(__file__).parent / "fixtures" / "course"


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE": str(tmp_path / "test.db"),
        "CONTENT_ROOT": str(FIXTURE),
    })
    yield app
    store.close_connection()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    return store.connection(app.config["DATABASE"])


@pytest.fixture
def learner(client):
    sign_up(client)
    return client
