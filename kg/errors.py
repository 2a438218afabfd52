"""Input problems reported as one line that names the file."""


class InputError(Exception):
    """A file that cannot be read as a newspaper page."""

    def __init__(self, path, message: str):
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message
