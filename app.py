"""What `flask --app app …` and gunicorn (`gunicorn app:app`) load."""

from course import create_app

app = create_app()
