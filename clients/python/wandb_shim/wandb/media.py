"""W&B media types, stored as files of the run and listed among its artifacts.

wandb.log({"sample": wandb.Image(array)}) writes the image as a PNG into the
run's media folder (media/<key>_<step>.png), the way W&B keeps media in its
run's files/media; the file is then recorded like any artifact (path,
SHA-256, size), so `sweep show RUN` lists it. Formats:

  Image      PNG: a PIL image, a file path (copied as is), a matplotlib figure
             (savefig), or pixel data (nested lists or a numpy array: H x W
             grey, H x W x 3 RGB, H x W x 4 RGBA; floats <= 1.0 are scaled to
             0..255 as W&B does). PIL is used when installed; otherwise the
             PNG is encoded here with zlib (standard library only).
  Table      JSON ({"columns": [...], "data": [[...]]}, W&B's table layout)
             and the same rows as CSV.
  Html       the HTML text (or a copy of the file) as .html.
  Histogram  JSON {"bins": edges, "values": counts} (num_bins as in W&B, 64).

  Audio      a file path (copied as is), or samples (a list or numpy array,
             frames or frames x channels) with sample_rate, written as a
             16-bit PCM WAV with the standard library's `wave` (W&B writes
             WAV through soundfile, whose default WAV format this is):
             floats in [-1, 1] are scaled to 16 bits, integers are taken as
             16-bit samples; values outside are clipped.
  Video      a file path (gif, mp4, webm, ogg: W&B's formats), copied as is.
             Frames given as an array are not encoded (W&B needs moviepy for
             that); a one-time note says so and nothing is stored.

Object3D and wandb.plot charts are accepted and not stored (a one-time note
says so).
"""
import csv
import json
import math
import os
import shutil
import struct
import wave
import zlib

# W&B's default number of histogram bins (wandb.Histogram num_bins).
DEFAULT_HISTOGRAM_BINS = 64
# Largest image we encode ourselves: 64 megapixels (a bigger one is a bug, not a sample).
MAX_IMAGE_PIXELS = 64 * 1024 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOR_TYPES = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type (grey, RGB, RGBA)


class Media:
    """Base of every media type; subclasses that are stored implement _write(path_stem)."""

    stored = False

    def __init__(self, *args, **kwargs):
        from . import _note_noop
        _note_noop(type(self).__name__)

    def _write(self, stem):
        """Write the media to `stem` + extension(s); returns the paths written."""
        raise NotImplementedError


def _as_list(data):
    return data.tolist() if hasattr(data, "tolist") else data


def _pixel_rows(data):
    """(width, height, channels, rows of 0..255 ints) from nested lists H x W or H x W x C."""
    rows = _as_list(data)
    if not rows or not isinstance(rows, list) or not isinstance(rows[0], list) or not rows[0]:
        raise ValueError("wandb.Image: pixel data must be H x W or H x W x C")
    height, width = len(rows), len(rows[0])
    if height * width > MAX_IMAGE_PIXELS:
        raise ValueError("wandb.Image: %d x %d pixels is too large" % (width, height))
    channels = len(rows[0][0]) if isinstance(rows[0][0], list) else 1
    if channels not in _PNG_COLOR_TYPES:
        raise ValueError("wandb.Image: %d channels (expected 1, 3 or 4)" % channels)
    flat = [v for row in rows for px in row for v in (px if isinstance(px, list) else [px])]
    if len(flat) != height * width * channels:
        raise ValueError("wandb.Image: rows of different lengths")
    scale = 255.0 if flat and max(flat) <= 1.0 and any(isinstance(v, float) for v in flat) else 1.0
    clamp = [min(255, max(0, int(round(v * scale)))) for v in flat]
    stride = width * channels
    return width, height, channels, [clamp[i * stride:(i + 1) * stride] for i in range(height)]


def encode_png(data):
    """PNG bytes (8-bit, no interlace, filter 0) of pixel data; see _pixel_rows."""
    width, height, channels, rows = _pixel_rows(data)

    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOR_TYPES[channels], 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    return _PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Image(Media):
    stored = True

    def __init__(self, data_or_path=None, mode=None, caption=None, **_ignored):
        self._data = data_or_path
        self.caption = caption

    def _write(self, stem):
        data = self._data
        if isinstance(data, (str, os.PathLike)):
            path = stem + (os.path.splitext(str(data))[1] or ".png")
            shutil.copyfile(data, path)
            return [path]
        path = stem + ".png"
        if hasattr(data, "savefig"):  # a matplotlib figure
            data.savefig(path, format="png")
        elif hasattr(data, "save") and hasattr(data, "mode"):  # a PIL image
            data.save(path, format="PNG")
        else:
            try:
                from PIL import Image as PilImage
                import numpy
                array = numpy.asarray(data)
                if array.dtype.kind == "f" and array.size and array.max() <= 1.0:
                    array = array * 255
                PilImage.fromarray(array.clip(0, 255).astype("uint8")).save(path, format="PNG")
            except ImportError:
                with open(path, "wb") as out:
                    out.write(encode_png(data))
        return [path]


class Table(Media):
    stored = True

    def __init__(self, columns=None, data=None, rows=None, dataframe=None, **_ignored):
        if dataframe is not None:
            columns = list(dataframe.columns)
            data = dataframe.values.tolist()
        self.data = [list(_as_list(row)) for row in (data if data is not None else rows or [])]
        width = len(self.data[0]) if self.data else 0
        self.columns = list(columns) if columns is not None else ["Column %d" % (i + 1) for i in range(width)]

    def add_data(self, *values):
        if len(values) != len(self.columns):
            raise ValueError("wandb.Table.add_data: %d values for %d columns" % (len(values), len(self.columns)))
        self.data.append(list(values))

    def add_column(self, name, data):
        if self.data and len(data) != len(self.data):
            raise ValueError("wandb.Table.add_column: %d values for %d rows" % (len(data), len(self.data)))
        self.columns.append(name)
        if not self.data:
            self.data = [[] for _ in data]
        for row, value in zip(self.data, data):
            row.append(_as_list(value))

    def get_column(self, name):
        index = self.columns.index(name)
        return [row[index] for row in self.data]

    def _write(self, stem):
        cells = [[v if isinstance(v, (int, float, str, bool, type(None))) else str(v) for v in row] for row in self.data]
        with open(stem + ".table.json", "w", encoding="utf-8") as out:
            json.dump({"columns": self.columns, "data": cells}, out)
        with open(stem + ".csv", "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(self.columns)
            writer.writerows(cells)
        return [stem + ".table.json", stem + ".csv"]


class Html(Media):
    stored = True

    def __init__(self, data, inject=True, **_ignored):
        if hasattr(data, "read"):
            data = data.read()
        elif isinstance(data, (str, os.PathLike)) and str(data).endswith((".html", ".htm")) and os.path.isfile(data):
            with open(data, encoding="utf-8") as handle:
                data = handle.read()
        self.html = str(data)

    def _write(self, stem):
        with open(stem + ".html", "w", encoding="utf-8") as out:
            out.write(self.html)
        return [stem + ".html"]


def _histogram(values, num_bins):
    finite = [float(v) for v in values if math.isfinite(float(v))]
    if not finite:
        return [], []
    low, high = min(finite), max(finite)
    if low == high:
        low, high = low - 0.5, high + 0.5  # numpy.histogram's range for a constant sequence
    width = (high - low) / num_bins
    edges = [low + i * width for i in range(num_bins)] + [high]
    counts = [0] * num_bins
    for v in finite:
        counts[min(num_bins - 1, int((v - low) / width))] += 1
    return edges, counts


class Histogram(Media):
    stored = True

    def __init__(self, sequence=None, np_histogram=None, num_bins=DEFAULT_HISTOGRAM_BINS, **_ignored):
        if np_histogram is not None:
            counts, edges = np_histogram
            self.histogram, self.bins = list(_as_list(counts)), list(_as_list(edges))
        else:
            flat = _as_list(sequence)
            while flat and isinstance(flat[0], list):
                flat = [v for part in flat for v in part]
            self.bins, self.histogram = _histogram(flat or [], int(num_bins))

    def _write(self, stem):
        with open(stem + ".histogram.json", "w", encoding="utf-8") as out:
            json.dump({"bins": self.bins, "values": self.histogram}, out)
        return [stem + ".histogram.json"]


# 16-bit PCM: the sample width and full scale of the WAV files written for raw audio.
_PCM16_BYTES = 2
_PCM16_MAX = 32767
# Formats W&B's wandb.Video takes from a file.
VIDEO_FORMATS = ("gif", "mp4", "webm", "ogg")


def _copy_with_extension(source, stem):
    path = stem + os.path.splitext(str(source))[1]
    shutil.copyfile(source, path)
    return [path]


def _pcm16_frames(samples):
    """(channels, little-endian 16-bit frames) of mono (a flat list) or frames x channels samples."""
    rows = _as_list(samples)
    if not isinstance(rows, list) or not rows:
        raise ValueError("wandb.Audio: no samples")
    channels = len(rows[0]) if isinstance(rows[0], list) else 1
    flat = [v for row in rows for v in (row if isinstance(row, list) else [row])]
    if channels < 1 or len(flat) != len(rows) * channels:
        raise ValueError("wandb.Audio: frames of different channel counts")
    scale = _PCM16_MAX if any(isinstance(v, float) for v in flat) else 1
    pcm = [max(-_PCM16_MAX - 1, min(_PCM16_MAX, int(round(v * scale)))) for v in flat]
    return channels, struct.pack("<%dh" % len(pcm), *pcm)


class Audio(Media):
    stored = True

    def __init__(self, data_or_path, sample_rate=None, caption=None, **_ignored):
        self.caption = caption
        self._sample_rate = sample_rate
        self._path = None
        self._duration = None
        if isinstance(data_or_path, (str, os.PathLike)):
            self._path = data_or_path
            return
        if sample_rate is None:
            raise ValueError('Argument "sample_rate" is required when instantiating wandb.Audio with raw data.')
        self._channels, self._frames = _pcm16_frames(data_or_path)
        self._duration = len(self._frames) / float(_PCM16_BYTES * self._channels * sample_rate)

    def duration(self):
        return self._duration

    def _write(self, stem):
        if self._path is not None:
            return _copy_with_extension(self._path, stem)
        path = stem + ".wav"
        with wave.open(path, "wb") as out:
            out.setnchannels(self._channels)
            out.setsampwidth(_PCM16_BYTES)
            out.setframerate(int(self._sample_rate))
            out.writeframes(self._frames)
        return [path]


class Video(Media):
    def __init__(self, data_or_path, caption=None, fps=None, format=None, **_ignored):
        self.caption = caption
        self._path = None
        if isinstance(data_or_path, (str, os.PathLike)):
            extension = os.path.splitext(str(data_or_path))[1].lstrip(".").lower()
            if extension not in VIDEO_FORMATS:
                raise ValueError("wandb.Video accepts %s formats" % ", ".join(VIDEO_FORMATS))
            self._path = data_or_path
            self.stored = True
            return
        from . import _warn_once
        _warn_once("video-frames", "wandb.Video from an array of frames is not stored under Sweep (encoding it "
                   "needs moviepy, as in W&B); log a video file's path instead")

    def _write(self, stem):
        return _copy_with_extension(self._path, stem)


class Object3D(Media):
    pass


class _Plot:
    """wandb.plot.line(...), wandb.plot.scatter(...): every chart is a Media no-op."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: Media()


plot = _Plot()


def safe_file_part(key):
    """A metric key as part of a file name: '/' and other separators become '_'."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in str(key)).strip(".") or "media"
