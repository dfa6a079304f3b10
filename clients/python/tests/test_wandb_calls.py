"""The `wandb` calls real scripts make, beyond init/log/finish: what each one sends or writes."""
import json
import os
import struct
import tempfile
import textwrap
import unittest
import zlib

from harness import run_trial


def trial(code, **kwargs):
    return run_trial(textwrap.dedent(code), **kwargs)


def decode_png(data):
    """(width, height, colour type, rows) of an 8-bit, filter-0 PNG, read per the PNG spec."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        payload = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + payload) & 0xFFFFFFFF
        chunks[kind] = chunks.get(kind, b"") + payload
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8
    raw = zlib.decompress(chunks[b"IDAT"])
    channels = {0: 1, 2: 3, 6: 4}[colour]
    stride = width * channels + 1
    rows = [list(raw[i * stride + 1:(i + 1) * stride]) for i in range(height)]
    assert all(raw[i * stride] == 0 for i in range(height))
    return width, height, colour, rows


class SummaryConfigAndNameTest(unittest.TestCase):
    def test_attribute_summary_name_and_config_items(self):
        result = trial("""
            import wandb
            run = wandb.init(name="first", config={"lr": 0.1})
            run.summary.best = 3
            wandb.summary.final = 4.5
            print(run.summary.best, wandb.summary["final"])
            run.name = "renamed"
            print(run.name, run.path.endswith("/run-42"), run.resumed, run.get_sweep_url())
            assert run.save() == [] and wandb.save() == []  # W&B's cross-validation example saves without a glob
            items = vars(wandb.config)["_items"]
            print(sorted(items.items()))
            wandb.join()
        """, params={"lr": 0.5})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), ["3 4.5", "renamed True False None", "[('lr', 0.5)]"])
        summaries = [m["data"] for m in result.of_type("summary")]
        self.assertEqual(summaries, [{"best": 3}, {"final": 4.5}])
        self.assertEqual(result.messages[-1], {"t": "finish", "exit_code": 0})

    def test_init_reads_a_yaml_config_file(self):
        scratch = tempfile.mkdtemp(prefix="wandb_yaml_")
        with open(os.path.join(scratch, "config.yaml"), "w") as out:
            out.write("wandb_version: 1\nepochs:\n  desc: number of epochs\n  value: 5\nbatch_size: 16\n")
        result = trial("""
            import wandb
            wandb.init(config="config.yaml")
            print(wandb.config.epochs, wandb.config.batch_size)
        """, scratch=scratch)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "5 16")


class DefineMetricTest(unittest.TestCase):
    # W&B: define_metric(name, summary=rule) makes the summary of `name` that aggregate of its history.
    def test_summary_rules(self):
        result = trial("""
            import wandb
            wandb.init()
            wandb.define_metric("acc", summary="max")
            wandb.define_metric("loss", summary="min")
            wandb.define_metric("lr", summary="mean")
            wandb.define_metric("step_time", summary="last")
            for acc, loss, lr in [(0.5, 4, 1.0), (1, 3, 2.0), (3, 5, 3.0), (2, 6, 6.0)]:
                wandb.log({"acc": acc, "loss": loss, "lr": lr, "step_time": 1})
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        last = {}
        for message in result.of_type("summary"):
            last.update(message["data"])
        self.assertEqual(last, {"acc": 3, "loss": 3, "lr": 3.0})

    def test_best_needs_a_goal(self):
        result = trial("""
            import wandb
            wandb.init()
            try:
                wandb.define_metric("acc", summary="best")
            except ValueError as error:
                print("refused")
            wandb.define_metric("acc", summary="best", goal="maximize")
            wandb.log({"acc": 2}); wandb.log({"acc": 1})
        """)
        self.assertEqual(result.stdout.strip(), "refused")
        self.assertEqual(result.of_type("summary")[-1]["data"], {"acc": 2})


class MediaTest(unittest.TestCase):
    def test_image_table_html_histogram_become_files_listed_as_artifacts(self):
        result = trial("""
            import wandb
            wandb.init()
            pixels = [[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [10, 20, 30]]]
            grey = [[0.0, 0.5], [1.0, 0.25]]
            table = wandb.Table(columns=["a", "b"])
            table.add_data(1, "x")
            table.add_data(2, "y")
            wandb.log({"rgb": wandb.Image(pixels), "grey": wandb.Image(grey), "loss": 1.0})
            wandb.log({"t": table, "page": wandb.Html("<b>hi</b>"), "h": wandb.Histogram([1, 1, 2, 3], num_bins=2)})
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        artifacts = {m["name"]: m["path"] for m in result.of_type("artifact")}
        self.assertEqual(sorted(artifacts), ["media/grey_0_1.png", "media/h_1_4.histogram.json",
                                             "media/page_1_3.html", "media/rgb_0_0.png",
                                             "media/t_1_2.csv", "media/t_1_2.table.json"])
        with open(artifacts["media/rgb_0_0.png"], "rb") as handle:
            self.assertEqual(decode_png(handle.read()), (2, 2, 2, [[255, 0, 0, 0, 255, 0], [0, 0, 255, 10, 20, 30]]))
        with open(artifacts["media/grey_0_1.png"], "rb") as handle:
            # W&B scales float pixels <= 1.0 to 0..255.
            self.assertEqual(decode_png(handle.read()), (2, 2, 0, [[0, 128], [255, 64]]))
        with open(artifacts["media/t_1_2.table.json"]) as handle:
            self.assertEqual(json.load(handle), {"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]]})
        with open(artifacts["media/t_1_2.csv"]) as handle:
            self.assertEqual(handle.read().splitlines(), ["a,b", "1,x", "2,y"])
        with open(artifacts["media/page_1_3.html"]) as handle:
            self.assertEqual(handle.read(), "<b>hi</b>")
        with open(artifacts["media/h_1_4.histogram.json"]) as handle:
            self.assertEqual(json.load(handle), {"bins": [1.0, 2.0, 3.0], "values": [2, 2]})
        # The media-only log still takes its step, as in W&B.
        self.assertEqual([(m["step"], m["data"]) for m in result.of_type("log")], [(0, {"loss": 1.0}), (1, {})])

    def test_audio_becomes_a_wav_file_and_video_files_are_copied(self):
        scratch = tempfile.mkdtemp(prefix="sweep_media_")
        with open(os.path.join(scratch, "clip.mp4"), "wb") as handle:
            handle.write(b"not really mp4")
        result = trial("""
            import wandb
            wandb.init()
            try:
                wandb.Audio([0.0, 0.5])
            except ValueError as error:
                print(error)
            try:
                wandb.Video("clip.avi")
            except ValueError as error:
                print(error)
            stereo = [[0.0, -1.0], [0.5, 1.0], [2.0, 0.25]]  # frames x channels; 2.0 is clipped
            wandb.log({"mono": wandb.Audio([0, 1000, -1000], sample_rate=8000),
                       "stereo": wandb.Audio(stereo, sample_rate=16000, caption="s"),
                       "video": wandb.Video("clip.mp4", fps=4), "frames": wandb.Video([[[[0]]]])})
        """, scratch=scratch)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), [
            'Argument "sample_rate" is required when instantiating wandb.Audio with raw data.',
            "wandb.Video accepts gif, mp4, webm, ogg formats"])
        self.assertIn("wandb.Video from an array of frames is not stored", result.stderr)
        artifacts = {m["name"]: m["path"] for m in result.of_type("artifact")}
        self.assertEqual(sorted(artifacts), ["media/mono_0_0.wav", "media/stereo_0_1.wav", "media/video_0_2.mp4"])
        import wave
        with wave.open(artifacts["media/mono_0_0.wav"]) as clip:
            self.assertEqual((clip.getnchannels(), clip.getsampwidth(), clip.getframerate(), clip.getnframes()),
                             (1, 2, 8000, 3))
            self.assertEqual(struct.unpack("<3h", clip.readframes(3)), (0, 1000, -1000))
        with wave.open(artifacts["media/stereo_0_1.wav"]) as clip:
            self.assertEqual((clip.getnchannels(), clip.getframerate(), clip.getnframes()), (2, 16000, 3))
            # Floats in [-1, 1] scale to 16 bits (soundfile's PCM_16); out-of-range values clip.
            self.assertEqual(struct.unpack("<6h", clip.readframes(3)), (0, -32767, 16384, 32767, 32767, 8192))
        with open(artifacts["media/video_0_2.mp4"], "rb") as handle:
            self.assertEqual(handle.read(), b"not really mp4")


class ImportsAndIntegrationsTest(unittest.TestCase):
    def test_modules_scripts_import(self):
        result = trial("""
            import wandb
            major, minor = (int(x) for x in wandb.__version__.split(".")[:2])
            assert (major, minor) >= (0, 12), wandb.__version__
            from wandb.sdk.wandb_run import Run
            wandb.sdk.wandb_setup._setup(_reset=True)  # W&B's cross-validation example
            from wandb.errors import CommError, UsageError, Error
            from wandb.keras import WandbCallback
            from wandb.integration.keras import WandbMetricsLogger, WandbModelCheckpoint
            import wandb.sklearn
            wandb.sklearn.plot_confusion_matrix([1], [1], ["a"])
            assert issubclass(CommError, wandb.Error)
            run = wandb.init()
            assert isinstance(run, Run)
            ident = wandb.util.generate_id()
            assert len(ident) == 8 and ident.isalnum() and ident.lower() == ident
            callback = WandbCallback(monitor="val_loss", save_model=False)
            callback.on_epoch_end(0, {"loss": 2.0, "val_loss": 1.5})
            callback.on_epoch_end(1, {"loss": 1.0, "val_loss": 1.7})
            logger = WandbMetricsLogger()
            logger.on_epoch_end(2, {"loss": 0.5})
            print("ok")
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "ok")
        self.assertEqual([m["data"] for m in result.of_type("log")],
                         [{"loss": 2.0, "val_loss": 1.5, "epoch": 0}, {"loss": 1.0, "val_loss": 1.7, "epoch": 1},
                          {"epoch/loss": 0.5, "epoch/epoch": 2}])
        self.assertEqual(result.of_type("summary")[0]["data"], {"best_val_loss": 1.5})
        self.assertIn("wandb.sklearn.plot_confusion_matrix is not supported", result.stderr)


# --- A TensorBoard event writer written from the format spec (not from the reader) ---

def _crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 * (crc & 1))
    return crc ^ 0xFFFFFFFF


def _masked(data):
    crc = _crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n):
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def _field(number, wire, payload):
    key = _varint((number << 3) | wire)
    if wire == 2:
        return key + _varint(len(payload)) + payload
    return key + payload


def tf1_scalar_event(step, tag, value, wall_time=1.0):
    summary_value = _field(1, 2, tag.encode()) + _field(2, 5, struct.pack("<f", value))
    return (_field(1, 1, struct.pack("<d", wall_time)) + _field(2, 0, _varint(step))
            + _field(5, 2, _field(1, 2, summary_value)))


def tf2_scalar_event(step, tag, value, first):
    tensor = _field(1, 0, _varint(1)) + _field(2, 2, b"") + _field(4, 2, struct.pack("<f", value))
    summary_value = _field(1, 2, tag.encode()) + _field(8, 2, tensor)
    if first:
        summary_value += _field(9, 2, _field(1, 2, _field(1, 2, b"scalars")))
    return _field(2, 0, _varint(step)) + _field(5, 2, _field(1, 2, summary_value))


def histogram_event(step, tag):
    tensor = _field(1, 0, _varint(2)) + _field(6, 2, struct.pack("<3d", 1, 2, 3))
    metadata = _field(1, 2, _field(1, 2, b"histograms"))
    return _field(2, 0, _varint(step)) + _field(5, 2, _field(1, 2, _field(1, 2, tag.encode()) + _field(8, 2, tensor)
                                                           + _field(9, 2, metadata)))


def tfrecord(data):
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", _masked(length)) + data + struct.pack("<I", _masked(data))


class TensorboardTest(unittest.TestCase):
    def test_scalars_of_event_files_become_metrics(self):
        scratch = tempfile.mkdtemp(prefix="wandb_tb_")
        with open(os.path.join(scratch, "writer.py"), "w") as out:
            out.write(textwrap.dedent("""
                import os, sys
                sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
                from tbwriter import write
                write()
            """))
        with open(os.path.join(scratch, "tbwriter.py"), "w") as out:
            out.write("import os, struct\n")
            import inspect
            for function in (_crc32c, _masked, _varint, _field, tf1_scalar_event, tf2_scalar_event,
                             histogram_event, tfrecord):
                out.write(textwrap.dedent(inspect.getsource(function)) + "\n")
            out.write(textwrap.dedent("""
                def write():
                    os.makedirs("logs/train", exist_ok=True)
                    records = [tf1_scalar_event(0, "loss", 2.0), tf1_scalar_event(1, "loss", 1.5),
                               tf2_scalar_event(0, "acc", 0.25, True), tf2_scalar_event(1, "acc", 0.5, False),
                               histogram_event(1, "weights")]
                    with open("logs/train/events.out.tfevents.1.host", "wb") as f:
                        for r in records:
                            f.write(tfrecord(r))
                        f.write(tfrecord(tf1_scalar_event(2, "loss", 9.0))[:-3])  # still being written
            """))
        for how in ("wandb.init(sync_tensorboard=True)", "wandb.tensorboard.patch(root_logdir='logs'); wandb.init()"):
            result = trial("""
                import wandb
                %s
                import writer
                wandb.finish()
            """ % how, scratch=scratch)
            self.assertEqual(result.returncode, 0, result.stderr)
            logs = [(m["step"], m["data"]) for m in result.of_type("log")]
            self.assertEqual(logs, [(0, {"loss": 2.0, "acc": 0.25}), (1, {"loss": 1.5, "acc": 0.5})], how)

    def test_scalars_are_read_while_the_run_runs(self):
        scratch = tempfile.mkdtemp(prefix="wandb_tb_live_")
        with open(os.path.join(scratch, "tbwriter.py"), "w") as out:
            out.write("import os, struct\n")
            import inspect
            for function in (_crc32c, _masked, _varint, _field, tf1_scalar_event, tfrecord):
                out.write(textwrap.dedent(inspect.getsource(function)) + "\n")
        result = trial("""
            import time, wandb
            from tbwriter import tf1_scalar_event, tfrecord
            wandb.init(sync_tensorboard=True)
            with open("events.out.tfevents.2.host", "wb") as f:
                f.write(tfrecord(tf1_scalar_event(3, "loss", 0.5)))
            deadline = time.monotonic() + 60
            while wandb.run.step != 4 and time.monotonic() < deadline:  # the reader logged step 3
                time.sleep(0.02)
            print("seen live" if wandb.run.step == 4 else "not seen")
            wandb.log({"marker": 1})
            wandb.finish()
        """, scratch=scratch, extra_env={"SWEEP_TENSORBOARD_POLL_S": "0.05"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "seen live")
        logs = [(m["step"], m["data"]) for m in result.of_type("log")]
        self.assertEqual(logs, [(3, {"loss": 0.5}), (4, {"marker": 1})])  # read once, before the run ended


if __name__ == "__main__":
    unittest.main()
