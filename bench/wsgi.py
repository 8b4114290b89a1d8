"""What the benchmark serves: the course app as production runs it (`app:app`), with a minimal
Flask app mounted beside it at /_minimal/, in the same gunicorn workers, so the ratio of a
course page to the minimal route compares the engine with the framework's own ceiling."""

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app import app as course_app

minimal = Flask("minimal")


@minimal.route("/")
def hello():
    return "Hello, World!"


app = DispatcherMiddleware(course_app, {"/_minimal": minimal})
