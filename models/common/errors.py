"""Errors the UI shows to the user as they are (demos/common.user_errors turns them into gr.Error)."""


class InputError(ValueError):
    """Input the user can fix: empty, unreadable, too large, wrong kind."""


class ModelUnavailable(RuntimeError):
    """A model cannot be loaded (missing or broken weights, no internet for a Hub model); the
    message names the file or model. Only the tab that needs it is affected."""
