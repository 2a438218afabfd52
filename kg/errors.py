"""Input problems reported as one line that names the file."""


class InputError(Exception):
    """A file that cannot be read as a newspaper page."""

    def __init__(self, path, message: str):
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


class NothingRead(Exception):
    """Not one input page could be read: there is nothing to build or extract, and no output is
    replaced (an empty graph over the previous one would lose it for nothing)."""

    def __init__(self, paths, failures):
        self.failures = list(failures)
        shown = " ".join(str(p) for p in paths) or "(no paths)"
        if not self.failures:
            why = "no .txt/.htm/.html page found"
        elif len(self.failures) == 1:
            why = str(self.failures[0])
        else:
            why = f"all {len(self.failures)} inputs failed ({'; '.join(map(str, self.failures[:3]))}" + (
                f"; and {len(self.failures) - 3} more)" if len(self.failures) > 3 else ")")
        super().__init__(f"nothing read from {shown}: {why}")
