"""TensorBoard event files read without TensorFlow: TFRecord framing and the few protobuf fields of scalars.

TFRecord (tensorflow/core/lib/io/record_writer.cc): each record is
    uint64 length (little endian) | uint32 masked CRC-32C of the length
    | length bytes of data | uint32 masked CRC-32C of the data
with mask(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32).

Each record is an `Event` (tensorflow/core/util/event.proto):
    double wall_time = 1; int64 step = 2; Summary summary = 5; (others skipped)
Summary (summary.proto): repeated Value value = 1, with
    string tag = 1; float simple_value = 2; SummaryMetadata metadata = 9;
    TensorProto tensor = 8;
SummaryMetadata: PluginData plugin_data = 1 { string plugin_name = 1; }.
TensorProto (tensor.proto): DataType dtype = 1; TensorShapeProto shape = 2;
    bytes tensor_content = 4; repeated float float_val = 5 (packed);
    repeated double double_val = 6; repeated int32 int_val = 7;
    repeated int64 int64_val = 10.
TF1 and tensorboardX write scalars as simple_value; TF2's tf.summary.scalar
writes a one-element tensor whose first event for a tag carries the
"scalars" plugin. Values of other plugins (histograms, images, text) are
skipped. A truncated last record (the writer still writing) ends the read;
a record whose CRC does not match ends it too (nothing after it is trusted).
"""
import struct

_MASK_DELTA = 0xA282EAD8
# A record longer than this is not a scalar event (images can be large; they are skipped unread).
MAX_RECORD_BYTES = 64 * 1024 * 1024
# Protobuf nesting we follow: Event > Summary > Value > TensorProto/Metadata > PluginData.
_WIRE_VARINT, _WIRE_64BIT, _WIRE_BYTES, _WIRE_32BIT = 0, 1, 2, 5
_DT_FLOAT, _DT_DOUBLE, _DT_INT32, _DT_INT64 = 1, 2, 3, 9
SCALARS_PLUGIN = "scalars"


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def read_records(handle):
    """Yields each record's data; stops at EOF, a truncated record or a CRC mismatch."""
    while True:
        header = handle.read(12)
        if len(header) < 12:
            return
        length, length_crc = struct.unpack("<QI", header)
        if length_crc != masked_crc32c(header[:8]) or length > MAX_RECORD_BYTES:
            return
        data = handle.read(length)
        footer = handle.read(4)
        if len(data) < length or len(footer) < 4:
            return
        if struct.unpack("<I", footer)[0] != masked_crc32c(data):
            return
        yield data


def _varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """Yields (field number, wire type, value) of one protobuf message; bytes for length-delimited."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == _WIRE_VARINT:
            value, pos = _varint(buf, pos)
        elif wire == _WIRE_64BIT:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == _WIRE_32BIT:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == _WIRE_BYTES:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        else:
            raise ValueError("unsupported wire type %d" % wire)
        if pos > len(buf):
            raise ValueError("truncated field")
        yield number, wire, value


def _signed64(value):
    return value - (1 << 64) if value >= 1 << 63 else value


def _tensor_scalar(buf):
    """The single number a TensorProto holds, or None if it holds another shape or type."""
    dtype, numbers, content = None, [], b""
    for number, wire, value in fields(buf):
        if number == 1 and wire == _WIRE_VARINT:
            dtype = value
        elif number == 4 and wire == _WIRE_BYTES:
            content = value
        elif number == 5:  # float_val, packed (bytes) or one 32-bit value
            numbers += [v for (v,) in struct.iter_unpack("<f", value)]
        elif number == 6:
            numbers += [v for (v,) in struct.iter_unpack("<d", value)]
        elif number in (7, 10):
            if wire == _WIRE_VARINT:
                numbers.append(_signed64(value))
            else:
                pos = 0
                while pos < len(value):
                    v, pos = _varint(value, pos)
                    numbers.append(_signed64(v))
    if content:
        formats = {_DT_FLOAT: "<f", _DT_DOUBLE: "<d", _DT_INT32: "<i", _DT_INT64: "<q"}
        if dtype not in formats:
            return None
        numbers = [v for (v,) in struct.iter_unpack(formats[dtype], content)]
    return float(numbers[0]) if len(numbers) == 1 else None


def _plugin_name(metadata):
    for number, _, value in fields(metadata):
        if number == 1:  # plugin_data
            for inner, _, name in fields(value):
                if inner == 1:
                    return name.decode("utf-8", "replace")
    return None


def scalars_of_event(record, plugins):
    """(step, [(tag, value)]) of one Event record; `plugins` remembers each tag's plugin."""
    step, found = 0, []
    for number, wire, value in fields(record):
        if number == 2 and wire == _WIRE_VARINT:
            step = _signed64(value)
        elif number == 5 and wire == _WIRE_BYTES:
            for vnum, _, entry in fields(value):
                if vnum != 1:
                    continue
                tag, simple, tensor = None, None, None
                for fnum, fwire, fval in fields(entry):
                    if fnum == 1:
                        tag = fval.decode("utf-8", "replace")
                    elif fnum == 2 and fwire == _WIRE_32BIT:
                        simple = struct.unpack("<f", fval)[0]
                    elif fnum == 8:
                        tensor = fval
                    elif fnum == 9 and tag is not None:
                        plugins[tag] = _plugin_name(fval)
                if tag is None:
                    continue
                if simple is not None:
                    found.append((tag, float(simple)))
                elif tensor is not None and plugins.get(tag, SCALARS_PLUGIN) == SCALARS_PLUGIN:
                    number_value = _tensor_scalar(tensor)
                    if number_value is not None:
                        found.append((tag, number_value))
    return step, found


def read_scalars_from(path, offset, plugins):
    """([(step, tag, value)], next offset): the scalars of the whole records after byte `offset`.

    A record still being written (truncated) is left for a later read from
    the offset returned; `plugins` carries each tag's plugin across reads.
    """
    out = []
    with open(path, "rb") as handle:
        handle.seek(offset)
        for record in read_records(handle):
            offset = handle.tell()
            try:
                step, scalars = scalars_of_event(record, plugins)
            except (ValueError, struct.error):
                continue  # one malformed event is skipped, the stream goes on
            out += [(step, tag, value) for tag, value in scalars]
    return out, offset


def read_scalars(path):
    """[(step, tag, value)] of every scalar in the event file at `path`, in file order."""
    return read_scalars_from(path, 0, {})[0]
