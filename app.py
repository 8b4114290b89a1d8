"""What `flask --app app …` and gunicorn (`gunicorn app:app`) load."""

from course.web import create_app

app = create_app()
