"""W&B media and chart types: accepted, never recorded (Sweep stores numbers).

wandb.log drops values of these types silently; constructing one prints a
one-time note, so the user learns once that the panel will not exist.
"""


class Media:
    def __init__(self, *args, **kwargs):
        from . import _note_noop
        _note_noop(type(self).__name__)


class Image(Media):
    pass


class Table(Media):
    def add_data(self, *args, **kwargs):
        pass

    def add_column(self, *args, **kwargs):
        pass


class Histogram(Media):
    pass


class Audio(Media):
    pass


class Video(Media):
    pass


class Html(Media):
    pass


class Object3D(Media):
    pass


class _Plot:
    """wandb.plot.line(...), wandb.plot.scatter(...): every chart is a Media no-op."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: Media()


plot = _Plot()
