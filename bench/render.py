"""Time rendering the whole course (every module, quiz and glossary, in every language) in a fresh
process, as a worker does on its first request: `python -m bench.render DATABASE`."""

import statistics
import sys
import time

from course.web import create_app
from course.web.catalog import Catalog


def main() -> None:
    app = create_app({"DATABASE": sys.argv[1]})
    times = []
    with app.app_context():
        for _ in range(3):
            start = time.perf_counter()
            course = Catalog(app.config["CONTENT_ROOT"]).course
            times.append(time.perf_counter() - start)
    pages = sum(len(module.pages) for versions in course.modules.values() for module in versions.values())
    print(statistics.median(times), pages)


if __name__ == "__main__":
    main()
