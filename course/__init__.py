"""The course engine.

The core (content, grading, progress, analysis, charts, CSV, xAPI, the store) imports no Flask;
the web application lives in `course.web`, whose `create_app()` builds it. docs/architecture.md
says what may import what.
"""
