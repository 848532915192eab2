"""Errors and notices the UI shows to the user (demos/common.user_errors turns errors into
gr.Error), each in English with its template kept, so the UI can show it in the reader's
language (demos/i18n translates templates, as gettext does its message ids)."""


class Message(str):
    """An English text made from `template.format(**params)` that remembers both."""

    template: str
    params: dict

    def __new__(cls, template: str, **params) -> "Message":
        message = super().__new__(cls, template.format(**params) if params else template)
        message.template, message.params = template, params
        return message


class InputError(ValueError):
    """Input the user can fix: empty, unreadable, too large, wrong kind.

    raise InputError("The file is over {mb} MB; upload a smaller one.", mb=25)"""

    def __init__(self, template: str, **params):
        self.message = Message(template, **params)
        super().__init__(self.message)

    def __reduce__(self):
        # pickled with its template and parameters (a Ray Serve replica sends it to the UI):
        # the default, type(self)(*self.args), would keep only the formatted English text
        return _input_error, (type(self), self.message.template, self.message.params)


def _input_error(cls: type, template: str, params: dict) -> InputError:
    return cls(template, **params)


class ModelUnavailable(RuntimeError):
    """A model cannot be loaded (missing or broken weights, no internet for a Hub model); the
    message names the file or model. Only the tab that needs it is affected."""
