"""The course content: reading modules/ and quizzes/ into plain data. Never imports Flask."""

from .loader import load_course
from .model import LANGUAGES, Choice, Course, Glossary, GlossaryEntry, Module, Page, PathwayStep, Problem, Question, Quiz

__all__ = [
    "LANGUAGES", "Choice", "Course", "Glossary", "GlossaryEntry", "Module", "Page", "PathwayStep", "Problem",
    "Question", "Quiz", "load_course",
]
